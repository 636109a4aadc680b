#pragma once

/// @file insight/csv.hpp
/// @brief Reading the insight table's CSV inputs (UTF-8, optional BOM, LF or CRLF, RFC 4180
/// quoting) and JSON Lines inputs (support transcripts), and parsing their cells, with
/// one-line errors naming file, line and column.

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_format.h"
#include "custinsight/status.hpp"
#include "nlohmann/json.hpp"

namespace custinsight::insight {

/// The requested columns of a CSV file: cells as text, and the line each row starts on.
struct CsvColumns {
  std::string file;
  std::vector<std::string> names;
  std::vector<std::vector<std::string>> cells;  ///< cells[column][row]
  std::vector<std::int64_t> line;               ///< line of each row (the header is line 1)
  [[nodiscard]] std::size_t rows() const { return line.size(); }
  /// Position of a column among the read ones, or -1.
  [[nodiscard]] std::ptrdiff_t find(std::string_view name) const {
    for (std::size_t k = 0; k < names.size(); ++k)
      if (names[k] == name) return static_cast<std::ptrdiff_t>(k);
    return -1;
  }
};

namespace detail {

/// Splits CSV text into records; quoted fields may hold commas, quotes ("") and line breaks.
inline absl::Status split_records(const std::string& file, std::string_view text,
                                  std::vector<std::vector<std::string>>& records,
                                  std::vector<std::int64_t>& lines) {
  std::vector<std::string> record;
  std::string field;
  bool quoted = false, field_started = false;
  std::int64_t line = 1, record_line = 1;
  std::size_t i = 0;
  auto end_record = [&] {
    record.push_back(std::move(field));
    field.clear();
    field_started = false;
    const bool blank = record.size() == 1 && record[0].empty();
    if (!blank) {
      records.push_back(std::move(record));
      lines.push_back(record_line);
    }
    record.clear();
  };
  while (i < text.size()) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      ++i;
      continue;
    }
    if (c == '"' && !field_started) {
      quoted = true;
      field_started = true;
    } else if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
      field_started = false;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      // CRLF: the '\n' ends the record
    } else if (c == '\n') {
      end_record();
      ++line;
      record_line = line;
    } else {
      field += c;
      if (c != ' ') field_started = true;
    }
    ++i;
  }
  if (quoted)
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: line %d: a quoted field is not closed", file, record_line));
  if (!field.empty() || !record.empty()) end_record();
  return absl::OkStatus();
}

}  // namespace detail

/// @brief Read the named columns of a CSV file.
/// @param path the file
/// @param wanted column names that must exist (empty names are skipped)
/// @param optional column names read when present
/// @return the columns, or "<file>: line <n>: ..." for an empty file, a duplicate or missing
/// column, or a row with the wrong number of fields
inline absl::StatusOr<CsvColumns> read_csv(const std::string& path,
                                           const std::vector<std::string>& wanted,
                                           const std::vector<std::string>& optional = {}) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrFormat("%s: no such file", path));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  std::vector<std::vector<std::string>> records;
  std::vector<std::int64_t> lines;
  CUSTINSIGHT_RETURN_IF_ERROR(detail::split_records(path, text, records, lines));
  if (records.empty())
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: the file is empty (no header line)", path));
  auto header = records[0];
  absl::flat_hash_map<std::string, std::size_t> position;
  for (std::size_t k = 0; k < header.size(); ++k) {
    std::string name(absl::StripAsciiWhitespace(header[k]));
    auto [it, fresh] = position.emplace(name, k);
    if (!fresh)
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: line 1: column '%s' appears twice (columns %d and %d)", path, name,
          it->second + 1, k + 1));
  }
  CsvColumns out;
  out.file = path;
  std::vector<std::size_t> index;
  for (const auto& name : wanted) {
    if (name.empty()) continue;
    auto it = position.find(name);
    if (it == position.end())
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: line 1: missing column '%s'", path, name));
    out.names.push_back(name);
    index.push_back(it->second);
  }
  for (const auto& name : optional) {
    auto it = position.find(name);
    if (name.empty() || it == position.end()) continue;
    out.names.push_back(name);
    index.push_back(it->second);
  }
  if (records.size() == 1)
    return absl::InvalidArgumentError(absl::StrFormat("%s: no data lines after the header", path));
  out.cells.assign(index.size(), {});
  for (auto& c : out.cells) c.reserve(records.size() - 1);
  for (std::size_t r = 1; r < records.size(); ++r) {
    auto& rec = records[r];
    if (rec.size() != header.size())
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: line %d: %d fields, but the header has %d", path, lines[r], rec.size(),
          header.size()));
    for (std::size_t k = 0; k < index.size(); ++k)
      out.cells[k].push_back(std::string(absl::StripAsciiWhitespace(rec[index[k]])));
    out.line.push_back(lines[r]);
  }
  return out;
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil).
inline std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

