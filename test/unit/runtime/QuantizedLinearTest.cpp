//===- QuantizedLinearTest.cpp - qlinear and QPackedWeights ---------------===//
//
// qlinear against a triple loop written from docs/quantization.md ("Dense
// ops"), bit for bit, on every GEMM instruction set and on 1, 2 and 3
// threads: INT8 and INT16 inputs, negative and positive zero points,
// per-channel and single multipliers, an all-zero weight channel, depths
// that are and are not whole 4-byte words, and partial register tiles.
//
//===----------------------------------------------------------------------===//
#include "QuantizedTestSupport.h"

using namespace vitc::rt;
using namespace vitc::rt::testing;

namespace {

struct LinearCase {
  Tensor x, weight;
  std::optional<Tensor> bias;
  QDenseParams params;
};

/// y[m, n] = clamp(z_y + requant(b[n] + sum_k (x[m, k] - z_x) w[n, k]), ...).
Tensor referenceLinear(const LinearCase &c) {
  const int64_t K = c.weight.dim(1), N = c.weight.dim(0), M = c.x.numel() / K;
  Shape shape = c.x.shape();
  shape.back() = N;
  Tensor y(c.params.output.storage, shape);
  for (int64_t m = 0; m < M; ++m)
    for (int64_t n = 0; n < N; ++n) {
      int64_t acc = c.bias ? c.bias->intAt(n) : 0;
      for (int64_t k = 0; k < K; ++k)
        acc += (c.x.intAt(m * K + k) - c.params.input.zeroPoint) * c.weight.intAt(n * K + k);
      const Requant r = c.params.requant[c.params.requant.size() == 1 ? 0 : n];
      const int32_t q = referenceOutput(acc, r, c.params.output);
      if (y.dtype() == DType::I8)
        y.data<int8_t>()[m * N + n] = static_cast<int8_t>(q);
      else if (y.dtype() == DType::I16)
        y.data<int16_t>()[m * N + n] = static_cast<int16_t>(q);
      else
        y.data<uint8_t>()[m * N + n] = static_cast<uint8_t>(q);
    }
  return y;
}

LinearCase makeCase(Shape xShape, int64_t N, DType input, int32_t zx, DType output, int32_t zy,
                    double mLo, double mHi, bool perChannel, uint32_t seed) {
  LinearCase c;
  const int64_t K = xShape.back();
  c.x = randomQuantized(xShape, input, seed);
  c.weight = randomInts({N, K}, DType::I8, -127, 127, seed + 1);
  if (N > 2) // an all-zero channel (its scale is 1, its multiplier anything)
    for (int64_t k = 0; k < K; ++k)
      c.weight.data<int8_t>()[2 * K + k] = 0;
  c.bias = randomInts({N}, DType::I32, -40000, 40000, seed + 2);
  c.params.input = spec(input, zx);
  c.params.output = spec(output, zy);
  c.params.requant = requants(perChannel ? N : 1, mLo, mHi, seed + 3);
  return c;
}

void checkLinear(const LinearCase &c) {
  const Tensor want = referenceLinear(c);
  checkEverywhere(want, [&](ThreadPool *pool) {
    return qlinear(c.x, c.weight, c.bias, c.params, pool);
  });
  // Pre-packed weights give the same bits (packed for the default ISA).
  const QPackedWeights packed = QPackedWeights::pack(c.weight, c.x.dtype());
  checkSame(qlinear(c.x, packed, c.bias, c.params, nullptr), want);
}

} // namespace

