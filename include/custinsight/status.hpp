#pragma once

/// @file status.hpp
/// @brief Error reporting for the core: every fallible function returns absl::Status or
/// absl::StatusOr<T>, and messages name the argument, the first offending index and its value,
/// so that a caller holding a million rows can find the bad one.

#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"

/// Propagate a non-OK absl::Status from the enclosing function.
#define CUSTINSIGHT_RETURN_IF_ERROR(expr)                  \
  do {                                                     \
    if (::absl::Status _ci_status = (expr); !_ci_status.ok()) \
      return _ci_status;                                   \
  } while (false)

#define CUSTINSIGHT_CONCAT_INNER(a, b) a##b
#define CUSTINSIGHT_CONCAT(a, b) CUSTINSIGHT_CONCAT_INNER(a, b)
/// Assign the value of an absl::StatusOr to `lhs`, or return its error.
#define CUSTINSIGHT_ASSIGN_OR_RETURN(lhs, expr)                            \
  auto CUSTINSIGHT_CONCAT(_ci_statusor_, __LINE__) = (expr);               \
  if (!CUSTINSIGHT_CONCAT(_ci_statusor_, __LINE__).ok())                   \
    return CUSTINSIGHT_CONCAT(_ci_statusor_, __LINE__).status();           \
  lhs = std::move(CUSTINSIGHT_CONCAT(_ci_statusor_, __LINE__)).value()

namespace custinsight::detail {

/// "amount[12] = -3.5: must be non-negative"
template <class T>
absl::Status invalid_element(std::string_view argument, std::size_t index, T value,
                             std::string_view why) {
  if constexpr (std::is_floating_point_v<T>) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s[%d] = %.17g: %s", argument, index, static_cast<double>(value), why));
  } else {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s[%d] = %d: %s", argument, index, static_cast<long long>(value), why));
  }
}

inline absl::Status check_not_empty(std::string_view argument, std::size_t size) {
  if (size == 0) return absl::InvalidArgumentError(absl::StrFormat("%s is empty", argument));
  return absl::OkStatus();
}

inline absl::Status check_same_length(std::string_view argument, std::size_t size,
                                      std::string_view reference, std::size_t reference_size) {
  if (size != reference_size) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s has length %d but %s has length %d", argument, size, reference, reference_size));
  }
  return absl::OkStatus();
}

/// The first non-finite element is reported; finite input passes.
template <class T>
absl::Status check_finite(std::string_view argument, std::span<const T> values) {
  if constexpr (std::is_floating_point_v<T>) {
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (!std::isfinite(values[i])) {
        return invalid_element(argument, i, values[i], "must be finite");
      }
    }
  }
  return absl::OkStatus();
}

template <class T>
absl::Status check_non_negative(std::string_view argument, std::span<const T> values) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!(values[i] >= T{0})) return invalid_element(argument, i, values[i], "must be non-negative");
  }
  return absl::OkStatus();
}

/// A scalar that must be finite and strictly positive (a rate, a scale, a multiplier).
inline absl::Status check_positive_scalar(std::string_view argument, double value) {
  if (!(std::isfinite(value) && value > 0.0)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s = %.17g: must be finite and positive", argument, value));
  }
  return absl::OkStatus();
}

}  // namespace custinsight::detail
