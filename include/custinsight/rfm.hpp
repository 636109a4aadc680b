#pragma once

/// @file rfm.hpp
/// @brief Transaction log -> per-customer recency/frequency/monetary summary, the sufficient
/// statistics of every buy-till-you-die model, with the same definitions as lifetimes'
/// `summary_data_from_transaction_data` and `calibration_and_holdout_data`.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "custinsight/parallel.hpp"
#include "custinsight/status.hpp"

namespace custinsight {

/// @brief How a timestamp maps to a purchase period:
/// `period = floor((time + offset) / ticks_per_period)`.
///
/// With nanosecond timestamps, `ticks_per_period = 86'400e9` gives days; weeks that start on
/// Monday (pandas' "W") use `7 * 86'400e9` with an offset of three days, since 1970-01-01 was a
/// Thursday. With float times already measured in periods, keep the defaults.
template <class Tick>
struct PeriodSpec {
  Tick ticks_per_period = Tick{1};
  Tick offset = Tick{0};
  /// Recency and T are reported in periods divided by this (lifetimes' `freq_multiplier`).
  double freq_multiplier = 1.0;
};

struct RfmOptions {
  /// Count the first purchase in frequency and monetary value (lifetimes'
  /// `include_first_transaction`); the models expect false.
  bool include_first_transaction = false;
};

/// @brief One row per customer, sorted by customer id.
struct RfmSummary {
  std::vector<std::int64_t> customer_id;
  Eigen::VectorXd frequency;       ///< repeat purchase periods
  Eigen::VectorXd recency;         ///< first to last purchase period
  Eigen::VectorXd T;               ///< first purchase period to the end of observation
  Eigen::VectorXd monetary_value;  ///< mean spend per repeat period (0 without repeats); empty
                                   ///< when no amounts were given
  [[nodiscard]] std::size_t size() const { return customer_id.size(); }
};

/// @brief A calibration summary with the holdout outcome of each calibration customer.
struct CalibrationHoldout {
  RfmSummary calibration;
  Eigen::VectorXd frequency_holdout;       ///< distinct purchase periods in the holdout
  Eigen::VectorXd monetary_value_holdout;  ///< mean holdout transaction amount (0 if none);
                                           ///< empty when no amounts were given
  double duration_holdout = 0.0;           ///< holdout length in periods / freq_multiplier
};

namespace detail {

/// The period of `time`, or nothing when it has none: when `time + offset` overflows, or the
/// period does not fit in 64 bits (a float time of 1e300 periods, or a tiny ticks_per_period).
template <class Tick>
std::optional<std::int64_t> period_of(Tick time, const PeriodSpec<Tick>& spec) {
  if constexpr (std::is_floating_point_v<Tick>) {
    const double p = std::floor((time + spec.offset) / spec.ticks_per_period);
    // [-2^63, 2^63) is exactly the doubles that convert to int64 without undefined behaviour.
    if (!(p >= -0x1p63 && p < 0x1p63)) return std::nullopt;
    return static_cast<std::int64_t>(p);
  } else {
    Tick shifted{};
    if (__builtin_add_overflow(time, spec.offset, &shifted)) return std::nullopt;
    Tick q = shifted / spec.ticks_per_period;
    if ((shifted % spec.ticks_per_period != 0) && ((shifted < 0) != (spec.ticks_per_period < 0))) --q;
    return static_cast<std::int64_t>(q);
  }
}

/// `later - earlier` periods as a double, without overflowing when the two are more than 2^63
/// apart (equal to the exact difference whenever that fits).
inline double period_span(std::int64_t later, std::int64_t earlier) {
  std::int64_t d = 0;
  if (__builtin_sub_overflow(later, earlier, &d))
    return static_cast<double>(later) - static_cast<double>(earlier);
  return static_cast<double>(d);
}

/// Every period of a log, or an error naming the first time without one or after `end_period`.
template <class Tick>
absl::Status periods_of(std::span<const Tick> time, const PeriodSpec<Tick>& spec,
                        std::int64_t end_period, std::vector<std::int64_t>& period) {
  period.resize(time.size());
  for (std::size_t i = 0; i < time.size(); ++i) {
    const std::optional<std::int64_t> p = period_of(time[i], spec);
    if (!p) return invalid_element("time", i, time[i], "its period does not fit in 64 bits");
    if (*p > end_period)
      return invalid_element("time", i, time[i], "falls after observation_period_end");
    period[i] = *p;
  }
  return absl::OkStatus();
}

/// The period of an end-of-period argument, or an error naming it.
template <class Tick>
absl::StatusOr<std::int64_t> end_period_of(std::string_view argument, Tick end,
                                           const PeriodSpec<Tick>& spec) {
  if constexpr (std::is_floating_point_v<Tick>) {
    if (!std::isfinite(end))
      return absl::InvalidArgumentError(absl::StrFormat("%s must be finite", argument));
  }
  const std::optional<std::int64_t> p = period_of(end, spec);
  if (!p) {
    std::string value;
    if constexpr (std::is_floating_point_v<Tick>) {
      value = absl::StrFormat("%.17g", static_cast<double>(end));
    } else {
      value = absl::StrFormat("%d", static_cast<long long>(end));
    }
    return absl::InvalidArgumentError(
        absl::StrFormat("%s = %s: its period does not fit in 64 bits", argument, value));
  }
  return *p;
}

/// Recency and T are spans of periods divided by freq_multiplier: refuse a multiplier so small
/// that the longest span (from the earliest purchase to the end) would overflow to infinity.
inline absl::Status check_spans(std::span<const std::int64_t> period, std::int64_t end_period,
                                double multiplier) {
  if (period.empty()) return absl::OkStatus();
  const std::int64_t earliest = *std::min_element(period.begin(), period.end());
  if (!std::isfinite(period_span(end_period, earliest) / multiplier))
    return absl::InvalidArgumentError(absl::StrFormat(
        "freq_multiplier = %.17g: the span of %.17g periods divided by it overflows", multiplier,
        period_span(end_period, earliest)));
  return absl::OkStatus();
}

/// Customers in ascending id order; `code[i]` is the rank of row i's customer.
struct Factorized {
  std::vector<std::int64_t> unique_ids;
  std::vector<std::int32_t> code;
};

/// Ids packed in a narrow range (1..N, the usual case) are ranked through a direct lookup
/// table, which is several times faster than hashing; the result is the same.
inline bool factorize_dense(std::span<const std::int64_t> ids, Factorized& out) {
  const auto [lo_it, hi_it] = std::minmax_element(ids.begin(), ids.end());
  const std::int64_t lo = *lo_it, hi = *hi_it;
  const auto range = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
  if (range >= std::max<std::uint64_t>(4 * ids.size(), 1u << 16)) return false;
  std::vector<std::int32_t> rank(range + 1, 0);
  for (const std::int64_t id : ids) rank[static_cast<std::size_t>(id - lo)] = 1;
  std::int32_t next = 0;
  for (std::size_t k = 0; k < rank.size(); ++k) {
    if (rank[k]) {
      out.unique_ids.push_back(lo + static_cast<std::int64_t>(k));
      rank[k] = next++;
    }
  }
  out.code.resize(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) out.code[i] = rank[static_cast<std::size_t>(ids[i] - lo)];
  return true;
}

inline Factorized factorize_sorted(std::span<const std::int64_t> ids) {
  Factorized out;
  if (ids.empty() || factorize_dense(ids, out)) return out;
  absl::flat_hash_map<std::int64_t, std::int32_t> first_code;
  first_code.reserve(std::min<std::size_t>(ids.size(), 1u << 20));
  out.code.resize(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto [it, inserted] =
        first_code.try_emplace(ids[i], static_cast<std::int32_t>(out.unique_ids.size()));
    if (inserted) out.unique_ids.push_back(ids[i]);
    out.code[i] = it->second;
  }
  // Re-rank by id so that the output order matches lifetimes' (sorted by customer).
  std::vector<std::int32_t> order(out.unique_ids.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](std::int32_t a, std::int32_t b) { return out.unique_ids[a] < out.unique_ids[b]; });
  std::vector<std::int32_t> rank(order.size());
  std::vector<std::int64_t> sorted_ids(order.size());
  for (std::size_t r = 0; r < order.size(); ++r) {
    rank[order[r]] = static_cast<std::int32_t>(r);
    sorted_ids[r] = out.unique_ids[order[r]];
  }
  for (auto& c : out.code) c = rank[c];
  out.unique_ids = std::move(sorted_ids);
  return out;
}

struct Purchase {
  std::int64_t period;
  double amount;
};

/// Rows grouped by customer (a counting sort: linear in the number of transactions).
struct GroupedPurchases {
  std::vector<std::int64_t> offsets;  // customer c owns [offsets[c], offsets[c + 1])
  std::vector<Purchase> purchases;
};

inline GroupedPurchases group_by_customer(std::size_t n_customers,
                                          std::span<const std::int32_t> code,
                                          std::span<const std::int64_t> period,
                                          std::span<const double> amount,
                                          std::span<const std::uint8_t> keep) {
  GroupedPurchases g;
  g.offsets.assign(n_customers + 1, 0);
  for (std::size_t i = 0; i < code.size(); ++i)
    if (keep.empty() || keep[i]) ++g.offsets[static_cast<std::size_t>(code[i]) + 1];
  std::partial_sum(g.offsets.begin(), g.offsets.end(), g.offsets.begin());
  g.purchases.resize(static_cast<std::size_t>(g.offsets.back()));
  std::vector<std::int64_t> cursor(g.offsets.begin(), g.offsets.end() - 1);
  for (std::size_t i = 0; i < code.size(); ++i) {
    if (!keep.empty() && !keep[i]) continue;
    g.purchases[static_cast<std::size_t>(cursor[static_cast<std::size_t>(code[i])]++)] =
        Purchase{period[i], amount.empty() ? 0.0 : amount[i]};
  }
  return g;
}

template <class Tick>
absl::Status validate_log(std::span<const std::int64_t> customer_id, std::span<const Tick> time,
                          std::span<const double> amount) {
  CUSTINSIGHT_RETURN_IF_ERROR(check_not_empty("customer_id", customer_id.size()));
  CUSTINSIGHT_RETURN_IF_ERROR(check_same_length("time", time.size(), "customer_id", customer_id.size()));
  if (!amount.empty()) {
    CUSTINSIGHT_RETURN_IF_ERROR(
        check_same_length("monetary_value", amount.size(), "customer_id", customer_id.size()));
    CUSTINSIGHT_RETURN_IF_ERROR(check_finite("monetary_value", amount));
    CUSTINSIGHT_RETURN_IF_ERROR(check_non_negative("monetary_value", amount));
    // Amounts are non-negative, so every customer's total is at most this one: if it is finite,
    // no per-customer sum can overflow to infinity.
    double total = 0.0;
    for (const double a : amount) total += a;
    if (!std::isfinite(total)) {
      return absl::InvalidArgumentError(
          "monetary_value: the amounts add up to more than the largest double; rescale them");
    }
  }
  CUSTINSIGHT_RETURN_IF_ERROR(check_finite("time", time));
  if (customer_id.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
    return absl::InvalidArgumentError("customer_id: more than 2^31 - 1 transactions in one call");
  }
  return absl::OkStatus();
}

template <class Tick>
absl::Status validate_spec(const PeriodSpec<Tick>& spec) {
  if (!(spec.ticks_per_period > Tick{0}))
    return absl::InvalidArgumentError("ticks_per_period must be positive");
  if constexpr (std::is_floating_point_v<Tick>) {
    if (!std::isfinite(spec.ticks_per_period) || !std::isfinite(spec.offset))
      return absl::InvalidArgumentError("ticks_per_period and offset must be finite");
  }
  return check_positive_scalar("freq_multiplier", spec.freq_multiplier);
}

/// Summarise grouped purchases; customers without purchases in `g` are left at zero.
inline void summarise_groups(GroupedPurchases& g, std::int64_t end_period, double multiplier,
                             bool with_amount, const RfmOptions& options, RfmSummary& out) {
  const auto n = static_cast<std::ptrdiff_t>(g.offsets.size() - 1);
  out.frequency.setZero(n);
  out.recency.setZero(n);
  out.T.setZero(n);
  if (with_amount) out.monetary_value.setZero(n);
  parallel_for(n, [&](std::ptrdiff_t c) {
    auto first = g.purchases.begin() + g.offsets[c];
    auto last = g.purchases.begin() + g.offsets[c + 1];
    if (first == last) return;
    // Within a period amounts are summed in ascending order, as lifetimes' sort then sum does.
    std::sort(first, last, [](const Purchase& x, const Purchase& y) {
      return x.period != y.period ? x.period < y.period : x.amount < y.amount;
    });
    std::int64_t periods = 0;
    double repeat_total = 0.0;
    double first_period_total = 0.0;
    for (auto it = first; it != last;) {
      double period_total = 0.0;
      const std::int64_t p = it->period;
      for (; it != last && it->period == p; ++it) period_total += it->amount;
      if (periods == 0) first_period_total = period_total; else repeat_total += period_total;
      ++periods;
    }
    const std::int64_t first_period = first->period;
    const std::int64_t last_period = (last - 1)->period;
    const std::int64_t repeats = periods - 1;
    out.frequency[c] = static_cast<double>(options.include_first_transaction ? periods : repeats);
    out.recency[c] = period_span(last_period, first_period) / multiplier;
    out.T[c] = period_span(end_period, first_period) / multiplier;
    if (with_amount) {
      if (options.include_first_transaction) {
        out.monetary_value[c] = (repeat_total + first_period_total) / static_cast<double>(periods);
      } else {
        out.monetary_value[c] = repeats > 0 ? repeat_total / static_cast<double>(repeats) : 0.0;
      }
    }
  });
}

}  // namespace detail

