//===- QWide.h - Exact 128-bit steps of requantisation ------------*- C++ -*-===//
//
// Private to runtime/kernels. Requantisation multiplies an int64 accumulator
// by a Q31 multiplier (up to 95 bits) and rounds the product shifted right
// once, half away from zero; Add sums two such products first. These helpers
// do that exactly in 128-bit two's complement arithmetic, with one of two
// interchangeable back ends:
//
//   NativeU128    the compiler's unsigned __int128 (GCC, Clang), where present;
//   PortableU128  two 64-bit halves, C++17 only (the fallback elsewhere).
//
// Both are always compiled where possible so that the tests can check that
// they agree bit for bit; `U128` is the one the kernels use.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_RT_KERNELS_QWIDE_H
#define VITC_RT_KERNELS_QWIDE_H

#include <cstdint>
#include <limits>

namespace vitc::rt::detail {

/// 128-bit unsigned integers modulo 2^128, as two 64-bit halves.
struct PortableU128 {
  uint64_t hi = 0, lo = 0;

  static PortableU128 fromInt64(int64_t v) {
    return {v < 0 ? ~uint64_t(0) : 0, static_cast<uint64_t>(v)};
  }
  /// The full 128-bit product of two 64-bit magnitudes (32-bit limbs).
  static PortableU128 product(uint64_t a, uint64_t b) {
    const uint64_t mask = 0xffffffffu;
    const uint64_t a0 = a & mask, a1 = a >> 32, b0 = b & mask, b1 = b >> 32;
    const uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    const uint64_t middle = (p00 >> 32) + (p01 & mask) + (p10 & mask); // < 3 * 2^32
    return {p11 + (p01 >> 32) + (p10 >> 32) + (middle >> 32), (middle << 32) | (p00 & mask)};
  }
  uint64_t high() const { return hi; }
  uint64_t low() const { return lo; }
  friend PortableU128 operator+(PortableU128 a, PortableU128 b) {
    const uint64_t lo = a.lo + b.lo;
    return {a.hi + b.hi + (lo < a.lo ? 1 : 0), lo};
  }
  friend PortableU128 operator-(PortableU128 a) { return PortableU128{~a.hi, ~a.lo} + one(); }
  /// 0 <= s < 128.
  friend PortableU128 operator<<(PortableU128 a, int s) {
    if (s == 0)
      return a;
    if (s >= 64)
      return {a.lo << (s - 64), 0};
    return {(a.hi << s) | (a.lo >> (64 - s)), a.lo << s};
  }
  /// Logical shift, 0 <= s < 128.
  friend PortableU128 operator>>(PortableU128 a, int s) {
    if (s == 0)
      return a;
    if (s >= 64)
      return {0, a.hi >> (s - 64)};
    return {a.hi >> s, (a.lo >> s) | (a.hi << (64 - s))};
  }
  static PortableU128 one() { return {0, 1}; }
};

#if defined(__SIZEOF_INT128__)
/// The same interface over the compiler's unsigned __int128.
struct NativeU128 {
  unsigned __int128 v = 0;

  static NativeU128 fromInt64(int64_t x) {
    return {static_cast<unsigned __int128>(static_cast<__int128>(x))};
  }
  static NativeU128 product(uint64_t a, uint64_t b) {
    return {static_cast<unsigned __int128>(a) * b};
  }
  uint64_t high() const { return static_cast<uint64_t>(v >> 64); }
  uint64_t low() const { return static_cast<uint64_t>(v); }
  friend NativeU128 operator+(NativeU128 a, NativeU128 b) { return {a.v + b.v}; }
  friend NativeU128 operator-(NativeU128 a) { return {-a.v}; }
  friend NativeU128 operator<<(NativeU128 a, int s) { return {a.v << s}; }
  friend NativeU128 operator>>(NativeU128 a, int s) { return {a.v >> s}; }
  static NativeU128 one() { return {1}; }
};
using U128 = NativeU128;
#else
using U128 = PortableU128;
#endif

inline uint64_t magnitude(int64_t v) {
  return v < 0 ? uint64_t(0) - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
}

/// a * b exactly, in two's complement.
template <typename U> U signedProduct(int64_t a, int64_t b) {
  const U p = U::product(magnitude(a), magnitude(b));
  return (a < 0) != (b < 0) ? -p : p;
}

/// RoundShift(v, t) of docs/quantization.md -- sign(v) * floor((|v| + 2^(t-1)) / 2^t)
/// for t >= 1, v * 2^-t for t <= 0 -- saturated to int64. v is two's
/// complement with |v| < 2^126 (every caller's values are far smaller).
template <typename U> int64_t roundShiftSaturate(U v, int64_t t) {
  const bool negative = v.high() >> 63;
  U mag = negative ? -v : v;
  constexpr uint64_t maxPositive = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (t >= 127)
    return 0; // |v| < 2^126 <= 2^(t-1)
  bool overflow = false;
  if (t >= 1) {
    mag = (mag + (U::one() << static_cast<int>(t - 1))) >> static_cast<int>(t);
  } else if (mag.high() != 0 || mag.low() != 0) {
    const int64_t s = -t; // |v| * 2^s; beyond 2^63 saturates anyway
    overflow = s >= 64 || (mag >> static_cast<int>(64 - s)).high() != 0 ||
               (mag >> static_cast<int>(64 - s)).low() != 0;
    if (!overflow)
      mag = mag << static_cast<int>(s);
  }
  overflow = overflow || mag.high() != 0 || mag.low() > maxPositive + (negative ? 1 : 0);
  if (overflow)
    return negative ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max();
  return negative ? static_cast<int64_t>(uint64_t(0) - mag.low()) : static_cast<int64_t>(mag.low());
}

} // namespace vitc::rt::detail

#endif // VITC_RT_KERNELS_QWIDE_H
