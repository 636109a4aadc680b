#pragma once

/// @file metrics.hpp
/// @brief How good a churn score is: ROC AUC (ties count one half, as average ranks do), Brier
/// score, log loss, a calibration table by equal-count bins and lift in the top fraction. All
/// accept optional sample weights.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <span>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "custinsight/parallel.hpp"
#include "custinsight/status.hpp"

namespace custinsight {

namespace detail {

inline absl::Status check_binary_labels(std::span<const double> y) {
  for (std::size_t i = 0; i < y.size(); ++i)
    if (y[i] != 0.0 && y[i] != 1.0) return invalid_element("y_true", i, y[i], "labels must be 0 or 1");
  return absl::OkStatus();
}

inline absl::Status check_scores(std::span<const double> y, std::span<const double> score,
                                 std::span<const double> w, bool probabilities) {
  CUSTINSIGHT_RETURN_IF_ERROR(check_not_empty("y_true", y.size()));
  CUSTINSIGHT_RETURN_IF_ERROR(check_same_length("y_score", score.size(), "y_true", y.size()));
  CUSTINSIGHT_RETURN_IF_ERROR(check_binary_labels(y));
  CUSTINSIGHT_RETURN_IF_ERROR(check_finite("y_score", score));
  if (probabilities) {
    for (std::size_t i = 0; i < score.size(); ++i)
      if (score[i] < 0.0 || score[i] > 1.0)
        return invalid_element("y_prob", i, score[i], "probabilities must lie in [0, 1]");
  }
  if (!w.empty()) {
    CUSTINSIGHT_RETURN_IF_ERROR(check_same_length("sample_weight", w.size(), "y_true", y.size()));
    CUSTINSIGHT_RETURN_IF_ERROR(check_finite("sample_weight", w));
    CUSTINSIGHT_RETURN_IF_ERROR(check_non_negative("sample_weight", w));
  }
  return absl::OkStatus();
}

inline double w_of(std::span<const double> w, std::size_t i) { return w.empty() ? 1.0 : w[i]; }

/// Row order by score ascending; ties keep the input order.
inline std::vector<std::int64_t> order_by_score(std::span<const double> score) {
  std::vector<std::int64_t> order(score.size());
  std::iota(order.begin(), order.end(), std::int64_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t b) {
    return score[static_cast<std::size_t>(a)] < score[static_cast<std::size_t>(b)];
  });
  return order;
}

}  // namespace detail

/// @brief Area under the ROC curve: P(score of a random churner > score of a random
/// non-churner), a tie counting one half (the Mann-Whitney statistic with average ranks).
/// @return the AUC, or InvalidArgument when a class is absent or inputs are bad
inline absl::StatusOr<double> roc_auc(std::span<const double> y_true, std::span<const double> y_score,
                                      std::span<const double> sample_weight = {}) {
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_scores(y_true, y_score, sample_weight, false));
  const auto order = detail::order_by_score(y_score);
  double neg_below = 0.0, pairs = 0.0, w_pos = 0.0;
  for (std::size_t a = 0; a < order.size();) {
    std::size_t b = a;
    double pos_g = 0.0, neg_g = 0.0;
    const double v = y_score[static_cast<std::size_t>(order[a])];
    for (; b < order.size() && y_score[static_cast<std::size_t>(order[b])] == v; ++b) {
      const auto i = static_cast<std::size_t>(order[b]);
      (y_true[i] == 1.0 ? pos_g : neg_g) += detail::w_of(sample_weight, i);
    }
    pairs += pos_g * (neg_below + 0.5 * neg_g);
    neg_below += neg_g;
    w_pos += pos_g;
    a = b;
  }
  if (!(w_pos > 0.0) || !(neg_below > 0.0)) {
    return absl::InvalidArgumentError(
        "y_true contains a single class: the AUC needs both churned (1) and retained (0) rows");
  }
  return pairs / (w_pos * neg_below);
}

/// @brief Mean squared difference between the predicted probability and the 0/1 outcome.
inline absl::StatusOr<double> brier_score(std::span<const double> y_true, std::span<const double> y_prob,
                                          std::span<const double> sample_weight = {}) {
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_scores(y_true, y_prob, sample_weight, true));
  const auto n = static_cast<std::ptrdiff_t>(y_true.size());
  const double num = detail::deterministic_sum(n, [&](std::ptrdiff_t i) {
    const auto k = static_cast<std::size_t>(i);
    const double e = y_prob[k] - y_true[k];
    return detail::w_of(sample_weight, k) * e * e;
  });
  const double den = detail::deterministic_sum(
      n, [&](std::ptrdiff_t i) { return detail::w_of(sample_weight, static_cast<std::size_t>(i)); });
  if (!(den > 0.0)) return absl::InvalidArgumentError("sample_weight: all weights are zero");
  return num / den;
}

/// @brief Mean negative log-likelihood of the outcomes; probabilities are clipped to
/// [eps, 1 - eps] so that a confident mistake costs -log(eps) rather than infinity.
inline absl::StatusOr<double> log_loss(std::span<const double> y_true, std::span<const double> y_prob,
                                       std::span<const double> sample_weight = {},
                                       double eps = 1e-15) {
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_scores(y_true, y_prob, sample_weight, true));
  if (!(eps > 0.0 && eps < 0.5)) return absl::InvalidArgumentError("eps must lie in (0, 0.5)");
  const auto n = static_cast<std::ptrdiff_t>(y_true.size());
  const double num = detail::deterministic_sum(n, [&](std::ptrdiff_t i) {
    const auto k = static_cast<std::size_t>(i);
    const double p = std::clamp(y_prob[k], eps, 1.0 - eps);
    return -detail::w_of(sample_weight, k) * (y_true[k] == 1.0 ? std::log(p) : std::log1p(-p));
  });
  const double den = detail::deterministic_sum(
      n, [&](std::ptrdiff_t i) { return detail::w_of(sample_weight, static_cast<std::size_t>(i)); });
  if (!(den > 0.0)) return absl::InvalidArgumentError("sample_weight: all weights are zero");
  return num / den;
}

