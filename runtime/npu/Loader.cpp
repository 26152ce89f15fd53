//===- Loader.cpp - .vnb loader --------------------------------------------===//
//
// Checks in the order of docs/command-stream.md, "What the loader checks":
// magic, major version, declared size, CRC, header fields, the section
// table, then each section's records (counts derived from section sizes, so
// nothing is allocated beyond what the file holds), and finally
// validateProgram. Every read goes through vnb::ByteReader, which throws on
// an out-of-range offset instead of reading it.
//
//===----------------------------------------------------------------------===//
#include "VnbLayout.h"
#include "vitc/rt/npu/Format.h"

#include "vitc/rt/Error.h"

#include <cstring>
#include <filesystem>
#include <fstream>

namespace vitc::rt::npu {
namespace {

using vnb::ByteReader;

class Loader {
public:
  explicit Loader(ByteReader file) : file(file) {}

  Program load() {
    checkHeader();
    Program program;
    program.weightBytes = file.u64(vnb::kHeaderWeightBytes);
    program.dramBytes = file.u64(vnb::kHeaderDramBytes);
    program.sramBytes = file.u64(vnb::kHeaderSramBytes);
    readStrings(section(VnbSection::Strings));
    readConfig(section(VnbSection::Config), program.config);
    readTensors(section(VnbSection::Tensors), section(VnbSection::Weights), program);
    readParams(section(VnbSection::Params), program.params);
    readCommands(section(VnbSection::Commands), program.commands);
    validateProgram(program);
    return program;
  }

private:
  [[noreturn]] static void fail(const std::string &what) { throw Error(what); }

  void checkHeader() {
    if (file.size() >= 4 && std::memcmp(file.data(), kVnbMagic, 4) != 0)
      fail("not a .vnb file (bad magic)");
    if (file.size() < kVnbHeaderSize)
      fail("truncated: the file has " + std::to_string(file.size()) +
           " bytes, less than the 64-byte header");
    const uint16_t major = file.u16(vnb::kHeaderMajor), minor = file.u16(vnb::kHeaderMinor);
    if (major != kVnbVersionMajor)
      fail("was written by format version " + std::to_string(major) + "." + std::to_string(minor) +
           ", this build reads " + std::to_string(kVnbVersionMajor) + ".x");
    const uint64_t declared = file.u64(vnb::kHeaderFileSize);
    if (declared > file.size())
      fail("truncated: header says " + std::to_string(declared) + " bytes, file has " +
           std::to_string(file.size()));
    if (declared < file.size())
      fail("header says " + std::to_string(declared) + " bytes, file has " +
           std::to_string(file.size()) + " (trailing bytes)");
    if (crc32(file.data() + kVnbCrcStart, file.size() - kVnbCrcStart) != file.u32(vnb::kHeaderCrc))
      fail("CRC mismatch: the file is corrupted");
    if (file.u32(vnb::kHeaderFlags) != 0)
      fail("unknown header flags " + std::to_string(file.u32(vnb::kHeaderFlags)));
    if (file.u64(vnb::kHeaderReserved) != 0)
      fail("reserved header field is not zero");
    const uint32_t headerSize = file.u32(vnb::kHeaderSize);
    const uint32_t sections = file.u32(vnb::kHeaderSectionCount);
    if (headerSize < kVnbHeaderSize || sections < kVnbSectionCount)
      fail("header size " + std::to_string(headerSize) + " or section count " +
           std::to_string(sections) + " below version 1.0's 64 and 6");
    const uint64_t tableEnd = uint64_t(headerSize) + uint64_t(sections) * kVnbSectionEntrySize;
    if (tableEnd > file.size())
      fail("the section table ends at byte " + std::to_string(tableEnd) + ", past the end");
    for (uint32_t s = 0; s < kVnbSectionCount; ++s) {
      const uint64_t offset = file.u64(headerSize + s * kVnbSectionEntrySize);
      const uint64_t size = file.u64(headerSize + s * kVnbSectionEntrySize + 8);
      if (offset < tableEnd || offset > file.size() || size > file.size() - offset)
        fail("section " + std::to_string(s) + " [" + std::to_string(offset) + ", +" +
             std::to_string(size) + ") is outside the file's " + std::to_string(tableEnd) + ".." +
             std::to_string(file.size()));
      sections_[s] = file.sub(offset, size);
    }
  }

  const ByteReader &section(VnbSection s) const { return sections_[static_cast<size_t>(s)]; }

  /// Records of a fixed size filling a section exactly.
  static size_t recordCount(const ByteReader &bytes, size_t recordSize, const char *what) {
    if (bytes.size() % recordSize != 0)
      fail(std::string(what) + " section of " + std::to_string(bytes.size()) +
           " bytes is not a multiple of " + std::to_string(recordSize));
    return bytes.size() / recordSize;
  }

