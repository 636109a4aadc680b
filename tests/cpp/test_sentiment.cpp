#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cctype>
#include <fstream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "custinsight/parallel.hpp"
#include "custinsight/sentiment.hpp"
#include "shared_data.hpp"

namespace ci = custinsight;

namespace {

// VADER's normalisation, written out independently of the analyser.
double compound_of(double s) { return s / std::sqrt(s * s + 15.0); }

ci::SentimentLexicon tiny() {
  auto lex = ci::SentimentLexicon::from_vader_text("good\t2.0\t0.5\t[2]\nbad\t-2.0\nmeh\t0\n");
  EXPECT_TRUE(lex.ok()) << lex.status();
  return *lex;
}

}  // namespace

TEST(SentimentLexicon, VaderFormatLastLineWinsAndErrorsNameTheLine) {
  auto lex = ci::SentimentLexicon::from_vader_text("a\t1\nb\t-1\na\t2.5\r\n\n");
  ASSERT_TRUE(lex.ok()) << lex.status();
  EXPECT_EQ(lex->size(), 2u);
  EXPECT_EQ(*lex->find("a"), 2.5);
  auto bad = ci::SentimentLexicon::from_vader_text("a\t1\nb\tx\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("line 2"), std::string_view::npos);
  auto utf = ci::SentimentLexicon::from_vader_text("a\t1\n\xff\t2\n");
  ASSERT_FALSE(utf.ok());
  EXPECT_NE(utf.status().message().find("line 2"), std::string_view::npos);
}

TEST(SentimentLexicon, AfinnFormatAndMerge) {
  auto afinn = ci::SentimentLexicon::from_afinn_text("can't stand\t-3\ngood\t3\n", "afinn", 0.8);
  ASSERT_TRUE(afinn.ok()) << afinn.status();
  EXPECT_DOUBLE_EQ(*afinn->find("can't stand"), -2.4);
  const auto merged = tiny().merged(*afinn);
  EXPECT_DOUBLE_EQ(*merged.find("good"), 2.4);  // the later lexicon wins
  EXPECT_EQ(*merged.find("bad"), -2.0);
  EXPECT_FALSE(ci::SentimentLexicon::from_afinn_text("good\t1.5\n").ok());
  EXPECT_EQ(ci::SentimentLexicon::from_file("/nonexistent/lexicon.txt").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(SentimentAnalyzer, ClosedFormsOfTheRules) {
  const ci::SentimentAnalyzer a(tiny());
  auto c = [&](std::string_view text) { return a.polarity_scores(text)->raw_compound; };
  EXPECT_NEAR(c("good"), compound_of(2.0), 1e-15);
  EXPECT_NEAR(c("very good"), compound_of(2.293), 1e-15);
  EXPECT_NEAR(c("very much good"), compound_of(2.0 + 0.293 * 0.95), 1e-15);
  EXPECT_NEAR(c("not good"), compound_of(2.0 * -0.74), 1e-15);
  EXPECT_NEAR(c("good!!"), compound_of(2.584), 1e-15);
  EXPECT_NEAR(c("GOOD day"), compound_of(2.733), 1e-15);
  EXPECT_NEAR(c("MEH day"), compound_of(-0.733), 1e-15);  // caps applied to a zero valence
  EXPECT_NEAR(c("good but bad"), compound_of(1.0 - 3.0), 1e-15);
  const auto s = *a.polarity_scores("good it is");
  EXPECT_NEAR(s.raw_neu, 2.0 / 5.0, 1e-15);
  EXPECT_EQ(s.neu, 0.4);
}

TEST(SentimentAnalyzer, RoundingIsCorrectlyRounded) {
  namespace v = ci::detail::vader;
  // 0.00015 is stored as 1.49999...e-4: the exact binary value rounds down.
  EXPECT_EQ(v::python_round(0.00015, 4), 0.0001);
  EXPECT_EQ(v::python_round(0.5555, 3), 0.555);    // 0.55549999...
  EXPECT_EQ(v::python_round(0.0625, 3), 0.062);    // an exact tie goes to even
  EXPECT_EQ(v::python_round(-0.12345, 4), -0.1235);  // -0.123450000000000004...
  // Every value agrees with printing to four decimals and reading back.
  for (int k = 0; k < 200000; ++k) {
    const double x = std::sin(k * 0.7) * 0.99999;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4f", x);
    EXPECT_EQ(v::python_round(x, 4), std::strtod(buf, nullptr)) << x;
  }
}

TEST(SentimentAnalyzer, InvalidUtf8IsAnErrorWithTheOffset) {
  const ci::SentimentAnalyzer a(tiny());
  auto r = a.polarity_scores("good \xE2\x82");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("byte offset 5"), std::string_view::npos);
  std::vector<std::string_view> texts{"good", "bad", "ok\xED\xA0\x80"};  // a surrogate
  auto b = ci::score_texts(a, texts);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("texts[2]: invalid UTF-8 at byte offset 2"),
            std::string_view::npos);
}

TEST(SentimentBatch, MissingTopTokensAndThreadIndependence) {
  const ci::SentimentAnalyzer a(ci::default_sentiment_lexicon());
  std::vector<std::string> owned;
  for (int i = 0; i < 5000; ++i)
    owned.push_back(i % 3 ? "The agent was rude but the refund was quick" : "great service!!");
  std::vector<std::string_view> texts(owned.begin(), owned.end());
  std::vector<std::uint8_t> missing(texts.size(), 0);
  missing[7] = 1;
  ci::set_num_threads(1);
  auto one = ci::score_texts(a, texts, missing, {2, true});
  ci::set_num_threads(2);
  auto two = ci::score_texts(a, texts, missing, {2, true});
  ci::set_num_threads(0);
  ASSERT_TRUE(one.ok() && two.ok());
  EXPECT_TRUE(std::isnan(one->compound[7]));
  for (std::size_t i = 0; i < texts.size(); ++i) {
    if (i == 7) continue;
    EXPECT_EQ(one->raw_compound[i], two->raw_compound[i]);
    EXPECT_EQ(one->compound[i], a.polarity_scores(texts[i])->compound);
  }
  EXPECT_EQ(one->top_token, two->top_token);
  // After "but" words count 1.5 times: quick 1.8 * 1.5, refund -1.2 * 1.5 (rude: -2.2 * 0.5).
  EXPECT_EQ(one->top_token[1 * 2 + 0], "quick");
  EXPECT_DOUBLE_EQ(one->top_contribution[1 * 2 + 0], 1.8 * 1.5);
  EXPECT_EQ(one->top_token[1 * 2 + 1], "refund");
  EXPECT_DOUBLE_EQ(one->top_contribution[1 * 2 + 1], -1.2 * 1.5);
}

TEST(SentimentAnalyzer, CorrectedModeMatchesPhrasesAndApostrophes) {
  const ci::SentimentAnalyzer fixed(ci::default_sentiment_lexicon(), {true});
  const ci::SentimentAnalyzer reference(ci::default_sentiment_lexicon());
  std::vector<ci::TokenContribution> top;
  auto s = fixed.polarity_scores("They kept me on hold and then hung up", 1, &top);
  ASSERT_TRUE(s.ok());
  EXPECT_LT(s->compound, -0.5);
  ASSERT_EQ(top.size(), 1u);
  EXPECT_EQ(top[0].token, "hung up");
  EXPECT_LT(fixed.polarity_scores("I don’t like it")->compound, 0.0);
  EXPECT_GT(reference.polarity_scores("I don’t like it")->compound, 0.0);
}

TEST(SentimentAnalyzer, LongTextsAreLinear) {
  const ci::SentimentAnalyzer a(tiny());
  std::string text;
  for (int i = 0; i < 200000; ++i) text += i % 7 ? "good bad but meh " : "GOOD not good ";
  auto s = a.polarity_scores(text);  // ~800k tokens: would take hours if quadratic
  ASSERT_TRUE(s.ok());
  EXPECT_GE(s->compound, -1.0);
  EXPECT_LE(s->compound, 1.0);
}

TEST(SentimentAnalyzer, AmazonSnippetsAgreeWithHumanRatings) {
  CUSTINSIGHT_REQUIRE_SHARED_DATA("amazonReviewSnippets_GroundTruth.txt");
  std::ifstream in(ci::testing::shared_data("amazonReviewSnippets_GroundTruth.txt"),
                   std::ios::binary);
  std::vector<std::string> texts;
  std::vector<double> rating;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto t1 = line.find('\t'), t2 = line.find('\t', t1 + 1);
    if (t2 == std::string::npos) continue;
    rating.push_back(std::stod(line.substr(t1 + 1, t2 - t1 - 1)));
    texts.push_back(line.substr(t2 + 1));
  }
  ASSERT_EQ(texts.size(), 3708u);
  std::vector<std::string_view> views(texts.begin(), texts.end());
  auto b = ci::score_texts(ci::SentimentAnalyzer(ci::default_sentiment_lexicon()), views);
  ASSERT_TRUE(b.ok());
  double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0;
  const double n = static_cast<double>(texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) mx += b->compound[i] / n, my += rating[i] / n;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    sxy += (b->compound[i] - mx) * (rating[i] - my);
    sxx += (b->compound[i] - mx) * (b->compound[i] - mx);
    syy += (rating[i] - my) * (rating[i] - my);
  }
  // The embedded lexicon must stay within 0.05 of VADER's own (0.590 on these ratings).
  EXPECT_GT(sxy / std::sqrt(sxx * syy), 0.54);
}

