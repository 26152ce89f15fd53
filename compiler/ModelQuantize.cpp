//===- ModelQuantize.cpp - vitc::Model::quantize --------------------------===//
//
// Calibration and quantisation through the public API: validate options,
// build the calibration samples (or the documented synthetic set), observe
// with the fp32 interpreter, choose ranges and precisions, annotate, run
// vit-quantize, and report what was decided.
//
//===----------------------------------------------------------------------===//
#include "compiler/ModelImpl.h"

#include "compiler/Diagnostics.h"
#include "compiler/quantize/Calibrator.h"
#include "compiler/quantize/LayerErrors.h"
#include "compiler/quantize/Sensitivity.h"
#include "passes/Passes.h"

#include "vitc/calib/CalibrationData.h"
#include "vitc/calib/MixedPrecision.h"
#include "vitc/rt/kernels/DataMovement.h"

#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/Pass/PassManager.h"

#include <cmath>
#include <random>

namespace vitc {
namespace {

/// The synthetic calibration set: `count` samples of `shape`, standard
/// normal, from mt19937 (seed 0) through Box-Muller, so every platform gets
/// the same values.
std::vector<rt::Tensor> syntheticSamples(const rt::Shape &shape, int count) {
  std::mt19937 engine(0);
  auto uniform = [&] { return (static_cast<double>(engine()) + 0.5) / 4294967296.0; };
  std::vector<rt::Tensor> samples;
  for (int s = 0; s < count; ++s) {
    rt::Tensor t(rt::DType::F32, shape);
    float *data = t.data<float>();
    for (int64_t i = 0; i < t.numel(); i += 2) {
      double r = std::sqrt(-2.0 * std::log(uniform())), phi = 2.0 * M_PI * uniform();
      data[i] = static_cast<float>(r * std::cos(phi));
      if (i + 1 < t.numel())
        data[i + 1] = static_cast<float>(r * std::sin(phi));
    }
    samples.push_back(t);
  }
  return samples;
}

Status validate(const QuantizeOptions &options, calib::CalibMethod &method) {
  if (options.weightBits == 4)
    return Status::error("--wbits 4 needs INT4 group quantisation (GPTQ), which is not "
                         "implemented yet; use --wbits 8");
  if (options.weightBits != 8)
    return Status::error("--wbits must be 8 (or 4, once INT4 exists), got " +
                         std::to_string(options.weightBits));
  if (options.activationBits != "8" && options.activationBits != "16" &&
      options.activationBits != "auto")
    return Status::error("--abits must be 8, 16 or auto, got '" + options.activationBits + "'");
  if (!calib::parseCalibMethod(options.calibMethod, method))
    return Status::error("--calib-method must be minmax, percentile, entropy or mse, got '" +
                         options.calibMethod + "'");
  if (!(options.percentile > 50.0 && options.percentile <= 100.0))
    return Status::error("--percentile must be in (50, 100]");
  if (!(options.int16Budget >= 0.0 && options.int16Budget <= 1.0))
    return Status::error("--a16-budget must be in [0, 1]");
  return Status::success();
}

/// The final parameters of `value` from its quantised type (for the report).
void fillFromType(mlir::Value value, QuantizedTensor &entry) {
  mlir::Type type = value.getType();
  if (value.isa<mlir::BlockArgument>())
    for (mlir::Operation *user : value.getUsers())
      if (auto cast = mlir::dyn_cast<mlir::quant::QuantizeCastOp>(user))
        type = cast.getResult().getType();
  auto quantized = type.cast<mlir::ShapedType>()
                       .getElementType()
                       .dyn_cast<mlir::quant::UniformQuantizedType>();
  if (!quantized)
    return;
  entry.scale = static_cast<float>(quantized.getScale());
  entry.zeroPoint = static_cast<int32_t>(quantized.getZeroPoint());
  entry.bits = static_cast<int>(quantized.getStorageTypeIntegralWidth());
}

} // namespace

Status Model::quantize(const QuantizeOptions &options) {
  if (!impl_->module)
    return Status::error("no model is loaded");
  if (impl_->stage == Stage::Quant)
    return Status::error("the model is already quantised");
  calib::CalibMethod method;
  if (Status status = validate(options, method); !status.ok())
    return status;
  if (Status status = runPipeline(Stage::Graph); !status.ok())
    return status;
  mlir::func::FuncOp func = impl_->mainFunc();
  if (func.getNumArguments() != 1)
    return Status::error("calibration needs a model with one input; this one has " +
                         std::to_string(func.getNumArguments()));
  auto inputType = func.getArgument(0).getType().cast<mlir::ShapedType>();
  rt::Shape inputShape(inputType.getShape().begin(), inputType.getShape().end());

  // One sample per run of the model (its static batch).
  std::vector<rt::Tensor> runs;
  QuantizationReport report;
  if (options.calibration.valid() && options.calibration.numel() > 0) {
    try {
      calib::checkCalibrationShape(options.calibration, inputShape, "the calibration data");
      int64_t batch = inputShape[0];
      for (int64_t b = 0; b + batch <= options.calibration.dim(0); b += batch)
        runs.push_back(rt::slice(options.calibration, {b}, {b + batch}, {0}, {}));
    } catch (const std::exception &e) {
      return Status::error(e.what());
    }
  } else {
    report.syntheticCalibration = true;
    runs = syntheticSamples(inputShape, 32);
    impl_->notes.push_back("no calibration data given (--calib): calibrating on 32 synthetic "
                           "standard-normal inputs; accuracy will suffer on real data");
  }
  if (runs.empty())
    return Status::error("the calibration data holds no complete sample");
  quantize::Samples samples;
  for (rt::Tensor &t : runs)
    samples.push_back({t});

  rt::ThreadPool *pool = impl_->poolFor(options.threads);
  std::vector<quantize::Activation> activations = quantize::findActivations(func);
  if (llvm::Error error = quantize::observe(func, samples, activations, pool, options.progress))
    return Status::error("calibration failed: " + llvm::toString(std::move(error)));

  calib::RangeOptions ranges;
  ranges.method = method;
  ranges.percentile = options.percentile;
  for (quantize::Activation &a : activations)
    a.bits = options.activationBits == "16" ? 16 : 8;
  quantize::selectRanges(activations, ranges);
  std::vector<calib::TensorSensitivity> sensitivity;
  if (options.activationBits == "auto") {
    quantize::Samples subset(samples.begin(),
                             samples.begin() + std::min<int64_t>(options.sensitivitySamples,
                                                                 samples.size()));
    auto measured = quantize::measureSensitivity(func, subset, activations, pool, options.progress);
    if (!measured)
      return Status::error("sensitivity analysis failed: " + llvm::toString(measured.takeError()));
    sensitivity = std::move(*measured);
    for (int index : calib::chooseInt16(sensitivity, options.int16Budget))
      activations[index].bits = 16;
    quantize::selectRanges(activations, ranges);
  }

  impl_->fp32Module = impl_->module->clone();
  quantize::annotate(func, activations);
  mlir::PassManager pm(impl_->context.get());
  pm.nest<mlir::func::FuncOp>().addPass(createApplyQuantization());
  DiagnosticCollector diagnostics(impl_->context.get());
  if (mlir::failed(pm.run(*impl_->module)))
    return Status::error("quantisation failed:\n" + diagnostics.text());
  impl_->stage = Stage::Quant;
  impl_->interpreter.reset();
  impl_->referenceInterpreter.reset();

  report.calibrationSamples = static_cast<int64_t>(samples.size());
  report.method = calib::calibMethodName(method);
  for (size_t i = 0; i < activations.size(); ++i) {
    const quantize::Activation &a = activations[i];
    QuantizedTensor entry;
    entry.name = a.name;
    entry.op = a.op;
    entry.elements = a.elements;
    entry.min = a.range.min;
    entry.max = a.range.max;
    fillFromType(a.value, entry);
    if (!sensitivity.empty()) {
      entry.int8SqnrDb = sensitivity[i].sqnrDb;
      entry.int8Kl = sensitivity[i].kl;
    }
    report.tensors.push_back(entry);
  }
  impl_->quantReport = std::move(report);
  return Status::success();
}

const QuantizationReport &Model::quantizationReport() const { return impl_->quantReport; }

Status Model::measureLayerErrors(const std::vector<std::vector<rt::Tensor>> &inputs,
                                 const RunOptions &options) {
  if (impl_->stage != Stage::Quant || !impl_->fp32Module)
    return Status::error("layer errors need a quantised model (Model::quantize)");
  mlir::func::FuncOp reference =
      mlir::ModuleOp(impl_->fp32Module.get()).lookupSymbol<mlir::func::FuncOp>("main");
  auto errors = quantize::measureLayerErrors(reference, impl_->mainFunc(), inputs,
                                             impl_->poolFor(options.threads));
  if (!errors)
    return Status::error(llvm::toString(errors.takeError()));
  std::vector<QuantizedTensor> &tensors = impl_->quantReport.tensors;
  for (size_t i = 0; i < tensors.size() && i < errors->size(); ++i) {
    tensors[i].sqnrDb = (*errors)[i].sqnrDb;
    tensors[i].kl = (*errors)[i].kl;
  }
  return Status::success();
}

} // namespace vitc
