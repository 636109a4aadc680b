#pragma once

/// @file pareto_nbd.hpp
/// @brief Pareto/NBD (Schmittlein, Morrison & Colombo 1987): while alive, purchases are
/// Poisson with a Gamma(r, alpha) rate; lifetimes are exponential with a Gamma(s, beta) rate.
/// The likelihood is evaluated as in Fader, Hardie & Lee's note on the Pareto/NBD, with the
/// hypergeometric terms in log space (see detail/hyp2f1.hpp). The fit takes Newton steps on
/// the exact Hessian (detail/pareto_hessian.hpp), with the tail integrals that patterns share
/// computed once per evaluation.

#include <Eigen/Core>
#include <array>
#include <cmath>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "custinsight/loyalty/detail/beta_geo_family.hpp"
#include "custinsight/loyalty/detail/fit.hpp"
#include "custinsight/math/hyp2f1.hpp"
#include "custinsight/loyalty/detail/model_base.hpp"
#include "custinsight/loyalty/detail/pareto_hessian.hpp"
#include "custinsight/math/special.hpp"
#include "custinsight/parallel.hpp"
#include "custinsight/loyalty/patterns.hpp"

namespace custinsight {
namespace detail {

struct ParetoNBDLikelihood {
  static constexpr int kParams = 4;
  static constexpr std::array<const char*, 4> kNames = {"r", "alpha", "s", "beta"};
  static constexpr const char* kModelName = "ParetoNBDModel";

  /// The tails J(x, t) of the window integrals that patterns share: pattern i's window runs
  /// from tail at_recency[i] (t = t_x) to tail at_T[i] (t = T). In CDNOW 1,016 patterns need
  /// 943 distinct tails instead of 2,032. Only built for the Newton steps' Hessian evaluations
  /// of data sets small enough that the tails' storage stays small.
  struct FitContext {
    std::vector<std::int64_t> tail_x;
    std::vector<double> tail_t;
    std::vector<std::int32_t> at_recency, at_T;
    [[nodiscard]] bool shared() const { return !tail_t.empty(); }
  };
  FitContext fit_context(const Patterns& p) const {
    FitContext ctx;
    constexpr Eigen::Index kMaxPatterns = 50000;
    if (p.size() > kMaxPatterns) return ctx;
    absl::flat_hash_map<std::pair<std::int64_t, double>, std::int32_t> index;
    index.reserve(static_cast<std::size_t>(2 * p.size()));
    auto tail = [&](double x, double t) {
      const auto key = std::make_pair(static_cast<std::int64_t>(x), t);
      auto [it, inserted] = index.try_emplace(key, static_cast<std::int32_t>(ctx.tail_t.size()));
      if (inserted) {
        ctx.tail_x.push_back(key.first);
        ctx.tail_t.push_back(t);
      }
      return it->second;
    };
    ctx.at_recency.resize(static_cast<std::size_t>(p.size()));
    ctx.at_T.resize(static_cast<std::size_t>(p.size()));
    for (Eigen::Index i = 0; i < p.size(); ++i) {
      if (!(p.T[i] > p.recency[i])) continue;  // no window: K = 0
      ctx.at_recency[static_cast<std::size_t>(i)] = tail(p.frequency[i], p.recency[i]);
      ctx.at_T[static_cast<std::size_t>(i)] = tail(p.frequency[i], p.T[i]);
    }
    return ctx;
  }