/// @brief Summarise a transaction log per customer.
/// @param customer_id one id per transaction (any order)
/// @param time transaction times in ticks (see PeriodSpec)
/// @param amount transaction amounts, or an empty span for no monetary value
/// @param observation_end end of observation, in ticks; no transaction may fall in a later period
/// @param spec how ticks map to periods
/// @return one row per customer sorted by id, or InvalidArgument naming the first bad row
template <class Tick>
absl::StatusOr<RfmSummary> rfm_summary(std::span<const std::int64_t> customer_id,
                                       std::span<const Tick> time, std::span<const double> amount,
                                       Tick observation_end, const PeriodSpec<Tick>& spec = {},
                                       const RfmOptions& options = {}) {
  CUSTINSIGHT_RETURN_IF_ERROR(detail::validate_log(customer_id, time, amount));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::validate_spec(spec));
  CUSTINSIGHT_ASSIGN_OR_RETURN(const std::int64_t end_period,
                               detail::end_period_of("observation_period_end", observation_end, spec));
  std::vector<std::int64_t> period;
  CUSTINSIGHT_RETURN_IF_ERROR(detail::periods_of(time, spec, end_period, period));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_spans(period, end_period, spec.freq_multiplier));
  detail::Factorized f = detail::factorize_sorted(customer_id);
  detail::GroupedPurchases g =
      detail::group_by_customer(f.unique_ids.size(), f.code, period, amount, {});
  RfmSummary out;
  out.customer_id = std::move(f.unique_ids);
  detail::summarise_groups(g, end_period, spec.freq_multiplier, !amount.empty(), options, out);
  return out;
}

