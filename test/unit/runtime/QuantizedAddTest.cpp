//===- QuantizedAddTest.cpp - qadd ----------------------------------------===//
//
// qadd against docs/quantization.md ("Elementwise Add") written with
// __int128: both terms aligned to T = max(31 + n_a, 31 + n_b), summed, one
// RoundShift, clamped. Random tensors with numpy broadcasting and mixed
// storages on 1, 2 and 3 threads; hand-made cases for the exact halves,
// saturation, multipliers >= 1 and scales so far apart that the kernel
// leaves its int64 path (alignment > 13) or drops the finer input (> 63).
//
//===----------------------------------------------------------------------===//
#include "QuantizedTestSupport.h"

#include "vitc/rt/kernels/Elementwise.h"

using namespace vitc::rt;
using namespace vitc::rt::testing;

namespace {

struct AddCase {
  Tensor a, b;
  QuantSpec aSpec, bSpec, output;
  Requant aRequant, bRequant;
};

int32_t referenceAddOne(int64_t qa, int64_t qb, const AddCase &c) {
  int64_t ta = 31 + int64_t(c.aRequant.shift), tb = 31 + int64_t(c.bRequant.shift);
  int64_t ma = c.aRequant.multiplier, mb = c.bRequant.multiplier;
  if (tb - ta > 63) { // an input over 2^63 times finer than the other counts as 0
    mb = 0;
    tb = ta;
  } else if (ta - tb > 63) {
    ma = 0;
    ta = tb;
  }
  const int64_t T = std::max(ta, tb);
  const Int128 v = Int128(qa - c.aSpec.zeroPoint) * ma * (Int128(1) << (T - ta)) +
                   Int128(qb - c.bSpec.zeroPoint) * mb * (Int128(1) << (T - tb));
  const int64_t y = referenceRoundShift(v, T);
  const int64_t lo = int64_t(c.output.qmin) - c.output.zeroPoint;
  const int64_t hi = int64_t(c.output.qmax) - c.output.zeroPoint;
  return static_cast<int32_t>(c.output.zeroPoint + std::min(std::max(y, lo), hi));
}

/// Flat index into `in` of the output element `flat` of `outShape` (numpy broadcasting).
int64_t sourceIndex(const Shape &in, const Shape &outShape, int64_t flat) {
  int64_t index = 0, stride = 1;
  for (size_t i = 0; i < in.size(); ++i) {
    const size_t d = in.size() - 1 - i, od = outShape.size() - 1 - i;
    const int64_t coordinate = flat % outShape[od];
    flat /= outShape[od];
    index += (in[d] == 1 ? 0 : coordinate) * stride;
    stride *= in[d];
  }
  return index;
}

Tensor referenceAdd(const AddCase &c) {
  const Shape shape = broadcastShapes(c.a.shape(), c.b.shape());
  Tensor out(c.output.storage, shape);
  for (int64_t i = 0; i < out.numel(); ++i)
    setInt(out, i,
           referenceAddOne(c.a.intAt(sourceIndex(c.a.shape(), shape, i)),
                           c.b.intAt(sourceIndex(c.b.shape(), shape, i)), c));
  return out;
}

Tensor randomStored(Shape shape, DType type, uint32_t seed) {
  return type == DType::U8 ? randomInts(std::move(shape), type, 0, 255, seed)
                           : randomQuantized(std::move(shape), type, seed);
}

AddCase makeCase(Shape aShape, const QuantSpec &aSpec, double ma, Shape bShape,
                 const QuantSpec &bSpec, double mb, const QuantSpec &output, uint32_t seed) {
  return {randomStored(std::move(aShape), aSpec.storage, seed),
          randomStored(std::move(bShape), bSpec.storage, seed + 1),
          aSpec,
          bSpec,
          output,
          Requant::fromReal(ma),
          Requant::fromReal(mb)};
}

Tensor run(const AddCase &c, ThreadPool *pool) {
  return qadd(c.a, c.aSpec, c.aRequant, c.b, c.bSpec, c.bRequant, c.output, pool);
}

void checkAdd(const AddCase &c) {
  checkEverywhere(referenceAdd(c), [&](ThreadPool *pool) { return run(c, pool); });
}

/// qadd of the given stored values (shape [n]) against explicit results.
template <typename A, typename B, typename Y>
void checkValues(std::vector<A> a, const QuantSpec &aSpec, double ma, std::vector<B> b,
                 const QuantSpec &bSpec, double mb, const QuantSpec &output, std::vector<Y> want) {
  const int64_t n = static_cast<int64_t>(a.size());
  const AddCase c{
      Tensor::fromVector<A>({n}, a), Tensor::fromVector<B>({n}, b), aSpec, bSpec, output,
      Requant::fromReal(ma),         Requant::fromReal(mb)};
  CHECK(valuesOf<Y>(run(c, nullptr)) == want);
  checkSame(referenceAdd(c), run(c, nullptr)); // the reference agrees with the hand values
}

} // namespace

