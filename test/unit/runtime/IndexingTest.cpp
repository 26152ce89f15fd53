//===- IndexingTest.cpp - Gather*, DepthToSpace, Pad, ConstantOfShape, Range -===//
//
// Expected values are ported from the ONNX 1.12 node tests and operator docs
// (gather.py, gatherelements.py, depthtospace.py, spacetodepth.py, pad.py,
// constantofshape.py, rangeop.py); reflect padding is checked against
// numpy.pad.
//
//===----------------------------------------------------------------------===//
#include "vitc/rt/kernels/DataMovement.h"

#include "TestTensors.h"

#include <catch2/catch.hpp>

using namespace vitc::rt;
using namespace vitc::rt::testing;

namespace {



} // namespace

TEST_CASE("Gather follows the ONNX examples", "[runtime][indexing]") {
  const Tensor data = Tensor::fromVector<float>({3, 2}, {1.0f, 1.2f, 2.3f, 3.4f, 4.5f, 5.7f});
  const Tensor g = gather(data, Tensor::fromVector<int64_t>({2, 2}, {0, 1, 1, 2}), 0);
  CHECK(g.shape() == Shape{2, 2, 2});
  CHECK(valuesOf<float>(g) == std::vector<float>{1.0f, 1.2f, 2.3f, 3.4f, 2.3f, 3.4f, 4.5f, 5.7f});
  const Tensor d3 =
      Tensor::fromVector<float>({3, 3}, {1.0f, 1.2f, 1.9f, 2.3f, 3.4f, 3.9f, 4.5f, 5.7f, 5.9f});
  const Tensor g1 = gather(d3, Tensor::fromVector<int32_t>({1, 2}, {0, 2}), 1);
  CHECK(g1.shape() == Shape{3, 1, 2});
  CHECK(valuesOf<float>(g1) == std::vector<float>{1.0f, 1.9f, 2.3f, 3.9f, 4.5f, 5.9f});
  // test_gather_negative_indices.
  CHECK(valuesOf<float>(gather(iota({10}), Tensor::fromVector<int64_t>({3}, {0, -9, -10}), 0)) ==
        std::vector<float>{0, 1, 0});
  // A scalar index removes the axis (the class token of a ViT: x[:, 0]).
  const Tensor token = gather(iota({1, 4, 3}), Tensor::scalar<int64_t>(0), 1);
  CHECK(token.shape() == Shape{1, 3});
  CHECK(valuesOf<float>(token) == std::vector<float>{0, 1, 2});
  CHECK_THROWS_AS(gather(data, Tensor::scalar<int64_t>(3), 0), Error);
  CHECK_THROWS_AS(gather(data, Tensor::scalar<int64_t>(-4), 0), Error);
  CHECK_THROWS_AS(gather(data, Tensor::scalar(1.0f), 0), Error);
  CHECK_THROWS_AS(gather(data, Tensor::scalar<int64_t>(0), 2), Error);
}

