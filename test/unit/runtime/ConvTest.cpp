//===- ConvTest.cpp - Conv against a direct loop; window resolution -------===//
//
// Conv results are compared with a direct convolution in double. Tolerance:
// the recursive-summation bound (T + 4) * 2^-24 * S, with T the number of
// terms per output (C/group * kernel taps, plus the bias) and S the sum of
// their magnitudes.
//
//===----------------------------------------------------------------------===//
#include "vitc/rt/kernels/Conv.h"
#include "vitc/rt/kernels/Gemm.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <random>

using namespace vitc::rt;

namespace {

Tensor randomTensor(Shape shape, unsigned seed) {
  Tensor t(DType::F32, shape);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  float *data = t.data<float>();
  for (int64_t i = 0; i < t.numel(); ++i)
    data[i] = dist(rng);
  return t;
}

/// 2-d window with explicit begin pads; a 1-d conv uses h = 1 everywhere.
struct Window2d {
  int64_t strideH = 1, strideW = 1, dilH = 1, dilW = 1, padTop = 0, padLeft = 0;
};

/// Checks y (shape [N, M, OH, OW] or [N, M, OW]) against a direct loop.
void checkConv(const Tensor &x, const Tensor &w, const std::optional<Tensor> &b, int64_t group,
               const Window2d &win, const Tensor &y) {
  const bool is1d = x.rank() == 3;
  const int64_t N = x.dim(0), C = x.dim(1), H = is1d ? 1 : x.dim(2), W = x.dim(-1);
  const int64_t M = w.dim(0), Cg = C / group, Mg = M / group;
  const int64_t KH = is1d ? 1 : w.dim(2), KW = w.dim(-1);
  const int64_t OH = is1d ? 1 : y.dim(2), OW = y.dim(-1);
  REQUIRE(y.dim(0) == N);
  REQUIRE(y.dim(1) == M);
  const float *xd = x.data<float>(), *wd = w.data<float>(), *yd = y.data<float>();
  int64_t bad = 0;
  for (int64_t n = 0; n < N; ++n)
    for (int64_t m = 0; m < M; ++m)
      for (int64_t oh = 0; oh < OH; ++oh)
        for (int64_t ow = 0; ow < OW; ++ow) {
          double sum = b ? b->data<float>()[m] : 0.0, magnitude = std::fabs(sum);
          int64_t g = m / Mg;
          for (int64_t c = 0; c < Cg; ++c)
            for (int64_t kh = 0; kh < KH; ++kh)
              for (int64_t kw = 0; kw < KW; ++kw) {
                int64_t ih = oh * win.strideH - win.padTop + kh * win.dilH;
                int64_t iw = ow * win.strideW - win.padLeft + kw * win.dilW;
                if (ih < 0 || ih >= H || iw < 0 || iw >= W)
                  continue;
                double term = double(wd[((m * Cg + c) * KH + kh) * KW + kw]) *
                              xd[((n * C + g * Cg + c) * H + ih) * W + iw];
                sum += term;
                magnitude += std::fabs(term);
              }
          double tol = (Cg * KH * KW + 5) * std::ldexp(1.0, -24) * magnitude;
          float got = yd[((n * M + m) * OH + oh) * OW + ow];
          if (!(std::fabs(got - sum) <= tol) && bad++ < 3)
            UNSCOPED_INFO("y[" << n << "," << m << "," << oh << "," << ow << "] = " << got
                               << ", want " << sum);
        }
  CHECK(bad == 0);
}

struct ConvCase {
  const char *name;
  Shape x, w;
  int64_t group;
  std::vector<int64_t> strides, dilations, pads;
  AutoPad autoPad;
  Shape y;         ///< expected output shape
  Window2d window; ///< the resolved window, written out by hand
  bool bias;
};

} // namespace

