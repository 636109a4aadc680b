#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "custinsight/insight/config.hpp"
#include "custinsight/insight/scoring.hpp"
#include "custinsight/parallel.hpp"

namespace ins = custinsight::insight;

namespace {

// E[exp(-lambda p h)], lambda ~ Gamma(r + x, alpha + T), p ~ Beta(a, b'), by midpoint quadrature
// after p = u^(1/a), which removes the p^(a-1) singularity.
double beta_reference(double r, double alpha, double a, double b, double x, double T, double h) {
  const int n = 400000;
  double sum = 0.0;
  for (int i = 0; i < n; ++i) {
    const double u = (i + 0.5) / n;
    const double p = std::pow(u, 1.0 / a);
    sum += std::pow(1.0 + p * h / (alpha + T), -(r + x)) * std::pow(1.0 - p, b - 1.0) / a;
  }
  const double log_beta = std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b);
  return sum / n / std::exp(log_beta);
}

struct Rows {
  std::vector<double> f, r, T, p, churn, no_purchase, clv, sat, trend, nps;
  std::vector<std::uint8_t> complaint;
  explicit Rows(std::size_t n)
      : f(n, 1.0), r(n, 10.0), T(n, 20.0), p(n, 0.6), churn(n, 0.4), no_purchase(n, 0.7),
        clv(n, 0.0),
        sat(n, std::nan("")), trend(n, std::nan("")), nps(n, std::nan("")), complaint(n, 0) {}
  ins::ScoringInput input() const {
    return {f, r, T, p, churn, no_purchase, clv, sat, trend, nps, complaint, {}, {}, {}};
  }
};

}  // namespace

TEST(InsightSurvival, BetaGeoFamilyMatchesQuadrature) {
  const std::vector<double> params{0.24, 4.0, 0.9, 2.7};
  for (auto [x, T, h] : {std::tuple{0.0, 10.0, 13.0}, {3.0, 50.0, 13.0}, {10.0, 70.0, 52.0},
                         {0.0, 0.5, 13.0}, {40.0, 60.0, 100.0}}) {
    std::vector<double> f{x}, t{T};
    auto bg = ins::survival_probability(ins::ModelKind::kBetaGeo, params, f, t, h);
    ASSERT_TRUE(bg.ok()) << bg.status();
    EXPECT_NEAR((*bg)[0], beta_reference(0.24, 4.0, 0.9, 2.7 + x, x, T, h), 1e-8);
    auto mbg = ins::survival_probability(ins::ModelKind::kModifiedBetaGeo, params, f, t, h);
    ASSERT_TRUE(mbg.ok());
    EXPECT_NEAR((*mbg)[0], beta_reference(0.24, 4.0, 0.9, 3.7 + x, x, T, h), 1e-8);
  }
}

TEST(InsightSurvival, ParetoClosedFormAndErrors) {
  const std::vector<double> params{0.5, 10.0, 0.9, 30.0}, f{2.0}, t{40.0};
  auto s = ins::survival_probability(ins::ModelKind::kParetoNbd, params, f, t, 13.0);
  ASSERT_TRUE(s.ok());
  EXPECT_DOUBLE_EQ((*s)[0], std::pow(70.0 / 83.0, 0.9));
  const std::vector<double> bad{std::nan("")};
  auto e = ins::survival_probability(ins::ModelKind::kBetaGeo, params, bad, t, 13.0);
  EXPECT_EQ(e.status().message(), "frequency[0] = nan: must be finite");
  auto h = ins::survival_probability(ins::ModelKind::kBetaGeo, params, f, t, 0.0);
  EXPECT_FALSE(h.ok());
}

TEST(InsightPercentiles, MidRanksAgainstBruteForce) {
  const std::vector<double> x{3.0, 1.0, 3.0, 2.0, 3.0, 0.5, 2.0};
  const auto p = ins::percentile_ranks(x);
  for (std::size_t i = 0; i < x.size(); ++i) {
    double below = 0, equal = 0;
    for (double y : x) {
      below += y < x[i];
      equal += y == x[i];
    }
    EXPECT_DOUBLE_EQ(p[i], (below + (equal + 1.0) / 2.0) / static_cast<double>(x.size()));
  }
}

