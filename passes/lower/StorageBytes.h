//===- StorageBytes.h - Bytes per element of a value, as stored ---*- C++ -*-===//
#ifndef VITC_PASSES_LOWER_STORAGEBYTES_H
#define VITC_PASSES_LOWER_STORAGEBYTES_H

#include "compiler/interpreter/ConstantTensors.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"

#include <algorithm>

namespace vitc::lower {

/// Bytes of one element of `value` in memory: quantised values in their
/// integer storage (interp::dtypeOf), other types by their bit width.
inline int64_t storageBytes(mlir::Value value) {
  mlir::Type element = value.getType().cast<mlir::ShapedType>().getElementType();
  if (std::optional<rt::DType> dtype = interp::dtypeOf(element))
    return static_cast<int64_t>(rt::dtypeSize(*dtype));
  return std::max<int64_t>(1, (element.getIntOrFloatBitWidth() + 7) / 8);
}

} // namespace vitc::lower

#endif // VITC_PASSES_LOWER_STORAGEBYTES_H
