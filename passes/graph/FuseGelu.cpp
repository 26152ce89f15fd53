//===- FuseGelu.cpp - Erf and tanh forms of GELU into vit.gelu ------------===//
//
// Both forms end in 0.5 · x · (1 + f(x)), written by exporters in any
// association order: (x · (1 + f)) · 0.5, x · ((1 + f) · 0.5),
// (x · 0.5) · (1 + f), with "· 0.5" possibly "/ 2". The inner part is
//
//   erf form:  f = Erf(x / √2)  (or Erf(x · 1/√2))
//   tanh form: f = Tanh(√(2/π) · (x + 0.044715 · x³)), x³ = Pow(x, 3) or x·x·x
//
// Patterns are anchored at the Erf / Tanh. Constants are scalars or splats
// within 1e-6 relative of the exact values; every intermediate value must be
// used by the pattern alone, and the result must have x's type.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"
#include "passes/graph/PatternUtils.h"

#include "dialects/vit/VitOps.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace vitc {
#define GEN_PASS_DEF_FUSEGELU
#include "passes/Passes.h.inc"
} // namespace vitc

using namespace mlir;

namespace vitc {
namespace {

constexpr double kSqrt2 = 1.41421356237309504880;
constexpr double kSqrt2OverPi = 0.79788456080286535588;
constexpr double kTanhCubeCoefficient = 0.044715;

/// The non-constant operand of a Mul by a constant within tolerance of `c`
/// (either operand order); null otherwise.
Value matchMulByConstant(Operation *op, double c) {
  auto mul = dyn_cast_or_null<vit::MulOp>(op);
  if (!mul)
    return {};
  std::optional<unsigned> index = graph::constantOperandIndex(mul);
  if (!index || !graph::isSplatNear(mul->getOperand(*index), c))
    return {};
  return mul->getOperand(1 - *index);
}

/// The operand `op` halves: Mul(v, 0.5), Mul(0.5, v) or Div(v, 2).
Value matchHalf(Operation *op) {
  if (Value value = matchMulByConstant(op, 0.5))
    return value;
  auto div = dyn_cast_or_null<vit::DivOp>(op);
  return div && graph::isSplatNear(div.getRhs(), 2.0) ? div.getLhs() : Value();
}

/// Appends `op` to `chain`; returns the only user of its result, or null.
Operation *soleUserInChain(Operation *op, SmallVectorImpl<Operation *> &chain) {
  chain.push_back(op);
  return graph::getSoleUser(op->getResult(0));
}

/// Matches the common tail 0.5 · x · onePlus, where `onePlus` is the
/// 1 + f(x) value. Returns the op computing the GELU result, or null.
Operation *matchTail(Value x, Value onePlus, SmallVectorImpl<Operation *> &chain) {
  Operation *first = soleUserInChain(onePlus.getDefiningOp(), chain);
  if (!first)
    return nullptr;
  Value other = graph::otherOperand(first, onePlus);
  // (x · (1 + f)) · 0.5
  if (isa<vit::MulOp>(first) && other == x) {
    Operation *second = soleUserInChain(first, chain);
    return second && matchHalf(second) == first->getResult(0) ? second : nullptr;
  }
  // ((1 + f) · 0.5) · x
  if (matchHalf(first) == onePlus) {
    Operation *second = soleUserInChain(first, chain);
    return isa_and_nonnull<vit::MulOp>(second) &&
                   graph::otherOperand(second, first->getResult(0)) == x
               ? second
               : nullptr;
  }
  // (x · 0.5) · (1 + f)
  Operation *half = other ? other.getDefiningOp() : nullptr;
  if (isa<vit::MulOp>(first) && half && half->hasOneUse() && matchHalf(half) == x) {
    chain.push_back(half);
    return first;
  }
  return nullptr;
}

/// 1 + `value` with the constant either side.
Value matchOnePlus(Operation *op, Value value) {
  auto add = dyn_cast_or_null<vit::AddOp>(op);
  if (!add)
    return {};
  Value one = graph::otherOperand(add, value);
  return one && graph::isSplatNear(one, 1.0) ? add.getOutput() : Value();
}

/// Replaces the matched chain by vit.gelu(x).
LogicalResult replaceWithGelu(PatternRewriter &rewriter, Operation *anchor, Value x,
                              Operation *result, ArrayRef<Operation *> chain,
                              StringRef approximate) {
  if (!result || !graph::sameF32Type(x, result->getResult(0)))
    return rewriter.notifyMatchFailure(anchor, "no 0.5 * x * (1 + f) around it");
  rewriter.setInsertionPoint(result);
  auto gelu = rewriter.create<vit::GeluOp>(anchor->getLoc(), x.getType(), x,
                                           rewriter.getStringAttr(approximate));
  rewriter.replaceOp(result, gelu.getOutput());
  graph::eraseDeadOps(rewriter, chain);
  return success();
}

/// Erf(x / √2) or Erf(x · (1/√2)); returns x.
Value matchErfArgument(vit::ErfOp erf, SmallVectorImpl<Operation *> &chain) {
  Operation *scaled = erf.getInput().getDefiningOp();
  if (!scaled || !scaled->hasOneUse())
    return {};
  Value x = matchMulByConstant(scaled, 1.0 / kSqrt2);
  auto div = dyn_cast<vit::DivOp>(scaled);
  if (!x && div && graph::isSplatNear(div.getRhs(), kSqrt2))
    x = div.getLhs();
  if (x)
    chain.push_back(scaled);
  return x;
}

/// x³ as Pow(x, 3), (x · x) · x or x · (x · x); returns x.
Value matchCube(Operation *op, SmallVectorImpl<Operation *> &chain) {
  if (!op || !op->hasOneUse())
    return {};
  if (auto pow = dyn_cast<vit::PowOp>(op)) {
    if (!graph::isSplatNear(pow.getRhs(), 3.0))
      return {};
    chain.push_back(op);
    return pow.getLhs();
  }
  auto mul = dyn_cast<vit::MulOp>(op);
  if (!mul)
    return {};
  for (auto [square, x] :
       {std::pair(mul.getLhs(), mul.getRhs()), std::pair(mul.getRhs(), mul.getLhs())}) {
    auto squareOp = square.getDefiningOp<vit::MulOp>();
    if (squareOp && squareOp->hasOneUse() && squareOp.getLhs() == x && squareOp.getRhs() == x) {
      chain.append({squareOp, op});
      return x;
    }
  }
  return {};
}

/// √(2/π) · (x + 0.044715 · x³); returns x.
Value matchTanhArgument(vit::TanhOp tanh, SmallVectorImpl<Operation *> &chain) {
  Operation *scaled = tanh.getInput().getDefiningOp();
  Value sum = scaled && scaled->hasOneUse() ? matchMulByConstant(scaled, kSqrt2OverPi) : Value();
  auto add = sum ? sum.getDefiningOp<vit::AddOp>() : nullptr;
  if (!add || !add->hasOneUse())
    return {};
  for (auto [term, x] :
       {std::pair(add.getLhs(), add.getRhs()), std::pair(add.getRhs(), add.getLhs())}) {
    Operation *termOp = term.getDefiningOp();
    if (!termOp || !termOp->hasOneUse())
      continue;
    Value cube = matchMulByConstant(termOp, kTanhCubeCoefficient);
    SmallVector<Operation *> cubeChain;
    if (cube && matchCube(cube.getDefiningOp(), cubeChain) == x) {
      chain.append(cubeChain.begin(), cubeChain.end());
      chain.append({termOp, add, scaled});
      return x;
    }
  }
  return {};
}

/// Matches the argument of the Erf/Tanh and returns x, adding the matched
/// ops to the chain.
template <typename ActivationOp>
using ArgumentMatcher = Value (*)(ActivationOp, SmallVectorImpl<Operation *> &);

/// One form of GELU anchored at its Erf or Tanh: argument, 1 + f, tail.
template <typename ActivationOp> struct FuseGeluForm : OpRewritePattern<ActivationOp> {
  FuseGeluForm(MLIRContext *context, ArgumentMatcher<ActivationOp> matchArgument,
               StringRef approximate)
      : OpRewritePattern<ActivationOp>(context), matchArgument(matchArgument),
        approximate(approximate) {}

  LogicalResult matchAndRewrite(ActivationOp activation, PatternRewriter &rewriter) const override {
    SmallVector<Operation *> chain;
    Value x = matchArgument(activation, chain);
    if (!x)
      return rewriter.notifyMatchFailure(activation, "the argument is not GELU's");
    Value onePlus = matchOnePlus(soleUserInChain(activation, chain), activation.getOutput());
    if (!onePlus)
      return rewriter.notifyMatchFailure(activation, "the result is not only added to 1");
    Operation *result = matchTail(x, onePlus, chain);
    return replaceWithGelu(rewriter, activation, x, result, chain, approximate);
  }

  ArgumentMatcher<ActivationOp> matchArgument;
  StringRef approximate;
};

struct FuseGeluPass : impl::FuseGeluBase<FuseGeluPass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    patterns.add<FuseGeluForm<vit::ErfOp>>(context, matchErfArgument, "none");
    patterns.add<FuseGeluForm<vit::TanhOp>>(context, matchTanhArgument, "tanh");
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
} // namespace vitc
