#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "custinsight/parallel.hpp"
#include "custinsight/satisfaction/alerts.hpp"
#include "custinsight/satisfaction/rollup.hpp"
#include "custinsight/satisfaction/weighted.hpp"
#include "custinsight/simulation/customers.hpp"

namespace ci = custinsight;

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
}  // namespace

TEST(WeightedSatisfaction, FormulaFallbacksAndMismatch) {
  // Rows: both agree; rating only; text only; neither; five stars with an angry comment.
  std::vector<double> rating{4, 2, kNaN, kNaN, 5};
  std::vector<double> compound{0.6, kNaN, -0.4, kNaN, -0.8};
  ci::WeightedOptions o;
  o.rating_weight = 0.6;
  o.text_weight = 0.4;
  o.half_life = kInf;
  auto s = ci::weighted_satisfaction(rating, ci::RatingScale{1, 5, true}, compound, {}, o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_DOUBLE_EQ(s->rating_norm[0], 0.5);
  EXPECT_DOUBLE_EQ(s->score[0], 0.6 * 0.5 + 0.4 * 0.6);
  EXPECT_DOUBLE_EQ(s->weight[0], 1.0);
  EXPECT_DOUBLE_EQ(s->score[1], -0.5);
  EXPECT_DOUBLE_EQ(s->weight[1], 0.6);
  EXPECT_DOUBLE_EQ(s->score[2], -0.4);
  EXPECT_DOUBLE_EQ(s->weight[2], 0.4);
  EXPECT_TRUE(std::isnan(s->score[3]));
  EXPECT_EQ(s->weight[3], 0.0);
  EXPECT_EQ(s->negative[3], 0);
  EXPECT_EQ(s->mismatch, (std::vector<std::uint8_t>{0, 0, 0, 0, 1}));
  EXPECT_DOUBLE_EQ(s->score[4], 0.6 * 1.0 + 0.4 * -0.8);  // kept, but flagged
  EXPECT_EQ(s->negative, (std::vector<std::uint8_t>{0, 1, 1, 0, 0}));
}

TEST(WeightedSatisfaction, ReversedScaleAndPerSurveyScales) {
  // Survey 0: CSAT 1-5; survey 1: effort 1-7 where 1 is best.
  std::vector<ci::RatingScale> scales{{1, 5, true}, {1, 7, false}};
  std::vector<double> rating{3, 1, 7};
  std::vector<std::int32_t> which{0, 1, 1};
  ci::WeightedOptions o;
  o.half_life = kInf;
  auto s = ci::weighted_satisfaction(rating, which, scales, {}, {}, o);
  ASSERT_TRUE(s.ok());
  EXPECT_DOUBLE_EQ(s->rating_norm[0], 0.0);
  EXPECT_DOUBLE_EQ(s->rating_norm[1], 1.0);
  EXPECT_DOUBLE_EQ(s->rating_norm[2], -1.0);
}

TEST(WeightedSatisfaction, DecayHalvesWeightEachHalfLife) {
  std::vector<double> rating{5, 5, 5};
  std::vector<double> time{100, 70, 40};
  ci::WeightedOptions o;
  o.half_life = 30;
  o.as_of = 100;
  auto s = ci::weighted_satisfaction(rating, ci::RatingScale{}, {}, time, o);
  ASSERT_TRUE(s.ok());
  EXPECT_NEAR(s->weight[0], 0.5, 1e-15);  // rating only: evidence 0.5
  EXPECT_NEAR(s->weight[1], 0.25, 1e-15);
  EXPECT_NEAR(s->weight[2], 0.125, 1e-15);
}

TEST(WeightedSatisfaction, BadInputNamesArgumentAndRow) {
  std::vector<double> rating{5, 6};
  auto s = ci::weighted_satisfaction(rating, ci::RatingScale{}, {}, {});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("rating[1] = 6"), std::string::npos) << s.status();
  std::vector<double> compound{0.2, 1.5};
  EXPECT_NE(ci::weighted_satisfaction({}, ci::RatingScale{}, compound, {})
                .status().message().find("compound[1]"),
            std::string::npos);
  std::vector<double> ok{5, 4}, time{0, 10};
  ci::WeightedOptions o;
  o.as_of = 5;
  EXPECT_NE(ci::weighted_satisfaction(ok, ci::RatingScale{}, {}, time, o)
                .status().message().find("time[1] = 10: falls after as_of"),
            std::string::npos);
  o.rating_weight = 0;
  o.text_weight = 0;
  EXPECT_FALSE(ci::weighted_satisfaction(ok, ci::RatingScale{}, {}, {}, o).ok());
  std::vector<std::int32_t> which{0, 3};
  std::vector<ci::RatingScale> scales{{1, 5, true}};
  EXPECT_FALSE(ci::weighted_satisfaction(ok, which, scales, {}, {}, {}).ok());
}

