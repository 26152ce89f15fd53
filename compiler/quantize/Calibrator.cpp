//===- Calibrator.cpp -----------------------------------------------------===//
#include "compiler/quantize/Calibrator.h"

#include "compiler/interpreter/Interpreter.h"
#include "dialects/vit/VitOps.h"

#include "llvm/ADT/DenseMap.h"

using namespace mlir;

namespace vitc::quantize {

static bool isF32Tensor(Type type) {
  auto ranked = type.dyn_cast<RankedTensorType>();
  return ranked && ranked.getElementType().isF32() && ranked.hasStaticShape();
}

std::vector<Activation> findActivations(func::FuncOp func) {
  std::vector<Activation> activations;
  for (BlockArgument arg : func.getArguments()) {
    if (!isF32Tensor(arg.getType()))
      continue;
    Activation a;
    a.value = arg;
    auto name = func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "vit.name");
    a.name = "input:" + (name ? name.str() : std::to_string(arg.getArgNumber()));
    a.op = "input";
    a.elements = arg.getType().cast<ShapedType>().getNumElements();
    activations.push_back(std::move(a));
  }
  func.walk([&](Operation *op) {
    if (!isa<vit::VitDialect>(op->getDialect()) || isa<vit::ConstantOp>(op))
      return;
    for (OpResult result : op->getResults()) {
      if (!isF32Tensor(result.getType()))
        continue;
      Activation a;
      a.value = result;
      if (auto loc = op->getLoc().dyn_cast<NameLoc>())
        a.name = loc.getName().str();
      else
        a.name = op->getName().getStringRef().str();
      if (op->getNumResults() > 1)
        a.name += "#" + std::to_string(result.getResultNumber());
      a.op = op->getName().getStringRef().str();
      a.elements = result.getType().cast<ShapedType>().getNumElements();
      activations.push_back(std::move(a));
    }
  });
  return activations;
}

llvm::Error observe(func::FuncOp func, const Samples &samples, std::vector<Activation> &activations,
                    rt::ThreadPool *pool, const Progress &progress) {
  auto interpreter = interp::Interpreter::create(func, pool);
  if (!interpreter)
    return interpreter.takeError();
  llvm::DenseMap<Value, Activation *> byValue;
  for (Activation &a : activations)
    byValue[a.value] = &a;
  bool histogramPass = false;
  auto record = [&](Activation &a, const rt::Tensor &value) {
    const float *data = value.data<float>();
    if (histogramPass)
      a.observer.observeHistogram(data, value.numel());
    else
      a.observer.observeRange(data, value.numel());
  };
  (*interpreter)->setObserver([&](Operation *op, unsigned index, const rt::Tensor &value) {
    auto it = byValue.find(op->getResult(index));
    if (it != byValue.end())
      record(*it->second, value);
  });
  for (int pass = 0; pass < 2; ++pass) {
    histogramPass = pass == 1;
    if (histogramPass)
      for (Activation &a : activations)
        a.observer.beginHistogram();
    const std::string phase = histogramPass ? "calibrating (histograms)" : "calibrating (ranges)";
    for (size_t s = 0; s < samples.size(); ++s) {
      for (BlockArgument arg : func.getArguments())
        if (auto it = byValue.find(arg); it != byValue.end())
          record(*it->second, samples[s][arg.getArgNumber()]);
      auto outputs = (*interpreter)->run(samples[s]);
      if (!outputs)
        return outputs.takeError();
      if (progress)
        progress(phase, static_cast<int64_t>(s + 1), static_cast<int64_t>(samples.size()));
    }
  }
  return llvm::Error::success();
}

void selectRanges(std::vector<Activation> &activations, const calib::RangeOptions &options) {
  for (Activation &a : activations) {
    calib::RangeOptions perTensor = options;
    perTensor.bits = a.bits;
    a.range = a.observer.hasRange() ? calib::selectRange(a.observer, perTensor) : calib::Range{};
  }
}

void annotate(func::FuncOp func, const std::vector<Activation> &activations) {
  Builder b(func.getContext());
  llvm::DenseMap<Operation *, std::pair<SmallVector<float>, SmallVector<int64_t>>> perOp;
  for (const Activation &a : activations) {
    if (auto arg = a.value.dyn_cast<BlockArgument>()) {
      func.setArgAttr(arg.getArgNumber(), "vit.act_range",
                      b.getDenseF32ArrayAttr({a.range.min, a.range.max}));
      func.setArgAttr(arg.getArgNumber(), "vit.act_bits", b.getI64IntegerAttr(a.bits));
      continue;
    }
    Operation *op = a.value.getDefiningOp();
    auto &[ranges, bits] = perOp[op];
    if (ranges.empty()) {
      ranges.assign(2 * op->getNumResults(), 0.0f);
      bits.assign(op->getNumResults(), 8);
    }
    unsigned i = a.value.cast<OpResult>().getResultNumber();
    ranges[2 * i] = a.range.min;
    ranges[2 * i + 1] = a.range.max;
    bits[i] = a.bits;
  }
  for (auto &[op, annotation] : perOp) {
    op->setAttr("vit.act_ranges", b.getDenseF32ArrayAttr(annotation.first));
    op->setAttr("vit.act_bits", b.getDenseI64ArrayAttr(annotation.second));
  }
}

} // namespace vitc::quantize
