//===- GemmMicroKernels.cpp - sgemm micro-kernels and ISA dispatch --------===//
//
// Three micro-kernel families (see GemmMicroKernels.h for the contract):
//
//   avx512  14 x 32 tile: 28 zmm accumulators, B rows loaded as two zmm,
//           A elements broadcast; a 14 x 16 variant for narrow last panels.
//   avx2     6 x 16 tile: 12 ymm accumulators (the classic Haswell shape).
//   portable 4 x 8 tile in plain C++ (multiply, then add), for other CPUs
//           and as the cross-check of the SIMD kernels in the tests.
//
// The x86 kernels use FMA intrinsics explicitly; the project otherwise
// builds with -ffp-contract=off, so the portable kernel rounds twice per
// step and agrees with the others within fp32 rounding only.
//
// The instruction set is chosen once, on first use, from the CPU (or from
// VITC_GEMM_ISA), and can be switched with setGemmIsa.
//
//===----------------------------------------------------------------------===//
#include "GemmMicroKernels.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <string>
#include <utility>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace vitc::rt {
namespace blas {
namespace {

/// Writes one finished accumulator value with the alpha/beta epilogue.
inline float epilogue(float acc, float old, float alpha, float beta) {
  float scaled = alpha == 1.0f ? acc : alpha * acc;
  if (beta == 0.0f)
    return scaled;
  return scaled + (beta == 1.0f ? old : beta * old);
}

constexpr int kPortableNR = 8;

/// Element (i, k) of op(A): A is read in place, no packing.
template <bool TransA> inline const float *aAt(const float *a, int64_t lda, int i, int64_t k) {
  return TransA ? a + k * lda + i : a + i * lda + k;
}

template <int M, bool TransA>
void portableKernel(int64_t kc, const float *a, int64_t lda, const float *bp, float *c, int64_t ldc,
                    int64_t n, float alpha, float beta) {
  float acc[M][kPortableNR] = {};
  for (int64_t k = 0; k < kc; ++k) {
    const float *bRow = bp + k * kPortableNR;
    for (int i = 0; i < M; ++i) {
      float aValue = *aAt<TransA>(a, lda, i, k);
      // Kept as a loop so that it is what the compiler vectorises; fully
      // unrolled, GCC -O3 vectorises the k loop as in-order reductions
      // instead, which is ten times slower.
#pragma GCC unroll 1
      for (int j = 0; j < kPortableNR; ++j)
        acc[i][j] += aValue * bRow[j];
    }
  }
  for (int i = 0; i < M; ++i)
    for (int64_t j = 0; j < n; ++j)
      c[i * ldc + j] = epilogue(acc[i][j], beta == 0.0f ? 0.0f : c[i * ldc + j], alpha, beta);
}

#if defined(__x86_64__)

/// NV zmm columns per row: NV = 2 is the 14 x 32 kernel, NV = 1 serves the
/// last panel of a matrix when at most 16 of its columns are used. The
/// packed panel is 32 wide either way.
template <int M, int NV, bool TransA>
__attribute__((target("avx512f"))) void avx512Kernel(int64_t kc, const float *a, int64_t lda,
                                                     const float *bp, float *c, int64_t ldc,
                                                     int64_t n, float alpha, float beta) {
  __m512 acc[M][NV];
#pragma GCC unroll 16
  for (int i = 0; i < M; ++i)
#pragma GCC unroll 2
    for (int v = 0; v < NV; ++v)
      acc[i][v] = _mm512_setzero_ps();
  for (int64_t k = 0; k < kc; ++k) {
    __m512 b[NV];
#pragma GCC unroll 2
    for (int v = 0; v < NV; ++v)
      b[v] = _mm512_load_ps(bp + 16 * v);
#pragma GCC unroll 16
    for (int i = 0; i < M; ++i) {
      __m512 aValue = _mm512_set1_ps(*aAt<TransA>(a, lda, i, k));
#pragma GCC unroll 2
      for (int v = 0; v < NV; ++v)
        acc[i][v] = _mm512_fmadd_ps(aValue, b[v], acc[i][v]);
    }
    bp += 32;
  }
  __mmask16 mask[NV];
#pragma GCC unroll 2
  for (int v = 0; v < NV; ++v) {
    int64_t width = std::min<int64_t>(16, std::max<int64_t>(0, n - 16 * v));
    mask[v] = static_cast<__mmask16>((1u << width) - 1);
  }
  const __m512 alphaV = _mm512_set1_ps(alpha), betaV = _mm512_set1_ps(beta);
#pragma GCC unroll 16
  for (int i = 0; i < M; ++i) {
#pragma GCC unroll 2
    for (int v = 0; v < NV; ++v) {
      float *out = c + i * ldc + 16 * v;
      __m512 result = alpha == 1.0f ? acc[i][v] : _mm512_mul_ps(acc[i][v], alphaV);
      if (beta != 0.0f) {
        __m512 old = _mm512_maskz_loadu_ps(mask[v], out);
        result = _mm512_add_ps(result, beta == 1.0f ? old : _mm512_mul_ps(old, betaV));
      }
      _mm512_mask_storeu_ps(out, mask[v], result);
    }
  }
}

__attribute__((target("avx512f"))) void avx512PackRows(const float *b, int64_t ldb, int64_t kc,
                                                       int64_t cols, float *out) {
  for (int64_t q = 0; q * 32 < cols; ++q) {
    int64_t width = std::min<int64_t>(32, cols - q * 32);
    // Masked loads read only the used columns and zero the padding.
    __mmask16 mask0 = static_cast<__mmask16>((1u << std::min<int64_t>(16, width)) - 1);
    __mmask16 mask1 = static_cast<__mmask16>((1u << std::max<int64_t>(0, width - 16)) - 1);
    const float *src = b + q * 32;
    float *panel = out + q * 32 * kc;
    for (int64_t k = 0; k < kc; ++k, src += ldb, panel += 32) {
      _mm512_store_ps(panel, _mm512_maskz_loadu_ps(mask0, src));
      _mm512_store_ps(panel + 16, _mm512_maskz_loadu_ps(mask1, src + 16));
    }
  }
}

/// Transposes the 16 x 16 block held in r (r[i] is row i) in place. The
/// zero-masking forms with a full mask are the plain shuffles; GCC 12 warns
/// (wrongly) about the unmasked ones, which start from _mm512_undefined_ps.
__attribute__((target("avx512f"), always_inline)) inline void transpose16x16(__m512 r[16]) {
  constexpr __mmask16 all = 0xFFFF;
  __m512 t[16], u[16];
  for (int i = 0; i < 16; i += 2) { // within 128-bit lanes
    t[i] = _mm512_maskz_unpacklo_ps(all, r[i], r[i + 1]);
    t[i + 1] = _mm512_maskz_unpackhi_ps(all, r[i], r[i + 1]);
  }
  for (int i = 0; i < 16; i += 4) { // u[i+c], lane L: column 4L+c of rows i..i+3
    u[i] = _mm512_maskz_shuffle_ps(all, t[i], t[i + 2], 0x44);
    u[i + 1] = _mm512_maskz_shuffle_ps(all, t[i], t[i + 2], 0xEE);
    u[i + 2] = _mm512_maskz_shuffle_ps(all, t[i + 1], t[i + 3], 0x44);
    u[i + 3] = _mm512_maskz_shuffle_ps(all, t[i + 1], t[i + 3], 0xEE);
  }
  for (int c = 0; c < 4; ++c) { // gather lane L of u[c], u[4+c], u[8+c], u[12+c]
    __m512 low0 = _mm512_maskz_shuffle_f32x4(all, u[c], u[4 + c], 0x44);
    __m512 low1 = _mm512_maskz_shuffle_f32x4(all, u[8 + c], u[12 + c], 0x44);
    __m512 high0 = _mm512_maskz_shuffle_f32x4(all, u[c], u[4 + c], 0xEE);
    __m512 high1 = _mm512_maskz_shuffle_f32x4(all, u[8 + c], u[12 + c], 0xEE);
    r[c] = _mm512_maskz_shuffle_f32x4(all, low0, low1, 0x88);
    r[4 + c] = _mm512_maskz_shuffle_f32x4(all, low0, low1, 0xDD);
    r[8 + c] = _mm512_maskz_shuffle_f32x4(all, high0, high1, 0x88);
    r[12 + c] = _mm512_maskz_shuffle_f32x4(all, high0, high1, 0xDD);
  }
}

__attribute__((target("avx512f"))) void avx512PackColumns(const float *b, int64_t ldb, int64_t kc,
                                                          int64_t cols, float *out) {
  for (int64_t q = 0; q * 32 < cols; ++q) {
    float *panel = out + q * 32 * kc;
    for (int64_t half = 0; half < 2; ++half) {
      int64_t firstCol = q * 32 + half * 16;
      int64_t used = std::min<int64_t>(16, std::max<int64_t>(0, cols - firstCol));
      for (int64_t k0 = 0; k0 < kc; k0 += 16) {
        int64_t depth = std::min<int64_t>(16, kc - k0);
        __mmask16 kMask = static_cast<__mmask16>((1u << depth) - 1);
        __m512 r[16];
        for (int64_t i = 0; i < 16; ++i) // columns past `used` are padding
          r[i] = i < used ? _mm512_maskz_loadu_ps(kMask, b + (firstCol + i) * ldb + k0)
                          : _mm512_setzero_ps();
        transpose16x16(r);
        for (int64_t k = 0; k < depth; ++k)
          _mm512_store_ps(panel + (k0 + k) * 32 + half * 16, r[k]);
      }
    }
  }
}

template <int M, bool TransA>
__attribute__((target("avx2,fma"))) void avx2Kernel(int64_t kc, const float *a, int64_t lda,
                                                    const float *bp, float *c, int64_t ldc,
                                                    int64_t n, float alpha, float beta) {
  __m256 acc0[M], acc1[M];
#pragma GCC unroll 8
  for (int i = 0; i < M; ++i) {
    acc0[i] = _mm256_setzero_ps();
    acc1[i] = _mm256_setzero_ps();
  }
  for (int64_t k = 0; k < kc; ++k) {
    __m256 b0 = _mm256_load_ps(bp);
    __m256 b1 = _mm256_load_ps(bp + 8);
#pragma GCC unroll 8
    for (int i = 0; i < M; ++i) {
      __m256 aValue = _mm256_broadcast_ss(aAt<TransA>(a, lda, i, k));
      acc0[i] = _mm256_fmadd_ps(aValue, b0, acc0[i]);
      acc1[i] = _mm256_fmadd_ps(aValue, b1, acc1[i]);
    }
    bp += 16;
  }
  const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  __m256i mask0 = _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n)), lanes);
  __m256i mask1 = _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n) - 8), lanes);
  __m256 alphaV = _mm256_set1_ps(alpha), betaV = _mm256_set1_ps(beta);
