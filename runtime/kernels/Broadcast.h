//===- Broadcast.h - Iterating numpy-broadcast operands -----------*- C++ -*-===//
//
// Private to runtime/kernels. A BroadcastPlan describes up to three operands
// broadcast (numpy rules) to one output shape as a sequence of contiguous
// output "runs": inside a run every operand advances with a stride of 0 or 1,
// so the per-element loops that the kernels write for each stride pattern
// have no index math and vectorise. Dims of size 1 are dropped and adjacent
// dims with the same broadcast pattern merged, so the common cases become
// one long run (same shape, scalar operand) or a few long runs ([197,192] +
// [192]).
//
//===----------------------------------------------------------------------===//
#ifndef VITC_RT_KERNELS_BROADCAST_H
#define VITC_RT_KERNELS_BROADCAST_H

#include "vitc/rt/Tensor.h"
#include "vitc/rt/ThreadPool.h"

#include <algorithm>
#include <array>
#include <initializer_list>

namespace vitc::rt::detail {

/// Output elements per parallel task of the elementwise kernels.
constexpr int64_t kElementwiseGrain = 32768;

class BroadcastPlan {
public:
  static constexpr int kMaxOperands = 3;

  /// `operands` must each broadcast to `outShape` (unidirectionally); `op`
  /// names the kernel in the error thrown otherwise.
  BroadcastPlan(const Shape &outShape, std::initializer_list<const Shape *> operands,
                const char *op);

  int64_t numElements() const { return numel_; }
  /// Length of every run (the innermost collapsed dim).
  int64_t runLength() const { return dims_.empty() ? 1 : dims_.back(); }
  /// Number of runs (product of the outer collapsed dims).
  int64_t numRuns() const { return runLength() == 0 ? 0 : numel_ / runLength(); }
  /// 0 or 1: how operand k advances inside a run.
  int64_t runStride(int k) const {
    return k < numOperands_ && !dims_.empty() ? strides_[k].back() : 0;
  }

  int numOperands() const { return numOperands_; }
  /// Collapsed output dims and, per operand, its stride (0 when broadcast).
  const Shape &dims() const { return dims_; }
  const std::vector<int64_t> &strides(int k) const { return strides_[k]; }

private:
  int numOperands_ = 0;
  int64_t numel_ = 0;
  Shape dims_; ///< Collapsed output dims.
  std::array<std::vector<int64_t>, kMaxOperands> strides_;
};

/// Walks the runs of a plan in order, keeping every operand's element offset.
class RunCursor {
public:
  /// Positioned at the start of run `run`.
  RunCursor(const BroadcastPlan &plan, int64_t run);
  const std::array<int64_t, BroadcastPlan::kMaxOperands> &offsets() const { return offsets_; }
  /// Moves to the start of the next run.
  void next();

private:
  const BroadcastPlan &plan_;
  std::vector<int64_t> index_; ///< Position in the outer collapsed dims.
  std::array<int64_t, BroadcastPlan::kMaxOperands> offsets_{};
};

/// Calls body(outOffset, operandOffsets, length) over the whole output, split
/// over the pool; operand k advances by plan.runStride(k) per element. Long
/// single runs are cut into chunks so they parallelise too.
template <typename Body> void forEachRun(const BroadcastPlan &plan, ThreadPool *pool, Body &&body) {
  const int64_t runLength = plan.runLength();
  const int64_t numRuns = plan.numRuns();
  if (plan.numElements() == 0)
    return;
  if (numRuns == 1) {
    parallelFor(pool, runLength, kElementwiseGrain, [&](int64_t begin, int64_t end) {
      std::array<int64_t, BroadcastPlan::kMaxOperands> offsets{};
      for (int k = 0; k < BroadcastPlan::kMaxOperands; ++k)
        offsets[k] = begin * plan.runStride(k);
      body(begin, offsets, end - begin);
    });
    return;
  }
  const int64_t grainRuns = std::max<int64_t>(1, kElementwiseGrain / runLength);
  parallelFor(pool, numRuns, grainRuns, [&](int64_t begin, int64_t end) {
    RunCursor cursor(plan, begin);
    for (int64_t run = begin; run < end; ++run, cursor.next())
      body(run * runLength, cursor.offsets(), runLength);
  });
}

} // namespace vitc::rt::detail

#endif // VITC_RT_KERNELS_BROADCAST_H
