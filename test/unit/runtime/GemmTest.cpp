//===- GemmTest.cpp - sgemm, PackedMatrix, MatMul and Gemm ----------------===//
//
// Every result is checked against a triple loop in double. Tolerance: the
// worst-case bound of recursive fp32 summation, |err| <= (K + 4) * 2^-24 * S
// with S = |alpha| * sum_k |a_ik * b_kj| + |beta * c_ij| (K roundings in the
// dot product, at most four more for alpha, beta and the K-block updates).
// Tests run on every micro-kernel instruction set the CPU has. Thread-count
// independence and PackedMatrix are checked bit for bit.
//
//===----------------------------------------------------------------------===//
#include "vitc/rt/kernels/Gemm.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

using namespace vitc::rt;

namespace {

std::vector<float> randomVector(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(rng);
  return v;
}

std::vector<GemmIsa> supportedIsas() {
  std::vector<GemmIsa> isas;
  for (GemmIsa isa : {GemmIsa::Portable, GemmIsa::Avx2, GemmIsa::Avx512})
    if (gemmIsaSupported(isa))
      isas.push_back(isa);
  return isas;
}

/// Restores the default instruction set when a test ends.
struct IsaGuard {
  GemmIsa saved = gemmIsa();
  ~IsaGuard() { setGemmIsa(saved); }
};

/// One sgemm problem with its operands stored with the given leading dims.
struct Problem {
  bool transA = false, transB = false;
  int64_t M, N, K, lda, ldb, ldc;
  float alpha = 1.0f, beta = 0.0f;
  std::vector<float> a, b, c;

  Problem(int64_t m, int64_t n, int64_t k, bool ta, bool tb, int64_t pad = 0, unsigned seed = 1)
      : transA(ta), transB(tb), M(m), N(n), K(k) {
    lda = (ta ? M : K) + pad;
    ldb = (tb ? K : N) + pad;
    ldc = N + pad;
    a = randomVector((ta ? K : M) * lda + 1, seed);
    b = randomVector((tb ? N : K) * ldb + 1, seed + 1);
    c = randomVector(M * ldc + 1, seed + 2);
  }
  float opA(int64_t i, int64_t k) const { return transA ? a[k * lda + i] : a[i * lda + k]; }
  float opB(int64_t k, int64_t j) const { return transB ? b[j * ldb + k] : b[k * ldb + j]; }

  std::vector<float> run(ThreadPool *pool) const {
    std::vector<float> out = c;
    sgemm(transA, transB, M, N, K, alpha, a.data(), lda, b.data(), ldb, beta, out.data(), ldc,
          pool);
    return out;
  }

  /// Checks `out` against the double-precision reference; padding untouched.
  void check(const std::vector<float> &out) const {
    const double unit = std::ldexp(1.0, -24);
    int64_t bad = 0;
    for (int64_t i = 0; i < M; ++i) {
      for (int64_t j = 0; j < ldc; ++j) {
        float got = out[i * ldc + j];
        if (j >= N) { // padding columns keep their old value
          bad += std::memcmp(&got, &c[i * ldc + j], sizeof(float)) != 0;
          continue;
        }
        double dot = 0, magnitude = 0;
        for (int64_t k = 0; k < K; ++k) {
          dot += double(opA(i, k)) * opB(k, j);
          magnitude += std::fabs(double(opA(i, k)) * opB(k, j));
        }
        double old = beta == 0.0f ? 0.0 : double(beta) * c[i * ldc + j];
        double want = double(alpha) * dot + old;
        double tol = (K + 4) * unit * (std::fabs(alpha) * magnitude + std::fabs(old));
        if (!(std::fabs(got - want) <= tol) && bad++ < 3)
          UNSCOPED_INFO("C[" << i << "," << j << "] = " << got << ", want " << want);
      }
    }
    CHECK(bad == 0);
  }
};

} // namespace

