#pragma once

/// @file gamma_gamma.hpp
/// @brief The Gamma-Gamma model of spend per transaction (Fader & Hardie, "The Gamma-Gamma
/// model of monetary value"; Colombo & Jiang 1999): a customer's transactions are
/// Gamma(p, nu) with nu ~ Gamma(q, v) across customers, and the mean m of x transactions is
/// the observed summary. Parameters (p, q, v), v being the paper's gamma.

#include <Eigen/Core>
#include <array>
#include <cmath>
#include <span>
#include <vector>

#include "custinsight/loyalty/detail/fit.hpp"
#include "custinsight/loyalty/detail/model_base.hpp"
#include "custinsight/math/special.hpp"
#include "custinsight/parallel.hpp"
#include "custinsight/loyalty/patterns.hpp"

namespace custinsight {
namespace detail {

/// Patterns hold (x, m) in (frequency, recency); T is unused.
struct GammaGammaLikelihood {
  static constexpr int kParams = 3;
  static constexpr std::array<const char*, 3> kNames = {"p", "q", "v"};
  static constexpr const char* kModelName = "GammaGammaModel";

  struct Workspace {
    double lg_q, dg_q;
  };
  Workspace prepare(const Eigen::VectorXd& theta, const Patterns&) const {
    return {log_gamma(theta[1]), digamma(theta[1])};
  }

  double pattern_loglik(const Workspace& ws, const Eigen::VectorXd& theta, const Patterns& pt,
                        Eigen::Index i, double* g) const {
    const double p = theta[0], q = theta[1], v = theta[2];
    const double x = pt.frequency[i], m = pt.recency[i];
    const double px = p * x;
    const double lm = std::log(m), lx = std::log(x), lxmv = std::log(x * m + v);
    const double dg_pxq = digamma(px + q), dg_px = digamma(px);
    g[0] = x * (dg_pxq - dg_px + lm + lx - lxmv);
    g[1] = dg_pxq - ws.dg_q + std::log(v) - lxmv;
    g[2] = q / v - (px + q) / (x * m + v);
    return log_gamma(px + q) - log_gamma(px) - ws.lg_q + q * std::log(v) + (px - 1.0) * lm +
           px * lx - (px + q) * lxmv;
  }

