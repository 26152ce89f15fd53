//===- FoldTransposes.cpp - Cancel, compose, move and absorb transposes ---===//
//
// A permutation means what vit.transpose means: result dim i is input dim
// perm[i]. Rules:
//  * transpose(transpose(x, p), q) is one transpose (none when it is the
//    identity); a transpose of a vit.constant is computed now; one that only
//    moves size-1 dims is a vit.reshape (a view).
//  * vit.matmul absorbs a transpose swapping the last two dims of an operand
//    (transpose_lhs/rhs) or of its result ((A B)^T = B^T A^T).
//  * A transpose moves through the ops it commutes with (TransposeMotion.h):
//    elementwise ops, LayerNorm/Softmax whose axes stay, Linear and MatMul
//    by a matrix that keep the last axis, Reshape that splits or merges only
//    dims adjacent and in order on the other side, and, downwards,
//    reductions and global pooling.
//
// Cost rule: a transpose moves only when a look-ahead shows that it then
// disappears on every path. Down (towards the outputs, one op per rewrite):
// each path ends in another transpose, a MatMul that absorbs it, an
// elementwise op whose other operand is the same transpose with no other
// use, or where it only moves size-1 dims. A transpose with several users
// is copied for each only when every user's path ends so. Up (in one
// rewrite, only when sinking does not pay): through single-use producers
// until each copy meets a transpose it cancels (or one without other users
// it replaces), a constant, a MatMul result or a reshape-like case. Every
// completed move removes at least one transpose and moves no more elements
// than before, and sinking is preferred to hoisting, so rewriting ends.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "dialects/vit/VitOps.h"
#include "passes/graph/PatternUtils.h"
#include "passes/graph/TransposeMotion.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace vitc {
#define GEN_PASS_DEF_FOLDTRANSPOSES
#include "passes/Passes.h.inc"
} // namespace vitc

using namespace mlir;

