#pragma once

/// @file weighted.hpp
/// @brief Sentiment-weighted satisfaction of each response: the rating normalised to [-1, 1]
/// combined with the text's compound sentiment, with fall-backs when either is missing, a flag
/// when the two disagree strongly, and a weight that decays with the response's age.
///
/// For a response with rating r on scale [lo, hi] and compound sentiment c in [-1, 1]:
///
///     r~ = 2 (r - lo) / (hi - lo) - 1          (negated when lower ratings are better)
///     score    = (w_r r~ + w_t c) / (w_r + w_t) when both are present,
///                r~ when only the rating is, c when only the text is, NaN when neither is;
///     evidence = (w_r [rating present] + w_t [text present]) / (w_r + w_t);
///     decay    = 2^(-(as_of - time) / half_life);
///     weight   = evidence * decay;
///     mismatch = both present, r~ and c of opposite signs, and |r~ - c| >= mismatch_threshold;
///     negative = score < negative_threshold.
///
/// A mismatch keeps its combined score but is flagged, so that roll-ups can report it and the
/// alert rules can send it to follow-up rather than let the average hide it.

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

struct WeightedOptions {
  double rating_weight = 0.5;
  double text_weight = 0.5;
  /// |r~ - c| at or above this (with opposite signs) flags a mismatch; the scale is [0, 2].
  double mismatch_threshold = 1.0;
  /// A score below this counts as a negative response (VADER's own cut-off for compounds).
  double negative_threshold = -0.05;
  /// Half-life of a response's weight, in the units of `time` (days in the Python layer);
  /// infinity switches decay off.
  double half_life = 90.0;
  /// The date weights are computed at, in the units of `time`; no response may be later.
  double as_of = 0.0;
};

/// @brief Per-response results, aligned with the input.
struct ResponseScores {
  Eigen::VectorXd rating_norm;  ///< r~ in [-1, 1], NaN when not rated
  Eigen::VectorXd score;        ///< combined score in [-1, 1], NaN with neither rating nor text
  Eigen::VectorXd weight;       ///< evidence times decay, 0 with neither rating nor text
  std::vector<std::uint8_t> mismatch;
  std::vector<std::uint8_t> negative;
};

namespace detail {

inline absl::Status validate_weighted_options(const WeightedOptions& o, bool with_time) {
  if (!(std::isfinite(o.rating_weight) && o.rating_weight >= 0.0 &&
        std::isfinite(o.text_weight) && o.text_weight >= 0.0 &&
        o.rating_weight + o.text_weight > 0.0)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("rating_weight = %g, text_weight = %g: must be finite, non-negative and "
                        "not both zero",
                        o.rating_weight, o.text_weight));
  }
  if (!(o.mismatch_threshold >= 0.0 && o.mismatch_threshold <= 2.0)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "mismatch_threshold = %g: must be in [0, 2] (the distance between two scores in [-1, 1])",
        o.mismatch_threshold));
  }
  if (!(o.negative_threshold >= -1.0 && o.negative_threshold <= 1.0)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "negative_threshold = %g: must be in [-1, 1]", o.negative_threshold));
  }
  if (!(o.half_life > 0.0)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "half_life = %g: must be positive (infinity for no decay)", o.half_life));
  }
  if (with_time && !std::isfinite(o.as_of)) {
    return absl::InvalidArgumentError("as_of must be finite");
  }
  return absl::OkStatus();
}

inline double normalise_rating(double r, const RatingScale& s) {
  const double x = 2.0 * (r - s.min) / (s.max - s.min) - 1.0;
  return s.higher_is_better ? x : -x;
}

}  // namespace detail

