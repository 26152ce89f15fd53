//===- Normalization.h - Softmax, LayerNorm, BatchNorm ------------*- C++ -*-===//
#ifndef VITC_RT_KERNELS_NORMALIZATION_H
#define VITC_RT_KERNELS_NORMALIZATION_H

#include "vitc/rt/Tensor.h"
#include "vitc/rt/ThreadPool.h"

#include <optional>

namespace vitc::rt {

/// ONNX Softmax (opset 13): along one axis (negative counts from the end),
/// max-subtracted. F32.
Tensor softmax(const Tensor &x, int64_t axis, ThreadPool *pool);
/// ONNX LogSoftmax (opset 13).
Tensor logSoftmax(const Tensor &x, int64_t axis, ThreadPool *pool);

/// ONNX LayerNormalization (opset 17): normalises over dims [axis, rank);
/// scale and bias broadcast to those dims. Mean and variance use a fixed
/// summation order, so results do not depend on the thread count.
Tensor layerNorm(const Tensor &x, const Tensor &scale, const std::optional<Tensor> &bias,
                 int64_t axis, float epsilon, ThreadPool *pool);

/// ONNX BatchNormalization in inference mode: x is [N, C, ...]; scale, bias,
/// mean and var are [C].
Tensor batchNorm(const Tensor &x, const Tensor &scale, const Tensor &bias,
                 const Tensor &mean, const Tensor &var, float epsilon, ThreadPool *pool);

} // namespace vitc::rt

#endif // VITC_RT_KERNELS_NORMALIZATION_H