/// @brief One row per bin of a calibration table.
struct CalibrationTable {
  std::vector<std::int64_t> bin;       ///< 1 = lowest predictions
  std::vector<std::int64_t> count;     ///< rows in the bin
  Eigen::VectorXd weight;              ///< total sample weight in the bin
  Eigen::VectorXd mean_predicted;      ///< weighted mean prediction
  Eigen::VectorXd observed_rate;       ///< weighted share of label 1
  Eigen::VectorXd min_predicted, max_predicted;
};

/// @brief Calibration by equal-count bins of the sorted predictions (deciles by default).
///
/// Rows are ordered by prediction (ties keep input order) and row k of n falls in bin
/// floor(k * n_bins / n), so every bin holds n / n_bins rows up to one, even when many
/// predictions tie.
inline absl::StatusOr<CalibrationTable> calibration_table(std::span<const double> y_true,
                                                          std::span<const double> y_prob,
                                                          std::span<const double> sample_weight = {},
                                                          int n_bins = 10) {
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_scores(y_true, y_prob, sample_weight, true));
  if (n_bins < 1) return absl::InvalidArgumentError("n_bins must be at least 1");
  const std::size_t n = y_true.size();
  const std::size_t bins = std::min<std::size_t>(static_cast<std::size_t>(n_bins), n);
  const auto order = detail::order_by_score(y_prob);
  CalibrationTable t;
  t.bin.resize(bins);
  t.count.assign(bins, 0);
  t.weight.setZero(static_cast<Eigen::Index>(bins));
  t.mean_predicted.setZero(static_cast<Eigen::Index>(bins));
  t.observed_rate.setZero(static_cast<Eigen::Index>(bins));
  t.min_predicted.setConstant(static_cast<Eigen::Index>(bins), std::numeric_limits<double>::infinity());
  t.max_predicted.setConstant(static_cast<Eigen::Index>(bins), -std::numeric_limits<double>::infinity());
  for (std::size_t k = 0; k < n; ++k) {
    const auto b = static_cast<Eigen::Index>(k * bins / n);
    const auto i = static_cast<std::size_t>(order[k]);
    const double w = detail::w_of(sample_weight, i);
    ++t.count[static_cast<std::size_t>(b)];
    t.weight[b] += w;
    t.mean_predicted[b] += w * y_prob[i];
    t.observed_rate[b] += w * y_true[i];
    t.min_predicted[b] = std::min(t.min_predicted[b], y_prob[i]);
    t.max_predicted[b] = std::max(t.max_predicted[b], y_prob[i]);
  }
  for (std::size_t b = 0; b < bins; ++b) {
    t.bin[b] = static_cast<std::int64_t>(b) + 1;
    const auto e = static_cast<Eigen::Index>(b);
    const double w = t.weight[e];
    t.mean_predicted[e] = w > 0 ? t.mean_predicted[e] / w : std::numeric_limits<double>::quiet_NaN();
    t.observed_rate[e] = w > 0 ? t.observed_rate[e] / w : std::numeric_limits<double>::quiet_NaN();
  }
  return t;
}

/// @brief Churn rate among the highest-scored `fraction` of customers divided by the overall
/// rate (weighted). The top fraction is fraction * total weight; the tie group straddling its
/// edge enters pro rata, so the result does not depend on the order of tied rows.
inline absl::StatusOr<double> lift_at(std::span<const double> y_true, std::span<const double> y_score,
                                      double fraction = 0.1,
                                      std::span<const double> sample_weight = {}) {
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_scores(y_true, y_score, sample_weight, false));
  if (!(fraction > 0.0 && fraction <= 1.0))
    return absl::InvalidArgumentError(absl::StrFormat("fraction = %g: must lie in (0, 1]", fraction));
  const auto order = detail::order_by_score(y_score);
  double w_all = 0.0, w_pos = 0.0;
  for (std::size_t i = 0; i < y_true.size(); ++i) {
    w_all += detail::w_of(sample_weight, i);
    w_pos += detail::w_of(sample_weight, i) * y_true[i];
  }
  if (!(w_pos > 0.0)) {
    return absl::InvalidArgumentError("y_true has no churned (1) rows: lift is undefined");
  }
  const double target = fraction * w_all;
  double taken = 0.0, taken_pos = 0.0;
  for (std::size_t a = order.size(); a > 0 && taken < target;) {
    std::size_t b = a;
    const double v = y_score[static_cast<std::size_t>(order[a - 1])];
    double g_w = 0.0, g_pos = 0.0;
    for (; b > 0 && y_score[static_cast<std::size_t>(order[b - 1])] == v; --b) {
      const auto i = static_cast<std::size_t>(order[b - 1]);
      g_w += detail::w_of(sample_weight, i);
      g_pos += detail::w_of(sample_weight, i) * y_true[i];
    }
    const double share = g_w > 0 ? std::min(1.0, (target - taken) / g_w) : 1.0;
    taken += share * g_w;
    taken_pos += share * g_pos;
    a = b;
  }
  return (taken_pos / taken) / (w_pos / w_all);
}

}  // namespace custinsight
