#pragma once

/// @file beta_geo_beta_binom.hpp
/// @brief BG/BB (Fader, Hardie & Shang 2010, "Customer-base analysis in a discrete-time
/// noncontractual setting"): in each of n discrete opportunities an alive customer buys with
/// probability p ~ Beta(alpha, beta) and, before the next opportunity, drops out with
/// probability theta ~ Beta(gamma, delta). Histories are (frequency x, recency t_x,
/// n_periods n), usually given as weighted patterns.

#include <Eigen/Core>
#include <array>
#include <cmath>
#include <span>

#include "custinsight/loyalty/detail/fit.hpp"
#include "custinsight/loyalty/detail/model_base.hpp"
#include "custinsight/math/special.hpp"
#include "custinsight/parallel.hpp"
#include "custinsight/loyalty/patterns.hpp"

namespace custinsight {
namespace detail {

struct BetaGeoBetaBinomLikelihood {
  static constexpr int kParams = 4;
  static constexpr std::array<const char*, 4> kNames = {"alpha", "beta", "gamma", "delta"};
  static constexpr const char* kModelName = "BetaGeoBetaBinomModel";

  struct Workspace {
    double lb_ab, lb_gd, dg_a, dg_b, dg_ab, dg_g, dg_d, dg_gd;
  };
  Workspace prepare(const Eigen::VectorXd& th, const Patterns&) const {
    const double a = th[0], b = th[1], g = th[2], d = th[3];
    return {log_beta(a, b), log_beta(g, d), digamma(a), digamma(b), digamma(a + b),
            digamma(g),     digamma(d),     digamma(g + d)};
  }

  /// log of one term B(u1, v1) B(u2, v2) / (B(a, b) B(g, d)) and its gradient, where
  /// u1 = alpha + x and u2 is gamma or gamma + 1.
  static double term(const Workspace& ws, const Eigen::VectorXd& th, double x, double v1_extra,
                     double u2_extra, double v2_extra, double* g) {
    const double a = th[0], b = th[1], gm = th[2], d = th[3];
    const double u1 = a + x, v1 = b + v1_extra, u2 = gm + u2_extra, v2 = d + v2_extra;
    const double dg_uv1 = digamma(u1 + v1), dg_uv2 = digamma(u2 + v2);
    g[0] = digamma(u1) - dg_uv1 - ws.dg_a + ws.dg_ab;
    g[1] = digamma(v1) - dg_uv1 - ws.dg_b + ws.dg_ab;
    g[2] = digamma(u2) - dg_uv2 - ws.dg_g + ws.dg_gd;
    g[3] = digamma(v2) - dg_uv2 - ws.dg_d + ws.dg_gd;
    return log_beta(u1, v1) + log_beta(u2, v2) - ws.lb_ab - ws.lb_gd;
  }

  double pattern_loglik(const Workspace& ws, const Eigen::VectorXd& th, const Patterns& p,
                        Eigen::Index i, double* g) const {
    const double x = p.frequency[i], tx = p.recency[i], n = p.T[i];
    // Alive through all n opportunities, or alive through t_x + j and gone before the next.
    double gt[4];
    double lmax = term(ws, th, x, n - x, 0.0, n, gt);
    double total = 1.0;
    std::array<double, 4> acc = {gt[0], gt[1], gt[2], gt[3]};
    const int extra = static_cast<int>(n - tx);
    for (int j = 0; j < extra; ++j) {
      const double lt = term(ws, th, x, tx - x + j, 1.0, tx + j, gt);
      // running log-sum-exp with a gradient weighted by each term's share
      if (lt > lmax) {
        const double scale = std::exp(lmax - lt);
        total = total * scale + 1.0;
        for (int k = 0; k < 4; ++k) acc[static_cast<std::size_t>(k)] = acc[static_cast<std::size_t>(k)] * scale + gt[k];
        lmax = lt;
      } else {
        const double w = std::exp(lt - lmax);
        total += w;
        for (int k = 0; k < 4; ++k) acc[static_cast<std::size_t>(k)] += w * gt[k];
      }
    }
    for (int k = 0; k < 4; ++k) g[k] = acc[static_cast<std::size_t>(k)] / total;
    return lmax + std::log(total);
  }