namespace vitc {
namespace {

using graph::Permutation;
using graph::permutationOf;

/// transpose(transpose(x, p), q) -> transpose(x, p then q), or x.
struct ComposeTransposes : OpRewritePattern<vit::TransposeOp> {
  ComposeTransposes(MLIRContext *context) : OpRewritePattern(context, /*benefit=*/4) {}
  LogicalResult matchAndRewrite(vit::TransposeOp op, PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<vit::TransposeOp>();
    if (!inner)
      return failure();
    Permutation perm = graph::composePermutations(permutationOf(inner), permutationOf(op));
    if (graph::isIdentity(perm))
      rewriter.replaceOp(op, inner.getInput());
    else
      rewriter.replaceOpWithNewOp<vit::TransposeOp>(op, op.getType(), inner.getInput(),
                                                    rewriter.getDenseI64ArrayAttr(perm));
    return success();
  }
};

/// A transpose of a constant is a constant stored transposed.
struct FoldConstantTranspose : OpRewritePattern<vit::TransposeOp> {
  FoldConstantTranspose(MLIRContext *context) : OpRewritePattern(context, /*benefit=*/4) {}
  LogicalResult matchAndRewrite(vit::TransposeOp op, PatternRewriter &rewriter) const override {
    auto constant = op.getInput().getDefiningOp<vit::ConstantOp>();
    if (!constant)
      return failure();
    std::optional<rt::Tensor> data = graph::transposedConstant(constant, permutationOf(op));
    if (!data)
      return rewriter.notifyMatchFailure(op, "constant data cannot be read");
    rewriter.replaceOp(op, graph::createConstant(rewriter, op.getLoc(), *data,
                                                 graph::constantName(constant, "transposed")));
    return success();
  }
};

/// A transpose that only moves size-1 dims is a reshape.
struct TransposeToReshape : OpRewritePattern<vit::TransposeOp> {
  TransposeToReshape(MLIRContext *context) : OpRewritePattern(context, /*benefit=*/3) {}
  LogicalResult matchAndRewrite(vit::TransposeOp op, PatternRewriter &rewriter) const override {
    auto type = op.getInput().getType().cast<RankedTensorType>();
    auto resultType = op.getType().cast<RankedTensorType>();
    if (!type.hasStaticShape() || !resultType.hasStaticShape() ||
        !graph::movesOnlyUnitDims(type.getShape(), permutationOf(op)))
      return failure();
    rewriter.replaceOp(
        op, graph::createReshape(rewriter, op.getLoc(), op.getInput(), resultType.getShape()));
    return success();
  }
};

/// matmul(transpose(a, swap last two), b) -> matmul(a, b) {transpose_lhs}
/// (toggled when already set), and likewise for b.
struct AbsorbIntoMatMulOperands : OpRewritePattern<vit::MatMulOp> {
  AbsorbIntoMatMulOperands(MLIRContext *context) : OpRewritePattern(context, /*benefit=*/3) {}
  LogicalResult matchAndRewrite(vit::MatMulOp op, PatternRewriter &rewriter) const override {
    Value lhs = op.getLhs(), rhs = op.getRhs();
    bool transposeLhs = op.getTransposeLhs(), transposeRhs = op.getTransposeRhs();
    bool changed = false;
    for (auto [operand, flag] : {std::pair(&lhs, &transposeLhs), std::pair(&rhs, &transposeRhs)}) {
      auto transpose = operand->getDefiningOp<vit::TransposeOp>();
      if (!transpose || !graph::matMulAbsorbs(op->getOpOperand(operand == &lhs ? 0 : 1),
                                              permutationOf(transpose)))
        continue;
      *operand = transpose.getInput();
      *flag = !*flag;
      changed = true;
    }
    if (!changed)
      return failure();
    rewriter.replaceOpWithNewOp<vit::MatMulOp>(op, op.getType(), lhs, rhs,
                                               rewriter.getBoolAttr(transposeLhs),
                                               rewriter.getBoolAttr(transposeRhs));
    return success();
  }
};

/// Sinks a single-use transpose below its user when that pays off.
struct SinkTranspose : OpRewritePattern<vit::TransposeOp> {
  SinkTranspose(MLIRContext *context) : OpRewritePattern(context, /*benefit=*/2) {}
  LogicalResult matchAndRewrite(vit::TransposeOp op, PatternRewriter &rewriter) const override {
    if (!op->hasOneUse())
      return failure();
    OpOperand &use = *op->getUses().begin();
    // Absorbing users have their own patterns.
    if (isa<vit::TransposeOp>(use.getOwner()) || graph::matMulAbsorbs(use, permutationOf(op)) ||
        !graph::sinkingPaysOff(use, op))
      return failure();
    return graph::sinkBelowUser(rewriter, op);
  }
};

/// Gives each user of a transpose its own copy when sinking pays off for
/// every user, so that each copy can sink on its own.
struct SplitTransposeUses : OpRewritePattern<vit::TransposeOp> {
  SplitTransposeUses(MLIRContext *context) : OpRewritePattern(context, /*benefit=*/2) {}
  LogicalResult matchAndRewrite(vit::TransposeOp op, PatternRewriter &rewriter) const override {
    if (op->use_empty() || op->hasOneUse() || !graph::sinkingPaysOff(op))
      return failure();
    SmallVector<OpOperand *> uses;
    for (OpOperand &use : op->getUses())
      uses.push_back(&use);
    rewriter.setInsertionPointAfter(op);
    Permutation perm = permutationOf(op);
    for (OpOperand *use : llvm::drop_begin(uses)) {
      Value copy = graph::createTranspose(rewriter, op.getLoc(), op.getInput(), perm);
      rewriter.updateRootInPlace(use->getOwner(), [&] { use->set(copy); });
    }
    return success();
  }
};

/// Hoists a transpose above the single-use ops producing its input when it
/// then disappears and sinking it would not pay off; this includes
/// transpose(matmul(a, b), swap last two) -> matmul(b, a) with both transpose
/// flags toggled ((A B)^T = B^T A^T).
struct HoistTranspose : OpRewritePattern<vit::TransposeOp> {
  HoistTranspose(MLIRContext *context) : OpRewritePattern(context, /*benefit=*/1) {}
  LogicalResult matchAndRewrite(vit::TransposeOp op, PatternRewriter &rewriter) const override {
    // Producers that absorb it directly have their own patterns.
    Operation *producer = op.getInput().getDefiningOp();
    if (!producer || isa<vit::TransposeOp, vit::ConstantOp>(producer) ||
        !op.getInput().hasOneUse() || graph::sinkingPaysOff(op) || !graph::hoistingPaysOff(op))
      return failure();
    graph::hoistAboveProducers(rewriter, op);
    return success();
  }
};

struct FoldTransposesPass : impl::FoldTransposesBase<FoldTransposesPass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    patterns.add<ComposeTransposes, FoldConstantTranspose, TransposeToReshape,
                 AbsorbIntoMatMulOperands, SinkTranspose, SplitTransposeUses, HoistTranspose>(
        context);
    vit::ReshapeOp::getCanonicalizationPatterns(patterns, context);
    // Not converging within the driver's iteration limit leaves a correct
    // graph with fewer transposes folded; it is not an error.
    (void)applyPatternsAndFoldGreedily(getOperation(), std::move(patterns));
  }
};

} // namespace
} // namespace vitc
