//===- IndexUtil.h - Axes, dim products and row walks -------------*- C++ -*-===//
//
// Private to runtime/kernels: small shape and index helpers shared by the
// kernels.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_RT_KERNELS_INDEXUTIL_H
#define VITC_RT_KERNELS_INDEXUTIL_H

#include "vitc/rt/Tensor.h"

#include <string>

namespace vitc::rt::detail {

/// Resolves a possibly negative axis against `rank`; throws when out of range.
inline int64_t normalizeAxis(int64_t axis, int64_t rank, const char *op) {
  if (axis < -rank || axis >= rank)
    throw Error(std::string(op) + ": axis " + std::to_string(axis) + " out of range for rank " +
                std::to_string(rank));
  return axis < 0 ? axis + rank : axis;
}

/// Product of shape[begin, end).
inline int64_t productOf(const Shape &shape, size_t begin, size_t end) {
  int64_t n = 1;
  for (size_t i = begin; i < end; ++i)
    n *= shape[i];
  return n;
}

/// Calls body(row, index) for every row of `shape` (a row: all dims but the
/// last; rank >= 1, no zero dims) in order; `index` holds the row's
/// coordinates in the outer dims.
template <typename Body> void forEachRow(const Shape &shape, Body &&body) {
  const size_t rank = shape.size();
  std::vector<int64_t> index(rank - 1, 0);
  const int64_t rows = productOf(shape, 0, rank - 1);
  for (int64_t row = 0; row < rows; ++row) {
    body(row, static_cast<const std::vector<int64_t> &>(index));
    for (size_t d = rank - 1; d-- > 0;) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }
}

} // namespace vitc::rt::detail

#endif // VITC_RT_KERNELS_INDEXUTIL_H
