#pragma once

/// @file clv.hpp
/// @brief Customer lifetime value as lifetimes defines it: over `time` months, the expected
/// purchases of each month (the difference of cumulative conditional expectations) times the
/// expected spend per purchase, discounted monthly at `discount_rate`.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <span>
#include <string_view>
#include <vector>

#include "custinsight/status.hpp"

namespace custinsight {

/// @brief Model time units per month in lifetimes' convention: "W" 4.345, "M" 1, "D" 30,
/// "H" 720.
inline absl::StatusOr<double> periods_per_month(std::string_view freq) {
  if (freq == "W") return 4.345;
  if (freq == "M") return 1.0;
  if (freq == "D") return 30.0;
  if (freq == "H") return 720.0;
  return absl::InvalidArgumentError(
      absl::StrFormat("freq = '%s': must be one of 'W', 'M', 'D', 'H'", freq));
}

/// @brief CLV of each customer.
/// @param model a fitted transaction model with conditional_expected_at_horizons
/// @param monetary_value expected spend per purchase (e.g. Gamma-Gamma's conditional
/// expected average profit)
/// @param time months to sum over
/// @param discount_rate monthly discount rate
/// @param months_to_periods model time units per month (see periods_per_month)
template <class Model>
absl::StatusOr<Eigen::ArrayXd> customer_lifetime_value(
    const Model& model, std::span<const double> frequency, std::span<const double> recency,
    std::span<const double> T, std::span<const double> monetary_value, int time,
    double discount_rate, double months_to_periods) {
  CUSTINSIGHT_RETURN_IF_ERROR(
      detail::check_same_length("monetary_value", monetary_value.size(), "frequency", frequency.size()));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_finite("monetary_value", monetary_value));
  if (time < 1 || time > 1200)
    return absl::InvalidArgumentError(absl::StrFormat("time = %d: must be in [1, 1200] months", time));
  if (!(std::isfinite(discount_rate) && discount_rate > -1.0))
    return absl::InvalidArgumentError(
        absl::StrFormat("discount_rate = %.17g: must be finite and > -1", discount_rate));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_positive_scalar("months_to_periods", months_to_periods));
  const auto n = static_cast<Eigen::Index>(frequency.size());
  if constexpr (requires {
                  model.weighted_expected_at_horizons(std::span<const double>{},
                                                      std::span<const double>{}, frequency,
                                                      recency, T);
                }) {
    // sum_i d_i (E_i - E_{i-1}) = sum_i (d_i - d_{i+1}) E_i with d_{time+1} = 0: one weighted
    // sum over horizons per customer, without the customers x months matrix.
    std::vector<double> horizons, weights;
    for (int i = 1; i <= time; ++i) {
      horizons.push_back(i * months_to_periods);
      const double d = std::pow(1.0 + discount_rate, -static_cast<double>(i));
      const double next = i < time ? std::pow(1.0 + discount_rate, -static_cast<double>(i + 1)) : 0.0;
      weights.push_back(d - next);
    }
    CUSTINSIGHT_ASSIGN_OR_RETURN(
        Eigen::ArrayXd sum,
        model.weighted_expected_at_horizons(horizons, weights, frequency, recency, T));
    return sum * Eigen::Map<const Eigen::ArrayXd>(monetary_value.data(), n);
  }
  Eigen::ArrayXd clv = Eigen::ArrayXd::Zero(n);
  Eigen::ArrayXd previous = Eigen::ArrayXd::Zero(n);
  constexpr int kBlock = 64;
  for (int first = 1; first <= time; first += kBlock) {
    const int last = std::min(time, first + kBlock - 1);
    std::vector<double> horizons;
    for (int i = first; i <= last; ++i) horizons.push_back(i * months_to_periods);
    CUSTINSIGHT_ASSIGN_OR_RETURN(
        Eigen::MatrixXd e, model.conditional_expected_at_horizons(horizons, frequency, recency, T));
    for (int i = first; i <= last; ++i) {
      const Eigen::ArrayXd cumulative = e.col(i - first).array();
      const double discount = std::pow(1.0 + discount_rate, -static_cast<double>(i));
      for (Eigen::Index c = 0; c < n; ++c)
        clv[c] += monetary_value[static_cast<std::size_t>(c)] * (cumulative[c] - previous[c]) * discount;
      previous = cumulative;
    }
  }
  return clv;
}

}  // namespace custinsight
