//===- ElementwiseKernels.cpp - Interpreter kernels of elementwise ops ----===//
#include "compiler/interpreter/Kernels.h"
#include "dialects/vit/VitOps.h"

#include "vitc/rt/kernels/Elementwise.h"

using namespace mlir;

namespace vitc::interp {
namespace {

template <typename OpT> void addBinary(KernelRegistry &r, rt::BinaryOp kind) {
  r.add<OpT>([kind](OpT, BuildContext &ctx) -> llvm::Expected<KernelFn> {
    rt::ThreadPool *pool = ctx.pool();
    return single([kind, pool](KernelInputs in) { return rt::binary(kind, *in[0], *in[1], pool); });
  });
}

template <typename OpT> void addVariadic(KernelRegistry &r, rt::BinaryOp kind) {
  r.add<OpT>([kind](OpT, BuildContext &ctx) -> llvm::Expected<KernelFn> {
    rt::ThreadPool *pool = ctx.pool();
    return single([kind, pool](KernelInputs in) {
      rt::Tensor acc = *in[0];
      for (size_t i = 1; i < in.size(); ++i)
        acc = rt::binary(kind, acc, *in[i], pool);
      return acc;
    });
  });
}

template <typename OpT> void addUnary(KernelRegistry &r, rt::UnaryOp kind) {
  r.add<OpT>([kind](OpT, BuildContext &ctx) -> llvm::Expected<KernelFn> {
    rt::ThreadPool *pool = ctx.pool();
    return single([kind, pool](KernelInputs in) { return rt::unary(kind, *in[0], pool); });
  });
}

} // namespace

void addElementwiseKernels(KernelRegistry &r) {
  addBinary<vit::AddOp>(r, rt::BinaryOp::Add);
  addBinary<vit::SubOp>(r, rt::BinaryOp::Sub);
  addBinary<vit::MulOp>(r, rt::BinaryOp::Mul);
  addBinary<vit::DivOp>(r, rt::BinaryOp::Div);
  addBinary<vit::PowOp>(r, rt::BinaryOp::Pow);
  addBinary<vit::EqualOp>(r, rt::BinaryOp::Equal);
  addBinary<vit::LessOp>(r, rt::BinaryOp::Less);
  addBinary<vit::LessOrEqualOp>(r, rt::BinaryOp::LessOrEqual);
  addBinary<vit::GreaterOp>(r, rt::BinaryOp::Greater);
  addBinary<vit::GreaterOrEqualOp>(r, rt::BinaryOp::GreaterOrEqual);
  addBinary<vit::AndOp>(r, rt::BinaryOp::And);
  addBinary<vit::OrOp>(r, rt::BinaryOp::Or);
  addBinary<vit::XorOp>(r, rt::BinaryOp::Xor);
  addVariadic<vit::MinOp>(r, rt::BinaryOp::Min);
  addVariadic<vit::MaxOp>(r, rt::BinaryOp::Max);
  addVariadic<vit::SumOp>(r, rt::BinaryOp::Add);
  r.add<vit::ModOp>([](vit::ModOp op, BuildContext &ctx) -> llvm::Expected<KernelFn> {
    rt::BinaryOp kind = op.getFmod() ? rt::BinaryOp::FMod : rt::BinaryOp::Mod;
    rt::ThreadPool *pool = ctx.pool();
    return single([kind, pool](KernelInputs in) { return rt::binary(kind, *in[0], *in[1], pool); });
  });

  addUnary<vit::NegOp>(r, rt::UnaryOp::Neg);
  addUnary<vit::AbsOp>(r, rt::UnaryOp::Abs);
  addUnary<vit::SignOp>(r, rt::UnaryOp::Sign);
  addUnary<vit::ReluOp>(r, rt::UnaryOp::Relu);
  addUnary<vit::SqrtOp>(r, rt::UnaryOp::Sqrt);
  addUnary<vit::ExpOp>(r, rt::UnaryOp::Exp);
  addUnary<vit::LogOp>(r, rt::UnaryOp::Log);
  addUnary<vit::ErfOp>(r, rt::UnaryOp::Erf);
  addUnary<vit::ReciprocalOp>(r, rt::UnaryOp::Reciprocal);
  addUnary<vit::FloorOp>(r, rt::UnaryOp::Floor);
  addUnary<vit::CeilOp>(r, rt::UnaryOp::Ceil);
  addUnary<vit::RoundOp>(r, rt::UnaryOp::Round);
  addUnary<vit::SigmoidOp>(r, rt::UnaryOp::Sigmoid);
  addUnary<vit::TanhOp>(r, rt::UnaryOp::Tanh);
  addUnary<vit::SinOp>(r, rt::UnaryOp::Sin);
  addUnary<vit::CosOp>(r, rt::UnaryOp::Cos);
  addUnary<vit::HardSwishOp>(r, rt::UnaryOp::HardSwish);
  addUnary<vit::NotOp>(r, rt::UnaryOp::Not);

  r.add<vit::GeluOp>([](vit::GeluOp op, BuildContext &ctx) -> llvm::Expected<KernelFn> {
    rt::UnaryOp kind = op.getApproximate() == "tanh" ? rt::UnaryOp::GeluTanh : rt::UnaryOp::Gelu;
    rt::ThreadPool *pool = ctx.pool();
    return single([kind, pool](KernelInputs in) { return rt::unary(kind, *in[0], pool); });
  });
  r.add<vit::HardSigmoidOp>([](vit::HardSigmoidOp op, BuildContext &ctx) -> llvm::Expected<KernelFn> {
    float alpha = op.getAlpha().convertToFloat(), beta = op.getBeta().convertToFloat();
    rt::ThreadPool *pool = ctx.pool();
    return single(
        [=](KernelInputs in) { return rt::hardSigmoid(*in[0], alpha, beta, pool); });
  });
  r.add<vit::LeakyReluOp>([](vit::LeakyReluOp op, BuildContext &ctx) -> llvm::Expected<KernelFn> {
    float alpha = op.getAlpha().convertToFloat();
    rt::ThreadPool *pool = ctx.pool();
    return single([=](KernelInputs in) { return rt::leakyRelu(*in[0], alpha, pool); });
  });
  r.add<vit::EluOp>([](vit::EluOp op, BuildContext &ctx) -> llvm::Expected<KernelFn> {
    float alpha = op.getAlpha().convertToFloat();
    rt::ThreadPool *pool = ctx.pool();
    return single([=](KernelInputs in) { return rt::elu(*in[0], alpha, pool); });
  });
  r.add<vit::IdentityOp>([](vit::IdentityOp, BuildContext &) -> llvm::Expected<KernelFn> {
    return single([](KernelInputs in) { return *in[0]; });
  });
  r.add<vit::ClipOp>([](vit::ClipOp op, BuildContext &ctx) -> llvm::Expected<KernelFn> {
    bool hasMin = static_cast<bool>(op.getMin()), hasMax = static_cast<bool>(op.getMax());
    rt::ThreadPool *pool = ctx.pool();
    return single([=](KernelInputs in) {
      std::optional<rt::Tensor> lo, hi;
      size_t next = 1;
      if (hasMin)
        lo = *in[next++];
      if (hasMax)
        hi = *in[next++];
      return rt::clip(*in[0], lo, hi, pool);
    });
  });
  r.add<vit::WhereOp>([](vit::WhereOp, BuildContext &ctx) -> llvm::Expected<KernelFn> {
    rt::ThreadPool *pool = ctx.pool();
    return single([pool](KernelInputs in) { return rt::where(*in[0], *in[1], *in[2], pool); });
  });
  r.add<vit::CastOp>([](vit::CastOp op, BuildContext &) -> llvm::Expected<KernelFn> {
    std::optional<rt::DType> to = dtypeOf(op.getTo());
    if (!to)
      return kernelError(op, "unsupported target type");
    rt::DType target = *to;
    return single([target](KernelInputs in) { return rt::cast(*in[0], target); });
  });
}

} // namespace vitc::interp
