//===- QLinear.cpp - Quantised Linear and packed weights ------------------===//
//
// qlinear is one integer GEMM: the activations x [M, K] are the left
// operand, read in place; the weights [N, K] the right one, packed into
// panels with their column sums (once, by QPackedWeights::pack, for
// constant weights). The output channel is the column: requantisation and
// bias are per column. QPackedWeights also prepares convolution weights
// (QConv.cpp), as the left operand.
//
//===----------------------------------------------------------------------===//
#include "QDense.h"

#include <string>

namespace vitc::rt {

using detail::QPackedWeightsData;

QPackedWeights QPackedWeights::pack(const Tensor &weight, DType activation, int64_t group) {
  const std::string op = "QPackedWeights::pack";
  if (!weight.valid() || weight.dtype() != DType::I8)
    throw Error(op + ": weights must be i8, got " +
                (weight.valid() ? dtypeName(weight.dtype()) : "none"));
  if (activation != DType::I8 && activation != DType::I16)
    throw Error(op + ": activations must be i8 or i16, got " + dtypeName(activation));
  const bool conv = weight.rank() == 3 || weight.rank() == 4;
  if (!conv && weight.rank() != 2)
    throw Error(op + ": weights must be [N, K] (Linear) or [M, C/group, k...] (Conv), got " +
                shapeToString(weight.shape()));
  if (group < 1 || (!conv && group != 1) || weight.dim(0) % group != 0)
    throw Error(op + ": group=" + std::to_string(group) + " does not fit weights " +
                shapeToString(weight.shape()));

  auto data = std::make_shared<QPackedWeightsData>();
  data->shape = weight.shape();
  data->activation = activation;
  data->group = group;
  data->isa = qgemmIsa();
  data->outputs = weight.dim(0);
  data->depth = data->outputs == 0 ? 0 : weight.numel() / data->outputs;
  const qgemm::KernelSet &kernels = qgemm::kernelSet(data->isa);
  const int64_t N = data->outputs, K = data->depth;
  const qgemm::MatrixView view{weight.raw(), DType::I8, K, 1};
  data->sums.resize(static_cast<size_t>(N));
  if (!conv) {
    data->kind = qgemm::kindFor(data->isa, activation, DType::I8);
    data->storage = qgemm::allocateAligned(
        static_cast<size_t>(qgemm::panelWords(data->kind, kernels.nr, K, N)) * 4);
    qgemm::packPanels(data->kind, kernels.nr, view, K, N, data->storage.get(), data->sums.data());
  } else if (group == N && weight.dim(1) == 1) {
    data->depthwise = true;
    data->storage = qgemm::allocateAligned(weight.byteSize());
    std::memcpy(data->storage.get(), weight.raw(), weight.byteSize());
  } else {
    data->asRows = true;
    data->kind = qgemm::kindFor(data->isa, DType::I8, activation);
    const int64_t per = qgemm::perWord(data->kind);
    data->rowStride = (K + per - 1) / per * per;
    const DType elemType = qgemm::rowType(data->kind);
    data->storage = qgemm::allocateAligned(
        static_cast<size_t>(N * data->rowStride) * dtypeSize(elemType));
    qgemm::packRows(data->kind, view, N, K, data->storage.get(), data->rowStride);
    qgemm::sumRows(elemType, data->storage.get(), data->rowStride, N, K, data->sums.data());
  }
  QPackedWeights packed;
  packed.data_ = std::move(data);
  return packed;
}

const Shape &QPackedWeights::shape() const { return data().shape; }
DType QPackedWeights::activation() const { return data().activation; }
int64_t QPackedWeights::group() const { return data().group; }
QGemmIsa QPackedWeights::isa() const { return data().isa; }

namespace detail {

const int32_t *checkDenseCall(const char *op, const Tensor &x, const QPackedWeightsData &weights,
                              const std::optional<Tensor> &bias, const QDenseParams &params) {
  const std::string name(op);
  checkQuantized(x, params.input, name + ": input");
  checkQuantSpec(params.output, name + ": output");
  if (x.dtype() != weights.activation)
    throw Error(name + ": the weights were packed for " + dtypeName(weights.activation) +
                " activations, the input is " + dtypeName(x.dtype()));
  const int64_t channels = weights.outputs;
  const int64_t count = static_cast<int64_t>(params.requant.size());
  if (count != 1 && count != channels)
    throw Error(name + ": " + std::to_string(count) + " requantisation multipliers for " +
                std::to_string(channels) + " output channels (give 1 or " +
                std::to_string(channels) + ")");
  if (!bias || !bias->valid())
    return nullptr;
  if (bias->dtype() != DType::I32 || bias->shape() != Shape{channels})
    throw Error(name + ": bias must be i32 [" + std::to_string(channels) + "], got " +
                dtypeName(bias->dtype()) + " " + shapeToString(bias->shape()));
  return bias->data<int32_t>();
}

} // namespace detail

Tensor qlinear(const Tensor &x, const Tensor &weight, const std::optional<Tensor> &bias,
               const QDenseParams &params, ThreadPool *pool) {
  detail::checkQuantized(x, params.input, "qlinear: input");
  if (weight.valid() && weight.rank() != 2)
    throw Error("qlinear: weight must be [N, K], got " + shapeToString(weight.shape()));
  return qlinear(x, QPackedWeights::pack(weight, x.dtype()), bias, params, pool);
}

Tensor qlinear(const Tensor &x, const QPackedWeights &weight, const std::optional<Tensor> &bias,
               const QDenseParams &params, ThreadPool *pool) {
  if (!weight.valid() || weight.shape().size() != 2)
    throw Error("qlinear: the packed weights are not Linear weights [N, K]");
  const QPackedWeightsData &w = weight.data();
  const int32_t *biasData = detail::checkDenseCall("qlinear", x, w, bias, params);
  const int64_t N = w.outputs, K = w.depth;
  if (x.rank() == 0 || x.dim(-1) != K)
    throw Error("qlinear: input " + shapeToString(x.shape()) + " does not end in K=" +
                std::to_string(K) + " of weights " + shapeToString(w.shape));
  Shape outShape = x.shape();
  outShape.back() = N;
  Tensor out = Tensor::uninitialized(params.output.storage, outShape);
  const int64_t M = numElements(Shape(x.shape().begin(), x.shape().end() - 1));
  const detail::RequantTable table(params.requant);

  qgemm::Product p;
  p.kernels = &qgemm::kernelSet(w.isa);
  p.kind = w.kind;
  p.exact = x.dtype() == DType::I16;
  p.K = K;
  p.a = qgemm::MatrixView{x.raw(), x.dtype(), K, 1};
  p.aZero = params.input.zeroPoint;
  p.b = qgemm::Panels{w.storage.get(), w.sums.data(), 0};
  p.bias = biasData;
  p.biasPerColumn = true;
  p.out = detail::requantOutput(params.output, out.raw(), N, table, /*perColumn=*/true);
  qgemm::forEachBlock(1, M, N, K, *p.kernels, /*splitColumns=*/false, pool,
                      [&](int64_t, int64_t m0, int64_t m1, int64_t n0, int64_t n1) {
                        qgemm::multiplyBlock(p, m0, m1, n0, n1);
                      });
  return out;
}

} // namespace vitc::rt
