// The sentiment tokenizer and analyser on arbitrary bytes, in both modes, one text at a time and
// as a batch: invalid UTF-8 must be an error, anything else scores in range, the same either way,
// and the same through the ASCII fast path as through the general tokenizer.

#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "custinsight/sentiment.hpp"
#include "fuzz_check.hpp"

namespace ci = custinsight;

namespace {

const ci::SentimentAnalyzer& analyzer(bool corrected) {
  static const ci::SentimentAnalyzer reference(ci::default_sentiment_lexicon(), {false});
  static const ci::SentimentAnalyzer fixed(ci::default_sentiment_lexicon(), {true});
  return corrected ? fixed : reference;
}

void check_scores(const ci::SentimentScores& s) {
  for (double v : {s.neg, s.neu, s.pos, s.raw_neg, s.raw_neu, s.raw_pos})
    CUSTINSIGHT_FUZZ_CHECK(std::isfinite(v) && v >= 0.0 && v <= 1.0);
  CUSTINSIGHT_FUZZ_CHECK(std::isfinite(s.compound) && std::fabs(s.compound) <= 1.0);
  CUSTINSIGHT_FUZZ_CHECK(std::isfinite(s.raw_compound) && std::fabs(s.raw_compound) <= 1.0);
  const double total = s.raw_neg + s.raw_neu + s.raw_pos;
  CUSTINSIGHT_FUZZ_CHECK(total == 0.0 || std::fabs(total - 1.0) < 1e-9);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const bool corrected = in.ConsumeBool();
  const auto top_k = in.ConsumeIntegralInRange<std::size_t>(0, 4);
  // Two texts, so that the batch path reuses its workspace across texts.
  const std::string first = in.ConsumeRandomLengthString(4096);
  const std::string second = in.ConsumeRemainingBytesAsString();
  const ci::SentimentAnalyzer& a = analyzer(corrected);

  std::vector<ci::SentimentScores> single;
  bool all_valid = true;
  for (const std::string* text : {&first, &second}) {
    std::vector<ci::TokenContribution> top;
    auto s = a.polarity_scores(*text, top_k, &top);
    const bool valid = !ci::detail::unicode::first_invalid_utf8(*text).has_value();
    CUSTINSIGHT_FUZZ_CHECK(s.ok() == valid);
    all_valid = all_valid && valid;
    if (!s.ok()) continue;
    check_scores(*s);
    single.push_back(*s);
    ci::detail::SentimentWorkspace general;
    general.general_only = true;
    const ci::SentimentScores g = a.score_valid(*text, general);
    CUSTINSIGHT_FUZZ_CHECK(g.raw_compound == s->raw_compound && g.raw_neg == s->raw_neg &&
                           g.raw_neu == s->raw_neu && g.raw_pos == s->raw_pos);
    CUSTINSIGHT_FUZZ_CHECK(top.size() <= top_k);
    for (std::size_t r = 0; r < top.size(); ++r) {
      CUSTINSIGHT_FUZZ_CHECK(std::isfinite(top[r].contribution) && top[r].contribution != 0.0);
      if (r > 0)
        CUSTINSIGHT_FUZZ_CHECK(std::fabs(top[r - 1].contribution) >=
                               std::fabs(top[r].contribution));
    }
  }

  const std::vector<std::string_view> texts = {first, second};
  ci::SentimentBatchOptions options;
  options.top_k = top_k;
  options.raw = true;
  auto batch = ci::score_texts(a, texts, {}, options);
  CUSTINSIGHT_FUZZ_CHECK(batch.ok() == all_valid);
  if (!batch.ok()) return 0;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    // Bit-for-bit the same as scoring the text on its own.
    CUSTINSIGHT_FUZZ_CHECK(batch->compound[i] == single[i].compound);
    CUSTINSIGHT_FUZZ_CHECK(batch->raw_compound[i] == single[i].raw_compound);
    CUSTINSIGHT_FUZZ_CHECK(batch->neg[i] == single[i].neg && batch->pos[i] == single[i].pos);
  }
  return 0;
}
