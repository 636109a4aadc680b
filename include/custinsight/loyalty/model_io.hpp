#pragma once

/// @file model_io.hpp
/// @brief Fitted loyalty models as JSON: parameters, standard errors, fit statistics, a data
/// summary and the library version. Loading checks the model type and the format version.

#include <Eigen/Core>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "custinsight/loyalty/detail/fit.hpp"
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

/// Saved parameters must be finite, positive and at most this: larger values come from a file
/// that was edited or corrupted, and predictions from them overflow.
inline constexpr double kMaxModelParameter = 1e15;

namespace detail {

/// A JSON value for an error message, cut to 80 characters.
inline std::string json_excerpt(const nlohmann::json& v) {
  std::string text = v.dump();
  if (text.size() > 80) text = text.substr(0, 80) + "...";
  return text;
}

/// Typed reads from a saved model: a field of the wrong type is an error naming it, never a
/// nlohmann exception, and an absent field keeps `out` (its default).
inline absl::Status json_section(const nlohmann::json& j, const char* key,
                                 const nlohmann::json*& out) {
  static const nlohmann::json empty = nlohmann::json::object();
  const auto it = j.find(key);
  out = it == j.end() ? &empty : &*it;
  if (!out->is_object())
    return absl::InvalidArgumentError(absl::StrFormat("model file: %s must be an object", key));
  return absl::OkStatus();
}

template <class T>
absl::Status json_field(const nlohmann::json& section, const char* section_name, const char* key,
                        T& out) {
  const auto it = section.find(key);
  if (it == section.end() || it->is_null()) return absl::OkStatus();
  bool ok = false;
  if constexpr (std::is_same_v<T, bool>) {
    ok = it->is_boolean();
    if (ok) out = it->template get<bool>();
  } else if constexpr (std::is_same_v<T, std::string>) {
    ok = it->is_string();
    if (ok) out = it->template get<std::string>();
  } else if constexpr (std::is_integral_v<T>) {
    // Integers only, and only those T can hold: a float or an out-of-range count is refused
    // rather than converted (the conversion would be undefined).
    if (it->is_number_unsigned()) {
      const auto v = it->template get<std::uint64_t>();
      ok = std::in_range<T>(v);
      if (ok) out = static_cast<T>(v);
    } else if (it->is_number_integer()) {
      const auto v = it->template get<std::int64_t>();
      ok = std::in_range<T>(v);
      if (ok) out = static_cast<T>(v);
    }
  } else {
    ok = it->is_number();
    if (ok) out = it->template get<double>();
  }
  if (!ok) {
    const char* expected = std::is_same_v<T, bool>          ? "a boolean"
                           : std::is_same_v<T, std::string> ? "a string"
                           : std::is_integral_v<T>          ? "a whole number in range"
                                                            : "a number";
    return absl::InvalidArgumentError(
        absl::StrFormat("model file: %s.%s = %s is a %s, expected %s", section_name, key,
                        json_excerpt(*it), it->type_name(), expected));
  }
  return absl::OkStatus();
}

}  // namespace detail

