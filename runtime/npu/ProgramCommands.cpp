//===- ProgramCommands.cpp - Per-opcode checks of validateProgram ----------===//
//
// Each opcode's operands (which slots are required, optional or empty, their
// dtypes and regions) and params words, as listed in Program.h. Outputs
// never live in the read-only weight region. The data-movement and PPU
// checks are in ProgramMoveChecks.cpp.
//
//===----------------------------------------------------------------------===//
#include "CommandCheck.h"

namespace vitc::rt::npu::detail {

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

void checkCommand(const Program &program, const std::vector<uint64_t> &numels, size_t index) {
  CommandCheck(program, numels, index).run();
}

} // namespace vitc::rt::npu::detail
