//===- QuantizedConvTest.cpp - qconv --------------------------------------===//
//
// qconv against a direct convolution written from docs/quantization.md:
// acc[m] = q_b[m] + sum over the taps inside the input of (x - z_x) w
// (a tap in the padding reads z_x and adds 0), then the per-channel
// requantisation. Bit for bit, on every GEMM instruction set and on 1, 2
// and 3 threads: groups, depthwise, strides, dilations, asymmetric padding,
// 1-d, INT16 inputs, patch embedding.
//
//===----------------------------------------------------------------------===//
#include "QuantizedTestSupport.h"

using namespace vitc::rt;
using namespace vitc::rt::testing;

namespace {

struct ConvCase {
  Tensor x, weight;
  std::optional<Tensor> bias;
  ConvAttrs attrs;
  QDenseParams params;
};

Tensor referenceConv(const ConvCase &c) {
  const bool is1d = c.x.rank() == 3;
  const int64_t N = c.x.dim(0), C = c.x.dim(1), H = is1d ? 1 : c.x.dim(2), W = c.x.dim(-1);
  const int64_t M = c.weight.dim(0), Cg = c.weight.dim(1), group = c.attrs.group, Mg = M / group;
  const int64_t KH = is1d ? 1 : c.weight.dim(2), KW = c.weight.dim(-1);
  const WindowAttrs &w = c.attrs.window;
  auto at = [&](const std::vector<int64_t> &v, size_t i2d, size_t i1d, int64_t fallback) {
    if (v.empty())
      return fallback;
    return is1d ? (i2d % 2 == 0 ? fallback : v[i1d]) : v[i2d]; // 1-d: no height
  };
  const int64_t sh = at(w.strides, 0, 0, 1), sw = at(w.strides, 1, 0, 1);
  const int64_t dh = at(w.dilations, 0, 0, 1), dw = at(w.dilations, 1, 0, 1);
  const int64_t top = at(w.pads, 0, 0, 0), left = at(w.pads, 1, 0, 0);
  const int64_t bottom = at(w.pads, 2, 1, 0), right = at(w.pads, 3, 1, 0);
  const int64_t OH = (H + top + bottom - (KH - 1) * dh - 1) / sh + 1;
  const int64_t OW = (W + left + right - (KW - 1) * dw - 1) / sw + 1;
  Shape shape = is1d ? Shape{N, M, OW} : Shape{N, M, OH, OW};
  Tensor y(c.params.output.storage, shape);
  const int32_t zx = c.params.input.zeroPoint;
  for (int64_t n = 0; n < N; ++n)
    for (int64_t m = 0; m < M; ++m)
      for (int64_t oh = 0; oh < OH; ++oh)
        for (int64_t ow = 0; ow < OW; ++ow) {
          int64_t acc = c.bias ? c.bias->intAt(m) : 0;
          for (int64_t ci = 0; ci < Cg; ++ci)
            for (int64_t ky = 0; ky < KH; ++ky)
              for (int64_t kx = 0; kx < KW; ++kx) {
                const int64_t ih = oh * sh - top + ky * dh, iw = ow * sw - left + kx * dw;
                const int64_t channel = m / Mg * Cg + ci;
                const int64_t xv =
                    ih < 0 || ih >= H || iw < 0 || iw >= W
                        ? zx
                        : c.x.intAt(((n * C + channel) * H + ih) * W + iw);
                acc += (xv - zx) * c.weight.intAt(((m * Cg + ci) * KH + ky) * KW + kx);
              }
          const Requant r = c.params.requant[c.params.requant.size() == 1 ? 0 : m];
          const int32_t q = referenceOutput(acc, r, c.params.output);
          const int64_t index = ((n * M + m) * OH + oh) * OW + ow;
          if (y.dtype() == DType::I8)
            y.data<int8_t>()[index] = static_cast<int8_t>(q);
          else
            y.data<int16_t>()[index] = static_cast<int16_t>(q);
        }
  return y;
}

ConvCase makeCase(Shape xShape, Shape wShape, int64_t group, DType input, int32_t zx, double mLo,
                  double mHi, uint32_t seed) {
  ConvCase c;
  c.x = randomQuantized(xShape, input, seed);
  c.weight = randomInts(wShape, DType::I8, -127, 127, seed + 1);
  const int64_t perChannel = c.weight.numel() / wShape[0];
  for (int64_t k = 0; k < perChannel; ++k) // channel 1 is all zero
    c.weight.data<int8_t>()[perChannel + k] = 0;
  c.bias = randomInts({wShape[0]}, DType::I32, -30000, 30000, seed + 2);
  c.attrs.group = group;
  c.params.input = spec(input, zx);
  c.params.output = spec(input, input == DType::I8 ? -3 : 0);
  c.params.requant = requants(wShape[0], mLo, mHi, seed + 3);
  return c;
}

void checkConv(const ConvCase &c) {
  const Tensor want = referenceConv(c);
  checkEverywhere(want, [&](ThreadPool *pool) {
    return qconv(c.x, c.weight, c.bias, c.attrs, c.params, pool);
  });
  const QPackedWeights packed = QPackedWeights::pack(c.weight, c.x.dtype(), c.attrs.group);
  checkSame(qconv(c.x, packed, c.bias, c.attrs, c.params, nullptr), want);
}

} // namespace

