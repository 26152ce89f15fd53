//===- VerifyElementwise.cpp - Verifiers of elementwise vit ops -----------===//
#include "dialects/vit/ShapeUtils.h"
#include "dialects/vit/VitOps.h"

#include "mlir/Dialect/Traits.h"

using namespace mlir;
using namespace vitc::vit;

/// The real element type (quantised types compare by what they express).
static Type elementTypeOf(Value value) { return realElementType(value.getType()); }

LogicalResult PowOp::verify() {
  if (elementTypeOf(getLhs()) != elementTypeOf(getOutput()))
    return emitOpError("result element type must be the base's element type");
  return success();
}

/// Min/Max/Sum: every input broadcasts into the result.
static LogicalResult verifyVariadicBroadcast(Operation *op) {
  if (op->getNumOperands() == 0)
    return op->emitOpError("needs at least one input");
  SmallVector<int64_t> shape;
  for (Value input : op->getOperands()) {
    SmallVector<int64_t> next;
    if (!mlir::OpTrait::util::getBroadcastedShape(shape, input.getType().cast<ShapedType>().getShape(),
                                            next))
      return op->emitOpError("inputs do not broadcast together");
    shape = next;
  }
  return verifyShapeMatches(op, "result", shape,
                            op->getResult(0).getType().cast<ShapedType>().getShape());
}
LogicalResult MinOp::verify() { return verifyVariadicBroadcast(*this); }
LogicalResult MaxOp::verify() { return verifyVariadicBroadcast(*this); }
LogicalResult SumOp::verify() { return verifyVariadicBroadcast(*this); }

LogicalResult GeluOp::verify() {
  if (getApproximate() != "none" && getApproximate() != "tanh")
    return emitOpError("approximate must be \"none\" or \"tanh\", got \"")
           << getApproximate() << "\"";
  return success();
}

LogicalResult ClipOp::verify() {
  Type element = elementTypeOf(getInput());
  for (Value bound : {getMin(), getMax()}) {
    if (!bound)
      continue;
    auto type = bound.getType().cast<RankedTensorType>();
    if (realElementType(type) != element)
      return emitOpError("bounds must have the input's element type");
    if (type.hasStaticShape() && type.getNumElements() != 1)
      return emitOpError("bounds must be scalars");
  }
  if (elementTypeOf(getOutput()) != element)
    return emitOpError("result element type must be the input's");
  return verifyShapeMatches(*this, "result", getInput().getType().getShape(),
                            getOutput().getType().getShape());
}

LogicalResult WhereOp::verify() {
  if (elementTypeOf(getX()) != elementTypeOf(getY()) ||
      elementTypeOf(getX()) != elementTypeOf(getOutput()))
    return emitOpError("x, y and the result must share an element type");
  return success();
}

LogicalResult CastOp::verify() {
  if (elementTypeOf(getOutput()) != getTo())
    return emitOpError("result element type ") << elementTypeOf(getOutput())
                                               << " differs from `to` " << getTo();
  return success();
}
