// The insight input readers on arbitrary bytes, read both as CSV and as JSON Lines: anything is
// a table or an error (never an exception or a crash), and what is read keeps its ids as
// written: physical lines increase, no cell holds a NUL, ids round-trip through the id rule,
// dates parse or are refused, and error messages stay short.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "custinsight/insight/csv.hpp"
#include "custinsight/insight/ids.hpp"
#include "fuzz_check.hpp"

namespace ins = custinsight::insight;

namespace {

void check_table(const absl::StatusOr<ins::CsvColumns>& read, std::size_t input_size) {
  if (!read.ok()) {
    // One line, and never the input whole (values are quoted to 80 bytes).
    const std::string m(read.status().message());
    CUSTINSIGHT_FUZZ_CHECK(m.find('\n') == std::string::npos || input_size < 200);
    CUSTINSIGHT_FUZZ_CHECK(m.size() < 400 + 2 * 80 || input_size < 200);
    return;
  }
  const auto& t = *read;
  for (std::size_t r = 1; r < t.rows(); ++r) CUSTINSIGHT_FUZZ_CHECK(t.line[r] > t.line[r - 1]);
  for (const auto& column : t.cells) {
    CUSTINSIGHT_FUZZ_CHECK(column.size() == t.rows());
    for (const auto& cell : column) CUSTINSIGHT_FUZZ_CHECK(cell.find('\0') == std::string::npos);
  }
  std::vector<std::string> ids;
  for (const auto& cell : t.cells[0])
    ids.push_back(std::string(absl::StripAsciiWhitespace(cell)));
  const std::span<const std::string> inputs[] = {ids};
  const auto coded = ins::code_customer_ids(inputs);
  for (std::size_t i = 0; i < ids.size(); ++i)
    CUSTINSIGHT_FUZZ_CHECK(coded.label(coded.codes[0][i]) == ids[i]);
  for (std::size_t k = 1; k < coded.labels.size(); ++k)
    CUSTINSIGHT_FUZZ_CHECK(coded.labels[k - 1] < coded.labels[k]);
  auto dates = ins::parse_dates(t, 1, /*allow_empty=*/true);
  if (!dates.ok()) CUSTINSIGHT_FUZZ_CHECK(dates.status().message().size() < 600);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_table(ins::csv_from_text("in.csv", text, {"customer_id", "datetime"}, {"text"}), size);
  check_table(ins::jsonl_from_text("in.jsonl", text, {"customer_id", "time"}, {"text"}), size);
  return 0;
}
