//===- DTypeDispatch.h - Run a generic lambda for a runtime dtype -*- C++ -*-===//
//
// Private to runtime/kernels. The kernels are templates over the element type;
// these helpers turn a DType known only at run time into a call of a generic
// lambda with a TypeTag<T>, or throw vitc::rt::Error naming the op when the
// dtype is not in the accepted family.
//
//   dispatchArithmetic(x.dtype(), "Add", [&](auto tag) {
//     using T = typename decltype(tag)::type;
//     ...
//   });
//
//===----------------------------------------------------------------------===//
#ifndef VITC_RT_KERNELS_DTYPEDISPATCH_H
#define VITC_RT_KERNELS_DTYPEDISPATCH_H

#include "vitc/rt/Tensor.h"

#include <string>
#include <utility>

namespace vitc::rt::detail {

template <typename T> struct TypeTag { using type = T; };

[[noreturn]] inline void throwUnsupportedDType(const char *op, DType type, const char *accepted) {
  throw Error(std::string(op) + ": unsupported dtype " + dtypeName(type) + " (takes " + accepted +
              ")");
}

/// F32 and F64.
template <typename Fn> decltype(auto) dispatchFloat(DType type, const char *op, Fn &&fn) {
  switch (type) {
  case DType::F32:
    return fn(TypeTag<float>{});
  case DType::F64:
    return fn(TypeTag<double>{});
  default:
    throwUnsupportedDType(op, type, "f32, f64");
  }
}

/// Every numeric dtype: F32, F64, I8, U8, I16, I32, I64 (not Bool).
template <typename Fn> decltype(auto) dispatchArithmetic(DType type, const char *op, Fn &&fn) {
  switch (type) {
  case DType::F32:
    return fn(TypeTag<float>{});
  case DType::F64:
    return fn(TypeTag<double>{});
  case DType::I8:
    return fn(TypeTag<int8_t>{});
  case DType::U8:
    return fn(TypeTag<uint8_t>{});
  case DType::I16:
    return fn(TypeTag<int16_t>{});
  case DType::I32:
    return fn(TypeTag<int32_t>{});
  case DType::I64:
    return fn(TypeTag<int64_t>{});
  default:
    throwUnsupportedDType(op, type, "f32, f64, i8, u8, i16, i32, i64");
  }
}

/// Every dtype including Bool.
template <typename Fn> decltype(auto) dispatchAll(DType type, const char *op, Fn &&fn) {
  if (type == DType::Bool)
    return fn(TypeTag<bool>{});
  return dispatchArithmetic(type, op, std::forward<Fn>(fn));
}

/// Calls fn(TypeTag<Word>) with the unsigned integer type as wide as one
/// element of `type`: data movement kernels copy elements as opaque words.
template <typename Fn> decltype(auto) dispatchWord(DType type, Fn &&fn) {
  switch (dtypeSize(type)) {
  case 1:
    return fn(TypeTag<uint8_t>{});
  case 2:
    return fn(TypeTag<uint16_t>{});
  case 4:
    return fn(TypeTag<uint32_t>{});
  default:
    return fn(TypeTag<uint64_t>{});
  }
}

} // namespace vitc::rt::detail

#endif // VITC_RT_KERNELS_DTYPEDISPATCH_H
