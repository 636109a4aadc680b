#pragma once

/// @file drivers.hpp
/// @brief Which touchpoints move overall satisfaction, and which feedback terms drive negative
/// responses at each touchpoint.
///
/// Driver analysis is a ridge regression of an outcome (a customer's likelihood to recommend)
/// on per-touchpoint satisfaction. Both sides are standardised first, so the fitted
/// coefficients are standardised coefficients (the change in the outcome, in standard
/// deviations, per standard deviation of a driver) and the penalty treats every driver alike:
///
///     beta_std = argmin |z_y - Z beta|^2 / n + lambda |beta|^2 = (Z'Z/n + lambda I)^-1 Z'z_y / n
///
/// A driver's relative importance is its share of the absolute standardised coefficients,
/// |beta_std_k| / sum_j |beta_std_j|. Coefficients in the original units, the intercept and R^2
/// come from undoing the standardisation.

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "custinsight/parallel.hpp"
#include "custinsight/satisfaction/common.hpp"
#include "custinsight/status.hpp"

namespace custinsight {

using RowMatrixXd = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

enum class MissingDrivers : std::int8_t {
  drop = 0,  ///< leave out customers with any missing driver
  mean = 1,  ///< replace a missing driver by its mean over the customers who have it
};

struct RidgeOptions {
  double lambda = 1e-3;  ///< penalty on the standardised scale
  MissingDrivers missing = MissingDrivers::drop;
};

struct DriverResult {
  Eigen::VectorXd coefficient;   ///< in the original units
  Eigen::VectorXd standardized;  ///< standardised coefficients
  Eigen::VectorXd importance;    ///< relative importance, sums to 1
  double intercept = 0.0;
  double r_squared = 0.0;
  std::int64_t n_used = 0;  ///< customers in the fit
};

/// @brief One feedback term at one group: how often it pulled a negative response down.
struct TermCount {
  std::int32_t token = 0;            ///< the caller's token code
  std::int64_t n_responses = 0;      ///< negative responses where it contributed negatively
  double share = 0.0;                ///< of the group's negative responses
  double mean_contribution = 0.0;    ///< mean signed contribution in those responses
};

namespace detail {

/// Sums of x, y, x'x and x'y over rows in fixed-size blocks added in a fixed order, so the fit
/// is bit-identical for any thread count.
struct MomentBlock {
  Eigen::VectorXd sx;
  Eigen::MatrixXd sxx;
  Eigen::VectorXd sxy;
  double sy = 0.0, syy = 0.0, count = 0.0;
};

}  // namespace detail

/// @brief Ridge regression of `y` on the columns of `x` (see the file comment).
/// @param x one row per customer, one column per driver; NaN marks a missing driver
/// @param y the outcome per customer (finite)
/// @param options penalty and missing-value policy
/// @return coefficients, importances and fit, or InvalidArgument (a constant driver, too few
///         complete rows, a non-finite outcome)
inline absl::StatusOr<DriverResult> driver_analysis(const Eigen::Ref<const RowMatrixXd>& x,
                                                    std::span<const double> y,
                                                    const RidgeOptions& options = {}) {
  const Eigen::Index n = x.rows(), k = x.cols();
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_same_length("y", y.size(), "x rows", static_cast<std::size_t>(n)));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_finite("y", y));
  if (k == 0) return absl::InvalidArgumentError("x has no columns (no drivers)");
  if (!(std::isfinite(options.lambda) && options.lambda >= 0.0))
    return absl::InvalidArgumentError(
        absl::StrFormat("lambda = %g: must be finite and non-negative", options.lambda));
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < k; ++j)
      if (std::isinf(x(i, j)))
        return absl::InvalidArgumentError(
            absl::StrFormat("x[%d, %d] = %g: must be finite or NaN (missing)", i, j, x(i, j)));

  // Column means over the customers who have each driver, used to fill gaps under `mean`.
  Eigen::VectorXd fill = Eigen::VectorXd::Zero(k);
  if (options.missing == MissingDrivers::mean) {
    for (Eigen::Index j = 0; j < k; ++j) {
      double s = 0.0, c = 0.0;
      for (Eigen::Index i = 0; i < n; ++i)
        if (!std::isnan(x(i, j))) s += x(i, j), c += 1.0;
      if (c == 0.0)
        return absl::InvalidArgumentError(absl::StrFormat("x column %d has no values", j));
      fill[j] = s / c;
    }
  }
  auto usable = [&](Eigen::Index i) {
    return options.missing == MissingDrivers::mean || !x.row(i).array().isNaN().any();
  };
  auto value = [&](Eigen::Index i, Eigen::Index j) {
    const double v = x(i, j);
    return std::isnan(v) ? fill[j] : v;
  };

  // Moments are taken about the first usable row (the shifted-data algorithm), so that
  // drivers far from zero with a small spread keep their precision in one pass.
  Eigen::VectorXd shift_x = Eigen::VectorXd::Zero(k);
  double shift_y = 0.0;
  for (Eigen::Index i = 0; i < n; ++i) {
    if (!usable(i)) continue;
    for (Eigen::Index j = 0; j < k; ++j) shift_x[j] = value(i, j);
    shift_y = y[static_cast<std::size_t>(i)];
    break;
  }
  constexpr std::ptrdiff_t kBlock = 4096;
  const std::ptrdiff_t n_blocks = (n + kBlock - 1) / kBlock;
  std::vector<detail::MomentBlock> blocks(static_cast<std::size_t>(n_blocks));
  detail::parallel_chunks(n_blocks, 1, [&](std::ptrdiff_t b, std::ptrdiff_t) {
    detail::MomentBlock& m = blocks[static_cast<std::size_t>(b)];
    m.sx = Eigen::VectorXd::Zero(k);
    m.sxx = Eigen::MatrixXd::Zero(k, k);
    m.sxy = Eigen::VectorXd::Zero(k);
    Eigen::VectorXd row(k);
    for (Eigen::Index i = b * kBlock; i < std::min<Eigen::Index>(n, (b + 1) * kBlock); ++i) {
      if (!usable(i)) continue;
      for (Eigen::Index j = 0; j < k; ++j) row[j] = value(i, j) - shift_x[j];
      const double yi = y[static_cast<std::size_t>(i)] - shift_y;
      m.sx += row;
      m.sxx.selfadjointView<Eigen::Lower>().rankUpdate(row);
      m.sxy += yi * row;
      m.sy += yi;
      m.syy += yi * yi;
      m.count += 1.0;
    }
  });
  detail::MomentBlock total{Eigen::VectorXd::Zero(k), Eigen::MatrixXd::Zero(k, k),
                            Eigen::VectorXd::Zero(k)};
  for (const auto& m : blocks) {
    total.sx += m.sx;
    total.sxx += m.sxx;
    total.sxy += m.sxy;
    total.sy += m.sy;
    total.syy += m.syy;
    total.count += m.count;
  }
  const double m = total.count;
  if (m < static_cast<double>(k) + 2.0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "only %d customers have every driver; need at least %d", static_cast<long long>(m), k + 2));
  }
  Eigen::MatrixXd sxx = total.sxx.selfadjointView<Eigen::Lower>();
  const Eigen::VectorXd mean_x = total.sx / m;
  const double mean_y = total.sy / m;
  const Eigen::MatrixXd cov = sxx / m - mean_x * mean_x.transpose();
  const Eigen::VectorXd cxy = total.sxy / m - mean_x * mean_y;
  const double var_y = total.syy / m - mean_y * mean_y;
  const Eigen::VectorXd sd_x = cov.diagonal().cwiseMax(0.0).cwiseSqrt();
  // Moments of values near the double range overflow; say so rather than call them constant.
  for (Eigen::Index j = 0; j < k; ++j) {
    if (!std::isfinite(cov(j, j)))
      return absl::InvalidArgumentError(absl::StrFormat(
          "x column %d: values too large to standardise (their variance overflows)", j));
    if (!(sd_x[j] > 1e-12 * (1.0 + std::abs(mean_x[j] + shift_x[j]))))
      return absl::InvalidArgumentError(absl::StrFormat("x column %d is constant", j));
  }
  if (!std::isfinite(var_y))
    return absl::InvalidArgumentError("y: values too large to standardise (their variance overflows)");
  if (!(var_y > 0.0)) return absl::InvalidArgumentError("y is constant");
  const double sd_y = std::sqrt(var_y);
  const Eigen::VectorXd inv_sd = sd_x.cwiseInverse();
  Eigen::MatrixXd corr = inv_sd.asDiagonal() * cov * inv_sd.asDiagonal();
  const Eigen::VectorXd rxy = inv_sd.asDiagonal() * cxy / sd_y;
  corr.diagonal().array() += options.lambda;
  Eigen::LDLT<Eigen::MatrixXd> ldlt(corr);
  if (ldlt.info() != Eigen::Success || !ldlt.isPositive())
    return absl::InvalidArgumentError(
        "the drivers are perfectly collinear; use a positive lambda");

  DriverResult out;
  out.standardized = ldlt.solve(rxy);
  out.coefficient = out.standardized.cwiseProduct(inv_sd) * sd_y;
  out.intercept = (mean_y + shift_y) - out.coefficient.dot(mean_x + shift_x);
  const double abs_total = out.standardized.cwiseAbs().sum();
  out.importance = abs_total > 0.0 ? Eigen::VectorXd(out.standardized.cwiseAbs() / abs_total)
                                   : Eigen::VectorXd::Constant(k, 1.0 / static_cast<double>(k));
  // R^2 of the fitted linear predictor, from the moments: 1 - SSE / SST.
  const Eigen::MatrixXd corr_plain = inv_sd.asDiagonal() * cov * inv_sd.asDiagonal();
  const double explained = 2.0 * out.standardized.dot(rxy) -
                           out.standardized.dot(corr_plain * out.standardized);
  out.r_squared = explained;
  out.n_used = static_cast<std::int64_t>(m);
  return out;
}

