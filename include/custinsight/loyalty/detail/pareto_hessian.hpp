#pragma once

/// @file pareto_hessian.hpp
/// @brief Second derivatives of the Pareto/NBD likelihood terms of hyp2f1.hpp, so that the fit
/// can take Newton steps on the exact Hessian: 6-10 likelihood evaluations from the moment
/// start instead of ~30 with difference Hessians.
///
/// log J(t) = c_a log(alpha+t) + c_b log(beta+t) - log(m+s) + log F(1, b; c; z), with
/// (c_a, c_b, b, z) = (-m, -s, m, (alpha-beta)/(alpha+t)) when alpha >= beta and
/// (1-m, -(s+1), s+1, (beta-alpha)/(beta+t)) otherwise, and c = m+s+1 (see hyp2f1.hpp). The
/// series F and its first and second partial derivatives in (b, c, z) are sums of positive
/// or sign-definite terms; the chain rule through (b, c, z)(m, alpha, s, beta) gives the
/// Hessian of log J, and K = J(t0) - J(t1) follows from the two tails. The quadrature branch
/// (z > 0.9) integrates the second moments of the integrand's log-derivatives instead.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "custinsight/math/hyp2f1.hpp"
#include "custinsight/math/simd_math.hpp"

namespace custinsight::detail {

/// F(1, b; c; z) = sum_n (b)_n / (c)_n z^n with its partial derivatives: d = (F_b, F_c, F_z),
/// d2 row-major in (b, c, z).
struct UnitSeriesDerivatives {
  double S = 1.0;
  std::array<double, 3> d{};
  std::array<double, 9> d2{};
};

/// Term n >= 1 of F and of its derivatives, without the power of z: S, b, c, bb, bc and cc
/// multiply z^n, bz, cz and z multiply z^(n-1), zz multiplies z^(n-2).
struct UnitSeriesTerm {
  double S, b, c, bb, bc, cc, bz, cz, z, zz, bound1, bound2;
};

/// Appends term n (1-based) given the running (b)_n / (c)_n and harmonic sums.
inline UnitSeriesTerm unit_series_term(double n, double coef, double hb, double hc, double hb2,
                                       double hc2) {
  UnitSeriesTerm t;
  t.S = coef;
  t.b = coef * hb;
  t.c = -coef * hc;
  t.bb = coef * (hb * hb - hb2);
  t.bc = -coef * hb * hc;
  t.cc = coef * (hc * hc + hc2);
  t.bz = n * coef * hb;
  t.cz = -n * coef * hc;
  t.z = n * coef;
  t.zz = n * (n - 1.0) * coef;
  // What the stopping test multiplies z^n (first derivatives, as in hyp2f1_unit) and
  // z^(n-2) (second derivatives, whose weights grow like n^2 (1 + hb + hc)^2; measured in
  // z^(n-2), F_zz stays accurate for tiny z) by.
  const double g = (n + 2.0) * (1.0 + hb + hc);
  t.bound1 = coef * g;
  t.bound2 = coef * g * g;
  return t;
}

/// The tail after a term is negligible: below 1e-17 of F for F and its first derivatives
/// (the test of hyp2f1_unit), below 1e-13 for the second derivatives, which only steer
/// Newton's steps and give standard errors. z2 = z^2, p2 = z^(n-2).
inline bool unit_series_tail_negligible(const UnitSeriesTerm& t, double n, double z, double z2,
                                        double p2, double S) {
  return n > 2.0 && std::max(t.bound1 * z2, 1e-4 * t.bound2) * p2 <= 1e-17 * S * (1.0 - z) * (1.0 - z);
}

/// Accumulates terms into out; true once the tail is negligible.
inline bool add_unit_series_term(const UnitSeriesTerm& t, double n, double z, double z2,
                                 double p0, double p1, double p2, UnitSeriesDerivatives& out) {
  out.S += t.S * p0;
  out.d[0] += t.b * p0;
  out.d[1] += t.c * p0;
  out.d[2] += t.z * p1;
  out.d2[0] += t.bb * p0;
  out.d2[1] += t.bc * p0;
  out.d2[2] += t.bz * p1;
  out.d2[4] += t.cc * p0;
  out.d2[5] += t.cz * p1;
  out.d2[8] += t.zz * p2;
  return unit_series_tail_negligible(t, n, z, z2, p2, out.S);
}

inline void symmetrize_unit_series(UnitSeriesDerivatives& f) {
  f.d2[3] = f.d2[1];
  f.d2[6] = f.d2[2];
  f.d2[7] = f.d2[5];
}

/// F(1, b; c; z) with its first and second derivatives, for b < c and 0 <= z <= 0.9.
inline UnitSeriesDerivatives unit_series_derivatives(double b, double c, double z) {
  UnitSeriesDerivatives f;
  double coef = 1.0, hb = 0.0, hc = 0.0, hb2 = 0.0, hc2 = 0.0;
  double p0 = 1.0, p1 = 0.0, p2 = 0.0;  // z^n, z^(n-1), z^(n-2) (0 where the power is negative)
  for (int k = 0; k < 100000; ++k) {
    const double dk = static_cast<double>(k), n = dk + 1.0;
    const double ib = 1.0 / (b + dk), ic = 1.0 / (c + dk);
    coef *= (b + dk) * ic;
    hb += ib;
    hc += ic;
    hb2 += ib * ib;
    hc2 += ic * ic;
    p2 = p1;
    p1 = p0;
    p0 *= z;
    if (add_unit_series_term(unit_series_term(n, coef, hb, hc, hb2, hc2), n, z, z * z, p0, p1,
                             p2, f))
      break;
    if (coef == 0.0 || std::isnan(coef)) break;
  }
  symmetrize_unit_series(f);
  return f;
}

static_assert(sizeof(UnitSeriesTerm) == 12 * sizeof(double));

/// Terms 3.. of the derivative series from a table, with the sums in three vectors of four:
/// (S, F_b, F_c, F_bb) times z^n, (F_bc, F_cc, F_bz, F_cz) times (z^n, z^n, z^(n-1),
/// z^(n-1)) and (F_z, F_zz) times (z^(n-1), z^(n-2)), which is how UnitSeriesTerm lays its
/// weights out. Compiled per instruction set (simd_math.hpp); the terms before the third
/// (where the powers are not yet a geometric sequence) are added by the caller.
/// @return true once the tail is negligible, false if the table ran out first
[[maybe_unused]] CUSTINSIGHT_SIMD_CLONES static bool unit_series_vector_tail(
    const UnitSeriesTerm* terms, std::size_t count, double z, UnitSeriesDerivatives& f) {
  using v4d = double __attribute__((vector_size(32)));
  const double z2 = z * z, z3 = z2 * z, tol = 1e-17 * (1.0 - z) * (1.0 - z);
  v4d a0 = {f.S, f.d[0], f.d[1], f.d2[0]}, a1 = {f.d2[1], f.d2[4], f.d2[2], f.d2[5]},
      a2 = {f.d[2], f.d2[8], 0.0, 0.0};
  v4d p0 = v4d{} + z3, p1 = {z3, z3, z2, z2}, p2 = {z2, z, 0.0, 0.0};
  bool done = false;
  for (std::size_t k = 2; k < count; ++k) {
    v4d t0, t1, t2;
    const char* at = reinterpret_cast<const char*>(terms + k);
    std::memcpy(&t0, at, sizeof t0);
    std::memcpy(&t1, at + sizeof t0, sizeof t1);
    std::memcpy(&t2, at + 2 * sizeof t0, sizeof t2);
    a0 += t0 * p0;
    a1 += t1 * p1;
    a2 += t2 * p2;
    // unit_series_tail_negligible with p2 = z^(n-2) in p2[1]
    if (std::max(t2[2] * z2, 1e-4 * t2[3]) * p2[1] <= tol * a0[0]) {
      done = true;
      break;
    }
    p0 *= z;
    p1 *= z;
    p2 *= z;
  }
  f.S = a0[0];
  f.d = {a0[1], a0[2], a2[0]};
  f.d2[0] = a0[3];
  f.d2[1] = a1[0];
  f.d2[4] = a1[1];
  f.d2[2] = a1[2];
  f.d2[5] = a1[3];
  f.d2[8] = a2[1];
  return done;
}

/// unit_series_derivatives from terms tabulated once per (b, c) and likelihood evaluation.
class UnitSeriesDerivativeTable {
 public:
  void fill(double b, double c, double z_max) {
    terms_.clear();
    double coef = 1.0, hb = 0.0, hc = 0.0, hb2 = 0.0, hc2 = 0.0;
    double p0 = 1.0, p1 = 0.0, p2 = 0.0;  // z_max^n, z_max^(n-1), z_max^(n-2)
    for (int k = 0; k < 100000; ++k) {
      const double dk = static_cast<double>(k), n = dk + 1.0;
      const double ib = 1.0 / (b + dk), ic = 1.0 / (c + dk);
      coef *= (b + dk) * ic;
      hb += ib;
      hc += ic;
      hb2 += ib * ib;
      hc2 += ic * ic;
      terms_.push_back(unit_series_term(n, coef, hb, hc, hb2, hc2));
      p2 = p1;
      p1 = p0;
      p0 *= z_max;
      // F >= 1, and a smaller z passes the test no later than z_max does.
      if (unit_series_tail_negligible(terms_.back(), n, z_max, z_max * z_max, p2, 1.0)) break;
      if (coef == 0.0 || std::isnan(coef)) break;
    }
  }

