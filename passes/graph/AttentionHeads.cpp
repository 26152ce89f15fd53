//===- AttentionHeads.cpp - Tracing head-split q, k, v to their source ----===//
//
// Exports split heads with many mixes of Reshape, Transpose, Split, Gather,
// Slice and Squeeze (timm's qkv[0] or unbind, TinyViT's split of each head's
// channels, k's extra transpose, ...). Rather than a pattern per mix,
// traceHeads walks up through data-movement ops to the first other value and
// runs that chain, with the interpreter's kernels, on a tensor holding each
// element's own flat index: the result tells which source element every
// element of the head-split tensor reads, and the match succeeds iff that is
// a head split, whatever ops produced it.
//
//===----------------------------------------------------------------------===//
#include "passes/graph/AttentionMatch.h"
#include "passes/graph/PatternUtils.h"

#include "compiler/interpreter/Kernels.h"

#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;

namespace vitc::graph {
namespace {

/// How many ops deep evaluateConstant looks for constants.
constexpr int kMaxConstantDepth = 8;

bool isDataMovement(Operation *op) {
  return isa<vit::TransposeOp, vit::ReshapeOp, vit::SqueezeOp, vit::UnsqueezeOp, vit::FlattenOp,
             vit::IdentityOp, vit::SplitOp, vit::SliceOp, vit::GatherOp>(op);
}

/// Runs `op` on `operands` (its present operands, in order) with the
/// interpreter's kernel; std::nullopt when it has none or it fails.
std::optional<std::vector<rt::Tensor>> runOp(Operation *op, ArrayRef<rt::Tensor> operands) {
  const interp::KernelBuilder *builder = interp::kernelRegistry().find(op);
  if (!builder)
    return std::nullopt;
  interp::BuildContext context(/*pool=*/nullptr);
  for (auto [operand, tensor] : llvm::zip(op->getOperands(), operands))
    context.setConstant(operand, tensor);
  llvm::Expected<interp::KernelFn> kernel = (*builder)(op, context);
  if (!kernel) {
    llvm::consumeError(kernel.takeError());
    return std::nullopt;
  }
  std::vector<const rt::Tensor *> inputs;
  for (const rt::Tensor &tensor : operands)
    inputs.push_back(&tensor);
  try {
    return (*kernel)(inputs);
  } catch (const std::exception &) {
    return std::nullopt;
  }
}

std::optional<rt::Tensor> evaluate(Value value, int depth);

/// Runs the op defining `result` on `first` (when given) as its first
/// operand and its other operands evaluated as constants.
std::optional<rt::Tensor> evaluateResult(OpResult result, std::optional<rt::Tensor> first,
                                         int depth) {
  Operation *op = result.getOwner();
  std::vector<rt::Tensor> operands;
  if (first)
    operands.push_back(std::move(*first));
  for (Value operand : op->getOperands().drop_front(operands.size())) {
    std::optional<rt::Tensor> tensor = evaluate(operand, depth);
    if (!tensor)
      return std::nullopt;
    operands.push_back(std::move(*tensor));
  }
  std::optional<std::vector<rt::Tensor>> results = runOp(op, operands);
  if (!results)
    return std::nullopt;
  return (*results)[result.getResultNumber()];
}

std::optional<rt::Tensor> evaluate(Value value, int depth) {
  if (value.getDefiningOp<vit::ConstantOp>())
    return getConstantTensor(value);
  Operation *op = value.getDefiningOp();
  if (!op || depth == 0 || !isa<vit::VitDialect>(op->getDialect()) || !isMemoryEffectFree(op))
    return std::nullopt;
  return evaluateResult(value.cast<OpResult>(), std::nullopt, depth - 1);
}

} // namespace

std::optional<rt::Tensor> evaluateConstant(Value value) {
  return evaluate(value, kMaxConstantDepth);
}

bool HeadSource::isIdentity() const {
  return contiguousOffset() == 0 &&
         static_cast<int64_t>(channels.size()) == tokens.getType().cast<ShapedType>().getDimSize(2);
}

std::optional<int64_t> HeadSource::contiguousOffset() const {
  for (size_t i = 1; i < channels.size(); ++i)
    if (channels[i] != channels[0] + static_cast<int64_t>(i))
      return std::nullopt;
  return channels.empty() ? std::nullopt : std::optional<int64_t>(channels[0]);
}

std::optional<HeadSource> traceHeads(Value heads, HeadLayout layout) {
  auto type = heads.getType().dyn_cast<RankedTensorType>();
  if (!type || type.getRank() != 4 || !type.hasStaticShape())
    return std::nullopt;
  // Up through data movement; remember which result of each op was taken.
  SmallVector<std::pair<Operation *, unsigned>> path;
  Value current = heads;
  while (Operation *op = current.getDefiningOp()) {
    if (!isDataMovement(op))
      break;
    path.emplace_back(op, current.cast<OpResult>().getResultNumber());
    current = op->getOperand(0);
  }
  auto tokensType = current.getType().dyn_cast<RankedTensorType>();
  if (path.empty() || !tokensType || tokensType.getRank() != 3 || !tokensType.hasStaticShape())
    return std::nullopt;
  ArrayRef<int64_t> source = tokensType.getShape();
  ArrayRef<int64_t> shape = type.getShape();
  const int64_t batch = shape[layout.batch], numHeads = shape[layout.head];
  const int64_t tokens = shape[layout.token], headDim = shape[layout.channel];
  if (source[0] != batch || source[1] != tokens)
    return std::nullopt;

  // Run the chain on element indices (its other operands must be constants).
  rt::Tensor index(rt::DType::I64, rt::Shape(source.begin(), source.end()));
  int64_t *flat = index.data<int64_t>();
  for (int64_t i = 0; i < index.numel(); ++i)
    flat[i] = i;
  for (auto [op, resultNumber] : llvm::reverse(path)) {
    std::optional<rt::Tensor> next =
        evaluateResult(op->getResult(resultNumber), index, kMaxConstantDepth);
    if (!next)
      return std::nullopt;
    index = std::move(*next);
  }

  // index[b, h, n, d] must be (b * N + n) * C + channels[h * D + d].
  int64_t strides[4], stride = 1;
  for (int d = 3; d >= 0; stride *= shape[d], --d)
    strides[d] = stride;
  const int64_t *at = index.data<int64_t>();
  auto read = [&](int64_t b, int64_t h, int64_t n, int64_t d) {
    return at[b * strides[layout.batch] + h * strides[layout.head] + n * strides[layout.token] +
              d * strides[layout.channel]];
  };
  HeadSource result;
  result.tokens = current;
  result.heads = numHeads;
  result.headDim = headDim;
  for (int64_t h = 0; h < numHeads; ++h)
    for (int64_t d = 0; d < headDim; ++d) {
      int64_t channel = read(0, h, 0, d);
      if (channel < 0 || channel >= source[2])
        return std::nullopt;
      result.channels.push_back(channel);
    }
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t n = 0; n < tokens; ++n)
      for (int64_t h = 0; h < numHeads; ++h)
        for (int64_t d = 0; d < headDim; ++d)
          if (read(b, h, n, d) != (b * tokens + n) * source[2] + result.channels[h * headDim + d])
            return std::nullopt;
  for (auto [op, resultNumber] : path)
    result.chain.push_back(op);
  return result;
}

} // namespace vitc::graph