TEST_CASE("conv matches a direct convolution", "[runtime][conv]") {
  // clang-format off
  const ConvCase cases[] = {
      {"3x3 pad 1", {2, 5, 9, 11}, {6, 5, 3, 3}, 1, {}, {}, {1, 1, 1, 1}, AutoPad::NotSet,
       {2, 6, 9, 11}, {1, 1, 1, 1, 1, 1}, true},
      {"3x3 stride 2, asymmetric pads", {1, 4, 10, 9}, {8, 4, 3, 3}, 1, {2, 2}, {},
       {0, 1, 2, 0}, AutoPad::NotSet, {1, 8, 5, 4}, {2, 2, 1, 1, 0, 1}, false},
      {"dilation 2, groups 2", {1, 6, 12, 12}, {4, 3, 3, 3}, 2, {}, {2, 2}, {2, 2, 2, 2},
       AutoPad::NotSet, {1, 4, 12, 12}, {1, 1, 2, 2, 2, 2}, true},
      {"groups 4, 5x3 kernel, strides 2x1", {1, 8, 11, 7}, {12, 2, 5, 3}, 4, {2, 1}, {},
       {1, 0, 2, 1}, AutoPad::NotSet, {1, 12, 5, 6}, {2, 1, 1, 1, 1, 0}, true},
      {"patch embedding 16x16 stride 16", {1, 3, 64, 48}, {32, 3, 16, 16}, 1, {16, 16}, {},
       {}, AutoPad::NotSet, {1, 32, 4, 3}, {16, 16, 1, 1, 0, 0}, true},
      {"pointwise", {2, 16, 7, 5}, {24, 16, 1, 1}, 1, {}, {}, {}, AutoPad::NotSet,
       {2, 24, 7, 5}, {}, true},
      {"grouped pointwise, batch 2", {2, 8, 5, 6}, {12, 2, 1, 1}, 4, {}, {}, {},
       AutoPad::NotSet, {2, 12, 5, 6}, {}, false},
      {"SAME_UPPER stride 2 (even input)", {1, 3, 8, 6}, {4, 3, 3, 3}, 1, {2, 2}, {}, {},
       AutoPad::SameUpper, {1, 4, 4, 3}, {2, 2, 1, 1, 0, 0}, true},
      {"SAME_LOWER stride 2 (even input)", {1, 3, 8, 6}, {4, 3, 3, 3}, 1, {2, 2}, {}, {},
       AutoPad::SameLower, {1, 4, 4, 3}, {2, 2, 1, 1, 1, 1}, true},
      {"SAME_UPPER 4x4 stride 1", {1, 2, 7, 7}, {3, 2, 4, 4}, 1, {}, {}, {},
       AutoPad::SameUpper, {1, 3, 7, 7}, {1, 1, 1, 1, 1, 1}, false},
      {"SAME_LOWER 4x4 stride 1", {1, 2, 7, 7}, {3, 2, 4, 4}, 1, {}, {}, {},
       AutoPad::SameLower, {1, 3, 7, 7}, {1, 1, 1, 1, 2, 2}, false},
      {"VALID stride 2", {1, 3, 9, 8}, {5, 3, 3, 2}, 1, {2, 3}, {}, {7, 7, 7, 7},
       AutoPad::Valid, {1, 5, 4, 3}, {2, 3, 1, 1, 0, 0}, true},
      {"1-d pads, dilation, stride", {2, 4, 20}, {6, 4, 3}, 1, {2}, {3}, {2, 1},
       AutoPad::NotSet, {2, 6, 9}, {1, 2, 1, 3, 0, 2}, true},
      {"1-d groups SAME_UPPER", {1, 6, 9}, {6, 2, 4}, 3, {2}, {}, {}, AutoPad::SameUpper,
       {1, 6, 5}, {1, 2, 1, 1, 0, 1}, true},
      {"depthwise 3x3", {2, 8, 14, 14}, {8, 1, 3, 3}, 8, {}, {}, {1, 1, 1, 1},
       AutoPad::NotSet, {2, 8, 14, 14}, {1, 1, 1, 1, 1, 1}, true},
      {"depthwise 3x3 stride 2", {1, 8, 15, 14}, {8, 1, 3, 3}, 8, {2, 2}, {}, {1, 1, 1, 1},
       AutoPad::NotSet, {1, 8, 8, 7}, {2, 2, 1, 1, 1, 1}, false},
      {"depthwise 5x5 stride 1", {1, 6, 13, 40}, {6, 1, 5, 5}, 6, {}, {}, {2, 2, 2, 2},
       AutoPad::NotSet, {1, 6, 13, 40}, {1, 1, 1, 1, 2, 2}, true},
      {"depthwise 5x5 stride 2 SAME_UPPER", {1, 4, 12, 11}, {4, 1, 5, 5}, 4, {2, 2}, {}, {},
       AutoPad::SameUpper, {1, 4, 6, 6}, {2, 2, 1, 1, 1, 2}, true},
      {"depthwise dilated, asymmetric", {1, 3, 10, 10}, {3, 1, 3, 3}, 3, {}, {2, 2},
       {0, 3, 1, 0}, AutoPad::NotSet, {1, 3, 7, 9}, {1, 1, 2, 2, 0, 3}, true},
      {"depthwise 1-d", {1, 5, 30}, {5, 1, 7}, 5, {}, {}, {3, 3}, AutoPad::NotSet,
       {1, 5, 30}, {1, 1, 1, 1, 0, 3}, true},
  };
  // clang-format on
  ThreadPool pool(2);
  for (const ConvCase &c : cases) {
    INFO(c.name);
    Tensor x = randomTensor(c.x, 1), w = randomTensor(c.w, 2);
    std::optional<Tensor> b;
    if (c.bias)
      b = randomTensor({c.w[0]}, 3);
    ConvAttrs attrs;
    attrs.group = c.group;
    attrs.window.strides = c.strides;
    attrs.window.dilations = c.dilations;
    attrs.window.pads = c.pads;
    attrs.window.autoPad = c.autoPad;
    Tensor y = conv(x, w, b, attrs, &pool);
    REQUIRE(y.shape() == c.y);
    checkConv(x, w, b, c.group, c.window, y);
    Tensor serial = conv(x, w, b, attrs, nullptr);
    CHECK(std::memcmp(serial.raw(), y.raw(), y.byteSize()) == 0);
  }
}

