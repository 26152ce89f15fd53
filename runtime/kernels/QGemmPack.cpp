//===- QGemmPack.cpp - Operand layouts of the integer GEMM ----------------===//
//
// Panels (the right operand): panel p holds columns [p*nr, (p+1)*nr), as
// [steps][nr] 32-bit words, word (s, j) holding k = s*per .. s*per+per-1 of
// column j in memory order -- bytes b + 128 (Bytes) or int16 values (Words,
// Wide) -- zero past K and past the last column. Rows (the left operand)
// are copied only when they cannot be read in place: into rows of the
// kernels' element type, zero-padded to a whole number of words.
//
// Both packers walk the source in its storage order (k fastest when k is
// contiguous, else the other index), cloned per instruction set.
//
//===----------------------------------------------------------------------===//
#include "QGemm.h"

#include "Multiversion.h"

#include <algorithm>
#include <cstring>

namespace vitc::rt::qgemm {
namespace {

/// Value stored for source value v: bytes are offset by 128 (u8), words not.
template <typename Dst> inline Dst stored(int32_t v) {
  return sizeof(Dst) == 1 ? static_cast<Dst>(v + 128) : static_cast<Dst>(v);
}

/// k values per word: 4 bytes or 2 int16.
template <typename Dst> constexpr int64_t kPer = sizeof(Dst) == 1 ? 4 : 2;

template <typename Src, typename Dst>
VITC_MULTIVERSION void packPanelsAs(int64_t nr, const Src *b, int64_t stride, int64_t kStride,
                                    int64_t K, int64_t cols, Dst *out, int64_t *colSums) {
  constexpr int64_t per = kPer<Dst>;
  const int64_t panelElems = (K + per - 1) / per * nr * per;
  // Element (n, k) goes to panel n / nr, word (k / per, n % nr), byte k % per.
  auto offset = [&](int64_t n, int64_t k) {
    return (n / nr) * panelElems + (n % nr) * per + (k / per) * nr * per + k % per;
  };
  if (kStride == 1) {
    for (int64_t n = 0; n < cols; ++n) {
      const Src *column = b + n * stride;
      Dst *dst = out + offset(n, 0);
      int64_t sum = 0;
      for (int64_t k = 0; k < K; ++k) {
        sum += column[k];
        dst[(k / per) * nr * per + k % per] = stored<Dst>(column[k]);
      }
      colSums[n] = sum;
    }
    return;
  }
  std::fill(colSums, colSums + cols, int64_t(0));
  for (int64_t k = 0; k < K; ++k) {
    const Src *row = b + k * kStride;
    for (int64_t n0 = 0; n0 < cols; n0 += nr) {
      const int64_t width = std::min<int64_t>(nr, cols - n0);
      Dst *dst = out + offset(n0, k);
      for (int64_t j = 0; j < width; ++j) {
        const Src v = row[(n0 + j) * stride];
        colSums[n0 + j] += v;
        dst[j * per] = stored<Dst>(v);
      }
    }
  }
}

template <typename Src, typename Dst>
VITC_MULTIVERSION void packRowsAs(const Src *a, int64_t stride, int64_t kStride, int64_t rows,
                                  int64_t K, Dst *out, int64_t ld) {
  for (int64_t i = 0; i < rows; ++i) {
    Dst *dst = out + i * ld;
    const Src *src = a + i * stride;
    for (int64_t k = 0; k < K; ++k)
      dst[k] = static_cast<Dst>(src[k * kStride]);
    std::fill(dst + K, dst + ld, Dst(0));
  }
}

template <typename T>
VITC_MULTIVERSION void sumRowsAs(const T *a, int64_t lda, int64_t rows, int64_t K, int64_t *sums) {
  for (int64_t i = 0; i < rows; ++i) {
    int64_t sum = 0;
    for (int64_t k = 0; k < K; ++k)
      sum += a[i * lda + k];
    sums[i] = sum;
  }
}

} // namespace

int64_t panelWords(Kind kind, int nr, int64_t K, int64_t cols) {
  const int per = perWord(kind);
  return (cols + nr - 1) / nr * nr * ((K + per - 1) / per);
}

void packPanels(Kind kind, int nr, const MatrixView &b, int64_t K, int64_t cols, void *out,
                int64_t *colSums) {
  std::memset(out, 0, static_cast<size_t>(panelWords(kind, nr, K, cols)) * 4);
  if (kind == Kind::Bytes)
    packPanelsAs(nr, static_cast<const int8_t *>(b.data), b.stride, b.kStride, K, cols,
                 static_cast<uint8_t *>(out), colSums);
  else if (b.type == DType::I8)
    packPanelsAs(nr, static_cast<const int8_t *>(b.data), b.stride, b.kStride, K, cols,
                 static_cast<int16_t *>(out), colSums);
  else
    packPanelsAs(nr, static_cast<const int16_t *>(b.data), b.stride, b.kStride, K, cols,
                 static_cast<int16_t *>(out), colSums);
}

void packRows(Kind kind, const MatrixView &a, int64_t rows, int64_t K, void *out, int64_t ld) {
  if (kind == Kind::Bytes)
    packRowsAs(static_cast<const int8_t *>(a.data), a.stride, a.kStride, rows, K,
               static_cast<int8_t *>(out), ld);
  else if (a.type == DType::I8)
    packRowsAs(static_cast<const int8_t *>(a.data), a.stride, a.kStride, rows, K,
               static_cast<int16_t *>(out), ld);
  else
    packRowsAs(static_cast<const int16_t *>(a.data), a.stride, a.kStride, rows, K,
               static_cast<int16_t *>(out), ld);
}

void sumRows(DType type, const void *a, int64_t lda, int64_t rows, int64_t K, int64_t *sums) {
  if (type == DType::I8)
    sumRowsAs(static_cast<const int8_t *>(a), lda, rows, K, sums);
  else
    sumRowsAs(static_cast<const int16_t *>(a), lda, rows, K, sums);
}

} // namespace vitc::rt::qgemm
