//===- DataMovementTest.cpp - Reshape, Concat, Slice, Split, Expand, Tile -===//
//
// Expected values follow the ONNX 1.12 node tests (slice.py, split.py,
// expand.py, tile.py, concat.py) and numpy indexing on small arange inputs.
//
//===----------------------------------------------------------------------===//
#include "vitc/rt/kernels/DataMovement.h"

#include "TestTensors.h"

#include <catch2/catch.hpp>

#include <limits>

using namespace vitc::rt;
using namespace vitc::rt::testing;

namespace {



constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

} // namespace

TEST_CASE("resolveReshape applies the 0 and -1 rules", "[runtime][datamovement]") {
  CHECK(resolveReshape({2, 3, 4}, {0, -1}, false) == Shape{2, 12});
  CHECK(resolveReshape({2, 3, 4}, {-1}, false) == Shape{24});
  CHECK(resolveReshape({2, 3, 4}, {4, 0, 2}, false) == Shape{4, 3, 2});
  CHECK_THROWS_AS(resolveReshape({0, 3}, {0, -1}, true), Error); // 0 and -1 together
  CHECK(resolveReshape({2, 0}, {0, 5}, true) == Shape{0, 5});
  CHECK_THROWS_AS(resolveReshape({2, 3, 4}, {-1, -1}, false), Error);
  CHECK_THROWS_AS(resolveReshape({2, 3, 4}, {5, -1}, false), Error);
  CHECK_THROWS_AS(resolveReshape({2, 3, 4}, {2, 3}, false), Error);
  CHECK_THROWS_AS(resolveReshape({2, 3}, {1, 1, 0}, false), Error);
  CHECK_THROWS_AS(resolveReshape({6}, {-2, 3}, false), Error);
}

TEST_CASE("Concat joins along any axis", "[runtime][datamovement]") {
  const Tensor a = Tensor::fromVector<float>({2, 1}, {1, 2});
  const Tensor b = Tensor::fromVector<float>({2, 2}, {3, 4, 5, 6});
  const Tensor c = concat({a, b}, -1);
  CHECK(c.shape() == Shape{2, 3});
  CHECK(valuesOf<float>(c) == std::vector<float>{1, 3, 4, 2, 5, 6});
  const Tensor rows = concat({b, b, Tensor(DType::F32, {0, 2})}, 0);
  CHECK(rows.shape() == Shape{4, 2});
  CHECK(valuesOf<float>(rows) == std::vector<float>{3, 4, 5, 6, 3, 4, 5, 6});
  CHECK(valuesOf<bool>(concat(
            {Tensor::fromVector<bool>({1}, {true}), Tensor::fromVector<bool>({2}, {false, true})},
            0)) == std::vector<bool>{true, false, true});
  CHECK_THROWS_AS(concat({}, 0), Error);
  CHECK_THROWS_AS(concat({a, b}, 0), Error);              // dims differ off the axis
  CHECK_THROWS_AS(concat({a, iota<int32_t>({2, 1})}, 1), Error); // dtypes differ
  CHECK_THROWS_AS(concat({a, b}, 2), Error);              // axis out of range
}

TEST_CASE("Slice handles negative, clamped and reversed ranges", "[runtime][datamovement]") {
  const Tensor x = iota<int32_t>({2, 3, 4});
  // x[0:1, 1:3]
  const Tensor s = slice(x, {0, 1}, {1, 3}, {}, {});
  CHECK(s.shape() == Shape{1, 2, 4});
  CHECK(valuesOf<int32_t>(s) == std::vector<int32_t>{4, 5, 6, 7, 8, 9, 10, 11});
  // x[:, :, 0:-1] (test_slice_neg) with a negative axis.
  CHECK(slice(x, {0}, {-1}, {-1}, {}).shape() == Shape{2, 3, 3});
  // Out-of-range starts give an empty result; ends clamp (INT64_MAX too).
  CHECK(slice(x, {1000}, {1000}, {1}, {1}).shape() == Shape{2, 0, 4});
  CHECK(valuesOf<int32_t>(slice(x, {1, 2}, {kMax, kMax}, {0, 2}, {})) ==
        std::vector<int32_t>{14, 15, 18, 19, 22, 23});
  // x[:, ::-1, :] via INT64_MIN ends.
  CHECK(valuesOf<int32_t>(slice(x, {-1}, {kMin}, {1}, {-1})) ==
        std::vector<int32_t>{8,  9,  10, 11, 4,  5,  6,  7,  0,  1,  2,  3,
                             20, 21, 22, 23, 16, 17, 18, 19, 12, 13, 14, 15});
  // x[2:0:-1, 3:0:-3, 4:1:-2] (test_slice_neg_steps): starts clamp to dim - 1.
  const Tensor n = slice(x, {2, 3, 4}, {0, 0, 1}, {0, 1, 2}, {-1, -3, -2});
  CHECK(n.shape() == Shape{1, 1, 1});
  CHECK(valuesOf<int32_t>(n) == std::vector<int32_t>{23});
  // Strided: x[0, 0, ::2] and x[1, :, 3:0:-2].
  CHECK(valuesOf<int32_t>(slice(x, {0, 0, 0}, {1, 1, 4}, {}, {1, 1, 2})) ==
        std::vector<int32_t>{0, 2});
  CHECK(valuesOf<int32_t>(slice(x, {1, 3}, {2, 0}, {0, 2}, {1, -2})) ==
        std::vector<int32_t>{15, 13, 19, 17, 23, 21});
  CHECK_THROWS_AS(slice(x, {0}, {1}, {0}, {0}), Error);          // zero step
  CHECK_THROWS_AS(slice(x, {0, 0}, {1}, {}, {}), Error);         // lengths differ
  CHECK_THROWS_AS(slice(x, {0, 0}, {1, 1}, {1, -2}, {}), Error); // repeated axis
  CHECK_THROWS_AS(slice(x, {0}, {1}, {3}, {}), Error);           // axis out of range
}

