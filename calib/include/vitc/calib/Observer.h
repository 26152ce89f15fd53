//===- Observer.h - Activation statistics over a calibration set --*- C++ -*-===//
//
// One TensorObserver per activation tensor. Calibration makes two passes over
// the data: the first records min and max, the second (after beginHistogram)
// fills a histogram of `bins` bins over [min, max] of the first pass. Values
// outside that range (impossible with the same data) go to the end bins.
//
// NaN and +-Inf are ignored by both passes and counted by nonFiniteCount():
// no finite clipping range can represent an infinity, and letting one in would
// make every bin but one empty. A constant tensor (min == max) has binWidth 0
// and all its mass in bin 0. With no finite value at all, hasRange() is false
// and the histogram is over [0, 0].
//
// Both passes are single loops without allocation: pass 1 is a branch-free
// min/max reduction, pass 2 computes bin indices for a block of values at a
// time (in float: bin = floor((x - min) * bins / (max - min)), so a value
// within a float rounding of a bin edge may land on either side; a range
// narrower than ~1e-37 loses resolution), then counts them.
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

  /// Pass 1: widen [min, max] with `count` values (NaN and +-Inf are
  /// ignored). Throws once pass 2 has begun.
  void observeRange(const float *values, int64_t count);
  /// Fixes the histogram range to the observed [min, max]; starts pass 2
  /// (again: clears the histogram).
  void beginHistogram();
  /// Pass 2: add `count` values to the histogram (NaN and +-Inf are ignored).
  /// Throws before beginHistogram().
  void observeHistogram(const float *values, int64_t count);

  bool hasRange() const { return count_ > 0; }
  float min() const { return min_; }
  float max() const { return max_; }
  /// Finite values seen by pass 1.
  int64_t count() const { return count_; }
  /// NaN and +-Inf values seen (and ignored) by pass 1.
  int64_t nonFiniteCount() const { return nonFinite_; }
  /// Bin i covers [min + i * binWidth, min + (i + 1) * binWidth).
  const std::vector<double> &histogram() const { return histogram_; }
  double binWidth() const { return binWidth_; }

private:
  float min_ = 0.0f, max_ = 0.0f;
  int64_t count_ = 0;
  int64_t nonFinite_ = 0;
  std::vector<double> histogram_;
  double binWidth_ = 0.0;
  bool histogramStarted_ = false;
  /// Pass 2's interleaved uint32 counters (Observer.cpp), folded into
  /// histogram_ at the end of every observeHistogram call.
  std::vector<uint32_t> partialCounts_;
  void foldPartialCounts();
};

} // namespace vitc::calib

#endif // VITC_CALIB_OBSERVER_H
