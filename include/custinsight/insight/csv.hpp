#pragma once

/// @file insight/csv.hpp
/// @brief Reading the insight table's CSV inputs (UTF-8, optional BOM, LF or CRLF, RFC 4180
/// quoting) and JSON Lines inputs (support transcripts), and parsing their cells, with
/// one-line errors naming file, line and column.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
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
#include "custinsight/sentiment/unicode.hpp"
#include "custinsight/status.hpp"
#include "nlohmann/json.hpp"

namespace custinsight::insight {

/// @brief A cell for an error message: quoted, and cut to its first 80 bytes (at a UTF-8
/// character boundary) with its length, so that a message never carries a caller's text whole.
inline std::string quote_value(std::string_view v) {
  constexpr std::size_t kShown = 80;
  std::size_t cut = std::min(v.size(), kShown);
  while (cut > 0 && cut < v.size() && (static_cast<unsigned char>(v[cut]) & 0xC0) == 0x80) --cut;
  // Line breaks are escaped so that a message stays one line.
  std::string shown;
  for (char c : v.substr(0, cut)) {
    if (c == '\n') shown += "\\n";
    else if (c == '\r') shown += "\\r";
    else shown += c;
  }
  if (cut == v.size()) return "'" + shown + "'";
  return absl::StrFormat("'%s...' (%d bytes)", shown, v.size());
}

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
    // A line of spaces is blank too (as Python's csv reader with skipinitialspace sees it).
    const bool blank = record.size() == 1 && absl::StripAsciiWhitespace(record[0]).empty();
    if (!blank) {
      records.push_back(std::move(record));
      lines.push_back(record_line);
    }
    record.clear();
  };
  auto nul_error = [&] {
    // Named by the header's column when the header has been read.
    const std::size_t k = record.size();
    const std::string column =
        !records.empty() && k < records[0].size()
            ? "column " + quote_value(std::string(absl::StripAsciiWhitespace(records[0][k])))
            : absl::StrFormat("field %d", k + 1);
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: line %d: %s: a NUL byte in the value (the file is not text)", file, line, column));
  };
  while (i < text.size()) {
    const char c = text[i];
    if (c == '\0') return nul_error();
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
    } else if (c == '\r') {
      // A lone CR (old Mac line ends) would be a line break to some readers and data to
      // others: refused, so that every reader sees the same records.
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: line %d: a carriage return without a line feed; save the file with LF or CRLF "
          "line ends",
          file, line));
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

/// @brief The named columns of CSV text.
/// @param path the file's name, for messages
/// @param text its contents
/// @param wanted column names that must exist (empty names are skipped)
/// @param optional column names read when present
/// @return the columns, or "<file>: line <n>: ..." for an empty file, a duplicate or missing
/// column, or a row with the wrong number of fields
inline absl::StatusOr<CsvColumns> csv_from_text(const std::string& path, std::string_view text,
                                                const std::vector<std::string>& wanted,
                                                const std::vector<std::string>& optional = {}) {
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.remove_prefix(3);
  if (const auto bad = custinsight::detail::unicode::first_invalid_utf8(text))
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: line %d: not UTF-8 text", path,
        std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(*bad), '\n') + 1));
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
          "%s: line 1: column %s appears twice (columns %d and %d)", path, quote_value(name),
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

/// The bytes of a file, or an error naming it.
inline absl::StatusOr<std::string> read_file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrFormat("%s: no such file", path));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

