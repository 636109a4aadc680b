#pragma once

/// @file insight/ids.hpp
/// @brief Customer ids read from files are identifiers, not numbers: one rule, decided once
/// for all the inputs of a table, says whether they are compared as integers or as text.
///
/// The rule: when every id of every input is a canonical decimal integer that fits in int64
/// ("0", "7", "-12", never "007", "+7", "7.0", "7e0" or "-0"), ids are those integers (and the
/// table is sorted numerically); otherwise every id is the text as written, and "7" and "007"
/// are two customers. Nothing is merged, wrapped or cut either way. The Python command line
/// calls the same functions (custinsight._core.insight_integer_ids).

#include <algorithm>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace custinsight::insight {

/// @brief The integer a canonical decimal id stands for.
/// @return false unless `s` is "0" or an optional '-' then a digit 1-9 then digits, within
/// int64 (so that reading it back as text would give `s` again)
inline bool canonical_int64(std::string_view s, std::int64_t& out) {
  const bool negative = !s.empty() && s[0] == '-';
  const std::string_view digits = negative ? s.substr(1) : s;
  if (digits.empty() || digits.size() > 19) return false;
  if (digits[0] == '0' && (digits.size() > 1 || negative)) return false;
  // Accumulated as a negative number: int64's range is one larger on that side.
  std::int64_t v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    const int d = c - '0';
    if (v < (std::numeric_limits<std::int64_t>::min() + d) / 10) return false;
    v = v * 10 - d;
  }
  if (!negative) {
    if (v == std::numeric_limits<std::int64_t>::min()) return false;
    v = -v;
  }
  out = v;
  return true;
}

/// The customer ids of several inputs, typed together.
struct CustomerIds {
  /// True when the ids are text; `labels` then holds every distinct id of every input in
  /// byte order (UTF-8 byte order is code point order, as Python sorts strings).
  bool text = false;
  std::vector<std::string> labels;
  /// Per input, per row: the integer id, or the position of the text id in `labels`.
  std::vector<std::vector<std::int64_t>> codes;
  /// The id as the input wrote it.
  [[nodiscard]] std::string label(std::int64_t code) const {
    return text ? labels[static_cast<std::size_t>(code)] : std::to_string(code);
  }
};

/// @brief Type the ids of all inputs at once (see the file comment for the rule).
/// @param inputs the id cells of each input, as read (surrounding whitespace already removed)
inline CustomerIds code_customer_ids(std::span<const std::span<const std::string>> inputs) {
  CustomerIds out;
  out.codes.resize(inputs.size());
  for (std::size_t k = 0; k < inputs.size() && !out.text; ++k) {
    out.codes[k].resize(inputs[k].size());
    for (std::size_t i = 0; i < inputs[k].size(); ++i)
      if (!canonical_int64(inputs[k][i], out.codes[k][i])) {
        out.text = true;
        break;
      }
  }
  if (!out.text) return out;
  for (const auto& cells : inputs) out.labels.insert(out.labels.end(), cells.begin(), cells.end());
  std::sort(out.labels.begin(), out.labels.end());
  out.labels.erase(std::unique(out.labels.begin(), out.labels.end()), out.labels.end());
  absl::flat_hash_map<std::string_view, std::int64_t> code;
  code.reserve(out.labels.size());
  for (std::size_t j = 0; j < out.labels.size(); ++j)
    code.emplace(out.labels[j], static_cast<std::int64_t>(j));
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    out.codes[k].resize(inputs[k].size());
    for (std::size_t i = 0; i < inputs[k].size(); ++i) out.codes[k][i] = code.at(inputs[k][i]);
  }
  return out;
}

}  // namespace custinsight::insight
