#pragma once

/// @file alerts.hpp
/// @brief Rules that turn scored responses into cases to follow up, and the trend of each
/// touchpoint against the previous period.
///
/// Rules (each case names the rule that fired; a response can fire several):
/// - detractor: an NPS answer at or below `detractor_max` (6 by default) at a watched group
///   (touchpoint or segment code; all groups when none is watched);
/// - negative_text: a compound sentiment at or below `negative_text_threshold`;
/// - mismatch: the rating and the text disagree (see weighted.hpp);
/// - satisfaction_drop: a customer's mean score in the current period (as_of - period, as_of]
///   is lower than in the previous period (as_of - 2 period, as_of - period] by more than
///   `drop_threshold`; the case points at the customer's latest response in the current period.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "custinsight/satisfaction/common.hpp"
#include "custinsight/status.hpp"

namespace custinsight {

enum class AlertRule : std::int8_t {
  detractor = 0,
  negative_text = 1,
  mismatch = 2,
  satisfaction_drop = 3,
};

inline constexpr const char* alert_rule_name(AlertRule r) {
  switch (r) {
    case AlertRule::detractor: return "detractor";
    case AlertRule::negative_text: return "negative_text";
    case AlertRule::mismatch: return "mismatch";
    case AlertRule::satisfaction_drop: return "satisfaction_drop";
  }
  return "unknown";
}

struct AlertOptions {
  bool detractor = true;
  double detractor_max = 6.0;
  /// Watched groups: watch[g] != 0 watches group g; empty watches all.
  std::vector<std::uint8_t> watch;
  bool negative_text = true;
  double negative_text_threshold = -0.5;
  bool mismatch = true;
  bool satisfaction_drop = true;
  double drop_threshold = 0.5;
  double period = 30.0;  ///< in the units of `time`
  double as_of = 0.0;
};

/// @brief Cases as parallel arrays, ordered by response row, then rule.
struct AlertCases {
  std::vector<std::int64_t> row;      ///< the response the case points at
  std::vector<std::int32_t> customer; ///< its customer code
  std::vector<AlertRule> rule;
  std::vector<double> value;  ///< what fired: the NPS answer, the compound, the score gap or drop
};

/// @brief Per group: mean score in the current and the previous period, and a Welch z test.
struct PeriodTrend {
  std::vector<std::int64_t> n_current, n_previous;
  Eigen::VectorXd current, previous, change, z, p_value;  ///< p_value: two-sided
};

/// @brief Apply the alert rules.
/// @param customer customer code per response (>= 0)
/// @param group touchpoint or segment code per response (negative: none)
/// @param nps NPS answer per response, NaN when none (may be empty)
/// @param compound compound sentiment, NaN without text (may be empty)
/// @param rating_norm normalised rating, NaN when none (may be empty; used for mismatch values)
/// @param mismatch per-response mismatch flags (may be empty)
/// @param score per-response score, NaN when unscored
/// @param time response times, none after as_of
/// @param options the rules to apply and their thresholds
inline absl::StatusOr<AlertCases> satisfaction_alerts(
    std::span<const std::int32_t> customer, std::span<const std::int32_t> group,
    std::span<const double> nps, std::span<const double> compound,
    std::span<const double> rating_norm, std::span<const std::uint8_t> mismatch,
    std::span<const double> score, std::span<const double> time, const AlertOptions& options) {
  const std::size_t n = score.size();
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_same_length("customer", customer.size(), "score", n));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_same_length("group", group.size(), "score", n));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_same_length("time", time.size(), "score", n));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_finite("time", time));
  for (auto [name, v] : {std::pair{"nps", nps}, {"compound", compound}, {"rating_norm", rating_norm}})
    if (!v.empty()) CUSTINSIGHT_RETURN_IF_ERROR(detail::check_same_length(name, v.size(), "score", n));
  if (!mismatch.empty())
    CUSTINSIGHT_RETURN_IF_ERROR(detail::check_same_length("mismatch", mismatch.size(), "score", n));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_positive_scalar("period", options.period));
  if (!std::isfinite(options.as_of)) return absl::InvalidArgumentError("as_of must be finite");
  if (!(options.drop_threshold >= 0.0))
    return absl::InvalidArgumentError("drop_threshold must be non-negative");
  std::int32_t n_customers = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (customer[i] < 0) return detail::invalid_element("customer", i, customer[i], "is missing");
    n_customers = std::max(n_customers, customer[i] + 1);
    if (time[i] > options.as_of) return detail::invalid_element("time", i, time[i], "falls after as_of");
    if (!options.watch.empty() && group[i] >= static_cast<std::int32_t>(options.watch.size()))
      return detail::invalid_element("group", i, group[i], "has no entry in watch");
  }

  AlertCases out;
  auto push = [&](std::size_t i, AlertRule rule, double value) {
    out.row.push_back(static_cast<std::int64_t>(i));
    out.customer.push_back(customer[i]);
    out.rule.push_back(rule);
    out.value.push_back(value);
  };
  // The drop rule needs per-customer period means before the row loop can place its cases.
  const auto c = static_cast<std::size_t>(n_customers);
  std::vector<double> cur_sum(c, 0.0), prev_sum(c, 0.0), cur_n(c, 0.0), prev_n(c, 0.0);
  std::vector<std::int64_t> latest(c, -1);
  const double cur_start = options.as_of - options.period;
  const double prev_start = options.as_of - 2.0 * options.period;
  if (options.satisfaction_drop) {
    for (std::size_t i = 0; i < n; ++i) {
      if (std::isnan(score[i])) continue;
      const auto k = static_cast<std::size_t>(customer[i]);
      if (time[i] > cur_start) {
        cur_sum[k] += score[i];
        cur_n[k] += 1.0;
        if (latest[k] < 0 || time[i] >= time[static_cast<std::size_t>(latest[k])])
          latest[k] = static_cast<std::int64_t>(i);
      } else if (time[i] > prev_start) {
        prev_sum[k] += score[i];
        prev_n[k] += 1.0;
      }
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    const bool watched = options.watch.empty() ||
                         (group[i] >= 0 && options.watch[static_cast<std::size_t>(group[i])]);
    if (options.detractor && watched && !nps.empty() && !std::isnan(nps[i]) &&
        nps[i] <= options.detractor_max)
      push(i, AlertRule::detractor, nps[i]);
    if (options.negative_text && !compound.empty() && !std::isnan(compound[i]) &&
        compound[i] <= options.negative_text_threshold)
      push(i, AlertRule::negative_text, compound[i]);
    if (options.mismatch && !mismatch.empty() && mismatch[i]) {
      const double gap = rating_norm.empty() || compound.empty() ? detail::kNaN
                                                                 : rating_norm[i] - compound[i];
      push(i, AlertRule::mismatch, gap);
    }
    if (options.satisfaction_drop) {
      const auto k = static_cast<std::size_t>(customer[i]);
      if (latest[k] == static_cast<std::int64_t>(i) && prev_n[k] > 0.0) {
        const double drop = prev_sum[k] / prev_n[k] - cur_sum[k] / cur_n[k];
        if (drop > options.drop_threshold) push(i, AlertRule::satisfaction_drop, drop);
      }
    }
  }
  return out;
}

