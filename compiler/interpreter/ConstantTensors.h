//===- ConstantTensors.h - Runtime tensors <-> MLIR constants ------*- C++ -*-===//
//
// The one conversion between vitc::rt::Tensor and MLIR element types and
// attributes, shared by the importer (initializers), the interpreter
// (constants) and the passes that evaluate ops (constant folding).
//
//===----------------------------------------------------------------------===//
#ifndef VITC_COMPILER_INTERPRETER_CONSTANTTENSORS_H
#define VITC_COMPILER_INTERPRETER_CONSTANTTENSORS_H

#include "vitc/rt/Tensor.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/Support/Error.h"

#include <optional>

namespace vitc::interp {

/// The runtime dtype of an MLIR element type; std::nullopt if unsupported.
std::optional<rt::DType> dtypeOf(mlir::Type elementType);
/// The MLIR element type of a runtime dtype.
mlir::Type elementTypeOf(rt::DType dtype, mlir::Builder &builder);

/// A tensor for an elements attribute: a zero-copy view of dense or
/// dense_resource storage when possible, else a materialised copy.
llvm::Expected<rt::Tensor> tensorFromAttr(mlir::ElementsAttr attr);

/// Tensors with at most this many elements become plain dense attributes
/// (readable in the IR, cheap to match in patterns); larger ones are
/// dense_resource blobs, never uniqued.
constexpr int64_t kInlineElementLimit = 16;

/// An elements attribute holding `tensor`: a splat when every element is
/// equal, a dense attribute when small, else a dense_resource blob whose key
/// derives from `blobName` (made unique by the blob manager).
mlir::ElementsAttr attrFromTensor(const rt::Tensor &tensor, mlir::MLIRContext *context,
                                  llvm::StringRef blobName);

} // namespace vitc::interp

#endif // VITC_COMPILER_INTERPRETER_CONSTANTTENSORS_H
