//===- ElementwiseUnaryTest.cpp - Unary ops, activations, Clip, Cast ------===//
//
// Includes the accuracy sweeps of the f32 exp/erf/tanh/sigmoid
// approximations against the double-precision std:: functions. The bounds
// are the measured maxima with a little headroom:
//   exp      max relative error 8.1e-8 over [-87.3, 88.7]
//   erf      max absolute error 7.5e-8 and 1.3 ulp over [-6, 6]
//   tanh     max absolute error 7.7e-8 and 1.3 ulp over [-10, 10]
//   sigmoid  max relative error 1.5e-7 over [-80, 80]
//
//===----------------------------------------------------------------------===//
#include "vitc/rt/kernels/Elementwise.h"

#include "TestTensors.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

using namespace vitc::rt;
using namespace vitc::rt::testing;

namespace {


/// Evenly spaced floats in [lo, hi].
Tensor sweep(double lo, double hi, double step) {
  std::vector<float> v;
  for (double x = lo; x <= hi; x += step)
    v.push_back(static_cast<float>(x));
  return Tensor::fromVector<float>({static_cast<int64_t>(v.size())}, v);
}

/// One unit in the last place of |v| as a float.
double ulpOf(double v) {
  const float f = static_cast<float>(std::fabs(v));
  return std::nextafter(f, std::numeric_limits<float>::infinity()) - f;
}

struct ErrorStats {
  double maxAbs = 0, maxRel = 0, maxUlp = 0;
};

template <typename Ref> ErrorStats measure(const Tensor &x, const Tensor &y, Ref reference) {
  ErrorStats stats;
  for (int64_t i = 0; i < x.numel(); ++i) {
    const double want = reference(static_cast<double>(x.data<float>()[i]));
    const double err = std::fabs(y.data<float>()[i] - want);
    stats.maxAbs = std::max(stats.maxAbs, err);
    if (want != 0) {
      stats.maxRel = std::max(stats.maxRel, err / std::fabs(want));
      stats.maxUlp = std::max(stats.maxUlp, err / ulpOf(want));
    }
  }
  return stats;
}

} // namespace

TEST_CASE("f32 Exp is within 1.2e-7 relative of exp", "[runtime][elementwise][accuracy]") {
  const Tensor x = sweep(-87.3, 88.7, 3e-5);
  const ErrorStats e =
      measure(x, unary(UnaryOp::Exp, x, nullptr), [](double v) { return std::exp(v); });
  CHECK(e.maxRel < 1.2e-7);
  // Denormal results, overflow, underflow, NaN.
  const std::vector<float> edge = valuesOf<float>(
      unary(UnaryOp::Exp,
            Tensor::fromVector<float>({5}, {-100.0f, 89.0f, -200.0f, std::nanf(""), -INFINITY}),
            nullptr));
  CHECK(edge[0] == Approx(std::exp(-100.0)).margin(1.5e-45)); // a denormal, 3.7e-44
  CHECK(std::isinf(edge[1]));
  CHECK(edge[2] == 0.0f);
  CHECK(std::isnan(edge[3]));
  CHECK(edge[4] == 0.0f);
}

TEST_CASE("f32 Erf is within 1e-7 absolute of erf on [-6, 6]", "[runtime][elementwise][accuracy]") {
  const Tensor x = sweep(-6.0, 6.0, 1e-5);
  const ErrorStats e =
      measure(x, unary(UnaryOp::Erf, x, nullptr), [](double v) { return std::erf(v); });
  CHECK(e.maxAbs < 1.0e-7);
  CHECK(e.maxUlp < 1.5);
  const std::vector<float> edge = valuesOf<float>(
      unary(UnaryOp::Erf,
            Tensor::fromVector<float>({4}, {0.0f, INFINITY, -INFINITY, std::nanf("")}), nullptr));
  CHECK(edge[0] == 0.0f);
  CHECK(edge[1] == 1.0f);
  CHECK(edge[2] == -1.0f);
  CHECK(std::isnan(edge[3]));
}

