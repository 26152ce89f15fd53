//===- GemmBench.cpp - sgemm throughput on the GEMMs of ViT inference -----===//
//
// Times vitc's sgemm (unpacked, and with a pre-packed right-hand side as the
// interpreter uses for weights) on DeiT-Tiny's GEMM shapes, on 1 and 2
// threads, next to oneDNN's dnnl_sgemm when the build found oneDNN. Reports
// GFLOP/s as the "GFLOPS" counter. Usage and recorded numbers: RESULTS.md.
//
//===----------------------------------------------------------------------===//
#include "vitc/rt/kernels/Conv.h"
#include "vitc/rt/kernels/Gemm.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

#if VITC_BENCH_WITH_DNNL
#include <omp.h>
#include <oneapi/dnnl/dnnl.h>
#endif

namespace {

using namespace vitc::rt;

struct GemmCase {
  const char *name;
  int64_t M, N, K;
  bool transB; ///< B stored N x K
};

// DeiT-Tiny, batch 1: 197 tokens, dim 192, 3 heads of 64, MLP 768.
const GemmCase kCases[] = {
    {"qkv", 197, 576, 192, false},
    {"proj", 197, 192, 192, false},
    {"fc1", 197, 768, 192, false},
    {"fc2", 197, 192, 768, false},
    {"attn_qk", 197, 197, 64, false},
    {"attn_pv", 197, 64, 197, false},
    {"patch_embed", 196, 192, 768, false},
    // Q x K^T with K not transposed beforehand: sgemm packs it transposed.
    {"attn_qk_transB", 197, 197, 64, true},
};

struct Operands {
  std::vector<float> a, b, c;
  explicit Operands(const GemmCase &shape) {
    std::mt19937 rng(42);
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    a.resize(shape.M * shape.K);
    b.resize(shape.K * shape.N);
    c.resize(shape.M * shape.N);
    for (float &v : a)
      v = dist(rng);
    for (float &v : b)
      v = dist(rng);
  }
};

ThreadPool *poolFor(int threads) {
  static ThreadPool two(2);
  return threads == 1 ? nullptr : &two;
}

void setFlops(benchmark::State &state, const GemmCase &shape) {
  state.counters["GFLOPS"] = benchmark::Counter(2.0 * shape.M * shape.N * shape.K * 1e-9,
                                                benchmark::Counter::kIsIterationInvariantRate);
}

void vitcSgemm(benchmark::State &state, GemmCase shape, int threads) {
  Operands ops(shape);
  int64_t ldb = shape.transB ? shape.K : shape.N;
  for (auto _ : state)
    sgemm(false, shape.transB, shape.M, shape.N, shape.K, 1.0f, ops.a.data(), shape.K, ops.b.data(),
          ldb, 0.0f, ops.c.data(), shape.N, poolFor(threads));
  setFlops(state, shape);
}

void vitcSgemmPacked(benchmark::State &state, GemmCase shape, int threads) {
  Operands ops(shape);
  int64_t ldb = shape.transB ? shape.K : shape.N;
  PackedMatrix packed = PackedMatrix::pack(shape.transB, shape.K, shape.N, ops.b.data(), ldb);
  for (auto _ : state)
    sgemmPacked(false, shape.M, 1.0f, ops.a.data(), shape.K, packed, 0.0f, ops.c.data(), shape.N,
                poolFor(threads));
  setFlops(state, shape);
}

/// Attention's batched products as the interpreter runs them: one matmul
/// over [1, 3, 197, d] x [1, 3, d, 197'] (all heads split over the pool).
struct HeadsCase {
  const char *name;
  int64_t heads, M, N, K;
};
const HeadsCase kHeadsCases[] = {{"attn_qk_3heads", 3, 197, 197, 64},
                                 {"attn_pv_3heads", 3, 197, 64, 197}};

Tensor filledTensor(Shape shape) {
  Tensor t(DType::F32, std::move(shape));
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (int64_t i = 0; i < t.numel(); ++i)
    t.data<float>()[i] = dist(rng);
  return t;
}

void setHeadsFlops(benchmark::State &state, const HeadsCase &c) {
  state.counters["GFLOPS"] = benchmark::Counter(2.0 * c.heads * c.M * c.N * c.K * 1e-9,
                                                benchmark::Counter::kIsIterationInvariantRate);
}

void vitcMatmulHeads(benchmark::State &state, HeadsCase c, int threads) {
  Tensor a = filledTensor({1, c.heads, c.M, c.K}), b = filledTensor({1, c.heads, c.K, c.N});
  for (auto _ : state)
    benchmark::DoNotOptimize(matmul(a, b, poolFor(threads)));
  setHeadsFlops(state, c);
}

/// Every GEMM-shaped op of one DeiT-Tiny inference (batch 1): the patch
/// embedding conv, then 12 blocks of qkv, Q x K^T and P x V over 3 heads,
/// proj, fc1 and fc2, with the weights pre-packed as the interpreter does.
/// The elementwise ops in between are not included.
void vitcDeitGemms(benchmark::State &state, int threads) {
  Tensor image = filledTensor({1, 3, 224, 224}), patchW = filledTensor({192, 3, 16, 16});
  Tensor x = filledTensor({1, 197, 192}), h = filledTensor({1, 197, 768});
  Tensor q = filledTensor({1, 3, 197, 64}), kT = filledTensor({1, 3, 64, 197});
  Tensor p = filledTensor({1, 3, 197, 197}), v = filledTensor({1, 3, 197, 64});
  Tensor wQkv = filledTensor({192, 576}), wProj = filledTensor({192, 192});
  Tensor w1 = filledTensor({192, 768}), w2 = filledTensor({768, 192});
  auto packed = [](const Tensor &w) {
    return PackedMatrix::pack(false, w.dim(0), w.dim(1), w.data<float>(), w.dim(1));
  };
  PackedMatrix pQkv = packed(wQkv), pProj = packed(wProj), p1 = packed(w1), p2 = packed(w2);
  ConvAttrs patch;
  patch.window.strides = {16, 16};
  ThreadPool *pool = poolFor(threads);
  for (auto _ : state) {
    benchmark::DoNotOptimize(conv(image, patchW, std::nullopt, patch, pool));
    for (int block = 0; block < 12; ++block) {
      benchmark::DoNotOptimize(matmul(x, wQkv, pool, &pQkv));
      benchmark::DoNotOptimize(matmul(q, kT, pool));
      benchmark::DoNotOptimize(matmul(p, v, pool));
      benchmark::DoNotOptimize(matmul(x, wProj, pool, &pProj));
      benchmark::DoNotOptimize(matmul(x, w1, pool, &p1));
      benchmark::DoNotOptimize(matmul(h, w2, pool, &p2));
    }
  }
}

#if VITC_BENCH_WITH_DNNL
void dnnlHeads(benchmark::State &state, HeadsCase c, int threads) {
  Tensor a = filledTensor({c.heads, c.M, c.K}), b = filledTensor({c.heads, c.K, c.N});
  Tensor out(DType::F32, {c.heads, c.M, c.N});
  omp_set_num_threads(threads);
  for (auto _ : state)
    for (int64_t h = 0; h < c.heads; ++h)
      dnnl_sgemm('N', 'N', c.M, c.N, c.K, 1.0f, a.data<float>() + h * c.M * c.K, c.K,
                 b.data<float>() + h * c.K * c.N, c.N, 0.0f, out.data<float>() + h * c.M * c.N,
                 c.N);
  setHeadsFlops(state, c);
}

/// The same GEMMs through dnnl_sgemm (the patch embedding as a plain
/// [196 x 768] x [768 x 192] product, without im2col; heads one by one).
void dnnlDeitGemms(benchmark::State &state, int threads) {
  struct Product {
    int64_t M, N, K, count;
  };
  const Product block[] = {{197, 576, 192, 1}, {197, 197, 64, 3},  {197, 64, 197, 3},
                           {197, 192, 192, 1}, {197, 768, 192, 1}, {197, 192, 768, 1}};
  std::vector<float> a = filledTensor({197 * 768}).toFloatVector(), b = a;
  std::vector<float> c(197 * 768);
  omp_set_num_threads(threads);
  auto run = [&](const Product &pr) {
    for (int64_t i = 0; i < pr.count; ++i)
      dnnl_sgemm('N', 'N', pr.M, pr.N, pr.K, 1.0f, a.data(), pr.K, b.data(), pr.N, 0.0f, c.data(),
                 pr.N);
  };
  for (auto _ : state) {
    run({196, 192, 768, 1});
    for (int i = 0; i < 12; ++i)
      for (const Product &pr : block)
        run(pr);
  }
}

void dnnlSgemm(benchmark::State &state, GemmCase shape, int threads) {
  Operands ops(shape);
  int64_t ldb = shape.transB ? shape.K : shape.N;
  omp_set_num_threads(threads);
  for (auto _ : state)
    dnnl_sgemm('N', shape.transB ? 'T' : 'N', shape.M, shape.N, shape.K, 1.0f, ops.a.data(),
               shape.K, ops.b.data(), ldb, 0.0f, ops.c.data(), shape.N);
  setFlops(state, shape);
}
#endif

/// Real time (the pool's threads work while the caller waits). With
/// --benchmark_repetitions, the "min" aggregate row holds the best
/// repetition's time and the "max" row its GFLOPS: on a shared machine the
/// least disturbed run is the closest to the kernel's own speed.
void configure(benchmark::internal::Benchmark *bench) {
  bench->UseRealTime()
      ->ComputeStatistics("min",
                          [](const std::vector<double> &values) {
                            return *std::min_element(values.begin(), values.end());
                          })
      ->ComputeStatistics("max", [](const std::vector<double> &values) {
        return *std::max_element(values.begin(), values.end());
      });
}

void registerAll() {
  for (const GemmCase &shape : kCases) {
    std::string dims = std::string(shape.name) + "/" + std::to_string(shape.M) + "x" +
                       std::to_string(shape.N) + "x" + std::to_string(shape.K);
    for (int threads : {1, 2}) {
      std::string suffix = dims + "/threads:" + std::to_string(threads);
      configure(benchmark::RegisterBenchmark(("vitc_sgemm/" + suffix).c_str(), vitcSgemm, shape,
                                             threads));
      if (!shape.transB)
        configure(benchmark::RegisterBenchmark(("vitc_packed/" + suffix).c_str(), vitcSgemmPacked,
                                               shape, threads));
#if VITC_BENCH_WITH_DNNL
      configure(benchmark::RegisterBenchmark(("dnnl_sgemm/" + suffix).c_str(), dnnlSgemm, shape,
                                             threads));
#endif
    }
  }
  for (const HeadsCase &c : kHeadsCases)
    for (int threads : {1, 2}) {
      std::string suffix = std::string(c.name) + "/threads:" + std::to_string(threads);
      configure(benchmark::RegisterBenchmark(("vitc_matmul/" + suffix).c_str(), vitcMatmulHeads, c,
                                             threads));
#if VITC_BENCH_WITH_DNNL
      configure(
          benchmark::RegisterBenchmark(("dnnl_per_head/" + suffix).c_str(), dnnlHeads, c, threads));
#endif
    }
  for (int threads : {1, 2}) {
    std::string suffix = "deit_tiny_gemms/threads:" + std::to_string(threads);
    configure(benchmark::RegisterBenchmark(("vitc/" + suffix).c_str(), vitcDeitGemms, threads));
#if VITC_BENCH_WITH_DNNL
    configure(benchmark::RegisterBenchmark(("dnnl/" + suffix).c_str(), dnnlDeitGemms, threads));
#endif
  }
}

} // namespace

int main(int argc, char **argv) {
  registerAll();
  benchmark::AddCustomContext("vitc_gemm_isa", gemmIsaName(gemmIsa()));
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