TEST(InsightScores, SegmentsFollowTheOrderedRules) {
  Rows t(10);
  const double p[] = {0.05, 0.2, 0.6, 0.85, 0.9, 0.9, 0.9, 0.1, 0.4, 0.95};
  for (std::size_t i = 0; i < 10; ++i) {
    t.f[i] = static_cast<double>(i + 1);
    t.clv[i] = static_cast<double>(i);
    t.p[i] = p[i];
    t.T[i] = 30.0;
  }
  auto out = ins::score_customers(t.input(), ins::InsightConfig{});
  ASSERT_TRUE(out.ok()) << out.status();
  const std::vector<std::string> expected{"lost",  "hibernating", "needs attention", "promising",
                                          "loyal", "loyal",       "loyal",           "can't lose",
                                          "can't lose", "champions"};
  for (std::size_t i = 0; i < 10; ++i)
    EXPECT_EQ(ins::kSegments[static_cast<std::size_t>(out->segment[i])], expected[i]) << i;
  // loyalty = 100 (0.5 p + 0.3 V + 0.2 F) with V = F = (i + 1) / 10 here
  EXPECT_DOUBLE_EQ(out->loyalty[3], 100.0 * (0.5 * 0.85 + 0.3 * 0.4 + 0.2 * 0.4));
  // without satisfaction the insight score renormalises over loyalty and retention, and
  // retention is the chance of buying again (1 - no_purchase_risk), not 1 - drop-out risk
  EXPECT_DOUBLE_EQ(out->insight[3], (0.4 * out->loyalty[3] + 0.4 * 100.0 * 0.3) / 0.8);
}

TEST(InsightScores, DriversAndActionsInPlainWords) {
  Rows t(3);
  t.f = {5.0, 5.0, 1.0};
  t.r = {15.0, 15.0, 2.0};
  t.T = {35.0, 16.0, 40.0};
  t.p = {0.4, 0.95, 0.2};
  t.clv = {0.0, 1.0, 2.0};
  t.sat = {-0.6, 0.5, std::nan("")};
  t.nps = {3.0, 10.0, std::nan("")};
  t.complaint = {1, 0, 1};
  auto out = ins::score_customers(t.input(), ins::InsightConfig{});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->drivers[0],
            "no purchase for 20 weeks, usually every 3; negative feedback (satisfaction -0.60); "
            "NPS detractor (last answer 3)");
  EXPECT_EQ(ins::kActions[static_cast<std::size_t>(out->action[0])],
            std::string("close the loop on a complaint"));
  EXPECT_EQ(ins::kActions[static_cast<std::size_t>(out->action[1])], std::string("reward loyalty"));
  EXPECT_EQ(ins::kSegments[static_cast<std::size_t>(out->segment[2])], std::string("hibernating"));
  EXPECT_EQ(out->main_driver[2], 0);
  // 50 (satisfaction + 1) enters with weight 0.2
  EXPECT_NEAR(out->insight[1],
              0.4 * out->loyalty[1] + 0.4 * 100.0 * 0.3 + 0.2 * 50.0 * 1.5, 1e-12);
}

TEST(InsightScores, SameResultOnOneAndTwoThreads) {
  const std::size_t n = 20000;
  Rows t(n);
  for (std::size_t i = 0; i < n; ++i) {
    t.f[i] = static_cast<double>(i % 7);
    t.r[i] = static_cast<double>(i % 13);
    t.T[i] = 30.0 + static_cast<double>(i % 5);
    t.p[i] = static_cast<double>(i % 101) / 100.0;
    t.clv[i] = static_cast<double>((i * 7919) % 1000);
    t.sat[i] = i % 3 ? std::nan("") : static_cast<double>(i % 21) / 10.0 - 1.0;
  }
  custinsight::set_num_threads(1);
  auto one = ins::score_customers(t.input(), ins::InsightConfig{});
  custinsight::set_num_threads(2);
  auto two = ins::score_customers(t.input(), ins::InsightConfig{});
  custinsight::set_num_threads(0);
  ASSERT_TRUE(one.ok() && two.ok());
  EXPECT_EQ(one->insight, two->insight);
  EXPECT_EQ(one->drivers, two->drivers);
  EXPECT_EQ(one->segment, two->segment);
}

