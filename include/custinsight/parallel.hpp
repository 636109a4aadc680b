#pragma once

/// @file parallel.hpp
/// @brief Data-parallel loops on OpenMP with results that never depend on the thread count:
/// element-wise loops write disjoint outputs, and reductions sum fixed-size blocks in a fixed
/// order, so one thread and two threads give the same bits.

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <vector>

namespace custinsight {

namespace detail {
inline std::atomic<int>& thread_setting() {
  static std::atomic<int> setting{0};  // 0: use every core OpenMP offers
  return setting;
}
}  // namespace detail

/// @brief Threads used by the library's parallel loops (0 restores the default: all cores).
inline void set_num_threads(int n) { detail::thread_setting().store(n < 0 ? 0 : n); }

/// @brief The number of threads the next parallel loop will use.
inline int num_threads() {
  const int n = detail::thread_setting().load();
  return n > 0 ? n : omp_get_max_threads();
}

namespace detail {

/// Below this many items a loop runs serially: thread start-up costs more than it saves.
inline constexpr std::ptrdiff_t kParallelThreshold = 2048;

/// Calls f(i) for i in [0, n). f must not throw: OpenMP cannot carry exceptions out of a
/// parallel region, so callers validate input before the loop.
template <class F>
void parallel_for(std::ptrdiff_t n, F&& f) {
  if (n < kParallelThreshold || num_threads() == 1) {
    for (std::ptrdiff_t i = 0; i < n; ++i) f(i);
    return;
  }
#pragma omp parallel for schedule(static) num_threads(num_threads())
  for (std::ptrdiff_t i = 0; i < n; ++i) f(i);
}

/// Calls f(begin, end) on consecutive chunks of fixed size; chunk boundaries depend only on n
/// and chunk, so per-chunk outputs are identical for any thread count.
template <class F>
void parallel_chunks(std::ptrdiff_t n, std::ptrdiff_t chunk, F&& f) {
  const std::ptrdiff_t n_chunks = (n + chunk - 1) / chunk;
  auto body = [&](std::ptrdiff_t c) { f(c * chunk, std::min(n, (c + 1) * chunk)); };
  if (n_chunks <= 1 || num_threads() == 1) {
    for (std::ptrdiff_t c = 0; c < n_chunks; ++c) body(c);
    return;
  }
#pragma omp parallel for schedule(dynamic, 1) num_threads(num_threads())
  for (std::ptrdiff_t c = 0; c < n_chunks; ++c) body(c);
}

/// Sum of f(i) over [0, n), reproducible bit for bit whatever the thread count.
template <class F>
double deterministic_sum(std::ptrdiff_t n, F&& f, std::ptrdiff_t block = 1024) {
  const std::ptrdiff_t n_blocks = (n + block - 1) / block;
  std::vector<double> partial(static_cast<std::size_t>(n_blocks), 0.0);
  parallel_chunks(n_blocks, 1, [&](std::ptrdiff_t b, std::ptrdiff_t) {
    double s = 0.0;
    const std::ptrdiff_t end = std::min(n, (b + 1) * block);
    for (std::ptrdiff_t i = b * block; i < end; ++i) s += f(i);
    partial[static_cast<std::size_t>(b)] = s;
  });
  double total = 0.0;
  for (double s : partial) total += s;
  return total;
}

}  // namespace detail
}  // namespace custinsight
