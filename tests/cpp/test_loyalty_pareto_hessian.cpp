#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "custinsight/loyalty/detail/pareto_hessian.hpp"
#include "custinsight/loyalty/pareto_nbd.hpp"
#include "loyalty_data.hpp"

namespace ci = custinsight;
namespace cd = custinsight::detail;
using custinsight::testing::read_numeric_csv;

namespace {

struct Window {
  double m, alpha, s, beta, t0, t1;
};

// Series branch with alpha >= beta and alpha < beta, t0 = 0, alpha and beta nearly equal (z
// about 1e-8), and the quadrature branch (z > 0.9), also at a huge s and beta (a fit walking
// towards a common drop-out rate).
const std::vector<Window> kWindows = {
    {2.5, 10.6, 0.6, 11.7, 30.4, 38.9}, {0.55, 10.6, 0.6, 11.7, 0.0, 38.9},
    {3.2, 20.0, 1.4, 4.0, 2.0, 30.0},   {0.8, 5.0, 0.7, 5.0 * (1 + 1e-8), 0.0, 12.0},
    {0.5, 1000, 0.5, 0.01, 0, 40},      {1.2, 3.0, 1.0, 0.2, 0.5, 9},
    {30.4, 0.3, 2.0, 60.0, 1.0, 20.0}, {1.53, 11.65, 59830.0, 2.6e6, 67.4, 104.4}};

}  // namespace

// The Hessian of log K against central differences of its analytic gradient, and the value
// and gradient against the gradient-only evaluation (itself checked against brute-force
// integrals in test_loyalty_hyp2f1.cpp).
TEST(ParetoHessian, WindowHessianMatchesDifferencesOfTheGradient) {
  for (const Window& w : kWindows) {
    const cd::LogWithHessian got =
        cd::pareto_log_window_hessian(w.m, w.alpha, w.s, w.beta, w.t0, w.t1);
    const cd::LogWithGradient ref = cd::pareto_log_window(w.m, w.alpha, w.s, w.beta, w.t0, w.t1);
    EXPECT_NEAR(got.value, ref.value, 1e-12 * std::max(1.0, std::abs(ref.value))) << w.m;
    for (std::size_t k = 0; k < 4; ++k)
      EXPECT_NEAR(got.grad[k], ref.grad[k], 1e-10 * std::max(1.0, std::abs(ref.grad[k])))
          << "m=" << w.m << " parameter " << k;
    const double p[4] = {w.m, w.alpha, w.s, w.beta};
    for (std::size_t k = 0; k < 4; ++k) {
      const double h = 1e-5 * p[k];
      double up[4] = {p[0], p[1], p[2], p[3]}, dn[4] = {p[0], p[1], p[2], p[3]};
      up[k] += h;
      dn[k] -= h;
      const auto gu = cd::pareto_log_window(up[0], up[1], up[2], up[3], w.t0, w.t1);
      const auto gd = cd::pareto_log_window(dn[0], dn[1], dn[2], dn[3], w.t0, w.t1);
      for (std::size_t i = 0; i < 4; ++i) {
        const double fd = (gu.grad[i] - gd.grad[i]) / (2 * h);
        EXPECT_NEAR(got.hess[i * 4 + k], fd, 1e-5 * std::max(1.0, std::abs(fd)))
            << "m=" << w.m << " alpha=" << w.alpha << " beta=" << w.beta << " H(" << i << ", "
            << k << ")";
      }
    }
  }
}

// F(1, b; c; z) and its first derivatives from the derivative series agree with the
// gradient-only series; the tabulated terms agree with the direct sums.
TEST(ParetoHessian, DerivativeSeriesMatchesUnitSeries) {
  for (double b : {0.3, 1.6, 25.0}) {
    for (double extra : {0.2, 1.0, 40.0}) {
      const double c = b + extra;
      cd::UnitSeriesDerivativeTable table;
      table.fill(b, c, 0.9);
      for (double z : {0.0, 1e-7, 0.05, 0.4, 0.75, 0.9}) {
        const cd::OneF ref = cd::hyp2f1_unit(b, c, z);
        const cd::UnitSeriesDerivatives direct = cd::unit_series_derivatives(b, c, z);
        EXPECT_NEAR(direct.S, ref.S, 1e-14 * ref.S);
        EXPECT_NEAR(direct.d[0], ref.Sb, 1e-13 * std::abs(ref.Sb) + 1e-300);
        EXPECT_NEAR(direct.d[1], -ref.Sc, 1e-13 * std::abs(ref.Sc) + 1e-300);
        EXPECT_NEAR(direct.d[2], ref.Sz, 1e-13 * std::abs(ref.Sz));
        cd::UnitSeriesDerivatives tab;
        ASSERT_TRUE(table.evaluate(z, tab)) << b << " " << c << " " << z;
        EXPECT_NEAR(tab.S, direct.S, 1e-15 * direct.S);
        for (std::size_t k = 0; k < 3; ++k)
          EXPECT_NEAR(tab.d[k], direct.d[k], 1e-14 * std::abs(direct.d[k]) + 1e-300);
        for (std::size_t k = 0; k < 9; ++k)
          EXPECT_NEAR(tab.d2[k], direct.d2[k], 1e-12 * std::abs(direct.d2[k]) + 1e-300)
              << "b " << b << " c " << c << " z " << z << " d2[" << k << "]";
        // F_zz by differences of F_z
        const double h = 1e-6;
        if (z >= 0.05 && z < 0.9) {
          const double fd = (cd::hyp2f1_unit(b, c, z + h).Sz - cd::hyp2f1_unit(b, c, z - h).Sz) /
                            (2 * h);
          EXPECT_NEAR(direct.d2[8], fd, 1e-6 * std::max(1.0, std::abs(fd)));
        }
      }
    }
  }
}

