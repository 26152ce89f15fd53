//===- ConstantTensors.cpp - MLIR types and attributes -> runtime tensors -===//
#include "compiler/interpreter/Kernels.h"
#include "dialects/vit/ShapeUtils.h"

#include <cstring>

using namespace mlir;

namespace vitc::interp {

std::optional<rt::DType> dtypeOf(Type type) {
  if (type.isF32())
    return rt::DType::F32;
  if (type.isF64())
    return rt::DType::F64;
  if (auto integer = type.dyn_cast<IntegerType>()) {
    switch (integer.getWidth()) {
    case 1: return rt::DType::Bool;
    case 8: return integer.isUnsigned() ? rt::DType::U8 : rt::DType::I8;
    case 16: return integer.isUnsigned() ? std::nullopt : std::optional(rt::DType::I16);
    case 32: return integer.isUnsigned() ? std::nullopt : std::optional(rt::DType::I32);
    case 64: return integer.isUnsigned() ? std::nullopt : std::optional(rt::DType::I64);
    default: return std::nullopt;
    }
  }
  return std::nullopt;
}

llvm::Expected<rt::Tensor> tensorFromAttr(ElementsAttr attr) {
  auto type = attr.getType().cast<ShapedType>();
  std::optional<rt::DType> dtype = dtypeOf(type.getElementType());
  if (!dtype || !type.hasStaticShape()) {
    std::string text;
    llvm::raw_string_ostream os(text);
    os << "constant of type " << type << " is not supported";
    return llvm::createStringError(llvm::inconvertibleErrorCode(), os.str());
  }
  rt::Shape shape(type.getShape().begin(), type.getShape().end());
  if (std::optional<ArrayRef<char>> raw = vit::getRawData(attr)) {
    if (raw->size() != static_cast<size_t>(type.getNumElements()) * rt::dtypeSize(*dtype))
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "constant data size does not match its type");
    return rt::Tensor::view(*dtype, shape, raw->data());
  }
  auto dense = attr.dyn_cast<DenseElementsAttr>();
  if (!dense)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "constant data is not available (unloaded resource)");
  rt::Tensor tensor(*dtype, shape);
  if (*dtype == rt::DType::Bool) {
    bool *out = tensor.data<bool>();
    int64_t i = 0;
    for (bool v : dense.getValues<bool>())
      out[i++] = v;
    return tensor;
  }
  // A splat stores one element.
  ArrayRef<char> raw = dense.getRawData();
  size_t elementSize = rt::dtypeSize(*dtype);
  char *out = static_cast<char *>(tensor.raw());
  for (int64_t i = 0; i < tensor.numel(); ++i)
    std::memcpy(out + i * elementSize, raw.data() + (dense.isSplat() ? 0 : i * elementSize),
                elementSize);
  return tensor;
}

} // namespace vitc::interp
