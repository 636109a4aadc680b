#pragma once

/// @file lexicon.hpp
/// @brief Sentiment lexicons: token valences (VADER's `token<TAB>mean<TAB>sd<TAB>ratings`
/// format, or AFINN's `token<TAB>integer`) and an emoji-to-description table (VADER's
/// `emoji<TAB>description`), merged with later entries overriding earlier ones.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "custinsight/sentiment/unicode.hpp"
#include "custinsight/status.hpp"

namespace custinsight {

/// @brief The largest valence magnitude a lexicon accepts. Published lexicons stay within +/-5;
/// far larger values would make the analyser's sums overflow (its scores would be NaN, or a
/// compound of 0 for an overwhelmingly positive text), so they are refused at the door.
inline constexpr double kMaxValence = 1e6;

namespace detail {

inline absl::Status check_valence(std::string_view source, std::size_t line,
                                  std::string_view token, double valence) {
  if (std::isfinite(valence) && std::fabs(valence) <= kMaxValence) return absl::OkStatus();
  if (line == 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s[\"%s\"] = %.17g: must be finite and within +/-%g", source, token, valence,
        kMaxValence));
  }
  return absl::InvalidArgumentError(
      absl::StrFormat("%s: line %d: valence of \"%s\" = %.17g: must be finite and within +/-%g",
                      source, line, token, valence, kMaxValence));
}

/// Transparent hashing so that std::string keys can be looked up with a std::string_view
/// without building a string (Debian's Abseil does not treat std::string_view as its own).
struct StringViewHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const {
    return absl::Hash<absl::string_view>{}(absl::string_view(s.data(), s.size()));
  }
};
struct StringViewEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
};
template <class V>
using StringMap = absl::flat_hash_map<std::string, V, StringViewHash, StringViewEq>;

/// `str.strip()` with no argument: Unicode whitespace at both ends (input must be valid UTF-8).
inline std::string_view python_strip(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e) {
    char32_t cp = 0;
    const std::size_t len = unicode::decode(s, b, cp);
    if (len == 0 || !unicode::is_space(cp)) break;
    b += len;
  }
  while (e > b) {
    std::size_t k = e - 1;
    while (k > b && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80) --k;
    char32_t cp = 0;
    if (unicode::decode(s, k, cp) == 0 || !unicode::is_space(cp)) break;
    e = k;
  }
  return s.substr(b, e - b);
}

/// Splits on '\n' after dropping trailing newlines, as `text.rstrip('\n').split('\n')` does.
inline std::vector<std::string_view> split_lines(std::string_view content) {
  while (!content.empty() && content.back() == '\n') content.remove_suffix(1);
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (true) {
    const std::size_t nl = content.find('\n', start);
    lines.push_back(content.substr(start, nl == std::string_view::npos ? nl : nl - start));
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return lines;
}

inline bool parse_double(std::string_view text, double& value) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
    text.remove_suffix(1);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return false;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && ptr == text.data() + text.size() && std::isfinite(value);
}

inline absl::StatusOr<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrFormat("lexicon file %s cannot be opened", path));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return std::move(buffer).str();
}

inline absl::Status check_utf8(std::string_view source, std::string_view content) {
  if (auto bad = unicode::first_invalid_utf8(content)) {
    std::size_t line = 1;
    for (std::size_t k = 0; k < *bad; ++k) line += content[k] == '\n';
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: line %d: invalid UTF-8 at byte offset %d", source, line, *bad));
  }
  return absl::OkStatus();
}

}  // namespace detail

/// @brief Token valences plus an emoji table, as the analyser consumes them.
///
/// Keys are stored exactly as written (VADER looks tokens up lower-cased, so an upper-case key
/// such as ":D" never matches in reference mode); keys containing spaces are phrases, which only
/// the corrected mode matches.
class SentimentLexicon {
 public:
  SentimentLexicon() = default;

