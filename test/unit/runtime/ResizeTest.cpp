//===- ResizeTest.cpp - Resize, nearest and n-linear ----------------------===//
//
// Expected values are the outputs of the ONNX 1.12 node tests (resize.py,
// computed by its numpy reference interpolate_nd). The 8x8 nearest cases are
// outer products of one index map per axis, so only the map is written out.
//
//===----------------------------------------------------------------------===//
#include "vitc/rt/kernels/DataMovement.h"

#include "TestTensors.h"

#include <catch2/catch.hpp>

using namespace vitc::rt;
using namespace vitc::rt::testing;

namespace {



ResizeAttrs attrsFor(ResizeMode mode, CoordinateTransform transform,
                     NearestRounding nearest = NearestRounding::RoundPreferFloor) {
  ResizeAttrs attrs;
  attrs.mode = mode;
  attrs.transform = transform;
  attrs.nearest = nearest;
  return attrs;
}


/// Checks an 4x4 -> 8x8 nearest resize of iota({1,1,4,4}, 1.0f) against one
/// index map used for both axes.
void checkNearestMap(const Tensor &y, const std::vector<int> &map) {
  REQUIRE(y.shape() == Shape{1, 1, 8, 8});
  for (int i = 0; i < 8; ++i)
    for (int j = 0; j < 8; ++j) {
      INFO("row " << i << " col " << j);
      CHECK(y.data<float>()[i * 8 + j] == static_cast<float>(map[i] * 4 + map[j] + 1));
    }
}

} // namespace

TEST_CASE("nearest resize follows test_resize_*_nearest", "[runtime][resize]") {
  const ResizeAttrs attrs = attrsFor(ResizeMode::Nearest, CoordinateTransform::HalfPixel);
  const Tensor up = resize(iota({1, 1, 2, 2}, 1.0f), {1, 1, 2, 3}, {}, attrs, nullptr);
  CHECK(up.shape() == Shape{1, 1, 4, 6});
  CHECK(valuesOf<float>(up) ==
        std::vector<float>{1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4});
  const Tensor x24 = iota({1, 1, 2, 4}, 1.0f);
  const Tensor down = resize(x24, {1, 1, 0.6f, 0.6f}, {}, attrs, nullptr);
  CHECK(down.shape() == Shape{1, 1, 1, 2});
  CHECK(valuesOf<float>(down) == std::vector<float>{1, 3});
  CHECK(valuesOf<float>(resize(x24, {}, {1, 1, 1, 3}, attrs, nullptr)) ==
        std::vector<float>{1, 2, 4});
  const Tensor sized = resize(iota({1, 1, 2, 2}, 1.0f), {}, {1, 1, 7, 8}, attrs, nullptr);
  CHECK(sized.shape() == Shape{1, 1, 7, 8});
  CHECK(sized.data<float>()[3 * 8 + 3] == 1.0f);
  CHECK(sized.data<float>()[4 * 8 + 4] == 4.0f);
}

TEST_CASE("nearest rounding modes and coordinate transforms", "[runtime][resize]") {
  const Tensor x = iota({1, 1, 4, 4}, 1.0f);
  const std::vector<int64_t> sizes = {1, 1, 8, 8};
  checkNearestMap(resize(x, {}, sizes,
                         attrsFor(ResizeMode::Nearest, CoordinateTransform::AlignCorners,
                                  NearestRounding::Floor),
                         nullptr),
                  {0, 0, 0, 1, 1, 2, 2, 3});
  checkNearestMap(resize(x, {}, sizes,
                         attrsFor(ResizeMode::Nearest, CoordinateTransform::Asymmetric,
                                  NearestRounding::RoundPreferCeil),
                         nullptr),
                  {0, 1, 1, 2, 2, 3, 3, 3});
  checkNearestMap(
      resize(x, {}, sizes,
             attrsFor(ResizeMode::Nearest, CoordinateTransform::HalfPixel, NearestRounding::Ceil),
             nullptr),
      {0, 1, 1, 2, 2, 3, 3, 3});
  // tf_half_pixel_for_nearest: (o + 0.5) / scale, no -0.5.
  checkNearestMap(resize(x, {1, 1, 2, 2}, {},
                         attrsFor(ResizeMode::Nearest, CoordinateTransform::TfHalfPixelForNearest),
                         nullptr),
                  {0, 1, 1, 2, 2, 3, 3, 3});
  CHECK(valuesOf<float>(
            resize(x, {1, 1, 0.5f, 0.5f}, {},
                   attrsFor(ResizeMode::Nearest, CoordinateTransform::TfHalfPixelForNearest),
                   nullptr)) == std::vector<float>{6, 8, 14, 16});
}

