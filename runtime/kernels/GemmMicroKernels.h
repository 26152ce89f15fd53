//===- GemmMicroKernels.h - Register-blocked sgemm micro-kernels --*- C++ -*-===//
//
// Private to runtime/kernels. A micro-kernel multiplies an m x kc block of
// op(A), read in place (row-major with leading dimension lda, or its
// transpose), by one packed kc x NR panel of B and writes an m x n tile of C
// (m <= MR, n <= NR):
//
//   C[i][j] = alpha * acc[i][j] + beta * C[i][j]     (beta == 0: C not read)
//   acc[i][j] = sum over k = 0, 1, ..., kc-1 of op(A)[i][k] * bp[k*NR + j]
//
// accumulated in that order, starting from 0, in one fp32 register lane per
// element. Every element is computed by the same instruction sequence
// whatever m, n and the tile position are, which is what makes sgemm's
// results independent of how the output is split over threads.
//
// The packed B panel holds NR columns per k, zero-padded past n, 64-byte
// aligned.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_RT_KERNELS_GEMMMICROKERNELS_H
#define VITC_RT_KERNELS_GEMMMICROKERNELS_H

#include "vitc/rt/kernels/Gemm.h"

#include <cstdint>

namespace vitc::rt::blas {

using MicroKernelFn = void (*)(int64_t kc, const float *a, int64_t lda, const float *bp, float *c,
                               int64_t ldc, int64_t n, float alpha, float beta);

/// Packs a kc x cols block of op(B) into nr-wide panels, zero-padded (see
/// packB in Gemm.cpp for the layout). b points at the block's first element;
/// op(B)(k, j) is b[k*ldb + j] for a row packer, b[j*ldb + k] for a column
/// packer (transposed B).
using PackFn = void (*)(const float *b, int64_t ldb, int64_t kc, int64_t cols, float *out);

constexpr int kMaxMR = 16;

/// One instruction set's micro-kernels and the cache blocking tuned for them.
struct MicroKernelSet {
  GemmIsa isa;
  int mr;          ///< rows of a register tile
  int nr;          ///< columns of a register tile (packed B panel width)
  int narrowWidth; ///< a panel with at most this many columns used runs `narrow`
  int64_t kcMax;   ///< longest K block
  int64_t nc;      ///< columns of B packed at once (multiple of nr)
  /// byRows[transA][m-1] writes m rows, reading op(A) in place.
  MicroKernelFn byRows[2][kMaxMR];
  /// Same contract for n <= narrowWidth (null when narrowWidth is 0).
  MicroKernelFn narrow[2][kMaxMR];
  /// Vectorised packers for B and for transposed B, or null for the
  /// generic element-by-element one.
  PackFn packRows;
  PackFn packColumns;
};

/// The kernels of `isa`; throws Error when it was not compiled in.
const MicroKernelSet &microKernels(GemmIsa isa);

} // namespace vitc::rt::blas

#endif // VITC_RT_KERNELS_GEMMMICROKERNELS_H
