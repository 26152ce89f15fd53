//===- RangeSelection.h - Choosing a clipping range per tensor ----*- C++ -*-===//
//
// --calib-method minmax | percentile | entropy | mse (docs/quantization.md,
// "Calibration"). All work on a TensorObserver after both passes.
//
//   minmax      the observed [min, max].
//   percentile  the (100 - P)-th and P-th percentiles, linear within a bin.
//   entropy     INT8: TensorRT's KL search (entropyThreshold) on a histogram
//               of |x| folded from the observer's, 128 levels; the range is
//               [max(min, -T), min(max, T)]. INT16: minmax (32768 levels
//               resolve every one of 2048 bins, so KL would only ever see
//               clipping and keep the full range anyway).
//   mse         the range whose actual parameters (activationParams: widened
//               to 0, rounded zero point, fp32 scale) minimise the expected
//               squared error, rounding plus clipping, with every bin's mass
//               spread evenly over the bin; a coarse-to-fine search over
//               fractions of the range, both ends together and then each
//               end alone for INT8, the magnitude for INT16 (Mse.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef VITC_CALIB_RANGESELECTION_H
#define VITC_CALIB_RANGESELECTION_H

#include "vitc/calib/Observer.h"

#include <string>
#include <vector>

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

/// The clipping range for one tensor. Always within [observer.min(), max()];
/// [0, 0] without a range, [c, c] for a constant tensor. Throws on bits other
/// than 8 and 16, a percentile outside (50, 100], and for the histogram
/// methods when the histogram pass has not run.
Range selectRange(const TensorObserver &observer, const RangeOptions &options);

enum class Side { Positive, Negative };
/// The histogram that entropy calibration searches for one bound: |x| of the
/// values on `side` of zero, in as many bins as the observer's, over [0, max x]
/// (Positive) or [0, -min x] (Negative); their width is returned in
/// `binWidth`. Every source bin's mass is taken as spread evenly over it and
/// shared among the bins it overlaps; a bin that straddles 0 gives each side
/// its share. With no extent on that side (width 0) the side's mass, if any,
/// is all in bin 0.
std::vector<double> sideHistogram(const TensorObserver &observer, Side side, double &binWidth);

/// TensorRT's KL-divergence threshold on a histogram of |x| (`absHistogram`,
/// bins of width `binWidth` starting at 0), with `levels` quantisation levels
/// (128 for INT8). Returns the threshold T = (i + 0.5) * binWidth of the best
/// candidate i in [levels, bins] (the smallest i on a tie). Q is built from
/// the histogram without the outlier mass, as TensorRT does; level j covers
/// bins [j*i/levels, (j+1)*i/levels). With fewer bins than levels or no mass
/// it returns bins * binWidth. Throws on negative or non-finite counts,
/// levels < 1 or a negative bin width.
double entropyThreshold(const std::vector<double> &absHistogram, double binWidth,
                        int levels = 128);

} // namespace vitc::calib

#endif // VITC_CALIB_RANGESELECTION_H