TEST_CASE("Split by sizes and into equal parts", "[runtime][datamovement]") {
  const Tensor x = Tensor::fromVector<float>({6}, {1, 2, 3, 4, 5, 6});
  std::vector<Tensor> parts = split(x, 0, {2, 4}, 0);
  REQUIRE(parts.size() == 2);
  CHECK(valuesOf<float>(parts[0]) == std::vector<float>{1, 2});
  CHECK(valuesOf<float>(parts[1]) == std::vector<float>{3, 4, 5, 6});
  parts = split(x, 0, {}, 3);
  REQUIRE(parts.size() == 3);
  CHECK(valuesOf<float>(parts[2]) == std::vector<float>{5, 6});
  // Uneven: the last part is smaller (opset 18).
  parts = split(iota<int32_t>({7}), -1, {}, 4);
  REQUIRE(parts.size() == 4);
  CHECK(parts[0].shape() == Shape{2});
  CHECK(valuesOf<int32_t>(parts[3]) == std::vector<int32_t>{6});
  // 2-d along axis 1 and zero-size parts (test_split_zero_size_splits).
  parts = split(iota<int32_t>({2, 3}), 1, {0, 1, 2}, 0);
  CHECK(parts[0].shape() == Shape{2, 0});
  CHECK(valuesOf<int32_t>(parts[1]) == std::vector<int32_t>{0, 3});
  CHECK(valuesOf<int32_t>(parts[2]) == std::vector<int32_t>{1, 2, 4, 5});
  CHECK_THROWS_AS(split(x, 0, {2, 3}, 0), Error);
  CHECK_THROWS_AS(split(x, 0, {7, -1}, 0), Error);
  CHECK_THROWS_AS(split(Tensor(DType::F32, {5}), 0, {}, 4), Error); // 2+2+2 > 5
  CHECK_THROWS_AS(split(x, 0, {}, 0), Error);
  CHECK_THROWS_AS(split(x, 1, {}, 2), Error);
}

TEST_CASE("Expand broadcasts both ways", "[runtime][datamovement]") {
  const Tensor x = Tensor::fromVector<float>({3, 1}, {1, 2, 3});
  // test_expand_dim_changed: [3, 1] with [2, 1, 6] -> [2, 3, 6].
  const Tensor e = expand(x, {2, 1, 6});
  CHECK(e.shape() == Shape{2, 3, 6});
  std::vector<float> want;
  for (int b = 0; b < 2; ++b)
    for (float v : {1.0f, 2.0f, 3.0f})
      want.insert(want.end(), 6, v);
  CHECK(valuesOf<float>(e) == want);
  // The requested shape may be smaller than x (bidirectional).
  CHECK(expand(x, {1}).shape() == Shape{3, 1});
  CHECK(valuesOf<int32_t>(expand(iota<int32_t>({3}), {2, 1})) == std::vector<int32_t>{0, 1, 2, 0, 1, 2});
  CHECK_THROWS_AS(expand(x, {2, 1}), Error);
  CHECK_THROWS_AS(expand(x, {-1, 1}), Error);
}

TEST_CASE("Tile repeats every dim", "[runtime][datamovement]") {
  const Tensor x = Tensor::fromVector<int64_t>({2, 2}, {1, 2, 3, 4});
  const Tensor t = tile(x, {2, 3});
  CHECK(t.shape() == Shape{4, 6});
  CHECK(valuesOf<int64_t>(t) == std::vector<int64_t>{1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4,
                                                     1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4});
  CHECK(valuesOf<int64_t>(tile(x, {1, 1})) == valuesOf<int64_t>(x));
  CHECK(tile(x, {0, 2}).shape() == Shape{0, 4});
  CHECK_THROWS_AS(tile(x, {2}), Error);
  CHECK_THROWS_AS(tile(x, {1, -1}), Error);
}