TEST_CASE("qlinear INT8 matches the definition", "[runtime][quantized]") {
  SECTION("depth not a whole word, negative zero point, partial tiles") {
    checkLinear(makeCase({37, 67}, 45, DType::I8, -5, DType::I8, 3, 3e-4, 3e-3, true, 1));
  }
  SECTION("whole words, positive zero point, rank 3") {
    checkLinear(makeCase({2, 29, 96}, 70, DType::I8, 7, DType::I8, -4, 2e-4, 2e-3, true, 11));
  }
  SECTION("one multiplier for all channels, INT16 output") {
    checkLinear(makeCase({19, 64}, 33, DType::I8, 0, DType::I16, 0, 0.05, 0.2, false, 21));
  }
  SECTION("DeiT-Tiny qkv shape") {
    checkLinear(makeCase({197, 192}, 576, DType::I8, -17, DType::I8, 2, 1e-4, 1e-3, true, 31));
  }
  SECTION("saturating multipliers and m >= 1") {
    checkLinear(makeCase({5, 12}, 9, DType::I8, 100, DType::I8, -100, 0.5, 40.0, true, 41));
  }
}

TEST_CASE("qlinear INT16 matches the definition", "[runtime][quantized]") {
  SECTION("depth beyond one 256-deep block, INT16 output") {
    checkLinear(makeCase({23, 300}, 37, DType::I16, 0, DType::I16, 0, 2e-4, 2e-3, true, 51));
  }
  SECTION("odd depth, nonzero zero point, INT8 output") {
    checkLinear(makeCase({2, 7, 45}, 20, DType::I16, -300, DType::I8, 5, 1e-6, 1e-5, true, 61));
  }
}

TEST_CASE("qlinear handles empty and degenerate shapes", "[runtime][quantized]") {
  // K = 0: every output is the requantised bias.
  LinearCase c = makeCase({3, 0}, 4, DType::I8, 3, DType::I8, 0, 0.001, 0.002, false, 71);
  c.bias = Tensor::fromVector<int32_t>({4}, {1000, -1000, 250, 0});
  c.params.requant = {Requant::fromReal(0.01)};
  const Tensor y = qlinear(c.x, c.weight, c.bias, c.params, nullptr);
  CHECK(valuesOf<int8_t>(y) == std::vector<int8_t>{10, -10, 3, 0, 10, -10, 3, 0, 10, -10, 3, 0});
  // M = 0.
  LinearCase none = makeCase({0, 8}, 4, DType::I8, 0, DType::I8, 0, 0.01, 0.02, false, 72);
  CHECK(qlinear(none.x, none.weight, none.bias, none.params, nullptr).shape() == Shape{0, 4});
}

TEST_CASE("qlinear rejects mismatched operands", "[runtime][quantized]") {
  LinearCase c = makeCase({4, 16}, 8, DType::I8, 0, DType::I8, 0, 0.01, 0.02, true, 81);
  auto run = [&](const LinearCase &v) { return qlinear(v.x, v.weight, v.bias, v.params, nullptr); };
  LinearCase wrongInput = c;
  wrongInput.params.input.storage = DType::I16;
  CHECK_THROWS_WITH(run(wrongInput), Catch::Contains("expected a i16 tensor, got i8"));
  LinearCase wrongDepth = c;
  wrongDepth.weight = randomInts({8, 15}, DType::I8, -1, 1, 1);
  CHECK_THROWS_WITH(run(wrongDepth), Catch::Contains("does not end in K=15"));
  LinearCase wrongRequant = c;
  wrongRequant.params.requant.resize(3);
  CHECK_THROWS_WITH(run(wrongRequant), Catch::Contains("3 requantisation multipliers for 8"));
  LinearCase wrongBias = c;
  wrongBias.bias = Tensor(DType::I32, {7});
  CHECK_THROWS_WITH(run(wrongBias), Catch::Contains("bias must be i32 [8]"));
  LinearCase floatWeight = c;
  floatWeight.weight = Tensor(DType::F32, {8, 16});
  CHECK_THROWS_WITH(run(floatWeight), Catch::Contains("weights must be i8"));
  const QPackedWeights packed16 = QPackedWeights::pack(c.weight, DType::I16);
  CHECK_THROWS_WITH(qlinear(c.x, packed16, c.bias, c.params, nullptr),
                    Catch::Contains("packed for i16 activations, the input is i8"));
}
