#pragma once

/// @file survey_metrics.hpp
/// @brief The standard survey metrics over arrays of ratings, whole or per group:
/// CSAT (share of satisfied ratings and mean), NPS (promoters minus detractors, in percentage
/// points, with a multinomial-variance or bootstrap interval) and CES (customer effort).
/// Missing ratings are NaN and are left out; a rating outside its scale is an error.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "custinsight/math/random.hpp"
#include "custinsight/parallel.hpp"
#include "custinsight/satisfaction/common.hpp"
#include "custinsight/status.hpp"

namespace custinsight {

/// @brief CSAT settings: the scale and the lowest rating that counts as satisfied
/// (the usual "top two boxes" of a 1-5 scale: 4 and 5).
struct CsatOptions {
  RatingScale scale{1.0, 5.0, true};
  double satisfied_min = 4.0;
};

/// @brief CSAT of one group. With no rated response, the share and the mean are NaN.
struct CsatResult {
  std::int64_t n = 0;                     ///< rated responses
  double satisfied_share = detail::kNaN;  ///< share of ratings >= satisfied_min, in [0, 1]
  double mean = detail::kNaN;             ///< mean rating on the original scale
};

enum class IntervalMethod : std::int8_t {
  /// Wald interval from the multinomial variance of NPS:
  /// Var = (p_promoter + p_detractor - (p_promoter - p_detractor)^2) / n.
  normal = 0,
  /// Percentile interval of NPS over resamples of the responses.
  bootstrap = 1,
};

struct NpsOptions {
  double confidence = 0.95;
  IntervalMethod method = IntervalMethod::normal;
  std::int32_t n_bootstrap = 2000;
  std::uint64_t seed = 0;
};

/// @brief NPS of one group, in percentage points (-100..100). NaN when nobody answered.
struct NpsResult {
  std::int64_t n = 0;
  std::int64_t promoters = 0;   ///< 9-10
  std::int64_t passives = 0;    ///< 7-8
  std::int64_t detractors = 0;  ///< 0-6
  double nps = detail::kNaN;
  double std_error = detail::kNaN;  ///< multinomial standard error, percentage points
  double lower = detail::kNaN;
  double upper = detail::kNaN;
};

/// @brief CES settings: the scale and whether a higher rating means less effort.
struct CesOptions {
  RatingScale scale{1.0, 7.0, true};  ///< higher_is_better = "higher is easier"
};

/// @brief CES of one group.
struct CesResult {
  std::int64_t n = 0;
  double mean = detail::kNaN;  ///< mean on the original scale
  /// Mean ease in [0, 1]: 1 is the easiest end of the scale, whatever the direction.
  double ease = detail::kNaN;
  /// Share of ratings strictly on the easy side of the scale's midpoint.
  double easy_share = detail::kNaN;
};

namespace detail {

inline constexpr RatingScale kNpsScale{0.0, 10.0, true};

inline absl::Status validate_nps_scores(std::span<const double> scores) {
  for (std::size_t i = 0; i < scores.size(); ++i) {
    const double v = scores[i];
    if (std::isnan(v)) continue;
    if (!(v >= 0.0 && v <= 10.0) || v != std::floor(v)) {
      return invalid_element("scores", i, v, "must be a whole number from 0 to 10 (or NaN)");
    }
  }
  return absl::OkStatus();
}

inline absl::Status validate_nps_options(const NpsOptions& o) {
  CUSTINSIGHT_RETURN_IF_ERROR(check_probability_open("confidence", o.confidence));
  if (o.method == IntervalMethod::bootstrap && o.n_bootstrap < 10) {
    return absl::InvalidArgumentError(
        absl::StrFormat("n_bootstrap = %d: must be at least 10", o.n_bootstrap));
  }
  return absl::OkStatus();
}

inline double nps_of(std::int64_t promoters, std::int64_t detractors, std::int64_t n) {
  return 100.0 * static_cast<double>(promoters - detractors) / static_cast<double>(n);
}

/// Sample quantile with linear interpolation (numpy's default, "type 7").
inline double quantile_sorted(const std::vector<double>& sorted, double q) {
  const double h = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

/// Fill in NPS, its standard error and interval from the counts. Resampling n responses
/// from the observed shares is the same as resampling the responses themselves, since NPS
/// depends on the responses only through the three counts.
inline void finish_nps(NpsResult& r, const NpsOptions& o, std::uint64_t stream) {
  if (r.n == 0) return;
  const double n = static_cast<double>(r.n);
  const double pp = static_cast<double>(r.promoters) / n;
  const double pd = static_cast<double>(r.detractors) / n;
  r.nps = nps_of(r.promoters, r.detractors, r.n);
  const double var = std::max(0.0, pp + pd - (pp - pd) * (pp - pd)) / n;
  r.std_error = 100.0 * std::sqrt(var);
  const double tail = 0.5 * (1.0 - o.confidence);
  if (o.method == IntervalMethod::normal) {
    const double z = normal_quantile(1.0 - tail);
    r.lower = std::max(-100.0, r.nps - z * r.std_error);
    r.upper = std::min(100.0, r.nps + z * r.std_error);
    return;
  }
  std::vector<double> replicate(static_cast<std::size_t>(o.n_bootstrap));
  for (std::int32_t b = 0; b < o.n_bootstrap; ++b) {
    Rng rng(o.seed, (stream << 32) ^ static_cast<std::uint64_t>(b));
    std::int64_t promoters = 0, detractors = 0;
    for (std::int64_t i = 0; i < r.n; ++i) {
      const double u = rng.uniform();
      promoters += u < pp;
      detractors += u >= 1.0 - pd;
    }
    replicate[static_cast<std::size_t>(b)] = nps_of(promoters, detractors, r.n);
  }
  std::sort(replicate.begin(), replicate.end());
  r.lower = quantile_sorted(replicate, tail);
  r.upper = quantile_sorted(replicate, 1.0 - tail);
}

inline void finish_ces(CesResult& r, double sum, double easy, const RatingScale& s) {
  if (r.n == 0) return;
  const double n = static_cast<double>(r.n);
  r.mean = sum / n;
  const double ease = (r.mean - s.min) / (s.max - s.min);
  r.ease = s.higher_is_better ? ease : 1.0 - ease;
  r.easy_share = easy / n;
}

inline bool is_easy(double v, const RatingScale& s) {
  const double mid = 0.5 * (s.min + s.max);
  return s.higher_is_better ? v > mid : v < mid;
}

}  // namespace detail

/// @brief CSAT per group.
/// @param ratings one rating per response, NaN when not rated
/// @param group group code per response (0..n_groups-1; negative: in no group)
/// @param n_groups number of groups
/// @param options the scale and the satisfied threshold
/// @return one result per group, or InvalidArgument naming the first bad rating
inline absl::StatusOr<std::vector<CsatResult>> csat_grouped(std::span<const double> ratings,
                                                            std::span<const std::int32_t> group,
                                                            std::int32_t n_groups,
                                                            const CsatOptions& options = {}) {
  CUSTINSIGHT_RETURN_IF_ERROR(detail::validate_scale("scale", options.scale));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_groups(group, n_groups, "ratings", ratings.size()));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_on_scale("ratings", ratings, options.scale));
  if (!std::isfinite(options.satisfied_min)) {
    return absl::InvalidArgumentError("satisfied_min must be finite");
  }
  std::vector<CsatResult> out(static_cast<std::size_t>(n_groups));
  std::vector<double> sum(out.size(), 0.0), satisfied(out.size(), 0.0);
  for (std::size_t i = 0; i < ratings.size(); ++i) {
    if (group[i] < 0 || std::isnan(ratings[i])) continue;
    const auto g = static_cast<std::size_t>(group[i]);
    ++out[g].n;
    sum[g] += ratings[i];
    satisfied[g] += ratings[i] >= options.satisfied_min;
  }
  for (std::size_t g = 0; g < out.size(); ++g) {
    if (out[g].n == 0) continue;
    out[g].mean = sum[g] / static_cast<double>(out[g].n);
    out[g].satisfied_share = satisfied[g] / static_cast<double>(out[g].n);
  }
  return out;
}

