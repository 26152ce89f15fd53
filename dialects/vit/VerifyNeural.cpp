//===- VerifyNeural.cpp - Verifiers of linear algebra, conv, norm, pool ---===//
#include "dialects/vit/ShapeUtils.h"
#include "dialects/vit/VitOps.h"

#include "mlir/Dialect/Traits.h"

using namespace mlir;
using namespace vitc::vit;

static ArrayRef<int64_t> shapeOf(Value value) {
  return value.getType().cast<ShapedType>().getShape();
}

LogicalResult MatMulOp::verify() {
  SmallVector<int64_t> lhs(shapeOf(getLhs())), rhs(shapeOf(getRhs()));
  if (lhs.empty() || rhs.empty())
    return emitOpError("operands must have rank >= 1");
  // A transposed operand is used with its last two dims swapped.
  if ((getTransposeLhs() && lhs.size() < 2) || (getTransposeRhs() && rhs.size() < 2))
    return emitOpError("a transposed operand must have rank >= 2");
  if (getTransposeLhs())
    std::swap(lhs[lhs.size() - 2], lhs.back());
  if (getTransposeRhs())
    std::swap(rhs[rhs.size() - 2], rhs.back());
  int64_t kLhs = lhs.back();
  int64_t kRhs = rhs.size() == 1 ? rhs[0] : rhs[rhs.size() - 2];
  if (!dimsCompatible(kLhs, kRhs))
    return emitOpError("contraction dims differ: ") << kLhs << " vs " << kRhs;
  SmallVector<int64_t> batch;
  ArrayRef<int64_t> lhsBatch = ArrayRef<int64_t>(lhs).drop_back(std::min<size_t>(lhs.size(), 2));
  ArrayRef<int64_t> rhsBatch = ArrayRef<int64_t>(rhs).drop_back(std::min<size_t>(rhs.size(), 2));
  if (!mlir::OpTrait::util::getBroadcastedShape(lhsBatch, rhsBatch, batch))
    return emitOpError("batch dims do not broadcast");
  SmallVector<int64_t> expected(batch);
  if (lhs.size() >= 2)
    expected.push_back(lhs[lhs.size() - 2]);
  if (rhs.size() >= 2)
    expected.push_back(rhs.back());
  return verifyShapeMatches(*this, "result", expected, shapeOf(getOutput()));
}

LogicalResult GemmOp::verify() {
  ArrayRef<int64_t> a = shapeOf(getA()), b = shapeOf(getB());
  if (a.size() != 2 || b.size() != 2)
    return emitOpError("A and B must be 2-d");
  int64_t m = getTransA() ? a[1] : a[0], kA = getTransA() ? a[0] : a[1];
  int64_t kB = getTransB() ? b[1] : b[0], n = getTransB() ? b[0] : b[1];
  if (!dimsCompatible(kA, kB))
    return emitOpError("contraction dims differ: ") << kA << " vs " << kB;
  if (getC()) {
    SmallVector<int64_t> ignored;
    ArrayRef<int64_t> c = shapeOf(getC());
    if (c.size() > 2 || !mlir::OpTrait::util::getBroadcastedShape({m, n}, c, ignored))
      return emitOpError("C does not broadcast to [M, N]");
  }
  return verifyShapeMatches(*this, "result", {m, n}, shapeOf(getOutput()));
}

LogicalResult LinearOp::verify() {
  ArrayRef<int64_t> input = shapeOf(getInput()), weight = shapeOf(getWeight());
  if (input.empty() || weight.size() != 2)
    return emitOpError("needs input of rank >= 1 and a 2-d [out, in] weight");
  if (!dimsCompatible(input.back(), weight[1]))
    return emitOpError("input features ") << input.back() << " differ from weight's "
                                          << weight[1];
  if (getBias() && failed(verifyShapeMatches(*this, "bias", {weight[0]}, shapeOf(getBias()))))
    return failure();
  SmallVector<int64_t> expected(input.drop_back());
  expected.push_back(weight[0]);
  return verifyShapeMatches(*this, "result", expected, shapeOf(getOutput()));
}

