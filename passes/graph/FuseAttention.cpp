//===- FuseAttention.cpp - Multi-head attention into vit.attention --------===//
//
// Anchored on a Softmax over the last axis of a rank-4 [B, H, Nq, Nk]
// tensor whose only user is MatMul(probabilities, v), followed by the head
// merge Transpose(0, 2, 1, 3) + Reshape to [B, Nq, H * Dv]. The scores chain
// (AttentionScores.cpp) gives the scale and the bias; q, k and v are traced
// back to token-major sources (AttentionHeads.cpp). Each source becomes an
// operand of vit.attention:
//  - as is, when the head split reads all its channels in order;
//  - as a new vit.linear with the weight (and bias) rows the head split
//    reads, when it is a constant-weight vit.linear that only the head
//    splits use (the packed qkv projection becomes three projections, and
//    the split Reshape/Transpose/Split chain dies);
//  - as a vit.slice of the channels, when they are contiguous;
// otherwise the attention is left alone.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"
#include "passes/graph/AttentionMatch.h"
#include "passes/graph/PatternUtils.h"

#include "dialects/vit/ShapeUtils.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cstring>

namespace vitc {
#define GEN_PASS_DEF_FUSEATTENTION
#include "passes/Passes.h.inc"
} // namespace vitc

using namespace mlir;

namespace vitc {
namespace {

using graph::HeadSource;

/// How a head split's source becomes a token-major vit.attention operand.
enum class SourceUse { AsIs, SplitLinear, Slice };

/// The constant-weight vit.linear defining `tokens`, or null.
vit::LinearOp constantLinear(Value tokens) {
  auto linear = tokens.getDefiningOp<vit::LinearOp>();
  if (!linear || !graph::getF32Constant(linear.getWeight()) ||
      (linear.getBias() && !graph::getF32Constant(linear.getBias())))
    return nullptr;
  return linear;
}

/// Whether everything reading `source.tokens` is one of the traced
/// head-split chains, whose ops feed only each other and `consumers`: then
/// rewriting the attention leaves the source dead.
bool onlyFeedsHeadSplits(const HeadSource &source, const llvm::SmallPtrSetImpl<Operation *> &chains,
                         const llvm::SmallPtrSetImpl<Operation *> &consumers) {
  auto inside = [&](Operation *op) { return chains.contains(op) || consumers.contains(op); };
  if (!llvm::all_of(source.tokens.getUsers(), [&](Operation *op) { return chains.contains(op); }))
    return false;
  return llvm::all_of(chains, [&](Operation *op) { return llvm::all_of(op->getUsers(), inside); });
}

std::optional<SourceUse> planSource(const HeadSource &source, bool sourceDies) {
  if (source.isIdentity())
    return SourceUse::AsIs;
  if (sourceDies && constantLinear(source.tokens))
    return SourceUse::SplitLinear;
  if (source.contiguousOffset())
    return SourceUse::Slice;
  return std::nullopt;
}

/// Rows `rows` of a [rows, cols] f32 matrix (cols = 1 for a vector).
rt::Tensor gatherRows(const rt::Tensor &matrix, ArrayRef<int64_t> rows) {
  int64_t cols = matrix.rank() == 2 ? matrix.dim(1) : 1;
  rt::Shape shape = matrix.shape();
  shape[0] = static_cast<int64_t>(rows.size());
  rt::Tensor result(rt::DType::F32, shape);
  for (size_t r = 0; r < rows.size(); ++r)
    std::memcpy(result.data<float>() + r * cols, matrix.data<float>() + rows[r] * cols,
                cols * sizeof(float));
  return result;
}

/// `loc` with ".suffix" appended to its ONNX node name, if it has one.
Location suffixedLoc(Location loc, StringRef suffix) {
  if (auto name = loc.dyn_cast<NameLoc>())
    return NameLoc::get(
        StringAttr::get(loc.getContext(), name.getName().str() + "." + suffix.str()),
        name.getChildLoc());
  return loc;
}

Value materialize(PatternRewriter &rewriter, const HeadSource &source, SourceUse use,
                  StringRef role) {
  auto tokensType = source.tokens.getType().cast<RankedTensorType>();
  int64_t width = static_cast<int64_t>(source.channels.size());
  auto type = RankedTensorType::get({tokensType.getDimSize(0), tokensType.getDimSize(1), width},
                                    tokensType.getElementType());
  switch (use) {
  case SourceUse::AsIs:
    return source.tokens;
  case SourceUse::SplitLinear: {
    vit::LinearOp linear = constantLinear(source.tokens);
    rewriter.setInsertionPoint(linear);
    Location loc = suffixedLoc(linear.getLoc(), role);
    Value weight = graph::createConstant(
        rewriter, loc, gatherRows(*graph::getF32Constant(linear.getWeight()), source.channels),
        graph::constantName(linear, role.str() + ".weight"));
    Value bias;
    if (linear.getBias())
      bias = graph::createConstant(
          rewriter, loc, gatherRows(*graph::getF32Constant(linear.getBias()), source.channels),
          graph::constantName(linear, role.str() + ".bias"));
    return rewriter.create<vit::LinearOp>(loc, type, linear.getInput(), weight, bias);
  }
  case SourceUse::Slice: {
    rewriter.setInsertionPointAfterValue(source.tokens);
    Location loc = source.tokens.getLoc();
    auto indexConstant = [&](int64_t value) -> Value {
      auto attr = DenseElementsAttr::get(RankedTensorType::get({1}, rewriter.getI64Type()),
                                         ArrayRef<int64_t>{value});
      return rewriter.create<vit::ConstantOp>(loc, attr.getType(), attr);
    };
    int64_t offset = *source.contiguousOffset();
    return rewriter.create<vit::SliceOp>(loc, type, source.tokens, indexConstant(offset),
                                         indexConstant(offset + width), indexConstant(2), Value());
  }
  }
  return nullptr;
}

struct FuseAttentionPattern : OpRewritePattern<vit::SoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vit::SoftmaxOp softmax, PatternRewriter &rewriter) const override {
    auto probabilities = softmax.getType().dyn_cast<RankedTensorType>();
    if (!probabilities || probabilities.getRank() != 4 || !probabilities.hasStaticShape() ||
        vit::normalizeAxis(static_cast<int64_t>(softmax.getAxis()), 4) != 3)
      return rewriter.notifyMatchFailure(softmax, "not a softmax over the keys of [B,H,Nq,Nk]");
    auto weighted = dyn_cast_or_null<vit::MatMulOp>(graph::getSoleUser(softmax));
    if (!weighted || weighted.getLhs() != softmax.getResult() || !graph::isPlainMatMul(weighted))
      return rewriter.notifyMatchFailure(softmax, "probabilities not used by one MatMul with v");
    auto merge = dyn_cast_or_null<vit::TransposeOp>(graph::getSoleUser(weighted));
    if (!merge || !merge.getPerm() || *merge.getPerm() != ArrayRef<int64_t>{0, 2, 1, 3})
      return rewriter.notifyMatchFailure(softmax, "no Transpose(0, 2, 1, 3) merging the heads");
    auto reshape = dyn_cast_or_null<vit::ReshapeOp>(graph::getSoleUser(merge));
    ArrayRef<int64_t> merged = graph::shapeOf(merge.getResult());
    if (!reshape || graph::shapeOf(reshape.getResult()) !=
                        ArrayRef<int64_t>{merged[0], merged[1], merged[2] * merged[3]})
      return rewriter.notifyMatchFailure(softmax, "no Reshape to [B, Nq, H * Dv]");

