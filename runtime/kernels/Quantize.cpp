//===- Quantize.cpp - Q31 requantisation, quantize and dequantize ---------===//
//
// Requant::fromReal, applyRequant and requantize (docs/quantization.md,
// "Requantisation"), quantize/dequantize ("Quantise and dequantise"), and
// the checks of QuantSpec that every quantised kernel shares.
//
// applyRequant takes int64 arithmetic when the product value * M fits in 63
// bits and the shift is in [1, 62] (every INT8 accumulator with a multiplier
// below 2^31); otherwise it goes through QWide.h's exact 128-bit product.
//
//===----------------------------------------------------------------------===//
#include "QEpilogue.h"
#include "QWide.h"

#include "DTypeDispatch.h"
#include "Multiversion.h"

#include <cmath>
#include <limits>
#include <string>

namespace vitc::rt {
namespace {

constexpr int64_t kGrain = 32768;

/// Round half away from zero of a float (NaN stays NaN, infinities stay).
inline float roundHalfAway(float v) {
  const float whole = std::trunc(v);
  return std::fabs(v - whole) >= 0.5f ? whole + std::copysign(1.0f, v) : whole;
}

int64_t storageMin(DType type) { return type == DType::I8 ? -128 : type == DType::I16 ? -32768 : 0; }
int64_t storageMax(DType type) { return type == DType::I8 ? 127 : type == DType::I16 ? 32767 : 255; }

} // namespace

Requant Requant::fromReal(double m) {
  if (!(m > 0.0) || !std::isfinite(m))
    throw Error("Requant::fromReal: the multiplier must be positive and finite, got " +
                std::to_string(m));
  int exponent = 0;
  const double fraction = std::frexp(m, &exponent); // m = fraction * 2^exponent, [0.5, 1)
  // n = -floor(log2 m) - 1 = -exponent; M = rha(m * 2^(31 + n)) = rha(fraction * 2^31).
  int64_t multiplier = static_cast<int64_t>(std::round(std::ldexp(fraction, 31)));
  int32_t shift = -exponent;
  if (multiplier == (int64_t(1) << 31)) {
    multiplier = int64_t(1) << 30;
    shift -= 1;
  }
  return Requant{static_cast<int32_t>(multiplier), shift};
}

int64_t applyRequant(int64_t value, Requant r) {
  const int64_t t = 31 + static_cast<int64_t>(r.shift);
  if (value >= std::numeric_limits<int32_t>::min() && value <= std::numeric_limits<int32_t>::max() &&
      t >= 1 && t <= 62) {
    const int64_t product = value * r.multiplier; // |product| <= 2^62
    const uint64_t mag = detail::magnitude(product);
    const int64_t rounded = static_cast<int64_t>((mag + (uint64_t(1) << (t - 1))) >> t);
    return product < 0 ? -rounded : rounded;
  }
  return detail::roundShiftSaturate(detail::signedProduct<detail::U128>(value, r.multiplier), t);
}

int32_t requantize(int64_t acc, Requant r, int32_t zeroPoint, int32_t qmin, int32_t qmax) {
  const int64_t scaled = applyRequant(acc, r);
  const int64_t lo = int64_t(qmin) - zeroPoint, hi = int64_t(qmax) - zeroPoint;
  return static_cast<int32_t>(zeroPoint + std::min(std::max(scaled, lo), hi));
}

namespace detail {

void checkQuantSpec(const QuantSpec &spec, const std::string &what) {
  const DType type = spec.storage;
  if (type != DType::I8 && type != DType::I16 && type != DType::U8)
    throw Error(what + ": quantised storage must be i8, i16 or u8, got " + dtypeName(type));
  if (spec.qmin > spec.qmax || spec.qmin < storageMin(type) || spec.qmax > storageMax(type))
    throw Error(what + ": range [" + std::to_string(spec.qmin) + ", " + std::to_string(spec.qmax) +
                "] is empty or outside " + dtypeName(type) + " [" +
                std::to_string(storageMin(type)) + ", " + std::to_string(storageMax(type)) + "]");
  if (!(spec.scale > 0.0f) || !std::isfinite(spec.scale))
    throw Error(what + ": scale must be positive and finite, got " + std::to_string(spec.scale));
}

void checkQuantized(const Tensor &t, const QuantSpec &spec, const std::string &what) {
  checkQuantSpec(spec, what);
  if (!t.valid() || t.dtype() != spec.storage)
    throw Error(what + ": expected a " + dtypeName(spec.storage) + " tensor, got " +
                (t.valid() ? dtypeName(t.dtype()) : "none"));
}

} // namespace detail

Tensor quantize(const Tensor &real, const QuantSpec &spec, ThreadPool *pool) {
  detail::checkQuantSpec(spec, "quantize: spec");
  if (!real.valid() || real.dtype() != DType::F32)
    throw Error(std::string("quantize: input must be f32, got ") +
                (real.valid() ? dtypeName(real.dtype()) : "none"));
  Tensor out = Tensor::uninitialized(spec.storage, real.shape());
  const float scale = spec.scale;
  const int32_t z = spec.zeroPoint, qmin = spec.qmin, qmax = spec.qmax;
  // The clamp happens on the rounded float, relative to z (exact: |q - z| < 2^17).
  const float lo = static_cast<float>(int64_t(qmin) - z), hi = static_cast<float>(int64_t(qmax) - z);
  const int32_t nanValue = std::min(std::max(z, qmin), qmax);
  detail::dispatchArithmetic(spec.storage, "quantize", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const float *in = real.data<float>();
    T *q = out.data<T>();
    parallelFor(pool, real.numel(), kGrain, [&](int64_t begin, int64_t end) {
      detail::mapArray(in + begin, q + begin, end - begin, [=](float r) {
        const float rounded = roundHalfAway(r / scale);
        if (rounded != rounded)
          return static_cast<T>(nanValue);
        if (rounded <= lo)
          return static_cast<T>(qmin);
        if (rounded >= hi)
          return static_cast<T>(qmax);
        return static_cast<T>(static_cast<int32_t>(rounded) + z);
      });
    });
  });
  return out;
}

Tensor dequantize(const Tensor &quantized, const QuantSpec &spec, ThreadPool *pool) {
  detail::checkQuantized(quantized, spec, "dequantize: input");
  Tensor out = Tensor::uninitialized(DType::F32, quantized.shape());
  const float scale = spec.scale;
  const int32_t z = spec.zeroPoint;
  detail::dispatchArithmetic(spec.storage, "dequantize", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T *in = quantized.data<T>();
    float *r = out.data<float>();
    parallelFor(pool, quantized.numel(), kGrain, [&](int64_t begin, int64_t end) {
      detail::mapArray(in + begin, r + begin, end - begin,
                       [=](T q) { return static_cast<float>(int32_t(q) - z) * scale; });
    });
  });
  return out;
}

} // namespace vitc::rt
