//===- NpuProgramBuilder.h - Hand-built NPU programs for the tests -*- C++ -*-===//
//
// Shared by NpuSimulatorTest.cpp and NpuCostModelTest.cpp: places tensors in
// the three regions (64-byte aligned, or at a given offset to share bytes),
// appends commands with their params words, and compares results bit for bit.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_TEST_UNIT_RUNTIME_NPUPROGRAMBUILDER_H
#define VITC_TEST_UNIT_RUNTIME_NPUPROGRAMBUILDER_H

#include "vitc/rt/npu/Simulator.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <optional>

namespace vitc::rt::testing {

class NpuProgramBuilder {
public:
  explicit NpuProgramBuilder(const std::string &preset = "small") {
    program_.config = npu::loadNpuConfig(preset);
  }

  /// A tensor after the last one of `region`, or at `offset` when given.
  uint32_t tensor(const std::string &name, DType dtype, Shape shape, npu::Region region,
                  std::optional<QuantSpec> quant = std::nullopt,
                  std::optional<uint64_t> offset = std::nullopt) {
    uint64_t &size = regionSize(region);
    npu::TensorDesc desc;
    desc.name = name;
    desc.dtype = dtype;
    desc.shape = std::move(shape);
    desc.region = region;
    desc.offset = offset ? *offset : (size + 63) / 64 * 64;
    desc.quantized = quant.has_value();
    if (quant)
      desc.quant = *quant;
    size = std::max(size, desc.offset + desc.byteSize());
    program_.tensors.push_back(std::move(desc));
    return static_cast<uint32_t>(program_.tensors.size() - 1);
  }
  /// A weight holding `values` (stored raw).
  uint32_t weight(const std::string &name, const Tensor &values) {
    const uint32_t id = tensor(name, values.dtype(), values.shape(), npu::Region::Weights);
    const auto *bytes = static_cast<const uint8_t *>(values.raw());
    program_.tensors[id].stored.assign(bytes, bytes + values.byteSize());
    return id;
  }
  /// The next model input, in DRAM.
  uint32_t input(const std::string &name, DType dtype, Shape shape,
                 std::optional<QuantSpec> quant = std::nullopt) {
    const uint32_t id = tensor(name, dtype, std::move(shape), npu::Region::Dram, quant);
    program_.tensors[id].inputIndex = inputs_++;
    return id;
  }
  /// The next model output, in DRAM.
  uint32_t output(const std::string &name, DType dtype, Shape shape,
                  std::optional<QuantSpec> quant = std::nullopt) {
    const uint32_t id = tensor(name, dtype, std::move(shape), npu::Region::Dram, quant);
    program_.tensors[id].outputIndex = outputs_++;
    return id;
  }

  npu::Command &command(npu::Opcode opcode, npu::Unit unit, const std::vector<uint32_t> &inputs,
                        uint32_t output, const std::vector<uint32_t> &params = {}) {
    npu::Command command;
    command.opcode = opcode;
    command.unit = unit;
    command.layer =
        std::string(npu::opcodeName(opcode)) + "_" + std::to_string(program_.commands.size());
    std::copy(inputs.begin(), inputs.end(), command.inputs.begin());
    command.outputs[0] = output;
    command.paramsOffset = static_cast<uint32_t>(program_.params.size());
    command.paramsCount = static_cast<uint32_t>(params.size());
    program_.params.insert(program_.params.end(), params.begin(), params.end());
    program_.commands.push_back(std::move(command));
    return program_.commands.back();
  }

  /// The program with its End command.
  npu::Program build() {
    npu::Program program = program_;
    npu::Command end;
    end.opcode = npu::Opcode::End;
    program.commands.push_back(end);
    return program;
  }

private:
  uint64_t &regionSize(npu::Region region) {
    return region == npu::Region::Weights ? program_.weightBytes
           : region == npu::Region::Dram  ? program_.dramBytes
                                          : program_.sramBytes;
  }

  npu::Program program_;
  int32_t inputs_ = 0, outputs_ = 0;
};

/// The words of a list of requants: count, then (multiplier, shift) pairs.
inline std::vector<uint32_t> requantWords(const std::vector<Requant> &requants) {
  std::vector<uint32_t> words{static_cast<uint32_t>(requants.size())};
  for (const Requant &r : requants) {
    words.push_back(static_cast<uint32_t>(r.multiplier));
    words.push_back(static_cast<uint32_t>(r.shift));
  }
  return words;
}

/// Same dtype, shape and bytes.
inline void checkBitExact(const Tensor &got, const Tensor &want) {
  REQUIRE(got.dtype() == want.dtype());
  REQUIRE(got.shape() == want.shape());
  CHECK(std::memcmp(got.raw(), want.raw(), want.byteSize()) == 0);
}

} // namespace vitc::rt::testing

#endif // VITC_TEST_UNIT_RUNTIME_NPUPROGRAMBUILDER_H
