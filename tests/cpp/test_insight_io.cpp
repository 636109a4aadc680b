// The insight readers keep ids, times and text as written (issue 20): the id rule, the date
// parser with offsets and its range, NUL bytes and physical lines in CSV, JSON numbers with
// their digits, the join check, the population spend, and model JSON refusals.

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "custinsight/loyalty/beta_geo.hpp"
#include "custinsight/insight/csv.hpp"
#include "custinsight/insight/ids.hpp"
#include "custinsight/insight/pipeline.hpp"
#include "custinsight/loyalty/model_io.hpp"

namespace ci = custinsight;
namespace ins = custinsight::insight;

namespace {

std::string write_file(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("custinsight_io_" + name);
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

bool has(const absl::Status& s, const std::string& part) {
  return std::string(s.message()).find(part) != std::string::npos;
}

}  // namespace

TEST(InsightIds, CanonicalIntegersOnly) {
  std::int64_t v = 0;
  ASSERT_TRUE(ins::canonical_int64("0", v));
  EXPECT_EQ(v, 0);
  ASSERT_TRUE(ins::canonical_int64("-9223372036854775808", v));
  EXPECT_EQ(v, std::numeric_limits<std::int64_t>::min());
  ASSERT_TRUE(ins::canonical_int64("9223372036854775807", v));
  EXPECT_EQ(v, std::numeric_limits<std::int64_t>::max());
  for (const char* s : {"9223372036854775808", "-9223372036854775809", "007", "+7", "7.0",
                        "7e0", "-0", "", "-", " 7", "18446744073709551615",
                        "123456789012345678901234567890"})
    EXPECT_FALSE(ins::canonical_int64(s, v)) << s;
}

TEST(InsightIds, OneNonCanonicalIdMakesEveryInputText) {
  const std::vector<std::string> tx{"10", "9", "7"}, fb{"007", "9"};
  const std::span<const std::string> inputs[] = {tx, fb};
  const auto ids = ins::code_customer_ids(inputs);
  ASSERT_TRUE(ids.text);
  EXPECT_EQ(ids.labels, (std::vector<std::string>{"007", "10", "7", "9"}));
  EXPECT_EQ(ids.codes[0], (std::vector<std::int64_t>{1, 3, 2}));
  EXPECT_EQ(ids.codes[1], (std::vector<std::int64_t>{0, 3}));
  EXPECT_EQ(ids.label(ids.codes[1][0]), "007");
  const std::vector<std::string> fb2{"9"};
  const std::span<const std::string> ints[] = {tx, fb2};
  const auto numeric = ins::code_customer_ids(ints);
  ASSERT_FALSE(numeric.text);
  EXPECT_EQ(numeric.codes[0], (std::vector<std::int64_t>{10, 9, 7}));
  EXPECT_EQ(numeric.label(10), "10");
}

TEST(InsightDates, OffsetsAndZAreConvertedToUtc) {
  std::int64_t naive = 0, other = 0;
  ASSERT_EQ(ins::parse_datetime_ns("2024-03-01 10:00:00", naive), ins::DateError::kNone);
  EXPECT_EQ(naive, (19783LL * 86400 + 36000) * 1000000000LL);  // 2024-03-01 is day 19783
  for (const char* s : {"2024-03-01T10:00:00Z", "2024-03-01 12:00:00+02:00",
                        "2024-03-01T05:30:00-0430", "2024-03-01T11:00+01"}) {
    ASSERT_EQ(ins::parse_datetime_ns(s, other), ins::DateError::kNone) << s;
    EXPECT_EQ(other, naive) << s;
  }
  ASSERT_EQ(ins::parse_datetime_ns("2024-03-01 10:00:00.000000001", other), ins::DateError::kNone);
  EXPECT_EQ(other, naive + 1);
  for (const char* s : {"2024-03-01Z", "2024-03-01 10:00:00+2", "2024-03-01 10:00:00+24:00",
                        "2024-03-01 10:00:00 Z", "2024-02-30", "2024-03-01 10:00:00."})
    EXPECT_EQ(ins::parse_datetime_ns(s, other), ins::DateError::kNotADate) << s;
}

TEST(InsightDates, OutOfRangeIsSaidSo) {
  std::int64_t ns = 0;
  for (const char* s : {"9999-12-31", "1677-09-20", "2262-04-11 23:47:16.854775808",
                        "1677-09-21 00:12:43.145224192", "2262-04-11 23:00:00-01:00"})
    EXPECT_EQ(ins::parse_datetime_ns(s, ns), ins::DateError::kOutOfRange) << s;
  ASSERT_EQ(ins::parse_datetime_ns("2262-04-11 23:47:16.854775807", ns), ins::DateError::kNone);
  EXPECT_EQ(ns, std::numeric_limits<std::int64_t>::max());
  ASSERT_EQ(ins::parse_datetime_ns("1677-09-21 00:12:43.145224193", ns), ins::DateError::kNone);
  EXPECT_EQ(ns, std::numeric_limits<std::int64_t>::min() + 1);
}

TEST(InsightCsv, NulBytesAreErrorsNamingLineAndColumn) {
  const std::string text =
      std::string("customer_id,datetime,amount\n1,\"2024-01-01\",3\n2,2024-01-01,12") + '\0' +
      "5\n";
  const auto r = ins::read_csv(write_file("nul.csv", text), {"customer_id", "datetime", "amount"});
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has(r.status(), "line 3: column 'amount': a NUL byte")) << r.status();
}

