//===- Indexing.cpp - Gather, GatherElements, DepthToSpace, SpaceToDepth --===//
//
// Index-driven data movement (DataMovement.h). Any dtype; elements are copied
// as opaque words. Indices are validated before anything is copied.
//
//===----------------------------------------------------------------------===//
#include "vitc/rt/kernels/DataMovement.h"

#include "DTypeDispatch.h"
#include "IndexUtil.h"

#include <cstring>

namespace vitc::rt {

using namespace detail;

namespace {

/// The indices as int64 with negative ones wrapped; throws on one outside
/// [-dim, dim).
std::vector<int64_t> resolveIndices(const Tensor &indices, int64_t dim, const char *op) {
  if (indices.dtype() != DType::I32 && indices.dtype() != DType::I64)
    throw Error(std::string(op) + ": indices must be i32 or i64, got " +
                dtypeName(indices.dtype()));
  std::vector<int64_t> result = indices.toInt64Vector();
  for (int64_t &i : result) {
    if (i < -dim || i >= dim)
      throw Error(std::string(op) + ": index " + std::to_string(i) + " out of range for a dim of " +
                  std::to_string(dim));
    if (i < 0)
      i += dim;
  }
  return result;
}

} // namespace

Tensor gather(const Tensor &x, const Tensor &indices, int64_t axis) {
  axis = normalizeAxis(axis, x.rank(), "Gather");
  const int64_t dim = x.shape()[axis];
  const std::vector<int64_t> index = resolveIndices(indices, dim, "Gather");
  Shape outShape(x.shape().begin(), x.shape().begin() + axis);
  outShape.insert(outShape.end(), indices.shape().begin(), indices.shape().end());
  outShape.insert(outShape.end(), x.shape().begin() + axis + 1, x.shape().end());
  Tensor out = Tensor::uninitialized(x.dtype(), outShape);
  const int64_t outer = productOf(x.shape(), 0, axis);
  const size_t innerBytes =
      static_cast<size_t>(productOf(x.shape(), axis + 1, x.shape().size())) * dtypeSize(x.dtype());
  const char *src = static_cast<const char *>(x.raw());
  char *dst = static_cast<char *>(out.raw());
  for (int64_t o = 0; o < outer; ++o) {
    const char *block = src + o * dim * innerBytes;
    for (int64_t i : index) {
      std::memcpy(dst, block + i * innerBytes, innerBytes);
      dst += innerBytes;
    }
  }
  return out;
}

Tensor gatherElements(const Tensor &x, const Tensor &indices, int64_t axis) {
  axis = normalizeAxis(axis, x.rank(), "GatherElements");
  if (indices.rank() != x.rank())
    throw Error("GatherElements: indices have rank " + std::to_string(indices.rank()) +
                ", data has rank " + std::to_string(x.rank()));
  for (int64_t d = 0; d < x.rank(); ++d)
    if (d != axis && indices.shape()[d] > x.shape()[d])
      throw Error("GatherElements: indices shape " + shapeToString(indices.shape()) +
                  " exceeds data shape " + shapeToString(x.shape()) + " off the axis");
  const std::vector<int64_t> index = resolveIndices(indices, x.shape()[axis], "GatherElements");
  Tensor out = Tensor::uninitialized(x.dtype(), indices.shape());
  const size_t rank = static_cast<size_t>(x.rank());
  std::vector<int64_t> stride(rank, 1);
  for (size_t d = rank; d-- > 1;)
    stride[d - 1] = stride[d] * x.shape()[d];
  dispatchWord(x.dtype(), [&](auto tag) {
    using W = typename decltype(tag)::type;
    const W *src = static_cast<const W *>(x.raw());
    W *dst = static_cast<W *>(out.raw());
    std::vector<int64_t> position(rank, 0);
    int64_t offset = 0; // input offset of `position` with the axis coordinate 0
    for (int64_t i = 0; i < out.numel(); ++i) {
      dst[i] = src[offset + index[i] * stride[axis]];
      for (size_t d = rank; d-- > 0;) {
        if (static_cast<int64_t>(d) != axis)
          offset += stride[d];
        if (++position[d] < indices.shape()[d])
          break;
        if (static_cast<int64_t>(d) != axis)
          offset -= position[d] * stride[d];
        position[d] = 0;
      }
    }
  });
  return out;
}

namespace {

/// The block rearrangement shared by DepthToSpace and SpaceToDepth between
/// a "space" layout [N, C, H*b, W*b] and a "depth" layout [N, C*b*b, H, W];
/// `channelOf(c, i, j)` is the depth channel of space channel c at block
/// offset (i, j). Copies depth -> space when `toSpace`, else space -> depth.
template <typename ChannelOf>
void rearrangeBlocks(const Shape &spaceShape, int64_t b, DType type, const void *src, void *dst,
                     bool toSpace, ChannelOf channelOf) {
  const int64_t batch = spaceShape[0], channels = spaceShape[1];
  const int64_t h = spaceShape[2] / b, w = spaceShape[3] / b;
  const int64_t depthChannels = channels * b * b;
  dispatchWord(type, [&](auto tag) {
    using W = typename decltype(tag)::type;
    const W *from = static_cast<const W *>(src);
    W *to = static_cast<W *>(dst);
    for (int64_t n = 0; n < batch; ++n)
      for (int64_t c = 0; c < channels; ++c)
        for (int64_t y = 0; y < h; ++y)
          for (int64_t i = 0; i < b; ++i)
            for (int64_t x = 0; x < w; ++x)
              for (int64_t j = 0; j < b; ++j) {
                const int64_t depthAt = ((n * depthChannels + channelOf(c, i, j)) * h + y) * w + x;
                const int64_t spaceAt =
                    ((n * channels + c) * h * b + y * b + i) * w * b + x * b + j;
                if (toSpace)
                  to[spaceAt] = from[depthAt];
                else
                  to[depthAt] = from[spaceAt];
              }
  });
}

void requireBlockInput(const Tensor &x, int64_t b, const char *op) {
  if (x.rank() != 4)
    throw Error(std::string(op) + ": input must be [N, C, H, W], got shape " +
                shapeToString(x.shape()));
  if (b < 1)
    throw Error(std::string(op) + ": blocksize must be >= 1, got " + std::to_string(b));
}

} // namespace

Tensor depthToSpace(const Tensor &x, int64_t blockSize, bool crdMode) {
  requireBlockInput(x, blockSize, "DepthToSpace");
  const int64_t b = blockSize, c = x.shape()[1];
  if (c % (b * b) != 0)
    throw Error("DepthToSpace: channels " + std::to_string(c) + " not divisible by blocksize^2 " +
                std::to_string(b * b));
  const int64_t oc = c / (b * b);
  Tensor out = Tensor::uninitialized(x.dtype(), {x.shape()[0], oc, x.shape()[2] * b, x.shape()[3] * b});
  if (crdMode)
    rearrangeBlocks(out.shape(), b, x.dtype(), x.raw(), out.raw(), true,
                    [&](int64_t ch, int64_t i, int64_t j) { return (ch * b + i) * b + j; });
  else
    rearrangeBlocks(out.shape(), b, x.dtype(), x.raw(), out.raw(), true,
                    [&](int64_t ch, int64_t i, int64_t j) { return (i * b + j) * oc + ch; });
  return out;
}

Tensor spaceToDepth(const Tensor &x, int64_t blockSize) {
  requireBlockInput(x, blockSize, "SpaceToDepth");
  const int64_t b = blockSize;
  if (x.shape()[2] % b != 0 || x.shape()[3] % b != 0)
    throw Error("SpaceToDepth: spatial dims of " + shapeToString(x.shape()) +
                " not divisible by blocksize " + std::to_string(b));
  const int64_t c = x.shape()[1];
  Tensor out = Tensor::uninitialized(x.dtype(), {x.shape()[0], c * b * b, x.shape()[2] / b, x.shape()[3] / b});
  rearrangeBlocks(x.shape(), b, x.dtype(), x.raw(), out.raw(), false,
                  [&](int64_t ch, int64_t i, int64_t j) { return (i * b + j) * c + ch; });
  return out;
}

} // namespace vitc::rt
