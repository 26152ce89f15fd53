//===- MovePlan.cpp - Data movement as strided copies or a gather ---------===//
//
// Element ids: data operand j holds base_j + i at flat index i (base_j = the
// element counts of the operands before it), as I32 so the dtype-generic
// movement kernels carry them like quantised integers. The output's id map
// is then split recursively: a box whose elements all come from one operand
// at source index base + sum i_d stride_d (strides >= 0) is one copy;
// otherwise the box is cut along its outermost dim of size > 1 into maximal
// runs that are (found by doubling then bisection).
//
//===----------------------------------------------------------------------===//
#include "passes/lower/MovePlan.h"

#include "compiler/interpreter/KernelParams.h"
#include "dialects/npu/NpuOps.h"
#include "dialects/vit/VitOps.h"

#include <numeric>

using namespace mlir;

namespace vitc::lower {
namespace {

constexpr size_t kMaxCopies = 64;

struct Box {
  std::vector<int64_t> begin, size;
};

class Fitter {
public:
  Fitter(const std::vector<int32_t> &ids, const std::vector<int64_t> &shape,
         const std::vector<int64_t> &bases, const std::vector<int64_t> &numels)
      : ids_(ids), shape_(shape), bases_(bases), numels_(numels) {
    strides_.assign(shape.size(), 1);
    for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d)
      strides_[d] = strides_[d + 1] * shape[d + 1];
  }

  /// Copies covering the whole output, or false past kMaxCopies.
  bool fit(std::vector<int64_t> &copies) {
    Box all{std::vector<int64_t>(shape_.size(), 0), shape_};
    copies_ = &copies;
    return cover(all);
  }

private:
  int64_t flat(const std::vector<int64_t> &index) const {
    int64_t f = 0;
    for (size_t d = 0; d < index.size(); ++d)
      f += index[d] * strides_[d];
    return f;
  }

  int sourceOf(int64_t id) const {
    for (size_t j = 0; j < bases_.size(); ++j)
      if (id >= bases_[j] && id < bases_[j] + numels_[j])
        return static_cast<int>(j);
    return -1;
  }

  /// Whether `box` is one affine copy; fills source, base and strides.
  bool affine(const Box &box, int &source, int64_t &base, std::vector<int64_t> &strides) const {
    int64_t first = ids_[flat(box.begin)];
    source = sourceOf(first);
    if (source < 0)
      return false;
    base = first - bases_[source];
    strides.assign(box.size.size(), 0);
    for (size_t d = 0; d < box.size.size(); ++d) {
      if (box.size[d] < 2)
        continue;
      std::vector<int64_t> next = box.begin;
      ++next[d];
      strides[d] = ids_[flat(next)] - first;
      if (strides[d] < 0)
        return false;
    }
    // Check every element.
    std::vector<int64_t> index(box.size.size(), 0);
    int64_t count = 1;
    for (int64_t s : box.size)
      count *= s;
    for (int64_t n = 0; n < count; ++n) {
      int64_t expect = first, at = 0;
      for (size_t d = 0; d < index.size(); ++d) {
        expect += index[d] * strides[d];
        at += (box.begin[d] + index[d]) * strides_[d];
      }
      if (ids_[at] != expect || sourceOf(expect) != source)
        return false;
      for (int64_t d = static_cast<int64_t>(index.size()) - 1; d >= 0; --d) {
        if (++index[d] < box.size[d])
          break;
        index[d] = 0;
      }
    }
    return true;
  }