TEST_CASE("qadd broadcasts and matches the definition", "[runtime][quantized]") {
  const QuantSpec a = spec(DType::I8, -5), b = spec(DType::I8, 9), y = spec(DType::I8, 3);
  SECTION("same shapes, several 1024-element chunks") {
    checkAdd(makeCase({3, 1500}, a, 0.7, {3, 1500}, b, 0.45, y, 1));
  }
  SECTION("trailing vector and inner ones") {
    checkAdd(makeCase({3, 1500}, a, 0.7, {1500}, b, 1.3, y, 3));
    checkAdd(makeCase({2, 3, 37}, a, 0.31, {3, 1}, b, 0.9, y, 5));
    checkAdd(makeCase({3, 1, 5}, a, 1.7, {1, 4, 1}, b, 0.6, y, 7));
  }
  SECTION("a scalar-like [1] on either side") {
    checkAdd(makeCase({1}, a, 0.5, {4, 5}, b, 0.8, y, 9));
    checkAdd(makeCase({4, 5}, a, 0.5, {1}, b, 0.8, y, 11));
  }
}

TEST_CASE("qadd with mixed storages", "[runtime][quantized]") {
  SECTION("I8 + I16 -> I8") {
    checkAdd(makeCase({6, 70}, spec(DType::I8, 4), 0.6, {70}, spec(DType::I16, 0), 3e-3,
                      spec(DType::I8, -2), 21));
  }
  SECTION("U8 + U8 -> U8") {
    checkAdd(makeCase({5, 33}, spec(DType::U8, 128), 0.55, {5, 33}, spec(DType::U8, 0), 0.4,
                      spec(DType::U8, 10), 23));
  }
  SECTION("U8 + I8 -> I16") {
    checkAdd(makeCase({2, 40}, spec(DType::U8, 100), 90.0, {2, 1}, spec(DType::I8, -1), 130.0,
                      spec(DType::I16, 0), 25));
  }
}

TEST_CASE("qadd rounds exact halves away from zero", "[runtime][quantized]") {
  SECTION("m_a = m_b = 0.5, zero points 4, -3 and 5") {
    // Real sums 0.5, -0.5, 1.5, -1.5, 1.5, -1.5.
    checkValues<int8_t, int8_t, int8_t>({5, 3, 7, 1, 5, 3}, spec(DType::I8, 4), 0.5,
                                        {-3, -3, -3, -3, -1, -5}, spec(DType::I8, -3), 0.5,
                                        spec(DType::I8, 5), {6, 4, 7, 3, 7, 3});
  }
  SECTION("m_a = 0.75, m_b = 0.25 (different shifts): (3a + b) / 4") {
    checkValues<int8_t, int8_t, int8_t>({2, 1, -1, 0, 3, -3, -2, 1}, spec(DType::I8, 0), 0.75,
                                        {0, -1, 1, 2, -3, 3, 0, 1}, spec(DType::I8, 0), 0.25,
                                        spec(DType::I8, 0), {2, 1, -1, 1, 2, -2, -2, 1});
  }
}

TEST_CASE("qadd saturates at qmin and qmax", "[runtime][quantized]") {
  checkValues<int8_t, int8_t, int8_t>({100, 100, -100, -100, 100, -100}, spec(DType::I8, 0), 1.0,
                                      {27, 26, -28, -27, 100, -100}, spec(DType::I8, 0), 1.0,
                                      spec(DType::I8, 0), {127, 126, -128, -127, 127, -128});
  // With an output zero point the clamp is relative to it.
  checkValues<int8_t, int8_t, int8_t>({50, -50, 20}, spec(DType::I8, 0), 1.0, {50, -50, 0},
                                      spec(DType::I8, 0), 1.0, spec(DType::I8, -40),
                                      {60, -128, -20});
  // INT16 symmetric: -32768 is never produced.
  checkValues<int16_t, int16_t, int16_t>({-32767, 32767, -20000}, spec(DType::I16, 0), 1.0,
                                         {-1, 1, -20000}, spec(DType::I16, 0), 1.0,
                                         spec(DType::I16, 0), {-32767, 32767, -32767});
  // U8 output: [0, 255].
  checkValues<int8_t, int8_t, uint8_t>({-5, 127, 3}, spec(DType::I8, 0), 1.0, {0, 127, 4},
                                       spec(DType::I8, 0), 1.0, spec(DType::U8, 0), {0, 254, 7});
}

