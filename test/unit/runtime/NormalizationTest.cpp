//===- NormalizationTest.cpp - Softmax, LogSoftmax, LayerNorm, BatchNorm --===//
//
// Expected values come from the ONNX 1.12 node tests (softmax.py,
// logsoftmax.py) and from running layernormalization.py's
// reference _layer_normalization in numpy. f32 tolerances are 1e-6 relative
// (a few ulp: the kernels sum in a different order than numpy).
//
//===----------------------------------------------------------------------===//
#include "vitc/rt/kernels/Normalization.h"

#include "TestTensors.h"

#include <catch2/catch.hpp>

#include <cmath>

using namespace vitc::rt;
using namespace vitc::rt::testing;

TEST_CASE("Softmax follows test_softmax_*", "[runtime][normalization]") {
  // test_softmax_example.
  checkNear(softmax(Tensor::fromVector<float>({1, 3}, {-1, 0, 1}), 1, nullptr),
            {0.09003058f, 0.24472848f, 0.66524094f});
  // test_softmax_axis: max subtraction keeps 10000 + k finite.
  const Tensor x = Tensor::fromVector<float>({2, 4}, {0, 1, 2, 3, 10000, 10001, 10002, 10003});
  const std::vector<float> row = {0.032058604f, 0.08714432f, 0.23688284f, 0.6439143f};
  std::vector<float> both = row;
  both.insert(both.end(), row.begin(), row.end());
  checkNear(softmax(x, -1, nullptr), both);
  // A middle axis (inner > 1): numpy on arange(24).reshape(2,3,4) * 0.3, axis 1.
  const Tensor y = softmax(iota({2, 3, 4}, 0.0f, 0.3f), 1, nullptr);
  for (int i = 0; i < 4; ++i) {
    CHECK(y.data<float>()[i] == Approx(0.06517505f).epsilon(1e-6));
    CHECK(y.data<float>()[4 + i] == Approx(0.2163888f).epsilon(1e-6));
  }
  CHECK_THROWS_AS(softmax(x, 2, nullptr), Error);
  CHECK_THROWS_AS(softmax(Tensor::scalar<int32_t>(1), 0, nullptr), Error);
}

TEST_CASE("Softmax on attention-shaped input is exact per row and thread-independent",
          "[runtime][normalization]") {
  const Tensor x = iota({1, 3, 197, 197}, -20.0f, 0.00037f);
  ThreadPool pool(3);
  const Tensor serial = softmax(x, -1, nullptr);
  const Tensor parallel = softmax(x, -1, &pool);
  REQUIRE(std::equal(serial.data<float>(), serial.data<float>() + serial.numel(),
                     parallel.data<float>()));
  // Every row sums to 1 and matches a double-precision softmax.
  for (int64_t r = 0; r < 3 * 197; r += 37) {
    const float *in = x.data<float>() + r * 197;
    const float *out = serial.data<float>() + r * 197;
    double m = in[0], sum = 0, total = 0;
    for (int i = 0; i < 197; ++i)
      m = std::max<double>(m, in[i]);
    for (int i = 0; i < 197; ++i)
      sum += std::exp(in[i] - m);
    for (int i = 0; i < 197; ++i) {
      CHECK(out[i] == Approx(std::exp(in[i] - m) / sum).epsilon(1e-6));
      total += out[i];
    }
    CHECK(total == Approx(1.0).epsilon(1e-6));
  }
}

TEST_CASE("LogSoftmax follows test_logsoftmax_*", "[runtime][normalization]") {
  // test_logsoftmax_example_1.
  checkNear(logSoftmax(Tensor::fromVector<float>({1, 3}, {-1, 0, 1}), -1, nullptr),
            {-2.4076061f, -1.407606f, -0.4076059f});
  const Tensor x = Tensor::fromVector<float>({2, 4}, {0, 1, 2, 3, 10000, 10001, 10002, 10003});
  checkNear(logSoftmax(x, 1, nullptr), {-3.4401896f, -2.4401896f, -1.4401896f, -0.44018966f,
                                        -3.4401896f, -2.4401896f, -1.4401896f, -0.44018966f});
}

