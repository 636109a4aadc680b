#pragma once

/// @file cox.hpp
/// @brief Cox proportional hazards for contractual churn (tenure and a cancellation event),
/// fitted by Newton's method on the partial likelihood with Breslow's (default) or Efron's
/// handling of tied event times, an optional L2 penalty, standard errors, relative risks and the
/// same per-customer driver breakdown as the logistic model.
///
/// Objective on the model's scale z = (x - mean) / scale:
///
///     F(w) = -log PL(w) + n * penalizer / 2 * ||w||^2,
///
/// with n the number of rows; this is lifelines' CoxPHFitter penalty (l1_ratio = 0), except
/// that lifelines standardises with the ddof = 1 standard deviation, so lifelines' penalizer c
/// equals this penalizer c * n / (n - 1). Breslow's tied-event term for d deaths at one time is
/// (sum of their weights) * log S0; Efron's is (mean death weight) * sum_l log(S0 - l/d D0).
///
/// The Hessian is split as Z^T diag(a) Z - sum_k m_k m_k^T, where a_i accumulates each
/// customer's share of every risk set he belongs to; the first term is a blocked parallel
/// product, the second needs only one p-vector per event time.

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "custinsight/churn/design.hpp"
#include "custinsight/churn/gram.hpp"
#include "custinsight/parallel.hpp"
#include "custinsight/status.hpp"

namespace custinsight {

enum class CoxTies { kBreslow = 0, kEfron = 1 };

/// @brief Settings of CoxModel fits.
struct CoxOptions {
  /// L2 penalty per row on the z-scale coefficients (lifelines' convention); 0: none.
  double penalizer = 0.0;
  CoxTies ties = CoxTies::kBreslow;
  bool standardize = true;
  bool impute_missing = false;
  int max_iter = 100;
  /// Convergence: the last Newton step moved no coefficient by more than
  /// tol * max(1, max |coefficient|) (on the z scale).
  double tol = 1e-10;
};

/// @brief A fitted Cox proportional hazards model.
struct CoxModel {
  FeatureScaling scaling;
  CoxOptions options;
  Eigen::VectorXd coef_z;        ///< log hazard ratio per unit of z (0 for constant features)
  Eigen::MatrixXd covariance_z;  ///< inverse penalised Hessian, p x p
  double log_likelihood = 0.0;   ///< log partial likelihood at the solution (no penalty)
  int n_iter = 0;
  std::int64_t n_events = 0;

