//===- Format.cpp - .vnb writer and CRC-32 ---------------------------------===//
//
// The writer lays the file out in one pass: header, section table, then the
// sections in table order, each 8-byte aligned (padding is zero). Strings
// are deduplicated. The file size and the CRC are filled in last. The loader
// is Loader.cpp; the layout is docs/command-stream.md.
//
//===----------------------------------------------------------------------===//
#include "vitc/rt/npu/Format.h"
#include "VnbLayout.h"

#include "vitc/rt/Error.h"

#include <array>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>

namespace vitc::rt::npu {
namespace {

using vnb::ByteWriter;

std::array<uint32_t, 256> makeCrcTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t byte = 0; byte < 256; ++byte) {
    uint32_t crc = byte;
    for (int bit = 0; bit < 8; ++bit)
      crc = (crc >> 1) ^ (crc & 1 ? 0xEDB88320u : 0);
    table[byte] = crc;
  }
  return table;
}

/// The string table under construction: each distinct string once.
class StringTable {
public:
  uint32_t id(const std::string &text) {
    auto [it, inserted] = ids_.try_emplace(text, static_cast<uint32_t>(strings_.size()));
    if (inserted)
      strings_.push_back(&it->first);
    return it->second;
  }
  /// count, count x (offset, length) relative to the character data, the data.
  void write(ByteWriter &out) const {
    const size_t start = out.bytes.size();
    out.put(start, strings_.size(), 4);
    size_t dataAt = start + 4 + 8 * strings_.size(), offset = 0;
    for (size_t i = 0; i < strings_.size(); ++i) {
      out.put(start + 4 + 8 * i, offset, 4);
      out.put(start + 8 + 8 * i, strings_[i]->size(), 4);
      offset += strings_[i]->size();
    }
    out.bytes.resize(dataAt + offset);
    for (const std::string *text : strings_) {
      std::memcpy(out.bytes.data() + dataAt, text->data(), text->size());
      dataAt += text->size();
    }
  }

private:
  std::map<std::string, uint32_t> ids_;
  std::vector<const std::string *> strings_;
};

void writeConfig(ByteWriter &out, const NpuConfig &config, StringTable &strings) {
  const size_t at = out.bytes.size();
  out.put(at + vnb::kConfigName, strings.id(config.name), 4);
  out.put(at + vnb::kConfigReserved, 0, 4);
  uint64_t clockBits;
  std::memcpy(&clockBits, &config.clockMhz, 8);
  out.put(at + vnb::kConfigClock, clockBits, 8);
  size_t field = at + vnb::kConfigIntFields;
  for (std::int64_t NpuConfig::*member : vnb::kConfigInts) {
    out.put(field, static_cast<uint64_t>(config.*member), 8);
    field += 8;
  }
}

void writeTensor(ByteWriter &out, const TensorDesc &t, StringTable &strings, uint64_t storedAt) {
  const size_t at = out.bytes.size();
  out.put(at + vnb::kTensorName, strings.id(t.name), 4);
  out.put(at + vnb::kTensorDType, vnb::dtypeCode(t.dtype), 1);
  out.put(at + vnb::kTensorRegion, static_cast<uint8_t>(t.region), 1);
  out.put(at + vnb::kTensorRank, t.shape.size(), 1);
  out.put(at + vnb::kTensorFlags, t.quantized ? vnb::kTensorQuantizedFlag : 0, 1);
  out.put(at + vnb::kTensorEncoding, static_cast<uint8_t>(t.encoding), 1);
  out.put(at + vnb::kTensorQuantStorage, vnb::dtypeCode(t.quant.storage), 1);
  out.put(at + vnb::kTensorInputIndex, static_cast<uint32_t>(t.inputIndex), 4);
  out.put(at + vnb::kTensorOutputIndex, static_cast<uint32_t>(t.outputIndex), 4);
  out.put(at + vnb::kTensorScale, floatWord(t.quant.scale), 4);
  out.put(at + vnb::kTensorZeroPoint, static_cast<uint32_t>(t.quant.zeroPoint), 4);
  out.put(at + vnb::kTensorQmin, static_cast<uint32_t>(t.quant.qmin), 4);
  out.put(at + vnb::kTensorQmax, static_cast<uint32_t>(t.quant.qmax), 4);
  out.put(at + vnb::kTensorOffset, t.offset, 8);
  for (size_t d = 0; d < static_cast<size_t>(kMaxRank); ++d)
    out.put(at + vnb::kTensorDims + 8 * d, d < t.shape.size() ? t.shape[d] : 0, 8);
  out.put(at + vnb::kTensorStoredOffset, t.stored.empty() ? 0 : storedAt, 8);
  out.put(at + vnb::kTensorStoredSize, t.stored.size(), 8);
}

