//===- ErrorHistogram.h - Histograms for the KL error measures ----*- C++ -*-===//
//
// Private to compiler/quantize: the fixed-range histograms on which the
// sensitivity search (Sensitivity.cpp) and the per-layer report
// (LayerErrors.cpp) compare an fp32 tensor with its quantised counterpart
// by KL divergence. 128 bins over the reference range: coarser than the
// 256 INT8 levels, so a quantised tensor does not look sparse merely
// because its values are discrete (with 2048 bins every INT8 tensor would
// leave 7 of 8 bins empty and score a KL of about log 8 plus noise).
//
//===----------------------------------------------------------------------===//
#ifndef VITC_COMPILER_QUANTIZE_ERRORHISTOGRAM_H
#define VITC_COMPILER_QUANTIZE_ERRORHISTOGRAM_H

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace vitc::quantize {

struct ErrorHistogram {
  static constexpr int kBins = 128;
  float lo = 0, hi = 0;
  std::vector<double> counts = std::vector<double>(kBins, 0.0);

  /// Counts x[0, n) (NaN skipped; values outside [lo, hi] in the end bins).
  void add(const float *x, int64_t n) {
    const double width = hi > lo ? (static_cast<double>(hi) - lo) / kBins : 1.0;
    for (int64_t i = 0; i < n; ++i) {
      if (std::isnan(x[i]))
        continue;
      const double b = std::floor((x[i] - static_cast<double>(lo)) / width);
      counts[static_cast<size_t>(std::clamp(b, 0.0, kBins - 1.0))] += 1.0;
    }
  }
};

} // namespace vitc::quantize

#endif // VITC_COMPILER_QUANTIZE_ERRORHISTOGRAM_H
