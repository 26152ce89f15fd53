//===- PoolTest.cpp - MaxPool, AveragePool, global pools ------------------===//
//
// Expected values are ported from the ONNX 1.12 node tests (maxpool.py,
// averagepool.py, globalaveragepool.py, globalmaxpool.py).
//
//===----------------------------------------------------------------------===//
#include "vitc/rt/kernels/Pool.h"

#include "TestTensors.h"

#include <catch2/catch.hpp>

using namespace vitc::rt;
using namespace vitc::rt::testing;

namespace {


/// [1, 1, n, n] holding 1, 2, ..., n*n.
Tensor square(int64_t n) { return iota({1, 1, n, n}, 1.0f); }

PoolAttrs window(std::vector<int64_t> kernel, std::vector<int64_t> strides = {},
                 std::vector<int64_t> pads = {}) {
  PoolAttrs attrs;
  attrs.window.kernelShape = std::move(kernel);
  attrs.window.strides = std::move(strides);
  attrs.window.pads = std::move(pads);
  return attrs;
}


} // namespace

TEST_CASE("pools with explicit pads (test_*pool_2d_precomputed_pads)", "[runtime][pool]") {
  const Tensor x = square(5);
  const PoolAttrs attrs = window({5, 5}, {}, {2, 2, 2, 2});
  const Tensor m = maxPool(x, attrs, nullptr);
  CHECK(m.shape() == Shape{1, 1, 5, 5});
  CHECK(valuesOf<float>(m) == std::vector<float>{13, 14, 15, 15, 15, 18, 19, 20, 20, 20, 23, 24, 25,
                                                 25, 25, 23, 24, 25, 25, 25, 23, 24, 25, 25, 25});
  checkNear(averagePool(x, attrs, nullptr),
            {7,     7.5f, 8,     8.5f, 9,     9.5f, 10,    10.5f, 11,    11.5f, 12,    12.5f, 13,
             13.5f, 14,   14.5f, 15,   15.5f, 16,   16.5f, 17,    17.5f, 18,    18.5f, 19});
  PoolAttrs include = attrs;
  include.countIncludePad = true;
  checkNear(averagePool(x, include, nullptr),
            {2.52f,  3.6f,  4.8f,  4.08f, 3.24f, 4.56f, 6.4f,  8.4f, 7.04f,
             5.52f,  7.2f,  10.0f, 13.0f, 10.8f, 8.4f,  6.96f, 9.6f, 12.4f,
             10.24f, 7.92f, 6.12f, 8.4f,  10.8f, 8.88f, 6.84f});
}

TEST_CASE("pools with strides, SAME_UPPER, ceil_mode, dilations", "[runtime][pool]") {
  const Tensor x5 = square(5);
  const PoolAttrs strided = window({2, 2}, {2, 2});
  CHECK(valuesOf<float>(maxPool(x5, strided, nullptr)) == std::vector<float>{7, 9, 17, 19});
  CHECK(valuesOf<float>(averagePool(x5, strided, nullptr)) == std::vector<float>{4, 6, 14, 16});

  PoolAttrs same = window({3, 3}, {2, 2});
  same.window.autoPad = AutoPad::SameUpper;
  CHECK(valuesOf<float>(maxPool(x5, same, nullptr)) ==
        std::vector<float>{7, 9, 10, 17, 19, 20, 22, 24, 25});
  checkNear(averagePool(x5, same, nullptr), {4, 5.5f, 7, 11.5f, 13, 14.5f, 19, 20.5f, 22});

  const Tensor x4 = square(4);
  PoolAttrs ceil = window({3, 3}, {2, 2});
  ceil.ceilMode = true;
  const Tensor mc = maxPool(x4, ceil, nullptr);
  CHECK(mc.shape() == Shape{1, 1, 2, 2});
  CHECK(valuesOf<float>(mc) == std::vector<float>{11, 12, 15, 16});
  checkNear(averagePool(x4, ceil, nullptr), {6, 7.5f, 12, 13.5f});

  PoolAttrs dilated = window({2, 2}, {1, 1});
  dilated.window.dilations = {2, 2};
  CHECK(valuesOf<float>(maxPool(x4, dilated, nullptr)) == std::vector<float>{11, 12, 15, 16});
}

