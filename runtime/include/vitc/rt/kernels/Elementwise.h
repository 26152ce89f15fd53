//===- Elementwise.h - Unary, binary and ternary elementwise ops --*- C++ -*-===//
//
// ONNX elementwise semantics: numpy-style multidirectional broadcasting,
// comparison ops produce Bool, integer Div truncates toward zero like C.
// Supported dtypes: arithmetic ops on F32, F64, I8, U8, I16, I32, I64;
// logical ops on Bool. An unsupported dtype throws vitc::rt::Error.
//
// Every result is defined: integer + - * wrap around, x / 0 and x % 0 give
// 0 for integers, INT_MIN / -1 gives INT_MIN; Min/Max propagate NaN (numpy
// minimum/maximum). f32 Exp/Erf/Tanh/Sigmoid/Gelu use vectorised
// approximations accurate to about 1 ulp (see kernels/FastMath.h).
//
//===----------------------------------------------------------------------===//
#ifndef VITC_RT_KERNELS_ELEMENTWISE_H
#define VITC_RT_KERNELS_ELEMENTWISE_H

#include "vitc/rt/Tensor.h"
#include "vitc/rt/ThreadPool.h"

#include <optional>

namespace vitc::rt {

/// The broadcast result shape of a and b; throws when they do not broadcast.
Shape broadcastShapes(const Shape &a, const Shape &b);

enum class BinaryOp {
  Add, Sub, Mul, Div, Pow, Min, Max, // arithmetic
  Mod,  ///< ONNX Mod fmod=0: the result takes the divisor's sign (numpy.mod)
  FMod, ///< ONNX Mod fmod=1: C fmod / %, the result takes the dividend's sign
  Equal, Less, LessOrEqual, Greater, GreaterOrEqual, // -> Bool
  And, Or, Xor, // Bool x Bool -> Bool
};
/// Pow: the exponent may have a different dtype from the base (result takes
/// the base's dtype, as ONNX says). Everything else needs equal dtypes.
Tensor binary(BinaryOp op, const Tensor &a, const Tensor &b, ThreadPool *pool);

enum class UnaryOp {
  Neg, Abs, Sqrt, Exp, Log, Erf, Reciprocal, Floor, Ceil, Round, Sign,
  Relu, Sigmoid, Tanh, HardSwish, Sin, Cos,
  Gelu,     ///< exact: 0.5 x (1 + erf(x / sqrt 2))
  GeluTanh, ///< tanh approximation
  Not,      ///< Bool only
};
/// Floating ops (Sqrt, Exp, ..., Gelu) need F32/F64; Abs/Sign/Relu also take
/// integers, Neg signed integers.
Tensor unary(UnaryOp op, const Tensor &x, ThreadPool *pool);

/// max(0, min(1, alpha * x + beta))
Tensor hardSigmoid(const Tensor &x, float alpha, float beta, ThreadPool *pool);
/// x < 0 ? alpha * x : x
Tensor leakyRelu(const Tensor &x, float alpha, ThreadPool *pool);
/// x < 0 ? alpha * (exp(x) - 1) : x
Tensor elu(const Tensor &x, float alpha, ThreadPool *pool);
/// min(max(x, lo), hi); absent bounds are not applied. Bounds are scalars of x's dtype.
Tensor clip(const Tensor &x, const std::optional<Tensor> &lo,
            const std::optional<Tensor> &hi, ThreadPool *pool);
/// cond ? x : y with three-way broadcasting; cond is Bool.
Tensor where(const Tensor &cond, const Tensor &x, const Tensor &y, ThreadPool *pool);
/// Element conversion with C++ semantics; float -> int truncates toward zero,
/// anything -> Bool is (v != 0). Defined everywhere: float -> int saturates at
/// the integer's range and maps NaN to 0; int -> narrower int wraps.
Tensor cast(const Tensor &x, DType to);

} // namespace vitc::rt

#endif // VITC_RT_KERNELS_ELEMENTWISE_H
