//===- QGemmKernels.cpp - Integer GEMM micro-kernels and ISA dispatch -----===//
//
// The micro-kernels of QGemm.h, per instruction set:
//
//   avx512vnni  14 x 32 tile, 28 zmm accumulators: vpdpbusd (Bytes) or
//               vpdpwssd (Words); row words broadcast from A in place.
//   avx2         6 x 16 tile, 12 ymm accumulators: vpmaddwd + vpaddd (Words).
//   portable     4 x 16 tile in plain C++ (Words, modulo-2^32 sums).
//
// Wide (INT16 x INT16, int64 sums) is one plain C++ loop nest compiled for
// each instruction set. The set in use is chosen on first use from the CPU
// or VITC_QGEMM_ISA, and can be switched with setQGemmIsa.
//
//===----------------------------------------------------------------------===//
#include "QGemm.h"

#include <atomic>
#include <cstring>
#include <string>
#include <utility>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace vitc::rt {
namespace qgemm {
namespace {

/// The 32-bit word at element offset `k` of a row (unaligned, no aliasing).
template <typename T> inline int32_t wordAt(const T *row, int64_t k) {
  int32_t word;
  std::memcpy(&word, row + k, sizeof(word));
  return word;
}

template <int Rows, int NR>
void portableWords(int64_t steps, const void *aData, int64_t lda, const void *panel,
                   uint32_t *tile) {
  const int16_t *a = static_cast<const int16_t *>(aData);
  const int16_t *b = static_cast<const int16_t *>(panel);
  uint32_t acc[Rows][NR] = {};
  for (int64_t s = 0; s < steps; ++s, b += 2 * NR)
    for (int i = 0; i < Rows; ++i) {
      // One 32-bit load per (row, step): element-wise loads let GCC 12 -O3
      // vectorise into reads of up to 3 rows past the end of A.
      const int32_t word = wordAt(a + i * lda, 2 * s);
      int16_t pair[2];
      std::memcpy(pair, &word, sizeof(pair));
      const uint32_t a0 = static_cast<uint32_t>(static_cast<int32_t>(pair[0]));
      const uint32_t a1 = static_cast<uint32_t>(static_cast<int32_t>(pair[1]));
      for (int j = 0; j < NR; ++j)
        acc[i][j] += a0 * static_cast<uint32_t>(b[2 * j]) + a1 * static_cast<uint32_t>(b[2 * j + 1]);
    }
  for (int i = 0; i < Rows; ++i)
    for (int j = 0; j < NR; ++j)
      tile[i * NR + j] = acc[i][j];
}

/// Row by row, the panel stays in L1. Inlined into each ISA's clone below.
template <int Rows, int NR>
__attribute__((always_inline)) inline void wideRows(int64_t steps, const void *aData, int64_t lda,
                                                    const void *panel, int64_t *tile) {
  const int16_t *b = static_cast<const int16_t *>(panel);
  for (int i = 0; i < Rows; ++i) {
    const int16_t *a = static_cast<const int16_t *>(aData) + i * lda;
    int64_t acc[NR] = {};
    for (int64_t s = 0; s < steps; ++s) {
      const int64_t a0 = a[2 * s], a1 = a[2 * s + 1];
      const int16_t *bs = b + 2 * NR * s;
      for (int j = 0; j < NR; ++j)
        acc[j] += a0 * bs[2 * j] + a1 * bs[2 * j + 1];
    }
    for (int j = 0; j < NR; ++j)
      tile[i * NR + j] = acc[j];
  }
}

template <int Rows, int NR>
void portableWide(int64_t steps, const void *a, int64_t lda, const void *panel, int64_t *tile) {
  wideRows<Rows, NR>(steps, a, lda, panel, tile);
}

#if defined(__x86_64__)

template <int Rows, int NR>
__attribute__((target("avx2"))) void avx2Wide(int64_t steps, const void *a, int64_t lda,
                                              const void *panel, int64_t *tile) {
  wideRows<Rows, NR>(steps, a, lda, panel, tile);
}

template <int Rows, int NR>
__attribute__((target("avx512f,avx512bw,avx512dq"))) void
avx512Wide(int64_t steps, const void *a, int64_t lda, const void *panel, int64_t *tile) {
  wideRows<Rows, NR>(steps, a, lda, panel, tile);
}

template <int Rows>
__attribute__((target("avx2"))) void avx2Words(int64_t steps, const void *aData, int64_t lda,
                                               const void *panel, uint32_t *tile) {
  const int16_t *a = static_cast<const int16_t *>(aData);
  const __m256i *b = static_cast<const __m256i *>(panel);
  __m256i acc[Rows][2];
#pragma GCC unroll 8
  for (int i = 0; i < Rows; ++i)
    acc[i][0] = acc[i][1] = _mm256_setzero_si256();
  for (int64_t s = 0; s < steps; ++s, b += 2) {
    const __m256i b0 = _mm256_load_si256(b), b1 = _mm256_load_si256(b + 1);
#pragma GCC unroll 8
    for (int i = 0; i < Rows; ++i) {
      const __m256i av = _mm256_set1_epi32(wordAt(a + i * lda, 2 * s));
      acc[i][0] = _mm256_add_epi32(acc[i][0], _mm256_madd_epi16(av, b0));
      acc[i][1] = _mm256_add_epi32(acc[i][1], _mm256_madd_epi16(av, b1));
    }
  }
#pragma GCC unroll 8
  for (int i = 0; i < Rows; ++i) {
    _mm256_storeu_si256(reinterpret_cast<__m256i *>(tile + i * 16), acc[i][0]);
    _mm256_storeu_si256(reinterpret_cast<__m256i *>(tile + i * 16 + 8), acc[i][1]);
  }
}

/// Words: int16 rows, vpdpwssd. Bytes: s8 rows (broadcast, the signed
/// operand) times u8 panels, vpdpbusd.
template <int Rows, bool Words>
__attribute__((target("avx512f,avx512vnni"))) void vnni(int64_t steps, const void *aData,
                                                        int64_t lda, const void *panel,
                                                        uint32_t *tile) {
  const char *a = static_cast<const char *>(aData);
  const int64_t rowBytes = lda * (Words ? 2 : 1);
  const __m512i *b = static_cast<const __m512i *>(panel);
  __m512i acc[Rows][2];
#pragma GCC unroll 14
  for (int i = 0; i < Rows; ++i)
    acc[i][0] = acc[i][1] = _mm512_setzero_si512();
  for (int64_t s = 0; s < steps; ++s, b += 2) {
    const __m512i b0 = _mm512_load_si512(b), b1 = _mm512_load_si512(b + 1);
#pragma GCC unroll 14
    for (int i = 0; i < Rows; ++i) {
      const __m512i av = _mm512_set1_epi32(wordAt(a + i * rowBytes, 4 * s));
      if (Words) {
        acc[i][0] = _mm512_dpwssd_epi32(acc[i][0], av, b0);
        acc[i][1] = _mm512_dpwssd_epi32(acc[i][1], av, b1);
      } else {
        acc[i][0] = _mm512_dpbusd_epi32(acc[i][0], b0, av);
        acc[i][1] = _mm512_dpbusd_epi32(acc[i][1], b1, av);
      }
    }
  }
#pragma GCC unroll 14
  for (int i = 0; i < Rows; ++i) {
    _mm512_storeu_si512(tile + i * 32, acc[i][0]);
    _mm512_storeu_si512(tile + i * 32 + 16, acc[i][1]);
  }
}

#endif // __x86_64__

template <template <int> class Bytes, template <int> class Words, template <int> class Wide,
          size_t... Rows>
KernelSet makeSet(QGemmIsa isa, int nr, std::index_sequence<Rows...>) {
  return KernelSet{isa,
                   static_cast<int>(sizeof...(Rows)),
                   nr,
                   {Bytes<int(Rows) + 1>::fn...},
                   {Words<int(Rows) + 1>::fn...},
                   {Wide<int(Rows) + 1>::fn...}};
}

template <int R> struct NoKernel { static constexpr Kernel32Fn fn = nullptr; };
template <int R> struct PortableWords { static constexpr Kernel32Fn fn = &portableWords<R, 16>; };
template <int R> struct PortableWide { static constexpr Kernel64Fn fn = &portableWide<R, 16>; };
#if defined(__x86_64__)
template <int R> struct Avx2Words { static constexpr Kernel32Fn fn = &avx2Words<R>; };
template <int R> struct Avx2Wide { static constexpr Kernel64Fn fn = &avx2Wide<R, 16>; };
template <int R> struct VnniBytes { static constexpr Kernel32Fn fn = &vnni<R, false>; };
template <int R> struct VnniWords { static constexpr Kernel32Fn fn = &vnni<R, true>; };
template <int R> struct Avx512Wide { static constexpr Kernel64Fn fn = &avx512Wide<R, 32>; };
#endif

QGemmIsa parseIsa(const std::string &text) {
  if (text == "portable")
    return QGemmIsa::Portable;
  if (text == "avx2")
    return QGemmIsa::Avx2;
  if (text == "avx512vnni")
    return QGemmIsa::Avx512Vnni;
  throw Error("VITC_QGEMM_ISA='" + text + "' is not one of portable, avx2, avx512vnni");
}

QGemmIsa bestIsa() {
  if (qgemmIsaSupported(QGemmIsa::Avx512Vnni))
    return QGemmIsa::Avx512Vnni;
  if (qgemmIsaSupported(QGemmIsa::Avx2))
    return QGemmIsa::Avx2;
  return QGemmIsa::Portable;
}

/// -1 until the first use decides.
std::atomic<int> activeIsa{-1};

} // namespace

Kind kindFor(QGemmIsa isa, DType a, DType b) {
  if (a == DType::I16 && b == DType::I16)
    return Kind::Wide;
  if (isa == QGemmIsa::Avx512Vnni && a == DType::I8 && b == DType::I8)
    return Kind::Bytes;
  return Kind::Words;
}

const KernelSet &kernelSet(QGemmIsa isa) {
  static const KernelSet portable = makeSet<NoKernel, PortableWords, PortableWide>(
      QGemmIsa::Portable, 16, std::make_index_sequence<4>());
#if defined(__x86_64__)
  static const KernelSet avx2 =
      makeSet<NoKernel, Avx2Words, Avx2Wide>(QGemmIsa::Avx2, 16, std::make_index_sequence<6>());
  static const KernelSet avx512 = makeSet<VnniBytes, VnniWords, Avx512Wide>(
      QGemmIsa::Avx512Vnni, 32, std::make_index_sequence<14>());
  if (isa == QGemmIsa::Avx512Vnni)
    return avx512;
  if (isa == QGemmIsa::Avx2)
    return avx2;
#endif
  if (isa != QGemmIsa::Portable)
    throw Error(std::string("quantised GEMM: the ") + qgemmIsaName(isa) +
                " kernels are not built for this target");
  return portable;
}

} // namespace qgemm

