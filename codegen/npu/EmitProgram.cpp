//===- EmitProgram.cpp - npu dialect to an NPU program --------------------===//
//
// Tensors: function arguments and npu op results are activations placed by
// npu-plan-memory (`npu.region`, `npu.offset`); vit.constant values (behind
// quant.scast for quantised weights) go to the weight region, 64-byte
// aligned, in first-use order; an npu.view is a second tensor over its
// input's bytes. Commands follow the block order, one per npu op except
// views, then End.
//
//===----------------------------------------------------------------------===//
#include "codegen/npu/EmitProgram.h"

#include "compiler/interpreter/ConstantTensors.h"
#include "compiler/interpreter/KernelParams.h"
#include "dialects/npu/NpuOps.h"
#include "dialects/vit/VitOps.h"

#include "vitc/rt/npu/Format.h"

#include "mlir/Dialect/Quant/QuantOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cstring>

using namespace mlir;
namespace rtnpu = vitc::rt::npu;

namespace vitc::codegen {
namespace {

llvm::Error fail(const std::string &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// The ONNX node name of `loc`, or empty.
std::string nodeName(Location loc) {
  if (auto name = loc.dyn_cast<NameLoc>())
    return name.getName().str();
  if (auto fused = loc.dyn_cast<FusedLoc>())
    for (Location inner : fused.getLocations())
      if (auto name = inner.dyn_cast<NameLoc>())
        return name.getName().str();
  return "";
}

/// A command's layer: its ONNX node, else what it does ("quant.qcast" for the
/// input quantisation) and its position.
std::string layerName(Operation *op, size_t index) {
  std::string node = nodeName(op->getLoc());
  if (!node.empty())
    return node;
  std::string what = op->getName().getStringRef().str();
  if (auto ppu = dyn_cast<npu::PpuOp>(op))
    what = ppu.getSource().str();
  return what + "#" + std::to_string(index);
}

class Emitter {
public:
  Emitter(func::FuncOp func, const rtnpu::NpuConfig &config) : func_(func) {
    program_.config = config;
  }

  llvm::Expected<rtnpu::Program> run(const std::vector<std::string> &inputNames,
                                     const std::vector<std::string> &outputNames) {
    Block &body = func_.getBody().front();
    auto sram = func_->getAttrOfType<IntegerAttr>("npu.sram_bytes");
    auto dram = func_->getAttrOfType<IntegerAttr>("npu.dram_bytes");
    if (!sram || !dram)
      return fail("the function was not through npu-plan-memory");
    program_.sramBytes = sram.getInt();
    program_.dramBytes = dram.getInt();
    for (BlockArgument arg : body.getArguments()) {
      auto offset = func_.getArgAttrOfType<IntegerAttr>(arg.getArgNumber(), "npu.offset");
      if (!offset)
        return fail("input " + std::to_string(arg.getArgNumber()) + " has no npu.offset");
      size_t n = arg.getArgNumber();
      llvm::Expected<uint32_t> id = activation(
          arg, n < inputNames.size() ? inputNames[n] : "input" + std::to_string(n),
          rtnpu::Region::Dram, offset.getInt());
      if (!id)
        return id.takeError();
      program_.tensors[*id].inputIndex = static_cast<int32_t>(n);
    }
    for (Operation &op : body.without_terminator()) {
      if (isa<vit::ConstantOp, quant::StorageCastOp>(op))
        continue;
      if (llvm::Error error = emit(&op))
        return std::move(error);
    }
    Operation *terminator = body.getTerminator();
    for (unsigned i = 0; i < terminator->getNumOperands(); ++i) {
      llvm::Expected<uint32_t> id = tensorOf(terminator->getOperand(i));
      if (!id)
        return id.takeError();
      if (program_.tensors[*id].region != rtnpu::Region::Dram)
        return fail("output " + std::to_string(i) + " is not in DRAM");
      // A value returned twice, or an input returned as it is: a second tensor
      // over the same bytes (the planner keeps them alive to the end).
      if (program_.tensors[*id].outputIndex >= 0 || program_.tensors[*id].inputIndex >= 0) {
        rtnpu::TensorDesc alias = program_.tensors[*id];
        alias.inputIndex = alias.outputIndex = -1;
        *id = static_cast<uint32_t>(program_.tensors.size());
        program_.tensors.push_back(std::move(alias));
      }
      rtnpu::TensorDesc &desc = program_.tensors[*id];
      desc.outputIndex = static_cast<int32_t>(i);
      if (i < outputNames.size())
        desc.name = outputNames[i];
    }
    rtnpu::Command end;
    end.opcode = rtnpu::Opcode::End;
    end.unit = rtnpu::Unit::Dma;
    program_.commands.push_back(end);
    rtnpu::compressWeights(program_);
    try {
      rtnpu::validateProgram(program_);
    } catch (const std::exception &e) {
      return fail(std::string("the emitted NPU program is invalid: ") + e.what());
    }
    return std::move(program_);
  }

private:
  llvm::Expected<uint32_t> activation(Value value, std::string name, rtnpu::Region region,
                                      int64_t offset) {
    auto type = value.getType().cast<ShapedType>();
    rtnpu::TensorDesc desc;
    desc.name = std::move(name);
    desc.shape.assign(type.getShape().begin(), type.getShape().end());
    desc.region = region;
    desc.offset = static_cast<uint64_t>(offset);
    Type element = type.getElementType();
    if (auto uniform = element.dyn_cast<quant::UniformQuantizedType>()) {
      desc.quantized = true;
      desc.quant = interp::quantSpecOf(uniform);
      desc.dtype = desc.quant.storage;
    } else if (std::optional<rt::DType> dtype = interp::dtypeOf(element)) {
      desc.dtype = *dtype;
    } else {
      return fail(desc.name + ": unsupported element type on the NPU");
    }
    uint32_t id = static_cast<uint32_t>(program_.tensors.size());
    program_.tensors.push_back(std::move(desc));
    ids_[value] = id;
    return id;
  }

  llvm::Expected<uint32_t> weight(Value value) {
    Value storage = value;
    if (auto cast = value.getDefiningOp<quant::StorageCastOp>())
      storage = cast.getArg();
    auto constant = storage.getDefiningOp<vit::ConstantOp>();
    if (!constant)
      return fail("a weight operand is not a constant");
    llvm::Expected<rt::Tensor> tensor = interp::tensorFromAttr(constant.getValue());
    if (!tensor)
      return tensor.takeError();
    rtnpu::TensorDesc desc;
    desc.name = nodeName(constant.getLoc());
    if (desc.name.empty())
      desc.name = "weight#" + std::to_string(program_.tensors.size());
    desc.dtype = tensor->dtype();
    desc.shape = tensor->shape();
    desc.region = rtnpu::Region::Weights;
    // Per-tensor quantised constants (Add and data-movement operands) keep
    // their parameters; per-channel weights are raw integers.
    if (auto uniform = interp::uniformTypeOf(value)) {
      desc.quantized = true;
      desc.quant = interp::quantSpecOf(uniform);
    }
    desc.offset = (program_.weightBytes + 63) / 64 * 64;
    const auto *bytes = static_cast<const uint8_t *>(tensor->raw());
    desc.stored.assign(bytes, bytes + tensor->byteSize());
    program_.weightBytes = desc.offset + tensor->byteSize();
    uint32_t id = static_cast<uint32_t>(program_.tensors.size());
    program_.tensors.push_back(std::move(desc));
    ids_[value] = id;
    return id;
  }

  llvm::Expected<uint32_t> tensorOf(Value value) {
    auto it = ids_.find(value);
    if (it != ids_.end())
      return it->second;
    return weight(value);
  }

  llvm::Error emit(Operation *op) {
    auto region = op->getAttrOfType<StringAttr>("npu.region");
    auto offset = op->getAttrOfType<IntegerAttr>("npu.offset");
    if (auto view = dyn_cast<npu::ViewOp>(op)) {
      llvm::Expected<uint32_t> input = tensorOf(view.getInput());
      if (!input)
        return input.takeError();
      rtnpu::TensorDesc desc = program_.tensors[*input];
      auto type = view.getType().cast<ShapedType>();
      desc.shape.assign(type.getShape().begin(), type.getShape().end());
      desc.name = layerName(op, program_.tensors.size());
      desc.stored.clear();
      desc.inputIndex = desc.outputIndex = -1;
      if (desc.region == rtnpu::Region::Weights)
        desc.stored = program_.tensors[*input].stored;
      ids_[view.getOutput()] = static_cast<uint32_t>(program_.tensors.size());
      program_.tensors.push_back(std::move(desc));
      return llvm::Error::success();
    }
    if (!region || !offset)
      return fail(op->getName().getStringRef().str() + " at " +
                  layerName(op, program_.commands.size()) +
                  " was not placed by npu-plan-memory");
    rtnpu::Command command;
    command.layer = layerName(op, program_.commands.size());
    if (auto tile = op->getAttrOfType<DenseI64ArrayAttr>("npu.tile"))
      for (size_t i = 0; i < 3 && i < tile.size(); ++i)
        command.tile[i] = static_cast<uint32_t>(tile[i]);
    if (auto scratch = op->getAttrOfType<IntegerAttr>("npu.scratch"))
      command.sramScratchBytes = static_cast<uint64_t>(scratch.getInt());
    std::vector<int64_t> words;
    SmallVector<Value> inputs;
    llvm::TypeSwitch<Operation *>(op)
        .Case([&](npu::GemmOp gemm) {
          command.opcode = rtnpu::Opcode::NnGemm;
          command.unit = rtnpu::Unit::Nn;
          inputs = {gemm.getInput(), gemm.getWeight(), gemm.getBias(), gemm.getTable()};
          appendRequant(words, gemm.getMultipliers(), gemm.getShifts());
          appendTableInput(words, gemm.getTableInput());
        })
        .Case([&](npu::ConvOp conv) {
          command.opcode = rtnpu::Opcode::NnConv;
          command.unit = rtnpu::Unit::Nn;
          inputs = {conv.getInput(), conv.getWeight(), conv.getBias(), conv.getTable()};
          words.push_back(static_cast<int64_t>(conv.getKernel().size()));
          words.push_back(conv.getGroup());
          for (ArrayRef<int64_t> list :
               {conv.getKernel(), conv.getStrides(), conv.getPads(), conv.getDilations()})
            words.insert(words.end(), list.begin(), list.end());
          appendRequant(words, conv.getMultipliers(), conv.getShifts());
          appendTableInput(words, conv.getTableInput());
        })
        .Case([&](npu::MatMulOp matmul) {
          command.opcode = rtnpu::Opcode::NnMatMul;
          command.unit = rtnpu::Unit::Nn;
          inputs = {matmul.getLhs(), matmul.getRhs(), Value(), matmul.getTable()};
          words = {matmul.getTransposeLhs() ? 1 : 0, matmul.getTransposeRhs() ? 1 : 0,
                   matmul.getMultiplier(), matmul.getShift()};
          appendTableInput(words, matmul.getTableInput());
        })
        .Case([&](npu::AttentionOp attention) {
          command.opcode = rtnpu::Opcode::NnAttention;
          command.unit = rtnpu::Unit::Nn;
          inputs = {attention.getQuery(), attention.getKey(), attention.getValue(),
                    attention.getBias()};
          words = {attention.getHeads(),
                   rtnpu::floatWord(attention.getScoreScale().convertToFloat()),
                   rtnpu::floatWord(attention.getValueRatio().convertToFloat())};
        })
        .Case([&](npu::AddOp add) {
          command.opcode = rtnpu::Opcode::TpAdd;
          command.unit = rtnpu::Unit::Tp;
          inputs = {add.getLhs(), add.getRhs()};
          words.assign(add.getRequant().begin(), add.getRequant().end());
        })
        .Case([&](npu::CopyOp copy) {
          command.opcode = rtnpu::Opcode::TpCopy;
          command.unit = rtnpu::Unit::Tp;
          inputs.assign(copy.getInputs().begin(), copy.getInputs().end());
          words.push_back(static_cast<int64_t>(copy.getCopies().size() / npu::kCopyWords));
          words.insert(words.end(), copy.getCopies().begin(), copy.getCopies().end());
        })
        .Case([&](npu::GatherOp gather) {
          command.opcode = rtnpu::Opcode::TpGather;
          command.unit = rtnpu::Unit::Tp;
          inputs = {gather.getInput(), gather.getIndex()};
        })
        .Case([&](npu::LutOp lut) {
          command.opcode = rtnpu::Opcode::TpLut;
          command.unit = rtnpu::Unit::Tp;
          inputs = {lut.getInput(), lut.getTable()};
        })
        .Case([&](npu::PpuOp ppu) {
          command.opcode = rtnpu::Opcode::PpuOp;
          command.unit = ppu.getHost() ? rtnpu::Unit::Host : rtnpu::Unit::Ppu;
          inputs.assign(ppu.getInputs().begin(), ppu.getInputs().end());
          words.assign(ppu.getParams().begin(), ppu.getParams().end());
        })
        .Case([&](npu::DmaOp dma) {
          command.opcode = rtnpu::Opcode::Dma;
          command.unit = rtnpu::Unit::Dma;
          inputs = {dma.getInput()};
        });
    if (command.opcode == rtnpu::Opcode::End)
      return fail("no command for " + op->getName().getStringRef().str());
    if (inputs.size() > rtnpu::kMaxInputs)
      return fail(command.layer + ": more than " + std::to_string(rtnpu::kMaxInputs) +
                  " inputs");
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (!inputs[i])
        continue;
      llvm::Expected<uint32_t> id = tensorOf(inputs[i]);
      if (!id)
        return id.takeError();
      command.inputs[i] = *id;
    }
    llvm::Expected<uint32_t> output =
        activation(op->getResult(0), command.layer,
                   region.getValue() == "sram" ? rtnpu::Region::Sram : rtnpu::Region::Dram,
                   offset.getInt());
    if (!output)
      return output.takeError();
    command.outputs[0] = *output;
    command.paramsOffset = static_cast<uint32_t>(program_.params.size());
    command.paramsCount = static_cast<uint32_t>(words.size());
    for (int64_t w : words)
      program_.params.push_back(static_cast<uint32_t>(w));
    program_.commands.push_back(std::move(command));
    return llvm::Error::success();
  }

  static void appendRequant(std::vector<int64_t> &words, ArrayRef<int32_t> multipliers,
                            ArrayRef<int32_t> shifts) {
    words.push_back(static_cast<int64_t>(multipliers.size()));
    for (size_t i = 0; i < multipliers.size(); ++i) {
      words.push_back(multipliers[i]);
      words.push_back(shifts[i]);
    }
  }

  /// The quantisation of the requantised result a fused table reads:
  /// scale (f32 bits), zero point, qmin, qmax, storage bits.
  static void appendTableInput(std::vector<int64_t> &words, std::optional<Type> type) {
    if (!type)
      return;
    rt::QuantSpec spec = interp::quantSpecOf(type->cast<quant::UniformQuantizedType>());
    words.push_back(rtnpu::floatWord(spec.scale));
    words.push_back(spec.zeroPoint);
    words.push_back(spec.qmin);
    words.push_back(spec.qmax);
    words.push_back(spec.storage == rt::DType::I16 ? 16 : 8);
  }

  func::FuncOp func_;
  rtnpu::Program program_;
  llvm::DenseMap<Value, uint32_t> ids_;
};

} // namespace

llvm::Expected<rtnpu::Program> emitProgram(func::FuncOp func, const rtnpu::NpuConfig &config,
                                           const std::vector<std::string> &inputNames,
                                           const std::vector<std::string> &outputNames) {
  return Emitter(func, config).run(inputNames, outputNames);
}

} // namespace vitc::codegen
