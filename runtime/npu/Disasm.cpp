//===- Disasm.cpp - Readable text of an NPU program ------------------------===//
//
// One header line, the tensor table, one line per command. Params are
// decoded per opcode with Program.h's layouts; a word outside the command's
// params range prints as "?" rather than being read.
//
//===----------------------------------------------------------------------===//
#include "vitc/rt/npu/Format.h"

#include <sstream>

namespace vitc::rt::npu {
namespace {

const char *const kUnaryNames[] = {"neg",  "abs",        "sqrt",    "exp",      "log",
                                   "erf",  "reciprocal", "floor",   "ceil",     "round",
                                   "sign", "relu",       "sigmoid", "tanh",     "hard_swish",
                                   "sin",  "cos",        "gelu",    "gelu_tanh"};
const char *const kBinaryNames[] = {"add", "sub", "mul", "div", "pow", "min", "max"};
const char *const kReduceNames[] = {"mean", "sum", "max", "min"};
const char *const kPadModes[] = {"constant", "reflect", "edge"};

template <size_t N> const char *codeName(const char *const (&names)[N], uint32_t code) {
  return code >= 1 && code <= N ? names[code - 1] : "unknown";
}

class CommandPrinter {
public:
  CommandPrinter(const Program &program, const Command &command, std::ostream &out)
      : program(program), cmd(command), out(out) {}

  void params() {
    switch (cmd.opcode) {
    case Opcode::NnGemm:
      requant(0);
      return table(has(0) ? 1 + 2 * size_t(word(0)) : 0);
    case Opcode::NnConv: {
      const uint32_t rank = has(0) ? word(0) : 0;
      out << " rank=" << rank << " group=" << text(1);
      list("kernel", 2, rank);
      list("strides", 2 + rank, rank);
      list("pads", 2 + 2 * rank, 2 * rank);
      list("dilations", 2 + 4 * rank, rank);
      requant(2 + 5 * rank);
      return table(has(2 + 5 * rank) ? 3 + 5 * rank + 2 * size_t(word(2 + 5 * rank)) : 0);
    }
    case Opcode::NnMatMul:
      out << " transpose_a=" << text(0) << " transpose_b=" << text(1) << " requant(" << text(2)
          << ", " << signedText(3) << ")";
      return table(4);
    case Opcode::NnAttention:
      out << " heads=" << text(0) << " score_scale=" << floatText(1)
          << " value_ratio=" << floatText(2);
      return;
    case Opcode::TpAdd:
      out << " a_requant(" << text(0) << ", " << signedText(1) << ") b_requant(" << text(2) << ", "
          << signedText(3) << ")";
      return;
    case Opcode::TpCopy:
      return copies();
    case Opcode::PpuOp:
      return ppu();
    default:
      return;
    }
  }

private:
  bool has(size_t i) const {
    return i < cmd.paramsCount && cmd.paramsOffset + i < program.params.size();
  }
  uint32_t word(size_t i) const { return program.params[cmd.paramsOffset + i]; }
  std::string text(size_t i) const { return has(i) ? std::to_string(word(i)) : "?"; }
  std::string signedText(size_t i) const {
    return has(i) ? std::to_string(static_cast<int32_t>(word(i))) : "?";
  }
  std::string floatText(size_t i) const {
    if (!has(i))
      return "?";
    std::ostringstream value;
    value << wordFloat(word(i));
    return value.str();
  }
  void list(const char *name, size_t first, size_t count, bool isSigned = false) {
    out << (*name ? std::string(" ") + name + "=[" : std::string("/["));
    for (size_t i = 0; i < count; ++i)
      out << (i ? "," : "") << (isSigned ? signedText(first + i) : text(first + i));
    out << "]";
  }
  void requant(size_t first) {
    if (!has(first))
      return;
    if (word(first) == 1)
      out << " requant(" << text(first + 1) << ", " << signedText(first + 2) << ")";
    else
      out << " requant x" << word(first);
  }
  /// An NN output-stage table's words at `first` (when input slot 3 is set).
  void table(size_t first) {
    if (cmd.inputs[3] == kNone || !has(first + 4))
      return;
    out << " table_input(scale=" << floatText(first) << " zp=" << signedText(first + 1)
        << " range=[" << signedText(first + 2) << ", " << signedText(first + 3)
        << "] bits=" << text(first + 4) << ")";
  }
  void copies() {
    const uint32_t count = has(0) ? word(0) : 0;
    out << " copies=" << count;
    for (uint32_t c = 0; c < count && has(1 + 22 * size_t(c) + 21); ++c) {
      const size_t base = 1 + 22 * size_t(c);
      const uint32_t rank = word(base + 1) <= kMaxRank ? word(base + 1) : 0;
      out << " {in" << word(base) << " box=[";
      for (uint32_t d = 0; d < rank; ++d)
        out << (d ? "x" : "") << word(base + 2 + d);
      out << "] src@" << word(base + 8);
      list("", base + 9, rank);
      out << " dst@" << word(base + 15);
      list("", base + 16, rank);
      out << "}";
    }
  }
  void ppu() {
    const uint32_t kind = has(0) ? word(0) : 0;
    switch (static_cast<PpuKind>(kind)) {
    case PpuKind::Unary:
      out << " ppu.unary " << (has(1) ? codeName(kUnaryNames, word(1)) : "?");
      return;
    case PpuKind::LeakyRelu:
      out << " ppu.leaky_relu alpha=" << floatText(1);
      return;
    case PpuKind::HardSigmoid:
      out << " ppu.hard_sigmoid alpha=" << floatText(1) << " beta=" << floatText(2);
      return;
    case PpuKind::Elu:
      out << " ppu.elu alpha=" << floatText(1);
      return;
    case PpuKind::Binary:
      out << " ppu.binary " << (has(1) ? codeName(kBinaryNames, word(1)) : "?");
      return;
    case PpuKind::LayerNorm:
      out << " ppu.layer_norm axis=" << signedText(1) << " eps=" << floatText(2);
      return;
    case PpuKind::Softmax:
      out << " ppu.softmax axis=" << signedText(1);
      return;
    case PpuKind::Reduce:
      out << " ppu.reduce " << (has(1) ? codeName(kReduceNames, word(1)) : "?")
          << " keep_dims=" << text(2);
      list("axes", 4, has(3) ? word(3) : 0, /*isSigned=*/true);
      return;
    case PpuKind::GlobalAveragePool:
      out << " ppu.global_average_pool";
      return;
    case PpuKind::Pad:
      out << " ppu.pad " << (has(1) && word(1) < 3 ? kPadModes[word(1)] : "?");
      list("pads", 3, has(2) ? word(2) : 0, /*isSigned=*/true);
      return;
    case PpuKind::Identity:
      out << " ppu.identity";
      return;
    }
    out << " ppu.unknown(" << kind << ")";
  }

