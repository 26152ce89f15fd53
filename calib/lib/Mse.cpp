//===- Mse.cpp - Minimum-squared-error range search ---------------------===//
//
// The error model: the mass of every histogram bin is spread evenly over the
// bin; a value x is quantised with the candidate's real parameters
// (activationParams: widened to contain 0, rounded zero point, fp32 scale).
// In grid units u = x / s + z the squared error is (u - round(u))^2 inside
// [qmin - 1/2, qmax + 1/2] and (u - qmax)^2 or (u - qmin)^2 beyond it, so its
// integral over a bin is a difference of a closed-form antiderivative Phi
// evaluated at the bin edges. The expected error of a candidate therefore
// costs bins + 1 evaluations of Phi (branch-free, vectorisable).
//
// The search (all fractions of the observed range widened to contain 0,
// [lo0, hi0]):
//   INT8:  1. both ends together: [f lo0, f hi0];
//          2. the lower end alone, the upper one fixed at step 1's choice;
//          3. the upper end alone, the lower one fixed at step 2's choice.
//   INT16: the magnitude alone (the scale is symmetric): [-f m, f m].
// Each step is a one-dimensional search: f = k/64 for k = 64 .. 1, then
// around the best k every f = t/1024 within one coarse step of it. Candidates
// are visited from the widest, and only a strictly smaller error replaces
// the best, so ties keep the wider range. The INT8 search costs 288 error
// evaluations, the INT16 one 96.
//
//===----------------------------------------------------------------------===//
#include "Mse.h"

#include "vitc/calib/QuantParams.h"

#include <algorithm>
#include <cmath>

namespace vitc::calib::detail {

namespace {

constexpr int64_t kCoarseSteps = 64;
constexpr int64_t kFineSteps = 16; // per coarse step
constexpr double kThird = 1.0 / 3.0, kTwelfth = 1.0 / 12.0;

/// Expected squared quantisation error of the observer's histogram under the
/// parameters of a candidate range.
class ErrorModel {
public:
  ErrorModel(const TensorObserver &observer, int bits)
      : histogram_(observer.histogram()), min_(observer.min()), width_(observer.binWidth()),
        bits_(bits), edges_(histogram_.size() + 1) {}

  /// Sum over the histogram of (x - dequantize(quantize(x)))^2.
  double operator()(double lo, double hi) {
    const QuantParams params =
        activationParams(static_cast<float>(lo), static_cast<float>(hi), bits_);
    const double scale = params.scale;
    const double first = min_ / scale + params.zeroPoint, step = width_ / scale;
    const double qmin = params.qmin, qmax = params.qmax;
    const double bottom = qmin - 0.5, top = qmax + 0.5;
    const int32_t edgeCount = static_cast<int32_t>(edges_.size());
    double *edges = edges_.data();
    // Branch-free so that it vectorises: the clipping terms use u clamped
    // to beyond the grid, which makes them exactly 0 inside it.
    for (int32_t k = 0; k < edgeCount; ++k) {
      const double u = first + static_cast<double>(k) * step;
      const double low = u < bottom ? u : bottom, high = u > top ? u : top;
      double inside = u > bottom ? u : bottom;
      inside = inside < top ? inside : top;
      // Nearest grid point (ties up); the offset keeps the truncation a floor.
      const double nearest =
          static_cast<double>(static_cast<int32_t>(inside + 0.5 + 65536.0)) - 65536.0;
      const double offset = inside - nearest;
      const double aboveBy = high - qmax, belowBy = low - qmin;
      edges[k] = nearest * kTwelfth + (offset * offset * offset + 0.125) * kThird +
                 (aboveBy * aboveBy * aboveBy - 0.125) * kThird +
                 (belowBy * belowBy * belowBy + 0.125) * kThird;
    }
    double sum = 0.0;
    for (int32_t k = 0; k + 1 < edgeCount; ++k)
      sum += histogram_[k] * (edges[k + 1] - edges[k]);
    return sum * scale * scale / step;
  }

private:
  const std::vector<double> &histogram_;
  double min_, width_;
  int bits_;
  std::vector<double> edges_; ///< Phi at every bin edge, reused across calls
};

/// The fraction f in (0, 1] that minimises error(f): coarse grid, then a
/// finer one around the coarse optimum (see the file comment).
template <typename ErrorOf> double searchFraction(ErrorOf errorOf) {
  constexpr int64_t fine = kCoarseSteps * kFineSteps;
  double best = errorOf(1.0);
  int64_t bestStep = fine; // in units of 1/fine
  for (int64_t k = kCoarseSteps - 1; k >= 1; --k) {
    const double error = errorOf(static_cast<double>(k) / kCoarseSteps);
    if (error < best) {
      best = error;
      bestStep = k * kFineSteps;
    }
  }
  const int64_t coarseBest = bestStep;
  for (int64_t t = std::min(fine, coarseBest + kFineSteps);
       t >= std::max<int64_t>(1, coarseBest - kFineSteps); --t) {
    if (t == coarseBest)
      continue;
    const double error = errorOf(static_cast<double>(t) / fine);
    if (error < best) {
      best = error;
      bestStep = t;
    }
  }
  return static_cast<double>(bestStep) / fine;
}

} // namespace

Range mseRange(const TensorObserver &observer, int bits) {
  ErrorModel errorOf(observer, bits);
  const double lo0 = std::min(static_cast<double>(observer.min()), 0.0);
  const double hi0 = std::max(static_cast<double>(observer.max()), 0.0);
  double lo = lo0, hi = hi0;
  if (bits == 16) {
    const double magnitude = std::max(-lo0, hi0);
    const double f =
        searchFraction([&](double f) { return errorOf(-f * magnitude, f * magnitude); });
    lo = -f * magnitude;
    hi = f * magnitude;
  } else {
    const double both = searchFraction([&](double f) { return errorOf(f * lo0, f * hi0); });
    lo = both * lo0;
    hi = both * hi0;
    if (lo0 < 0.0)
      lo = lo0 * searchFraction([&](double f) { return errorOf(f * lo0, hi); });
    if (hi0 > 0.0)
      hi = hi0 * searchFraction([&](double f) { return errorOf(lo, f * hi0); });
  }
  return {static_cast<float>(std::max(lo, static_cast<double>(observer.min()))),
          static_cast<float>(std::min(hi, static_cast<double>(observer.max())))};
}

} // namespace vitc::calib::detail
