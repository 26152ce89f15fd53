//===- Quantized.h - Integer reference kernels --------------------*- C++ -*-===//
//
// The one definition of every quantised op (docs/quantization.md). The
// compiler's interpreter, the generated C++ and the NPU simulator all call
// these, so their outputs agree bit for bit. Requantisation parameters are
// computed once (Requant::fromReal) and passed in; the kernels use integer
// arithmetic only, except where the PPU model says fp32 (attention softmax).
//
// Storage dtypes: INT8 activations and weights I8, INT16 activations I16,
// biases I32, attention probabilities U8.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_RT_KERNELS_QUANTIZED_H
#define VITC_RT_KERNELS_QUANTIZED_H

#include "vitc/rt/Tensor.h"
#include "vitc/rt/ThreadPool.h"
#include "vitc/rt/kernels/Conv.h"

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
/// zero, exact for any int64 value (128-bit intermediate).
int64_t applyRequant(int64_t value, Requant r);
/// clamp(zeroPoint + applyRequant(acc, r), qmin, qmax)
int32_t requantize(int64_t acc, Requant r, int32_t zeroPoint, int32_t qmin, int32_t qmax);

/// fp32 -> storage and back (docs/quantization.md, "Quantise and dequantise").
Tensor quantize(const Tensor &real, const QuantSpec &spec, ThreadPool *pool);
Tensor dequantize(const Tensor &quantized, const QuantSpec &spec, ThreadPool *pool);

/// Dense layers: y = requant(bias + sum_k (x - z_x) w) per output channel.
struct QDenseParams {
  QuantSpec input;
  QuantSpec output;
  std::vector<Requant> requant; ///< one per output channel (or one for all)
};

/// x [..., K] (I8 or I16), weight [N, K] I8, bias [N] I32 or absent.
Tensor qlinear(const Tensor &x, const Tensor &weight, const std::optional<Tensor> &bias,
               const QDenseParams &params, ThreadPool *pool);

/// NCHW conv (1-d/2-d, groups, strides, dilations, pads; zero padding means
/// padding with the input zero point): x I8/I16, weight [M, C/group, k...] I8,
/// bias [M] I32 or absent.
Tensor qconv(const Tensor &x, const Tensor &weight, const std::optional<Tensor> &bias,
             ConvAttrs attrs, const QDenseParams &params, ThreadPool *pool);

/// MatMul of two activations (numpy batch broadcasting; transposeA/B swap
/// the last two dims of a/b): acc = sum (a - z_a)(b - z_b), one requant.
Tensor qmatmul(const Tensor &a, const QuantSpec &aSpec, const Tensor &b, const QuantSpec &bSpec,
               bool transposeA, bool transposeB, const QuantSpec &output, Requant requant,
               ThreadPool *pool);

/// Elementwise Add with numpy broadcasting (docs/quantization.md, "Add").
Tensor qadd(const Tensor &a, const QuantSpec &aSpec, Requant aRequant, const Tensor &b,
            const QuantSpec &bSpec, Requant bRequant, const QuantSpec &output, ThreadPool *pool);

/// Attention (docs/quantization.md, "Attention"): q [B, Nq, H*D], k [B, Nk, H*D],
/// v [B, Nk, H*Dv] quantised per tensor; bias fp32 [G, H|1, Nq|1, Nk|1] with
/// B % G == 0 (batch b uses bias[b % G]). `scoreScale` = scale * s_q * s_k
/// (fp32), `outputRequant` encodes s_v / (255 * s_o).
struct QAttentionParams {
  int64_t heads = 1;
  float scoreScale = 1.0f;
  QuantSpec q, k, v, output;
  Requant outputRequant;
};
Tensor qattention(const Tensor &q, const Tensor &k, const Tensor &v,
                  const std::optional<Tensor> &bias, const QAttentionParams &params,
                  ThreadPool *pool);

} // namespace vitc::rt

#endif // VITC_RT_KERNELS_QUANTIZED_H
