#pragma once

/// @file model_io.hpp
/// @brief Fitted loyalty models as JSON: parameters, standard errors, fit statistics, a data
/// summary and the library version. Loading checks the model type and the format version.

#include <Eigen/Core>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>

#include "custinsight/detail/fit.hpp"
#include "custinsight/status.hpp"
#include "custinsight/version.hpp"

namespace custinsight {

/// Bumped whenever the layout changes; files with a larger number are refused.
inline constexpr int kModelFormatVersion = 1;

/// @brief Serialise a fit result of model `model_name` with parameter names `names`.
inline std::string model_to_json(std::string_view model_name, std::span<const char* const> names,
                                 const FitResult& r) {
  nlohmann::ordered_json j;
  j["format"] = "custinsight.loyalty_model";
  j["format_version"] = kModelFormatVersion;
  j["library_version"] = CUSTINSIGHT_VERSION;
  j["model"] = std::string(model_name);
  auto params = nlohmann::ordered_json::object();
  auto errors = nlohmann::ordered_json::object();
  for (std::size_t k = 0; k < names.size(); ++k) {
    const auto i = static_cast<Eigen::Index>(k);
    params[names[k]] = r.params[i];
    // JSON has no NaN: unknown standard errors are null.
    const double se = r.standard_errors.size() > i ? r.standard_errors[i] : NAN;
    errors[names[k]] = std::isfinite(se) ? nlohmann::ordered_json(se) : nlohmann::ordered_json();
  }
  j["params"] = params;
  j["standard_errors"] = errors;
  j["fit"] = {{"log_likelihood", r.log_likelihood},
              {"aic", r.aic},
              {"bic", r.bic},
              {"penalizer_coef", r.penalizer_coef},
              {"converged", r.converged},
              {"iterations", r.iterations},
              {"gradient_norm", std::isfinite(r.gradient_norm) ? r.gradient_norm : 0.0},
              {"message", r.message}};
  j["data"] = {{"n_customers", r.n_customers}, {"n_rows", r.n_rows},
               {"n_patterns", r.n_patterns},   {"mean_frequency", r.mean_frequency},
               {"mean_recency", r.mean_recency}, {"mean_T", r.mean_T},
               {"max_T", r.max_T},             {"repeat_share", r.repeat_share}};
  return j.dump(2);
}

/// @brief Read a model saved by model_to_json.
/// @return the fit result, or InvalidArgument if the text is not such a model, if it is a
/// different model type, or if its format version is newer than this library's
inline absl::StatusOr<FitResult> model_from_json(std::string_view text,
                                                 std::string_view model_name,
                                                 std::span<const char* const> names) {
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    return absl::InvalidArgumentError("not a JSON object: cannot load a model from it");
  if (j.value("format", "") != "custinsight.loyalty_model")
    return absl::InvalidArgumentError("not a custinsight loyalty model file (no \"format\" tag)");
  if (!j.contains("format_version") || !j["format_version"].is_number_integer())
    return absl::InvalidArgumentError("model file has no integer format_version");
  const int version = j["format_version"].get<int>();
  if (version > kModelFormatVersion || version < 1)
    return absl::InvalidArgumentError(absl::StrFormat(
        "model file has format_version %d; this custinsight (%s) reads up to %d: upgrade "
        "custinsight to load it",
        version, CUSTINSIGHT_VERSION, kModelFormatVersion));
  const std::string stored = j.value("model", "");
  if (stored != model_name)
    return absl::InvalidArgumentError(absl::StrFormat(
        "the file holds a %s, not a %s: load it with %s.load", stored, model_name, stored));
  FitResult r;
  const auto k = static_cast<Eigen::Index>(names.size());
  r.params.resize(k);
  r.standard_errors.resize(k);
  const auto& params = j.value("params", nlohmann::json::object());
  const auto& errors = j.value("standard_errors", nlohmann::json::object());
  for (Eigen::Index i = 0; i < k; ++i) {
    const char* name = names[static_cast<std::size_t>(i)];
    if (!params.contains(name) || !params[name].is_number())
      return absl::InvalidArgumentError(absl::StrFormat("model file lacks parameter %s", name));
    r.params[i] = params[name].get<double>();
    r.standard_errors[i] =
        errors.contains(name) && errors[name].is_number() ? errors[name].get<double>() : NAN;
  }
  const auto& fit = j.value("fit", nlohmann::json::object());
  r.log_likelihood = fit.value("log_likelihood", NAN);
  r.aic = fit.value("aic", NAN);
  r.bic = fit.value("bic", NAN);
  r.penalizer_coef = fit.value("penalizer_coef", 0.0);
  r.converged = fit.value("converged", true);
  r.iterations = fit.value("iterations", 0);
  r.gradient_norm = fit.value("gradient_norm", 0.0);
  r.message = fit.value("message", std::string());
  const auto& data = j.value("data", nlohmann::json::object());
  r.n_customers = data.value("n_customers", 0.0);
  r.n_rows = data.value("n_rows", std::int64_t{0});
  r.n_patterns = data.value("n_patterns", std::int64_t{0});
  r.mean_frequency = data.value("mean_frequency", NAN);
  r.mean_recency = data.value("mean_recency", NAN);
  r.mean_T = data.value("mean_T", NAN);
  r.max_T = data.value("max_T", NAN);
  r.repeat_share = data.value("repeat_share", NAN);
  return r;
}

}  // namespace custinsight
