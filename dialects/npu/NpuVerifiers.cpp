//===- NpuVerifiers.cpp - Verifiers of npu ops ----------------------------===//
#include "dialects/npu/NpuOps.h"

using namespace mlir;

namespace vitc::npu {
namespace {

int64_t numElementsOf(Value value) { return value.getType().cast<ShapedType>().getNumElements(); }

LogicalResult verifyRequant(Operation *op, ArrayRef<int32_t> multipliers,
                            ArrayRef<int32_t> shifts, int64_t channels) {
  if (multipliers.size() != shifts.size())
    return op->emitOpError("has ") << multipliers.size() << " multipliers and " << shifts.size()
                                   << " shifts";
  if (multipliers.size() != 1 && static_cast<int64_t>(multipliers.size()) != channels)
    return op->emitOpError("needs 1 or ") << channels << " requant pairs, has "
                                          << multipliers.size();
  return success();
}

} // namespace

LogicalResult GemmOp::verify() {
  auto weight = getWeight().getType().cast<ShapedType>();
  if (weight.getRank() != 2)
    return emitOpError("weight must be [N, K]");
  return verifyRequant(*this, getMultipliers(), getShifts(), weight.getDimSize(0));
}

LogicalResult ConvOp::verify() {
  auto weight = getWeight().getType().cast<ShapedType>();
  size_t spatial = getKernel().size();
  if (spatial < 1 || spatial > 2 || getStrides().size() != spatial ||
      getDilations().size() != spatial || getPads().size() != 2 * spatial)
    return emitOpError("needs 1 or 2 spatial dims with matching strides, dilations and pads");
  return verifyRequant(*this, getMultipliers(), getShifts(), weight.getDimSize(0));
}

LogicalResult AddOp::verify() {
  if (getRequant().size() != 4)
    return emitOpError("requant must be [lhs multiplier, lhs shift, rhs multiplier, rhs shift]");
  return success();
}

LogicalResult CopyOp::verify() {
  ArrayRef<int64_t> copies = getCopies();
  if (copies.empty() || copies.size() % kCopyWords != 0)
    return emitOpError("copies must hold ") << kCopyWords << " integers per copy";
  for (size_t c = 0; c < copies.size(); c += kCopyWords)
    if (copies[c] < 0 || copies[c] >= static_cast<int64_t>(getInputs().size()) ||
        copies[c + 1] < 0 || copies[c + 1] > kCopyRank)
      return emitOpError("copy ") << c / kCopyWords << " names a missing input or a bad rank";
  return success();
}

LogicalResult ViewOp::verify() {
  if (numElementsOf(getInput()) != numElementsOf(getOutput()))
    return emitOpError("changes the number of elements");
  return success();
}

} // namespace vitc::npu
