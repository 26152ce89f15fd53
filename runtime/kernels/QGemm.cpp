//===- QGemm.cpp - Blocks of the integer GEMM and how they are shared -----===//
//
// multiplyBlock walks a block of one product mr rows at a time: the rows of
// A are read in place (or copied to the kernels' element type when their
// dtype, stride or depth requires), their sums taken when a zero point or
// the Bytes offset needs them, and every nr-column panel of B in the block
// is multiplied into a register tile that finishTile turns into outputs.
//
// forEachBlock cuts a batch of products into blocks for the pool: whole
// products when there are enough, else each product into row ranges of
// whole tiles (or column ranges of whole panels, when each block packs its
// own panels). Integer sums are exact, so the cut never
// changes a result.
//
//===----------------------------------------------------------------------===//
#include "QGemm.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace vitc::rt::qgemm {
namespace {

thread_local Scratch rowScratch, termScratch, tileScratch, wideScratch;

/// Words with an INT16 operand: 32-bit sums of at most 128 words (256 k),
/// |sum| < 128 * 2 * 255 * 32768 < 2^31.
constexpr int64_t kExactBlockSteps = 128;
/// Multiply-adds below which a batch is not worth waking the pool for.
constexpr double kMinParallelWork = 1 << 19;

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// Sums of one tile of `rows` rows starting at row pointer a.
void tileSums(const Product &p, int rows, int64_t steps, const void *a, int64_t lda,
              const char *panel, uint32_t *tile, int64_t *wide) {
  const KernelSet &ker = *p.kernels;
  if (p.kind == Kind::Wide) {
    ker.wide[rows - 1](steps, a, lda, panel, wide);
    return;
  }
  const Kernel32Fn kernel = (p.kind == Kind::Bytes ? ker.bytes : ker.words)[rows - 1];
  if (!p.exact) {
    kernel(steps, a, lda, panel, tile);
    return;
  }
  const int nr = ker.nr;
  std::fill(wide, wide + rows * nr, int64_t(0));
  for (int64_t s0 = 0; s0 < steps; s0 += kExactBlockSteps) {
    kernel(std::min(kExactBlockSteps, steps - s0), static_cast<const int16_t *>(a) + 2 * s0, lda,
           panel + s0 * nr * 4, tile);
    for (int64_t e = 0; e < rows * nr; ++e)
      wide[e] += detail::wrapInt32(tile[e]);
  }
}

} // namespace

