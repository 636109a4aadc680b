#pragma once

/// @file beta_geo_family.hpp
/// @brief The likelihood and prediction kernels shared by BG/NBD (Fader, Hardie & Lee 2005)
/// and MBG/NBD (Batislam, Denizel & Filiztekin 2007). They differ only in whether a customer
/// may drop out right after the first purchase: with `Offset` = 0 (BG/NBD) the dropout chances
/// come after each of the x repeat purchases, with `Offset` = 1 (MBG/NBD) after each of the
/// x + 1 purchases. Every formula below is written with n = x + Offset.

#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "custinsight/loyalty/detail/beta_geo_series.hpp"
#include "custinsight/loyalty/detail/fit.hpp"
#include "custinsight/math/hyp2f1.hpp"
#include "custinsight/loyalty/detail/model_base.hpp"
#include "custinsight/math/simd_math.hpp"
#include "custinsight/math/special.hpp"
#include "custinsight/parallel.hpp"
#include "custinsight/loyalty/patterns.hpp"
#include "custinsight/status.hpp"

namespace custinsight::detail {

template <int Offset>
struct BetaGeoFamilyLikelihood {
  static constexpr int kParams = 4;
  static constexpr std::array<const char*, 4> kNames = {"r", "alpha", "a", "b"};
  static constexpr const char* kModelName = Offset == 0 ? "BetaGeoModel" : "ModifiedBetaGeoModel";

  struct Workspace {
    RisingTables r, b, ab;
    std::vector<double> log_b_n;  // [n] = log(b + n - 1), n >= 1
    double log_a = 0, log_alpha = 0;
  };

  Workspace prepare(const Eigen::VectorXd& theta, const Patterns& p, bool hessian = false) const {
    Workspace ws;
    const auto max_n = static_cast<std::size_t>(p.max_frequency + Offset);
    ws.r.fill(theta[0], static_cast<std::size_t>(p.max_frequency), hessian);
    ws.b.fill(theta[3], max_n, hessian);
    ws.ab.fill(theta[2] + theta[3], max_n, hessian);
    ws.log_b_n.assign(max_n + 1, 0.0);
    for (std::size_t n = 1; n <= max_n; ++n)
      ws.log_b_n[n] = std::log(theta[3] + static_cast<double>(n) - 1.0);
    ws.log_a = std::log(theta[2]);
    ws.log_alpha = std::log(theta[1]);
    return ws;
  }

