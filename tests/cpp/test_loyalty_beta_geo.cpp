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