TEST_CASE("sgemm matches the double reference on small and edge shapes", "[runtime][gemm]") {
  IsaGuard guard;
  const int64_t sizes[] = {1, 2, 3, 7, 16, 17, 33, 64};
  for (GemmIsa isa : supportedIsas()) {
    setGemmIsa(isa);
    for (int64_t M : sizes)
      for (int64_t N : sizes)
        for (int64_t K : sizes)
          for (int trans = 0; trans < 4; ++trans) {
            INFO(gemmIsaName(isa) << " M=" << M << " N=" << N << " K=" << K << " trans=" << trans);
            Problem p(M, N, K, trans & 1, trans & 2, 0, unsigned(M * 7 + N * 3 + K));
            p.check(p.run(nullptr));
          }
  }
}

TEST_CASE("sgemm matches the reference on ViT shapes, long K and wide N", "[runtime][gemm]") {
  IsaGuard guard;
  ThreadPool pool(2);
  struct Shape3 {
    int64_t M, N, K;
  };
  const Shape3 shapes[] = {{197, 576, 192}, {197, 192, 768}, {197, 197, 64}, {197, 64, 197},
                           {384, 384, 384}, {13, 1100, 40},  {30, 50, 1000}};
  for (GemmIsa isa : supportedIsas()) {
    setGemmIsa(isa);
    for (const Shape3 &s : shapes)
      for (int trans = 0; trans < 4; ++trans) {
        INFO(gemmIsaName(isa) << " " << s.M << "x" << s.N << "x" << s.K << " trans=" << trans);
        Problem p(s.M, s.N, s.K, trans & 1, trans & 2, 0, 7);
        p.beta = 0.5f;
        p.check(p.run(&pool));
      }
  }
}

TEST_CASE("sgemm applies alpha and beta; beta == 0 ignores NaN in C", "[runtime][gemm]") {
  IsaGuard guard;
  for (GemmIsa isa : supportedIsas()) {
    setGemmIsa(isa);
    for (float alpha : {1.0f, 0.5f, -2.0f})
      for (float beta : {0.0f, 1.0f, 0.25f}) {
        INFO(gemmIsaName(isa) << " alpha=" << alpha << " beta=" << beta);
        Problem p(37, 45, 500, false, false);
        p.alpha = alpha;
        p.beta = beta;
        if (beta == 0.0f)
          std::fill(p.c.begin(), p.c.end(), std::numeric_limits<float>::quiet_NaN());
        p.check(p.run(nullptr));
      }
    // alpha == 0 only scales C (BLAS semantics), K == 0 likewise.
    Problem scaleOnly(5, 6, 7, false, false);
    scaleOnly.alpha = 0.0f;
    scaleOnly.beta = 2.0f;
    std::vector<float> out = scaleOnly.run(nullptr);
    CHECK(out[8] == 2.0f * scaleOnly.c[8]);
    Problem noK(5, 6, 0, false, false, /*pad=*/1);
    noK.beta = 0.0f;
    out = noK.run(nullptr);
    CHECK(out[3] == 0.0f);
    CHECK(out[6] == noK.c[6]); // padding column
  }
}

TEST_CASE("sgemm honours leading dimensions larger than the matrix", "[runtime][gemm]") {
  IsaGuard guard;
  for (GemmIsa isa : supportedIsas()) {
    setGemmIsa(isa);
    for (int trans = 0; trans < 4; ++trans) {
      INFO(gemmIsaName(isa) << " trans=" << trans);
      Problem p(23, 41, 29, trans & 1, trans & 2, /*pad=*/5);
      p.beta = 1.0f;
      p.check(p.run(nullptr));
    }
  }
}

TEST_CASE("sgemm results do not depend on the thread count", "[runtime][gemm][threads]") {
  IsaGuard guard;
  ThreadPool two(2), three(3), five(5);
  struct Shape3 {
    int64_t M, N, K;
  };
  const Shape3 shapes[] = {{197, 576, 192}, {197, 192, 768}, {100, 97, 1000}, {15, 300, 33}};
  for (GemmIsa isa : supportedIsas()) {
    setGemmIsa(isa);
    for (const Shape3 &s : shapes) {
      INFO(gemmIsaName(isa) << " " << s.M << "x" << s.N << "x" << s.K);
      Problem p(s.M, s.N, s.K, false, false);
      p.alpha = 0.75f;
      p.beta = 0.5f;
      std::vector<float> serial = p.run(nullptr);
      for (ThreadPool *pool : {&two, &three, &five})
        CHECK(std::memcmp(serial.data(), p.run(pool).data(), serial.size() * 4) == 0);
    }
  }
}

