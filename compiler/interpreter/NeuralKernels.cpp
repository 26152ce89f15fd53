//===- NeuralKernels.cpp - Interpreter kernels of dense, norm, pool ops ---===//
#include "compiler/interpreter/Kernels.h"
#include "dialects/vit/VitOps.h"

#include "vitc/rt/kernels/Conv.h"
#include "vitc/rt/kernels/Gemm.h"
#include "vitc/rt/kernels/Normalization.h"
#include "vitc/rt/kernels/Pool.h"
#include "vitc/rt/kernels/Reduce.h"
#include "vitc/rt/kernels/DataMovement.h"

#include <cstring>

using namespace mlir;

namespace vitc::interp {
namespace {

std::vector<int64_t> toVector(std::optional<ArrayRef<int64_t>> values) {
  return values ? std::vector<int64_t>(values->begin(), values->end()) : std::vector<int64_t>();
}

/// A constant 2-d f32 operand, or null.
const rt::Tensor *constantMatrix(BuildContext &ctx, Value value) {
  const rt::Tensor *tensor = ctx.constant(value);
  return tensor && tensor->rank() == 2 && tensor->dtype() == rt::DType::F32 ? tensor : nullptr;
}

llvm::Expected<KernelFn> buildMatMul(vit::MatMulOp op, BuildContext &ctx) {
  rt::ThreadPool *pool = ctx.pool();
  bool transA = op.getTransposeLhs(), transB = op.getTransposeRhs();
  std::shared_ptr<rt::PackedMatrix> packed;
  if (const rt::Tensor *rhs = constantMatrix(ctx, op.getRhs())) {
    int64_t k = transB ? rhs->dim(1) : rhs->dim(0), n = transB ? rhs->dim(0) : rhs->dim(1);
    packed = std::make_shared<rt::PackedMatrix>(
        rt::PackedMatrix::pack(transB, k, n, rhs->data<float>(), rhs->dim(1)));
  }
  return single([=](KernelInputs in) {
    return rt::matmul(*in[0], *in[1], transA, transB, pool, packed.get());
  });
}

llvm::Expected<KernelFn> buildGemm(vit::GemmOp op, BuildContext &ctx) {
  rt::GemmAttrs attrs;
  attrs.alpha = op.getAlpha().convertToFloat();
  attrs.beta = op.getBeta().convertToFloat();
  attrs.transA = op.getTransA();
  attrs.transB = op.getTransB();
  rt::ThreadPool *pool = ctx.pool();
  std::shared_ptr<rt::PackedMatrix> packed;
  if (const rt::Tensor *b = constantMatrix(ctx, op.getB())) {
    int64_t k = attrs.transB ? b->dim(1) : b->dim(0), n = attrs.transB ? b->dim(0) : b->dim(1);
    packed = std::make_shared<rt::PackedMatrix>(
        rt::PackedMatrix::pack(attrs.transB, k, n, b->data<float>(), b->dim(1)));
  }
  bool hasC = static_cast<bool>(op.getC());
  return single([=](KernelInputs in) {
    std::optional<rt::Tensor> c;
    if (hasC)
      c = *in[2];
    return rt::gemm(*in[0], *in[1], c, attrs, pool, packed.get());
  });
}

/// input[..., K] x weight[N, K]^T + bias[N].
llvm::Expected<KernelFn> buildLinear(vit::LinearOp op, BuildContext &ctx) {
  rt::ThreadPool *pool = ctx.pool();
  std::shared_ptr<rt::PackedMatrix> packed;
  if (const rt::Tensor *w = constantMatrix(ctx, op.getWeight()))
    packed = std::make_shared<rt::PackedMatrix>(
        rt::PackedMatrix::pack(true, w->dim(1), w->dim(0), w->data<float>(), w->dim(1)));
  bool hasBias = static_cast<bool>(op.getBias());
  return single([=](KernelInputs in) {
    const rt::Tensor &x = *in[0], &w = *in[1];
    int64_t k = w.dim(1), n = w.dim(0);
    if (x.dim(-1) != k)
      throw rt::Error("linear: input features " + std::to_string(x.dim(-1)) +
                      " differ from the weight's " + std::to_string(k));
    rt::Shape shape = x.shape();
    shape.back() = n;
    rt::Tensor out(rt::DType::F32, shape);
    int64_t m = x.numel() / k;
    float *y = out.data<float>();
    float beta = 0.0f;
    if (hasBias) {
      const float *b = in[2]->data<float>();
      for (int64_t row = 0; row < m; ++row)
        std::memcpy(y + row * n, b, n * sizeof(float));
      beta = 1.0f;
    }
    if (packed)
      rt::sgemmPacked(false, m, 1.0f, x.data<float>(), k, *packed, beta, y, n, pool);
    else
      rt::sgemm(false, true, m, n, k, 1.0f, x.data<float>(), k, w.data<float>(), k, beta, y, n,
                pool);
    return out;
  });
}

rt::WindowAttrs windowAttrs(StringRef autoPad, std::optional<ArrayRef<int64_t>> kernel,
                            std::optional<ArrayRef<int64_t>> strides,
                            std::optional<ArrayRef<int64_t>> dilations,
                            std::optional<ArrayRef<int64_t>> pads) {
  rt::WindowAttrs attrs;
  attrs.autoPad = rt::parseAutoPad(autoPad.str());
  attrs.kernelShape = toVector(kernel);
  attrs.strides = toVector(strides);
  attrs.dilations = toVector(dilations);
  attrs.pads = toVector(pads);
  return attrs;
}

llvm::Expected<KernelFn> buildConv(vit::ConvOp op, BuildContext &ctx) {
  llvm::Expected<rt::ConvAttrs> convAttrs = convAttrsOf(op);
  if (!convAttrs)
    return convAttrs.takeError();
  rt::ConvAttrs attrs = *convAttrs;
  rt::ThreadPool *pool = ctx.pool();
  bool hasBias = static_cast<bool>(op.getBias());
  return single([=](KernelInputs in) {
    std::optional<rt::Tensor> bias;
    if (hasBias)
      bias = *in[2];
    return rt::conv(*in[0], *in[1], bias, attrs, pool);
  });
}

} // namespace

llvm::Expected<rt::ConvAttrs> convAttrsOf(Operation *op) {
  auto conv = cast<vit::ConvOp>(op);
  rt::ConvAttrs attrs;
  try {
    attrs.window = windowAttrs(conv.getAutoPad(), conv.getKernelShape(), conv.getStrides(),
                               conv.getDilations(), conv.getPads());
  } catch (const std::exception &e) {
    return kernelError(op, e.what());
  }
  attrs.group = static_cast<int64_t>(conv.getGroup());
  return attrs;
}

namespace {

template <typename PoolOpT>
llvm::Expected<KernelFn> buildPool(PoolOpT op, BuildContext &ctx, bool isMax,
                                   std::optional<ArrayRef<int64_t>> dilations,
                                   bool countIncludePad) {
  rt::PoolAttrs attrs;
  try {
    attrs.window = windowAttrs(op.getAutoPad(), op.getKernelShape(), op.getStrides(), dilations,
                               op.getPads());
  } catch (const std::exception &e) {
    return kernelError(op, e.what());
  }
  attrs.ceilMode = op.getCeilMode() != 0;
  attrs.countIncludePad = countIncludePad;
  rt::ThreadPool *pool = ctx.pool();
  return single([=](KernelInputs in) {
    return isMax ? rt::maxPool(*in[0], attrs, pool) : rt::averagePool(*in[0], attrs, pool);
  });
}

template <typename OpT> void addReduce(KernelRegistry &r, rt::ReduceOp kind) {
  r.add<OpT>([kind](OpT op, BuildContext &ctx) -> llvm::Expected<KernelFn> {
    std::vector<int64_t> axes = toVector(op.getAxes());
    bool keepDims = op.getKeepdims() != 0;
    rt::ThreadPool *pool = ctx.pool();
    return single([=](KernelInputs in) {
      return rt::reduce(kind, *in[0], axes, keepDims, /*noopWithEmptyAxes=*/false, pool);
    });
  });
}

template <typename OpT> void addArgReduce(KernelRegistry &r, bool isMax) {
  r.add<OpT>([isMax](OpT op, BuildContext &) -> llvm::Expected<KernelFn> {
    int64_t axis = static_cast<int64_t>(op.getAxis());
    bool keepDims = op.getKeepdims() != 0, last = op.getSelectLastIndex() != 0;
    return single(
        [=](KernelInputs in) { return rt::argReduce(isMax, *in[0], axis, keepDims, last); });
  });
}

} // namespace

void addNeuralKernels(KernelRegistry &r) {
  r.add<vit::MatMulOp>(buildMatMul);
  r.add<vit::GemmOp>(buildGemm);
  r.add<vit::LinearOp>(buildLinear);
  r.add<vit::ConvOp>(buildConv);
  r.add<vit::MaxPoolOp>([](vit::MaxPoolOp op, BuildContext &ctx) {
    return buildPool(op, ctx, true, op.getDilations(), false);
  });
  r.add<vit::AveragePoolOp>([](vit::AveragePoolOp op, BuildContext &ctx) {
    return buildPool(op, ctx, false, std::nullopt, op.getCountIncludePad() != 0);
  });
  r.add<vit::GlobalAveragePoolOp>(
      [](vit::GlobalAveragePoolOp, BuildContext &ctx) -> llvm::Expected<KernelFn> {
        rt::ThreadPool *pool = ctx.pool();
        return single([pool](KernelInputs in) { return rt::globalAveragePool(*in[0], pool); });
      });
  r.add<vit::GlobalMaxPoolOp>(
      [](vit::GlobalMaxPoolOp, BuildContext &ctx) -> llvm::Expected<KernelFn> {
        rt::ThreadPool *pool = ctx.pool();
        return single([pool](KernelInputs in) { return rt::globalMaxPool(*in[0], pool); });
      });
  r.add<vit::LayerNormOp>([](vit::LayerNormOp op, BuildContext &ctx) -> llvm::Expected<KernelFn> {
    int64_t axis = static_cast<int64_t>(op.getAxis());
    float epsilon = op.getEpsilon().convertToFloat();
    bool hasBias = static_cast<bool>(op.getBias());
    rt::ThreadPool *pool = ctx.pool();
    return single([=](KernelInputs in) {
      std::optional<rt::Tensor> bias;
      if (hasBias)
        bias = *in[2];
      return rt::layerNorm(*in[0], *in[1], bias, axis, epsilon, pool);
    });
  });
  r.add<vit::BatchNormOp>([](vit::BatchNormOp op, BuildContext &ctx) -> llvm::Expected<KernelFn> {
    float epsilon = op.getEpsilon().convertToFloat();
    rt::ThreadPool *pool = ctx.pool();
    return single([=](KernelInputs in) {
      return rt::batchNorm(*in[0], *in[1], *in[2], *in[3], *in[4], epsilon, pool);
    });
  });
  r.add<vit::SoftmaxOp>([](vit::SoftmaxOp op, BuildContext &ctx) -> llvm::Expected<KernelFn> {
    int64_t axis = static_cast<int64_t>(op.getAxis());
    rt::ThreadPool *pool = ctx.pool();
    return single([=](KernelInputs in) { return rt::softmax(*in[0], axis, pool); });
  });
  r.add<vit::LogSoftmaxOp>([](vit::LogSoftmaxOp op, BuildContext &ctx) -> llvm::Expected<KernelFn> {
    int64_t axis = static_cast<int64_t>(op.getAxis());
    rt::ThreadPool *pool = ctx.pool();
    return single([=](KernelInputs in) { return rt::logSoftmax(*in[0], axis, pool); });
  });
  addReduce<vit::ReduceMeanOp>(r, rt::ReduceOp::Mean);
  addReduce<vit::ReduceMaxOp>(r, rt::ReduceOp::Max);
  addReduce<vit::ReduceMinOp>(r, rt::ReduceOp::Min);
  addReduce<vit::ReduceProdOp>(r, rt::ReduceOp::Prod);
  addReduce<vit::ReduceL1Op>(r, rt::ReduceOp::L1);
  addReduce<vit::ReduceL2Op>(r, rt::ReduceOp::L2);
  addReduce<vit::ReduceSumSquareOp>(r, rt::ReduceOp::SumSquare);
  addReduce<vit::ReduceLogSumExpOp>(r, rt::ReduceOp::LogSumExp);
  r.add<vit::ReduceSumOp>([](vit::ReduceSumOp op, BuildContext &ctx) -> llvm::Expected<KernelFn> {
    bool keepDims = op.getKeepdims() != 0, noop = op.getNoopWithEmptyAxes() != 0;
    bool hasAxes = static_cast<bool>(op.getAxes());
    rt::ThreadPool *pool = ctx.pool();
    return single([=](KernelInputs in) {
      std::vector<int64_t> axes = hasAxes ? in[1]->toInt64Vector() : std::vector<int64_t>();
      return rt::reduce(rt::ReduceOp::Sum, *in[0], axes, keepDims, noop, pool);
    });
  });
  addArgReduce<vit::ArgMaxOp>(r, true);
  addArgReduce<vit::ArgMinOp>(r, false);
  r.add<vit::ResizeOp>([](vit::ResizeOp op, BuildContext &ctx) -> llvm::Expected<KernelFn> {
    rt::ResizeAttrs attrs;
    try {
      attrs.mode = rt::parseResizeMode(op.getMode().str());
      attrs.transform = rt::parseCoordinateTransform(op.getCoordinateTransformationMode().str());
      attrs.nearest = rt::parseNearestRounding(op.getNearestMode().str());
    } catch (const std::exception &e) {
      return kernelError(op, e.what());
    }
    attrs.excludeOutside = op.getExcludeOutside() != 0;
    attrs.extrapolationValue = op.getExtrapolationValue().convertToFloat();
    bool hasRoi = static_cast<bool>(op.getRoi()), hasScales = static_cast<bool>(op.getScales());
    bool hasSizes = static_cast<bool>(op.getSizes());
    rt::ThreadPool *pool = ctx.pool();
    return single([=](KernelInputs in) {
      size_t next = 1 + (hasRoi ? 1 : 0);
      std::vector<float> scales;
      std::vector<int64_t> sizes;
      if (hasScales)
        scales = in[next++]->toFloatVector();
      if (hasSizes)
        sizes = in[next++]->toInt64Vector();
      return rt::resize(*in[0], scales, sizes, attrs, pool);
    });
  });
}

} // namespace vitc::interp
