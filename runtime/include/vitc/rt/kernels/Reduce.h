//===- Reduce.h - Reductions --------------------------------------*- C++ -*-===//
#ifndef VITC_RT_KERNELS_REDUCE_H
#define VITC_RT_KERNELS_REDUCE_H

#include "vitc/rt/Tensor.h"
#include "vitc/rt/ThreadPool.h"

namespace vitc::rt {

enum class ReduceOp { Sum, Mean, Max, Min, Prod, SumSquare, L1, L2, LogSumExp };

/// ONNX Reduce*: reduces `axes` (negative allowed, any order). Empty axes
/// reduces everything unless noopWithEmptyAxes, which returns x unchanged.
/// F32 and F64 for all ops; Sum/Max/Min/Prod also I32/I64 (wrapping).
Tensor reduce(ReduceOp op, const Tensor &x, std::vector<int64_t> axes, bool keepDims,
              bool noopWithEmptyAxes, ThreadPool *pool);

/// ONNX ArgMax/ArgMin: I64 indices along `axis`; ties resolve to the first
/// index unless selectLastIndex.
Tensor argReduce(bool isMax, const Tensor &x, int64_t axis, bool keepDims,
                 bool selectLastIndex);

} // namespace vitc::rt

#endif // VITC_RT_KERNELS_REDUCE_H
