//===- ProgramCommands.cpp - Per-opcode checks of validateProgram ----------===//
//
// Each opcode's operands (which slots are required, optional or empty, their
// dtypes and regions) and params words, as listed in Program.h. Outputs
// never live in the read-only weight region. TpCopy boxes take non-negative
// strides only (the words are unsigned), so a box's lowest element is its
// offset and its highest is offset + sum (shape_d - 1) * stride_d.
//
//===----------------------------------------------------------------------===//
#include "ProgramChecks.h"

#include "vitc/rt/Error.h"

#include <cmath>
#include <initializer_list>

namespace vitc::rt::npu::detail {
namespace {

constexpr uint32_t kCopyWords = 22;

class CommandCheck {
public:
  CommandCheck(const Program &program, const std::vector<uint64_t> &numels, size_t index)
      : program(program), numels(numels), index(index), cmd(program.commands[index]) {}

  void run();

private:
  [[noreturn]] void fail(const std::string &what) const {
    throw Error("command " + std::to_string(index) + " (" + opcodeName(cmd.opcode) + ", layer '" +
                cmd.layer + "'): " + what);
  }
  std::string label(uint32_t id) const { return tensorLabel(program, id); }

  /// Input slots [0, required) hold ids, [required, required + optional) ids
  /// or kNone, the rest kNone; likewise `outputs` output slots hold ids.
  void operands(size_t required, size_t optional, size_t outputs) const {
    for (size_t slot = 0; slot < kMaxInputs; ++slot) {
      const uint32_t id = cmd.inputs[slot];
      if (id == kNone ? slot < required : slot >= required + optional)
        fail("input " + std::to_string(slot) + (id == kNone ? " is missing" : " must be empty"));
      if (id != kNone && id >= program.tensors.size())
        fail("input " + std::to_string(slot) + " is tensor id " + std::to_string(id) + " of " +
             std::to_string(program.tensors.size()));
    }
    for (size_t slot = 0; slot < kMaxOutputs; ++slot) {
      const uint32_t id = cmd.outputs[slot];
      if ((id == kNone) != (slot >= outputs))
        fail("output " + std::to_string(slot) + (id == kNone ? " is missing" : " must be empty"));
      if (id != kNone && id >= program.tensors.size())
        fail("output " + std::to_string(slot) + " is tensor id " + std::to_string(id) + " of " +
             std::to_string(program.tensors.size()));
      if (id != kNone && program.tensors[id].region == Region::Weights)
        fail("output " + label(id) + " is in the read-only weight region");
    }
  }
  bool has(size_t slot) const { return cmd.inputs[slot] != kNone; }
  uint32_t inId(size_t slot) const { return cmd.inputs[slot]; }
  const TensorDesc &in(size_t slot) const { return program.tensors[cmd.inputs[slot]]; }
  const TensorDesc &out() const { return program.tensors[cmd.outputs[0]]; }
  uint64_t numel(uint32_t id) const { return numels[id]; }

  void dtypeIs(uint32_t id, std::initializer_list<DType> allowed, const char *role) const {
    std::string names;
    for (DType dtype : allowed) {
      if (program.tensors[id].dtype == dtype)
        return;
      names += std::string(names.empty() ? "" : " or ") + dtypeName(dtype);
    }
    fail(std::string(role) + " " + label(id) + " must be " + names + ", got " +
         dtypeName(program.tensors[id].dtype));
  }
  /// A quantised I8/I16 activation.
  void activation(uint32_t id, const char *role) const {
    dtypeIs(id, {DType::I8, DType::I16}, role);
    if (!program.tensors[id].quantized)
      fail(std::string(role) + " " + label(id) + " must be quantised");
  }
  void weight(uint32_t id, DType dtype, const char *role) const {
    dtypeIs(id, {dtype}, role);
    if (program.tensors[id].region != Region::Weights)
      fail(std::string(role) + " " + label(id) + " must be a weight");
  }
  /// F32, or quantised (the PPU and TP conversions dequantise/quantise).
  void convertible(uint32_t id, const char *role) const {
    const TensorDesc &t = program.tensors[id];
    if (t.dtype != DType::F32 && !t.quantized)
      fail(std::string(role) + " " + label(id) + " must be f32 or quantised");
  }
  /// A TP source and its output: same dtype, or both convertible.
  void movable(uint32_t source) const {
    if (program.tensors[source].dtype == out().dtype)
      return;
    convertible(source, "source");
    convertible(cmd.outputs[0], "output");
  }