    std::optional<graph::ScoresMatch> scores = graph::matchScores(softmax.getInput());
    if (!scores)
      return rewriter.notifyMatchFailure(softmax, "scores are not scale * q kᵀ + constant");
    std::optional<HeadSource> q = graph::traceHeads(scores->query, graph::kHeadsTokensChannels);
    std::optional<HeadSource> k = graph::traceHeads(scores->keyT, graph::kHeadsChannelsTokens);
    std::optional<HeadSource> v = graph::traceHeads(weighted.getRhs(), graph::kHeadsTokensChannels);
    ArrayRef<int64_t> shape = probabilities.getShape(); // [B, H, Nq, Nk]
    auto tokensAre = [](const HeadSource &source, int64_t batch, int64_t tokens) {
      return graph::shapeOf(source.tokens).take_front(2) == ArrayRef<int64_t>{batch, tokens};
    };
    if (!q || !k || !v || q->heads != shape[1] || k->heads != shape[1] || v->heads != shape[1] ||
        q->headDim != k->headDim || !tokensAre(*q, shape[0], shape[2]) ||
        !tokensAre(*k, shape[0], shape[3]) || !tokensAre(*v, shape[0], shape[3]))
      return rewriter.notifyMatchFailure(softmax, "q, k, v are not head splits of [B, N, C]");

    // Decide how each source is used before changing anything.
    llvm::SmallPtrSet<Operation *, 32> chains, consumers(scores->ops.begin(), scores->ops.end());
    consumers.insert(weighted);
    for (const HeadSource *source : {&*q, &*k, &*v})
      chains.insert(source->chain.begin(), source->chain.end());
    SmallVector<SourceUse, 3> uses;
    for (const HeadSource *source : {&*q, &*k, &*v}) {
      std::optional<SourceUse> use =
          planSource(*source, onlyFeedsHeadSplits(*source, chains, consumers));
      if (!use)
        return rewriter.notifyMatchFailure(softmax, "a head split reads scattered channels");
      uses.push_back(*use);
    }

    Value query = materialize(rewriter, *q, uses[0], "q");
    Value key = materialize(rewriter, *k, uses[1], "k");
    Value value = materialize(rewriter, *v, uses[2], "v");
    rewriter.setInsertionPoint(reshape);
    Value bias;
    if (scores->bias)
      bias = graph::createConstant(rewriter, softmax.getLoc(), *scores->bias,
                                   graph::constantName(softmax, "bias"));
    auto attention = rewriter.create<vit::AttentionOp>(
        softmax.getLoc(), reshape.getType(), query, key, value, bias,
        rewriter.getI64IntegerAttr(q->heads), rewriter.getI64IntegerAttr(q->headDim),
        rewriter.getF32FloatAttr(static_cast<float>(scores->scale)));
    rewriter.replaceOp(reshape, attention.getResult());
    return success();
  }
};

struct FuseAttentionPass : impl::FuseAttentionBase<FuseAttentionPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseAttentionPattern>(&getContext());
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
} // namespace vitc
