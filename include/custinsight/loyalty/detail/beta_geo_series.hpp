#pragma once

/// @file beta_geo_series.hpp
/// @brief Batch evaluation of the BG/NBD and MBG/NBD conditional expectations.
///
/// E[X(T, T + t] | x, t_x, T] = (a + b + n - 1) / (a - 1) P(alive)
///                              (1 - (1 - z)^(a - 1) F(A, B; C; z)),  z = t / (alpha + T + t),
/// with A = a + b - 1 - r + Offset, B = a - 1, C = a + b + n - 1 and n = x + Offset (see
/// hyp2f1.hpp for why this Euler-transformed form). The series coefficients depend on the
/// customer only through x, so they are tabulated once per frequency and call; each customer
/// then costs one multiply-add per term instead of a division.

#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <span>
#include <utility>
#include <vector>

#include "custinsight/math/simd_math.hpp"

namespace custinsight::detail {

/// sum_{k >= 1} coef[k] z_l^k for four z_l in [0, 1), with the stopping test of
/// hyp2f1_series on the largest z (ratio[k - 1] = |coef[k] / coef[k - 1]|) applied every
/// fourth term, as in series_minus_one: four partial sums with powers stepping by z^4 keep
/// four independent multiply-add chains in flight. Vector code compiled per instruction set
/// (simd_math.hpp), so that AVX2 handles the four z in one instruction.
/// @return false if the coefficients end before the series has converged
[[maybe_unused]] CUSTINSIGHT_SIMD_CLONES static bool series_four(const double* coef,
                                                                 const double* ratio,
                                                                 std::size_t terms, bool exact,
                                                                 const double* z, double* out) {
  using v4d = double __attribute__((vector_size(32)));
  v4d zz;
  std::memcpy(&zz, z, sizeof zz);
  int top = 0;
  for (int l = 1; l < 4; ++l)
    if (z[l] > z[top]) top = l;
  const double z_top = z[top];
  const v4d z2 = zz * zz, z4 = z2 * z2;
  v4d p0 = zz, p1 = z2, p2 = z2 * zz, p3 = z4;
  v4d s0 = v4d{}, s1 = v4d{}, s2 = v4d{}, s3 = v4d{};
  std::size_t k = 0;
  for (; k + 4 <= terms; k += 4) {
    s0 += coef[k + 1] * p0;
    s1 += coef[k + 2] * p1;
    s2 += coef[k + 3] * p2;
    const v4d last = coef[k + 4] * p3;
    s3 += last;
    p0 *= z4;
    p1 *= z4;
    p2 *= z4;
    p3 *= z4;
    const double q = ratio[k + 3] * z_top;
    if (q < 1.0) {
      const v4d partial = (s0 + s1) + (s2 + s3);
      if (std::abs(last[top]) * q <= 1e-17 * std::abs(1.0 + partial[top]) * (1.0 - q)) {
        std::memcpy(out, &partial, sizeof partial);
        return true;
      }
    }
  }
  // The table's last few terms, one at a time; an exact table (a polynomial) ends here.
  v4d sum = (s0 + s1) + (s2 + s3);
  for (; k < terms; ++k) {
    sum += coef[k + 1] * p0;
    p0 *= zz;
  }
  std::memcpy(out, &sum, sizeof sum);
  return exact || z_top == 0.0;
}

/// Series coefficients c_k = (A)_k (B)_k / ((C)_k k!) for every frequency up to a maximum,
/// long enough to converge at the largest z of the call.
class ExpectedSeriesTable {
 public:
  /// Tables for frequencies 0..max_x, for z up to z_max, or none (usable() false) if they
  /// would be too large; callers then fall back to the per-customer series.
  ExpectedSeriesTable(double r, double a, double b, int offset, std::size_t max_x, double z_max) {
    constexpr std::size_t kMaxEntries = std::size_t{1} << 22;
    constexpr int kMaxTerms = 200000;
    tables_.resize(max_x + 1);
    std::size_t entries = 0;
    for (std::size_t x = 0; x <= max_x; ++x) {
      const double n = static_cast<double>(x) + offset;
      const double A = a + b - 1.0 - r + offset, B = a - 1.0, C = a + b + n - 1.0;
      Table& t = tables_[x];
      t.coef.push_back(1.0);
      double coef = 1.0, sum = 1.0, power = 1.0;
      // Past convergence at z_max, a few more terms so that the evaluation, which tests only
      // every fourth term, always meets a passing test inside the table.
      int extra = -1;
      for (int k = 0; k < kMaxTerms && extra != 0; ++k) {
        if (extra > 0) --extra;
        const double dk = static_cast<double>(k);
        const double step = (A + dk) * (B + dk) / ((C + dk) * (dk + 1.0));
        coef *= step;
        t.ratio.push_back(std::abs(step));
        t.coef.push_back(coef);
        if (coef == 0.0) {  // a numerator parameter hit a non-positive integer: a polynomial
          t.exact = true;
          break;
        }
        if (std::isnan(coef)) break;
        power *= z_max;
        const double term = coef * power;
        sum += term;
        const double q = std::abs(step) * z_max;
        const bool done = (q < 1.0 && k > 2 && std::abs(term) * q <= 1e-17 * std::abs(sum) * (1.0 - q)) ||
                          (z_max == 0.0 && k > 2);
        if (done && extra < 0) extra = 8;
      }
      entries += t.coef.size();
      if (entries > kMaxEntries) {
        tables_.clear();
        return;
      }
    }
  }