TEST_CASE("GatherElements follows test_gather_elements_*", "[runtime][indexing]") {
  const Tensor d2 = Tensor::fromVector<float>({2, 2}, {1, 2, 3, 4});
  CHECK(valuesOf<float>(gatherElements(d2, Tensor::fromVector<int64_t>({2, 2}, {0, 0, 1, 0}), 1)) ==
        std::vector<float>{1, 1, 4, 3});
  const Tensor d3 = Tensor::fromVector<float>({3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  CHECK(valuesOf<float>(gatherElements(d3, Tensor::fromVector<int32_t>({2, 3}, {1, 2, 0, 2, 0, 0}),
                                       0)) == std::vector<float>{4, 8, 3, 7, 2, 3});
  CHECK(valuesOf<float>(
            gatherElements(d3, Tensor::fromVector<int32_t>({2, 3}, {-1, -2, 0, -2, 0, 0}), 0)) ==
        std::vector<float>{7, 5, 3, 4, 2, 3});
  CHECK_THROWS_AS(gatherElements(d3, Tensor::fromVector<int32_t>({3}, {0, 1, 2}), 0), Error);
  CHECK_THROWS_AS(gatherElements(d3, Tensor::fromVector<int32_t>({1, 1}, {3}), 0), Error);
}

TEST_CASE("DepthToSpace and SpaceToDepth follow the ONNX examples", "[runtime][indexing]") {
  std::vector<float> v;
  for (int c = 0; c < 8; ++c)
    for (int i = 0; i < 6; ++i)
      v.push_back(static_cast<float>(c * 9 + i));
  const Tensor x = Tensor::fromVector<float>({1, 8, 2, 3}, v);
  const Tensor dcr = depthToSpace(x, 2, false);
  CHECK(dcr.shape() == Shape{1, 2, 4, 6});
  CHECK(valuesOf<float>(dcr) == std::vector<float>{0,  18, 1,  19, 2,  20, 36, 54, 37, 55, 38, 56,
                                                   3,  21, 4,  22, 5,  23, 39, 57, 40, 58, 41, 59,
                                                   9,  27, 10, 28, 11, 29, 45, 63, 46, 64, 47, 65,
                                                   12, 30, 13, 31, 14, 32, 48, 66, 49, 67, 50, 68});
  CHECK(valuesOf<float>(depthToSpace(x, 2, true)) ==
        std::vector<float>{0,  9,  1,  10, 2,  11, 18, 27, 19, 28, 20, 29, 3,  12, 4,  13,
                           5,  14, 21, 30, 22, 31, 23, 32, 36, 45, 37, 46, 38, 47, 54, 63,
                           55, 64, 56, 65, 39, 48, 40, 49, 41, 50, 57, 66, 58, 67, 59, 68});
  // test_spacetodepth_example.
  const Tensor s =
      Tensor::fromVector<float>({1, 1, 4, 6}, {0, 6, 1, 7,  2, 8,  12, 18, 13, 19, 14, 20,
                                               3, 9, 4, 10, 5, 11, 15, 21, 16, 22, 17, 23});
  const Tensor d = spaceToDepth(s, 2);
  CHECK(d.shape() == Shape{1, 4, 2, 3});
  CHECK(valuesOf<float>(d) == valuesOf<float>(iota({24})));
  // SpaceToDepth inverts DepthToSpace (DCR).
  CHECK(valuesOf<float>(spaceToDepth(dcr, 2)) == v);
  CHECK_THROWS_AS(depthToSpace(iota({1, 6, 2, 2}), 2, false), Error);
  CHECK_THROWS_AS(spaceToDepth(iota({1, 1, 3, 4}), 2), Error);
  CHECK_THROWS_AS(depthToSpace(iota({8, 2, 3}), 2, false), Error);
}

TEST_CASE("Pad in constant, reflect and edge modes", "[runtime][indexing]") {
  const Tensor x = Tensor::fromVector<float>({3, 2}, {1.0f, 1.2f, 2.3f, 3.4f, 4.5f, 5.7f});
  const std::vector<int64_t> pads = {0, 2, 0, 0};
  CHECK(valuesOf<float>(pad(x, pads, PadMode::Constant, std::nullopt)) ==
        std::vector<float>{0, 0, 1.0f, 1.2f, 0, 0, 2.3f, 3.4f, 0, 0, 4.5f, 5.7f});
  CHECK(valuesOf<float>(pad(x, pads, PadMode::Constant, Tensor::scalar(-1.5f))) ==
        std::vector<float>{-1.5f, -1.5f, 1.0f, 1.2f, -1.5f, -1.5f, 2.3f, 3.4f, -1.5f, -1.5f, 4.5f,
                           5.7f});
  CHECK(valuesOf<float>(pad(x, pads, PadMode::Reflect, std::nullopt)) ==
        std::vector<float>{1.0f, 1.2f, 1.0f, 1.2f, 2.3f, 3.4f, 2.3f, 3.4f, 4.5f, 5.7f, 4.5f, 5.7f});
  CHECK(valuesOf<float>(pad(x, pads, PadMode::Edge, std::nullopt)) ==
        std::vector<float>{1.0f, 1.0f, 1.0f, 1.2f, 2.3f, 2.3f, 2.3f, 3.4f, 4.5f, 4.5f, 4.5f, 5.7f});
  // Pads wider than the dim keep reflecting: numpy.pad([1, 2, 3], (5, 4), 'reflect').
  const Tensor r = Tensor::fromVector<int32_t>({3}, {1, 2, 3});
  CHECK(valuesOf<int32_t>(pad(r, {5, 4}, PadMode::Reflect, std::nullopt)) ==
        std::vector<int32_t>{2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3});
  CHECK(valuesOf<int32_t>(pad(Tensor::fromVector<int32_t>({1}, {7}), {2, 1}, PadMode::Reflect,
                              std::nullopt)) == std::vector<int32_t>{7, 7, 7, 7});
  // Negative pads crop, and combine with positive ones on other sides.
  CHECK(valuesOf<float>(pad(x, {0, -1, 0, 0}, PadMode::Constant, std::nullopt)) ==
        std::vector<float>{1.2f, 3.4f, 5.7f});
  const Tensor crop = pad(x, {-1, 1, 0, 0}, PadMode::Edge, std::nullopt);
  CHECK(crop.shape() == Shape{2, 3});
  CHECK(valuesOf<float>(crop) == std::vector<float>{2.3f, 2.3f, 3.4f, 4.5f, 4.5f, 5.7f});
  CHECK_THROWS_AS(pad(x, {0, 1}, PadMode::Constant, std::nullopt), Error);
  CHECK_THROWS_AS(pad(x, pads, PadMode::Constant, Tensor::scalar(1.0)), Error);
  CHECK_THROWS_AS(pad(x, {-4, 0, 0, 0}, PadMode::Constant, std::nullopt), Error);
  CHECK_THROWS_AS(pad(Tensor(DType::F32, {0}), {1, 1}, PadMode::Reflect, std::nullopt), Error);
  CHECK(parsePadMode("edge") == PadMode::Edge);
  CHECK_THROWS_AS(parsePadMode("wrap"), Error);
}

TEST_CASE("ConstantOfShape and Range", "[runtime][indexing]") {
  const Tensor zeros = constantOfShape({2, 3}, std::nullopt);
  CHECK(zeros.dtype() == DType::F32);
  CHECK(valuesOf<float>(zeros) == std::vector<float>(6, 0.0f));
  const Tensor sevens = constantOfShape({4}, Tensor::fromVector<int64_t>({1}, {7}));
  CHECK(sevens.dtype() == DType::I64);
  CHECK(valuesOf<int64_t>(sevens) == std::vector<int64_t>{7, 7, 7, 7});
  CHECK(constantOfShape({}, Tensor::scalar(true)).shape() == Shape{});
  CHECK(constantOfShape({0, 5}, std::nullopt).numel() == 0);
  CHECK_THROWS_AS(constantOfShape({-1}, std::nullopt), Error);
  CHECK_THROWS_AS(constantOfShape({2}, Tensor::fromVector<float>({2}, {1, 2})), Error);

  // test_range_float_type_positive_delta / test_range_int32_type_negative_delta.
  CHECK(valuesOf<float>(range(Tensor::scalar(1.0f), Tensor::scalar(5.0f), Tensor::scalar(2.0f))) ==
        std::vector<float>{1, 3});
  CHECK(valuesOf<int32_t>(range(Tensor::scalar<int32_t>(10), Tensor::scalar<int32_t>(6),
                                Tensor::scalar<int32_t>(-3))) == std::vector<int32_t>{10, 7});
  const std::vector<float> steps =
      valuesOf<float>(range(Tensor::scalar(1.0f), Tensor::scalar(2.0f), Tensor::scalar(0.3f)));
  REQUIRE(steps.size() == 4);
  CHECK(steps[3] == Approx(1.9f));
  CHECK(range(Tensor::scalar<int64_t>(5), Tensor::scalar<int64_t>(1), Tensor::scalar<int64_t>(1))
            .shape() == Shape{0});
  CHECK_THROWS_AS(range(Tensor::scalar(1.0f), Tensor::scalar(2.0f), Tensor::scalar(0.0f)), Error);
  CHECK_THROWS_AS(range(Tensor::scalar(1.0f), Tensor::scalar<int32_t>(2), Tensor::scalar(1.0f)),
                  Error);
}
