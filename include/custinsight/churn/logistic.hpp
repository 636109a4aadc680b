#pragma once

/// @file logistic.hpp
/// @brief L2-regularised logistic regression for churn, fitted by Newton's method (IRLS) with an
/// Eigen LDLT solve, standardisation inside the model, class and sample weights, coefficient
/// standard errors and per-customer drivers.
///
/// Objective, on the model's scale z = (x - mean) / scale (see FeatureScaling):
///
///     F(b0, w) = sum_i s_i [log(1 + exp(eta_i)) - y_i eta_i] + ||w||^2 / (2 C),
///     eta_i = b0 + z_i . w,
///
/// with s_i = sample weight x class weight and the intercept b0 not penalised. Multiplying by C
/// gives scikit-learn's `LogisticRegression(C=C)` objective 0.5 ||w||^2 + C sum_i s_i loss_i, so
/// with `standardize = true` the coefficients equal those of scikit-learn fitted on
/// `StandardScaler().fit_transform(X)` (ddof = 0), and with `standardize = false` those fitted
/// on X itself. C = infinity fits the plain maximum-likelihood model.
///
/// Large problems: the first iterations use the Hessian of a systematic subsample of rows (every
/// m-th row, scaled up) with the full gradient and a line search on the full objective, which
/// converges linearly at a rate of a few percent; the last iterations use the full Hessian, so
/// the final steps are exact Newton steps and the covariance is the full inverse Hessian.

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <cmath>
#include <cstdint>
#include <limits>
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

/// @brief Settings of LogisticModel fits.
struct LogisticOptions {
  /// Inverse penalty strength, as scikit-learn's C; +infinity: no penalty.
  double C = 1.0;
  /// Fit on standardised features (the penalty then treats every feature alike).
  bool standardize = true;
  /// Multipliers of the sample weight of label-0 and label-1 rows (scikit-learn's class_weight).
  double class_weight_negative = 1.0;
  double class_weight_positive = 1.0;
  /// Replace NaN features by the training mean (z = 0) instead of failing.
  bool impute_missing = false;
  int max_iter = 100;
  /// Convergence: a full Newton step moved no coefficient (on the z scale) by more than
  /// tol * max(1, max |coefficient|), or sqrt(tol) times that on problems large enough for the
  /// subsampled Hessian (quadratic convergence then leaves an error of order tol).
  double tol = 1e-10;
  /// Rows above which the early iterations use a subsampled Hessian (0: never).
  std::int64_t subsample_threshold = 200'000;
};

/// @brief A fitted churn logistic regression.
struct LogisticModel {
  FeatureScaling scaling;
  LogisticOptions options;
  Eigen::VectorXd coef_z;       ///< coefficients on the z scale (0 for constant features)
  double intercept_z = 0.0;     ///< log-odds of the average customer (z = 0)
  Eigen::MatrixXd covariance_z; ///< inverse penalised Hessian, (p + 1)^2, index 0: intercept
  int n_iter = 0;
  double objective = 0.0;       ///< F at the solution
  double weight_total = 0.0;    ///< sum of s_i

  [[nodiscard]] Eigen::Index n_features() const { return coef_z.size(); }
  /// Coefficients per unit of each raw feature.
  [[nodiscard]] Eigen::VectorXd coef() const { return coef_z.cwiseQuotient(scaling.scale); }
  /// Log-odds at x = 0.
  [[nodiscard]] double intercept() const { return intercept_z - coef().dot(scaling.mean); }
  /// Covariance of (intercept, coef) on the raw feature scale.
  [[nodiscard]] Eigen::MatrixXd covariance() const {
    const Eigen::Index p = n_features();
    // (b, beta) = A (b0, w): beta_j = w_j / scale_j, b = b0 - sum_j w_j mean_j / scale_j.
    Eigen::MatrixXd A = Eigen::MatrixXd::Zero(p + 1, p + 1);
    A(0, 0) = 1.0;
    for (Eigen::Index j = 0; j < p; ++j) {
      A(0, j + 1) = -scaling.mean[j] / scaling.scale[j];
      A(j + 1, j + 1) = 1.0 / scaling.scale[j];
    }
    return A * covariance_z * A.transpose();
  }
};

