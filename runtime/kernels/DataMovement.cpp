//===- DataMovement.cpp - Reshape, Concat, Slice, Split, Expand, Tile -----===//
//
// Ops that only move elements; they work on raw bytes, so every dtype goes
// through the same code (contiguous runs are memcpy'd).
//
//===----------------------------------------------------------------------===//
#include "vitc/rt/kernels/DataMovement.h"
#include "vitc/rt/kernels/Elementwise.h"

#include "Broadcast.h"
#include "DTypeDispatch.h"
#include "IndexUtil.h"

#include <algorithm>
#include <cstring>

namespace vitc::rt {

using namespace detail;

Shape resolveReshape(const Shape &input, const std::vector<int64_t> &requested, bool allowZero) {
  Shape shape(requested.begin(), requested.end());
  int64_t inferred = -1, known = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 0 && !allowZero) {
      if (i >= input.size())
        throw Error("Reshape: 0 at position " + std::to_string(i) +
                    " has no input dim to copy (input " + shapeToString(input) + ")");
      shape[i] = input[i];
    }
    if (shape[i] == -1) {
      if (inferred >= 0)
        throw Error("Reshape: more than one -1 in the requested shape");
      inferred = static_cast<int64_t>(i);
      continue;
    }
    if (shape[i] < 0)
      throw Error("Reshape: invalid dim " + std::to_string(shape[i]) + " in the requested shape");
    known *= shape[i];
  }
  const int64_t total = numElements(input);
  if (inferred >= 0) {
    if (known == 0 || total % known != 0)
      throw Error("Reshape: cannot infer the -1 dim to reshape " + shapeToString(input) + " (" +
                  std::to_string(total) + " elements) into " + std::to_string(known) + " x ?");
    shape[inferred] = total / known;
  } else if (known != total) {
    throw Error("Reshape: cannot reshape " + shapeToString(input) + " into " +
                shapeToString(shape));
  }
  return shape;
}

Tensor concat(const std::vector<Tensor> &inputs, int64_t axis) {
  if (inputs.empty())
    throw Error("Concat: no inputs");
  const Tensor &first = inputs.front();
  axis = normalizeAxis(axis, first.rank(), "Concat");
  Shape outShape = first.shape();
  outShape[axis] = 0;
  for (const Tensor &t : inputs) {
    bool fits = t.dtype() == first.dtype() && t.rank() == first.rank();
    for (int64_t d = 0; fits && d < t.rank(); ++d)
      fits = d == axis || t.shape()[d] == first.shape()[d];
    if (!fits)
      throw Error("Concat: input " + std::string(dtypeName(t.dtype())) + " " +
                  shapeToString(t.shape()) + " does not match " + dtypeName(first.dtype()) + " " +
                  shapeToString(first.shape()) + " along axis " + std::to_string(axis));
    outShape[axis] += t.shape()[axis];
  }
  Tensor out = Tensor::uninitialized(first.dtype(), outShape);
  const size_t elem = dtypeSize(first.dtype());
  const int64_t outer = productOf(outShape, 0, axis);
  const size_t innerBytes =
      static_cast<size_t>(productOf(outShape, axis + 1, outShape.size())) * elem;
  const size_t outRow = static_cast<size_t>(outShape[axis]) * innerBytes;
  char *dst = static_cast<char *>(out.raw());
  size_t column = 0;
  for (const Tensor &t : inputs) {
    const size_t block = static_cast<size_t>(t.shape()[axis]) * innerBytes;
    const char *src = static_cast<const char *>(t.raw());
    for (int64_t o = 0; o < outer && block; ++o)
      std::memcpy(dst + o * outRow + column, src + o * block, block);
    column += block;
  }
  return out;
}