  /// log-likelihood of pattern i, its gradient in (r, alpha, a, b) and, if `h` is not null,
  /// its Hessian (row-major 4 x 4). The likelihood is e^A3 + e^A4 times terms free of t_x and
  /// T; with weights w3, w4 of the two parts, the Hessian of log(e^A3 + e^A4) is
  /// w3 A3'' + w4 A4'' + w3 w4 (A4' - A3')(A4' - A3')^T.
  double pattern_loglik(const Workspace& ws, const Eigen::VectorXd& theta, const Patterns& p,
                        Eigen::Index i, double* g, double* h = nullptr) const {
    const double r = theta[0], alpha = theta[1], a = theta[2], b = theta[3];
    const double x = p.frequency[i], tx = p.recency[i], T = p.T[i];
    const auto xi = static_cast<std::size_t>(x);
    const std::size_t n = xi + Offset;
    const double m = r + x;
    const double l_aT = std::log(alpha + T);
    const double A3 = -m * l_aT;
    double w4 = 0.0, mix = A3, l_atx = 0.0;
    if (n > 0) {
      // mix = log(e^A3 + e^A4) = A3 + softplus(A4 - A3); w4 = logistic(A4 - A3)
      l_atx = std::log(alpha + tx);
      const double d = ws.log_a - ws.log_b_n[n] - m * (l_atx - l_aT);
      const double e = std::exp(-std::abs(d));
      mix = A3 + std::max(d, 0.0) + std::log1p(e);
      w4 = d > 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
    }
    const double w3 = 1.0 - w4;
    const double ll = ws.r.log_rising[xi] + r * ws.log_alpha + ws.b.log_rising[n] -
                      ws.ab.log_rising[n] + mix;
    const double inv_aT = 1.0 / (alpha + T);
    const double inv_atx = n > 0 ? 1.0 / (alpha + tx) : 0.0;
    const double inv_bn = n > 0 ? 1.0 / (b + static_cast<double>(n) - 1.0) : 0.0;
    const double inv_a = 1.0 / a;
    g[0] = ws.r.harmonic[xi] + ws.log_alpha - w3 * l_aT - w4 * l_atx;
    g[1] = r / alpha - m * (w3 * inv_aT + w4 * inv_atx);
    g[2] = -ws.ab.harmonic[n] + w4 * inv_a;
    g[3] = ws.b.harmonic[n] - ws.ab.harmonic[n] - w4 * inv_bn;
    if (h != nullptr) {
      // A4' - A3' (zero when there is no A4 term, where w4 = 0 anyway)
      const double d0 = l_aT - l_atx, d1 = m * (inv_aT - inv_atx), d2 = inv_a, d3 = -inv_bn;
      const double c = w3 * w4;
      const double h_ab = ws.ab.harmonic2[n];
      // r, alpha
      h[0] = -ws.r.harmonic2[xi] + c * d0 * d0;
      h[1] = 1.0 / alpha - w3 * inv_aT - w4 * inv_atx + c * d0 * d1;
      h[2] = c * d0 * d2;
      h[3] = c * d0 * d3;
      h[5] = -r / (alpha * alpha) + m * (w3 * inv_aT * inv_aT + w4 * inv_atx * inv_atx) +
             c * d1 * d1;
      h[6] = c * d1 * d2;
      h[7] = c * d1 * d3;
      // a, b
      h[10] = h_ab - w4 * inv_a * inv_a + c * d2 * d2;
      h[11] = h_ab + c * d2 * d3;
      h[15] = h_ab - ws.b.harmonic2[n] + w4 * inv_bn * inv_bn + c * d3 * d3;
      h[4] = h[1];
      h[8] = h[2];
      h[9] = h[6];
      h[12] = h[3];
      h[13] = h[7];
      h[14] = h[11];
    }
    return ll;
  }

  Eigen::VectorXd initial_params(const Patterns& p) const {
    auto [r, alpha] = gamma_poisson_moments(p);
    Eigen::VectorXd start(4);
    // Dropout is rare per purchase in most data: start p ~ Beta(1, 3), mean 0.25.
    start << r, alpha, 1.0, 3.0;
    return start;
  }
  absl::Status check_identifiable(const Patterns& p) const {
    return require_repeat_buyers(p, kModelName);
  }
  Eigen::VectorXd penalty_scale(const Patterns& p) const { return time_penalty_scale(p, {1}, 4); }
  double penalty_divisor(const Patterns&) const { return 1.0; }
};

/// Broadcast a length-1 or length-n argument.
inline absl::Status check_broadcast(std::string_view argument, std::size_t size, std::size_t n) {
  if (size != 1 && size != n)
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s has length %d; expected 1 or the number of customers (%d)", argument, size, n));
  return absl::OkStatus();
}
inline double at(std::span<const double> v, std::ptrdiff_t i) {
  return v.size() == 1 ? v[0] : v[static_cast<std::size_t>(i)];
}

inline absl::Status check_times(std::string_view argument, std::span<const double> t) {
  CUSTINSIGHT_RETURN_IF_ERROR(check_not_empty(argument, t.size()));
  CUSTINSIGHT_RETURN_IF_ERROR(check_finite(argument, t));
  return check_non_negative(argument, t);
}

/// The first NaN in a prediction becomes an error naming the row (a customer, or an element of
/// `t` when the rows are horizons); OutOfRange, since it is the input (a horizon too long)
/// that the series cannot handle.
inline absl::StatusOr<Eigen::ArrayXd> no_nan(Eigen::ArrayXd out, const char* what,
                                             bool rows_are_horizons = false) {
  for (Eigen::Index i = 0; i < out.size(); ++i) {
    if (std::isnan(out[i]))
      return absl::OutOfRangeError(absl::StrFormat(
          "%s: the series did not converge for %s (time horizon too long for the fitted "
          "parameters?)",
          what,
          rows_are_horizons ? absl::StrFormat("t[%d]", i) : absl::StrFormat("customer %d", i)));
  }
  return out;
}

template <int Offset>
struct BetaGeoFamilyKernels {
  double r, alpha, a, b;
  explicit BetaGeoFamilyKernels(const Eigen::VectorXd& theta)
      : r(theta[0]), alpha(theta[1]), a(theta[2]), b(theta[3]) {}

