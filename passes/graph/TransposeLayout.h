//===- TransposeLayout.h - Permutation algebra for vit-fold-transposes -*- C++ -*-===//
//
// Private to passes/graph. A permutation `perm` means what vit.transpose
// means: result dim i is input dim perm[i]. Everything here is plain
// arithmetic on shapes and permutations, with no IR.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_PASSES_GRAPH_TRANSPOSELAYOUT_H
#define VITC_PASSES_GRAPH_TRANSPOSELAYOUT_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <optional>

namespace vitc::graph {

using Permutation = llvm::SmallVector<int64_t, 6>;
using Shape = llvm::SmallVector<int64_t, 6>;

bool isIdentity(llvm::ArrayRef<int64_t> perm);
/// inverse[perm[i]] = i.
Permutation invertPermutation(llvm::ArrayRef<int64_t> perm);
/// The one permutation equal to transposing by `first`, then by `second`.
Permutation composePermutations(llvm::ArrayRef<int64_t> first, llvm::ArrayRef<int64_t> second);
/// The shape of `shape` transposed by `perm`.
Shape permuteShape(llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<int64_t> perm);
/// The permutation swapping the last two of `rank` dims (rank >= 2).
Permutation swapLastTwo(int64_t rank);

/// Whether transposing `shape` by `perm` only moves size-1 dims, i.e. the
/// other dims keep their order and the transpose is a reshape.
bool movesOnlyUnitDims(llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<int64_t> perm);

/// A transpose sunk below a reshape: reshape(transpose(x, perm), newShape)
/// equals transpose(reshape(x, inputShape), perm).
struct ReshapedTranspose {
  Shape inputShape;
  Permutation perm;
};

/// For x of static shape `shape`, rewrites reshape(transpose(x, perm),
/// newShape) as a transpose of a reshape of x. Possible when every group of
/// dims the reshape merges or splits comes from dims that are adjacent and
/// in order in x (size-1 dims may go anywhere); std::nullopt otherwise.
std::optional<ReshapedTranspose> sinkBelowReshape(llvm::ArrayRef<int64_t> shape,
                                                  llvm::ArrayRef<int64_t> perm,
                                                  llvm::ArrayRef<int64_t> newShape);

} // namespace vitc::graph

#endif // VITC_PASSES_GRAPH_TRANSPOSELAYOUT_H
