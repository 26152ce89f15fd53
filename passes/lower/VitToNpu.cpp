//===- VitToNpu.cpp - Quantised vit ops to npu commands -------------------===//
//
// Mirrors the interpreter's choice for every op (compiler/interpreter/
// QuantizedKernels.cpp) so the simulator runs the same kernels with the same
// parameters (compiler/interpreter/KernelParams.h):
//   Linear/Conv/MatMul/Attention with integer kernels -> npu.gemm/conv/
//   matmul/attention (NN); quantised Add -> npu.add (TP); data movement ->
//   npu.view (a reshape: no command), npu.copy or npu.gather (TP), which
//   also convert between quantisations like the interpreter's PPU model;
//   every other op -> npu.ppu (dequantise, fp32 kernel, quantise), or a
//   lookup table (npu.lut) when it is elementwise on an INT8 input -- the
//   table is the interpreter's own kernel run on all 256 values; ops with
//   no quantised types, or that the PPU does not implement, -> npu.ppu
//   `host` (the runtime's kernels on the CPU).
// Every op that cannot be lowered is reported, all at once.
//
//===----------------------------------------------------------------------===//
#include "compiler/interpreter/KernelParams.h"
#include "compiler/interpreter/Kernels.h"
#include "dialects/npu/NpuOps.h"
#include "passes/Passes.h"
#include "passes/lower/MovePlan.h"
#include "passes/lower/PpuParams.h"

#include "vitc/rt/npu/Program.h"

#include <algorithm>

namespace vitc {
#define GEN_PASS_DEF_LOWERVITTONPU
#include "passes/Passes.h.inc"
} // namespace vitc

using namespace mlir;