  [[nodiscard]] Eigen::Index n_features() const { return coef_z.size(); }
  /// Log hazard ratio per unit of each raw feature.
  [[nodiscard]] Eigen::VectorXd coef() const { return coef_z.cwiseQuotient(scaling.scale); }
  [[nodiscard]] Eigen::MatrixXd covariance() const {
    const Eigen::VectorXd inv = scaling.scale.cwiseInverse();
    return inv.asDiagonal() * covariance_z * inv.asDiagonal();
  }
};

namespace detail {

struct CoxData {
  RowMatrixXd Z;                       // standardised features, in the caller's row order
  std::vector<std::int64_t> order;     // rows by time descending (stable)
  std::vector<std::int64_t> group_end; // in `order`: groups of equal time end here
  std::span<const double> time, event, weight;
};

struct CoxEval {
  double loglik = 0.0;
  Eigen::VectorXd grad;  // of -loglik
  Eigen::MatrixXd hess;  // of -loglik
};

/// Walk the risk sets from the latest time back; returns the log partial likelihood and, when
/// asked, its gradient and Hessian. `eta` is z . w for every row.
inline CoxEval cox_evaluate(const CoxData& data, const Eigen::VectorXd& eta, CoxTies ties,
                            bool derivatives) {
  const Eigen::Index n = data.Z.rows(), p = data.Z.cols();
  const double shift = eta.maxCoeff();  // exp never overflows; log S0 gets it back
  Eigen::VectorXd r(n);
  for (Eigen::Index i = 0; i < n; ++i)
    r[i] = weight_at(data.weight, i) * std::exp(eta[i] - shift);
  CoxEval out;
  double S0 = 0.0;
  Eigen::VectorXd S1, D1, m;
  Eigen::MatrixXd M;
  if (derivatives) {
    S1.setZero(p);
    D1.resize(p);
    out.grad.setZero(p);
    M.setZero(p, p);
  }
  const std::size_t n_groups = data.group_end.size();
  std::vector<double> h(n_groups, 0.0), h_death(n_groups, 0.0);
  std::size_t start = 0;
  for (std::size_t k = 0; k < n_groups; ++k) {
    const std::size_t end = static_cast<std::size_t>(data.group_end[k]);
    double D0 = 0.0, sw = 0.0;
    int d = 0;
    if (derivatives) D1.setZero();
    for (std::size_t q = start; q < end; ++q) {
      const auto i = static_cast<Eigen::Index>(data.order[q]);
      S0 += r[i];
      if (derivatives) S1.noalias() += r[i] * data.Z.row(i).transpose();
      if (data.event[static_cast<std::size_t>(i)] != 0.0) {
        const double wi = weight_at(data.weight, i);
        ++d;
        D0 += r[i];
        sw += wi;
        out.loglik += wi * eta[i];
        if (derivatives) {
          D1.noalias() += r[i] * data.Z.row(i).transpose();
          out.grad.noalias() -= wi * data.Z.row(i).transpose();
        }
      }
    }
    start = end;
    if (d == 0) continue;
    const int terms = ties == CoxTies::kEfron ? d : 1;
    const double term_weight = ties == CoxTies::kEfron ? sw / d : sw;
    for (int l = 0; l < terms; ++l) {
      const double phi = ties == CoxTies::kEfron ? static_cast<double>(l) / d : 0.0;
      const double s0 = S0 - phi * D0;
      out.loglik -= term_weight * (std::log(s0) + shift);
      if (derivatives) {
        m = (S1 - phi * D1) / s0;
        out.grad.noalias() += term_weight * m;
        M.selfadjointView<Eigen::Lower>().rankUpdate(m, term_weight);
        h[k] += term_weight / s0;
        h_death[k] += term_weight * (1.0 - phi) / s0;
      }
    }
  }
  if (!derivatives) return out;
  // a_i = r_i * (sum of h over the event times at or before t_i), with Efron's reduced share
  // for the deaths at t_i itself.
  Eigen::VectorXd a(n);
  double A = 0.0;
  std::size_t end = static_cast<std::size_t>(n);
  for (std::size_t k = n_groups; k-- > 0;) {
    const std::size_t begin = k == 0 ? 0 : static_cast<std::size_t>(data.group_end[k - 1]);
    A += h[k];
    for (std::size_t q = begin; q < end; ++q) {
      const auto i = static_cast<Eigen::Index>(data.order[q]);
      const bool death = data.event[static_cast<std::size_t>(i)] != 0.0;
      a[i] = r[i] * (death ? A - h[k] + h_death[k] : A);
    }
    end = begin;
  }
  const std::ptrdiff_t n_blocks = (n + kRowBlock - 1) / kRowBlock;
  std::vector<Eigen::MatrixXd> parts(static_cast<std::size_t>(n_blocks));
  parallel_chunks(n, kRowBlock, [&](std::ptrdiff_t b0, std::ptrdiff_t b1) {
    Eigen::MatrixXd H = Eigen::MatrixXd::Zero(p, p);
    RowMatrixXd T;
    for (std::ptrdiff_t t0 = b0; t0 < b1; t0 += kRowTile) {
      const std::ptrdiff_t t1 = std::min(b1, t0 + kRowTile);
      T = data.Z.middleRows(t0, t1 - t0);
      for (std::ptrdiff_t i = t0; i < t1; ++i) T.row(i - t0) *= std::sqrt(a[i]);
      gram_update(H, T);
    }
    parts[static_cast<std::size_t>(b0 / kRowBlock)] = std::move(H);
  });
  Eigen::MatrixXd H = sum_blocks(parts, p, p) - M;
  out.hess = H.selfadjointView<Eigen::Lower>();
  return out;
}

inline absl::Status validate_cox(const FeatureMatrixRef& X, std::span<const double> time,
                                 std::span<const double> event, std::span<const double> w,
                                 const std::vector<std::string>& names, const CoxOptions& o) {
  if (X.rows() == 0) return absl::InvalidArgumentError("X has no rows");
  if (!names.empty() && static_cast<Eigen::Index>(names.size()) != X.cols()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "feature_names has %d names but X has %d columns", names.size(), X.cols()));
  }
  const auto n = static_cast<std::size_t>(X.rows());
  CUSTINSIGHT_RETURN_IF_ERROR(check_same_length("duration", time.size(), "X rows", n));
  CUSTINSIGHT_RETURN_IF_ERROR(check_same_length("event", event.size(), "X rows", n));
  CUSTINSIGHT_RETURN_IF_ERROR(check_finite("duration", time));
  CUSTINSIGHT_RETURN_IF_ERROR(check_non_negative("duration", time));
  for (std::size_t i = 0; i < n; ++i)
    if (event[i] != 0.0 && event[i] != 1.0)
      return invalid_element("event", i, event[i], "must be 0 (censored) or 1 (churned)");
  CUSTINSIGHT_RETURN_IF_ERROR(check_sample_weight(w, X.rows()));
  if (!(o.penalizer >= 0.0) || !std::isfinite(o.penalizer))
    return absl::InvalidArgumentError(
        absl::StrFormat("penalizer = %g: must be finite and non-negative", o.penalizer));
  CUSTINSIGHT_RETURN_IF_ERROR(check_positive_scalar("tol", o.tol));
  if (o.max_iter < 1) return absl::InvalidArgumentError("max_iter must be at least 1");
  return absl::OkStatus();
}

}  // namespace detail

