//===- FuseLinear.cpp - MatMul(+Add) and Gemm into vit.linear -------------===//
//
// MatMul(x, W) with a constant 2-d W becomes vit.linear(x, Wᵀ); when its only
// user adds a constant bias that varies along the last axis only, the Add
// joins the Linear. Gemm(A, B, C) with constant B and C and transA = 0 becomes
// vit.linear(A, alpha·op(B)ᵀ, beta·C). The transposed weights are new
// constants (dense_resource blobs when large); the originals are left to
// dead-code elimination when nothing else uses them.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"
#include "passes/graph/PatternUtils.h"

#include "dialects/vit/VitOps.h"
#include "vitc/rt/kernels/DataMovement.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace vitc {
#define GEN_PASS_DEF_FUSELINEAR
#include "passes/Passes.h.inc"
} // namespace vitc

using namespace mlir;

namespace vitc {
namespace {

/// A new [N, K] tensor from a [K, N] one.
rt::Tensor transposed(const rt::Tensor &weight) {
  return rt::transpose(weight, {1, 0}, /*pool=*/nullptr);
}

/// The per-output-channel bias of `add` when it adds a constant to `product`
/// that varies along the last axis only and does not broadcast the result.
std::optional<std::vector<float>> matchBiasAdd(vit::AddOp add, Value product) {
  std::optional<unsigned> constIndex = graph::constantOperandIndex(add);
  if (!constIndex || add->getOperand(1 - *constIndex) != product ||
      add.getType() != product.getType())
    return std::nullopt;
  ArrayRef<int64_t> shape = graph::shapeOf(product);
  return graph::getPerChannelValues(add->getOperand(*constIndex), shape,
                                    static_cast<int64_t>(shape.size()) - 1);
}

/// Replaces `root` by vit.linear(input, weight [N, K], bias [N]).
void replaceWithLinear(PatternRewriter &rewriter, Operation *root, Operation *anchor, Value input,
                       const rt::Tensor &weight, const std::optional<std::vector<float>> &bias) {
  rewriter.setInsertionPoint(root);
  Location loc = anchor->getLoc();
  Value weightValue =
      graph::createConstant(rewriter, loc, weight, graph::constantName(anchor, "weight"));
  Value biasValue;
  if (bias) {
    rt::Tensor biasTensor =
        rt::Tensor::fromVector<float>({static_cast<int64_t>(bias->size())}, *bias);
    biasValue =
        graph::createConstant(rewriter, loc, biasTensor, graph::constantName(anchor, "bias"));
  }
  auto linear = rewriter.create<vit::LinearOp>(loc, root->getResult(0).getType(), input,
                                               weightValue, biasValue);
  rewriter.replaceOp(root, linear.getOutput());
}

/// MatMul(x, W const [K, N]) [+ bias] -> Linear(x, Wᵀ, bias).
struct MatMulToLinear : OpRewritePattern<vit::MatMulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vit::MatMulOp matmul, PatternRewriter &rewriter) const override {
    if (matmul.getTransposeLhs())
      return rewriter.notifyMatchFailure(matmul, "lhs is used transposed");
    std::optional<rt::Tensor> weight = graph::getF32Constant(matmul.getRhs());
    if (!weight || weight->rank() != 2)
      return rewriter.notifyMatchFailure(matmul, "rhs is not a constant 2-d f32 weight");
    auto inputType = matmul.getLhs().getType().cast<RankedTensorType>();
    if (!inputType.getElementType().isF32() || inputType.getRank() < 1)
      return rewriter.notifyMatchFailure(matmul, "lhs is not an f32 tensor");
    // A matrix lhs with a constant rhs of rank 2 never broadcasts batch dims,
    // so the result is [..., N] as Linear computes it.
    Operation *root = matmul;
    std::optional<std::vector<float>> bias;
    if (auto add = dyn_cast_or_null<vit::AddOp>(graph::getSoleUser(matmul.getOutput()))) {
      bias = matchBiasAdd(add, matmul.getOutput());
      if (bias)
        root = add;
    }
    // A transpose_rhs weight is already [N, K], Linear's layout.
    replaceWithLinear(rewriter, root, matmul, matmul.getLhs(),
                      matmul.getTransposeRhs() ? *weight : transposed(*weight), bias);
    return success();
  }
};

/// Gemm(A, B const, C const per-column, alpha, beta, transA = 0) -> Linear.
struct GemmToLinear : OpRewritePattern<vit::GemmOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vit::GemmOp gemm, PatternRewriter &rewriter) const override {
    if (gemm.getTransA())
      return rewriter.notifyMatchFailure(gemm, "transA = 1");
    if (!gemm.getA().getType().cast<ShapedType>().getElementType().isF32())
      return rewriter.notifyMatchFailure(gemm, "A is not f32");
    std::optional<rt::Tensor> b = graph::getF32Constant(gemm.getB());
    if (!b || b->rank() != 2)
      return rewriter.notifyMatchFailure(gemm, "B is not a constant 2-d f32 matrix");
    float alpha = gemm.getAlpha().convertToFloat(), beta = gemm.getBeta().convertToFloat();
    std::optional<std::vector<float>> bias;
    if (gemm.getC() && beta != 0.0f) {
      ArrayRef<int64_t> shape = graph::shapeOf(gemm.getOutput());
      bias = graph::getPerChannelValues(gemm.getC(), shape, 1);
      if (!bias)
        return rewriter.notifyMatchFailure(gemm, "C is not a constant varying along N only");
      for (float &value : *bias)
        value *= beta;
    }
    // Linear wants [N, K]: B itself when transB, else its transpose.
    rt::Tensor weight = gemm.getTransB() ? b->clone() : transposed(*b);
    if (alpha != 1.0f) {
      float *data = weight.data<float>();
      for (int64_t i = 0; i < weight.numel(); ++i)
        data[i] *= alpha;
    }
    replaceWithLinear(rewriter, gemm, gemm, gemm.getA(), weight, bias);
    return success();
  }
};

struct FuseLinearPass : impl::FuseLinearBase<FuseLinearPass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    patterns.add<MatMulToLinear, GemmToLinear>(context);
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
} // namespace vitc