/// @brief Mean score per group in the current period against the previous one.
/// @param group group code per response (negative: none)
/// @param n_groups number of groups
/// @param score per-response score, NaN when unscored
/// @param time response times
/// @param as_of end of the current period
/// @param period length of each period, in the units of `time`
inline absl::StatusOr<PeriodTrend> period_trend(std::span<const std::int32_t> group,
                                                std::int32_t n_groups,
                                                std::span<const double> score,
                                                std::span<const double> time, double as_of,
                                                double period) {
  const std::size_t n = score.size();
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_groups(group, n_groups, "score", n));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_same_length("time", time.size(), "score", n));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_finite("time", time));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_positive_scalar("period", period));
  if (!std::isfinite(as_of)) return absl::InvalidArgumentError("as_of must be finite");
  const auto g = static_cast<std::size_t>(n_groups);
  std::vector<double> s[2] = {std::vector<double>(g, 0.0), std::vector<double>(g, 0.0)};
  std::vector<double> ss[2] = {std::vector<double>(g, 0.0), std::vector<double>(g, 0.0)};
  PeriodTrend out;
  out.n_current.assign(g, 0);
  out.n_previous.assign(g, 0);
  for (std::size_t i = 0; i < n; ++i) {
    if (group[i] < 0 || std::isnan(score[i]) || time[i] > as_of) continue;
    int p;
    if (time[i] > as_of - period) {
      p = 0;
    } else if (time[i] > as_of - 2.0 * period) {
      p = 1;
    } else {
      continue;
    }
    const auto k = static_cast<std::size_t>(group[i]);
    s[p][k] += score[i];
    ss[p][k] += score[i] * score[i];
    ++(p == 0 ? out.n_current : out.n_previous)[k];
  }
  const auto gi = static_cast<Eigen::Index>(g);
  for (auto v : {&out.current, &out.previous, &out.change, &out.z, &out.p_value})
    *v = Eigen::VectorXd::Constant(gi, detail::kNaN);
  for (std::size_t k = 0; k < g; ++k) {
    const auto j = static_cast<Eigen::Index>(k);
    const double n0 = static_cast<double>(out.n_current[k]);
    const double n1 = static_cast<double>(out.n_previous[k]);
    if (n0 > 0) out.current[j] = s[0][k] / n0;
    if (n1 > 0) out.previous[j] = s[1][k] / n1;
    if (n0 > 0 && n1 > 0) out.change[j] = out.current[j] - out.previous[j];
    if (n0 < 2 || n1 < 2) continue;
    const double v0 = std::max(0.0, (ss[0][k] - n0 * out.current[j] * out.current[j]) / (n0 - 1));
    const double v1 = std::max(0.0, (ss[1][k] - n1 * out.previous[j] * out.previous[j]) / (n1 - 1));
    const double se = std::sqrt(v0 / n0 + v1 / n1);
    if (!(se > 0.0)) continue;
    out.z[j] = out.change[j] / se;
    out.p_value[j] = 2.0 * detail::normal_cdf(-std::abs(out.z[j]));
  }
  return out;
}

}  // namespace custinsight
