//===- Interpreter.cpp ----------------------------------------------------===//
#include "compiler/interpreter/Interpreter.h"
#include "compiler/Diagnostics.h"
#include "compiler/interpreter/Kernels.h"
#include "dialects/vit/ShapeUtils.h"
#include "dialects/vit/VitOps.h"

#include "mlir/Dialect/Quant/QuantOps.h"

#include "vitc/rt/Error.h"

#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace vitc::interp {

const rt::Tensor *BuildContext::constant(Value value) const {
  auto it = constants_.find(value);
  return it == constants_.end() ? nullptr : &it->second;
}

const KernelBuilder *KernelRegistry::find(Operation *op) const {
  auto info = op->getRegisteredInfo();
  if (!info)
    return nullptr;
  auto it = builders_.find(info->getTypeID());
  return it == builders_.end() ? nullptr : &it->second;
}

const KernelRegistry &kernelRegistry() {
  static const KernelRegistry instance = [] {
    KernelRegistry r;
    addElementwiseKernels(r);
    addNeuralKernels(r);
    addLayoutKernels(r);
    addAttentionKernels(r);
    addQuantCastKernels(r);
    return r;
  }();
  return instance;
}

llvm::Expected<std::vector<rt::Tensor>> evaluateOp(Operation *op, BuildContext &ctx,
                                                   const std::vector<rt::Tensor> &inputs) {
  const KernelBuilder *builder = kernelRegistry().find(op);
  if (!builder)
    return kernelError(op, "no kernel for this op");
  llvm::Expected<KernelFn> kernel = (*builder)(op, ctx);
  if (!kernel)
    return kernel.takeError();
  std::vector<const rt::Tensor *> pointers;
  for (const rt::Tensor &t : inputs)
    pointers.push_back(&t);
  try {
    return (*kernel)(pointers);
  } catch (const std::exception &e) {
    return kernelError(op, e.what());
  }
}

namespace {
struct Step {
  Operation *op;
  KernelFn kernel;
  std::vector<int> inputs;  ///< slots of the present operands
  std::vector<int> outputs; ///< slots of the results
  std::vector<int> release; ///< slots whose last reader is this step
};

/// "1x197x192" with '?' for dynamic dims.
std::string typeShapeText(ShapedType type) {
  if (!type.hasRank())
    return "unranked";
  std::string text;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    if (i)
      text += 'x';
    int64_t d = type.getDimSize(i);
    text += ShapedType::isDynamic(d) ? "?" : std::to_string(d);
  }
  return text.empty() ? "scalar" : text;
}

bool matchesType(const rt::Tensor &tensor, ShapedType type) {
  if (!type.hasRank() || tensor.rank() != type.getRank())
    return false;
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (!ShapedType::isDynamic(type.getDimSize(i)) && type.getDimSize(i) != tensor.shape()[i])
      return false;
  return dtypeOf(type.getElementType()) == tensor.dtype();
}
} // namespace

struct Interpreter::Impl {
  func::FuncOp func;
  rt::ThreadPool *pool = nullptr;
  BuildContext context{nullptr};
  std::vector<Step> steps;
  int numSlots = 0;
  std::vector<std::pair<int, rt::Tensor>> constantSlots;
  std::vector<int> resultSlots;
  Observer observer;
  Transform transform;
  bool checkTypes = true;
};

Interpreter::Interpreter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Interpreter::~Interpreter() = default;

void Interpreter::setObserver(Observer observer) { impl_->observer = std::move(observer); }
void Interpreter::setTransform(Transform transform) { impl_->transform = std::move(transform); }