  void readStrings(const ByteReader &bytes) {
    const uint32_t count = bytes.u32(0);
    if (count > (bytes.size() - 4) / 8)
      fail("string table claims " + std::to_string(count) + " strings in " +
           std::to_string(bytes.size()) + " bytes");
    const ByteReader data =
        bytes.sub(4 + uint64_t(count) * 8, bytes.size() - 4 - uint64_t(count) * 8);
    // Strings are contiguous and in order, so together they hold at most the section's bytes.
    strings.reserve(count);
    uint64_t end = 0;
    for (uint32_t i = 0; i < count; ++i) {
      const uint32_t offset = bytes.u32(4 + 8 * size_t(i)), length = bytes.u32(8 + 8 * size_t(i));
      if (offset != end || length > data.size() - offset)
        fail("string " + std::to_string(i) + " [" + std::to_string(offset) + ", +" +
             std::to_string(length) + ") does not follow the previous one inside the table");
      strings.emplace_back(reinterpret_cast<const char *>(data.data()) + offset, length);
      end = uint64_t(offset) + length;
    }
    if (end != data.size())
      fail("string table has " + std::to_string(data.size() - end) + " unused bytes");
  }
  const std::string &string(uint32_t id, const std::string &user) const {
    if (id >= strings.size())
      fail(user + ": string id " + std::to_string(id) + " of " + std::to_string(strings.size()));
    return strings[id];
  }
  static DType dtype(uint8_t code, const std::string &user) {
    if (std::optional<DType> type = vnb::dtypeFromCode(code))
      return *type;
    fail(user + ": unknown dtype code " + std::to_string(code));
  }

  void readConfig(const ByteReader &bytes, NpuConfig &config) const {
    if (bytes.size() != kVnbConfigSize)
      fail("config section has " + std::to_string(bytes.size()) + " bytes, expected 80");
    if (bytes.u32(vnb::kConfigReserved) != 0)
      fail("config: reserved field is not zero");
    config.name = string(bytes.u32(vnb::kConfigName), "config name");
    const uint64_t clockBits = bytes.u64(vnb::kConfigClock);
    std::memcpy(&config.clockMhz, &clockBits, 8);
    size_t field = vnb::kConfigIntFields;
    for (std::int64_t NpuConfig::*member : vnb::kConfigInts) {
      config.*member = static_cast<std::int64_t>(bytes.u64(field));
      field += 8;
    }
  }

  void readTensors(const ByteReader &bytes, const ByteReader &weights, Program &program) const {
    const size_t count = recordCount(bytes, kVnbTensorRecordSize, "tensor");
    program.tensors.resize(count);
    uint64_t storedEnd = 0;
    for (size_t i = 0; i < count; ++i) {
      const ByteReader r = bytes.sub(i * kVnbTensorRecordSize, kVnbTensorRecordSize);
      TensorDesc &t = program.tensors[i];
      const std::string where = "tensor " + std::to_string(i);
      t.name = string(r.u32(vnb::kTensorName), where);
      t.dtype = dtype(r.u8(vnb::kTensorDType), where);
      const uint8_t region = r.u8(vnb::kTensorRegion), rank = r.u8(vnb::kTensorRank);
      const uint8_t flags = r.u8(vnb::kTensorFlags), encoding = r.u8(vnb::kTensorEncoding);
      if (region > static_cast<uint8_t>(Region::Sram))
        fail(where + ": unknown region " + std::to_string(region));
      if (rank > kMaxRank)
        fail(where + ": rank " + std::to_string(rank) + " exceeds " + std::to_string(kMaxRank));
      if (flags & ~vnb::kTensorQuantizedFlag)
        fail(where + ": unknown flags " + std::to_string(flags));
      if (encoding > static_cast<uint8_t>(WeightEncoding::ZeroRun))
        fail(where + ": unknown weight encoding " + std::to_string(encoding));
      if (r.u16(vnb::kTensorReserved16) != 0 || r.u32(vnb::kTensorReserved32) != 0)
        fail(where + ": reserved field is not zero");
      t.region = static_cast<Region>(region);
      t.quantized = flags & vnb::kTensorQuantizedFlag;
      t.encoding = static_cast<WeightEncoding>(encoding);
      t.quant.storage = dtype(r.u8(vnb::kTensorQuantStorage), where + " quantisation");
      t.inputIndex = static_cast<int32_t>(r.u32(vnb::kTensorInputIndex));
      t.outputIndex = static_cast<int32_t>(r.u32(vnb::kTensorOutputIndex));
      t.quant.scale = wordFloat(r.u32(vnb::kTensorScale));
      t.quant.zeroPoint = static_cast<int32_t>(r.u32(vnb::kTensorZeroPoint));
      t.quant.qmin = static_cast<int32_t>(r.u32(vnb::kTensorQmin));
      t.quant.qmax = static_cast<int32_t>(r.u32(vnb::kTensorQmax));
      t.offset = r.u64(vnb::kTensorOffset);
      for (size_t d = 0; d < static_cast<size_t>(kMaxRank); ++d) {
        const int64_t dim = static_cast<int64_t>(r.u64(vnb::kTensorDims + 8 * d));
        if (d < rank)
          t.shape.push_back(dim);
        else if (dim != 0)
          fail(where + ": dimension " + std::to_string(d) + " beyond the rank is not zero");
      }
      const uint64_t storedAt = r.u64(vnb::kTensorStoredOffset);
      const uint64_t storedSize = r.u64(vnb::kTensorStoredSize);
      // Stored ranges follow each other, so together they hold at most the section's bytes.
      if (storedSize == 0 ? storedAt != 0
                          : storedAt < storedEnd || storedAt > weights.size() ||
                                storedSize > weights.size() - storedAt)
        fail(where + ": stored bytes [" + std::to_string(storedAt) + ", +" +
             std::to_string(storedSize) + ") overlap the previous tensor's or leave the " +
             std::to_string(weights.size()) + "-byte weights section");
      if (storedSize != 0)
        storedEnd = storedAt + storedSize;
      const ByteReader stored = weights.sub(storedAt, storedSize);
      t.stored.assign(stored.data(), stored.data() + stored.size());
    }
  }

