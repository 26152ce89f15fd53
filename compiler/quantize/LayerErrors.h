//===- LayerErrors.h - Per-activation error of a quantised model ---*- C++ -*-===//
#ifndef VITC_COMPILER_QUANTIZE_LAYERERRORS_H
#define VITC_COMPILER_QUANTIZE_LAYERERRORS_H

#include "compiler/quantize/Calibrator.h"

namespace vitc::quantize {

struct LayerError {
  double sqnrDb = 0;
  double kl = 0;
};

/// Runs `reference` (fp32, graph stage) and `quantized` (the same function
/// after vit-quantize) on every sample and compares each activation of
/// `reference` (findActivations order) with its dequantised counterpart.
/// The quantise pass adds and removes no vit op other than constants, so
/// activations pair up by position.
llvm::Expected<std::vector<LayerError>> measureLayerErrors(mlir::func::FuncOp reference,
                                                           mlir::func::FuncOp quantized,
                                                           const Samples &samples,
                                                           rt::ThreadPool *pool);

} // namespace vitc::quantize

#endif // VITC_COMPILER_QUANTIZE_LAYERERRORS_H
