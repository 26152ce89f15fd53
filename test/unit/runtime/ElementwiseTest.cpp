//===- ElementwiseTest.cpp - Broadcasting binary ops and Where ------------===//
//
// Expected values are ported from the ONNX 1.12 node tests
// (onnx/backend/test/case/node/{add,div,mod,pow,where,...}.py) or computed by
// hand; broadcast results are checked against a naive per-element loop.
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



/// a + b by a naive numpy-broadcast loop, for cross-checking the fast paths.
std::vector<float> naiveAdd(const Tensor &a, const Tensor &b, const Shape &out) {
  const size_t rank = out.size();
  auto offsetIn = [&](const Shape &s, const std::vector<int64_t> &idx) {
    int64_t offset = 0;
    for (size_t d = 0; d < s.size(); ++d) {
      const int64_t i = idx[rank - s.size() + d];
      offset = offset * s[d] + (s[d] == 1 ? 0 : i);
    }
    return offset;
  };
  std::vector<float> result;
  std::vector<int64_t> idx(rank, 0);
  for (int64_t n = 0; n < numElements(out); ++n) {
    result.push_back(a.data<float>()[offsetIn(a.shape(), idx)] +
                     b.data<float>()[offsetIn(b.shape(), idx)]);
    for (size_t d = rank; d-- > 0;) {
      if (++idx[d] < out[d])
        break;
      idx[d] = 0;
    }
  }
  return result;
}

} // namespace

TEST_CASE("broadcastShapes follows numpy", "[runtime][elementwise]") {
  CHECK(broadcastShapes({197, 192}, {192}) == Shape{197, 192});
  CHECK(broadcastShapes({2, 1, 3}, {4, 1}) == Shape{2, 4, 3});
  CHECK(broadcastShapes({}, {3, 2}) == Shape{3, 2});
  CHECK(broadcastShapes({0, 3}, {1, 3}) == Shape{0, 3});
  CHECK_THROWS_AS(broadcastShapes({2, 3}, {3, 2}), Error);
}

TEST_CASE("Add matches a naive broadcast loop on every stride pattern", "[runtime][elementwise]") {
  const std::vector<std::pair<Shape, Shape>> cases = {
      {{3, 4, 5}, {3, 4, 5}}, // same shape: one run
      {{3, 4, 5}, {}},        // scalar
      {{197, 192}, {192}},    // trailing vector
      {{2, 1, 3}, {1, 4, 1}}, // both sides broadcast
      {{4, 1}, {3}},          // outer product
      {{2, 3, 1, 5}, {3, 4, 1}},
      {{1}, {2, 2}},
  };
  for (const auto &[sa, sb] : cases) {
    INFO(shapeToString(sa) << " + " << shapeToString(sb));
    const Tensor a = iota(sa, 0.5f, 1.0f), b = iota(sb, -100.0f, 0.25f);
    const Tensor y = binary(BinaryOp::Add, a, b, nullptr);
    CHECK(y.shape() == broadcastShapes(sa, sb));
    CHECK(valuesOf<float>(y) == naiveAdd(a, b, y.shape()));
    // Swapping the operands must give the same values.
    CHECK(valuesOf<float>(binary(BinaryOp::Add, b, a, nullptr)) == valuesOf<float>(y));
  }
}

TEST_CASE("binary ops give the same result with and without a thread pool",
          "[runtime][elementwise]") {
  ThreadPool pool(3);
  const Tensor big = iota({3, 197, 192}, -50.0f, 0.001f);
  const Tensor row = iota({192}, 1.0f, 0.5f);
  const Tensor column = iota({3, 197, 1}, 2.0f, 0.01f);
  for (const Tensor *other : {&big, &row, &column}) {
    const Tensor serial = binary(BinaryOp::Div, big, *other, nullptr);
    const Tensor parallel = binary(BinaryOp::Div, big, *other, &pool);
    CHECK(valuesOf<float>(serial) == valuesOf<float>(parallel));
  }
}