  struct Workspace {
    RisingTables r;
    ParetoSeriesTables series;
    ParetoDerivativeTables derivative_series;
    const FitContext* context = nullptr;
    std::vector<LogWithHessian> tails;  // per context tail, when shared
    bool tabulated = false, hessian = false;
    double log_alpha = 0, log_beta = 0, log_s = 0;
  };
  Workspace prepare(const Eigen::VectorXd& theta, const Patterns& p, bool hessian = false,
                    const FitContext* context = nullptr) const {
    Workspace ws;
    const auto max_x = static_cast<std::size_t>(p.max_frequency);
    ws.r.fill(theta[0], max_x, hessian);
    ws.hessian = hessian;
    // Tabulating costs one series per frequency; worth it while frequencies are few next to
    // the patterns that share them.
    ws.tabulated = max_x < 4096 && static_cast<Eigen::Index>(max_x) < p.size();
    if (ws.tabulated) {
      if (hessian) ws.derivative_series.fill(theta[0], theta[1], theta[2], theta[3], max_x);
      else ws.series.fill(theta[0], theta[1], theta[2], theta[3], max_x);
    }
    ws.log_alpha = std::log(theta[1]);
    ws.log_beta = std::log(theta[3]);
    ws.log_s = std::log(theta[2]);
    if (hessian && context != nullptr && context->shared()) {
      ws.context = context;
      const double r = theta[0], alpha = theta[1], s = theta[2], beta = theta[3];
      ws.tails.resize(context->tail_t.size());
      // Each tail is computed once by one thread; tails past the series' range are left
      // unset, their windows being integrated per pattern. Like the patterns' blocks in
      // mean_objective, small fits stay on one thread: an evaluation of CDNOW takes ~0.2 ms,
      // and a fork-join waits for the other core, which on a busy machine costs more.
      parallel_chunks(static_cast<std::ptrdiff_t>(ws.tails.size()), 2048,
                      [&](std::ptrdiff_t begin, std::ptrdiff_t end) {
                        for (std::ptrdiff_t k = begin; k < end; ++k) {
                          const auto uk = static_cast<std::size_t>(k);
                          const double t = context->tail_t[uk];
                          if (!pareto_window_uses_series(alpha, beta, t)) continue;
                          const auto xk = static_cast<std::size_t>(context->tail_x[uk]);
                          ws.tails[uk] = pareto_log_tail_hessian(
                              r + static_cast<double>(xk), alpha, s, beta, t,
                              ws.tabulated ? &ws.derivative_series.by_x[xk] : nullptr);
                        }
                      });
    }
    return ws;
  }

  /// log-likelihood of pattern i, its gradient in (r, alpha, s, beta) and, if `h` is not null
  /// (and the workspace was prepared for it), its Hessian (row-major 4 x 4). With weights
  /// wA, wK of the two parts of the bracket, the Hessian of log(e^lA + e^lK) is
  /// wA lA'' + wK lK'' + wA wK (lK' - lA')(lK' - lA')^T.
  double pattern_loglik(const Workspace& ws, const Eigen::VectorXd& theta, const Patterns& p,
                        Eigen::Index i, double* g, double* h = nullptr) const {
    const double r = theta[0], alpha = theta[1], s = theta[2], beta = theta[3];
    const double x = p.frequency[i], tx = p.recency[i], T = p.T[i];
    const auto xi = static_cast<std::size_t>(x);
    const double m = r + x;
    const double l_aT = std::log(alpha + T), l_bT = std::log(beta + T);
    // alive through T, or dropped out at some tau in (t_x, T]
    const double lA = -m * l_aT - s * l_bT;
    if (h != nullptr && ws.hessian) {
      // The same arithmetic whether the tails come from the workspace or are summed here.
      const auto ui = static_cast<std::size_t>(i);
      const LogWithHessian K =
          ws.context != nullptr && T > tx && pareto_window_uses_series(alpha, beta, tx)
              ? combine_tails(ws.tails[static_cast<std::size_t>(ws.context->at_recency[ui])],
                              ws.tails[static_cast<std::size_t>(ws.context->at_T[ui])])
              : pareto_log_window_hessian(
                    m, alpha, s, beta, tx, T,
                    ws.tabulated ? &ws.derivative_series.by_x[xi] : nullptr);
      const double lK = ws.log_s + K.value;
      // mix = log(e^lA + e^lK) and wK = e^(lK - mix) from one exp and one log1p
      double mix = lA, wK = 0.0;
      if (std::isfinite(K.value)) {
        const double d = lK - lA, e = std::exp(-std::abs(d));
        mix = std::max(lA, lK) + std::log1p(e);
        wK = d > 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
      }
      const double wA = 1.0 - wK;
      const double inv_aT = 1.0 / (alpha + T), inv_bT = 1.0 / (beta + T);
      const std::array<double, 4> gA = {-l_aT, -m * inv_aT, -l_bT, -s * inv_bT};
      const std::array<double, 4> gK = {K.grad[0], K.grad[1], 1.0 / s + K.grad[2], K.grad[3]};
      g[0] = ws.r.harmonic[xi] + ws.log_alpha;
      g[1] = r / alpha;
      g[2] = ws.log_beta;
      g[3] = s / beta;
      for (std::size_t j = 0; j < 4; ++j) g[j] += wA * gA[j] + wK * gK[j];
      const double c = wA * wK;
      for (std::size_t j = 0; j < 4; ++j)
        for (std::size_t k = j; k < 4; ++k)
          h[j * 4 + k] = wK * K.hess[j * 4 + k] + c * (gK[j] - gA[j]) * (gK[k] - gA[k]);
      // lA'' and the terms outside the bracket: log (r)_x + r log alpha + s log beta
      h[0 * 4 + 0] -= ws.r.harmonic2[xi];
      h[0 * 4 + 1] += 1.0 / alpha - wA * inv_aT;
      h[1 * 4 + 1] += -r / (alpha * alpha) + wA * m * inv_aT * inv_aT;
      h[2 * 4 + 2] -= wK / (s * s);
      h[2 * 4 + 3] += 1.0 / beta - wA * inv_bT;
      h[3 * 4 + 3] += -s / (beta * beta) + wA * s * inv_bT * inv_bT;
      for (std::size_t j = 1; j < 4; ++j)
        for (std::size_t k = 0; k < j; ++k) h[j * 4 + k] = h[k * 4 + j];
      return ws.r.log_rising[xi] + r * ws.log_alpha + s * ws.log_beta + mix;
    }
    const LogWithGradient K =
        pareto_log_window(m, alpha, s, beta, tx, T, ws.tabulated ? &ws.series.by_x[xi] : nullptr);
    const double lK = ws.log_s + K.value;
    const double mix = log_add_exp(lA, lK);
    const double wK = std::isfinite(K.value) ? std::exp(lK - mix) : 0.0;
    const double wA = 1.0 - wK;
    g[0] = ws.r.harmonic[xi] + ws.log_alpha - wA * l_aT + wK * K.grad[0];
    g[1] = r / alpha - wA * m / (alpha + T) + wK * K.grad[1];
    g[2] = ws.log_beta - wA * l_bT + wK * (1.0 / s + K.grad[2]);
    g[3] = s / beta - wA * s / (beta + T) + wK * K.grad[3];
    return ws.r.log_rising[xi] + r * ws.log_alpha + s * ws.log_beta + mix;
  }

