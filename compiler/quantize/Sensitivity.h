//===- Sensitivity.h - Per-tensor INT8 error for mixed precision --*- C++ -*-===//
//
// --abits auto ranks activations by how much INT8 hurts them: each tensor is
// quantised alone (quantise + dequantise with its calibrated range, all else
// fp32) and the outputs of the ops that read it are compared with the fp32
// run -- SQNR and the KL divergence of their histograms -- and so are the
// model's outputs; the score is the lower SQNR of the two (docs/quantization.md,
// "Mixed precision").
//
//===----------------------------------------------------------------------===//
#ifndef VITC_COMPILER_QUANTIZE_SENSITIVITY_H
#define VITC_COMPILER_QUANTIZE_SENSITIVITY_H

#include "compiler/quantize/Calibrator.h"

#include "vitc/calib/MixedPrecision.h"

namespace vitc::quantize {

/// One entry per activation (same order), measured over `samples`.
llvm::Expected<std::vector<calib::TensorSensitivity>>
measureSensitivity(mlir::func::FuncOp func, const Samples &samples,
                   const std::vector<Activation> &activations, rt::ThreadPool *pool,
                   const Progress &progress);

} // namespace vitc::quantize

#endif // VITC_COMPILER_QUANTIZE_SENSITIVITY_H
