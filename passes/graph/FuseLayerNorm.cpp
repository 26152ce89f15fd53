//===- FuseLayerNorm.cpp - Decomposed LayerNorm into vit.layer_norm -------===//
//
// Opset-13 exports spell nn.LayerNorm out:
//
//   mean = ReduceMean(x)            d = Sub(x, mean)
//   var  = ReduceMean(Pow(d, 2))    (or Mul(d, d))
//   n    = Div(d, Sqrt(Add(var, eps)))   (or Mul(d, Reciprocal(Sqrt(...))))
//   y    = Add(Mul(n, scale), bias)      (scale and bias optional)
//
// The pattern is anchored at the Sqrt, the one op that appears only once.
// Both means must reduce the same trailing axes [axis, rank) with keepdims;
// eps, scale and bias must be constants, scale and bias varying only along
// the normalised dims; no intermediate value may have a user outside the
// pattern. A missing scale becomes ones.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"
#include "passes/graph/PatternUtils.h"

#include "dialects/vit/ShapeUtils.h"
#include "dialects/vit/VitOps.h"
#include "vitc/rt/kernels/DataMovement.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace vitc {
#define GEN_PASS_DEF_FUSELAYERNORM
#include "passes/Passes.h.inc"
} // namespace vitc

using namespace mlir;

