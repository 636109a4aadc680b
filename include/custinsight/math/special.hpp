#pragma once

/// @file special.hpp
/// @brief Special functions the loyalty models need and the standard library lacks (digamma) or
/// offers without thread safety (lgamma writes the global `signgam`).

#include <math.h>  // lgamma_r

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace custinsight::detail {

/// log Gamma(x) for x > 0, reentrant (glibc's lgamma_r leaves the sign in a local).
inline double log_gamma(double x) {
  int sign = 0;
  return ::lgamma_r(x, &sign);
}

/// log Beta(a, b) for a, b > 0.
inline double log_beta(double a, double b) { return log_gamma(a) + log_gamma(b) - log_gamma(a + b); }

/// Digamma psi(x) for x > 0: upward recurrence to x >= 10, then the asymptotic series, whose
/// first omitted term is below 1e-14 there.
inline double digamma(double x) {
  double shift = 0.0;
  while (x < 10.0) {
    shift -= 1.0 / x;
    x += 1.0;
  }
  const double inv = 1.0 / x;
  const double inv2 = inv * inv;
  const double series =
      inv2 * (1.0 / 12 - inv2 * (1.0 / 120 - inv2 * (1.0 / 252 - inv2 * (1.0 / 240 - inv2 / 132))));
  return shift + std::log(x) - 0.5 * inv - series;
}

/// Trigamma psi'(x) for x > 0: upward recurrence to x >= 10, then the asymptotic series.
inline double trigamma(double x) {
  double shift = 0.0;
  while (x < 10.0) {
    shift += 1.0 / (x * x);
    x += 1.0;
  }
  const double inv = 1.0 / x;
  const double inv2 = inv * inv;
  const double series =
      inv * (1.0 + inv * (0.5 + inv * (1.0 / 6 - inv2 * (1.0 / 30 - inv2 * (1.0 / 42 - inv2 / 30)))));
  return shift + series;
}

/// log(exp(a) + exp(b)) without overflow; -inf + -inf gives -inf.
inline double log_add_exp(double a, double b) {
  const double hi = std::max(a, b);
  if (hi == -std::numeric_limits<double>::infinity()) return hi;
  return hi + std::log1p(std::exp(std::min(a, b) - hi));
}

/// 1 / (1 + exp(-x)), accurate in both tails.
inline double logistic(double x) {
  if (x >= 0) return 1.0 / (1.0 + std::exp(-x));
  const double e = std::exp(x);
  return e / (1.0 + e);
}

/// (1 - exp(-y * k)) / k, continuous at k = 0 (where it is y): the integral of exp(-k u) over
/// [0, y], used where a power's exponent may pass through zero.
inline double one_minus_exp_over(double k, double y) {
  const double ky = k * y;
  if (std::abs(ky) < 1e-8) return y * (1.0 - 0.5 * ky);
  return -std::expm1(-ky) / k;
}

/// Running sums over k < x of log(theta + k), 1 / (theta + k) and 1 / (theta + k)^2, i.e.
/// lgamma(theta + x) - lgamma(theta), digamma(theta + x) - digamma(theta) and
/// trigamma(theta) - trigamma(theta + x) for integer x. Filling them once per evaluation
/// replaces a lgamma, a digamma and a trigamma per customer.
struct RisingTables {
  std::vector<double> log_rising;  // [x] = sum_{k<x} log(theta + k)
  std::vector<double> harmonic;    // [x] = sum_{k<x} 1 / (theta + k)
  std::vector<double> harmonic2;   // [x] = sum_{k<x} 1 / (theta + k)^2, filled on request
  void fill(double theta, std::size_t max_x, bool second = false) {
    log_rising.resize(max_x + 1);
    harmonic.resize(max_x + 1);
    log_rising[0] = 0.0;
    harmonic[0] = 0.0;
    if (second) {
      harmonic2.resize(max_x + 1);
      harmonic2[0] = 0.0;
    }
    // Long sums drift by an ulp per term; beyond a few hundred terms use lgamma directly.
    for (std::size_t k = 0; k < max_x; ++k) {
      const double v = theta + static_cast<double>(k);
      if (k % 256 == 255) {
        log_rising[k + 1] = log_gamma(v + 1.0) - log_gamma(theta);
        harmonic[k + 1] = digamma(v + 1.0) - digamma(theta);
        if (second) harmonic2[k + 1] = trigamma(theta) - trigamma(v + 1.0);
      } else {
        log_rising[k + 1] = log_rising[k] + std::log(v);
        harmonic[k + 1] = harmonic[k] + 1.0 / v;
        if (second) harmonic2[k + 1] = harmonic2[k] + 1.0 / (v * v);
      }
    }
  }
};

}  // namespace custinsight::detail
