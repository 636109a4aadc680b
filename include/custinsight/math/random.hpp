#pragma once

// Portable random numbers. The standard library's distributions are implementation-defined, so
// the same seed would give different data under libstdc++ and libc++; these are written out so
// that a seed means the same customer base everywhere (given the same libm).

#include <cmath>
#include <cstdint>
#include <numbers>

namespace custinsight::detail {

inline std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/// xoshiro256** (Blackman & Vigna): small, fast, and good enough for simulation.
class Rng {
 public:
  /// One independent stream per (seed, stream) pair, e.g. one per customer, so that parallel
  /// generation gives the same data for any thread count.
  Rng(std::uint64_t seed, std::uint64_t stream) {
    std::uint64_t sm = seed ^ (stream * 0xD1B54A32D192ED03ULL + 0x8CB92BA72F3D8DD7ULL);
    for (auto& s : s_) s = splitmix64(sm);
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// Uniform on (0, 1): never exactly 0, so log(u) is always finite.
  double uniform() { return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53; }

  double normal() {
    // Box-Muller, one value per call (the second is dropped to keep the stream stateless).
    const double u1 = uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }

  double exponential(double rate) { return -std::log(uniform()) / rate; }

  /// Gamma(shape, rate) by Marsaglia & Tsang (2000), boosted for shape < 1.
  double gamma(double shape, double rate) {
    if (shape < 1.0) {
      const double u = uniform();
      return gamma(shape + 1.0, rate) * std::pow(u, 1.0 / shape);
    }
    const double d = shape - 1.0 / 3.0;
    const double c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
      double x, v;
      do {
        x = normal();
        v = 1.0 + c * x;
      } while (v <= 0.0);
      v = v * v * v;
      const double u = uniform();
      if (u < 1.0 - 0.0331 * x * x * x * x) return d * v / rate;
      if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v / rate;
    }
  }

  double beta(double a, double b) {
    const double x = gamma(a, 1.0);
    const double y = gamma(b, 1.0);
    return x / (x + y);
  }

  bool bernoulli(double p) { return uniform() < p; }

  /// Index drawn with probability proportional to weights[i].
  template <class Weights>
  int categorical(const Weights& weights) {
    double total = 0.0;
    for (double w : weights) total += w;
    double u = uniform() * total;
    int i = 0;
    for (double w : weights) {
      if (u < w) return i;
      u -= w;
      ++i;
    }
    return i - 1;
  }

  /// Uniform integer in [0, n).
  std::uint64_t below(std::uint64_t n) { return static_cast<std::uint64_t>(uniform() * static_cast<double>(n)) % n; }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

}  // namespace custinsight::detail
