//===- RequantTest.cpp - Q31 requantisation, quantize and dequantize ------===//
//
// docs/quantization.md, "Requantisation" and "Quantise and dequantise":
// Requant::fromReal's encoding and its rounding, applyRequant against the
// __int128 RoundShift of QuantizedTestSupport.h (both of its paths: int64
// and exact 128-bit, with saturation), requantize's clamp, and quantize /
// dequantize with their rounding, saturation and NaN.
//
//===----------------------------------------------------------------------===//
#include "QuantizedTestSupport.h"

#include <cmath>

using namespace vitc::rt;
using namespace vitc::rt::testing;

namespace {

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();

/// The real multiplier an encoding stands for: M * 2^-(31 + n).
double realOf(Requant r) { return std::ldexp(double(r.multiplier), -(31 + r.shift)); }

} // namespace

TEST_CASE("Requant::fromReal encodes m as M * 2^-(31 + n)", "[runtime][quantized]") {
  SECTION("M in [2^30, 2^31), within 2^-31 relative, as the doc rounds it") {
    std::mt19937 generator(7);
    std::uniform_real_distribution<double> exponent(-45.0, 45.0);
    for (int i = 0; i < 2000; ++i) {
      const double m = std::exp2(exponent(generator));
      const Requant r = Requant::fromReal(m);
      INFO("m = " << m);
      REQUIRE(r.multiplier >= (int64_t(1) << 30));
      REQUIRE(int64_t(r.multiplier) < (int64_t(1) << 31));
      CHECK(std::fabs(realOf(r) - m) <= m * std::ldexp(1.0, -31));
      // n = -floor(log2 m) - 1, M = rha(m 2^(31 + n)); M = 2^31 renormalised.
      int n = -static_cast<int>(std::floor(std::log2(m))) - 1;
      while (std::ldexp(m, 31 + n) >= std::ldexp(1.0, 31)) // log2 rounded up to a whole
        --n;
      while (std::ldexp(m, 31 + n) < std::ldexp(1.0, 30))
        ++n;
      int64_t M = std::llround(std::ldexp(m, 31 + n));
      if (M == (int64_t(1) << 31)) {
        M = int64_t(1) << 30;
        n -= 1;
      }
      CHECK(r.multiplier == M);
      CHECK(r.shift == n);
    }
  }
  SECTION("powers of two are exact") {
    for (int k = -60; k <= 60; ++k) {
      const Requant r = Requant::fromReal(std::ldexp(1.0, k));
      INFO("m = 2^" << k);
      CHECK(r.multiplier == (1 << 30));
      CHECK(r.shift == -k - 1);
    }
  }
  SECTION("just below a power of two rounds up to it") {
    const Requant r = Requant::fromReal(1.0 - std::ldexp(1.0, -40));
    CHECK(r.multiplier == (1 << 30));
    CHECK(r.shift == -1);
  }
  SECTION("tiny and large multipliers") {
    const Requant tiny = Requant::fromReal(1e-10); // 1e-10 in [2^-34, 2^-33)
    CHECK(tiny.shift == 33);
    CHECK(tiny.multiplier == 1844674407); // rha(1e-10 * 2^64) = rha(1844674407.37)
    const Requant three = Requant::fromReal(3.0);
    CHECK(three.multiplier == 1610612736); // 3 * 2^29
    CHECK(three.shift == -2);
    const Requant huge = Requant::fromReal(std::ldexp(1.0, 40));
    CHECK(huge.shift == -41);
  }
  SECTION("m must be positive and finite") {
    CHECK_THROWS_AS(Requant::fromReal(0.0), Error);
    CHECK_THROWS_AS(Requant::fromReal(-1.0), Error);
    CHECK_THROWS_AS(Requant::fromReal(std::nan("")), Error);
    CHECK_THROWS_AS(Requant::fromReal(HUGE_VAL), Error);
  }
}

