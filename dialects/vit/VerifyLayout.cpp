//===- VerifyLayout.cpp - Verifiers of layout, indexing and shape ops -----===//
#include "dialects/vit/ShapeUtils.h"
#include "dialects/vit/VitOps.h"

#include "mlir/Dialect/Traits.h"

using namespace mlir;
using namespace vitc::vit;

static ArrayRef<int64_t> shapeOf(Value value) {
  return value.getType().cast<ShapedType>().getShape();
}
static constexpr int64_t kDyn = ShapedType::kDynamic;

static int64_t product(ArrayRef<int64_t> dims) {
  int64_t n = 1;
  for (int64_t d : dims) {
    if (ShapedType::isDynamic(d))
      return kDyn;
    n *= d;
  }
  return n;
}

LogicalResult TransposeOp::verify() {
  ArrayRef<int64_t> input = shapeOf(getInput());
  SmallVector<int64_t> perm;
  if (getPerm())
    perm.assign(getPerm()->begin(), getPerm()->end());
  else
    for (int64_t i = input.size() - 1; i >= 0; --i)
      perm.push_back(i);
  if (perm.size() != input.size())
    return emitOpError("perm has ") << perm.size() << " entries for rank " << input.size();
  SmallVector<bool> seen(input.size(), false);
  SmallVector<int64_t> expected;
  for (int64_t p : perm) {
    if (p < 0 || p >= static_cast<int64_t>(input.size()) || seen[p])
      return emitOpError("perm is not a permutation");
    seen[p] = true;
    expected.push_back(input[p]);
  }
  return verifyShapeMatches(*this, "result", expected, shapeOf(getOutput()));
}

LogicalResult ReshapeOp::verify() {
  if (failed(verifySameElementType(*this, getInput(), getOutput())))
    return failure();
  ArrayRef<int64_t> shape = shapeOf(getShape());
  if (shape.size() != 1)
    return emitOpError("shape operand must be 1-d");
  ArrayRef<int64_t> result = shapeOf(getOutput());
  if (!ShapedType::isDynamic(shape[0]) && shape[0] != static_cast<int64_t>(result.size()))
    return emitOpError("result rank ") << result.size() << " differs from shape length "
                                       << shape[0];
  int64_t in = product(shapeOf(getInput())), out = product(result);
  if (in != kDyn && out != kDyn && in != out)
    return emitOpError("reshape from ") << in << " to " << out << " elements";
  return success();
}

LogicalResult FlattenOp::verify() {
  ArrayRef<int64_t> input = shapeOf(getInput());
  int64_t rank = input.size();
  int64_t axis = static_cast<int64_t>(getAxis());
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis > rank)
    return emitOpError("axis ") << axis << " out of range for rank " << rank;
  return verifyShapeMatches(*this, "result",
                            {product(input.take_front(axis)), product(input.drop_front(axis))},
                            shapeOf(getOutput()));
}

LogicalResult SqueezeOp::verify() {
  if (failed(verifySameElementType(*this, getInput(), getOutput())))
    return failure();
  ArrayRef<int64_t> input = shapeOf(getInput());
  std::optional<SmallVector<int64_t>> axes =
      getAxes() ? getConstantIntValues(getAxes()) : std::optional<SmallVector<int64_t>>();
  if (getAxes() && !axes)
    return success();
  SmallVector<bool> removed(input.size(), false);
  if (axes) {
    for (int64_t axis : *axes) {
      std::optional<int64_t> n = normalizeAxis(axis, input.size());
      if (!n)
        return emitOpError("axis ") << axis << " out of range";
      if (input[*n] != 1 && !ShapedType::isDynamic(input[*n]))
        return emitOpError("cannot squeeze dim ") << axis << " of size " << input[*n];
      removed[*n] = true;
    }
  } else {
    for (size_t i = 0; i < input.size(); ++i)
      removed[i] = input[i] == 1;
  }
  SmallVector<int64_t> expected;
  for (size_t i = 0; i < input.size(); ++i)
    if (!removed[i])
      expected.push_back(input[i]);
  return verifyShapeMatches(*this, "result", expected, shapeOf(getOutput()));
}

LogicalResult UnsqueezeOp::verify() {
  if (failed(verifySameElementType(*this, getInput(), getOutput())))
    return failure();
  std::optional<SmallVector<int64_t>> axes = getConstantIntValues(getAxes());
  if (!axes)
    return success();
  ArrayRef<int64_t> input = shapeOf(getInput());
  int64_t rank = input.size() + axes->size();
  SmallVector<bool> inserted(rank, false);
  for (int64_t axis : *axes) {
    std::optional<int64_t> n = normalizeAxis(axis, rank);
    if (!n || inserted[*n])
      return emitOpError("axis ") << axis << " out of range or repeated";
    inserted[*n] = true;
  }
  SmallVector<int64_t> expected;
  for (int64_t i = 0, next = 0; i < rank; ++i)
    expected.push_back(inserted[i] ? 1 : input[next++]);
  return verifyShapeMatches(*this, "result", expected, shapeOf(getOutput()));
}

