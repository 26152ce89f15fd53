//===- FoldConstants.cpp - Constant and shape folding ---------------------===//
//
// An op whose operands are all vit.constant is run once with the
// interpreter's kernel for it (the same code `vitc run` executes), and its
// results become vit.constant ops. With the ops' own folders (Shape of a
// static value, identity, no-op reshape/transpose, ...) this collapses the
// shape arithmetic of PyTorch exports; the greedy driver erases what is dead.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "compiler/interpreter/Kernels.h"
#include "dialects/vit/VitOps.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace vitc {
#define GEN_PASS_DEF_FOLDCONSTANTS
#include "passes/Passes.h.inc"
} // namespace vitc

using namespace mlir;

namespace vitc {
namespace {

/// Runs `op` on its constant operands and replaces it by constants.
struct EvaluateConstantOp : RewritePattern {
  EvaluateConstantOp(MLIRContext *context, int64_t maxGrowth)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, context), maxGrowth(maxGrowth) {}

  LogicalResult matchAndRewrite(Operation *op, PatternRewriter &rewriter) const override {
    if (!isa<vit::VitDialect>(op->getDialect()) || isa<vit::ConstantOp>(op) ||
        op->getNumResults() == 0)
      return failure();
    int64_t operandElements = 0;
    std::vector<rt::Tensor> operands;
    interp::BuildContext context(/*pool=*/nullptr);
    for (Value operand : op->getOperands()) {
      auto constant = operand.getDefiningOp<vit::ConstantOp>();
      if (!constant)
        return failure();
      llvm::Expected<rt::Tensor> tensor = interp::tensorFromAttr(constant.getValue());
      if (!tensor) {
        llvm::consumeError(tensor.takeError());
        return failure();
      }
      operandElements += tensor->numel();
      context.setConstant(operand, *tensor);
      operands.push_back(*tensor);
    }
    for (Type type : op->getResultTypes())
      if (!type.cast<ShapedType>().hasStaticShape())
        return failure();

    llvm::Expected<std::vector<rt::Tensor>> folded = interp::evaluateOp(op, context, operands);
    if (!folded) {
      llvm::consumeError(folded.takeError()); // left for the interpreter to report at run time
      return failure();
    }
    std::vector<rt::Tensor> results = std::move(*folded);

    SmallVector<Value> replacements;
    for (auto [result, tensor] : llvm::zip(op->getResults(), results)) {
      ElementsAttr value = interp::attrFromTensor(tensor, op->getContext(), "folded");
      bool splat = value.isa<DenseElementsAttr>() && value.cast<DenseElementsAttr>().isSplat();
      if (!splat && tensor.numel() > operandElements && tensor.numel() > maxGrowth)
        return failure();
      if (value.getType() != result.getType())
        return failure();
      replacements.push_back(rewriter.create<vit::ConstantOp>(op->getLoc(), value.getType(), value));
    }
    rewriter.replaceOp(op, replacements);
    return success();
  }

  int64_t maxGrowth;
};

struct FoldConstantsPass : impl::FoldConstantsBase<FoldConstantsPass> {
  using FoldConstantsBase::FoldConstantsBase;

  void runOnOperation() override {
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    patterns.add<EvaluateConstantOp>(context, maxGrowthElements);
    for (RegisteredOperationName name : context->getRegisteredOperations())
      if (name.getDialectNamespace() == vit::VitDialect::getDialectNamespace())
        name.getCanonicalizationPatterns(patterns, context);
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
} // namespace vitc
