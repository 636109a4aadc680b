#pragma once

/// @file rollup.hpp
/// @brief Per-response scores rolled up per customer and per group (touchpoint or any segment),
/// and the consistency of service across touchpoints.
///
/// Weighted satisfaction is sum(weight * score) / sum(weight) over scored responses (the
/// weights of weighted.hpp: evidence times age decay). A customer's trend is the ordinary
/// least-squares slope of score on time over their scored responses, per unit of time.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "custinsight/parallel.hpp"
#include "custinsight/satisfaction/common.hpp"
#include "custinsight/status.hpp"

namespace custinsight {

/// @brief One row per customer code.
struct CustomerRollup {
  Eigen::VectorXd satisfaction;  ///< weighted satisfaction, NaN without scored responses
  Eigen::VectorXd total_weight;
  std::vector<std::int64_t> n_responses;  ///< all responses
  std::vector<std::int64_t> n_scored;     ///< responses with a score
  Eigen::VectorXd latest_time;
  std::vector<std::int32_t> latest_touchpoint;  ///< of the latest response (the later row on ties)
  Eigen::VectorXd trend;           ///< slope of score per unit of time, NaN with < 2 distinct times
  Eigen::VectorXd negative_share;  ///< share of scored responses flagged negative
  Eigen::VectorXd mismatch_share;  ///< share of scored responses flagged as mismatches
};

/// @brief One row per group code.
struct GroupRollup {
  std::vector<std::int64_t> volume;    ///< all responses
  std::vector<std::int64_t> n_scored;  ///< responses with a score
  std::vector<std::int64_t> n_text;    ///< responses with a compound sentiment
  Eigen::VectorXd mean_sentiment;      ///< plain mean of the compounds
  Eigen::VectorXd satisfaction;        ///< weighted satisfaction
  Eigen::VectorXd satisfaction_sd;     ///< weighted standard deviation of the scores
  Eigen::VectorXd effective_n;         ///< Kish's (sum w)^2 / sum w^2
  Eigen::VectorXd negative_share;
  Eigen::VectorXd mismatch_share;
};

/// @brief How consistent the touchpoints are, and which fall significantly below the rest.
///
/// Each group's weighted mean is compared with the weighted mean of all other groups' responses
/// by a Welch z statistic using Kish effective sample sizes; a group is `below` when the
/// one-sided p-value is under alpha / (number of groups tested) (Bonferroni).
struct Consistency {
  double spread_sd = detail::kNaN;  ///< standard deviation of the group means
  double range = detail::kNaN;      ///< highest minus lowest group mean
  Eigen::VectorXd difference;       ///< group mean minus the mean of the rest
  Eigen::VectorXd z;
  Eigen::VectorXd p_value;          ///< one-sided: the group is below the rest
  std::vector<std::uint8_t> below;
};

namespace detail {

inline absl::Status validate_scored(std::span<const double> score, std::span<const double> weight) {
  CUSTINSIGHT_RETURN_IF_ERROR(check_same_length("weight", weight.size(), "score", score.size()));
  for (std::size_t i = 0; i < score.size(); ++i) {
    if (!std::isnan(score[i]) && !(score[i] >= -1.0 && score[i] <= 1.0))
      return invalid_element("score", i, score[i], "must be in [-1, 1] or NaN");
    if (!(std::isfinite(weight[i]) && weight[i] >= 0.0))
      return invalid_element("weight", i, weight[i], "must be finite and non-negative");
  }
  return absl::OkStatus();
}

inline absl::Status check_optional_flags(std::string_view argument,
                                         std::span<const std::uint8_t> flags, std::size_t n) {
  if (flags.empty()) return absl::OkStatus();
  return check_same_length(argument, flags.size(), "score", n);
}

/// Running sums of one group: enough for its weighted mean, variance and effective size.
struct WeightedSums {
  double w = 0.0, ws = 0.0, wss = 0.0, ww = 0.0;
  void add(double weight, double s) {
    w += weight;
    ws += weight * s;
    wss += weight * s * s;
    ww += weight * weight;
  }
  [[nodiscard]] double mean() const { return w > 0.0 ? ws / w : kNaN; }
  [[nodiscard]] double variance() const {
    if (!(w > 0.0)) return kNaN;
    const double m = ws / w;
    return std::max(0.0, wss / w - m * m);
  }
  [[nodiscard]] double effective_n() const { return ww > 0.0 ? w * w / ww : 0.0; }
};

}  // namespace detail

/// @brief Roll scored responses up per customer.
/// @param customer customer code per response, 0..n_customers-1
/// @param n_customers number of customers
/// @param score per-response score (NaN: unscored)
/// @param weight per-response weight
/// @param time response times (finite)
/// @param touchpoint touchpoint code per response (any integer; reported back as given)
/// @param negative, mismatch per-response flags (may be empty)
inline absl::StatusOr<CustomerRollup> rollup_customers(
    std::span<const std::int32_t> customer, std::int32_t n_customers,
    std::span<const double> score, std::span<const double> weight, std::span<const double> time,
    std::span<const std::int32_t> touchpoint, std::span<const std::uint8_t> negative,
    std::span<const std::uint8_t> mismatch) {
  const std::size_t n = score.size();
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_not_empty("score", n));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_groups(customer, n_customers, "score", n));
  for (std::size_t i = 0; i < n; ++i)
    if (customer[i] < 0) return detail::invalid_element("customer", i, customer[i], "is missing");
  CUSTINSIGHT_RETURN_IF_ERROR(detail::validate_scored(score, weight));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_same_length("time", time.size(), "score", n));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_finite("time", time));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_same_length("touchpoint", touchpoint.size(), "score", n));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_optional_flags("negative", negative, n));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_optional_flags("mismatch", mismatch, n));

  const auto c = static_cast<std::size_t>(n_customers);
  const auto ci = static_cast<Eigen::Index>(c);
  CustomerRollup out;
  out.n_responses.assign(c, 0);
  out.n_scored.assign(c, 0);
  out.latest_touchpoint.assign(c, -1);
  out.latest_time = Eigen::VectorXd::Constant(ci, -std::numeric_limits<double>::infinity());
  // Times are shifted to the earliest one so that the slope's sums of squares stay small.
  const double t0 = *std::min_element(time.begin(), time.end());
  std::vector<detail::WeightedSums> sums(c);
  std::vector<double> st(c, 0.0), stt(c, 0.0), ss(c, 0.0), sts(c, 0.0), neg(c, 0.0), mis(c, 0.0);
  std::vector<double> first_t(c, std::numeric_limits<double>::quiet_NaN());
  std::vector<std::uint8_t> distinct(c, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(customer[i]);
    ++out.n_responses[k];
    if (time[i] >= out.latest_time[static_cast<Eigen::Index>(k)]) {
      out.latest_time[static_cast<Eigen::Index>(k)] = time[i];
      out.latest_touchpoint[k] = touchpoint[i];
    }
    if (std::isnan(score[i])) continue;
    ++out.n_scored[k];
    sums[k].add(weight[i], score[i]);
    const double t = time[i] - t0;
    st[k] += t;
    stt[k] += t * t;
    ss[k] += score[i];
    sts[k] += t * score[i];
    if (std::isnan(first_t[k])) {
      first_t[k] = t;
    } else if (t != first_t[k]) {
      distinct[k] = 1;
    }
    if (!negative.empty()) neg[k] += negative[i] != 0;
    if (!mismatch.empty()) mis[k] += mismatch[i] != 0;
  }
  out.satisfaction.resize(ci);
  out.total_weight.resize(ci);
  out.trend.resize(ci);
  out.negative_share.resize(ci);
  out.mismatch_share.resize(ci);
  detail::parallel_for(ci, [&](std::ptrdiff_t j) {
    const auto k = static_cast<std::size_t>(j);
    const double m = static_cast<double>(out.n_scored[k]);
    out.total_weight[j] = sums[k].w;
    // A customer whose responses all weigh zero still has a plain mean to report.
    out.satisfaction[j] = sums[k].w > 0.0 ? sums[k].mean() : (m > 0 ? ss[k] / m : detail::kNaN);
    out.negative_share[j] = m > 0 && !negative.empty() ? neg[k] / m : detail::kNaN;
    out.mismatch_share[j] = m > 0 && !mismatch.empty() ? mis[k] / m : detail::kNaN;
    if (distinct[k]) {
      const double sxx = stt[k] - st[k] * st[k] / m;
      const double sxy = sts[k] - st[k] * ss[k] / m;
      out.trend[j] = sxx > 0.0 ? sxy / sxx : detail::kNaN;
    } else {
      out.trend[j] = detail::kNaN;
    }
    if (out.n_responses[k] == 0) out.latest_time[j] = detail::kNaN;
  });
  return out;
}

