//===- OnnxExport.cpp - The compiled graph back to ONNX -------------------===//
//
// Walks the function in order. Most vit ops mirror an ONNX op (same
// operands, same attribute names) and are written as such; Linear, MatMul
// with transposed operands and fused attention are expanded; constants
// become initializers; quant casts become QDQ nodes (OnnxWriter).
//
//===----------------------------------------------------------------------===//
#include "compiler/export/OnnxExport.h"
#include "compiler/export/OnnxWriter.h"
#include "compiler/interpreter/ConstantTensors.h"
#include "dialects/vit/VitOps.h"

#include "mlir/Dialect/Quant/QuantOps.h"

#include <cctype>

using namespace mlir;

namespace vitc::exporter {
namespace {

constexpr int64_t kOpset = 21; // INT16 QuantizeLinear / DequantizeLinear
constexpr int64_t kIrVersion = 10;

llvm::Error fail(Operation *op, const std::string &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "cannot export " + op->getName().getStringRef().str() +
                                     " to ONNX: " + message);
}

/// vit.layer_norm -> LayerNormalization, vit.reduce_l2 -> ReduceL2, ...
std::string onnxOpType(StringRef vitName) {
  if (vitName == "layer_norm")
    return "LayerNormalization";
  if (vitName == "batch_norm")
    return "BatchNormalization";
  std::string type;
  bool upper = true;
  for (char c : vitName) {
    if (c == '_') {
      upper = true;
      continue;
    }
    type += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return type;
}

ArrayRef<int64_t> shapeOf(Value value) { return value.getType().cast<ShapedType>().getShape(); }

/// Permutation swapping the last two of `rank` dims.
std::vector<int64_t> swapLast(int64_t rank) {
  std::vector<int64_t> perm;
  for (int64_t i = 0; i < rank; ++i)
    perm.push_back(i);
  std::swap(perm[rank - 1], perm[rank - 2]);
  return perm;
}

onnx::AttributeProto &addInts(onnx::NodeProto &node, const std::string &name,
                              const std::vector<int64_t> &values) {
  onnx::AttributeProto &a = *node.add_attribute();
  a.set_name(name);
  a.set_type(onnx::AttributeProto::INTS);
  for (int64_t v : values)
    a.add_ints(v);
  return a;
}

void addInt(onnx::NodeProto &node, const std::string &name, int64_t value) {
  onnx::AttributeProto &a = *node.add_attribute();
  a.set_name(name);
  a.set_type(onnx::AttributeProto::INT);
  a.set_i(value);
}

class Exporter {
public:
  explicit Exporter(onnx::GraphProto &graph) : w_(graph) {}

  llvm::Error exportOp(Operation *op);
  OnnxWriter &writer() { return w_; }

private:
  std::string transpose(const std::string &x, const std::vector<int64_t> &perm) {
    std::string out = w_.fresh("transpose");
    addInts(w_.node("Transpose", {x}, {out}), "perm", perm);
    return out;
  }
  std::string reshape(const std::string &x, const std::vector<int64_t> &shape) {
    return w_.apply("Reshape", {x, w_.int64s(shape, "shape")}, "reshape");
  }
  /// Binds op's single result to `name`, through Q/DQ when it is quantised.
  void bindResult(Operation *op, const std::string &name) {
    Value result = op->getResult(0);
    Type element = result.getType().cast<ShapedType>().getElementType();
    if (auto type = element.dyn_cast<quant::UniformQuantizedType>())
      w_.bind(result, w_.fakeQuantize(name, type));
    else
      w_.bind(result, name);
  }
  llvm::Error exportLinear(vit::LinearOp op);
  llvm::Error exportMatMul(vit::MatMulOp op);
  llvm::Error exportAttention(vit::AttentionOp op);
  llvm::Error exportGeneric(Operation *op);

  OnnxWriter w_;
};

llvm::Error Exporter::exportOp(Operation *op) {
  if (auto constant = dyn_cast<vit::ConstantOp>(op)) {
    llvm::Expected<rt::Tensor> tensor = interp::tensorFromAttr(constant.getValue());
    if (!tensor)
      return fail(op, llvm::toString(tensor.takeError()));
    w_.bind(constant.getResult(), w_.initializer(*tensor, "const"));
    return llvm::Error::success();
  }
  if (auto cast = dyn_cast<quant::QuantizeCastOp>(op)) {
    auto type = cast.getType().cast<ShapedType>().getElementType().dyn_cast<
        quant::UniformQuantizedType>();
    if (!type)
      return fail(op, "only per-tensor quantisation of activations is exported");
    w_.bind(cast.getResult(), w_.fakeQuantize(w_.nameOf(cast.getArg()), type));
    return llvm::Error::success();
  }
  if (auto cast = dyn_cast<quant::DequantizeCastOp>(op)) {
    w_.bind(cast.getResult(), w_.nameOf(cast.getArg()));
    return llvm::Error::success();
  }
  if (auto cast = dyn_cast<quant::StorageCastOp>(op)) {
    auto type = cast.getType().cast<ShapedType>().getElementType().dyn_cast<
        quant::QuantizedType>();
    if (!type || !cast.getArg().getDefiningOp<vit::ConstantOp>())
      return fail(op, "only constants are reinterpreted as quantised storage");
    w_.bind(cast.getResult(), w_.dequantize(w_.nameOf(cast.getArg()), type));
    return llvm::Error::success();
  }
  if (auto linear = dyn_cast<vit::LinearOp>(op))
    return exportLinear(linear);
  if (auto matmul = dyn_cast<vit::MatMulOp>(op))
    return exportMatMul(matmul);
  if (auto attention = dyn_cast<vit::AttentionOp>(op))
    return exportAttention(attention);
  if (op->getDialect() && op->getDialect()->getNamespace() == "vit")
    return exportGeneric(op);
  return fail(op, "not a vit or quant op");
}

/// y = x Wᵀ + b: Transpose(W) -> MatMul -> Add.
llvm::Error Exporter::exportLinear(vit::LinearOp op) {
  std::string y = w_.apply("MatMul",
                           {w_.nameOf(op.getInput()), transpose(w_.nameOf(op.getWeight()), {1, 0})},
                           "linear");
  if (op.getBias())
    y = w_.apply("Add", {y, w_.nameOf(op.getBias())}, "linear_bias");
  bindResult(op, y);
  return llvm::Error::success();
}

llvm::Error Exporter::exportMatMul(vit::MatMulOp op) {
  std::string a = w_.nameOf(op.getLhs()), b = w_.nameOf(op.getRhs());
  if (op.getTransposeLhs())
    a = transpose(a, swapLast(static_cast<int64_t>(shapeOf(op.getLhs()).size())));
  if (op.getTransposeRhs())
    b = transpose(b, swapLast(static_cast<int64_t>(shapeOf(op.getRhs()).size())));
  bindResult(op, w_.apply("MatMul", {a, b}, "matmul"));
  return llvm::Error::success();
}

/// softmax(scale q kᵀ + bias) v per head, with [B, N, H*D] <-> [B, H, N, D].
llvm::Error Exporter::exportAttention(vit::AttentionOp op) {
  ArrayRef<int64_t> q = shapeOf(op.getQuery()), k = shapeOf(op.getKey());
  ArrayRef<int64_t> v = shapeOf(op.getValue());
  const int64_t B = q[0], Nq = q[1], Nk = k[1], H = static_cast<int64_t>(op.getHeads());
  const int64_t D = q[2] / H, Dv = v[2] / H;
  if (llvm::any_of(q, [](int64_t d) { return d < 0; }) || ShapedType::isDynamic(Nk))
    return fail(op, "dynamic shapes");
  const std::string qh = transpose(reshape(w_.nameOf(op.getQuery()), {B, Nq, H, D}), {0, 2, 1, 3});
  const std::string kh = transpose(reshape(w_.nameOf(op.getKey()), {B, Nk, H, D}), {0, 2, 3, 1});
  const std::string vh = transpose(reshape(w_.nameOf(op.getValue()), {B, Nk, H, Dv}), {0, 2, 1, 3});
  std::string scores = w_.apply(
      "Mul", {w_.apply("MatMul", {qh, kh}, "scores"), w_.scalar(op.getScale().convertToFloat(), "scale")},
      "scaled");
  if (Value bias = op.getBias()) {
    const int64_t G = shapeOf(bias)[0];
    if (G == 1 || G == B) {
      scores = w_.apply("Add", {scores, w_.nameOf(bias)}, "biased");
    } else { // batch b uses bias[b % G]: [B/G, G, H, Nq, Nk] + [G, H', Nq', Nk']
      scores = reshape(scores, {B / G, G, H, Nq, Nk});
      scores = reshape(w_.apply("Add", {scores, w_.nameOf(bias)}, "biased"), {B, H, Nq, Nk});
    }
  }
  std::string probs = w_.fresh("probs");
  addInt(w_.node("Softmax", {scores}, {probs}), "axis", -1);
  const std::string out = w_.apply("MatMul", {probs, vh}, "context");
  bindResult(op, reshape(transpose(out, {0, 2, 1, 3}), {B, Nq, H * Dv}));
  return llvm::Error::success();
}

llvm::Error Exporter::exportGeneric(Operation *op) {
  const std::string type = onnxOpType(op->getName().stripDialect());
  // Absent optional operands are "" in ONNX; MLIR records them in the segment sizes.
  std::vector<std::string> inputs;
  if (auto segments = op->getAttrOfType<DenseI32ArrayAttr>("operand_segment_sizes")) {
    unsigned next = 0;
    for (int32_t size : segments.asArrayRef()) {
      if (size == 0)
        inputs.push_back("");
      for (int32_t i = 0; i < size; ++i)
        inputs.push_back(w_.nameOf(op->getOperand(next++)));
    }
    while (!inputs.empty() && inputs.back().empty())
      inputs.pop_back();
  } else {
    for (Value operand : op->getOperands())
      inputs.push_back(w_.nameOf(operand));
  }
  std::vector<std::string> outputs;
  for (unsigned r = 0; r < op->getNumResults(); ++r)
    outputs.push_back(w_.fresh(type));
  onnx::NodeProto &node = w_.node(type, inputs, outputs);
  copyAttributes(op, node);
  if (type == "Split" && (inputs.size() < 2 || inputs[1].empty()))
    addInt(node, "num_outputs", op->getNumResults());
  for (unsigned r = 0; r < op->getNumResults(); ++r) {
    Value result = op->getResult(r);
    Type element = result.getType().cast<ShapedType>().getElementType();
    if (auto q = element.dyn_cast<quant::UniformQuantizedType>())
      w_.bind(result, w_.fakeQuantize(outputs[r], q));
    else
      w_.bind(result, outputs[r]);
  }
  return llvm::Error::success();
}

void setValueInfo(onnx::ValueInfoProto &info, const std::string &name, Type type) {
  info.set_name(name);
  auto shaped = type.cast<ShapedType>();
  onnx::TypeProto_Tensor &tensor = *info.mutable_type()->mutable_tensor_type();
  tensor.set_elem_type(onnxElementType(shaped.getElementType()));
  for (int64_t d : shaped.getShape()) {
    onnx::TensorShapeProto_Dimension &dim = *tensor.mutable_shape()->add_dim();
    if (ShapedType::isDynamic(d))
      dim.set_dim_param("d" + std::to_string(tensor.shape().dim_size()));
    else
      dim.set_dim_value(d);
  }
}

} // namespace

llvm::Expected<std::string> exportOnnx(func::FuncOp func,
                                       const std::vector<std::string> &inputNames,
                                       const std::vector<std::string> &outputNames) {
  onnx::ModelProto model;
  model.set_ir_version(kIrVersion);
  model.set_producer_name("vitc");
  onnx::OperatorSetIdProto &opset = *model.add_opset_import();
  opset.set_domain("");
  opset.set_version(kOpset);
  onnx::GraphProto &graph = *model.mutable_graph();
  graph.set_name(func.getName().str());

  Exporter exporter(graph);
  Block &body = func.getBody().front();
  for (BlockArgument arg : body.getArguments()) {
    const std::string &name = inputNames.at(arg.getArgNumber());
    setValueInfo(*graph.add_input(), name, arg.getType());
    exporter.writer().bind(arg, name);
  }
  for (Operation &op : body.without_terminator())
    if (llvm::Error error = exporter.exportOp(&op))
      return error;
  Operation *terminator = body.getTerminator();
  for (unsigned i = 0; i < terminator->getNumOperands(); ++i) {
    Value value = terminator->getOperand(i);
    const std::string &name = outputNames.at(i);
    exporter.writer().node("Identity", {exporter.writer().nameOf(value)}, {name});
    setValueInfo(*graph.add_output(), name, value.getType());
  }
  std::string bytes;
  if (!model.SerializeToString(&bytes))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "cannot serialise the ONNX model (over 2 GB?)");
  return bytes;
}

} // namespace vitc::exporter
