//===- QuantizedTestSupport.h - References for the integer kernel tests -*- C++ -*-===//
//
// Shared by the Quantized*Test.cpp files: the requantisation of
// docs/quantization.md written independently of the runtime (exact with
// __int128, which these tests require), random quantised tensors, and the
// instruction sets of the integer GEMM to run every test on.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_TEST_UNIT_RUNTIME_QUANTIZEDTESTSUPPORT_H
#define VITC_TEST_UNIT_RUNTIME_QUANTIZEDTESTSUPPORT_H

#include "vitc/rt/kernels/Quantized.h"

#include "TestTensors.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <limits>
#include <random>

namespace vitc::rt::testing {

#if !defined(__SIZEOF_INT128__)
#error "the quantised kernel tests compute their references with __int128"
#endif
using Int128 = __int128;

/// RoundShift(v, t) of docs/quantization.md, saturated to int64.
inline int64_t referenceRoundShift(Int128 v, int64_t t) {
  const Int128 lo = std::numeric_limits<int64_t>::min(), hi = std::numeric_limits<int64_t>::max();
  Int128 result;
  if (t >= 1) {
    const Int128 mag = v < 0 ? -v : v;
    const Int128 rounded = t >= 127 ? 0 : (mag + (Int128(1) << (t - 1))) >> t;
    result = v < 0 ? -rounded : rounded;
  } else {
    result = v;
    for (int64_t s = 0; s < -t && result >= lo && result <= hi; ++s)
      result *= 2;
  }
  return static_cast<int64_t>(std::min(std::max(result, lo), hi));
}

inline int64_t referenceRequant(int64_t value, Requant r) {
  return referenceRoundShift(Int128(value) * r.multiplier, 31 + int64_t(r.shift));
}

/// clamp(z + requant(acc), qmin, qmax) of the output spec.
inline int32_t referenceOutput(int64_t acc, Requant r, const QuantSpec &out) {
  const int64_t y = referenceRequant(acc, r);
  const int64_t lo = int64_t(out.qmin) - out.zeroPoint, hi = int64_t(out.qmax) - out.zeroPoint;
  return static_cast<int32_t>(out.zeroPoint + std::min(std::max(y, lo), hi));
}

inline QuantSpec spec(DType storage, int32_t zeroPoint, float scale = 0.05f) {
  QuantSpec s;
  s.storage = storage;
  s.zeroPoint = zeroPoint;
  s.scale = scale;
  s.qmin = storage == DType::I8 ? -128 : storage == DType::I16 ? -32767 : 0;
  s.qmax = storage == DType::I8 ? 127 : storage == DType::I16 ? 32767 : 255;
  return s;
}

/// Uniform integers in [lo, hi] stored as `type`.
inline Tensor randomInts(Shape shape, DType type, int32_t lo, int32_t hi, uint32_t seed) {
  std::mt19937 generator(seed);
  std::uniform_int_distribution<int32_t> dist(lo, hi);
  Tensor t(type, std::move(shape));
  for (int64_t i = 0; i < t.numel(); ++i) {
    const int32_t v = dist(generator);
    if (type == DType::I8)
      t.data<int8_t>()[i] = static_cast<int8_t>(v);
    else if (type == DType::I16)
      t.data<int16_t>()[i] = static_cast<int16_t>(v);
    else if (type == DType::U8)
      t.data<uint8_t>()[i] = static_cast<uint8_t>(v);
    else
      t.data<int32_t>()[i] = v;
  }
  return t;
}

/// Element i of an I8, I16, U8 or I32 tensor set to v.
inline void setInt(Tensor &t, int64_t i, int64_t v) {
  if (t.dtype() == DType::I8)
    t.data<int8_t>()[i] = static_cast<int8_t>(v);
  else if (t.dtype() == DType::I16)
    t.data<int16_t>()[i] = static_cast<int16_t>(v);
  else if (t.dtype() == DType::U8)
    t.data<uint8_t>()[i] = static_cast<uint8_t>(v);
  else
    t.data<int32_t>()[i] = static_cast<int32_t>(v);
}

/// The full range of a storage dtype.
inline Tensor randomQuantized(Shape shape, DType type, uint32_t seed) {
  return type == DType::I16 ? randomInts(std::move(shape), type, -32767, 32767, seed)
                            : randomInts(std::move(shape), type, -128, 127, seed);
}

/// Multipliers m spread over [lo, hi), one per channel.
inline std::vector<Requant> requants(int64_t count, double lo, double hi, uint32_t seed) {
  std::mt19937 generator(seed);
  std::uniform_real_distribution<double> dist(std::log(lo), std::log(hi));
  std::vector<Requant> out;
  for (int64_t i = 0; i < count; ++i)
    out.push_back(Requant::fromReal(std::exp(dist(generator))));
  return out;
}

inline std::vector<QGemmIsa> supportedQGemmIsas() {
  std::vector<QGemmIsa> isas;
  for (QGemmIsa isa : {QGemmIsa::Portable, QGemmIsa::Avx2, QGemmIsa::Avx512Vnni})
    if (qgemmIsaSupported(isa))
      isas.push_back(isa);
  return isas;
}

/// Restores the default instruction set when a test ends.
struct QGemmIsaGuard {
  QGemmIsa saved = qgemmIsa();
  ~QGemmIsaGuard() { setQGemmIsa(saved); }
};

/// Integer tensors equal element for element; reports the first difference.
inline void checkSame(const Tensor &got, const Tensor &want) {
  REQUIRE(got.numel() == want.numel());
  int64_t differences = 0, first = -1;
  for (int64_t i = 0; i < got.numel(); ++i)
    if (got.intAt(i) != want.intAt(i) && differences++ == 0)
      first = i;
  INFO("first difference at element " << first << ": got "
                                      << (first >= 0 ? got.intAt(first) : 0) << ", want "
                                      << (first >= 0 ? want.intAt(first) : 0));
  CHECK(differences == 0);
}

/// Runs `body` on every instruction set the CPU has and on 1, 2 and 3
/// threads, checking that each result equals `want` bit for bit.
template <typename Body> void checkEverywhere(const Tensor &want, Body body) {
  QGemmIsaGuard guard;
  ThreadPool two(2), three(3);
  for (QGemmIsa isa : supportedQGemmIsas()) {
    setQGemmIsa(isa);
    for (ThreadPool *pool : {static_cast<ThreadPool *>(nullptr), &two, &three}) {
      INFO("isa " << qgemmIsaName(isa) << ", threads " << (pool ? pool->threads() : 1));
      const Tensor got = body(pool);
      REQUIRE(got.dtype() == want.dtype());
      REQUIRE(got.shape() == want.shape());
      checkSame(got, want);
    }
  }
}

} // namespace vitc::rt::testing

#endif // VITC_TEST_UNIT_RUNTIME_QUANTIZEDTESTSUPPORT_H
