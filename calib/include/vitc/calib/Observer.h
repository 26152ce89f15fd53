//===- Observer.h - Activation statistics over a calibration set --*- C++ -*-===//
//
// One TensorObserver per activation tensor. Calibration makes two passes over
// the data: the first records min and max, the second (after beginHistogram)
// fills a histogram of `bins` bins over [min, max] of the first pass. Values
// outside that range (impossible with the same data) go to the end bins.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_CALIB_OBSERVER_H
#define VITC_CALIB_OBSERVER_H

#include <cstdint>
#include <vector>

namespace vitc::calib {

class TensorObserver {
public:
  explicit TensorObserver(int bins = 2048);

  /// Pass 1: widen [min, max] with `count` values (NaNs are ignored).
  void observeRange(const float *values, int64_t count);
  /// Fixes the histogram range to the observed [min, max]; starts pass 2.
  void beginHistogram();
  /// Pass 2: add `count` values to the histogram.
  void observeHistogram(const float *values, int64_t count);

  bool hasRange() const { return count_ > 0; }
  float min() const { return min_; }
  float max() const { return max_; }
  int64_t count() const { return count_; }
  /// Bin i covers [min + i * binWidth, min + (i + 1) * binWidth).
  const std::vector<double> &histogram() const { return histogram_; }
  double binWidth() const { return binWidth_; }

private:
  float min_ = 0.0f, max_ = 0.0f;
  int64_t count_ = 0;
  std::vector<double> histogram_;
  double binWidth_ = 0.0;
};

} // namespace vitc::calib

#endif // VITC_CALIB_OBSERVER_H
