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

static Type elementTypeFor(rt::DType dtype, Builder &b) {
  switch (dtype) {
  case rt::DType::F32: return b.getF32Type();
  case rt::DType::F64: return b.getF64Type();
  case rt::DType::I8: return b.getIntegerType(8);
  case rt::DType::U8: return b.getIntegerType(8, /*isSigned=*/false);
  case rt::DType::I16: return b.getIntegerType(16);
  case rt::DType::I32: return b.getIntegerType(32);
  case rt::DType::I64: return b.getIntegerType(64);
  case rt::DType::Bool: return b.getI1Type();
  }
  return Type();
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
  llvm::DenseMap<Value, std::pair<rt::Shape, rt::DType>> observed;
  (*interpreter)->setObserver([&](Operation *op, unsigned index, const rt::Tensor &value) {
    if (isOpen(op->getResult(index).getType()))
      observed[op->getResult(index)] = {value.shape(), value.dtype()};
  });
  auto ran = (*interpreter)->run(inputs);
  if (!ran)
    return error("cannot complete the shapes ONNX inference left open (running the graph "
                 "on zeros failed): " + llvm::toString(ran.takeError()));

  Builder builder(func.getContext());
  for (auto &[value, info] : observed)
    value.setType(RankedTensorType::get(info.first, elementTypeFor(info.second, builder)));
  Operation *terminator = func.getBody().front().getTerminator();
  func.setType(builder.getFunctionType(func.getArgumentTypes(), terminator->getOperandTypes()));
  return llvm::Error::success();
}

} // namespace vitc::import