  Eigen::VectorXd initial_params(const Patterns& p) const {
    double share = 0;
    for (Eigen::Index i = 0; i < p.size(); ++i)
      if (p.T[i] > 0) share += p.weight[i] * p.frequency[i] / p.T[i];
    share = std::clamp(share / p.total_weight, 0.05, 0.95);
    Eigen::VectorXd start(4);
    start << 2.0 * share, 2.0 * (1.0 - share), 1.0, 1.0;
    return start;
  }
  absl::Status check_identifiable(const Patterns& p) const {
    return require_repeat_buyers(p, kModelName);
  }
  Eigen::VectorXd penalty_scale(const Patterns&) const { return Eigen::VectorXd::Ones(4); }
  double penalty_divisor(const Patterns&) const { return 1.0; }
  static double loglik(const Eigen::VectorXd& th, double x, double tx, double n) {
    Patterns p;
    p.frequency.setConstant(1, x);
    p.recency.setConstant(1, tx);
    p.T.setConstant(1, n);
    double g[4];
    const BetaGeoBetaBinomLikelihood lik;
    return lik.pattern_loglik(lik.prepare(th, p), th, p, 0, g);
  }
};

/// Discrete histories: whole numbers with x <= t_x <= n, and t_x = 0 when x = 0.
inline absl::Status check_discrete_history(std::span<const double> frequency,
                                           std::span<const double> recency,
                                           std::span<const double> n_periods) {
  CUSTINSIGHT_RETURN_IF_ERROR(check_history(frequency, recency, n_periods));
  CUSTINSIGHT_RETURN_IF_ERROR(check_counts("recency", recency));
  CUSTINSIGHT_RETURN_IF_ERROR(check_counts("n_periods", n_periods));
  for (std::size_t i = 0; i < frequency.size(); ++i)
    if (frequency[i] > recency[i])
      return invalid_element("frequency", i, frequency[i],
                             absl::StrFormat("exceeds recency[%d] = %g (at most one transaction "
                                             "per period)",
                                             i, recency[i]));
  return absl::OkStatus();
}

}  // namespace detail

/// @brief The BG/BB model; parameters (alpha, beta, gamma, delta).
class BetaGeoBetaBinomModel : public detail::ModelBase<detail::BetaGeoBetaBinomLikelihood> {
  using Lik = detail::BetaGeoBetaBinomLikelihood;

 public:
  absl::Status fit(std::span<const double> frequency, std::span<const double> recency,
                   std::span<const double> n_periods, std::span<const double> weights = {},
                   const FitOptions& options = {}) {
    CUSTINSIGHT_RETURN_IF_ERROR(detail::check_discrete_history(frequency, recency, n_periods));
    CUSTINSIGHT_RETURN_IF_ERROR(detail::check_weights(weights, frequency.size()));
    CUSTINSIGHT_ASSIGN_OR_RETURN(Patterns p,
                                 detail::compress_rows(frequency, recency, n_periods, weights));
    return fit_patterns(p, options);
  }

  /// @brief P(alive at opportunity n + m_periods_in_future | x, t_x, n).
  absl::StatusOr<Eigen::ArrayXd> conditional_probability_alive(
      double m_periods_in_future, std::span<const double> frequency,
      std::span<const double> recency, std::span<const double> n_periods) const {
    CUSTINSIGHT_RETURN_IF_ERROR(require_fitted());
    CUSTINSIGHT_RETURN_IF_ERROR(detail::check_discrete_history(frequency, recency, n_periods));
    if (!(m_periods_in_future >= 0 && std::isfinite(m_periods_in_future)))
      return absl::InvalidArgumentError("m_periods_in_future must be finite and >= 0");
    const Eigen::VectorXd th = result_->params;
    const double a = th[0], b = th[1], g = th[2], d = th[3];
    Eigen::ArrayXd out(static_cast<Eigen::Index>(frequency.size()));
    detail::parallel_for(out.size(), [&](std::ptrdiff_t i) {
      const double x = frequency[i], n = n_periods[i];
      out[i] = std::exp(detail::log_beta(a + x, b + n - x) - detail::log_beta(a, b) +
                        detail::log_beta(g, d + n + m_periods_in_future) - detail::log_beta(g, d) -
                        Lik::loglik(th, x, recency[i], n));
    });
    return out;
  }

  /// @brief Expected transactions in the next m_periods_in_future opportunities (FHS 2010
  /// eq. 13).
  absl::StatusOr<Eigen::ArrayXd> conditional_expected_number_of_purchases_up_to_time(
      double m_periods_in_future, std::span<const double> frequency,
      std::span<const double> recency, std::span<const double> n_periods) const {
    CUSTINSIGHT_RETURN_IF_ERROR(require_fitted());
    CUSTINSIGHT_RETURN_IF_ERROR(detail::check_discrete_history(frequency, recency, n_periods));
    if (!(m_periods_in_future >= 0 && std::isfinite(m_periods_in_future)))
      return absl::InvalidArgumentError("m_periods_in_future must be finite and >= 0");
    const Eigen::VectorXd th = result_->params;
    const double a = th[0], b = th[1], g = th[2], d = th[3];
    const double m = m_periods_in_future;
    Eigen::ArrayXd out(static_cast<Eigen::Index>(frequency.size()));
    detail::parallel_for(out.size(), [&](std::ptrdiff_t i) {
      const double x = frequency[i], n = n_periods[i];
      using detail::log_gamma;
      const double l4 = log_gamma(1 + d + n) - log_gamma(g + d + n);
      const double l5 = log_gamma(1 + d + n + m) - log_gamma(g + d + n + m);
      // delta / (gamma - 1) * (e^l4 - e^l5): both factors change sign together at gamma = 1
      const double diff = std::exp(l4) * -std::expm1(l5 - l4);
      out[i] = std::exp(detail::log_beta(a + x + 1, b + n - x) - detail::log_beta(a, b) +
                        log_gamma(g + d) - log_gamma(1 + d) - Lik::loglik(th, x, recency[i], n)) *
               d / (g - 1.0) * diff;
    });
    return out;
  }
};

}  // namespace custinsight
