//===- QuantParamsTest.cpp - Scales and zero points (docs/quantization.md) ===//
//
// Expected values are computed by hand from the formulas; scales are compared
// exactly against the same double expression rounded to float.
//
//===----------------------------------------------------------------------===//
#include "vitc/calib/QuantParams.h"

#include "vitc/rt/Error.h"

#include <catch2/catch.hpp>

#include <cfloat>
#include <cmath>
#include <limits>

using namespace vitc::calib;

TEST_CASE("roundHalfAway rounds halves away from zero", "[calib][quant]") {
  CHECK(roundHalfAway(0.5) == 1.0);
  CHECK(roundHalfAway(-0.5) == -1.0);
  CHECK(roundHalfAway(1.5) == 2.0);
  CHECK(roundHalfAway(-1.5) == -2.0);
  CHECK(roundHalfAway(2.5) == 3.0);
  CHECK(roundHalfAway(-2.5) == -3.0);
  CHECK(roundHalfAway(2.4999999) == 2.0);
  CHECK(roundHalfAway(-2.4999999) == -2.0);
  CHECK(roundHalfAway(-0.4) == 0.0);
  CHECK(roundHalfAway(0.0) == 0.0);
}

TEST_CASE("INT8 asymmetric parameters from a range", "[calib][quant]") {
  // [-1, 3]: s = 4/255, z = -128 - rha(-1 / (4/255)) = -128 - rha(-63.75) = -64.
  const QuantParams p = int8Asymmetric(-1.0f, 3.0f);
  CHECK(p.scale == static_cast<float>(4.0 / 255.0));
  CHECK(p.zeroPoint == -64);
  CHECK(p.qmin == -128);
  CHECK(p.qmax == 127);
  CHECK(p.bits == 8);

  // [-0.5, 0.5]: a'/s = -127.5, rha -> -128, z = 0.
  CHECK(int8Asymmetric(-0.5f, 0.5f).zeroPoint == 0);
  // [-2, 0.5]: s = 2.5/255, a'/s = -204, z = 76.
  CHECK(int8Asymmetric(-2.0f, 0.5f).zeroPoint == 76);
  CHECK(int8Asymmetric(-2.0f, 0.5f) == activationParams(-2.0f, 0.5f, 8));
}

TEST_CASE("INT8 ranges are widened so that 0 is exact", "[calib][quant]") {
  // All positive: a' = 0, z = -128.
  const QuantParams positive = int8Asymmetric(2.0f, 5.0f);
  CHECK(positive.scale == static_cast<float>(5.0 / 255.0));
  CHECK(positive.zeroPoint == -128);
  // All negative: b' = 0, z = -128 - rha(-255) = 127.
  const QuantParams negative = int8Asymmetric(-5.0f, -2.0f);
  CHECK(negative.scale == static_cast<float>(5.0 / 255.0));
  CHECK(negative.zeroPoint == 127);
  // A constant range [3, 3] is widened to [0, 3].
  CHECK(int8Asymmetric(3.0f, 3.0f).scale == static_cast<float>(3.0 / 255.0));
  // Zero quantises to the zero point, which is in [qmin, qmax], and
  // dequantises to exactly 0 for every range.
  for (auto [lo, hi] : {std::pair{-1.0f, 3.0f}, {-0.37f, 11.2f}, {-7.9f, 0.01f}, {0.2f, 0.3f}}) {
    const QuantParams p = int8Asymmetric(lo, hi);
    INFO(lo << ", " << hi);
    CHECK(p.zeroPoint >= p.qmin);
    CHECK(p.zeroPoint <= p.qmax);
    CHECK(roundHalfAway(0.0f / p.scale) + p.zeroPoint == p.zeroPoint);
    // The range ends map inside the grid (within one step of qmin / qmax).
    CHECK(std::min(lo, 0.0f) / p.scale + p.zeroPoint >= p.qmin - 1.0);
    CHECK(std::max(hi, 0.0f) / p.scale + p.zeroPoint <= p.qmax + 1.0);
  }
}

TEST_CASE("degenerate and tiny ranges", "[calib][quant]") {
  CHECK(int8Asymmetric(0.0f, 0.0f) == QuantParams{1.0f, 0, -128, 127, 8});
  CHECK(int16Symmetric(0.0f, 0.0f).scale == 1.0f);
  // A scale that would be subnormal as float is raised to FLT_MIN.
  CHECK(int8Asymmetric(0.0f, 1e-40f).scale == FLT_MIN);
  CHECK(int16Symmetric(-1e-40f, 0.0f).scale == FLT_MIN);
}

TEST_CASE("INT16 symmetric parameters", "[calib][quant]") {
  const QuantParams p = int16Symmetric(-2.0f, 1.0f);
  CHECK(p.scale == static_cast<float>(2.0 / 32767.0));
  CHECK(p.zeroPoint == 0);
  CHECK(p.qmin == -32767);
  CHECK(p.qmax == 32767);
  CHECK(p.bits == 16);
  CHECK(int16Symmetric(0.5f, 3.0f).scale == static_cast<float>(3.0 / 32767.0));
  CHECK(activationParams(-2.0f, 1.0f, 16) == p);
}

