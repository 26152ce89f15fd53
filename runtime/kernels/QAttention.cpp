//===- QAttention.cpp - Quantised multi-head attention --------------------===//
//
// docs/quantization.md, "Attention". One task computes a block of query
// rows of one (batch entry, head), as the fp32 kernel does: the integer
// scores S_int = (Q - z_q)(K - z_k)ᵀ on the integer GEMM (heads read in
// place, the keys packed as panels), written as float; then, per row, the
// PPU steps in fp32 -- times α·s_q·s_k, plus the bias, E = exp(S - max)
// (fastExp, the f32 kernels' exp) -- and E quantised to 15 bits relative
// to the row's maximum (E_q = rha(32767 E), the maximum 32767); then
// O_int = E_q (V - z_v) on the GEMM (E_q as int16 rows, V packed as
// panels; summed exactly in int64), requantised straight into the merged
// [B, Nq, H*Dv] output with the row's own multiplier s_v / (s_o Z),
// Z = Σ E_q: the softmax division happens once, at the end, so no row loses
// its small probabilities to a coarse grid.
//
//===----------------------------------------------------------------------===//
#include "AttentionShapes.h"
#include "FastMath.h"
#include "QGemm.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace vitc::rt {
namespace {

/// E_q's largest value: 15 bits, so E_q fits the GEMM's int16 rows.
constexpr float kExpLevels = 32767.0f;

thread_local qgemm::Scratch keyPanels, keySums, valuePanels, valueSums, scoreRows, probRows;

} // namespace

