#pragma once

/// @file insight/config.hpp
/// @brief Settings of the insight table, mirroring the Python `InsightConfig` dataclass and
/// read from the same JSON layout.

#include <cmath>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "custinsight/status.hpp"
#include "custinsight/satisfaction/common.hpp"
#include "nlohmann/json.hpp"

namespace custinsight::insight {

/// loyalty = 100 (alive P(alive) + value V + frequency F) / (alive + value + frequency).
struct LoyaltyWeights {
  double alive = 0.5;
  double value = 0.3;
  double frequency = 0.2;
};

/// insight = weighted mean of loyalty, 100 (1 - churn risk) and 50 (satisfaction + 1); the
/// satisfaction weight drops out for customers without feedback.
struct InsightWeights {
  double loyalty = 0.4;
  double retention = 0.4;
  double satisfaction = 0.2;
};

/// Thresholds of the ordered segment rules (see segments in scoring.hpp).
struct SegmentThresholds {
  double alive_high = 0.8;
  double alive_mid = 0.5;
  double alive_low = 0.3;
  double alive_lost = 0.1;
  double top_percentile = 0.8;
  double mid_percentile = 0.5;
  double new_days = 90.0;
};

/// Everything that shapes the insight table; field names match the JSON keys.
struct InsightConfig {
  std::string model = "auto";
  double period_days = 7.0;
  double horizon_days = 90.0;
  int clv_months = 12;
  double discount_rate = 0.01;
  double penalizer = 0.0;
  double half_life_days = 90.0;
  double rating_weight = 0.5;
  double text_weight = 0.5;
  double nps_weight = 0.5;
  double negative_threshold = -0.05;
  double complaint_days = 90.0;
  /// Outbound contacts within 30 days at or above this mark a customer as over-contacted.
  double max_outbound_30d = 3.0;
  /// A latest support conversation of lower quality (0-100) is a driver of risk.
  double support_quality_low = 50.0;
  /// Above 0 the Python package trains a ChurnModel over this label window; the C++ pipeline
  /// has no churn model and refuses such settings.
  double label_window_days = 0.0;
  double churn_C = 1.0;
  /// The scale of the feedback ratings: a name of kRatingScales or end points.
  RatingScale rating_scale;
  LoyaltyWeights loyalty_weights;
  InsightWeights insight_weights;
  SegmentThresholds segments;
};

namespace detail {

inline absl::Status read_number(const nlohmann::json& j, std::string_view key, double& out) {
  if (!j.is_number()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("config %s = %s: must be a number", key, j.dump()));
  }
  out = j.get<double>();
  return absl::OkStatus();
}

inline absl::Status check_weights(std::string_view group, std::initializer_list<double> ws) {
  double total = 0.0;
  for (double w : ws) {
    if (!(std::isfinite(w) && w >= 0.0))
      return absl::InvalidArgumentError(
          absl::StrFormat("config %s: weights must be finite and non-negative", group));
    total += w;
  }
  if (!(total > 0.0))
    return absl::InvalidArgumentError(
        absl::StrFormat("config %s: at least one weight must be positive", group));
  return absl::OkStatus();
}

}  // namespace detail

/// @brief Check the settings as the Python dataclass does.
/// @return the first bad setting, named.
inline absl::Status validate(const InsightConfig& c) {
  if (c.model != "auto" && c.model != "beta_geo" && c.model != "modified_beta_geo" &&
      c.model != "pareto_nbd")
    return absl::InvalidArgumentError(absl::StrFormat(
        "config model = '%s': must be auto, beta_geo, modified_beta_geo or pareto_nbd", c.model));
  CUSTINSIGHT_RETURN_IF_ERROR(custinsight::detail::check_positive_scalar("config period_days",
                                                                         c.period_days));
  CUSTINSIGHT_RETURN_IF_ERROR(custinsight::detail::check_positive_scalar("config horizon_days",
                                                                         c.horizon_days));
  CUSTINSIGHT_RETURN_IF_ERROR(custinsight::detail::check_positive_scalar("config half_life_days",
                                                                         c.half_life_days));
  CUSTINSIGHT_RETURN_IF_ERROR(custinsight::detail::check_positive_scalar("config complaint_days",
                                                                         c.complaint_days));
  CUSTINSIGHT_RETURN_IF_ERROR(custinsight::detail::check_positive_scalar(
      "config max_outbound_30d", c.max_outbound_30d));
  // Durations from an hour to a century: beyond them decay weights and periods underflow or
  // overflow and every score would be NaN (the Python dataclass checks the same range).
  for (auto [name, v] : {std::pair{"period_days", c.period_days}, {"horizon_days", c.horizon_days},
                         {"half_life_days", c.half_life_days},
                         {"complaint_days", c.complaint_days}})
    if (!(v >= 1.0 / 24.0 && v <= 36500.0))
      return absl::InvalidArgumentError(absl::StrFormat(
          "config %s = %g: must lie between 0.0416667 (an hour) and 36500 days", name, v));
  if (!(c.support_quality_low >= 0.0 && c.support_quality_low <= 100.0))
    return absl::InvalidArgumentError(
        absl::StrFormat("config support_quality_low = %g: must lie in [0, 100]",
                        c.support_quality_low));
  CUSTINSIGHT_RETURN_IF_ERROR(
      custinsight::detail::validate_scale("config rating_scale", c.rating_scale));
  if (c.clv_months < 1 || c.clv_months > 1200)
    return absl::InvalidArgumentError("config clv_months: must be a whole number in 1..1200");
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_weights(
      "loyalty_weights", {c.loyalty_weights.alive, c.loyalty_weights.value,
                          c.loyalty_weights.frequency}));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_weights(
      "insight_weights", {c.insight_weights.loyalty, c.insight_weights.retention,
                          c.insight_weights.satisfaction}));
  const auto& s = c.segments;
  if (!(0.0 <= s.alive_lost && s.alive_lost <= s.alive_low && s.alive_low <= s.alive_mid &&
        s.alive_mid <= s.alive_high && s.alive_high <= 1.0))
    return absl::InvalidArgumentError(
        "config segments: need 0 <= alive_lost <= alive_low <= alive_mid <= alive_high <= 1");
  return absl::OkStatus();
}

