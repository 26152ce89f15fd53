//===- Generators.cpp - ConstantOfShape and Range -------------------------===//
#include "vitc/rt/kernels/DataMovement.h"

#include "DTypeDispatch.h"
#include "ElementwiseUtil.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace vitc::rt {

using namespace detail;

Tensor constantOfShape(const std::vector<int64_t> &shape, const std::optional<Tensor> &value) {
  for (int64_t d : shape)
    if (d < 0)
      throw Error("ConstantOfShape: negative dim in shape " + shapeToString(shape));
  if (value && value->numel() != 1)
    throw Error("ConstantOfShape: value must have one element, got shape " +
                shapeToString(value->shape()));
  Tensor out(value ? value->dtype() : DType::F32, shape);
  if (!value)
    return out; // zero-filled f32
  dispatchWord(value->dtype(), [&](auto tag) {
    using W = typename decltype(tag)::type;
    W fill;
    std::memcpy(&fill, value->raw(), sizeof fill);
    W *dst = static_cast<W *>(out.raw());
    std::fill_n(dst, out.numel(), fill);
  });
  return out;
}

Tensor range(const Tensor &start, const Tensor &limit, const Tensor &delta) {
  for (const Tensor *t : {&start, &limit, &delta})
    if (t->numel() != 1 || t->dtype() != start.dtype())
      throw Error(std::string("Range: start, limit and delta must be one-element tensors of "
                              "one dtype, got ") +
                  dtypeName(t->dtype()) + " " + shapeToString(t->shape()) + " beside " +
                  dtypeName(start.dtype()));
  return dispatchArithmetic(start.dtype(), "Range", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T first = start.data<T>()[0], last = limit.data<T>()[0], step = delta.data<T>()[0];
    if (step == T(0))
      throw Error("Range: delta must not be 0");
    int64_t count;
    if constexpr (std::is_floating_point_v<T>) {
      const double n = std::ceil((static_cast<double>(last) - first) / step);
      if (!(n < 1e12)) // also NaN
        throw Error("Range: too many elements (start " + std::to_string(first) + ", limit " +
                    std::to_string(last) + ", delta " + std::to_string(step) + ")");
      count = n > 0 ? static_cast<int64_t>(n) : 0;
    } else {
      // ceil((last - first) / step); the span wraps instead of overflowing.
      const int64_t span = wrapSub<int64_t>(last, first);
      const int64_t s = step;
      count = span / s + ((span % s != 0) && ((span > 0) == (s > 0)) ? 1 : 0);
      count = count > 0 ? count : 0;
    }
    Tensor out(start.dtype(), {count});
    T *dst = out.data<T>();
    for (int64_t i = 0; i < count; ++i)
      dst[i] = wrapAdd(first, wrapMul(static_cast<T>(i), step));
    return out;
  });
}

} // namespace vitc::rt
