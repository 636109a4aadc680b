#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "custinsight/churn/logistic.hpp"
#include "custinsight/churn/model_io.hpp"

namespace ci = custinsight;

namespace {

struct Data {
  ci::RowMatrixXd X;
  std::vector<double> y;
};

// Logistic data with known coefficients, features on different scales.
Data simulate(Eigen::Index n, Eigen::Index p, unsigned seed, double intercept = -0.5) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> unif;
  Data d;
  d.X.resize(n, p);
  d.y.resize(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) {
    double eta = intercept;
    for (Eigen::Index j = 0; j < p; ++j) {
      const double scale = 1.0 + static_cast<double>(j);
      d.X(i, j) = 3.0 + scale * normal(rng);
      eta += (j % 2 == 0 ? 0.4 : -0.3) / scale * (d.X(i, j) - 3.0);
    }
    d.y[static_cast<std::size_t>(i)] = unif(rng) < 1.0 / (1.0 + std::exp(-eta)) ? 1.0 : 0.0;
  }
  return d;
}

// The gradient of the penalised objective on the raw scale, computed directly: at the optimum
// of a standardize=false fit it must vanish.
Eigen::VectorXd raw_gradient(const Data& d, double intercept, const Eigen::VectorXd& coef, double C) {
  const Eigen::Index p = d.X.cols();
  Eigen::VectorXd g = Eigen::VectorXd::Zero(p + 1);
  for (Eigen::Index i = 0; i < d.X.rows(); ++i) {
    const double eta = intercept + d.X.row(i).dot(coef);
    const double r = 1.0 / (1.0 + std::exp(-eta)) - d.y[static_cast<std::size_t>(i)];
    g[0] += r;
    g.tail(p) += r * d.X.row(i).transpose();
  }
  g.tail(p) += coef / C;
  return g;
}

}  // namespace

TEST(ChurnLogistic, TwoByTwoTableClosedForm) {
  // One binary feature: the unpenalised MLE is the log odds ratio of the 2x2 table and its
  // standard error sqrt(1/a + 1/b + 1/c + 1/d) (Woolf).
  const int n00 = 30, n01 = 10, n10 = 15, n11 = 25;  // n_{x y}
  Data d;
  d.X.resize(n00 + n01 + n10 + n11, 1);
  Eigen::Index i = 0;
  auto add = [&](int count, double x, double y) {
    for (int k = 0; k < count; ++k, ++i) {
      d.X(i, 0) = x;
      d.y.push_back(y);
    }
  };
  add(n00, 0, 0);
  add(n01, 0, 1);
  add(n10, 1, 0);
  add(n11, 1, 1);
  ci::LogisticOptions o;
  o.C = std::numeric_limits<double>::infinity();
  auto m = ci::fit_logistic(d.X, d.y, {}, {"treated"}, o);
  ASSERT_TRUE(m.ok()) << m.status();
  const double log_or = std::log((1.0 * n11 * n00) / (1.0 * n10 * n01));
  EXPECT_NEAR(m->coef()[0], log_or, 1e-12);
  EXPECT_NEAR(m->intercept(), std::log(1.0 * n01 / n00), 1e-12);
  const Eigen::MatrixXd cov = m->covariance();
  EXPECT_NEAR(std::sqrt(cov(1, 1)), std::sqrt(1.0 / n00 + 1.0 / n01 + 1.0 / n10 + 1.0 / n11), 1e-10);
  EXPECT_NEAR(std::sqrt(cov(0, 0)), std::sqrt(1.0 / n00 + 1.0 / n01), 1e-10);
}

TEST(ChurnLogistic, PenalisedOptimumHasZeroGradient) {
  Data d = simulate(3000, 5, 11);
  ci::LogisticOptions o;
  o.C = 0.05;
  o.standardize = false;
  auto m = ci::fit_logistic(d.X, d.y, {}, {}, o);
  ASSERT_TRUE(m.ok()) << m.status();
  const Eigen::VectorXd g = raw_gradient(d, m->intercept(), m->coef(), o.C);
  EXPECT_LT(g.cwiseAbs().maxCoeff(), 1e-8) << g.transpose();
}