TEST(InsightCsv, LinesArePhysicalAfterQuotedLineBreaks) {
  const auto csv = ins::read_csv(
      write_file("lines.csv", "customer_id,datetime,text\n1,2024-01-01,\"a\nb\nc\"\n2,x,y\n"),
      {"customer_id", "datetime"}, {"text"});
  ASSERT_TRUE(csv.ok()) << csv.status();
  EXPECT_EQ(csv->line, (std::vector<std::int64_t>{2, 5}));
  const auto dates = ins::parse_dates(*csv, 1);
  ASSERT_FALSE(dates.ok());
  EXPECT_TRUE(has(dates.status(), "line 5: column 'datetime': 'x' is not a date"));
}

TEST(InsightCsv, LongValuesAreQuotedCut) {
  const std::string quoted = ins::quote_value(std::string(1000, 'x'));
  EXPECT_EQ(quoted, "'" + std::string(80, 'x') + "...' (1000 bytes)");
  // Never cut inside a UTF-8 character: 79 ASCII bytes then a two-byte 'é'.
  const std::string accented = std::string(79, 'a') + "\xC3\xA9" + std::string(10, 'b');
  EXPECT_EQ(ins::quote_value(accented), "'" + std::string(79, 'a') + "...' (91 bytes)");
}

TEST(InsightJsonl, NumbersKeepTheirDigits) {
  const auto js = ins::read_jsonl(
      write_file("numbers.jsonl",
                 "{\"id\": 123456789012345678901234567890, \"x\": 1}\n"
                 "{\"id\": 18446744073709551615, \"x\": 7.0}\n"
                 "{\"id\": -5, \"x\": 1e3, \"id\": 6}\n"),
      {"id", "x"});
  ASSERT_TRUE(js.ok()) << js.status();
  EXPECT_EQ(js->cells[0],
            (std::vector<std::string>{"123456789012345678901234567890", "18446744073709551615",
                                      "6"}));
  EXPECT_EQ(js->cells[1], (std::vector<std::string>{"1", "7.0", "1e3"}));
}