TEST_CASE("f32 Tanh and Sigmoid are accurate", "[runtime][elementwise][accuracy]") {
  const Tensor x = sweep(-10.0, 10.0, 1e-5);
  const ErrorStats t =
      measure(x, unary(UnaryOp::Tanh, x, nullptr), [](double v) { return std::tanh(v); });
  CHECK(t.maxAbs < 1.0e-7);
  CHECK(t.maxUlp < 1.5);
  const Tensor wide = sweep(-80.0, 80.0, 1e-4);
  const ErrorStats s = measure(wide, unary(UnaryOp::Sigmoid, wide, nullptr),
                               [](double v) { return 1.0 / (1.0 + std::exp(-v)); });
  CHECK(s.maxRel < 2.0e-7);
}

TEST_CASE("Gelu (erf and tanh forms) matches the double formulas",
          "[runtime][elementwise][accuracy]") {
  const Tensor x = sweep(-8.0, 8.0, 1e-4);
  const ErrorStats exact = measure(x, unary(UnaryOp::Gelu, x, nullptr), [](double v) {
    return 0.5 * v * (1.0 + std::erf(v / std::sqrt(2.0)));
  });
  CHECK(exact.maxAbs < 1.0e-6);
  const ErrorStats approx = measure(x, unary(UnaryOp::GeluTanh, x, nullptr), [](double v) {
    return 0.5 * v * (1.0 + std::tanh(std::sqrt(2.0 / M_PI) * (v + 0.044715 * v * v * v)));
  });
  CHECK(approx.maxAbs < 1.0e-6);
  // A parallel run gives the same bits.
  ThreadPool pool(2);
  CHECK(valuesOf<float>(unary(UnaryOp::Gelu, x, &pool)) ==
        valuesOf<float>(unary(UnaryOp::Gelu, x, nullptr)));
}

