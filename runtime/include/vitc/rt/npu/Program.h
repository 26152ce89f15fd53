//===- Program.h - An NPU program in memory: tensors, weights, commands -*- C++ -*-===//
//
// The in-memory form of a .vnb command stream (docs/command-stream.md). The
// compiler's codegen fills a Program and writes it (Format.h: writeVnb); the
// loader reads one back (readVnb) and the simulator runs it (Simulator.h).
//
// Memory model. Every tensor lives at a byte offset in one of three regions:
//   Weights  read-only DRAM holding constants (weights, biases, fp32
//            LayerNorm parameters, gather index tables), decoded from the file;
//   Dram     the activation arena in DRAM (model inputs and outputs live here);
//   Sram     the activation arena in on-chip SRAM.
// Tensors are dense row-major. Two tensors may share bytes (a reshape is a
// second tensor over the same bytes), which the buffer planner guarantees
// safe.
//
// Commands run in order; each waits for the one before (the cost model
// overlaps DMA with compute, see Simulator.h, but never reorders).
// Operands are tensor ids (indices into Program::tensors); kNone marks an
// absent optional operand. Per-opcode parameters are 32-bit words in
// Program::params at [paramsOffset, paramsOffset + paramsCount); floats are
// stored as their IEEE-754 bit pattern. The layouts are listed at each
// opcode below. Runtime-only, standard library only.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_RT_NPU_PROGRAM_H
#define VITC_RT_NPU_PROGRAM_H

#include "vitc/rt/Tensor.h"
#include "vitc/rt/kernels/Quantized.h"
#include "vitc/rt/npu/Config.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace vitc::rt::npu {

constexpr uint32_t kNone = 0xFFFFFFFFu;
constexpr int kMaxRank = 6;
constexpr int kMaxInputs = 4;
constexpr int kMaxOutputs = 2;

enum class Region : uint8_t { Weights = 0, Dram = 1, Sram = 2 };

/// How a constant tensor's bytes are stored in the file.
enum class WeightEncoding : uint8_t {
  Raw = 0,
  /// Zero-run encoding (docs/command-stream.md, "Weights"): pruned and
  /// shared weights with long zero runs shrink the file and the DMA bytes.
  ZeroRun = 1,
};

struct TensorDesc {
  std::string name;
  DType dtype = DType::I8; ///< storage type: I8, I16, U8, I32 or F32
  Shape shape;             ///< rank <= kMaxRank, every dim >= 0
  Region region = Region::Dram;
  uint64_t offset = 0; ///< byte offset in the region
  /// Per-tensor quantisation (activations). Weights and biases are raw
  /// integers: their scales are folded into the commands' requant words.
  bool quantized = false;
  QuantSpec quant;
  int32_t inputIndex = -1;  ///< >= 0: the model's input number
  int32_t outputIndex = -1; ///< >= 0: the model's output number
  /// Weights only: the encoded bytes as stored in the file (decoded into the
  /// weight region at `offset` on load, byteSize() bytes).
  WeightEncoding encoding = WeightEncoding::Raw;
  std::vector<uint8_t> stored;

  uint64_t byteSize() const { return static_cast<uint64_t>(numElements(shape)) * dtypeSize(dtype); }
};

/// The unit a command runs on (cost model, report).
enum class Unit : uint8_t { Nn = 0, Tp = 1, Ppu = 2, Dma = 3, Host = 4 };

enum class Opcode : uint8_t {
  /// NN commands may apply a table in their output stage (input slot 3, the
  /// table of TpLut): the kernel's requantised result, quantised with the 5
  /// "table words" appended to the params -- scale (f32 bits), zeroPoint,
  /// qmin, qmax, storage bits (8|16) -- is looked up in it; without a table
  /// the kernel writes the output's quantisation directly.
  /// qlinear. in: x, weight [N, K] I8, bias [N] I32 | kNone, table | kNone.
  /// out: y. params: count (1 or N), then count x (multiplier, shift)[, table words].
  NnGemm = 1,
  /// qconv (NCHW). in: x, weight, bias | kNone, table | kNone. out: y.
  /// params: spatialRank r (1|2), group, kernel[r], strides[r], pads[2r]
  /// (begins then ends), dilations[r], count, count x (multiplier, shift)[, table words].
  NnConv = 2,
  /// qmatmul. in: a, b, kNone, table | kNone. out: y.
  /// params: transposeA, transposeB, multiplier, shift[, table words].
  NnMatMul = 3,
  /// qattention. in: q, k, v, bias (F32 weight) | kNone. out: y.
  /// params: heads, scoreScale (f32 bits), valueRatio (f32 bits).
  NnAttention = 4,
  /// qadd. in: a, b. out: y. params: aMultiplier, aShift, bMultiplier, bShift.
  TpAdd = 5,
  /// Strided copies into one output: for each copy, out[dstOffset + sum i_d
  /// dstStride_d] = in[srcOffset + sum i_d srcStride_d] over the box `shape`
  /// (offsets and strides in elements). in: up to kMaxInputs sources. out: y.
  /// When a source's quantisation differs from the output's, elements are
  /// converted like the interpreter's PPU model (dequantise, quantise).
  /// params: copies, then per copy: source (input slot), rank, shape[6],
  /// srcOffset, srcStrides[6], dstOffset, dstStrides[6]   (22 words each).
  TpCopy = 6,
  /// out[i] = in[index[i]]. in: x, index (I32 weight, output's element count).
  /// out: y. Conversion as TpCopy. No params.
  TpGather = 7,
  /// Elementwise table lookup on an I8 or I16 input: out[i] = table[in[i] +
  /// 128] (I8) or table[in[i] + 32768] (I16). in: x, table (weight of the
  /// output's dtype, 256 or 65536 entries). out: y. No params. Exact
  /// replacement of a unary PpuOp: the compiler fills the table by running
  /// that PpuOp on every input value.
  TpLut = 8,
  /// A floating-point op on the PPU (or on the host CPU when unit is Host):
  /// quantised inputs are dequantised, the op runs in fp32 with the runtime
  /// kernel, quantised outputs are quantised (docs/quantization.md, "PPU
  /// model"). params: PpuKind, then the kind's words (see PpuKind).
  PpuOp = 9,
  /// Byte copy of a whole tensor. in: x. out: y (same byte size). No params.
  Dma = 10,
  /// The last command. No operands.
  End = 11,
};

