//===- ElementwiseUnary.cpp - Unary ops, activations, Clip and Cast -------===//
//
// f32 exp/erf/tanh/sigmoid (and what builds on them: Gelu, Elu) use the
// vectorisable approximations of FastMath.h; f64 uses the std:: functions.
// Cast converts with convertValue (ElementwiseUtil.h), which defines every
// case including NaN and out-of-range floats to integers.
//
//===----------------------------------------------------------------------===//
#include "vitc/rt/kernels/Elementwise.h"

#include "Broadcast.h"
#include "DTypeDispatch.h"
#include "ElementwiseUtil.h"
#include "FastMath.h"
#include "Multiversion.h"

#include <cmath>
#include <type_traits>

namespace vitc::rt {

using namespace detail;

namespace {

const char *unaryOpName(UnaryOp op) {
  switch (op) {
  case UnaryOp::Neg:
    return "Neg";
  case UnaryOp::Abs:
    return "Abs";
  case UnaryOp::Sqrt:
    return "Sqrt";
  case UnaryOp::Exp:
    return "Exp";
  case UnaryOp::Log:
    return "Log";
  case UnaryOp::Erf:
    return "Erf";
  case UnaryOp::Reciprocal:
    return "Reciprocal";
  case UnaryOp::Floor:
    return "Floor";
  case UnaryOp::Ceil:
    return "Ceil";
  case UnaryOp::Round:
    return "Round";
  case UnaryOp::Sign:
    return "Sign";
  case UnaryOp::Relu:
    return "Relu";
  case UnaryOp::Sigmoid:
    return "Sigmoid";
  case UnaryOp::Tanh:
    return "Tanh";
  case UnaryOp::HardSwish:
    return "HardSwish";
  case UnaryOp::Sin:
    return "Sin";
  case UnaryOp::Cos:
    return "Cos";
  case UnaryOp::Gelu:
    return "Gelu";
  case UnaryOp::GeluTanh:
    return "Gelu(tanh)";
  case UnaryOp::Not:
    return "Not";
  }
  return "unary op";
}

/// out[i] = fn(x[i]) for a tensor of T, split over the pool.
template <typename T, typename Fn> Tensor runUnary(const Tensor &x, ThreadPool *pool, Fn fn) {
  Tensor out = Tensor::uninitialized(x.dtype(), x.shape());
  const T *in = x.data<T>();
  T *result = out.data<T>();
  parallelFor(pool, x.numel(), kElementwiseGrain, [&](int64_t begin, int64_t end) {
    mapArray(in + begin, result + begin, end - begin, fn);
  });
  return out;
}

template <typename T> T expOf(T v) {
  if constexpr (std::is_same_v<T, float>)
    return fastExp(v);
  else
    return std::exp(v);
}
template <typename T> T erfOf(T v) {
  if constexpr (std::is_same_v<T, float>)
    return fastErf(v);
  else
    return std::erf(v);
}
template <typename T> T tanhOf(T v) {
  if constexpr (std::is_same_v<T, float>)
    return fastTanh(v);
  else
    return std::tanh(v);
}

/// Ops defined on F32/F64 only.
template <typename T> Tensor floatingUnary(UnaryOp op, const Tensor &x, ThreadPool *pool) {
  switch (op) {
  case UnaryOp::Sqrt:
    return runUnary<T>(x, pool, [](T v) { return std::sqrt(v); });
  case UnaryOp::Exp:
    return runUnary<T>(x, pool, [](T v) { return expOf(v); });
  case UnaryOp::Log:
    return runUnary<T>(x, pool, [](T v) { return std::log(v); });
  case UnaryOp::Erf:
    return runUnary<T>(x, pool, [](T v) { return erfOf(v); });
  case UnaryOp::Reciprocal:
    return runUnary<T>(x, pool, [](T v) { return T(1) / v; });
  case UnaryOp::Floor:
    return runUnary<T>(x, pool, [](T v) { return std::floor(v); });
  case UnaryOp::Ceil:
    return runUnary<T>(x, pool, [](T v) { return std::ceil(v); });
  // Halves go to the even neighbour (the default rounding mode), as ONNX says.
  case UnaryOp::Round:
    return runUnary<T>(x, pool, [](T v) { return std::nearbyint(v); });
  case UnaryOp::Sigmoid:
    return runUnary<T>(x, pool, [](T v) { return T(1) / (T(1) + expOf(-v)); });
  case UnaryOp::Tanh:
    return runUnary<T>(x, pool, [](T v) { return tanhOf(v); });
  case UnaryOp::HardSwish:
    return runUnary<T>(x, pool, [](T v) {
      T gate = v * T(1.0 / 6.0) + T(0.5);
      gate = gate > T(1) ? T(1) : gate;
      gate = gate < T(0) ? T(0) : gate;
      return v * gate;
    });
  case UnaryOp::Sin:
    return runUnary<T>(x, pool, [](T v) { return std::sin(v); });
  case UnaryOp::Cos:
    return runUnary<T>(x, pool, [](T v) { return std::cos(v); });
  case UnaryOp::Gelu:
    return runUnary<T>(x, pool,
                       [](T v) { return T(0.5) * v * (T(1) + erfOf(v / T(1.4142135623730951))); });
  case UnaryOp::GeluTanh:
    return runUnary<T>(x, pool, [](T v) {
      const T inner = T(0.7978845608028654) * (v + T(0.044715) * v * v * v);
      return T(0.5) * v * (T(1) + tanhOf(inner));
    });
  default:
    throw Error(std::string(unaryOpName(op)) + ": not a floating-point op");
  }
}

/// Ops that also take integers.
template <typename T> Tensor numericUnary(UnaryOp op, const Tensor &x, ThreadPool *pool) {
  switch (op) {
  case UnaryOp::Neg:
    return runUnary<T>(x, pool, [](T v) { return wrapNegate(v); });
  case UnaryOp::Abs:
    if constexpr (std::is_floating_point_v<T>)
      return runUnary<T>(x, pool, [](T v) { return std::fabs(v); });
    else
      return runUnary<T>(x, pool, [](T v) { return v < T(0) ? wrapNegate(v) : v; });
  case UnaryOp::Sign: // NaN stays NaN, as in numpy.sign
    return runUnary<T>(x, pool, [](T v) { return v > T(0) ? T(1) : v < T(0) ? T(-1) : v; });
  case UnaryOp::Relu: // NaN stays NaN
    return runUnary<T>(x, pool, [](T v) { return v < T(0) ? T(0) : v; });
  default:
    throw Error(std::string(unaryOpName(op)) + ": not a numeric op");
  }
}

template <typename T> T scalarBound(const Tensor &bound, const char *which) {
  if (bound.dtype() != DTypeOf<T>::value || bound.numel() != 1)
    throw Error(std::string("Clip: ") + which + " must be a one-element " +
                dtypeName(DTypeOf<T>::value) + " tensor, got " + dtypeName(bound.dtype()) +
                " of shape " + shapeToString(bound.shape()));
  return bound.data<T>()[0];
}

} // namespace

Tensor unary(UnaryOp op, const Tensor &x, ThreadPool *pool) {
  const char *name = unaryOpName(op);
  switch (op) {
  case UnaryOp::Not:
    if (x.dtype() != DType::Bool)
      throw Error(std::string("Not: operand must be bool, got ") + dtypeName(x.dtype()));
    return runUnary<bool>(x, pool, [](bool v) { return !v; });
  case UnaryOp::Neg:
    if (x.dtype() == DType::U8)
      throwUnsupportedDType(name, x.dtype(), "f32, f64, i8, i16, i32, i64");
    [[fallthrough]];
  case UnaryOp::Abs:
  case UnaryOp::Sign:
  case UnaryOp::Relu:
    return dispatchArithmetic(x.dtype(), name, [&](auto tag) {
      return numericUnary<typename decltype(tag)::type>(op, x, pool);
    });
  default:
    return dispatchFloat(x.dtype(), name, [&](auto tag) {
      return floatingUnary<typename decltype(tag)::type>(op, x, pool);
    });
  }
}

Tensor hardSigmoid(const Tensor &x, float alpha, float beta, ThreadPool *pool) {
  return dispatchFloat(x.dtype(), "HardSigmoid", [&](auto tag) {
    using T = typename decltype(tag)::type;
    return runUnary<T>(x, pool, [a = T(alpha), b = T(beta)](T v) {
      T y = v * a + b;
      y = y > T(1) ? T(1) : y;
      return y < T(0) ? T(0) : y;
    });
  });
}

Tensor leakyRelu(const Tensor &x, float alpha, ThreadPool *pool) {
  return dispatchFloat(x.dtype(), "LeakyRelu", [&](auto tag) {
    using T = typename decltype(tag)::type;
    return runUnary<T>(x, pool, [a = T(alpha)](T v) { return selectValue(v < T(0), v * a, v); });
  });
}

Tensor elu(const Tensor &x, float alpha, ThreadPool *pool) {
  return dispatchFloat(x.dtype(), "Elu", [&](auto tag) {
    using T = typename decltype(tag)::type;
    return runUnary<T>(
        x, pool, [a = T(alpha)](T v) { return selectValue(v < T(0), a * (expOf(v) - T(1)), v); });
  });
}

Tensor clip(const Tensor &x, const std::optional<Tensor> &lo, const std::optional<Tensor> &hi,
            ThreadPool *pool) {
  return dispatchArithmetic(x.dtype(), "Clip", [&](auto tag) {
    using T = typename decltype(tag)::type;
    if (!lo && !hi)
      return x.clone();
    if (!hi) {
      const T low = scalarBound<T>(*lo, "min");
      return runUnary<T>(x, pool, [low](T v) { return v < low ? low : v; });
    }
    const T high = scalarBound<T>(*hi, "max");
    if (!lo)
      return runUnary<T>(x, pool, [high](T v) { return v > high ? high : v; });
    const T low = scalarBound<T>(*lo, "min");
    // min(max(x, lo), hi): hi wins when lo > hi, NaN stays NaN.
    return runUnary<T>(x, pool, [low, high](T v) {
      const T raised = v < low ? low : v;
      return raised > high ? high : raised;
    });
  });
}

Tensor cast(const Tensor &x, DType to) {
  Tensor out(to, x.shape());
  dispatchAll(x.dtype(), "Cast", [&](auto fromTag) {
    using From = typename decltype(fromTag)::type;
    dispatchAll(to, "Cast", [&](auto toTag) {
      using To = typename decltype(toTag)::type;
      const From *in = x.data<From>();
      To *result = out.data<To>();
      for (int64_t i = 0; i < x.numel(); ++i)
        result[i] = convertValue<To>(in[i]);
    });
  });
  return out;
}

} // namespace vitc::rt
