//===- Sensitivity.cpp ----------------------------------------------------===//
#include "compiler/quantize/Sensitivity.h"
#include "compiler/quantize/ErrorHistogram.h"

#include "compiler/interpreter/Interpreter.h"

#include "vitc/calib/Metrics.h"
#include "vitc/calib/QuantParams.h"
#include "vitc/rt/kernels/Quantized.h"

#include "llvm/ADT/DenseMap.h"

#include <cmath>

using namespace mlir;

namespace vitc::quantize {
namespace {

/// What quantising one activation is compared on: its consumers' outputs
/// (itself when only the function returns it).
struct Probe {
  std::vector<Value> outputs;
  calib::SqnrMeter sqnr;
  calib::SqnrMeter modelOutputs; ///< the function's results, end to end
  std::vector<ErrorHistogram> reference, quantized;
};

rt::Tensor fakeQuantize(const rt::Tensor &value, const Activation &a) {
  calib::QuantParams p = calib::activationParams(a.range.min, a.range.max, 8);
  rt::QuantSpec spec{p.scale, p.zeroPoint, p.qmin, p.qmax, rt::DType::I8};
  return rt::dequantize(rt::quantize(value, spec, nullptr), spec, nullptr);
}

} // namespace

llvm::Expected<std::vector<calib::TensorSensitivity>>
measureSensitivity(func::FuncOp func, const Samples &samples,
                   const std::vector<Activation> &activations, rt::ThreadPool *pool,
                   const Progress &progress) {
  auto interpreter = interp::Interpreter::create(func, pool);
  if (!interpreter)
    return interpreter.takeError();
  llvm::DenseMap<Value, const Activation *> byValue;
  for (const Activation &a : activations)
    byValue[a.value] = &a;

  std::vector<Probe> probes(activations.size());
  for (size_t t = 0; t < activations.size(); ++t) {
    for (Operation *user : activations[t].value.getUsers())
      for (Value result : user->getResults())
        if (byValue.count(result))
          probes[t].outputs.push_back(result);
    if (probes[t].outputs.empty())
      probes[t].outputs.push_back(activations[t].value);
    for (Value out : probes[t].outputs) {
      const calib::TensorObserver &o = byValue[out]->observer;
      ErrorHistogram h;
      h.lo = o.min();
      h.hi = o.max();
      probes[t].reference.push_back(h);
      probes[t].quantized.push_back(h);
    }
  }

  const int64_t total = static_cast<int64_t>(samples.size() * (activations.size() + 1));
  int64_t done = 0;
  for (const std::vector<rt::Tensor> &sample : samples) {
    // The fp32 run: every activation, kept for the comparisons below.
    llvm::DenseMap<Value, rt::Tensor> reference;
    (*interpreter)->setTransform(nullptr);
    (*interpreter)->setObserver([&](Operation *op, unsigned i, const rt::Tensor &v) {
      if (byValue.count(op->getResult(i)))
        reference[op->getResult(i)] = v;
    });
    auto fp32Run = (*interpreter)->run(sample);
    if (!fp32Run)
      return fp32Run.takeError();
    const std::vector<rt::Tensor> fp32Results = std::move(*fp32Run);
    for (BlockArgument arg : func.getArguments())
      reference[arg] = sample[arg.getArgNumber()];
    if (progress)
      progress("measuring INT8 sensitivity", ++done, total);

    for (size_t t = 0; t < activations.size(); ++t) {
      const Activation &a = activations[t];
      Probe &probe = probes[t];
      auto compare = [&](Value value, const rt::Tensor &quantized) {
        for (size_t k = 0; k < probe.outputs.size(); ++k) {
          if (probe.outputs[k] != value)
            continue;
          const rt::Tensor &ref = reference[value];
          probe.sqnr.add(ref.data<float>(), quantized.data<float>(), ref.numel());
          probe.reference[k].add(ref.data<float>(), ref.numel());
          probe.quantized[k].add(quantized.data<float>(), quantized.numel());
        }
      };
      std::vector<rt::Tensor> inputs = sample;
      if (auto arg = a.value.dyn_cast<BlockArgument>())
        inputs[arg.getArgNumber()] = fakeQuantize(inputs[arg.getArgNumber()], a);
      (*interpreter)->setTransform([&](Operation *op, unsigned i, rt::Tensor &v) {
        if (op->getResult(i) == a.value)
          v = fakeQuantize(v, a);
      });
      (*interpreter)->setObserver([&](Operation *op, unsigned i, const rt::Tensor &v) {
        compare(op->getResult(i), v);
      });
      auto run = (*interpreter)->run(inputs);
      if (!run)
        return run.takeError();
      for (size_t r = 0; r < fp32Results.size(); ++r)
        if (fp32Results[r].dtype() == rt::DType::F32)
          probe.modelOutputs.add(fp32Results[r].data<float>(), (*run)[r].data<float>(),
                                 fp32Results[r].numel());
      if (a.value.isa<BlockArgument>() && probe.outputs.front() == a.value)
        compare(a.value, inputs[a.value.cast<BlockArgument>().getArgNumber()]);
      if (progress)
        progress("measuring INT8 sensitivity", ++done, total);
    }
  }

  std::vector<calib::TensorSensitivity> result;
  for (size_t t = 0; t < activations.size(); ++t) {
    calib::TensorSensitivity s;
    // The worse of the local error (the consumers' outputs) and the end-to-end
    // one (the model's outputs): a tensor whose INT8 error is small on average
    // but wipes out the few rows the model's head reads is caught by the latter.
    s.sqnrDb = std::min(probes[t].sqnr.sqnrDb(), probes[t].modelOutputs.sqnrDb());
    for (size_t k = 0; k < probes[t].outputs.size(); ++k)
      s.kl += calib::klDivergence(probes[t].reference[k].counts, probes[t].quantized[k].counts);
    s.bytes = activations[t].elements;
    result.push_back(s);
  }
  return result;
}

} // namespace vitc::quantize
