//===- QuantizedMatMulTest.cpp - qmatmul of two activations ---------------===//
//
// qmatmul against a loop written from docs/quantization.md ("Dense ops",
// MatMul of two activations: acc = sum (q_a - z_a)(q_b - z_b), one
// requantisation), bit for bit, on every GEMM instruction set and on 1, 2
// and 3 threads: INT8 and INT16 operands with nonzero zero points,
// transposes, numpy batch broadcasting, 1-d operands, depths that are not
// whole 4-byte words and sizes that leave partial register tiles.
//
//===----------------------------------------------------------------------===//
#include "QuantizedTestSupport.h"

#include <cmath>

using namespace vitc::rt;
using namespace vitc::rt::testing;

namespace {

struct MatMulCase {
  Tensor a, b;
  QuantSpec aSpec, bSpec, output;
  bool transposeA = false, transposeB = false;
  Requant requant;
};

/// Dim i of the batch dims of a (promoted) matrix shape right-aligned to `rank` dims.
int64_t batchDim(const Shape &s, size_t rank, size_t i) {
  const size_t offset = rank - (s.size() - 2);
  return i < offset ? 1 : s[i - offset];
}

/// out[p, m, n] = clamp(z_y + requant(sum_k (a[p', m, k] - z_a)(b[p'', k, n] - z_b))).
Tensor referenceMatMul(const MatMulCase &c) {
  Shape aShape = c.a.shape(), bShape = c.b.shape();
  const bool aVector = aShape.size() == 1, bVector = bShape.size() == 1;
  if (aVector)
    aShape.insert(aShape.begin(), 1);
  if (bVector)
    bShape.push_back(1);
  const size_t ar = aShape.size(), br = bShape.size();
  const int64_t M = c.transposeA ? aShape[ar - 1] : aShape[ar - 2];
  const int64_t K = c.transposeA ? aShape[ar - 2] : aShape[ar - 1];
  const int64_t N = c.transposeB ? bShape[br - 2] : bShape[br - 1];
  const size_t rank = std::max(ar, br) - 2;
  Shape batch(rank);
  for (size_t i = 0; i < rank; ++i)
    batch[i] = std::max(batchDim(aShape, rank, i), batchDim(bShape, rank, i));
  Shape outShape = batch;
  if (!aVector)
    outShape.push_back(M);
  if (!bVector)
    outShape.push_back(N);
  Tensor out(c.output.storage, outShape);
  for (int64_t p = 0; p < numElements(batch); ++p) {
    int64_t rest = p, aIndex = 0, bIndex = 0, aStride = 1, bStride = 1;
    for (size_t i = rank; i-- > 0;) {
      const int64_t index = rest % batch[i];
      rest /= batch[i];
      const int64_t da = batchDim(aShape, rank, i), db = batchDim(bShape, rank, i);
      aIndex += (da == 1 ? 0 : index) * aStride;
      bIndex += (db == 1 ? 0 : index) * bStride;
      aStride *= da;
      bStride *= db;
    }
    for (int64_t m = 0; m < M; ++m)
      for (int64_t n = 0; n < N; ++n) {
        int64_t acc = 0;
        for (int64_t k = 0; k < K; ++k) {
          const int64_t ai = aIndex * M * K + (c.transposeA ? k * M + m : m * K + k);
          const int64_t bi = bIndex * K * N + (c.transposeB ? n * K + k : k * N + n);
          acc += (c.a.intAt(ai) - c.aSpec.zeroPoint) * (c.b.intAt(bi) - c.bSpec.zeroPoint);
        }
        setInt(out, (p * M + m) * N + n, referenceOutput(acc, c.requant, c.output));
      }
  }
  return out;
}

double amplitude(DType type) { return type == DType::I16 ? 32767.0 : 128.0; }

/// Random operands of the given (stored) shapes; the multiplier spreads the
/// accumulators of depth K over about a third of the output range.
MatMulCase makeCase(Shape aShape, DType aType, int32_t za, Shape bShape, DType bType, int32_t zb,
                    int64_t K, DType output, int32_t zy, uint32_t seed) {
  MatMulCase c;
  c.a = randomQuantized(std::move(aShape), aType, seed);
  c.b = randomQuantized(std::move(bShape), bType, seed + 1);
  c.aSpec = spec(aType, za);
  c.bSpec = spec(bType, zb);
  c.output = spec(output, zy);
  c.requant = Requant::fromReal(amplitude(output) /
                                (std::sqrt(double(K)) * amplitude(aType) * amplitude(bType)));
  return c;
}

void checkMatMul(const MatMulCase &c) {
  const Tensor want = referenceMatMul(c);
  // Not all saturated: the test would prove little.
  int64_t inside = 0;
  for (int64_t i = 0; i < want.numel(); ++i)
    inside += want.intAt(i) > c.output.qmin && want.intAt(i) < c.output.qmax;
  CHECK(inside * 2 > want.numel());
  checkEverywhere(want, [&](ThreadPool *pool) {
    return qmatmul(c.a, c.aSpec, c.b, c.bSpec, c.transposeA, c.transposeB, c.output, c.requant,
                   pool);
  });
}

} // namespace

