//===- Broadcast.cpp - numpy broadcasting of shapes and operands ----------===//
//
// broadcastShapes (public, Elementwise.h) and the BroadcastPlan / RunCursor
// helpers of Broadcast.h.
//
//===----------------------------------------------------------------------===//
#include "Broadcast.h"

#include "vitc/rt/kernels/Elementwise.h"

namespace vitc::rt {

Shape broadcastShapes(const Shape &a, const Shape &b) {
  const size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    const int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      throw Error("shapes " + shapeToString(a) + " and " + shapeToString(b) + " do not broadcast");
    out[i] = da == 1 ? db : da;
  }
  return out;
}

namespace detail {

BroadcastPlan::BroadcastPlan(const Shape &outShape, std::initializer_list<const Shape *> operands,
                             const char *op)
    : numOperands_(static_cast<int>(operands.size())), numel_(rt::numElements(outShape)) {
  if (numOperands_ > kMaxOperands)
    throw Error(std::string(op) + ": too many operands for a broadcast");
  const size_t rank = outShape.size();
  // Operand dims right-aligned to the output rank.
  std::vector<Shape> aligned;
  for (const Shape *shape : operands) {
    if (shape->size() > rank)
      throw Error(std::string(op) + ": shape " + shapeToString(*shape) + " does not broadcast to " +
                  shapeToString(outShape));
    Shape padded(rank - shape->size(), 1);
    padded.insert(padded.end(), shape->begin(), shape->end());
    for (size_t i = 0; i < rank; ++i)
      if (padded[i] != outShape[i] && padded[i] != 1)
        throw Error(std::string(op) + ": shape " + shapeToString(*shape) +
                    " does not broadcast to " + shapeToString(outShape));
    aligned.push_back(std::move(padded));
  }
  // Collapse: drop output dims of 1, merge neighbours whose operands are
  // broadcast (or not) alike. `full[k]` says operand k spans the dim.
  std::vector<std::vector<bool>> full(numOperands_);
  for (size_t i = 0; i < rank; ++i) {
    if (outShape[i] == 1)
      continue;
    bool sameAsLast = !dims_.empty();
    for (int k = 0; k < numOperands_ && sameAsLast; ++k)
      sameAsLast = full[k].back() == (aligned[k][i] != 1);
    if (sameAsLast) {
      dims_.back() *= outShape[i];
      continue;
    }
    dims_.push_back(outShape[i]);
    for (int k = 0; k < numOperands_; ++k)
      full[k].push_back(aligned[k][i] != 1);
  }
  for (int k = 0; k < numOperands_; ++k) {
    strides_[k].assign(dims_.size(), 0);
    int64_t stride = 1;
    for (size_t i = dims_.size(); i-- > 0;) {
      if (full[k][i]) {
        strides_[k][i] = stride;
        stride *= dims_[i];
      }
    }
  }
}

RunCursor::RunCursor(const BroadcastPlan &plan, int64_t run) : plan_(plan) {
  const Shape &dims = plan.dims();
  if (dims.size() < 2)
    return; // a single run: every offset starts at 0
  index_.assign(dims.size() - 1, 0);
  for (size_t i = dims.size() - 1; i-- > 0;) {
    index_[i] = run % dims[i];
    run /= dims[i];
  }
  for (int k = 0; k < plan.numOperands(); ++k)
    for (size_t i = 0; i < index_.size(); ++i)
      offsets_[k] += index_[i] * plan.strides(k)[i];
}

void RunCursor::next() {
  const Shape &dims = plan_.dims();
  for (size_t i = index_.size(); i-- > 0;) {
    for (int k = 0; k < plan_.numOperands(); ++k)
      offsets_[k] += plan_.strides(k)[i];
    if (++index_[i] < dims[i])
      return;
    for (int k = 0; k < plan_.numOperands(); ++k)
      offsets_[k] -= dims[i] * plan_.strides(k)[i];
    index_[i] = 0;
  }
}

} // namespace detail
} // namespace vitc::rt