namespace {

// Histories covering x = 0, t_x = T, long histories and enough rows that the per-frequency
// tables are used (more patterns than frequencies).
ci::Patterns pareto_patterns(bool many) {
  std::vector<double> x{0, 1, 2, 5, 30, 0, 7}, tx{0, 3.5, 10, 20, 39, 0, 7.25},
      T{10, 20, 30, 25, 39, 1, 7.25}, w{3, 1, 2, 1, 1, 4, 2};
  if (many) {
    for (int i = 0; i < 60; ++i) {
      x.push_back(i % 4);
      T.push_back(5.0 + 0.5 * i);
      tx.push_back(i % 4 == 0 ? 0.0 : 0.3 * (5.0 + 0.5 * i));
      w.push_back(1.0 + i % 3);
    }
  }
  return ci::compress_patterns(x, tx, T, w).value();
}

void expect_objective_hessian_matches(const Eigen::VectorXd& theta, bool many) {
  const ci::Patterns p = pareto_patterns(many);
  const cd::ParetoNBDLikelihood lik;
  Eigen::VectorXd scale = Eigen::VectorXd::Ones(4), g, gp, gm, g_plain;
  Eigen::MatrixXd h;
  const double v = cd::mean_objective(lik, p, theta, 0.1, scale, g, &h);
  const double v_plain = cd::mean_objective(lik, p, theta, 0.1, scale, g_plain);
  EXPECT_NEAR(v, v_plain, 1e-13 * std::abs(v_plain));
  // Tails shared between patterns (the fit's context) give the same bits as tails summed per
  // pattern.
  const auto context = lik.fit_context(p);
  ASSERT_TRUE(context.shared());
  Eigen::VectorXd g_shared;
  Eigen::MatrixXd h_shared;
  EXPECT_EQ(cd::mean_objective(lik, p, theta, 0.1, scale, g_shared, &h_shared, &context), v);
  EXPECT_TRUE(g_shared == g);
  EXPECT_TRUE(h_shared == h);
  for (int j = 0; j < 4; ++j) EXPECT_NEAR(g[j], g_plain[j], 1e-11 * (1.0 + std::abs(g[j])));
  for (int j = 0; j < 4; ++j) {
    const double step = 1e-5;
    Eigen::VectorXd up = theta, down = theta;
    up[j] *= std::exp(step);
    down[j] *= std::exp(-step);
    cd::mean_objective(lik, p, up, 0.1, scale, gp);
    cd::mean_objective(lik, p, down, 0.1, scale, gm);
    const Eigen::VectorXd column = (gp - gm) / (2 * step);
    for (int i = 0; i < 4; ++i)
      EXPECT_NEAR(h(i, j), column[i], 1e-7 * (1.0 + std::abs(column[i])))
          << "theta " << theta.transpose() << " many " << many << " H(" << i << ", " << j << ")";
  }
}

}  // namespace

TEST(ParetoNBDModel, AnalyticHessianMatchesFiniteDifferences) {
  Eigen::VectorXd theta(4);
  for (bool many : {false, true}) {
    theta << 0.55, 10.6, 0.6, 11.7;  // series, alpha < beta
    expect_objective_hessian_matches(theta, many);
    theta << 1.3, 8.0, 1.5, 2.0;  // series, alpha > beta
    expect_objective_hessian_matches(theta, many);
    theta << 0.3, 9.0, 1.0, 300.0;  // quadrature for short histories
    expect_objective_hessian_matches(theta, many);
  }
}

// Newton on the analytic Hessian: a handful of evaluations, and the published estimates.
TEST(ParetoNBDModel, CdnowFitTakesFewEvaluations) {
  CUSTINSIGHT_REQUIRE_SHARED_DATA("cdnow_customers_summary.csv");
  auto c = read_numeric_csv("cdnow_customers_summary.csv");
  ci::ParetoNBDModel m;
  ASSERT_TRUE(m.fit(c[1], c[2], c[3]).ok());
  const auto res = m.result().value();
  EXPECT_LE(res.evaluations, 12);
  EXPECT_LT(res.gradient_norm, 1e-9);
  EXPECT_NEAR(res.params[0], 0.553, 0.0005);
  EXPECT_NEAR(res.log_likelihood, -9595.0, 0.05);
}
