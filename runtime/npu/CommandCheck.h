//===- CommandCheck.h - One command's checks, library-private ------*- C++ -*-===//
//
// The per-opcode checks of validateProgram (Program.h lists each opcode's
// operands and params words): NN, TP add, DMA and end in ProgramCommands.cpp,
// data movement and PPU ops in ProgramMoveChecks.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_RT_NPU_COMMANDCHECK_H
#define VITC_RT_NPU_COMMANDCHECK_H

#include "ProgramChecks.h"

#include "vitc/rt/Error.h"

#include <cmath>
#include <initializer_list>
#include <string>
#include <vector>

namespace vitc::rt::npu::detail {

/// Words per TpCopy box (Program.h).
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

} // namespace vitc::rt::npu::detail

#endif // VITC_RT_NPU_COMMANDCHECK_H
