#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <vector>

#include "custinsight/math/random.hpp"
#include "custinsight/parallel.hpp"
#include "custinsight/satisfaction/survey_metrics.hpp"

namespace ci = custinsight;

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}  // namespace

TEST(Csat, HandComputed) {
  std::vector<double> r{5, 4, 3, kNaN, 1, 4};
  auto out = ci::csat(r);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->n, 5);
  EXPECT_DOUBLE_EQ(out->satisfied_share, 3.0 / 5.0);
  EXPECT_DOUBLE_EQ(out->mean, 17.0 / 5.0);
}

TEST(Csat, GroupedWithEmptyAndUngroupedRows) {
  std::vector<double> r{5, 1, 4, 2, 3};
  std::vector<std::int32_t> g{0, 0, 2, -1, 2};
  auto out = ci::csat_grouped(r, g, 3);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ((*out)[0].n, 2);
  EXPECT_DOUBLE_EQ((*out)[0].satisfied_share, 0.5);
  EXPECT_EQ((*out)[1].n, 0);
  EXPECT_TRUE(std::isnan((*out)[1].mean));
  EXPECT_DOUBLE_EQ((*out)[2].mean, 3.5);
}

TEST(Csat, RatingOutsideScaleNamesRow) {
  std::vector<double> r{5, 4, 6};
  auto out = ci::csat(r);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("ratings[2] = 6"), std::string::npos) << out.status();
  std::vector<double> inf{std::numeric_limits<double>::infinity()};
  EXPECT_FALSE(ci::csat(inf).ok());
  EXPECT_FALSE(ci::csat(r, ci::CsatOptions{{5.0, 1.0, true}, 4.0}).ok());  // min > max
}

TEST(Nps, HandComputed) {
  // Promoters 10, 9, 10; passives 8, 7; detractors 6, 0; one missing.
  std::vector<double> s{10, 9, 8, 7, 6, 0, kNaN, 10};
  auto out = ci::nps(s);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->n, 7);
  EXPECT_EQ(out->promoters, 3);
  EXPECT_EQ(out->passives, 2);
  EXPECT_EQ(out->detractors, 2);
  EXPECT_DOUBLE_EQ(out->nps, 100.0 / 7.0);
  // Var = (3/7 + 2/7 - (1/7)^2) / 7 = 34 / 343.
  EXPECT_NEAR(out->std_error, 100.0 * std::sqrt(34.0 / 343.0), 1e-12);
  EXPECT_NEAR(out->upper - out->nps, 1.959963984540054 * out->std_error, 1e-9);
}

TEST(Nps, AllPromotersAllDetractorsAndSizeOne) {
  std::vector<double> s{9, 10, 10, 0, 3, 8};
  std::vector<std::int32_t> g{0, 0, 0, 1, 1, 2};
  auto out = ci::nps_grouped(s, g, 4);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ((*out)[0].nps, 100.0);
  EXPECT_EQ((*out)[0].std_error, 0.0);
  EXPECT_EQ((*out)[0].lower, 100.0);
  EXPECT_EQ((*out)[1].nps, -100.0);
  EXPECT_EQ((*out)[1].upper, -100.0);
  EXPECT_EQ((*out)[2].nps, 0.0);  // a lone passive
  EXPECT_EQ((*out)[2].n, 1);
  EXPECT_TRUE(std::isnan((*out)[3].nps));
}

TEST(Nps, BadScoresNameRow) {
  std::vector<double> s{9, 11};
  auto out = ci::nps(s);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("scores[1] = 11"), std::string::npos);
  std::vector<double> half{7.5};
  EXPECT_FALSE(ci::nps(half).ok());
  std::vector<double> ok{9};
  EXPECT_FALSE(ci::nps(ok, ci::NpsOptions{1.0}).ok());
}