TEST_CASE("arithmetic on floats", "[runtime][elementwise]") {
  const Tensor x = Tensor::fromVector<float>({3}, {1, 2, 3});
  const Tensor y = Tensor::fromVector<float>({3}, {4, 5, 6});
  CHECK(valuesOf<float>(binary(BinaryOp::Sub, x, y, nullptr)) == std::vector<float>{-3, -3, -3});
  CHECK(valuesOf<float>(binary(BinaryOp::Mul, x, y, nullptr)) == std::vector<float>{4, 10, 18});
  CHECK(valuesOf<float>(binary(BinaryOp::Div, y, x, nullptr)) == std::vector<float>{4, 2.5f, 2});
  // Min/Max propagate NaN like numpy.minimum/maximum.
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const Tensor a = Tensor::fromVector<float>({3}, {nan, 1, 5});
  const Tensor b = Tensor::fromVector<float>({3}, {0, nan, 2});
  for (BinaryOp op : {BinaryOp::Min, BinaryOp::Max}) {
    const std::vector<float> r = valuesOf<float>(binary(op, a, b, nullptr));
    CHECK(std::isnan(r[0]));
    CHECK(std::isnan(r[1]));
    CHECK(r[2] == (op == BinaryOp::Min ? 2.0f : 5.0f));
  }
}

TEST_CASE("integer arithmetic is defined for every input", "[runtime][elementwise]") {
  const Tensor x = Tensor::fromVector<int32_t>({6}, {-7, 7, -7, 7, 5, INT32_MIN});
  const Tensor y = Tensor::fromVector<int32_t>({6}, {2, 2, -2, -2, 0, -1});
  // Div truncates toward zero; x / 0 is 0; INT_MIN / -1 wraps to INT_MIN.
  CHECK(valuesOf<int32_t>(binary(BinaryOp::Div, x, y, nullptr)) ==
        std::vector<int32_t>{-3, 3, 3, -3, 0, INT32_MIN});
  // Add wraps around.
  const Tensor big = Tensor::fromVector<int8_t>({2}, {127, -128});
  const Tensor one = Tensor::fromVector<int8_t>({1}, {1});
  CHECK(valuesOf<int8_t>(binary(BinaryOp::Add, big, one, nullptr)) ==
        std::vector<int8_t>{-128, -127});
  const Tensor u = Tensor::fromVector<uint8_t>({2}, {250, 3});
  CHECK(valuesOf<uint8_t>(binary(BinaryOp::Sub, u, Tensor::scalar<uint8_t>(5), nullptr)) ==
        std::vector<uint8_t>{245, 254});
  const Tensor i16 = Tensor::fromVector<int16_t>({1}, {-32768});
  CHECK(valuesOf<int16_t>(binary(BinaryOp::Mul, i16, i16, nullptr)) == std::vector<int16_t>{0});
}

TEST_CASE("Mod and FMod follow test_mod_*", "[runtime][elementwise]") {
  const Tensor x = Tensor::fromVector<int64_t>({6}, {-4, 7, 5, 4, -7, 8});
  const Tensor y = Tensor::fromVector<int64_t>({6}, {2, -3, 8, -2, 3, 5});
  // fmod = 0: the sign of the divisor (test_mod_mixed_sign_int64).
  CHECK(valuesOf<int64_t>(binary(BinaryOp::Mod, x, y, nullptr)) ==
        std::vector<int64_t>{0, -2, 5, 0, 2, 3});
  // fmod = 1: the sign of the dividend (test_mod_int64_fmod).
  CHECK(valuesOf<int64_t>(binary(BinaryOp::FMod, x, y, nullptr)) ==
        std::vector<int64_t>{0, 1, 5, 0, -1, 3});
  const Tensor fx = Tensor::fromVector<float>({6}, {-4.3f, 7.2f, 5.0f, 4.3f, -7.2f, 8.0f});
  const Tensor fy = Tensor::fromVector<float>({6}, {2.1f, -3.4f, 8.0f, -2.1f, 3.4f, 5.0f});
  const std::vector<float> expected = {-0.10000038f, 0.39999962f,  5.0f,
                                       0.10000038f,  -0.39999962f, 3.0f};
  const std::vector<float> got = valuesOf<float>(binary(BinaryOp::FMod, fx, fy, nullptr));
  for (size_t i = 0; i < got.size(); ++i)
    CHECK(got[i] == Approx(expected[i]).margin(1e-6));
  // Python-style mod on floats (numpy.mod).
  CHECK(valuesOf<float>(binary(BinaryOp::Mod, Tensor::fromVector<float>({2}, {-1, 1}),
                               Tensor::scalar(3.0f), nullptr)) == std::vector<float>{2, 1});
  // Mod by zero is 0 for integers.
  CHECK(valuesOf<int32_t>(binary(BinaryOp::Mod, Tensor::scalar<int32_t>(5),
                                 Tensor::scalar<int32_t>(0), nullptr)) == std::vector<int32_t>{0});
}