  /// P(alive at T | history) = 1 / (1 + a / (b + n - 1) ((alpha + T) / (alpha + t_x))^(r+x))
  double probability_alive(double x, double tx, double T) const {
    const double n = x + Offset;
    if (n == 0) return 1.0;
    const double odds = a / (b + n - 1.0) * std::exp((r + x) * std::log((alpha + T) / (alpha + tx)));
    return 1.0 / (1.0 + odds);
  }

  /// E[X(T, T + t_k] | x, t_x, T] for several horizons t_k at once (they share the series).
  void conditional_expected(double x, double tx, double T, const double* t, double* out,
                            int nt) const {
    std::array<double, 64> z{}, f{};
    const double n = x + Offset;
    for (int k = 0; k < nt; ++k) z[static_cast<std::size_t>(k)] = t[k] / (alpha + T + t[k]);
    const bool ok = hyp2f1_series(a + b - 1.0 - r + Offset, a - 1.0, a + b + n - 1.0, z.data(),
                                  f.data(), nt);
    const double coef = (a + b + n - 1.0) / (a - 1.0);
    const double alive = probability_alive(x, tx, T);
    for (int k = 0; k < nt; ++k) {
      const auto kk = static_cast<std::size_t>(k);
      // 1 - (1-z)^(a-1) F, with the power taken as exp(log1p) for small z
      const double one_minus = -std::expm1((a - 1.0) * std::log1p(-z[kk]) + std::log(f[kk]));
      out[k] = ok ? coef * one_minus * alive : std::numeric_limits<double>::quiet_NaN();
    }
  }

  /// P(N(t) = n) for a customer just acquired (FHL 2005 eq. 8; MBG/NBD analogue).
  double probability_of_n(double t, double n) const {
    const double lr = std::log(alpha / (alpha + t)), lq = std::log(t / (alpha + t));
    const double lbab = log_beta(a, b);
    const double log_nb = log_gamma(r + n) - log_gamma(r) - log_gamma(n + 1.0) + r * lr +
                          (n > 0 ? n * lq : 0.0);
    double p = std::exp(log_beta(a, b + n + Offset) - lbab + log_nb);
    if (n + Offset > 0) {
      double partial = 0.0;  // sum_{j<n} NB(j)
      double lterm = r * lr;  // log NB(0)
      for (int j = 0; j < static_cast<int>(n); ++j) {
        partial += std::exp(lterm);
        lterm += std::log((r + j) / (j + 1.0)) + lq;
      }
      p += std::exp(log_beta(a + 1.0, b + n - 1.0 + Offset) - lbab) * (1.0 - partial);
    }
    return p;
  }

  /// log P(no purchase in (t_x, T] and x purchases as observed) up to terms free of T.
  double log_tail(double x, double tx, double T) const {
    const double A3 = -(r + x) * std::log(alpha + T);
    const double n = x + Offset;
    if (n == 0) return A3;
    return log_add_exp(A3, std::log(a / (b + n - 1.0)) - (r + x) * std::log(alpha + tx));
  }
};

}  // namespace custinsight::detail

namespace custinsight {

/// @brief Prediction kernels of BG/NBD (Offset 0) and MBG/NBD (Offset 1) as free functions of
/// the parameters (r, alpha, a, b), vectorised over customers and parallel; the model classes
/// call these after checking that they are fitted.
template <int Offset>
struct BetaGeoFamily {
  using Kernels = detail::BetaGeoFamilyKernels<Offset>;

