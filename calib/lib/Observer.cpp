//===- Observer.cpp - Activation range and histogram --------------------===//
//
// The two calibration passes of docs/quantization.md. Both run over every
// activation of every calibration image, so they are written for the
// vectoriser: pass 1 is an integer min/max reduction over order-preserving
// keys of the float bits, pass 2 computes a block of bin indices in one
// vectorisable loop and counts them in a second.
//
//===----------------------------------------------------------------------===//
#include "vitc/calib/Observer.h"

#include "vitc/rt/Error.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

namespace vitc::calib {

namespace {

constexpr int64_t kIndexBlock = 512;
constexpr int kCopies = 4;
/// Values between folds of the uint32 partial counts (a multiple of
/// kIndexBlock, far below 2^32).
constexpr int64_t kFoldBlock = kIndexBlock << 20;

/// Values per rangeOfBlock call, so that its int32 counter cannot overflow.
constexpr int64_t kCountBlock = int64_t(1) << 30;

/// Maps a float's bits to an int32 with the same order (for non-NaN values);
/// its own inverse.
int32_t orderedKey(int32_t bits) { return bits ^ ((bits >> 31) & 0x7FFFFFFF); }

/// Widens [min, max] with the finite values of one block of at most
/// kCountBlock values; returns how many were not finite. Float min/max
/// reductions do not vectorise without -ffast-math, so the loop reduces
/// order-preserving integer keys instead, with masks rather than branches.
int64_t rangeOfBlock(const float *values, int64_t count, float &min, float &max) {
  int32_t lo = INT32_MAX, hi = INT32_MIN, nonFinite = 0;
  for (int64_t i = 0; i < count; ++i) {
    int32_t bits;
    std::memcpy(&bits, values + i, sizeof bits);
    const int32_t key = orderedKey(bits);
    const int32_t isNonFinite = (bits & 0x7F800000) == 0x7F800000;
    const int32_t mask = -isNonFinite;
    lo = std::min(lo, (key & ~mask) | (mask & INT32_MAX));
    hi = std::max(hi, (key & ~mask) | (mask & INT32_MIN));
    nonFinite += isNonFinite;
  }
  if (nonFinite < count) {
    float blockMin, blockMax;
    lo = orderedKey(lo);
    hi = orderedKey(hi);
    std::memcpy(&blockMin, &lo, sizeof lo);
    std::memcpy(&blockMax, &hi, sizeof hi);
    min = std::min(min, blockMin);
    max = std::max(max, blockMax);
  }
  return nonFinite;
}

} // namespace

TensorObserver::TensorObserver(int bins) {
  if (bins < 1)
    throw rt::Error("TensorObserver: the histogram needs at least one bin, got " +
                    std::to_string(bins));
  histogram_.assign(static_cast<size_t>(bins), 0.0);
}

void TensorObserver::observeRange(const float *values, int64_t count) {
  if (histogramStarted_)
    throw rt::Error("TensorObserver::observeRange called after beginHistogram");
  // Empty accumulators start at +-infinity so that the first finite value
  // replaces them; they become the observed range once a value was seen.
  float min = count_ > 0 ? min_ : std::numeric_limits<float>::infinity();
  float max = count_ > 0 ? max_ : -std::numeric_limits<float>::infinity();
  int64_t nonFinite = 0;
  for (int64_t start = 0; start < count; start += kCountBlock)
    nonFinite += rangeOfBlock(values + start, std::min(kCountBlock, count - start), min, max);
  nonFinite_ += nonFinite;
  count_ += std::max<int64_t>(count, 0) - nonFinite;
  if (count_ > 0) {
    min_ = min;
    max_ = max;
  }
}

void TensorObserver::beginHistogram() {
  histogramStarted_ = true;
  std::fill(histogram_.begin(), histogram_.end(), 0.0);
  partialCounts_.assign(kCopies * (histogram_.size() + 1), 0);
  binWidth_ = (static_cast<double>(max_) - static_cast<double>(min_)) /
              static_cast<double>(histogram_.size());
}

void TensorObserver::observeHistogram(const float *values, int64_t count) {
  if (!histogramStarted_)
    throw rt::Error("TensorObserver::observeHistogram called before beginHistogram");
  const int64_t bins = static_cast<int64_t>(histogram_.size()), stride = bins + 1;
  // bin = (x - min) * bins / (max - min), in float (4 lanes per SSE vector);
  // halving both operands first keeps the difference finite for any floats.
  // A zero-width range sends everything above it to the last bin, the rest
  // (the constant itself) to bin 0.
  const float halfLo = 0.5f * min_, hi = max_;
  const float perHalfUnit =
      binWidth_ > 0.0 ? static_cast<float>(std::min(2.0 / binWidth_, double(FLT_MAX))) : 0.0f;
  const float lastBin = static_cast<float>(bins - 1);
  const float above = binWidth_ > 0.0 ? 0.0f : lastBin;
  uint32_t *partial = partialCounts_.data();
  int32_t slot[kIndexBlock];
  for (int64_t start = 0; start < count; start += kIndexBlock) {
    const int64_t block = std::min(kIndexBlock, count - start);
    const float *v = values + start;
    // Slot 0 of every copy takes the NaNs and infinities; bin k is slot k + 1.
    for (int64_t j = 0; j < block; ++j) {
      const float x = v[j];
      const bool finite = std::fabs(x) <= FLT_MAX;
      float bin = (0.5f * x - halfLo) * perHalfUnit + (x > hi ? above : 0.0f);
      bin = bin >= 0.0f ? bin : 0.0f; // also maps a NaN to 0
      bin = bin <= lastBin ? bin : lastBin;
      slot[j] = static_cast<int32_t>(finite ? bin : -1.0f) + 1;
    }
    // kCopies interleaved counters: runs of equal bins do not serialise on
    // one memory location.
    int64_t j = 0;
    for (; j + kCopies <= block; j += kCopies)
      for (int c = 0; c < kCopies; ++c)
        ++partial[c * stride + slot[j + c]];
    for (; j < block; ++j)
      ++partial[slot[j]];
    if ((start + block) % kFoldBlock == 0 || start + block == count)
      foldPartialCounts();
  }
}

void TensorObserver::foldPartialCounts() {
  const size_t bins = histogram_.size(), stride = bins + 1;
  for (size_t k = 0; k < bins; ++k) {
    uint64_t sum = 0;
    for (size_t c = 0; c < kCopies; ++c)
      sum += partialCounts_[c * stride + k + 1];
    histogram_[k] += static_cast<double>(sum);
  }
  std::fill(partialCounts_.begin(), partialCounts_.end(), 0);
}

} // namespace vitc::calib
