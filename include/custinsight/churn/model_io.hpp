#pragma once

/// @file model_io.hpp
/// @brief Churn models to and from JSON. Every document carries a model-type tag, a format
/// version and the library version that wrote it; loading the wrong type or a newer format is an
/// error, never a silently different model. Doubles are written with round-trip precision and
/// NaN (the undefined standard errors of constant features) as null.

#include <Eigen/Core>
#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "custinsight/churn/cox.hpp"
#include "custinsight/churn/logistic.hpp"
#include "custinsight/version.hpp"

namespace custinsight {

/// Version of the churn JSON layout; a reader accepts this and every older version.
inline constexpr int kChurnModelFormatVersion = 1;

namespace detail {

using json = nlohmann::json;

inline json number_or_null(double v) { return std::isnan(v) ? json(nullptr) : json(v); }

inline json vector_json(const Eigen::VectorXd& v) {
  json a = json::array();
  for (Eigen::Index i = 0; i < v.size(); ++i) a.push_back(number_or_null(v[i]));
  return a;
}

inline json matrix_json(const Eigen::MatrixXd& m) {
  json rows = json::array();
  for (Eigen::Index i = 0; i < m.rows(); ++i) rows.push_back(vector_json(m.row(i).transpose()));
  return rows;
}

inline double number_from(const json& j) {
  if (j.is_null()) return std::numeric_limits<double>::quiet_NaN();
  return j.get<double>();
}

inline Eigen::VectorXd vector_from(const json& j, Eigen::Index expected, const char* what) {
  if (!j.is_array() || static_cast<Eigen::Index>(j.size()) != expected)
    throw std::invalid_argument(absl::StrFormat("'%s' must be an array of %d numbers", what, expected));
  Eigen::VectorXd v(expected);
  for (Eigen::Index i = 0; i < expected; ++i) v[i] = number_from(j[static_cast<std::size_t>(i)]);
  return v;
}

inline Eigen::MatrixXd matrix_from(const json& j, Eigen::Index n, const char* what) {
  if (!j.is_array() || static_cast<Eigen::Index>(j.size()) != n)
    throw std::invalid_argument(absl::StrFormat("'%s' must be a %d x %d array", what, n, n));
  Eigen::MatrixXd m(n, n);
  for (Eigen::Index i = 0; i < n; ++i) m.row(i) = vector_from(j[static_cast<std::size_t>(i)], n, what).transpose();
  return m;
}

inline json scaling_json(const FeatureScaling& s) {
  json j;
  j["feature_names"] = s.names;
  j["mean"] = vector_json(s.mean);
  j["scale"] = vector_json(s.scale);
  std::vector<int> constant(s.constant.begin(), s.constant.end());
  j["constant"] = constant;
  j["impute_missing"] = s.impute_missing;
  return j;
}

inline FeatureScaling scaling_from(const json& j) {
  FeatureScaling s;
  s.names = j.at("feature_names").get<std::vector<std::string>>();
  const auto p = static_cast<Eigen::Index>(s.names.size());
  s.mean = vector_from(j.at("mean"), p, "mean");
  s.scale = vector_from(j.at("scale"), p, "scale");
  const auto constant = j.at("constant").get<std::vector<int>>();
  if (static_cast<Eigen::Index>(constant.size()) != p)
    throw std::invalid_argument("'constant' must have one flag per feature");
  s.constant.assign(constant.begin(), constant.end());
  s.impute_missing = j.at("impute_missing").get<bool>();
  for (Eigen::Index i = 0; i < p; ++i)
    if (!std::isfinite(s.mean[i]) || !(s.scale[i] > 0.0))
      throw std::invalid_argument("'mean' must be finite and 'scale' positive");
  return s;
}

inline json header_json(std::string_view model_type) {
  json j;
  j["model_type"] = model_type;
  j["format_version"] = kChurnModelFormatVersion;
  j["library"] = "custinsight";
  j["library_version"] = CUSTINSIGHT_VERSION;
  return j;
}

inline absl::StatusOr<json> parse_header(std::string_view text, std::string_view model_type) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    return absl::InvalidArgumentError("not a JSON object: the model file is damaged or not JSON");
  if (!j.contains("model_type") || !j["model_type"].is_string())
    return absl::InvalidArgumentError("the JSON document has no 'model_type': not a custinsight model");
  const auto type = j["model_type"].get<std::string>();
  if (type != model_type) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "the JSON document holds a '%s', not a '%s'", type, model_type));
  }
  if (!j.contains("format_version") || !j["format_version"].is_number_integer())
    return absl::InvalidArgumentError("the JSON document has no integer 'format_version'");
  const int version = j["format_version"].get<int>();
  if (version > kChurnModelFormatVersion) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "the '%s' was saved in format version %d by custinsight %s, newer than this library "
        "(%s) reads (up to version %d): upgrade custinsight",
        model_type, version, j.value("library_version", std::string("?")), CUSTINSIGHT_VERSION,
        kChurnModelFormatVersion));
  }
  return j;
}

template <class F>
auto guarded(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrFormat("malformed model JSON: %s", e.what()));
  }
}

}  // namespace detail

