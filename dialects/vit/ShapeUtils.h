//===- ShapeUtils.h - Shape helpers for vit verifiers and passes --*- C++ -*-===//
#ifndef VITC_DIALECTS_VIT_SHAPEUTILS_H
#define VITC_DIALECTS_VIT_SHAPEUTILS_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"
#include "mlir/Support/LogicalResult.h"

#include <optional>

namespace vitc::vit {

/// Maps axis in [-rank, rank) to [0, rank); std::nullopt when out of range.
std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank);

/// Two dims agree unless both are static and differ.
inline bool dimsCompatible(int64_t a, int64_t b) {
  return mlir::ShapedType::isDynamic(a) || mlir::ShapedType::isDynamic(b) || a == b;
}

/// The integer values of a constant operand (a vit.constant, any integer
/// element type); std::nullopt when the value is not a known constant.
std::optional<llvm::SmallVector<int64_t>> getConstantIntValues(mlir::Value value);

/// Integer values held by an elements attribute (dense or dense_resource).
std::optional<llvm::SmallVector<int64_t>> getIntValues(mlir::ElementsAttr attr);

/// The element buffer of an elements attribute without copying: the blob of
/// a dense_resource or the storage of a non-splat dense attribute.
/// std::nullopt for splats, i1 elements (bit-packed in dense attributes) and
/// resources whose blob is not loaded.
std::optional<llvm::ArrayRef<char>> getRawData(mlir::ElementsAttr attr);

/// Fails with a diagnostic on `op` unless `actual` is compatible with
/// `expected` (same rank, dims compatible).
mlir::LogicalResult verifyShapeMatches(mlir::Operation *op, llvm::StringRef what,
                                       llvm::ArrayRef<int64_t> expected,
                                       llvm::ArrayRef<int64_t> actual);

/// Fails with a diagnostic unless `input` and `output` share an element type.
mlir::LogicalResult verifySameElementType(mlir::Operation *op, mlir::Value input,
                                          mlir::Value output);

} // namespace vitc::vit

#endif // VITC_DIALECTS_VIT_SHAPEUTILS_H
