//===- Attention.cpp - Fused multi-head attention over strided sgemm ------===//
//
// One task computes a block of query rows of one (batch entry, head): the
// scores block S = scale * q_rows k_hᵀ (sgemm with transB, lda = ldb = H*D,
// so the heads are read in place), the bias added and the row softmax taken
// in place (the same softmaxRow as the Softmax kernel), then S v_h written
// straight into the merged [B, Nq, H*Dv] output (ldc = H*Dv). Query rows are
// cut into blocks only when there are too few (batch, head) pairs to keep
// every thread busy; no value depends on that cut, because sgemm computes
// each output element with the same operations whatever M it is given and
// the softmax works row by row.
//
//===----------------------------------------------------------------------===//
#include "vitc/rt/kernels/Attention.h"
#include "vitc/rt/kernels/Gemm.h"

#include "SoftmaxRow.h"

#include <algorithm>
#include <string>
#include <vector>

namespace vitc::rt {
namespace {

/// Fewest query rows worth a task of their own.
constexpr int64_t kMinRowsPerTask = 16;

struct AttentionDims {
  int64_t batch = 0, heads = 0, queries = 0, keys = 0, headDim = 0, valueDim = 0;
};

[[noreturn]] void fail(const std::string &message) { throw Error("Attention: " + message); }

void requireF32(const Tensor &t, const char *what) {
  if (!t.valid() || t.dtype() != DType::F32)
    fail(std::string(what) + " must be f32, got " + (t.valid() ? dtypeName(t.dtype()) : "none"));
}

AttentionDims checkShapes(const Tensor &q, const Tensor &k, const Tensor &v, int64_t heads) {
  requireF32(q, "q");
  requireF32(k, "k");
  requireF32(v, "v");
  if (q.rank() != 3 || k.rank() != 3 || v.rank() != 3)
    fail("q, k and v must be [B, N, channels], got " + shapeToString(q.shape()) + ", " +
         shapeToString(k.shape()) + " and " + shapeToString(v.shape()));
  if (heads <= 0)
    fail("heads must be positive, got " + std::to_string(heads));
  if (k.dim(0) != q.dim(0) || v.dim(0) != q.dim(0) || v.dim(1) != k.dim(1) || k.dim(2) != q.dim(2))
    fail("q " + shapeToString(q.shape()) + ", k " + shapeToString(k.shape()) + " and v " +
         shapeToString(v.shape()) + " do not fit [B, Nq, H*D], [B, Nk, H*D], [B, Nk, H*Dv]");
  if (q.dim(2) % heads != 0 || v.dim(2) % heads != 0)
    fail("channels of q (" + std::to_string(q.dim(2)) + ") and v (" + std::to_string(v.dim(2)) +
         ") must be divisible by heads = " + std::to_string(heads));
  if (k.dim(1) == 0 && q.dim(1) > 0)
    fail("no keys to attend to");
  return {q.dim(0), heads, q.dim(1), k.dim(1), q.dim(2) / heads, v.dim(2) / heads};
}

/// A [G, H', Nq', Nk'] bias with element strides that are 0 on broadcast dims.
struct BiasView {
  const float *data = nullptr;
  int64_t groups = 1, groupStride = 0, headStride = 0, rowStride = 0, colStride = 0;