TEST_CASE("Pow keeps the base dtype, as in test_pow_types_*", "[runtime][elementwise]") {
  const Tensor fx = Tensor::fromVector<float>({3}, {1, 2, 3});
  const Tensor ix = Tensor::fromVector<int32_t>({3}, {1, 2, 3});
  const std::vector<float> expected = {1, 32, 729};
  CHECK(valuesOf<float>(binary(BinaryOp::Pow, fx, Tensor::fromVector<float>({3}, {4, 5, 6}),
                               nullptr)) == expected);
  CHECK(valuesOf<float>(binary(BinaryOp::Pow, fx, Tensor::fromVector<int64_t>({3}, {4, 5, 6}),
                               nullptr)) == expected);
  const Tensor ip = binary(BinaryOp::Pow, ix, Tensor::fromVector<float>({3}, {4, 5, 6}), nullptr);
  CHECK(ip.dtype() == DType::I32);
  CHECK(valuesOf<int32_t>(ip) == std::vector<int32_t>{1, 32, 729});
  CHECK(valuesOf<int32_t>(binary(BinaryOp::Pow, ix, Tensor::fromVector<int32_t>({3}, {4, 5, 6}),
                                 nullptr)) == std::vector<int32_t>{1, 32, 729});
  // test_pow_bcast_scalar: the x*x fast path.
  CHECK(valuesOf<float>(binary(BinaryOp::Pow, fx, Tensor::scalar(2.0f), nullptr)) ==
        std::vector<float>{1, 4, 9});
  // test_pow_bcast_array.
  const Tensor m = Tensor::fromVector<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  CHECK(valuesOf<float>(binary(BinaryOp::Pow, m, Tensor::fromVector<float>({3}, {1, 2, 3}),
                               nullptr)) == std::vector<float>{1, 4, 27, 4, 25, 216});
  // Negative integer exponents truncate 1 / x^n.
  CHECK(valuesOf<int32_t>(binary(BinaryOp::Pow, Tensor::fromVector<int32_t>({3}, {2, 1, -1}),
                                 Tensor::scalar<int32_t>(-3), nullptr)) ==
        std::vector<int32_t>{0, 1, -1});
}

TEST_CASE("comparisons produce bool", "[runtime][elementwise]") {
  const Tensor x = Tensor::fromVector<int32_t>({2, 3}, {1, 2, 3, 4, 5, 6});
  const Tensor y = Tensor::fromVector<int32_t>({3}, {2, 2, 7});
  const Tensor eq = binary(BinaryOp::Equal, x, y, nullptr);
  CHECK(eq.dtype() == DType::Bool);
  CHECK(eq.shape() == Shape{2, 3});
  CHECK(valuesOf<bool>(eq) == std::vector<bool>{false, true, false, false, false, false});
  CHECK(valuesOf<bool>(binary(BinaryOp::Less, x, y, nullptr)) ==
        std::vector<bool>{true, false, true, false, false, true});
  CHECK(valuesOf<bool>(binary(BinaryOp::LessOrEqual, x, y, nullptr)) ==
        std::vector<bool>{true, true, true, false, false, true});
  CHECK(valuesOf<bool>(binary(BinaryOp::Greater, x, y, nullptr)) ==
        std::vector<bool>{false, false, false, true, true, false});
  CHECK(valuesOf<bool>(binary(BinaryOp::GreaterOrEqual, x, y, nullptr)) ==
        std::vector<bool>{false, true, false, true, true, false});
  const float nan = std::numeric_limits<float>::quiet_NaN();
  CHECK(valuesOf<bool>(binary(BinaryOp::Equal, Tensor::scalar(nan), Tensor::scalar(nan),
                              nullptr)) == std::vector<bool>{false});
}

