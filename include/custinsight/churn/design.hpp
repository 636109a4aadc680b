#pragma once

/// @file design.hpp
/// @brief The feature matrix as the churn models see it: validation that names the feature and
/// row, per-feature centring and scaling (z = (x - mean) / scale) computed once at fit time, the
/// blocked X^T diag(a) X products the Newton solvers need, and the per-customer driver breakdown
/// shared by the logistic and Cox models.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "custinsight/churn/gram.hpp"
#include "custinsight/parallel.hpp"
#include "custinsight/status.hpp"

namespace custinsight {

/// One customer per row, one feature per column, as numpy lays out a C-contiguous array.
using RowMatrixXd = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
/// A read-only view of a row-major feature matrix (no copy from numpy).
using FeatureMatrixRef = Eigen::Ref<const RowMatrixXd>;

/// @brief How a model maps raw features to the scale its coefficients (and penalty) live on.
///
/// `z = (x - mean) / scale`. `mean` is the (weighted) training mean of each feature, so z = 0
/// is the average customer against whom drivers are measured; `scale` is the (weighted,
/// ddof = 0) standard deviation when the model standardises and 1 otherwise. A feature that is
/// constant in the training data carries no information: it is flagged, its coefficient is held
/// at zero and its z is always 0.
struct FeatureScaling {
  std::vector<std::string> names;
  Eigen::VectorXd mean;
  Eigen::VectorXd scale;
  std::vector<std::uint8_t> constant;
  /// Missing (NaN) features are replaced by the training mean (z = 0) instead of being an error.
  bool impute_missing = false;

  [[nodiscard]] Eigen::Index size() const { return mean.size(); }
};

namespace detail {

/// Rows per reduction block: block boundaries depend only on n, so sums are reproducible.
inline constexpr std::ptrdiff_t kRowBlock = 8192;
/// Rows per cache-resident tile inside a block.
inline constexpr std::ptrdiff_t kRowTile = 256;

inline std::string feature_label(const std::vector<std::string>& names, Eigen::Index j) {
  if (static_cast<std::size_t>(j) < names.size()) return absl::StrFormat("'%s'", names[j]);
  return absl::StrFormat("%d", j);
}

/// The first offending element, for the error message.
inline absl::Status locate_bad_feature(const FeatureMatrixRef& X, const std::vector<std::string>& names,
                                       bool allow_nan) {
  for (Eigen::Index i = 0; i < X.rows(); ++i)
    for (Eigen::Index j = 0; j < X.cols(); ++j) {
      const double v = X(i, j);
      if (!std::isfinite(v) && !(allow_nan && std::isnan(v))) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "X[%d, %s] = %g: features must be finite%s", i, feature_label(names, j), v,
            std::isnan(v) ? " (pass impute_missing=true to replace NaN by the training mean)"
                          : ""));
      }
    }
  return absl::OkStatus();
}

/// "X[12, 'tenure'] = nan: must be finite"; NaN passes when it will be imputed.
inline absl::Status check_feature_matrix(const FeatureMatrixRef& X,
                                         const std::vector<std::string>& names,
                                         bool allow_nan) {
  if (X.rows() == 0) return absl::InvalidArgumentError("X has no rows");
  if (X.cols() == 0) return absl::InvalidArgumentError("X has no columns (features)");
  if (!names.empty() && static_cast<Eigen::Index>(names.size()) != X.cols()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "feature_names has %d names but X has %d columns", names.size(), X.cols()));
  }
  // A cheap parallel scan first; the exact first offender is located serially only on failure.
  const Eigen::Index p = X.cols();
  std::vector<std::uint8_t> bad_block(
      static_cast<std::size_t>((X.rows() + kRowBlock - 1) / kRowBlock), 0);
  parallel_chunks(X.rows(), kRowBlock, [&](std::ptrdiff_t begin, std::ptrdiff_t end) {
    bool bad = false;
    for (std::ptrdiff_t i = begin; i < end && !bad; ++i)
      for (Eigen::Index j = 0; j < p; ++j) {
        const double v = X(i, j);
        if (!std::isfinite(v) && !(allow_nan && std::isnan(v))) bad = true;
      }
    bad_block[static_cast<std::size_t>(begin / kRowBlock)] = bad;
  });
  for (std::uint8_t flag : bad_block)
    if (flag) return locate_bad_feature(X, names, allow_nan);
  return absl::OkStatus();
}

