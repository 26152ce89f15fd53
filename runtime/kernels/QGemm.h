//===- QGemm.h - The integer GEMM behind every dense quantised op --*- C++ -*-===//
//
// Private to runtime/kernels. C[M, N] = sum_k (A[m, k] - z_a)(B[k, n] - z_b)
// (+ bias), then finishTile (QEpilogue.h). A ("rows") is read in place where
// its layout allows, one register tile of mr rows at a time; B ("panels") is
// packed into nr-column panels, once for constant weights or per call. The
// micro-kernels compute one mr x nr tile of raw sums D over 32-bit words
// holding several k values:
//
//   Bytes  (AVX-512 VNNI vpdpbusd; both operands 8-bit): 4 k per word, rows
//          s8 as stored, panels u8 = b + 128, so D = sum a b + 128 rowSum(a);
//   Words  (vpdpwssd / AVX2 vpmaddwd / portable): 2 k per word, int16 pairs,
//          32-bit partial sums; with an INT16 operand, over blocks of at
//          most 256 k (which cannot overflow) added up in int64;
//   Wide   (INT16 x INT16, portable loops): 2 k per word, int64 sums.
//
// The zero points and the +128 are folded into per-row and per-column terms:
//   acc = D - (z_b + shift) rowSum(a) - z_a colSum(b) + K z_a z_b + bias.
// With both operands 8-bit, everything is modulo 2^32 (int32 accumulators);
// otherwise exact in int64.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_RT_KERNELS_QGEMM_H
#define VITC_RT_KERNELS_QGEMM_H

#include "QEpilogue.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>

namespace vitc::rt::qgemm {

enum class Kind { Bytes, Words, Wide };

/// k values per 32-bit word.
inline int perWord(Kind kind) { return kind == Kind::Bytes ? 4 : 2; }
/// The element type the kernels read rows as: I8 (Bytes) or I16.
inline DType rowType(Kind kind) { return kind == Kind::Bytes ? DType::I8 : DType::I16; }
/// The kernels for a left operand of dtype a and a right one of dtype b
/// (each I8 or I16) on `isa`.
Kind kindFor(QGemmIsa isa, DType a, DType b);

constexpr int kMaxMR = 14;
/// Sums of one tile, rows x nr, written to `tile` (row-major, ld nr): row
/// i of A starts at a + i * lda (elements of the row type), panel words
/// are [steps][nr].
using Kernel32Fn = void (*)(int64_t steps, const void *a, int64_t lda, const void *panel,
                            uint32_t *tile);
using Kernel64Fn = void (*)(int64_t steps, const void *a, int64_t lda, const void *panel,
                            int64_t *tile);

struct KernelSet {
  QGemmIsa isa;
  int mr, nr;
  Kernel32Fn bytes[kMaxMR]; ///< [rows - 1]; null where the ISA has no vpdpbusd
  Kernel32Fn words[kMaxMR];
  Kernel64Fn wide[kMaxMR];
};
/// The kernels of `isa`; throws Error when they are not built for this target.
const KernelSet &kernelSet(QGemmIsa isa);

/// A strided 2-d operand: element (i, k) at data[i * stride + k * kStride],
/// where i is a row of A or a column of B.
struct MatrixView {
  const void *data = nullptr;
  DType type = DType::I8;
  int64_t stride = 0, kStride = 1;
};

/// Words of the panels holding `cols` columns of depth K.
int64_t panelWords(Kind kind, int nr, int64_t K, int64_t cols);
/// Packs columns [0, cols) of b (each K deep) into panels at `out` (64-byte
/// aligned, panelWords(...) words) and writes their raw sums to colSums.
void packPanels(Kind kind, int nr, const MatrixView &b, int64_t K, int64_t cols, void *out,
                int64_t *colSums);

/// Copies `rows` rows of a (K deep) into rows of the kernels' element type
/// at out, ld elements apart, zero from K to ld.
void packRows(Kind kind, const MatrixView &a, int64_t rows, int64_t K, void *out, int64_t ld);
/// sums[i] = sum over k < K of row i (I8 or I16 rows, lda elements apart).
void sumRows(DType type, const void *a, int64_t lda, int64_t rows, int64_t K, int64_t *sums);

/// A packed right operand: column n of [firstColumn, firstColumn + N) is in
/// panel (n - firstColumn) / nr.
struct Panels {
  const void *data = nullptr;
  const int64_t *colSums = nullptr; ///< indexed by n - firstColumn; unread if z_a = 0
  int64_t firstColumn = 0;
};

/// One product and what to do with its results.
struct Product {
  const KernelSet *kernels = nullptr;
  Kind kind = Kind::Words;
  bool exact = false; ///< an INT16 operand: int64 accumulation
  int64_t K = 0;
  MatrixView a;
  int32_t aZero = 0;
  const int64_t *aRowSums = nullptr; ///< precomputed (constant A), else null
  Panels b;
  int32_t bZero = 0;
  const int32_t *bias = nullptr; ///< per column (biasPerColumn) or per row
  bool biasPerColumn = true;
  detail::TileOutput out;
};

/// Rows [m0, m1) x columns [n0, n1) of one product, on the calling thread;
/// n0 - b.firstColumn must be a multiple of nr.
void multiplyBlock(const Product &p, int64_t m0, int64_t m1, int64_t n0, int64_t n1);

using BlockFn = std::function<void(int64_t product, int64_t m0, int64_t m1, int64_t n0,
                                   int64_t n1)>;
/// Calls block() on pieces covering `count` products of M x N (depth K),
/// shared out over the pool; column cuts fall on multiples of nr. A product
/// is cut into row ranges, or column ranges first with splitColumns (when
/// blocks pack their own panels).
void forEachBlock(int64_t count, int64_t M, int64_t N, int64_t K, const KernelSet &kernels,
                  bool splitColumns, ThreadPool *pool, const BlockFn &block);

/// A zero-filled, 64-byte aligned buffer of `bytes` bytes.
inline std::shared_ptr<void> allocateAligned(size_t bytes) {
  const size_t rounded = std::max<size_t>(64, (bytes + 63) / 64 * 64);
  void *data = std::aligned_alloc(64, rounded);
  if (!data)
    throw Error("quantised kernel: out of memory for a " + std::to_string(rounded) +
                "-byte buffer");
  std::memset(data, 0, rounded);
  return std::shared_ptr<void>(data, [](void *p) { std::free(p); });
}

/// A grow-only, 64-byte aligned buffer (keep one per thread and purpose).
class Scratch {
public:
  template <typename T> T *get(int64_t count) {
    const size_t bytes = (static_cast<size_t>(count) * sizeof(T) + 63) / 64 * 64;
    if (bytes > capacity_) {
      void *fresh = std::aligned_alloc(64, bytes);
      if (!fresh)
        throw Error("quantised kernel: out of memory for a " + std::to_string(bytes) +
                    "-byte buffer");
      buffer_.reset(fresh);
      capacity_ = bytes;
    }
    return static_cast<T *>(buffer_.get());
  }

private:
  struct Free {
    void operator()(void *p) const { std::free(p); }
  };
  std::unique_ptr<void, Free> buffer_;
  size_t capacity_ = 0;
};

} // namespace vitc::rt::qgemm

#endif // VITC_RT_KERNELS_QGEMM_H
