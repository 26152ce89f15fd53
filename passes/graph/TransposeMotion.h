//===- TransposeMotion.h - Moving vit.transpose through the graph -*- C++ -*-===//
//
// Private to passes/graph (vit-fold-transposes). Which ops a transpose
// commutes with, the look-ahead that decides whether moving a transpose
// pays off, and the rewrites that move it: sinking one op at a time towards
// the outputs, hoisting towards the inputs in one rewrite.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_PASSES_GRAPH_TRANSPOSEMOTION_H
#define VITC_PASSES_GRAPH_TRANSPOSEMOTION_H

#include "dialects/vit/VitOps.h"
#include "passes/graph/TransposeLayout.h"
#include "vitc/rt/Tensor.h"

#include "mlir/IR/PatternMatch.h"

#include <optional>

namespace vitc::graph {

/// The permutation of a vit.transpose (no `perm`: the dims reversed).
Permutation permutationOf(vit::TransposeOp op);

mlir::Value createTranspose(mlir::PatternRewriter &rewriter, mlir::Location loc, mlir::Value input,
                            llvm::ArrayRef<int64_t> perm);
/// A vit.reshape of `input` to the static `shape` (a view at run time).
mlir::Value createReshape(mlir::PatternRewriter &rewriter, mlir::Location loc, mlir::Value input,
                          llvm::ArrayRef<int64_t> shape);

/// The data of the constant `value`, broadcast to perm.size() dims by
/// leading 1s, transposed by `perm`; std::nullopt when it cannot be read.
std::optional<rt::Tensor> transposedConstant(mlir::Value value, llvm::ArrayRef<int64_t> perm);

/// Whether `use`, a vit.matmul operand, absorbs a transpose by `perm` into
/// its transpose_lhs/rhs flag (perm swaps the last two dims).
bool matMulAbsorbs(mlir::OpOperand &use, llvm::ArrayRef<int64_t> perm);

/// Whether sinking `transpose` into every one of its users pays off: each
/// path down from it ends where a transpose disappears (composed into
/// another transpose, absorbed by a MatMul, merged with the same transpose
/// of another elementwise operand, or left moving only size-1 dims).
bool sinkingPaysOff(vit::TransposeOp transpose);
/// The same for one use of `transpose`.
bool sinkingPaysOff(mlir::OpOperand &use, vit::TransposeOp transpose);

/// Moves the single-use `transpose` below its user (which must commute with
/// it) and returns success, or fails without changing anything.
mlir::LogicalResult sinkBelowUser(mlir::PatternRewriter &rewriter, vit::TransposeOp transpose);

/// Whether `transpose` can move above the single-use ops producing its
/// input until every copy disappears (composed into a transpose that has
/// no other use or into the identity, folded into a constant, absorbed by
/// a MatMul, or left moving only size-1 dims).
bool hoistingPaysOff(vit::TransposeOp transpose);

/// Performs that hoist (hoistingPaysOff must hold) and replaces `transpose`.
void hoistAboveProducers(mlir::PatternRewriter &rewriter, vit::TransposeOp transpose);

//===----------------------------------------------------------------------===//
// Shared by TransposeMotion.cpp and TransposeSinking.cpp
//===----------------------------------------------------------------------===//

/// A constant that has other users is copied (stored transposed) only up
/// to this size; a larger copy would grow the model.
constexpr int64_t kMaxCopiedConstantElements = 4096;
/// Ops one look-ahead may visit.
constexpr int kLookAheadBudget = 64;

std::optional<llvm::ArrayRef<int64_t>> staticShape(mlir::Value value);
/// `shape` with leading 1s up to `rank` (numpy broadcasting).
Shape broadcastShape(llvm::ArrayRef<int64_t> shape, size_t rank);
llvm::ArrayRef<int64_t> dropLeadingOnes(llvm::ArrayRef<int64_t> dims);

/// Elementwise ops with numpy broadcasting of all their operands.
bool isBroadcastElementwise(mlir::Operation *op);
/// Whether `op`, acting on operand 0 only (the others are parameters that
/// do not depend on the layout), commutes with a transpose by `perm` of
/// that operand: unary elementwise ops, LayerNorm and Softmax whose axes
/// stay, Linear and MatMul by a matrix that keep the last axis.
bool commutesOnFirstOperand(mlir::Operation *op, llvm::ArrayRef<int64_t> perm);
/// The result shape of such an op for an operand of shape `shape`: the
/// same, or (Linear, MatMul) the last dim replaced by the op's.
Shape firstOperandResultShape(mlir::Operation *op, llvm::ArrayRef<int64_t> shape);

/// A vit.constant holding `shape` as i64 (a Reshape's shape operand).
mlir::Value createShapeConstant(mlir::PatternRewriter &rewriter, mlir::Location loc,
                                llvm::ArrayRef<int64_t> shape);
/// A copy of `op` with another name, attributes, operands and result shape
/// (same location and result element type).
mlir::Value createLike(mlir::PatternRewriter &rewriter, mlir::Operation *op,
                       mlir::OperationName name, llvm::ArrayRef<mlir::NamedAttribute> attributes,
                       mlir::ValueRange operands, llvm::ArrayRef<int64_t> resultShape);

} // namespace vitc::graph

#endif // VITC_PASSES_GRAPH_TRANSPOSEMOTION_H