/// Sample weights: empty (all ones) or one finite non-negative weight per row, not all zero.
inline absl::Status check_sample_weight(std::span<const double> w, Eigen::Index n) {
  if (w.empty()) return absl::OkStatus();
  CUSTINSIGHT_RETURN_IF_ERROR(
      check_same_length("sample_weight", w.size(), "X rows", static_cast<std::size_t>(n)));
  CUSTINSIGHT_RETURN_IF_ERROR(check_finite("sample_weight", w));
  CUSTINSIGHT_RETURN_IF_ERROR(check_non_negative("sample_weight", w));
  return absl::OkStatus();
}

inline double weight_at(std::span<const double> w, Eigen::Index i) {
  return w.empty() ? 1.0 : w[static_cast<std::size_t>(i)];
}

/// Running weighted moments of one column: total weight, mean and sum of weighted squared
/// deviations from the mean (Chan, Golub and LeVeque's pairwise update).
struct ColumnMoments {
  double weight = 0.0, mean = 0.0, m2 = 0.0;
  void merge(double w, double m, double s2) {
    if (!(w > 0.0)) return;
    const double total = weight + w, delta = m - mean;
    mean += delta * (w / total);
    m2 += s2 + delta * delta * (weight * w / total);
    weight = total;
  }
};

/// Weighted mean and (ddof = 0) standard deviation per column, NaN ignored when imputing, with
/// the finiteness check folded into the same single sweep over X. Each cache-resident tile of
/// rows is reduced twice from cache (its mean, then squared deviations from that mean), and the
/// tiles are merged pairwise in a fixed order, so the variance never suffers the cancellation of
/// sum(x^2) - n mean^2 and X is read from memory once. A column is constant when all its
/// non-missing values are equal (tested exactly, since a computed standard deviation of equal
/// values need not be exactly zero).
inline absl::StatusOr<FeatureScaling> compute_scaling(const FeatureMatrixRef& X,
                                                      std::span<const double> w,
                                                      std::vector<std::string> names,
                                                      bool standardize, bool impute_missing) {
  if (X.rows() == 0) return absl::InvalidArgumentError("X has no rows");
  if (X.cols() == 0) return absl::InvalidArgumentError("X has no columns (features)");
  if (!names.empty() && static_cast<Eigen::Index>(names.size()) != X.cols()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "feature_names has %d names but X has %d columns", names.size(), X.cols()));
  }
  const Eigen::Index n = X.rows(), p = X.cols();
  const auto pu = static_cast<std::size_t>(p);
  FeatureScaling s;
  s.names = std::move(names);
  s.impute_missing = impute_missing;
  s.scale.setOnes(p);
  s.constant.assign(pu, 0);
  // Moments are taken of x - ref, ref a value of the first row, so that a tile's mean is
  // rounded relative to the features' spread rather than to their offset.
  Eigen::ArrayXd ref(p);
  for (Eigen::Index j = 0; j < p; ++j) ref[j] = std::isfinite(X(0, j)) ? X(0, j) : 0.0;
  const std::ptrdiff_t n_blocks = (n + kRowBlock - 1) / kRowBlock;
  std::vector<std::vector<ColumnMoments>> parts(static_cast<std::size_t>(n_blocks));
  std::vector<std::uint8_t> bad(static_cast<std::size_t>(n_blocks), 0);
  parallel_chunks(n, kRowBlock, [&](std::ptrdiff_t begin, std::ptrdiff_t end) {
    const auto b = static_cast<std::size_t>(begin / kRowBlock);
    std::vector<ColumnMoments> acc(pu);
    // Per tile: weighted sums over complete rows (one weight for all columns) plus, for the
    // rare rows with a missing value, per-column sums and weights.
    Eigen::ArrayXd s1(p), s2(p), wcol(p), mean(p);
    std::vector<std::uint8_t> gap(static_cast<std::size_t>(kRowTile));
    for (std::ptrdiff_t t0 = begin; t0 < end; t0 += kRowTile) {
      const std::ptrdiff_t t1 = std::min(end, t0 + kRowTile);
      s1.setZero();
      s2.setZero();
      wcol.setZero();
      double wrows = 0.0;
      bool any_gap = false;
      for (std::ptrdiff_t i = t0; i < t1; ++i) {
        const double* x = X.data() + i * X.outerStride();
        const Eigen::Map<const Eigen::ArrayXd> xr(x, p);
        const double wi = weight_at(w, i);
        const double check = (xr * 0.0).sum();  // NaN or infinity anywhere leave it non-zero
        gap[static_cast<std::size_t>(i - t0)] = check != 0.0;
        if (check == 0.0) {
          s1 += wi * (xr - ref);
          wrows += wi;
          continue;
        }
        any_gap = true;
        for (Eigen::Index j = 0; j < p; ++j) {
          if (std::isfinite(x[j])) {
            s1[j] += wi * (x[j] - ref[j]);
            wcol[j] += wi;
          } else if (!(impute_missing && std::isnan(x[j]))) {
            bad[b] = 1;
          }
        }
      }
      wcol += wrows;
      mean = (wcol > 0.0).select(s1 / wcol, 0.0);
      for (std::ptrdiff_t i = t0; i < t1; ++i) {
        const double* x = X.data() + i * X.outerStride();
        const double wi = weight_at(w, i);
        if (!any_gap || !gap[static_cast<std::size_t>(i - t0)]) {
          s2 += wi * (Eigen::Map<const Eigen::ArrayXd>(x, p) - ref - mean).square();
          continue;
        }
        for (Eigen::Index j = 0; j < p; ++j) {
          const double d = x[j] - ref[j] - mean[j];
          if (std::isfinite(d)) s2[j] += wi * d * d;
        }
      }
      for (Eigen::Index j = 0; j < p; ++j)
        acc[static_cast<std::size_t>(j)].merge(wcol[j], mean[j], s2[j]);
    }
    parts[b] = std::move(acc);
  });
  for (std::uint8_t flag : bad)
    if (flag) return locate_bad_feature(X, s.names, impute_missing);
  std::vector<ColumnMoments> total(pu);
  for (const auto& part : parts)
    for (std::size_t j = 0; j < pu; ++j) total[j].merge(part[j].weight, part[j].mean, part[j].m2);
  s.mean.resize(p);
  Eigen::VectorXd var(p);
  for (std::size_t j = 0; j < pu; ++j) {
    const auto k = static_cast<Eigen::Index>(j);
    s.mean[k] = ref[k] + total[j].mean;
    var[k] = total[j].weight > 0.0 ? total[j].m2 / total[j].weight : 0.0;
  }
  for (Eigen::Index j = 0; j < p; ++j) {
    double first = std::numeric_limits<double>::quiet_NaN();
    bool constant = true;
    for (Eigen::Index i = 0; i < n && constant; ++i) {
      const double v = X(i, j);
      if (std::isnan(v)) continue;
      if (std::isnan(first)) first = v;
      else if (v != first) constant = false;
    }
    s.constant[static_cast<std::size_t>(j)] = constant;
    if (constant) {
      // Every observed value equals `first`: centre on it exactly so z is exactly 0.
      if (!std::isnan(first)) s.mean[j] = first;
      s.scale[j] = 1.0;
    } else if (standardize) {
      s.scale[j] = std::sqrt(var[j]);
    }
  }
  return s;
}