TEST_CASE("qmatmul INT8 x INT8 matches the definition", "[runtime][quantized]") {
  SECTION("nonzero zero points on both sides, partial tiles") {
    checkMatMul(makeCase({13, 40}, DType::I8, -7, {40, 21}, DType::I8, 5, 40, DType::I8, 3, 1));
  }
  SECTION("depth not a whole word") {
    checkMatMul(makeCase({9, 7}, DType::I8, 11, {7, 30}, DType::I8, -3, 7, DType::I8, 0, 3));
    checkMatMul(makeCase({5, 1}, DType::I8, 2, {1, 6}, DType::I8, -1, 1, DType::I8, 1, 5));
  }
  SECTION("attention-like 197 x 64 x 197, k transposed") {
    MatMulCase c =
        makeCase({197, 64}, DType::I8, -2, {197, 64}, DType::I8, 4, 64, DType::I8, -5, 7);
    c.transposeB = true;
    checkMatMul(c);
  }
  SECTION("a transposed, b transposed, both") {
    for (int which = 1; which <= 3; ++which) {
      MatMulCase c = makeCase({2, 35, 19}, DType::I8, 9, {2, 17, 35}, DType::I8, -6, 35, DType::I8,
                              2, 10 + which);
      c.transposeA = which & 1;
      c.transposeB = which & 2;
      if (!c.transposeA)
        c.a = randomQuantized({2, 19, 35}, DType::I8, 20 + which);
      if (!c.transposeB)
        c.b = randomQuantized({2, 35, 17}, DType::I8, 30 + which);
      checkMatMul(c);
    }
  }
}

TEST_CASE("qmatmul with INT16 operands matches the definition", "[runtime][quantized]") {
  SECTION("INT16 x INT8 -> INT16") {
    checkMatMul(
        makeCase({2, 23, 33}, DType::I16, 0, {33, 18}, DType::I8, -4, 33, DType::I16, 0, 41));
  }
  SECTION("INT8 x INT16 -> INT8") {
    checkMatMul(makeCase({23, 12}, DType::I8, 6, {12, 29}, DType::I16, 0, 12, DType::I8, -1, 43));
  }
  SECTION("INT16 x INT16, b transposed, -> INT16") {
    MatMulCase c =
        makeCase({3, 31, 45}, DType::I16, 0, {3, 26, 45}, DType::I16, 0, 45, DType::I16, 0, 45);
    c.transposeB = true;
    checkMatMul(c);
  }
  SECTION("INT16 x INT16 with zero points, a transposed") {
    MatMulCase c =
        makeCase({45, 17}, DType::I16, 100, {45, 9}, DType::I16, -250, 45, DType::I16, 7, 47);
    c.transposeA = true;
    checkMatMul(c);
  }
}