/// @brief Roll scored responses up per group (touchpoint, region, plan ...).
/// @param group group code per response (negative: in no group)
/// @param n_groups number of groups
/// @param score, weight per-response score and weight
/// @param compound per-response compound sentiment, NaN without text (may be empty)
/// @param negative, mismatch per-response flags (may be empty)
inline absl::StatusOr<GroupRollup> rollup_groups(std::span<const std::int32_t> group,
                                                 std::int32_t n_groups,
                                                 std::span<const double> score,
                                                 std::span<const double> weight,
                                                 std::span<const double> compound,
                                                 std::span<const std::uint8_t> negative,
                                                 std::span<const std::uint8_t> mismatch) {
  const std::size_t n = score.size();
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_groups(group, n_groups, "score", n));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::validate_scored(score, weight));
  if (!compound.empty()) {
    CUSTINSIGHT_RETURN_IF_ERROR(detail::check_same_length("compound", compound.size(), "score", n));
    for (std::size_t i = 0; i < n; ++i)
      if (!std::isnan(compound[i]) && !(compound[i] >= -1.0 && compound[i] <= 1.0))
        return detail::invalid_element("compound", i, compound[i], "must be in [-1, 1] or NaN");
  }
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_optional_flags("negative", negative, n));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_optional_flags("mismatch", mismatch, n));

  const auto g = static_cast<std::size_t>(n_groups);
  const auto gi = static_cast<Eigen::Index>(g);
  GroupRollup out;
  out.volume.assign(g, 0);
  out.n_scored.assign(g, 0);
  out.n_text.assign(g, 0);
  std::vector<detail::WeightedSums> sums(g);
  std::vector<double> sc(g, 0.0), neg(g, 0.0), mis(g, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    if (group[i] < 0) continue;
    const auto k = static_cast<std::size_t>(group[i]);
    ++out.volume[k];
    if (!compound.empty() && !std::isnan(compound[i])) {
      ++out.n_text[k];
      sc[k] += compound[i];
    }
    if (std::isnan(score[i])) continue;
    ++out.n_scored[k];
    sums[k].add(weight[i], score[i]);
    if (!negative.empty()) neg[k] += negative[i] != 0;
    if (!mismatch.empty()) mis[k] += mismatch[i] != 0;
  }
  for (auto v : {&out.mean_sentiment, &out.satisfaction, &out.satisfaction_sd, &out.effective_n,
                 &out.negative_share, &out.mismatch_share})
    v->resize(gi);
  for (std::size_t k = 0; k < g; ++k) {
    const auto j = static_cast<Eigen::Index>(k);
    const double m = static_cast<double>(out.n_scored[k]);
    out.mean_sentiment[j] = out.n_text[k] > 0 ? sc[k] / static_cast<double>(out.n_text[k]) : detail::kNaN;
    out.satisfaction[j] = sums[k].mean();
    out.satisfaction_sd[j] = std::sqrt(sums[k].variance());
    out.effective_n[j] = sums[k].effective_n();
    out.negative_share[j] = m > 0 && !negative.empty() ? neg[k] / m : detail::kNaN;
    out.mismatch_share[j] = m > 0 && !mismatch.empty() ? mis[k] / m : detail::kNaN;
  }
  return out;
}