/// @brief Read the named columns of a CSV file (see csv_from_text).
inline absl::StatusOr<CsvColumns> read_csv(const std::string& path,
                                           const std::vector<std::string>& wanted,
                                           const std::vector<std::string>& optional = {}) {
  absl::StatusOr<std::string> text = read_file_bytes(path);
  if (!text.ok()) return text.status();
  return csv_from_text(path, *text, wanted, optional);
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

/// Why a date cell could not be read.
enum class DateError { kNone, kNotADate, kOutOfRange };

/// The dates the core can hold: nanoseconds since 1970 in int64 (pandas' datetime64[ns]).
inline constexpr const char* kDateRange = "dates must lie between 1677-09-22 and 2262-04-11";

/// @brief "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS[.fffffffff]]" or with a 'T', optionally followed
/// (after a time) by "Z" or an offset "+HH:MM", "+HHMM" or "+HH" (or '-'), as nanoseconds since
/// 1970-01-01. The one rule for time zones: a time with an offset is converted to UTC and the
/// zone dropped; a time without one is taken as it is (naive). Python reads dates with this
/// function too (custinsight._core.insight_parse_datetimes).
/// @return kNone, or why the text is not such a date (kOutOfRange: a valid date outside the
/// int64 nanosecond range)
inline DateError parse_datetime_ns(std::string_view s, std::int64_t& ns) {
  auto digits = [&](std::size_t pos, std::size_t n, int& v) {
    if (pos + n > s.size()) return false;
    v = 0;
    for (std::size_t k = pos; k < pos + n; ++k) {
      if (s[k] < '0' || s[k] > '9') return false;
      v = v * 10 + (s[k] - '0');
    }
    return true;
  };
  constexpr DateError bad = DateError::kNotADate;
  int y, mo, d, h = 0, mi = 0, se = 0;
  if (!digits(0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(5, 2, mo) || s[7] != '-' ||
      !digits(8, 2, d))
    return bad;
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mo < 1 || mo > 12 || d < 1 || d > kDays[mo - 1]) return bad;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (mo == 2 && d == 29 && !leap) return bad;
  std::int64_t frac_ns = 0, offset_s = 0;
  if (s.size() > 10) {
    if ((s[10] != ' ' && s[10] != 'T') || !digits(11, 2, h) || s.size() < 16 || s[13] != ':' ||
        !digits(14, 2, mi))
      return bad;
    std::size_t pos = 16;
    if (pos < s.size() && s[pos] == ':') {
      if (!digits(pos + 1, 2, se)) return bad;
      pos += 3;
      if (pos < s.size() && s[pos] == '.') {
        std::int64_t scale = 100000000;
        const std::size_t first = ++pos;
        for (; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos, scale /= 10) {
          if (scale == 0) return bad;
          frac_ns += (s[pos] - '0') * scale;
        }
        if (pos == first) return bad;
      }
    }
    if (pos < s.size()) {
      const char sign = s[pos];
      int oh = 0, om = 0;
      if (sign == 'Z' && pos + 1 == s.size()) {
        // UTC
      } else if ((sign == '+' || sign == '-') && digits(pos + 1, 2, oh)) {
        const std::size_t rest = s.size() - (pos + 3);
        if (rest == 3 && s[pos + 3] == ':' && digits(pos + 4, 2, om)) {
        } else if (rest == 2 && digits(pos + 3, 2, om)) {
        } else if (rest != 0) {
          return bad;
        }
        if (oh > 23 || om > 59) return bad;
        offset_s = (sign == '+' ? 1 : -1) * (oh * 3600 + om * 60);
      } else {
        return bad;
      }
    }
    if (h > 23 || mi > 59 || se > 59) return bad;
  }
  const std::int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  const std::int64_t seconds = ((days * 24 + h) * 60 + mi) * 60 + se - offset_s;
  // With a fraction, from the next second down: the earliest instants (1677-09-21 00:12:43.1...)
  // lie in range although their whole second does not.
  std::int64_t whole = 0;
  const bool up = seconds < 0 && frac_ns > 0;
  if (__builtin_mul_overflow(seconds + up, std::int64_t{1000000000}, &whole) ||
      __builtin_add_overflow(whole, up ? frac_ns - 1000000000 : frac_ns, &ns) ||
      ns == std::numeric_limits<std::int64_t>::min())  // NaT in numpy and pandas
    return DateError::kOutOfRange;
  return DateError::kNone;
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
    const DateError e = parse_datetime_ns(cells[i], out[i]);
    if (e == DateError::kOutOfRange)
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: line %d: column '%s': %s is out of range (%s)", csv.file, csv.line[i],
          csv.names[column], quote_value(cells[i]), kDateRange));
    if (e != DateError::kNone)
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: line %d: column '%s': %s is not a date (expected YYYY-MM-DD or YYYY-MM-DD "
          "HH:MM:SS, optionally with Z or an offset such as +02:00)", csv.file, csv.line[i],
          csv.names[column], quote_value(cells[i])));
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
          absl::StrFormat("%s: line %d: column '%s': %s is not a number", csv.file, csv.line[i],
                          csv.names[column], quote_value(cells[i])));
  }
  return out;
}

namespace detail {

/// The top-level fields of one JSON Lines record as text cells, read by nlohmann's SAX parser
/// so that numbers keep the digits they were written with (a 30-digit id stays 30 digits
/// instead of becoming a double). Nested values are noted, not kept.
struct FlatRecord final : nlohmann::json_sax<nlohmann::json> {
  enum class Kind { kText, kNull, kNested };
  struct Cell {
    Kind kind = Kind::kNull;
    std::string text;
    const char* type = "null";
  };
  absl::flat_hash_map<std::string, Cell> fields;
  bool object = false;
  int depth = 0;
  std::string key_;