/// Ops of Opcode::PpuOp. Inputs and outputs are in the vit op's order.
enum class PpuKind : uint32_t {
  Unary = 1,        ///< words: rt::UnaryOp code (PpuUnary)
  LeakyRelu = 2,    ///< words: alpha
  HardSigmoid = 3,  ///< words: alpha, beta
  Elu = 4,          ///< words: alpha
  Binary = 5,       ///< words: rt::BinaryOp code (PpuBinary); numpy broadcasting
  LayerNorm = 6,    ///< in: x, scale, bias | kNone. words: axis, epsilon
  Softmax = 7,      ///< words: axis
  Reduce = 8,       ///< words: PpuReduce code, keepDims, axisCount, axes...
  GlobalAveragePool = 9,
  Pad = 10,         ///< in: x, value | kNone. words: mode (0 constant, 1 reflect, 2 edge), count, pads...
  Identity = 11,    ///< quantise (F32 -> quantised) or dequantise (quantised -> F32)
};

/// Codes of PpuKind::Unary, stable across versions (not rt::UnaryOp's order).
enum class PpuUnary : uint32_t {
  Neg = 1, Abs, Sqrt, Exp, Log, Erf, Reciprocal, Floor, Ceil, Round, Sign,
  Relu, Sigmoid, Tanh, HardSwish, Sin, Cos, Gelu, GeluTanh,
};
/// Codes of PpuKind::Binary.
enum class PpuBinary : uint32_t { Add = 1, Sub, Mul, Div, Pow, Min, Max };
/// Codes of PpuKind::Reduce.
enum class PpuReduce : uint32_t { Mean = 1, Sum, Max, Min };

struct Command {
  Opcode opcode = Opcode::End;
  Unit unit = Unit::Nn;
  std::string layer; ///< the source op's name (ONNX node), for the report
  std::array<uint32_t, kMaxInputs> inputs{kNone, kNone, kNone, kNone};
  std::array<uint32_t, kMaxOutputs> outputs{kNone, kNone};
  uint32_t paramsOffset = 0;
  uint32_t paramsCount = 0;
  /// Tiling chosen by the compiler (cost model only; results never depend
  /// on it). NN: rows (M), output channels (N), reduction (K) per tile;
  /// attention: query rows, -, -; TP/PPU: rows per tile. 0 = untiled.
  std::array<uint32_t, 3> tile{0, 0, 0};
  /// SRAM bytes the command's tile buffers need (double-buffered), beyond
  /// its SRAM-resident operands.
  uint64_t sramScratchBytes = 0;
};

struct Program {
  NpuConfig config;
  std::vector<TensorDesc> tensors;
  std::vector<uint32_t> params;
  std::vector<Command> commands; ///< ends with Opcode::End
  uint64_t weightBytes = 0;      ///< size of the decoded weight region
  uint64_t dramBytes = 0;        ///< size of the DRAM activation arena
  uint64_t sramBytes = 0;        ///< size of the SRAM activation arena (<= config.sramBytes)
};

/// Word helpers for params.
inline uint32_t floatWord(float value) {
  uint32_t word;
  static_assert(sizeof(word) == sizeof(value));
  __builtin_memcpy(&word, &value, sizeof(word));
  return word;
}
inline float wordFloat(uint32_t word) {
  float value;
  __builtin_memcpy(&value, &word, sizeof(word));
  return value;
}

const char *opcodeName(Opcode opcode);
const char *unitName(Unit unit);
const char *regionName(Region region);

/// Structural checks every consumer relies on: ids in range, offsets and
/// sizes inside their regions, params inside the params array, operand
/// counts and dtypes per opcode, a final End. Throws rt::Error naming the
/// command or tensor. readVnb calls it; codegen calls it before writing.
void validateProgram(const Program &program);

} // namespace vitc::rt::npu

#endif // VITC_RT_NPU_PROGRAM_H
