//===- QAdd.cpp - Quantised elementwise Add -------------------------------===//
//
// docs/quantization.md, "Elementwise Add": both inputs are brought to the
// common total shift T = max(31 + n_a, 31 + n_b) and summed before the one
// rounding. The sum takes int64 arithmetic when it provably fits (each
// |q - z| < 2^17, M < 2^31, the alignment shifts at most 13 and T in
// [1, 62]: every realistic pair of scales) and the exact 128-bit path
// otherwise; both give the same RoundShift. An input more than 2^63 times
// finer than the other (a near-empty calibrated range) counts as zero.
//
//===----------------------------------------------------------------------===//
#include "Broadcast.h"
#include "QEpilogue.h"
#include "QWide.h"

#include "vitc/rt/kernels/Elementwise.h"

#include <algorithm>
#include <string>
#include <type_traits>

namespace vitc::rt {
namespace {

/// Elements per run processed at once (the int32 staging buffers' size).
constexpr int64_t kChunk = 1024;

/// dst[i] = t[offset + i * stride] as int32, for a quantised storage dtype.
void load(const Tensor &t, int64_t offset, int64_t stride, int64_t length, int32_t *dst) {
  auto copy = [&](const auto *src) {
    for (int64_t i = 0; i < length; ++i)
      dst[i] = src[offset + i * stride];
  };
  switch (t.dtype()) {
  case DType::I8: copy(t.data<int8_t>()); break;
  case DType::I16: copy(t.data<int16_t>()); break;
  default: copy(t.data<uint8_t>()); break;
  }
}

void store(const int32_t *src, int64_t length, Tensor &t, int64_t offset) {
  auto copy = [&](auto *dst) {
    for (int64_t i = 0; i < length; ++i)
      dst[offset + i] = static_cast<std::remove_pointer_t<decltype(dst)>>(src[i]);
  };
  switch (t.dtype()) {
  case DType::I8: copy(t.data<int8_t>()); break;
  case DType::I16: copy(t.data<int16_t>()); break;
  default: copy(t.data<uint8_t>()); break;
  }
}

struct AddTerms {
  int64_t multiplierA, multiplierB; ///< Q31 multipliers
  int alignA, alignB;               ///< T - 31 - n: left shifts onto the common T
  int64_t total;                    ///< T
  bool fast;
};

AddTerms addTerms(Requant a, Requant b) {
  int64_t ta = 31 + int64_t(a.shift), tb = 31 + int64_t(b.shift);
  int64_t ma = a.multiplier, mb = b.multiplier;
  // An input whose multiplier is over 2^63 times smaller than the other's
  // adds under 2^-17 of an output step (|q - z| M < 2^48, t >= 64): it
  // counts as zero.
  if (tb - ta > 63) {
    mb = 0;
    tb = ta;
  } else if (ta - tb > 63) {
    ma = 0;
    ta = tb;
  }
  const int64_t T = std::max(ta, tb);
  AddTerms terms{ma, mb, static_cast<int>(T - ta), static_cast<int>(T - tb), T, false};
  terms.fast = T >= 1 && T <= 62 && terms.alignA <= 13 && terms.alignB <= 13;
  return terms;
}

/// RoundShift((x - za) Ma 2^alignA + (y - zb) Mb 2^alignB, T).
int64_t addOne(int64_t x, int64_t y, const AddTerms &t) {
  if (t.fast) {
    const int64_t v = x * t.multiplierA * (int64_t(1) << t.alignA) +
                      y * t.multiplierB * (int64_t(1) << t.alignB);
    const uint64_t mag = detail::magnitude(v);
    const int64_t rounded = static_cast<int64_t>((mag + (uint64_t(1) << (t.total - 1))) >> t.total);
    return v < 0 ? -rounded : rounded;
  }
  using detail::U128;
  const U128 v = (detail::signedProduct<U128>(x, t.multiplierA) << t.alignA) +
                 (detail::signedProduct<U128>(y, t.multiplierB) << t.alignB);
  return detail::roundShiftSaturate(v, t.total);
}

} // namespace

Tensor qadd(const Tensor &a, const QuantSpec &aSpec, Requant aRequant, const Tensor &b,
            const QuantSpec &bSpec, Requant bRequant, const QuantSpec &output, ThreadPool *pool) {
  detail::checkQuantized(a, aSpec, "qadd: a");
  detail::checkQuantized(b, bSpec, "qadd: b");
  detail::checkQuantSpec(output, "qadd: output");
  const AddTerms terms = addTerms(aRequant, bRequant);
  const Shape shape = broadcastShapes(a.shape(), b.shape());
  Tensor out = Tensor::uninitialized(output.storage, shape);
  const detail::BroadcastPlan plan(shape, {&a.shape(), &b.shape()}, "qadd");
  const int64_t lo = int64_t(output.qmin) - output.zeroPoint;
  const int64_t hi = int64_t(output.qmax) - output.zeroPoint;
  const int64_t sa = plan.runStride(0), sb = plan.runStride(1);
  detail::forEachRun(plan, pool, [&](int64_t outOffset, const auto &offsets, int64_t length) {
    int32_t x[kChunk], y[kChunk], r[kChunk];
    for (int64_t c = 0; c < length; c += kChunk) {
      const int64_t n = std::min(kChunk, length - c);
      load(a, offsets[0] + c * sa, sa, n, x);
      load(b, offsets[1] + c * sb, sb, n, y);
      for (int64_t i = 0; i < n; ++i) {
        const int64_t v = addOne(int64_t(x[i]) - aSpec.zeroPoint,
                                 int64_t(y[i]) - bSpec.zeroPoint, terms);
        r[i] = static_cast<int32_t>(output.zeroPoint + std::min(std::max(v, lo), hi));
      }
      store(r, n, out, outOffset + c);
    }
  });
  return out;
}

} // namespace vitc::rt
