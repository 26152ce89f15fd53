//===- PatternUtils.h - Helpers shared by the fusion patterns ------*- C++ -*-===//
//
// Private to passes/graph: reading vit.constant operands as runtime tensors,
// recognising scalar constants, per-channel broadcasts and single-use
// chains, materialising new constants (dense when small, dense_resource
// blobs otherwise), and rewriting a constant-weight Linear/Conv followed by a
// per-channel affine map (vit-fold-batch-norm, vit-fold-affine).
//
//===----------------------------------------------------------------------===//
#ifndef VITC_PASSES_GRAPH_PATTERNUTILS_H
#define VITC_PASSES_GRAPH_PATTERNUTILS_H

#include "vitc/rt/Tensor.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/Value.h"

#include <optional>
#include <vector>

namespace vitc::graph {

/// The tensor of a value defined by vit.constant (a zero-copy view when the
/// storage allows); std::nullopt for anything else or unreadable data.
std::optional<rt::Tensor> getConstantTensor(mlir::Value value);

/// Like getConstantTensor, but only for f32 constants.
std::optional<rt::Tensor> getF32Constant(mlir::Value value);

/// The common value of a numeric constant whose elements are all equal (a
/// scalar, a one-element tensor or a splat; e.g. Pow's integer exponent);
/// std::nullopt otherwise.
std::optional<double> getSplatValue(mlir::Value value);

/// Whether `value` is a scalar/splat constant within `relTol` of
/// `expected` (relative to |expected|).
bool isSplatNear(mlir::Value value, double expected, double relTol = 1e-6);

/// The f32 constant `value` as a per-channel vector for a result of shape
/// `resultShape`: the constant must broadcast to that shape (rank not
/// larger) and may vary only along `channelAxis`. Returns one value per
/// channel (a broadcast scalar is repeated); std::nullopt otherwise.
std::optional<std::vector<float>>
getPerChannelValues(mlir::Value value, llvm::ArrayRef<int64_t> resultShape, int64_t channelAxis);

/// For a binary op with exactly one vit.constant operand: that operand's
/// index (0 or 1); std::nullopt when none or both are constants.
std::optional<unsigned> constantOperandIndex(mlir::Operation *op);

/// The operand of a binary `op` that is not `value`; null when `op` is null,
/// does not take `value`, or takes it as both operands.
mlir::Value otherOperand(mlir::Operation *op, mlir::Value value);

/// The only operation using `value` (once), or null.
mlir::Operation *getSoleUser(mlir::Value value);

/// Whether every use of `value` is by one of `users`.
bool onlyUsedBy(mlir::Value value, llvm::ArrayRef<mlir::Operation *> users);

/// Erases the ops of `ops` that have no uses left, last first (a matched
/// chain, producers first, after its result was replaced).
void eraseDeadOps(mlir::PatternRewriter &rewriter, llvm::ArrayRef<mlir::Operation *> ops);

/// Whether both values are ranked tensors of f32 with the same static type.
bool sameF32Type(mlir::Value a, mlir::Value b);

/// The static shape of a value's ranked tensor type.
llvm::ArrayRef<int64_t> shapeOf(mlir::Value value);

/// A blob name for a constant derived from `anchor` (its ONNX node name when
/// it has one) and `suffix`, e.g. "/blocks.0/mlp/fc1/MatMul.weight".
std::string constantName(mlir::Operation *anchor, llvm::StringRef suffix);

/// A new vit.constant holding `tensor` at the rewriter's insertion point.
mlir::Value createConstant(mlir::PatternRewriter &rewriter, mlir::Location loc,
                           const rt::Tensor &tensor, llvm::StringRef name);

/// A vit.linear or vit.conv with a constant f32 weight and an optional
/// constant f32 bias. Output channel c is weight row c (dim 0) and result
/// index c along `channelAxis` (Linear: the last axis, Conv: 1).
struct DenseLayer {
  mlir::Operation *op = nullptr;
  mlir::Value input;
  rt::Tensor weight;
  std::optional<rt::Tensor> bias;
  int64_t channelAxis = 0;
  int64_t channels() const { return weight.dim(0); }
};

/// `op` as a DenseLayer; std::nullopt for other ops or non-constant
/// parameters.
std::optional<DenseLayer> matchDenseLayer(mlir::Operation *op);

/// Creates a copy of the Linear/Conv `layer` (same attributes and result
/// type) over new operands, before `root`, and replaces `root` by it.
void replaceWithLayer(mlir::PatternRewriter &rewriter, mlir::Operation *layer,
                      mlir::Operation *root, mlir::Value input, mlir::Value weight,
                      mlir::Value bias);

/// Replaces `root`, which computes scale[c] * layer(x) + shift[c] on each
/// output channel c, by one layer with scaled weight and bias (computed in
/// double, rounded once). Weights are kept as they are when every scale is
/// 1; no bias is created when there was none and every shift is 0.
void replaceWithAffineLayer(mlir::PatternRewriter &rewriter, const DenseLayer &layer,
                            mlir::Operation *root, llvm::ArrayRef<double> scale,
                            llvm::ArrayRef<double> shift);

} // namespace vitc::graph

#endif // VITC_PASSES_GRAPH_PATTERNUTILS_H
