//===- OnnxNodes.cpp - The ONNX op table ----------------------------------===//
//
// Most ONNX ops map one-to-one onto a vit op with the same operands and
// attribute names; `generic` does those. The rest need a small adapter:
// attributes whose ONNX type differs from the op's (Gemm's transA, Cast's
// to), extra outputs (MaxPool's indices must be unused; Dropout's inference
// mask and LayerNormalization's Mean/InvStdDev are built from other vit ops),
// and attributes that only describe training (BatchNormalization).
//
//===----------------------------------------------------------------------===//
#include "compiler/import/OnnxNodes.h"
#include "compiler/import/TensorProto.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/StringMap.h"

#include <map>
#include <set>

using namespace mlir;

namespace vitc::import {
namespace {

llvm::Error nodeError(NodeContext &ctx, const std::string &message) {
  const onnx::NodeProto &node = ctx.node();
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "node '" + node.name() + "' (" + node.op_type() + "): " +
                                     message);
}

struct GenericSpec {
  const char *opName;                 ///< "vit.add"
  bool segmented = false;             ///< op has AttrSizedOperandSegments
  int maxInputs = -1;                 ///< -1: variadic / no limit
  int numResults = 1;                 ///< -1: one per node output (Split)
  std::set<std::string> ignored = {}; ///< attributes with no effect at inference
  bool boundByCaller = false; ///< the caller binds the node outputs past numResults
};

/// Converts an ONNX attribute to the MLIR attribute the vit op expects.
llvm::Expected<Attribute> convertAttribute(NodeContext &ctx, const onnx::AttributeProto &attr) {
  OpBuilder &b = ctx.builder();
  switch (attr.type()) {
  case onnx::AttributeProto::INT:
    return Attribute(b.getI64IntegerAttr(attr.i()));
  case onnx::AttributeProto::FLOAT:
    return Attribute(b.getF32FloatAttr(attr.f()));
  case onnx::AttributeProto::STRING:
    return Attribute(b.getStringAttr(attr.s()));
  case onnx::AttributeProto::INTS:
    return Attribute(b.getDenseI64ArrayAttr(
        llvm::SmallVector<int64_t>(attr.ints().begin(), attr.ints().end())));
  case onnx::AttributeProto::TENSOR: {
    llvm::Expected<ElementsAttr> value = ctx.elementsAttr(attr.t());
    if (!value)
      return value.takeError();
    return Attribute(*value);
  }
  default:
    return nodeError(ctx, "attribute '" + attr.name() + "' has an unsupported type");
  }
}

/// Builds `spec.opName` from the node's inputs, attributes and result types.
llvm::Error buildGeneric(NodeContext &ctx, const GenericSpec &spec,
                         const std::map<std::string, Attribute> &overrides = {}) {
  const onnx::NodeProto &node = ctx.node();
  OperationState state(ctx.location(), spec.opName);
  auto registered = RegisteredOperationName::lookup(spec.opName, ctx.builder().getContext());
  if (!registered)
    return nodeError(ctx, std::string("internal: ") + spec.opName + " is not registered");

  int numInputs = node.input_size();
  if (spec.maxInputs >= 0 && numInputs > spec.maxInputs) {
    for (int i = spec.maxInputs; i < numInputs; ++i)
      if (!node.input(i).empty())
        return nodeError(ctx, "input " + std::to_string(i) + " is not supported");
    numInputs = spec.maxInputs;
  }
  llvm::SmallVector<int32_t> segments;
  for (int i = 0; i < numInputs; ++i) {
    Value operand = ctx.input(i);
    if (spec.segmented)
      segments.push_back(operand ? 1 : 0);
    if (operand)
      state.addOperands(operand);
    else if (!spec.segmented && i < numInputs - 1)
      return nodeError(ctx, "an absent input before a present one is not supported");
  }
  if (spec.segmented) {
    segments.resize(spec.maxInputs, 0);
    state.addAttribute(OpTrait::AttrSizedOperandSegments<void>::getOperandSegmentSizeAttr(),
                       ctx.builder().getDenseI32ArrayAttr(segments));
  }

  llvm::ArrayRef<StringAttr> known = registered->getAttributeNames();
  for (const onnx::AttributeProto &attr : node.attribute()) {
    if (spec.ignored.count(attr.name()))
      continue;
    auto override = overrides.find(attr.name());
    if (override != overrides.end()) {
      if (override->second)
        state.addAttribute(attr.name(), override->second);
      continue;
    }
    if (!llvm::any_of(known, [&](StringAttr name) { return name.getValue() == attr.name(); }))
      return nodeError(ctx, "attribute '" + attr.name() + "' is not supported");
    llvm::Expected<Attribute> converted = convertAttribute(ctx, attr);
    if (!converted)
      return converted.takeError();
    state.addAttribute(attr.name(), *converted);
  }

  int numResults = spec.numResults < 0 ? node.output_size() : spec.numResults;
  for (int i = numResults; i < node.output_size() && !spec.boundByCaller; ++i)
    if (ctx.isOutputUsed(i))
      return nodeError(ctx, "output " + std::to_string(i) + " ('" + node.output(i) +
                                "') is used; vitc does not support this output");
  for (int i = 0; i < numResults; ++i) {
    llvm::Expected<Type> type = ctx.resultType(i);
    if (!type)
      return type.takeError();
    state.addTypes(*type);
  }
  Operation *op = ctx.builder().create(state);
  for (int i = 0; i < numResults; ++i)
    ctx.setResult(i, op->getResult(i));
  return llvm::Error::success();
}

NodeTranslator generic(GenericSpec spec) {
  return [spec](NodeContext &ctx) { return buildGeneric(ctx, spec); };
}

const onnx::AttributeProto *findAttribute(const onnx::NodeProto &node, const std::string &name) {
  for (const onnx::AttributeProto &attr : node.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

llvm::Error translateConstant(NodeContext &ctx) {
  const onnx::NodeProto &node = ctx.node();
  if (node.attribute_size() != 1)
    return nodeError(ctx, "expects exactly one value attribute");
  const onnx::AttributeProto &attr = node.attribute(0);
  onnx::TensorProto tensor;
  if (attr.name() == "value") {
    tensor = attr.t();
  } else if (attr.name() == "value_float" || attr.name() == "value_floats") {
    tensor.set_data_type(onnx::TensorProto::FLOAT);
    if (attr.name() == "value_float")
      tensor.add_float_data(attr.f());
    else {
      tensor.add_dims(attr.floats_size());
      for (float v : attr.floats())
        tensor.add_float_data(v);
    }
  } else if (attr.name() == "value_int" || attr.name() == "value_ints") {
    tensor.set_data_type(onnx::TensorProto::INT64);
    if (attr.name() == "value_int")
      tensor.add_int64_data(attr.i());
    else {
      tensor.add_dims(attr.ints_size());
      for (int64_t v : attr.ints())
        tensor.add_int64_data(v);
    }
  } else {
    return nodeError(ctx, "attribute '" + attr.name() + "' is not supported");
  }
  tensor.set_name(node.output(0));
  llvm::Expected<ElementsAttr> value = ctx.elementsAttr(tensor);
  if (!value)
    return value.takeError();
  OperationState state(ctx.location(), "vit.constant");
  state.addAttribute("value", *value);
  state.addTypes(value->getType());
  ctx.setResult(0, ctx.builder().create(state)->getResult(0));
  return llvm::Error::success();
}

llvm::Error translateCast(NodeContext &ctx) {
  const onnx::AttributeProto *to = findAttribute(ctx.node(), "to");
  if (!to)
    return nodeError(ctx, "missing attribute 'to'");
  llvm::Expected<Type> type = ctx.elementType(static_cast<int>(to->i()));
  if (!type)
    return type.takeError();
  return buildGeneric(ctx, {"vit.cast", false, 1, 1, {"saturate"}},
                      {{"to", TypeAttr::get(*type)}});
}

llvm::Error translateGemm(NodeContext &ctx) {
  std::map<std::string, Attribute> overrides;
  for (const char *name : {"transA", "transB"})
    if (const onnx::AttributeProto *attr = findAttribute(ctx.node(), name))
      overrides[name] = ctx.builder().getBoolAttr(attr->i() != 0);
  return buildGeneric(ctx, {"vit.gemm", false, 3}, overrides);
}

llvm::Error translateBatchNorm(NodeContext &ctx) {
  if (const onnx::AttributeProto *mode = findAttribute(ctx.node(), "training_mode"))
    if (mode->i() != 0)
      return nodeError(ctx, "training_mode = 1 is not supported (export in eval mode)");
  return buildGeneric(ctx, {"vit.batch_norm", false, 5, 1, {"momentum", "training_mode"}});
}

/// Creates the vit op `name` with one result of type `type`.
Value createOp(NodeContext &ctx, llvm::StringRef name, ValueRange operands, Type type,
               llvm::ArrayRef<NamedAttribute> attributes = {}) {
  OperationState state(ctx.location(), name);
  state.addOperands(operands);
  state.addTypes(type);
  state.addAttributes(attributes);
  return ctx.builder().create(state)->getResult(0);
}

/// `type` with the dims in `axes` set to 1 (the result of a keepdims reduction).
Type keptDimsType(Type type, llvm::ArrayRef<int64_t> axes) {
  auto ranked = type.dyn_cast<RankedTensorType>();
  if (!ranked)
    return type;
  llvm::SmallVector<int64_t> dims(ranked.getShape().begin(), ranked.getShape().end());
  for (int64_t axis : axes)
    dims[axis] = 1;
  return RankedTensorType::get(dims, ranked.getElementType());
}

/// LayerNormalization's optional Mean and InvStdDev outputs, computed as the
/// ONNX function body does: mean(X), 1 / sqrt(mean((X - mean)^2) + epsilon)
/// over the normalised axes, kept as size-1 dims.
llvm::Error translateLayerNormStatistics(NodeContext &ctx, Value x) {
  auto xType = x.getType().dyn_cast<RankedTensorType>();
  if (!xType)
    return nodeError(ctx, "the Mean and InvStdDev outputs need an input of known rank");
  int64_t rank = xType.getRank(), axis = -1;
  if (const onnx::AttributeProto *attr = findAttribute(ctx.node(), "axis"))
    axis = attr->i();
  if (axis < -rank || axis >= rank)
    return nodeError(ctx, "axis " + std::to_string(axis) + " is out of range");
  float epsilon = 1e-5f;
  if (const onnx::AttributeProto *attr = findAttribute(ctx.node(), "epsilon"))
    epsilon = attr->f();
  llvm::SmallVector<int64_t> axes;
  for (int64_t a = axis < 0 ? axis + rank : axis; a < rank; ++a)
    axes.push_back(a);

  OpBuilder &b = ctx.builder();
  Type element = xType.getElementType();
  Type statsType = keptDimsType(xType, axes);
  NamedAttribute reduceAttrs[] = {b.getNamedAttr("axes", b.getDenseI64ArrayAttr(axes)),
                                  b.getNamedAttr("keepdims", b.getI64IntegerAttr(1))};
  Value mean = createOp(ctx, "vit.reduce_mean", x, statsType, reduceAttrs);
  Value centered = createOp(ctx, "vit.sub", {x, mean}, xType);
  Value squared = createOp(ctx, "vit.mul", {centered, centered}, xType);
  Value variance = createOp(ctx, "vit.reduce_mean", squared, statsType, reduceAttrs);
  auto scalarType = RankedTensorType::get({}, element);
  Attribute epsilonValue = element.isF64()
                               ? DenseElementsAttr::get(scalarType, static_cast<double>(epsilon))
                               : DenseElementsAttr::get(scalarType, epsilon);
  Value eps = createOp(ctx, "vit.constant", {}, scalarType,
                       {b.getNamedAttr("value", epsilonValue)});
  Value shifted = createOp(ctx, "vit.add", {variance, eps}, statsType);
  Value invStdDev = createOp(ctx, "vit.reciprocal",
                             createOp(ctx, "vit.sqrt", shifted, statsType), statsType);
  Value stats[] = {mean, invStdDev};
  for (int i = 1; i <= 2; ++i) {
    if (!ctx.isOutputUsed(i))
      continue;
    llvm::Expected<Type> type = ctx.resultType(i);
    if (!type)
      return type.takeError();
    Value value = stats[i - 1];
    if (type->cast<ShapedType>().getElementType() != element)
      value = createOp(ctx, "vit.cast", value, *type,
                       {b.getNamedAttr("to", TypeAttr::get(
                                                 type->cast<ShapedType>().getElementType()))});
    ctx.setResult(i, value);
  }
  return llvm::Error::success();
}

llvm::Error translateLayerNorm(NodeContext &ctx) {
  if (const onnx::AttributeProto *stash = findAttribute(ctx.node(), "stash_type"))
    if (stash->i() != 1)
      return nodeError(ctx, "stash_type other than 1 (float) is not supported");
  if (llvm::Error error = buildGeneric(ctx, {"vit.layer_norm", false, 3, 1, {"stash_type"}, true}))
    return error;
  if (!ctx.isOutputUsed(1) && !ctx.isOutputUsed(2))
    return llvm::Error::success();
  return translateLayerNormStatistics(ctx, ctx.input(0));
}

llvm::Error translateIdentityLike(NodeContext &ctx) {
  // Dropout at inference is the identity and its mask is all true; its ratio
  // input has no effect and a training_mode input must not be given.
  const onnx::NodeProto &node = ctx.node();
  if (node.op_type() == "Dropout" && node.input_size() > 2 && !node.input(2).empty())
    return nodeError(ctx, "a training_mode input is not supported (export in eval mode)");
  llvm::Expected<Type> type = ctx.resultType(0);
  if (!type)
    return type.takeError();
  Value input = ctx.input(0);
  ctx.setResult(0, createOp(ctx, "vit.identity", input, *type));
  if (node.output_size() < 2 || !ctx.isOutputUsed(1))
    return llvm::Error::success();
  llvm::Expected<Type> maskType = ctx.resultType(1);
  if (!maskType)
    return maskType.takeError();
  auto inputType = input.getType().dyn_cast<RankedTensorType>();
  if (!inputType)
    return nodeError(ctx, "the mask output needs an input of known rank");
  OpBuilder &b = ctx.builder();
  Value shape = createOp(ctx, "vit.shape", input,
                         RankedTensorType::get({inputType.getRank()}, b.getI64Type()));
  Attribute allTrue = DenseElementsAttr::get(RankedTensorType::get({1}, b.getI1Type()), true);
  ctx.setResult(1, createOp(ctx, "vit.constant_of_shape", shape, *maskType,
                            {b.getNamedAttr("value", allTrue)}));
  return llvm::Error::success();
}

const std::map<std::string, NodeTranslator> &table() {
  static const std::map<std::string, NodeTranslator> translators = [] {
    std::map<std::string, NodeTranslator> t;
    auto simple = [&](const char *onnx, const char *vit, int maxInputs = -1) {
      t[onnx] = generic({vit, false, maxInputs});
    };
    // Elementwise.
    for (auto [onnx, vit] : std::initializer_list<std::pair<const char *, const char *>>{
             {"Add", "vit.add"}, {"Sub", "vit.sub"}, {"Mul", "vit.mul"}, {"Div", "vit.div"},
             {"Pow", "vit.pow"}, {"Mod", "vit.mod"}, {"Equal", "vit.equal"},
             {"Less", "vit.less"}, {"LessOrEqual", "vit.less_or_equal"},
             {"Greater", "vit.greater"}, {"GreaterOrEqual", "vit.greater_or_equal"},
             {"And", "vit.and"}, {"Or", "vit.or"}, {"Xor", "vit.xor"}})
      simple(onnx, vit, 2);
    for (auto [onnx, vit] : std::initializer_list<std::pair<const char *, const char *>>{
             {"Min", "vit.min"}, {"Max", "vit.max"}, {"Sum", "vit.sum"}, {"Concat", "vit.concat"}})
      simple(onnx, vit);
    for (auto [onnx, vit] : std::initializer_list<std::pair<const char *, const char *>>{
             {"Neg", "vit.neg"}, {"Abs", "vit.abs"}, {"Sign", "vit.sign"}, {"Relu", "vit.relu"},
             {"Sqrt", "vit.sqrt"}, {"Exp", "vit.exp"}, {"Log", "vit.log"}, {"Erf", "vit.erf"},
             {"Reciprocal", "vit.reciprocal"}, {"Floor", "vit.floor"}, {"Ceil", "vit.ceil"},
             {"Round", "vit.round"}, {"Sigmoid", "vit.sigmoid"}, {"Tanh", "vit.tanh"},
             {"Sin", "vit.sin"}, {"Cos", "vit.cos"}, {"HardSwish", "vit.hard_swish"},
             {"Not", "vit.not"}, {"HardSigmoid", "vit.hard_sigmoid"},
             {"LeakyRelu", "vit.leaky_relu"}, {"Elu", "vit.elu"}, {"Transpose", "vit.transpose"},
             {"Flatten", "vit.flatten"}, {"Softmax", "vit.softmax"},
             {"LogSoftmax", "vit.log_softmax"}, {"GlobalAveragePool", "vit.global_average_pool"},
             {"GlobalMaxPool", "vit.global_max_pool"}, {"AveragePool", "vit.average_pool"},
             {"DepthToSpace", "vit.depth_to_space"}, {"SpaceToDepth", "vit.space_to_depth"},
             {"Shape", "vit.shape"}, {"ArgMax", "vit.arg_max"}, {"ArgMin", "vit.arg_min"},
             {"ReduceMean", "vit.reduce_mean"}, {"ReduceMax", "vit.reduce_max"},
             {"ReduceMin", "vit.reduce_min"}, {"ReduceProd", "vit.reduce_prod"},
             {"ReduceL1", "vit.reduce_l1"}, {"ReduceL2", "vit.reduce_l2"},
             {"ReduceSumSquare", "vit.reduce_sum_square"},
             {"ReduceLogSumExp", "vit.reduce_log_sum_exp"}})
      simple(onnx, vit, 1);
    for (auto [onnx, vit] : std::initializer_list<std::pair<const char *, const char *>>{
             {"MatMul", "vit.matmul"}, {"Reshape", "vit.reshape"}, {"Squeeze", "vit.squeeze"},
             {"Unsqueeze", "vit.unsqueeze"}, {"Gather", "vit.gather"},
             {"GatherElements", "vit.gather_elements"}, {"Expand", "vit.expand"},
             {"Tile", "vit.tile"}, {"ReduceSum", "vit.reduce_sum"}})
      simple(onnx, vit, 2);
    simple("Where", "vit.where", 3);
    simple("Range", "vit.range", 3);
    simple("Conv", "vit.conv", 3);
    simple("Pad", "vit.pad", 3);
    simple("ConstantOfShape", "vit.constant_of_shape", 1);
    t["MaxPool"] = generic({"vit.max_pool", false, 1, 1});
    t["Split"] = generic({"vit.split", false, 2, -1});
    t["Clip"] = generic({"vit.clip", true, 3});
    t["Slice"] = generic({"vit.slice", true, 5});
    t["Resize"] = generic({"vit.resize", true, 4});
    t["Constant"] = translateConstant;
    t["Cast"] = translateCast;
    t["Gemm"] = translateGemm;
    t["BatchNormalization"] = translateBatchNorm;
    t["LayerNormalization"] = translateLayerNorm;
    t["Identity"] = translateIdentityLike;
    t["Dropout"] = translateIdentityLike;
    return t;
  }();
  return translators;
}

} // namespace

const NodeTranslator *findNodeTranslator(const std::string &opType) {
  auto it = table().find(opType);
  return it == table().end() ? nullptr : &it->second;
}

std::vector<std::string> supportedOnnxOps() {
  std::vector<std::string> names;
  for (const auto &entry : table())
    names.push_back(entry.first);
  return names;
}

} // namespace vitc::import
