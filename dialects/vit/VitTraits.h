//===- VitTraits.h - Op traits of the vit dialect ------------------*- C++ -*-===//
//
// Element-type agreement that looks through quantisation: after the quantise
// pass an Add may read !quant.uniform<i8:f32, 0.1> and !quant.uniform<i8:f32,
// 0.2> and produce a third quantised type; what must agree is the real
// (expressed) type, f32.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_DIALECTS_VIT_VITTRAITS_H
#define VITC_DIALECTS_VIT_VITTRAITS_H

#include "mlir/IR/OpDefinition.h"

namespace vitc::vit {

/// The element type of `type`, with a quantised element type replaced by the
/// real type it expresses (f32).
mlir::Type realElementType(mlir::Type type);

namespace OpTrait {
mlir::LogicalResult verifySameRealElementType(mlir::Operation *op, bool includeResults);

/// Operands and results share one real element type.
template <typename ConcreteType>
class SameRealElementType : public mlir::OpTrait::TraitBase<ConcreteType, SameRealElementType> {
public:
  static mlir::LogicalResult verifyTrait(mlir::Operation *op) {
    return verifySameRealElementType(op, /*includeResults=*/true);
  }
};

/// Operands share one real element type (results may differ, e.g. i1).
template <typename ConcreteType>
class SameOperandsRealElementType
    : public mlir::OpTrait::TraitBase<ConcreteType, SameOperandsRealElementType> {
public:
  static mlir::LogicalResult verifyTrait(mlir::Operation *op) {
    return verifySameRealElementType(op, /*includeResults=*/false);
  }
};
} // namespace OpTrait

} // namespace vitc::vit

#endif // VITC_DIALECTS_VIT_VITTRAITS_H
