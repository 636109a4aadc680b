#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "custinsight/math/hyp2f1.hpp"

namespace cd = custinsight::detail;

namespace {

// Independent reference for log K, K = integral over [t0, t1] of
// (alpha+u)^-m (beta+u)^-(s+1) du: composite Simpson on a very fine grid in
// v = log(1e-4 + u), with the largest integrand factored out.
double reference_log_window(double m, double alpha, double s, double beta, double t0, double t1) {
  const double shift = 1e-4;
  const double v0 = std::log(shift + t0), v1 = std::log(shift + t1);
  const int n = 200000;
  const double h = (v1 - v0) / n;
  std::vector<double> lf(n + 1);
  double top = -1e300;
  for (int i = 0; i <= n; ++i) {
    const double v = v0 + h * i;
    const double u = std::exp(v) - shift;
    lf[static_cast<std::size_t>(i)] = v - m * std::log(alpha + u) - (s + 1) * std::log(beta + u);
    top = std::max(top, lf[static_cast<std::size_t>(i)]);
  }
  double sum = 0;
  for (int i = 0; i <= n; ++i) {
    const double w = (i == 0 || i == n) ? 1 : (i % 2 ? 4 : 2);
    sum += w * std::exp(lf[static_cast<std::size_t>(i)] - top);
  }
  return static_cast<double>(top + std::log(sum * h / 3));
}

}  // namespace

// Frequencies 0 and 300, T up to 1000, parameters from 1e-3 to 1e3: both the series and the
// quadrature branch must match the brute-force integral, without overflow.
TEST(ParetoHypergeometric, ExtremeInputsMatchBruteForce) {
  const std::vector<double> scales{1e-3, 1.0, 1e3};
  const std::vector<double> shapes{1e-3, 0.5, 1e3};
  const std::vector<double> xs{0.0, 300.0};
  int checked = 0;
  for (double alpha : scales)
    for (double beta : scales)
      for (double r : shapes)
        for (double s : shapes)
          for (double x : xs)
            for (auto [t0, t1] : {std::pair{0.0, 1000.0}, std::pair{5.0, 40.0},
                                  std::pair{990.0, 1000.0}}) {
              if (x == 0 && t0 > 0) continue;  // t_x = 0 without repeat purchases
              const double m = r + x;
              const auto got = cd::pareto_log_window(m, alpha, s, beta, t0, t1);
              const double want = reference_log_window(m, alpha, s, beta, t0, t1);
              ASSERT_TRUE(std::isfinite(got.value))
                  << "alpha=" << alpha << " beta=" << beta << " r=" << r << " s=" << s
                  << " x=" << x << " t0=" << t0;
              EXPECT_NEAR(got.value, want, 1e-7 * std::max(1.0, std::abs(want)))
                  << "alpha=" << alpha << " beta=" << beta << " r=" << r << " s=" << s
                  << " x=" << x << " t0=" << t0 << " t1=" << t1;
              ++checked;
            }
  EXPECT_GT(checked, 300);
}

// A fit on data where every customer fell silent walks towards s, beta -> infinity (a common
// drop-out rate); there the integrand's log terms are ~1e6 and nearly cancel. The quadrature
// must stay accurate (and finish: rounding noise used to defeat its error test, so it spent its
// whole panel budget on every call). Reference: Simpson in long double on log1p differences.
TEST(ParetoHypergeometric, QuadratureWithHugeShapeAndScale) {
  for (auto [s, beta] : {std::pair{59830.0, 2.6e6}, std::pair{5e5, 3e7}}) {
    const double m = 1.53, alpha = 11.65, t0 = 67.4, t1 = 104.4;
    const long double a0 = alpha + t0, b0 = beta + t0;
    const int n = 200000;
    const long double h = (static_cast<long double>(t1) - t0) / n;
    long double sum = 0;
    for (int i = 0; i <= n; ++i) {
      const long double d = h * i;
      const long double lf = -m * std::log1p(d / a0) - (s + 1) * std::log1p(d / b0);
      const long double w = (i == 0 || i == n) ? 1 : (i % 2 ? 4 : 2);
      sum += w * std::exp(lf);
    }
    const long double want =
        -m * std::log(a0) - (s + 1) * std::log(b0) + std::log(sum * h / 3);
    const auto got = cd::pareto_log_window(m, alpha, s, beta, t0, t1);
    EXPECT_NEAR(got.value, static_cast<double>(want), 1e-9 * std::abs(static_cast<double>(want)))
        << "s=" << s;
    // d/ds by central differences
    const double hs = 1e-4 * s;
    const double fd = (cd::pareto_log_window(m, alpha, s + hs, beta, t0, t1).value -
                       cd::pareto_log_window(m, alpha, s - hs, beta, t0, t1).value) / (2 * hs);
    EXPECT_NEAR(got.grad[2], fd, 1e-6 * std::abs(fd)) << "s=" << s;
  }
}

