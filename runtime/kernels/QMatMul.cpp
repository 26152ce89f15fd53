//===- QMatMul.cpp - Quantised MatMul of two activations ------------------===//
//
// Every product of the (numpy-broadcast) batch is one integer GEMM: a's
// rows are read in place where their layout allows, and each block packs
// the panels of the columns of b it computes (b is an activation, so there
// is nothing to prepare once). One requantisation for the whole tensor.
// 1-d operands are promoted as numpy does and the promoted dim dropped.
//
//===----------------------------------------------------------------------===//
#include "QGemm.h"

#include "vitc/rt/kernels/Elementwise.h"

#include <string>

namespace vitc::rt {
namespace {

thread_local qgemm::Scratch panelScratch, sumScratch;

/// Element strides of a batch shape right-aligned to `rank` dims, 0 where broadcast.
std::vector<int64_t> batchStrides(const Shape &batch, size_t rank, int64_t matrixSize) {
  std::vector<int64_t> strides(rank, 0);
  int64_t stride = matrixSize;
  for (size_t i = 0; i < batch.size(); ++i) {
    const size_t dim = batch.size() - 1 - i;
    strides[rank - 1 - i] = batch[dim] == 1 ? 0 : stride;
    stride *= batch[dim];
  }
  return strides;
}

/// Element offset of batch entry `index` of `shape` given per-dim strides.
int64_t batchOffset(int64_t index, const Shape &shape, const std::vector<int64_t> &strides) {
  int64_t offset = 0;
  for (size_t d = shape.size(); d-- > 0;) {
    offset += (index % shape[d]) * strides[d];
    index /= shape[d];
  }
  return offset;
}

} // namespace

Tensor qmatmul(const Tensor &a, const QuantSpec &aSpec, const Tensor &b, const QuantSpec &bSpec,
               bool transposeA, bool transposeB, const QuantSpec &output, Requant requant,
               ThreadPool *pool) {
  detail::checkQuantized(a, aSpec, "qmatmul: a");
  detail::checkQuantized(b, bSpec, "qmatmul: b");
  detail::checkQuantSpec(output, "qmatmul: output");
  for (const Tensor *t : {&a, &b})
    if (t->dtype() != DType::I8 && t->dtype() != DType::I16)
      throw Error(std::string("qmatmul: operands must be i8 or i16, got ") + dtypeName(t->dtype()));
  if (a.rank() == 0 || b.rank() == 0)
    throw Error("qmatmul: operands must have at least one dim");
  if ((a.rank() == 1 && transposeA) || (b.rank() == 1 && transposeB))
    throw Error("qmatmul: a 1-d operand cannot be transposed");

  // Promote 1-d operands: a [K] -> [1, K], b [K] -> [K, 1].
  Shape aShape = a.shape(), bShape = b.shape();
  if (a.rank() == 1)
    aShape.insert(aShape.begin(), 1);
  if (b.rank() == 1)
    bShape.push_back(1);
  const size_t ar = aShape.size(), br = bShape.size();
  const int64_t M = transposeA ? aShape[ar - 1] : aShape[ar - 2];
  const int64_t K = transposeA ? aShape[ar - 2] : aShape[ar - 1];
  const int64_t Kb = transposeB ? bShape[br - 1] : bShape[br - 2];
  const int64_t N = transposeB ? bShape[br - 2] : bShape[br - 1];
  if (K != Kb)
    throw Error("qmatmul: inner dims differ: " + shapeToString(a.shape()) +
                (transposeA ? "ᵀ" : "") + " x " + shapeToString(b.shape()) +
                (transposeB ? "ᵀ" : ""));
  const Shape aBatch(aShape.begin(), aShape.end() - 2), bBatch(bShape.begin(), bShape.end() - 2);
  const Shape batch = broadcastShapes(aBatch, bBatch);
  Shape outShape = batch;
  if (a.rank() > 1)
    outShape.push_back(M);
  if (b.rank() > 1)
    outShape.push_back(N);
  Tensor out = Tensor::uninitialized(output.storage, outShape);
  const int64_t count = numElements(batch);
  if (out.numel() == 0)
    return out;

  const std::vector<int64_t> aStrides = batchStrides(aBatch, batch.size(), M * K);
  const std::vector<int64_t> bStrides = batchStrides(bBatch, batch.size(), K * N);
  const QGemmIsa isa = qgemmIsa();
  const qgemm::KernelSet &kernels = qgemm::kernelSet(isa);
  const qgemm::Kind kind = qgemm::kindFor(isa, a.dtype(), b.dtype());
  const int64_t aSize = dtypeSize(a.dtype()), bSize = dtypeSize(b.dtype());
  const int64_t outSize = dtypeSize(output.storage);
  const detail::RequantTable table({requant});

  qgemm::forEachBlock(
      count, M, N, K, kernels, /*splitColumns=*/true, pool,
      [&](int64_t product, int64_t m0, int64_t m1, int64_t n0, int64_t n1) {
        const char *aData = static_cast<const char *>(a.raw()) +
                            batchOffset(product, batch, aStrides) * aSize;
        const char *bData = static_cast<const char *>(b.raw()) +
                            batchOffset(product, batch, bStrides) * bSize;
        // Column n of b: element k at n * K + k (transposed) or k * N + n.
        const int64_t bStride = transposeB ? K : 1, bkStride = transposeB ? 1 : N;
        const int64_t cols = n1 - n0;
        void *panels =
            panelScratch.get<uint32_t>(qgemm::panelWords(kind, kernels.nr, K, cols));
        int64_t *colSums = sumScratch.get<int64_t>(cols);
        qgemm::packPanels(kind, kernels.nr,
                          qgemm::MatrixView{bData + n0 * bStride * bSize, b.dtype(), bStride,
                                            bkStride},
                          K, cols, panels, colSums);
        qgemm::Product p;
        p.kernels = &kernels;
        p.kind = kind;
        p.exact = a.dtype() == DType::I16 || b.dtype() == DType::I16;
        p.K = K;
        p.a = transposeA ? qgemm::MatrixView{aData, a.dtype(), 1, M}
                         : qgemm::MatrixView{aData, a.dtype(), K, 1};
        p.aZero = aSpec.zeroPoint;
        p.b = qgemm::Panels{panels, colSums, n0};
        p.bZero = bSpec.zeroPoint;
        p.out = detail::requantOutput(output,
                                      static_cast<char *>(out.raw()) + product * M * N * outSize,
                                      N, table, /*perColumn=*/true);
        qgemm::multiplyBlock(p, m0, m1, n0, n1);
      });
  return out;
}

} // namespace vitc::rt