/// z = x * factor + shift per feature, with factor = 0 and shift = 0 for constant features, so
/// that the inner loop is one fused multiply-add without branches.
struct AffineScaling {
  Eigen::VectorXd factor, shift;
  bool impute_missing = false;
  explicit AffineScaling(const FeatureScaling& s) : impute_missing(s.impute_missing) {
    const Eigen::Index p = s.size();
    factor.resize(p);
    shift.resize(p);
    for (Eigen::Index j = 0; j < p; ++j) {
      const bool off = s.constant[static_cast<std::size_t>(j)];
      factor[j] = off ? 0.0 : 1.0 / s.scale[j];
      shift[j] = off ? 0.0 : -s.mean[j] / s.scale[j];
    }
  }
};

/// Fill `Z` (rows x (p + 1), row-major) with [1, z_1, ..., z_p] for rows [begin, end); a
/// missing value (allowed only when imputing) becomes z = 0, the training mean.
inline void standardized_tile(const FeatureMatrixRef& X, const AffineScaling& a,
                              std::ptrdiff_t begin, std::ptrdiff_t end, RowMatrixXd& Z) {
  const Eigen::Index p = X.cols();
  const std::ptrdiff_t rows = end - begin;
  Z.resize(rows, p + 1);
  const double* factor = a.factor.data();
  const double* shift = a.shift.data();
  for (std::ptrdiff_t r = 0; r < rows; ++r) {
    Z(r, 0) = 1.0;
    const double* x = X.data() + (begin + r) * X.outerStride();
    double* z = &Z(r, 1);
    for (Eigen::Index j = 0; j < p; ++j) z[j] = x[j] * factor[j] + shift[j];
    if (a.impute_missing)
      for (Eigen::Index j = 0; j < p; ++j)
        if (std::isnan(z[j])) z[j] = 0.0;
  }
}