#pragma GCC unroll 8
  for (int i = 0; i < M; ++i) {
    float *row = c + i * ldc;
    __m256 r0 = acc0[i], r1 = acc1[i];
    if (alpha != 1.0f) {
      r0 = _mm256_mul_ps(r0, alphaV);
      r1 = _mm256_mul_ps(r1, alphaV);
    }
    if (beta != 0.0f) {
      __m256 old0 = _mm256_maskload_ps(row, mask0);
      __m256 old1 = _mm256_maskload_ps(row + 8, mask1);
      if (beta != 1.0f) {
        old0 = _mm256_mul_ps(old0, betaV);
        old1 = _mm256_mul_ps(old1, betaV);
      }
      r0 = _mm256_add_ps(r0, old0);
      r1 = _mm256_add_ps(r1, old1);
    }
    _mm256_maskstore_ps(row, mask0, r0);
    _mm256_maskstore_ps(row + 8, mask1, r1);
  }
}

#endif // __x86_64__

template <template <int, bool> class Kernel, size_t... Rows>
MicroKernelSet makeSet(GemmIsa isa, int nr, int narrowWidth, int64_t kcMax, int64_t nc,
                       PackFn packRows, PackFn packColumns, std::index_sequence<Rows...>) {
  constexpr int mr = sizeof...(Rows);
  return MicroKernelSet{
      isa,
      mr,
      nr,
      narrowWidth,
      kcMax,
      nc,
      {{Kernel<int(Rows) + 1, false>::run...}, {Kernel<int(Rows) + 1, true>::run...}},
      {{Kernel<int(Rows) + 1, false>::narrow...}, {Kernel<int(Rows) + 1, true>::narrow...}},
      packRows,
      packColumns};
}