  static void readParams(const ByteReader &bytes, std::vector<uint32_t> &params) {
    params.resize(recordCount(bytes, 4, "params"));
    for (size_t i = 0; i < params.size(); ++i)
      params[i] = bytes.u32(4 * i);
  }

  void readCommands(const ByteReader &bytes, std::vector<Command> &commands) const {
    commands.resize(recordCount(bytes, kVnbCommandRecordSize, "command"));
    for (size_t i = 0; i < commands.size(); ++i) {
      const ByteReader r = bytes.sub(i * kVnbCommandRecordSize, kVnbCommandRecordSize);
      Command &c = commands[i];
      const std::string where = "command " + std::to_string(i);
      const uint8_t opcode = r.u8(vnb::kCommandOpcode), unit = r.u8(vnb::kCommandUnit);
      if (opcode < static_cast<uint8_t>(Opcode::NnGemm) ||
          opcode > static_cast<uint8_t>(Opcode::End))
        fail(where + ": unknown opcode " + std::to_string(opcode));
      if (unit > static_cast<uint8_t>(Unit::Host))
        fail(where + ": unknown unit " + std::to_string(unit));
      if (r.u16(vnb::kCommandReserved16) != 0 || r.u32(vnb::kCommandReserved32) != 0)
        fail(where + ": reserved field is not zero");
      c.opcode = static_cast<Opcode>(opcode);
      c.unit = static_cast<Unit>(unit);
      c.layer = string(r.u32(vnb::kCommandLayer), where + " layer");
      for (size_t k = 0; k < c.inputs.size(); ++k)
        c.inputs[k] = r.u32(vnb::kCommandInputs + 4 * k);
      for (size_t k = 0; k < c.outputs.size(); ++k)
        c.outputs[k] = r.u32(vnb::kCommandOutputs + 4 * k);
      c.paramsOffset = r.u32(vnb::kCommandParamsOffset);
      c.paramsCount = r.u32(vnb::kCommandParamsCount);
      for (size_t k = 0; k < c.tile.size(); ++k)
        c.tile[k] = r.u32(vnb::kCommandTile + 4 * k);
      c.sramScratchBytes = r.u64(vnb::kCommandSramScratch);
    }
  }

  ByteReader file;
  std::vector<ByteReader> sections_ =
      std::vector<ByteReader>(kVnbSectionCount, ByteReader(nullptr, 0));
  std::vector<std::string> strings;
};

} // namespace

Program readVnb(const uint8_t *data, size_t size, const std::string &sourceName) {
  try {
    return Loader(ByteReader(data, size)).load();
  } catch (const Error &e) {
    throw Error(sourceName + ": " + e.what());
  }
}

Program readVnbFile(const std::string &path) {
  std::error_code error;
  if (std::filesystem::exists(path, error) && !std::filesystem::is_regular_file(path, error))
    throw Error(path + ": not a regular file");
  std::ifstream file(path, std::ios::binary | std::ios::ate);
  if (!file)
    throw Error(path + ": cannot open the file");
  const std::streamoff size = file.tellg();
  if (size < 0)
    throw Error(path + ": cannot determine the file size");
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  file.seekg(0);
  if (!file.read(reinterpret_cast<char *>(bytes.data()), size))
    throw Error(path + ": read error");
  return readVnb(bytes.data(), bytes.size(), path);
}

} // namespace vitc::rt::npu
