#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <cstdio>
#include <limits>
#include <vector>

#include "custinsight/math/random.hpp"
#include "custinsight/parallel.hpp"
#include "custinsight/satisfaction/drivers.hpp"
#include "custinsight/simulation/customers.hpp"

namespace ci = custinsight;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct DriverData {
  ci::RowMatrixXd x;
  std::vector<double> y;
  std::array<double, ci::kTouchpointCount> weight;
};

// The simulator's hidden per-touchpoint satisfaction and likelihood to recommend, with
// measurement noise added to the outcome so that the fit is not an exact identity.
DriverData simulated_drivers(std::int64_t n_customers, double noise) {
  ci::SimulationConfig c;
  c.n_customers = n_customers;
  auto data = ci::simulate(c);
  const auto& cust = data->customers;
  DriverData d;
  d.x = cust.touchpoint_satisfaction;
  d.y.resize(static_cast<std::size_t>(n_customers));
  ci::detail::Rng rng(99, 0);
  for (std::size_t i = 0; i < d.y.size(); ++i)
    d.y[i] = cust.likelihood_to_recommend[static_cast<Eigen::Index>(i)] + noise * rng.normal();
  d.weight = c.touchpoint_weight;
  return d;
}

}  // namespace

TEST(DriverAnalysis, RecoversSimulatedTouchpointWeightsWithinTenPercent) {
  // Outcome noise of sd 0.1 (the outcome's own sd is about 1) leaves the smallest weight,
  // 0.05, a standard error of about 3% of itself with 30,000 customers.
  const DriverData d = simulated_drivers(30'000, 0.1);
  auto fit = ci::driver_analysis(d.x, d.y);
  ASSERT_TRUE(fit.ok()) << fit.status();
  double total = 0.0;
  for (double w : d.weight) total += w;
  for (int k = 0; k < ci::kTouchpointCount; ++k) {
    const double truth = d.weight[static_cast<std::size_t>(k)] / total;
    const double rel = std::abs(fit->importance[k] - truth) / truth;
    std::printf("touchpoint %d: importance %.4f, true weight share %.4f, relative error %.3f\n", k,
                fit->importance[k], truth, rel);
    EXPECT_LT(rel, 0.10) << "touchpoint " << k;
  }
  EXPECT_NEAR(fit->importance.sum(), 1.0, 1e-12);
  EXPECT_GT(fit->r_squared, 0.8);
  EXPECT_EQ(fit->n_used, 30'000);
}

TEST(DriverAnalysis, MatchesTwoPassStandardisedReference) {
  const DriverData d = simulated_drivers(3'000, 0.3);
  const double lambda = 0.05;
  auto fit = ci::driver_analysis(d.x, d.y, ci::RidgeOptions{lambda, ci::MissingDrivers::drop});
  ASSERT_TRUE(fit.ok());
  // Reference: explicit z-scores (population sd) and a QR solve of the penalised equations.
  const Eigen::Index n = d.x.rows();
  Eigen::MatrixXd z = d.x;
  Eigen::Map<const Eigen::VectorXd> yv(d.y.data(), n);
  const Eigen::RowVectorXd mean = z.colwise().mean();
  z.rowwise() -= mean;
  const Eigen::RowVectorXd sd = (z.array().square().colwise().sum() / static_cast<double>(n)).sqrt();
  z = z.array().rowwise() / sd.array();
  const double my = yv.mean();
  const double sy = std::sqrt((yv.array() - my).square().sum() / static_cast<double>(n));
  const Eigen::VectorXd zy = (yv.array() - my) / sy;
  Eigen::MatrixXd a = z.transpose() * z / static_cast<double>(n);
  a.diagonal().array() += lambda;
  const Eigen::VectorXd b = a.colPivHouseholderQr().solve(z.transpose() * zy / static_cast<double>(n));
  for (Eigen::Index k = 0; k < b.size(); ++k) {
    EXPECT_NEAR(fit->standardized[k], b[k], 1e-9);
    EXPECT_NEAR(fit->coefficient[k], b[k] * sy / sd[k], 1e-9);
  }
  const Eigen::VectorXd pred = (d.x * fit->coefficient).array() + fit->intercept;
  const double r2 = 1.0 - (yv - pred).squaredNorm() / (yv.array() - my).square().sum();
  EXPECT_NEAR(fit->r_squared, r2, 1e-9);
}

TEST(DriverAnalysis, SameBitsForOneAndTwoThreads) {
  const DriverData d = simulated_drivers(20'000, 0.2);
  ci::set_num_threads(1);
  auto one = ci::driver_analysis(d.x, d.y);
  ci::set_num_threads(2);
  auto two = ci::driver_analysis(d.x, d.y);
  ci::set_num_threads(0);
  for (Eigen::Index k = 0; k < one->coefficient.size(); ++k)
    EXPECT_EQ(one->coefficient[k], two->coefficient[k]);
  EXPECT_EQ(one->r_squared, two->r_squared);
}

TEST(DriverAnalysis, MissingDriversDropOrMean) {
  ci::RowMatrixXd x(6, 2);
  x << 1, 2, 2, kNaN, 3, 1, 4, 3, 5, 5, 6, 4;
  std::vector<double> y{1, 2, 2, 4, 5, 5};
  auto dropped = ci::driver_analysis(x, y);
  ASSERT_TRUE(dropped.ok()) << dropped.status();
  EXPECT_EQ(dropped->n_used, 5);
  auto filled = ci::driver_analysis(x, y, ci::RidgeOptions{1e-3, ci::MissingDrivers::mean});
  ASSERT_TRUE(filled.ok());
  EXPECT_EQ(filled->n_used, 6);
}

TEST(DriverAnalysis, BadInput) {
  ci::RowMatrixXd x(5, 2);
  x << 1, 7, 2, 7, 3, 7, 4, 7, 5, 7;
  std::vector<double> y{1, 2, 3, 4, 5};
  auto constant = ci::driver_analysis(x, y);
  ASSERT_FALSE(constant.ok());
  EXPECT_NE(constant.status().message().find("column 1 is constant"), std::string::npos);
  x(2, 0) = std::numeric_limits<double>::infinity();
  EXPECT_NE(ci::driver_analysis(x, y).status().message().find("x[2, 0]"), std::string::npos);
  ci::RowMatrixXd few(3, 2);
  few << 1, 2, 2, 1, 3, 5;
  std::vector<double> y3{1, 2, 3};
  EXPECT_FALSE(ci::driver_analysis(few, y3).ok());
  std::vector<double> bad_y{1, 2, kNaN, 4, 5};
  EXPECT_NE(ci::driver_analysis(x, bad_y).status().message().find("y[2]"), std::string::npos);
}

TEST(NegativeTerms, CountsEachTermOncePerNegativeResponse) {
  // Tokens: 0 "hold", 1 "rude", 2 "thanks". Responses at group 0: negative with hold, hold,
  // rude; negative with rude; positive with hold (ignored). Group 1: negative with hold.
  std::vector<std::int32_t> group{0, 0, 0, 1};
  std::vector<std::uint8_t> negative{1, 1, 0, 1};
  std::vector<std::int64_t> offsets{0, 3, 5, 6, 7};
  std::vector<std::int32_t> token{0, 0, 1, 1, 2, 0, 0};
  std::vector<double> contribution{-0.2, -0.3, -0.4, -0.6, 0.5, -0.9, -0.1};
  auto terms = ci::negative_terms(group, 2, negative, offsets, token, contribution, 5);
  ASSERT_TRUE(terms.ok()) << terms.status();
  const auto& g0 = (*terms)[0];
  ASSERT_EQ(g0.size(), 2u);
  EXPECT_EQ(g0[0].token, 1);  // "rude": two negative responses
  EXPECT_EQ(g0[0].n_responses, 2);
  EXPECT_DOUBLE_EQ(g0[0].share, 1.0);
  EXPECT_DOUBLE_EQ(g0[0].mean_contribution, -0.5);
  EXPECT_EQ(g0[1].token, 0);  // "hold": once (its two mentions are summed to -0.5)
  EXPECT_EQ(g0[1].n_responses, 1);
  EXPECT_DOUBLE_EQ(g0[1].mean_contribution, -0.5);
  ASSERT_EQ((*terms)[1].size(), 1u);
  EXPECT_EQ((*terms)[1][0].token, 0);
  std::vector<std::int64_t> bad_offsets{0, 3, 2, 6, 7};
  EXPECT_FALSE(ci::negative_terms(group, 2, negative, bad_offsets, token, contribution).ok());
}
