//===- ShapeUtils.cpp -----------------------------------------------------===//
#include "dialects/vit/ShapeUtils.h"
#include "dialects/vit/VitOps.h"

#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;

namespace vitc::vit {

std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return std::nullopt;
  return axis < 0 ? axis + rank : axis;
}

std::optional<ArrayRef<char>> getRawData(ElementsAttr attr) {
  if (auto dense = attr.dyn_cast<DenseElementsAttr>()) {
    if (dense.isSplat() || dense.getElementType().isInteger(1))
      return std::nullopt;
    return dense.getRawData();
  }
  if (auto resource = attr.dyn_cast<DenseResourceElementsAttr>()) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return std::nullopt;
    return blob->getData();
  }
  return std::nullopt;
}

template <typename T>
static void appendAll(ArrayRef<char> bytes, SmallVector<int64_t> &out) {
  const T *values = reinterpret_cast<const T *>(bytes.data());
  for (size_t i = 0, e = bytes.size() / sizeof(T); i < e; ++i)
    out.push_back(static_cast<int64_t>(values[i]));
}

std::optional<SmallVector<int64_t>> getIntValues(ElementsAttr attr) {
  auto intType = attr.getElementType().dyn_cast<IntegerType>();
  if (!intType)
    return std::nullopt;
  SmallVector<int64_t> values;
  if (auto dense = attr.dyn_cast<DenseIntElementsAttr>()) {
    for (const APInt &v : dense.getValues<APInt>())
      values.push_back(intType.isUnsigned() || intType.getWidth() == 1 ? v.getZExtValue()
                                                                       : v.getSExtValue());
    return values;
  }
  std::optional<ArrayRef<char>> raw = getRawData(attr);
  if (!raw)
    return std::nullopt;
  switch (intType.getWidth()) {
  case 8:
    intType.isUnsigned() ? appendAll<uint8_t>(*raw, values) : appendAll<int8_t>(*raw, values);
    break;
  case 16: appendAll<int16_t>(*raw, values); break;
  case 32: appendAll<int32_t>(*raw, values); break;
  case 64: appendAll<int64_t>(*raw, values); break;
  default: return std::nullopt;
  }
  return values;
}

std::optional<SmallVector<int64_t>> getConstantIntValues(Value value) {
  auto constant = value.getDefiningOp<ConstantOp>();
  if (!constant)
    return std::nullopt;
  return getIntValues(constant.getValue());
}

LogicalResult verifyShapeMatches(Operation *op, StringRef what, ArrayRef<int64_t> expected,
                                 ArrayRef<int64_t> actual) {
  auto print = [](ArrayRef<int64_t> shape) {
    std::string text;
    llvm::raw_string_ostream os(text);
    os << "[";
    llvm::interleaveComma(shape, os, [&](int64_t d) {
      if (ShapedType::isDynamic(d))
        os << "?";
      else
        os << d;
    });
    os << "]";
    return os.str();
  };
  bool ok = expected.size() == actual.size();
  for (size_t i = 0; ok && i < expected.size(); ++i)
    ok = dimsCompatible(expected[i], actual[i]);
  if (ok)
    return success();
  return op->emitOpError() << what << " has shape " << print(actual) << ", expected "
                           << print(expected);
}

LogicalResult verifySameElementType(Operation *op, Value input, Value output) {
  Type in = realElementType(input.getType());
  Type out = realElementType(output.getType());
  if (in != out)
    return op->emitOpError("result element type ") << out << " differs from input's " << in;
  return success();
}

} // namespace vitc::vit
