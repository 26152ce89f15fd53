//===- GemmDriver.h - Batched sgemm entry point for runtime kernels -*- C++ -*-===//
//
// Private to runtime/kernels. MatMul, Gemm and Conv run many products of one
// shape (attention heads, batch entries, convolution groups); sgemmBatch
// splits all of them over the pool at once, cutting each product into
// parts only as far as needed to keep every thread busy. How the work is cut
// never changes a result: each output element is computed by the same
// instruction sequence, with K reduced in blocks fixed by K alone.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_RT_KERNELS_GEMMDRIVER_H
#define VITC_RT_KERNELS_GEMMDRIVER_H

#include "vitc/rt/kernels/Gemm.h"

#include <functional>

namespace vitc::rt::blas {

/// What is common to every product of a batch. With packedB set, b/ldb and
/// transB of the operands are ignored and all products share packedB.
struct GemmShape {
  bool transA = false;
  bool transB = false;
  int64_t M = 0, N = 0, K = 0;
  float alpha = 1.0f;
  float beta = 0.0f;
  const PackedMatrix *packedB = nullptr;
};

/// The matrices of one product of a batch, laid out as for sgemm.
struct GemmOperands {
  const float *a = nullptr;
  int64_t lda = 0;
  const float *b = nullptr;
  int64_t ldb = 0;
  float *c = nullptr;
  int64_t ldc = 0;
};

/// Computes C_i = alpha * op(A_i) * op(B_i) + beta * C_i for i in [0, count),
/// with operandsOf(i) giving the i-th product's matrices. The shape and
/// leading dimensions must already be checked by the caller.
void sgemmBatch(const GemmShape &shape, int64_t count,
                const std::function<GemmOperands(int64_t)> &operandsOf, ThreadPool *pool);

} // namespace vitc::rt::blas

#endif // VITC_RT_KERNELS_GEMMDRIVER_H
