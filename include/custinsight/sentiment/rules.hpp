#pragma once

/// @file rules.hpp
/// @brief The constants and word lists of VADER's rules (Hutto & Gilbert 2014), as
/// vaderSentiment 3.3.2 ships them, plus the rounding that Python's `round` performs.

#include <array>
#include <charconv>
#include <cmath>
#include <string_view>
#include <system_error>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"

namespace custinsight::detail::vader {

/// Empirically derived intensity changes (VADER's B_INCR, B_DECR, C_INCR and N_SCALAR).
inline constexpr double kBoosterIncrement = 0.293;
inline constexpr double kBoosterDecrement = -0.293;
inline constexpr double kCapsIncrement = 0.733;
inline constexpr double kNegationScalar = -0.74;
/// Normalisation constant of `compound = s / sqrt(s^2 + alpha)`.
inline constexpr double kAlpha = 15.0;

/// Negation words (VADER's NEGATE list); any token containing "n't" also negates.
inline const absl::flat_hash_set<std::string_view>& negation_words() {
  static const absl::flat_hash_set<std::string_view> words{
      "aint",     "arent",    "cannot",   "cant",     "couldnt",  "darent",   "didnt",
      "doesnt",   "ain't",    "aren't",   "can't",    "couldn't", "daren't",  "didn't",
      "doesn't",  "dont",     "hadnt",    "hasnt",    "havent",   "isnt",     "mightnt",
      "mustnt",   "neither",  "don't",    "hadn't",   "hasn't",   "haven't",  "isn't",
      "mightn't", "mustn't",  "neednt",   "needn't",  "never",    "none",     "nope",
      "nor",      "not",      "nothing",  "nowhere",  "oughtnt",  "shant",    "shouldnt",
      "uhuh",     "wasnt",    "werent",   "oughtn't", "shan't",   "shouldn't", "uh-uh",
      "wasn't",   "weren't",  "without",  "wont",     "wouldnt",  "won't",    "wouldn't",
      "rarely",   "seldom",   "despite"};
  return words;
}

/// Degree adverbs: boosters add, dampeners subtract, 0.293 in the valence's direction.
inline const absl::flat_hash_map<std::string_view, double>& booster_words() {
  constexpr double I = kBoosterIncrement, D = kBoosterDecrement;
  static const absl::flat_hash_map<std::string_view, double> words{
      {"absolutely", I}, {"amazingly", I}, {"awfully", I}, {"completely", I},
      {"considerable", I}, {"considerably", I}, {"decidedly", I}, {"deeply", I},
      {"effing", I}, {"enormous", I}, {"enormously", I}, {"entirely", I}, {"especially", I},
      {"exceptional", I}, {"exceptionally", I}, {"extreme", I}, {"extremely", I},
      {"fabulously", I}, {"flipping", I}, {"flippin", I}, {"frackin", I}, {"fracking", I},
      {"fricking", I}, {"frickin", I}, {"frigging", I}, {"friggin", I}, {"fully", I},
      {"fuckin", I}, {"fucking", I}, {"fuggin", I}, {"fugging", I}, {"greatly", I},
      {"hella", I}, {"highly", I}, {"hugely", I}, {"incredible", I}, {"incredibly", I},
      {"intensely", I}, {"major", I}, {"majorly", I}, {"more", I}, {"most", I},
      {"particularly", I}, {"purely", I}, {"quite", I}, {"really", I}, {"remarkably", I},
      {"so", I}, {"substantially", I}, {"thoroughly", I}, {"total", I}, {"totally", I},
      {"tremendous", I}, {"tremendously", I}, {"uber", I}, {"unbelievably", I},
      {"unusually", I}, {"utter", I}, {"utterly", I}, {"very", I},
      {"almost", D}, {"barely", D}, {"hardly", D}, {"just enough", D}, {"kind of", D},
      {"kinda", D}, {"kindof", D}, {"kind-of", D}, {"less", D}, {"little", D},
      {"marginal", D}, {"marginally", D}, {"occasional", D}, {"occasionally", D},
      {"partly", D}, {"scarce", D}, {"scarcely", D}, {"slight", D}, {"slightly", D},
      {"somewhat", D}, {"sort of", D}, {"sorta", D}, {"sortof", D}, {"sort-of", D}};
  return words;
}

/// Idioms and phrases containing lexicon words (VADER's SPECIAL_CASES).
inline const absl::flat_hash_map<std::string_view, double>& special_cases() {
  static const absl::flat_hash_map<std::string_view, double> cases{
      {"the shit", 3.0},     {"the bomb", 3.0},       {"bad ass", 1.5},
      {"badass", 1.5},       {"bus stop", 0.0},       {"yeah right", -2.0},
      {"kiss of death", -1.5}, {"to die for", 3.0},   {"beating heart", 3.5}};
  return cases;
}

/// Idioms without lexicon words (VADER's SENTIMENT_LADEN_IDIOMS, which it never applies; the
/// corrected mode does).
inline const absl::flat_hash_map<std::string_view, double>& laden_idioms() {
  static const absl::flat_hash_map<std::string_view, double> idioms{
      {"cut the mustard", 2.0}, {"hand to mouth", -2.0}, {"back handed", -2.0},
      {"blow smoke", -2.0},     {"blowing smoke", -2.0}, {"upper hand", 1.0},
      {"break a leg", 2.0},     {"cooking with gas", 2.0}, {"in the black", 2.0},
      {"in the red", -2.0},     {"on the ball", 2.0},    {"under the weather", -2.0}};
  return idioms;
}

/// Python's `round(x, digits)`: the double nearest to the exact decimal rounding of x's binary
/// value (ties to even). Fixed-precision `to_chars` rounds the exact binary value correctly and
/// `from_chars` reads it back correctly, which is what CPython's dtoa-based round does;
/// `floor(x * 1e4 + 0.5) / 1e4` is not (x * 1e4 is itself rounded).
inline double python_round(double x, int digits) {
  if (!std::isfinite(x)) return x;
  // Fast path: away from a half-way case, the decimal rounding of x is round(x * 10^d) (the
  // product's rounding error is far below the margin), and the division by the exact power of
  // ten rounds that decimal to the nearest double, exactly as reading it back would.
  if (digits >= 0 && digits <= 15 && std::fabs(x) < 1e6) {
    static constexpr double kPow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                        1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    const double p = kPow10[digits];
    const double y = x * p;
    if (std::fabs(y) < 1e9) {
      // Adding and subtracting 1.5 * 2^52 rounds |y| < 2^51 to the nearest integer (ties to
      // even, which only differs from std::round at the ties excluded here), without a call.
      constexpr double kShifter = 6755399441055744.0;
      const double r = (y + kShifter) - kShifter;
      if (std::fabs(std::fabs(y - r) - 0.5) > 1e-6) return r / p;
    }
  }
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::fixed, digits);
  if (res.ec != std::errc()) return x;
  double out = 0.0;
  std::from_chars(buf, res.ptr, out);
  return out;
}

}  // namespace custinsight::detail::vader
