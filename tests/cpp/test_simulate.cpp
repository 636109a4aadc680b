#include <gtest/gtest.h>

#include <cmath>

#include "custinsight/parallel.hpp"
#include "custinsight/simulation/customers.hpp"

namespace ci = custinsight;

TEST(Simulate, SameSeedSameDataForAnyThreadCount) {
  ci::SimulationConfig config;
  config.n_customers = 20000;
  ci::set_num_threads(1);
  auto one = ci::simulate(config);
  ci::set_num_threads(2);
  auto two = ci::simulate(config);
  ci::set_num_threads(0);
  ASSERT_TRUE(one.ok() && two.ok());
  EXPECT_EQ(one->transactions.time, two->transactions.time);
  EXPECT_EQ(one->transactions.amount, two->transactions.amount);
  EXPECT_EQ(one->responses.text, two->responses.text);
  config.seed = 43;
  auto other = ci::simulate(config);
  ASSERT_TRUE(other.ok());
  EXPECT_NE(one->transactions.time, other->transactions.time);
}

// Population moments of the hidden draws match the configured distributions.
TEST(Simulate, HiddenDrawsFollowTheirDistributions) {
  ci::SimulationConfig c;
  c.n_customers = 200000;
  auto d = ci::simulate(c);
  ASSERT_TRUE(d.ok());
  const auto& cu = d->customers;
  const double n = static_cast<double>(c.n_customers);
  // lambda ~ Gamma(r, rate alpha): mean r / alpha, sd sqrt(r) / alpha.
  EXPECT_NEAR(cu.lambda.mean(), c.r / c.alpha, 4 * std::sqrt(c.r) / c.alpha / std::sqrt(n));
  // p ~ Beta(a, b): mean a / (a + b).
  const double sd_p = std::sqrt(c.a * c.b / ((c.a + c.b) * (c.a + c.b) * (c.a + c.b + 1)));
  EXPECT_NEAR(cu.dropout.mean(), c.a / (c.a + c.b), 4 * sd_p / std::sqrt(n));
  // nu ~ Gamma(q, rate gamma).
  EXPECT_NEAR(cu.spend_rate.mean(), c.q / c.gamma, 4 * std::sqrt(c.q) / c.gamma / std::sqrt(n));
  // Hidden satisfaction is standard normal and lower for likelier dropouts.
  EXPECT_NEAR(cu.satisfaction.mean(), 0.0, 0.01);
  const double cov = ((cu.satisfaction.array() - cu.satisfaction.mean()) *
                      (cu.dropout.array() - cu.dropout.mean())).mean();
  EXPECT_LT(cov, 0.0);
}

// BG/NBD's closed form: a customer alive at T with rate lambda and no repeat purchases has
// probability exp(-lambda * T); over the whole base E[X(T) = 0] integrates to
// (alpha / (alpha + T))^r. With T fixed for everyone the simulated share must match.
TEST(Simulate, ShareWithoutRepeatMatchesClosedForm) {
  ci::SimulationConfig c;
  c.n_customers = 200000;
  c.acquisition_periods = 1e-9;
  c.observation_periods = 39.0;
  auto d = ci::simulate(c);
  ASSERT_TRUE(d.ok());
  double zero = 0.0;
  for (Eigen::Index i = 0; i < d->customers.frequency.size(); ++i)
    zero += d->customers.frequency[i] == 0.0;
  const double expected = std::pow(c.alpha / (c.alpha + 39.0), c.r);
  const double share = zero / static_cast<double>(c.n_customers);
  EXPECT_NEAR(share, expected, 4 * std::sqrt(expected * (1 - expected) / static_cast<double>(c.n_customers)));
}

TEST(Simulate, RejectsBadSettings) {
  ci::SimulationConfig c;
  c.alpha = -1.0;
  auto d = ci::simulate(c);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(std::string(d.status().message()).find("alpha = -1"), std::string::npos);
  c = {};
  c.n_customers = 0;
  EXPECT_FALSE(ci::simulate(c).ok());
  c = {};
  c.response_rate = 1.5;
  EXPECT_FALSE(ci::simulate(c).ok());
}
