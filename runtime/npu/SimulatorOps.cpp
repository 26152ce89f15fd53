//===- SimulatorOps.cpp - The simulator's data movement and PPU commands --===//
//
// TpCopy, TpGather and TpLut move elements; when a source's quantisation
// differs from the output's they convert the way the interpreter runs a data
// movement op whose parameters change: dequantise the source, move the fp32
// values, quantise them with the output's spec (elementwise, so per copy).
// PpuOp dequantises its quantised inputs, runs the fp32 runtime kernel of its
// kind and quantises the result if the output is quantised.
//
//===----------------------------------------------------------------------===//
#include "SimulatorMemory.h"

#include "vitc/rt/Error.h"
#include "vitc/rt/kernels/DataMovement.h"
#include "vitc/rt/kernels/Elementwise.h"
#include "vitc/rt/kernels/Normalization.h"
#include "vitc/rt/kernels/Pool.h"
#include "vitc/rt/kernels/Reduce.h"

#include <cstring>
#include <optional>

namespace vitc::rt::npu::detail {

Tensor applyTable(const Tensor &x, const Tensor &table, const TensorDesc &out) {
  if (x.dtype() != DType::I8 && x.dtype() != DType::I16)
    throw Error(std::string("the table input must be i8 or i16, got ") + dtypeName(x.dtype()));
  const int64_t entries = x.dtype() == DType::I8 ? 256 : 65536;
  if (table.dtype() != out.dtype || table.numel() != entries)
    throw Error("the table must hold " + std::to_string(entries) + " " + dtypeName(out.dtype) +
                " entries, got " + std::to_string(table.numel()) + " " + dtypeName(table.dtype()));
  if (x.numel() != numElements(out.shape))
    throw Error("the table input has " + std::to_string(x.numel()) + " elements, the output " +
                std::to_string(numElements(out.shape)));
  const size_t elementSize = dtypeSize(out.dtype);
  Tensor result = Tensor::uninitialized(out.dtype, out.shape);
  const auto *entriesBytes = static_cast<const uint8_t *>(table.raw());
  auto *to = static_cast<uint8_t *>(result.raw());
  for (int64_t i = 0; i < x.numel(); ++i) {
    const int64_t entry =
        x.dtype() == DType::I8 ? x.data<int8_t>()[i] + 128 : x.data<int16_t>()[i] + 32768;
    std::memcpy(to + i * elementSize, entriesBytes + entry * elementSize, elementSize);
  }
  return result;
}

namespace {

//===- TpCopy ----------------------------------------------------------------===//

constexpr size_t kCopyWords = 22;

/// One copy's box: `shape[0..rank)` elements, visited in row-major order.
struct Box {
  uint32_t rank = 0;
  std::array<uint64_t, kMaxRank> shape{};
  uint64_t count = 1; ///< elements in the box
};

/// Calls fn(boxIndex, elementIndex) for every box element, elementIndex =
/// offset + sum_d i_d * strides_d.
template <typename Fn>
void forEachElement(const Box &box, uint64_t offset, const std::array<uint64_t, kMaxRank> &strides,
                    Fn fn) {
  std::array<uint64_t, kMaxRank> index{};
  uint64_t element = offset;
  for (uint64_t n = 0; n < box.count; ++n) {
    fn(n, element);
    for (int d = static_cast<int>(box.rank) - 1; d >= 0; --d) {
      element += strides[d];
      if (++index[d] < box.shape[d])
        break;
      element -= box.shape[d] * strides[d];
      index[d] = 0;
    }
  }
}

/// Checks that the box at offset/strides stays inside `elements` elements.
void checkInside(const Box &box, uint64_t offset, const std::array<uint64_t, kMaxRank> &strides,
                 uint64_t elements, const std::string &what) {
  // Each step stays below `elements` before the next is added: no overflow.
  uint64_t last = offset;
  for (uint32_t d = 0; d < box.rank && last < elements; ++d) {
    if (strides[d] != 0 && box.shape[d] - 1 > elements / strides[d])
      last = elements;
    else
      last += (box.shape[d] - 1) * strides[d];
  }
  if (last >= elements)
    throw Error(what + " leaves the " + std::to_string(elements) + " elements of its tensor");
}

/// Whether a source's values must be converted (dequantised, then
/// quantised) to be stored in `out`.
bool needsConversion(const TensorDesc &source, const TensorDesc &out) {
  if (source.quantized != out.quantized)
    return true;
  const QuantSpec &a = source.quant, &b = out.quant;
  return source.quantized && (a.scale != b.scale || a.zeroPoint != b.zeroPoint ||
                              a.qmin != b.qmin || a.qmax != b.qmax || a.storage != b.storage);
}

/// The source values a copy reads: the stored values, or fp32 when they
/// must be converted.
Tensor sourceValues(Memory &memory, uint32_t source, const TensorDesc &out) {
  if (!needsConversion(memory.desc(source), out))
    return memory.view(source);
  const Tensor real = memory.real(source);
  if (real.dtype() != DType::F32)
    throw Error("source '" + memory.desc(source).name + "' is " + dtypeName(real.dtype()) +
                ", neither quantised nor f32, and cannot be converted");
  return real;
}

/// `values` (moved elements) in the output's representation.
Tensor toOutput(Memory &memory, Tensor values, const TensorDesc &out) {
  if (values.dtype() == DType::F32 && out.quantized)
    values = quantize(values, out.quant, memory.pool());
  if (values.dtype() != out.dtype)
    throw Error("cannot move " + std::string(dtypeName(values.dtype())) + " elements into " +
                dtypeName(out.dtype) + " output '" + out.name + "'");
  return values;
}

void runCopy(const Command &command, const Words &words, Memory &memory) {
  const uint32_t outId = command.outputs[0];
  const TensorDesc &out = memory.desc(outId);
  const uint64_t outElements = numElements(out.shape);
  const size_t elementSize = dtypeSize(out.dtype);
  // Copies may fill only part of the output: start from its current bytes.
  uint8_t *outBytes = memory.bytes(outId, true);
  std::vector<uint8_t> result(outBytes, outBytes + out.byteSize());
  std::array<std::optional<Tensor>, kMaxInputs> sources;
  const uint64_t copies = words.at(0);
  if (1 + copies * kCopyWords != words.size())
    throw Error(std::to_string(copies) + " copies need " + std::to_string(1 + copies * kCopyWords) +
                " parameter words, got " + std::to_string(words.size()));
  for (uint64_t c = 0; c < copies; ++c) {
    const size_t base = 1 + c * kCopyWords;
    const uint32_t slot = words.at(base);
    if (slot >= kMaxInputs || command.inputs[slot] == kNone)
      throw Error("copy " + std::to_string(c) + " reads input slot " + std::to_string(slot) +
                  ", which is empty");
    Box box;
    box.rank = words.at(base + 1);
    if (box.rank > kMaxRank)
      throw Error("copy " + std::to_string(c) + " has rank " + std::to_string(box.rank));
    std::array<uint64_t, kMaxRank> srcStrides{}, dstStrides{};
    for (uint32_t d = 0; d < box.rank; ++d) {
      box.shape[d] = words.at(base + 2 + d);
      srcStrides[d] = words.at(base + 9 + d);
      dstStrides[d] = words.at(base + 16 + d);
      // The box may not write more elements than the output has (no overflow below).
      box.count = box.shape[d] == 0 || box.count <= outElements / box.shape[d]
                      ? box.count * box.shape[d]
                      : outElements + 1;
    }
    if (box.count == 0)
      continue;
    if (box.count > outElements)
      throw Error("copy " + std::to_string(c) + " writes more elements than output '" + out.name +
                  "' has");
    const uint64_t srcOffset = words.at(base + 8), dstOffset = words.at(base + 15);
    const std::string name = "copy " + std::to_string(c);
    if (!sources[slot])
      sources[slot] = sourceValues(memory, command.inputs[slot], out);
    const Tensor &source = *sources[slot];
    checkInside(box, srcOffset, srcStrides, source.numel(), name + " (source)");
    checkInside(box, dstOffset, dstStrides, outElements, name + " (destination)");
    // Gather the box densely, convert it, scatter it into the result.
    const size_t sourceSize = dtypeSize(source.dtype());
    Tensor dense = Tensor::uninitialized(source.dtype(), {static_cast<int64_t>(box.count)});
    const auto *from = static_cast<const uint8_t *>(source.raw());
    auto *denseBytes = static_cast<uint8_t *>(dense.raw());
    forEachElement(box, srcOffset, srcStrides, [&](uint64_t n, uint64_t element) {
      std::memcpy(denseBytes + n * sourceSize, from + element * sourceSize, sourceSize);
    });
    const Tensor converted = toOutput(memory, dense, out);
    const auto *convertedBytes = static_cast<const uint8_t *>(converted.raw());
    forEachElement(box, dstOffset, dstStrides, [&](uint64_t n, uint64_t element) {
      std::memcpy(result.data() + element * elementSize, convertedBytes + n * elementSize,
                  elementSize);
    });
  }
  if (!result.empty())
    std::memcpy(outBytes, result.data(), result.size());
}

//===- TpGather and TpLut ----------------------------------------------------===//

void runGather(const Command &command, Memory &memory) {
  const TensorDesc &out = memory.desc(command.outputs[0]);
  const Tensor source = sourceValues(memory, command.inputs[0], out);
  const Tensor index = memory.view(command.inputs[1]);
  if (index.dtype() != DType::I32 || index.numel() != numElements(out.shape))
    throw Error("the index table must be i32 with the output's " +
                std::to_string(numElements(out.shape)) + " elements");
  const size_t elementSize = dtypeSize(source.dtype());
  Tensor gathered = Tensor::uninitialized(source.dtype(), out.shape);
  const auto *from = static_cast<const uint8_t *>(source.raw());
  auto *to = static_cast<uint8_t *>(gathered.raw());
  const int32_t *indices = index.data<int32_t>();
  for (int64_t i = 0; i < index.numel(); ++i) {
    if (indices[i] < 0 || indices[i] >= source.numel())
      throw Error("index " + std::to_string(indices[i]) + " at " + std::to_string(i) +
                  " is outside the source's " + std::to_string(source.numel()) + " elements");
    std::memcpy(to + i * elementSize, from + int64_t(indices[i]) * elementSize, elementSize);
  }
  memory.store(command.outputs[0], toOutput(memory, gathered, out));
}

void runLut(const Command &command, Memory &memory) {
  const TensorDesc &out = memory.desc(command.outputs[0]);
  memory.store(command.outputs[0], applyTable(memory.view(command.inputs[0]),
                                              memory.view(command.inputs[1]), out));
}

//===- PpuOp -------------------------------------------------------------===//

/// Code - 1 of PpuUnary, PpuBinary and PpuReduce to the runtime's enums.
constexpr UnaryOp kUnaryOps[] = {
    UnaryOp::Neg,  UnaryOp::Abs,        UnaryOp::Sqrt,    UnaryOp::Exp,     UnaryOp::Log,
    UnaryOp::Erf,  UnaryOp::Reciprocal, UnaryOp::Floor,   UnaryOp::Ceil,    UnaryOp::Round,
    UnaryOp::Sign, UnaryOp::Relu,       UnaryOp::Sigmoid, UnaryOp::Tanh,    UnaryOp::HardSwish,
    UnaryOp::Sin,  UnaryOp::Cos,        UnaryOp::Gelu,    UnaryOp::GeluTanh};
constexpr BinaryOp kBinaryOps[] = {BinaryOp::Add, BinaryOp::Sub, BinaryOp::Mul, BinaryOp::Div,
                                   BinaryOp::Pow, BinaryOp::Min, BinaryOp::Max};
constexpr ReduceOp kReduceOps[] = {ReduceOp::Mean, ReduceOp::Sum, ReduceOp::Max, ReduceOp::Min};

template <typename Op, size_t N> Op lookup(const Op (&ops)[N], uint32_t code, const char *what) {
  if (code < 1 || code > N)
    throw Error(std::string("unknown ") + what + " code " + std::to_string(code));
  return ops[code - 1];
}

Tensor runPpuKernel(const Command &command, const Words &words, Memory &memory) {
  ThreadPool *pool = memory.pool();
  const auto in = [&](int i) { return memory.real(command.inputs[i]); };
  const auto optionalIn = [&](int i) -> std::optional<Tensor> {
    if (command.inputs[i] == kNone)
      return std::nullopt;
    return in(i);
  };
  const uint32_t kind = words.at(0);
  switch (static_cast<PpuKind>(kind)) {
  case PpuKind::Unary:
    return unary(lookup(kUnaryOps, words.at(1), "unary op"), in(0), pool);
  case PpuKind::LeakyRelu:
    return leakyRelu(in(0), words.floatAt(1), pool);
  case PpuKind::HardSigmoid:
    return hardSigmoid(in(0), words.floatAt(1), words.floatAt(2), pool);
  case PpuKind::Elu:
    return elu(in(0), words.floatAt(1), pool);
  case PpuKind::Binary:
    return binary(lookup(kBinaryOps, words.at(1), "binary op"), in(0), in(1), pool);
  case PpuKind::LayerNorm:
    return layerNorm(in(0), in(1), optionalIn(2), words.signedAt(1), words.floatAt(2), pool);
  case PpuKind::Softmax:
    return softmax(in(0), words.signedAt(1), pool);
  case PpuKind::Reduce: {
    std::vector<int64_t> axes;
    for (uint32_t i = 0; i < words.at(3); ++i)
      axes.push_back(words.signedAt(4 + i));
    return reduce(lookup(kReduceOps, words.at(1), "reduce op"), in(0), axes, words.at(2) != 0,
                  /*noopWithEmptyAxes=*/false, pool);
  }
  case PpuKind::GlobalAveragePool:
    return globalAveragePool(in(0), pool);
  case PpuKind::Pad: {
    constexpr PadMode kModes[] = {PadMode::Constant, PadMode::Reflect, PadMode::Edge};
    const uint32_t mode = words.at(1);
    if (mode > 2)
      throw Error("unknown pad mode " + std::to_string(mode));
    std::vector<int64_t> pads;
    for (uint32_t i = 0; i < words.at(2); ++i)
      pads.push_back(words.signedAt(3 + i));
    return pad(in(0), pads, kModes[mode], optionalIn(1));
  }
  case PpuKind::Identity:
    return in(0);
  }
  throw Error("unknown PPU op kind " + std::to_string(kind));
}

} // namespace

void runDataMovement(const Command &command, const Words &words, Memory &memory) {
  if (command.opcode == Opcode::TpCopy)
    runCopy(command, words, memory);
  else if (command.opcode == Opcode::TpGather)
    runGather(command, memory);
  else
    runLut(command, memory);
}

void runPpuOp(const Command &command, const Words &words, Memory &memory) {
  memory.storeReal(command.outputs[0], runPpuKernel(command, words, memory));
}

} // namespace vitc::rt::npu::detail
