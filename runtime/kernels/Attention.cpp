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

#include "AttentionShapes.h"
#include "SoftmaxRow.h"

#include <algorithm>
#include <string>
#include <vector>

namespace vitc::rt {
namespace {

void requireF32(const Tensor &t, const char *what) {
  if (!t.valid() || t.dtype() != DType::F32)
    throw Error(std::string("Attention: ") + what + " must be f32, got " +
                (t.valid() ? dtypeName(t.dtype()) : "none"));
}

} // namespace

Tensor attention(const Tensor &q, const Tensor &k, const Tensor &v,
                 const std::optional<Tensor> &bias, const AttentionParams &params,
                 ThreadPool *pool) {
  requireF32(q, "q");
  requireF32(k, "k");
  requireF32(v, "v");
  const detail::AttentionDims d = detail::attentionDims(q, k, v, params.heads, "Attention");
  std::optional<detail::BiasView> biasRows;
  if (bias)
    biasRows = detail::biasView(*bias, d, "Attention");
  Tensor out = Tensor::uninitialized(DType::F32, {d.batch, d.queries, d.heads * d.valueDim});
  if (out.numel() == 0)
    return out;

  const int64_t ldq = d.heads * d.headDim, ldv = d.heads * d.valueDim;
  const float *qData = q.data<float>(), *kData = k.data<float>(), *vData = v.data<float>();
  float *outData = out.data<float>();
  detail::forEachAttentionBlock(d, pool, [&](int64_t b, int64_t h, int64_t row0, int64_t rows) {
    thread_local std::vector<float> scoreRows;
    scoreRows.resize(static_cast<size_t>(rows * d.keys));
    float *scores = scoreRows.data();
    sgemm(false, true, rows, d.keys, d.headDim, params.scale,
          qData + (b * d.queries + row0) * ldq + h * d.headDim, ldq,
          kData + b * d.keys * ldq + h * d.headDim, ldq, 0.0f, scores, d.keys, nullptr);
    for (int64_t r = 0; r < rows; ++r) {
      float *row = scores + r * d.keys;
      if (biasRows)
        biasRows->addTo(row, d.keys, b, h, row0 + r);
      detail::softmaxRow(row, row, d.keys, /*logarithm=*/false);
    }
    sgemm(false, false, rows, d.valueDim, d.keys, 1.0f, scores, d.keys,
          vData + b * d.keys * ldv + h * d.valueDim, ldv, 0.0f,
          outData + (b * d.queries + row0) * ldv + h * d.valueDim, ldv, nullptr);
  });
  return out;
}

} // namespace vitc::rt