/// @brief CSAT of all responses.
inline absl::StatusOr<CsatResult> csat(std::span<const double> ratings,
                                       const CsatOptions& options = {}) {
  std::vector<std::int32_t> zero(ratings.size(), 0);
  CUSTINSIGHT_ASSIGN_OR_RETURN(auto out, csat_grouped(ratings, zero, 1, options));
  return out[0];
}

/// @brief NPS per group with a confidence interval.
/// @param scores 0-10 answers to "how likely are you to recommend us", NaN when not answered
/// @param group group code per response (negative: in no group)
/// @param n_groups number of groups
/// @param options confidence level and interval method; bootstrap resamples are seeded per
///        group, so results do not depend on the thread count
/// @return one result per group (NaN NPS for an empty group)
inline absl::StatusOr<std::vector<NpsResult>> nps_grouped(std::span<const double> scores,
                                                          std::span<const std::int32_t> group,
                                                          std::int32_t n_groups,
                                                          const NpsOptions& options = {}) {
  CUSTINSIGHT_RETURN_IF_ERROR(detail::validate_nps_options(options));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_groups(group, n_groups, "scores", scores.size()));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::validate_nps_scores(scores));
  std::vector<NpsResult> out(static_cast<std::size_t>(n_groups));
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (group[i] < 0 || std::isnan(scores[i])) continue;
    NpsResult& r = out[static_cast<std::size_t>(group[i])];
    ++r.n;
    if (scores[i] >= 9.0) {
      ++r.promoters;
    } else if (scores[i] >= 7.0) {
      ++r.passives;
    } else {
      ++r.detractors;
    }
  }
  detail::parallel_chunks(n_groups, 1, [&](std::ptrdiff_t g, std::ptrdiff_t) {
    detail::finish_nps(out[static_cast<std::size_t>(g)], options, static_cast<std::uint64_t>(g));
  });
  return out;
}

