//===- TileNpu.cpp - Tile sizes of NPU commands ---------------------------===//
//
// Tiles never change results (accumulators span the whole reduction, see
// ../shared/ARCHITECTURE.md); they decide how weights and activations stream
// through SRAM and so the cycles the cost model reports. Rules (budget B =
// scratch-fraction x SRAM bytes):
//   GEMM/Conv/MatMul [M, K] x [K, N]: among tile sizes that halve M, N and
//   K (N and K in multiples of 16), those whose scratch fits B -- 2 weight
//   tiles + the input rows (2 tiles when K is split) + int32 partial sums
//   when K is split + 2 output tiles -- the one with the least DRAM traffic
//   (weights re-read per row tile unless they fit B, inputs re-read per
//   channel tile when K is split unless they fit B), then with >= 4 channel
//   tiles so weights stream behind compute, then the largest.
//   Attention: query rows in tiles (>= 4 tiles), K and V resident.
//   TP/PPU: rows of the innermost dim, about 16 KiB of inputs and output per
//   tile and >= 4 tiles, double-buffered.
//
//===----------------------------------------------------------------------===//
#include "dialects/npu/NpuOps.h"
#include "passes/Passes.h"
#include "passes/lower/StorageBytes.h"

#include "vitc/rt/Error.h"
#include "vitc/rt/npu/Config.h"

#include <algorithm>
#include <vector>

namespace vitc {
#define GEN_PASS_DEF_TILENPU
#include "passes/Passes.h.inc"
} // namespace vitc

using namespace mlir;

namespace vitc {
namespace {

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }
int64_t roundUp(int64_t a, int64_t b) { return ceilDiv(a, b) * b; }

struct Tile {
  int64_t rows = 0, cols = 0, depth = 0, scratch = 0;
};

/// Halvings of `dim` down to `floor` (rounded up to `align`), largest first.
std::vector<int64_t> candidates(int64_t dim, int64_t floor, int64_t align) {
  std::vector<int64_t> sizes{dim};
  for (int64_t t = dim; t > floor;) {
    t = std::max(floor, roundUp(ceilDiv(t, 2), align));
    if (t >= sizes.back())
      break;
    sizes.push_back(t);
  }
  return sizes;
}

/// [M, K] x [K, N] with element sizes of input, weight and output: the tiles
/// that fit B and move the fewest DRAM bytes, then have >= 4 channel tiles
/// (weights stream behind compute), then the largest tile.
Tile tileProduct(int64_t m, int64_t n, int64_t k, int64_t xBytes, int64_t wBytes, int64_t yBytes,
                 int64_t budget) {
  if (m <= 0 || n <= 0 || k <= 0) // nothing to compute: untiled
    return Tile{};
  const int64_t weight = n * k * wBytes, input = m * k * xBytes;
  Tile best;
  int64_t bestTraffic = -1;
  bool bestStreams = false;
  for (int64_t tm : candidates(m, 16, 1))
    for (int64_t tn : candidates(n, 16, 16))
      for (int64_t tk : candidates(k, 16, 16)) {
        const bool split = tk < k; // int32 partial sums stay in SRAM
        const int64_t scratch = 2 * tn * tk * wBytes + (split ? 2 : 1) * tm * tk * xBytes +
                                (split ? 4 * tm * tn : 0) + 2 * tm * tn * yBytes;
        if (scratch > budget)
          continue;
        const int64_t traffic = weight * (weight <= budget ? 1 : ceilDiv(m, tm)) +
                                input * (input <= budget || !split ? 1 : ceilDiv(n, tn));
        const bool streams = ceilDiv(n, tn) >= std::min<int64_t>(4, ceilDiv(n, 16));
        const bool better =
            bestTraffic < 0 || traffic < bestTraffic ||
            (traffic == bestTraffic &&
             (streams > bestStreams ||
              (streams == bestStreams && tm * tn * tk > best.rows * best.cols * best.depth)));
        if (better) {
          best = {tm, tn, tk, scratch};
          bestTraffic = traffic;
          bestStreams = streams;
        }
      }
  if (bestTraffic < 0) // nothing fits: the smallest tiles
    best = {std::min<int64_t>(m, 16), std::min<int64_t>(n, 16), std::min<int64_t>(k, 16),
            2 * 16 * 16 * wBytes + 2 * 16 * 16 * xBytes + 4 * 16 * 16 + 2 * 16 * 16 * yBytes};
  return best;
}

/// Bytes of one TP/PPU tile (inputs and output of its rows).
constexpr int64_t kStreamTileBytes = 16 * 1024;

/// Rows of the innermost dim for elementwise-like commands.
Tile tileRows(Operation *op, int64_t budget) {
  auto type = op->getResult(0).getType().cast<ShapedType>();
  int64_t inner = type.getRank() ? std::max<int64_t>(1, type.getShape().back()) : 1;
  int64_t rows = std::max<int64_t>(1, type.getNumElements() / inner);
  int64_t rowBytes = 0;
  for (Value operand : op->getOperands())
    rowBytes += inner * lower::storageBytes(operand);
  rowBytes += inner * lower::storageBytes(op->getResult(0));
  // Streaming tiles of about kStreamTileBytes (at least 4 tiles): the first
  // tile's load is the only one not hidden behind compute.
  Tile t{std::clamp<int64_t>(kStreamTileBytes / std::max<int64_t>(rowBytes, 1), 1,
                             std::max<int64_t>(1, ceilDiv(rows, 4))),
         0, 0, 0};
  while (t.rows > 1 && 2 * t.rows * rowBytes > budget)
    t.rows = ceilDiv(t.rows, 2);
  t.scratch = 2 * t.rows * rowBytes;
  return t;
}

class TileNpuPass : public impl::TileNpuBase<TileNpuPass> {
public:
  using TileNpuBase::TileNpuBase;