namespace detail {

inline double softplus(double x) { return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); }
inline double sigmoid(double x) {
  if (x >= 0) return 1.0 / (1.0 + std::exp(-x));
  const double e = std::exp(x);
  return e / (1.0 + e);
}

struct LogisticPass {
  double loss = 0.0;
  Eigen::VectorXd grad;      // of the unpenalised loss, (p + 1)
  Eigen::MatrixXd hess;      // lower triangle of the (possibly subsampled) Hessian, or empty
  double hess_weight = 0.0;  // sum of s_i over the rows that entered the Hessian
};

enum class HessianMode { kNone, kSubsample, kFull };

/// One sweep over the data: eta += Z d (when `step` is given), then the loss, its gradient and
/// the requested Hessian at the new eta. X is read once, tile by tile. The products with Z are
/// taken on the raw rows and mapped through z = x * factor + shift afterwards, so only the rows
/// entering the Hessian are standardised into a buffer (centring matters there, for
/// conditioning); with missing values to impute every tile is standardised.
inline LogisticPass logistic_sweep(const FeatureMatrixRef& X, const FeatureScaling& s,
                                   std::span<const double> y, std::span<const double> sw,
                                   const Eigen::VectorXd* step, Eigen::VectorXd& eta,
                                   HessianMode mode, std::ptrdiff_t stride) {
  const Eigen::Index n = X.rows(), p = X.cols(), q = p + 1;
  const std::ptrdiff_t n_blocks = (n + kRowBlock - 1) / kRowBlock;
  std::vector<double> loss_part(static_cast<std::size_t>(n_blocks), 0.0);
  std::vector<double> hw_part(static_cast<std::size_t>(n_blocks), 0.0);
  std::vector<Eigen::MatrixXd> grad_part(static_cast<std::size_t>(n_blocks));
  std::vector<Eigen::MatrixXd> hess_part(static_cast<std::size_t>(n_blocks));
  const AffineScaling affine(s);
  const bool raw_products = !s.impute_missing;
  // The step on the raw scale: Z d = X (d_1.. * factor) + (d_0 + shift . d_1..).
  Eigen::VectorXd step_x;
  double step_0 = 0.0;
  if (step != nullptr) {
    step_x = step->tail(p).cwiseProduct(affine.factor);
    step_0 = (*step)[0] + affine.shift.dot(step->tail(p));
  }
  parallel_chunks(n, kRowBlock, [&](std::ptrdiff_t begin, std::ptrdiff_t end) {
    const auto b = static_cast<std::size_t>(begin / kRowBlock);
    ColumnTile Z;
    RowMatrixXd S;
    Eigen::VectorXd g = Eigen::VectorXd::Zero(q);
    Eigen::VectorXd r, h;
    Eigen::ArrayXd ex, lg;
    Eigen::MatrixXd H;
    if (mode != HessianMode::kNone) H.setZero(q, q);
    double loss = 0.0, hw = 0.0;
    for (std::ptrdiff_t t0 = begin; t0 < end; t0 += kRowTile) {
      const std::ptrdiff_t t1 = std::min(end, t0 + kRowTile), len = t1 - t0;
      const auto Xt = X.middleRows(t0, len);
      const bool need_z = !raw_products || mode == HessianMode::kFull;
      if (need_z) standardized_column_tile(X, affine, t0, t1, Z);
      if (step != nullptr) {
        if (need_z) {
          eta.segment(t0, len).noalias() += Z.matrix() * (*step);
        } else {
          eta.segment(t0, len).noalias() += Xt * step_x;
          eta.segment(t0, len).array() += step_0;
        }
      }
      r.resize(len);
      h.resize(len);
      // One exponential serves the loss and the probability, and log(1 + x) with x in (0, 1]
      // is exact enough in absolute terms, which is all a sum of losses needs. Eigen's packet
      // exp and log take a tile at the build's vector width (as fast as libm at SSE2, about
      // three times faster with AVX2); each element's value does not depend on its neighbours.
      ex = -eta.segment(t0, len).array().abs();
      ex = ex.exp();
      lg = (1.0 + ex).log();
      for (std::ptrdiff_t i = t0; i < t1; ++i) {
        const double e = eta[i], wi = sw[static_cast<std::size_t>(i)];
        const double x = ex[i - t0];
        const double pi = e >= 0 ? 1.0 / (1.0 + x) : x / (1.0 + x);
        loss += wi * (std::max(e, 0.0) + lg[i - t0] - y[static_cast<std::size_t>(i)] * e);
        r[i - t0] = wi * (pi - y[static_cast<std::size_t>(i)]);
        h[i - t0] = wi * pi * (1.0 - pi);
      }
      if (need_z) {
        g.noalias() += Z.matrix().transpose() * r;
      } else {
        g[0] += r.sum();
        g.tail(p).noalias() += Xt.transpose() * r;
      }
      if (mode == HessianMode::kFull) {
        h = h.cwiseSqrt();
        for (std::ptrdiff_t j = 0; j < q; ++j)
          Eigen::Map<Eigen::VectorXd>(Z.column(j), len).array() *= h.array();
        for (std::ptrdiff_t i = t0; i < t1; ++i) hw += sw[static_cast<std::size_t>(i)];
        gram_update(H, Z);
      } else if (mode == HessianMode::kSubsample) {
        // Rows whose global index is a multiple of the stride: independent of tiling.
        std::ptrdiff_t first = ((t0 + stride - 1) / stride) * stride;
        const std::ptrdiff_t count = first < t1 ? (t1 - 1 - first) / stride + 1 : 0;
        if (count > 0) {
          S.resize(count, q);
          for (std::ptrdiff_t k = 0; k < count; ++k, first += stride) {
            const double root = std::sqrt(h[first - t0]);
            S(k, 0) = root;
            const double* xr = X.data() + first * X.outerStride();
            for (Eigen::Index j = 0; j < p; ++j) {
              double z = xr[j] * affine.factor[j] + affine.shift[j];
              if (std::isnan(z)) z = 0.0;
              S(k, j + 1) = root * z;
            }
            hw += sw[static_cast<std::size_t>(first)];
          }
          gram_update(H, S);
        }
      }
    }
    if (raw_products && mode != HessianMode::kFull) {
      // sum_i r_i z_ij = factor_j sum_i r_i x_ij + shift_j sum_i r_i
      g.tail(p) = g.tail(p).cwiseProduct(affine.factor) + affine.shift * g[0];
    }
    loss_part[b] = loss;
    hw_part[b] = hw;
    grad_part[b] = std::move(g);
    hess_part[b] = std::move(H);
  });
  LogisticPass out;
  for (double v : loss_part) out.loss += v;
  for (double v : hw_part) out.hess_weight += v;
  out.grad = sum_blocks(grad_part, q, 1);
  if (mode != HessianMode::kNone) out.hess = sum_blocks(hess_part, q, q);
  return out;
}

