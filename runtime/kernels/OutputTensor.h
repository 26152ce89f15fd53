//===- OutputTensor.h - Outputs allocated without zero-filling -----*- C++ -*-===//
//
// Private to runtime/kernels. Tensor's constructor zero-fills its buffer;
// kernels that overwrite every element of their output (GEMM, Conv,
// Transpose) allocate it with uninitializedTensor instead: no serial memset,
// and each thread of a parallel kernel is the first to touch the cache lines
// it writes.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_RT_KERNELS_OUTPUTTENSOR_H
#define VITC_RT_KERNELS_OUTPUTTENSOR_H

#include "vitc/rt/Tensor.h"

#include <cstdlib>
#include <string>

namespace vitc::rt::kernels {

/// A 64-byte aligned tensor with unspecified contents.
inline Tensor uninitializedTensor(DType type, const Shape &shape) {
  size_t bytes = static_cast<size_t>(numElements(shape)) * dtypeSize(type);
  size_t rounded = bytes == 0 ? 64 : (bytes + 63) / 64 * 64;
  void *data = std::aligned_alloc(64, rounded);
  if (!data)
    throw Error("out of memory allocating " + std::to_string(bytes) + " bytes");
  std::shared_ptr<const void> owner(data, [](const void *p) { std::free(const_cast<void *>(p)); });
  return Tensor::view(type, shape, data, std::move(owner));
}

} // namespace vitc::rt::kernels

#endif // VITC_RT_KERNELS_OUTPUTTENSOR_H
