//===- Transpose.cpp - ONNX Transpose for any rank and dtype --------------===//
//
// The permutation is first simplified: size-1 dims are dropped and input
// dims that stay adjacent and in order are merged, so the attention and
// window permutations of ViTs ([0,2,1,3], [0,2,3,1], Swin's
// [0,1,3,2,4,5], ...) become 2-d or 3-d problems. Then either
//  - the innermost input dim stays innermost: every output row is one
//    contiguous input run (memcpy), or
//  - it moves: the two dims that trade places are copied in square tiles
//    (4x4 SSE transposes for 4-byte elements) so reads and writes both touch
//    few cache lines.
// Elements are moved as raw 1/2/4/8-byte words, so every dtype is handled.
//
//===----------------------------------------------------------------------===//
#include "vitc/rt/kernels/DataMovement.h"


#include <algorithm>
#include <cstring>
#include <string>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace vitc::rt {
namespace {

/// A permutation over merged dims: output dim i is input dim perm[i].
struct Simplified {
  Shape inDims;
  std::vector<int64_t> perm;
};

Simplified simplify(const Shape &inShape, const std::vector<int64_t> &perm) {
  // Output-ordered runs of input dims that stay adjacent (size-1 dims dropped).
  std::vector<std::pair<int64_t, int64_t>> runs; // (first input dim, merged size)
  int64_t lastDim = -2;
  for (int64_t dim : perm) {
    if (inShape[dim] == 1)
      continue;
    bool extends = !runs.empty() && dim > lastDim;
    for (int64_t between = lastDim + 1; extends && between < dim; ++between)
      extends = inShape[between] == 1;
    if (extends)
      runs.back().second *= inShape[dim];
    else
      runs.push_back({dim, inShape[dim]});
    lastDim = dim;
  }
  // Input order of the runs gives the merged input shape.
  std::vector<size_t> order(runs.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return runs[a].first < runs[b].first; });
  Simplified result;
  result.perm.resize(runs.size());
  for (size_t rank = 0; rank < order.size(); ++rank) {
    result.inDims.push_back(runs[order[rank]].second);
    result.perm[order[rank]] = static_cast<int64_t>(rank);
  }
  return result;
}

/// Walks the outer output dims in row-major order, tracking the input offset.
class Odometer {
public:
  Odometer(std::vector<int64_t> sizes, std::vector<int64_t> inStrides, int64_t start)
      : sizes_(std::move(sizes)), strides_(std::move(inStrides)), index_(sizes_.size()) {
    for (size_t i = sizes_.size(); i-- > 0;) {
      index_[i] = start % sizes_[i];
      start /= sizes_[i];
      offset_ += index_[i] * strides_[i];
    }
  }
  int64_t offset() const { return offset_; }
  void next() {
    for (size_t i = sizes_.size(); i-- > 0;) {
      offset_ += strides_[i];
      if (++index_[i] < sizes_[i])
        return;
      offset_ -= index_[i] * strides_[i];
      index_[i] = 0;
    }
  }

private:
  std::vector<int64_t> sizes_, strides_, index_;
  int64_t offset_ = 0;
};

