//===- OnnxImporter.h - ONNX graph -> vit dialect -----------------*- C++ -*-===//
#ifndef VITC_COMPILER_IMPORT_ONNXIMPORTER_H
#define VITC_COMPILER_IMPORT_ONNXIMPORTER_H

#include "compiler/import/OnnxLoader.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace vitc::import {

/// Translates a loaded model (checked, opset-converted, shape-inferred) into
/// a module holding `func.func @main` in the vit dialect. Initializers become
/// vit.constant ops (dense_resource blobs for anything but tiny tensors).
/// Every unsupported node is reported in one error (name, op type, opset).
llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
importOnnxModel(mlir::MLIRContext &context, const LoadedOnnxModel &model,
                const std::string &sourceName);

} // namespace vitc::import

#endif // VITC_COMPILER_IMPORT_ONNXIMPORTER_H