  static absl::StatusOr<Eigen::ArrayXd> conditional_probability_alive(
      const Eigen::VectorXd& theta, std::span<const double> frequency,
      std::span<const double> recency, std::span<const double> T) {
    CUSTINSIGHT_RETURN_IF_ERROR(detail::check_history(frequency, recency, T));
    Eigen::ArrayXd out(static_cast<Eigen::Index>(frequency.size()));
    // Eight customers at a time with vector log and exp (simd_math.hpp): glibc's scalar ones
    // take 2-3 ns each and Eigen's SSE2 packet versions are slower still.
    detail::parallel_chunks(out.size(), 8192, [&](std::ptrdiff_t begin, std::ptrdiff_t end) {
      detail::simd::probability_alive(theta[0], theta[1], theta[2], theta[3], Offset,
                                      frequency.data() + begin, recency.data() + begin,
                                      T.data() + begin, out.data() + begin, end - begin);
    });
    return out;
  }

  /// Expected repeat purchases in (T, T + t] given each history; t has length 1 or n.
  static absl::StatusOr<Eigen::ArrayXd> conditional_expected_number_of_purchases_up_to_time(
      const Eigen::VectorXd& theta, std::span<const double> t, std::span<const double> frequency,
      std::span<const double> recency, std::span<const double> T) {
    CUSTINSIGHT_RETURN_IF_ERROR(detail::check_history(frequency, recency, T));
    CUSTINSIGHT_RETURN_IF_ERROR(detail::check_times("t", t));
    CUSTINSIGHT_RETURN_IF_ERROR(detail::check_broadcast("t", t.size(), frequency.size()));
    const Kernels k(theta);
    const double t_max =
        Eigen::Map<const Eigen::ArrayXd>(t.data(), static_cast<Eigen::Index>(t.size())).maxCoeff();
    const auto table = make_table(theta, frequency, T, t_max);
    Eigen::ArrayXd out(static_cast<Eigen::Index>(frequency.size()));
    // Blocks of customers: P(alive) and (1 - z)^(a - 1) with the vector log and exp, the
    // series from the table one customer at a time. Each customer's arithmetic is the same
    // wherever the block boundaries fall.
    detail::parallel_chunks(out.size(), 2048, [&](std::ptrdiff_t begin, std::ptrdiff_t end) {
      const std::ptrdiff_t len = end - begin;
      std::vector<double> alive(static_cast<std::size_t>(len)), ratio(alive.size()),
          power(alive.size()), s(alive.size());
      std::vector<std::uint8_t> tabulated(alive.size());
      detail::simd::probability_alive(k.r, k.alpha, k.a, k.b, Offset, frequency.data() + begin,
                                      recency.data() + begin, T.data() + begin, alive.data(),
                                      len);
      for (std::ptrdiff_t j = 0; j < len; ++j) {
        const auto uj = static_cast<std::size_t>(j);
        const double ti = detail::at(t, begin + j), age = k.alpha + T[static_cast<std::size_t>(begin + j)];
        ratio[uj] = age / (age + ti);
        tabulated[uj] = table.usable() && ratio[uj] > 1e-300 &&
                        table.series_minus_one(static_cast<std::size_t>(frequency[begin + j]),
                                               ti / (age + ti), s[uj]);
        if (!tabulated[uj]) ratio[uj] = 1.0;
      }
      detail::simd::pow_positive(ratio.data(), k.a - 1.0, power.data(), len);
      for (std::ptrdiff_t j = 0; j < len; ++j) {
        const auto uj = static_cast<std::size_t>(j);
        const auto i = static_cast<std::size_t>(begin + j);
        const double ti = detail::at(t, begin + j);
        if (!tabulated[uj]) {
          k.conditional_expected(frequency[i], recency[i], T[i], &ti, &out[begin + j], 1);
          continue;
        }
        // 1 - (1 - z)^(a - 1) (1 + s) keeps its digits while it is not close to 0; the slower
        // log1p/expm1 form covers short horizons.
        const double v = power[uj] * (1.0 + s[uj]);
        const double z = ti / (k.alpha + T[i] + ti);
        const double one_minus =
            std::abs(1.0 - v) >= 1e-3
                ? 1.0 - v
                : -std::expm1((k.a - 1.0) * std::log1p(-z) + std::log1p(s[uj]));
        out[begin + j] =
            (k.a + k.b + frequency[i] + Offset - 1.0) / (k.a - 1.0) * alive[uj] * one_minus;
      }
    });
    return detail::no_nan(std::move(out), "conditional_expected_number_of_purchases_up_to_time");
  }

