#pragma once

/// @file fit.hpp
/// @brief Maximum likelihood for the loyalty models: one driver for every model, in
/// log-parameter space, on compressed patterns, with lifetimes' L2 penalty convention, standard
/// errors from the Hessian and clear errors instead of NaN.

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <array>
#include <cmath>
#include <concepts>
#include <optional>
#include <string>
#include <vector>

#include "custinsight/math/optimize.hpp"
#include "custinsight/parallel.hpp"
#include "custinsight/loyalty/patterns.hpp"
#include "custinsight/status.hpp"

namespace custinsight {

/// @brief How to fit a loyalty model.
struct FitOptions {
  /// L2 penalty, as lifetimes defines it: the objective is the mean negative log-likelihood
  /// per customer plus `penalizer_coef * sum(params**2)`, with time-scale parameters (alpha,
  /// beta) measured after rescaling time so that the longest T is 1. (Pareto/NBD divides by
  /// the number of rows instead, as lifetimes' ParetoNBDFitter does.)
  double penalizer_coef = 0.0;
  /// Starting parameters in natural units; empty for the model's own moment-based start.
  Eigen::VectorXd initial_params;
  int max_iterations = 2000;
  /// Converged when no component of the gradient of the mean objective with respect to the
  /// log-parameters exceeds this.
  double gradient_tolerance = 1e-7;
};

/// @brief What a fit found.
struct FitResult {
  Eigen::VectorXd params;           ///< natural units, in the model's parameter order
  Eigen::VectorXd standard_errors;  ///< from the inverse Hessian at the optimum
  Eigen::MatrixXd covariance;
  double log_likelihood = 0.0;  ///< total over customers, unpenalised, in the data's time unit
  double aic = 0.0, bic = 0.0;
  double n_customers = 0.0;     ///< sum of weights
  std::int64_t n_rows = 0, n_patterns = 0;
  double penalizer_coef = 0.0;
  int iterations = 0, evaluations = 0;
  double gradient_norm = 0.0;   ///< largest component at the optimum (log-parameters)
  bool converged = false;
  std::string message;
  // Data summary, kept with saved models.
  double mean_frequency = 0.0, mean_recency = 0.0, mean_T = 0.0, max_T = 0.0,
         repeat_share = 0.0;
};

namespace detail {

/// Models whose pattern_loglik can also return the Hessian of each pattern's log-likelihood.
template <class Model>
concept HasAnalyticHessian = requires(const Model& m, const Patterns& p,
                                      const Eigen::VectorXd& theta, double* g) {
  m.pattern_loglik(m.prepare(theta, p, true), theta, p, Eigen::Index{0}, g, g);
};

/// Models that find, once per fit, what the patterns share (Model::FitContext from
/// model.fit_context(patterns)) and take it in prepare(theta, patterns, hessian, &context).
template <class Model>
concept HasFitContext = requires(const Model& m, const Patterns& p) {
  typename Model::FitContext;
  { m.fit_context(p) } -> std::same_as<typename Model::FitContext>;
};
struct NoFitContext {};
template <class Model>
struct FitContextOf {
  using type = NoFitContext;
};
template <HasFitContext Model>
struct FitContextOf<Model> {
  using type = typename Model::FitContext;
};
template <class Model>
typename FitContextOf<Model>::type make_fit_context(const Model& model, const Patterns& p) {
  if constexpr (HasFitContext<Model>) return model.fit_context(p);
  else return {};
}

/// Mean negative log-likelihood, its gradient and (if `hess_log` is not null and the model
/// has an analytic Hessian) its Hessian in log-parameters, summed in fixed-size blocks in a
/// fixed order so that one and two threads agree to the last bit. `context` (from
/// make_fit_context on the same patterns) only saves work; without it the result is the same.
template <class Model>
double mean_objective(const Model& model, const Patterns& p, const Eigen::VectorXd& theta,
                      double penalty, const Eigen::VectorXd& penalty_scale,
                      Eigen::VectorXd& grad_log, Eigen::MatrixXd* hess_log = nullptr,
                      const typename FitContextOf<Model>::type* context = nullptr) {
  constexpr int k = Model::kParams;
  constexpr int kAcc = 1 + k + k * k;
  bool want_hessian = false;
  if constexpr (HasAnalyticHessian<Model>) want_hessian = hess_log != nullptr;
  const auto ws = [&] {
    if constexpr (HasFitContext<Model>) return model.prepare(theta, p, want_hessian, context);
    else if constexpr (HasAnalyticHessian<Model>) return model.prepare(theta, p, want_hessian);
    else {
      (void)context;
      return model.prepare(theta, p);
    }
  }();
  const Eigen::Index n = p.size();
  constexpr std::ptrdiff_t kBlock = 2048;
  const std::ptrdiff_t n_blocks = (n + kBlock - 1) / kBlock;
  std::vector<std::array<double, kAcc>> partial(static_cast<std::size_t>(n_blocks));
  parallel_chunks(n_blocks, 1, [&](std::ptrdiff_t b, std::ptrdiff_t) {
    std::array<double, kAcc> acc{};
    double g[k];
    double h[k * k];
    const Eigen::Index end = std::min<Eigen::Index>(n, (b + 1) * kBlock);
    for (Eigen::Index i = b * kBlock; i < end; ++i) {
      const double w = p.weight[i];
      if constexpr (HasAnalyticHessian<Model>) {
        if (want_hessian) {
          acc[0] += w * model.pattern_loglik(ws, theta, p, i, g, h);
          for (int j = 0; j < k; ++j) acc[1 + j] += w * g[j];
          for (int j = 0; j < k * k; ++j) acc[1 + k + j] += w * h[j];
          continue;
        }
      }
      acc[0] += w * model.pattern_loglik(ws, theta, p, i, g);
      for (int j = 0; j < k; ++j) acc[1 + j] += w * g[j];
    }
    partial[static_cast<std::size_t>(b)] = acc;
  });
  std::array<double, kAcc> total{};
  for (const auto& a : partial)
    for (int j = 0; j < kAcc; ++j) total[j] += a[j];
  const double W = p.total_weight;
  double value = -total[0] / W;
  grad_log.resize(k);
  for (int j = 0; j < k; ++j) {
    const double scaled = theta[j] * penalty_scale[j];
    value += penalty * scaled * scaled;
    // d/dlog(theta) = theta * d/dtheta
    grad_log[j] = theta[j] * (-total[j + 1] / W) + 2.0 * penalty * scaled * scaled;
  }
  if (want_hessian) {
    // d2/dlog(theta_i)dlog(theta_j) = theta_i theta_j d2/dtheta_i dtheta_j
    //                                 + [i == j] theta_i d/dtheta_i
    hess_log->resize(k, k);
    for (int i = 0; i < k; ++i) {
      for (int j = 0; j < k; ++j)
        (*hess_log)(i, j) = theta[i] * theta[j] * (-total[1 + k + i * k + j] / W);
      const double scaled = theta[i] * penalty_scale[i];
      (*hess_log)(i, i) += theta[i] * (-total[1 + i] / W) + 4.0 * penalty * scaled * scaled;
    }
  }
  return value;
}

/// A converged fit can still sit on a ridge that runs off to a boundary: with a, b -> infinity
/// at a fixed a / (a + b), BG/NBD's dropout becomes a constant probability and the likelihood
/// approaches a limit, so the optimiser stops at some huge a and b where the gradient is tiny.
/// Such a point is not an estimate. It is caught by moving tenfold (in every parameter alone,
/// and along the Hessian's weakest direction) and asking whether the total log-likelihood
/// changes by at least kFlatLoglik in both directions.
inline constexpr double kFlatLoglik = 0.01;

template <class Model, class Objective>
absl::Status check_not_flat(Objective& objective, const OptimizeResult& opt,
                            const Eigen::VectorXd& params, double total_weight) {
  constexpr int k = Model::kParams;
  const double step = std::log(10.0);
  Eigen::VectorXd grad(k);
  std::vector<Eigen::VectorXd> directions;
  for (int j = 0; j < k; ++j) directions.push_back(Eigen::VectorXd::Unit(k, j));
  if (opt.hessian.rows() == k) {
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(opt.hessian);
    if (eig.info() == Eigen::Success) directions.push_back(eig.eigenvectors().col(0));
  }
  for (const Eigen::VectorXd& d : directions) {
    for (const double sign : {1.0, -1.0}) {
      const Eigen::VectorXd moved = opt.x + sign * step * d;
      const double change = (objective(moved, grad) - opt.value) * total_weight;
      if (std::isfinite(change) && change >= kFlatLoglik) continue;
      std::string names;
      for (int j = 0; j < k; ++j) {
        if (std::abs(d[j]) < 0.3) continue;
        absl::StrAppendFormat(&names, "%s%s = %.3g", names.empty() ? "" : ", ",
                              Model::kNames[j], params[j]);
      }
      return absl::FailedPreconditionError(absl::StrFormat(
          "%s: the data cannot identify the model: the likelihood is flat at %s (a tenfold "
          "change %s it moves the log-likelihood by less than %g); try a penalizer_coef > 0",
          Model::kModelName, names, sign > 0 ? "up" : "down", kFlatLoglik));
    }
  }
  return absl::OkStatus();
}

/// Fit `model` on patterns. The model provides kParams, names(), prepare(theta, patterns),
/// pattern_loglik(workspace, theta, patterns, i, grad), initial_params(patterns),
/// check_identifiable(patterns), penalty_scale(patterns) and penalty_divisor(patterns); with
/// an analytic Hessian, prepare(theta, patterns, hessian) and pattern_loglik(..., grad, hess);
/// optionally a FitContext built once per fit (see HasFitContext).
template <class Model>
absl::StatusOr<FitResult> fit_patterns(const Model& model, const Patterns& p,
                                       const FitOptions& options) {
  constexpr int k = Model::kParams;
  if (!(std::isfinite(options.penalizer_coef) && options.penalizer_coef >= 0.0))
    return absl::InvalidArgumentError(absl::StrFormat(
        "penalizer_coef = %.17g: must be finite and non-negative", options.penalizer_coef));
  CUSTINSIGHT_RETURN_IF_ERROR(model.check_identifiable(p));
  Eigen::VectorXd start;
  if (options.initial_params.size() > 0) {
    if (options.initial_params.size() != k)
      return absl::InvalidArgumentError(absl::StrFormat(
          "initial_params has %d values; the model has %d parameters",
          options.initial_params.size(), k));
    for (int j = 0; j < k; ++j)
      CUSTINSIGHT_RETURN_IF_ERROR(check_positive_scalar(
          absl::StrFormat("initial_params[%d] (%s)", j, Model::kNames[j]),
          options.initial_params[j]));
    start = options.initial_params;
  } else {
    start = model.initial_params(p);
  }
  const Eigen::VectorXd scale = model.penalty_scale(p);
  const double penalty = options.penalizer_coef / model.penalty_divisor(p);
  const auto context = make_fit_context(model, p);
  auto objective = [&](const Eigen::VectorXd& phi, Eigen::VectorXd& grad,
                       Eigen::MatrixXd* hess = nullptr) {
    const Eigen::VectorXd theta = phi.array().exp().matrix();
    return mean_objective(model, p, theta, penalty, scale, grad, hess, &context);
  };
  OptimizeSettings settings;
  settings.max_iterations = options.max_iterations;
  settings.gradient_tolerance = options.gradient_tolerance;
  settings.analytic_hessian = HasAnalyticHessian<Model>;
  OptimizeResult opt = minimize(objective, start.array().log().matrix(), settings);

  FitResult out;
  out.params = opt.x.array().exp().matrix();
  out.iterations = opt.iterations;
  out.evaluations = opt.evaluations;
  out.gradient_norm = opt.gradient.size() ? opt.gradient.lpNorm<Eigen::Infinity>() : NAN;
  out.converged = opt.converged;
  out.message = opt.message;
  if (!out.params.allFinite() || !std::isfinite(opt.value)) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s: the fit failed (%s); try other initial_params or a penalizer_coef > 0",
        Model::kModelName, opt.message));
  }
  for (int j = 0; j < k; ++j) {
    if (out.params[j] < 1e-10 || out.params[j] > 1e10)
      return absl::FailedPreconditionError(absl::StrFormat(
          "%s: the data cannot identify the model: %s runs off to %.3g; try a penalizer_coef > 0",
          Model::kModelName, Model::kNames[j], out.params[j]));
  }
  if (!opt.converged) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s: the fit did not converge (%s; largest gradient component %.3g after %d iterations); "
        "try other initial_params or a penalizer_coef > 0",
        Model::kModelName, opt.message, out.gradient_norm, opt.iterations));
  }
  // With a penalty the estimate is shrunk on purpose (where the likelihood alone is flat, the
  // penalty decides), so only unpenalised fits are checked; and only those with a parameter
  // outside [1e-3, 1e3], where a run-off ends (the check costs 2k + 2 more evaluations).
  const bool extreme = (out.params.array() < 1e-3).any() || (out.params.array() > 1e3).any();
  if (options.penalizer_coef == 0.0 && extreme)
    CUSTINSIGHT_RETURN_IF_ERROR(check_not_flat<Model>(objective, opt, out.params, p.total_weight));
  // Covariance of the log-parameters is inv(H) / W for the mean objective; the delta method
  // turns it into the covariance of the parameters.
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(opt.hessian);
  const double top = eig.eigenvalues().cwiseAbs().maxCoeff();
  if (eig.info() != Eigen::Success || !(eig.eigenvalues().minCoeff() > 1e-12 * top)) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s: the data cannot identify the model: the Hessian of the log-likelihood at the "
        "optimum is singular; try a penalizer_coef > 0",
        Model::kModelName));
  }
  const Eigen::MatrixXd cov_log = eig.eigenvectors() *
                                  eig.eigenvalues().cwiseInverse().asDiagonal() *
                                  eig.eigenvectors().transpose() / p.total_weight;
  out.covariance = out.params.asDiagonal() * cov_log * out.params.asDiagonal();
  out.standard_errors = out.covariance.diagonal().cwiseSqrt();

  if (penalty == 0.0) {
    out.log_likelihood = -opt.value * p.total_weight;
  } else {
    Eigen::VectorXd unused;
    out.log_likelihood =
        -mean_objective(model, p, out.params, 0.0, scale, unused) * p.total_weight;
  }
  out.n_customers = p.total_weight;
  out.n_rows = p.n_rows;
  out.n_patterns = p.size();
  out.penalizer_coef = options.penalizer_coef;
  out.aic = 2.0 * k - 2.0 * out.log_likelihood;
  out.bic = k * std::log(p.total_weight) - 2.0 * out.log_likelihood;
  const double W = p.total_weight;
  out.mean_frequency = (p.weight * p.frequency).sum() / W;
  out.mean_recency = (p.weight * p.recency).sum() / W;
  out.mean_T = (p.weight * p.T).sum() / W;
  out.max_T = p.T.maxCoeff();
  out.repeat_share = (p.frequency > 0).select(p.weight, 0.0).sum() / W;
  return out;
}