LogicalResult ConcatOp::verify() {
  if (getInputs().empty())
    return emitOpError("needs at least one input");
  ArrayRef<int64_t> first = shapeOf(getInputs().front());
  std::optional<int64_t> axis = normalizeAxis(getAxis(), first.size());
  if (!axis)
    return emitOpError("axis ") << static_cast<int64_t>(getAxis()) << " out of range for rank " << first.size();
  SmallVector<int64_t> expected(first);
  expected[*axis] = 0;
  for (Value input : getInputs()) {
    ArrayRef<int64_t> shape = shapeOf(input);
    if (shape.size() != first.size())
      return emitOpError("inputs must have the same rank");
    for (size_t i = 0; i < shape.size(); ++i) {
      if (static_cast<int64_t>(i) == *axis)
        expected[i] = (ShapedType::isDynamic(expected[i]) || ShapedType::isDynamic(shape[i]))
                          ? kDyn
                          : expected[i] + shape[i];
      else if (!dimsCompatible(expected[i], shape[i]))
        return emitOpError("inputs differ in dim ") << i << " outside the axis";
    }
  }
  return verifyShapeMatches(*this, "result", expected, shapeOf(getOutput()));
}

LogicalResult SliceOp::verify() {
  if (failed(verifySameElementType(*this, getInput(), getOutput())))
    return failure();
  ArrayRef<int64_t> input = shapeOf(getInput());
  if (shapeOf(getOutput()).size() != input.size())
    return emitOpError("result rank must equal input rank");
  for (Value v : {getStarts(), getEnds(), getAxes(), getSteps()})
    if (v && shapeOf(v).size() != 1)
      return emitOpError("starts, ends, axes and steps must be 1-d");
  if (auto steps = getSteps() ? getConstantIntValues(getSteps()) : std::nullopt)
    if (llvm::is_contained(*steps, 0))
      return emitOpError("steps must be non-zero");
  return success();
}

LogicalResult SplitOp::verify() {
  ArrayRef<int64_t> input = shapeOf(getInput());
  std::optional<int64_t> axis = normalizeAxis(getAxis(), input.size());
  if (!axis)
    return emitOpError("axis ") << static_cast<int64_t>(getAxis()) << " out of range for rank " << input.size();
  if (getOutputs().empty())
    return emitOpError("needs at least one result");
  for (Value output : getOutputs())
    if (failed(verifySameElementType(*this, getInput(), output)))
      return failure();
  int64_t total = 0;
  for (Value output : getOutputs()) {
    ArrayRef<int64_t> shape = shapeOf(output);
    if (shape.size() != input.size())
      return emitOpError("results must have the input's rank");
    total = (total == kDyn || ShapedType::isDynamic(shape[*axis])) ? kDyn : total + shape[*axis];
  }
  if (total != kDyn && !ShapedType::isDynamic(input[*axis]) && total != input[*axis])
    return emitOpError("result sizes along the axis add up to ")
           << total << ", input has " << input[*axis];
  return success();
}

LogicalResult GatherOp::verify() {
  if (failed(verifySameElementType(*this, getInput(), getOutput())))
    return failure();
  ArrayRef<int64_t> input = shapeOf(getInput()), indices = shapeOf(getIndices());
  std::optional<int64_t> axis = normalizeAxis(getAxis(), input.size());
  if (!axis)
    return emitOpError("axis ") << static_cast<int64_t>(getAxis()) << " out of range for rank " << input.size();
  SmallVector<int64_t> expected(input.take_front(*axis));
  expected.append(indices.begin(), indices.end());
  expected.append(input.begin() + *axis + 1, input.end());
  return verifyShapeMatches(*this, "result", expected, shapeOf(getOutput()));
}

LogicalResult GatherElementsOp::verify() {
  if (failed(verifySameElementType(*this, getInput(), getOutput())))
    return failure();
  ArrayRef<int64_t> input = shapeOf(getInput()), indices = shapeOf(getIndices());
  if (input.size() != indices.size())
    return emitOpError("indices must have the input's rank");
  if (!normalizeAxis(getAxis(), input.size()))
    return emitOpError("axis ") << static_cast<int64_t>(getAxis()) << " out of range";
  return verifyShapeMatches(*this, "result", indices, shapeOf(getOutput()));
}

LogicalResult ExpandOp::verify() {
  if (failed(verifySameElementType(*this, getInput(), getOutput())))
    return failure();
  if (shapeOf(getShape()).size() != 1)
    return emitOpError("shape operand must be 1-d");
  if (auto shape = getConstantIntValues(getShape())) {
    SmallVector<int64_t> expected;
    if (!mlir::OpTrait::util::getBroadcastedShape(shapeOf(getInput()), *shape, expected))
      return emitOpError("input does not broadcast to the requested shape");
    return verifyShapeMatches(*this, "result", expected, shapeOf(getOutput()));
  }
  return success();
}

