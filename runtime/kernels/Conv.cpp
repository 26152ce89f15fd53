//===- Conv.cpp - ONNX Conv: im2col + sgemm, direct depthwise -------------===//
//
// For every image and group, Y_g[M/g, OH*OW] = W_g[M/g, C/g*KH*KW] x
// col[C/g*KH*KW, OH*OW], with Y already holding the bias (sgemm beta = 1).
// A 1x1 convolution with unit stride and no padding uses X itself as col.
// All groups of an image go to the pool as one batch of products.
// Depthwise convolutions (group == C == M) skip the GEMM: each channel is a
// direct 2-d filter, compiled for AVX-512, AVX2 and baseline x86-64 and
// picked with the GEMM's instruction set (the three agree bit for bit: each
// output is bias + w*x + w*x + ... in tap order, with no fused multiply-add).
// 1-d convolutions run as 2-d ones with a height of 1.
//
//===----------------------------------------------------------------------===//
#include "vitc/rt/kernels/Conv.h"
#include "GemmDriver.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

namespace vitc::rt {
namespace {

/// A 2-d convolution window, resolved (1-d convolutions have kh = 1).
struct ConvGeometry {
  int64_t kh, kw, sh, sw, dh, dw, padTop, padLeft, oh, ow;
  /// Output columns [lo, hi) whose input column for tap kw is inside [0, W).
  std::pair<int64_t, int64_t> validColumns(int64_t kwIndex, int64_t W) const {
    int64_t offset = kwIndex * dw - padLeft;
    int64_t lo = std::min(ow, std::max<int64_t>(0, (-offset + sw - 1) / sw));
    int64_t hi = std::max(lo, std::min(ow, (W - offset + sw - 1) / sw));
    return {lo, hi};
  }
};

std::string listToString(const std::vector<int64_t> &values) {
  std::string text = "[";
  for (size_t i = 0; i < values.size(); ++i)
    text += (i ? ", " : "") + std::to_string(values[i]);
  return text + "]";
}

/// Fills `values` with `fill` when empty; otherwise requires `size` entries
/// that are all >= `minimum`.
void defaultAndCheck(std::vector<int64_t> &values, size_t size, int64_t fill, int64_t minimum,
                     const char *name) {
  if (values.empty())
    values.assign(size, fill);
  if (values.size() != size)
    throw Error(std::string("window attribute ") + name + "=" + listToString(values) + " needs " +
                std::to_string(size) + " values");
  for (int64_t v : values)
    if (v < minimum)
      throw Error(std::string("window attribute ") + name + "=" + listToString(values) +
                  " has a value below " + std::to_string(minimum));
}

/// Copies rows [rowBegin, rowEnd) of the im2col matrix of one image:
/// row (c, kh, kw) holds x[c][oh*sh - padTop + kh*dh][ow*sw - padLeft + kw*dw]
/// over all (oh, ow), zero outside the image.
void im2colRows(const float *x, int64_t H, int64_t W, const ConvGeometry &g, int64_t rowBegin,
                int64_t rowEnd, float *col) {
  const int64_t taps = g.kh * g.kw, P = g.oh * g.ow;
  for (int64_t row = rowBegin; row < rowEnd; ++row) {
    int64_t c = row / taps, kh = row % taps / g.kw, kw = row % g.kw;
    auto [owLo, owHi] = g.validColumns(kw, W);
    int64_t offset = kw * g.dw - g.padLeft;
    float *out = col + row * P;
    for (int64_t oh = 0; oh < g.oh; ++oh, out += g.ow) {
      int64_t ih = oh * g.sh - g.padTop + kh * g.dh;
      if (ih < 0 || ih >= H) {
        std::fill(out, out + g.ow, 0.0f);
        continue;
      }
      const float *in = x + (c * H + ih) * W;
      std::fill(out, out + owLo, 0.0f);
      if (g.sw == 1 && owHi > owLo)
        std::memcpy(out + owLo, in + owLo + offset, sizeof(float) * (owHi - owLo));
      else
        for (int64_t ow = owLo; ow < owHi; ++ow)
          out[ow] = in[ow * g.sw + offset];
      std::fill(out + owHi, out + g.ow, 0.0f);
    }
  }
}

/// One channel of a depthwise convolution: out = bias + sum over taps in
/// (kh, kw) order of w[kh][kw] * x[ih][iw], taps outside the image skipped.
__attribute__((always_inline)) inline void depthwisePlane(const float *x, int64_t H, int64_t W,
                                                          const float *w, float bias,
                                                          const ConvGeometry &g, float *out) {
  for (int64_t oh = 0; oh < g.oh; ++oh) {
    float *outRow = out + oh * g.ow;
    for (int64_t ow = 0; ow < g.ow; ++ow)
      outRow[ow] = bias;
    for (int64_t kh = 0; kh < g.kh; ++kh) {
      int64_t ih = oh * g.sh - g.padTop + kh * g.dh;
      if (ih < 0 || ih >= H)
        continue;
      const float *inRow = x + ih * W;
      for (int64_t kw = 0; kw < g.kw; ++kw) {
        const float weight = w[kh * g.kw + kw];
        const int64_t offset = kw * g.dw - g.padLeft;
        auto [owLo, owHi] = g.validColumns(kw, W);
        if (g.sw == 1) {
          const float *src = inRow + offset + owLo;
          float *dst = outRow + owLo;
          for (int64_t i = 0; i < owHi - owLo; ++i)
            dst[i] += weight * src[i];
        } else {
          for (int64_t ow = owLo; ow < owHi; ++ow)
            outRow[ow] += weight * inRow[ow * g.sw + offset];
        }
      }
    }
  }
}

using DepthwisePlaneFn = void (*)(const float *, int64_t, int64_t, const float *, float,
                                  const ConvGeometry &, float *);
void depthwisePlanePortable(const float *x, int64_t H, int64_t W, const float *w, float bias,
                            const ConvGeometry &g, float *out) {
  depthwisePlane(x, H, W, w, bias, g, out);
}
#if defined(__x86_64__)
__attribute__((target("avx2"))) void depthwisePlaneAvx2(const float *x, int64_t H, int64_t W,
                                                        const float *w, float bias,
                                                        const ConvGeometry &g, float *out) {
  depthwisePlane(x, H, W, w, bias, g, out);
}
__attribute__((target("avx512f"))) void depthwisePlaneAvx512(const float *x, int64_t H, int64_t W,
                                                             const float *w, float bias,
                                                             const ConvGeometry &g, float *out) {
  depthwisePlane(x, H, W, w, bias, g, out);
}
#endif

DepthwisePlaneFn depthwiseForIsa(GemmIsa isa) {
#if defined(__x86_64__)
  if (isa == GemmIsa::Avx512)
    return depthwisePlaneAvx512;
  if (isa == GemmIsa::Avx2)
    return depthwisePlaneAvx2;
#endif
  return depthwisePlanePortable;
}

/// x: [N, C, H, W], w: [C, 1, kh, kw]; planes = N * C.
void depthwiseConv(const float *x, const float *w, const float *bias, int64_t N, int64_t C,
                   int64_t H, int64_t W, const ConvGeometry &g, float *y, ThreadPool *pool) {
  DepthwisePlaneFn plane = depthwiseForIsa(gemmIsa());
  const int64_t work = g.oh * g.ow * g.kh * g.kw;
  parallelFor(pool, N * C, std::max<int64_t>(1, 32768 / std::max<int64_t>(1, work)),
              [&](int64_t lo, int64_t hi) {
                for (int64_t p = lo; p < hi; ++p) {
                  int64_t c = p % C;
                  plane(x + p * H * W, H, W, w + c * g.kh * g.kw, bias ? bias[c] : 0.0f, g,
                        y + p * g.oh * g.ow);
                }
              });
}

} // namespace

AutoPad parseAutoPad(const std::string &text) {
  if (text.empty() || text == "NOTSET")
    return AutoPad::NotSet;
  if (text == "VALID")
    return AutoPad::Valid;
  if (text == "SAME_UPPER")
    return AutoPad::SameUpper;
  if (text == "SAME_LOWER")
    return AutoPad::SameLower;
  throw Error("auto_pad='" + text + "' is not one of NOTSET, VALID, SAME_UPPER, SAME_LOWER");
}

std::vector<int64_t> resolveWindow(WindowAttrs &attrs, const std::vector<int64_t> &spatialIn,
                                   bool ceilMode) {
  const size_t rank = spatialIn.size();
  if (attrs.kernelShape.size() != rank)
    throw Error("window: kernel_shape " + listToString(attrs.kernelShape) + " does not match " +
                std::to_string(rank) + " spatial dims");
  defaultAndCheck(attrs.kernelShape, rank, 1, 1, "kernel_shape");
  defaultAndCheck(attrs.strides, rank, 1, 1, "strides");
  defaultAndCheck(attrs.dilations, rank, 1, 1, "dilations");
  if (attrs.autoPad != AutoPad::NotSet)
    attrs.pads.assign(2 * rank, 0);
  defaultAndCheck(attrs.pads, 2 * rank, 0, 0, "pads");

  std::vector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t in = spatialIn[i], stride = attrs.strides[i];
    int64_t extent = (attrs.kernelShape[i] - 1) * attrs.dilations[i] + 1;
    if (attrs.autoPad == AutoPad::SameUpper || attrs.autoPad == AutoPad::SameLower) {
      out[i] = (in + stride - 1) / stride;
      int64_t total = std::max<int64_t>(0, (out[i] - 1) * stride + extent - in);
      int64_t small = total / 2, large = total - small;
      attrs.pads[i] = attrs.autoPad == AutoPad::SameUpper ? small : large;
      attrs.pads[i + rank] = attrs.autoPad == AutoPad::SameUpper ? large : small;
      continue;
    }
    int64_t span = in + attrs.pads[i] + attrs.pads[i + rank] - extent;
    if (span < 0)
      throw Error("window: kernel extent " + std::to_string(extent) + " exceeds padded input " +
                  std::to_string(in + attrs.pads[i] + attrs.pads[i + rank]) + " in spatial dim " +
                  std::to_string(i));
    out[i] = (ceilMode && attrs.autoPad == AutoPad::NotSet ? (span + stride - 1) / stride
                                                           : span / stride) +
             1;
    // A window may not start inside the end padding (ceil_mode only).
    if (ceilMode && (out[i] - 1) * stride >= in + attrs.pads[i])
      --out[i];
  }
  return out;
}