TEST_CASE("invalid activation ranges and bit widths are refused", "[calib][quant]") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  CHECK_THROWS_AS(int8Asymmetric(nan, 1.0f), vitc::rt::Error);
  CHECK_THROWS_AS(int8Asymmetric(-inf, 1.0f), vitc::rt::Error);
  CHECK_THROWS_AS(int16Symmetric(0.0f, inf), vitc::rt::Error);
  CHECK_THROWS_WITH(int8Asymmetric(2.0f, 1.0f), Catch::Contains("min <= max"));
  CHECK_THROWS_WITH(activationParams(-1.0f, 1.0f, 4), Catch::Contains("bit width 4"));
}

TEST_CASE("per-channel weight scales, with an all-zero channel", "[calib][quant]") {
  const std::vector<float> w = {1.0f, -2.0f, 0.5f, 0.0f,     // max |w| = 2
                                0.0f, 0.0f,  0.0f, 0.0f,     // all zero
                                0.25f, -0.125f, 0.0f, 0.1f}; // max |w| = 0.25
  const std::vector<float> s8 = perChannelScales(w.data(), 3, 4);
  REQUIRE(s8.size() == 3);
  CHECK(s8[0] == static_cast<float>(2.0 / 127.0));
  CHECK(s8[1] == 1.0f);
  CHECK(s8[2] == static_cast<float>(0.25 / 127.0));
  const std::vector<float> s4 = perChannelScales(w.data(), 3, 4, 4);
  CHECK(s4[0] == static_cast<float>(2.0 / 7.0));
  CHECK(s4[1] == 1.0f);
  CHECK(s4[2] == static_cast<float>(0.25 / 7.0));
  const std::vector<int8_t> q = quantizeWeights(w.data(), 3, 4, s8);
  CHECK(std::vector<int8_t>(q.begin() + 4, q.begin() + 8) == std::vector<int8_t>(4, 0));
  CHECK(q[1] == -127);
  CHECK(q[8] == 127);
}

TEST_CASE("weight quantisation rounds half away and saturates", "[calib][quant]") {
  // max |w| = 127 gives scale 1 exactly, so w / s are the values themselves.
  const std::vector<float> w = {127.0f, -63.5f, 2.5f, -2.5f, 0.49f, -0.5f};
  const std::vector<float> scales = perChannelScales(w.data(), 1, 6);
  REQUIRE(scales[0] == 1.0f);
  CHECK(quantizeWeights(w.data(), 1, 6, scales) == std::vector<int8_t>{127, -64, 3, -3, 0, -1});
  // A scale smaller than max|w| / 127 saturates at +-127 (never -128).
  const std::vector<float> big = {300.0f, -300.0f, 126.6f};
  CHECK(quantizeWeights(big.data(), 1, 3, {1.0f}) == std::vector<int8_t>{127, -127, 127});

  // INT4: max |w| = 7 gives scale 1; q in [-7, 7].
  const std::vector<float> w4 = {7.0f, -3.5f, 2.5f, 0.5f, -100.0f, 100.0f};
  CHECK(quantizeWeights(w4.data(), 1, 6, {1.0f}, 4) == std::vector<int8_t>{7, -4, 3, 1, -7, 7});
  CHECK_THROWS_WITH(perChannelScales(w4.data(), 1, 6, 3), Catch::Contains("bit width 3"));
  CHECK_THROWS_AS(quantizeWeights(w4.data(), 2, 3, {1.0f}), vitc::rt::Error);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> bad = {1.0f, nan};
  CHECK_THROWS_WITH(perChannelScales(bad.data(), 2, 1), Catch::Contains("channel 1"));
}

TEST_CASE("bias quantisation at s_x * s_w, saturated to int32", "[calib][quant]") {
  // Scales 0.5 * 0.25 = 0.125 and 0.5 * 1 = 0.5.
  const std::vector<float> bias = {1.0f, -0.25f};
  CHECK(quantizeBias(bias.data(), 2, 0.5f, {0.25f, 1.0f}) == std::vector<int32_t>{8, -1});
  const std::vector<float> half = {0.0625f, -0.0625f}; // +-0.5 steps of 0.125
  CHECK(quantizeBias(half.data(), 2, 0.5f, {0.25f, 0.25f}) == std::vector<int32_t>{1, -1});
  const std::vector<float> huge = {3e9f, -3e9f, 2147483647.0f};
  CHECK(quantizeBias(huge.data(), 3, 1.0f, {1.0f, 1.0f, 1.0f}) ==
        std::vector<int32_t>{2147483647, -2147483647 - 1, 2147483647});
  CHECK_THROWS_AS(quantizeBias(bias.data(), 2, 0.0f, {1.0f, 1.0f}), vitc::rt::Error);
  CHECK_THROWS_AS(quantizeBias(bias.data(), 2, 1.0f, {1.0f}), vitc::rt::Error);
}