/// @brief Feedback terms that most often drive negative responses, per group.
/// @param group group (touchpoint) code per response (negative: in no group)
/// @param n_groups number of groups
/// @param negative per-response flag: is the response negative
/// @param token_offsets response i owns tokens [token_offsets[i], token_offsets[i + 1])
/// @param token token codes (>= 0)
/// @param contribution signed contribution of each token to its response's sentiment
/// @param top_n terms to keep per group
/// @return per group, terms ranked by the number of negative responses in which they
///         contributed negatively (ties: the more negative mean contribution first)
inline absl::StatusOr<std::vector<std::vector<TermCount>>> negative_terms(
    std::span<const std::int32_t> group, std::int32_t n_groups,
    std::span<const std::uint8_t> negative, std::span<const std::int64_t> token_offsets,
    std::span<const std::int32_t> token, std::span<const double> contribution,
    std::size_t top_n = 10) {
  const std::size_t n = group.size();
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_groups(group, n_groups, "group", n));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_same_length("negative", negative.size(), "group", n));
  CUSTINSIGHT_RETURN_IF_ERROR(
      detail::check_same_length("token_offsets", token_offsets.size(), "group + 1", n + 1));
  CUSTINSIGHT_RETURN_IF_ERROR(
      detail::check_same_length("contribution", contribution.size(), "token", token.size()));
  if (token_offsets[0] != 0 || token_offsets[n] != static_cast<std::int64_t>(token.size()))
    return absl::InvalidArgumentError("token_offsets must start at 0 and end at len(token)");
  for (std::size_t i = 0; i < n; ++i)
    if (token_offsets[i + 1] < token_offsets[i])
      return detail::invalid_element("token_offsets", i + 1, token_offsets[i + 1],
                                     "must not decrease");
  for (std::size_t t = 0; t < token.size(); ++t) {
    if (token[t] < 0) return detail::invalid_element("token", t, token[t], "must be >= 0");
    if (!std::isfinite(contribution[t]))
      return detail::invalid_element("contribution", t, contribution[t], "must be finite");
  }
  const auto g = static_cast<std::size_t>(n_groups);
  std::vector<absl::flat_hash_map<std::int32_t, TermCount>> counts(g);
  std::vector<std::int64_t> n_negative(g, 0);
  absl::flat_hash_map<std::int32_t, double> seen;  // token -> summed contribution in a response
  for (std::size_t i = 0; i < n; ++i) {
    if (group[i] < 0 || !negative[i]) continue;
    const auto k = static_cast<std::size_t>(group[i]);
    ++n_negative[k];
    seen.clear();
    for (auto t = token_offsets[i]; t < token_offsets[i + 1]; ++t)
      seen[token[static_cast<std::size_t>(t)]] += contribution[static_cast<std::size_t>(t)];
    for (const auto& [tok, c] : seen) {
      if (!(c < 0.0)) continue;
      TermCount& tc = counts[k][tok];
      tc.token = tok;
      ++tc.n_responses;
      tc.mean_contribution += c;
    }
  }
  std::vector<std::vector<TermCount>> out(g);
  for (std::size_t k = 0; k < g; ++k) {
    auto& terms = out[k];
    terms.reserve(counts[k].size());
    for (auto& [tok, tc] : counts[k]) {
      tc.share = static_cast<double>(tc.n_responses) / static_cast<double>(n_negative[k]);
      tc.mean_contribution /= static_cast<double>(tc.n_responses);
      terms.push_back(tc);
    }
    std::sort(terms.begin(), terms.end(), [](const TermCount& a, const TermCount& b) {
      if (a.n_responses != b.n_responses) return a.n_responses > b.n_responses;
      if (a.mean_contribution != b.mean_contribution) return a.mean_contribution < b.mean_contribution;
      return a.token < b.token;
    });
    if (terms.size() > top_n) terms.resize(top_n);
  }
  return out;
}

}  // namespace custinsight