template <int M, bool TransA> struct Portable {
  static constexpr MicroKernelFn run = &portableKernel<M, TransA>;
  static constexpr MicroKernelFn narrow = nullptr;
};
#if defined(__x86_64__)
template <int M, bool TransA> struct Avx512 {
  static constexpr MicroKernelFn run = &avx512Kernel<M, 2, TransA>;
  static constexpr MicroKernelFn narrow = &avx512Kernel<M, 1, TransA>;
};
template <int M, bool TransA> struct Avx2 {
  static constexpr MicroKernelFn run = &avx2Kernel<M, TransA>;
  static constexpr MicroKernelFn narrow = nullptr;
};
#endif

GemmIsa parseIsa(const std::string &text) {
  if (text == "portable")
    return GemmIsa::Portable;
  if (text == "avx2")
    return GemmIsa::Avx2;
  if (text == "avx512")
    return GemmIsa::Avx512;
  throw Error("VITC_GEMM_ISA='" + text + "' is not one of portable, avx2, avx512");
}

GemmIsa bestIsa() {
  if (gemmIsaSupported(GemmIsa::Avx512))
    return GemmIsa::Avx512;
  if (gemmIsaSupported(GemmIsa::Avx2))
    return GemmIsa::Avx2;
  return GemmIsa::Portable;
}