/// @brief NPS of all responses.
inline absl::StatusOr<NpsResult> nps(std::span<const double> scores,
                                     const NpsOptions& options = {}) {
  std::vector<std::int32_t> zero(scores.size(), 0);
  CUSTINSIGHT_ASSIGN_OR_RETURN(auto out, nps_grouped(scores, zero, 1, options));
  return out[0];
}

/// @brief CES per group.
/// @param ratings effort ratings, NaN when not rated
/// @param group group code per response (negative: in no group)
/// @param n_groups number of groups
/// @param options the scale and its direction
inline absl::StatusOr<std::vector<CesResult>> ces_grouped(std::span<const double> ratings,
                                                          std::span<const std::int32_t> group,
                                                          std::int32_t n_groups,
                                                          const CesOptions& options = {}) {
  CUSTINSIGHT_RETURN_IF_ERROR(detail::validate_scale("scale", options.scale));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_groups(group, n_groups, "ratings", ratings.size()));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_on_scale("ratings", ratings, options.scale));
  std::vector<CesResult> out(static_cast<std::size_t>(n_groups));
  std::vector<double> sum(out.size(), 0.0), easy(out.size(), 0.0);
  for (std::size_t i = 0; i < ratings.size(); ++i) {
    if (group[i] < 0 || std::isnan(ratings[i])) continue;
    const auto g = static_cast<std::size_t>(group[i]);
    ++out[g].n;
    sum[g] += ratings[i];
    easy[g] += detail::is_easy(ratings[i], options.scale);
  }
  for (std::size_t g = 0; g < out.size(); ++g)
    detail::finish_ces(out[g], sum[g], easy[g], options.scale);
  return out;
}

/// @brief CES of all responses.
inline absl::StatusOr<CesResult> ces(std::span<const double> ratings,
                                     const CesOptions& options = {}) {
  std::vector<std::int32_t> zero(ratings.size(), 0);
  CUSTINSIGHT_ASSIGN_OR_RETURN(auto out, ces_grouped(ratings, zero, 1, options));
  return out[0];
}

}  // namespace custinsight
