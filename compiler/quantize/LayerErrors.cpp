//===- LayerErrors.cpp ----------------------------------------------------===//
#include "compiler/quantize/LayerErrors.h"
#include "compiler/quantize/ErrorHistogram.h"

#include "compiler/interpreter/Interpreter.h"
#include "compiler/interpreter/Kernels.h"
#include "dialects/vit/VitOps.h"

#include "vitc/calib/Metrics.h"
#include "vitc/rt/kernels/Quantized.h"

#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/Dialect/Quant/QuantTypes.h"
#include "llvm/ADT/DenseMap.h"

#include <cmath>

using namespace mlir;

namespace vitc::quantize {
namespace {

std::vector<Operation *> computeOps(func::FuncOp func) {
  std::vector<Operation *> ops;
  func.walk([&](Operation *op) {
    if (isa<vit::VitDialect>(op->getDialect()) && !isa<vit::ConstantOp>(op))
      ops.push_back(op);
  });
  return ops;
}

/// The value of `quantized` holding activation `value` of `reference`.
Value counterpart(Value value, const llvm::DenseMap<Operation *, Operation *> &ops,
                  func::FuncOp quantized) {
  if (auto arg = value.dyn_cast<BlockArgument>()) {
    Value q = quantized.getArgument(arg.getArgNumber());
    for (Operation *user : q.getUsers())
      if (auto cast = dyn_cast<quant::QuantizeCastOp>(user))
        return cast.getResult();
    return q;
  }
  auto result = value.cast<OpResult>();
  return ops.lookup(result.getOwner())->getResult(result.getResultNumber());
}

/// `value` as f32 (dequantised with its type when quantised).
rt::Tensor real(const rt::Tensor &value, Type type) {
  Type element = type.cast<ShapedType>().getElementType();
  return element.isa<quant::QuantizedType>() ? interp::dequantizeAs(value, element, nullptr)
                                             : value;
}

struct Comparison {
  calib::SqnrMeter sqnr;
  ErrorHistogram reference, quantized;
};

} // namespace

llvm::Expected<std::vector<LayerError>> measureLayerErrors(func::FuncOp reference,
                                                           func::FuncOp quantized,
                                                           const Samples &samples,
                                                           rt::ThreadPool *pool) {
  std::vector<Activation> activations = findActivations(reference);
  std::vector<Operation *> referenceOps = computeOps(reference), quantizedOps = computeOps(quantized);
  if (referenceOps.size() != quantizedOps.size())
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "the quantised model does not match the fp32 model op for op");
  llvm::DenseMap<Operation *, Operation *> pairs;
  for (size_t i = 0; i < referenceOps.size(); ++i)
    pairs[referenceOps[i]] = quantizedOps[i];
  llvm::DenseMap<Value, size_t> referenceIndex, quantizedIndex;
  for (size_t i = 0; i < activations.size(); ++i) {
    referenceIndex[activations[i].value] = i;
    quantizedIndex[counterpart(activations[i].value, pairs, quantized)] = i;
  }

  auto fp32 = interp::Interpreter::create(reference, pool);
  if (!fp32)
    return fp32.takeError();
  auto quant = interp::Interpreter::create(quantized, pool);
  if (!quant)
    return quant.takeError();
  std::vector<Comparison> comparisons(activations.size());
  std::vector<rt::Tensor> values(activations.size());
  (*fp32)->setObserver([&](Operation *op, unsigned i, const rt::Tensor &v) {
    if (auto it = referenceIndex.find(op->getResult(i)); it != referenceIndex.end())
      values[it->second] = v;
  });
  (*quant)->setObserver([&](Operation *op, unsigned i, const rt::Tensor &v) {
    auto it = quantizedIndex.find(op->getResult(i));
    if (it == quantizedIndex.end() || !values[it->second].valid())
      return;
    Comparison &c = comparisons[it->second];
    const rt::Tensor &ref = values[it->second];
    rt::Tensor q = real(v, op->getResult(i).getType());
    if (c.reference.lo == c.reference.hi && ref.numel() > 0) {
      const float *x = ref.data<float>();
      c.reference.lo = c.quantized.lo = *std::min_element(x, x + ref.numel());
      c.reference.hi = c.quantized.hi = *std::max_element(x, x + ref.numel());
    }
    c.sqnr.add(ref.data<float>(), q.data<float>(), ref.numel());
    c.reference.add(ref.data<float>(), ref.numel());
    c.quantized.add(q.data<float>(), q.numel());
  });
  for (const std::vector<rt::Tensor> &sample : samples) {
    for (BlockArgument arg : reference.getArguments())
      if (auto it = referenceIndex.find(arg); it != referenceIndex.end())
        values[it->second] = sample[arg.getArgNumber()];
    if (auto run = (*fp32)->run(sample); !run)
      return run.takeError();
    if (auto run = (*quant)->run(sample); !run)
      return run.takeError();
  }
  std::vector<LayerError> errors;
  for (const Comparison &c : comparisons)
    errors.push_back({c.sqnr.sqnrDb(), calib::klDivergence(c.reference.counts, c.quantized.counts)});
  return errors;
}

} // namespace vitc::quantize
