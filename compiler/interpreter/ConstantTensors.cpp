//===- ConstantTensors.cpp - MLIR types and attributes -> runtime tensors -===//
#include "compiler/interpreter/ConstantTensors.h"
#include "dialects/vit/ShapeUtils.h"

#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <cstring>

using namespace mlir;

namespace vitc::interp {

std::optional<rt::DType> dtypeOf(Type type) {
  // Quantised values are held in their integer storage type.
  if (auto quantized = type.dyn_cast<quant::QuantizedType>())
    type = quantized.getStorageType();
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

Type elementTypeOf(rt::DType dtype, Builder &b) {
  switch (dtype) {
  case rt::DType::F32: return b.getF32Type();
  case rt::DType::F64: return b.getF64Type();
  case rt::DType::I8: return b.getIntegerType(8);
  case rt::DType::U8: return b.getIntegerType(8, /*isSigned=*/false);
  case rt::DType::I16: return b.getIntegerType(16);
  case rt::DType::I32: return b.getIntegerType(32);
  case rt::DType::I64: return b.getIntegerType(64);
  case rt::DType::Bool: return b.getI1Type();
  }
  return Type();
}

ElementsAttr attrFromTensor(const rt::Tensor &tensor, MLIRContext *context,
                            llvm::StringRef blobName) {
  Builder b(context);
  auto type = RankedTensorType::get(tensor.shape(), elementTypeOf(tensor.dtype(), b));
  const size_t elementSize = rt::dtypeSize(tensor.dtype());
  const char *bytes = static_cast<const char *>(tensor.raw());
  if (tensor.dtype() == rt::DType::Bool) {
    const bool *flags = tensor.data<bool>();
    return DenseElementsAttr::get(type, ArrayRef<bool>(flags, tensor.numel()));
  }
  bool splat = tensor.numel() > 0;
  for (int64_t i = 1; splat && i < tensor.numel(); ++i)
    splat = std::memcmp(bytes, bytes + i * elementSize, elementSize) == 0;
  if (splat && tensor.numel() > kInlineElementLimit)
    return DenseElementsAttr::getFromRawBuffer(type, ArrayRef<char>(bytes, elementSize));
  ArrayRef<char> data(bytes, tensor.byteSize());
  if (tensor.numel() <= kInlineElementLimit)
    return DenseElementsAttr::getFromRawBuffer(type, data);
  // Blob keys must be identifiers; ONNX and location names may hold '/', ':'.
  std::string key;
  for (char c : blobName)
    key += std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' ? c : '_';
  if (key.empty() || std::isdigit(static_cast<unsigned char>(key[0])))
    key = "w_" + key;
  DenseResourceElementsHandle handle =
      DenseResourceElementsHandle::getManagerInterface(context).insert(
          key, HeapAsmResourceBlob::allocateAndCopyWithAlign(data, 64, /*dataIsMutable=*/false));
  return DenseResourceElementsAttr::get(type, handle);
}

} // namespace vitc::interp
