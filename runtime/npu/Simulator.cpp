//===- Simulator.cpp - Runs an NPU program on the reference kernels -------===//
//
// Memory, parameter words, the command loop and the NN, TP-add and DMA
// commands. Each command builds tensor views over its operands' bytes, calls
// the one reference kernel of its op with parameters decoded from its words
// and copies the result into its output's bytes (SimulatorOps.cpp has the
// data movement and PPU commands). Errors from a command are rethrown with
// the command's number, opcode and layer.
//
//===----------------------------------------------------------------------===//
#include "vitc/rt/npu/Simulator.h"
#include "SimulatorMemory.h"

#include "vitc/rt/Error.h"
#include "vitc/rt/npu/Format.h"

#include <cstring>
#include <optional>

namespace vitc::rt::npu {

namespace detail {

//===- Memory and Words ----------------------------------------------------===//

Memory::Memory(const Program &program, const Tensor &weights, ThreadPool *pool)
    : program_(program), weights_(weights),
      dram_(DType::U8, {static_cast<int64_t>(program.dramBytes)}),
      sram_(DType::U8, {static_cast<int64_t>(program.sramBytes)}), pool_(pool) {}

const TensorDesc &Memory::desc(uint32_t id) const {
  if (id >= program_.tensors.size())
    throw Error("operand " + std::to_string(id) + " is not a tensor of the program (" +
                std::to_string(program_.tensors.size()) + " tensors)");
  return program_.tensors[id];
}

uint8_t *Memory::bytes(uint32_t id, bool writable) {
  const TensorDesc &tensor = desc(id);
  const Tensor &region = tensor.region == Region::Weights ? weights_
                         : tensor.region == Region::Dram  ? dram_
                                                          : sram_;
  if (writable && tensor.region == Region::Weights)
    throw Error("tensor '" + tensor.name + "' is a weight and cannot be written");
  const uint64_t size = region.byteSize();
  if (tensor.offset > size || tensor.byteSize() > size - tensor.offset)
    throw Error("tensor '" + tensor.name + "' (" + std::to_string(tensor.byteSize()) +
                " bytes at " + std::to_string(tensor.offset) + ") leaves the " +
                regionName(tensor.region) + " region of " + std::to_string(size) + " bytes");
  // The region's own buffer: the weight region is const only to the outside.
  return static_cast<uint8_t *>(const_cast<void *>(region.raw())) + tensor.offset;
}

Tensor Memory::view(uint32_t id) {
  const TensorDesc &tensor = desc(id);
  const uint8_t *data = bytes(id, false);
  const Tensor view = Tensor::view(tensor.dtype, tensor.shape, data);
  if (reinterpret_cast<uintptr_t>(data) % dtypeSize(tensor.dtype) == 0)
    return view;
  return view.clone();
}

Tensor Memory::real(uint32_t id) {
  const TensorDesc &tensor = desc(id);
  return tensor.quantized ? dequantize(view(id), tensor.quant, pool_) : view(id);
}

void Memory::store(uint32_t id, const Tensor &value) {
  const TensorDesc &tensor = desc(id);
  if (!value.valid() || value.dtype() != tensor.dtype || value.shape() != tensor.shape)
    throw Error("the result is " + std::string(value.valid() ? dtypeName(value.dtype()) : "none") +
                " [" + shapeToString(value.shape()) + "] but output '" + tensor.name + "' is " +
                dtypeName(tensor.dtype) + " [" + shapeToString(tensor.shape) + "]");
  // memmove: an Identity's result may be a view of the output's own bytes.
  std::memmove(bytes(id, true), value.raw(), value.byteSize());
}

void Memory::storeReal(uint32_t id, const Tensor &value) {
  const TensorDesc &tensor = desc(id);
  store(id, tensor.quantized ? quantize(value, tensor.quant, pool_) : value);
}

Words::Words(const Program &program, const Command &command) {
  const uint64_t end = uint64_t(command.paramsOffset) + command.paramsCount;
  if (end > program.params.size())
    throw Error("the parameter words [" + std::to_string(command.paramsOffset) + ", " +
                std::to_string(end) + ") leave the " + std::to_string(program.params.size()) +
                " words of the program");
  words_ = program.params.data() + command.paramsOffset;
  count_ = command.paramsCount;
}

uint32_t Words::at(size_t i) const {
  if (i >= count_)
    throw Error("parameter word " + std::to_string(i) + " is missing (the command has " +
                std::to_string(count_) + ")");
  return words_[i];
}

} // namespace detail

namespace {

using detail::Memory;
using detail::Words;

std::optional<Tensor> optionalView(Memory &memory, uint32_t id) {
  if (id == kNone)
    return std::nullopt;
  return memory.view(id);
}

/// `count` (1 or one per output channel) followed by count (multiplier, shift) pairs.
std::vector<Requant> requantList(const Words &words, size_t at) {
  const uint64_t count = words.at(at);
  if (count == 0 || at + 1 + 2 * count > words.size())
    throw Error("the requant count " + std::to_string(count) + " does not fit the " +
                std::to_string(words.size()) + " parameter words");
  std::vector<Requant> requants;
  for (uint64_t i = 0; i < count; ++i)
    requants.push_back(words.requantAt(at + 1 + 2 * i));
  return requants;
}

//===- NN unit ---------------------------------------------------------------===//

/// The quantisation the NN stage writes: the output's, or with an
/// output-stage table (input slot 3) the one in the 5 words at `at`.
QuantSpec stageOutput(const Command &command, const Words &words, size_t at, Memory &memory) {
  if (command.inputs[3] == kNone)
    return memory.desc(command.outputs[0]).quant;
  QuantSpec spec;
  spec.scale = words.floatAt(at);
  spec.zeroPoint = words.signedAt(at + 1);
  spec.qmin = words.signedAt(at + 2);
  spec.qmax = words.signedAt(at + 3);
  spec.storage = words.at(at + 4) == 16 ? DType::I16 : DType::I8;
  return spec;
}

/// Stores an NN result, through the output-stage table when there is one.
void storeStage(const Command &command, const Tensor &result, Memory &memory) {
  if (command.inputs[3] == kNone)
    return memory.store(command.outputs[0], result);
  memory.store(command.outputs[0], detail::applyTable(result, memory.view(command.inputs[3]),
                                                      memory.desc(command.outputs[0])));
}

void runGemm(const Command &command, const Words &words, Memory &memory) {
  std::vector<Requant> requant = requantList(words, 0);
  const QDenseParams params{memory.desc(command.inputs[0]).quant,
                            stageOutput(command, words, 1 + 2 * requant.size(), memory),
                            requant};
  storeStage(command,
             qlinear(memory.view(command.inputs[0]), memory.view(command.inputs[1]),
                     optionalView(memory, command.inputs[2]), params, memory.pool()),
             memory);
}

std::vector<int64_t> wordList(const Words &words, size_t at, size_t count) {
  std::vector<int64_t> values;
  for (size_t i = 0; i < count; ++i)
    values.push_back(words.at(at + i));
  return values;
}

void runConv(const Command &command, const Words &words, Memory &memory) {
  const uint32_t rank = words.at(0);
  if (rank != 1 && rank != 2)
    throw Error("the spatial rank must be 1 or 2, got " + std::to_string(rank));
  ConvAttrs attrs;
  attrs.group = words.at(1);
  attrs.window.kernelShape = wordList(words, 2, rank);
  attrs.window.strides = wordList(words, 2 + rank, rank);
  attrs.window.pads = wordList(words, 2 + 2 * rank, 2 * rank);
  attrs.window.dilations = wordList(words, 2 + 4 * rank, rank);
  std::vector<Requant> requant = requantList(words, 2 + 5 * rank);
  const QDenseParams params{memory.desc(command.inputs[0]).quant,
                            stageOutput(command, words, 3 + 5 * rank + 2 * requant.size(), memory),
                            requant};
  storeStage(command,
             qconv(memory.view(command.inputs[0]), memory.view(command.inputs[1]),
                   optionalView(memory, command.inputs[2]), attrs, params, memory.pool()),
             memory);
}

void runMatMul(const Command &command, const Words &words, Memory &memory) {
  const uint32_t a = command.inputs[0], b = command.inputs[1];
  storeStage(command,
             qmatmul(memory.view(a), memory.desc(a).quant, memory.view(b), memory.desc(b).quant,
                     words.at(0) != 0, words.at(1) != 0, stageOutput(command, words, 4, memory),
                     words.requantAt(2), memory.pool()),
             memory);
}

void runAttention(const Command &command, const Words &words, Memory &memory) {
  QAttentionParams params;
  params.heads = words.at(0);
  params.scoreScale = words.floatAt(1);
  params.valueRatio = words.floatAt(2);
  params.q = memory.desc(command.inputs[0]).quant;
  params.k = memory.desc(command.inputs[1]).quant;
  params.v = memory.desc(command.inputs[2]).quant;
  params.output = memory.desc(command.outputs[0]).quant;
  memory.store(command.outputs[0],
               qattention(memory.view(command.inputs[0]), memory.view(command.inputs[1]),
                          memory.view(command.inputs[2]), optionalView(memory, command.inputs[3]),
                          params, memory.pool()));
}

//===- TP add and DMA --------------------------------------------------------===//

void runAdd(const Command &command, const Words &words, Memory &memory) {
  const uint32_t a = command.inputs[0], b = command.inputs[1], y = command.outputs[0];
  memory.store(y,
               qadd(memory.view(a), memory.desc(a).quant, words.requantAt(0), memory.view(b),
                    memory.desc(b).quant, words.requantAt(2), memory.desc(y).quant, memory.pool()));
}

void runDma(const Command &command, Memory &memory) {
  const TensorDesc &in = memory.desc(command.inputs[0]), &out = memory.desc(command.outputs[0]);
  if (in.byteSize() != out.byteSize())
    throw Error("copies " + std::to_string(in.byteSize()) + " bytes of '" + in.name + "' into " +
                std::to_string(out.byteSize()) + " bytes of '" + out.name + "'");
  const uint8_t *source = memory.bytes(command.inputs[0], false);
  std::memmove(memory.bytes(command.outputs[0], true), source, in.byteSize());
}

void runCommand(const Program &program, const Command &command, Memory &memory) {
  const Words words(program, command);
  switch (command.opcode) {
  case Opcode::NnGemm:
    return runGemm(command, words, memory);
  case Opcode::NnConv:
    return runConv(command, words, memory);
  case Opcode::NnMatMul:
    return runMatMul(command, words, memory);
  case Opcode::NnAttention:
    return runAttention(command, words, memory);
  case Opcode::TpAdd:
    return runAdd(command, words, memory);
  case Opcode::TpCopy:
  case Opcode::TpGather:
  case Opcode::TpLut:
    return detail::runDataMovement(command, words, memory);
  case Opcode::PpuOp:
    return detail::runPpuOp(command, words, memory);
  case Opcode::Dma:
    return runDma(command, memory);
  case Opcode::End:
    return;
  }
  throw Error("unknown opcode " + std::to_string(static_cast<int>(command.opcode)));
}

/// The decoded weight region: every weight's bytes at its offset (inside the
/// region: validateProgram; exactly byteSize() bytes: decodeWeight).
Tensor decodeWeights(const Program &program) {
  Tensor region(DType::U8, {static_cast<int64_t>(program.weightBytes)});
  for (const TensorDesc &tensor : program.tensors) {
    if (tensor.region != Region::Weights || tensor.byteSize() == 0)
      continue;
    const std::vector<uint8_t> decoded = decodeWeight(tensor);
    std::memcpy(region.data<uint8_t>() + tensor.offset, decoded.data(), decoded.size());
  }
  return region;
}

/// Tensor ids ordered by their model input (or output) number
/// (validateProgram made the numbers exactly 0..n-1).
std::vector<uint32_t> modelOperands(const Program &program, bool inputs) {
  std::vector<uint32_t> ids;
  for (uint32_t id = 0; id < program.tensors.size(); ++id) {
    const TensorDesc &tensor = program.tensors[id];
    const int32_t index = inputs ? tensor.inputIndex : tensor.outputIndex;
    if (index < 0)
      continue;
    if (ids.size() <= static_cast<size_t>(index))
      ids.resize(static_cast<size_t>(index) + 1, kNone);
    ids[index] = id;
  }
  return ids;
}

std::string describe(DType dtype, const Shape &shape) {
  return std::string(dtypeName(dtype)) + " [" + shapeToString(shape) + "]";
}

} // namespace

//===- Simulator -------------------------------------------------------------===//

Simulator::Simulator(Program program, ThreadPool *pool)
    : program_(std::move(program)), pool_(pool) {
  validateProgram(program_);
  weights_ = decodeWeights(program_);
  inputTensors_ = modelOperands(program_, true);
  outputTensors_ = modelOperands(program_, false);
  cost_ = estimateCost(program_);
}

std::vector<Tensor> Simulator::run(const std::vector<Tensor> &inputs) {
  if (inputs.size() != inputTensors_.size())
    throw Error("Simulator::run: the program takes " + std::to_string(inputTensors_.size()) +
                " inputs, got " + std::to_string(inputs.size()));
  Memory memory(program_, weights_, pool_);
  for (size_t i = 0; i < inputs.size(); ++i) {
    const TensorDesc &tensor = program_.tensors[inputTensors_[i]];
    if (!inputs[i].valid() || inputs[i].dtype() != tensor.dtype ||
        inputs[i].shape() != tensor.shape)
      throw Error("Simulator::run: input " + std::to_string(i) + " ('" + tensor.name +
                  "') must be " + describe(tensor.dtype, tensor.shape) + ", got " +
                  (inputs[i].valid() ? describe(inputs[i].dtype(), inputs[i].shape()) : "none"));
    if (tensor.byteSize())
      std::memcpy(memory.bytes(inputTensors_[i], true), inputs[i].raw(), tensor.byteSize());
  }
  for (size_t i = 0; i < program_.commands.size(); ++i) {
    const Command &command = program_.commands[i];
    if (command.opcode == Opcode::End)
      break;
    try {
      runCommand(program_, command, memory);
    } catch (const Error &error) {
      throw Error("Simulator: command " + std::to_string(i) + " (" + opcodeName(command.opcode) +
                  ", layer '" + command.layer + "'): " + error.what());
    }
  }
  std::vector<Tensor> outputs;
  for (uint32_t id : outputTensors_)
    outputs.push_back(memory.view(id).clone());
  return outputs;
}

} // namespace vitc::rt::npu
