//===- TensorProto.cpp ----------------------------------------------------===//
#include "compiler/import/TensorProto.h"

#include <cstring>
#include <fstream>
#include <sstream>

namespace vitc::import {

static llvm::Error makeError(const std::string &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

std::string onnxTypeName(int onnxType) {
  if (onnx::TensorProto_DataType_IsValid(onnxType))
    return onnx::TensorProto_DataType_Name(static_cast<onnx::TensorProto_DataType>(onnxType));
  return "type " + std::to_string(onnxType);
}

llvm::Expected<rt::DType> dtypeFromOnnx(int onnxType) {
  switch (onnxType) {
  case onnx::TensorProto::FLOAT: return rt::DType::F32;
  case onnx::TensorProto::DOUBLE: return rt::DType::F64;
  case onnx::TensorProto::INT8: return rt::DType::I8;
  case onnx::TensorProto::UINT8: return rt::DType::U8;
  case onnx::TensorProto::INT16: return rt::DType::I16;
  case onnx::TensorProto::INT32: return rt::DType::I32;
  case onnx::TensorProto::INT64: return rt::DType::I64;
  case onnx::TensorProto::BOOL: return rt::DType::Bool;
  default:
    return makeError("element type " + onnxTypeName(onnxType) + " is not supported");
  }
}

template <typename Out, typename Field>
static void copyField(const Field &field, rt::Tensor &tensor) {
  Out *out = static_cast<Out *>(tensor.raw());
  for (int i = 0; i < field.size(); ++i)
    out[i] = static_cast<Out>(field.Get(i));
}

llvm::Expected<rt::Tensor> tensorFromProto(const onnx::TensorProto &proto) {
  llvm::Expected<rt::DType> dtype = dtypeFromOnnx(proto.data_type());
  if (!dtype)
    return makeError("tensor '" + proto.name() + "': " + llvm::toString(dtype.takeError()));
  if (proto.data_location() == onnx::TensorProto::EXTERNAL)
    return makeError("tensor '" + proto.name() + "' keeps its data in an external file");
  rt::Shape shape(proto.dims().begin(), proto.dims().end());
  for (int64_t d : shape)
    if (d < 0)
      return makeError("tensor '" + proto.name() + "' has a negative dimension");
  rt::Tensor tensor(*dtype, shape);
  int64_t count = tensor.numel();
  auto mismatch = [&](size_t have) {
    return makeError("tensor '" + proto.name() + "' holds " + std::to_string(have) +
                     " values, its shape " + rt::shapeToString(shape) + " needs " +
                     std::to_string(count));
  };
  if (proto.has_raw_data()) {
    if (proto.raw_data().size() != tensor.byteSize())
      return mismatch(proto.raw_data().size() / rt::dtypeSize(*dtype));
    if (tensor.byteSize())
      std::memcpy(tensor.raw(), proto.raw_data().data(), tensor.byteSize());
    return tensor;
  }
  switch (*dtype) {
  case rt::DType::F32:
    if (proto.float_data_size() != count)
      return mismatch(proto.float_data_size());
    copyField<float>(proto.float_data(), tensor);
    break;
  case rt::DType::F64:
    if (proto.double_data_size() != count)
      return mismatch(proto.double_data_size());
    copyField<double>(proto.double_data(), tensor);
    break;
  case rt::DType::I64:
    if (proto.int64_data_size() != count)
      return mismatch(proto.int64_data_size());
    copyField<int64_t>(proto.int64_data(), tensor);
    break;
  case rt::DType::I32:
  case rt::DType::I16:
  case rt::DType::I8:
  case rt::DType::U8:
  case rt::DType::Bool:
    if (proto.int32_data_size() != count)
      return mismatch(proto.int32_data_size());
    if (*dtype == rt::DType::I32)
      copyField<int32_t>(proto.int32_data(), tensor);
    else if (*dtype == rt::DType::I16)
      copyField<int16_t>(proto.int32_data(), tensor);
    else if (*dtype == rt::DType::I8)
      copyField<int8_t>(proto.int32_data(), tensor);
    else if (*dtype == rt::DType::U8)
      copyField<uint8_t>(proto.int32_data(), tensor);
    else
      copyField<bool>(proto.int32_data(), tensor);
    break;
  }
  return tensor;
}

llvm::Expected<rt::Tensor> readTensorProtoFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return makeError("cannot open tensor file '" + path + "'");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  onnx::TensorProto proto;
  if (!proto.ParseFromString(bytes.str()))
    return makeError("'" + path + "' is not a serialized ONNX TensorProto");
  llvm::Expected<rt::Tensor> tensor = tensorFromProto(proto);
  if (!tensor)
    return makeError("in '" + path + "': " + llvm::toString(tensor.takeError()));
  return tensor;
}

} // namespace vitc::import
