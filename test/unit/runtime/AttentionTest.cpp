//===- AttentionTest.cpp - Fused multi-head attention ---------------------===//
//
// The kernel is checked against a naive double-precision evaluation of the
// definition in Attention.h. Inputs are uniform in [-1, 1], so outputs are
// convex combinations of values in [-1, 1]; the f32 kernel (dot products of
// at most 64 terms, exp within 1 ulp) stays within 2e-6 of the reference on
// these shapes, and the tolerance is 1e-5 absolute.
//
//===----------------------------------------------------------------------===//
#include "vitc/rt/kernels/Attention.h"

#include "TestTensors.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <random>

using namespace vitc::rt;
using namespace vitc::rt::testing;

namespace {

Tensor uniform(Shape shape, uint32_t seed) {
  std::mt19937 generator(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> values(static_cast<size_t>(numElements(shape)));
  for (float &x : values)
    x = dist(generator);
  return Tensor::fromVector<float>(std::move(shape), values);
}

/// The definition, in double: per b and h, softmax(scale q kᵀ + bias) v.
std::vector<double> reference(const Tensor &q, const Tensor &k, const Tensor &v, const Tensor *bias,
                              int64_t heads, double scale) {
  const int64_t batch = q.dim(0), nq = q.dim(1), nk = k.dim(1);
  const int64_t d = q.dim(2) / heads, dv = v.dim(2) / heads;
  std::vector<double> out(static_cast<size_t>(batch * nq * heads * dv));
  std::vector<double> p(static_cast<size_t>(nk));
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t h = 0; h < heads; ++h)
      for (int64_t i = 0; i < nq; ++i) {
        double maxScore = -INFINITY, sum = 0;
        for (int64_t j = 0; j < nk; ++j) {
          double s = 0;
          for (int64_t c = 0; c < d; ++c)
            s += double(q.data<float>()[(b * nq + i) * heads * d + h * d + c]) *
                 k.data<float>()[(b * nk + j) * heads * d + h * d + c];
          s *= scale;
          if (bias) {
            const Shape &bs = bias->shape(); // size-1 dims broadcast
            const int64_t bh = bs[1] == 1 ? 0 : h, bi = bs[2] == 1 ? 0 : i;
            const int64_t bj = bs[3] == 1 ? 0 : j;
            s += bias->data<float>()[(((b % bs[0]) * bs[1] + bh) * bs[2] + bi) * bs[3] + bj];
          }
          p[j] = s;
          maxScore = std::max(maxScore, s);
        }
        for (int64_t j = 0; j < nk; ++j)
          sum += p[j] = std::exp(p[j] - maxScore);
        for (int64_t e = 0; e < dv; ++e) {
          double acc = 0;
          for (int64_t j = 0; j < nk; ++j)
            acc += p[j] / sum * v.data<float>()[(b * nk + j) * heads * dv + h * dv + e];
          out[(b * nq + i) * heads * dv + h * dv + e] = acc;
        }
      }
  return out;
}

void checkAgainstReference(const Tensor &q, const Tensor &k, const Tensor &v,
                           const std::optional<Tensor> &bias, int64_t heads, float scale,
                           ThreadPool *pool = nullptr) {
  const Tensor got = attention(q, k, v, bias, {heads, scale}, pool);
  REQUIRE(got.shape() == Shape{q.dim(0), q.dim(1), v.dim(2)});
  const std::vector<double> want = reference(q, k, v, bias ? &*bias : nullptr, heads, scale);
  for (size_t i = 0; i < want.size(); ++i) {
    INFO("element " << i);
    CHECK(got.data<float>()[i] == Approx(want[i]).margin(1e-5));
  }
}

} // namespace

TEST_CASE("Attention with one head and no bias", "[runtime][attention]") {
  checkAgainstReference(uniform({1, 7, 16}, 1), uniform({1, 7, 16}, 2), uniform({1, 7, 16}, 3),
                        std::nullopt, 1, 0.25f);
}

TEST_CASE("Attention with per-group bias, Nq != Nk and Dv != D", "[runtime][attention]") {
  // B = 4 entries in G = 2 bias groups (Swin's windows), 3 heads, D = 8, Dv = 5.
  const Tensor q = uniform({4, 6, 24}, 4), k = uniform({4, 9, 24}, 5), v = uniform({4, 9, 15}, 6);
  checkAgainstReference(q, k, v, uniform({2, 3, 6, 9}, 7), 3, 0.35f);
  // Broadcast bias dims: one per head ([1, H, Nq, Nk]), one per key.
  checkAgainstReference(q, k, v, uniform({1, 3, 6, 9}, 8), 3, 0.35f);
  checkAgainstReference(q, k, v, uniform({1, 1, 1, 9}, 9), 3, 0.35f);
}

TEST_CASE("Attention results do not depend on the thread count", "[runtime][attention]") {
  // DeiT-Tiny's shape (3 heads of 64, 197 tokens), batch 2 with a bias.
  const Tensor q = uniform({2, 197, 192}, 10), k = uniform({2, 197, 192}, 11);
  const Tensor v = uniform({2, 197, 192}, 12), bias = uniform({1, 3, 197, 197}, 13);
  const Tensor serial = attention(q, k, v, bias, {3, 0.125f}, nullptr);
  for (int threads : {2, 3, 5}) {
    ThreadPool pool(threads);
    const Tensor parallel = attention(q, k, v, bias, {3, 0.125f}, &pool);
    INFO(threads << " threads");
    REQUIRE(valuesOf<float>(parallel) == valuesOf<float>(serial));
  }
  ThreadPool pool(3);
  checkAgainstReference(uniform({1, 40, 12}, 14), uniform({1, 40, 12}, 15),
                        uniform({1, 40, 12}, 16), std::nullopt, 3, 0.5f, &pool);
}

TEST_CASE("Attention rejects mismatched shapes", "[runtime][attention]") {
  const Tensor q = uniform({2, 4, 8}, 17), k = uniform({2, 5, 8}, 18), v = uniform({2, 5, 6}, 19);
  CHECK_NOTHROW(attention(q, k, v, std::nullopt, {2, 1.0f}, nullptr));
  CHECK_THROWS_AS(attention(q, k, v, std::nullopt, {3, 1.0f}, nullptr), Error); // 8 % 3
  CHECK_THROWS_AS(attention(q, uniform({2, 5, 4}, 20), v, std::nullopt, {2, 1.0f}, nullptr), Error);
  CHECK_THROWS_AS(attention(q, k, uniform({2, 4, 6}, 21), std::nullopt, {2, 1.0f}, nullptr), Error);
  // G = 3 does not divide B = 2; heads 4 is neither 1 nor H.
  CHECK_THROWS_AS(attention(q, k, v, uniform({3, 2, 4, 5}, 22), {2, 1.0f}, nullptr), Error);
  CHECK_THROWS_AS(attention(q, k, v, uniform({1, 4, 4, 5}, 23), {2, 1.0f}, nullptr), Error);
  CHECK_THROWS_AS(attention(q, k, v, uniform({2, 5}, 24), {2, 1.0f}, nullptr), Error);
}
