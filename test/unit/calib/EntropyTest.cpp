//===- EntropyTest.cpp - TensorRT KL threshold vs a brute-force reference ===//
//
// The reference builds P and Q bin by bin for every candidate, as
// docs/quantization.md describes them, and measures KL with klDivergence;
// the library computes the same divergences from prefix sums. Both must pick
// the same candidate (their divergences agree to ~1e-12, far below the gaps
// between candidates on these distributions).
//
//===----------------------------------------------------------------------===//
#include "vitc/calib/Metrics.h"
#include "vitc/calib/RangeSelection.h"

#include "CalibTestUtil.h"

#include "vitc/rt/Error.h"

#include <catch2/catch.hpp>

#include <cmath>

using namespace vitc::calib;
using namespace vitc::calib::testing;

namespace {

/// The slow definition: O(bins) work per candidate, no prefix sums.
double referenceThreshold(const std::vector<double> &h, double width, int levels) {
  const int64_t bins = static_cast<int64_t>(h.size());
  double best = INFINITY;
  int64_t bestBins = bins;
  for (int64_t i = levels; i <= bins; ++i) {
    std::vector<double> p(h.begin(), h.begin() + i);
    for (int64_t k = i; k < bins; ++k)
      p[i - 1] += h[k];
    std::vector<double> q(i, 0.0);
    for (int64_t j = 0; j < levels; ++j) {
      const int64_t start = j * i / levels, end = (j + 1) * i / levels;
      double mass = 0.0;
      int64_t nonEmpty = 0;
      for (int64_t k = start; k < end; ++k) {
        mass += h[k];
        nonEmpty += p[k] > 0.0 ? 1 : 0;
      }
      for (int64_t k = start; k < end; ++k)
        q[k] = p[k] > 0.0 ? mass / static_cast<double>(nonEmpty) : 0.0;
    }
    const double divergence = klDivergence(p, q, 1e-10);
    if (divergence < best) {
      best = divergence;
      bestBins = i;
    }
  }
  return (static_cast<double>(bestBins) + 0.5) * width;
}

/// Histogram of |x| with `bins` bins over [0, max|x|].
std::vector<double> absHistogram(const std::vector<float> &values, int bins, double &width) {
  double magnitude = 0.0;
  for (float v : values)
    magnitude = std::max(magnitude, std::fabs(static_cast<double>(v)));
  width = magnitude / bins;
  std::vector<double> h(bins, 0.0);
  for (float v : values)
    h[std::min<int64_t>(bins - 1, static_cast<int64_t>(std::fabs(v) / width))] += 1.0;
  return h;
}

} // namespace

TEST_CASE("entropy: Gaussian with far outliers clips well inside max|x|", "[calib][entropy]") {
  std::vector<float> values = gaussianSamples(200000, 0.0, 1.0, 11);
  for (float outlier : {40.0f, -45.0f, 50.0f, 47.5f, -42.0f})
    values.push_back(outlier);
  double width = 0.0;
  const std::vector<double> h = absHistogram(values, 2048, width);
  const double threshold = entropyThreshold(h, width);
  CHECK(threshold == referenceThreshold(h, width, 128));
  // The bulk ends near 4.5 sigma; the outliers sit at 40-50.
  CHECK(threshold > 2.5);
  CHECK(threshold < 0.2 * 50.0);
}

TEST_CASE("entropy: Laplacian", "[calib][entropy]") {
  const std::vector<float> values = laplaceSamples(200000, 1.0, 12);
  double width = 0.0;
  const std::vector<double> h = absHistogram(values, 2048, width);
  const double threshold = entropyThreshold(h, width);
  CHECK(threshold == referenceThreshold(h, width, 128));
  CHECK(threshold < 2048 * width);
  CHECK(threshold > 4.0); // the scale is 1; clipping below 4b would lose too much mass
}

TEST_CASE("entropy: a uniform |x| keeps the whole range", "[calib][entropy]") {
  // Every candidate below 2048 bins piles the tail onto one bin; at 2048 the
  // 128 levels of 16 equal bins reproduce P exactly (KL = 0).
  const std::vector<double> h(2048, 100.0);
  CHECK(entropyThreshold(h, 0.01) == Approx(2048.5 * 0.01).epsilon(1e-12));
  CHECK(referenceThreshold(h, 0.01, 128) == Approx(2048.5 * 0.01).epsilon(1e-12));
  // Sampled uniform data: the threshold is at (or within a few % of) max|x|.
  const std::vector<float> values = uniformSamples(300000, -3.0, 3.0, 13);
  double width = 0.0;
  const std::vector<double> sampled = absHistogram(values, 2048, width);
  const double threshold = entropyThreshold(sampled, width);
  CHECK(threshold == referenceThreshold(sampled, width, 128));
  CHECK(threshold > 0.97 * 3.0);
}

TEST_CASE("entropy: sparse histograms and the empty-Q smoothing", "[calib][entropy]") {
  // Mass in a few bins only: candidates whose last level is empty in Q but
  // carries the outliers in P hit the epsilon smoothing.
  std::vector<double> h(2048, 0.0);
  h[3] = 1000;
  h[40] = 500;
  h[700] = 20;
  h[2047] = 1;
  CHECK(entropyThreshold(h, 1.0) == referenceThreshold(h, 1.0, 128));
  // Fewer levels (a coarser grid) on a smaller histogram.
  std::vector<double> small(300, 0.0);
  for (int k = 0; k < 300; ++k)
    small[k] = 1000.0 * std::exp(-k / 20.0) + (k == 299 ? 3.0 : 0.0);
  CHECK(entropyThreshold(small, 0.5, 16) == referenceThreshold(small, 0.5, 16));
}