namespace vitc {
namespace {

/// The first reduced dim of a keepdims ReduceMean over trailing axes
/// [axis, rank); std::nullopt for any other reduction.
std::optional<int64_t> trailingReductionAxis(vit::ReduceMeanOp mean) {
  if (mean.getKeepdims() != 1)
    return std::nullopt;
  int64_t rank = graph::shapeOf(mean.getInput()).size();
  std::optional<ArrayRef<int64_t>> reducedAxes = mean.getAxes();
  if (!reducedAxes)
    return rank > 0 ? std::optional<int64_t>(0) : std::nullopt;
  SmallVector<int64_t> axes;
  for (int64_t axis : *reducedAxes) {
    std::optional<int64_t> normalized = vit::normalizeAxis(axis, rank);
    if (!normalized)
      return std::nullopt;
    axes.push_back(*normalized);
  }
  llvm::sort(axes);
  if (axes.empty() || axes.back() != rank - 1 ||
      axes.back() - axes.front() + 1 != static_cast<int64_t>(axes.size()) ||
      std::adjacent_find(axes.begin(), axes.end()) != axes.end())
    return std::nullopt;
  return axes.front();
}

/// The matched ops, the normalisation anchored at the Sqrt first.
struct LayerNormMatch {
  Value input;
  int64_t axis = 0;
  double epsilon = 0.0;
  Value scale, bias;
  Operation *mean = nullptr, *result = nullptr;
  SmallVector<Operation *> ops; ///< every matched op, producers first
};

/// Sqrt(Add(var, eps)) where var = ReduceMean(d*d) and d = x - ReduceMean(x).
/// Sets input, axis, epsilon; returns d.
Value matchVariance(vit::SqrtOp sqrt, LayerNormMatch &match) {
  auto addEps = sqrt.getInput().getDefiningOp<vit::AddOp>();
  if (!addEps || !addEps->hasOneUse())
    return {};
  std::optional<unsigned> epsIndex = graph::constantOperandIndex(addEps);
  if (!epsIndex || addEps.getType() != addEps->getOperand(1 - *epsIndex).getType())
    return {};
  std::optional<double> epsilon = graph::getSplatValue(addEps->getOperand(*epsIndex));
  auto variance = addEps->getOperand(1 - *epsIndex).getDefiningOp<vit::ReduceMeanOp>();
  if (!epsilon || !variance || !variance->hasOneUse())
    return {};
  Operation *square = variance.getInput().getDefiningOp();
  if (!square || !square->hasOneUse())
    return {};
  Value centered;
  if (auto pow = dyn_cast<vit::PowOp>(square); pow && graph::isSplatNear(pow.getRhs(), 2.0))
    centered = pow.getLhs();
  else if (auto mul = dyn_cast<vit::MulOp>(square); mul && mul.getLhs() == mul.getRhs())
    centered = mul.getLhs();
  auto sub = centered ? centered.getDefiningOp<vit::SubOp>() : nullptr;
  auto mean = sub ? sub.getRhs().getDefiningOp<vit::ReduceMeanOp>() : nullptr;
  if (!mean || mean.getInput() != sub.getLhs() || !mean->hasOneUse() ||
      !graph::sameF32Type(sub.getLhs(), centered) ||
      square->getResult(0).getType() != centered.getType())
    return {};
  std::optional<int64_t> meanAxis = trailingReductionAxis(mean);
  if (!meanAxis || meanAxis != trailingReductionAxis(variance))
    return {};
  match.input = sub.getLhs();
  match.axis = *meanAxis;
  match.epsilon = *epsilon;
  match.mean = mean;
  match.ops = {mean, sub, square, variance, addEps, sqrt};
  return centered;
}

/// d / std, d * Reciprocal(std) or d * (1 / std), where std is the Sqrt.
Operation *matchNormalize(vit::SqrtOp sqrt, Value centered, LayerNormMatch &match) {
  Value std = sqrt.getOutput();
  Operation *user = graph::getSoleUser(std);
  if (!user)
    return nullptr;
  auto div = dyn_cast<vit::DivOp>(user);
  if (div && div.getLhs() == centered && div.getRhs() == std)
    return div;
  bool isReciprocal = isa<vit::ReciprocalOp>(user) ||
                      (div && div.getRhs() == std && graph::isSplatNear(div.getLhs(), 1.0, 0.0));
  if (!isReciprocal || user->getResult(0).getType() != std.getType())
    return nullptr;
  auto mul = dyn_cast_or_null<vit::MulOp>(graph::getSoleUser(user->getResult(0)));
  if (!mul || graph::otherOperand(mul, user->getResult(0)) != centered)
    return nullptr;
  match.ops.push_back(user);
  return mul;
}

/// The constant operand of a binary `op` of type T applied to `value`, when
/// it keeps `value`'s type and varies only along dims [axis, rank).
template <typename T> Value matchAffineParam(Operation *op, Value value, int64_t axis) {
  if (!isa_and_nonnull<T>(op) || op->getResult(0).getType() != value.getType())
    return {};
  Value param = graph::otherOperand(op, value);
  std::optional<rt::Tensor> tensor = param ? graph::getF32Constant(param) : std::nullopt;
  if (!tensor || tensor->rank() > static_cast<int64_t>(graph::shapeOf(value).size()))
    return {};
  int64_t offset = graph::shapeOf(value).size() - tensor->rank();
  for (int64_t i = 0; i + offset < axis && i < tensor->rank(); ++i)
    if (tensor->shape()[i] != 1)
      return {};
  return param;
}

/// The optional Mul(scale) and Add(bias) after the normalisation.
void matchScaleAndBias(Operation *normalize, LayerNormMatch &match) {
  Value current = normalize->getResult(0);
  Operation *user = graph::getSoleUser(current);
  if (Value scale = matchAffineParam<vit::MulOp>(user, current, match.axis)) {
    match.scale = scale;
    match.ops.push_back(user);
    current = user->getResult(0);
    user = graph::getSoleUser(current);
  }
  if (Value bias = matchAffineParam<vit::AddOp>(user, current, match.axis)) {
    match.bias = bias;
    match.ops.push_back(user);
  }
}

/// `param` (or ones) as a tensor of exactly the normalised shape.
Value normalizedParam(PatternRewriter &rewriter, const LayerNormMatch &match, Value param,
                      StringRef name) {
  ArrayRef<int64_t> inputShape = graph::shapeOf(match.input);
  rt::Shape normalized(inputShape.begin() + match.axis, inputShape.end());
  if (param && graph::shapeOf(param) == ArrayRef<int64_t>(normalized))
    return param;
  rt::Tensor tensor = rt::Tensor::scalar(1.0f);
  if (param) {
    tensor = *graph::getF32Constant(param);
    size_t dropped =
        tensor.shape().size() > normalized.size() ? tensor.shape().size() - normalized.size() : 0;
    tensor = tensor.reshaped(rt::Shape(tensor.shape().begin() + dropped, tensor.shape().end()));
  }
  tensor = rt::expand(tensor, normalized);
  return graph::createConstant(rewriter, match.mean->getLoc(), tensor,
                               graph::constantName(match.mean, name));
}

struct FuseDecomposedLayerNorm : OpRewritePattern<vit::SqrtOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vit::SqrtOp sqrt, PatternRewriter &rewriter) const override {
    LayerNormMatch match;
    Value centered = matchVariance(sqrt, match);
    if (!centered)
      return rewriter.notifyMatchFailure(sqrt, "no mean/variance over trailing axes feeds it");
    Operation *normalize = matchNormalize(sqrt, centered, match);
    if (!normalize || !graph::onlyUsedBy(centered, {match.ops[2], normalize}))
      return rewriter.notifyMatchFailure(sqrt, "the centred input is not only normalised");
    match.ops.push_back(normalize);
    matchScaleAndBias(normalize, match);
    match.result = match.ops.back();
    if (match.result->getResult(0).getType() != match.input.getType())
      return rewriter.notifyMatchFailure(sqrt, "the result type differs from the input's");

    rewriter.setInsertionPoint(match.result);
    Value scale = normalizedParam(rewriter, match, match.scale, "scale");
    Value bias = match.bias ? normalizedParam(rewriter, match, match.bias, "bias") : Value();
    auto layerNorm = rewriter.create<vit::LayerNormOp>(
        match.mean->getLoc(), match.input.getType(), match.input, scale, bias,
        rewriter.getI64IntegerAttr(match.axis),
        rewriter.getF32FloatAttr(static_cast<float>(match.epsilon)));
    rewriter.replaceOp(match.result, layerNorm.getOutput());
    graph::eraseDeadOps(rewriter, ArrayRef<Operation *>(match.ops).drop_back());
    return success();
  }
};

struct FuseLayerNormPass : impl::FuseLayerNormBase<FuseLayerNormPass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    patterns.add<FuseDecomposedLayerNorm>(context);
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
} // namespace vitc