LogicalResult TileOp::verify() {
  if (failed(verifySameElementType(*this, getInput(), getOutput())))
    return failure();
  ArrayRef<int64_t> input = shapeOf(getInput());
  if (shapeOf(getOutput()).size() != input.size())
    return emitOpError("result rank must equal input rank");
  if (auto repeats = getConstantIntValues(getRepeats())) {
    if (repeats->size() != input.size())
      return emitOpError("repeats must have one value per dim");
    SmallVector<int64_t> expected;
    for (size_t i = 0; i < input.size(); ++i)
      expected.push_back(ShapedType::isDynamic(input[i]) ? kDyn : input[i] * (*repeats)[i]);
    return verifyShapeMatches(*this, "result", expected, shapeOf(getOutput()));
  }
  return success();
}

LogicalResult PadOp::verify() {
  if (failed(verifySameElementType(*this, getInput(), getOutput())))
    return failure();
  StringRef mode = getMode();
  if (mode != "constant" && mode != "reflect" && mode != "edge")
    return emitOpError("unknown mode \"") << mode << "\"";
  ArrayRef<int64_t> input = shapeOf(getInput());
  if (shapeOf(getOutput()).size() != input.size())
    return emitOpError("result rank must equal input rank");
  if (auto pads = getConstantIntValues(getPads())) {
    if (pads->size() != 2 * input.size())
      return emitOpError("pads must have 2 x rank values");
    SmallVector<int64_t> expected;
    for (size_t i = 0; i < input.size(); ++i)
      expected.push_back(ShapedType::isDynamic(input[i])
                             ? kDyn
                             : input[i] + (*pads)[i] + (*pads)[i + input.size()]);
    return verifyShapeMatches(*this, "result", expected, shapeOf(getOutput()));
  }
  return success();
}

static LogicalResult verifyBlockShuffle(Operation *op, ArrayRef<int64_t> input,
                                        ArrayRef<int64_t> result, int64_t block, bool toSpace) {
  if (input.size() != 4)
    return op->emitOpError("input must be 4-d NCHW");
  if (block <= 0)
    return op->emitOpError("blocksize must be positive");
  auto scale = [](int64_t d, int64_t f, bool up) {
    return ShapedType::isDynamic(d) ? kDyn : (up ? d * f : d / f);
  };
  if (toSpace && !ShapedType::isDynamic(input[1]) && input[1] % (block * block))
    return op->emitOpError("channels must be divisible by blocksize^2");
  if (!toSpace && ((!ShapedType::isDynamic(input[2]) && input[2] % block) ||
                   (!ShapedType::isDynamic(input[3]) && input[3] % block)))
    return op->emitOpError("spatial dims must be divisible by blocksize");
  SmallVector<int64_t> expected{input[0], scale(input[1], block * block, !toSpace),
                                scale(input[2], block, toSpace),
                                scale(input[3], block, toSpace)};
  return verifyShapeMatches(op, "result", expected, result);
}

LogicalResult DepthToSpaceOp::verify() {
  if (getMode() != "DCR" && getMode() != "CRD")
    return emitOpError("mode must be DCR or CRD");
  return verifyBlockShuffle(*this, shapeOf(getInput()), shapeOf(getOutput()), static_cast<int64_t>(getBlocksize()), true);
}

LogicalResult SpaceToDepthOp::verify() {
  return verifyBlockShuffle(*this, shapeOf(getInput()), shapeOf(getOutput()), static_cast<int64_t>(getBlocksize()), false);
}

LogicalResult ShapeOp::verify() {
  int64_t rank = shapeOf(getInput()).size();
  auto clampIndex = [rank](int64_t i) {
    if (i < 0)
      i += rank;
    return std::clamp<int64_t>(i, 0, rank);
  };
  int64_t start = clampIndex(getStart().value_or(0));
  int64_t end = clampIndex(getEnd().value_or(rank));
  return verifyShapeMatches(*this, "result", {std::max<int64_t>(end - start, 0)},
                            shapeOf(getOutput()));
}

LogicalResult ConstantOfShapeOp::verify() {
  if (shapeOf(getShape()).size() != 1)
    return emitOpError("shape operand must be 1-d");
  Type element = getOutput().getType().cast<ShapedType>().getElementType();
  if (getValue()) {
    if (getValue()->getNumElements() != 1)
      return emitOpError("value must hold exactly one element");
    if (getValue()->getElementType() != element)
      return emitOpError("value's element type must be the result's");
  } else if (!element.isF32()) {
    return emitOpError("without value the result is f32");
  }
  if (auto shape = getConstantIntValues(getShape()))
    return verifyShapeMatches(*this, "result", *shape, shapeOf(getOutput()));
  return success();
}

LogicalResult RangeOp::verify() {
  for (Value v : {getStart(), getLimit(), getDelta()})
    if (!shapeOf(v).empty())
      return emitOpError("start, limit and delta must be scalars");
  if (shapeOf(getOutput()).size() != 1)
    return emitOpError("result must be 1-d");
  return success();
}
