//===- VnbFormatTest.cpp - .vnb writer/loader, zero-run weights, refusals -===//
#include "VnbTestProgram.h"

#include "vitc/rt/Error.h"
#include "vitc/rt/npu/Format.h"

#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <random>

using namespace vitc::rt;
using namespace vitc::rt::npu;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

void requireSameTensor(const TensorDesc &a, const TensorDesc &b) {
  INFO("tensor '" << a.name << "'");
  CHECK(a.name == b.name);
  CHECK(a.dtype == b.dtype);
  CHECK(a.shape == b.shape);
  CHECK(a.region == b.region);
  CHECK(a.offset == b.offset);
  CHECK(a.quantized == b.quantized);
  CHECK(floatWord(a.quant.scale) == floatWord(b.quant.scale));
  CHECK(a.quant.zeroPoint == b.quant.zeroPoint);
  CHECK(a.quant.qmin == b.quant.qmin);
  CHECK(a.quant.qmax == b.quant.qmax);
  CHECK(a.quant.storage == b.quant.storage);
  CHECK(a.inputIndex == b.inputIndex);
  CHECK(a.outputIndex == b.outputIndex);
  CHECK(a.encoding == b.encoding);
  CHECK(a.stored == b.stored);
}

void requireSameCommand(const Command &a, const Command &b) {
  INFO("command " << opcodeName(a.opcode) << " '" << a.layer << "'");
  CHECK(a.opcode == b.opcode);
  CHECK(a.unit == b.unit);
  CHECK(a.layer == b.layer);
  CHECK(a.inputs == b.inputs);
  CHECK(a.outputs == b.outputs);
  CHECK(a.paramsOffset == b.paramsOffset);
  CHECK(a.paramsCount == b.paramsCount);
  CHECK(a.tile == b.tile);
  CHECK(a.sramScratchBytes == b.sramScratchBytes);
}

void requireSameProgram(const Program &a, const Program &b) {
  CHECK(a.config.name == b.config.name);
  CHECK(a.config.clockMhz == b.config.clockMhz);
  CHECK(a.config.nnCores == b.config.nnCores);
  CHECK(a.config.macsPerCycleInt8 == b.config.macsPerCycleInt8);
  CHECK(a.config.macsPerCycleInt16 == b.config.macsPerCycleInt16);
  CHECK(a.config.macsPerCycleInt4Weights == b.config.macsPerCycleInt4Weights);
  CHECK(a.config.tpElementsPerCycle == b.config.tpElementsPerCycle);
  CHECK(a.config.ppuElementsPerCycle == b.config.ppuElementsPerCycle);
  CHECK(a.config.sramBytes == b.config.sramBytes);
  CHECK(a.config.dramBytesPerCycle == b.config.dramBytesPerCycle);
  CHECK(a.weightBytes == b.weightBytes);
  CHECK(a.dramBytes == b.dramBytes);
  CHECK(a.sramBytes == b.sramBytes);
  CHECK(a.params == b.params);
  REQUIRE(a.tensors.size() == b.tensors.size());
  for (size_t i = 0; i < a.tensors.size(); ++i)
    requireSameTensor(a.tensors[i], b.tensors[i]);
  REQUIRE(a.commands.size() == b.commands.size());
  for (size_t i = 0; i < a.commands.size(); ++i)
    requireSameCommand(a.commands[i], b.commands[i]);
}

/// Byte offset of a section in a file written by writeVnb.
uint64_t sectionOffset(const std::vector<uint8_t> &file, VnbSection section) {
  uint64_t offset = 0;
  std::memcpy(&offset, file.data() + kVnbHeaderSize + kVnbSectionEntrySize * uint32_t(section), 8);
  return offset;
}

void resealCrc(std::vector<uint8_t> &file) {
  const uint32_t crc = crc32(file.data() + kVnbCrcStart, file.size() - kVnbCrcStart);
  std::memcpy(file.data() + 4, &crc, 4);
}

Program readBytes(const std::vector<uint8_t> &file) {
  return readVnb(file.data(), file.size(), "test.vnb");
}

} // namespace

TEST_CASE("crc32 matches the IEEE 802.3 check value", "[npu][vnb]") {
  const char *text = "123456789";
  CHECK(crc32(reinterpret_cast<const uint8_t *>(text), 9) == 0xCBF43926u);
  CHECK(crc32(nullptr, 0) == 0);
}

TEST_CASE("a program with every opcode round-trips through .vnb", "[npu][vnb]") {
  const Program program = vnbtest::everyOpcodeProgram();
  REQUIRE(program.commands.size() == 11);
  const std::vector<uint8_t> file = writeVnb(program);
  requireSameProgram(program, readBytes(file));
  CHECK(writeVnb(readBytes(file)) == file); // deterministic

  Program compressed = program;
  compressWeights(compressed);
  const std::vector<uint8_t> smaller = writeVnb(compressed);
  CHECK(smaller.size() < file.size()); // the sparse GEMM weight shrinks
  const Program back = readBytes(smaller);
  requireSameProgram(compressed, back);
  for (size_t i = 0; i < program.tensors.size(); ++i)
    if (program.tensors[i].region == Region::Weights)
      CHECK(decodeWeight(back.tensors[i]) == program.tensors[i].stored);
}

