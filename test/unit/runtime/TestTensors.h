//===- TestTensors.h - Tensor helpers shared by the runtime tests -*- C++ -*-===//
#ifndef VITC_TEST_UNIT_RUNTIME_TESTTENSORS_H
#define VITC_TEST_UNIT_RUNTIME_TESTTENSORS_H

#include "vitc/rt/Tensor.h"

#include <catch2/catch.hpp>

#include <vector>

namespace vitc::rt::testing {

/// The elements of `t` as a vector (T must match the dtype).
template <typename T> std::vector<T> valuesOf(const Tensor &t) {
  const T *p = t.data<T>();
  return std::vector<T>(p, p + t.numel());
}

/// A tensor of `shape` holding start, start + step, start + 2 step, ...
template <typename T = float> Tensor iota(Shape shape, T start = T(0), T step = T(1)) {
  std::vector<T> v(static_cast<size_t>(numElements(shape)));
  for (size_t i = 0; i < v.size(); ++i)
    v[i] = static_cast<T>(start + step * static_cast<T>(i));
  return Tensor::fromVector<T>(std::move(shape), v);
}

/// Checks an f32 tensor element by element: relative tolerance `eps`
/// (default 1e-6, a few ulp of the hand-computed expectations) and absolute
/// 1e-7 for values near zero.
inline void checkNear(const Tensor &got, const std::vector<float> &want, double eps = 1e-6) {
  REQUIRE(got.dtype() == DType::F32);
  REQUIRE(got.numel() == static_cast<int64_t>(want.size()));
  for (size_t i = 0; i < want.size(); ++i) {
    INFO("element " << i);
    CHECK(got.data<float>()[i] == Approx(want[i]).epsilon(eps).margin(1e-7));
  }
}

} // namespace vitc::rt::testing

#endif // VITC_TEST_UNIT_RUNTIME_TESTTENSORS_H
