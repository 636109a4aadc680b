#pragma once

/// @file gram.hpp
/// @brief The weighted Gram update H += A^T A over a tile of rows, the inner kernel of every
/// Newton Hessian here. Eigen's product runs at the vector width the library was compiled for
/// (SSE2 in a portable build); on x86-64 processors with AVX2 and FMA a kernel compiled for them
/// is chosen at run time, about three times faster. The choice depends only on the processor,
/// never on the thread count, so results stay reproducible run to run.

#include <Eigen/Core>
#include <algorithm>
#include <cstddef>
#include <vector>

namespace custinsight::detail {

using GramRowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CUSTINSIGHT_GRAM_AVX2 1

using v4d = double __attribute__((vector_size(32)));

/// H(lower) += sum_i a_i a_i^T with `at` holding A transposed: q_pad rows of `len_pad` doubles
/// (`ld_at` apart), both padded with zeros to multiples of 4. Blocks of 2 x 4 entries keep 8
/// accumulators and 6 loaded vectors in the 16 AVX registers.
__attribute__((target("avx2,fma"))) inline void gram_kernel_avx2(const double* at, std::ptrdiff_t q,
                                                                 std::ptrdiff_t q_pad,
                                                                 std::ptrdiff_t len_pad,
                                                                 std::ptrdiff_t ld_at,
                                                                 double* h, std::ptrdiff_t ld) {
  for (std::ptrdiff_t j = 0; j < q; j += 2) {
    const double* a0 = at + j * ld_at;
    const double* a1 = at + (j + 1) * ld_at;  // a zero padding row when j + 1 == q
    for (std::ptrdiff_t k = 0; k <= j + 1 && k < q_pad; k += 4) {
      v4d acc[2][4] = {};
      const double* b[4] = {at + k * ld_at, at + (k + 1) * ld_at, at + (k + 2) * ld_at,
                            at + (k + 3) * ld_at};
      for (std::ptrdiff_t i = 0; i < len_pad; i += 4) {
        v4d x0, x1;
        __builtin_memcpy(&x0, a0 + i, sizeof(v4d));
        __builtin_memcpy(&x1, a1 + i, sizeof(v4d));
        for (int c = 0; c < 4; ++c) {
          v4d y;
          __builtin_memcpy(&y, b[c] + i, sizeof(v4d));
          acc[0][c] += x0 * y;
          acc[1][c] += x1 * y;
        }
      }
      for (int r = 0; r < 2; ++r) {
        for (int c = 0; c < 4; ++c) {
          const std::ptrdiff_t row = j + r, col = k + c;
          if (row >= q || col > row) continue;
          const v4d v = acc[r][c];
          h[row + col * ld] += (v[0] + v[1]) + (v[2] + v[3]);
        }
      }
    }
  }
}

inline bool has_avx2_fma() {
  static const bool yes = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return yes;
}
#endif

/// @brief A tile of rows stored by column, the layout the Gram kernel reads: column j holds
/// `len` values followed by zeros up to `len_pad` (a multiple of 4), and the `q_pad - q`
/// trailing columns are zero. Callers fill columns 0..q-1, rows 0..len-1 only; the padding is
/// zeroed whenever the tile's shape changes and is never written otherwise. Columns lie `ld`
/// doubles apart, `len_pad` plus 4: with tiles of 256 rows a power-of-two stride would map every
/// column to the same few cache sets, and filling the tile row by row would thrash L1.
struct ColumnTile {
  std::vector<double> data;
  std::ptrdiff_t len = 0, len_pad = 0, ld = 0, q = 0, q_pad = 0;

  void reshape(std::ptrdiff_t rows, std::ptrdiff_t cols) {
    if (rows == len && cols == q) return;
    len = rows;
    q = cols;
    len_pad = (rows + 3) / 4 * 4;
    ld = len_pad + 4;
    q_pad = (cols + 3) / 4 * 4 + 4;  // the kernel reads whole blocks of 4 columns past q
    data.assign(static_cast<std::size_t>(q_pad * ld), 0.0);
  }
  [[nodiscard]] double* column(std::ptrdiff_t j) { return data.data() + j * ld; }
  /// The filled part as a len x q column-major matrix.
  [[nodiscard]] Eigen::Map<const Eigen::MatrixXd, 0, Eigen::OuterStride<>> matrix() const {
    return {data.data(), len, q, Eigen::OuterStride<>(ld)};
  }
};

/// @brief H (q x q, lower triangle) += A^T A for the rows of the tile A.
inline void gram_update(Eigen::MatrixXd& H, const ColumnTile& A) {
#ifdef CUSTINSIGHT_GRAM_AVX2
  if (has_avx2_fma() && A.len >= 16) {
    gram_kernel_avx2(A.data.data(), A.q, A.q_pad, A.len_pad, A.ld, H.data(), H.outerStride());
    return;
  }
#endif
  H.selfadjointView<Eigen::Lower>().rankUpdate(A.matrix().transpose());
}

/// @brief H (q x q, lower triangle) += A^T A for the rows of A (len x q, row-major).
inline void gram_update(Eigen::MatrixXd& H, const GramRowMatrix& A) {
#ifdef CUSTINSIGHT_GRAM_AVX2
  if (has_avx2_fma() && A.rows() >= 16) {
    const std::ptrdiff_t len = A.rows(), q = A.cols();
    const std::ptrdiff_t len_pad = (len + 3) / 4 * 4, q_pad = (q + 3) / 4 * 4 + 4;
    thread_local std::vector<double> buffer;
    if (buffer.size() < static_cast<std::size_t>(q_pad * len_pad))
      buffer.resize(static_cast<std::size_t>(q_pad * len_pad));
    // Transpose column by column (contiguous writes); zero only the padding.
    const double* a = A.data();
    for (std::ptrdiff_t j = 0; j < q; ++j) {
      double* out = buffer.data() + j * len_pad;
      for (std::ptrdiff_t i = 0; i < len; ++i) out[i] = a[i * q + j];
      for (std::ptrdiff_t i = len; i < len_pad; ++i) out[i] = 0.0;
    }
    std::fill(buffer.begin() + q * len_pad, buffer.begin() + q_pad * len_pad, 0.0);
    gram_kernel_avx2(buffer.data(), q, q_pad, len_pad, len_pad, H.data(), H.outerStride());
    return;
  }
#endif
  H.selfadjointView<Eigen::Lower>().rankUpdate(A.transpose());
}

}  // namespace custinsight::detail
