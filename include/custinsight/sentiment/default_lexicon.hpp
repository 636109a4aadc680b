#pragma once

/// @file default_lexicon.hpp
/// @brief The library's own embedded lexicon, so that sentiment scoring works from C++ alone:
/// general sentiment words, emoticons, a small emoji table and customer-service language
/// (single words and phrases such as "on hold" or "went above and beyond").
///
/// The entries in default_lexicon.inc are produced by scripts/build_sentiment_lexicon.py from
/// this project's hand-assigned valence tiers (see that script for how they were chosen); they
/// are not copied from VADER's or any other published lexicon.

#include <string_view>

#include "custinsight/sentiment/lexicon.hpp"

namespace custinsight {

namespace detail {
struct EmbeddedValence {
  std::string_view token;
  double valence;
};
struct EmbeddedEmoji {
  std::string_view emoji;
  std::string_view description;
};
#include "custinsight/sentiment/default_lexicon.inc"
}  // namespace detail

/// @brief The embedded default lexicon (built once, then copied).
inline const SentimentLexicon& default_sentiment_lexicon() {
  static const SentimentLexicon lexicon = [] {
    SentimentLexicon lex;
    // The embedded valences are all within +/-4, so set() cannot refuse one.
    for (const auto& e : detail::kEmbeddedValences) (void)lex.set(e.token, e.valence);
    for (const auto& e : detail::kEmbeddedEmoji) lex.set_emoji(e.emoji, e.description);
    return lex;
  }();
  return lexicon;
}

}  // namespace custinsight