/// -1 until the first use decides.
std::atomic<int> activeIsa{-1};

} // namespace

const MicroKernelSet &microKernels(GemmIsa isa) {
  static const MicroKernelSet portable =
      makeSet<Portable>(GemmIsa::Portable, kPortableNR, 0, 256, 1024, nullptr, nullptr,
                        std::make_index_sequence<4>());
#if defined(__x86_64__)
  static const MicroKernelSet avx512 =
      makeSet<Avx512>(GemmIsa::Avx512, 32, 16, 384, 1024, avx512PackRows, avx512PackColumns,
                      std::make_index_sequence<14>());
  static const MicroKernelSet avx2 = makeSet<Avx2>(GemmIsa::Avx2, 16, 0, 256, 1024, nullptr,
                                                   nullptr, std::make_index_sequence<6>());
  if (isa == GemmIsa::Avx512)
    return avx512;
  if (isa == GemmIsa::Avx2)
    return avx2;
#endif
  if (isa != GemmIsa::Portable)
    throw Error(std::string("sgemm: the ") + gemmIsaName(isa) +
                " micro-kernels are not built for this target");
  return portable;
}

} // namespace blas

const char *gemmIsaName(GemmIsa isa) {
  switch (isa) {
  case GemmIsa::Portable:
    return "portable";
  case GemmIsa::Avx2:
    return "avx2";
  case GemmIsa::Avx512:
    return "avx512";
  }
  return "?";
}

bool gemmIsaSupported(GemmIsa isa) {
  switch (isa) {
  case GemmIsa::Portable:
    return true;
#if defined(__x86_64__)
  case GemmIsa::Avx2:
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  case GemmIsa::Avx512:
    return __builtin_cpu_supports("avx512f");
#endif
  default:
    return false;
  }
}

GemmIsa gemmIsa() {
  int isa = blas::activeIsa.load(std::memory_order_relaxed);
  if (isa >= 0)
    return static_cast<GemmIsa>(isa);
  GemmIsa chosen = blas::bestIsa();
  if (const char *env = std::getenv("VITC_GEMM_ISA"); env && *env) {
    chosen = blas::parseIsa(env);
    if (!gemmIsaSupported(chosen))
      throw Error(std::string("VITC_GEMM_ISA=") + env + ": this CPU does not support it");
  }
  int expected = -1;
  blas::activeIsa.compare_exchange_strong(expected, static_cast<int>(chosen));
  return static_cast<GemmIsa>(blas::activeIsa.load());
}

void setGemmIsa(GemmIsa isa) {
  if (!gemmIsaSupported(isa))
    throw Error(std::string("setGemmIsa: this CPU does not support ") + gemmIsaName(isa));
  blas::activeIsa.store(static_cast<int>(isa));
}

} // namespace vitc::rt
