// Transaction logs found by tests/fuzz/fuzz_rfm_summary.cpp (and their neighbours): each hit
// undefined behaviour or produced an infinity before the fix it pins.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "custinsight/rfm.hpp"

namespace ci = custinsight;

namespace {

bool mentions(const absl::Status& status, std::string_view what) {
  return std::string(status.message()).find(what) != std::string::npos;
}

}  // namespace

// A float time whose period does not fit in int64 was converted with undefined behaviour.
TEST(RfmFuzz, RfmTimesWithoutAPeriodAreErrors) {
  const std::vector<std::int64_t> ids = {1, 1, 2};
  const std::vector<double> t = {0.0, -1.79769e308, 3.0};
  auto r = ci::rfm_summary<double>(ids, t, {}, 5.0);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(mentions(r.status(), "time[1]")) << r.status();

  ci::PeriodSpec<double> tiny;
  tiny.ticks_per_period = 1e-300;
  auto r2 = ci::rfm_summary<double>(ids, std::vector<double>{0.0, 1.0, 2.0}, {}, 5.0, tiny);
  ASSERT_FALSE(r2.ok());
  EXPECT_TRUE(mentions(r2.status(), "observation_period_end")) << r2.status();

  // Integer ticks: time + offset overflowing int64 was undefined behaviour.
  ci::PeriodSpec<std::int64_t> shifted;
  shifted.offset = 10;
  const std::int64_t big = std::numeric_limits<std::int64_t>::max() - 5;
  auto r3 = ci::rfm_summary<std::int64_t>(ids, std::vector<std::int64_t>{0, 1, big}, {}, 7,
                                          shifted);
  ASSERT_FALSE(r3.ok());
  EXPECT_TRUE(mentions(r3.status(), "time[2]")) << r3.status();
}
// Periods more than 2^63 apart: the int64 difference overflowed (undefined behaviour).
TEST(RfmFuzz, RfmSpansBeyondInt64AreFinite) {
  const std::int64_t lo = std::numeric_limits<std::int64_t>::min() + 1;
  const std::int64_t hi = std::numeric_limits<std::int64_t>::max() - 1;
  const std::vector<std::int64_t> ids = {1, 1};
  const std::vector<std::int64_t> t = {lo, 0};
  auto r = ci::rfm_summary<std::int64_t>(ids, t, {}, hi);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->frequency[0], 1.0);
  EXPECT_EQ(r->recency[0], -static_cast<double>(lo));
  EXPECT_EQ(r->T[0], static_cast<double>(hi) - static_cast<double>(lo));

  auto h = ci::calibration_and_holdout<std::int64_t>(ids, t, {}, lo, hi);
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(h->duration_holdout, static_cast<double>(hi) - static_cast<double>(lo));
  EXPECT_EQ(h->frequency_holdout[0], 1.0);
}
// Spans divided by a tiny freq_multiplier, and amounts whose sum overflows, gave infinities.
TEST(RfmFuzz, RfmOverflowingOutputsAreErrors) {
  const std::vector<std::int64_t> ids = {1, 1};
  const std::vector<double> t = {0.0, 3.0};
  ci::PeriodSpec<double> spec;
  spec.freq_multiplier = 1e-310;
  auto r = ci::rfm_summary<double>(ids, t, {}, 4.0, spec);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(mentions(r.status(), "freq_multiplier")) << r.status();

  const std::vector<double> amount = {1e308, 1e308};
  auto r2 = ci::rfm_summary<double>(ids, t, amount, 4.0);
  ASSERT_FALSE(r2.ok());
  EXPECT_TRUE(mentions(r2.status(), "monetary_value")) << r2.status();
  const std::vector<double> t3 = {0.0, 1.0, 2.0};
  auto r3 = ci::rfm_summary<double>(std::vector<std::int64_t>{1, 1, 1}, t3,
                                    std::vector<double>{1.0, 1e308, 5e307}, 4.0);
  ASSERT_TRUE(r3.ok()) << r3.status();
  EXPECT_EQ(r3->monetary_value[0], (1e308 + 5e307) / 2);

  ci::PeriodSpec<double> nan_offset;
  nan_offset.offset = NAN;
  auto r4 = ci::rfm_summary<double>(ids, t, {}, 4.0, nan_offset);
  ASSERT_FALSE(r4.ok());
  EXPECT_TRUE(mentions(r4.status(), "offset")) << r4.status();
}
