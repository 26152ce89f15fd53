//===- KernelParams.h - Runtime parameters of quantised vit ops ----*- C++ -*-===//
//
// The one place that turns a quantised vit op's types and attributes into the
// parameters of its runtime/kernels call (docs/quantization.md): the
// interpreter passes them to the kernels, the NPU lowering writes them into
// commands, so the simulator reproduces the interpreter bit for bit.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_COMPILER_INTERPRETER_KERNELPARAMS_H
#define VITC_COMPILER_INTERPRETER_KERNELPARAMS_H

#include "dialects/vit/VitOps.h"

#include "vitc/rt/kernels/Quantized.h"

#include "mlir/Dialect/Quant/QuantTypes.h"

#include <optional>

namespace vitc::interp {

/// The per-tensor quantised element type of a value, or null.
mlir::quant::UniformQuantizedType uniformTypeOf(mlir::Value value);
mlir::quant::UniformQuantizedPerAxisType perAxisTypeOf(mlir::Value value);
rt::QuantSpec quantSpecOf(mlir::quant::UniformQuantizedType type);
/// Whether any operand or result has a quantised element type.
bool hasQuantizedTypes(mlir::Operation *op);

/// Linear / Conv with quantised input and output, per-axis INT8 weight
/// (axis 0) and per-axis int32 bias or none; std::nullopt otherwise (the op
/// then runs on the PPU model).
std::optional<rt::QDenseParams> denseParamsOf(mlir::Operation *op);

struct QMatMulParams {
  rt::QuantSpec a, b, output;
  rt::Requant requant;
};
std::optional<QMatMulParams> matmulParamsOf(vit::MatMulOp op);

struct QAddParams {
  rt::QuantSpec a, b, output;
  rt::Requant aRequant, bRequant;
};
std::optional<QAddParams> addParamsOf(vit::AddOp op);

/// Attention with quantised q, k, v and output and an fp32 bias or none.
std::optional<rt::QAttentionParams> attentionParamsOf(vit::AttentionOp op);

/// Ops that only move elements (reshape, transpose, slice, concat, ...).
bool movesData(mlir::Operation *op);
/// Every data operand and result has the same quantised parameters, so the
/// op moves the integers unchanged.
bool sameParameters(mlir::Operation *op);

} // namespace vitc::interp

#endif // VITC_COMPILER_INTERPRETER_KERNELPARAMS_H