namespace {

// Groups with known true shares: each answer is a promoter, passive or detractor by a draw.
struct Coverage {
  double normal = 0.0, bootstrap = 0.0;
};

Coverage nps_coverage(int n_groups, bool with_bootstrap) {
  Coverage c;
  for (int g = 0; g < n_groups; ++g) {
    ci::detail::Rng rng(2024, static_cast<std::uint64_t>(g));
    const double pp = 0.2 + 0.4 * rng.uniform();
    const double pd = 0.1 + 0.3 * rng.uniform();
    const int n = 100 + static_cast<int>(rng.below(900));
    std::vector<double> s(static_cast<std::size_t>(n));
    for (double& v : s) {
      const double u = rng.uniform();
      v = u < pp ? 10.0 : (u < pp + pd ? 3.0 : 8.0);
    }
    const double truth = 100.0 * (pp - pd);
    auto normal = ci::nps(s);
    c.normal += normal->lower <= truth && truth <= normal->upper;
    if (with_bootstrap) {
      ci::NpsOptions o;
      o.method = ci::IntervalMethod::bootstrap;
      o.n_bootstrap = 400;
      o.seed = static_cast<std::uint64_t>(g);
      auto boot = ci::nps(s, o);
      c.bootstrap += boot->lower <= truth && truth <= boot->upper;
    }
  }
  c.normal /= n_groups;
  c.bootstrap /= n_groups;
  return c;
}

}  // namespace

TEST(Nps, NormalIntervalCoversTruthNinetyFivePercent) {
  const Coverage c = nps_coverage(10'000, false);
  std::printf("normal-interval coverage on 10,000 groups: %.4f\n", c.normal);
  EXPECT_GE(c.normal, 0.94);
  EXPECT_LE(c.normal, 0.96);
}

TEST(Nps, BootstrapIntervalCoversTruth) {
  // Fewer groups (the bootstrap is costlier), so a wider band: 1,000 groups give a standard
  // error of 0.7 points on the coverage.
  const Coverage c = nps_coverage(1'000, true);
  std::printf("bootstrap-interval coverage on 1,000 groups: %.4f\n", c.bootstrap);
  EXPECT_GE(c.bootstrap, 0.93);
  EXPECT_LE(c.bootstrap, 0.97);
}

TEST(Nps, BootstrapIsThreadIndependentAndNearNormalForLargeGroups) {
  ci::detail::Rng rng(5, 0);
  std::vector<double> s(20'000);
  std::vector<std::int32_t> g(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    s[i] = static_cast<double>(rng.below(11));
    g[i] = static_cast<std::int32_t>(i % 4);
  }
  ci::NpsOptions o;
  o.method = ci::IntervalMethod::bootstrap;
  o.n_bootstrap = 300;
  ci::set_num_threads(1);
  auto one = ci::nps_grouped(s, g, 4, o);
  ci::set_num_threads(2);
  auto two = ci::nps_grouped(s, g, 4, o);
  ci::set_num_threads(0);
  auto normal = ci::nps_grouped(s, g, 4);
  for (int k = 0; k < 4; ++k) {
    EXPECT_EQ((*one)[k].lower, (*two)[k].lower);
    EXPECT_EQ((*one)[k].upper, (*two)[k].upper);
    EXPECT_NEAR((*one)[k].lower, (*normal)[k].lower, 1.0);
    EXPECT_NEAR((*one)[k].upper, (*normal)[k].upper, 1.0);
  }
}

TEST(Ces, BothDirections) {
  std::vector<double> easier{7, 6, 4, 2, kNaN};
  auto a = ci::ces(easier);  // 1-7, higher is easier
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->n, 4);
  EXPECT_DOUBLE_EQ(a->mean, 4.75);
  EXPECT_DOUBLE_EQ(a->ease, 3.75 / 6.0);
  EXPECT_DOUBLE_EQ(a->easy_share, 0.5);  // 7 and 6 lie above the midpoint 4
  std::vector<double> effort{1, 2, 3, 5};
  auto b = ci::ces(effort, ci::CesOptions{{1.0, 5.0, false}});
  ASSERT_TRUE(b.ok());
  EXPECT_DOUBLE_EQ(b->mean, 2.75);
  EXPECT_DOUBLE_EQ(b->ease, 1.0 - 1.75 / 4.0);
  EXPECT_DOUBLE_EQ(b->easy_share, 0.5);  // 1 and 2 lie below the midpoint 3
  std::vector<double> bad{8};
  EXPECT_FALSE(ci::ces(bad).ok());
}

TEST(NormalQuantile, MatchesKnownValues) {
  EXPECT_NEAR(ci::detail::normal_quantile(0.975), 1.959963984540054, 1e-13);
  EXPECT_NEAR(ci::detail::normal_quantile(0.5), 0.0, 1e-15);
  EXPECT_NEAR(ci::detail::normal_quantile(0.001), -3.090232306167813, 1e-12);
  EXPECT_NEAR(ci::detail::normal_cdf(1.959963984540054), 0.975, 1e-15);
}
