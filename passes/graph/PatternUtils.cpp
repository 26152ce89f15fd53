//===- PatternUtils.cpp - Helpers shared by the fusion patterns -----------===//
#include "passes/graph/PatternUtils.h"

#include "compiler/interpreter/ConstantTensors.h"
#include "dialects/vit/VitOps.h"

#include <cmath>

using namespace mlir;

namespace vitc::graph {

std::optional<rt::Tensor> getConstantTensor(Value value) {
  auto constant = value.getDefiningOp<vit::ConstantOp>();
  if (!constant)
    return std::nullopt;
  llvm::Expected<rt::Tensor> tensor = interp::tensorFromAttr(constant.getValue());
  if (!tensor) {
    llvm::consumeError(tensor.takeError());
    return std::nullopt;
  }
  return std::move(*tensor);
}

std::optional<rt::Tensor> getF32Constant(Value value) {
  std::optional<rt::Tensor> tensor = getConstantTensor(value);
  if (!tensor || tensor->dtype() != rt::DType::F32)
    return std::nullopt;
  return tensor;
}

std::optional<double> getSplatValue(Value value) {
  // A splat attribute holds one element: read it without materialising.
  if (auto constant = value.getDefiningOp<vit::ConstantOp>()) {
    auto dense = constant.getValue().dyn_cast<DenseElementsAttr>();
    Type elementType = constant.getType().cast<ShapedType>().getElementType();
    if (dense && dense.isSplat() && dense.getNumElements() > 0) {
      if (elementType.isF32() || elementType.isF64())
        return dense.getSplatValue<APFloat>().convertToDouble();
      if (elementType.isSignlessInteger() && elementType.getIntOrFloatBitWidth() > 1)
        return static_cast<double>(dense.getSplatValue<APInt>().getSExtValue());
    }
  }
  std::optional<rt::Tensor> tensor = getConstantTensor(value);
  if (!tensor || tensor->numel() == 0 || tensor->dtype() == rt::DType::Bool)
    return std::nullopt;
  double first = tensor->at(0);
  for (int64_t i = 1; i < tensor->numel(); ++i)
    if (tensor->at(i) != first)
      return std::nullopt;
  return first;
}

bool isSplatNear(Value value, double expected, double relTol) {
  std::optional<double> actual = getSplatValue(value);
  return actual && std::abs(*actual - expected) <= relTol * std::abs(expected);
}

std::optional<std::vector<float>> getPerChannelValues(Value value, ArrayRef<int64_t> resultShape,
                                                      int64_t channelAxis) {
  std::optional<rt::Tensor> tensor = getF32Constant(value);
  int64_t resultRank = static_cast<int64_t>(resultShape.size());
  if (!tensor || tensor->rank() > resultRank || channelAxis < 0 || channelAxis >= resultRank)
    return std::nullopt;
  int64_t channels = resultShape[channelAxis];
  if (ShapedType::isDynamic(channels))
    return std::nullopt;
  int64_t offset = resultRank - tensor->rank();
  for (int64_t i = 0; i < tensor->rank(); ++i) {
    int64_t dim = tensor->shape()[i];
    bool isChannel = i + offset == channelAxis;
    if (dim != 1 && !(isChannel && dim == channels))
      return std::nullopt;
  }
  const float *data = tensor->data<float>();
  std::vector<float> values(channels);
  for (int64_t c = 0; c < channels; ++c)
    values[c] = data[tensor->numel() == channels ? c : 0];
  return values;
}

std::optional<unsigned> constantOperandIndex(Operation *op) {
  if (op->getNumOperands() != 2)
    return std::nullopt;
  bool lhs = static_cast<bool>(op->getOperand(0).getDefiningOp<vit::ConstantOp>());
  bool rhs = static_cast<bool>(op->getOperand(1).getDefiningOp<vit::ConstantOp>());
  if (lhs == rhs)
    return std::nullopt;
  return lhs ? 0u : 1u;
}

Value otherOperand(Operation *op, Value value) {
  if (!op || op->getNumOperands() != 2)
    return {};
  Value lhs = op->getOperand(0), rhs = op->getOperand(1);
  if (lhs == rhs)
    return {};
  if (lhs == value)
    return rhs;
  return rhs == value ? lhs : Value();
}

Operation *getSoleUser(Value value) { return value.hasOneUse() ? *value.user_begin() : nullptr; }

bool onlyUsedBy(Value value, ArrayRef<Operation *> users) {
  return llvm::all_of(value.getUsers(),
                      [&](Operation *user) { return llvm::is_contained(users, user); });
}

void eraseDeadOps(PatternRewriter &rewriter, ArrayRef<Operation *> ops) {
  for (Operation *op : llvm::reverse(ops))
    if (op->use_empty())
      rewriter.eraseOp(op);
}

bool sameF32Type(Value a, Value b) {
  auto type = a.getType().dyn_cast<RankedTensorType>();
  return type && type == b.getType() && type.getElementType().isF32() && type.hasStaticShape();
}

ArrayRef<int64_t> shapeOf(Value value) { return value.getType().cast<ShapedType>().getShape(); }

std::string constantName(Operation *anchor, StringRef suffix) {
  std::string name = "fused";
  if (auto loc = anchor->getLoc().dyn_cast<NameLoc>())
    name = loc.getName().str();
  return name + "." + suffix.str();
}

Value createConstant(PatternRewriter &rewriter, Location loc, const rt::Tensor &tensor,
                     StringRef name) {
  ElementsAttr value = interp::attrFromTensor(tensor, rewriter.getContext(), name);
  return rewriter.create<vit::ConstantOp>(loc, value.getType(), value);
}

std::optional<DenseLayer> matchDenseLayer(Operation *op) {
  if (!isa_and_nonnull<vit::LinearOp, vit::ConvOp>(op) || op->getNumOperands() < 2 ||
      !op->getResult(0).getType().cast<ShapedType>().getElementType().isF32())
    return std::nullopt;
  DenseLayer layer;
  layer.op = op;
  layer.input = op->getOperand(0);
  std::optional<rt::Tensor> weight = getF32Constant(op->getOperand(1));
  if (!weight || weight->rank() < 2)
    return std::nullopt;
  layer.weight = *weight;
  if (op->getNumOperands() > 2) {
    layer.bias = getF32Constant(op->getOperand(2));
    if (!layer.bias || layer.bias->numel() != layer.channels())
      return std::nullopt;
  }
  int64_t rank = shapeOf(op->getResult(0)).size();
  layer.channelAxis = isa<vit::LinearOp>(op) ? rank - 1 : 1;
  return layer;
}

void replaceWithLayer(PatternRewriter &rewriter, Operation *layer, Operation *root, Value input,
                      Value weight, Value bias) {
  rewriter.setInsertionPoint(root);
  OperationState state(layer->getLoc(), layer->getName());
  state.addOperands({input, weight});
  if (bias)
    state.addOperands(bias);
  state.addAttributes(layer->getAttrs());
  state.addTypes(layer->getResultTypes());
  Operation *replacement = rewriter.create(state);
  rewriter.replaceOp(root, replacement->getResults());
}

void replaceWithAffineLayer(PatternRewriter &rewriter, const DenseLayer &layer, Operation *root,
                            ArrayRef<double> scale, ArrayRef<double> shift) {
  rewriter.setInsertionPoint(root);
  Location loc = layer.op->getLoc();
  int64_t channels = layer.channels();
  bool anyScale = llvm::any_of(scale, [](double s) { return s != 1.0; });
  bool anyShift = llvm::any_of(shift, [](double t) { return t != 0.0; });
  Value weight = layer.op->getOperand(1);
  if (anyScale) {
    rt::Tensor scaled = layer.weight.clone();
    float *data = scaled.data<float>();
    int64_t rowSize = scaled.numel() / channels;
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t i = 0; i < rowSize; ++i)
        data[c * rowSize + i] = static_cast<float>(data[c * rowSize + i] * scale[c]);
    weight = createConstant(rewriter, loc, scaled, constantName(layer.op, "weight"));
  }
  Value bias = layer.bias && !anyScale && !anyShift ? layer.op->getOperand(2) : Value();
  if (!bias && (layer.bias || anyShift)) {
    std::vector<float> values(channels);
    const float *old = layer.bias ? layer.bias->data<float>() : nullptr;
    for (int64_t c = 0; c < channels; ++c)
      values[c] = static_cast<float>((old ? old[c] : 0.0) * scale[c] + shift[c]);
    bias = createConstant(rewriter, loc, rt::Tensor::fromVector<float>({channels}, values),
                          constantName(layer.op, "bias"));
  }
  replaceWithLayer(rewriter, layer.op, root, layer.input, weight, bias);
}

} // namespace vitc::graph