  void words(uint64_t count) const {
    if (cmd.paramsCount != count)
      fail("needs " + std::to_string(count) + " params words, has " +
           std::to_string(cmd.paramsCount));
  }
  void atLeastWords(uint64_t count) const {
    if (cmd.paramsCount < count)
      fail("needs at least " + std::to_string(count) + " params words, has " +
           std::to_string(cmd.paramsCount));
  }
  uint32_t word(size_t i) const { return program.params[cmd.paramsOffset + i]; }
  int32_t signedWord(size_t i) const { return static_cast<int32_t>(word(i)); }

  /// Words [first, ...): count (1 or `channels`), then count (multiplier, shift) pairs,
  /// then the output-stage table's words (tableWords).
  void requantWords(size_t first, uint64_t channels) const {
    atLeastWords(first + 1);
    const uint32_t count = word(first);
    if (count != 1 && count != channels)
      fail("requant count " + std::to_string(count) + " must be 1 or " + std::to_string(channels));
    const uint64_t end = first + 1 + 2 * uint64_t(count);
    words(end + (has(3) ? 5 : 0));
    tableWords(end);
  }
  /// An NN output-stage table (input slot 3): its 5 words at `first` are the
  /// quantisation of the requantised result it reads (scale bits, zero point,
  /// qmin, qmax, storage bits 8|16); the table has 2^bits entries of the
  /// output's dtype.
  void tableWords(size_t first) const {
    if (!has(3))
      return;
    weight(inId(3), out().dtype, "table");
    const float scale = wordFloat(word(first));
    const int32_t zero = signedWord(first + 1), qmin = signedWord(first + 2),
                  qmax = signedWord(first + 3);
    const uint32_t bits = word(first + 4);
    if (bits != 8 && bits != 16)
      fail("table input storage must be 8 or 16 bits");
    const int32_t lo = bits == 8 ? -128 : -32768, hi = bits == 8 ? 127 : 32767;
    if (!(scale > 0) || !std::isfinite(scale) || qmin < lo || qmax > hi || qmin > zero ||
        zero > qmax)
      fail("invalid table input quantisation");
    if (numel(inId(3)) != (bits == 8 ? 256u : 65536u))
      fail("table " + label(inId(3)) + " must have " + std::to_string(1u << bits) + " entries");
  }
  void axisInRange(int32_t axis, size_t rank, const char *what) const {
    if (axis < -static_cast<int64_t>(rank) || axis >= static_cast<int64_t>(rank))
      fail(std::string(what) + " " + std::to_string(axis) + " is out of range for rank " +
           std::to_string(rank));
  }

  void checkDense(bool conv);
  void checkCopy();
  void checkGather();
  void checkPpu();