// The analytic gradient against central differences of the value, on both branches.
TEST(ParetoHypergeometric, GradientMatchesFiniteDifferences) {
  struct Case {
    double m, alpha, s, beta, t0, t1;
  };
  for (const Case& c : {Case{2.5, 10.6, 0.6, 11.7, 30.4, 38.9}, Case{0.5, 1000, 0.5, 0.01, 0, 40},
                        Case{300.2, 0.01, 2.0, 50.0, 10, 1000}, Case{1.2, 3.0, 1.0, 0.2, 0.5, 9}}) {
    const auto got = cd::pareto_log_window(c.m, c.alpha, c.s, c.beta, c.t0, c.t1);
    double p[4] = {c.m, c.alpha, c.s, c.beta};
    for (int k = 0; k < 4; ++k) {
      const double h = 1e-6 * p[k];
      double up[4] = {p[0], p[1], p[2], p[3]}, dn[4] = {p[0], p[1], p[2], p[3]};
      up[k] += h;
      dn[k] -= h;
      const double fd = (cd::pareto_log_window(up[0], up[1], up[2], up[3], c.t0, c.t1).value -
                         cd::pareto_log_window(dn[0], dn[1], dn[2], dn[3], c.t0, c.t1).value) /
                        (2 * h);
      EXPECT_NEAR(got.grad[static_cast<std::size_t>(k)], fd, 1e-5 * std::max(1.0, std::abs(fd)))
          << "case m=" << c.m << " parameter " << k;
    }
  }
}

// Euler-transformed series against the direct one where the latter converges quickly.
TEST(Hypergeometric, SeriesAgreesWithDirectSum) {
  const double A = 0.7, B = -0.2, C = 3.4;
  const double z[3] = {0.0, 0.3, 0.6};
  double out[3];
  ASSERT_TRUE(cd::hyp2f1_series(A, B, C, z, out, 3));
  for (int k = 0; k < 3; ++k) {
    double term = 1, sum = 1;
    for (int n = 0; n < 2000; ++n) {
      term *= (A + n) * (B + n) / ((C + n) * (n + 1)) * z[k];
      sum += term;
    }
    EXPECT_NEAR(out[k], sum, 1e-14);
  }
}

// The tabulated unit series against the direct one, across the z range the tables serve.
TEST(ParetoHypergeometric, TabulatedUnitSeriesMatchesDirect) {
  for (double b : {0.3, 1.6, 25.0}) {
    for (double extra : {0.2, 1.0, 40.0}) {
      const double c = b + extra;
      custinsight::detail::UnitSeriesTable table;
      table.fill(b, c, 0.9);
      for (double z : {0.0, 1e-6, 0.05, 0.4, 0.75, 0.9}) {
        custinsight::detail::OneF tab;
        ASSERT_TRUE(table.evaluate(b, c, z, tab)) << b << " " << c << " " << z;
        const custinsight::detail::OneF ref = custinsight::detail::hyp2f1_unit(b, c, z);
        EXPECT_NEAR(tab.S, ref.S, 1e-14 * ref.S);
        EXPECT_NEAR(tab.Sb, ref.Sb, 1e-13 * std::abs(ref.Sb) + 1e-300);
        EXPECT_NEAR(tab.Sc, ref.Sc, 1e-13 * std::abs(ref.Sc) + 1e-300);
        EXPECT_NEAR(tab.Sz, ref.Sz, 1e-13 * std::abs(ref.Sz));
      }
    }
  }
}