  Eigen::VectorXd initial_params(const Patterns& p) const {
    auto [r, alpha] = gamma_poisson_moments(p);
    const double mean_T = (p.weight * p.T).sum() / p.total_weight;
    Eigen::VectorXd start(4);
    // Exponential lifetimes with a mean of the order of the observation window.
    start << r, alpha, 1.0, std::max(mean_T, 1e-3);
    return start;
  }
  absl::Status check_identifiable(const Patterns& p) const {
    return require_repeat_buyers(p, kModelName);
  }
  Eigen::VectorXd penalty_scale(const Patterns& p) const {
    return time_penalty_scale(p, {1, 3}, 4);
  }
  /// lifetimes' ParetoNBDFitter divides the summed log-likelihood by the mean weight.
  double penalty_divisor(const Patterns& p) const { return static_cast<double>(p.n_rows); }
};

struct ParetoNBDKernels {
  double r, alpha, s, beta;
  explicit ParetoNBDKernels(const Eigen::VectorXd& theta)
      : r(theta[0]), alpha(theta[1]), s(theta[2]), beta(theta[3]) {}

  /// log of the bracket of the likelihood: P(alive at T) part and dropped-out part
  std::pair<double, double> log_parts(double x, double tx, double T) const {
    const double m = r + x;
    const double lA = -m * std::log(alpha + T) - s * std::log(beta + T);
    const double lK = std::log(s) + pareto_log_window(m, alpha, s, beta, tx, T).value;
    return {lA, lK};
  }
  double probability_alive(double x, double tx, double T) const {
    auto [lA, lK] = log_parts(x, tx, T);
    return logistic(lA - lK);
  }
  /// E[X(T, T + t] | history] = P(alive) (r+x)/(alpha+T) (beta+T)/(s-1) [1 - ((beta+T)/(beta+T+t))^(s-1)]
  double expected_given_alive(double x, double T, double t) const {
    const double y = std::log1p(t / (beta + T));
    return (r + x) / (alpha + T) * (beta + T) * one_minus_exp_over(s - 1.0, y);
  }
};

}  // namespace detail

/// @brief Prediction kernels of Pareto/NBD over arrays (parameters r, alpha, s, beta).
struct ParetoNBDKernels {
  using K = detail::ParetoNBDKernels;

