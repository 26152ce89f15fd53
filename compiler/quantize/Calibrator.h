//===- Calibrator.h - Activation statistics from the fp32 interpreter -*- C++ -*-===//
//
// Runs the graph-stage function over the calibration samples twice (ranges,
// then histograms) with one calib::TensorObserver per activation: every f32
// result of a vit op (not constants) and every f32 argument. Then picks the
// clipping ranges and writes them as the annotations vit-quantize reads.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_COMPILER_QUANTIZE_CALIBRATOR_H
#define VITC_COMPILER_QUANTIZE_CALIBRATOR_H

#include "vitc/calib/Observer.h"
#include "vitc/calib/RangeSelection.h"
#include "vitc/rt/Tensor.h"
#include "vitc/rt/ThreadPool.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/Error.h"

#include <functional>
#include <string>
#include <vector>

namespace vitc::quantize {

/// One activation tensor: where it comes from and what was observed.
struct Activation {
  mlir::Value value;
  std::string name;        ///< the producing ONNX node, or "input:NAME"
  std::string op;          ///< "vit.linear", or "input"
  int64_t elements = 0;    ///< per inference
  calib::TensorObserver observer;
  calib::Range range;      ///< chosen by selectRanges
  int bits = 8;
};

/// samples[i] holds the function's inputs for one run.
using Samples = std::vector<std::vector<rt::Tensor>>;
using Progress = std::function<void(const std::string &phase, int64_t done, int64_t total)>;

/// Every activation of `func`, in program order (arguments first).
std::vector<Activation> findActivations(mlir::func::FuncOp func);

/// Both observer passes over `samples`.
llvm::Error observe(mlir::func::FuncOp func, const Samples &samples,
                    std::vector<Activation> &activations, rt::ThreadPool *pool,
                    const Progress &progress);

/// Picks every activation's range with `options`.
void selectRanges(std::vector<Activation> &activations, const calib::RangeOptions &options);

/// Writes vit.act_ranges / vit.act_bits (ops) and vit.act_range /
/// vit.act_bits (arguments) for vit-quantize.
void annotate(mlir::func::FuncOp func, const std::vector<Activation> &activations);

} // namespace vitc::quantize

#endif // VITC_COMPILER_QUANTIZE_CALIBRATOR_H
