//===- Pool.h - Pooling -------------------------------------------*- C++ -*-===//
#ifndef VITC_RT_KERNELS_POOL_H
#define VITC_RT_KERNELS_POOL_H

#include "vitc/rt/kernels/Conv.h"

namespace vitc::rt {

struct PoolAttrs {
  WindowAttrs window; ///< kernelShape required
  bool ceilMode = false;
  bool countIncludePad = false; ///< AveragePool only
};

/// ONNX MaxPool / AveragePool over [N, C, spatial...] with 1 to 3 spatial
/// dims. MaxPool takes F32, F64, I8, U8 (only the values output, not the
/// indices); AveragePool F32, F64.
Tensor maxPool(const Tensor &x, PoolAttrs attrs, ThreadPool *pool);
Tensor averagePool(const Tensor &x, PoolAttrs attrs, ThreadPool *pool);
/// Mean (max) over all spatial dims: [N, C, ...] -> [N, C, 1, ...]. F32, F64.
Tensor globalAveragePool(const Tensor &x, ThreadPool *pool);
Tensor globalMaxPool(const Tensor &x, ThreadPool *pool);

} // namespace vitc::rt

#endif // VITC_RT_KERNELS_POOL_H