void writeCommand(ByteWriter &out, const Command &c, StringTable &strings) {
  const size_t at = out.bytes.size();
  out.put(at + vnb::kCommandOpcode, static_cast<uint8_t>(c.opcode), 1);
  out.put(at + vnb::kCommandUnit, static_cast<uint8_t>(c.unit), 1);
  out.put(at + vnb::kCommandLayer, strings.id(c.layer), 4);
  for (size_t i = 0; i < c.inputs.size(); ++i)
    out.put(at + vnb::kCommandInputs + 4 * i, c.inputs[i], 4);
  for (size_t i = 0; i < c.outputs.size(); ++i)
    out.put(at + vnb::kCommandOutputs + 4 * i, c.outputs[i], 4);
  out.put(at + vnb::kCommandParamsOffset, c.paramsOffset, 4);
  out.put(at + vnb::kCommandParamsCount, c.paramsCount, 4);
  for (size_t i = 0; i < c.tile.size(); ++i)
    out.put(at + vnb::kCommandTile + 4 * i, c.tile[i], 4);
  out.put(at + vnb::kCommandSramScratch, c.sramScratchBytes, 8);
}

} // namespace

uint32_t crc32(const uint8_t *data, size_t size) {
  static const std::array<uint32_t, 256> table = makeCrcTable();
  uint32_t crc = 0xFFFFFFFFu;
  for (size_t i = 0; i < size; ++i)
    crc = (crc >> 8) ^ table[(crc ^ data[i]) & 0xFF];
  return crc ^ 0xFFFFFFFFu;
}

std::vector<uint8_t> writeVnb(const Program &program) {
  validateProgram(program);
  ByteWriter out;
  out.bytes.resize(kVnbHeaderSize + kVnbSectionCount * kVnbSectionEntrySize, 0);
  std::memcpy(out.bytes.data(), kVnbMagic, sizeof(kVnbMagic));
  out.put(vnb::kHeaderMajor, kVnbVersionMajor, 2);
  out.put(vnb::kHeaderMinor, kVnbVersionMinor, 2);
  out.put(vnb::kHeaderSize, kVnbHeaderSize, 4);
  out.put(vnb::kHeaderSectionCount, kVnbSectionCount, 4);
  out.put(vnb::kHeaderWeightBytes, program.weightBytes, 8);
  out.put(vnb::kHeaderDramBytes, program.dramBytes, 8);
  out.put(vnb::kHeaderSramBytes, program.sramBytes, 8);

  // The strings section comes second but is only complete after the
  // others, so it is written last into its own buffer and spliced in.
  StringTable strings;
  std::array<std::vector<uint8_t>, kVnbSectionCount> sections;
  auto build = [&](VnbSection section, auto &&fill) {
    ByteWriter part;
    fill(part);
    sections[static_cast<size_t>(section)] = std::move(part.bytes);
  };
  build(VnbSection::Config, [&](ByteWriter &part) { writeConfig(part, program.config, strings); });
  std::vector<uint64_t> storedAt(program.tensors.size());
  build(VnbSection::Weights, [&](ByteWriter &part) {
    for (size_t i = 0; i < program.tensors.size(); ++i) {
      const std::vector<uint8_t> &stored = program.tensors[i].stored;
      storedAt[i] = part.bytes.size();
      part.bytes.insert(part.bytes.end(), stored.begin(), stored.end());
      part.align(8);
    }
  });
  build(VnbSection::Tensors, [&](ByteWriter &part) {
    for (size_t i = 0; i < program.tensors.size(); ++i)
      writeTensor(part, program.tensors[i], strings, storedAt[i]);
  });
  build(VnbSection::Params, [&](ByteWriter &part) {
    for (size_t i = 0; i < program.params.size(); ++i)
      part.put(4 * i, program.params[i], 4);
  });
  build(VnbSection::Commands, [&](ByteWriter &part) {
    for (const Command &command : program.commands)
      writeCommand(part, command, strings);
  });
  build(VnbSection::Strings, [&](ByteWriter &part) { strings.write(part); });

  for (uint32_t s = 0; s < kVnbSectionCount; ++s) {
    out.align(8);
    const size_t entry = kVnbHeaderSize + s * kVnbSectionEntrySize;
    out.put(entry, out.bytes.size(), 8);
    out.put(entry + 8, sections[s].size(), 8);
    out.bytes.insert(out.bytes.end(), sections[s].begin(), sections[s].end());
  }
  out.put(vnb::kHeaderFileSize, out.bytes.size(), 8);
  out.put(vnb::kHeaderCrc, crc32(out.bytes.data() + kVnbCrcStart, out.bytes.size() - kVnbCrcStart),
          4);
  return std::move(out.bytes);
}

void writeVnbFile(const Program &program, const std::string &path) {
  const std::vector<uint8_t> bytes = writeVnb(program);
  const std::string temp = path + ".tmp";
  auto fail = [&](const std::string &what) {
    std::error_code ignored;
    std::filesystem::remove(temp, ignored);
    throw Error(path + ": " + what);
  };
  {
    std::ofstream file(temp, std::ios::binary | std::ios::trunc);
    if (!file)
      fail("cannot create " + temp + " (does the directory exist and is it writable?)");
    file.write(reinterpret_cast<const char *>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
    file.close();
    if (!file)
      fail("writing " + temp + " failed (disk full?)");
  }
  std::error_code error;
  std::filesystem::rename(temp, path, error);
  if (error)
    fail("cannot rename " + temp + " to it: " + error.message());
}

} // namespace vitc::rt::npu