/// Fill `T` with the columns [1, z_1, ..., z_p] of rows [begin, end), as standardized_tile
/// does, stored by column for the Gram kernel (no transpose needed afterwards).
inline void standardized_column_tile(const FeatureMatrixRef& X, const AffineScaling& a,
                                     std::ptrdiff_t begin, std::ptrdiff_t end, ColumnTile& T) {
  const Eigen::Index p = X.cols();
  const std::ptrdiff_t rows = end - begin;
  T.reshape(rows, p + 1);
  std::fill(T.column(0), T.column(0) + rows, 1.0);
  const double* factor = a.factor.data();
  const double* shift = a.shift.data();
  for (std::ptrdiff_t r = 0; r < rows; ++r) {
    const double* x = X.data() + (begin + r) * X.outerStride();
    double* z = T.column(1) + r;
    for (Eigen::Index j = 0; j < p; ++j) z[j * T.ld] = x[j] * factor[j] + shift[j];
  }
  if (a.impute_missing) {
    for (Eigen::Index j = 1; j <= p; ++j) {
      double* z = T.column(j);
      for (std::ptrdiff_t r = 0; r < rows; ++r)
        if (std::isnan(z[r])) z[r] = 0.0;
    }
  }
}

/// Sum of per-block matrices in block order: identical bits for any thread count.
inline Eigen::MatrixXd sum_blocks(const std::vector<Eigen::MatrixXd>& parts, Eigen::Index rows,
                                  Eigen::Index cols) {
  Eigen::MatrixXd total = Eigen::MatrixXd::Zero(rows, cols);
  for (const auto& m : parts)
    if (m.size() > 0) total += m;
  return total;
}

/// The top_k largest |contribution| of one row, ties broken by the lower feature index.
inline void top_k_row(const double* contribution, Eigen::Index p, int top_k,
                      std::int32_t* index_out, double* value_out) {
  int filled = 0;
  double floor = -1.0;  // |value| of the weakest kept driver once top_k are kept
  for (Eigen::Index j = 0; j < p; ++j) {
    const double a = std::abs(contribution[j]);
    if (a <= floor) continue;  // the common case: weaker than every kept driver
    int pos = filled;
    while (pos > 0 && std::abs(value_out[pos - 1]) < a) --pos;
    if (pos >= top_k) continue;
    const int last = std::min(filled, top_k - 1);
    for (int q = last; q > pos; --q) {
      value_out[q] = value_out[q - 1];
      index_out[q] = index_out[q - 1];
    }
    value_out[pos] = contribution[j];
    index_out[pos] = static_cast<std::int32_t>(j);
    if (filled < top_k) ++filled;
    if (filled == top_k) floor = std::abs(value_out[top_k - 1]);
  }
  for (int q = filled; q < top_k; ++q) {
    index_out[q] = -1;
    value_out[q] = 0.0;
  }
}

}  // namespace detail

