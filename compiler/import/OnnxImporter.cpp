//===- OnnxImporter.cpp - ONNX graph -> func.func @main -------------------===//
#include "compiler/import/OnnxImporter.h"
#include "compiler/Diagnostics.h"
#include "compiler/import/OnnxNodes.h"
#include "compiler/import/RefineTypes.h"
#include "compiler/import/TensorProto.h"
#include "compiler/interpreter/ConstantTensors.h"
#include "dialects/vit/VitOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/raw_ostream.h"

#include <map>
#include <set>

using namespace mlir;

namespace vitc::import {
namespace {

llvm::Error makeError(const std::string &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

class GraphImporter : public NodeContext {
public:
  GraphImporter(MLIRContext &context, const LoadedOnnxModel &model, std::string sourceName)
      : context_(context), model_(model), graph_(model.proto.graph()), builder_(&context),
        sourceName_(std::move(sourceName)) {}

  llvm::Expected<OwningOpRef<ModuleOp>> run();

  // NodeContext.
  OpBuilder &builder() override { return builder_; }
  const onnx::NodeProto &node() const override { return *node_; }
  Location location() const override { return location_; }
  Value input(int i) override;
  llvm::Expected<Type> resultType(int i) override;
  bool isOutputUsed(int i) const override;
  void setResult(int i, Value value) override { values_[node_->output(i)] = value; }
  llvm::Expected<ElementsAttr> elementsAttr(const onnx::TensorProto &tensor) override;
  llvm::Expected<Type> elementType(int onnxType) override;

private:
  llvm::Error checkSupported();
  llvm::Expected<Type> typeOf(const std::string &name);
  llvm::Expected<Type> typeFromProto(const onnx::TypeProto &type, const std::string &name);
  /// Creates the vit.constant of an initializer; null if `name` is none.
  llvm::Expected<Value> constantFor(const std::string &name);

  MLIRContext &context_;
  const LoadedOnnxModel &model_;
  const onnx::GraphProto &graph_;
  OpBuilder builder_;
  std::string sourceName_;
  Block *entry_ = nullptr;
  std::map<std::string, const onnx::TypeProto *> valueTypes_;
  std::map<std::string, const onnx::TensorProto *> initializers_;
  std::map<std::string, Value> values_;
  std::set<std::string> consumed_; ///< names read by some node or a graph output
  const onnx::NodeProto *node_ = nullptr;
  Location location_ = UnknownLoc::get(&context_);
};

/// The node's name, or "OpType:first_output" for unnamed nodes.
std::string displayName(const onnx::NodeProto &node) {
  if (!node.name().empty())
    return node.name();
  return node.op_type() + ":" + (node.output_size() ? node.output(0) : std::string("?"));
}

llvm::Error GraphImporter::checkSupported() {
  std::string unsupported;
  int count = 0;
  int opset = 0;
  for (const auto &entry : model_.proto.opset_import())
    if (entry.domain().empty() || entry.domain() == "ai.onnx")
      opset = static_cast<int>(entry.version());
  for (const onnx::NodeProto &node : graph_.node()) {
    bool defaultDomain = node.domain().empty() || node.domain() == "ai.onnx";
    if (defaultDomain && findNodeTranslator(node.op_type()))
      continue;
    ++count;
    unsupported += "\n  node '" + displayName(node) + "': " +
                   (defaultDomain ? "" : node.domain() + "::") + node.op_type() +
                   (defaultDomain ? " (opset " + std::to_string(opset) + ")" : "");
  }
  if (count == 0)
    return llvm::Error::success();
  return makeError("'" + sourceName_ + "' uses " + std::to_string(count) +
                   " unsupported node" + (count > 1 ? "s" : "") + ":" + unsupported +
                   "\n(`vitc --list-ops` prints the supported ONNX ops)");
}

llvm::Expected<Type> GraphImporter::elementType(int onnxType) {
  switch (onnxType) {
  case onnx::TensorProto::FLOAT: return Type(builder_.getF32Type());
  case onnx::TensorProto::DOUBLE: return Type(builder_.getF64Type());
  case onnx::TensorProto::INT8: return Type(builder_.getIntegerType(8));
  case onnx::TensorProto::UINT8: return Type(builder_.getIntegerType(8, /*isSigned=*/false));
  case onnx::TensorProto::INT16: return Type(builder_.getIntegerType(16));
  case onnx::TensorProto::INT32: return Type(builder_.getIntegerType(32));
  case onnx::TensorProto::INT64: return Type(builder_.getIntegerType(64));
  case onnx::TensorProto::BOOL: return Type(builder_.getI1Type());
  default:
    return makeError("element type " + onnxTypeName(onnxType) + " is not supported");
  }
}

llvm::Expected<Type> GraphImporter::typeFromProto(const onnx::TypeProto &type,
                                                  const std::string &name) {
  if (!type.has_tensor_type())
    return makeError("value '" + name + "' is not a tensor (sequence, map and optional "
                                        "values are not supported)");
  const onnx::TypeProto::Tensor &tensor = type.tensor_type();
  llvm::Expected<Type> element = elementType(tensor.elem_type());
  if (!element)
    return makeError("value '" + name + "': " + llvm::toString(element.takeError()));
  if (!tensor.has_shape()) // Completed by refineTypesByExecution.
    return Type(UnrankedTensorType::get(*element));
  llvm::SmallVector<int64_t> dims;
  for (const auto &dim : tensor.shape().dim())
    dims.push_back(dim.has_dim_value() ? dim.dim_value() : ShapedType::kDynamic);
  return Type(RankedTensorType::get(dims, *element));
}

llvm::Expected<Type> GraphImporter::typeOf(const std::string &name) {
  auto it = valueTypes_.find(name);
  if (it == valueTypes_.end() || !it->second->has_tensor_type() ||
      it->second->tensor_type().elem_type() == onnx::TensorProto::UNDEFINED)
    // Element type and shape come from refineTypesByExecution.
    return Type(UnrankedTensorType::get(builder_.getF32Type()));
  return typeFromProto(*it->second, name);
}

llvm::Expected<ElementsAttr> GraphImporter::elementsAttr(const onnx::TensorProto &proto) {
  llvm::Expected<rt::Tensor> tensor = tensorFromProto(proto);
  if (!tensor)
    return tensor.takeError();
  return interp::attrFromTensor(*tensor, &context_, proto.name());
}

llvm::Expected<Value> GraphImporter::constantFor(const std::string &name) {
  auto it = initializers_.find(name);
  if (it == initializers_.end())
    return Value();
  OpBuilder::InsertionGuard guard(builder_);
  builder_.setInsertionPointToStart(entry_);
  // Keep constants in first-use order at the top of the function.
  for (Operation &op : *entry_)
    if (!isa<vit::ConstantOp>(op)) {
      builder_.setInsertionPoint(&op);
      break;
    }
  llvm::Expected<ElementsAttr> value = elementsAttr(*it->second);
  if (!value)
    return makeError("initializer '" + name + "': " + llvm::toString(value.takeError()));
  Value result = builder_.create<vit::ConstantOp>(NameLoc::get(builder_.getStringAttr(name)),
                                                  value->getType(), *value);
  values_[name] = result;
  return result;
}

Value GraphImporter::input(int i) {
  if (i >= node_->input_size() || node_->input(i).empty())
    return nullptr;
  const std::string &name = node_->input(i);
  auto it = values_.find(name);
  return it == values_.end() ? Value() : it->second;
}

llvm::Expected<Type> GraphImporter::resultType(int i) { return typeOf(node_->output(i)); }

bool GraphImporter::isOutputUsed(int i) const {
  return i < node_->output_size() && !node_->output(i).empty() &&
         consumed_.count(node_->output(i));
}

llvm::Expected<OwningOpRef<ModuleOp>> GraphImporter::run() {
  if (llvm::Error error = checkSupported())
    return error;
  for (const auto &info : graph_.input())
    valueTypes_[info.name()] = &info.type();
  for (const auto &info : graph_.value_info())
    valueTypes_[info.name()] = &info.type();
  for (const auto &info : graph_.output())
    valueTypes_[info.name()] = &info.type();
  for (const auto &init : graph_.initializer())
    initializers_[init.name()] = &init;
  for (const auto &node : graph_.node())
    for (const std::string &name : node.input())
      consumed_.insert(name);
  for (const auto &output : graph_.output())
    consumed_.insert(output.name());

  Location fileLoc = FileLineColLoc::get(builder_.getStringAttr(sourceName_), 0, 0);
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  llvm::SmallVector<Type> argTypes, resultTypes;
  llvm::SmallVector<std::string> argNames, resultNames;
  for (const auto &info : graph_.input()) {
    if (initializers_.count(info.name()))
      continue;
    llvm::Expected<Type> type = typeFromProto(info.type(), info.name());
    if (!type)
      return type.takeError();
    argTypes.push_back(*type);
    argNames.push_back(info.name());
  }
  for (const auto &info : graph_.output()) {
    llvm::Expected<Type> type = typeFromProto(info.type(), info.name());
    if (!type)
      return type.takeError();
    resultTypes.push_back(*type);
    resultNames.push_back(info.name());
  }
  builder_.setInsertionPointToEnd(module->getBody());
  auto func = builder_.create<func::FuncOp>(fileLoc, "main",
                                            builder_.getFunctionType(argTypes, resultTypes));
  entry_ = func.addEntryBlock();
  for (size_t i = 0; i < argNames.size(); ++i) {
    func.setArgAttr(i, "vit.name", builder_.getStringAttr(argNames[i]));
    values_[argNames[i]] = entry_->getArgument(i);
  }
  for (size_t i = 0; i < resultNames.size(); ++i)
    func.setResultAttr(i, "vit.name", builder_.getStringAttr(resultNames[i]));

  builder_.setInsertionPointToEnd(entry_);
  for (const onnx::NodeProto &node : graph_.node()) {
    node_ = &node;
    std::string name = displayName(node);
    location_ = NameLoc::get(builder_.getStringAttr(name), fileLoc);
    for (const std::string &input : node.input()) {
      if (input.empty() || values_.count(input))
        continue;
      llvm::Expected<Value> constant = constantFor(input);
      if (!constant)
        return constant.takeError();
      if (!*constant)
        return makeError("node '" + name + "' (" + node.op_type() + ") reads '" + input +
                         "', which no node, input or initializer defines");
    }
    if (llvm::Error error = (*findNodeTranslator(node.op_type()))(*this))
      return error;
  }
  llvm::SmallVector<Value> results;
  for (const std::string &name : resultNames) {
    Value value = values_.count(name) ? values_[name] : Value();
    if (!value) {
      llvm::Expected<Value> constant = constantFor(name);
      if (!constant)
        return constant.takeError();
      value = *constant;
    }
    if (!value)
      return makeError("graph output '" + name + "' is never computed");
    results.push_back(value);
  }
  builder_.create<func::ReturnOp>(fileLoc, results);

  if (hasOpenTypes(func))
    if (llvm::Error error = refineTypesByExecution(func))
      return makeError(llvm::toString(std::move(error)) +
                       (model_.shapeInferenceError.empty()
                            ? std::string()
                            : "\n(ONNX shape inference reported: " +
                                  model_.shapeInferenceError + ")"));

  // Verification errors name the node (its location) and what is wrong.
  DiagnosticCollector diagnostics(&context_);
  if (failed(verify(*module)))
    return makeError("the imported graph is invalid:\n" + diagnostics.text());
  return module;
}

} // namespace

llvm::Expected<OwningOpRef<ModuleOp>> importOnnxModel(MLIRContext &context,
                                                     const LoadedOnnxModel &model,
                                                     const std::string &sourceName) {
  context.loadDialect<vit::VitDialect, func::FuncDialect>();
  GraphImporter importer(context, model, sourceName);
  return importer.run();
}

} // namespace vitc::import