  /// Expected purchases at each of several horizons (columns) for every customer (rows): the
  /// horizons share P(alive) and one coefficient table.
  static absl::StatusOr<Eigen::MatrixXd> conditional_expected_at_horizons(
      const Eigen::VectorXd& theta, std::span<const double> horizons,
      std::span<const double> frequency, std::span<const double> recency,
      std::span<const double> T) {
    if (horizons.size() > 64)
      return absl::InvalidArgumentError("horizons: at most 64 horizons per call");
    Eigen::MatrixXd out(static_cast<Eigen::Index>(frequency.size()),
                        static_cast<Eigen::Index>(horizons.size()));
    CUSTINSIGHT_RETURN_IF_ERROR(at_horizons(
        theta, horizons, frequency, recency, T,
        [&](std::ptrdiff_t i, std::size_t h, double e) {
          out(i, static_cast<Eigen::Index>(h)) = e;
        },
        [](std::ptrdiff_t) {}));
    return out;
  }

  /// sum_h weights[h] E[X(T, T + horizons[h]] | history] per customer, without holding the
  /// customers x horizons matrix (CLV is such a sum: see clv.hpp).
  static absl::StatusOr<Eigen::ArrayXd> weighted_expected_at_horizons(
      const Eigen::VectorXd& theta, std::span<const double> horizons,
      std::span<const double> weights, std::span<const double> frequency,
      std::span<const double> recency, std::span<const double> T) {
    CUSTINSIGHT_RETURN_IF_ERROR(
        detail::check_same_length("weights", weights.size(), "horizons", horizons.size()));
    CUSTINSIGHT_RETURN_IF_ERROR(detail::check_finite("weights", weights));
    Eigen::ArrayXd out(static_cast<Eigen::Index>(frequency.size()));
    // Each customer's sum is accumulated by one thread in horizon order.
    CUSTINSIGHT_RETURN_IF_ERROR(at_horizons(
        theta, horizons, frequency, recency, T,
        [&](std::ptrdiff_t i, std::size_t h, double e) { out[i] += weights[h] * e; },
        [&](std::ptrdiff_t i) { out[i] = 0.0; }));
    return out;
  }

 private:
  /// E at nt <= 64 horizons for one customer from the table (the horizons share its
  /// coefficients), given scale = (a + b + n - 1) / (a - 1) P(alive) and the powers
  /// ((alpha + T) / (alpha + T + t))^(a - 1) (NaN where the caller could not take them);
  /// the per-customer series where the table cannot serve.
  static void expected_many(const Kernels& k, const detail::ExpectedSeriesTable& table, double x,
                            double tx, double T, double scale, const double* t,
                            const double* power, double* out, int nt) {
    // Only the first nt entries are written and read; zeroing all 64 would cost more than
    // the arithmetic for twelve horizons.
    std::array<double, detail::ExpectedSeriesTable::kMaxHorizons> z, s;
    const double age = k.alpha + T;
    for (int h = 0; h < nt; ++h) z[static_cast<std::size_t>(h)] = t[h] / (age + t[h]);
    if (!table.usable() ||
        !table.series_minus_one_many(static_cast<std::size_t>(x), z.data(), s.data(), nt)) {
      k.conditional_expected(x, tx, T, t, out, nt);
      return;
    }
    for (int h = 0; h < nt; ++h) {
      const auto uh = static_cast<std::size_t>(h);
      const double p = std::isnan(power[h])
                           ? std::exp((k.a - 1.0) * (std::log(age) - std::log(age + t[h])))
                           : power[h];
      // 1 - (1 - z)^(a - 1) (1 + s) keeps its digits while it is not close to 0 (longer
      // horizons); the slower log1p/expm1 form covers the rest.
      const double v = p * (1.0 + s[uh]);
      const double one_minus =
          std::abs(1.0 - v) >= 1e-3
              ? 1.0 - v
              : -std::expm1((k.a - 1.0) * std::log1p(-z[uh]) + std::log1p(s[uh]));
      out[h] = scale * one_minus;
    }
  }