TEST(RollupCustomers, HandComputed) {
  // Customer 0: scores 0.5 @ t=0 (w 1), -0.5 @ t=10 (w 3), unscored @ t=20 at touchpoint 4.
  // Customer 1: one response.
  std::vector<std::int32_t> cust{0, 0, 1, 0};
  std::vector<double> score{0.5, -0.5, 0.2, kNaN};
  std::vector<double> weight{1, 3, 1, 0};
  std::vector<double> time{0, 10, 5, 20};
  std::vector<std::int32_t> tp{1, 2, 3, 4};
  std::vector<std::uint8_t> neg{0, 1, 0, 0}, mis{0, 0, 1, 0};
  auto r = ci::rollup_customers(cust, 2, score, weight, time, tp, neg, mis);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_DOUBLE_EQ(r->satisfaction[0], (0.5 - 1.5) / 4.0);
  EXPECT_EQ(r->n_responses[0], 3);
  EXPECT_EQ(r->n_scored[0], 2);
  EXPECT_EQ(r->latest_touchpoint[0], 4);
  EXPECT_DOUBLE_EQ(r->latest_time[0], 20.0);
  EXPECT_DOUBLE_EQ(r->trend[0], -0.1);  // (-0.5 - 0.5) / 10
  EXPECT_DOUBLE_EQ(r->negative_share[0], 0.5);
  EXPECT_DOUBLE_EQ(r->satisfaction[1], 0.2);
  EXPECT_TRUE(std::isnan(r->trend[1]));
  EXPECT_DOUBLE_EQ(r->mismatch_share[1], 1.0);
}

TEST(RollupCustomers, TrendMatchesLeastSquaresAtLargeTimes) {
  // Days since 1970 around 20,000: the slope must not lose digits to the offset.
  std::vector<std::int32_t> cust{0, 0, 0, 0};
  std::vector<double> time{20000, 20003, 20007, 20010};
  std::vector<double> score{0.1, 0.25, 0.3, 0.6};
  std::vector<double> weight(4, 1.0);
  std::vector<std::int32_t> tp(4, 0);
  auto r = ci::rollup_customers(cust, 1, score, weight, time, tp, {}, {});
  ASSERT_TRUE(r.ok());
  // Closed form with x centred by hand: x = -5, -2, 2, 5; y mean 0.3125.
  const double sxy = -5 * (0.1 - 0.3125) - 2 * (0.25 - 0.3125) + 2 * (0.3 - 0.3125) + 5 * (0.6 - 0.3125);
  EXPECT_NEAR(r->trend[0], sxy / 58.0, 1e-12);
}

TEST(RollupCustomers, MissingCustomerIsAnError) {
  std::vector<std::int32_t> cust{0, -1};
  std::vector<double> s{0.1, 0.2}, w{1, 1}, t{0, 1};
  std::vector<std::int32_t> tp{0, 0};
  auto r = ci::rollup_customers(cust, 1, s, w, t, tp, {}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("customer[1] = -1: is missing"), std::string::npos);
}