  bool emit(const Box &box) {
    int source;
    int64_t base;
    std::vector<int64_t> strides;
    if (!affine(box, source, base, strides))
      return false;
    if (copies_->size() / npu::kCopyWords >= kMaxCopies)
      return false;
    size_t rank = box.size.size();
    std::vector<int64_t> &c = *copies_;
    c.push_back(source);
    c.push_back(static_cast<int64_t>(rank));
    for (int64_t d = 0; d < npu::kCopyRank; ++d)
      c.push_back(d < static_cast<int64_t>(rank) ? box.size[d] : 1);
    c.push_back(base);
    for (int64_t d = 0; d < npu::kCopyRank; ++d)
      c.push_back(d < static_cast<int64_t>(rank) ? strides[d] : 0);
    c.push_back(flat(box.begin));
    for (int64_t d = 0; d < npu::kCopyRank; ++d)
      c.push_back(d < static_cast<int64_t>(rank) ? strides_[d] : 0);
    return true;
  }

  bool isAffine(const Box &box) const {
    int source;
    int64_t base;
    std::vector<int64_t> strides;
    return affine(box, source, base, strides);
  }

  /// The sub-box of `box` along dim `d` at [start, start + length).
  static Box slab(const Box &box, size_t d, int64_t start, int64_t length) {
    Box sub = box;
    sub.begin[d] += start;
    sub.size[d] = length;
    return sub;
  }

  /// Length of the longest affine slab from `start` along `d` (0: none):
  /// doubling, then bisection.
  int64_t longestRun(const Box &box, size_t d, int64_t start) const {
    int64_t limit = box.size[d] - start;
    if (!isAffine(slab(box, d, start, 1)))
      return 0;
    int64_t good = 1, bad = limit + 1;
    for (int64_t step = 2; good < limit; step *= 2) {
      int64_t length = std::min(step, limit);
      if (!isAffine(slab(box, d, start, length))) {
        bad = length;
        break;
      }
      good = length;
    }
    while (bad - good > 1) {
      int64_t mid = (good + bad) / 2;
      (isAffine(slab(box, d, start, mid)) ? good : bad) = mid;
    }
    return good;
  }

  /// The affine runs that cut `box` along `d`, or empty when some slab of
  /// one is not affine.
  std::vector<std::pair<int64_t, int64_t>> runsAlong(const Box &box, size_t d) const {
    std::vector<std::pair<int64_t, int64_t>> runs;
    for (int64_t start = 0; start < box.size[d];) {
      int64_t length = longestRun(box, d, start);
      if (!length || runs.size() >= kMaxCopies)
        return {};
      runs.emplace_back(start, length);
      start += length;
    }
    return runs;
  }

  /// One copy when `box` is affine; else cut along the dim that needs the
  /// fewest affine slabs (a concat cuts along its axis); else cut the
  /// outermost dim into single slabs and recurse.
  bool cover(const Box &box) {
    if (isAffine(box))
      return emit(box);
    std::vector<std::pair<int64_t, int64_t>> best;
    size_t bestDim = 0;
    for (size_t d = 0; d < box.size.size(); ++d) {
      if (box.size[d] < 2)
        continue;
      std::vector<std::pair<int64_t, int64_t>> runs = runsAlong(box, d);
      if (!runs.empty() && (best.empty() || runs.size() < best.size())) {
        best = std::move(runs);
        bestDim = d;
      }
    }
    if (!best.empty()) {
      for (auto [start, length] : best)
        if (!emit(slab(box, bestDim, start, length)))
          return false;
      return true;
    }
    size_t d = 0;
    while (d < box.size.size() && box.size[d] < 2)
      ++d;
    if (d == box.size.size())
      return false; // one element is always affine unless its id is foreign
    for (int64_t i = 0; i < box.size[d]; ++i)
      if (!cover(slab(box, d, i, 1)))
        return false;
    return true;
  }