/// @brief Score each response.
/// @param rating rating per response on its survey's scale, NaN when not rated (may be empty:
///        text only)
/// @param scale_index which of `scales` each rating is on (empty: all on scales[0])
/// @param scales the scales of the survey types
/// @param compound compound sentiment per response in [-1, 1], NaN without text (may be
///        empty: ratings only)
/// @param time response times (may be empty: no decay)
/// @param options weights, thresholds, half-life and as_of
/// @return per-response scores, or InvalidArgument naming the first bad value
inline absl::StatusOr<ResponseScores> weighted_satisfaction(
    std::span<const double> rating, std::span<const std::int32_t> scale_index,
    std::span<const RatingScale> scales, std::span<const double> compound,
    std::span<const double> time, const WeightedOptions& options = {}) {
  const std::size_t n = std::max(rating.size(), compound.size());
  CUSTINSIGHT_RETURN_IF_ERROR(detail::validate_weighted_options(options, !time.empty()));
  if (n == 0) return absl::InvalidArgumentError("rating and compound are both empty");
  if (!rating.empty()) {
    CUSTINSIGHT_RETURN_IF_ERROR(detail::check_same_length("rating", rating.size(), "responses", n));
    if (scales.empty()) return absl::InvalidArgumentError("scales is empty");
    for (std::size_t k = 0; k < scales.size(); ++k)
      CUSTINSIGHT_RETURN_IF_ERROR(
          detail::validate_scale(absl::StrFormat("scales[%d]", k), scales[k]));
    if (!scale_index.empty()) {
      CUSTINSIGHT_RETURN_IF_ERROR(detail::check_same_length("scale_index", scale_index.size(), "rating", n));
    }
    for (std::size_t i = 0; i < n; ++i) {
      const std::int32_t k = scale_index.empty() ? 0 : scale_index[i];
      if (k < 0 || static_cast<std::size_t>(k) >= scales.size()) {
        return detail::invalid_element("scale_index", i, k, "is not the index of a scale");
      }
      const double r = rating[i];
      const RatingScale& s = scales[static_cast<std::size_t>(k)];
      if (!std::isnan(r) && !(r >= s.min && r <= s.max)) {
        return detail::invalid_element(
            "rating", i, r, absl::StrFormat("outside its rating scale [%g, %g]", s.min, s.max));
      }
    }
  }
  if (!compound.empty()) {
    CUSTINSIGHT_RETURN_IF_ERROR(detail::check_same_length("compound", compound.size(), "responses", n));
    for (std::size_t i = 0; i < n; ++i) {
      if (!std::isnan(compound[i]) && !(compound[i] >= -1.0 && compound[i] <= 1.0))
        return detail::invalid_element("compound", i, compound[i], "must be in [-1, 1] or NaN");
    }
  }
  if (!time.empty()) {
    CUSTINSIGHT_RETURN_IF_ERROR(detail::check_same_length("time", time.size(), "responses", n));
    CUSTINSIGHT_RETURN_IF_ERROR(detail::check_finite("time", time));
    for (std::size_t i = 0; i < n; ++i) {
      if (time[i] > options.as_of)
        return detail::invalid_element("time", i, time[i], "falls after as_of");
    }
  }

  ResponseScores out;
  const auto size = static_cast<Eigen::Index>(n);
  out.rating_norm.resize(size);
  out.score.resize(size);
  out.weight.resize(size);
  out.mismatch.assign(n, 0);
  out.negative.assign(n, 0);
  const double wr = options.rating_weight, wt = options.text_weight;
  const double decay_rate = std::log(2.0) / options.half_life;  // 0 for an infinite half-life
  detail::parallel_for(size, [&](std::ptrdiff_t i) {
    const auto u = static_cast<std::size_t>(i);
    double r = detail::kNaN;
    if (!rating.empty() && !std::isnan(rating[u])) {
      r = detail::normalise_rating(rating[u],
                                   scales[scale_index.empty() ? 0 : static_cast<std::size_t>(scale_index[u])]);
    }
    const double c = compound.empty() ? detail::kNaN : compound[u];
    const bool has_r = !std::isnan(r), has_c = !std::isnan(c);
    double score = detail::kNaN, evidence = 0.0;
    if (has_r && has_c) {
      score = (wr * r + wt * c) / (wr + wt);
      evidence = 1.0;
      out.mismatch[u] = (r * c < 0.0) && std::abs(r - c) >= options.mismatch_threshold;
    } else if (has_r) {
      score = r;
      evidence = wr / (wr + wt);
    } else if (has_c) {
      score = c;
      evidence = wt / (wr + wt);
    }
    const double decay = time.empty() ? 1.0 : std::exp(-decay_rate * (options.as_of - time[u]));
    out.rating_norm[i] = r;
    out.score[i] = score;
    out.weight[i] = evidence * decay;
    out.negative[u] = score < options.negative_threshold;
  });
  return out;
}

/// @brief Convenience overload: every rating on one scale.
inline absl::StatusOr<ResponseScores> weighted_satisfaction(std::span<const double> rating,
                                                            const RatingScale& scale,
                                                            std::span<const double> compound,
                                                            std::span<const double> time,
                                                            const WeightedOptions& options = {}) {
  const RatingScale scales[] = {scale};
  return weighted_satisfaction(rating, {}, scales, compound, time, options);
}

}  // namespace custinsight