TEST_CASE("applyRequant rounds half away from zero", "[runtime][quantized]") {
  const Requant half = Requant::fromReal(0.5), quarter = Requant::fromReal(0.25);
  CHECK(applyRequant(1, half) == 1);
  CHECK(applyRequant(-1, half) == -1);
  CHECK(applyRequant(3, half) == 2);
  CHECK(applyRequant(-3, half) == -2);
  CHECK(applyRequant(0, half) == 0);
  CHECK(applyRequant(2, quarter) == 1);   // 0.5
  CHECK(applyRequant(-2, quarter) == -1); // -0.5
  CHECK(applyRequant(5, quarter) == 1);   // 1.25
  CHECK(applyRequant(7, quarter) == 2);   // 1.75
  CHECK(applyRequant(-7, quarter) == -2);
  // M = 3 * 2^29, n = 0: value * 0.75.
  const Requant threeQuarters{1610612736, 0};
  CHECK(applyRequant(2, threeQuarters) == 2); // 1.5
  CHECK(applyRequant(-2, threeQuarters) == -2);
  CHECK(applyRequant(6, threeQuarters) == 5); // 4.5
  CHECK(applyRequant(-6, threeQuarters) == -5);
  CHECK(applyRequant(10, threeQuarters) == 8); // 7.5
  CHECK(applyRequant(5, threeQuarters) == 4);  // 3.75
  CHECK(applyRequant(-5, threeQuarters) == -4);
  // Multipliers >= 1: shifts 31 + n of 29 and of -10 (a left shift).
  CHECK(applyRequant(5, Requant::fromReal(3.0)) == 15);
  CHECK(applyRequant(-7, Requant::fromReal(3.0)) == -21);
  CHECK(applyRequant(3, Requant::fromReal(std::ldexp(1.0, 40))) == 3 * (int64_t(1) << 40));
  CHECK(applyRequant(-3, Requant::fromReal(std::ldexp(1.0, 40))) == -3 * (int64_t(1) << 40));
}

TEST_CASE("applyRequant is exact beyond int32 and saturates", "[runtime][quantized]") {
  const Requant half = Requant::fromReal(0.5);
  const int64_t big = (int64_t(1) << 40) + 1; // half of it is 2^39 + 0.5
  CHECK(applyRequant(big, half) == (int64_t(1) << 39) + 1);
  CHECK(applyRequant(-big, half) == -(int64_t(1) << 39) - 1);
  CHECK(applyRequant(kInt64Max, half) == (int64_t(1) << 62)); // (2^63 - 1) / 2 rounds up
  CHECK(applyRequant(kInt64Min, half) == -(int64_t(1) << 62));
  const Requant one{1 << 30, -1}; // m = 1 exactly
  CHECK(applyRequant(kInt64Max, one) == kInt64Max);
  CHECK(applyRequant(kInt64Min, one) == kInt64Min);
  const Requant four = Requant::fromReal(4.0);
  CHECK(applyRequant(kInt64Max / 3, four) == kInt64Max);
  CHECK(applyRequant(kInt64Min / 3, four) == kInt64Min);
  CHECK(applyRequant(int64_t(1) << 30, Requant::fromReal(std::ldexp(1.0, 40))) == kInt64Max);
  CHECK(applyRequant(-(int64_t(1) << 30), Requant::fromReal(std::ldexp(1.0, 40))) == kInt64Min);
  CHECK(applyRequant(kInt64Max, Requant::fromReal(1e-10)) == 922337203); // 9.223372037e8
  CHECK(applyRequant(12345, Requant{1 << 30, 200}) == 0);                // shifts beyond 127 bits

  // Random values of every magnitude against the __int128 reference.
  std::mt19937_64 generator(11);
  const std::vector<Requant> rs = requants(40, 1e-12, 1e6, 13);
  for (int i = 0; i < 20000; ++i) {
    const int bits = static_cast<int>(generator() % 63); // |value| < 2^63
    const int64_t value = static_cast<int64_t>(generator() >> (63 - bits)) * (i % 2 ? 1 : -1);
    const Requant r = rs[static_cast<size_t>(i) % rs.size()];
    INFO("value " << value << ", M " << r.multiplier << ", n " << r.shift);
    REQUIRE(applyRequant(value, r) == referenceRequant(value, r));
  }
}

