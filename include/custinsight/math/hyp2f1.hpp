#pragma once

/// @file hyp2f1.hpp
/// @brief The Gauss hypergeometric function where the loyalty models need it, in forms that
/// neither overflow nor cancel.
///
/// BG/NBD and MBG/NBD conditional expectations use 2F1(r+x, b+x; a+b+x-1; z) times
/// (1-z)^(r+x). Euler's transformation 2F1(A,B;C;z) = (1-z)^(C-A-B) 2F1(C-A, C-B; C; z)
/// cancels the power exactly and leaves a series whose numerator parameters no longer grow
/// with x, so it converges in a few terms even for frequency 300 (the untransformed series
/// first grows like n^x).
///
/// The Pareto/NBD likelihood needs K = integral over [t_x, T] of
/// (alpha+u)^-(r+x) (beta+u)^-(s+1) du. Following Fader, Hardie & Lee (2005), the tails
/// J(t) = integral over [t, inf) are 2F1 series in z = |alpha-beta| / (max(alpha,beta) + t);
/// after Euler's transformation they become 2F1(1, b; c; z) with b < c, whose terms are
/// positive and shrink at least like z^n, so everything is evaluated in log space without
/// cancellation. When z is close to 1 (one of alpha, beta is tiny next to the other and t is
/// small) the series needs ~35/(1-z) terms, so there K is integrated directly by adaptive
/// Gauss-Kronrod in log(min(alpha,beta) + u), where the integrand is log-concave.

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <vector>

namespace custinsight::detail {

/// @brief sum_n (A)_n (B)_n / ((C)_n n!) z_k^n for several z_k in [0, 1) sharing A, B, C.
/// @return false if some sum had not converged after max_terms terms
inline bool hyp2f1_series(double A, double B, double C, const double* z, double* out, int nz,
                          int max_terms = 200000) {
  constexpr int kMaxZ = 64;
  std::array<double, kMaxZ> power{};
  int top = 0;  // the largest z converges last; the others are checked through it
  for (int k = 0; k < nz; ++k) {
    out[k] = 1.0;
    power[static_cast<std::size_t>(k)] = 1.0;
    if (z[k] > z[top]) top = k;
  }
  if (nz == 0 || z[top] == 0.0) return true;
  const double zmax = z[top];
  double coef = 1.0;
  for (int n = 0; n < max_terms; ++n) {
    const double dn = static_cast<double>(n);
    const double step = (A + dn) * (B + dn) / ((C + dn) * (dn + 1.0));
    coef *= step;
    if (coef == 0.0) return true;  // a numerator parameter hit a non-positive integer
    if (std::isnan(coef)) return false;
    for (int k = 0; k < nz; ++k) {
      power[static_cast<std::size_t>(k)] *= z[k];
      out[k] += coef * power[static_cast<std::size_t>(k)];
    }
    // Once the term ratio q is below 1 it only falls, so the tail is below term q / (1 - q).
    const double q = std::abs(step) * zmax;
    const double term = std::abs(coef * power[static_cast<std::size_t>(top)]);
    if (q < 1.0 && n > 2 && term * q <= 1e-17 * std::abs(out[top]) * (1.0 - q)) return true;
  }
  return false;
}

/// log of a positive quantity with its gradient in (m, alpha, s, beta), where m = r + x.
struct LogWithGradient {
  double value = -std::numeric_limits<double>::infinity();
  std::array<double, 4> grad{};
};

/// F(1, b; c; z) = sum_n (b)_n / (c)_n z^n with b < c and 0 <= z <= 0.9, with the sums
/// needed for its derivatives in b, c and z.
struct OneF {
  double S = 1, Sb = 0, Sc = 0, Sz = 0;
};
inline OneF hyp2f1_unit(double b, double c, double z) {
  OneF f;
  double term = 1.0, hb = 0.0, hc = 0.0, nz = 0.0;
  for (int n = 0; n < 100000; ++n) {
    const double dn = static_cast<double>(n);
    term *= (b + dn) / (c + dn) * z;
    hb += 1.0 / (b + dn);
    hc += 1.0 / (c + dn);
    f.S += term;
    f.Sb += term * hb;
    f.Sc += term * hc;
    nz += (dn + 1.0) * term;
    if (term * (dn + 2.0) * (1.0 + hb + hc) <= 1e-17 * f.S * (1.0 - z) * (1.0 - z)) break;
    if (term == 0.0 || std::isnan(term)) break;
  }
  f.Sz = z > 0 ? nz / z : b / c;
  return f;
}

/// The sums of hyp2f1_unit from coefficients tabulated for one (b, c): per term four
/// multiply-adds instead of three divisions. Terms are (b)_n / (c)_n z^n; `bound` holds what
/// the stopping test multiplies the term by.
struct UnitSeriesTable {
  std::vector<double> coef, coef_hb, coef_hc, coef_n, bound;  // index n >= 1 at n - 1

