//===- ElementwiseUtil.h - Defined integer arithmetic and conversions -*- C++ -*-===//
//
// Private to runtime/kernels. Element-level helpers whose result is defined
// for every input, so no kernel has undefined behaviour on user data:
// wrapping integer + - * and negation, and convertValue, the one element
// conversion that Cast, Pow and ConstantOfShape use.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_RT_KERNELS_ELEMENTWISEUTIL_H
#define VITC_RT_KERNELS_ELEMENTWISEUTIL_H

#include <cstdint>
#include <limits>
#include <type_traits>

namespace vitc::rt::detail {

/// Unsigned type wide enough that T's arithmetic in it cannot overflow an
/// int after promotion (uint16 * uint16 would).
template <typename T>
using WrapType = std::conditional_t<(sizeof(T) < 4), uint32_t, std::make_unsigned_t<T>>;

template <typename T> T wrapAdd(T x, T y) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>)
    return static_cast<T>(static_cast<WrapType<T>>(x) + static_cast<WrapType<T>>(y));
  else
    return x + y;
}
template <typename T> T wrapSub(T x, T y) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>)
    return static_cast<T>(static_cast<WrapType<T>>(x) - static_cast<WrapType<T>>(y));
  else
    return x - y;
}
template <typename T> T wrapMul(T x, T y) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>)
    return static_cast<T>(static_cast<WrapType<T>>(x) * static_cast<WrapType<T>>(y));
  else
    return x * y;
}
template <typename T> T wrapNegate(T x) {
  if constexpr (std::is_integral_v<T>)
    return static_cast<T>(WrapType<T>(0) - static_cast<WrapType<T>>(x));
  else
    return -x;
}

/// Converts one element. To bool: v != 0 (NaN is true). Float to integer:
/// truncates toward zero, saturates at the integer's range and maps NaN to
/// 0. Integer to narrower integer: wraps (two's complement). Otherwise the
/// C++ conversion (rounding to nearest for float targets).
template <typename To, typename From> To convertValue(From v) {
  if constexpr (std::is_same_v<To, bool>) {
    return v != From(0);
  } else if constexpr (std::is_floating_point_v<From> && std::is_integral_v<To>) {
    // 2^digits is the first value above the range; exact in float and double.
    const From upper = From(2) * static_cast<From>(std::numeric_limits<To>::max() / 2 + 1);
    const From lower = static_cast<From>(std::numeric_limits<To>::min());
    if (v != v)
      return 0;
    if (v >= upper)
      return std::numeric_limits<To>::max();
    if (v <= lower)
      return std::numeric_limits<To>::min();
    return static_cast<To>(v);
  } else if constexpr (std::is_integral_v<From> && std::is_integral_v<To>) {
    return static_cast<To>(static_cast<std::make_unsigned_t<To>>(v));
  } else {
    return static_cast<To>(v);
  }
}

} // namespace vitc::rt::detail

#endif // VITC_RT_KERNELS_ELEMENTWISEUTIL_H