  void runOnOperation() override {
    rt::npu::NpuConfig npuConfig;
    try {
      npuConfig = rt::npu::loadNpuConfig(config);
    } catch (const std::exception &e) {
      getOperation().emitError("npu-tile: ") << e.what();
      return signalPassFailure();
    }
    int64_t budget = static_cast<int64_t>(scratchFraction * npuConfig.sramBytes);
    getOperation().walk([&](Operation *op) {
      if (!op->getDialect() || !isa<npu::NpuDialect>(op->getDialect()) || isa<npu::ViewOp>(op))
        return;
      Tile t = tileOf(op, budget);
      Builder b(op->getContext());
      op->setAttr("npu.tile", b.getDenseI64ArrayAttr({t.rows, t.cols, t.depth}));
      op->setAttr("npu.scratch", b.getI64IntegerAttr(t.scratch));
    });
  }

private:
  Tile tileOf(Operation *op, int64_t budget) {
    if (auto gemm = dyn_cast<npu::GemmOp>(op)) {
      auto w = gemm.getWeight().getType().cast<ShapedType>();
      int64_t n = w.getDimSize(0), k = w.getDimSize(1);
      int64_t m =
          gemm.getInput().getType().cast<ShapedType>().getNumElements() / std::max<int64_t>(k, 1);
      return tileProduct(m, n, k, lower::storageBytes(gemm.getInput()), 1,
                         lower::storageBytes(gemm.getOutput()), budget);
    }
    if (auto conv = dyn_cast<npu::ConvOp>(op)) {
      auto w = conv.getWeight().getType().cast<ShapedType>();
      auto y = conv.getOutput().getType().cast<ShapedType>();
      int64_t n = w.getDimSize(0), k = w.getNumElements() / std::max<int64_t>(n, 1);
      int64_t m = y.getNumElements() / std::max<int64_t>(n, 1);
      return tileProduct(m, n, k, lower::storageBytes(conv.getInput()), 1,
                         lower::storageBytes(conv.getOutput()), budget);
    }
    if (auto matmul = dyn_cast<npu::MatMulOp>(op)) {
      auto a = matmul.getLhs().getType().cast<ShapedType>();
      auto y = matmul.getOutput().getType().cast<ShapedType>();
      int64_t k = matmul.getTransposeLhs() ? a.getDimSize(a.getRank() - 2) : a.getShape().back();
      int64_t n = y.getRank() ? y.getShape().back() : 1;
      int64_t m = y.getNumElements() / std::max<int64_t>(n, 1);
      return tileProduct(m, n, k, lower::storageBytes(matmul.getLhs()),
                         lower::storageBytes(matmul.getRhs()),
                         lower::storageBytes(matmul.getOutput()), budget);
    }
    if (auto attention = dyn_cast<npu::AttentionOp>(op)) {
      auto q = attention.getQuery().getType().cast<ShapedType>();
      auto k = attention.getKey().getType().cast<ShapedType>();
      int64_t nq = q.getDimSize(1), nk = k.getDimSize(1), heads = attention.getHeads();
      int64_t resident = k.getNumElements() * lower::storageBytes(attention.getKey()) +
                         attention.getValue().getType().cast<ShapedType>().getNumElements() *
                             lower::storageBytes(attention.getValue());
      int64_t rowBytes =
          heads * nk * 4 + q.getShape().back() * (lower::storageBytes(attention.getQuery()) +
                                                  lower::storageBytes(attention.getOutput()));
      Tile t{std::max<int64_t>(1, ceilDiv(nq, 4)), 0, 0, 0};
      while (t.rows > 1 && resident + 2 * t.rows * rowBytes > budget)
        t.rows = ceilDiv(t.rows, 2);
      t.scratch = resident + 2 * t.rows * rowBytes;
      return t;
    }
    return tileRows(op, budget);
  }
};

} // namespace
} // namespace vitc
