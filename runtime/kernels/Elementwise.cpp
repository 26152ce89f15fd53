//===- Elementwise.cpp - Broadcasting binary ops and Where ----------------===//
//
// ONNX Add/Sub/Mul/Div/Pow/Min/Max/Mod/FMod, the comparisons, And/Or/Xor and
// Where. Every op is a scalar lambda applied run by run (see Broadcast.h), so
// the inner loops vectorise. Integer results are defined for every input:
// + - * wrap around, x / 0 and x % 0 give 0, INT_MIN / -1 gives INT_MIN.
//
//===----------------------------------------------------------------------===//
#include "vitc/rt/kernels/Elementwise.h"

#include "Broadcast.h"
#include "DTypeDispatch.h"
#include "ElementwiseUtil.h"

#include <cmath>
#include <type_traits>

namespace vitc::rt {

using namespace detail;

namespace {

const char *binaryOpName(BinaryOp op) {
  switch (op) {
  case BinaryOp::Add:
    return "Add";
  case BinaryOp::Sub:
    return "Sub";
  case BinaryOp::Mul:
    return "Mul";
  case BinaryOp::Div:
    return "Div";
  case BinaryOp::Pow:
    return "Pow";
  case BinaryOp::Min:
    return "Min";
  case BinaryOp::Max:
    return "Max";
  case BinaryOp::Mod:
    return "Mod";
  case BinaryOp::FMod:
    return "FMod";
  case BinaryOp::Equal:
    return "Equal";
  case BinaryOp::Less:
    return "Less";
  case BinaryOp::LessOrEqual:
    return "LessOrEqual";
  case BinaryOp::Greater:
    return "Greater";
  case BinaryOp::GreaterOrEqual:
    return "GreaterOrEqual";
  case BinaryOp::And:
    return "And";
  case BinaryOp::Or:
    return "Or";
  case BinaryOp::Xor:
    return "Xor";
  }
  return "binary op";
}

/// Applies fn to a and b broadcast against each other, writing `out`.
template <typename A, typename B, typename Out, typename Fn>
void runBinary(const Tensor &a, const Tensor &b, Tensor &out, const char *op, ThreadPool *pool,
               Fn fn) {
  const BroadcastPlan plan(out.shape(), {&a.shape(), &b.shape()}, op);
  const A *dataA = a.data<A>();
  const B *dataB = b.data<B>();
  Out *dataOut = out.data<Out>();
  const bool stepA = plan.runStride(0) != 0, stepB = plan.runStride(1) != 0;
  forEachRun(plan, pool, [&](int64_t outOffset, const auto &offsets, int64_t n) {
    const A *pa = dataA + offsets[0];
    const B *pb = dataB + offsets[1];
    Out *po = dataOut + outOffset;
    if (stepA && stepB) {
      for (int64_t i = 0; i < n; ++i)
        po[i] = fn(pa[i], pb[i]);
    } else if (stepA) {
      const B vb = *pb;
      for (int64_t i = 0; i < n; ++i)
        po[i] = fn(pa[i], vb);
    } else if (stepB) {
      const A va = *pa;
      for (int64_t i = 0; i < n; ++i)
        po[i] = fn(va, pb[i]);
    } else {
      const Out value = fn(*pa, *pb);
      for (int64_t i = 0; i < n; ++i)
        po[i] = value;
    }
  });
}

template <typename T> T divide(T x, T y) {
  if constexpr (std::is_floating_point_v<T>) {
    return x / y;
  } else {
    if (y == 0)
      return 0;
    if constexpr (std::is_signed_v<T>)
      if (y == -1)
        return wrapNegate(x);
    return static_cast<T>(x / y);
  }
}

/// C fmod: the result has the sign of x.
template <typename T> T truncatedMod(T x, T y) {
  if constexpr (std::is_floating_point_v<T>) {
    return std::fmod(x, y);
  } else {
    if (y == 0)
      return 0;
    if constexpr (std::is_signed_v<T>)
      if (y == -1)
        return 0;
    return static_cast<T>(x % y);
  }
}

/// Python / numpy mod: the result has the sign of y.
template <typename T> T flooredMod(T x, T y) {
  T r = truncatedMod(x, y);
  if constexpr (std::is_floating_point_v<T>) {
    if (r != 0 && ((r < 0) != (y < 0)))
      r += y;
    else if (r == 0)
      r = std::copysign(T(0), y);
  } else if constexpr (std::is_signed_v<T>) {
    if (r != 0 && ((r < 0) != (y < 0)))
      r = static_cast<T>(r + y);
  }
  return r;
}

template <typename T>
void arithmetic(BinaryOp op, const Tensor &a, const Tensor &b, Tensor &out, ThreadPool *pool) {
  const char *name = binaryOpName(op);
  switch (op) {
  case BinaryOp::Add:
    return runBinary<T, T, T>(a, b, out, name, pool, [](T x, T y) { return wrapAdd(x, y); });
  case BinaryOp::Sub:
    return runBinary<T, T, T>(a, b, out, name, pool, [](T x, T y) { return wrapSub(x, y); });
  case BinaryOp::Mul:
    return runBinary<T, T, T>(a, b, out, name, pool, [](T x, T y) { return wrapMul(x, y); });
  case BinaryOp::Div:
    return runBinary<T, T, T>(a, b, out, name, pool, [](T x, T y) { return divide(x, y); });
  case BinaryOp::Min: // NaN propagates, as in numpy.minimum
    return runBinary<T, T, T>(a, b, out, name, pool,
                              [](T x, T y) { return (x < y || x != x) ? x : y; });
  case BinaryOp::Max:
    return runBinary<T, T, T>(a, b, out, name, pool,
                              [](T x, T y) { return (x > y || x != x) ? x : y; });
  case BinaryOp::Mod:
    return runBinary<T, T, T>(a, b, out, name, pool, [](T x, T y) { return flooredMod(x, y); });
  case BinaryOp::FMod:
    return runBinary<T, T, T>(a, b, out, name, pool, [](T x, T y) { return truncatedMod(x, y); });
  default:
    throw Error(std::string("binary: ") + name + " is not arithmetic");
  }
}

template <typename T>
void comparison(BinaryOp op, const Tensor &a, const Tensor &b, Tensor &out, ThreadPool *pool) {
  const char *name = binaryOpName(op);
  switch (op) {
  case BinaryOp::Equal:
    return runBinary<T, T, bool>(a, b, out, name, pool, [](T x, T y) { return x == y; });
  case BinaryOp::Less:
    return runBinary<T, T, bool>(a, b, out, name, pool, [](T x, T y) { return x < y; });
  case BinaryOp::LessOrEqual:
    return runBinary<T, T, bool>(a, b, out, name, pool, [](T x, T y) { return x <= y; });
  case BinaryOp::Greater:
    return runBinary<T, T, bool>(a, b, out, name, pool, [](T x, T y) { return x > y; });
  default:
    return runBinary<T, T, bool>(a, b, out, name, pool, [](T x, T y) { return x >= y; });
  }
}

/// Integer power by squaring, wrapping on overflow. A negative exponent
/// gives the truncated value of 1 / x^-e: 1 or -1 for |x| == 1, otherwise 0
/// (numpy refuses it; ONNX does not say).
template <typename T> T integerPower(T base, int64_t exponent) {
  if (exponent < 0) {
    if (base == 1)
      return 1;
    if constexpr (std::is_signed_v<T>)
      if (base == -1)
        return (exponent & 1) ? T(-1) : T(1);
    return 0;
  }
  T result = 1;
  while (exponent) {
    if (exponent & 1)
      result = wrapMul(result, base);
    base = wrapMul(base, base);
    exponent >>= 1;
  }
  return result;
}

/// ONNX Pow: the result has the base's dtype. As numpy computes it, float
/// bases with a different exponent dtype and integer bases with a float
/// exponent go through double; f32 ** f32 uses float pow.
template <typename Base, typename Exp>
void power(const Tensor &a, const Tensor &b, Tensor &out, ThreadPool *pool) {
  if constexpr (std::is_floating_point_v<Base> && std::is_same_v<Base, Exp>) {
    if (b.numel() == 1 && b.data<Exp>()[0] == Exp(2)) // x*x is pow(x, 2) exactly
      return runBinary<Base, Exp, Base>(a, b, out, "Pow", pool, [](Base x, Exp) { return x * x; });
    return runBinary<Base, Exp, Base>(a, b, out, "Pow", pool,
                                      [](Base x, Exp y) { return std::pow(x, y); });
  } else if constexpr (std::is_floating_point_v<Base> || std::is_floating_point_v<Exp>) {
    return runBinary<Base, Exp, Base>(a, b, out, "Pow", pool, [](Base x, Exp y) {
      return convertValue<Base>(std::pow(static_cast<double>(x), static_cast<double>(y)));
    });
  } else {
    return runBinary<Base, Exp, Base>(a, b, out, "Pow", pool, [](Base x, Exp y) {
      return integerPower(x, static_cast<int64_t>(y));
    });
  }
}

void requireSameDType(const char *op, const Tensor &a, const Tensor &b) {
  if (a.dtype() != b.dtype())
    throw Error(std::string(op) + ": operands have different dtypes " + dtypeName(a.dtype()) +
                " and " + dtypeName(b.dtype()));
}

} // namespace

Tensor binary(BinaryOp op, const Tensor &a, const Tensor &b, ThreadPool *pool) {
  const char *name = binaryOpName(op);
  const Shape shape = broadcastShapes(a.shape(), b.shape());
  switch (op) {
  case BinaryOp::Pow: {
    Tensor out = Tensor::uninitialized(a.dtype(), shape);
    dispatchArithmetic(a.dtype(), name, [&](auto base) {
      dispatchArithmetic(b.dtype(), name, [&](auto exponent) {
        power<typename decltype(base)::type, typename decltype(exponent)::type>(a, b, out, pool);
      });
    });
    return out;
  }
  case BinaryOp::Equal:
  case BinaryOp::Less:
  case BinaryOp::LessOrEqual:
  case BinaryOp::Greater:
  case BinaryOp::GreaterOrEqual: {
    requireSameDType(name, a, b);
    Tensor out = Tensor::uninitialized(DType::Bool, shape);
    dispatchAll(a.dtype(), name,
                [&](auto tag) { comparison<typename decltype(tag)::type>(op, a, b, out, pool); });
    return out;
  }
  case BinaryOp::And:
  case BinaryOp::Or:
  case BinaryOp::Xor: {
    if (a.dtype() != DType::Bool || b.dtype() != DType::Bool)
      throw Error(std::string(name) + ": operands must be bool, got " + dtypeName(a.dtype()) +
                  " and " + dtypeName(b.dtype()));
    Tensor out = Tensor::uninitialized(DType::Bool, shape);
    if (op == BinaryOp::And)
      runBinary<bool, bool, bool>(a, b, out, name, pool, [](bool x, bool y) { return x && y; });
    else if (op == BinaryOp::Or)
      runBinary<bool, bool, bool>(a, b, out, name, pool, [](bool x, bool y) { return x || y; });
    else
      runBinary<bool, bool, bool>(a, b, out, name, pool, [](bool x, bool y) { return x != y; });
    return out;
  }
  default: {
    requireSameDType(name, a, b);
    Tensor out = Tensor::uninitialized(a.dtype(), shape);
    dispatchArithmetic(a.dtype(), name, [&](auto tag) {
      arithmetic<typename decltype(tag)::type>(op, a, b, out, pool);
    });
    return out;
  }
  }
}

Tensor where(const Tensor &cond, const Tensor &x, const Tensor &y, ThreadPool *pool) {
  if (cond.dtype() != DType::Bool)
    throw Error(std::string("Where: condition must be bool, got ") + dtypeName(cond.dtype()));
  requireSameDType("Where", x, y);
  const Shape shape = broadcastShapes(cond.shape(), broadcastShapes(x.shape(), y.shape()));
  Tensor out = Tensor::uninitialized(x.dtype(), shape);
  const BroadcastPlan plan(shape, {&cond.shape(), &x.shape(), &y.shape()}, "Where");
  dispatchAll(x.dtype(), "Where", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const bool *c = cond.data<bool>();
    const T *px = x.data<T>();
    const T *py = y.data<T>();
    T *po = out.data<T>();
    const int64_t sc = plan.runStride(0), sx = plan.runStride(1), sy = plan.runStride(2);
    forEachRun(plan, pool, [&](int64_t outOffset, const auto &offsets, int64_t n) {
      const bool *rc = c + offsets[0];
      const T *rx = px + offsets[1];
      const T *ry = py + offsets[2];
      T *ro = po + outOffset;
      if (sc && sx && sy) {
        for (int64_t i = 0; i < n; ++i)
          ro[i] = rc[i] ? rx[i] : ry[i];
      } else {
        for (int64_t i = 0; i < n; ++i)
          ro[i] = rc[i * sc] ? rx[i * sx] : ry[i * sy];
      }
    });
  });
  return out;
}

} // namespace vitc::rt