/// @brief "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS[.fff]]" or with a 'T', as nanoseconds since
/// 1970-01-01 (naive, as pandas reads them).
/// @return false when the text is not such a date
inline bool parse_datetime_ns(std::string_view s, std::int64_t& ns) {
  auto digits = [&](std::size_t pos, std::size_t n, int& v) {
    if (pos + n > s.size()) return false;
    v = 0;
    for (std::size_t k = pos; k < pos + n; ++k) {
      if (s[k] < '0' || s[k] > '9') return false;
      v = v * 10 + (s[k] - '0');
    }
    return true;
  };
  int y, mo, d, h = 0, mi = 0, se = 0;
  if (!digits(0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(5, 2, mo) || s[7] != '-' ||
      !digits(8, 2, d))
    return false;
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mo < 1 || mo > 12 || d < 1 || d > kDays[mo - 1]) return false;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (mo == 2 && d == 29 && !leap) return false;
  std::int64_t frac_ns = 0;
  if (s.size() > 10) {
    if ((s[10] != ' ' && s[10] != 'T') || !digits(11, 2, h) || s.size() < 16 || s[13] != ':' ||
        !digits(14, 2, mi))
      return false;
    std::size_t pos = 16;
    if (pos < s.size()) {
      if (s[pos] != ':' || !digits(pos + 1, 2, se)) return false;
      pos += 3;
      if (pos < s.size()) {
        if (s[pos] != '.') return false;
        std::int64_t scale = 100000000;
        for (++pos; pos < s.size(); ++pos, scale /= 10) {
          if (s[pos] < '0' || s[pos] > '9' || scale == 0) return false;
          frac_ns += (s[pos] - '0') * scale;
        }
      }
    }
    if (h > 23 || mi > 59 || se > 59) return false;
  }
  const std::int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  ns = ((days * 24 + h) * 60 + mi) * 60 + se;
  ns = ns * 1000000000 + frac_ns;
  return true;
}

/// @brief Parse a column of dates; empty cells are errors unless allowed (then INT64_MIN).
inline absl::StatusOr<std::vector<std::int64_t>> parse_dates(const CsvColumns& csv,
                                                             std::size_t column,
                                                             bool allow_empty = false) {
  const auto& cells = csv.cells[column];
  std::vector<std::int64_t> out(cells.size());
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (cells[i].empty()) {
      if (allow_empty) {
        out[i] = INT64_MIN;
        continue;
      }
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: line %d: column '%s' is empty: expected a date", csv.file,
                          csv.line[i], csv.names[column]));
    }
    if (!parse_datetime_ns(cells[i], out[i]))
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: line %d: column '%s': '%s' is not a date (expected YYYY-MM-DD or YYYY-MM-DD "
          "HH:MM:SS)", csv.file, csv.line[i], csv.names[column], cells[i]));
  }
  return out;
}

/// @brief Parse a column of finite numbers; empty cells are errors unless allowed (then NaN).
inline absl::StatusOr<std::vector<double>> parse_numbers(const CsvColumns& csv,
                                                         std::size_t column, bool allow_empty) {
  const auto& cells = csv.cells[column];
  std::vector<double> out(cells.size());
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (cells[i].empty()) {
      if (allow_empty) {
        out[i] = std::numeric_limits<double>::quiet_NaN();
        continue;
      }
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: line %d: column '%s' is empty: expected a number", csv.file,
                          csv.line[i], csv.names[column]));
    }
    if (!absl::SimpleAtod(cells[i], &out[i]) || !std::isfinite(out[i]))
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: line %d: column '%s': '%s' is not a number", csv.file, csv.line[i],
                          csv.names[column], cells[i]));
  }
  return out;
}