inline absl::Status validate_logistic(const FeatureMatrixRef& X, std::span<const double> y,
                                      std::span<const double> w,
                                      const std::vector<std::string>& names,
                                      const LogisticOptions& o) {
  if (X.rows() == 0) return absl::InvalidArgumentError("X has no rows");
  if (!names.empty() && static_cast<Eigen::Index>(names.size()) != X.cols()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "feature_names has %d names but X has %d columns", names.size(), X.cols()));
  }
  CUSTINSIGHT_RETURN_IF_ERROR(
      check_same_length("y", y.size(), "X rows", static_cast<std::size_t>(X.rows())));
  for (std::size_t i = 0; i < y.size(); ++i) {
    if (y[i] != 0.0 && y[i] != 1.0) return invalid_element("y", i, y[i], "labels must be 0 or 1");
  }
  CUSTINSIGHT_RETURN_IF_ERROR(check_sample_weight(w, X.rows()));
  if (!(o.C > 0.0) || std::isnan(o.C))
    return absl::InvalidArgumentError(absl::StrFormat("C = %g: must be positive (inf: no penalty)", o.C));
  CUSTINSIGHT_RETURN_IF_ERROR(check_positive_scalar("class_weight[0]", o.class_weight_negative));
  CUSTINSIGHT_RETURN_IF_ERROR(check_positive_scalar("class_weight[1]", o.class_weight_positive));
  CUSTINSIGHT_RETURN_IF_ERROR(check_positive_scalar("tol", o.tol));
  if (o.max_iter < 1) return absl::InvalidArgumentError("max_iter must be at least 1");
  return absl::OkStatus();
}

}  // namespace detail

