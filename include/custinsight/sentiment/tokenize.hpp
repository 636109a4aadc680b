#pragma once

/// @file tokenize.hpp
/// @brief VADER's text preparation: the emoji pass, whitespace splitting and punctuation
/// stripping, with CPython's string semantics; and the corrected mode's variants.

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "custinsight/sentiment/lexicon.hpp"
#include "custinsight/sentiment/unicode.hpp"

namespace custinsight::detail {

/// `string.punctuation`: the only characters VADER strips from token ends (ASCII).
constexpr bool is_ascii_punctuation(unsigned char c) {
  return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) ||
         (c >= 0x7B && c <= 0x7E);
}

/// One token of the working text, and what the rules need to know about it (one record, so
/// that a token is stored with a single push).
struct SentimentToken {
  std::string_view lower;  ///< its lower-case form (in the working text or the arena)
  bool all_caps = false;  ///< `str.isupper()` of the kept token
  std::uint32_t flags = 0;  ///< SentimentFlag bits, rule word and idiom word ids
  double lex = 0.0;         ///< lexicon valence
};

/// Scratch buffers reused across texts (one per thread), so that scoring a text allocates
/// nothing once they have grown to the longest text seen.
struct SentimentWorkspace {
  std::string text;   ///< working text after the emoji pass
  std::string arena;  ///< lower-case token forms
  std::string scratch;
  std::vector<SentimentToken> tokens;
  std::vector<double> sentiments;
  std::size_t bangs = 0;      ///< '!' in the working text
  std::size_t questions = 0;  ///< '?' in the working text
  std::size_t caps = 0;       ///< tokens in ALL CAPS
  bool any_but = false;       ///< some token is "but"
  /// Score ASCII text through the general tokenizer too (lets tests check the ASCII fast path
  /// against it).
  bool general_only = false;
};

/// VADER's emoji pass: each code point found in the emoji table becomes its description, with a
/// space before it unless the previous character was an ASCII space; nothing is added after it
/// (so "😀abc" becomes "grinning faceabc", as in the reference).
inline void replace_emoji_reference(std::string_view text, const SentimentLexicon& lex,
                                    std::string& out) {
  out.clear();
  out.reserve(text.size() + 16);
  bool prev_space = true;
  std::size_t i = 0;
  while (i < text.size()) {
    char32_t cp = 0;
    const std::size_t len = unicode::decode(text, i, cp);
    if (const std::string* desc = lex.find_emoji(cp)) {
      if (!prev_space) out.push_back(' ');
      out += *desc;
      prev_space = false;
    } else {
      out.append(text.data() + i, len);
      prev_space = cp == ' ';
    }
    i += len;
  }
}

/// Emoji presentation selectors, the zero-width joiner and skin tones: parts of an emoji
/// sequence that the corrected mode drops after replacing the emoji itself.
inline bool is_emoji_component(char32_t cp) {
  return cp == 0xFE0F || cp == 0xFE0E || cp == 0x200D || (cp >= 0x1F3FB && cp <= 0x1F3FF);
}

