#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "custinsight/loyalty/beta_geo.hpp"
#include "custinsight/loyalty/modified_beta_geo.hpp"
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

// The tabulated series against the per-customer series (itself checked against direct sums
// in test_loyalty_hyp2f1.cpp): horizons from 0 to long, frequencies up to 300, both models.
template <int Offset>
void expect_table_matches_series() {
  using F = ci::BetaGeoFamily<Offset>;
  Eigen::VectorXd theta(4);
  theta << 0.243, 4.414, 0.793, 2.426;
  const ci::detail::BetaGeoFamilyKernels<Offset> k(theta);
  std::vector<double> x, tx, T;
  for (double xi : {0.0, 1.0, 2.0, 7.0, 40.0, 300.0})
    for (double age : {0.0, 0.5, 10.0, 38.86, 200.0}) {
      x.push_back(xi);
      tx.push_back(xi == 0 ? 0.0 : age * 0.7);
      T.push_back(age);
    }
  const std::vector<double> horizons{0.0, 1e-9, 1e-4, 0.3, 4.345, 39.0, 52.14, 500.0};
  const auto matrix = F::conditional_expected_at_horizons(theta, horizons, x, tx, T).value();
  std::vector<double> weights(horizons.size());
  for (std::size_t h = 0; h < horizons.size(); ++h) weights[h] = 1.0 / (1.0 + static_cast<double>(h));
  const auto weighted =
      F::weighted_expected_at_horizons(theta, horizons, weights, x, tx, T).value();
  for (std::size_t i = 0; i < x.size(); ++i) {
    double sum = 0.0;
    for (std::size_t h = 0; h < horizons.size(); ++h) {
      double ref = 0.0;
      k.conditional_expected(x[i], tx[i], T[i], &horizons[h], &ref, 1);
      const std::vector<double> one{horizons[h]};
      const double single = F::conditional_expected_number_of_purchases_up_to_time(
                                theta, one, {&x[i], 1}, {&tx[i], 1}, {&T[i], 1})
                                .value()[0];
      const auto hi = static_cast<Eigen::Index>(h), ii = static_cast<Eigen::Index>(i);
      // For short horizons the per-customer series loses digits in log(1 + s) (relative error
      // up to ~1e-4 at t = 1e-9); the table keeps them (50-digit values in the next test).
      const double tol = horizons[h] >= 0.1 ? 1e-10 : 1e-3;
      EXPECT_NEAR(matrix(ii, hi), ref, tol * ref) << "x " << x[i] << " T " << T[i] << " t " << horizons[h];
      EXPECT_NEAR(single, ref, tol * ref) << "x " << x[i] << " T " << T[i] << " t " << horizons[h];
      sum += weights[h] * matrix(ii, hi);
    }
    EXPECT_NEAR(weighted[static_cast<Eigen::Index>(i)], sum, 1e-12 * sum);
  }
}

TEST(BetaGeoModel, TabulatedSeriesMatchesPerCustomerSeries) {
  expect_table_matches_series<0>();
  expect_table_matches_series<1>();
}

// Horizons in no particular order, more than one group of four (each group stops on its own
// largest z) and a partial last group, against the per-customer series one horizon at a time.
TEST(BetaGeoModel, HorizonsInAnyOrderMatchPerCustomerSeries) {
  Eigen::VectorXd theta(4);
  theta << 0.243, 4.414, 0.793, 2.426;
  const ci::detail::BetaGeoFamilyKernels<0> k(theta);
  const std::vector<double> horizons{52.14, 4.345, 30.0, 0.5, 13.0, 26.07, 39.1,
                                     8.69,  17.4,  21.7, 43.4, 47.8, 100.0};
  std::vector<double> x, tx, T;
  for (double xi : {0.0, 1.0, 3.0, 12.0, 80.0})
    for (double age : {0.5, 10.0, 38.86, 75.0}) {
      x.push_back(xi);
      tx.push_back(xi == 0 ? 0.0 : age * 0.4);
      T.push_back(age);
    }
  const auto matrix =
      ci::BetaGeoFamily<0>::conditional_expected_at_horizons(theta, horizons, x, tx, T).value();
  for (std::size_t i = 0; i < x.size(); ++i)
    for (std::size_t h = 0; h < horizons.size(); ++h) {
      double ref = 0.0;
      k.conditional_expected(x[i], tx[i], T[i], &horizons[h], &ref, 1);
      EXPECT_NEAR(matrix(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(h)), ref,
                  1e-10 * ref)
          << "x " << x[i] << " T " << T[i] << " t " << horizons[h];
    }
}

// Short horizons for a customer without repeat purchases (P(alive) = 1), against the series
// summed in 50-digit decimal arithmetic (Python's decimal module).
TEST(BetaGeoModel, ShortHorizonsKeepTheirDigits) {
  Eigen::VectorXd theta(4);
  theta << 0.243, 4.414, 0.793, 2.426;
  struct Case {
    double T, t, expected;
  };
  for (const Case& c : {Case{0.5, 1e-9, 4.94505494490087081e-11},
                        Case{0.5, 1e-4, 4.94503953775615800e-06},
                        Case{10, 1e-9, 1.68586096848493720e-11},
                        Case{10, 1e-4, 1.68585917777484421e-06},
                        Case{200, 1e-9, 1.18876397898293660e-12},
                        Case{200, 1e-4, 1.18876388994523648e-07}}) {
    const std::vector<double> t{c.t}, x{0.0}, tx{0.0}, T{c.T};
    const double e =
        ci::BetaGeoKernels::conditional_expected_number_of_purchases_up_to_time(theta, t, x, tx, T)
            .value()[0];
    EXPECT_NEAR(e, c.expected, 1e-13 * c.expected) << "T " << c.T << " t " << c.t;
  }
}