TEST_CASE("linear resize follows test_resize_*_linear*", "[runtime][resize]") {
  const Tensor x22 = iota({1, 1, 2, 2}, 1.0f);
  checkNear(
      resize(x22, {1, 1, 2, 2}, {}, attrsFor(ResizeMode::Linear, CoordinateTransform::HalfPixel),
             nullptr),
      {1, 1.25f, 1.75f, 2, 1.5f, 1.75f, 2.25f, 2.5f, 2.5f, 2.75f, 3.25f, 3.5f, 3, 3.25f, 3.75f, 4});
  checkNear(resize(x22, {1, 1, 2, 2}, {},
                   attrsFor(ResizeMode::Linear, CoordinateTransform::AlignCorners), nullptr),
            {1, 1.3333334f, 1.6666666f, 2, 1.6666666f, 2, 2.3333333f, 2.6666667f, 2.3333333f,
             2.6666667f, 3, 3.3333333f, 3, 3.3333333f, 3.6666667f, 4});
  const Tensor x24 = iota({1, 1, 2, 4}, 1.0f);
  checkNear(resize(x24, {1, 1, 0.6f, 0.6f}, {},
                   attrsFor(ResizeMode::Linear, CoordinateTransform::HalfPixel), nullptr),
            {2.6666665f, 4.333333f});
  // align_corners divides by the resized length scale * 4 = 2.4, not 2.
  checkNear(resize(x24, {1, 1, 0.6f, 0.6f}, {},
                   attrsFor(ResizeMode::Linear, CoordinateTransform::AlignCorners), nullptr),
            {1, 3.142857f});
  checkNear(resize(iota({1, 1, 4, 4}, 1.0f), {}, {1, 1, 3, 1},
                   attrsFor(ResizeMode::Linear, CoordinateTransform::PytorchHalfPixel), nullptr),
            {1.6666666f, 7, 12.333333f});
}

TEST_CASE("linear resize interpolates over any number of dims", "[runtime][resize]") {
  // Affine data a*i + b*j + c*k is reproduced exactly at the aligned source
  // coordinates o/2, on three resized dims.
  std::vector<float> v;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 3; ++k)
        v.push_back(1.0f * i + 2.0f * j + 4.0f * k);
  const Tensor x = Tensor::fromVector<float>({3, 3, 3}, v);
  ThreadPool pool(2);
  const ResizeAttrs attrs = attrsFor(ResizeMode::Linear, CoordinateTransform::AlignCorners);
  const Tensor y = resize(x, {}, {5, 5, 5}, attrs, &pool);
  REQUIRE(y.shape() == Shape{5, 5, 5});
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 5; ++j)
      for (int k = 0; k < 5; ++k)
        CHECK(y.data<float>()[(i * 5 + j) * 5 + k] == Approx(0.5f * i + j + 2.0f * k));
  CHECK(valuesOf<float>(resize(x, {}, {5, 5, 5}, attrs, nullptr)) == valuesOf<float>(y));
  // Unit scales copy the input.
  const Tensor same = resize(x, {1, 1, 1}, {}, attrs, nullptr);
  CHECK(valuesOf<float>(same) == v);
  CHECK(same.raw() != x.raw());
}

TEST_CASE("Resize attribute parsing and errors", "[runtime][resize]") {
  CHECK(parseResizeMode("linear") == ResizeMode::Linear);
  CHECK(parseCoordinateTransform("pytorch_half_pixel") == CoordinateTransform::PytorchHalfPixel);
  CHECK(parseNearestRounding("round_prefer_ceil") == NearestRounding::RoundPreferCeil);
  CHECK_THROWS_WITH(parseResizeMode("cubic"), Catch::Contains("unsupported"));
  CHECK_THROWS_WITH(parseCoordinateTransform("tf_crop_and_resize"), Catch::Contains("unsupported"));
  CHECK_THROWS_AS(parseResizeMode("bilinear"), Error);
  CHECK_THROWS_AS(parseCoordinateTransform("half"), Error);
  CHECK_THROWS_AS(parseNearestRounding("nearest"), Error);
  const Tensor x = iota({1, 1, 2, 2}, 1.0f);
  const ResizeAttrs attrs;
  CHECK_THROWS_AS(resize(x, {1, 1, 2, 2}, {1, 1, 4, 4}, attrs, nullptr), Error);
  CHECK_THROWS_AS(resize(x, {}, {}, attrs, nullptr), Error);
  CHECK_THROWS_AS(resize(x, {2, 2}, {}, attrs, nullptr), Error);
  CHECK_THROWS_AS(resize(x, {1, 1, 0, 2}, {}, attrs, nullptr), Error);
  CHECK_THROWS_AS(resize(Tensor(DType::I32, {1, 1, 2, 2}), {1, 1, 2, 2}, {}, attrs, nullptr),
                  Error);
}