namespace {

/// Copies a strided box of `x`: along dim d, `count[d]` elements starting at
/// `start[d]` with step `step[d]`.
Tensor stridedCopy(const Tensor &x, const Shape &start, const Shape &step, const Shape &count) {
  Tensor out = Tensor::uninitialized(x.dtype(), count);
  const size_t rank = count.size();
  if (out.numel() == 0)
    return out;
  if (rank == 0) {
    std::memcpy(out.raw(), x.raw(), dtypeSize(x.dtype()));
    return out;
  }
  std::vector<int64_t> stride(rank, 1);
  for (size_t d = rank - 1; d-- > 0;)
    stride[d] = stride[d + 1] * x.shape()[d + 1];
  dispatchWord(x.dtype(), [&](auto tag) {
    using W = typename decltype(tag)::type;
    const W *src = static_cast<const W *>(x.raw());
    W *dst = static_cast<W *>(out.raw());
    const int64_t inner = count[rank - 1], innerStep = step[rank - 1];
    std::vector<int64_t> index(rank - 1, 0);
    int64_t base = 0;
    for (size_t d = 0; d < rank; ++d)
      base += start[d] * stride[d];
    const int64_t rows = out.numel() / inner;
    for (int64_t r = 0; r < rows; ++r) {
      if (innerStep == 1) {
        std::memcpy(dst, src + base, static_cast<size_t>(inner) * sizeof(W));
      } else {
        for (int64_t i = 0; i < inner; ++i)
          dst[i] = src[base + i * innerStep];
      }
      dst += inner;
      for (size_t d = rank - 1; d-- > 0;) {
        base += step[d] * stride[d];
        if (++index[d] < count[d])
          break;
        base -= count[d] * step[d] * stride[d];
        index[d] = 0;
      }
    }
  });
  return out;
}

} // namespace

Tensor slice(const Tensor &x, const std::vector<int64_t> &starts, const std::vector<int64_t> &ends,
             const std::vector<int64_t> &axes, const std::vector<int64_t> &steps) {
  const int64_t rank = x.rank();
  if (starts.size() != ends.size() || (!axes.empty() && axes.size() != starts.size()) ||
      (!steps.empty() && steps.size() != starts.size()))
    throw Error("Slice: starts, ends, axes and steps must have the same length");
  Shape start(rank, 0), step(rank, 1), count = x.shape();
  std::vector<bool> seen(static_cast<size_t>(rank), false);
  for (size_t i = 0; i < starts.size(); ++i) {
    const int64_t axis =
        normalizeAxis(axes.empty() ? static_cast<int64_t>(i) : axes[i], rank, "Slice");
    if (seen[axis])
      throw Error("Slice: axis " + std::to_string(axis) + " given twice");
    seen[axis] = true;
    const int64_t s = steps.empty() ? 1 : steps[i];
    if (s == 0)
      throw Error("Slice: step must not be 0");
    const int64_t dim = x.shape()[axis];
    // Negative positions count from the end; then clamp to [0, dim] for
    // positive steps and [-1, dim - 1] for negative ones (INT64_MIN/MAX work).
    auto resolve = [&](int64_t v, int64_t lo, int64_t hi) {
      if (v < 0)
        v = v < -dim ? lo : v + dim;
      return std::clamp(v, lo, hi);
    };
    int64_t b, e;
    if (s > 0) {
      b = resolve(starts[i], 0, dim);
      e = resolve(ends[i], 0, dim);
    } else {
      b = resolve(starts[i], -1, dim - 1);
      e = resolve(ends[i], -1, dim - 1);
    }
    const int64_t span = s > 0 ? e - b : b - e;
    const int64_t magnitude = s > 0 ? s : -s;
    start[axis] = b;
    step[axis] = s;
    count[axis] = span <= 0 ? 0 : (span - 1) / magnitude + 1;
  }
  return stridedCopy(x, start, step, count);
}

