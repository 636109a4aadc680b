#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "custinsight/beta_geo.hpp"
#include "custinsight/modified_beta_geo.hpp"
#include "loyalty_data.hpp"

namespace ci = custinsight;
using custinsight::testing::read_numeric_csv;

namespace {

struct Cdnow {
  std::vector<double> x, tx, T;
};

Cdnow load_cdnow() {
  auto cols = read_numeric_csv("cdnow_customers_summary.csv");
  return {cols[1], cols[2], cols[3]};
}

}  // namespace

// Fader, Hardie & Lee (2005): r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4.
TEST(BetaGeoModel, CdnowPublishedEstimates) {
  CUSTINSIGHT_REQUIRE_SHARED_DATA("cdnow_customers_summary.csv");
  const Cdnow d = load_cdnow();
  ci::BetaGeoModel m;
  ASSERT_TRUE(m.fit(d.x, d.tx, d.T).ok());
  const auto res = m.result().value();
  EXPECT_NEAR(res.params[0], 0.243, 0.0005);
  EXPECT_NEAR(res.params[1], 4.414, 0.0005);
  EXPECT_NEAR(res.params[2], 0.793, 0.0005);
  EXPECT_NEAR(res.params[3], 2.426, 0.0005);
  EXPECT_NEAR(res.log_likelihood, -9582.4, 0.05);
  EXPECT_EQ(res.n_customers, 2357.0);
  EXPECT_LT(res.n_patterns, 2357);
  EXPECT_TRUE(res.converged);
  EXPECT_TRUE(res.standard_errors.allFinite());
}

// Check values from the BTYD literature for that fit: E[X(39) | x=2, t_x=30.43, T=38.86] =
// 1.226 and P(N(39) = 0) = 0.5737864 for a new customer.
TEST(BetaGeoModel, LiteratureCheckValues) {
  Eigen::VectorXd theta(4);
  theta << 0.243, 4.414, 0.793, 2.426;  // the published, rounded estimates
  using K = ci::BetaGeoKernels;
  const std::vector<double> t{39.0}, x{2.0}, tx{30.43}, T{38.86};
  auto e = K::conditional_expected_number_of_purchases_up_to_time(theta, t, x, tx, T);
  ASSERT_TRUE(e.ok());
  EXPECT_NEAR((*e)[0], 1.226, 0.0005);
  auto p0 = K::probability_of_n_purchases_up_to_time(theta, 39.0, 0.0);
  ASSERT_TRUE(p0.ok());
  EXPECT_NEAR(*p0, 0.5737864, 1e-6);
}

namespace {

// A handful of histories covering x = 0, t_x = 0, t_x = T and long histories.
ci::Patterns small_patterns() {
  const std::vector<double> x{0, 1, 2, 5, 30, 0, 7}, tx{0, 3.5, 10, 20, 39, 0, 7.25},
      T{10, 20, 30, 25, 39, 1, 7.25}, w{3, 1, 2, 1, 1, 4, 2};
  return ci::compress_patterns(x, tx, T, w).value();
}

template <int Offset>
void expect_hessian_matches_differences() {
  const ci::Patterns p = small_patterns();
  const ci::detail::BetaGeoFamilyLikelihood<Offset> lik;
  Eigen::VectorXd theta(4), scale = Eigen::VectorXd::Ones(4), g, gp, gm;
  theta << 0.7, 3.0, 0.8, 2.5;
  Eigen::MatrixXd h;
  ci::detail::mean_objective(lik, p, theta, 0.1, scale, g, &h);
  // Central differences of the analytic gradient in log-parameters.
  for (int j = 0; j < 4; ++j) {
    const double step = 1e-5;
    Eigen::VectorXd up = theta, down = theta;
    up[j] *= std::exp(step);
    down[j] *= std::exp(-step);
    ci::detail::mean_objective(lik, p, up, 0.1, scale, gp);
    ci::detail::mean_objective(lik, p, down, 0.1, scale, gm);
    const Eigen::VectorXd column = (gp - gm) / (2 * step);
    for (int i = 0; i < 4; ++i)
      EXPECT_NEAR(h(i, j), column[i], 1e-7 * (1.0 + std::abs(column[i])))
          << "Offset " << Offset << " H(" << i << ", " << j << ")";
  }
}

}  // namespace

TEST(BetaGeoModel, AnalyticHessianMatchesFiniteDifferences) {
  expect_hessian_matches_differences<0>();
  expect_hessian_matches_differences<1>();
}

// Newton on the analytic Hessian needs a handful of evaluations, not dozens.
TEST(BetaGeoModel, CdnowFitTakesFewEvaluations) {
  CUSTINSIGHT_REQUIRE_SHARED_DATA("cdnow_customers_summary.csv");
  const Cdnow d = load_cdnow();
  ci::BetaGeoModel m;
  ASSERT_TRUE(m.fit(d.x, d.tx, d.T).ok());
  const auto res = m.result().value();
  EXPECT_LE(res.evaluations, 15);
  EXPECT_LT(res.gradient_norm, 1e-9);
}
