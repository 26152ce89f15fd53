//===- TransposeSinking.cpp - Moving vit.transpose towards the outputs -----===//
//
// One op at a time: transpose -> op becomes op' -> transpose. Besides the
// ops of TransposeMotion.cpp, a transpose sinks through reductions (the
// reduced axes follow it) and global pooling (a ReduceMean/ReduceMax over
// the axes the pooled dims come from). Whether a sink pays off is decided by
// a look-ahead along every path below the transpose.
//
//===----------------------------------------------------------------------===//
#include "passes/graph/TransposeMotion.h"

#include "passes/graph/PatternUtils.h"

using namespace mlir;

namespace vitc::graph {
namespace {

/// What becomes of one operand of an op that a transpose sinks below.
enum class OperandChange {
  Keep,              // broadcasts the same way as before
  Untranspose,       // a transpose by the sunk permutation: use its input
  TransposeConstant, // a constant: store it transposed back
  Reshape,           // transposing it back only moves size-1 dims
  NewShape,          // Reshape's shape operand: the new input shape
};

/// The op that replaces `use`'s owner when a transpose by `incomingPerm` of
/// a value sinks below it, and the transpose that follows the new op.
struct SinkPlan {
  OperationName name;
  NamedAttrList attributes;
  SmallVector<OperandChange> operands;
  Permutation incomingPerm;
  Permutation perm;              // of the transpose after the new op
  Shape shape;                   // the new op's result shape
  bool removesTranspose = false; // an operand transpose loses its last use
};

/// How another operand of an elementwise op follows a transpose by `perm`
/// sunk below it; std::nullopt when that needs a transpose at run time.
std::optional<OperandChange> planOtherOperand(Value operand, ArrayRef<int64_t> perm) {
  std::optional<ArrayRef<int64_t>> shape = staticShape(operand);
  if (!shape || shape->size() > perm.size())
    return std::nullopt;
  if (auto transpose = operand.getDefiningOp<vit::TransposeOp>())
    if (ArrayRef<int64_t>(permutationOf(transpose)) == perm)
      return OperandChange::Untranspose;
  Shape full = broadcastShape(*shape, perm.size());
  Permutation inverse = invertPermutation(perm);
  if (movesOnlyUnitDims(full, inverse))
    return dropLeadingOnes(permuteShape(full, inverse)) == dropLeadingOnes(full)
               ? OperandChange::Keep
               : OperandChange::Reshape;
  if (operand.getDefiningOp<vit::ConstantOp>() &&
      (operand.hasOneUse() || ShapedType::getNumElements(*shape) <= kMaxCopiedConstantElements))
    return OperandChange::TransposeConstant;
  return std::nullopt;
}

/// Sinking through a reduction over `axes` of the transposed value.
void planReduction(SinkPlan &plan, ArrayRef<int64_t> axes, bool keepDims, ArrayRef<int64_t> shape,
                   Builder &builder) {
  ArrayRef<int64_t> perm = plan.incomingPerm;
  SmallVector<bool> reduced(perm.size(), false);
  for (int64_t axis : axes)
    reduced[perm[axis]] = true;
  SmallVector<int64_t> newAxes, newIndex(perm.size(), -1);
  for (size_t d = 0; d < perm.size(); ++d) {
    if (reduced[d])
      newAxes.push_back(static_cast<int64_t>(d));
    if (keepDims || !reduced[d]) {
      newIndex[d] = static_cast<int64_t>(plan.shape.size());
      plan.shape.push_back(reduced[d] ? 1 : shape[d]);
    }
  }
  for (int64_t p : perm)
    if (newIndex[p] >= 0)
      plan.perm.push_back(newIndex[p]);
  plan.attributes.set("axes", builder.getDenseI64ArrayAttr(newAxes));
}

/// Plans sinking a transpose by `perm` of a value of static shape `shape`
/// below the owner of `use`; std::nullopt when they do not commute.
std::optional<SinkPlan> planSink(OpOperand &use, ArrayRef<int64_t> perm, ArrayRef<int64_t> shape) {
  Operation *op = use.getOwner();
  if (op->getNumResults() != 1 || !isa_and_nonnull<vit::VitDialect>(op->getDialect()))
    return std::nullopt;
  std::optional<ArrayRef<int64_t>> result = staticShape(op->getResult(0));
  if (!result)
    return std::nullopt;
  const int64_t rank = static_cast<int64_t>(perm.size());
  const unsigned index = use.getOperandNumber();
  Builder builder(op->getContext());
  SinkPlan plan{op->getName(),
                NamedAttrList(op->getAttrs()),
                SmallVector<OperandChange>(op->getNumOperands(), OperandChange::Keep),
                Permutation(perm.begin(), perm.end()),
                {},
                {}};
  plan.operands[index] = OperandChange::Untranspose;

  if (index == 0 && commutesOnFirstOperand(op, perm)) {
    plan.perm = plan.incomingPerm;
    plan.shape = firstOperandResultShape(op, shape);
    return plan;
  }
  if (isBroadcastElementwise(op)) {
    // The transposed operand must not broadcast: more elements would move.
    if (*result != ArrayRef<int64_t>(permuteShape(shape, perm)))
      return std::nullopt;
    for (OpOperand &other : op->getOpOperands()) {
      if (other.getOperandNumber() == index)
        continue;
      std::optional<OperandChange> change = planOtherOperand(other.get(), perm);
      if (!change)
        return std::nullopt;
      plan.operands[other.getOperandNumber()] = *change;
      if (*change == OperandChange::Untranspose && other.get() != use.get() &&
          other.get().hasOneUse())
        plan.removesTranspose = true;
    }
    plan.perm = plan.incomingPerm;
    plan.shape.assign(shape.begin(), shape.end());
    return plan;
  }
  if (isa<vit::ReshapeOp>(op) && index == 0) {
    std::optional<ReshapedTranspose> sunk = sinkBelowReshape(shape, perm, *result);
    if (!sunk)
      return std::nullopt;
    plan.perm = sunk->perm;
    plan.shape = sunk->inputShape;
    plan.operands[1] = OperandChange::NewShape;
    plan.attributes.set("allowzero", builder.getI64IntegerAttr(0));
    return plan;
  }
  if (isa<vit::ReduceMeanOp, vit::ReduceMaxOp, vit::ReduceMinOp, vit::ReduceProdOp, vit::ReduceL1Op,
          vit::ReduceL2Op, vit::ReduceSumSquareOp, vit::ReduceLogSumExpOp>(op)) {
    SmallVector<int64_t> axes;
    if (auto attr = op->getAttrOfType<DenseI64ArrayAttr>("axes")) {
      if (attr.empty())
        return std::nullopt; // opset-18 style "no axes": not rewritten
      for (int64_t axis : attr.asArrayRef()) {
        if (axis < -rank || axis >= rank)
          return std::nullopt;
        axes.push_back(axis < 0 ? axis + rank : axis);
      }
    } else {
      for (int64_t d = 0; d < rank; ++d)
        axes.push_back(d);
    }
    auto keepDims = op->getAttrOfType<IntegerAttr>("keepdims"); // absent: the default, 1
    planReduction(plan, axes, !keepDims || keepDims.getInt() != 0, shape, builder);
    return plan;
  }
  if (isa<vit::GlobalAveragePoolOp, vit::GlobalMaxPoolOp>(op) && rank >= 3) {
    // Global pooling is a reduction over dims 2.. that keeps them.
    SmallVector<int64_t> axes;
    for (int64_t d = 2; d < rank; ++d)
      axes.push_back(d);
    plan.name =
        OperationName(isa<vit::GlobalAveragePoolOp>(op) ? vit::ReduceMeanOp::getOperationName()
                                                        : vit::ReduceMaxOp::getOperationName(),
                      op->getContext());
    plan.attributes = NamedAttrList();
    plan.attributes.set("keepdims", builder.getI64IntegerAttr(1));
    planReduction(plan, axes, /*keepDims=*/true, shape, builder);
    return plan;
  }
  return std::nullopt;
}

bool sinkingPaysOff(OpOperand &use, ArrayRef<int64_t> perm, ArrayRef<int64_t> shape, int &budget) {
  if (--budget < 0)
    return false;
  if (isa<vit::TransposeOp>(use.getOwner()) || matMulAbsorbs(use, perm))
    return true;
  std::optional<SinkPlan> plan = planSink(use, perm, shape);
  if (!plan)
    return false;
  if (plan->removesTranspose || movesOnlyUnitDims(plan->shape, plan->perm))
    return true;
  Value result = use.getOwner()->getResult(0);
  if (result.use_empty())
    return false;
  for (OpOperand &next : result.getUses())
    if (!sinkingPaysOff(next, plan->perm, plan->shape, budget))
      return false;
  return true;
}

} // namespace

bool sinkingPaysOff(OpOperand &use, vit::TransposeOp transpose) {
  std::optional<ArrayRef<int64_t>> shape = staticShape(transpose.getInput());
  int budget = kLookAheadBudget;
  return shape && sinkingPaysOff(use, permutationOf(transpose), *shape, budget);
}

bool sinkingPaysOff(vit::TransposeOp transpose) {
  if (transpose->use_empty())
    return false;
  for (OpOperand &use : transpose->getUses())
    if (!sinkingPaysOff(use, transpose))
      return false;
  return true;
}

LogicalResult sinkBelowUser(PatternRewriter &rewriter, vit::TransposeOp transpose) {
  std::optional<ArrayRef<int64_t>> shape = staticShape(transpose.getInput());
  if (!shape || !transpose->hasOneUse())
    return failure();
  OpOperand &use = *transpose->getUses().begin();
  Permutation perm = permutationOf(transpose);
  std::optional<SinkPlan> plan = planSink(use, perm, *shape);
  if (!plan)
    return failure();
  Operation *user = use.getOwner();

  // Read the constants to change before changing anything (one that only
  // needs a reshape is transposed too: the data is the same).
  Permutation inverse = invertPermutation(perm);
  SmallVector<std::optional<rt::Tensor>> constants(user->getNumOperands());
  for (auto [index, change] : llvm::enumerate(plan->operands)) {
    Value operand = user->getOperand(index);
    if (change != OperandChange::TransposeConstant &&
        !(change == OperandChange::Reshape && operand.getDefiningOp<vit::ConstantOp>()))
      continue;
    constants[index] = transposedConstant(operand, inverse);
    if (!constants[index])
      return failure();
  }

  rewriter.setInsertionPoint(user);
  Location loc = user->getLoc();
  SmallVector<Value> operands;
  for (auto [index, change] : llvm::enumerate(plan->operands)) {
    Value operand = user->getOperand(index);
    switch (change) {
    case OperandChange::Keep:
      break;
    case OperandChange::Untranspose:
      operand = operand.getDefiningOp<vit::TransposeOp>().getInput();
      break;
    case OperandChange::TransposeConstant:
    case OperandChange::Reshape:
      operand =
          constants[index]
              ? createConstant(rewriter, loc, *constants[index], constantName(user, "transposed"))
              : createReshape(
                    rewriter, loc, operand,
                    permuteShape(broadcastShape(*staticShape(operand), perm.size()), inverse));
      break;
    case OperandChange::NewShape:
      operand = createShapeConstant(rewriter, loc, plan->shape);
      break;
    }
    operands.push_back(operand);
  }
  Value sunk =
      createLike(rewriter, user, plan->name, plan->attributes.getAttrs(), operands, plan->shape);
  rewriter.replaceOp(user, createTranspose(rewriter, transpose.getLoc(), sunk, plan->perm));
  return success();
}

} // namespace vitc::graph