TEST_CASE("instruction sets agree within fp32 rounding", "[runtime][gemm]") {
  IsaGuard guard;
  Problem p(197, 192, 768, false, false);
  setGemmIsa(GemmIsa::Portable);
  std::vector<float> portable = p.run(nullptr);
  for (GemmIsa isa : supportedIsas()) {
    setGemmIsa(isa);
    std::vector<float> simd = p.run(nullptr);
    double worst = 0;
    for (size_t i = 0; i < simd.size(); ++i)
      worst = std::max(worst, std::fabs(double(simd[i]) - portable[i]));
    INFO(gemmIsaName(isa));
    // Each result is within (K + 4) u S of the truth; S <= K here.
    CHECK(worst <= 2 * (768 + 4) * std::ldexp(1.0, -24) * 768);
  }
}

TEST_CASE("sgemmPacked is bit-identical to sgemm", "[runtime][gemm][packed]") {
  IsaGuard guard;
  ThreadPool two(2);
  const int64_t shapes[][3] = {{197, 576, 192}, {1, 33, 17}, {50, 40, 1000}, {7, 1100, 9}};
  for (GemmIsa isa : supportedIsas()) {
    setGemmIsa(isa);
    for (auto &s : shapes)
      for (bool transA : {false, true})
        for (bool transB : {false, true}) {
          INFO(gemmIsaName(isa) << " " << s[0] << "x" << s[1] << "x" << s[2]);
          Problem p(s[0], s[1], s[2], transA, transB, 3);
          p.beta = 0.5f;
          std::vector<float> want = p.run(nullptr);
          PackedMatrix packed = PackedMatrix::pack(transB, p.K, p.N, p.b.data(), p.ldb);
          CHECK(packed.rows() == p.K);
          CHECK(packed.cols() == p.N);
          for (ThreadPool *pool : {static_cast<ThreadPool *>(nullptr), &two}) {
            std::vector<float> got = p.c;
            sgemmPacked(transA, p.M, p.alpha, p.a.data(), p.lda, packed, p.beta, got.data(), p.ldc,
                        pool);
            CHECK(std::memcmp(want.data(), got.data(), want.size() * 4) == 0);
          }
        }
  }
  // A PackedMatrix keeps its own micro-kernels when the default changes.
  setGemmIsa(supportedIsas().back());
  Problem p(20, 70, 30, false, false);
  std::vector<float> want = p.run(nullptr);
  PackedMatrix packed = PackedMatrix::pack(false, p.K, p.N, p.b.data(), p.ldb);
  setGemmIsa(GemmIsa::Portable);
  std::vector<float> got = p.c;
  sgemmPacked(false, p.M, p.alpha, p.a.data(), p.lda, packed, p.beta, got.data(), p.ldc, nullptr);
  CHECK(std::memcmp(want.data(), got.data(), want.size() * 4) == 0);
}

TEST_CASE("sgemm rejects bad arguments", "[runtime][gemm]") {
  std::vector<float> a(64), b(64), c(64);
  CHECK_THROWS_AS(
      sgemm(false, false, 4, 4, 4, 1, a.data(), 3, b.data(), 4, 0, c.data(), 4, nullptr), Error);
  CHECK_THROWS_AS(sgemm(false, true, 4, 4, 4, 1, a.data(), 4, b.data(), 2, 0, c.data(), 4, nullptr),
                  Error);
  CHECK_THROWS_AS(
      sgemm(false, false, 4, 4, 4, 1, a.data(), 4, b.data(), 4, 0, c.data(), 3, nullptr), Error);
  CHECK_THROWS_AS(
      sgemm(false, false, -1, 4, 4, 1, a.data(), 4, b.data(), 4, 0, c.data(), 4, nullptr), Error);
  CHECK_THROWS_AS(sgemm(false, false, 4, 4, 4, 1, nullptr, 4, b.data(), 4, 0, c.data(), 4, nullptr),
                  Error);
  CHECK_THROWS_AS(PackedMatrix::pack(false, 4, 8, b.data(), 4), Error);
  CHECK_THROWS_WITH(setGemmIsa(static_cast<GemmIsa>(7)), Catch::Contains("does not support"));
}

