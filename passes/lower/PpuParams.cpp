//===- PpuParams.cpp - PPU command words of floating-point vit ops --------===//
#include "passes/lower/PpuParams.h"

#include "dialects/vit/VitOps.h"

#include "vitc/rt/npu/Program.h"

#include "llvm/ADT/TypeSwitch.h"

#include "mlir/Dialect/Quant/QuantOps.h"

using namespace mlir;
namespace rtnpu = vitc::rt::npu;

namespace vitc::lower {
namespace {

int32_t word(rtnpu::PpuKind kind) { return static_cast<int32_t>(kind); }
int32_t floatBits(float value) { return static_cast<int32_t>(rtnpu::floatWord(value)); }

std::optional<rtnpu::PpuUnary> unaryKind(Operation *op) {
  using U = rtnpu::PpuUnary;
  if (auto gelu = dyn_cast<vit::GeluOp>(op))
    return gelu.getApproximate() == "tanh" ? U::GeluTanh : U::Gelu;
  return llvm::TypeSwitch<Operation *, std::optional<U>>(op)
      .Case([](vit::NegOp) { return U::Neg; })
      .Case([](vit::AbsOp) { return U::Abs; })
      .Case([](vit::SqrtOp) { return U::Sqrt; })
      .Case([](vit::ExpOp) { return U::Exp; })
      .Case([](vit::LogOp) { return U::Log; })
      .Case([](vit::ErfOp) { return U::Erf; })
      .Case([](vit::ReciprocalOp) { return U::Reciprocal; })
      .Case([](vit::FloorOp) { return U::Floor; })
      .Case([](vit::CeilOp) { return U::Ceil; })
      .Case([](vit::RoundOp) { return U::Round; })
      .Case([](vit::SignOp) { return U::Sign; })
      .Case([](vit::ReluOp) { return U::Relu; })
      .Case([](vit::SigmoidOp) { return U::Sigmoid; })
      .Case([](vit::TanhOp) { return U::Tanh; })
      .Case([](vit::HardSwishOp) { return U::HardSwish; })
      .Case([](vit::SinOp) { return U::Sin; })
      .Case([](vit::CosOp) { return U::Cos; })
      .Default([](Operation *) { return std::nullopt; });
}

std::optional<rtnpu::PpuBinary> binaryKind(Operation *op) {
  using B = rtnpu::PpuBinary;
  return llvm::TypeSwitch<Operation *, std::optional<B>>(op)
      .Case([](vit::AddOp) { return B::Add; })
      .Case([](vit::SubOp) { return B::Sub; })
      .Case([](vit::MulOp) { return B::Mul; })
      .Case([](vit::DivOp) { return B::Div; })
      .Case([](vit::PowOp) { return B::Pow; })
      .Case([](vit::MinOp op) { return op->getNumOperands() == 2 ? std::optional(B::Min) : std::nullopt; })
      .Case([](vit::MaxOp op) { return op->getNumOperands() == 2 ? std::optional(B::Max) : std::nullopt; })
      .Default([](Operation *) { return std::nullopt; });
}

template <typename ReduceOpT>
PpuCommand reduceCommand(ReduceOpT op, rtnpu::PpuReduce kind) {
  PpuCommand command;
  command.words = {word(rtnpu::PpuKind::Reduce), static_cast<int32_t>(kind),
                   op.getKeepdims() != 0 ? 1 : 0};
  std::vector<int64_t> axes;
  if (op.getAxes())
    axes.assign(op.getAxes()->begin(), op.getAxes()->end());
  command.words.push_back(static_cast<int32_t>(axes.size()));
  for (int64_t axis : axes)
    command.words.push_back(static_cast<int32_t>(axis));
  command.inputs = {op.getInput()};
  return command;
}

} // namespace

std::optional<PpuCommand> ppuCommandOf(Operation *op, interp::BuildContext &ctx,
                                       std::string &why) {
  PpuCommand command;
  if (isa<quant::QuantizeCastOp, quant::DequantizeCastOp>(op)) {
    command.words = {word(rtnpu::PpuKind::Identity)};
    command.inputs = {op->getOperand(0)};
    return command;
  }
  if (std::optional<rtnpu::PpuUnary> unary = unaryKind(op)) {
    command.words = {word(rtnpu::PpuKind::Unary), static_cast<int32_t>(*unary)};
    command.inputs = {op->getOperand(0)};
    command.unaryElementwise = true;
    return command;
  }
  if (std::optional<rtnpu::PpuBinary> binary = binaryKind(op)) {
    command.words = {word(rtnpu::PpuKind::Binary), static_cast<int32_t>(*binary)};
    command.inputs = {op->getOperand(0), op->getOperand(1)};
    return command;
  }
  if (auto leaky = dyn_cast<vit::LeakyReluOp>(op)) {
    command.words = {word(rtnpu::PpuKind::LeakyRelu), floatBits(leaky.getAlpha().convertToFloat())};
    command.inputs = {leaky.getInput()};
    command.unaryElementwise = true;
    return command;
  }
  if (auto hard = dyn_cast<vit::HardSigmoidOp>(op)) {
    command.words = {word(rtnpu::PpuKind::HardSigmoid), floatBits(hard.getAlpha().convertToFloat()),
                     floatBits(hard.getBeta().convertToFloat())};
    command.inputs = {hard.getInput()};
    command.unaryElementwise = true;
    return command;
  }
  if (auto elu = dyn_cast<vit::EluOp>(op)) {
    command.words = {word(rtnpu::PpuKind::Elu), floatBits(elu.getAlpha().convertToFloat())};
    command.inputs = {elu.getInput()};
    command.unaryElementwise = true;
    return command;
  }
  if (auto norm = dyn_cast<vit::LayerNormOp>(op)) {
    command.words = {word(rtnpu::PpuKind::LayerNorm), static_cast<int32_t>(norm.getAxis()),
                     floatBits(norm.getEpsilon().convertToFloat())};
    command.inputs = {norm.getInput(), norm.getScale()};
    if (norm.getBias())
      command.inputs.push_back(norm.getBias());
    return command;
  }
  if (auto softmax = dyn_cast<vit::SoftmaxOp>(op)) {
    command.words = {word(rtnpu::PpuKind::Softmax), static_cast<int32_t>(softmax.getAxis())};
    command.inputs = {softmax.getInput()};
    return command;
  }
  if (auto mean = dyn_cast<vit::ReduceMeanOp>(op))
    return reduceCommand(mean, rtnpu::PpuReduce::Mean);
  if (auto max = dyn_cast<vit::ReduceMaxOp>(op))
    return reduceCommand(max, rtnpu::PpuReduce::Max);
  if (auto min = dyn_cast<vit::ReduceMinOp>(op))
    return reduceCommand(min, rtnpu::PpuReduce::Min);
  if (auto sum = dyn_cast<vit::ReduceSumOp>(op)) {
    std::vector<int64_t> axes;
    if (sum.getAxes()) {
      const rt::Tensor *constant = ctx.constant(sum.getAxes());
      if (!constant) {
        why = "its axes are not a constant";
        return std::nullopt;
      }
      axes = constant->toInt64Vector();
    } else if (sum.getNoopWithEmptyAxes() != 0) {
      why = "noop_with_empty_axes without axes (an identity) is not lowered";
      return std::nullopt;
    }
    command.words = {word(rtnpu::PpuKind::Reduce), static_cast<int32_t>(rtnpu::PpuReduce::Sum),
                     sum.getKeepdims() != 0 ? 1 : 0, static_cast<int32_t>(axes.size())};
    for (int64_t axis : axes)
      command.words.push_back(static_cast<int32_t>(axis));
    command.inputs = {sum.getInput()};
    return command;
  }
  if (auto pool = dyn_cast<vit::GlobalAveragePoolOp>(op)) {
    command.words = {word(rtnpu::PpuKind::GlobalAveragePool)};
    command.inputs = {pool.getInput()};
    return command;
  }
  if (auto pad = dyn_cast<vit::PadOp>(op)) {
    const rt::Tensor *pads = ctx.constant(pad.getPads());
    int32_t mode = pad.getMode() == "constant" ? 0 : pad.getMode() == "reflect" ? 1
                   : pad.getMode() == "edge"   ? 2
                                               : -1;
    if (!pads || mode < 0) {
      why = !pads ? "its pads are not a constant" : "pad mode '" + pad.getMode().str() +
                                                          "' is not supported";
      return std::nullopt;
    }
    command.words = {word(rtnpu::PpuKind::Pad), mode, static_cast<int32_t>(pads->numel())};
    for (int64_t value : pads->toInt64Vector())
      command.words.push_back(static_cast<int32_t>(value));
    command.inputs = {pad.getInput()};
    if (pad.getConstantValue())
      command.inputs.push_back(pad.getConstantValue());
    return command;
  }
  return std::nullopt;
}

} // namespace vitc::lower