TEST(SentimentWordTable, FindsExactlyItsKeys) {
  // Keys of every length around the eight-byte word boundaries, against a plain hash map.
  std::mt19937 rng(12345);
  auto random_word = [&](std::size_t len) {
    std::string w;
    for (std::size_t k = 0; k < len; ++k) w.push_back(static_cast<char>('a' + rng() % 4));
    return w;
  };
  ci::detail::StringMap<ci::detail::WordInfo> keys;
  for (int k = 0; k < 3000; ++k) {
    ci::detail::WordInfo info;
    info.flags = static_cast<std::uint32_t>(k);
    info.lex = k * 0.5;
    keys.try_emplace(random_word(rng() % 26), info);
  }
  const ci::detail::WordTable table(keys);
  for (int k = 0; k < 20000; ++k) {
    const std::string probe = random_word(rng() % 30);
    std::string padded = probe + "\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f";  // junk past the key
    const auto it = keys.find(probe);
    const ci::detail::WordInfo* found = table.find(probe);
    const ci::detail::WordInfo& got = table.get_padded(padded.data(), probe.size());
    if (it == keys.end()) {
      EXPECT_EQ(found, nullptr) << probe;
      EXPECT_EQ(got.flags, 0u) << probe;
    } else {
      ASSERT_NE(found, nullptr) << probe;
      EXPECT_EQ(found->flags, it->second.flags) << probe;
      EXPECT_EQ(got.lex, it->second.lex) << probe;
    }
  }
  EXPECT_EQ(table.find(""), keys.contains("") ? table.find("") : nullptr);
}

