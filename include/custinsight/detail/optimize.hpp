#pragma once

/// @file optimize.hpp
/// @brief Minimisation of a smooth objective in a handful of unconstrained (log-) parameters:
/// L-BFGS from LBFGSpp (Debian's liblbfgspp-dev) with a backtracking strong-Wolfe line search for the global
/// walk, then Newton steps on a Hessian taken by central differences of the analytic gradient.
///
/// Why both: L-BFGS only needs gradients and is robust from a rough start, but its own stopping
/// test is on the gradient norm and its line search gives up once steps reach rounding level.
/// With four parameters a Hessian costs eight gradient evaluations, so a couple of Newton steps
/// bring the gradient to rounding level cheaply, and the same Hessian gives the standard errors.

#include <LBFGS.h>

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <cmath>
#include <exception>
#include <limits>
#include <string>
#include <utility>

namespace custinsight::detail {

struct OptimizeSettings {
  int max_iterations = 2000;
  /// Converged when the largest gradient component is at most this (the objective is a mean
  /// negative log-likelihood per customer, so this is scale-free).
  double gradient_tolerance = 1e-7;
  int newton_steps = 3;
};

struct OptimizeResult {
  Eigen::VectorXd x;
  double value = std::numeric_limits<double>::quiet_NaN();
  Eigen::VectorXd gradient;
  Eigen::MatrixXd hessian;  ///< at x, by central differences of the gradient
  int iterations = 0;
  int evaluations = 0;
  bool converged = false;
  std::string message;
};

/// The objective `f(x, grad) -> value`; NaN is read as +inf so that line searches back off.
template <class F>
class TrackedObjective {
 public:
  explicit TrackedObjective(F& f) : f_(f) {}
  double operator()(const Eigen::VectorXd& x, Eigen::VectorXd& grad) {
    ++evaluations_;
    if (!x.allFinite()) {
      grad.setZero();
      return std::numeric_limits<double>::infinity();
    }
    double v = f_(x, grad);
    if (!std::isfinite(v) || !grad.allFinite()) {
      v = std::numeric_limits<double>::infinity();
      grad.setZero();
      return v;
    }
    if (v < best_value_) {
      best_value_ = v;
      best_x_ = x;
    }
    return v;
  }
  int evaluations_ = 0;
  double best_value_ = std::numeric_limits<double>::infinity();
  Eigen::VectorXd best_x_;

 private:
  F& f_;
};

template <class F>
Eigen::MatrixXd finite_difference_hessian(TrackedObjective<F>& f, const Eigen::VectorXd& x) {
  const Eigen::Index n = x.size();
  Eigen::MatrixXd h(n, n);
  Eigen::VectorXd xp = x, gp(n), gm(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double step = 1e-4 * std::max(1.0, std::abs(x[i]));
    xp[i] = x[i] + step;
    f(xp, gp);
    xp[i] = x[i] - step;
    f(xp, gm);
    xp[i] = x[i];
    h.col(i) = (gp - gm) / (2.0 * step);
  }
  return 0.5 * (h + h.transpose());
}

/// @brief Minimise f from x0.
/// @return the best point found, its gradient and Hessian; `converged` tells whether the
/// gradient test passed, `message` why not
template <class F>
OptimizeResult minimize(F&& f, Eigen::VectorXd x0, const OptimizeSettings& settings = {}) {
  TrackedObjective<std::remove_reference_t<F>> objective(f);
  OptimizeResult out;
  Eigen::VectorXd grad(x0.size());
  if (!std::isfinite(objective(x0, grad))) {
    out.x = x0;
    out.message = "the objective is not finite at the starting point";
    return out;
  }
  LBFGSpp::LBFGSParam<double> param;
  param.epsilon = 1e-9;
  param.epsilon_rel = 0.0;
  param.max_iterations = settings.max_iterations;
  param.max_linesearch = 60;
  param.linesearch = LBFGSpp::LBFGS_LINESEARCH_BACKTRACKING_STRONG_WOLFE;
  // Backtracking only ever shrinks a step whose value is not finite; interpolating line
  // searches would turn an overflowing trial point into NaN.
  LBFGSpp::LBFGSSolver<double, LBFGSpp::LineSearchBacktracking> solver(param);
  Eigen::VectorXd x = x0;
  double fx = 0.0;
  try {
    out.iterations = solver.minimize(objective, x, fx);
  } catch (const std::exception& e) {
    // Near the optimum the line search can fail on rounding; the Newton steps below decide.
    out.message = e.what();
  }
  x = objective.best_x_;
  fx = objective.best_value_;

  // Newton polish with backtracking; stop once the gradient is at rounding level.
  objective(x, grad);
  Eigen::MatrixXd hess = finite_difference_hessian(objective, x);
  for (int step = 0; step < settings.newton_steps; ++step) {
    if (grad.lpNorm<Eigen::Infinity>() < 1e-11) break;
    Eigen::LLT<Eigen::MatrixXd> llt(hess);
    if (llt.info() != Eigen::Success) break;
    const Eigen::VectorXd direction = -llt.solve(grad);
    double t = 1.0;
    bool improved = false;
    Eigen::VectorXd trial_grad(x.size());
    for (int k = 0; k < 30; ++k, t *= 0.5) {
      const Eigen::VectorXd trial = x + t * direction;
      const double ft = objective(trial, trial_grad);
      if (ft <= fx + 1e-15 * std::abs(fx) &&
          trial_grad.lpNorm<Eigen::Infinity>() <= grad.lpNorm<Eigen::Infinity>()) {
        x = trial;
        fx = ft;
        grad = trial_grad;
        improved = true;
        break;
      }
    }
    if (!improved) break;
    ++out.iterations;
    hess = finite_difference_hessian(objective, x);
  }
  out.x = x;
  out.value = fx;
  out.gradient = grad;
  out.hessian = hess;
  out.evaluations = objective.evaluations_;
  const double gmax = grad.lpNorm<Eigen::Infinity>();
  out.converged = std::isfinite(fx) && gmax <= settings.gradient_tolerance;
  if (out.converged) {
    out.message = "converged";
  } else if (out.message.empty()) {
    out.message = "the gradient did not vanish within the iteration limit";
  }
  return out;
}

}  // namespace custinsight::detail