namespace vitc {
namespace {

namespace rtnpu = rt::npu;

/// PPU kinds the NPU's PPU does not implement: they run on the host.
bool hostOnly(const lower::PpuCommand &command) {
  if (command.words[0] != static_cast<int32_t>(rtnpu::PpuKind::Unary) &&
      command.words[0] != static_cast<int32_t>(rtnpu::PpuKind::Binary))
    return false;
  if (command.words[0] == static_cast<int32_t>(rtnpu::PpuKind::Binary))
    return command.words[1] == static_cast<int32_t>(rtnpu::PpuBinary::Pow);
  auto unary = static_cast<rtnpu::PpuUnary>(command.words[1]);
  return unary == rtnpu::PpuUnary::Sin || unary == rtnpu::PpuUnary::Cos;
}

/// "node 'NAME'" for an ONNX node, else the location as MLIR prints it.
std::string where(Location loc) {
  if (auto fused = loc.dyn_cast<FusedLoc>())
    loc = fused.getLocations().front();
  if (auto name = loc.dyn_cast<NameLoc>())
    return "node '" + name.getName().str() + "'";
  std::string text;
  llvm::raw_string_ostream os(text);
  os << loc;
  return os.str();
}

Value integerConstant(OpBuilder &b, Location loc, const rt::Tensor &tensor, StringRef name) {
  ElementsAttr attr = interp::attrFromTensor(tensor, b.getContext(), name);
  return b.create<vit::ConstantOp>(loc, attr.getType(), attr);
}

std::pair<SmallVector<int32_t>, SmallVector<int32_t>>
requantWords(const std::vector<rt::Requant> &requant) {
  SmallVector<int32_t> multipliers, shifts;
  for (const rt::Requant &r : requant) {
    multipliers.push_back(r.multiplier);
    shifts.push_back(r.shift);
  }
  return {multipliers, shifts};
}

class LowerVitToNpuPass : public impl::LowerVitToNpuBase<LowerVitToNpuPass> {
public:
  using LowerVitToNpuBase::LowerVitToNpuBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    interp::BuildContext ctx(nullptr);
    std::vector<std::string> failures;
    Block &body = func.getBody().front();
    for (Operation &op : llvm::make_early_inc_range(body.without_terminator())) {
      if (auto constant = dyn_cast<vit::ConstantOp>(op)) {
        llvm::Expected<rt::Tensor> tensor = interp::tensorFromAttr(constant.getValue());
        if (tensor)
          ctx.setConstant(constant.getResult(), *tensor);
        else
          llvm::consumeError(tensor.takeError());
        continue;
      }
      if (auto cast = dyn_cast<quant::StorageCastOp>(op))
        if (const rt::Tensor *storage = ctx.constant(cast.getArg())) {
          const rt::Tensor copy = *storage;
          ctx.setConstant(cast.getResult(), copy);
          continue;
        }
      if (op.getDialect() && isa<npu::NpuDialect>(op.getDialect()))
        continue;
      OpBuilder b(&op);
      std::string why;
      std::optional<SmallVector<Value>> results = lower(&op, b, ctx, why);
      if (!results) {
        failures.push_back(op.getName().getStringRef().str() + " at " + where(op.getLoc()) +
                           ": " + why);
        continue;
      }
      op.replaceAllUsesWith(*results);
      op.erase();
    }
    if (!failures.empty()) {
      InFlightDiagnostic diag = func.emitError("cannot lower to the NPU: ");
      for (size_t i = 0; i < failures.size(); ++i)
        diag << (i ? "; " : "") << failures[i];
      return signalPassFailure();
    }
    // Constants the old ops used and nothing reads now.
    SmallVector<Operation *> constants;
    for (Operation &op : body.without_terminator())
      if (isa<vit::ConstantOp, quant::StorageCastOp>(op))
        constants.push_back(&op);
    for (Operation *op : llvm::reverse(constants))
      if (op->use_empty())
        op->erase();
  }

private:
  std::optional<SmallVector<Value>> lower(Operation *op, OpBuilder &b, interp::BuildContext &ctx,
                                          std::string &why) {
    Location loc = op->getLoc();
    Type resultType = op->getNumResults() ? op->getResult(0).getType() : Type();
    if (isa<vit::LinearOp, vit::ConvOp>(op))
      if (std::optional<rt::QDenseParams> params = interp::denseParamsOf(op)) {
        for (unsigned i = 1; i < op->getNumOperands(); ++i)
          if (!ctx.constant(op->getOperand(i))) {
            why = "its weights are not constants";
            return std::nullopt;
          }
        auto [multipliers, shifts] = requantWords(params->requant);
        Value bias = op->getNumOperands() > 2 ? op->getOperand(2) : Value();
        if (isa<vit::LinearOp>(op))
          return SmallVector<Value>{b.create<npu::GemmOp>(
              loc, resultType, op->getOperand(0), op->getOperand(1), bias, Value(),
              b.getDenseI32ArrayAttr(multipliers), b.getDenseI32ArrayAttr(shifts), TypeAttr())};
        return lowerConv(cast<vit::ConvOp>(op), b, bias, multipliers, shifts, why);
      }
    if (auto matmul = dyn_cast<vit::MatMulOp>(op))
      if (std::optional<interp::QMatMulParams> p = interp::matmulParamsOf(matmul))
        return SmallVector<Value>{b.create<npu::MatMulOp>(
            loc, resultType, matmul.getLhs(), matmul.getRhs(), Value(),
            b.getBoolAttr(matmul.getTransposeLhs()), b.getBoolAttr(matmul.getTransposeRhs()),
            b.getI32IntegerAttr(p->requant.multiplier), b.getI32IntegerAttr(p->requant.shift),
            TypeAttr())};
    if (auto add = dyn_cast<vit::AddOp>(op))
      if (std::optional<interp::QAddParams> p = interp::addParamsOf(add))
        return SmallVector<Value>{b.create<npu::AddOp>(
            loc, resultType, add.getLhs(), add.getRhs(),
            ArrayRef<int32_t>{p->aRequant.multiplier, p->aRequant.shift, p->bRequant.multiplier,
                              p->bRequant.shift})};
    if (auto attention = dyn_cast<vit::AttentionOp>(op))
      if (std::optional<rt::QAttentionParams> p = interp::attentionParamsOf(attention))
        return SmallVector<Value>{b.create<npu::AttentionOp>(
            loc, resultType, attention.getQuery(), attention.getKey(), attention.getValue(),
            attention.getBias(), b.getI64IntegerAttr(p->heads), b.getF32FloatAttr(p->scoreScale),
            b.getF32FloatAttr(p->valueRatio))};
    if (interp::movesData(op))
      return lowerMove(op, b, ctx, why);
    return lowerPpu(op, b, ctx, why);
  }