inline constexpr std::string_view kLogisticModelType = "custinsight.ChurnModel";
inline constexpr std::string_view kCoxModelType = "custinsight.CoxPHModel";

/// @brief The model as a JSON document (see the file comment for its guarantees).
inline std::string to_json(const LogisticModel& m) {
  detail::json j = detail::header_json(kLogisticModelType);
  j["scaling"] = detail::scaling_json(m.scaling);
  j["options"] = {{"C", std::isfinite(m.options.C) ? detail::json(m.options.C) : detail::json("inf")},
                  {"standardize", m.options.standardize},
                  {"class_weight", {m.options.class_weight_negative, m.options.class_weight_positive}},
                  {"max_iter", m.options.max_iter},
                  {"tol", m.options.tol}};
  j["intercept_z"] = m.intercept_z;
  j["coef_z"] = detail::vector_json(m.coef_z);
  j["covariance_z"] = detail::matrix_json(m.covariance_z);
  j["n_iter"] = m.n_iter;
  j["objective"] = m.objective;
  j["weight_total"] = m.weight_total;
  return j.dump();
}

/// @brief Read a LogisticModel written by to_json.
inline absl::StatusOr<LogisticModel> logistic_model_from_json(std::string_view text) {
  CUSTINSIGHT_ASSIGN_OR_RETURN(detail::json j, detail::parse_header(text, kLogisticModelType));
  return detail::guarded([&]() -> absl::StatusOr<LogisticModel> {
    LogisticModel m;
    m.scaling = detail::scaling_from(j.at("scaling"));
    const auto p = m.scaling.size();
    const auto& o = j.at("options");
    m.options.C = o.at("C").is_string() ? std::numeric_limits<double>::infinity() : o.at("C").get<double>();
    m.options.standardize = o.at("standardize").get<bool>();
    m.options.class_weight_negative = o.at("class_weight").at(0).get<double>();
    m.options.class_weight_positive = o.at("class_weight").at(1).get<double>();
    m.options.max_iter = o.at("max_iter").get<int>();
    m.options.tol = o.at("tol").get<double>();
    m.options.impute_missing = m.scaling.impute_missing;
    m.intercept_z = j.at("intercept_z").get<double>();
    m.coef_z = detail::vector_from(j.at("coef_z"), p, "coef_z");
    m.covariance_z = detail::matrix_from(j.at("covariance_z"), p + 1, "covariance_z");
    m.n_iter = j.at("n_iter").get<int>();
    m.objective = j.at("objective").get<double>();
    m.weight_total = j.at("weight_total").get<double>();
    if (!m.coef_z.allFinite() || !std::isfinite(m.intercept_z))
      return absl::InvalidArgumentError("malformed model JSON: coefficients must be finite");
    return m;
  });
}

/// @brief The Cox model as a JSON document.
inline std::string to_json(const CoxModel& m) {
  detail::json j = detail::header_json(kCoxModelType);
  j["scaling"] = detail::scaling_json(m.scaling);
  j["options"] = {{"penalizer", m.options.penalizer},
                  {"ties", m.options.ties == CoxTies::kEfron ? "efron" : "breslow"},
                  {"standardize", m.options.standardize},
                  {"max_iter", m.options.max_iter},
                  {"tol", m.options.tol}};
  j["coef_z"] = detail::vector_json(m.coef_z);
  j["covariance_z"] = detail::matrix_json(m.covariance_z);
  j["log_likelihood"] = m.log_likelihood;
  j["n_iter"] = m.n_iter;
  j["n_events"] = m.n_events;
  return j.dump();
}

/// @brief Read a CoxModel written by to_json.
inline absl::StatusOr<CoxModel> cox_model_from_json(std::string_view text) {
  CUSTINSIGHT_ASSIGN_OR_RETURN(detail::json j, detail::parse_header(text, kCoxModelType));
  return detail::guarded([&]() -> absl::StatusOr<CoxModel> {
    CoxModel m;
    m.scaling = detail::scaling_from(j.at("scaling"));
    const auto p = m.scaling.size();
    const auto& o = j.at("options");
    m.options.penalizer = o.at("penalizer").get<double>();
    const auto ties = o.at("ties").get<std::string>();
    if (ties != "breslow" && ties != "efron")
      return absl::InvalidArgumentError("malformed model JSON: ties must be 'breslow' or 'efron'");
    m.options.ties = ties == "efron" ? CoxTies::kEfron : CoxTies::kBreslow;
    m.options.standardize = o.at("standardize").get<bool>();
    m.options.max_iter = o.at("max_iter").get<int>();
    m.options.tol = o.at("tol").get<double>();
    m.options.impute_missing = m.scaling.impute_missing;
    m.coef_z = detail::vector_from(j.at("coef_z"), p, "coef_z");
    m.covariance_z = detail::matrix_from(j.at("covariance_z"), p, "covariance_z");
    m.log_likelihood = j.at("log_likelihood").get<double>();
    m.n_iter = j.at("n_iter").get<int>();
    m.n_events = j.at("n_events").get<std::int64_t>();
    if (!m.coef_z.allFinite())
      return absl::InvalidArgumentError("malformed model JSON: coefficients must be finite");
    return m;
  });
}

}  // namespace custinsight
