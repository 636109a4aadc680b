#pragma once

// What the lexicon targets do with a lexicon that loaded: score a text with it in both modes.
// Loading must reject what it cannot read; whatever it accepts must give scores in range.

#include <cmath>
#include <string_view>

#include "custinsight/sentiment.hpp"
#include "fuzz_check.hpp"

namespace custinsight::fuzz {

inline void score_with(const SentimentLexicon& lexicon, std::string_view text) {
  if (detail::unicode::first_invalid_utf8(text)) return;
  for (bool corrected : {false, true}) {
    const SentimentAnalyzer analyzer(lexicon, {corrected});
    auto s = analyzer.polarity_scores(text, 3);
    CUSTINSIGHT_FUZZ_CHECK(s.ok());
    CUSTINSIGHT_FUZZ_CHECK(std::isfinite(s->compound) && std::fabs(s->compound) <= 1.0);
    for (double v : {s->neg, s->neu, s->pos}) CUSTINSIGHT_FUZZ_CHECK(std::isfinite(v));
  }
}

}  // namespace custinsight::fuzz
