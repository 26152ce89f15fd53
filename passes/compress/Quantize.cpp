//===- Quantize.cpp - Activations and weights to integer types ------------===//
//
// Turns a calibrated fp32 function into the arithmetic of
// docs/quantization.md. The calibration driver has annotated every
// activation with its clipping range (and precision); this pass
//  1. groups values joined by data-movement ops, which move integers
//     unchanged and so need one set of parameters (range union, widest bits);
//  2. gives each activation its !quant.uniform type;
//  3. replaces constant Linear/Conv weights and biases, and constant operands
//     of Add and of data movement, by quantised constants;
//  4. quantises the inputs (quant.qcast) and dequantises the outputs
//     (quant.dcast).
// Ops without an integer kernel keep their quantised operands and results:
// the runtime runs them on the PPU model (dequantise, fp32, quantise).
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"
#include "passes/compress/QuantizedConstants.h"

#include "compiler/interpreter/ConstantTensors.h"
#include "dialects/vit/VitOps.h"

#include "mlir/Dialect/Quant/QuantOps.h"
#include "llvm/ADT/MapVector.h"

namespace vitc {
#define GEN_PASS_DEF_APPLYQUANTIZATION
#include "passes/Passes.h.inc"
} // namespace vitc

using namespace mlir;

namespace vitc {
namespace {

struct ActivationRange {
  float min = 0.0f, max = 0.0f;
  int bits = 8;
};

/// Ops that move their first operand's integers unchanged into every result.
bool movesData(Operation *op) {
  return isa<vit::ReshapeOp, vit::TransposeOp, vit::FlattenOp, vit::SqueezeOp,
             vit::UnsqueezeOp, vit::SliceOp, vit::SplitOp, vit::GatherOp, vit::ConcatOp,
             vit::DepthToSpaceOp, vit::SpaceToDepthOp, vit::ExpandOp, vit::TileOp,
             vit::IdentityOp>(op);
}

/// The operands of a data-movement op that carry data (Concat: all).
SmallVector<Value> dataOperands(Operation *op) {
  if (isa<vit::ConcatOp>(op))
    return SmallVector<Value>(op->getOperands());
  return {op->getOperand(0)};
}

bool isF32Tensor(Value value) {
  auto type = value.getType().dyn_cast<RankedTensorType>();
  return type && type.getElementType().isF32();
}

std::optional<rt::Tensor> f32Constant(Value value) {
  auto constant = value.getDefiningOp<vit::ConstantOp>();
  if (!constant || !isF32Tensor(value))
    return std::nullopt;
  llvm::Expected<rt::Tensor> tensor = interp::tensorFromAttr(constant.getValue());
  if (!tensor) {
    llvm::consumeError(tensor.takeError());
    return std::nullopt;
  }
  return *tensor;
}

std::string nameOf(Operation *op, StringRef suffix) {
  std::string base = "q";
  if (auto name = op->getLoc().dyn_cast<NameLoc>())
    base = name.getName().str();
  return base + "." + suffix.str();
}

struct QuantizePass : impl::ApplyQuantizationBase<QuantizePass> {
  using ApplyQuantizationBase::ApplyQuantizationBase;

  void runOnOperation() override;

private:
  void collectRanges(func::FuncOp func);
  void groupDataMovement(func::FuncOp func);
  void assignTypes(func::FuncOp func);
  LogicalResult quantizeDenseWeights(Operation *op);
  void quantizeConstantOperands(Operation *op);
  void quantizeBoundaries(func::FuncOp func);

  /// Index of the group representative (union-find over range indices).
  unsigned findGroup(unsigned i);