TEST_CASE("And, Or and Xor take bool only", "[runtime][elementwise]") {
  const Tensor a = Tensor::fromVector<bool>({4}, {false, false, true, true});
  const Tensor b = Tensor::fromVector<bool>({4}, {false, true, false, true});
  CHECK(valuesOf<bool>(binary(BinaryOp::And, a, b, nullptr)) ==
        std::vector<bool>{false, false, false, true});
  CHECK(valuesOf<bool>(binary(BinaryOp::Or, a, b, nullptr)) ==
        std::vector<bool>{false, true, true, true});
  CHECK(valuesOf<bool>(binary(BinaryOp::Xor, a, b, nullptr)) ==
        std::vector<bool>{false, true, true, false});
  CHECK(valuesOf<bool>(binary(BinaryOp::And, a, Tensor::scalar(true), nullptr)) ==
        valuesOf<bool>(a));
  CHECK_THROWS_AS(binary(BinaryOp::And, Tensor::scalar(1), Tensor::scalar(1), nullptr), Error);
}

TEST_CASE("binary ops reject bad operands", "[runtime][elementwise]") {
  const Tensor f = Tensor::fromVector<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  CHECK_THROWS_AS(binary(BinaryOp::Add, f, Tensor::fromVector<float>({2}, {1, 2}), nullptr), Error);
  CHECK_THROWS_AS(binary(BinaryOp::Add, f, Tensor::scalar<int32_t>(1), nullptr), Error);
  CHECK_THROWS_AS(binary(BinaryOp::Less, f, Tensor::scalar(1.0), nullptr), Error);
  CHECK_THROWS_AS(binary(BinaryOp::Add, Tensor::scalar(true), Tensor::scalar(true), nullptr),
                  Error);
  CHECK_THROWS_AS(binary(BinaryOp::Pow, Tensor::scalar(true), Tensor::scalar(1.0f), nullptr),
                  Error);
}

TEST_CASE("Where broadcasts three ways", "[runtime][elementwise]") {
  // test_where_example.
  const Tensor cond = Tensor::fromVector<bool>({2, 2}, {true, false, true, true});
  const Tensor x = Tensor::fromVector<float>({2, 2}, {1, 2, 3, 4});
  const Tensor y = Tensor::fromVector<float>({2, 2}, {9, 8, 7, 6});
  CHECK(valuesOf<float>(where(cond, x, y, nullptr)) == std::vector<float>{1, 8, 3, 4});
  // cond [2,1], x [1,3], y scalar -> [2,3].
  const Tensor c2 = Tensor::fromVector<bool>({2, 1}, {true, false});
  const Tensor x2 = Tensor::fromVector<int64_t>({1, 3}, {1, 2, 3});
  const Tensor r = where(c2, x2, Tensor::scalar<int64_t>(-1), nullptr);
  CHECK(r.shape() == Shape{2, 3});
  CHECK(valuesOf<int64_t>(r) == std::vector<int64_t>{1, 2, 3, -1, -1, -1});
  CHECK_THROWS_AS(where(x, x, y, nullptr), Error);                             // cond not bool
  CHECK_THROWS_AS(where(cond, x, Tensor::scalar<int64_t>(1), nullptr), Error); // dtypes differ
  CHECK_THROWS_AS(where(Tensor::fromVector<bool>({3}, {true, true, false}), x, y, nullptr), Error);
}