Tensor conv(const Tensor &x, const Tensor &w, const std::optional<Tensor> &b, ConvAttrs attrs,
            ThreadPool *pool) {
  for (const Tensor *t : {&x, &w})
    if (!t->valid() || t->dtype() != DType::F32)
      throw Error("Conv: inputs must be f32");
  if ((x.rank() != 3 && x.rank() != 4) || w.rank() != x.rank())
    throw Error("Conv: supports 1-d and 2-d convolution (x rank 3 or 4, w of the same rank); "
                "got x " +
                shapeToString(x.shape()) + ", w " + shapeToString(w.shape()));
  const int64_t N = x.dim(0), C = x.dim(1), M = w.dim(0), group = attrs.group;
  if (group < 1 || C % group != 0 || M % group != 0 || w.dim(1) != C / group)
    throw Error("Conv: group=" + std::to_string(group) + " does not fit x " +
                shapeToString(x.shape()) + " and w " + shapeToString(w.shape()));
  if (b && b->valid() && (b->dtype() != DType::F32 || b->shape() != Shape{M}))
    throw Error("Conv: bias must be f32 of shape [" + std::to_string(M) + "], got " +
                shapeToString(b->shape()));
  const bool is1d = x.rank() == 3;
  Shape weightKernel(w.shape().begin() + 2, w.shape().end());
  WindowAttrs &window = attrs.window;
  if (!window.kernelShape.empty() && window.kernelShape != weightKernel)
    throw Error("Conv: kernel_shape " + listToString(window.kernelShape) +
                " differs from the weight's " + listToString(weightKernel));
  window.kernelShape = weightKernel;
  Shape spatialIn(x.shape().begin() + 2, x.shape().end());
  std::vector<int64_t> spatialOut = resolveWindow(window, spatialIn);

  ConvGeometry g;
  const int64_t H = is1d ? 1 : x.dim(2), W = x.dim(-1);
  g.kh = is1d ? 1 : weightKernel[0];
  g.kw = weightKernel.back();
  g.sh = is1d ? 1 : window.strides[0];
  g.sw = window.strides.back();
  g.dh = is1d ? 1 : window.dilations[0];
  g.dw = window.dilations.back();
  g.padTop = is1d ? 0 : window.pads[0];
  g.padLeft = is1d ? window.pads[0] : window.pads[1];
  g.oh = is1d ? 1 : spatialOut[0];
  g.ow = spatialOut.back();

  Shape outShape{N, M};
  outShape.insert(outShape.end(), spatialOut.begin(), spatialOut.end());
  Tensor y = Tensor::uninitialized(DType::F32, outShape);
  const float *xData = x.data<float>(), *wData = w.data<float>();
  const float *bias = b && b->valid() ? b->data<float>() : nullptr;
  float *yData = y.data<float>();
  const int64_t P = g.oh * g.ow;
  if (N == 0 || M == 0 || P == 0)
    return y;

  if (group == C && M == C) {
    depthwiseConv(xData, wData, bias, N, C, H, W, g, yData, pool);
    return y;
  }

  // Per image: im2col of all groups (group gi owns rows [gi*Kg, (gi+1)*Kg)),
  // then one batch of `group` products.
  const int64_t Cg = C / group, Mg = M / group, Kg = Cg * g.kh * g.kw;
  if (bias)
    parallelFor(pool, N * M, std::max<int64_t>(1, 16384 / P), [&](int64_t lo, int64_t hi) {
      for (int64_t row = lo; row < hi; ++row)
        std::fill_n(yData + row * P, P, bias[row % M]);
    });
  const bool pointwise = g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.padTop == 0 &&
                         g.padLeft == 0 && g.oh == H && g.ow == W;
  // Every element is written by im2colRows, so the buffer is not zeroed.
  std::unique_ptr<float[]> col(pointwise ? nullptr : new float[group * Kg * P]);
  blas::GemmShape shape{false, false, Mg, P, Kg, 1.0f, bias ? 1.0f : 0.0f, nullptr};
  for (int64_t n = 0; n < N; ++n) {
    const float *xImage = xData + n * C * H * W;
    const float *cols = xImage;
    if (!pointwise) {
      parallelFor(pool, group * Kg, std::max<int64_t>(1, 16384 / P),
                  [&](int64_t lo, int64_t hi) { im2colRows(xImage, H, W, g, lo, hi, col.get()); });
      cols = col.get();
    }
    float *yImage = yData + n * M * P;
    blas::sgemmBatch(
        shape, group,
        [&](int64_t gi) {
          return blas::GemmOperands{wData + gi * Mg * Kg, Kg, cols + gi * Kg * P, P,
                                    yImage + gi * Mg * P, P};
        },
        pool);
  }
  return y;
}

} // namespace vitc::rt
