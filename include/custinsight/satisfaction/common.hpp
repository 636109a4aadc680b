#pragma once

/// @file common.hpp
/// @brief Shared pieces of the satisfaction area: rating scales, group codes and the normal
/// distribution used by the intervals and significance tests.

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <span>
#include <string_view>

#include "custinsight/status.hpp"

namespace custinsight {

/// @brief A rating scale: its end points and which end is good.
///
/// CSAT is usually 1-5 (higher is better), NPS 0-10, CES 1-7 ("the company made it easy":
/// higher is easier) or 1-5 (effort: lower is better).
struct RatingScale {
  double min = 1.0;
  double max = 5.0;
  bool higher_is_better = true;
};

/// A rating scale with a name (the names users pass instead of end points).
struct NamedRatingScale {
  const char* name;
  RatingScale scale;
};

/// The named rating scales, written once: the Python `SCALES`, the insight settings'
/// rating_scale and custinsight-score all read this table.
inline constexpr std::array<NamedRatingScale, 9> kRatingScales = {{
    {"csat_5", {1.0, 5.0, true}},
    {"csat_7", {1.0, 7.0, true}},
    {"stars_5", {1.0, 5.0, true}},
    {"nps", {0.0, 10.0, true}},
    {"ces_7", {1.0, 7.0, true}},         // "the company made it easy": 7 is easiest
    {"ces_5_effort", {1.0, 5.0, false}},  // "how much effort": 1 is least effort
    {"likert_5", {1.0, 5.0, true}},
    {"likert_7", {1.0, 7.0, true}},
    {"thumbs", {0.0, 1.0, true}},
}};

/// @brief The named scale, or nullptr.
inline const RatingScale* find_rating_scale(std::string_view name) {
  for (const auto& s : kRatingScales)
    if (name == s.name) return &s.scale;
  return nullptr;
}

namespace detail {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

inline absl::Status validate_scale(std::string_view argument, const RatingScale& s) {
  if (!(std::isfinite(s.min) && std::isfinite(s.max) && s.min < s.max)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s = [%g, %g]: needs finite end points with min < max", argument, s.min, s.max));
  }
  return absl::OkStatus();
}

/// Ratings may be NaN (not rated); anything else must be a finite value on the scale.
inline absl::Status check_on_scale(std::string_view argument, std::span<const double> values,
                                   const RatingScale& s) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double v = values[i];
    if (std::isnan(v)) continue;
    if (!(v >= s.min && v <= s.max)) {
      return invalid_element(argument, i, v,
                             absl::StrFormat("outside the rating scale [%g, %g]", s.min, s.max));
    }
  }
  return absl::OkStatus();
}

/// Group codes are 0..n_groups-1; a negative code puts the row in no group (pandas drops
/// missing group keys the same way).
inline absl::Status check_groups(std::span<const std::int32_t> group, std::int32_t n_groups,
                                 std::string_view reference, std::size_t reference_size) {
  CUSTINSIGHT_RETURN_IF_ERROR(check_same_length("group", group.size(), reference, reference_size));
  if (n_groups < 0) {
    return absl::InvalidArgumentError(absl::StrFormat("n_groups = %d: must be >= 0", n_groups));
  }
  for (std::size_t i = 0; i < group.size(); ++i) {
    if (group[i] >= n_groups) {
      return invalid_element("group", i, group[i],
                             absl::StrFormat("must be below n_groups = %d", n_groups));
    }
  }
  return absl::OkStatus();
}

inline absl::Status check_probability_open(std::string_view argument, double value) {
  if (!(value > 0.0 && value < 1.0)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s = %.17g: must be strictly between 0 and 1", argument, value));
  }
  return absl::OkStatus();
}

inline double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::numbers::sqrt2); }

/// Inverse of the standard normal CDF: Acklam's rational approximation (relative error
/// 1.15e-9) polished by one Halley step on erfc, which brings it to double precision.
inline double normal_quantile(double p) {
  if (!(p > 0.0 && p < 1.0)) {
    if (p == 0.0) return -std::numeric_limits<double>::infinity();
    if (p == 1.0) return std::numeric_limits<double>::infinity();
    return kNaN;
  }
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                 -2.759285104469687e+02, 1.383577518672690e+02,
                                 -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                 -1.556989798598866e+02, 6.680131188771972e+01,
                                 -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                 -2.400758277161838e+00, -2.549732539343734e+00,
                                 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                 2.445134137142996e+00, 3.754408661907416e+00};
  constexpr double p_low = 0.02425;
  double x;
  if (p < p_low) {
    const double q = std::sqrt(-2.0 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  } else if (p <= 1.0 - p_low) {
    const double q = p - 0.5;
    const double r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
  } else {
    const double q = std::sqrt(-2.0 * std::log(1.0 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  }
  const double e = normal_cdf(x) - p;
  const double u = e * std::sqrt(2.0 * std::numbers::pi) * std::exp(0.5 * x * x);
  return x - u / (1.0 + 0.5 * x * u);
}

}  // namespace detail
}  // namespace custinsight
