// The building blocks of the churn Newton sweeps checked against direct computations: the
// one-pass feature scaling against a two-pass mean and variance, the column-stored tile and its
// Gram update against Eigen's row-major products, and thread-count independence of the
// subsampled fit.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "custinsight/churn/design.hpp"
#include "custinsight/churn/gram.hpp"
#include "custinsight/churn/logistic.hpp"

namespace ci = custinsight;

namespace {

ci::RowMatrixXd random_matrix(Eigen::Index n, Eigen::Index p, unsigned seed, double offset) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  ci::RowMatrixXd X(n, p);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < p; ++j)
      X(i, j) = offset * static_cast<double>(j % 3) + (1.0 + static_cast<double>(j)) * normal(rng);
  return X;
}

// Weighted mean and ddof = 0 variance of each column by the textbook two passes, in long double.
void two_pass_moments(const ci::RowMatrixXd& X, const std::vector<double>& w, Eigen::VectorXd& mean,
                      Eigen::VectorXd& var) {
  const Eigen::Index n = X.rows(), p = X.cols();
  mean.resize(p);
  var.resize(p);
  for (Eigen::Index j = 0; j < p; ++j) {
    long double sw = 0, s1 = 0, s2 = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
      if (std::isnan(X(i, j))) continue;
      sw += w[static_cast<std::size_t>(i)];
      s1 += static_cast<long double>(w[static_cast<std::size_t>(i)]) * X(i, j);
    }
    const long double m = s1 / sw;
    for (Eigen::Index i = 0; i < n; ++i) {
      if (std::isnan(X(i, j))) continue;
      const long double d = X(i, j) - m;
      s2 += w[static_cast<std::size_t>(i)] * d * d;
    }
    mean[j] = static_cast<double>(m);
    var[j] = static_cast<double>(s2 / sw);
  }
}

}  // namespace

TEST(ChurnDesign, OnePassScalingMatchesTwoPassMoments) {
  // Offsets of 1e8 next to unit spreads: sums of squares would cancel to nothing.
  const Eigen::Index n = 20'011, p = 7;
  ci::RowMatrixXd X = random_matrix(n, p, 3, 1e8);
  std::mt19937_64 rng(4);
  std::uniform_real_distribution<double> unif(0.0, 3.0);
  std::vector<double> w(static_cast<std::size_t>(n));
  for (auto& v : w) v = unif(rng);
  w[5] = 0.0;
  Eigen::VectorXd mean, var;
  two_pass_moments(X, w, mean, var);
  auto s = ci::detail::compute_scaling(X, w, {}, true, false);
  ASSERT_TRUE(s.ok()) << s.status();
  for (Eigen::Index j = 0; j < p; ++j) {
    EXPECT_NEAR(s->mean[j], mean[j], 1e-13 * std::max(1.0, std::abs(mean[j]))) << j;
    EXPECT_NEAR(s->scale[j], std::sqrt(var[j]), 1e-10 * std::sqrt(var[j])) << j;
  }
}

TEST(ChurnDesign, OnePassScalingSkipsImputedValues) {
  const Eigen::Index n = 9'000, p = 4;
  ci::RowMatrixXd X = random_matrix(n, p, 5, 10.0);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (Eigen::Index i = 0; i < n; i += 7) X(i, (i / 7) % p) = nan;
  for (Eigen::Index i = 0; i < 300; ++i) X(i, 3) = nan;  // a tile with the column all missing
  std::vector<double> w(static_cast<std::size_t>(n), 1.0);
  Eigen::VectorXd mean, var;
  two_pass_moments(X, w, mean, var);
  auto s = ci::detail::compute_scaling(X, {}, {}, true, true);
  ASSERT_TRUE(s.ok()) << s.status();
  for (Eigen::Index j = 0; j < p; ++j) {
    EXPECT_NEAR(s->mean[j], mean[j], 1e-12 * std::max(1.0, std::abs(mean[j]))) << j;
    EXPECT_NEAR(s->scale[j], std::sqrt(var[j]), 1e-11 * std::sqrt(var[j])) << j;
  }
  auto strict = ci::detail::compute_scaling(X, {}, {}, true, false);
  ASSERT_FALSE(strict.ok());
  EXPECT_NE(std::string(strict.status().message()).find("X[0, 0] = nan"), std::string::npos)
      << strict.status();
}

TEST(ChurnDesign, ColumnTileGramMatchesRowMajorProducts) {
  // Tile lengths around the kernel's blocks of 4 rows (and below its 16-row minimum), column
  // counts odd and even, with the tile reused across shapes as the sweeps reuse it.
  ci::detail::ColumnTile T;
  for (Eigen::Index p : {1, 4, 6, 30}) {
    for (Eigen::Index len : {3, 17, 64, 255, 256}) {
      ci::RowMatrixXd X = random_matrix(len + 5, p, static_cast<unsigned>(len * 31 + p), 2.0);
      X(1, 0) = std::numeric_limits<double>::quiet_NaN();  // imputed to z = 0 in both
      auto s = ci::detail::compute_scaling(X, {}, {}, true, true);
      ASSERT_TRUE(s.ok());
      const ci::detail::AffineScaling a(*s);
      ci::RowMatrixXd Z;
      ci::detail::standardized_tile(X, a, 1, 1 + len, Z);
      ci::detail::standardized_column_tile(X, a, 1, 1 + len, T);
      ASSERT_EQ(T.matrix().rows(), len);
      ASSERT_EQ(T.matrix().cols(), p + 1);
      EXPECT_EQ((T.matrix() - Z).cwiseAbs().maxCoeff(), 0.0) << p << " " << len;
      Eigen::MatrixXd H = Eigen::MatrixXd::Constant(p + 1, p + 1, 0.5);
      ci::detail::gram_update(H, T);
      const Eigen::MatrixXd ref = (Z.transpose() * Z).array() + 0.5;
      for (Eigen::Index j = 0; j <= p; ++j)
        for (Eigen::Index k = 0; k <= j; ++k)
          EXPECT_NEAR(H(j, k), ref(j, k), 1e-12 * (1.0 + std::abs(ref(j, k)))) << j << "," << k;
    }
  }
}

TEST(ChurnDesign, SubsampledFitSameBitsForOneAndTwoThreads) {
  const Eigen::Index n = 50'000, p = 6;
  ci::RowMatrixXd X = random_matrix(n, p, 8, 3.0);
  std::mt19937_64 rng(9);
  std::uniform_real_distribution<double> unif;
  std::vector<double> y(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) {
    const double eta = 0.3 * X(i, 0) - 0.2 * X(i, 3) + 0.1 * X(i, 5) - 0.4;
    y[static_cast<std::size_t>(i)] = unif(rng) < 1.0 / (1.0 + std::exp(-eta)) ? 1.0 : 0.0;
  }
  ci::LogisticOptions o;
  o.subsample_threshold = 8'000;
  ci::set_num_threads(1);
  auto a = ci::fit_logistic(X, y, {}, {}, o);
  ci::set_num_threads(2);
  auto b = ci::fit_logistic(X, y, {}, {}, o);
  ci::set_num_threads(0);
  ASSERT_TRUE(a.ok() && b.ok());
  for (Eigen::Index j = 0; j < p; ++j) EXPECT_EQ(a->coef_z[j], b->coef_z[j]) << j;
  EXPECT_EQ(a->intercept_z, b->intercept_z);
  EXPECT_EQ(a->scaling.mean, b->scaling.mean);
  EXPECT_EQ(a->scaling.scale, b->scaling.scale);
  EXPECT_EQ(a->covariance_z, b->covariance_z);
  EXPECT_EQ(a->objective, b->objective);
}
