//===- QuantizedConstants.h - Quantised types and constants --------*- C++ -*-===//
//
// Private to passes/compress: MLIR quant types for the parameters of
// docs/quantization.md, and constants holding integer storage reinterpreted
// as a quantised type with quant.scast.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_PASSES_COMPRESS_QUANTIZEDCONSTANTS_H
#define VITC_PASSES_COMPRESS_QUANTIZEDCONSTANTS_H

#include "vitc/calib/QuantParams.h"
#include "vitc/rt/Tensor.h"

#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/IR/Builders.h"

namespace vitc::compress {

/// !quant.uniform<i8:f32, s:z> (INT8) or !quant.uniform<i16<-32767:32767>:f32, s>.
mlir::quant::UniformQuantizedType activationType(const calib::QuantParams &params,
                                                 mlir::MLIRContext *context);

/// Quantises the f32 constant `weight` (output channels along dim 0) per
/// channel to `bits`; returns the quantised value (an integer vit.constant
/// behind a quant.scast to a per-axis type) and the channel scales.
mlir::Value quantizeWeight(mlir::OpBuilder &builder, mlir::Location loc, const rt::Tensor &weight,
                           int bits, llvm::StringRef name, std::vector<float> &scales);

/// The int32 bias at scale inputScale * weightScales[c], behind a quant.scast.
mlir::Value quantizeBias(mlir::OpBuilder &builder, mlir::Location loc, const rt::Tensor &bias,
                         float inputScale, const std::vector<float> &weightScales,
                         llvm::StringRef name);

/// The f32 constant `value` quantised per tensor with `type`'s parameters.
mlir::Value quantizeTensor(mlir::OpBuilder &builder, mlir::Location loc, const rt::Tensor &value,
                           mlir::quant::UniformQuantizedType type, llvm::StringRef name);

} // namespace vitc::compress

#endif // VITC_PASSES_COMPRESS_QUANTIZEDCONSTANTS_H