TEST_CASE("qadd with multipliers of 1 and more", "[runtime][quantized]") {
  // m_a = 4 (shift -3), m_b = 2.5 (shift -2).
  checkValues<int8_t, int8_t, int8_t>({3, -3, 20, 40, 1}, spec(DType::I8, 0), 4.0,
                                      {1, 1, -30, 0, -1}, spec(DType::I8, 0), 2.5,
                                      spec(DType::I8, 0), {15, -10, 5, 127, 2});
  // m = 2^33: total shift 31 + n = -3 <= 0, a left shift.
  checkValues<int8_t, int8_t, int8_t>({0, 1, -1, 0}, spec(DType::I8, 0), 8589934592.0, {0, 0, 0, 0},
                                      spec(DType::I8, 0), 8589934592.0, spec(DType::I8, 0),
                                      {0, 127, -128, 0});
  checkAdd(makeCase({4, 50}, spec(DType::I8, 2), 3.0, {50}, spec(DType::I8, -2), 1.0,
                    spec(DType::I16, 0), 31));
}

TEST_CASE("qadd with scales far apart takes the exact 128-bit path", "[runtime][quantized]") {
  SECTION("alignment 14: halves from the tiny term") {
    // m_a = 1 (total shift 30), m_b = 2^-14 (total shift 44): a + b / 16384.
    checkValues<int8_t, int16_t, int8_t>({2, -3, -3, 2, 2, 0, 100, 127}, spec(DType::I8, 0), 1.0,
                                         {8192, -8192, 8192, 8191, -8193, 24576, 32767, 32767},
                                         spec(DType::I16, 0), 1.0 / 16384, spec(DType::I8, 0),
                                         {3, -4, -3, 2, 1, 2, 102, 127});
  }
  SECTION("random tensors, alignments 14, 20, 40 and 63") {
    for (int gap : {14, 20, 40, 63}) {
      INFO("alignment " << gap);
      checkAdd(makeCase({3, 41}, spec(DType::I8, 3), 0.9, {41}, spec(DType::I16, 0),
                        0.9 * std::ldexp(1.0, -gap), spec(DType::I8, -1), 40 + gap));
      checkAdd(makeCase({41}, spec(DType::I16, 0), std::ldexp(1.0, -gap), {3, 41},
                        spec(DType::I8, -7), 1.0, spec(DType::I8, 0), 80 + gap));
    }
  }
  SECTION("both multipliers tiny: total shift beyond 62") {
    checkAdd(makeCase({7, 30}, spec(DType::I16, 0), 1e-11, {30}, spec(DType::I16, 0), 3e-12,
                      spec(DType::I8, 0), 91));
  }
  SECTION("up to 2^63 apart the finer term counts; beyond, it is taken as 0") {
    // m_a = 0.5 (total shift 31): a = +-1 is an exact half that the tiny b
    // term, when counted, pulls back towards zero.
    const QuantSpec s8 = spec(DType::I8, 0);
    const Requant half = Requant::fromReal(0.5);
    const Requant apart63 = Requant::fromReal(std::ldexp(1.0, -64)); // total shift 94
    const Requant apart64 = Requant::fromReal(std::ldexp(1.0, -65)); // total shift 95
    REQUIRE(apart63.shift - half.shift == 63);
    REQUIRE(apart64.shift - half.shift == 64);
    const Tensor a = Tensor::fromVector<int8_t>({3}, {1, -1, 1});
    const Tensor b = Tensor::fromVector<int8_t>({3}, {-1, 1, 1});
    CHECK(valuesOf<int8_t>(qadd(a, s8, half, b, s8, apart63, s8, nullptr)) ==
          std::vector<int8_t>{0, 0, 1});
    CHECK(valuesOf<int8_t>(qadd(a, s8, half, b, s8, apart64, s8, nullptr)) ==
          std::vector<int8_t>{1, -1, 1});
    CHECK(valuesOf<int8_t>(qadd(b, s8, apart64, a, s8, half, s8, nullptr)) ==
          std::vector<int8_t>{1, -1, 1});
    checkAdd(makeCase({2, 33}, spec(DType::I16, 0), std::ldexp(1.0, -70), {33}, s8, 0.8, s8, 97));
  }
}