TEST_CASE("entropy: deterministic and scale invariant", "[calib][entropy]") {
  const std::vector<float> values = gaussianSamples(50000, 0.0, 2.0, 14);
  double width = 0.0;
  std::vector<double> h = absHistogram(values, 2048, width);
  const double first = entropyThreshold(h, width);
  CHECK(entropyThreshold(h, width) == first);
  for (double &count : h)
    count *= 4.0; // a four times larger calibration set with the same shape
  CHECK(entropyThreshold(h, width) == first);
}

TEST_CASE("entropy: edge cases", "[calib][entropy]") {
  // Fewer bins than levels, or no mass: nothing to search, the whole range.
  CHECK(entropyThreshold(std::vector<double>(100, 1.0), 0.5) == 50.0);
  CHECK(entropyThreshold(std::vector<double>(2048, 0.0), 0.5) == 1024.0);
  // As many bins as levels: the only candidate.
  CHECK(entropyThreshold(std::vector<double>(128, 1.0), 1.0) == 128.5);
  CHECK_THROWS_AS(entropyThreshold({1.0, -1.0}, 1.0, 1), vitc::rt::Error);
  CHECK_THROWS_AS(entropyThreshold({1.0}, 1.0, 0), vitc::rt::Error);
  CHECK_THROWS_AS(entropyThreshold({1.0}, -1.0), vitc::rt::Error);
}

TEST_CASE("side histograms split and rebin the [min, max] one", "[calib][entropy]") {
  // [-1, 3] in 4 bins of width 1 with counts 2, 1, 2, 4. Positive side: |x|
  // over [0, 3] in bins of 0.75: [0, 1) gives 3/4 and 1/4, [1, 2) halves
  // between [.75, 1.5) and [1.5, 2.25), [2, 3] 1/4 and 3/4. Negative side:
  // [0, 1] in bins of 0.25, the 2 values of [-1, 0) spread evenly.
  const TensorObserver observer =
      observe({-1.0f, -0.5f, 0.5f, 1.2f, 1.7f, 2.1f, 2.5f, 2.9f, 3.0f}, 4);
  double width = 0.0;
  const std::vector<double> positive = sideHistogram(observer, Side::Positive, width);
  CHECK(width == 0.75);
  REQUIRE(positive.size() == 4);
  CHECK(positive[0] == Approx(0.75).epsilon(1e-12));
  CHECK(positive[1] == Approx(1.25).epsilon(1e-12));
  CHECK(positive[2] == Approx(2.0).epsilon(1e-12));
  CHECK(positive[3] == Approx(3.0).epsilon(1e-12));
  const std::vector<double> negative = sideHistogram(observer, Side::Negative, width);
  CHECK(width == 0.25);
  for (double count : negative)
    CHECK(count == Approx(0.5).epsilon(1e-12));
  // A bin across 0: [-0.5, 0.5) gives half its mass to each side.
  const TensorObserver straddling = observe({-0.5f, 0.25f, 0.5f, 1.5f}, 2);
  const std::vector<double> up = sideHistogram(straddling, Side::Positive, width);
  CHECK(width == 0.75);
  CHECK(up[0] == Approx(1.0 + 0.25 * 2.0).epsilon(1e-12));
  CHECK(up[1] == Approx(0.75 * 2.0).epsilon(1e-12));
  const std::vector<double> down = sideHistogram(straddling, Side::Negative, width);
  CHECK(width == 0.25);
  CHECK(down[0] == Approx(0.5).epsilon(1e-12));
  CHECK(down[1] == Approx(0.5).epsilon(1e-12));
  // All zeros: the positive side holds them in bin 0, the negative side nothing.
  const TensorObserver zeros = observe({0.0f, 0.0f}, 8);
  CHECK(sideHistogram(zeros, Side::Positive, width)[0] == 2.0);
  CHECK(width == 0.0);
  const std::vector<double> none = sideHistogram(zeros, Side::Negative, width);
  CHECK(std::accumulate(none.begin(), none.end(), 0.0) == 0.0);
}

TEST_CASE("entropy range selection from an observer", "[calib][entropy]") {
  std::vector<float> values = gaussianSamples(100000, 0.5, 1.0, 15);
  values.push_back(60.0f);
  values.push_back(-20.0f);
  const TensorObserver observer = observe(values);
  const Range range = selectRange(observer, {CalibMethod::Entropy, 99.99, 8});
  // One threshold per side: both clip their outlier, inside [-8, 8].
  CHECK(range.max > 3.0f);
  CHECK(range.max < 8.0f);
  CHECK(range.min < -2.0f);
  CHECK(range.min > -8.0f);
  // INT16 falls back to minmax.
  const Range wide = selectRange(observer, {CalibMethod::Entropy, 99.99, 16});
  CHECK(wide.min == -20.0f);
  CHECK(wide.max == 60.0f);
  // One-sided data: the negative end stays at min.
  std::vector<float> positive = uniformSamples(20000, 0.0, 1.0, 16);
  positive.push_back(30.0f);
  const Range clipped = selectRange(observe(positive), {CalibMethod::Entropy, 99.99, 8});
  CHECK(clipped.min == observe(positive).min());
  CHECK(clipped.max < 3.0f);
  // A normalised image: half the pixels are background at the minimum, the
  // rest spread above it. The bright side must not be clipped to |min| (one
  // search on |x| of both sides put the bound at 0.81).
  std::vector<float> image(20000, -0.81f);
  const std::vector<float> bright = uniformSamples(20000, -0.81, 2.02, 17);
  image.insert(image.end(), bright.begin(), bright.end());
  const Range normalised = selectRange(observe(image), {CalibMethod::Entropy, 99.99, 8});
  CHECK(normalised.min == -0.81f);
  CHECK(normalised.max > 1.8f);
}