// The one-pass validity check lets valid input through and still names the first bad row of
// a large input, wherever it sits.
TEST(BetaGeoModel, FastValidationNamesTheFirstBadRow) {
  const std::size_t n = 300000;
  std::vector<double> x(n, 1.0), tx(n, 2.0), T(n, 5.0);
  EXPECT_TRUE(ci::detail::check_history(x, tx, T).ok());
  T[250001] = std::nan("");
  tx[270000] = 6.0;
  const absl::Status st = ci::detail::check_history(x, tx, T);
  EXPECT_EQ(st.message(), "T[250001] = nan: must be finite");
  T[250001] = 5.0;
  EXPECT_EQ(ci::detail::check_history(x, tx, T).message(),
            "recency[270000] = 6: is larger than T[270000] = 5");
  tx[270000] = 2.0;
  x[299999] = 0.0;
  EXPECT_EQ(ci::detail::check_history(x, tx, T).message(),
            "recency[299999] = 2: must be 0 where frequency is 0");
  x[299999] = 1e8;
  EXPECT_EQ(ci::detail::check_history(x, tx, T).message(),
            "frequency[299999] = 100000000: is implausibly large (> 1e7)");
}

// The vector log and exp behind P(alive) against glibc's (correctly rounded to within an
// ulp), on a million random arguments across the range, and P(alive) against the scalar
// formula.
TEST(SimdMath, LogAndExpWithinTwoUlps) {
  namespace simd = ci::detail::simd;
  std::uint64_t state = 12345;
  auto uniform = [&] {  // splitmix64
    state += 0x9e3779b97f4a7c15ULL;
    std::uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return static_cast<double>((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
  };
  auto ulps = [](double got, double want) {
    if (got == want) return 0.0;
    const double w = std::abs(want);
    return std::abs(got - want) / (std::nextafter(w, INFINITY) - w);
  };
  double worst_log = 0, worst_exp = 0;
  for (int i = 0; i < 1000000; i += 8) {
    alignas(64) double x[8], y[8], lx[8], ey[8];
    for (int j = 0; j < 8; ++j) {
      x[j] = std::exp((uniform() - 0.5) * (j < 4 ? 1400.0 : 2.0));
      y[j] = (uniform() - 0.5) * (j < 4 ? 1400.0 : 2.0);
    }
    simd::v8d xv, yv, lv, ev;
    simd::load(x, xv);
    simd::load(y, yv);
    simd::log(xv, lv);
    simd::exp(yv, ev);
    simd::store(lx, lv);
    simd::store(ey, ev);
    for (int j = 0; j < 8; ++j) {
      const double ref = std::log(x[j]);
      worst_log = std::max(worst_log, ref == 0.0 ? std::abs(lx[j]) : ulps(lx[j], ref));
      worst_exp = std::max(worst_exp, ulps(ey[j], std::exp(y[j])));
    }
  }
  EXPECT_LE(worst_log, 2.0);
  EXPECT_LE(worst_exp, 2.0);
  alignas(64) double edge[8] = {-800, -745.5, 0, 1, 709.7, 710, 1e300, -1e300}, out[8];
  simd::v8d ev, rv;
  simd::load(edge, ev);
  simd::exp(ev, rv);
  simd::store(out, rv);
  EXPECT_EQ(out[0], 0.0);
  EXPECT_EQ(out[1], 0.0);
  EXPECT_EQ(out[2], 1.0);
  EXPECT_NEAR(out[3], std::exp(1.0), 4e-16 * std::exp(1.0));
  EXPECT_NEAR(out[4], std::exp(709.7), 4e-16 * std::exp(709.7));
  EXPECT_TRUE(std::isinf(out[5]) && std::isinf(out[6]));
  EXPECT_EQ(out[7], 0.0);

  Eigen::VectorXd theta(4);
  theta << 0.243, 4.414, 0.793, 2.426;
  const ci::detail::BetaGeoFamilyKernels<1> k(theta);
  const std::vector<double> fx{0, 1, 3, 30, 0, 2, 5, 8, 13, 200, 1}, ftx{0, 0.5, 20, 38, 0, 0, 39, 1, 13, 35, 1e-9},
      fT{0, 40, 39, 39, 80, 1, 39, 60, 13, 39, 1e6};
  const auto p = ci::ModifiedBetaGeoKernels::conditional_probability_alive(theta, fx, ftx, fT).value();
  for (std::size_t i = 0; i < fx.size(); ++i)
    EXPECT_NEAR(p[static_cast<Eigen::Index>(i)], k.probability_alive(fx[i], ftx[i], fT[i]),
                1e-14 * k.probability_alive(fx[i], ftx[i], fT[i]) + 1e-300)
        << i;
}