/// Output size of a sliding window along one dim; kDynamic if unknown.
static int64_t windowOutput(int64_t in, int64_t kernel, int64_t stride, int64_t dilation,
                            int64_t padBegin, int64_t padEnd, StringRef autoPad, bool ceilMode) {
  if (ShapedType::isDynamic(in) || ShapedType::isDynamic(kernel))
    return ShapedType::kDynamic;
  if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER")
    return (in + stride - 1) / stride;
  int64_t extent = (kernel - 1) * dilation + 1;
  int64_t span = autoPad == "VALID" ? in - extent : in + padBegin + padEnd - extent;
  if (span < 0)
    return -1;
  int64_t out = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1;
  // With ceil_mode the last window must start inside the (begin-padded) input.
  if (ceilMode && (out - 1) * stride >= in + padBegin)
    --out;
  return out;
}

/// Checks attributes of a window op and computes its spatial output dims.
static LogicalResult verifyWindow(Operation *op, ArrayRef<int64_t> input,
                                  ArrayRef<int64_t> kernel, std::optional<ArrayRef<int64_t>> strides,
                                  std::optional<ArrayRef<int64_t>> dilations,
                                  std::optional<ArrayRef<int64_t>> pads, StringRef autoPad,
                                  bool ceilMode, SmallVectorImpl<int64_t> &spatialOut) {
  size_t n = input.size() - 2;
  if (kernel.size() != n)
    return op->emitOpError("kernel has ") << kernel.size() << " spatial dims, input has " << n;
  if (strides && strides->size() != n)
    return op->emitOpError("strides must have ") << n << " values";
  if (dilations && dilations->size() != n)
    return op->emitOpError("dilations must have ") << n << " values";
  if (pads && pads->size() != 2 * n)
    return op->emitOpError("pads must have ") << 2 * n << " values";
  if (autoPad != "NOTSET" && autoPad != "VALID" && autoPad != "SAME_UPPER" &&
      autoPad != "SAME_LOWER")
    return op->emitOpError("unknown auto_pad \"") << autoPad << "\"";
  for (size_t i = 0; i < n; ++i) {
    int64_t stride = strides ? (*strides)[i] : 1, dilation = dilations ? (*dilations)[i] : 1;
    if (stride <= 0 || dilation <= 0)
      return op->emitOpError("strides and dilations must be positive");
    int64_t out = windowOutput(input[i + 2], kernel[i], stride, dilation, pads ? (*pads)[i] : 0,
                               pads ? (*pads)[i + n] : 0, autoPad, ceilMode);
    if (out == -1 || out == 0)
      return op->emitOpError("window does not fit the input along spatial dim ") << i;
    spatialOut.push_back(out);
  }
  return success();
}

LogicalResult ConvOp::verify() {
  ArrayRef<int64_t> input = shapeOf(getInput()), weight = shapeOf(getWeight());
  if (input.size() < 3 || weight.size() != input.size())
    return emitOpError("input and weight must have the same rank >= 3");
  int64_t group = static_cast<int64_t>(getGroup());
  if (group <= 0)
    return emitOpError("group must be positive");
  if (!ShapedType::isDynamic(input[1]) && !ShapedType::isDynamic(weight[1]) &&
      input[1] != weight[1] * group)
    return emitOpError("input channels ") << input[1] << " != weight channels " << weight[1]
                                          << " x group " << group;
  if (!ShapedType::isDynamic(weight[0]) && weight[0] % group != 0)
    return emitOpError("output channels must be divisible by group");
  if (getBias() && failed(verifyShapeMatches(*this, "bias", {weight[0]}, shapeOf(getBias()))))
    return failure();
  ArrayRef<int64_t> kernel = weight.drop_front(2);
  if (getKernelShape() && failed(verifyShapeMatches(*this, "kernel_shape", kernel,
                                                    *getKernelShape())))
    return failure();
  SmallVector<int64_t> expected{input[0], weight[0]};
  if (failed(verifyWindow(*this, input, kernel, getStrides(), getDilations(), getPads(),
                          getAutoPad(), /*ceilMode=*/false, expected)))
    return failure();
  return verifyShapeMatches(*this, "result", expected, shapeOf(getOutput()));
}