TEST(RollupGroups, HandComputed) {
  std::vector<std::int32_t> g{0, 0, 1, -1, 0};
  std::vector<double> score{0.5, kNaN, -0.2, 0.9, 0.1};
  std::vector<double> weight{1, 0, 2, 1, 3};
  std::vector<double> compound{0.4, -0.6, kNaN, 0.9, kNaN};
  std::vector<std::uint8_t> neg{0, 0, 1, 0, 0};
  auto r = ci::rollup_groups(g, 2, score, weight, compound, neg, {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->volume[0], 3);
  EXPECT_EQ(r->n_scored[0], 2);
  EXPECT_DOUBLE_EQ(r->mean_sentiment[0], -0.1);
  EXPECT_DOUBLE_EQ(r->satisfaction[0], (0.5 + 0.3) / 4.0);
  EXPECT_DOUBLE_EQ(r->effective_n[0], 16.0 / 10.0);
  EXPECT_DOUBLE_EQ(r->negative_share[1], 1.0);
  EXPECT_TRUE(std::isnan(r->mismatch_share[0]));
}

TEST(Consistency, SimulatedWorstTouchpointIsFlagged) {
  // The simulator's phone touchpoint is the least satisfying (effect -0.4) and social next
  // (-0.2); in-person is the best (+0.3).
  ci::SimulationConfig c;
  c.n_customers = 20'000;
  auto data = ci::simulate(c);
  ASSERT_TRUE(data.ok());
  const auto& r = data->responses;
  std::vector<double> rating(r.csat.size());
  std::vector<std::int32_t> group(r.csat.size());
  for (std::size_t i = 0; i < rating.size(); ++i) {
    rating[i] = r.csat[i] == 0 ? kNaN : r.csat[i];
    group[i] = r.touchpoint[i];
  }
  ci::WeightedOptions o;
  o.half_life = kInf;
  auto s = ci::weighted_satisfaction(rating, ci::RatingScale{}, {}, {}, o);
  ASSERT_TRUE(s.ok());
  std::vector<double> score(s->score.data(), s->score.data() + s->score.size());
  std::vector<double> weight(s->weight.data(), s->weight.data() + s->weight.size());
  auto cons = ci::touchpoint_consistency(group, ci::kTouchpointCount, score, weight);
  ASSERT_TRUE(cons.ok()) << cons.status();
  const int phone = static_cast<int>(ci::Touchpoint::phone);
  const int in_person = static_cast<int>(ci::Touchpoint::in_person);
  EXPECT_TRUE(cons->below[phone]);
  EXPECT_FALSE(cons->below[in_person]);
  EXPECT_GT(cons->z[in_person], 0.0);
  EXPECT_GT(cons->range, 0.1);
  EXPECT_GT(cons->spread_sd, 0.0);
}

TEST(Consistency, EqualGroupsAreNotFlagged) {
  // Identical score distributions in every group: no group is significantly below.
  std::vector<std::int32_t> g;
  std::vector<double> s, w;
  for (int i = 0; i < 3000; ++i) {
    g.push_back(i % 3);
    s.push_back(((i / 3) % 5 - 2) / 2.0);
    w.push_back(1.0);
  }
  auto cons = ci::touchpoint_consistency(g, 3, s, w);
  ASSERT_TRUE(cons.ok());
  for (int k = 0; k < 3; ++k) EXPECT_FALSE(cons->below[k]);
  EXPECT_NEAR(cons->range, 0.0, 1e-12);
}

TEST(Alerts, EachRuleFiresAndNamesItself) {
  // Customer 0: previous-period scores 0.8, 0.6, current 0.0 (drop 0.7).
  // Customer 1: a detractor at group 1, a negative comment, a mismatch.
  std::vector<std::int32_t> cust{0, 0, 0, 1, 1, 1};
  std::vector<std::int32_t> group{0, 0, 0, 1, 0, 1};
  std::vector<double> nps{kNaN, kNaN, kNaN, 3, kNaN, 9};
  std::vector<double> compound{kNaN, kNaN, kNaN, kNaN, -0.7, -0.9};
  std::vector<double> rating_norm{kNaN, kNaN, kNaN, kNaN, kNaN, 1.0};
  std::vector<std::uint8_t> mismatch{0, 0, 0, 0, 0, 1};
  std::vector<double> score{0.8, 0.6, 0.0, -0.5, -0.7, 0.05};
  std::vector<double> time{35, 40, 70, 80, 85, 90};
  ci::AlertOptions o;
  o.as_of = 90;
  o.period = 30;
  o.watch = {0, 1};
  auto a = ci::satisfaction_alerts(cust, group, nps, compound, rating_norm, mismatch, score, time, o);
  ASSERT_TRUE(a.ok()) << a.status();
  using R = ci::AlertRule;
  ASSERT_EQ(a->row, (std::vector<std::int64_t>{2, 3, 4, 5, 5}));
  EXPECT_EQ(a->rule, (std::vector<R>{R::satisfaction_drop, R::detractor, R::negative_text,
                                     R::negative_text, R::mismatch}));
  EXPECT_NEAR(a->value[0], 0.7, 1e-12);
  EXPECT_EQ(a->value[1], 3.0);
  EXPECT_NEAR(a->value[4], 1.9, 1e-12);
  EXPECT_STREQ(ci::alert_rule_name(R::satisfaction_drop), "satisfaction_drop");
  // Watching only group 0 silences the detractor at group 1.
  o.watch = {1, 0};
  auto b = ci::satisfaction_alerts(cust, group, nps, compound, rating_norm, mismatch, score, time, o);
  for (auto rule : b->rule) EXPECT_NE(rule, R::detractor);
}

TEST(PeriodTrend, HandComputed) {
  std::vector<std::int32_t> g{0, 0, 0, 0, 1};
  std::vector<double> score{0.2, 0.4, -0.2, 0.0, 0.5};
  std::vector<double> time{5, 8, 15, 19, 19};
  auto t = ci::period_trend(g, 2, score, time, 20, 10);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->n_current[0], 2);
  EXPECT_EQ(t->n_previous[0], 2);
  EXPECT_DOUBLE_EQ(t->current[0], -0.1);
  EXPECT_DOUBLE_EQ(t->previous[0], 0.3);
  EXPECT_NEAR(t->change[0], -0.4, 1e-15);
  // Sample variances 0.02 and 0.02: se = sqrt(0.02) .
  EXPECT_NEAR(t->z[0], -0.4 / std::sqrt(0.02), 1e-9);
  EXPECT_TRUE(std::isnan(t->previous[1]));
}