  bool put(Kind kind, std::string text, const char* type) {
    if (depth == 1) fields[key_] = Cell{kind, std::move(text), type};
    return true;
  }
  bool null() override { return put(Kind::kNull, {}, "null"); }
  bool boolean(bool v) override { return put(Kind::kText, v ? "true" : "false", "boolean"); }
  bool number_integer(number_integer_t v) override {
    return put(Kind::kText, std::to_string(v), "number");
  }
  bool number_unsigned(number_unsigned_t v) override {
    return put(Kind::kText, std::to_string(v), "number");
  }
  bool number_float(number_float_t, const string_t& s) override {
    return put(Kind::kText, s, "number");
  }
  bool string(string_t& v) override { return put(Kind::kText, std::move(v), "string"); }
  bool binary(binary_t&) override { return put(Kind::kNested, {}, "binary"); }
  bool start_object(std::size_t) override {
    if (depth == 0) object = true;
    if (depth == 1) put(Kind::kNested, {}, "object");
    ++depth;
    return true;
  }
  bool end_object() override {
    --depth;
    return true;
  }
  bool start_array(std::size_t) override {
    if (depth == 1) put(Kind::kNested, {}, "array");
    ++depth;
    return true;
  }
  bool end_array() override {
    --depth;
    return true;
  }
  bool key(string_t& k) override {
    if (depth == 1) key_ = std::move(k);
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }
};

}  // namespace detail

/// @brief The named fields of JSON Lines text (one object per line; blank lines are
/// skipped) as text cells: strings as they are, numbers as they are written in the file,
/// booleans as true/false, null or an absent optional field as an empty cell.
/// @param wanted fields every object must have; @param optional fields read when present
/// @return the columns (lines count from 1), or "<file>: line <n>: ..." for text that is not
/// UTF-8, invalid JSON (lone surrogate escapes included), a line that is not an object, a
/// missing field, a nested value or a NUL character in a value
inline absl::StatusOr<CsvColumns> jsonl_from_text(const std::string& path, std::string_view text,
                                                  const std::vector<std::string>& wanted,
                                                  const std::vector<std::string>& optional = {}) {
  CsvColumns out;
  out.file = path;
  out.names = wanted;
  out.names.insert(out.names.end(), optional.begin(), optional.end());
  out.cells.assign(out.names.size(), {});
  std::int64_t number = 0;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++number;
    if (number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.remove_prefix(3);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (absl::StripAsciiWhitespace(absl::string_view(line.data(), line.size())).empty())
      continue;
    if (custinsight::detail::unicode::first_invalid_utf8(line))
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: line %d: not UTF-8 text", path, number));
    detail::FlatRecord record;
    if (!nlohmann::json::sax_parse(line, &record))
      return absl::InvalidArgumentError(absl::StrFormat("%s: line %d: not valid JSON", path, number));
    if (!record.object)
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: line %d: expected a JSON object", path, number));
    for (std::size_t k = 0; k < out.names.size(); ++k) {
      const auto it = record.fields.find(out.names[k]);
      std::string cell;
      if (it == record.fields.end()) {
        if (k < wanted.size())
          return absl::InvalidArgumentError(
              absl::StrFormat("%s: line %d: missing field '%s'", path, number, out.names[k]));
      } else if (it->second.kind == detail::FlatRecord::Kind::kNested) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "%s: line %d: field '%s': expected text or a number, got %s", path, number,
            out.names[k], it->second.type));
      } else {
        cell = std::move(it->second.text);
        if (cell.find('\0') != std::string::npos)
          return absl::InvalidArgumentError(absl::StrFormat(
              "%s: line %d: field '%s': a NUL character in the value", path, number,
              out.names[k]));
      }
      out.cells[k].push_back(std::move(cell));
    }
    out.line.push_back(number);
  }
  if (out.line.empty())
    return absl::InvalidArgumentError(absl::StrFormat("%s: the file has no records", path));
  return out;
}

/// @brief Read the named fields of a JSON Lines file (see jsonl_from_text).
inline absl::StatusOr<CsvColumns> read_jsonl(const std::string& path,
                                             const std::vector<std::string>& wanted,
                                             const std::vector<std::string>& optional = {}) {
  absl::StatusOr<std::string> text = read_file_bytes(path);
  if (!text.ok()) return text.status();
  return jsonl_from_text(path, *text, wanted, optional);
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
          "%s: line %d: column '%s': %s must be one of %s", csv.file, csv.line[i],
          csv.names[column], quote_value(cells[i]), absl::StrJoin(labels, ", ")));
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
          "%s: line %d: column '%s': %s must be true/false, yes/no or 1/0", csv.file,
          csv.line[i], csv.names[column], quote_value(cells[i])));
    }
  }
  return out;
}

}  // namespace custinsight::insight
