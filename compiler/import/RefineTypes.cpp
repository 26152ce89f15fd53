//===- RefineTypes.cpp ----------------------------------------------------===//
//
// ONNX's shape inference gives up on common export patterns: a Reshape whose
// target shape is computed as Concat(Unsqueeze(Gather(Shape(x))), C / heads)
// has no inferred rank, because data propagation in onnx 1.12 does not cover
// Div. Once the inputs are specialised every shape in a ViT is fixed, so
// running the graph once yields all of them exactly.
//
//===----------------------------------------------------------------------===//
#include "compiler/import/RefineTypes.h"
#include "compiler/Diagnostics.h"
#include "compiler/interpreter/Interpreter.h"
#include "compiler/interpreter/Kernels.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseMap.h"

using namespace mlir;

namespace vitc::import {

static bool isOpen(Type type) {
  auto shaped = type.dyn_cast<ShapedType>();
  return shaped && !shaped.hasStaticShape();
}

bool hasOpenTypes(func::FuncOp func) {
  bool open = false;
  func.walk([&](Operation *op) {
    for (Type type : op->getResultTypes())
      open |= isOpen(type);
  });
  return open;
}

/// Fills every element of `tensor` with `value` (any dtype).
static void fill(rt::Tensor &tensor, double value) {
  for (int64_t i = 0; i < tensor.numel(); ++i) {
    switch (tensor.dtype()) {
    case rt::DType::F32: tensor.data<float>()[i] = static_cast<float>(value); break;
    case rt::DType::F64: tensor.data<double>()[i] = value; break;
    case rt::DType::I8: tensor.data<int8_t>()[i] = static_cast<int8_t>(value); break;
    case rt::DType::U8: tensor.data<uint8_t>()[i] = static_cast<uint8_t>(value); break;
    case rt::DType::I16: tensor.data<int16_t>()[i] = static_cast<int16_t>(value); break;
    case rt::DType::I32: tensor.data<int32_t>()[i] = static_cast<int32_t>(value); break;
    case rt::DType::I64: tensor.data<int64_t>()[i] = static_cast<int64_t>(value); break;
    case rt::DType::Bool: tensor.data<bool>()[i] = value != 0; break;
    }
  }
}

llvm::Error refineTypesByExecution(func::FuncOp func) {
  auto error = [](const std::string &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
  };
  std::vector<rt::Tensor> inputs;
  for (BlockArgument arg : func.getArguments()) {
    auto type = arg.getType().dyn_cast<RankedTensorType>();
    std::optional<rt::DType> dtype = type ? interp::dtypeOf(type.getElementType()) : std::nullopt;
    if (!type || !type.hasStaticShape() || !dtype)
      return error("cannot complete the shapes ONNX inference left open: input " +
                   std::to_string(arg.getArgNumber()) + " has no static shape");
    inputs.emplace_back(*dtype, rt::Shape(type.getShape().begin(), type.getShape().end()));
  }
  auto interpreter = interp::Interpreter::create(func, /*pool=*/nullptr, /*checkTypes=*/false);
  if (!interpreter)
    return error("cannot complete the shapes ONNX inference left open: " +
                 llvm::toString(interpreter.takeError()));

  // Two runs, on zeros and on ones: a shape that differs between them, or from
  // a static type ONNX inferred, depends on input values, which vitc does not
  // support (every ViT shape is fixed by the input shapes alone).
  llvm::DenseMap<Value, std::pair<rt::Shape, rt::DType>> observed;
  Operation *valueDependent = nullptr;
  bool firstRun = true;
  (*interpreter)->setObserver([&](Operation *op, unsigned index, const rt::Tensor &value) {
    Value result = op->getResult(index);
    auto type = result.getType().cast<ShapedType>();
    bool staticMismatch = type.hasStaticShape() &&
                          llvm::ArrayRef<int64_t>(value.shape()) != type.getShape();
    auto [it, inserted] = observed.try_emplace(result, value.shape(), value.dtype());
    // Report the earliest such op: later ones only inherit its shape.
    if ((staticMismatch || (!firstRun && it->second.first != value.shape())) &&
        (!valueDependent || op->isBeforeInBlock(valueDependent)))
      valueDependent = op;
  });
  for (double value : {0.0, 1.0}) {
    for (rt::Tensor &input : inputs)
      fill(input, value);
    auto ran = (*interpreter)->run(inputs);
    if (!ran)
      return error("cannot complete the shapes ONNX inference left open (running the graph "
                   "on constant inputs failed): " + llvm::toString(ran.takeError()));
    firstRun = false;
  }
  if (valueDependent)
    return error(locationText(valueDependent->getLoc()) + " (" +
                 valueDependent->getName().getStringRef().str() +
                 ") produces a shape that depends on the values of the model inputs; vitc "
                 "supports only shapes fixed by the input shapes");

  Builder builder(func.getContext());
  for (auto &[value, info] : observed)
    if (isOpen(value.getType()))
      value.setType(RankedTensorType::get(info.first, interp::elementTypeOf(info.second, builder)));
  Operation *terminator = func.getBody().front().getTerminator();
  func.setType(builder.getFunctionType(func.getArgumentTypes(), terminator->getOperandTypes()));
  return llvm::Error::success();
}

} // namespace vitc::import
