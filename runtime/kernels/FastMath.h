//===- FastMath.h - Vectorisable float exp, erf and tanh ----------*- C++ -*-===//
//
// Private to runtime/kernels. Branch-free float implementations that GCC and
// Clang vectorise inside plain loops (std::expf/erff are library calls and
// do not), used by the f32 elementwise and softmax kernels. Only + - * / and
// comparisons, so results are the same on every target built with
// -ffp-contract=off.
//
// The polynomial coefficients were fitted for this file (least squares on
// Chebyshev nodes in double, then checked with float evaluation). Measured
// errors against the double-precision std:: functions, over the dense sweeps
// in test/unit/runtime/ElementwiseTest.cpp:
//   fastExp     max relative error 8.1e-8 (0.7 ulp) over the normal range;
//               denormal results within one denormal step
//   fastErf     max absolute error 7.5e-8, 1.3 ulp, over [-6, 6]
//   fastTanh    max absolute error 7.7e-8, 1.3 ulp, over [-10, 10]
//   Sigmoid, 1 / (1 + fastExp(-x)): max relative error 1.5e-7 over [-80, 80]
//
//===----------------------------------------------------------------------===//
#ifndef VITC_RT_KERNELS_FASTMATH_H
#define VITC_RT_KERNELS_FASTMATH_H

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace vitc::rt::detail {

inline float bitsToFloat(int32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

/// cond ? a : b on bit patterns. GCC (with the default -ftrapping-math) does
/// not if-convert a ternary whose arms are float arithmetic, which stops the
/// vectoriser; a bitwise select of values already computed does vectorise.
inline float selectFloat(bool cond, float a, float b) {
  uint32_t bitsA, bitsB;
  std::memcpy(&bitsA, &a, sizeof a);
  std::memcpy(&bitsB, &b, sizeof b);
  const uint32_t mask = 0u - static_cast<uint32_t>(cond);
  const uint32_t bits = (bitsA & mask) | (bitsB & ~mask);
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

/// c[0] + x (c[1] + x (c[2] + ...)) by Horner's rule (unrolled by the compiler).
template <size_t N> inline float polynomial(float x, const float (&c)[N]) {
  float p = c[N - 1];
  for (size_t i = N - 1; i-- > 0;)
    p = p * x + c[i];
  return p;
}

// Coefficients, lowest degree first.
/// e^r = 1 + r + r^2 P(r) on |r| <= ln2 / 2.
constexpr float kExpTail[] = {5.0e-1f,        1.66666657e-1f, 4.16662693e-2f,
                              8.33342969e-3f, 1.39460247e-3f, 1.98265028e-4f};
/// erf(x) = x + x Q(x^2) on |x| < 1.
constexpr float kErfSmall[] = {1.283791661e-01f,  -3.761262596e-01f, 1.128358245e-01f,
                               -2.685369179e-02f, 5.188099574e-03f,  -8.008193108e-04f,
                               7.847262168e-05f};
/// erfc(x) = P(x - 2.5) on 1 <= x <= 4.
constexpr float kErfcMiddle[] = {
    4.069523711e-04f,  -2.178184688e-03f, 5.445688497e-03f,  -8.351770230e-03f, 8.622604422e-03f,
    -6.109108683e-03f, 2.797554713e-03f,  -5.603614845e-04f, -2.587300842e-04f, 2.706192899e-04f,
    -8.110049384e-05f, -1.776065801e-05f, 1.571927896e-05f,  -4.985049600e-07f, -8.901382103e-07f};
/// tanh(x) = x + x t P(t), t = x^2, on |x| < 0.625.
constexpr float kTanhSmall[] = {-3.333333433e-01f, 1.333330423e-01f,  -5.395940691e-02f,
                                2.176997066e-02f,  -8.347000927e-03f, 2.295857063e-03f};

/// cond ? a : b for float or double, vectorisable for float.
template <typename T> T selectValue(bool cond, T a, T b) {
  if constexpr (std::is_same_v<T, float>)
    return selectFloat(cond, a, b);
  else
    return cond ? a : b;
}

/// e^x. Cody-Waite reduction x = n ln2 + r, |r| <= ln2/2, a degree-7
/// polynomial for e^r, and 2^n applied as two exact power-of-two factors so
/// that results in the denormal range are right as well. NaN propagates,
/// overflow gives +inf and underflow 0.
inline float fastExp(float x) {
  // Clamp first (NaN maps to the low end; restored at the end) so that the
  // integer conversion below is always defined.
  float clamped = selectFloat(x >= -104.0f, x, -104.0f);
  clamped = selectFloat(clamped > 88.8f, 88.8f, clamped);
  // Round x / ln2 to the nearest integer with the 1.5 * 2^23 trick.
  const float shifter = 12582912.0f;
  const float n = (clamped * 1.44269502f + shifter) - shifter;
  const float r = (clamped - n * 0.693359375f) - n * -2.12194440e-4f;
  const float er = 1.0f + (r + (r * r) * polynomial(r, kExpTail));
  const int32_t ni = static_cast<int32_t>(n);
  const int32_t half = ni / 2;
  const float scaled = er * bitsToFloat((half + 127) << 23) * bitsToFloat((ni - half + 127) << 23);
  return selectFloat(x != x, x, scaled);
}

/// erf(x). Odd; |x| < 1: x + x Q(x^2) (degree 6); 1 <= |x| < 4:
/// 1 - P(|x| - 2.5) with P a degree-14 fit of erfc; beyond: +-1 (erfc(4)
/// is below half an ulp of 1).
inline float fastErf(float x) {
  const float a = std::fabs(x);
  const float t = a * a;
  const float small = a + a * polynomial(t, kErfSmall);

  const float u = selectFloat(a > 4.0f, 4.0f, a) - 2.5f;
  const float large = selectFloat(a >= 4.0f, 1.0f, 1.0f - polynomial(u, kErfcMiddle));

  // NaN: every comparison is false and `large` is 1 - NaN = NaN.
  const float magnitude = selectFloat(a < 1.0f, small, large);
  return selectFloat(x < 0.0f, -magnitude, magnitude);
}

/// tanh(x). Odd; |x| < 0.625: x + x t P(t), t = x^2 (degree 5);
/// otherwise 1 - 2 / (e^{2|x|} + 1).
inline float fastTanh(float x) {
  const float a = std::fabs(x);
  const float t = a * a;
  const float small = a + a * (t * polynomial(t, kTanhSmall));
  const float large = 1.0f - 2.0f / (fastExp(2.0f * a) + 1.0f);
  const float magnitude = selectFloat(a < 0.625f, small, large);
  return selectFloat(x < 0.0f, -magnitude, magnitude);
}

} // namespace vitc::rt::detail

#endif // VITC_RT_KERNELS_FASTMATH_H
