//===- MatMulTest.cpp - matmul with transposed operands -------------------===//
//
// matmul(a, b, transA, transB) reads a and/or b with their last two dims
// swapped, in place. Every product is checked against a double-precision
// triple loop over explicitly transposed copies. Tolerance: the worst-case
// bound of recursive fp32 summation, (K + 4) * 2^-24 * sum_k |a_ik b_kj|,
// as in GemmTest.cpp. Thread-count independence and pre-packed operands are
// checked bit for bit.
//
//===----------------------------------------------------------------------===//
#include "vitc/rt/kernels/Gemm.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <random>

using namespace vitc::rt;

namespace {

Tensor randomTensor(const Shape &shape, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  Tensor t(DType::F32, shape);
  for (int64_t i = 0; i < t.numel(); ++i)
    t.data<float>()[i] = dist(rng);
  return t;
}

/// A copy of `t` with its last two dims swapped.
Tensor swapLastTwo(const Tensor &t) {
  Shape shape = t.shape();
  const int64_t rows = shape[shape.size() - 2], cols = shape.back();
  std::swap(shape[shape.size() - 2], shape.back());
  Tensor out(DType::F32, shape);
  const int64_t batches = t.numel() / (rows * cols);
  for (int64_t b = 0; b < batches; ++b)
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t j = 0; j < cols; ++j)
        out.data<float>()[(b * cols + j) * rows + i] = t.data<float>()[(b * rows + i) * cols + j];
  return out;
}

/// Checks `got` against a double reference of matmul(a, b) for plain
/// (untransposed) operands whose batch dims are equal or absent on b.
void checkAgainstReference(const Tensor &got, const Tensor &a, const Tensor &b) {
  const int64_t M = a.dim(-2), K = a.dim(-1), N = b.dim(-1);
  const int64_t batches = a.numel() / (M * K), bBatches = b.numel() / (K * N);
  REQUIRE(got.numel() == batches * M * N);
  const double unit = std::ldexp(1.0, -24);
  int64_t bad = 0;
  for (int64_t batch = 0; batch < batches; ++batch) {
    const float *pa = a.data<float>() + batch * M * K;
    const float *pb = b.data<float>() + (bBatches == 1 ? 0 : batch) * K * N;
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j) {
        double dot = 0, magnitude = 0;
        for (int64_t k = 0; k < K; ++k) {
          dot += double(pa[i * K + k]) * pb[k * N + j];
          magnitude += std::fabs(double(pa[i * K + k]) * pb[k * N + j]);
        }
        double err = std::fabs(got.data<float>()[(batch * M + i) * N + j] - dot);
        bad += err > (K + 4) * unit * magnitude;
      }
  }
  CHECK(bad == 0);
}

} // namespace

TEST_CASE("matmul reads transposed operands in place", "[runtime][matmul]") {
  ThreadPool pool(2);
  struct Case {
    Shape a, b; // untransposed operand shapes
  };
  const Case cases[] = {
      {{1, 3, 49, 32}, {1, 3, 32, 49}}, // Q x K^T with K stored as [.., 49, 32]
      {{2, 4, 17, 16}, {2, 4, 16, 49}}, // linear attention's (V^T K) products
      {{3, 49, 64}, {64, 96}},          // a batch of A against one B
      {{7, 5}, {5, 300}},
      {{1, 197, 192}, {192, 200}},
  };
  for (const Case &c : cases) {
    Tensor a = randomTensor(c.a, 11), b = randomTensor(c.b, 12);
    Tensor at = swapLastTwo(a), bt = swapLastTwo(b);
    for (bool transA : {false, true})
      for (bool transB : {false, true}) {
        INFO(shapeToString(c.a) << " x " << shapeToString(c.b) << " transA " << transA << " transB "
                                << transB);
        const Tensor &lhs = transA ? at : a, &rhs = transB ? bt : b;
        Tensor out = matmul(lhs, rhs, transA, transB, &pool);
        Shape expected(c.a.begin(), c.a.end() - 1);
        expected.push_back(c.b.back());
        REQUIRE(out.shape() == expected);
        checkAgainstReference(out, a, b);
        Tensor serial = matmul(lhs, rhs, transA, transB, nullptr);
        CHECK(std::memcmp(out.raw(), serial.raw(), out.byteSize()) == 0);
      }
  }
}

TEST_CASE("matmul with a transposed pre-packed right operand", "[runtime][matmul][packed]") {
  Tensor a = randomTensor({2, 49, 64}, 21), w = randomTensor({96, 64}, 22); // w is [N, K]
  PackedMatrix packed = PackedMatrix::pack(true, 64, 96, w.data<float>(), 64);
  Tensor plain = matmul(a, w, false, true, nullptr);
  Tensor fast = matmul(a, w, false, true, nullptr, &packed);
  CHECK(std::memcmp(plain.raw(), fast.raw(), plain.byteSize()) == 0);
  checkAgainstReference(plain, a, swapLastTwo(w));
  Tensor at = swapLastTwo(a);
  Tensor both = matmul(at, w, true, true, nullptr, &packed);
  checkAgainstReference(both, a, swapLastTwo(w));
}

TEST_CASE("matmul rejects transposed vectors and mismatched transposed shapes",
          "[runtime][matmul]") {
  CHECK_THROWS_WITH(matmul(randomTensor({3}, 1), randomTensor({3, 2}, 2), true, false, nullptr),
                    Catch::Contains("rank >= 2"));
  CHECK_THROWS_WITH(matmul(randomTensor({2, 3}, 1), randomTensor({3}, 2), false, true, nullptr),
                    Catch::Contains("rank >= 2"));
  // [2, 3]^T is [3, 2]: it cannot multiply a [3, 4].
  CHECK_THROWS_WITH(matmul(randomTensor({2, 3}, 1), randomTensor({3, 4}, 2), true, false, nullptr),
                    Catch::Contains("inner dimensions"));
}