/// out[i*outStride + j] = in[j*inStride + i] for i < rows, j < cols.
template <typename T>
void transposeTile(const T *in, int64_t inStride, T *out, int64_t outStride, int64_t rows,
                   int64_t cols) {
  int64_t i = 0;
#if defined(__x86_64__)
  if constexpr (sizeof(T) == 4) {
    for (; i + 4 <= rows; i += 4) {
      int64_t j = 0;
      for (; j + 4 <= cols; j += 4) {
        const float *src = reinterpret_cast<const float *>(in + j * inStride + i);
        __m128 r0 = _mm_loadu_ps(src), r1 = _mm_loadu_ps(src + inStride);
        __m128 r2 = _mm_loadu_ps(src + 2 * inStride), r3 = _mm_loadu_ps(src + 3 * inStride);
        _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
        float *dst = reinterpret_cast<float *>(out + i * outStride + j);
        _mm_storeu_ps(dst, r0);
        _mm_storeu_ps(dst + outStride, r1);
        _mm_storeu_ps(dst + 2 * outStride, r2);
        _mm_storeu_ps(dst + 3 * outStride, r3);
      }
      for (int64_t ii = i; ii < i + 4; ++ii)
        for (int64_t jj = j; jj < cols; ++jj)
          out[ii * outStride + jj] = in[jj * inStride + ii];
    }
  }
#endif
  for (; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      out[i * outStride + j] = in[j * inStride + i];
}

constexpr int64_t kTile = 32;

template <typename T>
void transposeSimplified(const T *in, T *out, const Simplified &s, ThreadPool *pool) {
  const int64_t rank = static_cast<int64_t>(s.perm.size());
  std::vector<int64_t> inStrides(rank, 1);
  for (int64_t i = rank - 1; i > 0; --i)
    inStrides[i - 1] = inStrides[i] * s.inDims[i];
  Shape outDims(rank);
  for (int64_t i = 0; i < rank; ++i)
    outDims[i] = s.inDims[s.perm[i]];
  const int64_t total = numElements(s.inDims);
  const int64_t grainElements = 1 << 15;

  if (s.perm.back() == rank - 1) {
    // Each output row of `run` elements is contiguous in the input.
    const int64_t run = s.inDims.back(), rows = total / run;
    std::vector<int64_t> sizes(outDims.begin(), outDims.end() - 1), strides;
    for (int64_t i = 0; i + 1 < rank; ++i)
      strides.push_back(inStrides[s.perm[i]]);
    parallelFor(pool, rows, std::max<int64_t>(1, grainElements / run), [&](int64_t lo, int64_t hi) {
      Odometer walk(sizes, strides, lo);
      for (int64_t row = lo; row < hi; ++row, walk.next())
        std::memcpy(out + row * run, in + walk.offset(), sizeof(T) * run);
    });
    return;
  }
  // The innermost input dim lands at output position `t`; output's innermost
  // dim comes from input dim perm.back(). Tile those two, walk the rest.
  const int64_t t = std::find(s.perm.begin(), s.perm.end(), rank - 1) - s.perm.begin();
  std::vector<int64_t> outStrides(rank, 1);
  for (int64_t i = rank - 1; i > 0; --i)
    outStrides[i - 1] = outStrides[i] * outDims[i];
  std::vector<int64_t> sizes, inOuter, outOuter;
  for (int64_t i = 0; i + 1 < rank; ++i) {
    if (i == t)
      continue;
    sizes.push_back(outDims[i]);
    inOuter.push_back(inStrides[s.perm[i]]);
    outOuter.push_back(outStrides[i]);
  }
  const int64_t rows = outDims[t], cols = outDims.back();
  const int64_t inStride = inStrides[s.perm.back()], outStride = outStrides[t];
  const int64_t rowBlocks = (rows + kTile - 1) / kTile, outer = total / (rows * cols);
  parallelFor(pool, outer * rowBlocks, std::max<int64_t>(1, grainElements / (kTile * cols)),
              [&](int64_t lo, int64_t hi) {
                int64_t outerIndex = lo / rowBlocks;
                Odometer inWalk(sizes, inOuter, outerIndex), outWalk(sizes, outOuter, outerIndex);
                for (int64_t item = lo; item < hi; ++item) {
                  for (; outerIndex < item / rowBlocks; ++outerIndex) {
                    inWalk.next();
                    outWalk.next();
                  }
                  int64_t i0 = item % rowBlocks * kTile;
                  const T *src = in + inWalk.offset() + i0;
                  T *dst = out + outWalk.offset() + i0 * outStride;
                  int64_t height = std::min(kTile, rows - i0);
                  for (int64_t j0 = 0; j0 < cols; j0 += kTile)
                    transposeTile(src + j0 * inStride, inStride, dst + j0, outStride, height,
                                  std::min(kTile, cols - j0));
                }
              });
}

} // namespace

Tensor transpose(const Tensor &x, std::vector<int64_t> perm, ThreadPool *pool) {
  if (!x.valid())
    throw Error("Transpose: input is not a tensor");
  const int64_t rank = x.rank();
  if (perm.empty())
    for (int64_t i = rank - 1; i >= 0; --i)
      perm.push_back(i);
  std::vector<bool> seen(rank, false);
  bool valid = static_cast<int64_t>(perm.size()) == rank;
  for (int64_t &axis : perm) {
    if (!valid)
      break;
    if (axis < 0)
      axis += rank;
    valid = axis >= 0 && axis < rank && !seen[axis];
    if (valid)
      seen[axis] = true;
  }
  if (!valid) {
    std::string text;
    for (int64_t axis : perm)
      text += (text.empty() ? "" : ",") + std::to_string(axis);
    throw Error("Transpose: perm [" + text + "] is not a permutation of the " +
                std::to_string(rank) + " dims of " + shapeToString(x.shape()));
  }
  Shape outShape(rank);
  for (int64_t i = 0; i < rank; ++i)
    outShape[i] = x.shape()[perm[i]];
  Tensor out = Tensor::uninitialized(x.dtype(), outShape);
  if (out.numel() == 0)
    return out;
  Simplified s = simplify(x.shape(), perm);
  if (s.perm.size() <= 1) {
    std::memcpy(out.raw(), x.raw(), x.byteSize());
    return out;
  }
  switch (dtypeSize(x.dtype())) {
  case 1:
    transposeSimplified(static_cast<const uint8_t *>(x.raw()), static_cast<uint8_t *>(out.raw()), s,
                        pool);
    break;
  case 2:
    transposeSimplified(static_cast<const uint16_t *>(x.raw()), static_cast<uint16_t *>(out.raw()),
                        s, pool);
    break;
  case 4:
    transposeSimplified(static_cast<const uint32_t *>(x.raw()), static_cast<uint32_t *>(out.raw()),
                        s, pool);
    break;
  default:
    transposeSimplified(static_cast<const uint64_t *>(x.raw()), static_cast<uint64_t *>(out.raw()),
                        s, pool);
    break;
  }
  return out;
}

} // namespace vitc::rt
