//===- ZeroRun.cpp - Zero-run encoding of weights --------------------------===//
//
// Tokens of (LEB128 zeroCount, LEB128 literalCount, literal bytes). The
// encoder starts a new token at every run of kMinZeroRun or more zeros; a
// shorter run stays inside the literal, where it costs less than the two
// count bytes a new token would. The decoder side (scanZeroRun) checks every
// count against the bytes still expected before acting on it.
//
//===----------------------------------------------------------------------===//
#include "vitc/rt/npu/Format.h"

#include "vitc/rt/Error.h"

#include <cstring>

namespace vitc::rt::npu {
namespace {

constexpr size_t kMinZeroRun = 4;
constexpr int kMaxVarintBytes = 10;

void putVarint(std::vector<uint8_t> &out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<uint8_t>(value | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<uint8_t>(value));
}

uint64_t getVarint(const uint8_t *data, size_t size, size_t &pos) {
  uint64_t value = 0;
  for (int i = 0; i < kMaxVarintBytes; ++i) {
    if (pos >= size)
      throw Error("zero-run stream ends inside a count");
    const uint8_t byte = data[pos++];
    if (i == kMaxVarintBytes - 1 && byte > 1)
      throw Error("zero-run count exceeds 64 bits");
    value |= uint64_t(byte & 0x7F) << (7 * i);
    if (!(byte & 0x80))
      return value;
  }
  throw Error("zero-run count exceeds 64 bits");
}

size_t zeroRunAt(const uint8_t *data, size_t size, size_t pos) {
  size_t end = pos;
  while (end < size && data[end] == 0)
    ++end;
  return end - pos;
}

} // namespace

std::vector<uint8_t> encodeZeroRun(const uint8_t *data, size_t size) {
  std::vector<uint8_t> out;
  size_t pos = 0;
  while (pos < size) {
    const size_t zeros = zeroRunAt(data, size, pos);
    pos += zeros;
    size_t literalEnd = pos;
    while (literalEnd < size) {
      const size_t run = zeroRunAt(data, size, literalEnd);
      if (run >= kMinZeroRun || literalEnd + run == size)
        break;
      literalEnd += run + (run == 0);
    }
    putVarint(out, zeros);
    putVarint(out, literalEnd - pos);
    out.insert(out.end(), data + pos, data + literalEnd);
    pos = literalEnd;
  }
  return out;
}

void scanZeroRun(const uint8_t *data, size_t size, uint64_t expectedSize,
                 const std::function<void(uint64_t)> &onZeros,
                 const std::function<void(const uint8_t *, size_t)> &onLiteral) {
  uint64_t decoded = 0;
  size_t pos = 0;
  while (pos < size) {
    const uint64_t zeros = getVarint(data, size, pos);
    const uint64_t literals = getVarint(data, size, pos);
    if (zeros == 0 && literals == 0)
      throw Error("zero-run stream has an empty token at byte " + std::to_string(pos - 2));
    if (zeros > expectedSize - decoded || literals > expectedSize - decoded - zeros)
      throw Error("zero-run stream decodes to more than the expected " +
                  std::to_string(expectedSize) + " bytes");
    if (literals > size - pos)
      throw Error("zero-run stream ends inside a literal run");
    if (zeros > 0)
      onZeros(zeros);
    if (literals > 0)
      onLiteral(data + pos, static_cast<size_t>(literals));
    pos += static_cast<size_t>(literals);
    decoded += zeros + literals;
  }
  if (decoded != expectedSize)
    throw Error("zero-run stream decodes to " + std::to_string(decoded) + " bytes, expected " +
                std::to_string(expectedSize));
}

std::vector<uint8_t> decodeZeroRun(const uint8_t *data, size_t size, size_t expectedSize) {
  std::vector<uint8_t> out(expectedSize, 0);
  size_t at = 0;
  scanZeroRun(
      data, size, expectedSize, [&](uint64_t count) { at += static_cast<size_t>(count); },
      [&](const uint8_t *bytes, size_t count) {
        std::memcpy(out.data() + at, bytes, count);
        at += count;
      });
  return out;
}

std::vector<uint8_t> decodeWeight(const TensorDesc &tensor) {
  if (tensor.encoding == WeightEncoding::ZeroRun)
    return decodeZeroRun(tensor.stored.data(), tensor.stored.size(), tensor.byteSize());
  if (tensor.stored.size() != tensor.byteSize())
    throw Error("weight '" + tensor.name + "' stores " + std::to_string(tensor.stored.size()) +
                " bytes, needs " + std::to_string(tensor.byteSize()));
  return tensor.stored;
}

void compressWeights(Program &program) {
  for (TensorDesc &tensor : program.tensors) {
    if (tensor.region != Region::Weights)
      continue;
    std::vector<uint8_t> raw = decodeWeight(tensor);
    std::vector<uint8_t> encoded = encodeZeroRun(raw.data(), raw.size());
    if (encoded.size() < raw.size()) {
      tensor.encoding = WeightEncoding::ZeroRun;
      tensor.stored = std::move(encoded);
    } else {
      tensor.encoding = WeightEncoding::Raw;
      tensor.stored = std::move(raw);
    }
  }
}

} // namespace vitc::rt::npu
