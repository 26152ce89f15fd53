//===- Gemm.h - fp32 matrix multiplication kernels ----------------*- C++ -*-===//
//
// sgemm is the one fp32 GEMM every dense op (MatMul, Gemm, Linear, Conv via
// im2col, attention) goes through. It is blocked for the cache, packs the
// right-hand operand (reads the left one in place), runs a SIMD micro-kernel
// chosen at run time (AVX-512, AVX2+FMA, or portable C++), and splits the
// output over the thread pool. The reduction order over K is fixed, so
// results do not depend on the number of threads.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_RT_KERNELS_GEMM_H
#define VITC_RT_KERNELS_GEMM_H

#include "vitc/rt/Tensor.h"
#include "vitc/rt/ThreadPool.h"

#include <optional>

namespace vitc::rt {

/// The instruction set of sgemm's micro-kernels. The best one the CPU has is
/// picked on first use, or the one named by the environment variable
/// VITC_GEMM_ISA=portable|avx2|avx512. Results differ between instruction
/// sets within fp32 rounding, never between runs or thread counts.
enum class GemmIsa { Portable, Avx2, Avx512 };
const char *gemmIsaName(GemmIsa isa);
bool gemmIsaSupported(GemmIsa isa);
GemmIsa gemmIsa();
/// Switches the instruction set for later calls (tests and benchmarks; not
/// while a GEMM runs). Throws Error when the CPU lacks it.
void setGemmIsa(GemmIsa isa);

/// C[M,N] = alpha * op(A)[M,K] * op(B)[K,N] + beta * C, row-major, with
/// leading dimensions lda/ldb/ldc. op(X) is X or its transpose. beta == 0
/// ignores the old contents of C (NaNs included); alpha == 0 or K == 0 only
/// scales C, without reading A or B (as BLAS does). Throws Error on negative
/// sizes, leading dimensions shorter than a row, or null pointers.
void sgemm(bool transA, bool transB, int64_t M, int64_t N, int64_t K, float alpha,
           const float *A, int64_t lda, const float *B, int64_t ldb, float beta,
           float *C, int64_t ldc, ThreadPool *pool);

/// A right-hand operand packed once for repeated products (constant weights):
/// same result as sgemm with the unpacked matrix, bit for bit, as long as
/// the instruction set has not been switched in between (products with a
/// PackedMatrix always use the instruction set it was packed for).
class PackedMatrix {
public:
  PackedMatrix() = default;
  /// Packs op(B) where B is K x N (transB false) or N x K (transB true).
  static PackedMatrix pack(bool transB, int64_t K, int64_t N, const float *B, int64_t ldb);
  int64_t rows() const { return K_; } ///< K
  int64_t cols() const { return N_; } ///< N
  const float *data() const { return data_.get(); }
  GemmIsa isa() const { return isa_; } ///< the micro-kernels the layout is for

private:
  int64_t K_ = 0, N_ = 0;
  GemmIsa isa_ = GemmIsa::Portable;
  std::shared_ptr<float[]> data_;
};

/// C[M,N] = alpha * op(A) * packedB + beta * C.
void sgemmPacked(bool transA, int64_t M, float alpha, const float *A, int64_t lda,
                 const PackedMatrix &B, float beta, float *C, int64_t ldc,
                 ThreadPool *pool);

/// ONNX MatMul: numpy matmul semantics (1-d operands promoted, batch dims
/// broadcast). f32 only. All products of a batch (e.g. attention heads) are
/// shared out over the pool together. `packedB` may hold b pre-packed when
/// b is 2-d (constant weights: saves packing it on every call).
Tensor matmul(const Tensor &a, const Tensor &b, ThreadPool *pool,
              const PackedMatrix *packedB = nullptr);
/// matmul with a (transA) and/or b (transB) used with their last two dims
/// swapped, read in place (no copy). A transposed operand must have rank >= 2;
/// a pre-packed b must have been packed with the same transB.
Tensor matmul(const Tensor &a, const Tensor &b, bool transA, bool transB, ThreadPool *pool,
              const PackedMatrix *packedB = nullptr);

struct GemmAttrs {
  float alpha = 1.0f;
  float beta = 1.0f;
  bool transA = false;
  bool transB = false;
};
/// ONNX Gemm: alpha * op(A) * op(B) + beta * C, C unidirectionally
/// broadcast to [M,N]. A and B are 2-d f32. `packedB` may hold op(B)
/// pre-packed (PackedMatrix::pack with the same transB).
Tensor gemm(const Tensor &a, const Tensor &b, const std::optional<Tensor> &c,
            const GemmAttrs &attrs, ThreadPool *pool,
            const PackedMatrix *packedB = nullptr);

} // namespace vitc::rt

#endif // VITC_RT_KERNELS_GEMM_H
