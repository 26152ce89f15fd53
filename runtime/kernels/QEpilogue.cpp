//===- QEpilogue.cpp - Requantising the accumulator tiles -----------------===//
//
// finishTile (QEpilogue.h). The common case -- 32-bit sums, every shift in
// [1, 62], an I8/I16/U8 output -- is one loop per row that the compiler
// vectorises (int64 lanes: multiply, add 2^(t-1) to the magnitude, shift,
// restore the sign, clamp), cloned per instruction set. Everything else
// (64-bit sums of INT16 operands, extreme shifts, fp32 output) goes element
// by element through applyRequant.
//
//===----------------------------------------------------------------------===//
#include "QEpilogue.h"
#include "QWide.h"

#include "DTypeDispatch.h"
#include "Multiversion.h"

#include <algorithm>
#include <limits>

namespace vitc::rt::detail {
namespace {

/// y = clamp(RoundShift(acc * multiplier, t), lo, hi) + z for one element,
/// with |acc * multiplier| < 2^63 and t in [1, 62].
inline int64_t requantFast(int64_t acc, int64_t multiplier, int64_t half, int64_t t, int64_t lo,
                           int64_t hi, int64_t z) {
  const int64_t product = acc * multiplier;
  const int64_t rounded = static_cast<int64_t>((magnitude(product) + uint64_t(half)) >> t);
  const int64_t value = product < 0 ? -rounded : rounded;
  return std::min(std::max(value, lo), hi) + z;
}

struct FastParams {
  const int64_t *multiplier, *half, *shift; ///< at the tile's first channel
  int64_t lo, hi, z;
};

/// One row of a 32-bit tile; the channel is the column (PerColumn) or fixed.
template <typename Out, bool PerColumn>
VITC_MULTIVERSION void requantRow32(const uint32_t *tile, uint32_t rowTerm, const uint32_t *colTerm,
                                    int64_t cols, FastParams p, Out *out) {
  for (int64_t j = 0; j < cols; ++j) {
    const int64_t c = PerColumn ? j : 0;
    const int32_t acc = wrapInt32(tile[j] + rowTerm + colTerm[j]);
    out[j] = static_cast<Out>(requantFast(acc, p.multiplier[c], p.half[c], p.shift[c], p.lo, p.hi, p.z));
  }
}

template <typename Out>
void requantTile32(const uint32_t *tile, int64_t ldt, int64_t rows, int64_t cols,
                   const int64_t *rowTerm, const uint32_t *colTerm, int64_t row0, int64_t col0,
                   const TileOutput &out) {
  const RequantTable &table = *out.requant;
  const bool single = table.size() == 1;
  for (int64_t i = 0; i < rows; ++i) {
    const int64_t channel =
        single ? 0 : out.requantBase + (out.perColumn ? col0 : row0 + i);
    FastParams p{table.multipliers() + channel, table.halves() + channel,
                 table.shifts() + channel, int64_t(out.qmin) - out.zeroPoint,
                 int64_t(out.qmax) - out.zeroPoint, out.zeroPoint};
    Out *dst = static_cast<Out *>(out.data) + (row0 + i) * out.ld + col0;
    const uint32_t term = static_cast<uint32_t>(rowTerm[i]);
    if (out.perColumn && !single)
      requantRow32<Out, true>(tile + i * ldt, term, colTerm, cols, p, dst);
    else
      requantRow32<Out, false>(tile + i * ldt, term, colTerm, cols, p, dst);
  }
}

/// Element by element: acc(i, j) as given by `accAt`, any table, any output.
template <typename AccAt>
void finishGeneric(int64_t rows, int64_t cols, int64_t row0, int64_t col0, const TileOutput &out,
                   AccAt accAt) {
  const RequantTable *table = out.requant;
  for (int64_t i = 0; i < rows; ++i) {
    char *dst = static_cast<char *>(out.data) +
                ((row0 + i) * out.ld + col0) * static_cast<int64_t>(dtypeSize(out.type));
    for (int64_t j = 0; j < cols; ++j) {
      const int64_t acc = accAt(i, j);
      if (out.type == DType::F32) {
        reinterpret_cast<float *>(dst)[j] = static_cast<float>(acc);
        continue;
      }
      const int64_t channel = table->size() == 1
                                  ? 0
                                  : out.requantBase + (out.perColumn ? col0 + j : row0 + i);
      const int32_t y = requantize(acc, table->entry(channel), out.zeroPoint, out.qmin, out.qmax);
      if (out.type == DType::I8)
        reinterpret_cast<int8_t *>(dst)[j] = static_cast<int8_t>(y);
      else if (out.type == DType::I16)
        reinterpret_cast<int16_t *>(dst)[j] = static_cast<int16_t>(y);
      else
        reinterpret_cast<uint8_t *>(dst)[j] = static_cast<uint8_t>(y);
    }
  }
}

} // namespace

RequantTable::RequantTable(std::vector<Requant> entries) : entries_(std::move(entries)) {
  for (const Requant &r : entries_) {
    const int64_t t = 31 + static_cast<int64_t>(r.shift);
    fast_ = fast_ && t >= 1 && t <= 62;
    multiplier_.push_back(r.multiplier);
    shift_.push_back(std::min<int64_t>(std::max<int64_t>(t, 1), 62));
    half_.push_back(int64_t(1) << (shift_.back() - 1));
  }
}

void finishTile(const uint32_t *tile, int64_t ldt, int64_t rows, int64_t cols,
                const int64_t *rowTerm, const int64_t *colTerm, int64_t row0, int64_t col0,
                const TileOutput &out) {
  if (out.type != DType::F32 && out.requant->fast()) {
    // Column terms folded to 32 bits once per tile (exact modulo 2^32).
    uint32_t columns[256];
    for (int64_t j0 = 0; j0 < cols; j0 += 256) {
      const int64_t n = std::min<int64_t>(256, cols - j0);
      for (int64_t j = 0; j < n; ++j)
        columns[j] = colTerm ? static_cast<uint32_t>(colTerm[j0 + j]) : 0u;
      auto run = [&](auto tag) {
        using Out = typename decltype(tag)::type;
        requantTile32<Out>(tile + j0, ldt, rows, n, rowTerm, columns, row0, col0 + j0, out);
      };
      if (out.type == DType::I8)
        run(TypeTag<int8_t>{});
      else if (out.type == DType::I16)
        run(TypeTag<int16_t>{});
      else
        run(TypeTag<uint8_t>{});
    }
    return;
  }
  finishGeneric(rows, cols, row0, col0, out, [&](int64_t i, int64_t j) -> int64_t {
    return wrapInt32(tile[i * ldt + j] + static_cast<uint32_t>(rowTerm[i]) +
                     static_cast<uint32_t>(colTerm ? colTerm[j] : 0));
  });
}

void finishTile(const int64_t *tile, int64_t ldt, int64_t rows, int64_t cols,
                const int64_t *rowTerm, const int64_t *colTerm, int64_t row0, int64_t col0,
                const TileOutput &out) {
  finishGeneric(rows, cols, row0, col0, out, [&](int64_t i, int64_t j) {
    return tile[i * ldt + j] + rowTerm[i] + (colTerm ? colTerm[j] : 0);
  });
}

} // namespace vitc::rt::detail