  void fill(double b, double c, double z_max) {
    coef.clear();
    coef_hb.clear();
    coef_hc.clear();
    coef_n.clear();
    bound.clear();
    double term = 1.0, hb = 0.0, hc = 0.0, power = 1.0;
    for (int n = 0; n < 100000; ++n) {
      const double dn = static_cast<double>(n);
      term *= (b + dn) / (c + dn);
      hb += 1.0 / (b + dn);
      hc += 1.0 / (c + dn);
      coef.push_back(term);
      coef_hb.push_back(term * hb);
      coef_hc.push_back(term * hc);
      coef_n.push_back((dn + 1.0) * term);
      bound.push_back(term * (dn + 2.0) * (1.0 + hb + hc));
      power *= z_max;
      // (b)_n / (c)_n <= 1 and S >= 1, so this is the stopping test at z_max with S = 1.
      if (bound.back() * power <= 1e-17 * (1.0 - z_max) * (1.0 - z_max) && n > 2) break;
      if (term == 0.0 || std::isnan(term)) break;
    }
  }

  /// hyp2f1_unit(b, c, z) for z <= z_max; false if the table ran out first.
  bool evaluate(double b, double c, double z, OneF& f) const {
    f = OneF{};
    double power = 1.0, nz = 0.0;
    for (std::size_t n = 0; n < coef.size(); ++n) {
      power *= z;
      f.S += coef[n] * power;
      f.Sb += coef_hb[n] * power;
      f.Sc += coef_hc[n] * power;
      nz += coef_n[n] * power;
      if (bound[n] * power <= 1e-17 * f.S * (1.0 - z) * (1.0 - z)) {
        f.Sz = z > 0 ? nz / z : b / c;
        return true;
      }
    }
    return false;
  }
};

/// Tables of the unit series for every frequency 0..max_x of one likelihood evaluation, in the
/// branch (alpha >= beta or not) that pareto_log_tail_series takes for these parameters.
struct ParetoSeriesTables {
  std::vector<UnitSeriesTable> by_x;
  bool alpha_ge_beta = true;
  double r = 0, alpha = 0, s = 0, beta = 0;

