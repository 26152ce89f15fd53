//===- SoftmaxRow.h - The softmax of one contiguous row ------------*- C++ -*-===//
//
// Private to runtime/kernels: the vectorised row softmax shared by the
// Softmax/LogSoftmax kernels (Normalization.cpp) and fused attention
// (Attention.cpp), so both compute a row with the same operations.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_RT_KERNELS_SOFTMAXROW_H
#define VITC_RT_KERNELS_SOFTMAXROW_H

#include <cstdint>

namespace vitc::rt::detail {

/// y = softmax (or log-softmax) of the contiguous row x[0, n), max-subtracted,
/// with a fixed summation order. y may equal x unless `logarithm` is set.
void softmaxRow(const float *x, float *y, int64_t n, bool logarithm);

} // namespace vitc::rt::detail

#endif // VITC_RT_KERNELS_SOFTMAXROW_H
