//===- TransposeTest.cpp - Transpose against index arithmetic -------------===//
#include "vitc/rt/kernels/DataMovement.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <numeric>
#include <random>

using namespace vitc::rt;

namespace {

/// A tensor whose element i holds i (truncated to the dtype).
Tensor iota(DType type, const Shape &shape) {
  Tensor t(type, shape);
  auto *bytes = static_cast<uint8_t *>(t.raw());
  const size_t size = dtypeSize(type);
  for (int64_t i = 0; i < t.numel(); ++i) {
    uint64_t value = static_cast<uint64_t>(i) * 2654435761u;
    if (type == DType::F32) {
      float f = static_cast<float>(i);
      std::memcpy(bytes + i * size, &f, size);
    } else if (type == DType::Bool) {
      bytes[i] = static_cast<uint8_t>(value >> 7 & 1);
    } else {
      std::memcpy(bytes + i * size, &value, size); // little-endian low bytes
    }
  }
  return t;
}

/// Checks out == x transposed by perm, element by element (as raw bytes).
void checkTranspose(const Tensor &x, const std::vector<int64_t> &perm, const Tensor &out) {
  const int64_t rank = x.rank();
  Shape want(rank);
  for (int64_t i = 0; i < rank; ++i)
    want[i] = x.shape()[perm[i]];
  REQUIRE(out.shape() == want);
  REQUIRE(out.dtype() == x.dtype());
  std::vector<int64_t> inStrides(rank, 1);
  for (int64_t i = rank - 1; i > 0; --i)
    inStrides[i - 1] = inStrides[i] * x.shape()[i];
  const size_t size = dtypeSize(x.dtype());
  const auto *in = static_cast<const uint8_t *>(x.raw());
  const auto *got = static_cast<const uint8_t *>(out.raw());
  std::vector<int64_t> index(rank, 0);
  int64_t bad = 0;
  for (int64_t flat = 0; flat < out.numel(); ++flat) {
    int64_t source = 0;
    for (int64_t i = 0; i < rank; ++i)
      source += index[i] * inStrides[perm[i]];
    bad += std::memcmp(got + flat * size, in + source * size, size) != 0;
    for (int64_t i = rank - 1; i >= 0 && ++index[i] == want[i]; --i)
      index[i] = 0;
  }
  CHECK(bad == 0);
}

} // namespace

TEST_CASE("transpose handles the ViT attention and window permutations", "[runtime][transpose]") {
  struct Case {
    Shape shape;
    std::vector<int64_t> perm;
  };
  const Case cases[] = {
      {{1, 197, 3, 64}, {0, 2, 1, 3}},           // split heads
      {{1, 3, 197, 64}, {0, 2, 1, 3}},           // merge heads
      {{1, 3, 197, 64}, {0, 1, 3, 2}},           // K^T
      {{1, 192, 14, 14}, {0, 2, 3, 1}},          // NCHW -> NHWC
      {{1, 14, 14, 192}, {0, 3, 1, 2}},          // NHWC -> NCHW
      {{1, 8, 7, 8, 7, 96}, {0, 1, 3, 2, 4, 5}}, // Swin window partition
      {{4, 3, 5, 2, 6, 7}, {5, 3, 1, 0, 4, 2}},
      {{3, 197, 3, 64, 1}, {2, 0, 3, 1, 4}},
      {{2, 1, 5, 1, 3}, {4, 3, 2, 1, 0}},
      {{7}, {0}},
      {{33, 65}, {1, 0}},
  };
  ThreadPool pool(2);
  for (const Case &c : cases) {
    INFO(shapeToString(c.shape));
    Tensor x = iota(DType::F32, c.shape);
    checkTranspose(x, c.perm, transpose(x, c.perm, nullptr));
    checkTranspose(x, c.perm, transpose(x, c.perm, &pool));
  }
}

TEST_CASE("transpose works for every dtype and random permutations", "[runtime][transpose]") {
  std::mt19937 rng(3);
  ThreadPool pool(3);
  for (DType type : {DType::F32, DType::F64, DType::I8, DType::U8, DType::I16, DType::I32,
                     DType::I64, DType::Bool}) {
    for (int trial = 0; trial < 40; ++trial) {
      int64_t rank = 1 + trial % 6;
      Shape shape(rank);
      for (int64_t &d : shape)
        d = 1 + static_cast<int64_t>(rng() % 9);
      std::vector<int64_t> perm(rank);
      std::iota(perm.begin(), perm.end(), 0);
      std::shuffle(perm.begin(), perm.end(), rng);
      INFO(dtypeName(type) << " " << shapeToString(shape));
      Tensor x = iota(type, shape);
      checkTranspose(x, perm, transpose(x, perm, trial % 2 ? &pool : nullptr));
    }
  }
}

TEST_CASE("large transposes split over the pool give the serial result", "[runtime][transpose]") {
  ThreadPool pool(2);
  for (std::vector<int64_t> perm : {std::vector<int64_t>{2, 0, 1}, {1, 0, 2}, {0, 2, 1}}) {
    Tensor x = iota(DType::F32, {70, 300, 41});
    Tensor parallel = transpose(x, perm, &pool);
    checkTranspose(x, perm, parallel);
    Tensor serial = transpose(x, perm, nullptr);
    CHECK(std::memcmp(serial.raw(), parallel.raw(), serial.byteSize()) == 0);
  }
}

TEST_CASE("transpose defaults, negative axes, empty tensors and errors", "[runtime][transpose]") {
  Tensor x = iota(DType::I32, {2, 3, 4});
  Tensor reversed = transpose(x, {}, nullptr);
  checkTranspose(x, {2, 1, 0}, reversed);
  checkTranspose(x, {0, 2, 1}, transpose(x, {0, -1, -2}, nullptr));
  Tensor empty(DType::F32, {3, 0, 2});
  CHECK(transpose(empty, {2, 1, 0}, nullptr).shape() == Shape{2, 0, 3});
  Tensor scalar = Tensor::scalar(5.0f);
  CHECK(transpose(scalar, {}, nullptr).data<float>()[0] == 5.0f);
  CHECK_THROWS_WITH(transpose(x, {0, 0, 1}, nullptr), Catch::Contains("not a permutation"));
  CHECK_THROWS_AS(transpose(x, {0, 1}, nullptr), Error);
  CHECK_THROWS_AS(transpose(x, {0, 1, 3}, nullptr), Error);
}
