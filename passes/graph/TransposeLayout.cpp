//===- TransposeLayout.cpp - Permutation algebra for vit-fold-transposes --===//
#include "passes/graph/TransposeLayout.h"

#include <algorithm>

using namespace llvm;

namespace vitc::graph {

bool isIdentity(ArrayRef<int64_t> perm) {
  for (auto [i, p] : llvm::enumerate(perm))
    if (p != static_cast<int64_t>(i))
      return false;
  return true;
}

Permutation invertPermutation(ArrayRef<int64_t> perm) {
  Permutation inverse(perm.size());
  for (auto [i, p] : llvm::enumerate(perm))
    inverse[p] = static_cast<int64_t>(i);
  return inverse;
}

Permutation composePermutations(ArrayRef<int64_t> first, ArrayRef<int64_t> second) {
  Permutation result;
  for (int64_t p : second)
    result.push_back(first[p]);
  return result;
}

Shape permuteShape(ArrayRef<int64_t> shape, ArrayRef<int64_t> perm) {
  Shape result;
  for (int64_t p : perm)
    result.push_back(shape[p]);
  return result;
}

Permutation swapLastTwo(int64_t rank) {
  Permutation perm;
  for (int64_t i = 0; i < rank; ++i)
    perm.push_back(i);
  std::swap(perm[rank - 2], perm[rank - 1]);
  return perm;
}

bool movesOnlyUnitDims(ArrayRef<int64_t> shape, ArrayRef<int64_t> perm) {
  int64_t previous = -1;
  for (int64_t p : perm) {
    if (shape[p] == 1)
      continue;
    if (p < previous)
      return false;
    previous = p;
  }
  return true;
}

namespace {
/// Dims of the transposed value that the reshape turns into `targetDims` of
/// the new shape: `sourceDims` are the input dims they come from (none for
/// a size-1 dim the reshape inserts).
struct DimGroup {
  SmallVector<int64_t, 4> sourceDims;
  SmallVector<int64_t, 4> targetDims;
};
} // namespace

std::optional<ReshapedTranspose> sinkBelowReshape(ArrayRef<int64_t> shape, ArrayRef<int64_t> perm,
                                                  ArrayRef<int64_t> newShape) {
  if (perm.size() != shape.size() || llvm::any_of(shape, [](int64_t d) { return d <= 0; }) ||
      llvm::any_of(newShape, [](int64_t d) { return d <= 0; }))
    return std::nullopt;
  // Size-1 dims carry no data: only the order of the others matters.
  SmallVector<int64_t> position(shape.size(), -1);
  int64_t count = 0;
  for (auto [d, size] : llvm::enumerate(shape))
    if (size != 1)
      position[d] = count++;
  SmallVector<int64_t> sources; // non-unit dims of the transposed value, as input dims
  for (int64_t p : perm)
    if (shape[p] != 1)
      sources.push_back(p);

  // Pair runs of source dims with runs of target dims of equal size.
  SmallVector<DimGroup> groups;
  size_t s = 0, t = 0;
  while (s < sources.size() || t < newShape.size()) {
    DimGroup group;
    if (t < newShape.size() && newShape[t] == 1) {
      group.targetDims.push_back(t++);
      groups.push_back(group);
      continue;
    }
    if (s == sources.size() || t == newShape.size())
      return std::nullopt;
    int64_t have = shape[sources[s]], want = newShape[t];
    group.sourceDims.push_back(sources[s++]);
    group.targetDims.push_back(t++);
    while (have != want) {
      if (have < want) {
        if (s == sources.size())
          return std::nullopt;
        have *= shape[sources[s]];
        group.sourceDims.push_back(sources[s++]);
      } else {
        if (t == newShape.size())
          return std::nullopt;
        want *= newShape[t];
        group.targetDims.push_back(t++);
      }
    }
    // A merged run must be contiguous, in order, in the input already.
    for (size_t k = 1; k < group.sourceDims.size(); ++k)
      if (position[group.sourceDims[k]] != position[group.sourceDims[k - 1]] + 1)
        return std::nullopt;
    groups.push_back(group);
  }

  // Lay the groups out in input order; an inserted size-1 dim goes before
  // the next group (in new-shape order) that has data, or at the end.
  SmallVector<SmallVector<int64_t, 4>> unitsBefore(groups.size());
  SmallVector<int64_t, 4> pendingUnits;
  SmallVector<size_t> dataGroups;
  for (auto [index, group] : llvm::enumerate(groups)) {
    if (group.sourceDims.empty()) {
      pendingUnits.append(group.targetDims.begin(), group.targetDims.end());
      continue;
    }
    unitsBefore[index] = pendingUnits;
    pendingUnits.clear();
    dataGroups.push_back(index);
  }
  llvm::sort(dataGroups, [&](size_t a, size_t b) {
    return position[groups[a].sourceDims.front()] < position[groups[b].sourceDims.front()];
  });

  ReshapedTranspose result;
  result.perm.assign(newShape.size(), -1);
  auto place = [&](int64_t target) {
    result.perm[target] = static_cast<int64_t>(result.inputShape.size());
    result.inputShape.push_back(newShape[target]);
  };
  for (size_t index : dataGroups) {
    llvm::for_each(unitsBefore[index], place);
    llvm::for_each(groups[index].targetDims, place);
  }
  llvm::for_each(pendingUnits, place);
  return result;
}

} // namespace vitc::graph
