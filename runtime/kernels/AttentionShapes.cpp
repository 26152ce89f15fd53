//===- AttentionShapes.cpp - Shapes, bias and work split of attention -----===//
#include "AttentionShapes.h"

#include <algorithm>

namespace vitc::rt::detail {
namespace {

/// Fewest query rows worth a task of their own.
constexpr int64_t kMinRowsPerTask = 16;

} // namespace

AttentionDims attentionDims(const Tensor &q, const Tensor &k, const Tensor &v, int64_t heads,
                            const std::string &op) {
  auto fail = [&](const std::string &message) { throw Error(op + ": " + message); };
  if (q.rank() != 3 || k.rank() != 3 || v.rank() != 3)
    fail("q, k and v must be [B, N, channels], got " + shapeToString(q.shape()) + ", " +
         shapeToString(k.shape()) + " and " + shapeToString(v.shape()));
  if (heads <= 0)
    fail("heads must be positive, got " + std::to_string(heads));
  if (k.dim(0) != q.dim(0) || v.dim(0) != q.dim(0) || v.dim(1) != k.dim(1) || k.dim(2) != q.dim(2))
    fail("q " + shapeToString(q.shape()) + ", k " + shapeToString(k.shape()) + " and v " +
         shapeToString(v.shape()) + " do not fit [B, Nq, H*D], [B, Nk, H*D], [B, Nk, H*Dv]");
  if (q.dim(2) % heads != 0 || v.dim(2) % heads != 0)
    fail("channels of q (" + std::to_string(q.dim(2)) + ") and v (" + std::to_string(v.dim(2)) +
         ") must be divisible by heads = " + std::to_string(heads));
  if (k.dim(1) == 0 && q.dim(1) > 0)
    fail("no keys to attend to");
  return {q.dim(0), heads, q.dim(1), k.dim(1), q.dim(2) / heads, v.dim(2) / heads};
}

BiasView biasView(const Tensor &bias, const AttentionDims &d, const std::string &op) {
  if (!bias.valid() || bias.dtype() != DType::F32)
    throw Error(op + ": bias must be f32, got " +
                (bias.valid() ? dtypeName(bias.dtype()) : "none"));
  const Shape &s = bias.shape();
  auto fits = [](int64_t dim, int64_t full) { return dim == 1 || dim == full; };
  if (bias.rank() != 4 || s[0] <= 0 || d.batch % s[0] != 0 || !fits(s[1], d.heads) ||
      !fits(s[2], d.queries) || !fits(s[3], d.keys))
    throw Error(op + ": bias " + shapeToString(s) + " does not broadcast to [G, " +
                std::to_string(d.heads) + ", " + std::to_string(d.queries) + ", " +
                std::to_string(d.keys) + "] with G dividing the batch " +
                std::to_string(d.batch));
  BiasView view;
  view.data = bias.data<float>();
  view.groups = s[0];
  view.colStride = s[3] == 1 ? 0 : 1;
  view.rowStride = s[2] == 1 ? 0 : s[3];
  view.headStride = s[1] == 1 ? 0 : s[2] * s[3];
  view.groupStride = s[1] * s[2] * s[3];
  return view;
}

int64_t attentionRowParts(int64_t products, int64_t queries, int64_t threads) {
  const int64_t maxParts =
      std::min<int64_t>(threads, std::max<int64_t>(1, queries / kMinRowsPerTask));
  int64_t best = 1;
  double bestTime = static_cast<double>((products + threads - 1) / threads);
  for (int64_t parts = 2; parts <= maxParts; ++parts) {
    double time = static_cast<double>((products * parts + threads - 1) / threads) / parts;
    if (time < bestTime * 0.95) {
      best = parts;
      bestTime = time;
    }
  }
  return best;
}

} // namespace vitc::rt::detail