TEST(ChurnLogistic, RecoversSimulatedCoefficients) {
  Data d = simulate(200'000, 4, 5);
  ci::LogisticOptions o;
  o.C = std::numeric_limits<double>::infinity();
  auto m = ci::fit_logistic(d.X, d.y, {}, {}, o);
  ASSERT_TRUE(m.ok()) << m.status();
  const Eigen::VectorXd se = m->covariance().diagonal().cwiseSqrt();
  for (Eigen::Index j = 0; j < 4; ++j) {
    const double truth = (j % 2 == 0 ? 0.4 : -0.3) / (1.0 + static_cast<double>(j));
    EXPECT_NEAR(m->coef()[j], truth, 4.5 * se[j + 1]) << j;
  }
}

TEST(ChurnLogistic, SubsampledHessianReachesTheSameOptimum) {
  Data d = simulate(60'000, 6, 3);
  ci::LogisticOptions full, sub;
  full.C = sub.C = 0.3;
  full.subsample_threshold = 0;
  sub.subsample_threshold = 5'000;
  auto a = ci::fit_logistic(d.X, d.y, {}, {}, full);
  auto b = ci::fit_logistic(d.X, d.y, {}, {}, sub);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_LT((a->coef_z - b->coef_z).cwiseAbs().maxCoeff(), 1e-10);
  EXPECT_LT((a->covariance_z - b->covariance_z).cwiseAbs().maxCoeff(), 1e-8);
}

TEST(ChurnLogistic, SameBitsForOneAndTwoThreads) {
  Data d = simulate(40'000, 5, 9);
  ci::set_num_threads(1);
  auto a = ci::fit_logistic(d.X, d.y, {}, {}, {});
  ci::set_num_threads(2);
  auto b = ci::fit_logistic(d.X, d.y, {}, {}, {});
  ci::set_num_threads(0);
  ASSERT_TRUE(a.ok() && b.ok());
  for (Eigen::Index j = 0; j < 5; ++j) EXPECT_EQ(a->coef_z[j], b->coef_z[j]);
  EXPECT_EQ(a->intercept_z, b->intercept_z);
}

TEST(ChurnLogistic, ClassWeightsEqualReplicatedRows) {
  // A class weight of 2 on churners is the same as listing every churner twice.
  Data d = simulate(2000, 3, 21);
  ci::LogisticOptions o;
  o.class_weight_positive = 2.0;
  o.standardize = false;
  auto weighted = ci::fit_logistic(d.X, d.y, {}, {}, o);
  Data r = d;
  std::vector<Eigen::Index> extra;
  for (std::size_t i = 0; i < d.y.size(); ++i)
    if (d.y[i] == 1.0) extra.push_back(static_cast<Eigen::Index>(i));
  r.X.conservativeResize(d.X.rows() + static_cast<Eigen::Index>(extra.size()), 3);
  for (std::size_t k = 0; k < extra.size(); ++k) {
    r.X.row(d.X.rows() + static_cast<Eigen::Index>(k)) = d.X.row(extra[k]);
    r.y.push_back(1.0);
  }
  o.class_weight_positive = 1.0;
  auto replicated = ci::fit_logistic(r.X, r.y, {}, {}, o);
  ASSERT_TRUE(weighted.ok() && replicated.ok());
  EXPECT_LT((weighted->coef() - replicated->coef()).cwiseAbs().maxCoeff(), 1e-9);
}

TEST(ChurnLogistic, DriversAddUpToTheLogOdds) {
  Data d = simulate(500, 6, 4);
  auto m = ci::fit_logistic(d.X, d.y, {}, {}, {});
  ASSERT_TRUE(m.ok());
  auto all = ci::logistic_drivers(*m, d.X, 6);
  auto top = ci::logistic_drivers(*m, d.X, 2);
  ASSERT_TRUE(all.ok() && top.ok());
  for (Eigen::Index i = 0; i < 500; ++i) {
    // Brute force: contributions beta_j (x_ij - mean_j), sorted by magnitude.
    std::vector<std::pair<double, int>> c;
    double eta = m->intercept();
    for (int j = 0; j < 6; ++j) {
      c.emplace_back(m->coef()[j] * (d.X(i, j) - m->scaling.mean[j]), j);
      eta += m->coef()[j] * d.X(i, j);
    }
    std::stable_sort(c.begin(), c.end(),
                     [](auto& a, auto& b) { return std::abs(a.first) > std::abs(b.first); });
    EXPECT_NEAR(all->linear_predictor[i], eta, 1e-10);
    EXPECT_NEAR(all->contribution.row(i).sum() + m->intercept_z, eta, 1e-10);
    for (int k = 0; k < 2; ++k) {
      EXPECT_EQ(top->driver(i, k), c[static_cast<std::size_t>(k)].second);
      EXPECT_NEAR(top->contribution(i, k), c[static_cast<std::size_t>(k)].first, 1e-12);
    }
  }
}

TEST(ChurnLogistic, ConstantColumnIsHeldAtZero) {
  Data d = simulate(1000, 3, 8);
  d.X.col(1).setConstant(0.1);
  ci::LogisticOptions o;
  o.C = std::numeric_limits<double>::infinity();
  auto m = ci::fit_logistic(d.X, d.y, {}, {"a", "flat", "c"}, o);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->coef()[1], 0.0);
  EXPECT_TRUE(m->scaling.constant[1]);
  EXPECT_TRUE(std::isnan(m->covariance()(2, 2)));
  // The other coefficients are those of the fit without the column.
  ci::RowMatrixXd X2(1000, 2);
  X2.col(0) = d.X.col(0);
  X2.col(1) = d.X.col(2);
  auto m2 = ci::fit_logistic(X2, d.y, {}, {}, o);
  ASSERT_TRUE(m2.ok());
  EXPECT_NEAR(m->coef()[0], m2->coef()[0], 1e-10);
  EXPECT_NEAR(m->coef()[2], m2->coef()[1], 1e-10);
}

TEST(ChurnLogistic, SeparableDataFiniteWithPenaltyErrorWithout) {
  ci::RowMatrixXd X(40, 2);
  std::vector<double> y(40);
  for (int i = 0; i < 40; ++i) {
    X(i, 0) = i < 20 ? -1.0 - 0.1 * i : 1.0 + 0.1 * i;
    X(i, 1) = std::sin(i);
    y[static_cast<std::size_t>(i)] = i < 20 ? 0.0 : 1.0;
  }
  auto penalised = ci::fit_logistic(X, y, {}, {}, {});
  ASSERT_TRUE(penalised.ok()) << penalised.status();
  EXPECT_TRUE(penalised->coef().allFinite());
  ci::LogisticOptions o;
  o.C = std::numeric_limits<double>::infinity();
  auto plain = ci::fit_logistic(X, y, {}, {}, o);
  ASSERT_FALSE(plain.ok());
  EXPECT_NE(plain.status().message().find("separated"), std::string::npos) << plain.status();
}

TEST(ChurnLogistic, BadInputIsNamed) {
  Data d = simulate(50, 3, 2);
  d.X(7, 2) = std::nan("");
  auto m = ci::fit_logistic(d.X, d.y, {}, {"a", "b", "tenure"}, {});
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("X[7, 'tenure'] = nan"), std::string::npos) << m.status();
  ci::LogisticOptions o;
  o.impute_missing = true;
  auto imputed = ci::fit_logistic(d.X, d.y, {}, {"a", "b", "tenure"}, o);
  ASSERT_TRUE(imputed.ok()) << imputed.status();
  auto b = ci::logistic_drivers(*imputed, d.X, 3);
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->linear_predictor.allFinite());

  Data e = simulate(50, 2, 3);
  std::fill(e.y.begin(), e.y.end(), 1.0);
  auto single = ci::fit_logistic(e.X, e.y, {}, {}, {});
  ASSERT_FALSE(single.ok());
  EXPECT_NE(single.status().message().find("single class"), std::string::npos);
  e.y[4] = 2.0;
  EXPECT_NE(ci::fit_logistic(e.X, e.y, {}, {}, {}).status().message().find("y[4] = 2"),
            std::string::npos);
}

