#pragma once

/// @file patterns.hpp
/// @brief Input checks shared by the loyalty models, and the compression of identical
/// (frequency, recency, T) rows into weighted patterns, so that fitting costs grow with the
/// number of distinct histories rather than the number of customers.

#include <Eigen/Core>
#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "custinsight/parallel.hpp"
#include "custinsight/status.hpp"

namespace custinsight {

/// @brief Customer histories, one row per distinct (frequency, recency, T) with its weight.
struct Patterns {
  Eigen::ArrayXd frequency;
  Eigen::ArrayXd recency;
  Eigen::ArrayXd T;
  Eigen::ArrayXd weight;
  double total_weight = 0.0;   ///< customers represented (sum of weights)
  std::int64_t n_rows = 0;     ///< rows passed in, before compression
  std::int64_t max_frequency = 0;
  [[nodiscard]] Eigen::Index size() const { return frequency.size(); }
};

namespace detail {

/// Frequency must be a whole number of repeat purchases; the models are counts.
inline absl::Status check_counts(std::string_view argument, std::span<const double> x) {
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i])) return invalid_element(argument, i, x[i], "must be finite");
    if (x[i] < 0) return invalid_element(argument, i, x[i], "must be non-negative");
    if (x[i] != std::floor(x[i])) return invalid_element(argument, i, x[i], "must be an integer");
    if (x[i] > 1e7) return invalid_element(argument, i, x[i], "is implausibly large (> 1e7)");
  }
  return absl::OkStatus();
}

/// True if every row is a valid history: one branch-free pass that the compiler vectorises
/// (comparisons are false for NaN, and finite bounds exclude infinities). Rows fail it exactly
/// when one of check_history's element checks fails.
inline bool histories_valid(const double* f, const double* r, const double* t, std::size_t n) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  bool ok = true;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = f[i], tx = r[i], age = t[i];
    // x <= 1e7 keeps the int32 conversion exact; whole numbers survive it.
    const bool count = x >= 0.0 && x <= 1e7 && static_cast<double>(static_cast<int>(x)) == x;
    const bool times = tx >= 0.0 && tx <= age && age < kInf;
    ok &= count & times & ((x != 0.0) | (tx == 0.0));
  }
  return ok;
}

/// lifetimes' checks, with the first offending row named: 0 <= recency <= T, and recency = 0
/// for customers without repeat purchases.
inline absl::Status check_history(std::span<const double> frequency,
                                  std::span<const double> recency, std::span<const double> T) {
  CUSTINSIGHT_RETURN_IF_ERROR(check_not_empty("frequency", frequency.size()));
  CUSTINSIGHT_RETURN_IF_ERROR(
      check_same_length("recency", recency.size(), "frequency", frequency.size()));
  CUSTINSIGHT_RETURN_IF_ERROR(check_same_length("T", T.size(), "frequency", frequency.size()));
  // Valid input, the common case, is confirmed in one parallel pass over fixed blocks; only
  // invalid input goes through the checks below, which find and name the first bad row.
  constexpr std::ptrdiff_t kBlock = 1 << 16;
  const auto n = static_cast<std::ptrdiff_t>(frequency.size());
  std::atomic<bool> all_ok{true};
  parallel_chunks(n, kBlock, [&](std::ptrdiff_t begin, std::ptrdiff_t end) {
    const auto b = static_cast<std::size_t>(begin), len = static_cast<std::size_t>(end - begin);
    if (!histories_valid(frequency.data() + b, recency.data() + b, T.data() + b, len))
      all_ok.store(false, std::memory_order_relaxed);
  });
  if (all_ok.load()) return absl::OkStatus();
  CUSTINSIGHT_RETURN_IF_ERROR(check_counts("frequency", frequency));
  CUSTINSIGHT_RETURN_IF_ERROR(check_finite("recency", recency));
  CUSTINSIGHT_RETURN_IF_ERROR(check_finite("T", T));
  CUSTINSIGHT_RETURN_IF_ERROR(check_non_negative("recency", recency));
  for (std::size_t i = 0; i < T.size(); ++i) {
    if (recency[i] > T[i])
      return invalid_element("recency", i, recency[i],
                             absl::StrFormat("is larger than T[%d] = %.17g", i, T[i]));
    if (frequency[i] == 0 && recency[i] != 0)
      return invalid_element("recency", i, recency[i], "must be 0 where frequency is 0");
  }
  return absl::OkStatus();
}

inline absl::Status check_weights(std::span<const double> weights, std::size_t n) {
  if (weights.empty()) return absl::OkStatus();
  CUSTINSIGHT_RETURN_IF_ERROR(check_same_length("weights", weights.size(), "frequency", n));
  CUSTINSIGHT_RETURN_IF_ERROR(check_finite("weights", weights));
  CUSTINSIGHT_RETURN_IF_ERROR(check_non_negative("weights", weights));
  return absl::OkStatus();
}