/// The corrected mode's text pass: typographic apostrophes and quotes become ASCII ones,
/// multi-code-point emoji sequences are matched (longest first), descriptions are separated
/// by spaces on both sides, and leftover emoji components are dropped.
inline void prepare_text_corrected(std::string_view text, const SentimentLexicon& lex,
                                   std::string& out) {
  out.clear();
  out.reserve(text.size() + 16);
  bool prev_space = true;
  bool after_emoji = false;
  std::size_t i = 0;
  const std::size_t max_seq = lex.max_sequence_bytes();
  while (i < text.size()) {
    char32_t cp = 0;
    const std::size_t len = unicode::decode(text, i, cp);
    if (cp >= 0x80) {
      const std::string* desc = nullptr;
      std::size_t used = len;
      if (max_seq > len) {
        for (std::size_t end = std::min(text.size(), i + max_seq); end > i + len; --end) {
          if (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
            continue;  // not a code point boundary
          if ((desc = lex.find_emoji_sequence(text.substr(i, end - i)))) {
            used = end - i;
            break;
          }
        }
      }
      if (!desc) desc = lex.find_emoji(cp);
      if (desc) {
        if (!prev_space) out.push_back(' ');
        out += *desc;
        out.push_back(' ');
        prev_space = true;
        after_emoji = true;
        i += used;
        continue;
      }
      if (after_emoji && is_emoji_component(cp)) {
        i += len;
        continue;
      }
      switch (cp) {
        case 0x2018: case 0x2019: case 0x201B: case 0x2032: case 0x02BC: case 0xFF07:
          out.push_back('\'');
          prev_space = false;
          after_emoji = false;
          i += len;
          continue;
        case 0x201C: case 0x201D: case 0x201E: case 0x201F: case 0x00AB: case 0x00BB:
        case 0x2033: case 0xFF02:
          out.push_back('"');
          prev_space = false;
          after_emoji = false;
          i += len;
          continue;
        default:
          break;
      }
    }
    out.append(text.data() + i, len);
    prev_space = cp == ' ';
    after_emoji = false;
    i += len;
  }
}

/// Byte classes for the tokenizer's single pass: ASCII whitespace (as CPython's isspace),
/// ASCII upper and lower case letters, and any byte of a multi-byte UTF-8 sequence.
/// Also string.punctuation, the apostrophe, and the '!' and '?' that the final emphasis counts.
enum ByteClass : std::uint8_t {
  kByteSpace = 1, kByteUpper = 2, kByteLower = 4, kByteHigh = 8, kBytePunct = 16,
  kByteApostrophe = 32, kByteMark = 64
};

inline constexpr std::array<std::uint8_t, 256> kByteClasses = [] {
  std::array<std::uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    std::uint8_t v = 0;
    if (c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F)) v |= kByteSpace;
    if (c >= 'A' && c <= 'Z') v |= kByteUpper;
    if (c >= 'a' && c <= 'z') v |= kByteLower;
    if (c >= 0x80) v |= kByteHigh;
    if (is_ascii_punctuation(static_cast<unsigned char>(c))) v |= kBytePunct;
    if (c == '\'') v |= kByteApostrophe;
    if (c == '!' || c == '?') v |= kByteMark;
    t[static_cast<std::size_t>(c)] = v;
  }
  return t;
}();

/// Splits `text` as `str.split()` does and calls `emit(begin, end, classes)` for each token,
/// where `classes` is the OR of the ByteClass bits of its bytes.
template <class Emit>
void split_python_whitespace(std::string_view text, Emit&& emit) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    // Skip whitespace.
    while (i < n) {
      const std::uint8_t c = kByteClasses[static_cast<unsigned char>(text[i])];
      if (c & kByteSpace) {
        ++i;
        continue;
      }
      if (!(c & kByteHigh)) break;
      char32_t cp = 0;
      std::size_t len = unicode::decode(text, i, cp);
      if (len == 0) len = 1;
      if (!unicode::is_space(cp)) break;
      i += len;
    }
    if (i >= n) break;
    const std::size_t start = i;
    std::uint8_t classes = 0;
    while (i < n) {
      const std::uint8_t c = kByteClasses[static_cast<unsigned char>(text[i])];
      if (c & kByteSpace) break;
      if (c & kByteHigh) {
        char32_t cp = 0;
        std::size_t len = unicode::decode(text, i, cp);
        if (len == 0) len = 1;
        if (unicode::is_space(cp)) break;
        classes |= kByteHigh;
        i += len;
        continue;
      }
      classes |= c;
      ++i;
    }
    emit(start, i, classes);
  }
}