TEST_CASE("the disassembly names every command and decodes params", "[npu][vnb]") {
  const std::string text = disassemble(vnbtest::everyOpcodeProgram());
  CHECK_THAT(text, Contains("npu 'small' clock 650 MHz"));
  CHECK_THAT(text, Contains("%1 'fc.weight' i8 6x8 weights@0 raw 48/48 bytes"));
  CHECK_THAT(
      text,
      Contains(
          "0 nn nn_gemm [fc] %0, %1, %2 -> %3 tile=4x6x8 scratch=4096 requant(1234567890, 5)"));
  CHECK_THAT(text,
             Contains("nn_attention [attn] %0, %0, %0, %12 -> %13 heads=2 score_scale=0.125"));
  CHECK_THAT(text, Contains("copies=2 {in0 box=[4x8] src@0/[8,1] dst@0/[8,1]}"));
  CHECK_THAT(text, Contains("ppu.layer_norm axis=-1 eps=1e-06"));
  CHECK_THAT(text, Contains("nn_matmul [mm] %0, %0, %14 -> %7 transpose_a=0 transpose_b=1 "
                            "requant(1500000000, 4) table_input(scale=0.05 zp=-7 range=[-128, "
                            "127] bits=8)"));
  CHECK_THAT(text, Contains("10 host end [] ->"));
}

TEST_CASE("zero-run encoding round-trips and shrinks sparse data", "[npu][vnb]") {
  std::mt19937 rng(7);
  std::vector<std::vector<uint8_t>> cases = {{}, std::vector<uint8_t>(1000, 0), {0, 0, 1, 0, 0}};
  std::vector<uint8_t> random(4099), sparse(5000, 0);
  for (uint8_t &byte : random)
    byte = static_cast<uint8_t>(rng());
  for (size_t i = 0; i < sparse.size(); i += 97)
    sparse[i] = static_cast<uint8_t>(1 + rng() % 255);
  cases.push_back(random);
  cases.push_back(sparse);
  for (const std::vector<uint8_t> &data : cases) {
    INFO("size " << data.size());
    const std::vector<uint8_t> encoded = encodeZeroRun(data.data(), data.size());
    CHECK(decodeZeroRun(encoded.data(), encoded.size(), data.size()) == data);
    CHECK_THROWS_AS(decodeZeroRun(encoded.data(), encoded.size(), data.size() + 1), Error);
    if (!data.empty())
      CHECK_THROWS_AS(decodeZeroRun(encoded.data(), encoded.size(), data.size() - 1), Error);
  }
  CHECK(encodeZeroRun(cases[1].data(), 1000).size() == 3); // one token: 1000 zeros, 0 literals
  CHECK(encodeZeroRun(sparse.data(), sparse.size()).size() < sparse.size() / 10);
}

TEST_CASE("malformed zero-run streams are refused", "[npu][vnb]") {
  const std::vector<std::vector<uint8_t>> bad = {
      {0x80},                                                          // count cut short
      {0, 0},                                                          // empty token
      {0, 3, 1, 2},                                                    // literal cut short
      {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0}, // count beyond 64 bits
  };
  for (const std::vector<uint8_t> &stream : bad)
    CHECK_THROWS_AS(decodeZeroRun(stream.data(), stream.size(), 3), Error);
}

TEST_CASE("every truncation and every bit flip of a .vnb file is refused", "[npu][vnb]") {
  const std::vector<uint8_t> file = writeVnb(vnbtest::everyOpcodeProgram());
  for (size_t size = 0; size < file.size(); ++size) {
    INFO("prefix " << size);
    CHECK_THROWS_AS(readVnb(file.data(), size, "cut.vnb"), Error);
  }
  CHECK_THROWS_WITH(readVnb(file.data(), file.size() - 1, "cut.vnb"),
                    Contains("cut.vnb: truncated: header says " + std::to_string(file.size()) +
                             " bytes, file has " + std::to_string(file.size() - 1)));
  std::vector<uint8_t> flipped = file;
  size_t refused = 0;
  for (size_t bit = 0; bit < file.size() * 8; ++bit) {
    flipped[bit / 8] ^= uint8_t(1u << (bit % 8));
    try {
      readBytes(flipped);
    } catch (const Error &) {
      ++refused;
    }
    flipped[bit / 8] ^= uint8_t(1u << (bit % 8));
  }
  CHECK(refused == file.size() * 8);
  flipped[200] ^= 1;
  CHECK_THROWS_WITH(readBytes(flipped), Contains("CRC mismatch: the file is corrupted"));
}

