//===- QEpilogue.h - From integer accumulators to quantised outputs -*- C++ -*-===//
//
// Private to runtime/kernels. The last step of every dense quantised op:
//
//   acc(i, j) = tile(i, j) + rowTerm[i] + colTerm[j]
//   y(i, j)   = clamp(z_y + requant(acc; M, n), qmin_y, qmax_y)
//
// where tile holds the kernels' sums and the two terms fold in biases and
// zero-point corrections. Tiles of 32-bit sums (both operands 8-bit) wrap
// modulo 2^32, 64-bit ones are exact. The requantisation uses int64
// arithmetic when the product fits (an int32 accumulator and a total shift
// 31 + n in [1, 62]: the usual case, vectorised) and applyRequant's 128-bit
// path otherwise; both compute the same RoundShift.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_RT_KERNELS_QEPILOGUE_H
#define VITC_RT_KERNELS_QEPILOGUE_H

#include "vitc/rt/kernels/Quantized.h"

#include <string>
#include <vector>

namespace vitc::rt::detail {

/// The int32 value of a 32-bit two's complement word (modulo 2^32).
inline int32_t wrapInt32(uint32_t u) {
  return static_cast<int32_t>(static_cast<int64_t>(u) - (static_cast<int64_t>(u >> 31) << 32));
}

/// Throws Error unless `spec` has a storage of I8, I16 or U8, a range
/// inside it and a positive finite scale. `what` names the operand.
void checkQuantSpec(const QuantSpec &spec, const std::string &what);
/// Throws Error unless `t` is valid and has `spec`'s storage dtype.
void checkQuantized(const Tensor &t, const QuantSpec &spec, const std::string &what);

/// The requantisation parameters of one call (one entry, or one per
/// channel), with the int64 fast-path form precomputed.
class RequantTable {
public:
  explicit RequantTable(std::vector<Requant> entries);
  int64_t size() const { return static_cast<int64_t>(entries_.size()); }
  /// Every entry's total shift 31 + n is in [1, 62].
  bool fast() const { return fast_; }
  const Requant &entry(int64_t i) const { return entries_[i]; }
  const int64_t *multipliers() const { return multiplier_.data(); }
  const int64_t *halves() const { return half_.data(); } ///< 2^(t-1)
  const int64_t *shifts() const { return shift_.data(); } ///< t

private:
  std::vector<Requant> entries_;
  std::vector<int64_t> multiplier_, half_, shift_;
  bool fast_ = true;
};

/// Where and how a tile's results are written. Element (i, j) of a tile at
/// (row0, col0) goes to data + (row0 + i) * ld + col0 + j.
struct TileOutput {
  DType type = DType::I8; ///< I8, I16, U8 (requantised) or F32 (float(acc))
  void *data = nullptr;
  int64_t ld = 0;
  const RequantTable *requant = nullptr;
  bool perColumn = false;   ///< channel = column (else row; one entry: all)
  int64_t requantBase = 0;  ///< added to the channel index
  int32_t zeroPoint = 0, qmin = -128, qmax = 127;
};

/// The TileOutput writing requantised values of `spec` to data (ld apart).
inline TileOutput requantOutput(const QuantSpec &spec, void *data, int64_t ld,
                                const RequantTable &table, bool perColumn) {
  TileOutput out;
  out.type = spec.storage;
  out.data = data;
  out.ld = ld;
  out.requant = &table;
  out.perColumn = perColumn;
  out.zeroPoint = spec.zeroPoint;
  out.qmin = spec.qmin;
  out.qmax = spec.qmax;
  return out;
}

/// Writes the rows x cols results of a tile with leading dimension ldt.
/// colTerm may be null (all zero).
void finishTile(const uint32_t *tile, int64_t ldt, int64_t rows, int64_t cols,
                const int64_t *rowTerm, const int64_t *colTerm, int64_t row0, int64_t col0,
                const TileOutput &out);
void finishTile(const int64_t *tile, int64_t ldt, int64_t rows, int64_t cols,
                const int64_t *rowTerm, const int64_t *colTerm, int64_t row0, int64_t col0,
                const TileOutput &out);

} // namespace vitc::rt::detail

#endif // VITC_RT_KERNELS_QEPILOGUE_H
