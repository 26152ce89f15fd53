//===- VitOps.h - Ops of the vit dialect --------------------------*- C++ -*-===//
#ifndef VITC_DIALECTS_VIT_VITOPS_H
#define VITC_DIALECTS_VIT_VITOPS_H

#include "dialects/vit/VitDialect.h"
#include "dialects/vit/VitTraits.h"

#include "mlir/Dialect/Quant/QuantTypes.h"

#include "mlir/Dialect/Traits.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "dialects/vit/VitOps.h.inc"

#endif // VITC_DIALECTS_VIT_VITOPS_H