TEST_CASE("simple unary ops", "[runtime][elementwise]") {
  // test_round.
  const Tensor r =
      Tensor::fromVector<float>({15}, {0.1f, 0.5f, 0.9f, 1.2f, 1.5f, 1.8f, 2.3f, 2.5f, 2.7f, -1.1f,
                                       -1.5f, -1.9f, -2.2f, -2.5f, -2.8f});
  CHECK(valuesOf<float>(unary(UnaryOp::Round, r, nullptr)) ==
        std::vector<float>{0, 0, 1, 1, 2, 2, 2, 2, 3, -1, -2, -2, -2, -2, -3});
  const Tensor f = Tensor::fromVector<float>({4}, {-1.5f, -0.0f, 2.25f, 4.0f});
  CHECK(valuesOf<float>(unary(UnaryOp::Floor, f, nullptr)) == std::vector<float>{-2, -0.0f, 2, 4});
  CHECK(valuesOf<float>(unary(UnaryOp::Ceil, f, nullptr)) == std::vector<float>{-1, 0, 3, 4});
  CHECK(valuesOf<float>(unary(UnaryOp::Abs, f, nullptr)) == std::vector<float>{1.5f, 0, 2.25f, 4});
  CHECK(valuesOf<float>(unary(UnaryOp::Neg, f, nullptr)) ==
        std::vector<float>{1.5f, 0, -2.25f, -4});
  CHECK(valuesOf<float>(unary(UnaryOp::Relu, f, nullptr)) ==
        std::vector<float>{0, -0.0f, 2.25f, 4});
  CHECK(valuesOf<float>(unary(UnaryOp::Sign, f, nullptr)) == std::vector<float>{-1, 0, 1, 1});
  CHECK(valuesOf<float>(unary(UnaryOp::Sqrt, Tensor::fromVector<float>({2}, {4, 2.25f}),
                              nullptr)) == std::vector<float>{2, 1.5f});
  CHECK(valuesOf<float>(unary(UnaryOp::Reciprocal, Tensor::fromVector<float>({2}, {4, -0.5f}),
                              nullptr)) == std::vector<float>{0.25f, -2});
  CHECK(unary(UnaryOp::Log, Tensor::scalar(std::exp(2.0f)), nullptr).data<float>()[0] ==
        Approx(2.0f));
  CHECK(unary(UnaryOp::Sin, Tensor::scalar(0.5), nullptr).data<double>()[0] == std::sin(0.5));
  CHECK(unary(UnaryOp::Cos, Tensor::scalar(0.5f), nullptr).data<float>()[0] == std::cos(0.5f));
  // Integers: Neg and Abs wrap at the minimum, Sign and Relu work too.
  const Tensor i = Tensor::fromVector<int8_t>({4}, {-128, -3, 0, 5});
  CHECK(valuesOf<int8_t>(unary(UnaryOp::Neg, i, nullptr)) == std::vector<int8_t>{-128, 3, 0, -5});
  CHECK(valuesOf<int8_t>(unary(UnaryOp::Abs, i, nullptr)) == std::vector<int8_t>{-128, 3, 0, 5});
  CHECK(valuesOf<int8_t>(unary(UnaryOp::Sign, i, nullptr)) == std::vector<int8_t>{-1, -1, 0, 1});
  CHECK(valuesOf<int8_t>(unary(UnaryOp::Relu, i, nullptr)) == std::vector<int8_t>{0, 0, 0, 5});
  CHECK(valuesOf<bool>(unary(UnaryOp::Not, Tensor::fromVector<bool>({2}, {true, false}),
                             nullptr)) == std::vector<bool>{false, true});
  // NaN stays NaN through Relu and Sign.
  CHECK(std::isnan(unary(UnaryOp::Relu, Tensor::scalar(std::nanf("")), nullptr).at(0)));
  CHECK(std::isnan(unary(UnaryOp::Sign, Tensor::scalar(std::nanf("")), nullptr).at(0)));
}

TEST_CASE("unary ops reject unsupported dtypes", "[runtime][elementwise]") {
  CHECK_THROWS_AS(unary(UnaryOp::Exp, Tensor::scalar<int32_t>(1), nullptr), Error);
  CHECK_THROWS_AS(unary(UnaryOp::Not, Tensor::scalar(1.0f), nullptr), Error);
  CHECK_THROWS_AS(unary(UnaryOp::Neg, Tensor::scalar<uint8_t>(1), nullptr), Error);
  CHECK_THROWS_AS(unary(UnaryOp::Abs, Tensor::scalar(true), nullptr), Error);
  CHECK_THROWS_AS(hardSigmoid(Tensor::scalar<int64_t>(1), 0.2f, 0.5f, nullptr), Error);
}

TEST_CASE("activations with parameters follow the ONNX examples", "[runtime][elementwise]") {
  const Tensor x = Tensor::fromVector<float>({3}, {-1, 0, 1});
  // test_hardsigmoid_example (alpha 0.5, beta 0.6).
  const std::vector<float> hs = valuesOf<float>(hardSigmoid(x, 0.5f, 0.6f, nullptr));
  CHECK(hs[0] == Approx(0.1f));
  CHECK(hs[1] == Approx(0.6f));
  CHECK(hs[2] == 1.0f);
  // test_leakyrelu_example (alpha 0.1).
  CHECK(valuesOf<float>(leakyRelu(x, 0.1f, nullptr)) == std::vector<float>{-0.1f, 0, 1});
  // test_elu_example (alpha 2): -1.2642411, 0, 1.
  const std::vector<float> e = valuesOf<float>(elu(x, 2.0f, nullptr));
  CHECK(e[0] == Approx(-1.2642411f).epsilon(1e-6));
  CHECK(e[1] == 0.0f);
  CHECK(e[2] == 1.0f);
  // HardSwish: x * max(0, min(1, x / 6 + 0.5)).
  const std::vector<float> sw = valuesOf<float>(
      unary(UnaryOp::HardSwish, Tensor::fromVector<float>({5}, {-4, -3, 1, 3, 4}), nullptr));
  CHECK(sw[0] == 0.0f);
  CHECK(sw[1] == 0.0f);
  CHECK(sw[2] == Approx(2.0f / 3.0f));
  CHECK(sw[3] == 3.0f);
  CHECK(sw[4] == 4.0f);
}

