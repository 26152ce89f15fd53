//===- QuantizedKernels.cpp - Interpreter kernels of quantised ops --------===//
//
// Ops the quantise pass left with !quant.uniform types run the integer
// kernels of runtime/kernels/Quantized.h; their requantisation multipliers
// are computed here, once, from the types' scales (docs/quantization.md).
// Every other op with quantised types runs the PPU model around its fp32
// kernel. Data movement runs on the integer storage when its parameters do
// not change.
//
//===----------------------------------------------------------------------===//
#include "compiler/interpreter/Kernels.h"
#include "dialects/vit/VitOps.h"

#include "vitc/rt/kernels/Quantized.h"

#include "mlir/Dialect/Quant/QuantOps.h"

using namespace mlir;

namespace vitc::interp {
namespace {

quant::UniformQuantizedType uniformTypeOf(Value value) {
  return value.getType().cast<ShapedType>().getElementType().dyn_cast<
      quant::UniformQuantizedType>();
}

quant::UniformQuantizedPerAxisType perAxisTypeOf(Value value) {
  return value.getType().cast<ShapedType>().getElementType().dyn_cast<
      quant::UniformQuantizedPerAxisType>();
}

rt::QuantSpec specOf(quant::UniformQuantizedType type) {
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

/// Per-channel requantisation m[c] = s_x s_w[c] / s_y.
std::vector<rt::Requant> channelRequant(float inputScale, ArrayRef<double> weightScales,
                                        float outputScale) {
  std::vector<rt::Requant> requant;
  for (double w : weightScales)
    requant.push_back(rt::Requant::fromReal(static_cast<double>(inputScale) *
                                            static_cast<float>(w) / outputScale));
  return requant;
}

/// Linear and Conv: quantised input and output, per-axis INT8 weight, optional
/// per-axis int32 bias.
std::optional<rt::QDenseParams> denseParams(Operation *op) {
  auto input = uniformTypeOf(op->getOperand(0));
  auto output = uniformTypeOf(op->getResult(0));
  auto weight = perAxisTypeOf(op->getOperand(1));
  if (!input || !output || !weight || weight.getQuantizedDimension() != 0)
    return std::nullopt;
  if (op->getNumOperands() > 2 && !perAxisTypeOf(op->getOperand(2)))
    return std::nullopt;
  rt::QDenseParams params;
  params.input = specOf(input);
  params.output = specOf(output);
  params.requant = channelRequant(params.input.scale, weight.getScales(), params.output.scale);
  return params;
}

std::optional<KernelFn> buildLinear(vit::LinearOp op, BuildContext &ctx) {
  std::optional<rt::QDenseParams> params = denseParams(op);
  if (!params)
    return std::nullopt;
  bool hasBias = static_cast<bool>(op.getBias());
  rt::ThreadPool *pool = ctx.pool();
  return single([=, params = *params](KernelInputs in) {
    std::optional<rt::Tensor> bias;
    if (hasBias)
      bias = *in[2];
    return rt::qlinear(*in[0], *in[1], bias, params, pool);
  });
}

std::optional<KernelFn> buildConv(vit::ConvOp op, BuildContext &ctx) {
  std::optional<rt::QDenseParams> params = denseParams(op);
  llvm::Expected<rt::ConvAttrs> attrs = convAttrsOf(op);
  if (!params || !attrs) {
    if (!attrs)
      llvm::consumeError(attrs.takeError());
    return std::nullopt;
  }
  bool hasBias = static_cast<bool>(op.getBias());
  rt::ThreadPool *pool = ctx.pool();
  return single([=, params = *params, attrs = *attrs](KernelInputs in) {
    std::optional<rt::Tensor> bias;
    if (hasBias)
      bias = *in[2];
    return rt::qconv(*in[0], *in[1], bias, attrs, params, pool);
  });
}

std::optional<KernelFn> buildMatMul(vit::MatMulOp op, BuildContext &ctx) {
  auto lhs = uniformTypeOf(op.getLhs()), rhs = uniformTypeOf(op.getRhs());
  auto out = uniformTypeOf(op.getOutput());
  if (!lhs || !rhs || !out)
    return std::nullopt;
  rt::QuantSpec a = specOf(lhs), b = specOf(rhs), y = specOf(out);
  rt::Requant requant =
      rt::Requant::fromReal(static_cast<double>(a.scale) * b.scale / y.scale);
  bool transA = op.getTransposeLhs(), transB = op.getTransposeRhs();
  rt::ThreadPool *pool = ctx.pool();
  return single([=](KernelInputs in) {
    return rt::qmatmul(*in[0], a, *in[1], b, transA, transB, y, requant, pool);
  });
}

std::optional<KernelFn> buildAdd(vit::AddOp op, BuildContext &ctx) {
  auto lhs = uniformTypeOf(op.getLhs()), rhs = uniformTypeOf(op.getRhs());
  auto out = uniformTypeOf(op.getOutput());
  if (!lhs || !rhs || !out)
    return std::nullopt;
  rt::QuantSpec a = specOf(lhs), b = specOf(rhs), y = specOf(out);
  rt::Requant ra = rt::Requant::fromReal(static_cast<double>(a.scale) / y.scale);
  rt::Requant rb = rt::Requant::fromReal(static_cast<double>(b.scale) / y.scale);
  rt::ThreadPool *pool = ctx.pool();
  return single(
      [=](KernelInputs in) { return rt::qadd(*in[0], a, ra, *in[1], b, rb, y, pool); });
}

std::optional<KernelFn> buildAttention(vit::AttentionOp op, BuildContext &ctx) {
  auto q = uniformTypeOf(op.getQuery()), k = uniformTypeOf(op.getKey());
  auto v = uniformTypeOf(op.getValue()), out = uniformTypeOf(op.getOutput());
  if (!q || !k || !v || !out || (op.getBias() && uniformTypeOf(op.getBias())))
    return std::nullopt;
  rt::QAttentionParams params;
  params.heads = static_cast<int64_t>(op.getHeads());
  params.q = specOf(q);
  params.k = specOf(k);
  params.v = specOf(v);
  params.output = specOf(out);
  // fp32, in this order (docs/quantization.md, "Attention").
  params.scoreScale = (op.getScale().convertToFloat() * params.q.scale) * params.k.scale;
  params.valueRatio = params.v.scale / params.output.scale;
  bool hasBias = static_cast<bool>(op.getBias());
  rt::ThreadPool *pool = ctx.pool();
  return single([=](KernelInputs in) {
    std::optional<rt::Tensor> bias;
    if (hasBias)
      bias = *in[3];
    return rt::qattention(*in[0], *in[1], *in[2], bias, params, pool);
  });
}

/// Data movement on integer storage: every data operand and result has the
/// same parameters, so the fp32 kernel (dtype-generic) moves the integers.
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

bool movesData(Operation *op) {
  return isa<vit::ReshapeOp, vit::TransposeOp, vit::FlattenOp, vit::SqueezeOp,
             vit::UnsqueezeOp, vit::SliceOp, vit::SplitOp, vit::GatherOp, vit::ConcatOp,
             vit::DepthToSpaceOp, vit::SpaceToDepthOp, vit::ExpandOp, vit::TileOp,
             vit::IdentityOp>(op);
}

/// The PPU model: dequantise quantised operands, run fp32, quantise results.
llvm::Expected<KernelFn> buildPpu(Operation *op, BuildContext &ctx) {
  const KernelBuilder *fp32 = kernelRegistry().find(op);
  if (!fp32)
    return kernelError(op, "no kernel for this op");
  llvm::Expected<KernelFn> inner = (*fp32)(op, ctx);
  if (!inner)
    return inner.takeError();
  std::vector<Type> operandTypes;
  for (Type type : op->getOperandTypes())
    operandTypes.push_back(type.cast<ShapedType>().getElementType());
  std::vector<std::optional<rt::QuantSpec>> resultSpecs;
  for (Value result : op->getResults()) {
    auto type = uniformTypeOf(result);
    resultSpecs.push_back(type ? std::optional(specOf(type)) : std::nullopt);
  }
  rt::ThreadPool *pool = ctx.pool();
  return KernelFn([=, inner = std::move(*inner)](KernelInputs in) {
    std::vector<rt::Tensor> real;
    for (size_t i = 0; i < in.size(); ++i)
      real.push_back(operandTypes[i].isa<quant::QuantizedType>()
                         ? dequantizeAs(*in[i], operandTypes[i], pool)
                         : *in[i]);
    std::vector<const rt::Tensor *> pointers;
    for (const rt::Tensor &t : real)
      pointers.push_back(&t);
    std::vector<rt::Tensor> results = inner(pointers);
    for (size_t r = 0; r < results.size(); ++r)
      if (resultSpecs[r])
        results[r] = rt::quantize(results[r], *resultSpecs[r], pool);
    return results;
  });
}

} // namespace

rt::Tensor dequantizeAs(const rt::Tensor &q, Type elementType, rt::ThreadPool *pool) {
  if (auto uniform = elementType.dyn_cast<quant::UniformQuantizedType>())
    return rt::dequantize(q, specOf(uniform), pool);
  auto axis = elementType.cast<quant::UniformQuantizedPerAxisType>();
  rt::Tensor real = rt::Tensor::uninitialized(rt::DType::F32, q.shape());
  int64_t channels = q.dim(axis.getQuantizedDimension());
  int64_t inner = q.numel() / std::max<int64_t>(channels, 1);
  float *out = real.data<float>();
  for (int64_t i = 0; i < q.numel(); ++i)
    out[i] = static_cast<float>(q.intAt(i)) * static_cast<float>(axis.getScales()[i / inner]);
  return real;
}

std::optional<llvm::Expected<KernelFn>> buildQuantizedKernel(Operation *op, BuildContext &ctx) {
  if (isa<quant::QuantizeCastOp, quant::DequantizeCastOp, quant::StorageCastOp>(op) ||
      !hasQuantizedTypes(op))
    return std::nullopt;
  std::optional<KernelFn> integer;
  if (auto linear = dyn_cast<vit::LinearOp>(op))
    integer = buildLinear(linear, ctx);
  else if (auto conv = dyn_cast<vit::ConvOp>(op))
    integer = buildConv(conv, ctx);
  else if (auto matmul = dyn_cast<vit::MatMulOp>(op))
    integer = buildMatMul(matmul, ctx);
  else if (auto add = dyn_cast<vit::AddOp>(op))
    integer = buildAdd(add, ctx);
  else if (auto attention = dyn_cast<vit::AttentionOp>(op))
    integer = buildAttention(attention, ctx);
  else if (movesData(op) && sameParameters(op))
    return (*kernelRegistry().find(op))(op, ctx);
  if (integer)
    return llvm::Expected<KernelFn>(std::move(*integer));
  return buildPpu(op, ctx);
}

void addQuantCastKernels(KernelRegistry &r) {
  r.add<quant::QuantizeCastOp>(
      [](quant::QuantizeCastOp op, BuildContext &ctx) -> llvm::Expected<KernelFn> {
        auto type = uniformTypeOf(op.getResult());
        if (!type)
          return kernelError(op, "only per-tensor quantisation of inputs is supported");
        rt::QuantSpec spec = specOf(type);
        rt::ThreadPool *pool = ctx.pool();
        return single([=](KernelInputs in) { return rt::quantize(*in[0], spec, pool); });
      });
  r.add<quant::DequantizeCastOp>(
      [](quant::DequantizeCastOp op, BuildContext &ctx) -> llvm::Expected<KernelFn> {
        Type element = op.getArg().getType().cast<ShapedType>().getElementType();
        rt::ThreadPool *pool = ctx.pool();
        return single([=](KernelInputs in) { return dequantizeAs(*in[0], element, pool); });
      });
  r.add<quant::StorageCastOp>([](quant::StorageCastOp, BuildContext &) -> llvm::Expected<KernelFn> {
    return single([](KernelInputs in) { return *in[0]; });
  });
}

} // namespace vitc::interp
