//===- Quantized.h - Integer reference kernels --------------------*- C++ -*-===//
//
// The one definition of every quantised op (docs/quantization.md). The
// compiler's interpreter, the generated C++ and the NPU simulator all call
// these, so their outputs agree bit for bit. Requantisation parameters are
// computed once (Requant::fromReal) and passed in; the kernels use integer
// arithmetic only, except where the PPU model says fp32 (attention softmax).
//
// Storage dtypes: INT8 activations and weights I8, INT16 activations I16,
// biases I32, attention probabilities U8. Accumulators: int32 when both
// operands are 8-bit (wrapping modulo 2^32 like a hardware MAC array; only
// K > 65000 or an extreme bias can get there), int64 when one is INT16.
//
// Dense products run on an integer GEMM with per-CPU micro-kernels (AVX-512
// VNNI, AVX2, portable C++). Integer sums are exact, so every instruction
// set and every thread count gives the same bits.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_RT_KERNELS_QUANTIZED_H
#define VITC_RT_KERNELS_QUANTIZED_H

#include "vitc/rt/Tensor.h"
#include "vitc/rt/ThreadPool.h"
#include "vitc/rt/kernels/Conv.h"

#include <memory>
#include <optional>
#include <vector>

namespace vitc::rt {

/// Per-tensor quantisation of an activation: r = scale * (q - zeroPoint).
struct QuantSpec {
  float scale = 1.0f;
  int32_t zeroPoint = 0;
  int32_t qmin = -128;
  int32_t qmax = 127;
  DType storage = DType::I8; ///< I8, I16 or U8
};

/// A real multiplier m encoded as m ~ multiplier * 2^-(31 + shift),
/// multiplier in [2^30, 2^31).
struct Requant {
  int32_t multiplier = 1 << 30;
  int32_t shift = 0;
  /// The encoding of docs/quantization.md; m must be > 0 and finite.
  static Requant fromReal(double m);
};

/// RoundShift(value * r.multiplier, 31 + r.shift) with round half away from
/// zero, exact for any int64 value (128-bit intermediate). A result beyond
/// int64 (only possible for multipliers m >= 1) saturates.
int64_t applyRequant(int64_t value, Requant r);
/// clamp(zeroPoint + applyRequant(acc, r), qmin, qmax); the default range is INT8's.
int32_t requantize(int64_t acc, Requant r, int32_t zeroPoint, int32_t qmin = -128,
                   int32_t qmax = 127);

/// fp32 -> storage and back (docs/quantization.md, "Quantise and dequantise").
/// quantize maps NaN to the zero point.
Tensor quantize(const Tensor &real, const QuantSpec &spec, ThreadPool *pool);
Tensor dequantize(const Tensor &quantized, const QuantSpec &spec, ThreadPool *pool);

/// The instruction set of the integer GEMM's micro-kernels. The best one
/// the CPU has is picked on first use, or the one named by the environment
/// variable VITC_QGEMM_ISA=portable|avx2|avx512vnni. All give identical
/// results; only the speed differs.
enum class QGemmIsa { Portable, Avx2, Avx512Vnni };
const char *qgemmIsaName(QGemmIsa isa);
bool qgemmIsaSupported(QGemmIsa isa);
QGemmIsa qgemmIsa();
/// Switches the instruction set for later calls (tests and benchmarks; not
/// while a kernel runs). Throws Error when the CPU lacks it.
void setQGemmIsa(QGemmIsa isa);

namespace detail {
struct QPackedWeightsData;
}

/// Constant weights of qlinear or qconv prepared once (packed for the GEMM
/// with their sums precomputed) for activations of one dtype (I8 or I16).
/// Products with it use the instruction set it was packed for.
class QPackedWeights {
public:
  QPackedWeights() = default;
  /// weight: qlinear's [N, K] or qconv's [M, C/group, k...], I8.
  static QPackedWeights pack(const Tensor &weight, DType activation, int64_t group = 1);
  bool valid() const { return data_ != nullptr; }
  const Shape &shape() const;   ///< the weight's shape
  DType activation() const;     ///< the activation dtype it was packed for
  int64_t group() const;
  QGemmIsa isa() const;
  const detail::QPackedWeightsData &data() const { return *data_; }

private:
  std::shared_ptr<const detail::QPackedWeightsData> data_;
};

/// Dense layers: y = requant(bias + sum_k (x - z_x) w) per output channel.
struct QDenseParams {
  QuantSpec input;
  QuantSpec output;
  std::vector<Requant> requant; ///< one per output channel (or one for all)
};

/// x [..., K] (I8 or I16), weight [N, K] I8, bias [N] I32 or absent.
Tensor qlinear(const Tensor &x, const Tensor &weight, const std::optional<Tensor> &bias,
               const QDenseParams &params, ThreadPool *pool);
/// The same with the weight packed beforehand (QPackedWeights::pack(weight,
/// x.dtype())): identical results, no per-call packing.
Tensor qlinear(const Tensor &x, const QPackedWeights &weight, const std::optional<Tensor> &bias,
               const QDenseParams &params, ThreadPool *pool);

/// NCHW conv (1-d/2-d, groups, strides, dilations, pads; zero padding means
/// padding with the input zero point): x I8/I16, weight [M, C/group, k...] I8,
/// bias [M] I32 or absent.
Tensor qconv(const Tensor &x, const Tensor &weight, const std::optional<Tensor> &bias,
             ConvAttrs attrs, const QDenseParams &params, ThreadPool *pool);
/// The same with the weight packed beforehand (QPackedWeights::pack(weight,
/// x.dtype(), attrs.group)).
Tensor qconv(const Tensor &x, const QPackedWeights &weight, const std::optional<Tensor> &bias,
             ConvAttrs attrs, const QDenseParams &params, ThreadPool *pool);

/// MatMul of two activations (numpy batch broadcasting; transposeA/B swap
/// the last two dims of a/b): acc = sum (a - z_a)(b - z_b), one requant.
Tensor qmatmul(const Tensor &a, const QuantSpec &aSpec, const Tensor &b, const QuantSpec &bSpec,
               bool transposeA, bool transposeB, const QuantSpec &output, Requant requant,
               ThreadPool *pool);

/// Elementwise Add with numpy broadcasting (docs/quantization.md, "Add").
/// When the two multipliers' shifts differ by more than 63 (scales 2^63
/// apart), the finer input adds under 2^-17 of an output step and counts as 0.
Tensor qadd(const Tensor &a, const QuantSpec &aSpec, Requant aRequant, const Tensor &b,
            const QuantSpec &bSpec, Requant bRequant, const QuantSpec &output, ThreadPool *pool);

/// Attention (docs/quantization.md, "Attention"): q [B, Nq, H*D], k [B, Nk, H*D],
/// v [B, Nk, H*Dv] quantised per tensor; bias fp32 [G, H|1, Nq|1, Nk|1] with
/// B % G == 0 (batch b uses bias[b % G]). `scoreScale` = scale * s_q * s_k
/// and `valueRatio` = s_v / s_o (both fp32); each query row is requantised
/// with s_v / (s_o * Z), Z the sum of its 15-bit exponentials.
struct QAttentionParams {
  int64_t heads = 1;
  float scoreScale = 1.0f;
  float valueRatio = 1.0f;
  QuantSpec q, k, v, output;
};
Tensor qattention(const Tensor &q, const Tensor &k, const Tensor &v,
                  const std::optional<Tensor> &bias, const QAttentionParams &params,
                  ThreadPool *pool);

} // namespace vitc::rt

#endif // VITC_RT_KERNELS_QUANTIZED_H