/// @brief Split a log at `calibration_end`: the calibration summary of every customer who bought
/// by then, and what each of them did in (calibration_end, observation_end].
template <class Tick>
absl::StatusOr<CalibrationHoldout> calibration_and_holdout(
    std::span<const std::int64_t> customer_id, std::span<const Tick> time,
    std::span<const double> amount, Tick calibration_end, Tick observation_end,
    const PeriodSpec<Tick>& spec = {}, const RfmOptions& options = {}) {
  CUSTINSIGHT_RETURN_IF_ERROR(detail::validate_log(customer_id, time, amount));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::validate_spec(spec));
  if constexpr (std::is_floating_point_v<Tick>) {
    if (!std::isfinite(calibration_end) || !std::isfinite(observation_end))
      return absl::InvalidArgumentError("calibration_period_end and observation_period_end must be finite");
  }
  if (!(calibration_end < observation_end)) {
    return absl::InvalidArgumentError(
        "calibration_period_end must be before observation_period_end");
  }
  CUSTINSIGHT_ASSIGN_OR_RETURN(const std::int64_t cal_period,
                               detail::end_period_of("calibration_period_end", calibration_end, spec));
  CUSTINSIGHT_ASSIGN_OR_RETURN(const std::int64_t end_period,
                               detail::end_period_of("observation_period_end", observation_end, spec));
  const std::size_t n = time.size();
  std::vector<std::int64_t> period;
  CUSTINSIGHT_RETURN_IF_ERROR(detail::periods_of(time, spec, end_period, period));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_spans(period, end_period, spec.freq_multiplier));
  std::vector<std::uint8_t> in_calibration(n), in_holdout(n);
  for (std::size_t i = 0; i < n; ++i) {
    in_calibration[i] = time[i] <= calibration_end;
    in_holdout[i] = !in_calibration[i] && time[i] <= observation_end;
  }
  detail::Factorized f = detail::factorize_sorted(customer_id);
  const std::size_t n_all = f.unique_ids.size();
  detail::GroupedPurchases cal = detail::group_by_customer(n_all, f.code, period, amount, in_calibration);
  detail::GroupedPurchases hold = detail::group_by_customer(n_all, f.code, period, amount, in_holdout);

  RfmSummary all;
  all.customer_id = f.unique_ids;
  detail::summarise_groups(cal, cal_period, spec.freq_multiplier, !amount.empty(), options, all);

  // Holdout: distinct periods, and the mean of raw transaction amounts (lifetimes' definition).
  Eigen::VectorXd freq_hold = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(n_all));
  Eigen::VectorXd money_hold = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(n_all));
  detail::parallel_for(static_cast<std::ptrdiff_t>(n_all), [&](std::ptrdiff_t c) {
    auto first = hold.purchases.begin() + hold.offsets[c];
    auto last = hold.purchases.begin() + hold.offsets[c + 1];
    if (first == last) return;
    std::sort(first, last, [](const detail::Purchase& x, const detail::Purchase& y) {
      return x.period != y.period ? x.period < y.period : x.amount < y.amount;
    });
    double total = 0.0;
    std::int64_t periods = 0;
    for (auto it = first; it != last; ++it) {
      total += it->amount;
      if (it == first || it->period != (it - 1)->period) ++periods;
    }
    freq_hold[c] = static_cast<double>(periods);
    money_hold[c] = total / static_cast<double>(last - first);
  });

  // Keep only customers seen in the calibration period.
  std::vector<Eigen::Index> keep;
  keep.reserve(n_all);
  for (std::size_t c = 0; c < n_all; ++c)
    if (cal.offsets[c + 1] > cal.offsets[c]) keep.push_back(static_cast<Eigen::Index>(c));
  if (keep.empty()) {
    return absl::InvalidArgumentError("no transaction falls on or before calibration_period_end");
  }
  CalibrationHoldout out;
  out.calibration.customer_id.resize(keep.size());
  for (std::size_t k = 0; k < keep.size(); ++k)
    out.calibration.customer_id[k] = all.customer_id[static_cast<std::size_t>(keep[k])];
  out.calibration.frequency = all.frequency(keep);
  out.calibration.recency = all.recency(keep);
  out.calibration.T = all.T(keep);
  if (!amount.empty()) {
    out.calibration.monetary_value = all.monetary_value(keep);
    out.monetary_value_holdout = money_hold(keep);
  }
  out.frequency_holdout = freq_hold(keep);
  out.duration_holdout = detail::period_span(end_period, cal_period) / spec.freq_multiplier;
  return out;
}

}  // namespace custinsight