  /// Coefficient tables for the call, or an unusable one (then the per-customer series runs).
  static detail::ExpectedSeriesTable make_table(const Eigen::VectorXd& theta,
                                                std::span<const double> frequency,
                                                std::span<const double> T, double t_max) {
    const std::ptrdiff_t max_x = detail::max_frequency_upto(frequency, 100000.0);
    const double T_min =
        Eigen::Map<const Eigen::ArrayXd>(T.data(), static_cast<Eigen::Index>(T.size())).minCoeff();
    const double z_max = t_max / (theta[1] + T_min + t_max);
    if (max_x < 0 || !std::isfinite(z_max))
      return detail::ExpectedSeriesTable(theta[0], theta[2], theta[3], Offset, 0, 0.0).clear();
    return detail::ExpectedSeriesTable(theta[0], theta[2], theta[3], Offset,
                                       static_cast<std::size_t>(max_x), z_max);
  }

  /// Calls start(i), then sink(i, h, E at horizons[h]) for each horizon in order, for every
  /// customer i; a customer is handled by one thread only.
  template <class Sink, class Start>
  static absl::Status at_horizons(const Eigen::VectorXd& theta, std::span<const double> horizons,
                                  std::span<const double> frequency,
                                  std::span<const double> recency, std::span<const double> T,
                                  Sink&& sink, Start&& start) {
    CUSTINSIGHT_RETURN_IF_ERROR(detail::check_history(frequency, recency, T));
    CUSTINSIGHT_RETURN_IF_ERROR(detail::check_times("horizons", horizons));
    const Kernels k(theta);
    const double t_max = *std::max_element(horizons.begin(), horizons.end());
    const auto table = make_table(theta, frequency, T, t_max);
    const auto n = static_cast<std::ptrdiff_t>(frequency.size());
    std::atomic<std::ptrdiff_t> first_nan{n};
    constexpr std::size_t kGroup = detail::ExpectedSeriesTable::kMaxHorizons;
    const std::size_t nh = horizons.size();
    // Blocks of customers: P(alive) and the powers of every customer and horizon with the
    // vector log and exp (simd_math.hpp; glibc's scalar pair costs more than the series), then
    // the series one customer at a time. The vector functions work element by element, so a
    // customer's results do not depend on the block boundaries.
    const std::ptrdiff_t block = std::max<std::ptrdiff_t>(8, 4096 / static_cast<std::ptrdiff_t>(nh));
    detail::parallel_chunks(n, block, [&](std::ptrdiff_t begin, std::ptrdiff_t end) {
      const std::ptrdiff_t len = end - begin;
      const auto ulen = static_cast<std::size_t>(len);
      std::vector<double> alive(ulen), ratio(ulen * nh), power(ulen * nh);
      detail::simd::probability_alive(k.r, k.alpha, k.a, k.b, Offset, frequency.data() + begin,
                                      recency.data() + begin, T.data() + begin, alive.data(),
                                      len);
      for (std::size_t j = 0; j < ulen; ++j) {
        const double age = k.alpha + T[static_cast<std::size_t>(begin) + j];
        for (std::size_t h = 0; h < nh; ++h) ratio[j * nh + h] = age / (age + horizons[h]);
      }
      // The vector log needs normal positive arguments; the rest (absurdly long horizons)
      // take the scalar functions.
      std::vector<std::uint8_t> scalar(ratio.size());
      for (std::size_t q = 0; q < ratio.size(); ++q) {
        scalar[q] = !(ratio[q] >= 1e-300);
        if (scalar[q]) ratio[q] = 1.0;
      }
      detail::simd::pow_positive(ratio.data(), k.a - 1.0, power.data(),
                                 static_cast<std::ptrdiff_t>(ratio.size()));
      for (std::size_t q = 0; q < ratio.size(); ++q)
        if (scalar[q]) power[q] = std::numeric_limits<double>::quiet_NaN();
      std::array<double, kGroup> e;
      for (std::ptrdiff_t i = begin; i < end; ++i) {
        const auto ui = static_cast<std::size_t>(i), j = static_cast<std::size_t>(i - begin);
        start(i);
        const double x = frequency[ui];
        const double scale = (k.a + k.b + x + Offset - 1.0) / (k.a - 1.0) * alive[j];
        for (std::size_t first = 0; first < nh; first += kGroup) {
          const std::size_t count = std::min(kGroup, nh - first);
          expected_many(k, table, x, recency[ui], T[ui], scale, horizons.data() + first,
                        power.data() + j * nh + first, e.data(), static_cast<int>(count));
          for (std::size_t h = 0; h < count; ++h) {
            if (std::isnan(e[h])) {
              std::ptrdiff_t seen = first_nan.load();
              while (i < seen && !first_nan.compare_exchange_weak(seen, i)) {
              }
            }
            sink(i, first + h, e[h]);
          }
        }
      }
    });
    if (first_nan.load() < n)
      return absl::OutOfRangeError(absl::StrFormat(
          "expected purchases: the series did not converge for customer %d", first_nan.load()));
    return absl::OkStatus();
  }

