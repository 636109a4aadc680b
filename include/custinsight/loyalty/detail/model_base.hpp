#pragma once

/// @file model_base.hpp
/// @brief State common to every fitted loyalty model: the fit result (parameters, standard
/// errors, log-likelihood, data summary) and the checks that a model is fitted before it
/// predicts.

#include <Eigen/Core>
#include <optional>
#include <string>
#include <utility>

#include "custinsight/loyalty/detail/fit.hpp"
#include "custinsight/loyalty/patterns.hpp"
#include "custinsight/status.hpp"

namespace custinsight::detail {

template <class Likelihood>
class ModelBase {
 public:
  static constexpr int kParams = Likelihood::kParams;
  static constexpr const char* kModelName = Likelihood::kModelName;
  static constexpr auto kNames = Likelihood::kNames;

  /// @brief Fit on already compressed patterns.
  absl::Status fit_patterns(const Patterns& patterns, const FitOptions& options = {}) {
    CUSTINSIGHT_ASSIGN_OR_RETURN(FitResult result, detail::fit_patterns(lik_, patterns, options));
    result_ = std::move(result);
    return absl::OkStatus();
  }

  [[nodiscard]] bool is_fitted() const { return result_.has_value(); }

  /// @brief The fitted (or loaded) parameters in the model's order; empty if not fitted.
  [[nodiscard]] Eigen::VectorXd params() const {
    return result_ ? result_->params : Eigen::VectorXd();
  }

  /// @brief Everything the fit found; requires a fitted model.
  [[nodiscard]] absl::StatusOr<FitResult> result() const {
    CUSTINSIGHT_RETURN_IF_ERROR(require_fitted());
    return *result_;
  }

  /// @brief Adopt a fit result (from a saved model, or parameters set by hand).
  absl::Status set_result(FitResult result) {
    if (result.params.size() != kParams)
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s has %d parameters, got %d", kModelName, kParams, result.params.size()));
    for (int j = 0; j < kParams; ++j)
      CUSTINSIGHT_RETURN_IF_ERROR(
          check_positive_scalar(Likelihood::kNames[static_cast<std::size_t>(j)], result.params[j]));
    result_ = std::move(result);
    return absl::OkStatus();
  }

  /// @brief Use the given parameters without fitting (no standard errors).
  absl::Status set_params(const Eigen::VectorXd& params) {
    FitResult r;
    r.params = params;
    r.standard_errors = Eigen::VectorXd::Constant(params.size(), NAN);
    r.converged = true;
    r.message = "parameters set by hand";
    return set_result(std::move(r));
  }

 protected:
  absl::Status require_fitted() const {
    if (!result_)
      return absl::FailedPreconditionError(
          absl::StrFormat("%s is not fitted: call fit() or load a saved model first", kModelName));
    return absl::OkStatus();
  }
  Likelihood lik_;
  std::optional<FitResult> result_;
};

}  // namespace custinsight::detail
