//===- FoldAffine.cpp - Constant Mul/Add into Linear and Conv -------------===//
//
// After a Linear/Conv (its result used only by the op):
//   layer(x) * s, layer(x) / s, layer(x) + c, layer(x) - c  (s, c constants
//   varying along the output-channel axis only, or scalars)
//   -> layer with weight rows scaled by s and bias b·s + c.
// Before a Linear/Conv (the op's result used only by the layer):
//   layer(x * s), layer(x / s)  (s scalar or per input channel)
//   -> layer with weight columns scaled by s; legal with zero padding, since
//      scaling a zero pad gives zero.
//   layer(x + c), layer(x - c)  (c scalar or per input channel)
//   -> layer with bias b + W·c; for Conv only without any padding (a zero pad
//      of x + c would read c, not 0, in the original).
// The layer's weight (and bias, if any) must be constants.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"
#include "passes/graph/PatternUtils.h"

#include "dialects/vit/VitOps.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace vitc {
#define GEN_PASS_DEF_FOLDAFFINE
#include "passes/Passes.h.inc"
} // namespace vitc

using namespace mlir;

namespace vitc {
namespace {

/// The per-channel factor and offset an elementwise op with constant values
/// `v` applies: Mul (v, 0), Div (1/v, 0), Add (1, v), Sub (1, -v). Sub and
/// Div only with the constant on the right. False when not affine.
bool affineOf(Operation *op, unsigned constIndex, ArrayRef<float> values,
              std::vector<double> &scale, std::vector<double> &shift) {
  size_t n = values.size();
  scale.assign(n, 1.0);
  shift.assign(n, 0.0);
  if (isa<vit::SubOp, vit::DivOp>(op) && constIndex != 1)
    return false;
  for (size_t c = 0; c < n; ++c) {
    double v = values[c];
    if (isa<vit::MulOp>(op))
      scale[c] = v;
    else if (isa<vit::DivOp>(op) && v != 0.0)
      scale[c] = 1.0 / v;
    else if (isa<vit::AddOp>(op))
      shift[c] = v;
    else if (isa<vit::SubOp>(op))
      shift[c] = -v;
    else
      return false;
  }
  return true;
}

/// layer(x) op constant -> layer with folded weight and bias.
template <typename OpT> struct FoldIntoLayerOutput : OpRewritePattern<OpT> {
  using OpRewritePattern<OpT>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpT op, PatternRewriter &rewriter) const override {
    std::optional<unsigned> constIndex = graph::constantOperandIndex(op);
    if (!constIndex)
      return rewriter.notifyMatchFailure(op, "not exactly one constant operand");
    Value produced = op->getOperand(1 - *constIndex);
    std::optional<graph::DenseLayer> layer = graph::matchDenseLayer(produced.getDefiningOp());
    if (!layer || !produced.hasOneUse() || produced.getType() != op.getType())
      return rewriter.notifyMatchFailure(op, "not the only user of a constant Linear/Conv");
    std::optional<std::vector<float>> values = graph::getPerChannelValues(
        op->getOperand(*constIndex), graph::shapeOf(produced), layer->channelAxis);
    std::vector<double> scale, shift;
    if (!values || !affineOf(op, *constIndex, *values, scale, shift))
      return rewriter.notifyMatchFailure(op, "the constant is not per output channel");
    graph::replaceWithAffineLayer(rewriter, *layer, op, scale, shift);
    return success();
  }
};

/// Input channel of weight element (o, i) of a layer with `groups` groups.
int64_t inputChannel(const graph::DenseLayer &layer, int64_t groups, int64_t o, int64_t i) {
  int64_t outPerGroup = layer.channels() / groups;
  return (o / outPerGroup) * layer.weight.dim(1) + i;
}

/// Calls fn(flat weight index, input channel) for every weight element.
template <typename Fn> void forEachWeight(const graph::DenseLayer &layer, int64_t groups, Fn fn) {
  int64_t outChannels = layer.channels(), inPerGroup = layer.weight.dim(1);
  int64_t spatial = layer.weight.numel() / (outChannels * inPerGroup);
  for (int64_t o = 0; o < outChannels; ++o)
    for (int64_t i = 0; i < inPerGroup; ++i)
      for (int64_t k = 0; k < spatial; ++k)
        fn((o * inPerGroup + i) * spatial + k, o, inputChannel(layer, groups, o, i));
}

/// Whether a Conv reads any padding (explicit pads or SAME auto-padding).
bool hasPadding(vit::ConvOp conv) {
  if (conv.getAutoPad() != "NOTSET" && conv.getAutoPad() != "VALID")
    return true;
  std::optional<ArrayRef<int64_t>> pads = conv.getPads();
  return pads && llvm::any_of(*pads, [](int64_t p) { return p != 0; });
}

/// layer(x op constant) -> layer(x) with folded weight (Mul/Div) or bias
/// (Add/Sub).
template <typename LayerOp> struct FoldIntoLayerInput : OpRewritePattern<LayerOp> {
  using OpRewritePattern<LayerOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(LayerOp op, PatternRewriter &rewriter) const override {
    std::optional<graph::DenseLayer> layer = graph::matchDenseLayer(op);
    if (!layer)
      return rewriter.notifyMatchFailure(op, "weight or bias is not constant");
    Operation *pre = layer->input.getDefiningOp();
    if (!isa_and_nonnull<vit::MulOp, vit::DivOp, vit::AddOp, vit::SubOp>(pre) || !pre->hasOneUse())
      return rewriter.notifyMatchFailure(op, "input is not an elementwise op used only here");
    std::optional<unsigned> constIndex = graph::constantOperandIndex(pre);
    if (!constIndex)
      return rewriter.notifyMatchFailure(op, "input op has no single constant operand");
    Value x = pre->getOperand(1 - *constIndex);
    auto conv = dyn_cast<vit::ConvOp>(op.getOperation());
    int64_t inputAxis = conv ? 1 : graph::shapeOf(x).size() - 1;
    std::optional<std::vector<float>> values =
        x.getType() == layer->input.getType()
            ? graph::getPerChannelValues(pre->getOperand(*constIndex), graph::shapeOf(x), inputAxis)
            : std::nullopt;
    std::vector<double> scale, shift;
    if (!values || !affineOf(pre, *constIndex, *values, scale, shift))
      return rewriter.notifyMatchFailure(op, "the constant is not per input channel");
    bool shifts = isa<vit::AddOp, vit::SubOp>(pre);
    if (conv && shifts && hasPadding(conv))
      return rewriter.notifyMatchFailure(op, "a shift before a padded Conv changes the border");
    int64_t groups = conv ? static_cast<int64_t>(conv.getGroup()) : 1;

    rewriter.setInsertionPoint(op);
    Value weight = op->getOperand(1), bias = layer->bias ? op->getOperand(2) : Value();
    if (shifts) {
      std::vector<double> sums(layer->channels(), 0.0);
      const float *w = layer->weight.data<float>();
      forEachWeight(*layer, groups,
                    [&](int64_t index, int64_t o, int64_t in) { sums[o] += w[index] * shift[in]; });
      std::vector<float> newBias(sums.size());
      for (size_t o = 0; o < sums.size(); ++o)
        newBias[o] =
            static_cast<float>((layer->bias ? layer->bias->data<float>()[o] : 0.0) + sums[o]);
      bias = graph::createConstant(rewriter, op->getLoc(),
                                   rt::Tensor::fromVector<float>({layer->channels()}, newBias),
                                   graph::constantName(op, "bias"));
    } else {
      rt::Tensor scaled = layer->weight.clone();
      float *w = scaled.data<float>();
      forEachWeight(*layer, groups, [&](int64_t index, int64_t, int64_t in) {
        w[index] = static_cast<float>(w[index] * scale[in]);
      });
      weight =
          graph::createConstant(rewriter, op->getLoc(), scaled, graph::constantName(op, "weight"));
    }
    graph::replaceWithLayer(rewriter, op, op, x, weight, bias);
    return success();
  }
};

struct FoldAffinePass : impl::FoldAffineBase<FoldAffinePass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    patterns.add<FoldIntoLayerOutput<vit::MulOp>, FoldIntoLayerOutput<vit::DivOp>,
                 FoldIntoLayerOutput<vit::AddOp>, FoldIntoLayerOutput<vit::SubOp>,
                 FoldIntoLayerInput<vit::LinearOp>, FoldIntoLayerInput<vit::ConvOp>>(context);
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
} // namespace vitc