/// @brief Read a model saved by model_to_json.
/// @return the fit result, or InvalidArgument if the text is not such a model, if it is a
/// different model type, if its format version is newer than this library's, or if a field has
/// the wrong type
inline absl::StatusOr<FitResult> model_from_json(std::string_view text,
                                                 std::string_view model_name,
                                                 std::span<const char* const> names) {
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    return absl::InvalidArgumentError("not a JSON object: cannot load a model from it");
  std::string format, stored;
  if (!detail::json_field(j, "model file", "format", format).ok() ||
      format != "custinsight.loyalty_model")
    return absl::InvalidArgumentError("not a custinsight loyalty model file (no \"format\" tag)");
  const auto version_it = j.find("format_version");
  if (version_it == j.end() || !version_it->is_number_integer())
    return absl::InvalidArgumentError("model file has no integer format_version");
  // Compared as a double so that no stored integer can overflow the comparison.
  const double version = version_it->get<double>();
  if (version > kModelFormatVersion || version < 1)
    return absl::InvalidArgumentError(absl::StrFormat(
        "model file has format_version %s; this custinsight (%s) reads up to %d: upgrade "
        "custinsight to load it",
        version_it->dump(), CUSTINSIGHT_VERSION, kModelFormatVersion));
  const auto model_it = j.find("model");
  if (model_it == j.end() || !model_it->is_string())
    return absl::InvalidArgumentError(absl::StrFormat(
        "model file: the \"model\" key %s, expected a string naming the model type (%s)",
        model_it == j.end() ? std::string("is missing")
                            : "is a " + std::string(model_it->type_name()),
        model_name));
  stored = model_it->get<std::string>();
  if (stored != model_name)
    return absl::InvalidArgumentError(absl::StrFormat(
        "the file holds a %s, not a %s: load it with %s.load", stored, model_name, stored));
  const nlohmann::json *params = nullptr, *errors = nullptr, *fit = nullptr, *data = nullptr;
  CUSTINSIGHT_RETURN_IF_ERROR(detail::json_section(j, "params", params));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::json_section(j, "standard_errors", errors));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::json_section(j, "fit", fit));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::json_section(j, "data", data));
  FitResult r;
  const auto k = static_cast<Eigen::Index>(names.size());
  r.params.resize(k);
  r.standard_errors.resize(k);
  for (Eigen::Index i = 0; i < k; ++i) {
    const char* name = names[static_cast<std::size_t>(i)];
    if (!params->contains(name))
      return absl::InvalidArgumentError(absl::StrFormat("model file lacks parameter %s", name));
    const auto& value = (*params)[name];
    if (!value.is_number())
      return absl::InvalidArgumentError(
          absl::StrFormat("model file: params.%s = %s is a %s, expected a number", name,
                          detail::json_excerpt(value), value.type_name()));
    r.params[i] = value.get<double>();
    if (!(r.params[i] > 0.0 && r.params[i] <= kMaxModelParameter))
      return absl::InvalidArgumentError(
          absl::StrFormat("model file: params.%s = %s: must be positive and at most %g", name,
                          detail::json_excerpt(value), kMaxModelParameter));
    r.standard_errors[i] = NAN;
    CUSTINSIGHT_RETURN_IF_ERROR(
        detail::json_field(*errors, "standard_errors", name, r.standard_errors[i]));
  }
  r.log_likelihood = r.aic = r.bic = NAN;
  r.penalizer_coef = 0.0;
  r.converged = true;
  r.iterations = 0;
  r.gradient_norm = 0.0;
  CUSTINSIGHT_RETURN_IF_ERROR(detail::json_field(*fit, "fit", "log_likelihood", r.log_likelihood));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::json_field(*fit, "fit", "aic", r.aic));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::json_field(*fit, "fit", "bic", r.bic));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::json_field(*fit, "fit", "penalizer_coef", r.penalizer_coef));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::json_field(*fit, "fit", "converged", r.converged));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::json_field(*fit, "fit", "iterations", r.iterations));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::json_field(*fit, "fit", "gradient_norm", r.gradient_norm));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::json_field(*fit, "fit", "message", r.message));
  r.mean_frequency = r.mean_recency = r.mean_T = r.max_T = r.repeat_share = NAN;
  CUSTINSIGHT_RETURN_IF_ERROR(detail::json_field(*data, "data", "n_customers", r.n_customers));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::json_field(*data, "data", "n_rows", r.n_rows));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::json_field(*data, "data", "n_patterns", r.n_patterns));
  CUSTINSIGHT_RETURN_IF_ERROR(
      detail::json_field(*data, "data", "mean_frequency", r.mean_frequency));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::json_field(*data, "data", "mean_recency", r.mean_recency));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::json_field(*data, "data", "mean_T", r.mean_T));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::json_field(*data, "data", "max_T", r.max_T));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::json_field(*data, "data", "repeat_share", r.repeat_share));
  return r;
}

}  // namespace custinsight
