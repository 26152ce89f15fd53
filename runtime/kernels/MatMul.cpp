//===- MatMul.cpp - ONNX MatMul and Gemm over sgemm -----------------------===//
//
// matmul follows numpy: 1-d operands are promoted (and the promoted dim
// dropped from the result), batch dims broadcast. When the right operand
// has no batch, the batch folds into M and the whole op is one sgemm;
// otherwise all products (e.g. attention's batch x heads) go to the pool
// together, so three heads on two threads still keep both threads busy.
//
//===----------------------------------------------------------------------===//
#include "GemmDriver.h"

#include <algorithm>
#include <string>

namespace vitc::rt {
namespace {

void requireF32(const char *op, const char *name, const Tensor &t) {
  if (!t.valid() || t.dtype() != DType::F32)
    throw Error(std::string(op) + ": input " + name + " must be f32, got " +
                (t.valid() ? dtypeName(t.dtype()) : "no tensor"));
}

/// Row-major element strides of `shape` right-aligned to `rank` dims, with 0
/// where a dim is broadcast (size 1, or missing on the left).
std::vector<int64_t> broadcastStrides(const Shape &shape, size_t rank) {
  std::vector<int64_t> strides(rank, 0);
  int64_t stride = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    size_t dim = shape.size() - 1 - i;
    strides[rank - 1 - i] = shape[dim] == 1 ? 0 : stride;
    stride *= shape[dim];
  }
  return strides;
}

void checkPacked(const char *op, const PackedMatrix &packed, int64_t K, int64_t N) {
  if (packed.rows() != K || packed.cols() != N)
    throw Error(std::string(op) + ": pre-packed B is " + std::to_string(packed.rows()) + "x" +
                std::to_string(packed.cols()) + " but the product needs " + std::to_string(K) +
                "x" + std::to_string(N));
}

} // namespace

Tensor matmul(const Tensor &a, const Tensor &b, ThreadPool *pool, const PackedMatrix *packedB) {
  return matmul(a, b, /*transA=*/false, /*transB=*/false, pool, packedB);
}

Tensor matmul(const Tensor &a, const Tensor &b, bool transA, bool transB, ThreadPool *pool,
              const PackedMatrix *packedB) {
  requireF32("MatMul", "A", a);
  requireF32("MatMul", "B", b);
  if (a.rank() == 0 || b.rank() == 0)
    throw Error("MatMul: operands must have rank >= 1, got " + shapeToString(a.shape()) + " and " +
                shapeToString(b.shape()));
  if ((transA && a.rank() < 2) || (transB && b.rank() < 2))
    throw Error("MatMul: a transposed operand must have rank >= 2, got " +
                shapeToString(a.shape()) + " and " + shapeToString(b.shape()));
  // numpy promotion: [K] -> [1, K] on the left, [K] -> [K, 1] on the right.
  // A transposed operand is stored with its last two dims swapped.
  Shape aShape = a.shape(), bShape = b.shape();
  if (a.rank() == 1)
    aShape.insert(aShape.begin(), 1);
  if (b.rank() == 1)
    bShape.push_back(1);
  if (transA)
    std::swap(aShape[aShape.size() - 2], aShape.back());
  if (transB)
    std::swap(bShape[bShape.size() - 2], bShape.back());
  const int64_t M = aShape[aShape.size() - 2], K = aShape.back();
  const int64_t N = bShape.back();
  const int64_t lda = transA ? M : K, ldb = transB ? K : N;
  if (bShape[bShape.size() - 2] != K)
    throw Error("MatMul: inner dimensions differ: " + shapeToString(a.shape()) + " x " +
                shapeToString(b.shape()));

  Shape aBatch(aShape.begin(), aShape.end() - 2), bBatch(bShape.begin(), bShape.end() - 2);
  size_t batchRank = std::max(aBatch.size(), bBatch.size());
  Shape outBatch(batchRank, 1);
  for (size_t i = 0; i < batchRank; ++i) {
    int64_t da = i + aBatch.size() >= batchRank ? aBatch[i + aBatch.size() - batchRank] : 1;
    int64_t db = i + bBatch.size() >= batchRank ? bBatch[i + bBatch.size() - batchRank] : 1;
    if (da != db && da != 1 && db != 1)
      throw Error("MatMul: batch dimensions do not broadcast: " + shapeToString(a.shape()) + " x " +
                  shapeToString(b.shape()));
    outBatch[i] = da == 1 ? db : da;
  }
  Shape outShape = outBatch;
  if (a.rank() > 1)
    outShape.push_back(M);
  if (b.rank() > 1)
    outShape.push_back(N);
  Tensor out = Tensor::uninitialized(DType::F32, outShape);

  const int64_t batchCount = numElements(outBatch);
  if (packedB) {
    if (b.rank() != 2)
      throw Error("MatMul: a pre-packed B must be 2-d, B is " + shapeToString(b.shape()));
    checkPacked("MatMul", *packedB, K, N);
  }
  const float *aData = a.data<float>();
  const float *bData = b.data<float>();
  float *outData = out.data<float>();
  blas::GemmShape shape{transA, transB, M, N, K, 1.0f, 0.0f, packedB};

  if (numElements(bBatch) == 1 && !transA) {
    // One right-hand matrix: stack every batch of A into one tall product
    // (a transposed A has no such stacking: its rows are columns).
    shape.M = M * batchCount;
    blas::GemmOperands ops{aData, lda, bData, ldb, outData, N};
    blas::sgemmBatch(
        shape, 1, [&](int64_t) { return ops; }, pool);
    return out;
  }
  std::vector<int64_t> aStrides = broadcastStrides(aBatch, batchRank);
  std::vector<int64_t> bStrides = broadcastStrides(bBatch, batchRank);
  auto operandsOf = [&](int64_t index) {
    int64_t aOffset = 0, bOffset = 0;
    for (size_t i = batchRank; i-- > 0;) {
      int64_t coordinate = index % outBatch[i];
      index /= outBatch[i];
      aOffset += coordinate * aStrides[i];
      bOffset += coordinate * bStrides[i];
    }
    return blas::GemmOperands{aData + aOffset * M * K, lda, bData + bOffset * K * N, ldb, nullptr,
                              N};
  };
  blas::sgemmBatch(
      shape, batchCount,
      [&](int64_t index) {
        blas::GemmOperands ops = operandsOf(index);
        ops.c = outData + index * M * N;
        return ops;
      },
      pool);
  return out;
}

