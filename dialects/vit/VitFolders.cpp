//===- VitFolders.cpp - Folders and canonicalisations of vit ops ----------===//
//
// Local simplifications that hold for any operands: ops that do nothing for
// their types fold to their input, Shape of a static value folds to its dims,
// and reshape chains collapse. Evaluating ops on constant operands is the job
// of the vit-fold-constants pass, which uses the interpreter's kernels.
//
//===----------------------------------------------------------------------===//
#include "dialects/vit/VitOps.h"

#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace vitc::vit;

/// The input, when the op's result has exactly the input's type.
static OpFoldResult sameTypeFold(Value input, Value output) {
  return input.getType() == output.getType() ? OpFoldResult(input) : OpFoldResult();
}

OpFoldResult IdentityOp::fold(FoldAdaptor) { return getInput(); }
OpFoldResult CastOp::fold(FoldAdaptor) { return sameTypeFold(getInput(), getOutput()); }
OpFoldResult FlattenOp::fold(FoldAdaptor) { return sameTypeFold(getInput(), getOutput()); }
OpFoldResult SqueezeOp::fold(FoldAdaptor) { return sameTypeFold(getInput(), getOutput()); }
OpFoldResult UnsqueezeOp::fold(FoldAdaptor) { return sameTypeFold(getInput(), getOutput()); }
OpFoldResult ExpandOp::fold(FoldAdaptor) { return sameTypeFold(getInput(), getOutput()); }

OpFoldResult ReshapeOp::fold(FoldAdaptor) {
  auto type = getOutput().getType().cast<ShapedType>();
  // A static reshape to the same type moves nothing; with dynamic dims the
  // same type does not prove the same shape at run time.
  return type.hasStaticShape() ? sameTypeFold(getInput(), getOutput()) : OpFoldResult();
}

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  if (!getPerm())
    return getInput().getType().cast<ShapedType>().getRank() <= 1 ? getInput() : OpFoldResult();
  for (auto [i, p] : llvm::enumerate(*getPerm()))
    if (static_cast<int64_t>(i) != p)
      return {};
  return getInput();
}

OpFoldResult ShapeOp::fold(FoldAdaptor) {
  auto inputType = getInput().getType().cast<ShapedType>();
  if (!inputType.hasStaticShape())
    return {};
  auto type = getOutput().getType().cast<RankedTensorType>();
  int64_t rank = inputType.getRank();
  auto clampIndex = [rank](int64_t i) {
    if (i < 0)
      i += rank;
    return std::clamp<int64_t>(i, 0, rank);
  };
  int64_t start = clampIndex(getStart() ? static_cast<int64_t>(*getStart()) : 0);
  int64_t end = clampIndex(getEnd() ? static_cast<int64_t>(*getEnd()) : rank);
  SmallVector<int64_t> dims(inputType.getShape().begin() + start,
                            inputType.getShape().begin() + std::max(start, end));
  if (!type.hasStaticShape() || type.getNumElements() != static_cast<int64_t>(dims.size()))
    return {};
  return DenseElementsAttr::get(type, ArrayRef<int64_t>(dims));
}

namespace {
/// reshape(reshape(x, s1), s2) -> reshape(x, <static result shape>): the
/// intermediate shape does not matter once the result shape is known.
struct CollapseReshapeChain : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op, PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<ReshapeOp>();
    auto type = op.getOutput().getType().cast<RankedTensorType>();
    if (!inner || !type.hasStaticShape())
      return failure();
    auto shapeType = RankedTensorType::get({type.getRank()}, rewriter.getI64Type());
    Value shape = rewriter.create<ConstantOp>(
        op.getLoc(), shapeType, DenseElementsAttr::get(shapeType, type.getShape()));
    // With allowzero = 0 a 0 in the shape would copy the input's dim.
    bool hasZero = llvm::is_contained(type.getShape(), 0);
    rewriter.replaceOpWithNewOp<ReshapeOp>(op, type, inner.getInput(), shape,
                                           rewriter.getI64IntegerAttr(hasZero ? 1 : 0));
    return success();
  }
};
} // namespace

void ReshapeOp::getCanonicalizationPatterns(RewritePatternSet &patterns, MLIRContext *context) {
  patterns.add<CollapseReshapeChain>(context);
}