  const Program &program;
  const std::vector<uint64_t> &numels;
  size_t index;
  const Command &cmd;
};

void CommandCheck::checkDense(bool conv) {
  operands(2, 2, 1);
  activation(inId(0), "input");
  weight(inId(1), DType::I8, "weight");
  activation(cmd.outputs[0], "output");
  const Shape &w = in(1).shape;
  size_t first = 0;
  if (conv) {
    atLeastWords(2);
    const uint32_t rank = word(0);
    if (rank != 1 && rank != 2)
      fail("spatial rank " + std::to_string(rank) + " must be 1 or 2");
    if (word(1) < 1)
      fail("group must be >= 1");
    first = 2 + 5 * size_t(rank);
    if (w.size() != rank + 2)
      fail("weight " + label(inId(1)) + " must have rank " + std::to_string(rank + 2));
  } else if (w.size() != 2) {
    fail("weight " + label(inId(1)) + " must have rank 2");
  }
  if (has(2)) {
    weight(inId(2), DType::I32, "bias");
    if (in(2).shape.size() != 1 || in(2).shape[0] != w[0])
      fail("bias " + label(inId(2)) + " must have shape " + std::to_string(w[0]));
  }
  requantWords(first, static_cast<uint64_t>(w[0]));
}

void CommandCheck::checkCopy() {
  size_t sources = 0;
  while (sources < kMaxInputs && has(sources))
    ++sources;
  operands(1, sources == 0 ? 0 : sources - 1, 1);
  for (size_t slot = 0; slot < sources; ++slot)
    movable(inId(slot));
  atLeastWords(1);
  const uint32_t copies = word(0);
  words(1 + uint64_t(copies) * kCopyWords);
  for (uint32_t c = 0; c < copies; ++c) {
    const size_t base = 1 + size_t(c) * kCopyWords;
    const std::string what = "copy " + std::to_string(c);
    const uint32_t source = word(base), rank = word(base + 1);
    if (source >= sources)
      fail(what + " reads input slot " + std::to_string(source) + " of " + std::to_string(sources));
    if (rank > static_cast<uint32_t>(kMaxRank))
      fail(what + " has rank " + std::to_string(rank));
    bool empty = false;
    for (uint32_t d = 0; d < rank; ++d)
      empty |= word(base + 2 + d) == 0;
    if (empty)
      continue;
    // The highest element reached: offset + sum (shape - 1) * stride (strides are unsigned).
    auto last = [&](size_t offsetWord, size_t strideWord) {
      uint64_t at = word(offsetWord);
      for (uint32_t d = 0; d < rank; ++d) {
        const uint64_t step = uint64_t(word(base + 2 + d) - 1) * word(strideWord + d);
        if (__builtin_add_overflow(at, step, &at))
          return ~uint64_t(0);
      }
      return at;
    };
    const uint32_t src = inId(source), dst = cmd.outputs[0];
    if (last(base + 8, base + 9) >= numel(src))
      fail(what + " reads beyond source " + label(src) + " (" + std::to_string(numel(src)) +
           " elements)");
    if (last(base + 15, base + 16) >= numel(dst))
      fail(what + " writes beyond output " + label(dst) + " (" + std::to_string(numel(dst)) +
           " elements)");
  }
}

void CommandCheck::checkGather() {
  operands(2, 0, 1);
  movable(inId(0));
  weight(inId(1), DType::I32, "index");
  words(0);
  const uint32_t indexId = inId(1), output = cmd.outputs[0];
  if (numel(indexId) != numel(output))
    fail("index " + label(indexId) + " has " + std::to_string(numel(indexId)) +
         " elements, the output " + std::to_string(numel(output)));
  const uint64_t limit = numel(inId(0));
  // Each index value is 4 little-endian bytes; decoded chunks may split one.
  uint64_t position = 0;
  uint32_t value = 0;
  auto check = [&](uint32_t index) {
    if (static_cast<int32_t>(index) < 0 || index >= limit)
      fail("index " + label(indexId) + " element " + std::to_string(position / 4 - 1) + " is " +
           std::to_string(static_cast<int32_t>(index)) + ", outside the input's " +
           std::to_string(limit) + " elements");
  };
  auto onByte = [&](uint8_t byte) {
    value |= uint32_t(byte) << (8 * (position % 4));
    if (++position % 4 == 0)
      check(value), value = 0;
  };
  auto onZeros = [&](uint64_t count) {
    while (count > 0 && position % 4 != 0)
      onByte(0), --count;
    if (count >= 4) {
      position += count / 4 * 4;
      check(0);
    }
    for (count %= 4; count > 0; --count)
      onByte(0);
  };
  const TensorDesc &t = in(1);
  if (t.encoding == WeightEncoding::Raw)
    for (uint8_t byte : t.stored)
      onByte(byte);
  else
    scanZeroRun(t.stored.data(), t.stored.size(), numel(indexId) * 4, onZeros,
                [&](const uint8_t *data, size_t size) {
                  for (size_t i = 0; i < size; ++i)
                    onByte(data[i]);
                });
}

void CommandCheck::checkPpu() {
  atLeastWords(1);
  const uint32_t kind = word(0);
  size_t inputs = 1, optional = 0;
  switch (static_cast<PpuKind>(kind)) {
  case PpuKind::Unary:
    words(2);
    if (word(1) < uint32_t(PpuUnary::Neg) || word(1) > uint32_t(PpuUnary::GeluTanh))
      fail("unknown unary op code " + std::to_string(word(1)));
    break;
  case PpuKind::LeakyRelu:
  case PpuKind::Elu:
    words(2);
    break;
  case PpuKind::HardSigmoid:
    words(3);
    break;
  case PpuKind::Binary:
    inputs = 2;
    words(2);
    if (word(1) < uint32_t(PpuBinary::Add) || word(1) > uint32_t(PpuBinary::Max))
      fail("unknown binary op code " + std::to_string(word(1)));
    break;
  case PpuKind::LayerNorm:
    inputs = 2, optional = 1;
    words(3);
    if (!(wordFloat(word(2)) >= 0) || !std::isfinite(wordFloat(word(2))))
      fail("epsilon must be finite and >= 0");
    break;
  case PpuKind::Softmax:
    words(2);
    break;
  case PpuKind::Reduce:
    atLeastWords(4);
    if (word(1) < uint32_t(PpuReduce::Mean) || word(1) > uint32_t(PpuReduce::Min))
      fail("unknown reduce op code " + std::to_string(word(1)));
    if (word(2) > 1)
      fail("keepDims must be 0 or 1");
    words(4 + uint64_t(word(3)));
    break;
  case PpuKind::Pad:
    optional = 1;
    atLeastWords(3);
    if (word(1) > 2)
      fail("unknown pad mode " + std::to_string(word(1)));
    words(3 + uint64_t(word(2)));
    break;
  case PpuKind::GlobalAveragePool:
  case PpuKind::Identity:
    words(1);
    break;
  default:
    fail("unknown ppu kind " + std::to_string(kind));
  }
  operands(inputs, optional, 1);
  for (size_t slot = 0; slot < kMaxInputs; ++slot)
    if (has(slot))
      convertible(inId(slot), "input");
  convertible(cmd.outputs[0], "output");
  const size_t rank = in(0).shape.size();
  const PpuKind ppuKind = static_cast<PpuKind>(kind);
  if (ppuKind == PpuKind::LayerNorm || ppuKind == PpuKind::Softmax)
    axisInRange(signedWord(1), rank, "axis");
  if (ppuKind == PpuKind::Reduce) {
    std::vector<bool> seen(rank, false);
    for (uint32_t i = 0; i < word(3); ++i) {
      const int32_t axis = signedWord(4 + i);
      axisInRange(axis, rank, "reduce axis");
      const size_t normalized = axis < 0 ? axis + rank : axis;
      if (seen[normalized])
        fail("reduce axis " + std::to_string(axis) + " repeats");
      seen[normalized] = true;
    }
  }
  if (ppuKind == PpuKind::Pad && word(2) != 2 * rank)
    fail("pad count " + std::to_string(word(2)) + " must be 2 x the input rank " +
         std::to_string(rank));
}

void CommandCheck::run() {
  if (cmd.unit > Unit::Host)
    fail("invalid unit " + std::to_string(static_cast<int>(cmd.unit)));
  uint64_t paramsEnd = uint64_t(cmd.paramsOffset) + cmd.paramsCount;
  if (paramsEnd > program.params.size())
    fail("params [" + std::to_string(cmd.paramsOffset) + ", " + std::to_string(paramsEnd) +
         ") exceed the " + std::to_string(program.params.size()) + " params words");
  if ((cmd.opcode == Opcode::End) != (index + 1 == program.commands.size()))
    fail(cmd.opcode == Opcode::End ? "end must be the last command"
                                   : "the last command must be end");
  switch (cmd.opcode) {
  case Opcode::NnGemm:
    return checkDense(/*conv=*/false);
  case Opcode::NnConv:
    return checkDense(/*conv=*/true);
  case Opcode::NnMatMul:
    operands(2, 2, 1);
    if (has(2))
      fail("input 2 must be empty");
    activation(inId(0), "input a");
    activation(inId(1), "input b");
    activation(cmd.outputs[0], "output");
    words(has(3) ? 9 : 4);
    if (word(0) > 1 || word(1) > 1)
      fail("transposeA and transposeB must be 0 or 1");
    tableWords(4);
    return;
  case Opcode::NnAttention:
    operands(3, 1, 1);
    for (size_t slot = 0; slot < 3; ++slot)
      activation(inId(slot), "input");
    if (has(3))
      weight(inId(3), DType::F32, "bias");
    activation(cmd.outputs[0], "output");
    words(3);
    if (word(0) < 1)
      fail("heads must be >= 1");
    if (!std::isfinite(wordFloat(word(1))) || !std::isfinite(wordFloat(word(2))))
      fail("scoreScale and valueRatio must be finite");
    return;
  case Opcode::TpAdd:
    operands(2, 0, 1);
    for (uint32_t id : {inId(0), inId(1), cmd.outputs[0]}) {
      dtypeIs(id, {DType::I8, DType::I16, DType::U8}, "operand");
      if (!program.tensors[id].quantized)
        fail("operand " + label(id) + " must be quantised");
    }
    return words(4);
  case Opcode::TpCopy:
    return checkCopy();
  case Opcode::TpGather:
    return checkGather();
  case Opcode::TpLut: {
    operands(2, 0, 1);
    dtypeIs(inId(0), {DType::I8, DType::I16}, "input");
    weight(inId(1), out().dtype, "table");
    words(0);
    const uint64_t entries = in(0).dtype == DType::I8 ? 256 : 65536;
    if (numel(inId(1)) != entries)
      fail("table " + label(inId(1)) + " must have " + std::to_string(entries) + " entries");
    if (numel(inId(0)) != numel(cmd.outputs[0]))
      fail("input and output element counts differ");
    return;
  }
  case Opcode::PpuOp:
    return checkPpu();
  case Opcode::Dma:
    operands(1, 0, 1);
    words(0);
    if (numel(inId(0)) * dtypeSize(in(0).dtype) != numel(cmd.outputs[0]) * dtypeSize(out().dtype))
      fail("input " + label(inId(0)) + " and output " + label(cmd.outputs[0]) +
           " differ in byte size");
    return;
  case Opcode::End:
    operands(0, 0, 0);
    return words(0);
  }
  fail("invalid opcode " + std::to_string(static_cast<int>(cmd.opcode)));
}

} // namespace

void checkCommand(const Program &program, const std::vector<uint64_t> &numels, size_t index) {
  CommandCheck(program, numels, index).run();
}

} // namespace vitc::rt::npu::detail
