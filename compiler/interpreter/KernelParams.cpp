//===- KernelParams.cpp - Runtime parameters of quantised vit ops ---------===//
#include "compiler/interpreter/KernelParams.h"

#include "llvm/ADT/STLExtras.h"

using namespace mlir;

namespace vitc::interp {

quant::UniformQuantizedType uniformTypeOf(Value value) {
  return value.getType().cast<ShapedType>().getElementType().dyn_cast<
      quant::UniformQuantizedType>();
}

quant::UniformQuantizedPerAxisType perAxisTypeOf(Value value) {
  return value.getType().cast<ShapedType>().getElementType().dyn_cast<
      quant::UniformQuantizedPerAxisType>();
}

rt::QuantSpec quantSpecOf(quant::UniformQuantizedType type) {
  rt::QuantSpec spec;
  spec.scale = static_cast<float>(type.getScale());
  spec.zeroPoint = static_cast<int32_t>(type.getZeroPoint());
  spec.qmin = static_cast<int32_t>(type.getStorageTypeMin());
  spec.qmax = static_cast<int32_t>(type.getStorageTypeMax());
  spec.storage = type.getStorageTypeIntegralWidth() == 16 ? rt::DType::I16 : rt::DType::I8;
  return spec;
}

bool hasQuantizedTypes(Operation *op) {
  auto quantized = [](Type type) {
    auto shaped = type.dyn_cast<ShapedType>();
    return shaped && shaped.getElementType().isa<quant::QuantizedType>();
  };
  return llvm::any_of(op->getOperandTypes(), quantized) ||
         llvm::any_of(op->getResultTypes(), quantized);
}

std::optional<rt::QDenseParams> denseParamsOf(Operation *op) {
  auto input = uniformTypeOf(op->getOperand(0));
  auto output = uniformTypeOf(op->getResult(0));
  auto weight = perAxisTypeOf(op->getOperand(1));
  if (!input || !output || !weight || weight.getQuantizedDimension() != 0)
    return std::nullopt;
  if (op->getNumOperands() > 2 && !perAxisTypeOf(op->getOperand(2)))
    return std::nullopt;
  rt::QDenseParams params;
  params.input = quantSpecOf(input);
  params.output = quantSpecOf(output);
  // m[c] = s_x s_w[c] / s_y, per output channel.
  for (double w : weight.getScales())
    params.requant.push_back(rt::Requant::fromReal(static_cast<double>(params.input.scale) *
                                                   static_cast<float>(w) / params.output.scale));
  return params;
}

std::optional<QMatMulParams> matmulParamsOf(vit::MatMulOp op) {
  auto lhs = uniformTypeOf(op.getLhs()), rhs = uniformTypeOf(op.getRhs());
  auto out = uniformTypeOf(op.getOutput());
  if (!lhs || !rhs || !out)
    return std::nullopt;
  QMatMulParams params{quantSpecOf(lhs), quantSpecOf(rhs), quantSpecOf(out), {}};
  params.requant = rt::Requant::fromReal(static_cast<double>(params.a.scale) * params.b.scale /
                                         params.output.scale);
  return params;
}

std::optional<QAddParams> addParamsOf(vit::AddOp op) {
  auto lhs = uniformTypeOf(op.getLhs()), rhs = uniformTypeOf(op.getRhs());
  auto out = uniformTypeOf(op.getOutput());
  if (!lhs || !rhs || !out)
    return std::nullopt;
  QAddParams params{quantSpecOf(lhs), quantSpecOf(rhs), quantSpecOf(out), {}, {}};
  params.aRequant = rt::Requant::fromReal(static_cast<double>(params.a.scale) / params.output.scale);
  params.bRequant = rt::Requant::fromReal(static_cast<double>(params.b.scale) / params.output.scale);
  return params;
}

std::optional<rt::QAttentionParams> attentionParamsOf(vit::AttentionOp op) {
  auto q = uniformTypeOf(op.getQuery()), k = uniformTypeOf(op.getKey());
  auto v = uniformTypeOf(op.getValue()), out = uniformTypeOf(op.getOutput());
  if (!q || !k || !v || !out || (op.getBias() && uniformTypeOf(op.getBias())))
    return std::nullopt;
  rt::QAttentionParams params;
  params.heads = static_cast<int64_t>(op.getHeads());
  params.q = quantSpecOf(q);
  params.k = quantSpecOf(k);
  params.v = quantSpecOf(v);
  params.output = quantSpecOf(out);
  // fp32, in this order (docs/quantization.md, "Attention").
  params.scoreScale = (op.getScale().convertToFloat() * params.q.scale) * params.k.scale;
  params.valueRatio = params.v.scale / params.output.scale;
  return params;
}

bool movesData(Operation *op) {
  return isa<vit::ReshapeOp, vit::TransposeOp, vit::FlattenOp, vit::SqueezeOp,
             vit::UnsqueezeOp, vit::SliceOp, vit::SplitOp, vit::GatherOp, vit::ConcatOp,
             vit::DepthToSpaceOp, vit::SpaceToDepthOp, vit::ExpandOp, vit::TileOp,
             vit::IdentityOp>(op);
}

bool sameParameters(Operation *op) {
  quant::UniformQuantizedType common;
  auto agree = [&](Value value) {
    auto type = uniformTypeOf(value);
    if (!type)
      return false;
    if (!common)
      common = type;
    return type == common;
  };
  SmallVector<Value> data = isa<vit::ConcatOp>(op) ? SmallVector<Value>(op->getOperands())
                                                   : SmallVector<Value>{op->getOperand(0)};
  return llvm::all_of(data, agree) && llvm::all_of(op->getResults(), agree);
}

} // namespace vitc::interp
