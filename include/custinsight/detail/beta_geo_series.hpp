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
#include <span>
#include <utility>
#include <vector>

namespace custinsight::detail {

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

  /// F(A, B; C; z_j) - 1 for several z_j <= z_max sharing the frequency x: each coefficient
  /// is loaded once for all of them and the updates of the z_j are independent (the compiler
  /// vectorises them). The largest z converges last, so the stopping test watches it alone.
  /// @return false if the table ends before the series have converged
  bool series_minus_one_many(std::size_t x, const double* z, double* out, int nz) const {
    // Horizons in lanes of four (padded with z = 0); a compile-time number of lanes lets the
    // compiler keep every power and partial sum in SIMD registers.
    switch ((nz + 3) / 4) {
      case 0: return true;
      case 1: return series_lanes<1>(tables_[x], z, out, nz);
      case 2: return series_lanes<2>(tables_[x], z, out, nz);
      case 3: return series_lanes<3>(tables_[x], z, out, nz);
      case 4: return series_lanes<4>(tables_[x], z, out, nz);
      default: return series_lanes<kMaxHorizons / 4>(tables_[x], z, out, nz);
    }
  }

  static constexpr int kMaxHorizons = 64;

 private:
  struct Table {
    std::vector<double> coef;   // c_0 .. c_K
    std::vector<double> ratio;  // |c_{k+1} / c_k|
    bool exact = false;
  };

  template <int Lanes>
  static bool series_lanes(const Table& t, const double* z, double* out, int nz) {
    using Lane = Eigen::Array4d;
    std::array<Lane, Lanes> zz, power, sum;
    int top = 0;
    for (int g = 0; g < Lanes; ++g) {
      for (int l = 0; l < 4; ++l) {
        const int j = 4 * g + l;
        zz[static_cast<std::size_t>(g)][l] = j < nz ? z[j] : 0.0;
        if (j < nz && z[j] > z[top]) top = j;
      }
      power[static_cast<std::size_t>(g)].setOnes();
      sum[static_cast<std::size_t>(g)].setZero();
    }
    const double z_top = z[top];
    const auto gtop = static_cast<std::size_t>(top / 4);
    const int ltop = top % 4;
    bool converged = t.exact || z_top == 0.0;
    const std::size_t terms = t.ratio.size();
    for (std::size_t k = 0; k < terms; ++k) {
      const double c = t.coef[k + 1];
      for (std::size_t g = 0; g < static_cast<std::size_t>(Lanes); ++g) {
        power[g] *= zz[g];
        sum[g] += c * power[g];
      }
      const double q = t.ratio[k] * z_top;
      if (q < 1.0 && k > 2 &&
          std::abs(c * power[gtop][ltop]) * q <=
              1e-17 * std::abs(1.0 + sum[gtop][ltop]) * (1.0 - q)) {
        converged = true;
        break;
      }
    }
    for (int j = 0; j < nz; ++j) out[j] = sum[static_cast<std::size_t>(j / 4)][j % 4];
    return converged;
  }
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