/// @brief Read settings from the JSON written by `InsightConfig.to_json()` (missing keys keep
/// their defaults; unknown keys are errors).
/// @param text JSON text
/// @return the validated settings, or an error naming the setting
inline absl::StatusOr<InsightConfig> config_from_json(std::string_view text) {
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return absl::InvalidArgumentError("config: not valid JSON");
  if (!j.is_object()) return absl::InvalidArgumentError("config: expected a JSON object");
  InsightConfig c;
  for (const auto& [key, value] : j.items()) {
    double* target = nullptr;
    if (key == "model") {
      if (!value.is_string())
        return absl::InvalidArgumentError("config model: must be a string");
      c.model = value.get<std::string>();
      continue;
    }
    if (key == "rating_scale") {
      if (value.is_string()) {
        const RatingScale* named = find_rating_scale(value.get<std::string>());
        if (named == nullptr)
          return absl::InvalidArgumentError(absl::StrFormat(
              "config rating_scale = %s: not a known scale name", value.dump()));
        c.rating_scale = *named;
        continue;
      }
      if (!value.is_array() || value.size() < 2 || value.size() > 3 || !value[0].is_number() ||
          !value[1].is_number() || (value.size() == 3 && !value[2].is_boolean()))
        return absl::InvalidArgumentError(absl::StrFormat(
            "config rating_scale = %s: must be a scale name or [min, max, higher_is_better]",
            value.dump().substr(0, 80)));
      c.rating_scale = {value[0].get<double>(), value[1].get<double>(),
                        value.size() == 3 ? value[2].get<bool>() : true};
      continue;
    }
    if (key == "clv_months") {
      if (!value.is_number_integer() || value.get<long long>() < 1)
        return absl::InvalidArgumentError(absl::StrFormat(
            "config clv_months = %s: must be a positive whole number", value.dump()));
      c.clv_months = value.get<int>();
      continue;
    }
    if (key == "loyalty_weights" || key == "insight_weights" || key == "segments") {
      if (!value.is_object())
        return absl::InvalidArgumentError(
            absl::StrFormat("config %s: must be a table of settings", key));
      for (const auto& [sub, v] : value.items()) {
        double* t = nullptr;
        if (key == "loyalty_weights") {
          if (sub == "alive") t = &c.loyalty_weights.alive;
          if (sub == "value") t = &c.loyalty_weights.value;
          if (sub == "frequency") t = &c.loyalty_weights.frequency;
        } else if (key == "insight_weights") {
          if (sub == "loyalty") t = &c.insight_weights.loyalty;
          if (sub == "retention") t = &c.insight_weights.retention;
          if (sub == "satisfaction") t = &c.insight_weights.satisfaction;
        } else {
          auto& s = c.segments;
          if (sub == "alive_high") t = &s.alive_high;
          if (sub == "alive_mid") t = &s.alive_mid;
          if (sub == "alive_low") t = &s.alive_low;
          if (sub == "alive_lost") t = &s.alive_lost;
          if (sub == "top_percentile") t = &s.top_percentile;
          if (sub == "mid_percentile") t = &s.mid_percentile;
          if (sub == "new_days") t = &s.new_days;
        }
        if (t == nullptr)
          return absl::InvalidArgumentError(
              absl::StrFormat("config has an unknown setting %s.%s", key, sub));
        CUSTINSIGHT_RETURN_IF_ERROR(detail::read_number(v, key + "." + sub, *t));
      }
      continue;
    }
    if (key == "period_days") target = &c.period_days;
    if (key == "horizon_days") target = &c.horizon_days;
    if (key == "discount_rate") target = &c.discount_rate;
    if (key == "penalizer") target = &c.penalizer;
    if (key == "half_life_days") target = &c.half_life_days;
    if (key == "rating_weight") target = &c.rating_weight;
    if (key == "text_weight") target = &c.text_weight;
    if (key == "nps_weight") target = &c.nps_weight;
    if (key == "negative_threshold") target = &c.negative_threshold;
    if (key == "complaint_days") target = &c.complaint_days;
    if (key == "max_outbound_30d") target = &c.max_outbound_30d;
    if (key == "support_quality_low") target = &c.support_quality_low;
    if (key == "label_window_days") target = &c.label_window_days;
    if (key == "churn_C") target = &c.churn_C;
    if (target == nullptr)
      return absl::InvalidArgumentError(absl::StrFormat("config has an unknown setting %s", key));
    CUSTINSIGHT_RETURN_IF_ERROR(detail::read_number(value, key, *target));
  }
  CUSTINSIGHT_RETURN_IF_ERROR(validate(c));
  return c;
}

}  // namespace custinsight::insight
