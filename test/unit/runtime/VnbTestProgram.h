//===- VnbTestProgram.h - A small NPU program with every opcode -*- C++ -*-===//
//
// Built by hand for the .vnb tests (VnbFormatTest.cpp) and the loader
// fuzzer's seeds (test/fuzz/VnbSeeds.cpp): one command of each opcode over
// tiny tensors in all three regions. The GEMM weight is sparse, so
// compressWeights stores it zero-run encoded.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_TEST_VNBTESTPROGRAM_H
#define VITC_TEST_VNBTESTPROGRAM_H

#include "vitc/rt/npu/Program.h"

#include <algorithm>
#include <cstring>
#include <initializer_list>

namespace vnbtest {

using namespace vitc::rt;
using namespace vitc::rt::npu;

/// The TpGather index table's tensor id in everyOpcodeProgram.
constexpr uint32_t kGatherIndex = 10;

class ProgramBuilder {
public:
  Program program;

  /// A tensor placed at the next 8-byte aligned offset of its region.
  uint32_t tensor(const std::string &name, DType dtype, Shape shape, Region region,
                  bool quantized = false) {
    TensorDesc t;
    t.name = name;
    t.dtype = dtype;
    t.shape = std::move(shape);
    t.region = region;
    uint64_t &end = region == Region::Weights ? program.weightBytes
                    : region == Region::Dram  ? program.dramBytes
                                              : program.sramBytes;
    t.offset = end;
    end = (end + t.byteSize() + 7) / 8 * 8;
    t.quantized = quantized;
    if (quantized)
      t.quant = QuantSpec{0.05f, 0, -128, 127, dtype};
    if (region == Region::Weights)
      t.stored.assign(t.byteSize(), 0);
    program.tensors.push_back(t);
    return static_cast<uint32_t>(program.tensors.size() - 1);
  }
  template <typename T> void fill(uint32_t id, const std::vector<T> &values) {
    std::memcpy(program.tensors[id].stored.data(), values.data(), values.size() * sizeof(T));
  }
  void command(Opcode opcode, Unit unit, const std::string &layer,
               std::initializer_list<uint32_t> inputs, uint32_t output,
               std::initializer_list<uint32_t> params) {
    Command c;
    c.opcode = opcode;
    c.unit = unit;
    c.layer = layer;
    std::copy(inputs.begin(), inputs.end(), c.inputs.begin());
    c.outputs[0] = output;
    c.paramsOffset = static_cast<uint32_t>(program.params.size());
    c.paramsCount = static_cast<uint32_t>(params.size());
    program.params.insert(program.params.end(), params.begin(), params.end());
    program.commands.push_back(c);
  }
};

inline Program everyOpcodeProgram() {
  ProgramBuilder b;
  b.program.config.name = "small";
  b.program.config.clockMhz = 650;
  b.program.config.nnCores = 1;
  b.program.config.macsPerCycleInt8 = 768;
  b.program.config.macsPerCycleInt16 = 384;
  b.program.config.macsPerCycleInt4Weights = 1536;
  b.program.config.tpElementsPerCycle = 16;
  b.program.config.ppuElementsPerCycle = 16;
  b.program.config.sramBytes = 524288;
  b.program.config.dramBytesPerCycle = 8;
  const auto W = Region::Weights, D = Region::Dram, S = Region::Sram;
  const uint32_t x = b.tensor("x", DType::I8, {1, 4, 8}, D, true);
  const uint32_t fcWeight = b.tensor("fc.weight", DType::I8, {6, 8}, W);
  const uint32_t fcBias = b.tensor("fc.bias", DType::I32, {6}, W);
  const uint32_t fcOut = b.tensor("fc.out", DType::I8, {1, 4, 6}, S, true);
  const uint32_t convX = b.tensor("conv.x", DType::I8, {1, 2, 4, 4}, D, true);
  const uint32_t convWeight = b.tensor("conv.weight", DType::I8, {3, 2, 2, 2}, W);
  const uint32_t convOut = b.tensor("conv.out", DType::I8, {1, 3, 2, 2}, S, true);
  const uint32_t mmOut = b.tensor("mm.out", DType::I8, {1, 4, 4}, S, true);
  const uint32_t addOut = b.tensor("add.out", DType::I8, {1, 4, 6}, S, true);
  const uint32_t copyOut = b.tensor("copy.out", DType::I8, {2, 4, 8}, D, true);
  const uint32_t index = b.tensor("gather.index", DType::I32, {1, 4, 8}, W);
  const uint32_t gatherOut = b.tensor("gather.out", DType::I8, {1, 4, 8}, S, true);
  const uint32_t attnBias = b.tensor("attn.bias", DType::F32, {1, 1, 4, 4}, W);
  const uint32_t attnOut = b.tensor("attn.out", DType::I8, {1, 4, 8}, S, true);
  const uint32_t table = b.tensor("lut.table", DType::I8, {256}, W);
  const uint32_t lutOut = b.tensor("lut.out", DType::I8, {1, 4, 8}, S, true);
  const uint32_t lnScale = b.tensor("ln.scale", DType::F32, {8}, W);
  const uint32_t lnOut = b.tensor("ln.out", DType::F32, {1, 4, 8}, D);
  const uint32_t dmaOut = b.tensor("dma.out", DType::I8, {1, 4, 6}, D);
  b.program.tensors[x].inputIndex = 0;
  b.program.tensors[lnOut].outputIndex = 0;
  b.program.tensors[dmaOut].outputIndex = 1;

  std::vector<int8_t> sparse(48, 0);
  sparse[3] = 7, sparse[40] = -2;
  b.fill(fcWeight, sparse);
  b.fill(fcBias, std::vector<int32_t>{1, -2, 3, -4, 5, -6});
  b.fill(convWeight, std::vector<int8_t>(24, 3));
  std::vector<int32_t> indices(32);
  for (size_t i = 0; i < indices.size(); ++i)
    indices[i] = static_cast<int32_t>(i * 5 % 32);
  b.fill(index, indices);
  b.fill(attnBias, std::vector<float>(16, -0.5f));
  std::vector<int8_t> lut(256);
  for (size_t i = 0; i < lut.size(); ++i)
    lut[i] = static_cast<int8_t>(255 - i);
  b.fill(table, lut);
  b.fill(lnScale, std::vector<float>(8, 1.5f));

  const uint32_t none = kNone;
  b.command(Opcode::NnGemm, Unit::Nn, "fc", {x, fcWeight, fcBias}, fcOut, {1, 1234567890, 5});
  b.program.commands.back().tile = {4, 6, 8};
  b.program.commands.back().sramScratchBytes = 4096;
  b.command(Opcode::NnConv, Unit::Nn, "conv", {convX, convWeight, none}, convOut,
            {2, 1, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1, 1100000000, 3});
  // With an output-stage table (slot 3) and its 5 words: scale, zero point, qmin, qmax, bits.
  b.command(Opcode::NnMatMul, Unit::Nn, "mm", {x, x, none, table}, mmOut,
            {0, 1, 1500000000, 4, floatWord(0.05f), static_cast<uint32_t>(-7),
             static_cast<uint32_t>(-128), 127, 8});
  b.command(Opcode::NnAttention, Unit::Nn, "attn", {x, x, x, attnBias}, attnOut,
            {2, floatWord(0.125f), floatWord(0.5f)});
  b.command(Opcode::TpAdd, Unit::Tp, "add", {fcOut, fcOut}, addOut,
            {1100000000, 1, 1200000000, static_cast<uint32_t>(-1)});
  std::vector<uint32_t> copies = {2};
  const std::vector<uint32_t> first = {0, 2, 4, 8, 0, 0, 0, 0, 0, 8, 1,
                                       0, 0, 0, 0, 0, 8, 1, 0, 0, 0, 0};
  const std::vector<uint32_t> second = {1, 2, 4, 4, 0,  0, 0, 0, 0, 4, 1,
                                        0, 0, 0, 0, 32, 8, 1, 0, 0, 0, 0};
  copies.insert(copies.end(), first.begin(), first.end());
  copies.insert(copies.end(), second.begin(), second.end());
  b.command(Opcode::TpCopy, Unit::Tp, "copy", {x, mmOut}, copyOut, {});
  b.program.commands.back().paramsCount = static_cast<uint32_t>(copies.size());
  b.program.params.insert(b.program.params.end(), copies.begin(), copies.end());
  b.command(Opcode::TpGather, Unit::Tp, "gather", {x, index}, gatherOut, {});
  b.command(Opcode::TpLut, Unit::Tp, "lut", {x, table}, lutOut, {});
  b.command(Opcode::PpuOp, Unit::Ppu, "ln", {x, lnScale, none}, lnOut,
            {uint32_t(PpuKind::LayerNorm), static_cast<uint32_t>(-1), floatWord(1e-6f)});
  b.command(Opcode::Dma, Unit::Dma, "dma", {fcOut}, dmaOut, {});
  b.command(Opcode::End, Unit::Host, "", {}, kNone, {});
  return b.program;
}

} // namespace vnbtest

#endif // VITC_TEST_VNBTESTPROGRAM_H