std::vector<Tensor> split(const Tensor &x, int64_t axis, const std::vector<int64_t> &sizes,
                          int64_t numOutputs) {
  axis = normalizeAxis(axis, x.rank(), "Split");
  const int64_t dim = x.shape()[axis];
  std::vector<int64_t> parts = sizes;
  if (parts.empty()) {
    if (numOutputs < 1)
      throw Error("Split: needs split sizes or a number of outputs >= 1");
    const int64_t chunk = (dim + numOutputs - 1) / numOutputs;
    if (chunk * (numOutputs - 1) > dim)
      throw Error("Split: cannot split a dim of " + std::to_string(dim) + " into " +
                  std::to_string(numOutputs) + " parts");
    parts.assign(static_cast<size_t>(numOutputs), chunk);
    parts.back() = dim - chunk * (numOutputs - 1);
  } else {
    int64_t total = 0;
    for (int64_t p : parts) {
      if (p < 0)
        throw Error("Split: negative split size " + std::to_string(p));
      total += p;
    }
    if (total != dim)
      throw Error("Split: sizes add up to " + std::to_string(total) + ", dim " +
                  std::to_string(axis) + " is " + std::to_string(dim));
  }
  std::vector<Tensor> outputs;
  Shape start(x.rank(), 0), step(x.rank(), 1), count = x.shape();
  for (int64_t p : parts) {
    count[axis] = p;
    outputs.push_back(stridedCopy(x, start, step, count));
    start[axis] += p;
  }
  return outputs;
}

Tensor expand(const Tensor &x, const std::vector<int64_t> &shape) {
  for (int64_t d : shape)
    if (d < 0)
      throw Error("Expand: negative dim in shape " + shapeToString(shape));
  const Shape outShape = broadcastShapes(x.shape(), shape);
  Tensor out = Tensor::uninitialized(x.dtype(), outShape);
  const BroadcastPlan plan(outShape, {&x.shape()}, "Expand");
  const bool contiguous = plan.runStride(0) != 0;
  dispatchWord(x.dtype(), [&](auto tag) {
    using W = typename decltype(tag)::type;
    const W *src = static_cast<const W *>(x.raw());
    W *dst = static_cast<W *>(out.raw());
    forEachRun(plan, nullptr, [&](int64_t outOffset, const auto &offsets, int64_t n) {
      if (contiguous)
        std::memcpy(dst + outOffset, src + offsets[0], static_cast<size_t>(n) * sizeof(W));
      else
        std::fill_n(dst + outOffset, n, src[offsets[0]]);
    });
  });
  return out;
}

Tensor tile(const Tensor &x, const std::vector<int64_t> &repeats) {
  const size_t rank = x.shape().size();
  if (repeats.size() != rank)
    throw Error("Tile: " + std::to_string(repeats.size()) + " repeats for rank " +
                std::to_string(rank));
  Shape outShape(rank);
  for (size_t d = 0; d < rank; ++d) {
    if (repeats[d] < 0)
      throw Error("Tile: negative repeat " + std::to_string(repeats[d]));
    outShape[d] = x.shape()[d] * repeats[d];
  }
  Tensor out = Tensor::uninitialized(x.dtype(), outShape);
  if (out.numel() == 0 || rank == 0) {
    if (rank == 0)
      std::memcpy(out.raw(), x.raw(), dtypeSize(x.dtype()));
    return out;
  }
  // Each output row (all dims but the last) copies one input row, repeated.
  const size_t rowBytes = static_cast<size_t>(x.shape()[rank - 1]) * dtypeSize(x.dtype());
  const char *src = static_cast<const char *>(x.raw());
  char *dst = static_cast<char *>(out.raw());
  forEachRow(outShape, [&](int64_t, const std::vector<int64_t> &index) {
    int64_t inRow = 0;
    for (size_t d = 0; d + 1 < rank; ++d)
      inRow = inRow * x.shape()[d] + index[d] % x.shape()[d];
    for (int64_t k = 0; k < repeats[rank - 1]; ++k, dst += rowBytes)
      std::memcpy(dst, src + inRow * rowBytes, rowBytes);
  });
  return out;
}

} // namespace vitc::rt
