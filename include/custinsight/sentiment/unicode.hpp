#pragma once

/// @file unicode.hpp
/// @brief UTF-8 decoding and the few Unicode string operations the sentiment rules need, with
/// CPython's semantics (`str.split()`, `str.lower()`, `str.isupper()`), on utf8proc's tables.
///
/// CPython 3.11 derives its predicates from the Unicode Character Database 14.0; utf8proc 2.8
/// ships 15.0. The classes below agree with CPython on every code point assigned in 14.0 except
/// a few dozen modifier letters and squared Latin capitals whose case comes only from the
/// Other_Lowercase / Other_Uppercase properties, which utf8proc does not carry (the Python test
/// suite lists them). Reference-mode scores are affected only by tokens that mix such a letter
/// with ALL-CAPS text.

#include <utf8proc.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace custinsight::detail::unicode {

/// Decodes one code point starting at `s[i]`; returns its length in bytes, or 0 when the bytes
/// there are not valid UTF-8 (overlong forms, surrogates and values past U+10FFFF included, as
/// Python's strict decoder rejects them).
inline std::size_t decode(std::string_view s, std::size_t i, char32_t& cp) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  const std::size_t left = s.size() - i;
  auto cont = [&](std::size_t k) {
    return k < left && (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
  };
  auto bits = [&](std::size_t k) { return static_cast<char32_t>(s[i + k]) & 0x3F; };
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    if (!cont(1)) return 0;
    cp = ((b0 & 0x1Fu) << 6) | bits(1);
    return 2;
  }
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    cp = ((b0 & 0x0Fu) << 12) | (bits(1) << 6) | bits(2);
    if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    cp = ((b0 & 0x07u) << 18) | (bits(1) << 12) | (bits(2) << 6) | bits(3);
    if (cp < 0x10000 || cp > 0x10FFFF) return 0;
    return 4;
  }
  return 0;
}

/// Byte offset of the first invalid UTF-8 sequence, or nullopt for valid text.
inline std::optional<std::size_t> first_invalid_utf8(std::string_view s) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    // Eight ASCII bytes at a time: most feedback text is ASCII.
    while (i + 8 <= n) {
      std::uint64_t word;
      std::memcpy(&word, s.data() + i, 8);
      if (word & 0x8080808080808080ull) break;
      i += 8;
    }
    if (i >= n) break;
    char32_t cp;
    const std::size_t len = decode(s, i, cp);
    if (len == 0) return i;
    i += len;
  }
  return std::nullopt;
}

inline void append_utf8(std::string& out, char32_t cp) {
  char buf[4];
  const auto len = utf8proc_encode_char(static_cast<utf8proc_int32_t>(cp),
                                        reinterpret_cast<utf8proc_uint8_t*>(buf));
  out.append(buf, static_cast<std::size_t>(len));
}

/// Whether every byte is ASCII. No early exit, so that the compiler vectorises the loop: texts
/// are short and mostly ASCII.
inline bool is_ascii(std::string_view s) {
  unsigned char any = 0;
  for (char c : s) any |= static_cast<unsigned char>(c);
  return any < 0x80;
}

/// CPython's `Py_UNICODE_ISSPACE`, which `str.split()` and `str.strip()` use: general category
/// Zs or bidirectional class WS, B or S (so U+001C..U+001F and U+0085 split, U+200B does not).
inline bool is_space(char32_t cp) {
  if (cp < 0x80) return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x1F);
  const utf8proc_property_t* p = utf8proc_get_property(static_cast<utf8proc_int32_t>(cp));
  return p->category == UTF8PROC_CATEGORY_ZS || p->bidi_class == UTF8PROC_BIDI_CLASS_WS ||
         p->bidi_class == UTF8PROC_BIDI_CLASS_B || p->bidi_class == UTF8PROC_BIDI_CLASS_S;
}

/// Lowercase in CPython's sense: category Ll, or a character whose only case mapping is to
/// upper case (circled and Roman-numeral small letters, U+0345).
inline bool is_lower(char32_t cp) {
  if (cp < 0x80) return cp >= 'a' && cp <= 'z';
  const auto c = static_cast<utf8proc_int32_t>(cp);
  return utf8proc_category(c) == UTF8PROC_CATEGORY_LL || utf8proc_islower(c);
}