TEST_CASE("wrong magic and wrong major version are refused", "[npu][vnb]") {
  std::vector<uint8_t> file = writeVnb(vnbtest::everyOpcodeProgram());
  std::vector<uint8_t> magic = file;
  magic[0] = 'X';
  CHECK_THROWS_WITH(readBytes(magic), Contains("not a .vnb file"));
  file[8] = 2; // major version 2, CRC fixed so the version check is what fires
  resealCrc(file);
  CHECK_THROWS_WITH(readBytes(file),
                    Contains("test.vnb: was written by format version 2.0, this build reads 1.x"));
}

TEST_CASE("a tensor beyond its region is refused by the writer and the loader", "[npu][vnb]") {
  Program program = vnbtest::everyOpcodeProgram();
  std::vector<uint8_t> file = writeVnb(program);
  program.tensors[3].offset = program.sramBytes - 4;
  CHECK_THROWS_WITH(writeVnb(program), Contains("tensor 3 'fc.out'") && Contains("sram region"));
  // The same in a file with a correct CRC: patch tensor 3's offset.
  const uint64_t record = sectionOffset(file, VnbSection::Tensors) + 3 * kVnbTensorRecordSize;
  const uint64_t offset = program.tensors[3].offset;
  std::memcpy(file.data() + record + 40, &offset, 8);
  resealCrc(file);
  CHECK_THROWS_WITH(readBytes(file), Contains("tensor 3 'fc.out'") && Contains("sram region"));
}

TEST_CASE("a gather index out of range is refused by the writer and the loader", "[npu][vnb]") {
  Program program = vnbtest::everyOpcodeProgram();
  std::vector<uint8_t> file = writeVnb(program);
  const uint32_t indexId = vnbtest::kGatherIndex;
  program.tensors[indexId].stored[4] = 32; // element 1 = 32, the input has 32 elements
  CHECK_THROWS_WITH(writeVnb(program), Contains("tp_gather") && Contains("element 1 is 32"));
  uint64_t storedAt = 0;
  const uint64_t record = sectionOffset(file, VnbSection::Tensors) + indexId * kVnbTensorRecordSize;
  std::memcpy(&storedAt, file.data() + record + 96, 8);
  file[sectionOffset(file, VnbSection::Weights) + storedAt + 4] = 32;
  resealCrc(file);
  CHECK_THROWS_WITH(readBytes(file), Contains("command 6 (tp_gather, layer 'gather')"));
}

TEST_CASE("validateProgram refuses broken commands", "[npu][vnb]") {
  auto refuses = [](auto &&edit, const std::string &message) {
    Program program = vnbtest::everyOpcodeProgram();
    edit(program);
    CHECK_THROWS_WITH(validateProgram(program), Contains(message));
  };
  refuses([](Program &p) { p.commands[0].inputs[1] = kNone; }, "input 1 is missing");
  refuses([](Program &p) { p.commands[0].inputs[0] = 99; }, "input 0 is tensor id 99");
  refuses([](Program &p) { p.commands[0].paramsCount = 1000; }, "exceed the");
  refuses([](Program &p) { p.commands[0].outputs[0] = 1; }, "read-only weight region");
  refuses([](Program &p) { p.commands.insert(p.commands.begin(), p.commands.back()); },
          "command 0 (end, layer ''): end must be the last");
  refuses([](Program &p) { p.commands.pop_back(); }, "must end with an end command");
  refuses([](Program &p) { p.params[p.commands[5].paramsOffset + 1 + 8] = 1; }, "reads beyond");
  refuses([](Program &p) { p.tensors[0].inputIndex = 1; }, "input number 1");
  refuses([](Program &p) { p.tensors[0].quant.zeroPoint = 300; }, "qmin <= zero point");
  refuses([](Program &p) { p.tensors[1].stored.pop_back(); }, "raw weight stores 47 bytes");
}

TEST_CASE("writeVnbFile writes atomically and leaves nothing behind on failure", "[npu][vnb]") {
  const Program program = vnbtest::everyOpcodeProgram();
  const fs::path dir = fs::temp_directory_path() / "vitc-vnb-test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string path = (dir / "model.vnb").string();
  writeVnbFile(program, path);
  CHECK_FALSE(fs::exists(path + ".tmp"));
  requireSameProgram(program, readVnbFile(path));

  const std::string missing = (dir / "no-such-dir" / "model.vnb").string();
  CHECK_THROWS_AS(writeVnbFile(program, missing), Error);
  CHECK_FALSE(fs::exists(missing));
  CHECK_FALSE(fs::exists(missing + ".tmp"));
  CHECK_THROWS_WITH(readVnbFile(missing), Contains("cannot open"));
  CHECK_THROWS_WITH(readVnbFile(dir.string()), Contains("not a regular file"));
  fs::remove_all(dir);
}
