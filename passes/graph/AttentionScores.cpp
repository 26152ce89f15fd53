//===- AttentionScores.cpp - From q · kᵀ to the softmax input -------------===//
//
// Between the scores product and the softmax, exports scale (Mul or Div by
// a scalar, on the scores or on q / kᵀ), add biases (Swin's relative
// position bias, TinyViT's gathered attention biases) and, for Swin's
// shifted windows, add the mask through a [B / nW, nW, H, N, N] view of the
// scores. matchScores reduces all of it to softmax(scale * q kᵀ + bias):
// each additive constant is a function of the view's leading coordinates,
// hence periodic in the flat (batch, head) index l = b * H + h; the bias is
// materialised over one common period, G * H rows with G dividing B, so
// batch entry b uses bias[b mod G].
//
//===----------------------------------------------------------------------===//
#include "passes/graph/AttentionMatch.h"
#include "passes/graph/PatternUtils.h"

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace mlir;

namespace vitc::graph {
namespace {

/// A constant added to the scores in the view `view` (the scores' shape at
/// that point), multiplied by the scalings that follow it.
struct BiasTerm {
  rt::Tensor addend;
  rt::Shape view;
  double factor = 1.0;
};

rt::Shape staticShape(Value value) {
  auto type = value.getType().cast<ShapedType>();
  return type.hasStaticShape() ? rt::Shape(type.getShape().begin(), type.getShape().end())
                               : rt::Shape();
}

/// For a Mul or Div by a scalar constant whose result has the other
/// operand's type: that operand and the factor applied to it.
std::optional<std::pair<Value, double>> scalarFactor(Operation *op) {
  if (!isa<vit::MulOp, vit::DivOp>(op) || op->getNumOperands() != 2)
    return std::nullopt;
  for (unsigned i : {1u, 0u}) {
    if (isa<vit::DivOp>(op) && i == 0)
      break; // c / x is not a scaling.
    std::optional<double> c = getSplatValue(op->getOperand(i));
    Value chain = op->getOperand(1 - i);
    if (!c || *c == 0.0 || !std::isfinite(*c) || chain.getType() != op->getResult(0).getType())
      continue;
    return std::make_pair(chain, isa<vit::DivOp>(op) ? 1.0 / *c : *c);
  }
  return std::nullopt;
}

/// Strips scalings above an operand of the product into `scale`.
Value peelScalars(Value value, double &scale, SmallVectorImpl<Operation *> &ops) {
  while (Operation *op = value.getDefiningOp()) {
    std::optional<std::pair<Value, double>> factor = scalarFactor(op);
    if (!factor || !value.hasOneUse())
      break;
    scale *= factor->second;
    ops.push_back(op);
    value = factor->first;
  }
  return value;
}

/// Whether `addend` broadcasts to `view` without changing it.
bool broadcastsTo(const rt::Shape &addend, const rt::Shape &view) {
  if (addend.size() > view.size())
    return false;
  for (size_t i = 0; i < addend.size(); ++i) {
    int64_t dim = view[view.size() - addend.size() + i];
    if (addend[i] != 1 && addend[i] != dim)
      return false;
  }
  return true;
}

/// The addend's dims right-aligned to the view's rank, and its element
/// strides with 0 on broadcast dims.
std::pair<rt::Shape, rt::Shape> alignedStrides(const BiasTerm &term) {
  size_t rank = term.view.size(), offset = rank - term.addend.rank();
  rt::Shape dims(rank, 1), strides(rank, 0);
  for (size_t i = 0; i < static_cast<size_t>(term.addend.rank()); ++i)
    dims[offset + i] = term.addend.shape()[i];
  for (int64_t d = rank, stride = 1; d-- > 0; stride *= dims[d])
    strides[d] = dims[d] == 1 ? 0 : stride;
  return {dims, strides};
}

/// The smallest G such that the term depends on l only through l mod (G * H).
int64_t groupsOf(const BiasTerm &term, int64_t heads) {
  rt::Shape dims = alignedStrides(term).first;
  size_t leading = term.view.size() - 2;
  int64_t period = 1;
  for (size_t d = leading; d-- > 0;) {
    if (std::all_of(dims.begin(), dims.begin() + d + 1, [](int64_t x) { return x == 1; }))
      break;
    period *= term.view[d];
  }
  return period / std::gcd(period, heads);
}

/// Sums the terms over the first G * H (batch, head) rows into [G, H, Nq, Nk].
rt::Tensor materializeBias(const std::vector<BiasTerm> &terms, int64_t groups, int64_t heads,
                           int64_t queries, int64_t keys) {
  std::vector<double> sum(static_cast<size_t>(groups * heads * queries * keys), 0.0);
  for (const BiasTerm &term : terms) {
    auto [dims, strides] = alignedStrides(term);
    size_t rank = term.view.size();
    const float *data = term.addend.data<float>();
    for (int64_t l = 0; l < groups * heads; ++l) {
      int64_t rest = l, offset = 0;
      for (size_t d = rank - 2; d-- > 0; rest /= term.view[d])
        offset += (rest % term.view[d]) * strides[d];
      for (int64_t i = 0; i < queries; ++i)
        for (int64_t j = 0; j < keys; ++j)
          sum[(l * queries + i) * keys + j] +=
              term.factor * data[offset + i * strides[rank - 2] + j * strides[rank - 1]];
    }
  }
  rt::Tensor bias(rt::DType::F32, {groups, heads, queries, keys});
  std::copy(sum.begin(), sum.end(), bias.data<float>());
  return bias;
}

} // namespace

bool isPlainMatMul(vit::MatMulOp matmul) {
  return llvm::none_of(matmul->getAttrs(), [](NamedAttribute attr) {
    auto flag = attr.getValue().dyn_cast<BoolAttr>();
    return flag && flag.getValue();
  });
}

std::optional<ScoresMatch> matchScores(Value logits) {
  // Up from the softmax input to the product; each step's addend, if any.
  SmallVector<std::pair<Operation *, std::optional<rt::Tensor>>> chain;
  Value current = logits;
  ScoresMatch match;
  while (true) {
    Operation *op = current.getDefiningOp();
    if (!op || !current.hasOneUse())
      return std::nullopt;
    if ((match.product = dyn_cast<vit::MatMulOp>(op)))
      break;
    std::optional<rt::Tensor> addend;
    if (isa<vit::ReshapeOp>(op)) {
      current = op->getOperand(0);
    } else if (std::optional<std::pair<Value, double>> factor = scalarFactor(op)) {
      current = factor->first;
    } else if (isa<vit::AddOp>(op)) {
      unsigned constantSide = 2;
      for (unsigned i : {1u, 0u})
        if (constantSide == 2 && (addend = evaluateConstant(op->getOperand(i))))
          constantSide = i;
      if (constantSide == 2 || addend->dtype() != rt::DType::F32)
        return std::nullopt;
      current = op->getOperand(1 - constantSide);
    } else {
      return std::nullopt;
    }
    chain.emplace_back(op, std::move(addend));
  }

  const rt::Shape scores = staticShape(match.product.getResult());
  if (scores.size() != 4 || !isPlainMatMul(match.product))
    return std::nullopt;
  const int64_t batch = scores[0], heads = scores[1], queries = scores[2], keys = scores[3];
  rt::Shape view = scores;
  std::vector<BiasTerm> terms;
  for (auto &[op, addend] : llvm::reverse(chain)) {
    rt::Shape result = staticShape(op->getResult(0));
    if (isa<vit::ReshapeOp>(op)) {
      if (result.size() < 2 || result[result.size() - 2] != queries || result.back() != keys ||
          rt::numElements(result) != rt::numElements(view))
        return std::nullopt;
      view = result;
    } else if (result != view) {
      return std::nullopt;
    } else if (addend) {
      if (!broadcastsTo(addend->shape(), view))
        return std::nullopt;
      terms.push_back({*addend, view, 1.0});
    } else {
      double factor = scalarFactor(op)->second;
      match.scale *= factor;
      for (BiasTerm &term : terms)
        term.factor *= factor;
    }
  }
  if (view != scores)
    return std::nullopt;

  match.ops.push_back(match.product);
  match.query = peelScalars(match.product.getLhs(), match.scale, match.ops);
  match.keyT = peelScalars(match.product.getRhs(), match.scale, match.ops);
  for (auto &step : chain)
    match.ops.push_back(step.first);
  if (terms.empty())
    return match;
  int64_t groups = 1;
  for (const BiasTerm &term : terms)
    groups = std::lcm(groups, groupsOf(term, heads));
  if (batch % groups != 0)
    return std::nullopt;
  match.bias = materializeBias(terms, groups, heads, queries, keys);
  return match;
}

} // namespace vitc::graph