TEST_CASE("qmatmul broadcasts batch dims and promotes 1-d operands", "[runtime][quantized]") {
  SECTION("[2, 3, M, K] x [K, N]") {
    checkMatMul(
        makeCase({2, 3, 11, 20}, DType::I8, -3, {20, 14}, DType::I8, 2, 20, DType::I8, 0, 51));
  }
  SECTION("[1, M, K] x [4, K, N]") {
    checkMatMul(
        makeCase({1, 10, 24}, DType::I8, 1, {4, 24, 9}, DType::I8, -2, 24, DType::I8, 4, 53));
  }
  SECTION("[2, 1, M, K] x [3, K, N]") {
    checkMatMul(
        makeCase({2, 1, 6, 15}, DType::I16, 0, {3, 15, 5}, DType::I8, 3, 15, DType::I8, 0, 55));
  }
  SECTION("[K] x [B, K, N] and [M, K] x [K]") {
    checkMatMul(makeCase({26}, DType::I8, 4, {3, 26, 19}, DType::I8, -5, 26, DType::I8, 0, 57));
    checkMatMul(makeCase({21, 26}, DType::I8, -4, {26}, DType::I8, 5, 26, DType::I8, 0, 59));
  }
  SECTION("[K] x [K] is a scalar") {
    const MatMulCase c = makeCase({37}, DType::I8, 3, {37}, DType::I8, -2, 37, DType::I8, 0, 61);
    const Tensor want = referenceMatMul(c);
    CHECK(want.shape().empty());
    checkEverywhere(want, [&](ThreadPool *pool) {
      return qmatmul(c.a, c.aSpec, c.b, c.bSpec, false, false, c.output, c.requant, pool);
    });
  }
}

TEST_CASE("qmatmul small product by hand", "[runtime][quantized]") {
  // a - z_a = [[1, 2], [3, 4]], b - z_b = [[5, 6], [7, 8]]: [[19, 22], [43, 50]],
  // times 0.5 rounded half away from zero, plus z_y = -1.
  const QuantSpec aSpec = spec(DType::I8, 10), bSpec = spec(DType::I8, -10);
  const QuantSpec out = spec(DType::I8, -1);
  const Tensor a = Tensor::fromVector<int8_t>({2, 2}, {11, 12, 13, 14});
  const Tensor b = Tensor::fromVector<int8_t>({2, 2}, {-5, -4, -3, -2});
  const Tensor y = qmatmul(a, aSpec, b, bSpec, false, false, out, Requant::fromReal(0.5), nullptr);
  CHECK(valuesOf<int8_t>(y) == std::vector<int8_t>{9, 10, 21, 24});
  const Tensor yt = qmatmul(a, aSpec, b, bSpec, true, true, out, Requant::fromReal(0.5), nullptr);
  // aᵀ bᵀ = (b a)ᵀ: b a = [[23, 34], [31, 46]] -> [[23, 31], [34, 46]] / 2.
  CHECK(valuesOf<int8_t>(yt) == std::vector<int8_t>{11, 15, 16, 22});
}

TEST_CASE("qmatmul rejects operands that do not fit", "[runtime][quantized]") {
  const QuantSpec s8 = spec(DType::I8, 0);
  const Requant r = Requant::fromReal(1e-3);
  const Tensor a = randomQuantized({3, 5}, DType::I8, 1), b = randomQuantized({4, 6}, DType::I8, 2);
  CHECK_THROWS_AS(qmatmul(a, s8, b, s8, false, false, s8, r, nullptr), Error);
  CHECK_THROWS_AS(qmatmul(a, s8, b, s8, true, true, s8, r, nullptr), Error);
  const Tensor c = randomQuantized({5, 4}, DType::I8, 3);
  CHECK(qmatmul(a, s8, c, s8, false, false, s8, r, nullptr).shape() == Shape{3, 4});
  CHECK_THROWS_AS(qmatmul(a, s8, c, s8, false, true, s8, r, nullptr), Error);
  const Tensor v = randomQuantized({4}, DType::I8, 4);
  CHECK_THROWS_AS(qmatmul(a, s8, v, s8, false, false, s8, r, nullptr), Error);
  const Tensor a2 = randomQuantized({2, 3, 5}, DType::I8, 5),
               c3 = randomQuantized({3, 5, 4}, DType::I8, 6);
  CHECK_THROWS_AS(qmatmul(a2, s8, c3, s8, false, false, s8, r, nullptr), Error);
  // The operand dtype must match its spec.
  CHECK_THROWS_AS(qmatmul(a, spec(DType::I16, 0), c, s8, false, false, s8, r, nullptr), Error);
}