namespace {

Tensor randomTensor(Shape shape, unsigned seed) {
  Tensor t(DType::F32, shape);
  std::vector<float> values = randomVector(t.numel(), seed);
  std::copy(values.begin(), values.end(), t.data<float>());
  return t;
}

/// out[i][j] of a row-major [M,K] x [K,N] product, in double.
double dotAt(const float *a, const float *b, int64_t K, int64_t N, int64_t i, int64_t j) {
  double sum = 0;
  for (int64_t k = 0; k < K; ++k)
    sum += double(a[i * K + k]) * b[k * N + j];
  return sum;
}

// |err| <= (K + 4) u S with |a|, |b| <= 1, so S <= K.
void checkClose(float got, double want, int64_t K) {
  CHECK(std::fabs(got - want) <= (K + 4) * std::ldexp(1.0, -24) * K);
}

} // namespace

TEST_CASE("matmul promotes 1-d operands like numpy", "[runtime][matmul]") {
  Tensor v = randomTensor({5}, 1), m = randomTensor({5, 3}, 2), w = randomTensor({5}, 3);
  Tensor dot = matmul(v, w, nullptr);
  CHECK(dot.shape() == Shape{});
  checkClose(dot.data<float>()[0], dotAt(v.data<float>(), w.data<float>(), 5, 1, 0, 0), 5);
  Tensor row = matmul(v, m, nullptr);
  REQUIRE(row.shape() == Shape{3});
  for (int64_t j = 0; j < 3; ++j)
    checkClose(row.data<float>()[j], dotAt(v.data<float>(), m.data<float>(), 5, 3, 0, j), 5);
  Tensor batched = randomTensor({2, 4, 5}, 4);
  Tensor col = matmul(batched, w, nullptr);
  REQUIRE(col.shape() == Shape{2, 4});
  for (int64_t i = 0; i < 8; ++i)
    checkClose(col.data<float>()[i], dotAt(batched.data<float>(), w.data<float>(), 5, 1, i, 0), 5);
}

TEST_CASE("matmul broadcasts batch dims and splits attention heads", "[runtime][matmul]") {
  ThreadPool pool(2);
  struct Case {
    Shape a, b, out;
  };
  const Case cases[] = {
      {{1, 3, 197, 64}, {1, 3, 64, 197}, {1, 3, 197, 197}}, // Q x K^T
      {{1, 3, 197, 197}, {1, 3, 197, 64}, {1, 3, 197, 64}}, // P x V
      {{2, 1, 7, 9}, {3, 9, 4}, {2, 3, 7, 4}},
      {{7, 9}, {3, 9, 4}, {3, 7, 4}},
      {{1, 197, 192}, {192, 576}, {1, 197, 576}}, // folds into one product
  };
  for (const Case &c : cases) {
    INFO(shapeToString(c.a) << " x " << shapeToString(c.b));
    Tensor a = randomTensor(c.a, 5), b = randomTensor(c.b, 6);
    Tensor out = matmul(a, b, &pool);
    REQUIRE(out.shape() == c.out);
    Tensor serial = matmul(a, b, nullptr);
    CHECK(std::memcmp(out.raw(), serial.raw(), out.byteSize()) == 0);
    const int64_t M = c.a[c.a.size() - 2], K = c.a.back(), N = c.b.back();
    const int64_t aBatches = a.numel() / (M * K), bBatches = b.numel() / (K * N);
    const int64_t batches = out.numel() / (M * N);
    for (int64_t index = 0; index < batches; ++index) {
      // The cases above broadcast either a leading or a whole batch.
      int64_t aIndex = aBatches == 1 ? 0 : index / (batches / aBatches);
      int64_t bIndex = bBatches == 1 ? 0 : index % bBatches;
      for (int64_t i = 0; i < M; i += 13)
        for (int64_t j = 0; j < N; j += 11)
          checkClose(
              out.data<float>()[(index * M + i) * N + j],
              dotAt(a.data<float>() + aIndex * M * K, b.data<float>() + bIndex * K * N, K, N, i, j),
              K);
    }
  }
}