  void fill(double r_, double alpha_, double s_, double beta_, std::size_t max_x) {
    r = r_;
    alpha = alpha_;
    s = s_;
    beta = beta_;
    alpha_ge_beta = alpha >= beta;
    // The series serves z <= 0.9 (beyond, quadrature); t >= 0 bounds z here.
    const double z_max = std::min(0.9, std::abs(alpha - beta) / std::max(alpha, beta));
    by_x.resize(max_x + 1);
    for (std::size_t x = 0; x <= max_x; ++x) {
      const double m = r + static_cast<double>(x);
      by_x[x].fill(alpha_ge_beta ? m : s + 1.0, m + s + 1.0, z_max);
    }
  }
};

/// log J(t), J(t) = integral over [t, inf) of (alpha+u)^-m (beta+u)^-(s+1) du, by series;
/// requires |alpha - beta| / (max(alpha, beta) + t) <= 0.9. With `table` (for m's frequency
/// and these parameters) the series comes from tabulated coefficients.
inline LogWithGradient pareto_log_tail_series(double m, double alpha, double s, double beta,
                                              double t, const UnitSeriesTable* table = nullptr) {
  LogWithGradient out;
  const double la = std::log(alpha + t), lb = std::log(beta + t);
  const double inv_ms = 1.0 / (m + s);
  if (alpha >= beta) {
    // J = (alpha+t)^-m (beta+t)^-s / (m+s) * F(1, m; m+s+1; z), z = (alpha-beta)/(alpha+t)
    const double z = (alpha - beta) / (alpha + t);
    OneF f;
    if (table == nullptr || !table->evaluate(m, m + s + 1.0, z, f)) f = hyp2f1_unit(m, m + s + 1.0, z);
    out.value = -m * la - s * lb - std::log(m + s) + std::log(f.S);
    const double fz = f.Sz / f.S;
    out.grad[0] = -la - inv_ms + (f.Sb - f.Sc) / f.S;
    out.grad[1] = -m / (alpha + t) + fz * (beta + t) / ((alpha + t) * (alpha + t));
    out.grad[2] = -lb - inv_ms - f.Sc / f.S;
    out.grad[3] = -s / (beta + t) - fz / (alpha + t);
  } else {
    // J = (alpha+t)^(1-m) (beta+t)^-(s+1) / (m+s) * F(1, s+1; m+s+1; z), z = (beta-alpha)/(beta+t)
    const double z = (beta - alpha) / (beta + t);
    OneF f;
    if (table == nullptr || !table->evaluate(s + 1.0, m + s + 1.0, z, f))
      f = hyp2f1_unit(s + 1.0, m + s + 1.0, z);
    out.value = (1.0 - m) * la - (s + 1.0) * lb - std::log(m + s) + std::log(f.S);
    const double fz = f.Sz / f.S;
    out.grad[0] = -la - inv_ms - f.Sc / f.S;
    out.grad[1] = (1.0 - m) / (alpha + t) - fz / (beta + t);
    out.grad[2] = -lb - inv_ms + (f.Sb - f.Sc) / f.S;
    out.grad[3] = -(s + 1.0) / (beta + t) + fz * (alpha + t) / ((beta + t) * (beta + t));
  }
  return out;
}

/// One quadrature node of the window integral: alpha + u, beta + u and their logs relative to
/// the window's start (log1p differences).
struct WindowNode {
  double ua, ub, dla, dlb;
};

/// The window integral's sums, each scaled by exp(-log_scale); la0, lb0 = log(alpha + t0),
/// log(beta + t0).
template <std::size_t N>
struct WindowSums {
  std::array<double, N> sum{};
  double log_scale = 0.0, la0 = 0.0, lb0 = 0.0;
};

/// Adaptive Gauss-Kronrod (7/15 points) in v = log(min(alpha, beta) + u) of the integrand
/// f(u) = (alpha+u)^-m (beta+u)^-(s+1) over [t0, t1]: sum[0] is the integral, and
/// `moments(node, w f, sum)` adds the node's weighted contributions to sum[1..N-1].
///
/// The integrand is taken relative to its value at t0 through log1p of relative changes: with
/// a large s (or m) the absolute log terms are huge (~1e6 when a fit walks towards a common
/// drop-out rate, s and beta -> infinity) and nearly cancel, and their rounding noise alone would
/// keep the error test from ever passing.
template <std::size_t N, class Moments>
WindowSums<N> pareto_window_quadrature(double m, double alpha, double s, double beta, double t0,
                                       double t1, Moments&& moments) {
  static constexpr std::array<double, 8> xk = {
      0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
      0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
      0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
      0.207784955007898467600689403773245, 0.000000000000000000000000000000000};
  static constexpr std::array<double, 8> wk = {
      0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
      0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
      0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
      0.204432940075298892414161999234649, 0.209482141084727828012999174891714};
  static constexpr std::array<double, 4> wg = {
      0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
      0.381830050505118944950369775488975, 0.417959183673469387755102040816327};
  const double mu = std::min(alpha, beta);
  const double da = alpha - mu, db = beta - mu;
  const double v0 = std::log(mu + t0), v1 = std::log(mu + t1);
  const double e0 = std::exp(v0), ua0 = e0 + da, ub0 = e0 + db;
  WindowSums<N> out;
  out.la0 = std::log(ua0);
  out.lb0 = std::log(ub0);
  auto node = [&](double v, WindowNode& x) {
    const double e = std::exp(v);
    x = {e + da, e + db, std::log1p((e - e0) / ua0), std::log1p((e - e0) / ub0)};
    return (v - v0) - m * x.dla - (s + 1.0) * x.dlb;
  };
  WindowNode x{};
  double href = std::max(node(v0, x), node(v1, x));
  if (alpha < beta && m < 1.0) {
    // h is concave; its stationary point is where (s+1) y / (y + D) = 1 - m, y = e^v.
    const double vs = std::log((1.0 - m) * (beta - alpha) / (s + m));
    if (vs > v0 && vs < v1) href = std::max(href, node(vs, x));
  }
  struct Panel {
    std::array<double, N> k{};
    double g = 0.0;
  };
  auto panel = [&](double a, double b) {
    Panel p;
    const double c = 0.5 * (a + b), hw = 0.5 * (b - a);
    for (int j = 0; j < 15; ++j) {
      const int idx = j < 8 ? j : 14 - j;
      const double xj = j < 8 ? -xk[static_cast<std::size_t>(idx)] : xk[static_cast<std::size_t>(idx)];
      WindowNode at{};
      const double f = std::exp(node(c + hw * xj, at) - href);
      const double wf = wk[static_cast<std::size_t>(idx)] * f;
      p.k[0] += wf;
      moments(at, wf, p.k);
      // The Gauss nodes are the Kronrod nodes with odd index (7 is the middle).
      if (idx % 2 == 1) p.g += wg[static_cast<std::size_t>(idx / 2)] * f;
    }
    for (double& v : p.k) v *= hw;
    p.g *= hw;
    return p;
  };
  constexpr int kInitial = 16;
  std::vector<std::pair<double, double>> stack;
  double total = 0.0;
  for (int i = 0; i < kInitial; ++i) {
    const double a = v0 + (v1 - v0) * i / kInitial, b = v0 + (v1 - v0) * (i + 1) / kInitial;
    total += panel(a, b).k[0];
    stack.emplace_back(a, b);
  }
  int budget = 20000;
  while (!stack.empty()) {
    auto [a, b] = stack.back();
    stack.pop_back();
    const Panel p = panel(a, b);
    if (std::abs(p.k[0] - p.g) <= 1e-14 * total || --budget <= 0 || b - a < 1e-10) {
      for (std::size_t j = 0; j < N; ++j) out.sum[j] += p.k[j];
    } else {
      const double c = 0.5 * (a + b);
      stack.emplace_back(a, c);
      stack.emplace_back(c, b);
    }
  }
  out.log_scale = (v0 - m * out.la0 - (s + 1.0) * out.lb0) + href;
  return out;
}

/// log K by pareto_window_quadrature, with its gradient in (m, alpha, s, beta) from the
/// integrand's log-derivatives.
inline LogWithGradient pareto_log_window_quadrature(double m, double alpha, double s, double beta,
                                                    double t0, double t1) {
  const auto q = pareto_window_quadrature<5>(
      m, alpha, s, beta, t0, t1, [&](const WindowNode& x, double wf, std::array<double, 5>& k) {
        k[1] -= wf * x.dla;
        k[2] += wf * (-m / x.ua);
        k[3] -= wf * x.dlb;
        k[4] += wf * (-(s + 1.0) / x.ub);
      });
  LogWithGradient out;
  const auto& acc = q.sum;
  if (!(acc[0] > 0)) return out;
  out.value = q.log_scale + std::log(acc[0]);
  // d log f / dm = -log(alpha + u) = -(la0 + dla); likewise for s.
  out.grad[0] = acc[1] / acc[0] - q.la0;
  out.grad[1] = acc[2] / acc[0];
  out.grad[2] = acc[3] / acc[0] - q.lb0;
  out.grad[3] = acc[4] / acc[0];
  return out;
}

/// @brief log K, K = integral over [t0, t1] of (alpha+u)^-m (beta+u)^-(s+1) du, with its
/// gradient in (m, alpha, s, beta); value -inf (K = 0) when t0 == t1.
inline LogWithGradient pareto_log_window(double m, double alpha, double s, double beta, double t0,
                                         double t1, const UnitSeriesTable* table = nullptr) {
  LogWithGradient out;
  if (!(t1 > t0)) return out;
  const double z0 = std::abs(alpha - beta) / (std::max(alpha, beta) + t0);
  if (z0 > 0.9) return pareto_log_window_quadrature(m, alpha, s, beta, t0, t1);
  const LogWithGradient j0 = pareto_log_tail_series(m, alpha, s, beta, t0, table);
  const LogWithGradient j1 = pareto_log_tail_series(m, alpha, s, beta, t1, table);
  const double d = j1.value - j0.value;
  if (!(d < 0)) return out;
  const double e = std::exp(d);
  out.value = j0.value + std::log1p(-e);
  for (int i = 0; i < 4; ++i)
    out.grad[static_cast<std::size_t>(i)] =
        (j0.grad[static_cast<std::size_t>(i)] - e * j1.grad[static_cast<std::size_t>(i)]) / (1.0 - e);
  return out;
}

}  // namespace custinsight::detail