void multiplyBlock(const Product &p, int64_t m0, int64_t m1, int64_t n0, int64_t n1) {
  if (m0 >= m1 || n0 >= n1)
    return;
  const KernelSet &ker = *p.kernels;
  const int mr = ker.mr, nr = ker.nr;
  const int64_t K = p.K, per = perWord(p.kind), steps = ceilDiv(K, per);
  const DType elemType = rowType(p.kind);
  const int64_t rowCoef = -(int64_t(p.bZero) + (p.kind == Kind::Bytes ? 128 : 0));
  const int64_t constant = K * p.aZero * int64_t(p.bZero);

  int64_t *colTerm = termScratch.get<int64_t>(n1 - n0);
  for (int64_t n = n0; n < n1; ++n)
    colTerm[n - n0] = (p.aZero ? -int64_t(p.aZero) * p.b.colSums[n - p.b.firstColumn] : 0) +
                      (p.bias && p.biasPerColumn ? p.bias[n] : 0);

  const bool inPlace = p.a.type == elemType && p.a.kStride == 1 && K % per == 0;
  const int64_t ldPacked = steps * per;
  void *rowBuffer = inPlace ? nullptr : rowScratch.get<int16_t>(mr * ldPacked);
  uint32_t *tile = tileScratch.get<uint32_t>(mr * nr);
  int64_t *wide = wideScratch.get<int64_t>(mr * nr);
  int64_t rowSum[kMaxMR] = {}, rowTerm[kMaxMR];
  const bool wideTile = p.kind == Kind::Wide || p.exact;
  const int64_t panelBytes = steps * nr * 4;

  for (int64_t m = m0; m < m1; m += mr) {
    const int rows = static_cast<int>(std::min<int64_t>(mr, m1 - m));
    const char *source = static_cast<const char *>(p.a.data) +
                         m * p.a.stride * static_cast<int64_t>(dtypeSize(p.a.type));
    const void *a = source;
    int64_t lda = p.a.stride;
    if (!inPlace) {
      MatrixView view = p.a;
      view.data = source;
      packRows(p.kind, view, rows, K, rowBuffer, ldPacked);
      a = rowBuffer;
      lda = ldPacked;
    }
    if (rowCoef != 0) {
      if (p.aRowSums)
        std::copy(p.aRowSums + m, p.aRowSums + m + rows, rowSum);
      else
        sumRows(elemType, a, lda, rows, K, rowSum);
    }
    for (int i = 0; i < rows; ++i)
      rowTerm[i] = rowCoef * rowSum[i] + constant + (p.bias && !p.biasPerColumn ? p.bias[m + i] : 0);
    for (int64_t n = n0; n < n1; n += nr) {
      const int64_t cols = std::min<int64_t>(nr, n1 - n);
      const char *panel =
          static_cast<const char *>(p.b.data) + (n - p.b.firstColumn) / nr * panelBytes;
      tileSums(p, rows, steps, a, lda, panel, tile, wide);
      if (wideTile)
        detail::finishTile(wide, nr, rows, cols, rowTerm, colTerm + (n - n0), m, n, p.out);
      else
        detail::finishTile(tile, nr, rows, cols, rowTerm, colTerm + (n - n0), m, n, p.out);
    }
  }
}

void forEachBlock(int64_t count, int64_t M, int64_t N, int64_t K, const KernelSet &kernels,
                  bool splitColumns, ThreadPool *pool, const BlockFn &block) {
  if (count <= 0 || M <= 0 || N <= 0)
    return;
  const int64_t threads = pool ? pool->threads() : 1;
  const int64_t mTiles = ceilDiv(M, kernels.mr), nPanels = ceilDiv(N, kernels.nr);
  const double work = double(count) * M * N * std::max<int64_t>(K, 1);
  // The fewest parts per product that spread the products evenly.
  int64_t parts = 1;
  if (threads > 1 && work >= kMinParallelWork) {
    double best = std::ceil(double(count) / threads);
    for (int64_t candidate = 2; candidate <= threads && candidate <= mTiles * nPanels;
         ++candidate) {
      const double time = std::ceil(double(count * candidate) / threads) / candidate;
      if (time < best * 0.95) {
        best = time;
        parts = candidate;
      }
    }
  }
  int64_t mParts = std::min(parts, mTiles);
  int64_t nParts = std::min(nPanels, ceilDiv(parts, mParts));
  if (splitColumns) {
    nParts = std::min(parts, nPanels);
    mParts = std::min(mTiles, ceilDiv(parts, nParts));
  }
  const int64_t perProduct = mParts * nParts, tasks = count * perProduct;
  auto run = [&](int64_t begin, int64_t end) {
    for (int64_t task = begin; task < end; ++task) {
      const int64_t product = task / perProduct, part = task % perProduct;
      const int64_t mi = part / nParts, ni = part % nParts;
      const int64_t m0 = std::min(M, mTiles * mi / mParts * kernels.mr);
      const int64_t m1 = std::min(M, mTiles * (mi + 1) / mParts * kernels.mr);
      const int64_t n0 = std::min(N, nPanels * ni / nParts * kernels.nr);
      const int64_t n1 = std::min(N, nPanels * (ni + 1) / nParts * kernels.nr);
      if (m0 < m1 && n0 < n1)
        block(product, m0, m1, n0, n1);
    }
  };
  if (threads > 1 && tasks > 1 && work >= kMinParallelWork)
    pool->parallelFor(tasks, 1, run);
  else
    run(0, tasks);
}

} // namespace vitc::rt::qgemm
