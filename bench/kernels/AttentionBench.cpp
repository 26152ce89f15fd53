//===- AttentionBench.cpp - Fused attention vs the ops it replaces --------===//
//
// Times one multi-head attention as the unfused graph runs it -- from the
// packed qkv projection output [B, N, 3C]: Transpose (2, 0, 3, 1, 4), Split,
// kᵀ Transpose, MatMul, Mul(scale), (Add bias,) Softmax, MatMul, Transpose
// (0, 2, 1, 3) -- next to vit.attention's kernel on the token-major q, k, v
// that vit-fuse-attention gives it (the three projections cost the same
// GEMM work as the packed one and are timed by neither). Shapes: DeiT-Tiny,
// DeiT-Small (batch 1) and Swin stage 1 (16 windows of 49 tokens, 2 heads,
// with the [1, 2, 49, 49] relative position bias). Results: RESULTS.md.
//
//===----------------------------------------------------------------------===//
#include "vitc/rt/kernels/Attention.h"
#include "vitc/rt/kernels/DataMovement.h"
#include "vitc/rt/kernels/Elementwise.h"
#include "vitc/rt/kernels/Gemm.h"
#include "vitc/rt/kernels/Normalization.h"

#include <benchmark/benchmark.h>

#include <random>
#include <string>

namespace {

using namespace vitc::rt;

struct AttentionCase {
  const char *name;
  int64_t batch, tokens, heads, headDim;
  bool bias;
};
const AttentionCase kCases[] = {{"deit_tiny", 1, 197, 3, 64, false},
                                {"deit_small", 1, 197, 6, 64, false},
                                {"swin_stage1", 16, 49, 2, 32, true}};

Tensor filledTensor(Shape shape, uint32_t seed) {
  Tensor t(DType::F32, std::move(shape));
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (int64_t i = 0; i < t.numel(); ++i)
    t.data<float>()[i] = dist(rng);
  return t;
}

ThreadPool *poolFor(int threads) {
  static ThreadPool two(2);
  return threads == 1 ? nullptr : &two;
}

void unfused(benchmark::State &state, AttentionCase c, int threads) {
  const int64_t channels = c.heads * c.headDim;
  Tensor qkv = filledTensor({c.batch, c.tokens, 3 * channels}, 1);
  Tensor bias = filledTensor({1, c.heads, c.tokens, c.tokens}, 2);
  Tensor scale = Tensor::scalar(0.125f);
  const Shape heads{c.batch, c.heads, c.tokens, c.headDim};
  ThreadPool *pool = poolFor(threads);
  for (auto _ : state) {
    Tensor packed =
        transpose(qkv.reshaped({c.batch, c.tokens, 3, c.heads, c.headDim}), {2, 0, 3, 1, 4}, pool);
    std::vector<Tensor> parts = split(packed, 0, {}, 3);
    Tensor kT = transpose(parts[1].reshaped(heads), {0, 1, 3, 2}, pool);
    Tensor scores = binary(BinaryOp::Mul, matmul(parts[0].reshaped(heads), kT, pool), scale, pool);
    if (c.bias)
      scores = binary(BinaryOp::Add, scores, bias, pool);
    Tensor merged = transpose(matmul(softmax(scores, -1, pool), parts[2].reshaped(heads), pool),
                              {0, 2, 1, 3}, pool);
    benchmark::DoNotOptimize(merged.reshaped({c.batch, c.tokens, channels}));
  }
}

void fused(benchmark::State &state, AttentionCase c, int threads) {
  const int64_t channels = c.heads * c.headDim;
  Tensor q = filledTensor({c.batch, c.tokens, channels}, 3);
  Tensor k = filledTensor({c.batch, c.tokens, channels}, 4);
  Tensor v = filledTensor({c.batch, c.tokens, channels}, 5);
  std::optional<Tensor> bias;
  if (c.bias)
    bias = filledTensor({1, c.heads, c.tokens, c.tokens}, 2);
  for (auto _ : state)
    benchmark::DoNotOptimize(attention(q, k, v, bias, {c.heads, 0.125f}, poolFor(threads)));
}

/// Registered at static initialisation, as the BENCHMARK macro does; real
/// time, since the pool's threads work while the caller waits.
const bool kRegistered = [] {
  for (const AttentionCase &c : kCases)
    for (int threads : {1, 2}) {
      std::string suffix = std::string(c.name) + "/threads:" + std::to_string(threads);
      benchmark::RegisterBenchmark(("attention_unfused/" + suffix).c_str(), unfused, c, threads)
          ->Unit(benchmark::kMicrosecond)
          ->UseRealTime();
      benchmark::RegisterBenchmark(("attention_fused/" + suffix).c_str(), fused, c, threads)
          ->Unit(benchmark::kMicrosecond)
          ->UseRealTime();
    }
  return true;
}();

} // namespace

BENCHMARK_MAIN();