struct PatternKey {
  std::uint64_t x, tx, T;
  bool operator==(const PatternKey&) const = default;
  template <class H>
  friend H AbslHashValue(H h, const PatternKey& k) {
    return H::combine(std::move(h), k.x, k.tx, k.T);
  }
};

}  // namespace detail

namespace detail {

inline PatternKey pattern_key(double a, double b, double c) {
  // +0.0 and -0.0 are the same history; adding 0.0 turns -0.0 into +0.0.
  return {std::bit_cast<std::uint64_t>(a + 0.0), std::bit_cast<std::uint64_t>(b + 0.0),
          std::bit_cast<std::uint64_t>(c + 0.0)};
}

/// Whether merging identical rows would pay: hashing a million distinct rows costs about as
/// much as a whole fit, so when an evenly spread sample of 4096 rows is at least 95% distinct
/// (continuous-time histories) the rows are used as they are. Depends on the data only.
inline bool worth_compressing(std::span<const double> a, std::span<const double> b,
                              std::span<const double> c) {
  constexpr std::size_t kSample = 4096;
  const std::size_t n = a.size();
  if (n <= 4 * kSample) return true;
  absl::flat_hash_set<PatternKey> seen;
  seen.reserve(kSample);
  const std::size_t stride = n / kSample;
  for (std::size_t i = 0; i < n && seen.size() < kSample; i += stride)
    seen.insert(pattern_key(a[i], b[i], c[i]));
  std::size_t sampled = 0;
  for (std::size_t i = 0; i < n; i += stride) ++sampled;
  return static_cast<double>(seen.size()) < 0.95 * static_cast<double>(sampled);
}

/// Merge identical (a, b, c) rows, adding their weights, in order of first appearance (so
/// results never depend on threads). No checks: callers validate first.
inline absl::StatusOr<Patterns> compress_rows(std::span<const double> a, std::span<const double> b,
                                              std::span<const double> c,
                                              std::span<const double> weights) {
  const std::size_t n = a.size();
  const bool positive_weights =
      weights.empty() ||
      (Eigen::Map<const Eigen::ArrayXd>(weights.data(), static_cast<Eigen::Index>(n)) > 0.0).all();
  if (positive_weights && n > 0 && !worth_compressing(a, b, c)) {
    Patterns p;
    const auto m = static_cast<Eigen::Index>(n);
    p.frequency = Eigen::Map<const Eigen::ArrayXd>(a.data(), m);
    p.recency = Eigen::Map<const Eigen::ArrayXd>(b.data(), m);
    p.T = Eigen::Map<const Eigen::ArrayXd>(c.data(), m);
    p.weight = weights.empty() ? Eigen::ArrayXd::Ones(m)
                               : Eigen::ArrayXd(Eigen::Map<const Eigen::ArrayXd>(weights.data(), m));
    p.total_weight = p.weight.sum();
    p.n_rows = static_cast<std::int64_t>(n);
    p.max_frequency = static_cast<std::int64_t>(p.frequency.maxCoeff());
    return p;
  }
  absl::flat_hash_map<PatternKey, std::int64_t> index;
  std::vector<double> f, r, t, w;
  index.reserve(std::min<std::size_t>(n, std::size_t{1} << 22));
  for (std::size_t i = 0; i < n; ++i) {
    const double wi = weights.empty() ? 1.0 : weights[i];
    if (wi == 0.0) continue;
    const PatternKey key = pattern_key(a[i], b[i], c[i]);
    auto [it, inserted] = index.try_emplace(key, static_cast<std::int64_t>(f.size()));
    if (inserted) {
      f.push_back(a[i]);
      r.push_back(b[i]);
      t.push_back(c[i]);
      w.push_back(wi);
    } else {
      w[static_cast<std::size_t>(it->second)] += wi;
    }
  }
  if (f.empty()) return absl::InvalidArgumentError("weights: every weight is zero");
  Patterns p;
  const auto m = static_cast<Eigen::Index>(f.size());
  p.frequency = Eigen::Map<const Eigen::ArrayXd>(f.data(), m);
  p.recency = Eigen::Map<const Eigen::ArrayXd>(r.data(), m);
  p.T = Eigen::Map<const Eigen::ArrayXd>(t.data(), m);
  p.weight = Eigen::Map<const Eigen::ArrayXd>(w.data(), m);
  p.total_weight = p.weight.sum();
  p.n_rows = static_cast<std::int64_t>(n);
  p.max_frequency = static_cast<std::int64_t>(p.frequency.maxCoeff());
  return p;
}

}  // namespace detail

/// @brief Validate continuous-time histories and merge identical rows (their weights add up).
/// @param weights customers per row, or empty for one each
/// @return patterns in order of first appearance, or InvalidArgument naming the first bad row
inline absl::StatusOr<Patterns> compress_patterns(std::span<const double> frequency,
                                                  std::span<const double> recency,
                                                  std::span<const double> T,
                                                  std::span<const double> weights = {}) {
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_history(frequency, recency, T));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_weights(weights, frequency.size()));
  return detail::compress_rows(frequency, recency, T, weights);
}

}  // namespace custinsight