/// @brief Each customer's score split into per-feature parts.
struct DriverBreakdown {
  Eigen::VectorXd linear_predictor;  ///< log-odds (logistic) or log relative risk (Cox)
  Eigen::Matrix<std::int32_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>
      driver;  ///< n x top_k feature indices, strongest first (-1 when p < top_k)
  RowMatrixXd contribution;  ///< n x top_k signed contributions matching `driver`
};

namespace detail {

/// Linear predictor `offset + sum_j coef_z[j] * z_ij` and the top_k contributions
/// `coef_z[j] * z_ij` (relative to the average training customer, z = 0) of every row, written
/// into caller-owned buffers (n, n x top_k and n x top_k, row-major) so that bindings can hand
/// out the memory without a copy. The finiteness check rides along in the same sweep.
inline absl::Status score_rows_into(const FeatureMatrixRef& X, const FeatureScaling& s,
                                    const Eigen::VectorXd& coef_z, double offset, int top_k,
                                    double* linear_predictor, std::int32_t* driver,
                                    double* contribution) {
  if (X.cols() != s.size()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "X has %d columns but the model was fitted on %d features", X.cols(), s.size()));
  }
  if (top_k < 0) return absl::InvalidArgumentError("top_k must be non-negative");
  if (X.rows() == 0) return absl::OkStatus();
  const Eigen::Index n = X.rows(), p = X.cols();
  // Folding the scaling into the coefficients keeps the inner loop to one multiply-add.
  Eigen::VectorXd a(p), c0(p);
  for (Eigen::Index j = 0; j < p; ++j) {
    const bool off = s.constant[static_cast<std::size_t>(j)];
    a[j] = off ? 0.0 : coef_z[j] / s.scale[j];
    c0[j] = -a[j] * s.mean[j];
  }
  const bool impute = s.impute_missing;
  std::vector<std::uint8_t> bad(static_cast<std::size_t>((n + kRowBlock - 1) / kRowBlock), 0);
  parallel_chunks(n, kRowBlock, [&](std::ptrdiff_t begin, std::ptrdiff_t end) {
    std::vector<double> c(static_cast<std::size_t>(p));
    bool flagged = false;
    for (std::ptrdiff_t i = begin; i < end; ++i) {
      const double* x = X.data() + i * X.outerStride();
      double eta = offset, check = 0.0;
      for (Eigen::Index j = 0; j < p; ++j) {
        check += x[j] * 0.0;  // NaN or infinity in any feature leaves this non-zero
        c[static_cast<std::size_t>(j)] = a[j] * x[j] + c0[j];
      }
      if (check != 0.0) {
        for (Eigen::Index j = 0; j < p; ++j) {
          if (std::isnan(x[j]) && impute) c[static_cast<std::size_t>(j)] = 0.0;  // the mean
          else if (!std::isfinite(x[j])) flagged = true;
        }
      }
      for (Eigen::Index j = 0; j < p; ++j) eta += c[static_cast<std::size_t>(j)];
      linear_predictor[i] = eta;
      if (top_k > 0) top_k_row(c.data(), p, top_k, driver + i * top_k, contribution + i * top_k);
    }
    bad[static_cast<std::size_t>(begin / kRowBlock)] = flagged;
  });
  for (std::uint8_t flag : bad)
    if (flag) return locate_bad_feature(X, s.names, impute);
  return absl::OkStatus();
}

inline absl::StatusOr<DriverBreakdown> score_rows(const FeatureMatrixRef& X,
                                                  const FeatureScaling& s,
                                                  const Eigen::VectorXd& coef_z, double offset,
                                                  int top_k) {
  DriverBreakdown out;
  out.linear_predictor.resize(X.rows());
  out.driver.resize(X.rows(), std::max(top_k, 0));
  out.contribution.resize(X.rows(), std::max(top_k, 0));
  CUSTINSIGHT_RETURN_IF_ERROR(score_rows_into(X, s, coef_z, offset, top_k,
                                              out.linear_predictor.data(), out.driver.data(),
                                              out.contribution.data()));
  return out;
}

}  // namespace detail
}  // namespace custinsight