/// Uppercase in CPython's sense: category Lu, or a character whose only mapping is to lower case.
inline bool is_upper(char32_t cp) {
  if (cp < 0x80) return cp >= 'A' && cp <= 'Z';
  const auto c = static_cast<utf8proc_int32_t>(cp);
  return utf8proc_category(c) == UTF8PROC_CATEGORY_LU || utf8proc_isupper(c);
}

inline bool is_title(char32_t cp) {
  return cp >= 0x80 &&
         utf8proc_category(static_cast<utf8proc_int32_t>(cp)) == UTF8PROC_CATEGORY_LT;
}

/// `str.isupper()`: at least one uppercase character and no lowercase or titlecase one.
inline bool python_isupper(std::string_view s) {
  bool cased = false;
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      if (b >= 'a' && b <= 'z') return false;
      cased |= (b >= 'A' && b <= 'Z');
      ++i;
      continue;
    }
    char32_t cp = 0;
    const std::size_t len = decode(s, i, cp);
    if (len == 0) return false;  // callers pass validated text
    if (is_lower(cp) || is_title(cp)) return false;
    cased |= is_upper(cp);
    i += len;
  }
  return cased;
}

/// Case-ignorable and cased, as the Unicode final-sigma condition (and CPython) define them.
/// The Word_Break MidLetter / MidNumLet / Single_Quote characters are listed because utf8proc
/// has no Word_Break property.
inline bool is_case_ignorable(char32_t cp) {
  switch (cp) {
    case 0x27: case 0x2E: case 0x3A: case 0xB7: case 0x387: case 0x55F: case 0x5F4:
    case 0x2018: case 0x2019: case 0x2024: case 0x2027: case 0xFE13: case 0xFE52:
    case 0xFE55: case 0xFF07: case 0xFF0E: case 0xFF1A:
      return true;
    default:
      break;
  }
  if (cp < 0x80) return cp == '^' || cp == '`';
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(cp))) {
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_ME: case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_SK:
      return true;
    default:
      return false;
  }
}

inline bool is_cased(char32_t cp) { return is_lower(cp) || is_upper(cp) || is_title(cp); }

/// `str.lower()`: full lowercase mapping. Beyond utf8proc's simple mapping this means U+0130
/// (the only unconditional SpecialCasing lowercase that differs) and the Greek final sigma.
/// Appends the lower-case form of `s` to `out`.
inline void python_lower_append(std::string_view s, std::string& out) {
  if (is_ascii(s)) {
    const std::size_t base = out.size();
    out.resize(base + s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
      const char c = s[i];
      out[base + i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
    }
    return;
  }
  std::size_t i = 0;
  while (i < s.size()) {
    char32_t cp = 0;
    std::size_t len = decode(s, i, cp);
    if (len == 0) {  // callers pass validated text; keep the byte rather than lose it
      out.push_back(s[i]);
      ++i;
      continue;
    }
    if (cp == 0x130) {
      out += "i\xCC\x87";
    } else if (cp == 0x3A3) {
      // Final if preceded by a cased letter and not followed by one (case-ignorables skipped).
      bool final_sigma = false;
      std::size_t j = i;
      char32_t prev = 0;
      while (j > 0) {
        std::size_t k = j - 1;
        while (k > 0 && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80) --k;
        decode(s, k, prev);
        j = k;
        if (!is_case_ignorable(prev)) {
          final_sigma = is_cased(prev);
          break;
        }
      }
      if (final_sigma) {
        std::size_t k = i + len;
        while (k < s.size()) {
          char32_t next = 0;
          const std::size_t l = decode(s, k, next);
          if (l == 0) break;
          if (!is_case_ignorable(next)) {
            final_sigma = !is_cased(next);
            break;
          }
          k += l;
        }
      }
      append_utf8(out, final_sigma ? 0x3C2 : 0x3C3);
    } else {
      append_utf8(out, static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cp))));
    }
    i += len;
  }
}

inline void python_lower(std::string_view s, std::string& out) {
  out.clear();
  python_lower_append(s, out);
}

/// Number of code points (Python's `len`) of valid UTF-8.
inline std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

/// General category P* (any punctuation), for the corrected mode's token stripping.
inline bool is_punctuation(char32_t cp) {
  const auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
  return cat >= UTF8PROC_CATEGORY_PC && cat <= UTF8PROC_CATEGORY_PO;
}

}  // namespace custinsight::detail::unicode
