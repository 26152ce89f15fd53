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
#include "compiler/interpreter/KernelParams.h"
#include "dialects/vit/VitOps.h"

#include "vitc/rt/kernels/Quantized.h"

#include "mlir/Dialect/Quant/QuantOps.h"

using namespace mlir;

namespace vitc::interp {
namespace {

std::optional<KernelFn> buildLinear(vit::LinearOp op, BuildContext &ctx) {
  std::optional<rt::QDenseParams> params = denseParamsOf(op);
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
  std::optional<rt::QDenseParams> params = denseParamsOf(op);
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
  std::optional<QMatMulParams> params = matmulParamsOf(op);
  if (!params)
    return std::nullopt;
  bool transA = op.getTransposeLhs(), transB = op.getTransposeRhs();
  rt::ThreadPool *pool = ctx.pool();
  return single([=, p = *params](KernelInputs in) {
    return rt::qmatmul(*in[0], p.a, *in[1], p.b, transA, transB, p.output, p.requant, pool);
  });
}

std::optional<KernelFn> buildAdd(vit::AddOp op, BuildContext &ctx) {
  std::optional<QAddParams> params = addParamsOf(op);
  if (!params)
    return std::nullopt;
  rt::ThreadPool *pool = ctx.pool();
  return single([=, p = *params](KernelInputs in) {
    return rt::qadd(*in[0], p.a, p.aRequant, *in[1], p.b, p.bRequant, p.output, pool);
  });
}

std::optional<KernelFn> buildAttention(vit::AttentionOp op, BuildContext &ctx) {
  std::optional<rt::QAttentionParams> attention = attentionParamsOf(op);
  if (!attention)
    return std::nullopt;
  rt::QAttentionParams params = *attention;
  bool hasBias = static_cast<bool>(op.getBias());
  rt::ThreadPool *pool = ctx.pool();
  return single([=](KernelInputs in) {
    std::optional<rt::Tensor> bias;
    if (hasBias)
      bias = *in[3];
    return rt::qattention(*in[0], *in[1], *in[2], bias, params, pool);
  });
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
    resultSpecs.push_back(type ? std::optional(quantSpecOf(type)) : std::nullopt);
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
    return rt::dequantize(q, quantSpecOf(uniform), pool);
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
        rt::QuantSpec spec = quantSpecOf(type);
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
