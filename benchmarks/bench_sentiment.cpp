// Google Benchmark: sentiment scoring of the Amazon review snippets (../shared/data), lexicon
// loading, and the cost of one text as it grows (linear in its length).
//
// The VADER lexicon is read from the file named by CUSTINSIGHT_VADER_LEXICON (the
// vaderSentiment package's vader_lexicon.txt), with the emoji table next to it
// (emoji_utf8_lexicon.txt), as Lexicon.vader() loads them; without it the embedded lexicon is
// used.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "custinsight/parallel.hpp"
#include "custinsight/sentiment.hpp"

namespace ci = custinsight;

namespace {

const std::vector<std::string>& snippets() {
  static const std::vector<std::string> texts = [] {
    std::vector<std::string> out;
    std::ifstream in(std::string(CUSTINSIGHT_SHARED_DATA) + "/amazonReviewSnippets_GroundTruth.txt",
                     std::ios::binary);
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      const auto t1 = line.find('\t');
      const auto t2 = t1 == std::string::npos ? t1 : line.find('\t', t1 + 1);
      if (t2 != std::string::npos) out.push_back(line.substr(t2 + 1));
    }
    return out;
  }();
  return texts;
}

const ci::SentimentLexicon& lexicon() {
  static const ci::SentimentLexicon lex = [] {
    if (const char* path = std::getenv("CUSTINSIGHT_VADER_LEXICON")) {
      auto l = ci::SentimentLexicon::from_file(path);
      if (l.ok()) {
        const std::string dir = std::filesystem::path(path).parent_path().string();
        (void)l->add_emoji_file(dir + "/emoji_utf8_lexicon.txt");  // absent: no emoji table
        return *l;
      }
    }
    return ci::default_sentiment_lexicon();
  }();
  return lex;
}

void BM_SentimentSnippets(benchmark::State& state) {
  const auto& texts = snippets();
  if (texts.empty()) {
    state.SkipWithError("../shared/data/amazonReviewSnippets_GroundTruth.txt is absent");
    return;
  }
  ci::set_num_threads(static_cast<int>(state.range(0)));
  const ci::SentimentAnalyzer analyzer(lexicon(), {state.range(1) != 0});
  std::vector<std::string_view> views(texts.begin(), texts.end());
  for (auto _ : state) {
    auto scores = ci::score_texts(analyzer, views);
    benchmark::DoNotOptimize(scores);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(texts.size()));
  ci::set_num_threads(0);
}

void BM_SentimentLexiconLoad(benchmark::State& state) {
  const char* path = std::getenv("CUSTINSIGHT_VADER_LEXICON");
  if (!path) {
    state.SkipWithError("set CUSTINSIGHT_VADER_LEXICON to vaderSentiment's vader_lexicon.txt");
    return;
  }
  for (auto _ : state) {
    auto lex = ci::SentimentLexicon::from_file(path);
    ci::SentimentAnalyzer analyzer(*lex);
    benchmark::DoNotOptimize(analyzer);
  }
}

void BM_SentimentTextLength(benchmark::State& state) {
  // A review paragraph with negations, boosters, caps and a "but", repeated.
  const std::string unit =
      "The agent was NOT helpful but the refund was very quick and I am really happy, "
      "although the hold time was terrible and nobody answered for ages!! ";
  std::string text;
  while (static_cast<std::int64_t>(text.size()) < state.range(0)) text += unit;
  const ci::SentimentAnalyzer analyzer(lexicon());
  ci::detail::SentimentWorkspace ws;
  for (auto _ : state) {
    auto s = analyzer.score_valid(text, ws);
    benchmark::DoNotOptimize(s);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
}

}  // namespace

BENCHMARK(BM_SentimentSnippets)->Args({1, 0})->Args({2, 0})->Args({1, 1})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SentimentLexiconLoad)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SentimentTextLength)->RangeMultiplier(4)->Range(1 << 10, 1 << 20)
    ->Unit(benchmark::kMicrosecond);