  [[nodiscard]] bool usable() const { return !tables_.empty(); }
  /// An unusable table: every customer takes the per-customer series.
  ExpectedSeriesTable clear() && {
    tables_.clear();
    return std::move(*this);
  }

  /// F(A, B; C; z) - 1 for frequency x, with the stopping test of hyp2f1_series applied
  /// every fourth term. Four partial sums with powers stepping by z^4 keep four independent
  /// multiply-add chains in flight; one chain would wait on the latency of each term.
  /// @return false if the table ends before the series has converged
  bool series_minus_one(std::size_t x, double z, double& out) const {
    const Table& t = tables_[x];
    const std::size_t terms = t.ratio.size();  // coef has terms + 1 entries
    const double z2 = z * z, z4 = z2 * z2;
    double p0 = z, p1 = z2, p2 = z2 * z, p3 = z4;
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    std::size_t k = 0;
    for (; k + 4 <= terms; k += 4) {
      s0 += t.coef[k + 1] * p0;
      s1 += t.coef[k + 2] * p1;
      s2 += t.coef[k + 3] * p2;
      const double last = t.coef[k + 4] * p3;
      s3 += last;
      p0 *= z4;
      p1 *= z4;
      p2 *= z4;
      p3 *= z4;
      const double q = t.ratio[k + 3] * z;
      if (q < 1.0 && std::abs(last) * q <= 1e-17 * std::abs(1.0 + (s0 + s1) + (s2 + s3)) * (1.0 - q)) {
        out = (s0 + s1) + (s2 + s3);
        return true;
      }
    }
    double sum = (s0 + s1) + (s2 + s3);
    for (; k < terms; ++k) {  // the table's last few terms, one at a time
      sum += t.coef[k + 1] * p0;
      p0 *= z;
    }
    out = sum;
    return t.exact || z == 0.0;
  }

  /// F(A, B; C; z_j) - 1 for several z_j <= z_max sharing the frequency x, four at a time:
  /// each coefficient is loaded once for the four, and each group of four stops when its
  /// largest z has converged (short horizons need far fewer terms than long ones).
  /// @return false if the table ends before the series have converged
  bool series_minus_one_many(std::size_t x, const double* z, double* out, int nz) const {
    const Table& t = tables_[x];
    bool converged = true;
    for (int first = 0; first < nz; first += 4) {
      const int count = std::min(4, nz - first);
      double zz[4] = {0.0, 0.0, 0.0, 0.0}, sum[4];
      for (int l = 0; l < count; ++l) zz[l] = z[first + l];
      converged &= series_four(t.coef.data(), t.ratio.data(), t.ratio.size(), t.exact, zz, sum);
      for (int l = 0; l < count; ++l) out[first + l] = sum[l];
    }
    return converged;
  }

  static constexpr int kMaxHorizons = 64;

 private:
  struct Table {
    std::vector<double> coef;   // c_0 .. c_K
    std::vector<double> ratio;  // |c_{k+1} / c_k|
    bool exact = false;
  };

  std::vector<Table> tables_;
};

/// The largest frequency if it is at most `limit`, else -1 (callers fall back).
inline std::ptrdiff_t max_frequency_upto(std::span<const double> frequency, double limit) {
  const double top = Eigen::Map<const Eigen::ArrayXd>(frequency.data(),
                                                      static_cast<Eigen::Index>(frequency.size()))
                         .maxCoeff();
  return top <= limit ? static_cast<std::ptrdiff_t>(top) : -1;
}

}  // namespace custinsight::detail