 public:
  /// Expected repeat purchases in (0, t] of a newly acquired customer.
  static absl::StatusOr<Eigen::ArrayXd> expected_number_of_purchases_up_to_time(
      const Eigen::VectorXd& theta, std::span<const double> t) {
    CUSTINSIGHT_RETURN_IF_ERROR(detail::check_times("t", t));
    const Kernels k(theta);
    Eigen::ArrayXd out(static_cast<Eigen::Index>(t.size()));
    for (Eigen::Index i = 0; i < out.size(); ++i) {
      // A new customer is a history (x = 0, t_x = 0, T = 0), and (Offset 0) alive for sure.
      double e = 0.0;
      k.conditional_expected(0.0, 0.0, 0.0, &t[static_cast<std::size_t>(i)], &e, 1);
      out[i] = e;
    }
    return detail::no_nan(std::move(out), "expected_number_of_purchases_up_to_time",
                          /*rows_are_horizons=*/true);
  }

  static absl::StatusOr<double> probability_of_n_purchases_up_to_time(const Eigen::VectorXd& theta,
                                                                      double t, double n) {
    if (!(std::isfinite(t) && t >= 0))
      return absl::InvalidArgumentError(absl::StrFormat("t = %.17g: must be >= 0", t));
    if (!(n >= 0 && n == std::floor(n) && n < 1e7))
      return absl::InvalidArgumentError(
          absl::StrFormat("n = %.17g: must be a non-negative integer", n));
    return Kernels(theta).probability_of_n(t, n);
  }

  /// @brief P(no purchase in (T, T + horizon] | history): the likelihood of the history
  /// extended to T + horizon over that of the history itself. Tends to 1 - P(alive).
  static absl::StatusOr<Eigen::ArrayXd> churn_risk(const Eigen::VectorXd& theta,
                                                   std::span<const double> frequency,
                                                   std::span<const double> recency,
                                                   std::span<const double> T,
                                                   std::span<const double> horizon) {
    CUSTINSIGHT_RETURN_IF_ERROR(detail::check_history(frequency, recency, T));
    CUSTINSIGHT_RETURN_IF_ERROR(detail::check_times("horizon", horizon));
    CUSTINSIGHT_RETURN_IF_ERROR(detail::check_broadcast("horizon", horizon.size(), frequency.size()));
    const Kernels k(theta);
    Eigen::ArrayXd out(static_cast<Eigen::Index>(frequency.size()));
    detail::parallel_for(out.size(), [&](std::ptrdiff_t i) {
      const double h = detail::at(horizon, i);
      if (std::isinf(h)) {
        out[i] = 1.0 - k.probability_alive(frequency[i], recency[i], T[i]);
      } else {
        out[i] = std::exp(k.log_tail(frequency[i], recency[i], T[i] + h) -
                          k.log_tail(frequency[i], recency[i], T[i]));
      }
    });
    return out;
  }

  /// @brief P(alive) on a grid: rows are recency 0..max_recency, columns frequency
  /// 0..max_frequency, all at T = max_recency (lifetimes' layout, for heatmaps).
  static absl::StatusOr<Eigen::MatrixXd> conditional_probability_alive_matrix(
      const Eigen::VectorXd& theta, int max_frequency, int max_recency) {
    if (max_frequency < 0 || max_recency < 0)
      return absl::InvalidArgumentError("max_frequency and max_recency must be non-negative");
    const Kernels k(theta);
    Eigen::MatrixXd out(max_recency + 1, max_frequency + 1);
    for (int tx = 0; tx <= max_recency; ++tx)
      for (int x = 0; x <= max_frequency; ++x)
        out(tx, x) = k.probability_alive(x, tx, max_recency);
    return out;
  }
};

namespace detail {

/// The model class shared by BetaGeoModel and ModifiedBetaGeoModel.
template <int Offset>
class BetaGeoFamilyModel : public ModelBase<BetaGeoFamilyLikelihood<Offset>> {
  using Base = ModelBase<BetaGeoFamilyLikelihood<Offset>>;
  using F = BetaGeoFamily<Offset>;