/// @brief Read the named fields of a JSON Lines file (one object per line; blank lines are
/// skipped) into text cells: strings as they are, numbers and booleans as JSON writes them,
/// null or an absent optional field as an empty cell.
/// @param wanted fields every object must have; @param optional fields read when present
/// @return the columns (lines count from 1), or "<file>: line <n>: ..." for invalid JSON, a
/// line that is not an object, a missing field or a nested value
inline absl::StatusOr<CsvColumns> read_jsonl(const std::string& path,
                                             const std::vector<std::string>& wanted,
                                             const std::vector<std::string>& optional = {}) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrFormat("%s: no such file", path));
  CsvColumns out;
  out.file = path;
  out.names = wanted;
  out.names.insert(out.names.end(), optional.begin(), optional.end());
  out.cells.assign(out.names.size(), {});
  std::string line;
  std::int64_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    const auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded())
      return absl::InvalidArgumentError(absl::StrFormat("%s: line %d: not valid JSON", path, number));
    if (!j.is_object())
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: line %d: expected a JSON object", path, number));
    for (std::size_t k = 0; k < out.names.size(); ++k) {
      const auto it = j.find(out.names[k]);
      std::string cell;
      if (it == j.end()) {
        if (k < wanted.size())
          return absl::InvalidArgumentError(
              absl::StrFormat("%s: line %d: missing field '%s'", path, number, out.names[k]));
      } else if (it->is_string()) {
        cell = it->get<std::string>();
      } else if (it->is_number() || it->is_boolean()) {
        cell = it->dump();
      } else if (!it->is_null()) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "%s: line %d: field '%s': expected text or a number, got %s", path, number,
            out.names[k], it->type_name()));
      }
      out.cells[k].push_back(std::move(cell));
    }
    out.line.push_back(number);
  }
  if (out.line.empty())
    return absl::InvalidArgumentError(absl::StrFormat("%s: the file has no records", path));
  return out;
}

/// @brief Parse a column of labels into codes: the lower-cased, trimmed cell must be one of
/// `labels` (its position is the code).
inline absl::StatusOr<std::vector<std::uint8_t>> parse_labels(
    const CsvColumns& csv, std::size_t column, const std::vector<std::string>& labels) {
  const auto& cells = csv.cells[column];
  std::vector<std::uint8_t> out(cells.size());
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const std::string v = absl::AsciiStrToLower(absl::StripAsciiWhitespace(cells[i]));
    std::size_t k = 0;
    while (k < labels.size() && labels[k] != v) ++k;
    if (k == labels.size())
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: line %d: column '%s': '%s' must be one of %s", csv.file, csv.line[i],
          csv.names[column], cells[i], absl::StrJoin(labels, ", ")));
    out[i] = static_cast<std::uint8_t>(k);
  }
  return out;
}

/// @brief Parse a column of yes/no flags (true/false, yes/no, y/n, t/f, 1/0, any case; an empty
/// cell is no).
inline absl::StatusOr<std::vector<std::uint8_t>> parse_flags(const CsvColumns& csv,
                                                             std::size_t column) {
  const auto& cells = csv.cells[column];
  std::vector<std::uint8_t> out(cells.size());
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const std::string v = absl::AsciiStrToLower(absl::StripAsciiWhitespace(cells[i]));
    if (v == "true" || v == "1" || v == "yes" || v == "y" || v == "t") {
      out[i] = 1;
    } else if (v.empty() || v == "false" || v == "0" || v == "no" || v == "n" || v == "f") {
      out[i] = 0;
    } else {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: line %d: column '%s': '%s' must be true/false, yes/no or 1/0", csv.file,
          csv.line[i], csv.names[column], cells[i]));
    }
  }
  return out;
}

}  // namespace custinsight::insight