  static absl::StatusOr<Eigen::ArrayXd> conditional_probability_alive(
      const Eigen::VectorXd& theta, std::span<const double> frequency,
      std::span<const double> recency, std::span<const double> T) {
    CUSTINSIGHT_RETURN_IF_ERROR(detail::check_history(frequency, recency, T));
    const K k(theta);
    Eigen::ArrayXd out(static_cast<Eigen::Index>(frequency.size()));
    detail::parallel_for(out.size(), [&](std::ptrdiff_t i) {
      out[i] = k.probability_alive(frequency[i], recency[i], T[i]);
    });
    return out;
  }

  static absl::StatusOr<Eigen::MatrixXd> conditional_expected_at_horizons(
      const Eigen::VectorXd& theta, std::span<const double> horizons,
      std::span<const double> frequency, std::span<const double> recency,
      std::span<const double> T) {
    CUSTINSIGHT_RETURN_IF_ERROR(detail::check_history(frequency, recency, T));
    CUSTINSIGHT_RETURN_IF_ERROR(detail::check_times("horizons", horizons));
    const K k(theta);
    Eigen::MatrixXd out(static_cast<Eigen::Index>(frequency.size()),
                        static_cast<Eigen::Index>(horizons.size()));
    detail::parallel_for(out.rows(), [&](std::ptrdiff_t i) {
      const double alive = k.probability_alive(frequency[i], recency[i], T[i]);
      for (std::size_t h = 0; h < horizons.size(); ++h)
        out(i, static_cast<Eigen::Index>(h)) =
            alive * k.expected_given_alive(frequency[i], T[i], horizons[h]);
    });
    return out;
  }

  static absl::StatusOr<Eigen::ArrayXd> conditional_expected_number_of_purchases_up_to_time(
      const Eigen::VectorXd& theta, std::span<const double> t, std::span<const double> frequency,
      std::span<const double> recency, std::span<const double> T) {
    CUSTINSIGHT_RETURN_IF_ERROR(detail::check_history(frequency, recency, T));
    CUSTINSIGHT_RETURN_IF_ERROR(detail::check_times("t", t));
    CUSTINSIGHT_RETURN_IF_ERROR(detail::check_broadcast("t", t.size(), frequency.size()));
    const K k(theta);
    Eigen::ArrayXd out(static_cast<Eigen::Index>(frequency.size()));
    detail::parallel_for(out.size(), [&](std::ptrdiff_t i) {
      out[i] = k.probability_alive(frequency[i], recency[i], T[i]) *
               k.expected_given_alive(frequency[i], T[i], detail::at(t, i));
    });
    return out;
  }

  /// r beta / (alpha (s - 1)) [1 - (beta / (beta + t))^(s-1)]
  static absl::StatusOr<Eigen::ArrayXd> expected_number_of_purchases_up_to_time(
      const Eigen::VectorXd& theta, std::span<const double> t) {
    CUSTINSIGHT_RETURN_IF_ERROR(detail::check_times("t", t));
    const K k(theta);
    Eigen::ArrayXd out(static_cast<Eigen::Index>(t.size()));
    for (Eigen::Index i = 0; i < out.size(); ++i)
      out[i] = k.expected_given_alive(0.0, 0.0, t[static_cast<std::size_t>(i)]);
    return out;
  }

  /// P(no purchase in (T, T + horizon] | history), the ratio of the likelihoods of the history
  /// extended to T + horizon and of the history. Unlike BG/NBD its limit is not 1 - P(alive):
  /// an alive customer may still die before buying again.
  static absl::StatusOr<Eigen::ArrayXd> churn_risk(const Eigen::VectorXd& theta,
                                                   std::span<const double> frequency,
                                                   std::span<const double> recency,
                                                   std::span<const double> T,
                                                   std::span<const double> horizon) {
    CUSTINSIGHT_RETURN_IF_ERROR(detail::check_history(frequency, recency, T));
    CUSTINSIGHT_RETURN_IF_ERROR(detail::check_times("horizon", horizon));
    CUSTINSIGHT_RETURN_IF_ERROR(detail::check_broadcast("horizon", horizon.size(), frequency.size()));
    const K k(theta);
    Eigen::ArrayXd out(static_cast<Eigen::Index>(frequency.size()));
    detail::parallel_for(out.size(), [&](std::ptrdiff_t i) {
      auto [a0, k0] = k.log_parts(frequency[i], recency[i], T[i]);
      auto [a1, k1] = k.log_parts(frequency[i], recency[i], T[i] + detail::at(horizon, i));
      out[i] = std::exp(detail::log_add_exp(a1, k1) - detail::log_add_exp(a0, k0));
    });
    return out;
  }