Tensor qattention(const Tensor &q, const Tensor &k, const Tensor &v,
                  const std::optional<Tensor> &bias, const QAttentionParams &params,
                  ThreadPool *pool) {
  detail::checkQuantized(q, params.q, "qattention: q");
  detail::checkQuantized(k, params.k, "qattention: k");
  detail::checkQuantized(v, params.v, "qattention: v");
  detail::checkQuantSpec(params.output, "qattention: output");
  for (const Tensor *t : {&q, &k, &v})
    if (t->dtype() != DType::I8 && t->dtype() != DType::I16)
      throw Error(std::string("qattention: q, k and v must be i8 or i16, got ") +
                  dtypeName(t->dtype()));
  if (!std::isfinite(params.scoreScale))
    throw Error("qattention: the score scale must be finite");
  if (!(params.valueRatio > 0.0f) || !std::isfinite(params.valueRatio))
    throw Error("qattention: s_v / s_o must be positive and finite");
  const detail::AttentionDims d = detail::attentionDims(q, k, v, params.heads, "qattention");
  std::optional<detail::BiasView> biasRows;
  if (bias)
    biasRows = detail::biasView(*bias, d, "qattention");
  Tensor out =
      Tensor::uninitialized(params.output.storage, {d.batch, d.queries, d.heads * d.valueDim});
  if (out.numel() == 0)
    return out;

  const QGemmIsa isa = qgemmIsa();
  const qgemm::KernelSet &kernels = qgemm::kernelSet(isa);
  const qgemm::Kind scoreKind = qgemm::kindFor(isa, q.dtype(), k.dtype());
  const bool scoreExact = q.dtype() == DType::I16 || k.dtype() == DType::I16;
  // E_q (0..32767) takes int16 rows. Exact sums: with INT8 V in int32
  // blocks of 256 k added in int64 (|block| < 2^31), with INT16 V in int64.
  const qgemm::Kind valueKind = v.dtype() == DType::I16 ? qgemm::Kind::Wide : qgemm::Kind::Words;
  const int64_t ldq = d.heads * d.headDim, ldv = d.heads * d.valueDim;
  const int64_t qSize = dtypeSize(q.dtype()), kSize = dtypeSize(k.dtype());
  const int64_t vSize = dtypeSize(v.dtype()), outSize = dtypeSize(out.dtype());
  const int64_t keysPadded = (d.keys + 1) / 2 * 2;

  detail::forEachAttentionBlock(d, pool, [&](int64_t b, int64_t h, int64_t row0, int64_t rows) {
    // Scores: rows x keys, as float(S_int).
    void *kp = keyPanels.get<uint32_t>(qgemm::panelWords(scoreKind, kernels.nr, d.headDim, d.keys));
    int64_t *ks = keySums.get<int64_t>(d.keys);
    qgemm::packPanels(scoreKind, kernels.nr,
                      qgemm::MatrixView{static_cast<const char *>(k.raw()) +
                                            (b * d.keys * ldq + h * d.headDim) * kSize,
                                        k.dtype(), ldq, 1},
                      d.headDim, d.keys, kp, ks);
    float *scores = scoreRows.get<float>(rows * d.keys);
    qgemm::Product s;
    s.kernels = &kernels;
    s.kind = scoreKind;
    s.exact = scoreExact;
    s.K = d.headDim;
    s.a = qgemm::MatrixView{static_cast<const char *>(q.raw()) +
                                ((b * d.queries + row0) * ldq + h * d.headDim) * qSize,
                            q.dtype(), ldq, 1};
    s.aZero = params.q.zeroPoint;
    s.b = qgemm::Panels{kp, ks, 0};
    s.bZero = params.k.zeroPoint;
    s.out.type = DType::F32;
    s.out.data = scores;
    s.out.ld = d.keys;
    qgemm::multiplyBlock(s, 0, rows, 0, d.keys);

    // PPU: scale, bias, E = exp(S - max), E_q = clamp(rha(32767 E), 0, 32767),
    // and the row's requantisation s_v / (s_o Z).
    int16_t *probs = probRows.get<int16_t>(rows * keysPadded);
    std::vector<Requant> rowRequant(static_cast<size_t>(rows));
    for (int64_t r = 0; r < rows; ++r) {
      float *row = scores + r * d.keys;
      for (int64_t j = 0; j < d.keys; ++j)
        row[j] = row[j] * params.scoreScale;
      if (biasRows)
        biasRows->addTo(row, d.keys, b, h, row0 + r);
      float maximum = row[0];
      for (int64_t j = 1; j < d.keys; ++j)
        maximum = std::max(maximum, row[j]);
      int16_t *prob = probs + r * keysPadded;
      int64_t total = 0;
      for (int64_t j = 0; j < d.keys; ++j) {
        const float e = detail::fastExp(row[j] - maximum) * kExpLevels;
        prob[j] = static_cast<int16_t>(std::min(kExpLevels, std::max(0.0f, std::round(e))));
        total += prob[j];
      }
      std::fill(prob + d.keys, prob + keysPadded, int16_t(0));
      if (total == 0) // only when the scores are not finite
        throw Error("qattention: a row of scores is not finite");
      rowRequant[r] = Requant::fromReal(static_cast<double>(params.valueRatio) / total);
    }

    // O_int = P_q (V - z_v), requantised into the output.
    void *vp =
        valuePanels.get<uint32_t>(qgemm::panelWords(valueKind, kernels.nr, d.keys, d.valueDim));
    int64_t *vs = valueSums.get<int64_t>(d.valueDim);
    qgemm::packPanels(valueKind, kernels.nr,
                      qgemm::MatrixView{static_cast<const char *>(v.raw()) +
                                            (b * d.keys * ldv + h * d.valueDim) * vSize,
                                        v.dtype(), 1, ldv},
                      d.keys, d.valueDim, vp, vs);
    qgemm::Product o;
    o.kernels = &kernels;
    o.kind = valueKind;
    o.exact = true;
    o.K = d.keys;
    o.a = qgemm::MatrixView{probs, DType::I16, keysPadded, 1};
    o.aZero = 0;
    o.b = qgemm::Panels{vp, vs, 0};
    o.bZero = params.v.zeroPoint;
    const detail::RequantTable table(std::move(rowRequant));
    o.out = detail::requantOutput(params.output,
                                  static_cast<char *>(out.raw()) +
                                      ((b * d.queries + row0) * ldv + h * d.valueDim) * outSize,
                                  ldv, table, /*perColumn=*/false);
    qgemm::multiplyBlock(o, 0, rows, 0, d.valueDim);
  });
  return out;
}

} // namespace vitc::rt