/// @brief Fit an L2-regularised logistic regression by Newton's method.
/// @param X n x p features (row-major); never modified
/// @param y n labels, 0 or 1 (1 = churned)
/// @param sample_weight n non-negative weights, or empty for ones
/// @param feature_names p names used in error messages and drivers (may be empty)
/// @param options penalty, standardisation, class weights, imputation and stopping rule
/// @return the fitted model, or InvalidArgument for bad input, a single class, collinear
///         features without a penalty, or separated classes without a penalty
inline absl::StatusOr<LogisticModel> fit_logistic(const FeatureMatrixRef& X,
                                                  std::span<const double> y,
                                                  std::span<const double> sample_weight,
                                                  std::vector<std::string> feature_names,
                                                  const LogisticOptions& options = {}) {
  CUSTINSIGHT_RETURN_IF_ERROR(detail::validate_logistic(X, y, sample_weight, feature_names, options));
  const Eigen::Index n = X.rows(), p = X.cols(), q = p + 1;
  std::vector<double> sw(static_cast<std::size_t>(n));
  double w_pos = 0.0, w_all = 0.0;
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(i);
    sw[k] = detail::weight_at(sample_weight, i) *
            (y[k] == 1.0 ? options.class_weight_positive : options.class_weight_negative);
    w_all += sw[k];
    if (y[k] == 1.0) w_pos += sw[k];
  }
  if (!(w_all > 0.0)) return absl::InvalidArgumentError("sample_weight: all weights are zero");
  if (w_pos == 0.0 || w_pos == w_all) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "y contains a single class (every weighted label is %d): a churn model needs both "
        "churned (1) and retained (0) customers",
        w_pos == 0.0 ? 0 : 1));
  }
  LogisticModel model;
  model.options = options;
  model.weight_total = w_all;
  CUSTINSIGHT_ASSIGN_OR_RETURN(model.scaling, detail::compute_scaling(X, sw, std::move(feature_names), options.standardize,
                                          options.impute_missing));
  const FeatureScaling& s = model.scaling;
  const bool penalised = std::isfinite(options.C);
  const double lambda = penalised ? 1.0 / options.C : 0.0;
  Eigen::VectorXd pen = Eigen::VectorXd::Constant(q, lambda);
  pen[0] = 0.0;
  // Constant features are held at zero by pinning their coordinate in the Newton system.
  std::vector<Eigen::Index> pinned;
  for (Eigen::Index j = 0; j < p; ++j)
    if (s.constant[static_cast<std::size_t>(j)]) pinned.push_back(j + 1);

  const bool subsample = options.subsample_threshold > 0 && n > options.subsample_threshold;
  const std::ptrdiff_t stride = subsample ? std::max<std::ptrdiff_t>(2, n / (options.subsample_threshold / 2)) : 1;

  Eigen::VectorXd beta = Eigen::VectorXd::Zero(q);
  beta[0] = std::log(w_pos / (w_all - w_pos));  // the intercept-only optimum
  if (subsample) {
    // Warm start: the same problem on the systematic subsample (its optimum is within sampling
    // error of the full one), so that few sweeps over all rows remain.
    // A contiguous copy of the subsample: its sweeps then stream through memory instead of
    // fetching scattered rows, which costs far more than the one gather.
    const Eigen::Index m = (n + stride - 1) / stride;
    RowMatrixXd Xs(m, p);
    std::vector<double> ys(static_cast<std::size_t>(m)), ws(static_cast<std::size_t>(m));
    detail::parallel_for(m, [&](std::ptrdiff_t k) {
      const auto i = static_cast<std::size_t>(k * stride);
      Xs.row(k) = X.row(k * stride);
      ys[static_cast<std::size_t>(k)] = y[i];
      ws[static_cast<std::size_t>(k)] = sw[i];
    });
    double w_sub = 0.0;
    for (double v : ws) w_sub += v;
    LogisticOptions sub = options;
    sub.C = penalised ? options.C * w_all / w_sub : options.C;
    sub.class_weight_negative = sub.class_weight_positive = 1.0;
    sub.subsample_threshold = 0;
    // The subsample optimum differs from the full one by its sampling error (a few percent of
    // the coefficients for the default threshold), so a step below 1e-2 leaves it well inside
    // that error (Newton converges quadratically); more accuracy here buys nothing.
    sub.tol = 1e-2;
    sub.max_iter = 50;
    auto warm = fit_logistic(Xs, ys, ws, {}, sub);
    if (warm.ok()) {
      const Eigen::VectorXd coef = warm->coef();
      beta[0] = warm->intercept();
      for (Eigen::Index j = 0; j < p; ++j) {
        if (s.constant[static_cast<std::size_t>(j)]) continue;
        beta[j + 1] = coef[j] * s.scale[j];
        beta[0] += coef[j] * s.mean[j];
      }
    }
  }
  // eta = Z beta, formed by one step from beta = 0.
  Eigen::VectorXd eta = Eigen::VectorXd::Zero(n);
  auto objective = [&](const detail::LogisticPass& r, const Eigen::VectorXd& b) {
    return r.loss + 0.5 * lambda * b.tail(p).squaredNorm();
  };
  detail::HessianMode mode = subsample ? detail::HessianMode::kSubsample : detail::HessianMode::kFull;
  detail::LogisticPass cur = detail::logistic_sweep(X, s, y, sw, &beta, eta, mode, stride);
  double f_cur = objective(cur, beta);
  Eigen::LDLT<Eigen::MatrixXd> ldlt;
  bool converged = false;
  int it = 0;
  for (; it < options.max_iter; ++it) {
    Eigen::MatrixXd H = cur.hess.selfadjointView<Eigen::Lower>();
    if (mode == detail::HessianMode::kSubsample) H *= w_all / cur.hess_weight;
    H.diagonal() += pen;
    Eigen::VectorXd g = cur.grad + pen.cwiseProduct(beta);
    for (Eigen::Index k : pinned) {
      H.row(k).setZero();
      H.col(k).setZero();
      H(k, k) = 1.0;
      g[k] = 0.0;
    }
    ldlt.compute(H);
    const double rcond = ldlt.info() == Eigen::Success ? ldlt.rcond() : 0.0;
    if (!penalised && (!ldlt.isPositive() || rcond < 1e-13)) {
      if (mode == detail::HessianMode::kSubsample) {
        mode = detail::HessianMode::kFull;  // a rare feature may be missing from the subsample
        cur = detail::logistic_sweep(X, s, y, sw, nullptr, eta, mode, stride);
        continue;
      }
      return absl::InvalidArgumentError(
          it == 0 ? "the features are perfectly collinear (the Hessian is singular): drop a "
                    "redundant feature or use a finite C"
                  : "no finite maximum-likelihood estimate: the classes are perfectly or "
                    "quasi-perfectly separated by the features; use a finite C (an L2 penalty)");
    }
    Eigen::VectorXd d = -ldlt.solve(g);
    const double size = d.tail(p).cwiseAbs().maxCoeff() / std::max(1.0, beta.tail(p).cwiseAbs().maxCoeff());
    const double step0 = std::max(size, std::abs(d[0]) / std::max(1.0, std::abs(beta[0])));
    // Small problems iterate until the step itself is below tol, so the covariance is the
    // inverse Hessian at the solution. Large ones save a full sweep: by Newton's quadratic
    // convergence a full step of relative size s leaves an error of order s^2, so a step of at
    // most sqrt(tol) is the last one needed (the covariance is then evaluated within sqrt(tol)
    // of the solution, far below its statistical precision).
    const double final_step = subsample ? std::sqrt(options.tol) : options.tol;
    if (mode == detail::HessianMode::kFull && step0 <= final_step) {
      beta += d;
      converged = true;
      model.covariance_z = ldlt.solve(Eigen::MatrixXd::Identity(q, q));
      ++it;
      break;
    }
    // The subsampled iterations converge linearly; once their steps are small, one full
    // Newton step usually finishes.
    if (mode == detail::HessianMode::kSubsample && step0 <= 1e-4) mode = detail::HessianMode::kFull;
    // Fused sweep: take the full step and evaluate everything there; backtrack only if needed.
    Eigen::VectorXd eta_old = eta;
    detail::LogisticPass next = detail::logistic_sweep(X, s, y, sw, &d, eta, mode, stride);
    const double slope = g.dot(d);
    double t = 1.0;
    double f_new = objective(next, beta + d);
    if (!(f_new <= f_cur + 1e-4 * slope) && !(std::abs(f_new - f_cur) <= 1e-15 * std::abs(f_cur))) {
      const Eigen::VectorXd u = eta - eta_old;
      const Eigen::VectorXd swv = Eigen::Map<const Eigen::VectorXd>(sw.data(), n);
      auto f_at = [&](double tt) {
        double loss = detail::deterministic_sum(n, [&](std::ptrdiff_t i) {
          const double e = eta_old[i] + tt * u[i];
          return swv[i] * (detail::softplus(e) - y[static_cast<std::size_t>(i)] * e);
        });
        return loss + 0.5 * lambda * (beta + tt * d).tail(p).squaredNorm();
      };
      do {
        t *= 0.5;
        f_new = f_at(t);
      } while (!(f_new <= f_cur + 1e-4 * t * slope) && t > 1e-10);
      if (!(f_new <= f_cur)) {
        // No decrease at any step length: rounding dominates, the current point is optimal.
        eta = eta_old;
        converged = mode == detail::HessianMode::kFull;
        if (converged) {
          model.covariance_z = ldlt.solve(Eigen::MatrixXd::Identity(q, q));
          break;
        }
        mode = detail::HessianMode::kFull;
        cur = detail::logistic_sweep(X, s, y, sw, nullptr, eta, mode, stride);
        continue;
      }
      eta = eta_old + t * u;
      next = detail::logistic_sweep(X, s, y, sw, nullptr, eta, mode, stride);
    }
    beta += t * d;
    cur = std::move(next);
    f_cur = objective(cur, beta);
    // With separated classes the unpenalised loss runs to zero as the coefficients diverge;
    // a finite optimum never has an average log-loss this small.
    if (!penalised && (beta.tail(p).cwiseAbs().maxCoeff() > 1e4 || f_cur < 1e-9 * w_all)) {
      return absl::InvalidArgumentError(
          "no finite maximum-likelihood estimate: the classes are perfectly or quasi-perfectly "
          "separated by the features; use a finite C (an L2 penalty)");
    }
  }
  if (!converged) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "the logistic fit did not converge in max_iter = %d Newton iterations%s",
        options.max_iter,
        penalised ? "" : "; without a penalty this usually means (quasi-)separated classes: use a finite C"));
  }
  model.n_iter = it;
  model.intercept_z = beta[0];
  model.coef_z = beta.tail(p);
  for (Eigen::Index k : pinned) {
    model.coef_z[k - 1] = 0.0;
    model.covariance_z.row(k).setConstant(std::numeric_limits<double>::quiet_NaN());
    model.covariance_z.col(k).setConstant(std::numeric_limits<double>::quiet_NaN());
  }
  model.objective = f_cur;
  return model;
}

/// @brief Churn probabilities and the top_k drivers of each row.
/// @param model a fitted model
/// @param X n x p features in the training column order
/// @param top_k drivers per row (0: probabilities only)
/// @param probability output, n probabilities of label 1
/// @return the breakdown of the log-odds: linear_predictor = intercept_z + sum of all
///         contributions; or InvalidArgument for a column-count mismatch or bad values
inline absl::StatusOr<DriverBreakdown> logistic_drivers(const LogisticModel& model,
                                                        const FeatureMatrixRef& X, int top_k) {
  return detail::score_rows(X, model.scaling, model.coef_z, model.intercept_z, top_k);
}

/// @brief P(y = 1 | x) for every row.
inline absl::StatusOr<Eigen::VectorXd> logistic_predict(const LogisticModel& model,
                                                        const FeatureMatrixRef& X) {
  CUSTINSIGHT_ASSIGN_OR_RETURN(DriverBreakdown b, logistic_drivers(model, X, 0));
  Eigen::VectorXd p = std::move(b.linear_predictor);
  detail::parallel_for(p.size(), [&](std::ptrdiff_t i) { p[i] = detail::sigmoid(p[i]); });
  return p;
}

}  // namespace custinsight
