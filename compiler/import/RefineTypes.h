//===- RefineTypes.h - Complete the types ONNX shape inference left open -*- C++ -*-===//
#ifndef VITC_COMPILER_IMPORT_REFINETYPES_H
#define VITC_COMPILER_IMPORT_REFINETYPES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/Error.h"

namespace vitc::import {

/// Whether some value of `func` has an unranked type or a dynamic dim.
bool hasOpenTypes(mlir::func::FuncOp func);

/// Gives every value of `func` its exact static type by running the function
/// with the interpreter (on all-zero, then all-one inputs) and recording each
/// result's shape and element type. All inputs must have static shapes, and
/// shapes must not depend on input values -- true of ViT exports, whose only
/// shape arithmetic is Shape/Gather/Concat/Div chains over static dims; a
/// value-dependent shape is reported as an error naming the node. Updates the
/// function signature's result types too.
llvm::Error refineTypesByExecution(mlir::func::FuncOp func);

} // namespace vitc::import

#endif // VITC_COMPILER_IMPORT_REFINETYPES_H