  const std::vector<int32_t> &ids_;
  const std::vector<int64_t> &shape_;
  const std::vector<int64_t> &bases_;
  const std::vector<int64_t> &numels_;
  std::vector<int64_t> strides_;
  std::vector<int64_t> *copies_ = nullptr;
};

/// The output shape the copies are fitted on: the output's, except that
/// depth-to-space and space-to-depth split their block dims out (the same
/// row-major order, in which their maps are affine).
std::vector<int64_t> fitShape(Operation *op, const std::vector<int64_t> &output) {
  if (output.empty())
    return {1};
  if (output.size() != 4)
    return output;
  if (auto d2s = dyn_cast<vit::DepthToSpaceOp>(op)) {
    int64_t b = static_cast<int64_t>(d2s.getBlocksize());
    return {output[0], output[1], output[2] / b, b, output[3] / b, b};
  }
  if (auto s2d = dyn_cast<vit::SpaceToDepthOp>(op)) {
    int64_t b = static_cast<int64_t>(s2d.getBlocksize());
    return {output[0], b, b, output[1] / (b * b), output[2], output[3]};
  }
  return output;
}

llvm::Error moveError(Operation *op, const std::string &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 op->getName().getStringRef().str() + ": " + message);
}

} // namespace

llvm::Expected<MovePlan> planMove(Operation *op, unsigned result, interp::BuildContext &ctx) {
  MovePlan plan;
  if (isa<vit::ConcatOp>(op)) {
    for (unsigned i = 0; i < op->getNumOperands(); ++i)
      plan.sources.push_back(i);
  } else {
    plan.sources.push_back(0);
  }
  // Kernel inputs: ids for data operands, constants for the others.
  std::vector<rt::Tensor> inputs;
  std::vector<int64_t> bases, numels;
  int64_t next = 0;
  for (unsigned i = 0; i < op->getNumOperands(); ++i) {
    Value operand = op->getOperand(i);
    bool data = llvm::is_contained(plan.sources, i);
    if (!data) {
      const rt::Tensor *constant = ctx.constant(operand);
      if (!constant)
        return moveError(op, "operand " + std::to_string(i) + " is not a constant");
      inputs.push_back(*constant);
      continue;
    }
    auto type = operand.getType().cast<ShapedType>();
    if (!type.hasStaticShape())
      return moveError(op, "dynamic shapes cannot be placed on the NPU");
    rt::Tensor ids = rt::Tensor::uninitialized(rt::DType::I32, type.getShape().vec());
    int32_t *p = ids.data<int32_t>();
    if (next + ids.numel() > INT32_MAX)
      return moveError(op, "too many elements to move");
    for (int64_t e = 0; e < ids.numel(); ++e)
      p[e] = static_cast<int32_t>(next + e);
    bases.push_back(next);
    numels.push_back(ids.numel());
    next += ids.numel();
    inputs.push_back(ids);
  }
  llvm::Expected<std::vector<rt::Tensor>> moved = interp::evaluateOp(op, ctx, inputs);
  if (!moved)
    return moved.takeError();
  const std::vector<rt::Tensor> &outputs = *moved;
  if (result >= outputs.size() || outputs[result].dtype() != rt::DType::I32)
    return moveError(op, "the kernel did not move the element ids");
  const rt::Tensor &map = outputs[result];
  std::vector<int32_t> ids(map.data<int32_t>(), map.data<int32_t>() + map.numel());
  if (map.numel() == 0) { // nothing to move: one empty box
    plan.copies.assign(npu::kCopyWords, 0);
    plan.copies[1] = 1;
    return plan;
  }

  // A reshape: one source, every element in place.
  bool identity = plan.sources.size() == 1 && map.numel() == numels[0];
  for (int64_t e = 0; identity && e < map.numel(); ++e)
    identity = ids[e] == e;
  if (identity) {
    plan.view = true;
    return plan;
  }
  std::vector<int64_t> shape = fitShape(op, map.shape());
  if (static_cast<int64_t>(shape.size()) <= npu::kCopyRank) {
    Fitter fitter(ids, shape, bases, numels);
    if (fitter.fit(plan.copies))
      return plan;
    plan.copies.clear();
  }
  if (plan.sources.size() != 1)
    return moveError(op, static_cast<int64_t>(shape.size()) > npu::kCopyRank
                             ? "a move of several inputs with an output of rank > 6"
                             : "a move of several inputs that is not a few strided boxes");
  plan.gather = std::move(ids);
  return plan;
}

} // namespace vitc::lower
