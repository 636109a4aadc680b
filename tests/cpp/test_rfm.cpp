#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <vector>

#include "custinsight/rfm.hpp"
#include "shared_data.hpp"

namespace ci = custinsight;
using custinsight::testing::days_from_yyyymmdd;

namespace {

// Customer 7: purchases on days 0, 0 (same period), 3 and 10; customer 3: a single purchase.
struct SmallLog {
  std::vector<std::int64_t> id{7, 3, 7, 7, 7};
  std::vector<std::int64_t> day{10, 4, 0, 3, 0};
  std::vector<double> amount{5.0, 9.0, 1.0, 2.0, 4.0};
};

}  // namespace

TEST(RfmSummary, HandComputedSmallLog) {
  SmallLog log;
  auto s = ci::rfm_summary<std::int64_t>(log.id, log.day, log.amount, 12);
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->size(), 2u);
  EXPECT_EQ(s->customer_id[0], 3);  // sorted by id
  EXPECT_EQ(s->customer_id[1], 7);
  EXPECT_EQ(s->frequency[0], 0.0);
  EXPECT_EQ(s->recency[0], 0.0);
  EXPECT_EQ(s->T[0], 8.0);
  EXPECT_EQ(s->monetary_value[0], 0.0);
  // Periods 0 (1 + 4), 3 (2) and 10 (5): two repeats, mean repeat spend (2 + 5) / 2.
  EXPECT_EQ(s->frequency[1], 2.0);
  EXPECT_EQ(s->recency[1], 10.0);
  EXPECT_EQ(s->T[1], 12.0);
  EXPECT_DOUBLE_EQ(s->monetary_value[1], 3.5);
}

TEST(RfmSummary, IncludeFirstTransactionAndMultiplier) {
  SmallLog log;
  ci::PeriodSpec<std::int64_t> spec{1, 0, 2.0};
  auto s = ci::rfm_summary<std::int64_t>(log.id, log.day, log.amount, 12, spec, {true});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->frequency[1], 3.0);
  EXPECT_EQ(s->recency[1], 5.0);
  EXPECT_EQ(s->T[1], 6.0);
  EXPECT_DOUBLE_EQ(s->monetary_value[1], 12.0 / 3.0);
}

TEST(RfmSummary, WeeklyPeriodsStartOnMonday) {
  // Days since epoch: 1970-01-04 was a Sunday (day 3), 1970-01-05 a Monday (day 4).
  std::vector<std::int64_t> id{1, 1, 1};
  std::vector<std::int64_t> day{3, 4, 10};
  ci::PeriodSpec<std::int64_t> week{7, 3, 1.0};
  auto s = ci::rfm_summary<std::int64_t>(id, day, {}, 11, week);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->frequency[0], 1.0);  // days 4 and 10 share the week of Monday 5 January
  EXPECT_EQ(s->recency[0], 1.0);
  EXPECT_EQ(s->T[0], 2.0);  // day 11 is Monday 12 January, the next week
  EXPECT_EQ(s->monetary_value.size(), 0);
}

TEST(RfmSummary, FloatTimesShareAPeriodByIntegerPart) {
  std::vector<std::int64_t> id{1, 1, 1};
  std::vector<double> t{0.2, 0.9, 2.5};
  auto s = ci::rfm_summary<double>(id, t, {}, 4.0);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->frequency[0], 1.0);
  EXPECT_EQ(s->recency[0], 2.0);
  EXPECT_EQ(s->T[0], 4.0);
}

TEST(RfmSummary, BadInputNamesArgumentAndRow) {
  SmallLog log;
  auto expect_error = [](const absl::Status& st, const std::string& needle) {
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(std::string(st.message()).find(needle), std::string::npos) << st.message();
  };
  auto amount = log.amount;
  amount[2] = std::numeric_limits<double>::quiet_NaN();
  expect_error(ci::rfm_summary<std::int64_t>(log.id, log.day, amount, 12).status(),
               "monetary_value[2] = nan");
  amount[2] = -1.0;
  expect_error(ci::rfm_summary<std::int64_t>(log.id, log.day, amount, 12).status(),
               "monetary_value[2] = -1: must be non-negative");
  expect_error(ci::rfm_summary<std::int64_t>(log.id, log.day, log.amount, 9).status(),
               "time[0] = 10: falls after observation_period_end");
  std::vector<std::int64_t> short_day{1, 2};
  expect_error(ci::rfm_summary<std::int64_t>(log.id, short_day, {}, 9).status(),
               "time has length 2 but customer_id has length 5");
  expect_error(ci::rfm_summary<std::int64_t>({}, {}, {}, 9).status(), "customer_id is empty");
  std::vector<double> t{0.0, std::numeric_limits<double>::infinity(), 1, 2, 3};
  expect_error(ci::rfm_summary<double>(log.id, t, {}, 9.0).status(), "time[1] = inf");
}