  std::optional<SmallVector<Value>> lowerConv(vit::ConvOp conv, OpBuilder &b, Value bias,
                                              ArrayRef<int32_t> multipliers,
                                              ArrayRef<int32_t> shifts, std::string &why) {
    llvm::Expected<rt::ConvAttrs> attrs = interp::convAttrsOf(conv);
    if (!attrs) {
      why = llvm::toString(attrs.takeError());
      return std::nullopt;
    }
    auto input = conv.getInput().getType().cast<ShapedType>();
    auto weight = conv.getWeight().getType().cast<ShapedType>();
    rt::WindowAttrs window = attrs->window;
    std::vector<int64_t> spatial(input.getShape().begin() + 2, input.getShape().end());
    if (window.kernelShape.empty())
      window.kernelShape.assign(weight.getShape().begin() + 2, weight.getShape().end());
    try {
      rt::resolveWindow(window, spatial);
    } catch (const std::exception &e) {
      why = e.what();
      return std::nullopt;
    }
    return SmallVector<Value>{b.create<npu::ConvOp>(
        conv.getLoc(), conv.getType(), conv.getInput(), conv.getWeight(), bias, Value(),
        b.getDenseI64ArrayAttr(window.kernelShape), b.getDenseI64ArrayAttr(window.strides),
        b.getDenseI64ArrayAttr(window.pads), b.getDenseI64ArrayAttr(window.dilations),
        b.getI64IntegerAttr(attrs->group), b.getDenseI32ArrayAttr(multipliers),
        b.getDenseI32ArrayAttr(shifts), TypeAttr())};
  }

  std::optional<SmallVector<Value>> lowerMove(Operation *op, OpBuilder &b,
                                              interp::BuildContext &ctx, std::string &why) {
    SmallVector<Value> results;
    // Integers move unchanged when no quantisation changes (or none exists).
    bool same = interp::sameParameters(op) || !interp::hasQuantizedTypes(op);
    for (unsigned r = 0; r < op->getNumResults(); ++r) {
      llvm::Expected<lower::MovePlan> plan = lower::planMove(op, r, ctx);
      if (!plan) {
        why = llvm::toString(plan.takeError());
        return std::nullopt;
      }
      Type type = op->getResult(r).getType();
      SmallVector<Value> sources;
      for (unsigned s : plan->sources)
        sources.push_back(op->getOperand(s));
      int64_t numel = type.cast<ShapedType>().getNumElements();
      if (plan->view && same) {
        results.push_back(b.create<npu::ViewOp>(op->getLoc(), type, sources[0]));
      } else if (plan->view) {
        // Only the quantisation changes: one whole-tensor copy converts it.
        results.push_back(
            b.create<npu::CopyOp>(op->getLoc(), type, sources[0], wholeCopy(0, numel)));
      } else if (!plan->copies.empty()) {
        results.push_back(copyFromSources(b, op->getLoc(), type, sources, plan->copies));
      } else {
        rt::Tensor index = rt::Tensor::fromVector<int32_t>(
            {static_cast<int64_t>(plan->gather.size())}, plan->gather);
        Value table = integerConstant(b, op->getLoc(), index, "gather_index");
        results.push_back(b.create<npu::GatherOp>(op->getLoc(), type, sources[0], table));
      }
    }
    return results;
  }

  /// The copy words of a whole tensor of `numel` elements from input slot `source`.
  static std::vector<int64_t> wholeCopy(int64_t source, int64_t numel) {
    std::vector<int64_t> words(npu::kCopyWords, 0);
    words[0] = source;
    words[1] = 1;
    std::fill(words.begin() + 2, words.begin() + 8, 1);
    words[2] = numel;
    words[9] = 1;  // source stride
    words[16] = 1; // destination stride
    return words;
  }

