//===- VerifyAttention.cpp - Verifier of vit.attention --------------------===//
#include "dialects/vit/ShapeUtils.h"
#include "dialects/vit/VitOps.h"

using namespace mlir;
using namespace vitc::vit;

static ArrayRef<int64_t> shapeOf(Value value) {
  return value.getType().cast<ShapedType>().getShape();
}

/// Fails unless `dim` is compatible with `size` or (when `broadcast`) is 1.
static bool dimFits(int64_t dim, int64_t size, bool broadcast) {
  return dimsCompatible(dim, size) || (broadcast && dim == 1);
}

LogicalResult AttentionOp::verify() {
  ArrayRef<int64_t> q = shapeOf(getQuery()), k = shapeOf(getKey()), v = shapeOf(getValue());
  if (q.size() != 3 || k.size() != 3 || v.size() != 3)
    return emitOpError("query, key and value must be [B, N, channels]");
  int64_t heads = getHeads(), headDim = getHeadDim();
  if (heads <= 0 || headDim <= 0)
    return emitOpError("heads and head_dim must be positive");
  // Quantised q, k, v and output may each have their own parameters (the
  // bias stays fp32): compare the real element types.
  Type elementType = realElementType(getQuery().getType());
  for (Value value : {getKey(), getValue(), getBias(), getOutput()})
    if (value && realElementType(value.getType()) != elementType)
      return emitOpError("operands and result must share one element type");
  if (!dimsCompatible(k[0], q[0]) || !dimsCompatible(v[0], q[0]))
    return emitOpError("query, key and value batch dims differ");
  if (!dimsCompatible(v[1], k[1]))
    return emitOpError("key has ") << k[1] << " tokens, value " << v[1];
  for (auto [name, channels] : {std::pair<StringRef, int64_t>{"query", q[2]}, {"key", k[2]}})
    if (!dimsCompatible(channels, heads * headDim))
      return emitOpError() << name << " has " << channels << " channels, expected heads x "
                           << "head_dim = " << heads * headDim;
  if (!ShapedType::isDynamic(v[2]) && v[2] % heads != 0)
    return emitOpError("value channels ") << v[2] << " are not divisible by heads " << heads;

  if (Value bias = getBias()) {
    ArrayRef<int64_t> b = shapeOf(bias);
    if (b.size() != 4)
      return emitOpError("bias must be [G, heads, Nq, Nk] (size-1 dims broadcast)");
    if (!dimFits(b[1], heads, true) || !dimFits(b[2], q[1], true) || !dimFits(b[3], k[1], true))
      return emitOpError("bias [")
             << b[0] << ", " << b[1] << ", " << b[2] << ", " << b[3]
             << "] does not broadcast to [G, " << heads << ", " << q[1] << ", " << k[1] << "]";
    if (!ShapedType::isDynamic(b[0]) &&
        (b[0] <= 0 || (!ShapedType::isDynamic(q[0]) && q[0] % b[0] != 0)))
      return emitOpError("bias groups ") << b[0] << " do not divide the batch " << q[0];
  }
  return verifyShapeMatches(*this, "result", {q[0], q[1], v[2]}, shapeOf(getOutput()));
}