llvm::Expected<std::unique_ptr<Interpreter>>
Interpreter::create(func::FuncOp func, rt::ThreadPool *pool, bool checkTypes) {
  auto impl = std::make_unique<Impl>();
  impl->checkTypes = checkTypes;
  impl->func = func;
  impl->pool = pool;
  impl->context = BuildContext(pool);
  llvm::DenseMap<Value, int> slots;
  auto slotOf = [&](Value v) {
    auto [it, inserted] = slots.try_emplace(v, impl->numSlots);
    if (inserted)
      ++impl->numSlots;
    return it->second;
  };
  Block &body = func.getBody().front();
  for (BlockArgument arg : body.getArguments())
    slotOf(arg);

  std::vector<std::string> unsupported;
  for (Operation &op : body.without_terminator()) {
    if (auto constant = dyn_cast<vit::ConstantOp>(op)) {
      llvm::Expected<rt::Tensor> tensor = tensorFromAttr(constant.getValue());
      if (!tensor)
        return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                       locationText(op.getLoc()) + ": " +
                                           llvm::toString(tensor.takeError()));
      impl->context.setConstant(constant.getResult(), *tensor);
      impl->constantSlots.emplace_back(slotOf(constant.getResult()), *tensor);
      continue;
    }
    // A quantised constant (integer storage behind quant.scast) is a constant
    // too, so kernels can pre-pack it.
    if (auto cast = dyn_cast<quant::StorageCastOp>(op))
      if (const rt::Tensor *storage = impl->context.constant(cast.getArg())) {
        const rt::Tensor tensor = *storage; // setConstant may move the map's entries
        impl->context.setConstant(cast.getResult(), tensor);
        impl->constantSlots.emplace_back(slotOf(cast.getResult()), tensor);
        continue;
      }
    std::optional<llvm::Expected<KernelFn>> quantized = buildQuantizedKernel(&op, impl->context);
    if (!quantized && !kernelRegistry().find(&op)) {
      unsupported.push_back(op.getName().getStringRef().str());
      continue;
    }
    llvm::Expected<KernelFn> kernel = quantized ? std::move(*quantized)
                                                : (*kernelRegistry().find(&op))(&op, impl->context);
    if (!kernel)
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     locationText(op.getLoc()) + ": " +
                                         llvm::toString(kernel.takeError()));
    Step step{&op, std::move(*kernel), {}, {}, {}};
    for (Value operand : op.getOperands())
      step.inputs.push_back(slotOf(operand));
    for (Value result : op.getResults())
      step.outputs.push_back(slotOf(result));
    impl->steps.push_back(std::move(step));
  }
  if (!unsupported.empty()) {
    std::string list;
    for (const std::string &name : unsupported)
      list += (list.empty() ? "" : ", ") + name;
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "the interpreter cannot run: " + list);
  }
  for (Value result : body.getTerminator()->getOperands())
    impl->resultSlots.push_back(slotOf(result));

  // Release each intermediate after its last reader; never constants or results.
  std::vector<int> lastReader(impl->numSlots, -1);
  for (size_t s = 0; s < impl->steps.size(); ++s)
    for (int slot : impl->steps[s].inputs)
      lastReader[slot] = static_cast<int>(s);
  std::vector<bool> keep(impl->numSlots, false);
  for (auto &[slot, tensor] : impl->constantSlots)
    keep[slot] = true;
  for (int slot : impl->resultSlots)
    keep[slot] = true;
  for (int slot = 0; slot < impl->numSlots; ++slot)
    if (lastReader[slot] >= 0 && !keep[slot])
      impl->steps[lastReader[slot]].release.push_back(slot);
  return std::unique_ptr<Interpreter>(new Interpreter(std::move(impl)));
}

llvm::Expected<std::vector<rt::Tensor>>
Interpreter::run(const std::vector<rt::Tensor> &inputs) {
  auto error = [](const std::string &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
  };
  Block &body = impl_->func.getBody().front();
  if (inputs.size() != body.getNumArguments())
    return error("the model takes " + std::to_string(body.getNumArguments()) +
                 " inputs, got " + std::to_string(inputs.size()));
  std::vector<rt::Tensor> slots(impl_->numSlots);
  for (unsigned i = 0; i < body.getNumArguments(); ++i) {
    auto type = body.getArgument(i).getType().cast<ShapedType>();
    if (impl_->checkTypes && !matchesType(inputs[i], type))
      return error("input " + std::to_string(i) + " is " + rt::dtypeName(inputs[i].dtype()) +
                   " " + rt::shapeToString(inputs[i].shape()) + ", the model expects " +
                   typeShapeText(type) + " of " +
                   (dtypeOf(type.getElementType()) ? rt::dtypeName(*dtypeOf(type.getElementType()))
                                                   : "an unsupported type"));
    slots[i] = inputs[i];
  }
  for (auto &[slot, tensor] : impl_->constantSlots)
    slots[slot] = tensor;

  std::vector<const rt::Tensor *> operands;
  for (Step &step : impl_->steps) {
    operands.clear();
    for (int slot : step.inputs)
      operands.push_back(&slots[slot]);
    std::vector<rt::Tensor> results;
    try {
      results = step.kernel(operands);
    } catch (const std::exception &e) {
      return error(locationText(step.op->getLoc()) + " (" +
                   step.op->getName().getStringRef().str() + "): " + e.what());
    }
    for (size_t r = 0; r < step.outputs.size(); ++r) {
      auto type = step.op->getResult(r).getType().cast<ShapedType>();
      if (r >= results.size() || (impl_->checkTypes && !matchesType(results[r], type)))
        return error(locationText(step.op->getLoc()) + " (" +
                     step.op->getName().getStringRef().str() + ") computed " +
                     (r < results.size() ? rt::shapeToString(results[r].shape()) : "nothing") +
                     " for result " + std::to_string(r) + ", its type says " +
                     typeShapeText(type));
      if (impl_->transform)
        impl_->transform(step.op, static_cast<unsigned>(r), results[r]);
      if (impl_->observer)
        impl_->observer(step.op, static_cast<unsigned>(r), results[r]);
      slots[step.outputs[r]] = std::move(results[r]);
    }
    for (int slot : step.release)
      slots[slot] = rt::Tensor();
  }
  std::vector<rt::Tensor> outputs;
  for (int slot : impl_->resultSlots)
    outputs.push_back(slots[slot]);
  return outputs;
}

} // namespace vitc::interp
