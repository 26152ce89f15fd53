//===- Multiversion.h - Per-ISA clones of hot loops ----------------*- C++ -*-===//
//
// Private to runtime/kernels. The runtime is built for baseline x86-64 (it
// must run on any such CPU), where loops vectorise to 4-wide SSE only.
// VITC_MULTIVERSION compiles a function three times -- AVX-512, AVX2 and the
// baseline -- and the loader picks the best one for the CPU (GCC/Clang
// function multiversioning). With -ffp-contract=off every clone performs the
// same IEEE operations in the same order, so results are identical on every
// CPU; only the speed differs. Elsewhere the macro is empty.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_RT_KERNELS_MULTIVERSION_H
#define VITC_RT_KERNELS_MULTIVERSION_H

#include <cstdint>

#if defined(__x86_64__) && defined(__linux__) && (defined(__GNUC__) || defined(__clang__)) && \
    !defined(VITC_NO_MULTIVERSION)
#define VITC_MULTIVERSION __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define VITC_MULTIVERSION
#endif

namespace vitc::rt::detail {

/// out[i] = fn(in[i]) for i in [0, n), vectorised per ISA.
template <typename T, typename U, typename Fn>
VITC_MULTIVERSION void mapArray(const T *in, U *out, int64_t n, Fn fn) {
  for (int64_t i = 0; i < n; ++i)
    out[i] = fn(in[i]);
}

} // namespace vitc::rt::detail

#endif // VITC_RT_KERNELS_MULTIVERSION_H