TEST(InsightConfig, JsonReadingAndErrors) {
  auto c = ins::config_from_json(
      R"({"model": "pareto_nbd", "clv_months": 6, "segments": {"new_days": 30.0}})");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->model, "pareto_nbd");
  EXPECT_EQ(c->clv_months, 6);
  EXPECT_EQ(c->segments.new_days, 30.0);
  EXPECT_EQ(c->horizon_days, 90.0);
  EXPECT_EQ(ins::config_from_json(R"({"modle": "auto"})").status().message(),
            "config has an unknown setting modle");
  EXPECT_EQ(ins::config_from_json(R"({"segments": {"foo": 1}})").status().message(),
            "config has an unknown setting segments.foo");
  EXPECT_EQ(ins::config_from_json(R"({"horizon_days": "90"})").status().message(),
            "config horizon_days = \"90\": must be a number");
  EXPECT_FALSE(ins::config_from_json(R"({"clv_months": 1.5})").ok());
  EXPECT_FALSE(ins::config_from_json("{not json").ok());
  EXPECT_FALSE(ins::config_from_json(R"({"segments": {"alive_high": 0.2}})").ok());
}

TEST(InsightScores, GivenPercentilesScoreAPartAsTheWholeBase) {
  // A base scored in two halves, each with the percentiles of the whole base, gives the
  // whole-base scores bit for bit.
  const std::size_t n = 1000;
  Rows t(n);
  for (std::size_t i = 0; i < n; ++i) {
    t.f[i] = static_cast<double>(i % 7);
    t.r[i] = static_cast<double>(i % 7);
    t.T[i] = 30.0 + static_cast<double>(i % 5);
    t.p[i] = static_cast<double>(i % 101) / 100.0;
    t.clv[i] = i % 11 ? static_cast<double>((i * 7919) % 1000) : std::nan("");
  }
  auto whole = ins::score_customers(t.input(), ins::InsightConfig{});
  ASSERT_TRUE(whole.ok()) << whole.status();
  const std::size_t h = n / 2;
  for (std::size_t part = 0; part < 2; ++part) {
    const std::size_t b = part * h;
    Rows u(h);
    for (std::size_t i = 0; i < h; ++i) {
      u.f[i] = t.f[b + i];
      u.r[i] = t.r[b + i];
      u.T[i] = t.T[b + i];
      u.p[i] = t.p[b + i];
      u.clv[i] = t.clv[b + i];
    }
    const auto first = [&](const std::vector<double>& v) {
      return std::vector<double>(v.begin() + static_cast<std::ptrdiff_t>(b),
                                 v.begin() + static_cast<std::ptrdiff_t>(b + h));
    };
    auto out = ins::score_customers(u.input(), ins::InsightConfig{},
                                    first(whole->value_percentile),
                                    first(whole->frequency_percentile));
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ(out->insight, first(whole->insight));
    EXPECT_EQ(out->loyalty, first(whole->loyalty));
    for (std::size_t i = 0; i < h; ++i) {
      EXPECT_EQ(out->segment[i], whole->segment[b + i]);
      EXPECT_EQ(out->drivers[i], whole->drivers[b + i]);
    }
  }
  std::vector<double> bad(n, 0.5);
  bad[3] = 0.0;
  auto e = ins::score_customers(t.input(), ins::InsightConfig{}, bad, std::vector<double>(n, 0.5));
  EXPECT_EQ(e.status().message(), "value_percentile[3] = 0: must lie in (0, 1]");
}