/// @brief Consistency of weighted satisfaction across groups (see Consistency).
/// @param group group code per response (negative: in no group)
/// @param n_groups number of groups
/// @param score, weight per-response score and weight
/// @param alpha family-wise significance level for `below`
/// @param min_effective_n groups with a smaller Kish effective size are not tested
inline absl::StatusOr<Consistency> touchpoint_consistency(std::span<const std::int32_t> group,
                                                          std::int32_t n_groups,
                                                          std::span<const double> score,
                                                          std::span<const double> weight,
                                                          double alpha = 0.05,
                                                          double min_effective_n = 5.0) {
  const std::size_t n = score.size();
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_groups(group, n_groups, "score", n));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::validate_scored(score, weight));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_probability_open("alpha", alpha));
  if (!(min_effective_n >= 2.0))
    return absl::InvalidArgumentError("min_effective_n must be at least 2");
  const auto g = static_cast<std::size_t>(n_groups);
  std::vector<detail::WeightedSums> sums(g);
  detail::WeightedSums all;
  for (std::size_t i = 0; i < n; ++i) {
    if (group[i] < 0 || std::isnan(score[i])) continue;
    sums[static_cast<std::size_t>(group[i])].add(weight[i], score[i]);
    all.add(weight[i], score[i]);
  }
  Consistency out;
  const auto gi = static_cast<Eigen::Index>(g);
  out.difference = Eigen::VectorXd::Constant(gi, detail::kNaN);
  out.z = Eigen::VectorXd::Constant(gi, detail::kNaN);
  out.p_value = Eigen::VectorXd::Constant(gi, detail::kNaN);
  out.below.assign(g, 0);
  std::vector<double> means;
  std::vector<std::size_t> tested;
  for (std::size_t k = 0; k < g; ++k) {
    const detail::WeightedSums& s = sums[k];
    if (s.w > 0.0) means.push_back(s.mean());
    detail::WeightedSums rest{all.w - s.w, all.ws - s.ws, all.wss - s.wss, all.ww - s.ww};
    if (s.effective_n() < min_effective_n || rest.effective_n() < min_effective_n) continue;
    const double se = std::sqrt(s.variance() / s.effective_n() + rest.variance() / rest.effective_n());
    const auto j = static_cast<Eigen::Index>(k);
    out.difference[j] = s.mean() - rest.mean();
    if (se > 0.0) {
      out.z[j] = out.difference[j] / se;
      out.p_value[j] = detail::normal_cdf(out.z[j]);
      tested.push_back(k);
    }
  }
  for (std::size_t k : tested)
    out.below[k] = out.p_value[static_cast<Eigen::Index>(k)] < alpha / static_cast<double>(tested.size());
  if (!means.empty()) {
    const auto [lo, hi] = std::minmax_element(means.begin(), means.end());
    out.range = *hi - *lo;
    double mean = 0.0;
    for (double m : means) mean += m;
    mean /= static_cast<double>(means.size());
    double ss = 0.0;
    for (double m : means) ss += (m - mean) * (m - mean);
    out.spread_sd = means.size() > 1 ? std::sqrt(ss / static_cast<double>(means.size() - 1)) : 0.0;
  }
  return out;
}

}  // namespace custinsight
