#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <Eigen/LU>

#include "custinsight/churn/cox.hpp"
#include "custinsight/churn/model_io.hpp"

namespace ci = custinsight;

namespace {

struct Survival {
  ci::RowMatrixXd X;
  std::vector<double> time, event;
};

// Exponential hazards exp(x . beta), censoring at a uniform time, times rounded to integers
// so that ties are frequent.
Survival simulate(Eigen::Index n, unsigned seed, bool round_times) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::exponential_distribution<double> expo;
  std::uniform_real_distribution<double> unif(0.0, 30.0);
  Survival s;
  s.X.resize(n, 3);
  for (Eigen::Index i = 0; i < n; ++i) {
    s.X(i, 0) = normal(rng);
    s.X(i, 1) = unif(rng) < 15.0 ? 1.0 : 0.0;
    s.X(i, 2) = 10.0 + 5.0 * normal(rng);
    const double rate = 0.1 * std::exp(0.5 * s.X(i, 0) - 0.7 * s.X(i, 1) + 0.04 * (s.X(i, 2) - 10.0));
    double t = expo(rng) / rate;
    const double c = unif(rng);
    double e = t <= c ? 1.0 : 0.0;
    t = std::min(t, c);
    if (round_times) t = std::ceil(t);
    s.time.push_back(t);
    s.event.push_back(e);
  }
  return s;
}

// The log partial likelihood written out from its definition, risk sets by brute force.
double brute_loglik(const Survival& s, const Eigen::VectorXd& beta, bool efron) {
  const auto n = static_cast<Eigen::Index>(s.time.size());
  Eigen::VectorXd eta = s.X * beta;
  std::vector<double> times;
  for (Eigen::Index i = 0; i < n; ++i)
    if (s.event[static_cast<std::size_t>(i)] == 1.0) times.push_back(s.time[static_cast<std::size_t>(i)]);
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  double ll = 0.0;
  for (double t : times) {
    double risk = 0.0, tied = 0.0;
    int d = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
      const auto k = static_cast<std::size_t>(i);
      if (s.time[k] >= t) risk += std::exp(eta[i]);
      if (s.time[k] == t && s.event[k] == 1.0) {
        ++d;
        tied += std::exp(eta[i]);
        ll += eta[i];
      }
    }
    for (int l = 0; l < d; ++l)
      ll -= efron ? std::log(risk - static_cast<double>(l) / d * tied) : std::log(risk);
  }
  return ll;
}

}  // namespace

class CoxTiesTest : public ::testing::TestWithParam<ci::CoxTies> {};

TEST_P(CoxTiesTest, MaximisesTheBruteForcePartialLikelihood) {
  const bool efron = GetParam() == ci::CoxTies::kEfron;
  Survival s = simulate(400, 17, true);
  ci::CoxOptions o;
  o.ties = GetParam();
  auto m = ci::fit_cox(s.X, s.time, s.event, {}, {"x", "flag", "age"}, o);
  ASSERT_TRUE(m.ok()) << m.status();
  const Eigen::VectorXd b = m->coef();
  EXPECT_NEAR(m->log_likelihood, brute_loglik(s, b, efron), 1e-8);
  // Zero gradient and the inverse of the finite-difference Hessian as covariance.
  const double h = 1e-4;
  Eigen::MatrixXd H(3, 3);
  for (int j = 0; j < 3; ++j) {
    Eigen::VectorXd e = Eigen::VectorXd::Zero(3);
    e[j] = h;
    const double g = (brute_loglik(s, b + e, efron) - brute_loglik(s, b - e, efron)) / (2 * h);
    EXPECT_NEAR(g, 0.0, 1e-6) << j;
    for (int k = 0; k < 3; ++k) {
      Eigen::VectorXd f = Eigen::VectorXd::Zero(3);
      f[k] = h;
      H(j, k) = -(brute_loglik(s, b + e + f, efron) - brute_loglik(s, b + e - f, efron) -
                  brute_loglik(s, b - e + f, efron) + brute_loglik(s, b - e - f, efron)) /
                (4 * h * h);
    }
  }
  const Eigen::MatrixXd cov = H.inverse();
  const Eigen::MatrixXd got = m->covariance();
  for (int j = 0; j < 3; ++j) EXPECT_NEAR(got(j, j), cov(j, j), 1e-4 * std::abs(cov(j, j)));
}

INSTANTIATE_TEST_SUITE_P(Ties, CoxTiesTest,
                         ::testing::Values(ci::CoxTies::kBreslow, ci::CoxTies::kEfron));

TEST(ChurnCox, BreslowAndEfronAgreeWithoutTies) {
  Survival s = simulate(300, 5, false);
  ci::CoxOptions b, e;
  e.ties = ci::CoxTies::kEfron;
  auto mb = ci::fit_cox(s.X, s.time, s.event, {}, {}, b);
  auto me = ci::fit_cox(s.X, s.time, s.event, {}, {}, e);
  ASSERT_TRUE(mb.ok() && me.ok());
  EXPECT_LT((mb->coef() - me->coef()).cwiseAbs().maxCoeff(), 1e-10);
}