const char *qgemmIsaName(QGemmIsa isa) {
  switch (isa) {
  case QGemmIsa::Portable:
    return "portable";
  case QGemmIsa::Avx2:
    return "avx2";
  case QGemmIsa::Avx512Vnni:
    return "avx512vnni";
  }
  return "?";
}

bool qgemmIsaSupported(QGemmIsa isa) {
  switch (isa) {
  case QGemmIsa::Portable:
    return true;
#if defined(__x86_64__)
  case QGemmIsa::Avx2:
    return __builtin_cpu_supports("avx2");
  case QGemmIsa::Avx512Vnni:
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vnni");
#endif
  default:
    return false;
  }
}

QGemmIsa qgemmIsa() {
  int isa = qgemm::activeIsa.load(std::memory_order_relaxed);
  if (isa >= 0)
    return static_cast<QGemmIsa>(isa);
  QGemmIsa chosen = qgemm::bestIsa();
  if (const char *env = std::getenv("VITC_QGEMM_ISA"); env && *env) {
    chosen = qgemm::parseIsa(env);
    if (!qgemmIsaSupported(chosen))
      throw Error(std::string("VITC_QGEMM_ISA=") + env + ": this CPU does not support it");
  }
  int expected = -1;
  qgemm::activeIsa.compare_exchange_strong(expected, static_cast<int>(chosen));
  return static_cast<QGemmIsa>(qgemm::activeIsa.load());
}

void setQGemmIsa(QGemmIsa isa) {
  if (!qgemmIsaSupported(isa))
    throw Error(std::string("setQGemmIsa: this CPU does not support ") + qgemmIsaName(isa));
  qgemm::activeIsa.store(static_cast<int>(isa));
}

} // namespace vitc::rt
