//===- AttentionShapes.h - Shapes, bias and work split of attention -*- C++ -*-===//
//
// Private to runtime/kernels: what the fp32 attention kernel (Attention.cpp)
// and the quantised one (QAttention.cpp) share -- the shape checks of q, k,
// v and the bias, the bias rows, and how query rows are cut into tasks.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_RT_KERNELS_ATTENTIONSHAPES_H
#define VITC_RT_KERNELS_ATTENTIONSHAPES_H

#include "vitc/rt/Tensor.h"
#include "vitc/rt/ThreadPool.h"

#include <string>

namespace vitc::rt::detail {

struct AttentionDims {
  int64_t batch = 0, heads = 0, queries = 0, keys = 0, headDim = 0, valueDim = 0;
};

/// Checks that q [B, Nq, H*D], k [B, Nk, H*D] and v [B, Nk, H*Dv] fit
/// together (any dtype); errors start with `op`.
AttentionDims attentionDims(const Tensor &q, const Tensor &k, const Tensor &v, int64_t heads,
                            const std::string &op);

/// A [G, H', Nq', Nk'] fp32 bias with element strides that are 0 on broadcast dims.
struct BiasView {
  const float *data = nullptr;
  int64_t groups = 1, groupStride = 0, headStride = 0, rowStride = 0, colStride = 0;

  /// The bias row added to query row `row` of batch entry b, head h.
  const float *rowOf(int64_t b, int64_t h, int64_t row) const {
    return data + (b % groups) * groupStride + h * headStride + row * rowStride;
  }
  /// scores[j] += bias(b, h, row, j) for j < keys.
  void addTo(float *scores, int64_t keys, int64_t b, int64_t h, int64_t row) const {
    const float *add = rowOf(b, h, row);
    for (int64_t j = 0; j < keys; ++j)
      scores[j] += add[j * colStride];
  }
};
BiasView biasView(const Tensor &bias, const AttentionDims &d, const std::string &op);

/// How many row blocks to cut each (batch, head) product into: the fewest
/// that spread the work evenly over the threads.
int64_t attentionRowParts(int64_t products, int64_t queries, int64_t threads);

/// Calls block(b, h, row0, rows) for blocks of query rows covering every
/// (batch entry, head), shared out over the pool (attentionRowParts cuts).
template <typename Block>
void forEachAttentionBlock(const AttentionDims &d, ThreadPool *pool, Block &&block) {
  const int64_t products = d.batch * d.heads;
  const int64_t parts = attentionRowParts(products, d.queries, pool ? pool->threads() : 1);
  parallelFor(pool, products * parts, 1, [&](int64_t begin, int64_t end) {
    for (int64_t task = begin; task < end; ++task) {
      const int64_t product = task / parts, part = task % parts;
      const int64_t row0 = d.queries * part / parts, row1 = d.queries * (part + 1) / parts;
      if (row1 > row0)
        block(product / d.heads, product % d.heads, row0, row1 - row0);
    }
  });
}

} // namespace vitc::rt::detail

#endif // VITC_RT_KERNELS_ATTENTIONSHAPES_H