  const Program &program;
  const Command &cmd;
  std::ostream &out;
};

void printTensor(std::ostream &out, uint32_t id, const TensorDesc &t) {
  out << "  %" << id << " '" << t.name << "' " << dtypeName(t.dtype) << " "
      << shapeToString(t.shape) << " " << regionName(t.region) << "@" << t.offset;
  if (t.quantized)
    out << " scale=" << t.quant.scale << " zp=" << t.quant.zeroPoint;
  if (t.inputIndex >= 0)
    out << " input#" << t.inputIndex;
  if (t.outputIndex >= 0)
    out << " output#" << t.outputIndex;
  if (t.region == Region::Weights)
    out << (t.encoding == WeightEncoding::ZeroRun ? " zero_run " : " raw ") << t.stored.size()
        << "/" << t.byteSize() << " bytes";
  out << "\n";
}

void printOperands(std::ostream &out, const Command &c) {
  bool first = true;
  for (uint32_t id : c.inputs)
    if (id != kNone)
      out << (first ? " " : ", ") << "%" << id, first = false;
  out << " ->";
  for (uint32_t id : c.outputs)
    if (id != kNone)
      out << " %" << id;
}

} // namespace

std::string disassemble(const Program &program) {
  std::ostringstream out;
  out << "npu '" << program.config.name << "' clock " << program.config.clockMhz << " MHz, sram "
      << program.config.sramBytes << " bytes; arenas: weights " << program.weightBytes << ", dram "
      << program.dramBytes << ", sram " << program.sramBytes << " bytes\n";
  out << "tensors (" << program.tensors.size() << "):\n";
  for (uint32_t id = 0; id < program.tensors.size(); ++id)
    printTensor(out, id, program.tensors[id]);
  out << "commands (" << program.commands.size() << "):\n";
  for (size_t i = 0; i < program.commands.size(); ++i) {
    const Command &c = program.commands[i];
    out << "  " << i << " " << unitName(c.unit) << " " << opcodeName(c.opcode) << " [" << c.layer
        << "]";
    printOperands(out, c);
    if (c.tile[0] || c.tile[1] || c.tile[2])
      out << " tile=" << c.tile[0] << "x" << c.tile[1] << "x" << c.tile[2];
    if (c.sramScratchBytes)
      out << " scratch=" << c.sramScratchBytes;
    CommandPrinter(program, c, out).params();
    out << "\n";
  }
  return out.str();
}

} // namespace vitc::rt::npu
