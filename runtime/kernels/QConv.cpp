//===- QConv.cpp - Quantised convolution ----------------------------------===//
//
// For every image and group, Y_g[M/g, OH*OW] = W_g[M/g, K] x col[K, OH*OW]
// with K = C/g * KH * KW, on the integer GEMM: the weights are its left
// operand (rows prepared once by QPackedWeights, with their sums), the
// im2col matrix is written by each block straight into the GEMM's panel
// layout for the output positions it computes. Taps that fall into the
// padding read the input zero point, so they add exactly 0. The output
// channel is the row: bias and requantisation are per row.
//
// Depthwise convolutions (group == C == M) run a direct kernel per channel
// plane: acc = sum over taps inside the image of (x - z_x) * w, int32
// (modulo 2^32) for INT8 inputs, int64 for INT16, then the same epilogue.
// 1-d convolutions run as 2-d ones with a height of 1.
//
//===----------------------------------------------------------------------===//
#include "QDense.h"

#include "Multiversion.h"

#include <algorithm>
#include <cstring>
#include <string>

namespace vitc::rt {
namespace {

/// A resolved 2-d window over an H x W plane.
struct Window {
  int64_t H, W, kh, kw, sh, sw, dh, dw, top, left, oh, ow;
  /// Output columns [lo, hi) at which tap column kx reads inside the row.
  std::pair<int64_t, int64_t> inside(int64_t kx) const {
    const int64_t offset = kx * dw - left;
    const int64_t lo = std::min(ow, offset >= 0 ? 0 : (-offset + sw - 1) / sw);
    const int64_t hi = W - offset <= 0 ? 0 : std::min(ow, (W - offset + sw - 1) / sw);
    return {lo, std::max(lo, hi)};
  }
};

Window resolve(const Tensor &x, const Shape &weightShape, ConvAttrs &attrs) {
  const bool is1d = x.rank() == 3;
  Shape kernel(weightShape.begin() + 2, weightShape.end());
  WindowAttrs &w = attrs.window;
  if (!w.kernelShape.empty() && w.kernelShape != kernel)
    throw Error("qconv: kernel_shape " + shapeToString(w.kernelShape) +
                " differs from the weight's " + shapeToString(kernel));
  w.kernelShape = kernel;
  const std::vector<int64_t> out = resolveWindow(w, Shape(x.shape().begin() + 2, x.shape().end()));
  if (is1d)
    return {1, x.dim(2), 1, kernel[0], 1, w.strides[0], 1, w.dilations[0], 0, w.pads[0], 1, out[0]};
  return {x.dim(2),       x.dim(3),       kernel[0], kernel[1], w.strides[0], w.strides[1],
          w.dilations[0], w.dilations[1], w.pads[0], w.pads[1], out[0],       out[1]};
}

/// Writes im2col columns [col0, col0 + cols) of one image's group (channels
/// at x) into GEMM panels (QGemmPack.cpp's layout; `out` zero-filled).
template <typename Src, typename Dst>
VITC_MULTIVERSION void im2colPanels(const Src *x, const Window &g, int64_t K, int64_t col0,
                                    int64_t cols, int64_t nr, int32_t zeroPoint, Dst *out) {
  constexpr int64_t per = sizeof(Dst) == 1 ? 4 : 2;
  constexpr int32_t offsetOfStored = sizeof(Dst) == 1 ? 128 : 0;
  const int64_t panelElems = (K + per - 1) / per * nr * per, taps = g.kh * g.kw;
  const Dst pad = static_cast<Dst>(zeroPoint + offsetOfStored);
  for (int64_t k = 0; k < K; ++k) {
    const int64_t c = k / taps, ky = k % taps / g.kw, kx = k % g.kw;
    const auto [lo, hi] = g.inside(kx);
    const int64_t offset = kx * g.dw - g.left;
    Dst *base = out + (k / per) * nr * per + k % per;
    int64_t oh = col0 / g.ow, ow = col0 % g.ow, panel = 0, j = 0;
    for (int64_t q = 0; q < cols; ++oh, ow = 0) {
      const int64_t run = std::min(g.ow - ow, cols - q), ih = oh * g.sh - g.top + ky * g.dh;
      const bool rowInside = ih >= 0 && ih < g.H;
      const Src *src = x + (c * g.H + (rowInside ? ih : 0)) * g.W + offset;
      for (int64_t t = ow; t < ow + run; ++t) {
        base[panel + j * per] = rowInside && t >= lo && t < hi
                                    ? static_cast<Dst>(src[t * g.sw] + offsetOfStored)
                                    : pad;
        if (++j == nr) {
          j = 0;
          panel += panelElems;
        }
      }
      q += run;
    }
  }
}

/// One channel plane of a depthwise convolution: acc[p] = sum of (x - z) w.
template <typename Src, typename Acc>
VITC_MULTIVERSION void depthwisePlane(const Src *x, const int8_t *w, const Window &g,
                                      int32_t zeroPoint, Acc *acc) {
  std::fill(acc, acc + g.oh * g.ow, Acc(0));
  for (int64_t ky = 0; ky < g.kh; ++ky)
    for (int64_t kx = 0; kx < g.kw; ++kx) {
      const Acc weight = static_cast<Acc>(w[ky * g.kw + kx]);
      const auto [lo, hi] = g.inside(kx);
      const int64_t offset = kx * g.dw - g.left;
      for (int64_t oh = 0; oh < g.oh; ++oh) {
        const int64_t ih = oh * g.sh - g.top + ky * g.dh;
        if (ih < 0 || ih >= g.H)
          continue;
        const Src *row = x + ih * g.W + offset;
        Acc *dst = acc + oh * g.ow;
        for (int64_t ow = lo; ow < hi; ++ow)
          dst[ow] += static_cast<Acc>(int32_t(row[ow * g.sw]) - zeroPoint) * weight;
      }
    }
}

thread_local qgemm::Scratch panelScratch, planeScratch;

template <typename Src, typename Acc>
void depthwise(const Src *x, const int8_t *w, const int32_t *bias, const Window &g, int64_t N,
               int64_t C, int32_t zeroPoint, const detail::TileOutput &out, ThreadPool *pool) {
  const int64_t P = g.oh * g.ow, work = std::max<int64_t>(1, P * g.kh * g.kw);
  const int64_t outBytes = P * static_cast<int64_t>(dtypeSize(out.type));
  parallelFor(pool, N * C, std::max<int64_t>(1, 32768 / work), [&](int64_t lo, int64_t hi) {
    Acc *acc = planeScratch.get<Acc>(P);
    for (int64_t plane = lo; plane < hi; ++plane) {
      const int64_t c = plane % C;
      depthwisePlane(x + plane * g.H * g.W, w + c * g.kh * g.kw, g, zeroPoint, acc);
      detail::TileOutput planeOut = out;
      planeOut.data = static_cast<char *>(out.data) + plane * outBytes;
      planeOut.requantBase = c;
      const int64_t biasTerm = bias ? bias[c] : 0;
      detail::finishTile(acc, P, 1, P, &biasTerm, nullptr, 0, 0, planeOut);
    }
  });
}

} // namespace

Tensor qconv(const Tensor &x, const Tensor &weight, const std::optional<Tensor> &bias,
             ConvAttrs attrs, const QDenseParams &params, ThreadPool *pool) {
  detail::checkQuantized(x, params.input, "qconv: input");
  if (weight.valid() && weight.rank() != 3 && weight.rank() != 4)
    throw Error("qconv: weight must be [M, C/group, k...], got " + shapeToString(weight.shape()));
  return qconv(x, QPackedWeights::pack(weight, x.dtype(), attrs.group), bias, std::move(attrs),
               params, pool);
}

Tensor qconv(const Tensor &x, const QPackedWeights &weight, const std::optional<Tensor> &bias,
             ConvAttrs attrs, const QDenseParams &params, ThreadPool *pool) {
  if (!weight.valid() || (weight.shape().size() != 3 && weight.shape().size() != 4))
    throw Error("qconv: the packed weights are not convolution weights [M, C/group, k...]");
  const detail::QPackedWeightsData &w = weight.data();
  const int32_t *biasData = detail::checkDenseCall("qconv", x, w, bias, params);
  if (x.rank() != static_cast<int64_t>(w.shape.size()))
    throw Error("qconv: supports 1-d and 2-d convolution with x and w of the same rank; got x " +
                shapeToString(x.shape()) + ", w " + shapeToString(w.shape));
  const int64_t N = x.dim(0), C = x.dim(1), M = w.outputs, group = w.group;
  if (attrs.group != group || C % group != 0 || w.shape[1] != C / group)
    throw Error("qconv: group=" + std::to_string(attrs.group) + " does not fit x " +
                shapeToString(x.shape()) + " and weights " + shapeToString(w.shape) +
                " packed for group=" + std::to_string(group));
  const Window g = resolve(x, w.shape, attrs);
  Shape outShape{N, M};
  for (size_t i = 2; i < x.shape().size(); ++i)
    outShape.push_back(x.rank() == 3 ? g.ow : (i == 2 ? g.oh : g.ow));
  Tensor y = Tensor::uninitialized(params.output.storage, outShape);
  const int64_t P = g.oh * g.ow;
  if (y.numel() == 0)
    return y;
  const detail::RequantTable table(params.requant);
  detail::TileOutput out = detail::requantOutput(params.output, y.raw(), P, table, false);
  const int32_t zx = params.input.zeroPoint;
  const int8_t *weights = static_cast<const int8_t *>(w.storage.get());

  if (w.depthwise) {
    if (x.dtype() == DType::I8)
      depthwise<int8_t, uint32_t>(x.data<int8_t>(), weights, biasData, g, N, C, zx, out, pool);
    else
      depthwise<int16_t, int64_t>(x.data<int16_t>(), weights, biasData, g, N, C, zx, out, pool);
    return y;
  }

  const int64_t Cg = C / group, Mg = M / group, K = w.depth;
  const qgemm::KernelSet &kernels = qgemm::kernelSet(w.isa);
  const DType rowType = qgemm::rowType(w.kind);
  const int64_t rowBytes = w.rowStride * static_cast<int64_t>(dtypeSize(rowType));
  const int64_t outBytes = static_cast<int64_t>(dtypeSize(y.dtype()));
  qgemm::forEachBlock(
      N * group, Mg, P, K, kernels, /*splitColumns=*/true, pool,
      [&](int64_t product, int64_t m0, int64_t m1, int64_t n0, int64_t n1) {
        const int64_t n = product / group, gi = product % group;
        const int64_t words = qgemm::panelWords(w.kind, kernels.nr, K, n1 - n0);
        void *panels = panelScratch.get<uint32_t>(words);
        std::memset(panels, 0, static_cast<size_t>(words) * 4);
        const int64_t imageOffset = (n * C + gi * Cg) * g.H * g.W;
        if (w.kind == qgemm::Kind::Bytes)
          im2colPanels(x.data<int8_t>() + imageOffset, g, K, n0, n1 - n0, kernels.nr, zx,
                       static_cast<uint8_t *>(panels));
        else if (x.dtype() == DType::I8)
          im2colPanels(x.data<int8_t>() + imageOffset, g, K, n0, n1 - n0, kernels.nr, zx,
                       static_cast<int16_t *>(panels));
        else
          im2colPanels(x.data<int16_t>() + imageOffset, g, K, n0, n1 - n0, kernels.nr, zx,
                       static_cast<int16_t *>(panels));
        qgemm::Product p;
        p.kernels = &kernels;
        p.kind = w.kind;
        p.exact = x.dtype() == DType::I16;
        p.K = K;
        p.a = qgemm::MatrixView{static_cast<const char *>(w.storage.get()) + gi * Mg * rowBytes,
                                rowType, w.rowStride, 1};
        p.aRowSums = w.sums.data() + gi * Mg;
        p.b = qgemm::Panels{panels, nullptr, n0};
        p.bZero = zx;
        p.bias = biasData ? biasData + gi * Mg : nullptr;
        p.biasPerColumn = false;
        p.out = out;
        p.out.data = static_cast<char *>(y.raw()) + (n * M + gi * Mg) * P * outBytes;
        p.out.requantBase = gi * Mg;
        qgemm::multiplyBlock(p, m0, m1, n0, n1);
      });
  return y;
}

} // namespace vitc::rt
