//===- RangeSelection.cpp - Method dispatch, minmax, percentile, entropy ===//
//
// Every method returns a range inside the observed [min, max]; an observer
// without a finite value gives [0, 0] and a constant one [c, c] whatever the
// method. Entropy for INT16 falls back to minmax: on a 2048-bin histogram
// 32768 levels resolve every bin, so the KL search would only ever see
// clipping error and pick the full range anyway. INT8 activations are
// asymmetric, so entropy runs once per side of zero, each on a histogram of
// that side's |x| rebinned from the [min, max] one (sideHistogram): the
// positive values pick the upper bound, the negative ones the lower. (One
// search on |x| of both sides, TensorRT's symmetric form, clips the bright
// half of a normalised image whose dark background piles up at the minimum.)
//
//===----------------------------------------------------------------------===//
#include "vitc/calib/RangeSelection.h"

#include "Mse.h"

#include "vitc/rt/Error.h"

#include <algorithm>
#include <cmath>

namespace vitc::calib {

namespace {

constexpr int kInt8EntropyLevels = 128;

/// The value below which `target` of the histogram's mass lies, linear
/// within a bin (the mass of a bin is taken as spread evenly over it).
double valueAtMass(const TensorObserver &observer, double target) {
  const std::vector<double> &histogram = observer.histogram();
  double below = 0.0;
  for (size_t k = 0; k < histogram.size(); ++k) {
    const double count = histogram[k];
    if (count > 0.0 && below + count >= target) {
      const double fraction = std::clamp((target - below) / count, 0.0, 1.0);
      const double value = observer.min() + (static_cast<double>(k) + fraction) * observer.binWidth();
      return std::clamp(value, static_cast<double>(observer.min()),
                        static_cast<double>(observer.max()));
    }
    below += count;
  }
  return observer.max();
}

double histogramMass(const TensorObserver &observer) {
  double total = 0.0;
  for (double count : observer.histogram())
    total += count;
  return total;
}

Range percentileRange(const TensorObserver &observer, double percentile) {
  const double total = histogramMass(observer);
  return {static_cast<float>(valueAtMass(observer, total * (100.0 - percentile) / 100.0)),
          static_cast<float>(valueAtMass(observer, total * percentile / 100.0))};
}

/// Adds `mass`, spread evenly over [lo, hi], to the bins of width `width`
/// starting at 0 (clamped to the histogram, which is assumed to cover hi).
void spreadMass(std::vector<double> &histogram, double width, double lo, double hi, double mass) {
  const int64_t last = static_cast<int64_t>(histogram.size()) - 1;
  const auto binOf = [&](double x) {
    return std::clamp(static_cast<int64_t>(x / width), int64_t(0), last);
  };
  const int64_t first = binOf(lo), final = binOf(hi);
  double given = 0.0;
  for (int64_t t = first; t < final; ++t) {
    const double overlap = std::min(hi, (t + 1) * width) - std::max(lo, t * width);
    const double part = mass * std::max(overlap, 0.0) / (hi - lo);
    histogram[t] += part;
    given += part;
  }
  histogram[final] += std::max(mass - given, 0.0);
}

Range entropyRange(const TensorObserver &observer, int bits) {
  if (bits == 16)
    return {observer.min(), observer.max()};
  double upperWidth = 0.0, lowerWidth = 0.0;
  const std::vector<double> upperHistogram = sideHistogram(observer, Side::Positive, upperWidth);
  const std::vector<double> lowerHistogram = sideHistogram(observer, Side::Negative, lowerWidth);
  const double upper = entropyThreshold(upperHistogram, upperWidth, kInt8EntropyLevels);
  const double lower = entropyThreshold(lowerHistogram, lowerWidth, kInt8EntropyLevels);
  return {static_cast<float>(std::max(static_cast<double>(observer.min()), -lower)),
          static_cast<float>(std::min(static_cast<double>(observer.max()), upper))};
}

} // namespace

std::vector<double> sideHistogram(const TensorObserver &observer, Side side, double &binWidth) {
  const std::vector<double> &histogram = observer.histogram();
  const double lo = observer.min(), width = observer.binWidth();
  const bool positive = side == Side::Positive;
  const double magnitude = positive ? std::max(static_cast<double>(observer.max()), 0.0)
                                    : std::max(-lo, 0.0);
  binWidth = magnitude / static_cast<double>(histogram.size());
  std::vector<double> folded(histogram.size(), 0.0);
  for (size_t k = 0; k < histogram.size(); ++k) {
    const double mass = histogram[k];
    if (mass == 0.0)
      continue;
    const double x0 = lo + static_cast<double>(k) * width, x1 = x0 + width;
    // This side's part of the bin as [a, b] in |x|, with its share of the mass.
    double a, b, part;
    if (positive) {
      if (x1 <= 0.0 && width > 0.0)
        continue;
      a = std::max(x0, 0.0);
      b = std::min(x1, magnitude);
      part = x0 >= 0.0 || width == 0.0 ? mass : mass * (x1 / width);
    } else {
      if (x0 >= 0.0)
        continue;
      a = std::max(-x1, 0.0);
      b = std::min(-x0, magnitude);
      part = x1 <= 0.0 ? mass : mass * (-x0 / width);
    }
    if (magnitude == 0.0)
      folded[0] += part;
    else
      spreadMass(folded, binWidth, a, std::max(a, b), part);
  }
  return folded;
}

bool parseCalibMethod(const std::string &text, CalibMethod &method) {
  for (CalibMethod candidate :
       {CalibMethod::MinMax, CalibMethod::Percentile, CalibMethod::Entropy, CalibMethod::Mse}) {
    if (text == calibMethodName(candidate)) {
      method = candidate;
      return true;
    }
  }
  return false;
}

const char *calibMethodName(CalibMethod method) {
  switch (method) {
  case CalibMethod::MinMax:
    return "minmax";
  case CalibMethod::Percentile:
    return "percentile";
  case CalibMethod::Entropy:
    return "entropy";
  case CalibMethod::Mse:
    return "mse";
  }
  return "unknown";
}

Range selectRange(const TensorObserver &observer, const RangeOptions &options) {
  if (options.bits != 8 && options.bits != 16)
    throw rt::Error("range selection: unsupported bit width " + std::to_string(options.bits) +
                    " (supported: 8, 16)");
  if (options.method == CalibMethod::Percentile &&
      !(options.percentile > 50.0 && options.percentile <= 100.0))
    throw rt::Error("percentile calibration: the percentile must be in (50, 100], got " +
                    std::to_string(options.percentile));
  if (!observer.hasRange())
    return {0.0f, 0.0f};
  if (observer.min() == observer.max())
    return {observer.min(), observer.max()};
  if (options.method != CalibMethod::MinMax && histogramMass(observer) == 0.0)
    throw rt::Error(std::string(calibMethodName(options.method)) +
                    " calibration needs the histogram pass (beginHistogram, "
                    "observeHistogram), but the histogram is empty");
  switch (options.method) {
  case CalibMethod::MinMax:
    return {observer.min(), observer.max()};
  case CalibMethod::Percentile:
    return percentileRange(observer, options.percentile);
  case CalibMethod::Entropy:
    return entropyRange(observer, options.bits);
  case CalibMethod::Mse:
    return detail::mseRange(observer, options.bits);
  }
  throw rt::Error("range selection: unknown calibration method");
}

} // namespace vitc::calib