TEST(ChurnLogistic, CollinearFeaturesWithoutPenaltyAreAnError) {
  Data d = simulate(300, 2, 6);
  ci::RowMatrixXd X(300, 3);
  X.leftCols(2) = d.X;
  X.col(2) = 2.0 * d.X.col(0) - d.X.col(1);
  ci::LogisticOptions o;
  o.C = std::numeric_limits<double>::infinity();
  auto m = ci::fit_logistic(X, d.y, {}, {}, o);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("collinear"), std::string::npos) << m.status();
  EXPECT_TRUE(ci::fit_logistic(X, d.y, {}, {}, {}).ok());
}

TEST(ChurnLogistic, JsonRoundTripAndGuards) {
  Data d = simulate(400, 3, 12);
  d.X.col(2).setConstant(5.0);
  auto m = ci::fit_logistic(d.X, d.y, {}, {"x", "y", "flat"}, {});
  ASSERT_TRUE(m.ok());
  const std::string text = ci::to_json(*m);
  auto back = ci::logistic_model_from_json(text);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->coef_z, m->coef_z);
  EXPECT_EQ(back->intercept_z, m->intercept_z);
  EXPECT_EQ(back->scaling.names, m->scaling.names);
  EXPECT_TRUE(std::isnan(back->covariance_z(3, 3)));
  auto p1 = ci::logistic_predict(*m, d.X);
  auto p2 = ci::logistic_predict(*back, d.X);
  ASSERT_TRUE(p1.ok() && p2.ok());
  EXPECT_EQ(*p1, *p2);

  auto wrong = ci::cox_model_from_json(text);
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find("not a 'custinsight.CoxPHModel'"), std::string::npos);
  std::string newer = text;
  const auto at = newer.find("\"format_version\":1");
  ASSERT_NE(at, std::string::npos);
  newer.replace(at, 18, "\"format_version\":99");
  auto future = ci::logistic_model_from_json(newer);
  ASSERT_FALSE(future.ok());
  EXPECT_NE(future.status().message().find("format version 99"), std::string::npos);
  EXPECT_FALSE(ci::logistic_model_from_json("{not json").ok());
}
