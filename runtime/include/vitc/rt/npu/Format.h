//===- Format.h - The .vnb file: writer, loader, weights, disassembly -*- C++ -*-===//
//
// A Program (Program.h) as bytes and back. The byte layout is specified in
// docs/command-stream.md; the constants below are its fixed sizes. In short:
// a 64-byte header (magic "VNB\x1A", version, flags, file size, CRC32), a
// section table, then six sections: config, strings, tensors (112-byte
// records), params (u32 words), weights (each weight's stored bytes, raw or
// zero-run encoded) and commands (64-byte records). Little-endian throughout.
//
// The loader never trusts the file: it checks sizes, the CRC, every offset,
// count, id and enum before using them, decodes nothing larger than the
// declared tensor sizes, and finishes with validateProgram. Every problem
// throws rt::Error starting with the source name. Standard library only.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_RT_NPU_FORMAT_H
#define VITC_RT_NPU_FORMAT_H

#include "vitc/rt/npu/Program.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace vitc::rt::npu {

//===- Layout constants (docs/command-stream.md) ----------------------------===//

constexpr uint8_t kVnbMagic[4] = {'V', 'N', 'B', 0x1A};
constexpr uint16_t kVnbVersionMajor = 1;
constexpr uint16_t kVnbVersionMinor = 0;
constexpr size_t kVnbHeaderSize = 64;
/// Header bytes before the CRC-covered part: magic and the CRC itself.
constexpr size_t kVnbCrcStart = 8;
constexpr size_t kVnbSectionEntrySize = 16;
constexpr size_t kVnbConfigSize = 80;
constexpr size_t kVnbTensorRecordSize = 112;
constexpr size_t kVnbCommandRecordSize = 64;

/// The sections, in the order of the section table.
enum class VnbSection : uint32_t {
  Config = 0,
  Strings = 1,
  Tensors = 2,
  Params = 3,
  Weights = 4,
  Commands = 5,
};
constexpr uint32_t kVnbSectionCount = 6;

//===- Writing and reading --------------------------------------------------===//

/// validateProgram, then the file's bytes. Weights are written as their
/// `encoding` and `stored` say (see compressWeights).
std::vector<uint8_t> writeVnb(const Program &program);
/// writeVnb to `path` + ".tmp", then renamed to `path`: a reader never sees a
/// half-written file. On failure the temporary is removed and Error thrown.
void writeVnbFile(const Program &program, const std::string &path);

/// Parses and checks a whole file; `sourceName` starts every error message.
Program readVnb(const uint8_t *data, size_t size, const std::string &sourceName);
Program readVnbFile(const std::string &path);

/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, initial and final
/// XOR 0xFFFFFFFF): crc32("123456789") == 0xCBF43926. A .vnb file stores the
/// CRC of bytes [kVnbCrcStart, file size) at offset 4.
uint32_t crc32(const uint8_t *data, size_t size);

//===- Weights --------------------------------------------------------------===//

/// Zero-run encoding (docs/command-stream.md, "Zero-run encoding"): a
/// sequence of tokens, each LEB128 zeroCount, LEB128 literalCount, then
/// literalCount bytes; a token with both counts 0 is malformed.
std::vector<uint8_t> encodeZeroRun(const uint8_t *data, size_t size);
/// Decodes exactly `expectedSize` bytes; throws Error on a malformed stream
/// or any other decoded size (never writes past expectedSize).
std::vector<uint8_t> decodeZeroRun(const uint8_t *data, size_t size, size_t expectedSize);
/// Walks a stream without materialising it: onZeros(count) per zero run and
/// onLiteral(bytes, count) per literal run, in order. Throws Error, before
/// the offending callback, when the stream is malformed or would decode to
/// more than `expectedSize` bytes, and at the end when it decodes to fewer.
void scanZeroRun(const uint8_t *data, size_t size, uint64_t expectedSize,
                 const std::function<void(uint64_t)> &onZeros,
                 const std::function<void(const uint8_t *, size_t)> &onLiteral);
/// A weight tensor's decoded bytes (byteSize() of them).
std::vector<uint8_t> decodeWeight(const TensorDesc &tensor);
/// For every weight: ZeroRun when its encoding is smaller than the raw
/// bytes, Raw otherwise (`stored` is then the raw bytes).
void compressWeights(Program &program);

//===- Disassembly ----------------------------------------------------------===//

/// Readable text: the config and arena sizes, the tensor table, then one line
/// per command with its unit, opcode, layer, operands (%id), tiles and
/// decoded params (`vitc disasm`).
std::string disassemble(const Program &program);

} // namespace vitc::rt::npu

#endif // VITC_RT_NPU_FORMAT_H