  /// npu.copy of `copies` (sources named by position in `sources`). Repeated
  /// sources share an input slot; more distinct sources than a command takes
  /// are copied in stages, each stage copying the previous one whole first.
  Value copyFromSources(OpBuilder &b, Location loc, Type type, ArrayRef<Value> sources,
                        std::vector<int64_t> copies) {
    SmallVector<Value> unique;
    for (size_t c = 0; c < copies.size(); c += npu::kCopyWords) {
      Value source = sources[copies[c]];
      auto it = llvm::find(unique, source);
      copies[c] = it - unique.begin();
      if (it == unique.end())
        unique.push_back(source);
    }
    const int64_t slots = rt::npu::kMaxInputs;
    Value previous;
    for (int64_t first = 0; first < static_cast<int64_t>(unique.size());) {
      SmallVector<Value> inputs;
      std::vector<int64_t> stage;
      if (previous) {
        inputs.push_back(previous);
        stage = wholeCopy(0, type.cast<ShapedType>().getNumElements());
      }
      int64_t last = std::min<int64_t>(unique.size(), first + slots - inputs.size());
      for (int64_t u = first; u < last; ++u)
        inputs.push_back(unique[u]);
      for (size_t c = 0; c < copies.size(); c += npu::kCopyWords)
        if (copies[c] >= first && copies[c] < last) {
          stage.insert(stage.end(), copies.begin() + c, copies.begin() + c + npu::kCopyWords);
          stage[stage.size() - npu::kCopyWords] = copies[c] - first + (previous ? 1 : 0);
        }
      previous = b.create<npu::CopyOp>(loc, type, inputs, stage);
      first = last;
    }
    return previous;
  }

  std::optional<SmallVector<Value>> lowerPpu(Operation *op, OpBuilder &b,
                                             interp::BuildContext &ctx, std::string &why) {
    if (op->getNumResults() != 1) {
      why = "no NPU command computes an op with several results";
      return std::nullopt;
    }
    bool quantized = interp::hasQuantizedTypes(op);
    std::optional<lower::PpuCommand> command = lower::ppuCommandOf(op, ctx, why);
    // Elementwise on one INT8 input (Clip's bounds are constants): a table --
    // without `luts` only for ops no PPU kind computes.
    bool elementwise = command ? command->unaryElementwise : isa<vit::ClipOp>(op);
    if (quantized && (useLuts || !command) && elementwise)
      if (std::optional<Value> lut = lowerLut(op, b, ctx))
        return SmallVector<Value>{*lut};
    if (!command) {
      if (why.empty())
        why = quantized ? "no NPU unit or host command implements it"
                        : "no NPU unit or host command implements it in fp32 (values "
                          "without a calibrated range stay fp32)";
      return std::nullopt;
    }
    for (Value input : command->inputs) {
      Type element = input.getType().cast<ShapedType>().getElementType();
      if (element.isa<quant::UniformQuantizedPerAxisType>()) {
        why = "a per-channel quantised operand outside Linear/Conv";
        return std::nullopt;
      }
    }
    Type type = op->getResult(0).getType();
    StringAttr source = b.getStringAttr(op->getName().getStringRef());
    bool host = !quantized || hostOnly(*command);
    return SmallVector<Value>{b.create<npu::PpuOp>(op->getLoc(), type, command->inputs, source,
                                                   command->words, host)};
  }

  /// The interpreter's kernel of `op` on every INT8 value, as a table.
  std::optional<Value> lowerLut(Operation *op, OpBuilder &b, interp::BuildContext &ctx) {
    auto input = interp::uniformTypeOf(op->getOperand(0));
    auto output = interp::uniformTypeOf(op->getResult(0));
    if (!input || !output || input.getStorageTypeIntegralWidth() != 8)
      return std::nullopt;
    std::optional<llvm::Expected<interp::KernelFn>> kernel =
        interp::buildQuantizedKernel(op, ctx);
    if (!kernel || !*kernel) {
      if (kernel)
        llvm::consumeError(kernel->takeError());
      return std::nullopt;
    }
    std::vector<int8_t> all(256);
    for (int v = 0; v < 256; ++v)
      all[v] = static_cast<int8_t>(v - 128);
    rt::Tensor values = rt::Tensor::fromVector<int8_t>({256}, all);
    std::vector<const rt::Tensor *> in{&values};
    for (Value operand : op->getOperands().drop_front()) { // e.g. Clip's bounds
      const rt::Tensor *constant = ctx.constant(operand);
      if (!constant || constant->numel() != 1) // a per-value function needs scalars
        return std::nullopt;
      in.push_back(constant);
    }
    std::vector<rt::Tensor> table = (**kernel)(in);
    Value constant = integerConstant(b, op->getLoc(), table[0], "lut");
    return b.create<npu::LutOp>(op->getLoc(), op->getResult(0).getType(), op->getOperand(0),
                                constant)
        .getResult();
  }
};

} // namespace
} // namespace vitc
