//===- VnbLayout.h - .vnb field offsets and byte access, library-private -*- C++ -*-===//
//
// Offsets of the header and record fields (docs/command-stream.md), the
// file's dtype codes, and little-endian reads and writes shared by the writer
// (Format.cpp) and the loader (Loader.cpp). ByteReader checks every read
// against its bounds, so a wrong offset throws instead of reading outside.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_RT_NPU_VNBLAYOUT_H
#define VITC_RT_NPU_VNBLAYOUT_H

#include "vitc/rt/Error.h"
#include "vitc/rt/Tensor.h"
#include "vitc/rt/npu/Config.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vitc::rt::npu::vnb {

// Header fields.
constexpr size_t kHeaderCrc = 4, kHeaderMajor = 8, kHeaderMinor = 10, kHeaderFlags = 12,
                 kHeaderFileSize = 16, kHeaderSize = 24, kHeaderSectionCount = 28,
                 kHeaderWeightBytes = 32, kHeaderDramBytes = 40, kHeaderSramBytes = 48,
                 kHeaderReserved = 56;
// Config section fields: the name's string id, a reserved word, the clock
// (f64), then the integer fields of NpuConfig in declaration order (i64).
constexpr size_t kConfigName = 0, kConfigReserved = 4, kConfigClock = 8, kConfigIntFields = 16;
constexpr std::int64_t NpuConfig::*kConfigInts[] = {&NpuConfig::nnCores,
                                                    &NpuConfig::macsPerCycleInt8,
                                                    &NpuConfig::macsPerCycleInt16,
                                                    &NpuConfig::macsPerCycleInt4Weights,
                                                    &NpuConfig::tpElementsPerCycle,
                                                    &NpuConfig::ppuElementsPerCycle,
                                                    &NpuConfig::sramBytes,
                                                    &NpuConfig::dramBytesPerCycle};
// Tensor record fields.
constexpr size_t kTensorName = 0, kTensorDType = 4, kTensorRegion = 5, kTensorRank = 6,
                 kTensorFlags = 7, kTensorEncoding = 8, kTensorQuantStorage = 9,
                 kTensorReserved16 = 10, kTensorInputIndex = 12, kTensorOutputIndex = 16,
                 kTensorScale = 20, kTensorZeroPoint = 24, kTensorQmin = 28, kTensorQmax = 32,
                 kTensorReserved32 = 36, kTensorOffset = 40, kTensorDims = 48,
                 kTensorStoredOffset = 96, kTensorStoredSize = 104;
constexpr uint8_t kTensorQuantizedFlag = 1;
// Command record fields.
constexpr size_t kCommandOpcode = 0, kCommandUnit = 1, kCommandReserved16 = 2, kCommandLayer = 4,
                 kCommandInputs = 8, kCommandOutputs = 24, kCommandParamsOffset = 32,
                 kCommandParamsCount = 36, kCommandTile = 40, kCommandReserved32 = 52,
                 kCommandSramScratch = 56;

/// The file's dtype codes (stable, independent of rt::DType's order).
inline uint8_t dtypeCode(DType dtype) {
  switch (dtype) {
  case DType::I8:
    return 1;
  case DType::I16:
    return 2;
  case DType::U8:
    return 3;
  case DType::I32:
    return 4;
  case DType::F32:
    return 5;
  default:
    throw Error(std::string("dtype ") + dtypeName(dtype) + " has no .vnb code");
  }
}
inline std::optional<DType> dtypeFromCode(uint8_t code) {
  constexpr DType kByCode[] = {DType::I8, DType::I16, DType::U8, DType::I32, DType::F32};
  if (code < 1 || code > 5)
    return std::nullopt;
  return kByCode[code - 1];
}

/// Little-endian writes into a growing buffer.
class ByteWriter {
public:
  std::vector<uint8_t> bytes;

  void put(size_t at, uint64_t value, size_t width) {
    if (bytes.size() < at + width)
      bytes.resize(at + width, 0);
    for (size_t i = 0; i < width; ++i)
      bytes[at + i] = static_cast<uint8_t>(value >> (8 * i));
  }
  void align(size_t alignment) {
    bytes.resize((bytes.size() + alignment - 1) / alignment * alignment, 0);
  }
};

/// Bounds-checked little-endian reads of [data, data + size).
class ByteReader {
public:
  ByteReader(const uint8_t *data, size_t size) : data_(data), size_(size) {}

  size_t size() const { return size_; }
  const uint8_t *data() const { return data_; }
  uint64_t get(size_t at, size_t width) const {
    if (at > size_ || width > size_ - at)
      throw Error("read of " + std::to_string(width) + " bytes at " + std::to_string(at) +
                  " outside " + std::to_string(size_));
    uint64_t value = 0;
    for (size_t i = 0; i < width; ++i)
      value |= uint64_t(data_[at + i]) << (8 * i);
    return value;
  }
  uint8_t u8(size_t at) const { return static_cast<uint8_t>(get(at, 1)); }
  uint16_t u16(size_t at) const { return static_cast<uint16_t>(get(at, 2)); }
  uint32_t u32(size_t at) const { return static_cast<uint32_t>(get(at, 4)); }
  uint64_t u64(size_t at) const { return get(at, 8); }
  /// [at, at + length) as a sub-reader; throws when outside.
  ByteReader sub(uint64_t at, uint64_t length) const {
    if (at > size_ || length > size_ - at)
      throw Error("range [" + std::to_string(at) + ", +" + std::to_string(length) + ") outside " +
                  std::to_string(size_));
    return ByteReader(data_ + at, static_cast<size_t>(length));
  }

private:
  const uint8_t *data_;
  size_t size_;
};

} // namespace vitc::rt::npu::vnb

#endif // VITC_RT_NPU_VNBLAYOUT_H