TEST(CalibrationAndHoldout, HandComputedSplit) {
  // Customer 1 buys on days 0, 2 | 5, 5, 8; customer 2 buys only in the holdout (dropped).
  std::vector<std::int64_t> id{1, 1, 1, 1, 1, 2};
  std::vector<std::int64_t> day{0, 2, 5, 5, 8, 6};
  std::vector<double> amount{1, 2, 3, 4, 5, 6};
  auto r = ci::calibration_and_holdout<std::int64_t>(id, day, amount, 3, 10);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->calibration.size(), 1u);
  EXPECT_EQ(r->calibration.frequency[0], 1.0);
  EXPECT_EQ(r->calibration.recency[0], 2.0);
  EXPECT_EQ(r->calibration.T[0], 3.0);
  EXPECT_EQ(r->frequency_holdout[0], 2.0);             // days 5 and 8
  EXPECT_DOUBLE_EQ(r->monetary_value_holdout[0], 4.0);  // mean of raw amounts 3, 4, 5
  EXPECT_EQ(r->duration_holdout, 7.0);
}

// The published CDNOW summary (x, t_x, T, zbar in weeks, 39-week calibration) from the raw
// sample, with days scaled to weeks.
TEST(RfmSummary, ReproducesPublishedCdnowSummary) {
  CUSTINSIGHT_REQUIRE_SHARED_DATA("CDNOW_sample.txt");
  CUSTINSIGHT_REQUIRE_SHARED_DATA("cdnow_customers_summary_with_transactions.csv");
  std::ifstream raw(custinsight::testing::shared_data("CDNOW_sample.txt"));
  std::vector<std::int64_t> id, day;
  std::vector<double> amount;
  long long cust, sample, ymd, cds;
  double dollars;
  while (raw >> cust >> sample >> ymd >> cds >> dollars) {
    id.push_back(sample);
    day.push_back(days_from_yyyymmdd(ymd));
    amount.push_back(dollars);
  }
  ASSERT_EQ(id.size(), 6919u);
  const std::int64_t cal_end = days_from_yyyymmdd(19970930);
  auto r = ci::calibration_and_holdout<std::int64_t>(id, day, amount, cal_end,
                                                     days_from_yyyymmdd(19980630),
                                                     ci::PeriodSpec<std::int64_t>{1, 0, 7.0});
  ASSERT_TRUE(r.ok()) << r.status();
  const auto& s = r->calibration;
  ASSERT_EQ(s.size(), 2357u);

  std::ifstream pub(custinsight::testing::shared_data("cdnow_customers_summary_with_transactions.csv"));
  std::string line;
  std::getline(pub, line);
  std::size_t rows = 0;
  while (std::getline(pub, line)) {
    std::stringstream ss(line);
    std::string field;
    std::vector<double> v;
    while (std::getline(ss, field, ',')) v.push_back(std::stod(field));
    const std::size_t i = rows++;
    ASSERT_EQ(s.customer_id[i], static_cast<std::int64_t>(v[0]));
    EXPECT_EQ(s.frequency[static_cast<Eigen::Index>(i)], v[1]) << "ID " << v[0];
    EXPECT_NEAR(s.recency[static_cast<Eigen::Index>(i)], v[2], 0.005 + 1e-9) << "ID " << v[0];
    EXPECT_NEAR(s.T[static_cast<Eigen::Index>(i)], v[3], 0.005 + 1e-9) << "ID " << v[0];
    EXPECT_NEAR(s.monetary_value[static_cast<Eigen::Index>(i)], v[4], 0.005 + 1e-9) << "ID " << v[0];
  }
  EXPECT_EQ(rows, 2357u);
}

// Widely spread ids take the hashing path; dense ids the lookup-table path. Same answer.
TEST(RfmSummary, SparseAndDenseIdsAgree) {
  SmallLog log;
  std::vector<std::int64_t> sparse;
  for (auto id : log.id) sparse.push_back(id * 1'000'000'000'007LL - 5);
  auto dense = ci::rfm_summary<std::int64_t>(log.id, log.day, log.amount, 12);
  auto spread = ci::rfm_summary<std::int64_t>(sparse, log.day, log.amount, 12);
  ASSERT_TRUE(dense.ok() && spread.ok());
  EXPECT_EQ(spread->customer_id[0], 3 * 1'000'000'000'007LL - 5);
  EXPECT_EQ(dense->frequency, spread->frequency);
  EXPECT_EQ(dense->recency, spread->recency);
  EXPECT_EQ(dense->T, spread->T);
  EXPECT_EQ(dense->monetary_value, spread->monetary_value);
}
