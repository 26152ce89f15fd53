//===- Pad.cpp - ONNX Pad (constant, reflect, edge) -----------------------===//
//
// Negative pads crop: the input is first cut to [-begin, dim + end) on each
// dim with negative pads, and the remaining positive pads are applied to the
// cropped tensor. Reflect mirrors without repeating the edge (numpy
// "reflect") and keeps bouncing when a pad is wider than the dim; a dim of
// one element reflects to itself.
//
//===----------------------------------------------------------------------===//
#include "vitc/rt/kernels/DataMovement.h"

#include "DTypeDispatch.h"
#include "IndexUtil.h"

#include <algorithm>
#include <cstring>

namespace vitc::rt {

using namespace detail;

PadMode parsePadMode(const std::string &text) {
  if (text == "constant")
    return PadMode::Constant;
  if (text == "reflect")
    return PadMode::Reflect;
  if (text == "edge")
    return PadMode::Edge;
  throw Error("Pad: unsupported mode \"" + text + "\" (constant, reflect or edge)");
}

namespace {

/// Source coordinate of output coordinate `o` along one dim: the input
/// window starts at `offset` (the crop) and is `size` long; -1 means the
/// constant value.
int64_t sourceCoordinate(int64_t o, int64_t padBegin, int64_t offset, int64_t size, PadMode mode) {
  int64_t i = o - padBegin;
  if (i < 0 || i >= size) {
    if (mode == PadMode::Constant)
      return -1;
    if (mode == PadMode::Edge) {
      i = std::clamp<int64_t>(i, 0, size - 1);
    } else if (size == 1) {
      i = 0;
    } else {
      const int64_t period = 2 * (size - 1);
      i %= period;
      if (i < 0)
        i += period;
      if (i >= size)
        i = period - i;
    }
  }
  return offset + i;
}

} // namespace

Tensor pad(const Tensor &x, const std::vector<int64_t> &pads, PadMode mode,
           const std::optional<Tensor> &value) {
  const size_t rank = x.shape().size();
  if (pads.size() != 2 * rank)
    throw Error("Pad: " + std::to_string(pads.size()) + " pads for rank " + std::to_string(rank) +
                " (needs 2 * rank)");
  if (value && mode == PadMode::Constant && (value->dtype() != x.dtype() || value->numel() != 1))
    throw Error(std::string("Pad: constant value must be a one-element ") + dtypeName(x.dtype()) +
                " tensor, got " + dtypeName(value->dtype()) + " " + shapeToString(value->shape()));
  Shape outShape(rank);
  // Per dim: a map from output coordinate to input coordinate (-1: constant).
  std::vector<std::vector<int64_t>> source(rank);
  for (size_t d = 0; d < rank; ++d) {
    const int64_t begin = pads[d], end = pads[d + rank], dim = x.shape()[d];
    outShape[d] = dim + begin + end;
    if (outShape[d] < 0)
      throw Error("Pad: pads " + std::to_string(begin) + ", " + std::to_string(end) +
                  " crop more than dim " + std::to_string(d) + " of " + shapeToString(x.shape()));
    const int64_t offset = std::max<int64_t>(0, -begin);
    const int64_t size = dim - offset - std::max<int64_t>(0, -end);
    const int64_t padBegin = std::max<int64_t>(0, begin);
    if (size == 0 && mode != PadMode::Constant && outShape[d] > 0)
      throw Error("Pad: cannot " + std::string(mode == PadMode::Edge ? "edge" : "reflect") +
                  "-pad an empty dim " + std::to_string(d) + " of " + shapeToString(x.shape()));
    source[d].resize(static_cast<size_t>(outShape[d]));
    for (int64_t o = 0; o < outShape[d]; ++o)
      source[d][o] = sourceCoordinate(o, padBegin, offset, size, mode);
  }
  Tensor out(x.dtype(), outShape);
  if (out.numel() == 0)
    return out;
  if (rank == 0) {
    std::memcpy(out.raw(), x.raw(), dtypeSize(x.dtype()));
    return out;
  }
  dispatchWord(x.dtype(), [&](auto tag) {
    using W = typename decltype(tag)::type;
    W fill{};
    if (value && mode == PadMode::Constant)
      std::memcpy(&fill, value->raw(), sizeof(W));
    const W *src = static_cast<const W *>(x.raw());
    W *dst = static_cast<W *>(out.raw());
    const std::vector<int64_t> &innerMap = source[rank - 1];
    const int64_t inner = outShape[rank - 1];
    forEachRow(outShape, [&](int64_t r, const std::vector<int64_t> &index) {
      // Input row of this output row, or none when some outer dim is padding.
      int64_t row = 0;
      bool inside = true;
      for (size_t d = 0; d + 1 < rank && inside; ++d) {
        const int64_t s = source[d][index[d]];
        inside = s >= 0;
        row = row * x.shape()[d] + s;
      }
      W *line = dst + r * inner;
      if (!inside) {
        std::fill_n(line, inner, fill);
      } else {
        const W *in = src + row * x.shape()[rank - 1];
        for (int64_t i = 0; i < inner; ++i)
          line[i] = innerMap[i] < 0 ? fill : in[innerMap[i]];
      }
    });
  });
  return out;
}

} // namespace vitc::rt
