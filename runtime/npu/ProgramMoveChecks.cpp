//===- ProgramMoveChecks.cpp - Checks of TP moves and PPU ops -------------===//
//
// TpCopy boxes take non-negative strides only (the words are unsigned), so a
// box's lowest element is its offset and its highest is offset + sum
// (shape_d - 1) * stride_d. TpGather reads its index table (a weight) so the
// simulator never reads out of bounds.
//
//===----------------------------------------------------------------------===//
#include "CommandCheck.h"

namespace vitc::rt::npu::detail {

void CommandCheck::checkCopy() {
  size_t sources = 0;
  while (sources < kMaxInputs && has(sources))
    ++sources;
  operands(1, sources == 0 ? 0 : sources - 1, 1);
  for (size_t slot = 0; slot < sources; ++slot)
    movable(inId(slot));
  atLeastWords(1);
  const uint32_t copies = word(0);
  words(1 + uint64_t(copies) * kCopyWords);
  for (uint32_t c = 0; c < copies; ++c) {
    const size_t base = 1 + size_t(c) * kCopyWords;
    const std::string what = "copy " + std::to_string(c);
    const uint32_t source = word(base), rank = word(base + 1);
    if (source >= sources)
      fail(what + " reads input slot " + std::to_string(source) + " of " + std::to_string(sources));
    if (rank > static_cast<uint32_t>(kMaxRank))
      fail(what + " has rank " + std::to_string(rank));
    bool empty = false;
    for (uint32_t d = 0; d < rank; ++d)
      empty |= word(base + 2 + d) == 0;
    if (empty)
      continue;
    // The highest element reached: offset + sum (shape - 1) * stride (strides are unsigned).
    auto last = [&](size_t offsetWord, size_t strideWord) {
      uint64_t at = word(offsetWord);
      for (uint32_t d = 0; d < rank; ++d) {
        const uint64_t step = uint64_t(word(base + 2 + d) - 1) * word(strideWord + d);
        if (__builtin_add_overflow(at, step, &at))
          return ~uint64_t(0);
      }
      return at;
    };
    const uint32_t src = inId(source), dst = cmd.outputs[0];
    if (last(base + 8, base + 9) >= numel(src))
      fail(what + " reads beyond source " + label(src) + " (" + std::to_string(numel(src)) +
           " elements)");
    if (last(base + 15, base + 16) >= numel(dst))
      fail(what + " writes beyond output " + label(dst) + " (" + std::to_string(numel(dst)) +
           " elements)");
  }
}

void CommandCheck::checkGather() {
  operands(2, 0, 1);
  movable(inId(0));
  weight(inId(1), DType::I32, "index");
  words(0);
  const uint32_t indexId = inId(1), output = cmd.outputs[0];
  if (numel(indexId) != numel(output))
    fail("index " + label(indexId) + " has " + std::to_string(numel(indexId)) +
         " elements, the output " + std::to_string(numel(output)));
  const uint64_t limit = numel(inId(0));
  // Each index value is 4 little-endian bytes; decoded chunks may split one.
  uint64_t position = 0;
  uint32_t value = 0;
  auto check = [&](uint32_t index) {
    if (static_cast<int32_t>(index) < 0 || index >= limit)
      fail("index " + label(indexId) + " element " + std::to_string(position / 4 - 1) + " is " +
           std::to_string(static_cast<int32_t>(index)) + ", outside the input's " +
           std::to_string(limit) + " elements");
  };
  auto onByte = [&](uint8_t byte) {
    value |= uint32_t(byte) << (8 * (position % 4));
    if (++position % 4 == 0)
      check(value), value = 0;
  };
  auto onZeros = [&](uint64_t count) {
    while (count > 0 && position % 4 != 0)
      onByte(0), --count;
    if (count >= 4) {
      position += count / 4 * 4;
      check(0);
    }
    for (count %= 4; count > 0; --count)
      onByte(0);
  };
  const TensorDesc &t = in(1);
  if (t.encoding == WeightEncoding::Raw)
    for (uint8_t byte : t.stored)
      onByte(byte);
  else
    scanZeroRun(t.stored.data(), t.stored.size(), numel(indexId) * 4, onZeros,
                [&](const uint8_t *data, size_t size) {
                  for (size_t i = 0; i < size; ++i)
                    onByte(data[i]);
                });
}

void CommandCheck::checkPpu() {
  atLeastWords(1);
  const uint32_t kind = word(0);
  size_t inputs = 1, optional = 0;
  switch (static_cast<PpuKind>(kind)) {
  case PpuKind::Unary:
    words(2);
    if (word(1) < uint32_t(PpuUnary::Neg) || word(1) > uint32_t(PpuUnary::GeluTanh))
      fail("unknown unary op code " + std::to_string(word(1)));
    break;
  case PpuKind::LeakyRelu:
  case PpuKind::Elu:
    words(2);
    break;
  case PpuKind::HardSigmoid:
    words(3);
    break;
  case PpuKind::Binary:
    inputs = 2;
    words(2);
    if (word(1) < uint32_t(PpuBinary::Add) || word(1) > uint32_t(PpuBinary::Max))
      fail("unknown binary op code " + std::to_string(word(1)));
    break;
  case PpuKind::LayerNorm:
    inputs = 2, optional = 1;
    words(3);
    if (!(wordFloat(word(2)) >= 0) || !std::isfinite(wordFloat(word(2))))
      fail("epsilon must be finite and >= 0");
    break;
  case PpuKind::Softmax:
    words(2);
    break;
  case PpuKind::Reduce:
    atLeastWords(4);
    if (word(1) < uint32_t(PpuReduce::Mean) || word(1) > uint32_t(PpuReduce::Min))
      fail("unknown reduce op code " + std::to_string(word(1)));
    if (word(2) > 1)
      fail("keepDims must be 0 or 1");
    words(4 + uint64_t(word(3)));
    break;
  case PpuKind::Pad:
    optional = 1;
    atLeastWords(3);
    if (word(1) > 2)
      fail("unknown pad mode " + std::to_string(word(1)));
    words(3 + uint64_t(word(2)));
    break;
  case PpuKind::GlobalAveragePool:
  case PpuKind::Identity:
    words(1);
    break;
  default:
    fail("unknown ppu kind " + std::to_string(kind));
  }
  operands(inputs, optional, 1);
  for (size_t slot = 0; slot < kMaxInputs; ++slot)
    if (has(slot))
      convertible(inId(slot), "input");
  convertible(cmd.outputs[0], "output");
  const size_t rank = in(0).shape.size();
  const PpuKind ppuKind = static_cast<PpuKind>(kind);
  if (ppuKind == PpuKind::LayerNorm || ppuKind == PpuKind::Softmax)
    axisInRange(signedWord(1), rank, "axis");
  if (ppuKind == PpuKind::Reduce) {
    std::vector<bool> seen(rank, false);
    for (uint32_t i = 0; i < word(3); ++i) {
      const int32_t axis = signedWord(4 + i);
      axisInRange(axis, rank, "reduce axis");
      const size_t normalized = axis < 0 ? axis + rank : axis;
      if (seen[normalized])
        fail("reduce axis " + std::to_string(axis) + " repeats");
      seen[normalized] = true;
    }
  }
  if (ppuKind == PpuKind::Pad && word(2) != 2 * rank)
    fail("pad count " + std::to_string(word(2)) + " must be 2 x the input rank " +
         std::to_string(rank));
}

} // namespace vitc::rt::npu::detail
