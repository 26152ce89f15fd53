//===- VitTraits.cpp ------------------------------------------------------===//
#include "dialects/vit/VitTraits.h"

#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;

namespace vitc::vit {

Type realElementType(Type type) {
  Type element = type.isa<ShapedType>() ? type.cast<ShapedType>().getElementType() : type;
  if (auto quantized = element.dyn_cast<quant::QuantizedType>())
    return quantized.getExpressedType();
  return element;
}

LogicalResult OpTrait::verifySameRealElementType(Operation *op, bool includeResults) {
  Type expected;
  auto check = [&](Type type, const char *what) -> LogicalResult {
    Type real = realElementType(type);
    if (!expected)
      expected = real;
    else if (real != expected)
      return op->emitOpError() << what << " element type " << real << " differs from " << expected;
    return success();
  };
  for (Type type : op->getOperandTypes())
    if (failed(check(type, "operand")))
      return failure();
  if (includeResults)
    for (Type type : op->getResultTypes())
      if (failed(check(type, "result")))
        return failure();
  return success();
}

} // namespace vitc::vit
