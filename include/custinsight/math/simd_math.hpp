#pragma once

/// @file simd_math.hpp
/// @brief log and exp of eight doubles at once, for the per-customer prediction kernels.
///
/// glibc's scalar log and exp take 2-3 ns each; numpy's take well under 1 ns because they use
/// AVX2/AVX-512 chosen at run time. Wheels must run on any x86-64, so the kernels here are
/// written once with GCC/Clang vector extensions and compiled for several instruction sets
/// with `target_clones`; the loader picks the best one for the CPU. Accuracy is within 2 ulp
/// of the correctly rounded result on the inputs the kernels meet (positive, normal log
/// arguments; exp arguments in [-745, 709], saturating to 0 and inf beyond).

#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
/// One copy per instruction set, picked by the loader (GNU ifunc).
#define CUSTINSIGHT_SIMD_CLONES \
  __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define CUSTINSIGHT_SIMD_CLONES
#endif

// 64-byte vectors passed between inline helpers: GCC notes that their ABI differs without
// AVX-512, which is irrelevant for functions that are always inlined.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

namespace custinsight::detail::simd {

using v8d = double __attribute__((vector_size(64)));
using v8l = std::int64_t __attribute__((vector_size(64)));

// Vectors travel by reference: by value, 64-byte vectors have an ABI that GCC warns about
// when AVX-512 is not enabled.
inline void load(const double* p, v8d& v) { std::memcpy(&v, p, sizeof v); }
inline void store(double* p, const v8d& v) { std::memcpy(p, &v, sizeof v); }

/// log(x) for positive finite x: x = 2^k m with m in [sqrt(1/2), sqrt(2)), and
/// log(m) = 2 atanh(f), f = (m - 1) / (m + 1), |f| < 0.172, by its odd series to f^23.
inline void log(const v8d& x, v8d& out) {
  v8l bits;
  std::memcpy(&bits, &x, sizeof bits);
  // Shift the mantissa range to [sqrt(1/2), sqrt(2)) by biasing with the bits of sqrt(1/2).
  const std::int64_t kSqrtHalf = 0x3fe6a09e667f3bcdLL;
  const v8l shifted = bits - kSqrtHalf;
  const v8l k = shifted >> 52;  // arithmetic shift: the exponent relative to sqrt(1/2)
  const v8l mbits = bits - (k << 52);  // x / 2^k, in [sqrt(1/2), sqrt(2))
  v8d m;
  std::memcpy(&m, &mbits, sizeof m);
  const v8d f = (m - 1.0) / (m + 1.0);
  const v8d f2 = f * f;
  v8d p = v8d{} + 1.0 / 23;
  p = p * f2 + 1.0 / 21;
  p = p * f2 + 1.0 / 19;
  p = p * f2 + 1.0 / 17;
  p = p * f2 + 1.0 / 15;
  p = p * f2 + 1.0 / 13;
  p = p * f2 + 1.0 / 11;
  p = p * f2 + 1.0 / 9;
  p = p * f2 + 1.0 / 7;
  p = p * f2 + 1.0 / 5;
  p = p * f2 + 1.0 / 3;
  const v8d kd = __builtin_convertvector(k, v8d);
  // ln 2 split into a high part exact in products with k and a low correction.
  const double kLn2Hi = 6.93147180369123816490e-01, kLn2Lo = 1.90821492927058770002e-10;
  const v8d log_m = 2.0 * f + 2.0 * f * f2 * p;
  out = kd * kLn2Hi + (log_m + kd * kLn2Lo);
}

/// exp(x): x = k ln 2 + r with |r| <= ln 2 / 2, e^r by its Taylor series to r^13, times 2^k
/// built in the exponent bits (in two halves, so that results near the limits of the range
/// neither overflow nor underflow early).
inline void exp(const v8d& x, v8d& out) {
  const v8d lo = v8d{} - 746.0, hi = v8d{} + 710.0;
  const v8d clamped = x < lo ? lo : (x > hi ? hi : x);
  const double kLog2e = 1.4426950408889634, kLn2Hi = 6.93147180369123816490e-01,
               kLn2Lo = 1.90821492927058770002e-10;
  // Round to nearest by adding and removing 1.5 * 2^52 (|x log2 e| < 2^51 here).
  const double kShift = 6755399441055744.0;
  const v8d kd = (clamped * kLog2e + kShift) - kShift;
  const v8d r = (clamped - kd * kLn2Hi) - kd * kLn2Lo;
  v8d p = v8d{} + 1.0 / 6227020800.0;
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  const v8l k = __builtin_convertvector(kd, v8l);
  const v8l k1 = k >> 1, k2 = k - k1;
  const v8l b1 = (k1 + 1023) << 52, b2 = (k2 + 1023) << 52;
  v8d s1, s2;
  std::memcpy(&s1, &b1, sizeof s1);
  std::memcpy(&s2, &b2, sizeof s2);
  const v8d scaled = p * s1 * s2;
  const v8d zero = v8d{}, inf = v8d{} + __builtin_inf();
  out = x < -745.2 ? zero : (x > 709.79 ? inf : scaled);
}

/// P(alive) of BG/NBD (offset 0) or MBG/NBD (offset 1) for n customers:
/// 1 / (1 + a / (b + x + offset - 1) ((alpha + T) / (alpha + t_x))^(r + x)), and 1 for BG/NBD
/// customers without repeat purchases. The last partial group of eight runs through the same
/// lanes (padded), so every customer's result is the same wherever it sits in the array.
[[maybe_unused]] CUSTINSIGHT_SIMD_CLONES static void probability_alive(
    double r, double alpha, double a, double b, double offset, const double* x, const double* tx,
    const double* T, double* out, std::ptrdiff_t n) {
  const v8d one = v8d{} + 1.0;
  auto group = [&](const double* xp, const double* txp, const double* tp, double* op) {
    v8d xv, txv, tv, l, e;
    load(xp, xv);
    load(txp, txv);
    load(tp, tv);
    log((alpha + tv) / (alpha + txv), l);
    exp((r + xv) * l, e);
    const v8d p = 1.0 / (1.0 + a * e / (b + xv + (offset - 1.0)));
    store(op, offset == 0.0 ? (xv == 0.0 ? one : p) : p);
  };
  // One call site of `group`: an inlined second copy for the padded tail could be compiled
  // with other contractions (FMA) and give a customer other last bits at the end of an array.
  for (std::ptrdiff_t i = 0; i < n; i += 8) {
    double bx[8] = {0, 0, 0, 0, 0, 0, 0, 0}, btx[8] = {0, 0, 0, 0, 0, 0, 0, 0},
           bt[8] = {1, 1, 1, 1, 1, 1, 1, 1}, bo[8];
    const bool full = i + 8 <= n;
    const auto rest = static_cast<std::size_t>(full ? 8 : n - i);
    if (!full) {
      std::memcpy(bx, x + i, rest * sizeof(double));
      std::memcpy(btx, tx + i, rest * sizeof(double));
      std::memcpy(bt, T + i, rest * sizeof(double));
    }
    group(full ? x + i : bx, full ? tx + i : btx, full ? T + i : bt, full ? out + i : bo);
    if (!full) std::memcpy(out + i, bo, rest * sizeof(double));
  }
}

/// out[j] = base[j]^power for n positive normal bases, eight at a time (padded at the end).
[[maybe_unused]] CUSTINSIGHT_SIMD_CLONES static void pow_positive(const double* base, double power,
                                                                  double* out, std::ptrdiff_t n) {
  auto group = [&](const double* bp, double* op) {
    v8d v, l, e;
    load(bp, v);
    log(v, l);
    exp(power * l, e);
    store(op, e);
  };
  for (std::ptrdiff_t i = 0; i < n; i += 8) {  // one call site, as in probability_alive
    double b[8] = {1, 1, 1, 1, 1, 1, 1, 1}, o[8];
    const bool full = i + 8 <= n;
    const auto rest = static_cast<std::size_t>(full ? 8 : n - i);
    if (!full) std::memcpy(b, base + i, rest * sizeof(double));
    group(full ? base + i : b, full ? out + i : o);
    if (!full) std::memcpy(out + i, o, rest * sizeof(double));
  }
}

}  // namespace custinsight::detail::simd

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