TEST(ChurnCox, RecoversSimulatedHazardRatios) {
  Survival s = simulate(20'000, 23, false);
  auto m = ci::fit_cox(s.X, s.time, s.event, {}, {}, {});
  ASSERT_TRUE(m.ok()) << m.status();
  const Eigen::VectorXd se = m->covariance().diagonal().cwiseSqrt();
  const double truth[3] = {0.5, -0.7, 0.04};
  for (int j = 0; j < 3; ++j) EXPECT_NEAR(m->coef()[j], truth[j], 4.5 * se[j]) << j;
}

TEST(ChurnCox, IntegerWeightsEqualReplicatedRows) {
  Survival s = simulate(200, 31, true);
  std::vector<double> w(200);
  Survival r;
  r.X.resize(0, 3);
  std::vector<Eigen::Index> rows;
  for (std::size_t i = 0; i < 200; ++i) {
    w[i] = 1.0 + static_cast<double>(i % 3);
    for (int k = 0; k < static_cast<int>(w[i]); ++k) rows.push_back(static_cast<Eigen::Index>(i));
  }
  r.X.resize(static_cast<Eigen::Index>(rows.size()), 3);
  for (std::size_t k = 0; k < rows.size(); ++k) {
    r.X.row(static_cast<Eigen::Index>(k)) = s.X.row(rows[k]);
    r.time.push_back(s.time[static_cast<std::size_t>(rows[k])]);
    r.event.push_back(s.event[static_cast<std::size_t>(rows[k])]);
  }
  auto weighted = ci::fit_cox(s.X, s.time, s.event, w, {}, {});
  auto replicated = ci::fit_cox(r.X, r.time, r.event, {}, {}, {});
  ASSERT_TRUE(weighted.ok() && replicated.ok());
  EXPECT_LT((weighted->coef() - replicated->coef()).cwiseAbs().maxCoeff(), 1e-9);
}

TEST(ChurnCox, PenaltyShrinksAndMonotoneLikelihoodIsAnError) {
  // Every churner has a larger x than every censored customer at his time: the unpenalised
  // coefficient runs to infinity.
  ci::RowMatrixXd X(30, 1);
  std::vector<double> time(30), event(30);
  for (int i = 0; i < 30; ++i) {
    time[static_cast<std::size_t>(i)] = 1.0 + i;
    event[static_cast<std::size_t>(i)] = 1.0;
    X(i, 0) = -static_cast<double>(i);
  }
  auto plain = ci::fit_cox(X, time, event, {}, {}, {});
  ASSERT_FALSE(plain.ok());
  EXPECT_NE(plain.status().message().find("monotone"), std::string::npos) << plain.status();
  ci::CoxOptions o;
  o.penalizer = 0.1;
  auto penalised = ci::fit_cox(X, time, event, {}, {}, o);
  ASSERT_TRUE(penalised.ok()) << penalised.status();
  EXPECT_TRUE(penalised->coef().allFinite());
  EXPECT_GT(penalised->coef()[0], 0.0);
  // Penalised optimum: d(-loglik)/dw + n * penalizer * w = 0 on the z scale.
  Survival s;
  s.X = X;
  s.time = time;
  s.event = event;
  const double b = penalised->coef()[0], h = 1e-5, sd = penalised->scaling.scale[0];
  const double dll = (brute_loglik(s, Eigen::VectorXd::Constant(1, b + h), false) -
                      brute_loglik(s, Eigen::VectorXd::Constant(1, b - h), false)) / (2 * h);
  // Per unit of z (w = b * sd), the log-likelihood slope is dll / sd.
  EXPECT_NEAR(-dll / sd + 30 * 0.1 * (b * sd), 0.0, 1e-6);
}

TEST(ChurnCox, BadInputAndDriversAndJson) {
  Survival s = simulate(100, 3, true);
  std::vector<double> bad = s.time;
  bad[5] = -1.0;
  EXPECT_NE(ci::fit_cox(s.X, bad, s.event, {}, {}, {}).status().message().find("duration[5] = -1"),
            std::string::npos);
  std::vector<double> none(100, 0.0);
  EXPECT_NE(ci::fit_cox(s.X, s.time, none, {}, {}, {}).status().message().find("no"),
            std::string::npos);
  auto m = ci::fit_cox(s.X, s.time, s.event, {}, {"x", "flag", "age"}, {});
  ASSERT_TRUE(m.ok());
  auto d = ci::cox_drivers(*m, s.X, 3);
  ASSERT_TRUE(d.ok());
  for (Eigen::Index i = 0; i < 100; ++i) {
    const double direct = (s.X.row(i) - m->scaling.mean.transpose()).dot(m->coef());
    EXPECT_NEAR(d->linear_predictor[i], direct, 1e-10);
    EXPECT_NEAR(d->contribution.row(i).sum(), direct, 1e-10);
  }
  auto back = ci::cox_model_from_json(ci::to_json(*m));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->coef_z, m->coef_z);
  EXPECT_FALSE(ci::logistic_model_from_json(ci::to_json(*m)).ok());
}