TEST_CASE("Clip applies the bounds it is given", "[runtime][elementwise]") {
  const Tensor x = Tensor::fromVector<float>({3}, {-2, 0, 2});
  const Tensor lo = Tensor::scalar(-1.0f), hi = Tensor::scalar(1.0f);
  CHECK(valuesOf<float>(clip(x, lo, hi, nullptr)) == std::vector<float>{-1, 0, 1});
  CHECK(valuesOf<float>(clip(x, lo, std::nullopt, nullptr)) == std::vector<float>{-1, 0, 2});
  CHECK(valuesOf<float>(clip(x, std::nullopt, hi, nullptr)) == std::vector<float>{-2, 0, 1});
  CHECK(valuesOf<float>(clip(x, std::nullopt, std::nullopt, nullptr)) ==
        std::vector<float>{-2, 0, 2});
  // min > max: max wins, as in numpy.clip.
  CHECK(valuesOf<float>(clip(x, hi, lo, nullptr)) == std::vector<float>{-1, -1, -1});
  const Tensor i = Tensor::fromVector<int32_t>({3}, {-7, 3, 9});
  CHECK(valuesOf<int32_t>(clip(i, Tensor::scalar<int32_t>(0), Tensor::fromVector<int32_t>({1}, {6}),
                               nullptr)) == std::vector<int32_t>{0, 3, 6});
  CHECK_THROWS_AS(clip(x, Tensor::scalar(0.0), std::nullopt, nullptr), Error);
  CHECK_THROWS_AS(clip(x, Tensor::fromVector<float>({2}, {0, 1}), std::nullopt, nullptr), Error);
}

TEST_CASE("Cast defines every conversion", "[runtime][elementwise]") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const Tensor f = Tensor::fromVector<float>({7}, {-1.7f, 1.7f, 2.5f, nan, 1e10f, -1e10f, -0.5f});
  CHECK(valuesOf<int32_t>(cast(f, DType::I32)) ==
        std::vector<int32_t>{-1, 1, 2, 0, INT32_MAX, INT32_MIN, 0});
  CHECK(valuesOf<uint8_t>(cast(f, DType::U8)) == std::vector<uint8_t>{0, 1, 2, 0, 255, 0, 0});
  CHECK(valuesOf<int64_t>(cast(Tensor::scalar(9.3e18f), DType::I64)) ==
        std::vector<int64_t>{INT64_MAX});
  CHECK(valuesOf<bool>(cast(Tensor::fromVector<float>({4}, {0, -0.0f, 0.5f, nan}), DType::Bool)) ==
        std::vector<bool>{false, false, true, true});
  CHECK(valuesOf<float>(cast(Tensor::fromVector<bool>({2}, {true, false}), DType::F32)) ==
        std::vector<float>{1, 0});
  CHECK(valuesOf<int8_t>(cast(Tensor::fromVector<int64_t>({3}, {300, -129, 5}), DType::I8)) ==
        std::vector<int8_t>{44, 127, 5});
  CHECK(valuesOf<double>(cast(Tensor::fromVector<int32_t>({2}, {-3, 7}), DType::F64)) ==
        std::vector<double>{-3, 7});
  CHECK(valuesOf<float>(cast(Tensor::scalar(0.1), DType::F32)) == std::vector<float>{0.1f});
  const Tensor same = cast(f, DType::F32);
  CHECK(same.shape() == f.shape());
  CHECK(same.raw() != f.raw());
}