template <typename PoolOp>
static LogicalResult verifyPool(PoolOp op, std::optional<ArrayRef<int64_t>> dilations) {
  ArrayRef<int64_t> input = shapeOf(op.getInput());
  if (input.size() < 3)
    return op.emitOpError("input must have rank >= 3");
  SmallVector<int64_t> expected{input[0], input[1]};
  if (failed(verifyWindow(op, input, op.getKernelShape(), op.getStrides(), dilations,
                          op.getPads(), op.getAutoPad(), op.getCeilMode() != 0, expected)))
    return failure();
  return verifyShapeMatches(op, "result", expected, shapeOf(op.getOutput()));
}
LogicalResult AveragePoolOp::verify() { return verifyPool(*this, std::nullopt); }
LogicalResult MaxPoolOp::verify() { return verifyPool(*this, getDilations()); }

template <typename GlobalOp> static LogicalResult verifyGlobalPool(GlobalOp op) {
  ArrayRef<int64_t> input = shapeOf(op.getInput());
  if (input.size() < 3)
    return op.emitOpError("input must have rank >= 3");
  SmallVector<int64_t> expected(input.size(), 1);
  expected[0] = input[0];
  expected[1] = input[1];
  return verifyShapeMatches(op, "result", expected, shapeOf(op.getOutput()));
}
LogicalResult GlobalAveragePoolOp::verify() { return verifyGlobalPool(*this); }
LogicalResult GlobalMaxPoolOp::verify() { return verifyGlobalPool(*this); }

LogicalResult LayerNormOp::verify() {
  ArrayRef<int64_t> input = shapeOf(getInput());
  std::optional<int64_t> axis = normalizeAxis(getAxis(), input.size());
  if (!axis)
    return emitOpError("axis ") << static_cast<int64_t>(getAxis()) << " out of range for rank " << input.size();
  ArrayRef<int64_t> normalized = input.drop_front(*axis);
  for (Value param : {getScale(), getBias()}) {
    if (!param)
      continue;
    SmallVector<int64_t> broadcast;
    if (!mlir::OpTrait::util::getBroadcastedShape(normalized, shapeOf(param), broadcast) ||
        broadcast.size() != normalized.size())
      return emitOpError("scale and bias must broadcast to the normalised dims");
  }
  return verifyShapeMatches(*this, "result", input, shapeOf(getOutput()));
}

LogicalResult BatchNormOp::verify() {
  ArrayRef<int64_t> input = shapeOf(getInput());
  if (input.size() < 2)
    return emitOpError("input must have rank >= 2");
  for (Value param : {getScale(), getBias(), getMean(), getVariance()})
    if (failed(verifyShapeMatches(*this, "per-channel parameter", {input[1]}, shapeOf(param))))
      return failure();
  return verifyShapeMatches(*this, "result", input, shapeOf(getOutput()));
}

template <typename SoftmaxLike> static LogicalResult verifySoftmax(SoftmaxLike op) {
  int64_t rank = shapeOf(op.getInput()).size();
  if (!normalizeAxis(op.getAxis(), rank))
    return op.emitOpError("axis ") << static_cast<int64_t>(op.getAxis()) << " out of range for rank " << rank;
  return success();
}
LogicalResult SoftmaxOp::verify() { return verifySoftmax(*this); }
LogicalResult LogSoftmaxOp::verify() { return verifySoftmax(*this); }