Tensor gemm(const Tensor &a, const Tensor &b, const std::optional<Tensor> &c,
            const GemmAttrs &attrs, ThreadPool *pool, const PackedMatrix *packedB) {
  requireF32("Gemm", "A", a);
  requireF32("Gemm", "B", b);
  if (a.rank() != 2 || b.rank() != 2)
    throw Error("Gemm: A and B must be 2-d, got " + shapeToString(a.shape()) + " and " +
                shapeToString(b.shape()));
  const int64_t M = attrs.transA ? a.dim(1) : a.dim(0);
  const int64_t K = attrs.transA ? a.dim(0) : a.dim(1);
  const int64_t N = attrs.transB ? b.dim(0) : b.dim(1);
  if ((attrs.transB ? b.dim(1) : b.dim(0)) != K)
    throw Error("Gemm: inner dimensions differ: op(A) is " + std::to_string(M) + "x" +
                std::to_string(K) + ", B is " + shapeToString(b.shape()) +
                (attrs.transB ? " (transB)" : ""));
  if (packedB)
    checkPacked("Gemm", *packedB, K, N);

  Tensor out = Tensor::uninitialized(DType::F32, {M, N});
  float *y = out.data<float>();
  float beta = 0.0f;
  if (c && c->valid() && attrs.beta != 0.0f) {
    requireF32("Gemm", "C", *c);
    // Unidirectional broadcast of C to [M, N].
    const Shape &cs = c->shape();
    int64_t cRows = cs.size() == 2 ? cs[0] : 1, cCols = cs.empty() ? 1 : cs.back();
    if (cs.size() > 2 || (cRows != 1 && cRows != M) || (cCols != 1 && cCols != N))
      throw Error("Gemm: C of shape " + shapeToString(cs) + " does not broadcast to " +
                  std::to_string(M) + "x" + std::to_string(N));
    const float *cData = c->data<float>();
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j)
        y[i * N + j] = cData[(cRows == 1 ? 0 : i) * cCols + (cCols == 1 ? 0 : j)];
    beta = attrs.beta;
  }
  blas::GemmShape shape{attrs.transA, attrs.transB, M, N, K, attrs.alpha, beta, packedB};
  blas::GemmOperands ops{a.data<float>(), a.dim(1), b.data<float>(), b.dim(1), y, N};
  blas::sgemmBatch(
      shape, 1, [&](int64_t) { return ops; }, pool);
  return out;
}

} // namespace vitc::rt