 public:
  /// @brief Fit by maximum likelihood.
  /// @param frequency repeat purchases x (whole numbers)
  /// @param recency time of the last purchase t_x, measured from the first
  /// @param T time from the first purchase to the end of observation
  /// @param weights customers per row, or empty
  absl::Status fit(std::span<const double> frequency, std::span<const double> recency,
                   std::span<const double> T, std::span<const double> weights = {},
                   const FitOptions& options = {}) {
    CUSTINSIGHT_ASSIGN_OR_RETURN(Patterns p, compress_patterns(frequency, recency, T, weights));
    return this->fit_patterns(p, options);
  }

  absl::StatusOr<Eigen::ArrayXd> conditional_probability_alive(
      std::span<const double> frequency, std::span<const double> recency,
      std::span<const double> T) const {
    CUSTINSIGHT_RETURN_IF_ERROR(this->require_fitted());
    return F::conditional_probability_alive(this->result_->params, frequency, recency, T);
  }
  absl::StatusOr<Eigen::ArrayXd> conditional_expected_number_of_purchases_up_to_time(
      std::span<const double> t, std::span<const double> frequency,
      std::span<const double> recency, std::span<const double> T) const {
    CUSTINSIGHT_RETURN_IF_ERROR(this->require_fitted());
    return F::conditional_expected_number_of_purchases_up_to_time(this->result_->params, t,
                                                                  frequency, recency, T);
  }
  absl::StatusOr<Eigen::MatrixXd> conditional_expected_at_horizons(
      std::span<const double> horizons, std::span<const double> frequency,
      std::span<const double> recency, std::span<const double> T) const {
    CUSTINSIGHT_RETURN_IF_ERROR(this->require_fitted());
    return F::conditional_expected_at_horizons(this->result_->params, horizons, frequency,
                                               recency, T);
  }
  absl::StatusOr<Eigen::ArrayXd> weighted_expected_at_horizons(
      std::span<const double> horizons, std::span<const double> weights,
      std::span<const double> frequency, std::span<const double> recency,
      std::span<const double> T) const {
    CUSTINSIGHT_RETURN_IF_ERROR(this->require_fitted());
    return F::weighted_expected_at_horizons(this->result_->params, horizons, weights, frequency,
                                            recency, T);
  }
  absl::StatusOr<Eigen::ArrayXd> expected_number_of_purchases_up_to_time(
      std::span<const double> t) const {
    CUSTINSIGHT_RETURN_IF_ERROR(this->require_fitted());
    return F::expected_number_of_purchases_up_to_time(this->result_->params, t);
  }
  absl::StatusOr<double> probability_of_n_purchases_up_to_time(double t, double n) const {
    CUSTINSIGHT_RETURN_IF_ERROR(this->require_fitted());
    return F::probability_of_n_purchases_up_to_time(this->result_->params, t, n);
  }
  absl::StatusOr<Eigen::ArrayXd> churn_risk(std::span<const double> frequency,
                                            std::span<const double> recency,
                                            std::span<const double> T,
                                            std::span<const double> horizon) const {
    CUSTINSIGHT_RETURN_IF_ERROR(this->require_fitted());
    return F::churn_risk(this->result_->params, frequency, recency, T, horizon);
  }
  absl::StatusOr<Eigen::MatrixXd> conditional_probability_alive_matrix(int max_frequency,
                                                                       int max_recency) const {
    CUSTINSIGHT_RETURN_IF_ERROR(this->require_fitted());
    return F::conditional_probability_alive_matrix(this->result_->params, max_frequency,
                                                   max_recency);
  }
};

}  // namespace detail
}  // namespace custinsight