  /// Moments: across customers, Var(m | x) = B + C / x with B = mu^2 / (q - 2) (spread of
  /// the customers' true means) and C = mu^2 (q - 1) / (p (q - 2)) (spread of single
  /// transactions), so a weighted regression of squared deviations on 1 / x gives q and p,
  /// and the mean mu = p v / (q - 1) gives v. Starting here matters: the likelihood has a
  /// ridge towards p -> inf, v -> 0 that an optimizer started from small values walks into.
  Eigen::VectorXd initial_params(const Patterns& pt) const {
    const double W = pt.total_weight;
    const double mu = (pt.weight * pt.recency).sum() / W;
    double s_w = 0, s_u = 0, s_y = 0, s_uu = 0, s_uy = 0;
    for (Eigen::Index i = 0; i < pt.size(); ++i) {
      const double w = pt.weight[i], u = 1.0 / pt.frequency[i];
      const double y = (pt.recency[i] - mu) * (pt.recency[i] - mu);
      s_w += w;
      s_u += w * u;
      s_y += w * y;
      s_uu += w * u * u;
      s_uy += w * u * y;
    }
    const double det = s_w * s_uu - s_u * s_u;
    double B = 0, C = 0;
    if (det > 1e-12 * s_w * s_uu) {
      C = (s_w * s_uy - s_u * s_y) / det;
      B = (s_y - C * s_u) / s_w;
    }
    const double total_var = s_y / s_w;
    if (!(B > 0.05 * total_var)) B = 0.5 * total_var;
    if (!(C > 0.05 * total_var)) C = 0.5 * total_var;
    const double q = std::clamp(2.0 + mu * mu / std::max(B, 1e-300), 2.2, 100.0);
    const double p = std::clamp(mu * mu * (q - 1.0) / (std::max(C, 1e-300) * (q - 2.0)), 0.2, 100.0);
    const double v = mu * (q - 1.0) / p;
    Eigen::VectorXd start(3);
    start << p, q, v;
    return start;
  }
  absl::Status check_identifiable(const Patterns& pt) const {
    if (pt.size() < 2)
      return absl::FailedPreconditionError(
          "GammaGammaModel: the data cannot identify the model: every customer has the same "
          "frequency and monetary value");
    return absl::OkStatus();
  }
  Eigen::VectorXd penalty_scale(const Patterns&) const { return Eigen::VectorXd::Ones(3); }
  double penalty_divisor(const Patterns&) const { return 1.0; }
};

inline absl::Status check_spend(std::span<const double> frequency,
                                std::span<const double> monetary_value, bool fitting) {
  CUSTINSIGHT_RETURN_IF_ERROR(check_not_empty("frequency", frequency.size()));
  CUSTINSIGHT_RETURN_IF_ERROR(
      check_same_length("monetary_value", monetary_value.size(), "frequency", frequency.size()));
  CUSTINSIGHT_RETURN_IF_ERROR(check_counts("frequency", frequency));
  CUSTINSIGHT_RETURN_IF_ERROR(check_finite("monetary_value", monetary_value));
  for (std::size_t i = 0; i < frequency.size(); ++i) {
    if (fitting && frequency[i] == 0)
      return invalid_element("frequency", i, frequency[i],
                             "the Gamma-Gamma model is fitted on repeat buyers only "
                             "(frequency > 0); filter the others out first");
    if (fitting ? !(monetary_value[i] > 0) : !(monetary_value[i] >= 0))
      return invalid_element("monetary_value", i, monetary_value[i],
                             fitting ? "must be positive" : "must be non-negative");
  }
  return absl::OkStatus();
}

}  // namespace detail

/// @brief The Gamma-Gamma spend model; parameters (p, q, v).
class GammaGammaModel : public detail::ModelBase<detail::GammaGammaLikelihood> {
 public:
  /// @brief Fit on repeat buyers: x > 0 transactions with mean value m > 0 each.
  absl::Status fit(std::span<const double> frequency, std::span<const double> monetary_value,
                   std::span<const double> weights = {}, const FitOptions& options = {}) {
    CUSTINSIGHT_RETURN_IF_ERROR(detail::check_spend(frequency, monetary_value, true));
    CUSTINSIGHT_RETURN_IF_ERROR(detail::check_weights(weights, frequency.size()));
    std::vector<double> zeros(frequency.size(), 0.0);
    CUSTINSIGHT_ASSIGN_OR_RETURN(Patterns p,
                                 detail::compress_rows(frequency, monetary_value, zeros, weights));
    return fit_patterns(p, options);
  }

  /// @brief E[mean spend | x, m]: a credibility-weighted mix of the customer's own mean and
  /// the population mean p v / (q - 1), weight p x / (p x + q - 1).
  absl::StatusOr<Eigen::ArrayXd> conditional_expected_average_profit(
      std::span<const double> frequency, std::span<const double> monetary_value) const {
    CUSTINSIGHT_RETURN_IF_ERROR(require_fitted());
    CUSTINSIGHT_RETURN_IF_ERROR(detail::check_spend(frequency, monetary_value, false));
    return expected_average_profit(result_->params, frequency, monetary_value);
  }

  /// The same kernel as a free function of (p, q, v).
  static Eigen::ArrayXd expected_average_profit(const Eigen::VectorXd& theta,
                                                std::span<const double> frequency,
                                                std::span<const double> monetary_value) {
    const double p = theta[0], q = theta[1], v = theta[2];
    const double population = v * p / (q - 1.0);
    Eigen::ArrayXd out(static_cast<Eigen::Index>(frequency.size()));
    detail::parallel_for(out.size(), [&](std::ptrdiff_t i) {
      const double w = p * frequency[i] / (p * frequency[i] + q - 1.0);
      out[i] = (1.0 - w) * population + w * monetary_value[i];
    });
    return out;
  }
};

}  // namespace custinsight