  /// false if the table ran out before the series converged at z.
  bool evaluate(double z, UnitSeriesDerivatives& f) const {
    f = UnitSeriesDerivatives{};
    if (terms_.size() < 3) return false;
    // Terms 1 and 2 (the stopping test starts at 3), then the vector loop.
    add_unit_series_term(terms_[0], 1.0, z, z * z, z, 1.0, 0.0, f);
    add_unit_series_term(terms_[1], 2.0, z, z * z, z * z, z, 1.0, f);
    if (!unit_series_vector_tail(terms_.data(), terms_.size(), z, f)) return false;
    symmetrize_unit_series(f);
    return true;
  }

 private:
  std::vector<UnitSeriesTerm> terms_;
};

/// Tables for every frequency 0..max_x, in the branch the parameters select.
struct ParetoDerivativeTables {
  std::vector<UnitSeriesDerivativeTable> by_x;
  void fill(double r, double alpha, double s, double beta, std::size_t max_x) {
    const double z_max = std::min(0.9, std::abs(alpha - beta) / std::max(alpha, beta));
    by_x.resize(max_x + 1);
    for (std::size_t x = 0; x <= max_x; ++x) {
      const double m = r + static_cast<double>(x);
      by_x[x].fill(alpha >= beta ? m : s + 1.0, m + s + 1.0, z_max);
    }
  }
};

/// log of a positive quantity with its gradient and Hessian (row-major) in (m, alpha, s, beta).
struct LogWithHessian {
  double value = -std::numeric_limits<double>::infinity();
  std::array<double, 4> grad{};
  std::array<double, 16> hess{};
};

/// log J(t) with derivatives; requires |alpha - beta| / (max(alpha, beta) + t) <= 0.9.
inline LogWithHessian pareto_log_tail_hessian(double m, double alpha, double s, double beta,
                                              double t,
                                              const UnitSeriesDerivativeTable* table = nullptr) {
  const double ua = alpha + t, ub = beta + t;
  const double la = std::log(ua), lb = std::log(ub);
  const bool alpha_ge_beta = alpha >= beta;
  // (b, c, z) as functions of theta = (m, alpha, s, beta): b is m (alpha >= beta) or s + 1,
  // c = m + s + 1, and z depends on alpha and beta only, with gradient (za, zb) and second
  // derivatives z_aa, z_ab, z_bb.
  double b, z, ca, cb, za, zb, z_aa = 0.0, z_ab, z_bb = 0.0;
  std::size_t ib;  // theta index of b
  if (alpha_ge_beta) {
    b = m;
    ib = 0;
    z = (alpha - beta) / ua;
    ca = -m;
    cb = -s;
    za = ub / (ua * ua);
    zb = -1.0 / ua;
    z_aa = -2.0 * ub / (ua * ua * ua);
    z_ab = 1.0 / (ua * ua);
  } else {
    b = s + 1.0;
    ib = 2;
    z = (beta - alpha) / ub;
    ca = 1.0 - m;
    cb = -(s + 1.0);
    za = -1.0 / ub;
    zb = ua / (ub * ub);
    z_bb = -2.0 * ua / (ub * ub * ub);
    z_ab = 1.0 / (ub * ub);
  }
  const double c = m + s + 1.0;
  UnitSeriesDerivatives f;
  if (table == nullptr || !table->evaluate(z, f)) f = unit_series_derivatives(b, c, z);

  LogWithHessian out;
  const double inv_ms = 1.0 / (m + s);
  out.value = ca * la + cb * lb - std::log(m + s) + std::log(f.S);
  // log F in (b, c, z): gradient G and Hessian M = F'' / F - G G^T.
  const double inv_S = 1.0 / f.S;
  const double Gb = f.d[0] * inv_S, Gc = f.d[1] * inv_S, Gz = f.d[2] * inv_S;
  const double Mbb = f.d2[0] * inv_S - Gb * Gb, Mbc = f.d2[1] * inv_S - Gb * Gc,
               Mbz = f.d2[2] * inv_S - Gb * Gz, Mcc = f.d2[4] * inv_S - Gc * Gc,
               Mcz = f.d2[5] * inv_S - Gc * Gz, Mzz = f.d2[8] * inv_S - Gz * Gz;
  // Explicit terms c_a log(alpha+t) + c_b log(beta+t) - log(m+s), then the chain rule through
  // (b, c, z): b and c move m and s (indices 0 and 2), z moves alpha and beta (1 and 3).
  out.grad = {-la - inv_ms + Gc, ca / ua + Gz * za, -lb - inv_ms + Gc, cb / ub + Gz * zb};
  out.grad[ib] += Gb;
  auto& H = out.hess;
  const double q = inv_ms * inv_ms;
  H[0 * 4 + 0] = q + Mcc;
  H[0 * 4 + 2] = q + Mcc + Mbc;
  H[2 * 4 + 2] = q + Mcc;
  H[ib * 4 + ib] += Mbb + 2.0 * Mbc;
  H[1 * 4 + 1] = -ca / (ua * ua) + Mzz * za * za + Gz * z_aa;
  H[1 * 4 + 3] = Mzz * za * zb + Gz * z_ab;
  H[3 * 4 + 3] = -cb / (ub * ub) + Mzz * zb * zb + Gz * z_bb;
  H[0 * 4 + 1] = -1.0 / ua + Mcz * za;
  H[0 * 4 + 3] = Mcz * zb;
  H[1 * 4 + 2] = Mcz * za;
  H[2 * 4 + 3] = -1.0 / ub + Mcz * zb;
  if (ib == 0) {
    H[0 * 4 + 1] += Mbz * za;
    H[0 * 4 + 3] += Mbz * zb;
  } else {
    H[1 * 4 + 2] += Mbz * za;
    H[2 * 4 + 3] += Mbz * zb;
  }
  for (std::size_t i = 0; i < 4; ++i)
    for (std::size_t j = 0; j < i; ++j) H[i * 4 + j] = H[j * 4 + i];
  return out;
}

/// log K by pareto_window_quadrature, with the Hessian from the integrand's log-derivatives g:
/// d2 log K = E[d2 log f + g g^T] - E[g] E[g]^T. The moments of g are taken of the logs relative
/// to the window's start (a covariance does not change with a shift).
inline LogWithHessian pareto_log_window_quadrature_hessian(double m, double alpha, double s,
                                                           double beta, double t0, double t1) {
  // Sums: 0 the integral, 1-4 g, 5-14 g_i g_j (i <= j), 15-18 the non-zero entries of
  // d2 log f: (m, alpha), (alpha, alpha), (s, beta), (beta, beta).
  constexpr std::size_t kSums = 19;
  const auto q = pareto_window_quadrature<kSums>(
      m, alpha, s, beta, t0, t1,
      [&](const WindowNode& x, double wf, std::array<double, kSums>& k) {
        const std::array<double, 4> g = {-x.dla, -m / x.ua, -x.dlb, -(s + 1.0) / x.ub};
        std::size_t at = 1;
        for (std::size_t p = 0; p < 4; ++p) k[at++] += wf * g[p];
        for (std::size_t p = 0; p < 4; ++p)
          for (std::size_t r = p; r < 4; ++r) k[at++] += wf * g[p] * g[r];
        k[15] += wf * (-1.0 / x.ua);
        k[16] += wf * (m / (x.ua * x.ua));
        k[17] += wf * (-1.0 / x.ub);
        k[18] += wf * ((s + 1.0) / (x.ub * x.ub));
      });
  LogWithHessian out;
  const auto& acc = q.sum;
  if (!(acc[0] > 0)) return out;
  out.value = q.log_scale + std::log(acc[0]);
  std::array<double, kSums> e{};
  for (std::size_t j = 1; j < kSums; ++j) e[j] = acc[j] / acc[0];
  for (std::size_t p = 0; p < 4; ++p) out.grad[p] = e[1 + p];
  std::size_t at = 5;
  for (std::size_t p = 0; p < 4; ++p)
    for (std::size_t r = p; r < 4; ++r) {
      const double v = e[at++] - out.grad[p] * out.grad[r];
      out.hess[p * 4 + r] = out.hess[r * 4 + p] = v;
    }
  // Back from the shifted logs: d log f / dm = -log(alpha + u), d / ds = -log(beta + u).
  out.grad[0] -= q.la0;
  out.grad[2] -= q.lb0;
  out.hess[0 * 4 + 1] += e[15];
  out.hess[1 * 4 + 0] += e[15];
  out.hess[1 * 4 + 1] += e[16];
  out.hess[2 * 4 + 3] += e[17];
  out.hess[3 * 4 + 2] += e[17];
  out.hess[3 * 4 + 3] += e[18];
  return out;
}

/// log K from the tails at its ends, K = J(t0) - J(t1); value -inf when J(t1) >= J(t0).
inline LogWithHessian combine_tails(const LogWithHessian& j0, const LogWithHessian& j1) {
  LogWithHessian out;
  const double d = j1.value - j0.value;
  if (!(d < 0)) return out;
  // K / J0 = 1 - e; K' / K = (g0 - e g1) / (1 - e);
  // K'' / K = (H0 + g0 g0^T - e (H1 + g1 g1^T)) / (1 - e).
  // One expm1 serves both e and 1 - e (e = 1 + expm1(d) loses relative digits only where e is
  // negligible next to 1).
  const double em1 = std::expm1(d), e = 1.0 + em1, inv = -1.0 / em1;
  out.value = j0.value + std::log(-em1);
  for (std::size_t i = 0; i < 4; ++i) out.grad[i] = (j0.grad[i] - e * j1.grad[i]) * inv;
  for (std::size_t i = 0; i < 4; ++i)
    for (std::size_t j = i; j < 4; ++j) {
      const double second = j0.hess[i * 4 + j] + j0.grad[i] * j0.grad[j] -
                            e * (j1.hess[i * 4 + j] + j1.grad[i] * j1.grad[j]);
      out.hess[i * 4 + j] = out.hess[j * 4 + i] = second * inv - out.grad[i] * out.grad[j];
    }
  return out;
}

/// Whether log K over [t0, ...] is summed from tail series (else integrated).
inline bool pareto_window_uses_series(double alpha, double beta, double t0) {
  return std::abs(alpha - beta) / (std::max(alpha, beta) + t0) <= 0.9;
}

/// log K, K = integral over [t0, t1] of (alpha+u)^-m (beta+u)^-(s+1) du, with its gradient and
/// Hessian in (m, alpha, s, beta); value -inf (K = 0) when t0 == t1. The tables serve m's
/// frequency at these parameters.
inline LogWithHessian pareto_log_window_hessian(double m, double alpha, double s, double beta,
                                                double t0, double t1,
                                                const UnitSeriesDerivativeTable* table = nullptr) {
  if (!(t1 > t0)) return LogWithHessian{};
  if (!pareto_window_uses_series(alpha, beta, t0))
    return pareto_log_window_quadrature_hessian(m, alpha, s, beta, t0, t1);
  return combine_tails(pareto_log_tail_hessian(m, alpha, s, beta, t0, table),
                       pareto_log_tail_hessian(m, alpha, s, beta, t1, table));
}

}  // namespace custinsight::detail
