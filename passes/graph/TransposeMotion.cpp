//===- TransposeMotion.cpp - Moving vit.transpose through the graph -------===//
//
// A transpose commutes with: elementwise ops (other operands follow it:
// the same transpose is dropped, a constant is stored transposed, a value
// whose transpose only moves size-1 dims is reshaped), LayerNorm and
// Softmax whose axes it leaves in place, Linear and MatMul by a matrix when
// it keeps the last axis, Reshape when each group of dims that the reshape
// splits or merges is adjacent and in order on the other side of the
// transpose, and (sinking only, TransposeSinking.cpp) reductions and global
// pooling. This file holds what is shared and the hoisting.
//
//===----------------------------------------------------------------------===//
#include "passes/graph/TransposeMotion.h"

#include "passes/graph/PatternUtils.h"

#include "vitc/rt/kernels/DataMovement.h"

using namespace mlir;

namespace vitc::graph {
namespace {

Type elementTypeOf(Value value) { return value.getType().cast<ShapedType>().getElementType(); }

bool isUnaryElementwise(Operation *op) {
  return isa<vit::NegOp, vit::AbsOp, vit::SignOp, vit::ReluOp, vit::SqrtOp, vit::ExpOp, vit::LogOp,
             vit::ErfOp, vit::ReciprocalOp, vit::FloorOp, vit::CeilOp, vit::RoundOp, vit::SigmoidOp,
             vit::TanhOp, vit::SinOp, vit::CosOp, vit::HardSwishOp, vit::NotOp, vit::IdentityOp,
             vit::HardSigmoidOp, vit::LeakyReluOp, vit::EluOp, vit::GeluOp, vit::CastOp,
             vit::ClipOp>(op);
}

/// Whether `perm` leaves dims axis.. (axis may be negative) in place.
bool keepsTrailingAxes(ArrayRef<int64_t> perm, int64_t axis) {
  const int64_t rank = static_cast<int64_t>(perm.size());
  if (axis < -rank || axis >= rank)
    return false;
  for (int64_t d = axis < 0 ? axis + rank : axis; d < rank; ++d)
    if (perm[d] != d)
      return false;
  return true;
}

/// Whether `perm` leaves `axis` (may be negative) in place.
bool keepsAxis(ArrayRef<int64_t> perm, int64_t axis) {
  const int64_t rank = static_cast<int64_t>(perm.size());
  if (axis < -rank || axis >= rank)
    return false;
  axis = axis < 0 ? axis + rank : axis;
  return perm[axis] == axis;
}

} // namespace

std::optional<ArrayRef<int64_t>> staticShape(Value value) {
  auto type = value.getType().dyn_cast<RankedTensorType>();
  if (!type || !type.hasStaticShape())
    return std::nullopt;
  return type.getShape();
}

Shape broadcastShape(ArrayRef<int64_t> shape, size_t rank) {
  Shape full(rank - shape.size(), 1);
  full.append(shape.begin(), shape.end());
  return full;
}

ArrayRef<int64_t> dropLeadingOnes(ArrayRef<int64_t> dims) {
  return dims.drop_while([](int64_t d) { return d == 1; });
}

bool isBroadcastElementwise(Operation *op) {
  return isa<vit::AddOp, vit::SubOp, vit::MulOp, vit::DivOp, vit::PowOp, vit::ModOp, vit::EqualOp,
             vit::LessOp, vit::LessOrEqualOp, vit::GreaterOp, vit::GreaterOrEqualOp, vit::AndOp,
             vit::OrOp, vit::XorOp, vit::WhereOp, vit::MinOp, vit::MaxOp, vit::SumOp>(op);
}

bool commutesOnFirstOperand(Operation *op, ArrayRef<int64_t> perm) {
  if (isUnaryElementwise(op))
    return true;
  if (auto norm = dyn_cast<vit::LayerNormOp>(op))
    return keepsTrailingAxes(perm, static_cast<int64_t>(norm.getAxis()));
  if (auto softmax = dyn_cast<vit::SoftmaxOp>(op))
    return keepsAxis(perm, static_cast<int64_t>(softmax.getAxis()));
  if (auto softmax = dyn_cast<vit::LogSoftmaxOp>(op))
    return keepsAxis(perm, static_cast<int64_t>(softmax.getAxis()));
  if (isa<vit::LinearOp>(op))
    return keepsTrailingAxes(perm, -1);
  if (auto matmul = dyn_cast<vit::MatMulOp>(op))
    return !matmul.getTransposeLhs() && perm.size() >= 2 &&
           matmul.getRhs().getType().cast<ShapedType>().getRank() == 2 &&
           keepsTrailingAxes(perm, -1);
  return false;
}

Shape firstOperandResultShape(Operation *op, ArrayRef<int64_t> shape) {
  Shape result(shape.begin(), shape.end());
  if (isa<vit::LinearOp, vit::MatMulOp>(op))
    result.back() = op->getResult(0).getType().cast<ShapedType>().getShape().back();
  return result;
}

Value createShapeConstant(PatternRewriter &rewriter, Location loc, ArrayRef<int64_t> shape) {
  auto type = RankedTensorType::get({static_cast<int64_t>(shape.size())}, rewriter.getI64Type());
  return rewriter.create<vit::ConstantOp>(loc, type, DenseElementsAttr::get(type, shape));
}

Value createLike(PatternRewriter &rewriter, Operation *op, OperationName name,
                 ArrayRef<NamedAttribute> attributes, ValueRange operands,
                 ArrayRef<int64_t> resultShape) {
  OperationState state(op->getLoc(), name);
  state.addOperands(operands);
  state.addAttributes(attributes);
  state.addTypes(RankedTensorType::get(resultShape, elementTypeOf(op->getResult(0))));
  return rewriter.create(state)->getResult(0);
}

//===----------------------------------------------------------------------===//
// Hoisting
//===----------------------------------------------------------------------===//

namespace {

/// Whether `matmul` absorbs a transpose by `perm` of its result.
bool matMulResultAbsorbs(vit::MatMulOp matmul, ArrayRef<int64_t> perm) {
  // The interpreter pre-packs a constant right operand: keep it on the right.
  return perm.size() >= 2 && !matmul.getRhs().getDefiningOp<vit::ConstantOp>() &&
         matmul.getLhs().getType().cast<ShapedType>().getRank() >= 2 &&
         matmul.getRhs().getType().cast<ShapedType>().getRank() >= 2 &&
         perm == ArrayRef<int64_t>(swapLastTwo(perm.size()));
}

/// transpose(value, perm) computed by moving the transpose above the ops
/// producing `value` until it disappears (see hoistingPaysOff). With a null
/// `rewriter` only checks that this is possible (and returns a null Value);
/// otherwise creates the new ops before the insertion point.
FailureOr<Value> hoist(PatternRewriter *rewriter, Location loc, Value value, ArrayRef<int64_t> perm,
                       int &budget) {
  std::optional<ArrayRef<int64_t>> shape = staticShape(value);
  if (--budget < 0 || !shape || shape->size() != perm.size())
    return failure();
  Shape resultShape = permuteShape(*shape, perm);
  if (movesOnlyUnitDims(*shape, perm))
    return rewriter ? createReshape(*rewriter, loc, value, resultShape) : Value();
  Operation *producer = value.getDefiningOp();
  if (!producer)
    return failure();
  if (auto transpose = dyn_cast<vit::TransposeOp>(producer)) {
    Permutation composed = composePermutations(permutationOf(transpose), perm);
    if (isIdentity(composed))
      return transpose.getInput();
    if (!value.hasOneUse())
      return failure(); // the old transpose would stay for its other users
    return rewriter ? createTranspose(*rewriter, loc, transpose.getInput(), composed) : Value();
  }
  if (isa<vit::ConstantOp>(producer)) {
    if (!value.hasOneUse() && ShapedType::getNumElements(*shape) > kMaxCopiedConstantElements)
      return failure();
    std::optional<rt::Tensor> data = transposedConstant(value, perm);
    if (!data)
      return failure();
    return rewriter ? createConstant(*rewriter, loc, *data, constantName(producer, "transposed"))
                    : Value();
  }
  // Moving above an op with other users would compute it twice.
  if (!value.hasOneUse())
    return failure();
  if (auto matmul = dyn_cast<vit::MatMulOp>(producer); matmul && matMulResultAbsorbs(matmul, perm))
    return rewriter ? Value(rewriter->create<vit::MatMulOp>(
                          matmul.getLoc(), RankedTensorType::get(resultShape, elementTypeOf(value)),
                          matmul.getRhs(), matmul.getLhs(),
                          rewriter->getBoolAttr(!matmul.getTransposeRhs()),
                          rewriter->getBoolAttr(!matmul.getTransposeLhs())))
                    : Value();

  SmallVector<Value> operands(producer->getOperands());
  if (commutesOnFirstOperand(producer, perm)) {
    FailureOr<Value> input = hoist(rewriter, loc, operands[0], perm, budget);
    if (failed(input))
      return failure();
    operands[0] = *input;
  } else if (isBroadcastElementwise(producer)) {
    for (Value &operand : operands) {
      std::optional<ArrayRef<int64_t>> staticOperandShape = staticShape(operand);
      if (!staticOperandShape || staticOperandShape->size() > perm.size())
        return failure();
      ArrayRef<int64_t> operandShape = *staticOperandShape;
      Shape full = broadcastShape(operandShape, perm.size());
      Shape target = permuteShape(full, perm);
      if (movesOnlyUnitDims(full, perm)) {
        if (rewriter && dropLeadingOnes(target) != dropLeadingOnes(full))
          operand = createReshape(*rewriter, loc, operand, target);
        continue;
      }
      if (operandShape.size() < perm.size()) {
        // A broadcast operand of lower rank: only a constant can follow.
        std::optional<rt::Tensor> data;
        if (!operand.getDefiningOp<vit::ConstantOp>() ||
            (!operand.hasOneUse() &&
             ShapedType::getNumElements(operandShape) > kMaxCopiedConstantElements) ||
            !(data = transposedConstant(operand, perm)))
          return failure();
        if (rewriter)
          operand = createConstant(*rewriter, loc, *data,
                                   constantName(operand.getDefiningOp(), "transposed"));
        continue;
      }
      FailureOr<Value> moved = hoist(rewriter, loc, operand, perm, budget);
      if (failed(moved))
        return failure();
      operand = *moved;
    }
  } else if (isa<vit::ReshapeOp>(producer)) {
    // reshape(w) transposed is a reshape of w transposed, when legal.
    std::optional<ArrayRef<int64_t>> inputShape = staticShape(producer->getOperand(0));
    std::optional<ReshapedTranspose> inverse =
        inputShape ? sinkBelowReshape(resultShape, invertPermutation(perm), *inputShape)
                   : std::nullopt;
    if (!inverse)
      return failure();
    FailureOr<Value> input =
        hoist(rewriter, loc, producer->getOperand(0), invertPermutation(inverse->perm), budget);
    if (failed(input) || !rewriter)
      return input;
    return createReshape(*rewriter, loc, *input, resultShape);
  } else {
    return failure();
  }
  if (!rewriter)
    return Value();
  // Linear and MatMul keep the last axis: their result is transposed alike.
  return createLike(*rewriter, producer, producer->getName(), producer->getAttrs(), operands,
                    resultShape);
}

} // namespace

//===----------------------------------------------------------------------===//
// Public helpers
//===----------------------------------------------------------------------===//

Permutation permutationOf(vit::TransposeOp op) {
  if (std::optional<ArrayRef<int64_t>> perm = op.getPerm())
    return Permutation(perm->begin(), perm->end());
  Permutation reversed;
  for (int64_t i = op.getInput().getType().cast<ShapedType>().getRank() - 1; i >= 0; --i)
    reversed.push_back(i);
  return reversed;
}

Value createTranspose(PatternRewriter &rewriter, Location loc, Value input,
                      ArrayRef<int64_t> perm) {
  auto type = input.getType().cast<RankedTensorType>();
  auto resultType =
      RankedTensorType::get(permuteShape(type.getShape(), perm), type.getElementType());
  return rewriter.create<vit::TransposeOp>(loc, resultType, input,
                                           rewriter.getDenseI64ArrayAttr(perm));
}

Value createReshape(PatternRewriter &rewriter, Location loc, Value input, ArrayRef<int64_t> shape) {
  auto type = RankedTensorType::get(shape, elementTypeOf(input));
  return rewriter.create<vit::ReshapeOp>(
      loc, type, input, createShapeConstant(rewriter, loc, shape), rewriter.getI64IntegerAttr(0));
}

std::optional<rt::Tensor> transposedConstant(Value value, ArrayRef<int64_t> perm) {
  std::optional<rt::Tensor> tensor = getConstantTensor(value);
  if (!tensor || tensor->rank() > static_cast<int64_t>(perm.size()))
    return std::nullopt;
  Shape full = broadcastShape(tensor->shape(), perm.size());
  try {
    return rt::transpose(tensor->reshaped(rt::Shape(full.begin(), full.end())),
                         std::vector<int64_t>(perm.begin(), perm.end()), /*pool=*/nullptr);
  } catch (const std::exception &) {
    return std::nullopt;
  }
}

bool matMulAbsorbs(OpOperand &use, ArrayRef<int64_t> perm) {
  return isa<vit::MatMulOp>(use.getOwner()) && perm.size() >= 2 &&
         perm == ArrayRef<int64_t>(swapLastTwo(perm.size()));
}

bool hoistingPaysOff(vit::TransposeOp transpose) {
  int budget = kLookAheadBudget;
  return succeeded(hoist(/*rewriter=*/nullptr, transpose.getLoc(), transpose.getInput(),
                         permutationOf(transpose), budget));
}

void hoistAboveProducers(PatternRewriter &rewriter, vit::TransposeOp transpose) {
  int budget = kLookAheadBudget;
  rewriter.setInsertionPoint(transpose);
  FailureOr<Value> hoisted =
      hoist(&rewriter, transpose.getLoc(), transpose.getInput(), permutationOf(transpose), budget);
  rewriter.replaceOp(transpose, *hoisted);
}

} // namespace vitc::graph