  /// The bias row added to query row `row` of batch entry b, head h.
  const float *rowOf(int64_t b, int64_t h, int64_t row) const {
    return data + (b % groups) * groupStride + h * headStride + row * rowStride;
  }
};

BiasView biasView(const Tensor &bias, const AttentionDims &d) {
  requireF32(bias, "bias");
  const Shape &s = bias.shape();
  auto fits = [](int64_t dim, int64_t full) { return dim == 1 || dim == full; };
  if (bias.rank() != 4 || s[0] <= 0 || d.batch % s[0] != 0 || !fits(s[1], d.heads) ||
      !fits(s[2], d.queries) || !fits(s[3], d.keys))
    fail("bias " + shapeToString(s) + " does not broadcast to [G, " + std::to_string(d.heads) +
         ", " + std::to_string(d.queries) + ", " + std::to_string(d.keys) +
         "] with G dividing the batch " + std::to_string(d.batch));
  BiasView view;
  view.data = bias.data<float>();
  view.groups = s[0];
  view.colStride = s[3] == 1 ? 0 : 1;
  view.rowStride = s[2] == 1 ? 0 : s[3];
  view.headStride = s[1] == 1 ? 0 : s[2] * s[3];
  view.groupStride = s[1] * s[2] * s[3];
  return view;
}

/// How many row blocks to cut each (batch, head) product into: the fewest
/// that spread the work evenly over the threads.
int64_t rowParts(int64_t products, int64_t queries, int64_t threads) {
  const int64_t maxParts =
      std::min<int64_t>(threads, std::max<int64_t>(1, queries / kMinRowsPerTask));
  int64_t best = 1;
  double bestTime = static_cast<double>((products + threads - 1) / threads);
  for (int64_t parts = 2; parts <= maxParts; ++parts) {
    double time = static_cast<double>((products * parts + threads - 1) / threads) / parts;
    if (time < bestTime * 0.95) {
      best = parts;
      bestTime = time;
    }
  }
  return best;
}

} // namespace

Tensor attention(const Tensor &q, const Tensor &k, const Tensor &v,
                 const std::optional<Tensor> &bias, const AttentionParams &params,
                 ThreadPool *pool) {
  const AttentionDims d = checkShapes(q, k, v, params.heads);
  std::optional<BiasView> biasRows;
  if (bias)
    biasRows = biasView(*bias, d);
  Tensor out = Tensor::uninitialized(DType::F32, {d.batch, d.queries, d.heads * d.valueDim});
  if (out.numel() == 0)
    return out;

  const int64_t ldq = d.heads * d.headDim, ldv = d.heads * d.valueDim;
  const float *qData = q.data<float>(), *kData = k.data<float>(), *vData = v.data<float>();
  float *outData = out.data<float>();
  const int64_t products = d.batch * d.heads;
  const int64_t parts = rowParts(products, d.queries, pool ? pool->threads() : 1);
  const int64_t maxRows = (d.queries + parts - 1) / parts;

  parallelFor(pool, products * parts, 1, [&](int64_t begin, int64_t end) {
    std::vector<float> scores(static_cast<size_t>(maxRows * d.keys));
    for (int64_t task = begin; task < end; ++task) {
      const int64_t product = task / parts, part = task % parts;
      const int64_t b = product / d.heads, h = product % d.heads;
      const int64_t row0 = d.queries * part / parts, row1 = d.queries * (part + 1) / parts;
      const int64_t rows = row1 - row0;
      if (rows == 0)
        continue;
      sgemm(false, true, rows, d.keys, d.headDim, params.scale,
            qData + (b * d.queries + row0) * ldq + h * d.headDim, ldq,
            kData + b * d.keys * ldq + h * d.headDim, ldq, 0.0f, scores.data(), d.keys, nullptr);
      for (int64_t r = 0; r < rows; ++r) {
        float *row = scores.data() + r * d.keys;
        if (biasRows) {
          const float *add = biasRows->rowOf(b, h, row0 + r);
          const int64_t step = biasRows->colStride;
          for (int64_t j = 0; j < d.keys; ++j)
            row[j] += add[j * step];
        }
        detail::softmaxRow(row, row, d.keys, /*logarithm=*/false);
      }
      sgemm(false, false, rows, d.valueDim, d.keys, 1.0f, scores.data(), d.keys,
            vData + b * d.keys * ldv + h * d.valueDim, ldv, 0.0f,
            outData + (b * d.queries + row0) * ldv + h * d.valueDim, ldv, nullptr);
    }
  });
  return out;
}

} // namespace vitc::rt
