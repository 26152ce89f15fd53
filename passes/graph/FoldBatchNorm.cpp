//===- FoldBatchNorm.cpp - Inference BatchNorm into Conv / Linear ---------===//
//
// BatchNormalization(y) with constant statistics is the per-channel affine
// map y·f + (beta - mean·f), f = gamma / sqrt(var + eps), on channel dim 1.
// When y is produced by a Conv (output channels on dim 1) or by a Linear
// whose output channels are dim 1 too (a rank-2 [N, C] result, i.e.
// BatchNorm1d after nn.Linear), and y has no other user, the map folds into
// the layer's weight and bias (a missing bias becomes one).
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"
#include "passes/graph/PatternUtils.h"

#include "dialects/vit/VitOps.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace vitc {
#define GEN_PASS_DEF_FOLDBATCHNORM
#include "passes/Passes.h.inc"
} // namespace vitc

using namespace mlir;

namespace vitc {
namespace {

/// The [C] values of a constant BatchNorm parameter, or std::nullopt.
std::optional<std::vector<float>> channelValues(Value value, int64_t channels) {
  std::optional<rt::Tensor> tensor = graph::getF32Constant(value);
  if (!tensor || tensor->rank() != 1 || tensor->numel() != channels)
    return std::nullopt;
  return tensor->toFloatVector();
}

struct FoldBatchNormIntoLayer : OpRewritePattern<vit::BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vit::BatchNormOp batchNorm,
                                PatternRewriter &rewriter) const override {
    Value input = batchNorm.getInput();
    std::optional<graph::DenseLayer> layer = graph::matchDenseLayer(input.getDefiningOp());
    if (!layer || !input.hasOneUse())
      return rewriter.notifyMatchFailure(batchNorm, "input is not a Conv/Linear used only here");
    if (layer->channelAxis != 1 || input.getType() != batchNorm.getType())
      return rewriter.notifyMatchFailure(batchNorm, "the layer's channels are not dim 1");
    int64_t channels = layer->channels();
    auto gamma = channelValues(batchNorm.getScale(), channels);
    auto beta = channelValues(batchNorm.getBias(), channels);
    auto mean = channelValues(batchNorm.getMean(), channels);
    auto variance = channelValues(batchNorm.getVariance(), channels);
    if (!gamma || !beta || !mean || !variance)
      return rewriter.notifyMatchFailure(batchNorm, "statistics are not constant [C] tensors");
    double epsilon = batchNorm.getEpsilon().convertToFloat();
    std::vector<double> scale(channels), shift(channels);
    for (int64_t c = 0; c < channels; ++c) {
      double denominator = std::sqrt(static_cast<double>((*variance)[c]) + epsilon);
      if (!(denominator > 0.0))
        return rewriter.notifyMatchFailure(batchNorm, "var + eps is not positive");
      scale[c] = (*gamma)[c] / denominator;
      shift[c] = (*beta)[c] - (*mean)[c] * scale[c];
    }
    graph::replaceWithAffineLayer(rewriter, *layer, batchNorm, scale, shift);
    return success();
  }
};

struct FoldBatchNormPass : impl::FoldBatchNormBase<FoldBatchNormPass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    patterns.add<FoldBatchNormIntoLayer>(context);
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
} // namespace vitc