TEST_CASE("matmul uses a pre-packed right operand bit for bit", "[runtime][matmul][packed]") {
  Tensor a = randomTensor({1, 197, 192}, 7), b = randomTensor({192, 200}, 8);
  PackedMatrix packed = PackedMatrix::pack(false, 192, 200, b.data<float>(), 200);
  Tensor plain = matmul(a, b, nullptr), fast = matmul(a, b, nullptr, &packed);
  CHECK(std::memcmp(plain.raw(), fast.raw(), plain.byteSize()) == 0);
  PackedMatrix wrong = PackedMatrix::pack(false, 100, 200, b.data<float>(), 200);
  CHECK_THROWS_AS(matmul(a, b, nullptr, &wrong), Error);
}

TEST_CASE("matmul rejects mismatched shapes and dtypes", "[runtime][matmul]") {
  CHECK_THROWS_WITH(matmul(randomTensor({2, 3}, 1), randomTensor({4, 5}, 2), nullptr),
                    Catch::Contains("inner dimensions"));
  CHECK_THROWS_WITH(matmul(randomTensor({2, 2, 3}, 1), randomTensor({3, 3, 5}, 2), nullptr),
                    Catch::Contains("broadcast"));
  CHECK_THROWS_AS(matmul(Tensor(DType::I32, {2, 2}), randomTensor({2, 2}, 2), nullptr), Error);
  CHECK_THROWS_AS(matmul(Tensor::scalar(1.0f), randomTensor({2, 2}, 2), nullptr), Error);
}

TEST_CASE("gemm broadcasts C and applies transposes, alpha and beta", "[runtime][gemm-op]") {
  const int64_t M = 6, N = 5, K = 4;
  Tensor a = randomTensor({K, M}, 1), b = randomTensor({N, K}, 2); // both transposed
  GemmAttrs attrs;
  attrs.transA = attrs.transB = true;
  attrs.alpha = 0.5f;
  attrs.beta = 2.0f;
  const Shape cShapes[] = {{}, {N}, {1, N}, {M, 1}, {M, N}};
  for (const Shape &cShape : cShapes) {
    INFO("C " << shapeToString(cShape));
    Tensor c = randomTensor(cShape, 3);
    Tensor y = gemm(a, b, c, attrs, nullptr);
    REQUIRE(y.shape() == Shape{M, N});
    int64_t cRows = cShape.size() == 2 ? cShape[0] : 1, cCols = cShape.empty() ? 1 : cShape.back();
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j) {
        double dot = 0;
        for (int64_t k = 0; k < K; ++k)
          dot += double(a.data<float>()[k * M + i]) * b.data<float>()[j * K + k];
        double cv = c.data<float>()[(cRows == 1 ? 0 : i) * cCols + (cCols == 1 ? 0 : j)];
        CHECK(std::fabs(y.data<float>()[i * N + j] - (0.5 * dot + 2.0 * cv)) <= 1e-5);
      }
  }
  PackedMatrix packed = PackedMatrix::pack(true, K, N, b.data<float>(), K);
  Tensor c = randomTensor({N}, 4);
  Tensor plain = gemm(a, b, c, attrs, nullptr), fast = gemm(a, b, c, attrs, nullptr, &packed);
  CHECK(std::memcmp(plain.raw(), fast.raw(), plain.byteSize()) == 0);
  CHECK_THROWS_WITH(gemm(a, b, randomTensor({M + 1, N}, 5), attrs, nullptr),
                    Catch::Contains("does not broadcast"));
  attrs.transB = false;
  CHECK_THROWS_WITH(gemm(a, b, std::nullopt, attrs, nullptr), Catch::Contains("inner"));
}