TEST_CASE("requantize shifts by the zero point and clamps", "[runtime][quantized]") {
  const Requant half = Requant::fromReal(0.5);
  CHECK(requantize(100, half, 0) == 50);
  CHECK(requantize(1000, half, 0) == 127);
  CHECK(requantize(-1000, half, 0) == -128);
  CHECK(requantize(240, half, 10) == 127); // 10 + 120
  CHECK(requantize(-5, half, 10) == 7);    // 10 - 2.5 -> 10 - 3
  CHECK(requantize(-280, half, 10) == -128);
  CHECK(requantize(100, half, 0, 0, 255) == 50);
  CHECK(requantize(-100, half, 0, 0, 255) == 0);
  CHECK(requantize(-100, half, 128, 0, 255) == 78);
  CHECK(requantize(1000, half, 128, 0, 255) == 255);
  CHECK(requantize(80000, half, 0, -32767, 32767) == 32767);
  CHECK(requantize(-80000, half, 0, -32767, 32767) == -32767);
  CHECK(requantize(kInt64Max, Requant::fromReal(4.0), -3) == 127);
  CHECK(requantize(kInt64Min, Requant::fromReal(4.0), 3) == -128);
}

TEST_CASE("quantize and dequantize", "[runtime][quantized]") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  SECTION("INT8: halves away from zero, saturation, NaN to the zero point") {
    const QuantSpec s = spec(DType::I8, -3, 0.5f);
    const Tensor r = Tensor::fromVector<float>(
        {10}, {1.25f, -1.25f, 0.75f, -0.75f, 0.0f, 66.0f, -64.0f, nan, inf, -inf});
    // r / s = 2.5, -2.5, 1.5, -1.5, 0, 132, -128; plus z = -3.
    CHECK(valuesOf<int8_t>(quantize(r, s, nullptr)) ==
          std::vector<int8_t>{0, -6, -1, -5, -3, 127, -128, -3, 127, -128});
    const Tensor q = Tensor::fromVector<int8_t>({3}, {-3, 5, -128});
    CHECK(valuesOf<float>(dequantize(q, s, nullptr)) == std::vector<float>{0.0f, 4.0f, -62.5f});
  }
  SECTION("INT16 symmetric never produces -32768") {
    const QuantSpec s = spec(DType::I16, 0, 1.0f / 1024);
    const float step = 1.0f / 1024;
    const Tensor r = Tensor::fromVector<float>({7}, {1000.0f, -1000.0f, 2.5f * step, -2.5f * step,
                                                     32766.5f * step, -32767.5f * step, nan});
    CHECK(valuesOf<int16_t>(quantize(r, s, nullptr)) ==
          std::vector<int16_t>{32767, -32767, 3, -3, 32767, -32767, 0});
  }
  SECTION("U8 with zero point 128") {
    const QuantSpec s = spec(DType::U8, 128, 0.5f);
    const Tensor r = Tensor::fromVector<float>({6}, {-64.0f, -65.0f, 63.5f, 64.0f, 0.25f, nan});
    CHECK(valuesOf<uint8_t>(quantize(r, s, nullptr)) ==
          std::vector<uint8_t>{0, 0, 255, 255, 129, 128});
  }
  SECTION("every stored value survives dequantize then quantize") {
    for (DType type : {DType::I8, DType::I16, DType::U8}) {
      const QuantSpec s = spec(type, type == DType::U8 ? 131 : type == DType::I8 ? -7 : 0, 0.0371f);
      const int32_t count = s.qmax - s.qmin + 1;
      Tensor q(type, {count});
      for (int32_t i = 0; i < count; ++i)
        setInt(q, i, s.qmin + i);
      ThreadPool pool(3);
      INFO("storage " << dtypeName(type));
      checkSame(quantize(dequantize(q, s, &pool), s, &pool), q);
    }
  }
  SECTION("the spec must fit the storage") {
    QuantSpec s = spec(DType::I8, 0);
    s.qmax = 200;
    CHECK_THROWS_AS(quantize(Tensor::fromVector<float>({1}, {1.0f}), s, nullptr), Error);
    CHECK_THROWS_AS(dequantize(Tensor::fromVector<int16_t>({1}, {1}), spec(DType::I8, 0), nullptr),
                    Error);
  }
}