/// Time-scale parameters are penalised after rescaling time so that max T is 1 (lifetimes).
inline Eigen::VectorXd time_penalty_scale(const Patterns& p, std::initializer_list<int> scaled,
                                          int k) {
  Eigen::VectorXd s = Eigen::VectorXd::Ones(k);
  const double max_T = p.T.maxCoeff();
  if (max_T > 0)
    for (int j : scaled) s[j] = 1.0 / max_T;
  return s;
}

/// A rough start for (r, alpha) of a Gamma-mixed Poisson from the per-customer rates x / T:
/// the mean rate is r / alpha and the excess of the variance over the Poisson part is
/// r / alpha^2.
inline std::pair<double, double> gamma_poisson_moments(const Patterns& p) {
  double W = 0, m1 = 0, m2 = 0, inv_T = 0;
  for (Eigen::Index i = 0; i < p.size(); ++i) {
    if (!(p.T[i] > 0)) continue;
    const double rate = p.frequency[i] / p.T[i];
    W += p.weight[i];
    m1 += p.weight[i] * rate;
    m2 += p.weight[i] * rate * rate;
    inv_T += p.weight[i] / p.T[i];
  }
  if (!(W > 0) || !(m1 > 0)) return {1.0, 1.0};
  m1 /= W;
  m2 /= W;
  inv_T /= W;
  const double excess = m2 - m1 * m1 - m1 * inv_T;
  double r = excess > 0 ? m1 * m1 / excess : 1.0;
  r = std::clamp(r, 0.05, 20.0);
  return {r, r / m1};
}

inline absl::Status require_repeat_buyers(const Patterns& p, const char* model) {
  if (!(p.frequency > 0).any())
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s: the data cannot identify the model: no customer has a repeat purchase "
        "(every frequency is 0)",
        model));
  if (!(p.T > 0).any())
    return absl::FailedPreconditionError(
        absl::StrFormat("%s: the data cannot identify the model: every T is 0", model));
  return absl::OkStatus();
}

}  // namespace detail
}  // namespace custinsight
