//===- Attention.h - Fused multi-head scaled dot-product attention -*- C++ -*-===//
//
// The kernel of vit.attention. Works on the token-major layout the
// projections produce: q [B, Nq, H*D], k [B, Nk, H*D], v [B, Nk, H*Dv],
// head h owning channels [h*D, (h+1)*D); the result is [B, Nq, H*Dv] with
// heads merged the same way. Per batch entry b and head h:
//
//   out_bh = softmax(scale * q_bh k_bhᵀ + bias[b mod G, h]) v_bh
//
// with the softmax over the last (key) axis. Both products are strided
// sgemm calls on the token-major tensors (no head-split copies); only one
// block of score rows is ever materialised.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_RT_KERNELS_ATTENTION_H
#define VITC_RT_KERNELS_ATTENTION_H

#include "vitc/rt/Tensor.h"
#include "vitc/rt/ThreadPool.h"

#include <optional>

namespace vitc::rt {

struct AttentionParams {
  int64_t heads = 1;
  float scale = 1.0f;
};

/// Multi-head attention (see the file comment). `bias`, when given, is
/// [G, H', Nq', Nk'] with H' in {1, H}, Nq' in {1, Nq}, Nk' in {1, Nk} (size-1
/// dims broadcast) and B divisible by G; batch entry b adds bias[b mod G].
/// All tensors are f32. Throws Error on mismatched shapes. Results do not
/// depend on the thread count: every output row is computed by the same
/// operations in the same order whichever way the work is split.
Tensor attention(const Tensor &q, const Tensor &k, const Tensor &v,
                 const std::optional<Tensor> &bias, const AttentionParams &params,
                 ThreadPool *pool);

} // namespace vitc::rt

#endif // VITC_RT_KERNELS_ATTENTION_H