TEST(SentimentAnalyzer, AsciiFastPathMatchesTheGeneralTokenizer) {
  // Random ASCII texts of rule words, lexicon words, idioms, negations, caps, punctuation and
  // every kind of ASCII whitespace, scored by the ASCII fast path and by the general
  // tokenizer: every score and contribution must be identical.
  const ci::SentimentLexicon lexicon = ci::default_sentiment_lexicon();
  for (const auto& [cp, description] : lexicon.emoji()) ASSERT_GE(cp, 0x80u);  // else no fast path
  const ci::SentimentAnalyzer analyzer(lexicon);
  std::vector<std::string> vocabulary = {
      "no", "least", "at", "very", "but", "BUT", "kind", "of", "so", "this", "never", "without",
      "doubt", "or", "nor", "the", "shit", "bomb", "bad", "ass", "kiss", "death", "to", "die",
      "for", "yeah", "right", "just", "enough", "sort", "don't", "isn't", "wasn't", "nope",
      "DON'T", "can't", "n't", "aint", "really", "extremely", "kinda", "barely", "I", "a", "ok",
      "okay", "ok.", "no,", "it's", "'", "!!", "?", "?!?", "...", "-", ":)", ":-(", "x", "Hi!",
      "unbelievably", "absolutely-not", "\x01", "\x7f", "0", "42!"};
  std::size_t taken = 0;
  for (const auto& [k, v] : lexicon.entries()) {
    if (k.find(' ') == std::string::npos && taken++ % 7 == 0) vocabulary.push_back(k);
  }
  const std::vector<std::string> spaces = {" ", " ", " ", "  ", "\t", "\n", "\r\n", "\x0b",
                                           "\x0c", "\x1c", "\x1f"};
  const std::string punctuation = ".,!?'\"()-:;*";
  std::mt19937 rng(2024);
  ci::detail::SentimentWorkspace fast, general;
  general.general_only = true;
  std::vector<ci::TokenContribution> top_fast, top_general;
  std::size_t compared = 0;
  for (int t = 0; t < 4000; ++t) {
    std::string text;
    const std::size_t words = rng() % (t % 50 == 0 ? 150 : 20);
    for (std::size_t w = 0; w < words; ++w) {
      std::string word = vocabulary[rng() % vocabulary.size()];
      switch (rng() % 6) {
        case 0:
          for (char& c : word) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
          break;
        case 1:
          word.front() = static_cast<char>(std::toupper(static_cast<unsigned char>(word.front())));
          break;
        default:
          break;
      }
      if (rng() % 5 == 0) word.push_back(punctuation[rng() % punctuation.size()]);
      if (rng() % 9 == 0) word.insert(word.begin(), punctuation[rng() % punctuation.size()]);
      if (rng() % 10 == 0) {  // a long made-up word, across eight-byte boundaries
        for (std::size_t k = rng() % 20; k > 0; --k)
          word.push_back(static_cast<char>('a' + rng() % 26));
      }
      if (w > 0 || rng() % 4 == 0) text += spaces[rng() % spaces.size()];
      text += word;
    }
    if (rng() % 4 == 0) text += spaces[rng() % spaces.size()];
    const auto a = analyzer.score_valid(text, fast, 1000, &top_fast);
    const auto b = analyzer.score_valid(text, general, 1000, &top_general);
    ASSERT_EQ(fast.tokens.size(), general.tokens.size()) << text;
    for (std::size_t i = 0; i < fast.tokens.size(); ++i) {
      EXPECT_EQ(fast.tokens[i].lower, general.tokens[i].lower) << text;
      EXPECT_EQ(fast.tokens[i].flags, general.tokens[i].flags) << text;
    }
    EXPECT_EQ(a.raw_neg, b.raw_neg) << text;
    EXPECT_EQ(a.raw_neu, b.raw_neu) << text;
    EXPECT_EQ(a.raw_pos, b.raw_pos) << text;
    EXPECT_EQ(a.raw_compound, b.raw_compound) << text;
    ASSERT_EQ(top_fast.size(), top_general.size()) << text;
    for (std::size_t r = 0; r < top_fast.size(); ++r) {
      EXPECT_EQ(top_fast[r].token, top_general[r].token) << text;
      EXPECT_EQ(top_fast[r].contribution, top_general[r].contribution) << text;
    }
    compared += fast.tokens.size();
  }
  EXPECT_GT(compared, 30000u);  // the texts are not trivially empty
}
