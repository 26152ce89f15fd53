//===- RangeSelection.h - Choosing a clipping range per tensor ----*- C++ -*-===//
//
// --calib-method minmax | percentile | entropy | mse (docs/quantization.md,
// "Calibration"). All work on a TensorObserver after both passes.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_CALIB_RANGESELECTION_H
#define VITC_CALIB_RANGESELECTION_H

#include "vitc/calib/Observer.h"

#include <string>

namespace vitc::calib {

enum class CalibMethod { MinMax, Percentile, Entropy, Mse };
/// "minmax", "percentile", "entropy", "mse"; false for anything else.
bool parseCalibMethod(const std::string &text, CalibMethod &method);
const char *calibMethodName(CalibMethod method);

struct Range {
  float min = 0.0f;
  float max = 0.0f;
};

struct RangeOptions {
  CalibMethod method = CalibMethod::Entropy;
  double percentile = 99.99; ///< for CalibMethod::Percentile, in (50, 100]
  int bits = 8;              ///< target precision (MSE and entropy depend on it)
};

/// The clipping range for one tensor. Always within [observer.min(), max()].
Range selectRange(const TensorObserver &observer, const RangeOptions &options);

/// TensorRT's KL-divergence threshold on a histogram of |x| (`absHistogram`,
/// bins of width `binWidth` starting at 0), with `levels` quantisation levels
/// (128 for INT8). Returns the threshold T.
double entropyThreshold(const std::vector<double> &absHistogram, double binWidth,
                        int levels = 128);

} // namespace vitc::calib

#endif // VITC_CALIB_RANGESELECTION_H
