//===- OnnxExport.h - The compiled graph back to ONNX --------------*- C++ -*-===//
//
// Writes a vit-dialect function as an ONNX model (opset 21). At the quant
// stage every quantised tensor becomes QuantizeLinear -> DequantizeLinear
// (the "QDQ" format ONNX Runtime and other runtimes read): activations per
// tensor (INT8 asymmetric, INT16 symmetric), weights as INT8 initializers
// with per-axis scales, biases as INT32 initializers at s_x * s_w[c]. Ops
// are written in their ONNX form; fused ones are expanded (Linear ->
// MatMul + Add, attention -> MatMul / Softmax / MatMul with its reshapes).
// docs/quantization.md, "QDQ export", says what the export does not carry.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_COMPILER_EXPORT_ONNXEXPORT_H
#define VITC_COMPILER_EXPORT_ONNXEXPORT_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace vitc::exporter {

/// The serialised ModelProto; inputs and outputs keep the given names.
llvm::Expected<std::string> exportOnnx(mlir::func::FuncOp func,
                                       const std::vector<std::string> &inputNames,
                                       const std::vector<std::string> &outputNames);

} // namespace vitc::exporter

#endif // VITC_COMPILER_EXPORT_ONNXEXPORT_H