TEST_CASE("qconv INT8 matches the definition", "[runtime][quantized]") {
  SECTION("3x3, padding 1, negative zero point") {
    ConvCase c = makeCase({2, 5, 9, 11}, {6, 5, 3, 3}, 1, DType::I8, -20, 2e-4, 2e-3, 1);
    c.attrs.window.pads = {1, 1, 1, 1};
    checkConv(c);
  }
  SECTION("stride 2, dilation 2, asymmetric padding, positive zero point") {
    ConvCase c = makeCase({1, 4, 13, 10}, {7, 4, 3, 2}, 1, DType::I8, 40, 2e-4, 2e-3, 2);
    c.attrs.window.strides = {2, 1};
    c.attrs.window.dilations = {2, 2};
    c.attrs.window.pads = {2, 0, 1, 3};
    checkConv(c);
  }
  SECTION("groups") {
    ConvCase c = makeCase({2, 6, 7, 7}, {9, 2, 3, 3}, 3, DType::I8, 5, 5e-4, 5e-3, 3);
    c.attrs.window.pads = {1, 0, 1, 2};
    checkConv(c);
  }
  SECTION("depthwise, stride 2, padding") {
    ConvCase c = makeCase({2, 8, 9, 9}, {8, 1, 3, 3}, 8, DType::I8, -7, 2e-3, 2e-2, 4);
    c.attrs.window.strides = {2, 2};
    c.attrs.window.pads = {1, 1, 1, 1};
    checkConv(c);
  }
  SECTION("patch embedding: 16x16 stride 16") {
    ConvCase c = makeCase({1, 3, 64, 48}, {24, 3, 16, 16}, 1, DType::I8, 9, 5e-5, 5e-4, 5);
    c.attrs.window.strides = {16, 16};
    checkConv(c);
  }
  SECTION("1-d with padding") {
    ConvCase c = makeCase({3, 4, 20}, {5, 4, 3}, 1, DType::I8, -1, 1e-3, 1e-2, 6);
    c.attrs.window.pads = {2, 1};
    checkConv(c);
  }
  SECTION("1x1 with many output channels") {
    checkConv(makeCase({1, 32, 6, 6}, {40, 32, 1, 1}, 1, DType::I8, 3, 2e-4, 2e-3, 7));
  }
}

TEST_CASE("qconv INT16 matches the definition", "[runtime][quantized]") {
  SECTION("3x3 with padding, deep enough for two 256-blocks") {
    ConvCase c = makeCase({1, 33, 6, 5}, {5, 33, 3, 3}, 1, DType::I16, 0, 1e-4, 1e-3, 11);
    c.attrs.window.pads = {1, 1, 1, 1};
    checkConv(c);
  }
  SECTION("depthwise with a zero point") {
    ConvCase c = makeCase({1, 4, 6, 6}, {4, 1, 3, 3}, 4, DType::I16, 100, 1e-3, 1e-2, 12);
    c.attrs.window.pads = {1, 1, 1, 1};
    checkConv(c);
  }
}

TEST_CASE("qconv rejects mismatched operands", "[runtime][quantized]") {
  ConvCase c = makeCase({1, 4, 5, 5}, {2, 4, 3, 3}, 1, DType::I8, 0, 0.01, 0.02, 21);
  auto run = [&](const ConvCase &v) {
    return qconv(v.x, v.weight, v.bias, v.attrs, v.params, nullptr);
  };
  ConvCase wrongGroup = c;
  wrongGroup.attrs.group = 3;
  CHECK_THROWS_WITH(run(wrongGroup), Catch::Contains("group=3 does not fit"));
  ConvCase wrongChannels = c;
  wrongChannels.weight = randomInts({2, 3, 3, 3}, DType::I8, -1, 1, 1);
  CHECK_THROWS_WITH(run(wrongChannels), Catch::Contains("does not fit x 1x4x5x5"));
  ConvCase tooLarge = c;
  tooLarge.attrs.window.kernelShape = {5, 5};
  CHECK_THROWS_WITH(run(tooLarge), Catch::Contains("differs from the weight's"));
  ConvCase wrongRank = c;
  wrongRank.x = randomInts({1, 4, 5}, DType::I8, -1, 1, 1);
  CHECK_THROWS_WITH(run(wrongRank), Catch::Contains("same rank"));
}
