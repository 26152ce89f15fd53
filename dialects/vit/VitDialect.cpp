//===- VitDialect.cpp - Registration of the vit dialect -------------------===//
#include "dialects/vit/VitDialect.h"
#include "dialects/vit/VitOps.h"

using namespace mlir;
using namespace vitc::vit;

#include "dialects/vit/VitDialect.cpp.inc"

void VitDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/vit/VitOps.cpp.inc"
      >();
}

Operation *VitDialect::materializeConstant(OpBuilder &builder, Attribute value, Type type,
                                           Location loc) {
  auto elements = value.dyn_cast<ElementsAttr>();
  if (!elements || elements.getType() != type)
    return nullptr;
  return builder.create<ConstantOp>(loc, type, elements);
}