/// Result shape of a reduction over `axes` (all dims when empty).
static LogicalResult verifyReduction(Operation *op, ArrayRef<int64_t> input,
                                     std::optional<ArrayRef<int64_t>> axes, bool keepDims,
                                     bool noopWithEmptyAxes, ArrayRef<int64_t> result) {
  SmallVector<bool> reduced(input.size(), !axes || axes->empty());
  if (axes && axes->empty() && noopWithEmptyAxes)
    return verifyShapeMatches(op, "result", input, result);
  if (axes) {
    for (int64_t axis : *axes) {
      std::optional<int64_t> normalized = normalizeAxis(axis, input.size());
      if (!normalized)
        return op->emitOpError("axis ") << axis << " out of range for rank " << input.size();
      if (reduced[*normalized])
        return op->emitOpError("axis ") << axis << " repeated";
      reduced[*normalized] = true;
    }
  }
  SmallVector<int64_t> expected;
  for (size_t i = 0; i < input.size(); ++i) {
    if (!reduced[i])
      expected.push_back(input[i]);
    else if (keepDims)
      expected.push_back(1);
  }
  return verifyShapeMatches(op, "result", expected, result);
}

#define VITC_REDUCE_VERIFIER(OpClass)                                                        \
  LogicalResult OpClass::verify() {                                                          \
    return verifyReduction(*this, shapeOf(getInput()), getAxes(), getKeepdims() != 0,        \
                           /*noopWithEmptyAxes=*/false, shapeOf(getOutput()));               \
  }
VITC_REDUCE_VERIFIER(ReduceMeanOp)
VITC_REDUCE_VERIFIER(ReduceMaxOp)
VITC_REDUCE_VERIFIER(ReduceMinOp)
VITC_REDUCE_VERIFIER(ReduceProdOp)
VITC_REDUCE_VERIFIER(ReduceL1Op)
VITC_REDUCE_VERIFIER(ReduceL2Op)
VITC_REDUCE_VERIFIER(ReduceSumSquareOp)
VITC_REDUCE_VERIFIER(ReduceLogSumExpOp)
#undef VITC_REDUCE_VERIFIER

LogicalResult ReduceSumOp::verify() {
  if (failed(verifySameElementType(*this, getInput(), getOutput())))
    return failure();
  if (!getAxes())
    return verifyReduction(*this, shapeOf(getInput()), std::nullopt, getKeepdims() != 0,
                           getNoopWithEmptyAxes() != 0, shapeOf(getOutput()));
  std::optional<SmallVector<int64_t>> axes = getConstantIntValues(getAxes());
  if (!axes)
    return success(); // Axes known only at run time.
  return verifyReduction(*this, shapeOf(getInput()), ArrayRef<int64_t>(*axes),
                         getKeepdims() != 0, getNoopWithEmptyAxes() != 0, shapeOf(getOutput()));
}

template <typename ArgOp> static LogicalResult verifyArgReduce(ArgOp op) {
  ArrayRef<int64_t> input = shapeOf(op.getInput());
  int64_t axis = op.getAxis();
  return verifyReduction(op, input, ArrayRef<int64_t>(axis), op.getKeepdims() != 0, false,
                         shapeOf(op.getOutput()));
}
LogicalResult ArgMaxOp::verify() { return verifyArgReduce(*this); }
LogicalResult ArgMinOp::verify() { return verifyArgReduce(*this); }

LogicalResult ResizeOp::verify() {
  StringRef mode = getMode(), transform = getCoordinateTransformationMode();
  if (mode != "nearest" && mode != "linear" && mode != "cubic")
    return emitOpError("unknown mode \"") << mode << "\"";
  static constexpr llvm::StringLiteral kTransforms[] = {
      "half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric",
      "tf_half_pixel_for_nearest", "tf_crop_and_resize"};
  if (!llvm::is_contained(kTransforms, transform))
    return emitOpError("unknown coordinate_transformation_mode \"") << transform << "\"";
  if (!getScales() && !getSizes())
    return emitOpError("needs scales or sizes");
  int64_t rank = shapeOf(getInput()).size();
  if (rank != static_cast<int64_t>(shapeOf(getOutput()).size()))
    return emitOpError("result rank must equal input rank");
  if (auto sizes = getSizes() ? getConstantIntValues(getSizes()) : std::nullopt)
    return verifyShapeMatches(*this, "result", *sizes, shapeOf(getOutput()));
  return success();
}