TEST_CASE("conv runs the DeiT patch embedding", "[runtime][conv]") {
  Tensor x = randomTensor({1, 3, 224, 224}, 4), w = randomTensor({192, 3, 16, 16}, 5);
  Tensor b = randomTensor({192}, 6);
  ConvAttrs attrs;
  attrs.window.strides = {16, 16};
  ThreadPool pool(2);
  Tensor y = conv(x, w, b, attrs, &pool);
  REQUIRE(y.shape() == Shape{1, 192, 14, 14});
  checkConv(x, w, b, 1, Window2d{16, 16, 1, 1, 0, 0}, y);
}

TEST_CASE("depthwise conv gives the same bits on every instruction set", "[runtime][conv]") {
  GemmIsa saved = gemmIsa();
  Tensor x = randomTensor({1, 16, 28, 28}, 7), w = randomTensor({16, 1, 3, 3}, 8);
  Tensor b = randomTensor({16}, 9);
  for (int64_t stride : {1, 2}) {
    ConvAttrs attrs;
    attrs.group = 16;
    attrs.window.strides = {stride, stride};
    attrs.window.pads = {1, 1, 1, 1};
    setGemmIsa(GemmIsa::Portable);
    Tensor reference = conv(x, w, b, attrs, nullptr);
    for (GemmIsa isa : {GemmIsa::Avx2, GemmIsa::Avx512}) {
      if (!gemmIsaSupported(isa))
        continue;
      setGemmIsa(isa);
      Tensor y = conv(x, w, b, attrs, nullptr);
      CHECK(std::memcmp(reference.raw(), y.raw(), y.byteSize()) == 0);
    }
  }
  setGemmIsa(saved);
}