  llvm::MapVector<Value, ActivationRange> ranges;
  std::vector<unsigned> parent;
  DenseMap<Value, quant::UniformQuantizedType> types;
};

/// Reads the calibration annotations into `ranges`.
void QuantizePass::collectRanges(func::FuncOp func) {
  for (BlockArgument arg : func.getArguments()) {
    auto range = func.getArgAttrOfType<DenseF32ArrayAttr>(arg.getArgNumber(), "vit.act_range");
    if (!range || range.size() != 2 || !isF32Tensor(arg))
      continue;
    auto bits = func.getArgAttrOfType<IntegerAttr>(arg.getArgNumber(), "vit.act_bits");
    ranges[arg] = {range[0], range[1], bits ? static_cast<int>(bits.getInt()) : 8};
  }
  func.walk([&](Operation *op) {
    auto attr = op->getAttrOfType<DenseF32ArrayAttr>("vit.act_ranges");
    if (!attr || attr.size() != 2 * static_cast<int64_t>(op->getNumResults()))
      return;
    auto bits = op->getAttrOfType<DenseI64ArrayAttr>("vit.act_bits");
    for (OpResult result : op->getResults()) {
      unsigned i = result.getResultNumber();
      if (!isF32Tensor(result))
        continue;
      int precision = bits && bits.size() > i ? static_cast<int>(bits[i]) : 8;
      ranges[result] = {attr[2 * i], attr[2 * i + 1], precision};
    }
  });
}

unsigned QuantizePass::findGroup(unsigned i) {
  while (parent[i] != i)
    i = parent[i] = parent[parent[i]];
  return i;
}

/// Joins data-movement inputs and outputs into groups of one parameter set.
void QuantizePass::groupDataMovement(func::FuncOp func) {
  parent.resize(ranges.size());
  for (unsigned i = 0; i < parent.size(); ++i)
    parent[i] = i;
  auto indexOf = [&](Value v) -> std::optional<unsigned> {
    auto it = ranges.find(v);
    if (it == ranges.end())
      return std::nullopt;
    return static_cast<unsigned>(it - ranges.begin());
  };
  func.walk([&](Operation *op) {
    if (!movesData(op))
      return;
    for (Value input : dataOperands(op))
      for (Value output : op->getResults()) {
        std::optional<unsigned> a = indexOf(input), b = indexOf(output);
        if (a && b)
          parent[findGroup(*a)] = findGroup(*b);
      }
  });
}

/// Computes each group's parameters and the quant type of every member.
void QuantizePass::assignTypes(func::FuncOp func) {
  std::vector<ActivationRange> merged(ranges.size());
  std::vector<bool> seen(ranges.size(), false);
  for (unsigned i = 0; i < ranges.size(); ++i) {
    unsigned g = findGroup(i);
    const ActivationRange &r = ranges.begin()[i].second;
    if (!seen[g]) {
      merged[g] = r;
      seen[g] = true;
      continue;
    }
    merged[g].min = std::min(merged[g].min, r.min);
    merged[g].max = std::max(merged[g].max, r.max);
    merged[g].bits = std::max(merged[g].bits, r.bits);
  }
  for (unsigned i = 0; i < ranges.size(); ++i) {
    const ActivationRange &g = merged[findGroup(i)];
    Value value = ranges.begin()[i].first;
    auto type = compress::activationType(calib::activationParams(g.min, g.max, g.bits),
                                         func.getContext());
    types[value] = type;
    if (value.isa<BlockArgument>())
      continue; // Quantised by a qcast in quantizeBoundaries.
    auto shaped = value.getType().cast<RankedTensorType>();
    value.setType(RankedTensorType::get(shaped.getShape(), type));
  }
}

/// Per-channel INT8 weights and int32 bias for a Linear/Conv whose input is
/// quantised and whose weight (and bias) are f32 constants.
LogicalResult QuantizePass::quantizeDenseWeights(Operation *op) {
  // Block arguments keep f32 until quantizeBoundaries: ask the type table.
  quant::UniformQuantizedType inputType = types.lookup(op->getOperand(0));
  std::optional<rt::Tensor> weight = f32Constant(op->getOperand(1));
  if (!inputType || !weight)
    return failure();
  OpBuilder builder(op);
  std::vector<float> scales;
  op->setOperand(1, compress::quantizeWeight(builder, op->getLoc(), *weight,
                                             static_cast<int>(weightBits), nameOf(op, "weight"),
                                             scales));
  if (op->getNumOperands() > 2)
    if (std::optional<rt::Tensor> bias = f32Constant(op->getOperand(2)))
      op->setOperand(2, compress::quantizeBias(builder, op->getLoc(), *bias,
                                               static_cast<float>(inputType.getScale()), scales,
                                               nameOf(op, "bias")));
  return success();
}

/// Constant operands of integer Add and of data movement take the
/// parameters the op computes in: Add's own per-tensor range of the
/// constant, data movement its group's.
void QuantizePass::quantizeConstantOperands(Operation *op) {
  bool add = isa<vit::AddOp>(op);
  if (!add && !movesData(op))
    return;
  if (op->getNumResults() == 0 || !types.count(op->getResult(0)))
    return;
  OpBuilder builder(op);
  for (OpOperand &operand : op->getOpOperands()) {
    std::optional<rt::Tensor> constant = f32Constant(operand.get());
    if (!constant || (!add && !llvm::is_contained(dataOperands(op), operand.get())))
      continue;
    quant::UniformQuantizedType type = types[op->getResult(0)];
    if (add) {
      float lo = 0.0f, hi = 0.0f;
      for (int64_t i = 0; i < constant->numel(); ++i) {
        lo = std::min(lo, constant->data<float>()[i]);
        hi = std::max(hi, constant->data<float>()[i]);
      }
      type = compress::activationType(calib::activationParams(lo, hi, 8), op->getContext());
    }
    operand.set(compress::quantizeTensor(builder, op->getLoc(), *constant, type,
                                         nameOf(op, "const" + std::to_string(
                                                            operand.getOperandNumber()))));
  }
}

/// qcast on quantised arguments, dcast on quantised results.
void QuantizePass::quantizeBoundaries(func::FuncOp func) {
  Block &entry = func.getBody().front();
  OpBuilder builder(&entry, entry.begin());
  for (BlockArgument arg : func.getArguments()) {
    auto it = types.find(arg);
    if (it == types.end())
      continue;
    auto type = RankedTensorType::get(arg.getType().cast<ShapedType>().getShape(), it->second);
    auto cast = builder.create<quant::QuantizeCastOp>(arg.getLoc(), type, arg);
    arg.replaceAllUsesExcept(cast, cast);
  }
  Operation *terminator = entry.getTerminator();
  builder.setInsertionPoint(terminator);
  for (OpOperand &operand : terminator->getOpOperands()) {
    auto type = operand.get().getType().cast<ShapedType>();
    if (!type.getElementType().isa<quant::QuantizedType>())
      continue;
    auto real = RankedTensorType::get(type.getShape(), builder.getF32Type());
    operand.set(builder.create<quant::DequantizeCastOp>(terminator->getLoc(), real, operand.get()));
  }
  func.setType(builder.getFunctionType(func.getArgumentTypes(), terminator->getOperandTypes()));
}

void QuantizePass::runOnOperation() {
  func::FuncOp func = getOperation();
  if (weightBits != 8) {
    func.emitError("vit-quantize: weight-bits must be 8 (INT4 weights need group "
                   "quantisation, not implemented yet)");
    return signalPassFailure();
  }
  collectRanges(func);
  groupDataMovement(func);
  assignTypes(func);
  func.walk([&](Operation *op) {
    if (isa<vit::LinearOp, vit::ConvOp>(op))
      (void)quantizeDenseWeights(op);
    else
      quantizeConstantOperands(op);
  });
  quantizeBoundaries(func);
  // The f32 weights the integer ones replaced.
  func.walk([](vit::ConstantOp constant) {
    if (constant->use_empty())
      constant->erase();
  });
  // The annotations have been consumed.
  func.walk([](Operation *op) {
    op->removeAttr("vit.act_ranges");
    op->removeAttr("vit.act_bits");
  });
  for (unsigned i = 0; i < func.getNumArguments(); ++i) {
    func.removeArgAttr(i, "vit.act_range");
    func.removeArgAttr(i, "vit.act_bits");
  }
}

} // namespace
} // namespace vitc