/// Eight ASCII bytes at a time ("SIMD within a register"): for words whose bytes are all
/// below 0x80, each helper sets the high bit of the bytes in a class, without carries between
/// bytes. Words are little-endian (byte k of the text in bits 8k..8k+7) on every machine.
namespace swar {

inline constexpr std::uint64_t kOnes = 0x0101010101010101ull;
inline constexpr std::uint64_t kHigh = 0x8080808080808080ull;

/// Bytes p[0, min(left, 8)), padded with spaces; `behind` bytes before p may be read too.
inline std::uint64_t load(const char* p, std::size_t left, std::size_t behind) {
  std::uint64_t w;
  if (left >= 8) {
    std::memcpy(&w, p, 8);
    if constexpr (std::endian::native == std::endian::big) w = __builtin_bswap64(w);
    return w;
  }
  constexpr std::uint64_t kSpaces = 0x2020202020202020ull;
  if (left == 0) return kSpaces;
  if (left + behind >= 8) {
    // The eight bytes that end where the text ends, shifted down: no partial copy.
    std::memcpy(&w, p + left - 8, 8);
    if constexpr (std::endian::native == std::endian::big) w = __builtin_bswap64(w);
    return (w >> (8 * (8 - left))) | (kSpaces << (8 * left));
  }
  w = kSpaces;
  for (std::size_t k = 0; k < left; ++k) {
    w &= ~(std::uint64_t{0xFF} << (8 * k));
    w |= std::uint64_t{static_cast<unsigned char>(p[k])} << (8 * k);
  }
  return w;
}
/// Bytes in [lo, hi] (both ASCII).
inline std::uint64_t in_range(std::uint64_t w, unsigned lo, unsigned hi) {
  return (w + (0x80 - lo) * kOnes) & ~(w + (0x7F - hi) * kOnes) & kHigh;
}
inline std::uint64_t equal(std::uint64_t w, unsigned c) {
  return ~((w ^ (c * kOnes)) + 0x7F * kOnes) & kHigh;
}
/// Bytes at most 0x20: every ASCII whitespace byte, and control characters.
inline std::uint64_t at_most_space(std::uint64_t w) { return ~(w + 0x5F * kOnes) & kHigh; }
inline std::uint64_t lower(std::uint64_t w) { return w | (in_range(w, 'A', 'Z') >> 2); }
/// Stores a word at p in text order.
inline void store(char* p, std::uint64_t w) {
  if constexpr (std::endian::native == std::endian::big) w = __builtin_bswap64(w);
  std::memcpy(p, &w, 8);
}
inline std::size_t count(std::uint64_t marks) { return ((marks >> 7) * kOnes) >> 56; }
inline std::size_t first(std::uint64_t marks) {
  return static_cast<std::size_t>(std::countr_zero(marks)) / 8;
}
inline std::uint8_t byte(std::uint64_t w, std::size_t k) {
  return static_cast<std::uint8_t>(w >> (8 * k));
}
/// The bytes before byte k (k <= 8).
inline std::uint64_t before(std::size_t k) {
  return k >= 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * k)) - 1;
}

}  // namespace swar

/// `token.strip(string.punctuation)`, as a byte range.
inline std::string_view strip_ascii_punctuation(std::string_view token) {
  std::size_t b = 0, e = token.size();
  while (b < e && is_ascii_punctuation(static_cast<unsigned char>(token[b]))) ++b;
  while (e > b && is_ascii_punctuation(static_cast<unsigned char>(token[e - 1]))) --e;
  return token.substr(b, e - b);
}

/// Strips ASCII and Unicode punctuation (general category P*) from both ends.
inline std::string_view strip_all_punctuation(std::string_view token) {
  std::size_t b = 0, e = token.size();
  while (b < e) {
    const auto c = static_cast<unsigned char>(token[b]);
    if (c < 0x80) {
      if (!is_ascii_punctuation(c)) break;
      ++b;
      continue;
    }
    char32_t cp = 0;
    const std::size_t len = unicode::decode(token, b, cp);
    if (len == 0 || !unicode::is_punctuation(cp)) break;
    b += len;
  }
  while (e > b) {
    const auto c = static_cast<unsigned char>(token[e - 1]);
    if (c < 0x80) {
      if (!is_ascii_punctuation(c)) break;
      --e;
      continue;
    }
    std::size_t k = e - 1;
    while (k > b && (static_cast<unsigned char>(token[k]) & 0xC0) == 0x80) --k;
    char32_t cp = 0;
    if (unicode::decode(token, k, cp) == 0 || !unicode::is_punctuation(cp)) break;
    e = k;
  }
  return token.substr(b, e - b);
}

}  // namespace custinsight::detail