TEST_CASE("resolveWindow follows the ONNX output-size and auto_pad rules", "[runtime][conv]") {
  WindowAttrs same;
  same.kernelShape = {3, 3};
  same.strides = {2, 2};
  same.autoPad = AutoPad::SameUpper;
  CHECK(resolveWindow(same, {7, 6}) == std::vector<int64_t>{4, 3});
  CHECK(same.pads == std::vector<int64_t>{1, 0, 1, 1}); // totals 2 and 1, extra at the end
  same.autoPad = AutoPad::SameLower;
  CHECK(resolveWindow(same, {7, 6}) == std::vector<int64_t>{4, 3});
  CHECK(same.pads == std::vector<int64_t>{1, 1, 1, 0});
  CHECK(same.dilations == std::vector<int64_t>{1, 1});

  WindowAttrs valid;
  valid.kernelShape = {3};
  valid.strides = {2};
  valid.pads = {5, 5};
  valid.autoPad = AutoPad::Valid;
  CHECK(resolveWindow(valid, {7}) == std::vector<int64_t>{3});
  CHECK(valid.pads == std::vector<int64_t>{0, 0});

  // ceil_mode: the last window may start in the input or the begin pad,
  // never in the end pad.
  WindowAttrs pool;
  pool.kernelShape = {3};
  pool.strides = {2};
  pool.pads = {1, 1};
  CHECK(resolveWindow(pool, {6}, false) == std::vector<int64_t>{3});
  CHECK(resolveWindow(pool, {6}, true) == std::vector<int64_t>{4});
  WindowAttrs clipped;
  clipped.kernelShape = {2};
  clipped.strides = {3};
  clipped.pads = {0, 2};
  CHECK(resolveWindow(clipped, {7}, true) == std::vector<int64_t>{3});

  WindowAttrs defaults;
  defaults.kernelShape = {2, 2};
  CHECK(resolveWindow(defaults, {5, 4}) == std::vector<int64_t>{4, 3});
  CHECK(defaults.strides == std::vector<int64_t>{1, 1});
  CHECK(defaults.pads == std::vector<int64_t>{0, 0, 0, 0});
}

TEST_CASE("window and conv reject bad attributes and shapes", "[runtime][conv]") {
  CHECK(parseAutoPad("SAME_LOWER") == AutoPad::SameLower);
  CHECK(parseAutoPad("NOTSET") == AutoPad::NotSet);
  CHECK_THROWS_AS(parseAutoPad("SAME"), Error);
  WindowAttrs big;
  big.kernelShape = {5};
  CHECK_THROWS_WITH(resolveWindow(big, {3}), Catch::Contains("exceeds"));
  WindowAttrs badPads;
  badPads.kernelShape = {1, 1};
  badPads.pads = {0, 0};
  CHECK_THROWS_AS(resolveWindow(badPads, {3, 3}), Error);
  WindowAttrs zeroStride;
  zeroStride.kernelShape = {1};
  zeroStride.strides = {0};
  CHECK_THROWS_AS(resolveWindow(zeroStride, {3}), Error);

  Tensor x = randomTensor({1, 4, 5, 5}, 1);
  ConvAttrs attrs;
  CHECK_THROWS_WITH(conv(x, randomTensor({2, 3, 3, 3}, 2), std::nullopt, attrs, nullptr),
                    Catch::Contains("group"));
  attrs.group = 3;
  CHECK_THROWS_AS(conv(x, randomTensor({3, 1, 3, 3}, 2), std::nullopt, attrs, nullptr), Error);
  attrs.group = 1;
  CHECK_THROWS_WITH(conv(x, randomTensor({2, 4, 3, 3}, 2), randomTensor({3}, 3), attrs, nullptr),
                    Catch::Contains("bias"));
  attrs.window.kernelShape = {2, 2};
  CHECK_THROWS_WITH(conv(x, randomTensor({2, 4, 3, 3}, 2), std::nullopt, attrs, nullptr),
                    Catch::Contains("kernel_shape"));
  CHECK_THROWS_AS(conv(randomTensor({1, 1, 2, 2, 2}, 4), randomTensor({1, 1, 1, 1, 1}, 5),
                       std::nullopt, ConvAttrs{}, nullptr),
                  Error);
}