/// @brief Fit a Cox proportional hazards model by Newton's method.
/// @param X n x p features (row-major)
/// @param duration n non-negative tenures (time to churn or to censoring)
/// @param event n indicators: 1 churned at `duration`, 0 still active (censored)
/// @param sample_weight n non-negative weights, or empty for ones
/// @param feature_names p names for messages and drivers (may be empty)
/// @return the fitted model or InvalidArgument (bad input, no events, collinear features or a
///         monotone likelihood without a penalty)
inline absl::StatusOr<CoxModel> fit_cox(const FeatureMatrixRef& X, std::span<const double> duration,
                                        std::span<const double> event,
                                        std::span<const double> sample_weight,
                                        std::vector<std::string> feature_names,
                                        const CoxOptions& options = {}) {
  CUSTINSIGHT_RETURN_IF_ERROR(
      detail::validate_cox(X, duration, event, sample_weight, feature_names, options));
  const Eigen::Index n = X.rows(), p = X.cols();
  CoxModel model;
  model.options = options;
  double event_weight = 0.0;
  for (Eigen::Index i = 0; i < n; ++i) {
    if (event[static_cast<std::size_t>(i)] != 0.0) {
      ++model.n_events;
      event_weight += detail::weight_at(sample_weight, i);
    }
  }
  if (!(event_weight > 0.0)) {
    return absl::InvalidArgumentError(
        "event has no (positively weighted) churn event: the Cox model needs at least one");
  }
  CUSTINSIGHT_ASSIGN_OR_RETURN(model.scaling, detail::compute_scaling(X, sample_weight, std::move(feature_names),
                                          options.standardize, options.impute_missing));
  detail::CoxData data;
  data.time = duration;
  data.event = event;
  data.weight = sample_weight;
  data.Z.resize(n, p);
  {
    const detail::AffineScaling affine(model.scaling);
    detail::parallel_chunks(n, detail::kRowBlock, [&](std::ptrdiff_t b0, std::ptrdiff_t b1) {
      RowMatrixXd T;
      detail::standardized_tile(X, affine, b0, b1, T);
      data.Z.middleRows(b0, b1 - b0) = T.rightCols(p);
    });
  }
  data.order.resize(static_cast<std::size_t>(n));
  std::iota(data.order.begin(), data.order.end(), std::int64_t{0});
  std::stable_sort(data.order.begin(), data.order.end(), [&](std::int64_t a, std::int64_t b) {
    return duration[static_cast<std::size_t>(a)] > duration[static_cast<std::size_t>(b)];
  });
  for (std::size_t q = 1; q <= data.order.size(); ++q) {
    if (q == data.order.size() || duration[static_cast<std::size_t>(data.order[q])] !=
                                      duration[static_cast<std::size_t>(data.order[q - 1])])
      data.group_end.push_back(static_cast<std::int64_t>(q));
  }
  const double lambda = static_cast<double>(n) * options.penalizer;
  const bool penalised = lambda > 0.0;
  std::vector<Eigen::Index> pinned;
  for (Eigen::Index j = 0; j < p; ++j)
    if (model.scaling.constant[static_cast<std::size_t>(j)]) pinned.push_back(j);

  Eigen::VectorXd beta = Eigen::VectorXd::Zero(p);
  Eigen::VectorXd eta = Eigen::VectorXd::Zero(n);
  auto objective = [&](double loglik, const Eigen::VectorXd& b) {
    return -loglik + 0.5 * lambda * b.squaredNorm();
  };
  Eigen::LDLT<Eigen::MatrixXd> ldlt;
  bool converged = false;
  int it = 0;
  double f_cur = 0.0;
  for (; it < options.max_iter; ++it) {
    detail::CoxEval ev = detail::cox_evaluate(data, eta, options.ties, true);
    f_cur = objective(ev.loglik, beta);
    Eigen::MatrixXd H = ev.hess;
    H.diagonal().array() += lambda;
    Eigen::VectorXd g = ev.grad + lambda * beta;
    for (Eigen::Index k : pinned) {
      H.row(k).setZero();
      H.col(k).setZero();
      H(k, k) = 1.0;
      g[k] = 0.0;
    }
    ldlt.compute(H);
    const double rcond = ldlt.info() == Eigen::Success ? ldlt.rcond() : 0.0;
    if (!penalised && (!ldlt.isPositive() || rcond < 1e-13)) {
      return absl::InvalidArgumentError(
          it == 0 ? "the features are perfectly collinear (the Hessian is singular): drop a "
                    "redundant feature or use a positive penalizer"
                  : "no finite maximum partial-likelihood estimate (monotone likelihood: a "
                    "feature orders the churn events perfectly); use a positive penalizer");
    }
    Eigen::VectorXd d = -ldlt.solve(g);
    const double size = d.cwiseAbs().maxCoeff() / std::max(1.0, beta.cwiseAbs().maxCoeff());
    if (size <= options.tol) {
      beta += d;
      model.covariance_z = ldlt.solve(Eigen::MatrixXd::Identity(p, p));
      model.log_likelihood = ev.loglik;
      converged = true;
      ++it;
      break;
    }
    const Eigen::VectorXd u = data.Z * d;
    const double slope = g.dot(d);
    double t = 1.0, f_new = 0.0;
    for (int halvings = 0; halvings < 60; ++halvings, t *= 0.5) {
      const Eigen::VectorXd eta_t = eta + t * u;
      f_new = objective(detail::cox_evaluate(data, eta_t, options.ties, false).loglik, beta + t * d);
      // Near the optimum the decrease falls below rounding: then the full step is taken.
      if (f_new <= f_cur + 1e-4 * t * slope || (t == 1.0 && std::abs(f_new - f_cur) <= 1e-13 * std::abs(f_cur)))
        break;
    }
    if (!(f_new <= f_cur) && !(t == 1.0)) {
      // No step length decreases F: rounding dominates at the optimum.
      model.covariance_z = ldlt.solve(Eigen::MatrixXd::Identity(p, p));
      model.log_likelihood = ev.loglik;
      converged = true;
      ++it;
      break;
    }
    beta += t * d;
    eta += t * u;
    if (!penalised && beta.cwiseAbs().maxCoeff() > 1e4) break;
  }
  if (!converged) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "the Cox fit did not converge in max_iter = %d Newton iterations%s", options.max_iter,
        penalised ? ""
                  : "; without a penalty this usually means a monotone likelihood (a feature "
                    "orders the churn events perfectly): use a positive penalizer"));
  }
  model.n_iter = it;
  model.coef_z = beta;
  for (Eigen::Index k : pinned) {
    model.coef_z[k] = 0.0;
    model.covariance_z.row(k).setConstant(std::numeric_limits<double>::quiet_NaN());
    model.covariance_z.col(k).setConstant(std::numeric_limits<double>::quiet_NaN());
  }
  return model;
}

/// @brief Log relative risk against the average customer (z = 0) and its top_k drivers.
inline absl::StatusOr<DriverBreakdown> cox_drivers(const CoxModel& model, const FeatureMatrixRef& X,
                                                   int top_k) {
  return detail::score_rows(X, model.scaling, model.coef_z, 0.0, top_k);
}

}  // namespace custinsight