  static absl::StatusOr<Eigen::MatrixXd> conditional_probability_alive_matrix(
      const Eigen::VectorXd& theta, int max_frequency, int max_recency) {
    if (max_frequency < 0 || max_recency < 0)
      return absl::InvalidArgumentError("max_frequency and max_recency must be non-negative");
    const K k(theta);
    Eigen::MatrixXd out(max_recency + 1, max_frequency + 1);
    detail::parallel_for(max_recency + 1, [&](std::ptrdiff_t tx) {
      for (int x = 0; x <= max_frequency; ++x)
        out(tx, x) = k.probability_alive(x, static_cast<double>(tx), max_recency);
    });
    return out;
  }
};

/// @brief The Pareto/NBD model; parameters (r, alpha, s, beta).
class ParetoNBDModel : public detail::ModelBase<detail::ParetoNBDLikelihood> {
 public:
  absl::Status fit(std::span<const double> frequency, std::span<const double> recency,
                   std::span<const double> T, std::span<const double> weights = {},
                   const FitOptions& options = {}) {
    CUSTINSIGHT_ASSIGN_OR_RETURN(Patterns p, compress_patterns(frequency, recency, T, weights));
    // The hypergeometric tails need ever more terms as T / (beta + T) -> 1; past kMaxPeriods the
    // likelihood cannot be evaluated in bounded time, so such histories are refused up front.
    for (std::size_t i = 0; i < T.size(); ++i)
      if (T[i] > kMaxPeriods)
        return detail::invalid_element("T", i, T[i],
                                       "too large for the Pareto/NBD likelihood (at most 1e9 periods)");
    return fit_patterns(p, options);
  }

  /// Longest observation (in periods) the Pareto/NBD fit accepts.
  static constexpr double kMaxPeriods = 1e9;
  absl::StatusOr<Eigen::ArrayXd> conditional_probability_alive(
      std::span<const double> frequency, std::span<const double> recency,
      std::span<const double> T) const {
    CUSTINSIGHT_RETURN_IF_ERROR(require_fitted());
    return ParetoNBDKernels::conditional_probability_alive(result_->params, frequency, recency, T);
  }
  absl::StatusOr<Eigen::ArrayXd> conditional_expected_number_of_purchases_up_to_time(
      std::span<const double> t, std::span<const double> frequency,
      std::span<const double> recency, std::span<const double> T) const {
    CUSTINSIGHT_RETURN_IF_ERROR(require_fitted());
    return ParetoNBDKernels::conditional_expected_number_of_purchases_up_to_time(
        result_->params, t, frequency, recency, T);
  }
  absl::StatusOr<Eigen::MatrixXd> conditional_expected_at_horizons(
      std::span<const double> horizons, std::span<const double> frequency,
      std::span<const double> recency, std::span<const double> T) const {
    CUSTINSIGHT_RETURN_IF_ERROR(require_fitted());
    return ParetoNBDKernels::conditional_expected_at_horizons(result_->params, horizons,
                                                              frequency, recency, T);
  }
  absl::StatusOr<Eigen::ArrayXd> expected_number_of_purchases_up_to_time(
      std::span<const double> t) const {
    CUSTINSIGHT_RETURN_IF_ERROR(require_fitted());
    return ParetoNBDKernels::expected_number_of_purchases_up_to_time(result_->params, t);
  }
  absl::StatusOr<Eigen::ArrayXd> churn_risk(std::span<const double> frequency,
                                            std::span<const double> recency,
                                            std::span<const double> T,
                                            std::span<const double> horizon) const {
    CUSTINSIGHT_RETURN_IF_ERROR(require_fitted());
    return ParetoNBDKernels::churn_risk(result_->params, frequency, recency, T, horizon);
  }
  absl::StatusOr<Eigen::MatrixXd> conditional_probability_alive_matrix(int max_frequency,
                                                                       int max_recency) const {
    CUSTINSIGHT_RETURN_IF_ERROR(require_fitted());
    return ParetoNBDKernels::conditional_probability_alive_matrix(result_->params, max_frequency,
                                                                  max_recency);
  }
};

}  // namespace custinsight