  /// @brief Parse VADER's lexicon format: `token<TAB>mean[<TAB>...]` per line; blank lines are
  /// skipped and a repeated token keeps its last value (VADER builds a dict the same way).
  /// @param content the file's text (UTF-8)
  /// @param source a name for error messages
  static absl::StatusOr<SentimentLexicon> from_vader_text(std::string_view content,
                                                          std::string_view source = "lexicon") {
    CUSTINSIGHT_RETURN_IF_ERROR(detail::check_utf8(source, content));
    SentimentLexicon lex;
    const auto lines = detail::split_lines(content);
    lex.valence_.reserve(lines.size());
    for (std::size_t n = 0; n < lines.size(); ++n) {
      if (lines[n].empty()) continue;
      const std::string_view line = detail::python_strip(lines[n]);
      const std::size_t tab = line.find('\t');
      if (tab == std::string_view::npos) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "%s: line %d: expected token<TAB>mean, got \"%s\"", source, n + 1, line));
      }
      const std::size_t tab2 = line.find('\t', tab + 1);
      const std::string_view measure =
          line.substr(tab + 1, tab2 == std::string_view::npos ? tab2 : tab2 - tab - 1);
      double value = 0.0;
      if (!detail::parse_double(measure, value)) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "%s: line %d: mean \"%s\" is not a finite number", source, n + 1, measure));
      }
      CUSTINSIGHT_RETURN_IF_ERROR(detail::check_valence(source, n + 1, line.substr(0, tab), value));
      lex.valence_.insert_or_assign(std::string(line.substr(0, tab)), value);
    }
    return lex;
  }

  /// @brief Parse AFINN's format: `token<TAB>integer` per line (the token may contain spaces).
  /// @param scale multiplies every score (0.8 maps AFINN's -5..5 onto VADER's -4..4)
  static absl::StatusOr<SentimentLexicon> from_afinn_text(std::string_view content,
                                                          std::string_view source = "lexicon",
                                                          double scale = 1.0) {
    CUSTINSIGHT_RETURN_IF_ERROR(detail::check_utf8(source, content));
    if (!(std::isfinite(scale))) return absl::InvalidArgumentError("scale must be finite");
    SentimentLexicon lex;
    const auto lines = detail::split_lines(content);
    for (std::size_t n = 0; n < lines.size(); ++n) {
      std::string_view line = lines[n];
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (detail::python_strip(line).empty()) continue;
      const std::size_t tab = line.rfind('\t');
      long long score = 0;
      const std::string_view number =
          tab == std::string_view::npos ? std::string_view{} : line.substr(tab + 1);
      const char* first = number.data();
      const char* last = number.data() + number.size();
      if (first != last && *first == '+') ++first;
      const auto [ptr, ec] = std::from_chars(first, last, score);
      if (tab == std::string_view::npos || tab == 0 || ec != std::errc() || ptr != last ||
          first == last) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "%s: line %d: expected token<TAB>integer, got \"%s\"", source, n + 1, line));
      }
      const double value = static_cast<double>(score) * scale;
      CUSTINSIGHT_RETURN_IF_ERROR(detail::check_valence(source, n + 1, line.substr(0, tab), value));
      lex.valence_.insert_or_assign(std::string(line.substr(0, tab)), value);
    }
    return lex;
  }

  /// @brief Parse VADER's emoji table: `emoji<TAB>description` per line. Only single-code-point
  /// keys take part in reference mode (VADER compares character by character); longer
  /// sequences are used by the corrected mode.
  absl::Status add_emoji_text(std::string_view content, std::string_view source = "emoji") {
    CUSTINSIGHT_RETURN_IF_ERROR(detail::check_utf8(source, content));
    const auto lines = detail::split_lines(content);
    for (std::size_t n = 0; n < lines.size(); ++n) {
      const std::string_view line = detail::python_strip(lines[n]);
      if (line.empty()) continue;
      const std::size_t tab = line.find('\t');
      if (tab == std::string_view::npos || tab == 0) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "%s: line %d: expected emoji<TAB>description, got \"%s\"", source, n + 1, line));
      }
      const std::size_t tab2 = line.find('\t', tab + 1);
      set_emoji(line.substr(0, tab),
                line.substr(tab + 1, tab2 == std::string_view::npos ? tab2 : tab2 - tab - 1));
    }
    return absl::OkStatus();
  }

  /// @brief Read a lexicon file in VADER's or AFINN's format.
  static absl::StatusOr<SentimentLexicon> from_file(const std::string& path,
                                                    std::string_view format = "vader",
                                                    double scale = 1.0) {
    auto content = detail::read_file(path);
    if (!content.ok()) return content.status();
    if (format == "vader") return from_vader_text(*content, path);
    if (format == "afinn") return from_afinn_text(*content, path, scale);
    return absl::InvalidArgumentError(
        absl::StrFormat("format = \"%s\": expected \"vader\" or \"afinn\"", format));
  }

  /// @brief Add the emoji table from a file in VADER's `emoji_utf8_lexicon.txt` format.
  absl::Status add_emoji_file(const std::string& path) {
    auto content = detail::read_file(path);
    if (!content.ok()) return content.status();
    return add_emoji_text(*content, path);
  }

  /// @brief Set one token's valence (later calls override earlier ones).
  /// @return InvalidArgument, leaving the lexicon unchanged, unless the valence is finite and
  /// within +/-kMaxValence
  absl::Status set(std::string_view token, double valence) {
    CUSTINSIGHT_RETURN_IF_ERROR(detail::check_valence("valences", 0, token, valence));
    valence_.insert_or_assign(std::string(token), valence);
    return absl::OkStatus();
  }

  /// @brief Map an emoji (one code point, or a sequence for the corrected mode) to a description.
  void set_emoji(std::string_view emoji, std::string_view description) {
    char32_t cp = 0;
    const std::size_t len = detail::unicode::decode(emoji, 0, cp);
    if (len != 0 && len == emoji.size()) {
      emoji_.insert_or_assign(cp, std::string(description));
    } else {
      emoji_sequence_.insert_or_assign(std::string(emoji), std::string(description));
      max_sequence_bytes_ = std::max(max_sequence_bytes_, emoji.size());
    }
  }

  /// @brief This lexicon with `other`'s entries added; `other` wins on shared keys.
  [[nodiscard]] SentimentLexicon merged(const SentimentLexicon& other) const {
    SentimentLexicon out = *this;
    for (const auto& [k, v] : other.valence_) out.valence_.insert_or_assign(k, v);
    for (const auto& [k, v] : other.emoji_) out.emoji_.insert_or_assign(k, v);
    for (const auto& [k, v] : other.emoji_sequence_) out.emoji_sequence_.insert_or_assign(k, v);
    out.max_sequence_bytes_ = std::max(max_sequence_bytes_, other.max_sequence_bytes_);
    return out;
  }

  /// @brief The valence of a token, or nullptr when it is not in the lexicon.
  [[nodiscard]] const double* find(std::string_view token) const {
    auto it = valence_.find(token);
    return it == valence_.end() ? nullptr : &it->second;
  }
  [[nodiscard]] bool contains(std::string_view token) const { return valence_.contains(token); }

  [[nodiscard]] const std::string* find_emoji(char32_t cp) const {
    auto it = emoji_.find(cp);
    return it == emoji_.end() ? nullptr : &it->second;
  }
  [[nodiscard]] const std::string* find_emoji_sequence(std::string_view seq) const {
    auto it = emoji_sequence_.find(seq);
    return it == emoji_sequence_.end() ? nullptr : &it->second;
  }

  [[nodiscard]] std::size_t size() const { return valence_.size(); }
  [[nodiscard]] std::size_t emoji_count() const { return emoji_.size() + emoji_sequence_.size(); }
  [[nodiscard]] bool has_emoji() const { return !emoji_.empty(); }
  [[nodiscard]] std::size_t max_sequence_bytes() const { return max_sequence_bytes_; }

  /// @brief All token entries (unordered).
  [[nodiscard]] const detail::StringMap<double>& entries() const { return valence_; }
  /// @brief Single-code-point emoji entries (unordered).
  [[nodiscard]] const absl::flat_hash_map<char32_t, std::string>& emoji() const { return emoji_; }
  [[nodiscard]] const detail::StringMap<std::string>& emoji_sequences() const {
    return emoji_sequence_;
  }

 private:
  detail::StringMap<double> valence_;
  absl::flat_hash_map<char32_t, std::string> emoji_;
  detail::StringMap<std::string> emoji_sequence_;
  std::size_t max_sequence_bytes_ = 0;
};

}  // namespace custinsight
