//===- AttentionMatch.h - Matching the pieces of exported attention -*- C++ -*-===//
//
// Private to vit-fuse-attention (FuseAttention.cpp). Two analyses that do
// not touch the IR:
//  - traceHeads (AttentionHeads.cpp): where a head-split q, k or v tensor
//    ([B, H, N, D], k as [B, H, D, N]) comes from: a token-major [B, N, C]
//    value and, per head and head channel, the channel of it that is read;
//  - matchScores (AttentionScores.cpp): the chain from q · kᵀ to the
//    softmax input, reduced to one scale and one additive bias.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_PASSES_GRAPH_ATTENTIONMATCH_H
#define VITC_PASSES_GRAPH_ATTENTIONMATCH_H

#include "dialects/vit/VitOps.h"
#include "vitc/rt/Tensor.h"

#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <vector>

namespace vitc::graph {

/// The value of `value` when it is computed from constants only (vit ops
/// evaluated with the interpreter's kernels, at most a few levels deep);
/// std::nullopt when it depends on anything else.
std::optional<rt::Tensor> evaluateConstant(mlir::Value value);

/// Which dim of a head-split tensor holds what.
struct HeadLayout {
  int batch = 0, head = 1, token = 2, channel = 3;
};
/// [B, H, N, D] (q and v) and [B, H, D, N] (k after its transpose).
constexpr HeadLayout kHeadsTokensChannels{0, 1, 2, 3};
constexpr HeadLayout kHeadsChannelsTokens{0, 1, 3, 2};

/// A head-split tensor X as a view of a token-major value:
/// X[b, h, n, d] = tokens[b, n, channels[h * headDim + d]].
struct HeadSource {
  mlir::Value tokens; ///< static [B, N, C]
  int64_t heads = 0, headDim = 0;
  std::vector<int64_t> channels;
  /// The data-movement ops between `tokens` and X.
  llvm::SmallVector<mlir::Operation *> chain;

  /// Whether X reads all of `tokens`' channels in order.
  bool isIdentity() const;
  /// The first channel when X reads channels [first, first + H * D) in
  /// order; std::nullopt otherwise.
  std::optional<int64_t> contiguousOffset() const;
};

/// Traces `heads` back through Transpose, Reshape, Squeeze, Unsqueeze,
/// Flatten, Identity, Split, Slice and Gather (constant indices) to the
/// first value computed otherwise, and checks (by running the chain on an
/// index tensor) that it is a head split of that value in `layout`.
std::optional<HeadSource> traceHeads(mlir::Value heads, HeadLayout layout);

/// Whether `matmul` multiplies its operands as they are (no operand is
/// marked transposed by a boolean attribute).
bool isPlainMatMul(vit::MatMulOp matmul);

/// The scores chain of one attention: softmax input = scale * (query · keyT)
/// + bias, where `query` is [B, H, Nq, D] and `keyT` [B, H, D, Nk].
struct ScoresMatch {
  vit::MatMulOp product;
  mlir::Value query, keyT; ///< the product's operands, scalar factors peeled
  double scale = 1.0;
  std::optional<rt::Tensor> bias; ///< f32 [G, H, Nq, Nk], G dividing B
  /// The product, the peeled scalings and the ops up to the softmax input.
  llvm::SmallVector<mlir::Operation *> ops;
};

/// Matches `logits` (a softmax input) as Mul/Div by scalar constants (on the
/// scores, on q or on kᵀ), Adds of constant sub-graphs and Reshapes that keep
/// the [Nq, Nk] rows, above a rank-4 vit.matmul. Every intermediate value
/// must have that one use. std::nullopt when the chain is anything else or
/// the biases cannot be expressed per (b mod G, h).
std::optional<ScoresMatch> matchScores(mlir::Value logits);

} // namespace vitc::graph

#endif // VITC_PASSES_GRAPH_ATTENTIONMATCH_H