TEST_CASE("1-d pools and integer MaxPool", "[runtime][pool]") {
  const Tensor x = Tensor::fromVector<float>({1, 1, 5}, {1, 3, 2, 5, 4});
  CHECK(valuesOf<float>(maxPool(x, window({2}), nullptr)) == std::vector<float>{3, 3, 5, 5});
  CHECK(valuesOf<float>(averagePool(x, window({2}), nullptr)) ==
        std::vector<float>{2, 2.5f, 3.5f, 4.5f});
  // Padding is ignored by MaxPool: [-, 1, 3, 2, 5, 4, -] with k3 s2.
  CHECK(valuesOf<float>(maxPool(x, window({3}, {2}, {1, 1}), nullptr)) ==
        std::vector<float>{3, 5, 5});
  const Tensor u = Tensor::fromVector<uint8_t>({1, 2, 3}, {1, 200, 3, 9, 8, 7});
  CHECK(valuesOf<uint8_t>(maxPool(u, window({2}), nullptr)) ==
        std::vector<uint8_t>{200, 200, 9, 8});
}

TEST_CASE("pools split over threads give the same result", "[runtime][pool]") {
  std::vector<float> v(2 * 8 * 14 * 14);
  for (size_t i = 0; i < v.size(); ++i)
    v[i] = static_cast<float>((i * 7919) % 1000) * 0.01f;
  const Tensor x = Tensor::fromVector<float>({2, 8, 14, 14}, v);
  ThreadPool pool(3);
  const PoolAttrs attrs = window({3, 3}, {2, 2}, {1, 1, 1, 1});
  CHECK(valuesOf<float>(averagePool(x, attrs, nullptr)) ==
        valuesOf<float>(averagePool(x, attrs, &pool)));
  CHECK(valuesOf<float>(maxPool(x, attrs, nullptr)) == valuesOf<float>(maxPool(x, attrs, &pool)));
}

TEST_CASE("global pools", "[runtime][pool]") {
  // test_globalaveragepool_precomputed / test_globalmaxpool_precomputed.
  const Tensor x = square(3);
  const Tensor avg = globalAveragePool(x, nullptr);
  CHECK(avg.shape() == Shape{1, 1, 1, 1});
  CHECK(valuesOf<float>(avg) == std::vector<float>{5});
  CHECK(valuesOf<float>(globalMaxPool(x, nullptr)) == std::vector<float>{9});
  const Tensor two = Tensor::fromVector<float>({1, 2, 3}, {1, 2, 3, -4, -5, -6});
  CHECK(globalAveragePool(two, nullptr).shape() == Shape{1, 2, 1});
  CHECK(valuesOf<float>(globalAveragePool(two, nullptr)) == std::vector<float>{2, -5});
  CHECK(valuesOf<float>(globalMaxPool(two, nullptr)) == std::vector<float>{3, -4});
}

TEST_CASE("pools reject bad input", "[runtime][pool]") {
  const Tensor x = square(4);
  CHECK_THROWS_AS(maxPool(x, window({2}), nullptr), Error); // kernel rank
  CHECK_THROWS_AS(maxPool(Tensor::fromVector<float>({2, 2}, {1, 2, 3, 4}), window({2}), nullptr),
                  Error);
  CHECK_THROWS_AS(averagePool(Tensor(DType::I32, {1, 1, 4}), window({2}), nullptr), Error);
  CHECK_THROWS_AS(maxPool(Tensor(DType::I32, {1, 1, 4}), window({2}), nullptr), Error);
  CHECK_THROWS_AS(globalAveragePool(Tensor::fromVector<float>({2}, {1, 2}), nullptr), Error);
  CHECK_THROWS_AS(globalMaxPool(Tensor(DType::I64, {1, 1, 2}), nullptr), Error);
}
