//===- OnnxWriter.cpp - Building an ONNX graph from vit values ------------===//
#include "compiler/export/OnnxWriter.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;

namespace vitc::exporter {
namespace {

int elementTypeOf(rt::DType dtype) {
  switch (dtype) {
  case rt::DType::F32: return onnx::TensorProto::FLOAT;
  case rt::DType::F64: return onnx::TensorProto::DOUBLE;
  case rt::DType::I8: return onnx::TensorProto::INT8;
  case rt::DType::U8: return onnx::TensorProto::UINT8;
  case rt::DType::I16: return onnx::TensorProto::INT16;
  case rt::DType::I32: return onnx::TensorProto::INT32;
  case rt::DType::I64: return onnx::TensorProto::INT64;
  case rt::DType::Bool: return onnx::TensorProto::BOOL;
  }
  return onnx::TensorProto::UNDEFINED;
}

/// A zero point tensor of the storage type: one value, or `count` zeros.
rt::Tensor zeroPoints(Type storage, int64_t zeroPoint, int64_t count, bool perAxis) {
  const unsigned width = storage.getIntOrFloatBitWidth();
  const rt::DType dtype = width == 8    ? rt::DType::I8
                          : width == 16 ? rt::DType::I16
                                        : rt::DType::I32;
  rt::Tensor t(dtype, perAxis ? rt::Shape{count} : rt::Shape{});
  for (int64_t i = 0; i < t.numel(); ++i) {
    if (dtype == rt::DType::I8)
      t.data<int8_t>()[i] = static_cast<int8_t>(zeroPoint);
    else if (dtype == rt::DType::I16)
      t.data<int16_t>()[i] = static_cast<int16_t>(zeroPoint);
    else
      t.data<int32_t>()[i] = static_cast<int32_t>(zeroPoint);
  }
  return t;
}

} // namespace

int onnxElementType(Type type) {
  if (auto quantized = type.dyn_cast<quant::QuantizedType>())
    type = quantized.getStorageType();
  if (type.isF32())
    return onnx::TensorProto::FLOAT;
  if (type.isF64())
    return onnx::TensorProto::DOUBLE;
  if (type.isInteger(1))
    return onnx::TensorProto::BOOL;
  if (auto integer = type.dyn_cast<IntegerType>()) {
    const bool isUnsigned = integer.isUnsigned();
    switch (integer.getWidth()) {
    case 8: return isUnsigned ? onnx::TensorProto::UINT8 : onnx::TensorProto::INT8;
    case 16: return isUnsigned ? onnx::TensorProto::UINT16 : onnx::TensorProto::INT16;
    case 32: return onnx::TensorProto::INT32;
    case 64: return onnx::TensorProto::INT64;
    default: break;
    }
  }
  return onnx::TensorProto::UNDEFINED;
}

std::string OnnxWriter::fresh(const std::string &hint) {
  return hint + "_" + std::to_string(counter_++);
}

const std::string &OnnxWriter::nameOf(Value value) const {
  auto it = names_.find(value);
  assert(it != names_.end() && "value exported before its producer");
  return it->second;
}

onnx::NodeProto &OnnxWriter::node(const std::string &type, const std::vector<std::string> &inputs,
                                  const std::vector<std::string> &outputs) {
  onnx::NodeProto &n = *graph_.add_node();
  n.set_op_type(type);
  n.set_name(fresh(type));
  for (const std::string &in : inputs)
    n.add_input(in);
  for (const std::string &out : outputs)
    n.add_output(out);
  return n;
}

std::string OnnxWriter::apply(const std::string &type, const std::vector<std::string> &inputs,
                              const std::string &hint) {
  std::string out = fresh(hint);
  node(type, inputs, {out});
  return out;
}

std::string OnnxWriter::initializer(const rt::Tensor &tensor, const std::string &hint) {
  std::string name = fresh(hint);
  onnx::TensorProto &t = *graph_.add_initializer();
  t.set_name(name);
  t.set_data_type(elementTypeOf(tensor.dtype()));
  for (int64_t d : tensor.shape())
    t.add_dims(d);
  t.set_raw_data(static_cast<const char *>(tensor.raw()), tensor.byteSize());
  return name;
}

std::string OnnxWriter::int64s(const std::vector<int64_t> &values, const std::string &hint) {
  rt::Tensor t(rt::DType::I64, {static_cast<int64_t>(values.size())});
  std::copy(values.begin(), values.end(), t.data<int64_t>());
  return initializer(t, hint);
}

std::string OnnxWriter::scalar(float value, const std::string &hint) {
  rt::Tensor t(rt::DType::F32, {});
  t.data<float>()[0] = value;
  return initializer(t, hint);
}

std::string OnnxWriter::fakeQuantize(const std::string &name, quant::UniformQuantizedType type) {
  const std::string scale = scalar(static_cast<float>(type.getScale()), name + "_scale");
  const std::string zero = initializer(
      zeroPoints(type.getStorageType(), type.getZeroPoint(), 1, false), name + "_zero_point");
  const std::string q = apply("QuantizeLinear", {name, scale, zero}, name + "_q");
  return apply("DequantizeLinear", {q, scale, zero}, name + "_dq");
}

std::string OnnxWriter::dequantize(const std::string &storage, quant::QuantizedType type) {
  if (auto uniform = type.dyn_cast<quant::UniformQuantizedType>()) {
    const std::string scale = scalar(static_cast<float>(uniform.getScale()), storage + "_scale");
    const std::string zero = initializer(
        zeroPoints(type.getStorageType(), uniform.getZeroPoint(), 1, false),
        storage + "_zero_point");
    return apply("DequantizeLinear", {storage, scale, zero}, storage + "_dq");
  }
  auto axis = type.cast<quant::UniformQuantizedPerAxisType>();
  const int64_t count = static_cast<int64_t>(axis.getScales().size());
  rt::Tensor scales(rt::DType::F32, {count});
  for (int64_t i = 0; i < count; ++i)
    scales.data<float>()[i] = static_cast<float>(axis.getScales()[i]);
  const std::string scale = initializer(scales, storage + "_scale");
  const std::string zero = initializer(
      zeroPoints(type.getStorageType(), 0, count, true), storage + "_zero_point");
  std::string out = fresh(storage + "_dq");
  onnx::NodeProto &n = node("DequantizeLinear", {storage, scale, zero}, {out});
  onnx::AttributeProto &a = *n.add_attribute();
  a.set_name("axis");
  a.set_type(onnx::AttributeProto::INT);
  a.set_i(axis.getQuantizedDimension());
  return out;
}

void copyAttributes(Operation *op, onnx::NodeProto &node) {
  for (NamedAttribute named : op->getAttrs()) {
    const std::string name = named.getName().str();
    if (name.rfind("vit.", 0) == 0 || name == "operand_segment_sizes")
      continue;
    onnx::AttributeProto a;
    a.set_name(name);
    Attribute value = named.getValue();
    if (auto boolean = value.dyn_cast<BoolAttr>()) {
      a.set_type(onnx::AttributeProto::INT);
      a.set_i(boolean.getValue() ? 1 : 0);
    } else if (auto integer = value.dyn_cast<IntegerAttr>()) {
      a.set_type(onnx::AttributeProto::INT);
      a.set_i(integer.getInt());
    } else if (auto real = value.dyn_cast<FloatAttr>()) {
      a.set_type(onnx::AttributeProto::FLOAT);
      a.set_f(static_cast<float>(real.getValueAsDouble()));
    } else if (auto text = value.dyn_cast<StringAttr>()) {
      a.set_type(onnx::AttributeProto::STRING);
      a.set_s(text.str());
    } else if (auto ints = value.dyn_cast<DenseI64ArrayAttr>()) {
      a.set_type(onnx::AttributeProto::INTS);
      for (int64_t v : ints.asArrayRef())
        a.add_ints(v);
    } else if (auto floats = value.dyn_cast<DenseF32ArrayAttr>()) {
      a.set_type(onnx::AttributeProto::FLOATS);
      for (float v : floats.asArrayRef())
        a.add_floats(v);
    } else if (auto type = value.dyn_cast<TypeAttr>()) {
      a.set_type(onnx::AttributeProto::INT);
      a.set_i(onnxElementType(type.getValue()));
    } else {
      continue; // not an ONNX attribute (checked by the op's exporter)
    }
    *node.add_attribute() = a;
  }
}

} // namespace vitc::exporter