TEST(InsightJsonl, RefusalsNameTheLine) {
  const auto surrogate = ins::read_jsonl(
      write_file("surrogate.jsonl", "{\"id\": 1}\n{\"id\": \"a\\ud800b\"}\n"), {"id"});
  EXPECT_TRUE(has(surrogate.status(), "line 2: not valid JSON")) << surrogate.status();
  const auto bytes = ins::read_jsonl(write_file("bytes.jsonl", "{\"id\": 1}\n{\"id\": \"\xff\"}\n"),
                                     {"id"});
  EXPECT_TRUE(has(bytes.status(), "line 2: not UTF-8 text")) << bytes.status();
  const auto nul = ins::read_jsonl(write_file("nul.jsonl", "{\"id\": \"a\\u0000b\"}\n"), {"id"});
  EXPECT_TRUE(has(nul.status(), "line 1: field 'id': a NUL character")) << nul.status();
  const auto nan = ins::read_jsonl(write_file("nan.jsonl", "{\"id\": NaN}\n"), {"id"});
  EXPECT_TRUE(has(nan.status(), "line 1: not valid JSON")) << nan.status();
  const auto nested = ins::read_jsonl(write_file("nested.jsonl", "{\"id\": [1]}\n"), {"id"});
  EXPECT_TRUE(has(nested.status(), "field 'id': expected text or a number, got array"));
}

TEST(InsightJoins, CountedAndRefusedAboveTheShare) {
  const std::vector<std::int64_t> ids{5, 6, 6, 7, 8}, rows{0, -1, -1, 1, -1};
  const std::vector<std::int64_t> times{0, 0, 0, 0, 99};
  const auto r = ins::join_report("feedback", ids, rows, times, /*as_of_ns=*/10);
  EXPECT_EQ(r.rows, 4);
  EXPECT_EQ(r.unmatched, 2);
  EXPECT_EQ(r.first_unmatched, (std::vector<std::int64_t>{6}));
  EXPECT_TRUE(ins::check_join(r, std::vector<std::string>{"'6'"}).ok());
  EXPECT_EQ(ins::join_note(r), "feedback: 2 of 4 rows up to as_of name no customer with a purchase");
  auto most = r;
  most.unmatched = 3;
  const auto st = ins::check_join(most, std::vector<std::string>{"'6'", "'8'"});
  EXPECT_TRUE(has(st, "feedback: 3 of 4 rows up to as_of (more than 50%) name no customer")) << st;
  EXPECT_TRUE(has(st, "first unmatched ids: '6', '8'")) << st;
}

TEST(InsightSpend, PopulationMeanSpendIsTheMeanAmount) {
  const std::vector<double> amounts{10.0, 20.0, 0.0, 30.0};
  EXPECT_DOUBLE_EQ(ins::population_mean_spend(amounts), 15.0);
  EXPECT_EQ(ins::population_mean_spend({}), 0.0);
}

TEST(ModelIo, ErrorsNameTheKeyTypeAndRange) {
  ci::BetaGeoModel m;
  Eigen::VectorXd theta(4);
  theta << 0.243, 4.414, 0.793, 2.426;
  ASSERT_TRUE(m.set_params(theta).ok());
  const auto names = ci::detail::BetaGeoFamilyLikelihood<0>::kNames;
  auto j = nlohmann::json::parse(ci::model_to_json("BetaGeoModel", names, m.result().value()));
  auto load = [&](const nlohmann::json& doc) {
    return ci::model_from_json(doc.dump(), "BetaGeoModel", names).status();
  };
  auto edited = j;
  edited["params"]["r"] = "0.243";
  EXPECT_TRUE(has(load(edited), "params.r = \"0.243\" is a string, expected a number"));
  edited = j;
  edited.erase("model");
  EXPECT_TRUE(has(load(edited), "the \"model\" key is missing")) << load(edited);
  edited = j;
  edited["params"]["r"] = 1e308;
  EXPECT_TRUE(has(load(edited), "params.r = 1e+308: must be positive and at most 1e+15"))
      << load(edited);
  edited = j;
  edited["params"]["b"] = 0.0;
  EXPECT_TRUE(has(load(edited), "params.b = 0.0: must be positive")) << load(edited);
  edited = j;
  edited["fit"]["iterations"] = 1.5;
  EXPECT_TRUE(has(load(edited), "fit.iterations = 1.5 is a number, expected a whole number"))
      << load(edited);
}