TEST_CASE("LayerNorm matches the ONNX reference", "[runtime][normalization]") {
  const Tensor x = Tensor::fromVector<float>({2, 4}, {1, 2, 3, 4, 2, -1, 0.5f, 7});
  const Tensor scale = Tensor::fromVector<float>({4}, {1, 0.5f, 2, -1});
  const Tensor bias = Tensor::fromVector<float>({4}, {0, 1, 0, 0.25f});
  // numpy _layer_normalization(x, scale, bias, axis=-1, epsilon=1e-5).
  const std::vector<float> expected = {-1.3416355f,  0.77639407f, 0.89442366f, -1.0916355f,
                                       -0.04155856f, 0.48051798f, -1.0805225f, -1.3707838f};
  checkNear(layerNorm(x, scale, bias, -1, 1e-5f, nullptr), expected, 1e-5);
  checkNear(layerNorm(x, scale, bias, 1, 1e-5f, nullptr), expected, 1e-5);
  // No bias: the same minus the bias.
  const Tensor noBias = layerNorm(x, scale, std::nullopt, -1, 1e-5f, nullptr);
  CHECK(noBias.data<float>()[1] == Approx(expected[1] - 1.0f).epsilon(1e-5));
  // axis 1 of [2, 3, 4] with a [3, 1] scale broadcast over the last dim,
  // epsilon 0.1 (reference run with the scale expanded to [3, 4]).
  const Tensor y =
      layerNorm(iota({2, 3, 4}, -3.0f, 0.5f), Tensor::fromVector<float>({3, 1}, {1, 2, 0.5f}),
                std::nullopt, 1, 0.1f, nullptr);
  // Both batches are shifted copies, so they normalise alike.
  const std::vector<float> batch = {-1.5671699f, -1.2822299f,  -0.9972899f, -0.71234995f,
                                    -0.8548199f, -0.28493997f, 0.28493997f, 0.8548199f,
                                    0.35617498f, 0.49864495f,  0.64111495f, 0.78358495f};
  std::vector<float> both = batch;
  both.insert(both.end(), batch.begin(), batch.end());
  checkNear(y, both, 1e-5);
  CHECK_THROWS_AS(
      layerNorm(x, Tensor::fromVector<float>({3}, {1, 1, 1}), std::nullopt, -1, 1e-5f, nullptr),
      Error);
  CHECK_THROWS_AS(layerNorm(x, scale, std::nullopt, 2, 1e-5f, nullptr), Error);
}

TEST_CASE("LayerNorm is thread-independent on a ViT-sized input", "[runtime][normalization]") {
  const Tensor x = iota({4, 197, 192}, -7.0f, 0.0001f);
  const Tensor scale = iota({192}, 0.5f, 0.01f), bias = iota({192}, -1.0f, 0.02f);
  ThreadPool pool(2);
  const Tensor a = layerNorm(x, scale, bias, -1, 1e-6f, nullptr);
  const Tensor b = layerNorm(x, scale, bias, -1, 1e-6f, &pool);
  CHECK(std::equal(a.data<float>(), a.data<float>() + a.numel(), b.data<float>()));
}

TEST_CASE("BatchNorm in inference mode normalises per channel", "[runtime][normalization]") {
  // x [1, 2, 1, 3]; y = (x - mean) / sqrt(var + eps) * scale + bias per channel.
  const Tensor x = Tensor::fromVector<float>({1, 2, 1, 3}, {-1, 0, 1, 2, 3, 4});
  const Tensor s = Tensor::fromVector<float>({2}, {1.0f, 1.5f});
  const Tensor b = Tensor::fromVector<float>({2}, {0, 1});
  const Tensor mean = Tensor::fromVector<float>({2}, {0, 3});
  const Tensor var = Tensor::fromVector<float>({2}, {1, 1.5f});
  // numpy: [-0.999995, 0, 0.999995, -0.22474074, 1, 2.2247407]
  checkNear(batchNorm(x, s, b, mean, var, 1e-5f, nullptr),
            {-0.999995f, 0.0f, 0.999995f, -0.22474074f, 1.0f, 2.2247407f});
  CHECK_THROWS_AS(
      batchNorm(x, Tensor::fromVector<float>({3}, {1, 1, 1}), b, mean, var, 1e-5f, nullptr), Error);
  CHECK_THROWS_AS(
      batchNorm(Tensor::fromVector<float>({2}, {1, 2}), s, b, mean, var, 1e-5f, nullptr), Error);
}
