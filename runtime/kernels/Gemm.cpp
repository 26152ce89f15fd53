//===- Gemm.cpp - Blocked, packed, multi-threaded sgemm -------------------===//
//
// The Goto/BLIS structure, minus the packing of A: for each block of nc
// columns and each block of kc rows of op(B), pack B into nr-wide panels
// (kept in L2), then sweep the micro-kernel over the rows of op(A), mr at a
// time, reading A in place (an mr x kc strip stays in L1 while the B panels
// stream past it). At the mid-sized shapes of ViT inference, where an A strip
// meets only a few B panels, packing A cost more than it saved.
//
// K blocks are fixed by K alone and applied in order (the first with beta,
// the others accumulating into C), and threads only ever split M and N, so
// every thread count gives identical bits. PackedMatrix stores op(B) in the
// very layout the packing step produces, for all K blocks and all columns.
//
//===----------------------------------------------------------------------===//
#include "GemmDriver.h"
#include "GemmMicroKernels.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>

namespace vitc::rt {
namespace blas {
namespace {

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// K is cut into `count` blocks of `size` rows (the last may be shorter).
struct KBlocks {
  int64_t size;
  int64_t count;
  KBlocks(int64_t K, int64_t kcMax)
      : size(ceilDiv(K, std::max<int64_t>(1, ceilDiv(K, kcMax)))),
        count(std::max<int64_t>(1, ceilDiv(K, kcMax))) {}
  int64_t begin(int64_t block) const { return block * size; }
  int64_t length(int64_t block, int64_t K) const { return std::min(size, K - block * size); }
};

/// A grow-only, 64-byte aligned packing buffer, one per thread.
class Scratch {
public:
  float *get(size_t floats) {
    if (floats > capacity_) {
      size_t bytes = (floats * sizeof(float) + 63) / 64 * 64;
      float *fresh = static_cast<float *>(std::aligned_alloc(64, bytes));
      if (!fresh)
        throw Error("sgemm: out of memory for a " + std::to_string(bytes) + "-byte buffer");
      buffer_.reset(fresh);
      capacity_ = floats;
    }
    return buffer_.get();
  }

private:
  struct Free {
    void operator()(float *p) const { std::free(p); }
  };
  std::unique_ptr<float, Free> buffer_;
  size_t capacity_ = 0;
};
thread_local Scratch scratchB;

/// Packs K-range [k0, k0+kc) x columns [col0, col0+cols) of op(B) into
/// nr-column panels, zero-padded: panel q holds (k, q*nr+j) at q*nr*kc + k*nr + j.
void packB(const MicroKernelSet &ker, bool transB, const float *B, int64_t ldb, int64_t k0,
           int64_t kc, int64_t col0, int64_t cols, float *__restrict out) {
  const int nr = ker.nr;
  if (!transB && ker.packRows) {
    ker.packRows(B + k0 * ldb + col0, ldb, kc, cols, out);
    return;
  }
  if (transB && ker.packColumns) {
    ker.packColumns(B + col0 * ldb + k0, ldb, kc, cols, out);
    return;
  }
  for (int64_t q = 0; q * nr < cols; ++q) {
    int64_t width = std::min<int64_t>(nr, cols - q * nr);
    float *__restrict panel = out + q * nr * kc;
    int64_t firstCol = col0 + q * nr;
    if (transB) {
      if (width < nr)
        std::fill(panel, panel + nr * kc, 0.0f);
      for (int64_t j = 0; j < width; ++j) {
        const float *__restrict src = B + (firstCol + j) * ldb + k0;
        for (int64_t k = 0; k < kc; ++k)
          panel[k * nr + j] = src[k];
      }
    } else {
      for (int64_t k = 0; k < kc; ++k) {
        const float *__restrict src = B + (k0 + k) * ldb + firstCol;
        float *__restrict dst = panel + k * nr;
        for (int64_t j = 0; j < width; ++j)
          dst[j] = src[j];
        for (int64_t j = width; j < nr; ++j)
          dst[j] = 0.0f;
      }
    }
  }
}

/// Where K block `block` of a PackedMatrix starts (columns padded to nr).
const float *packedBlock(const PackedMatrix &packed, const KBlocks &blocks, int64_t block, int nr) {
  return packed.data() + blocks.begin(block) * ceilDiv(packed.cols(), nr) * nr;
}

/// C[m0:m1, n0:n1] of one product, on the calling thread. n0 is a multiple
/// of nr (so a PackedMatrix's panels line up).
void computeBlock(const GemmShape &shape, const GemmOperands &ops, const MicroKernelSet &ker,
                  int64_t m0, int64_t m1, int64_t n0, int64_t n1) {
  const KBlocks blocks(shape.K, ker.kcMax);
  const int mr = ker.mr, nr = ker.nr;
  const MicroKernelFn *kernels = ker.byRows[shape.transA];
  const MicroKernelFn *narrowKernels = ker.narrow[shape.transA];
  float *bufB = shape.packedB ? nullptr : scratchB.get(static_cast<size_t>(ker.nc * blocks.size));
  for (int64_t jc = n0; jc < n1; jc += ker.nc) {
    int64_t nc = std::min(ker.nc, n1 - jc);
    for (int64_t block = 0; block < blocks.count; ++block) {
      int64_t k0 = blocks.begin(block), kc = blocks.length(block, shape.K);
      const float *bBlock;
      if (shape.packedB) {
        bBlock = packedBlock(*shape.packedB, blocks, block, nr) + (jc / nr) * nr * kc;
      } else {
        packB(ker, shape.transB, ops.b, ops.ldb, k0, kc, jc, nc, bufB);
        bBlock = bufB;
      }
      float beta = block == 0 ? shape.beta : 1.0f;
      for (int64_t i = m0; i < m1; i += mr) {
        int64_t rows = std::min<int64_t>(mr, m1 - i);
        MicroKernelFn kernel = kernels[rows - 1], narrow = narrowKernels[rows - 1];
        const float *aBlock = shape.transA ? ops.a + k0 * ops.lda + i : ops.a + i * ops.lda + k0;
        float *cRow = ops.c + i * ops.ldc + jc;
        for (int64_t jr = 0; jr < nc; jr += nr) {
          int64_t cols = std::min<int64_t>(nr, nc - jr);
          (cols <= ker.narrowWidth ? narrow : kernel)(kc, aBlock, ops.lda, bBlock + jr * kc,
                                                      cRow + jr, ops.ldc, cols, shape.alpha, beta);
        }
      }
    }
  }
}

/// How one product is cut: mParts x nParts tasks. Rows are cut anywhere
/// (each part ends with its own partial register tile); columns are cut at
/// whole panels, where a PackedMatrix's layout requires it.
struct Split {
  int64_t mParts = 1, nParts = 1;
  double taskCost = 0; ///< estimated cycles of the largest task
};

/// Rough cycle model: micro-kernel work at ~32 FMAs a cycle, packing at
/// ~2 elements a cycle. Only relative values matter.
Split planSplit(const GemmShape &shape, const MicroKernelSet &ker, int64_t parts) {
  int64_t mTiles = ceilDiv(shape.M, ker.mr), nTiles = ceilDiv(shape.N, ker.nr);
  Split best;
  best.taskCost = -1;
  for (int64_t mParts = 1; mParts <= std::min(parts, mTiles); ++mParts) {
    int64_t nParts = std::min(parts / mParts, nTiles);
    int64_t rows = ceilDiv(shape.M, mParts);
    int64_t cols = ceilDiv(nTiles, nParts) * ker.nr; // partial panels cost a whole one
    double compute = double(rows) * cols * shape.K / 32.0;
    double packing = shape.packedB ? 0.0 : double(cols) * shape.K;
    double cost = compute + packing / 2.0;
    if (best.taskCost < 0 || cost < best.taskCost * 0.98)
      best = Split{mParts, nParts, cost};
  }
  return best;
}

/// Fixed cost of waking the pool for one parallelFor, in the same units.
constexpr double kParallelOverhead = 6000;

void scaleC(const GemmShape &shape, const GemmOperands &ops) {
  for (int64_t i = 0; i < shape.M; ++i) {
    float *row = ops.c + i * ops.ldc;
    for (int64_t j = 0; j < shape.N; ++j)
      row[j] = shape.beta == 0.0f ? 0.0f : shape.beta * row[j];
  }
}

} // namespace

void sgemmBatch(const GemmShape &shape, int64_t count,
                const std::function<GemmOperands(int64_t)> &operandsOf, ThreadPool *pool) {
  if (count <= 0 || shape.M == 0 || shape.N == 0)
    return;
  if (shape.K == 0 || shape.alpha == 0.0f) {
    for (int64_t i = 0; i < count; ++i)
      scaleC(shape, operandsOf(i));
    return;
  }
  const MicroKernelSet &ker = microKernels(shape.packedB ? shape.packedB->isa() : gemmIsa());
  int64_t threads = pool ? pool->threads() : 1;

  // Pick how many parts to cut each product into: the fewest that keep
  // every thread busy, unless the whole batch is too small to share.
  Split split = planSplit(shape, ker, 1);
  double bestTime = double(count) * split.taskCost;
  int64_t partsPerProduct = 1;
  bool parallel = false;
  for (int64_t parts = 1; threads > 1 && parts <= threads; ++parts) {
    Split candidate = planSplit(shape, ker, parts);
    int64_t tasks = count * candidate.mParts * candidate.nParts;
    double time = double(ceilDiv(tasks, threads)) * candidate.taskCost + kParallelOverhead;
    if (tasks > 1 && time < bestTime * 0.98) {
      bestTime = time;
      split = candidate;
      partsPerProduct = candidate.mParts * candidate.nParts;
      parallel = true;
    }
  }

  const int64_t nTiles = ceilDiv(shape.N, ker.nr);
  auto runTasks = [&](int64_t begin, int64_t end) {
    for (int64_t task = begin; task < end; ++task) {
      int64_t product = task / partsPerProduct, part = task % partsPerProduct;
      int64_t mPart = part / split.nParts, nPart = part % split.nParts;
      int64_t m0 = shape.M * mPart / split.mParts, m1 = shape.M * (mPart + 1) / split.mParts;
      int64_t n0 = std::min(shape.N, nTiles * nPart / split.nParts * ker.nr);
      int64_t n1 = std::min(shape.N, nTiles * (nPart + 1) / split.nParts * ker.nr);
      if (m0 < m1 && n0 < n1)
        computeBlock(shape, operandsOf(product), ker, m0, m1, n0, n1);
    }
  };
  int64_t tasks = count * partsPerProduct;
  if (parallel)
    pool->parallelFor(tasks, 1, runTasks);
  else
    runTasks(0, tasks);
}

} // namespace blas

namespace {

void checkGemmArgs(const char *op, bool transA, bool transB, int64_t M, int64_t N, int64_t K,
                   const float *A, int64_t lda, const float *B, int64_t ldb, const float *C,
                   int64_t ldc) {
  auto fail = [&](const std::string &what) {
    throw Error(std::string(op) + ": " + what + " (M=" + std::to_string(M) +
                ", N=" + std::to_string(N) + ", K=" + std::to_string(K) + ")");
  };
  if (M < 0 || N < 0 || K < 0)
    fail("negative dimension");
  if (lda < std::max<int64_t>(1, transA ? M : K))
    fail("lda=" + std::to_string(lda) + " is shorter than a row of A");
  if (B && ldb < std::max<int64_t>(1, transB ? K : N))
    fail("ldb=" + std::to_string(ldb) + " is shorter than a row of B");
  if (ldc < std::max<int64_t>(1, N))
    fail("ldc=" + std::to_string(ldc) + " is shorter than a row of C");
  if (M > 0 && N > 0 && (!C || (K > 0 && !A)))
    fail("null matrix pointer");
}

} // namespace

void sgemm(bool transA, bool transB, int64_t M, int64_t N, int64_t K, float alpha, const float *A,
           int64_t lda, const float *B, int64_t ldb, float beta, float *C, int64_t ldc,
           ThreadPool *pool) {
  checkGemmArgs("sgemm", transA, transB, M, N, K, A, lda, B, ldb, C, ldc);
  if (M > 0 && N > 0 && K > 0 && !B)
    throw Error("sgemm: null matrix pointer for B");
  blas::GemmShape shape{transA, transB, M, N, K, alpha, beta, nullptr};
  blas::GemmOperands ops{A, lda, B, ldb, C, ldc};
  blas::sgemmBatch(
      shape, 1, [&](int64_t) { return ops; }, pool);
}

PackedMatrix PackedMatrix::pack(bool transB, int64_t K, int64_t N, const float *B, int64_t ldb) {
  if (K < 0 || N < 0)
    throw Error("PackedMatrix::pack: negative dimension " + std::to_string(K) + "x" +
                std::to_string(N));
  if (ldb < std::max<int64_t>(1, transB ? K : N))
    throw Error("PackedMatrix::pack: ldb=" + std::to_string(ldb) + " is shorter than a row");
  if (K > 0 && N > 0 && !B)
    throw Error("PackedMatrix::pack: null matrix pointer");
  PackedMatrix packed;
  packed.K_ = K;
  packed.N_ = N;
  packed.isa_ = gemmIsa();
  const blas::MicroKernelSet &ker = blas::microKernels(packed.isa_);
  int64_t paddedN = blas::ceilDiv(N, ker.nr) * ker.nr;
  size_t bytes = static_cast<size_t>(std::max<int64_t>(1, K * paddedN)) * sizeof(float);
  float *storage = static_cast<float *>(std::aligned_alloc(64, (bytes + 63) / 64 * 64));
  if (!storage)
    throw Error("PackedMatrix::pack: out of memory for " + std::to_string(bytes) + " bytes");
  packed.data_ = std::shared_ptr<float[]>(storage, [](float *p) { std::free(p); });
  if (K == 0 || N == 0)
    return packed;
  const blas::KBlocks blocks(K, ker.kcMax);
  for (int64_t block = 0; block < blocks.count; ++block) {
    int64_t k0 = blocks.begin(block);
    blas::packB(ker, transB, B, ldb, k0, blocks.length(block, K), 0, N,
                packed.data_.get() + k0 * paddedN);
  }
  return packed;
}

void sgemmPacked(bool transA, int64_t M, float alpha, const float *A, int64_t lda,
                 const PackedMatrix &B, float beta, float *C, int64_t ldc, ThreadPool *pool) {
  int64_t N = B.cols(), K = B.rows();
  checkGemmArgs("sgemmPacked", transA, false, M, N, K, A, lda, nullptr, 0, C, ldc);
  if (M > 0 && N > 0 && K > 0 && !B.data())
    throw Error("sgemmPacked: the PackedMatrix is empty");
  blas::GemmShape shape{transA, false, M, N, K, alpha, beta, &B};
  blas::GemmOperands ops{A, lda, nullptr, 0, C, ldc};
  blas::sgemmBatch(
      shape, 1, [&](int64_t) { return ops; }, pool);
}

} // namespace vitc::rt
