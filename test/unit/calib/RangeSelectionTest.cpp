//===- RangeSelectionTest.cpp - minmax, percentile, MSE -------------------===//
#include "vitc/calib/RangeSelection.h"

#include "CalibTestUtil.h"

#include "vitc/rt/Error.h"

#include <catch2/catch.hpp>

#include <limits>

using namespace vitc::calib;
using namespace vitc::calib::testing;

namespace {

RangeOptions optionsFor(CalibMethod method, int bits = 8, double percentile = 99.99) {
  RangeOptions options;
  options.method = method;
  options.bits = bits;
  options.percentile = percentile;
  return options;
}

/// `count` copies of `value` appended to `values`.
void repeat(std::vector<float> &values, float value, int count) {
  values.insert(values.end(), count, value);
}

/// 100 values over [0, 10] in 10 bins of width 1, 10 per bin (cumulative
/// mass 10 x): 0 and 10 once each, the rest at the bin centres.
std::vector<float> uniformBins() {
  std::vector<float> values = {0.0f, 10.0f};
  for (int k = 0; k < 10; ++k)
    repeat(values, k + 0.5f, k == 0 || k == 9 ? 9 : 10);
  return values;
}

} // namespace

TEST_CASE("calibration method names", "[calib][range]") {
  for (CalibMethod method :
       {CalibMethod::MinMax, CalibMethod::Percentile, CalibMethod::Entropy, CalibMethod::Mse}) {
    CalibMethod parsed = CalibMethod::MinMax;
    CHECK(parseCalibMethod(calibMethodName(method), parsed));
    CHECK(parsed == method);
  }
  CalibMethod untouched = CalibMethod::Mse;
  CHECK_FALSE(parseCalibMethod("kl", untouched));
  CHECK_FALSE(parseCalibMethod("MinMax", untouched));
  CHECK(untouched == CalibMethod::Mse);
  CHECK(std::string(calibMethodName(CalibMethod::Entropy)) == "entropy");
}

TEST_CASE("minmax and degenerate observers", "[calib][range]") {
  const TensorObserver observer = observe({-1.0f, 0.25f, 3.0f}, 16);
  const Range range = selectRange(observer, optionsFor(CalibMethod::MinMax));
  CHECK(range.min == -1.0f);
  CHECK(range.max == 3.0f);
  for (CalibMethod method :
       {CalibMethod::MinMax, CalibMethod::Percentile, CalibMethod::Entropy, CalibMethod::Mse}) {
    const Range empty = selectRange(TensorObserver(), optionsFor(method));
    CHECK(empty.min == 0.0f);
    CHECK(empty.max == 0.0f);
    const Range constant = selectRange(observe(std::vector<float>(50, -2.5f)), optionsFor(method));
    CHECK(constant.min == -2.5f);
    CHECK(constant.max == -2.5f);
  }
  CHECK_THROWS_WITH(selectRange(observer, optionsFor(CalibMethod::MinMax, 4)),
                    Catch::Contains("bit width 4"));
}

TEST_CASE("histogram-based methods need the histogram pass", "[calib][range]") {
  TensorObserver observer;
  const std::vector<float> values = {1.0f, 2.0f};
  observer.observeRange(values.data(), 2);
  CHECK_THROWS_WITH(selectRange(observer, optionsFor(CalibMethod::Percentile)),
                    Catch::Contains("histogram pass"));
  CHECK(selectRange(observer, optionsFor(CalibMethod::MinMax)).max == 2.0f);
}

TEST_CASE("percentile interpolates within bins", "[calib][range][percentile]") {
  const TensorObserver observer = observe(uniformBins(), 10);
  REQUIRE(observer.binWidth() == 1.0);
  const auto check = [&](double p, float lo, float hi) {
    const Range range = selectRange(observer, optionsFor(CalibMethod::Percentile, 8, p));
    INFO("percentile " << p);
    CHECK(range.min == Approx(lo).epsilon(1e-6));
    CHECK(range.max == Approx(hi).epsilon(1e-6));
  };
  check(90.0, 1.0f, 9.0f);
  check(95.0, 0.5f, 9.5f);
  check(99.99, 0.001f, 9.999f);
  check(100.0, 0.0f, 10.0f);
  check(62.5, 3.75f, 6.25f);
}

TEST_CASE("percentile on a skewed histogram", "[calib][range][percentile]") {
  // [0, 4] in 4 bins: counts 50, 30, 15, 5.
  std::vector<float> values = {0.0f, 4.0f};
  repeat(values, 0.5f, 49);
  repeat(values, 1.5f, 30);
  repeat(values, 2.5f, 15);
  repeat(values, 3.5f, 4);
  const TensorObserver observer = observe(values, 4);
  const Range range = selectRange(observer, optionsFor(CalibMethod::Percentile, 8, 90.0));
  // Lower: 10 of 50 into bin 0 -> 0.2. Upper: 90 = 80 + 10 of bin 2's 15.
  CHECK(range.min == Approx(0.2).epsilon(1e-6));
  CHECK(range.max == Approx(2.0 + 10.0 / 15.0).epsilon(1e-6));
  for (double bad : {50.0, 100.5, 10.0, std::numeric_limits<double>::quiet_NaN()})
    CHECK_THROWS_WITH(selectRange(observer, optionsFor(CalibMethod::Percentile, 8, bad)),
                      Catch::Contains("(50, 100]"));
}

TEST_CASE("MSE clips a Gaussian and beats minmax", "[calib][range][mse]") {
  const std::vector<float> values = gaussianSamples(200000, 0.0, 1.0, 21);
  const TensorObserver observer = observe(values);
  const Range range = selectRange(observer, optionsFor(CalibMethod::Mse));
  CHECK(range.max < observer.max());
  CHECK(range.min > observer.min());
  // The INT8 optimum for a unit Gaussian clips near 4 sigma (max is ~4.5).
  CHECK(range.max > 3.0f);
  CHECK(range.min < -3.0f);
  const double mse = quantizationMse(values, activationParams(range.min, range.max, 8));
  const double minmax = quantizationMse(values, activationParams(observer.min(), observer.max(), 8));
  CHECK(mse < 0.9 * minmax);
  // ... and the MSE of its neighbours is not lower (it is the model's optimum
  // up to the histogram's resolution: within 1% of the best of them).
  for (double factor : {0.9, 0.95, 1.05}) {
    const float lo = std::max(observer.min(), static_cast<float>(range.min * factor));
    const float hi = std::min(observer.max(), static_cast<float>(range.max * factor));
    CHECK(mse <= 1.01 * quantizationMse(values, activationParams(lo, hi, 8)));
  }
}

TEST_CASE("MSE keeps about the whole range of a uniform", "[calib][range][mse]") {
  const std::vector<float> values = uniformSamples(200000, -1.0, 3.0, 22);
  const TensorObserver observer = observe(values);
  const Range range = selectRange(observer, optionsFor(CalibMethod::Mse));
  CHECK(range.min == Approx(observer.min()).epsilon(0.01));
  CHECK(range.max == Approx(observer.max()).epsilon(0.01));
  const double mse = quantizationMse(values, activationParams(range.min, range.max, 8));
  const double minmax = quantizationMse(values, activationParams(observer.min(), observer.max(), 8));
  CHECK(mse <= 1.01 * minmax);
}

TEST_CASE("MSE clips each end on its own", "[calib][range][mse]") {
  // A small negative end (post-GELU-like) and a heavy Laplacian positive
  // tail: the negative end needs no clipping, the positive one does.
  std::vector<float> values = laplaceSamples(1000000, 1.0, 23);
  for (float &v : values)
    v = v < 0.0f ? -0.17f * (1.0f - std::exp(v)) : v;
  const TensorObserver observer = observe(values);
  const Range range = selectRange(observer, optionsFor(CalibMethod::Mse));
  // The lower end moves by less than a grid step (s ~ 0.04): zero-point
  // alignment, not clipping.
  CHECK(range.min < observer.min() + 0.04f);
  // For the Laplace(1) tail the optimum balances (a/255)^2/12 against the
  // clipping error exp(-a): a ~ 10.4, while max ~ ln(5e5) ~ 13.
  CHECK(range.max < 0.9f * observer.max());
  CHECK(range.max == Approx(10.4).margin(0.6));
  const double mse = quantizationMse(values, activationParams(range.min, range.max, 8));
  CHECK(mse < quantizationMse(values, activationParams(observer.min(), observer.max(), 8)));
  // Squared error keeps a rare far outlier: clipping it would cost more than
  // the coarser grid.
  std::vector<float> withOutlier = gaussianSamples(100000, 0.0, 1.0, 27);
  withOutlier.push_back(40.0f);
  CHECK(selectRange(observe(withOutlier), optionsFor(CalibMethod::Mse)).max > 30.0f);
  // Non-negative data: the lower end stays at min.
  std::vector<float> positive = gaussianSamples(50000, 0.0, 1.0, 24);
  for (float &v : positive)
    v = std::fabs(v) + 0.5f;
  const TensorObserver onlyPositive = observe(positive);
  CHECK(selectRange(onlyPositive, optionsFor(CalibMethod::Mse)).min == onlyPositive.min());
}

TEST_CASE("MSE for INT16 barely clips", "[calib][range][mse]") {
  const std::vector<float> values = gaussianSamples(100000, 0.0, 1.0, 25);
  const TensorObserver observer = observe(values);
  const Range range = selectRange(observer, optionsFor(CalibMethod::Mse, 16));
  // Symmetric: only the magnitude is searched.
  CHECK(range.max >= 0.9f * observer.max());
  CHECK(range.min <= 0.9f * observer.min());
  const double mse = quantizationMse(values, activationParams(range.min, range.max, 16));
  CHECK(mse <= 1.01 * quantizationMse(values,
                                      activationParams(observer.min(), observer.max(), 16)));
}

TEST_CASE("every method stays within the observed range", "[calib][range]") {
  std::vector<float> values = laplaceSamples(30000, 0.5, 26);
  values.push_back(-9.0f);
  const TensorObserver observer = observe(values);
  for (CalibMethod method :
       {CalibMethod::MinMax, CalibMethod::Percentile, CalibMethod::Entropy, CalibMethod::Mse}) {
    for (int bits : {8, 16}) {
      const Range range = selectRange(observer, optionsFor(method, bits));
      INFO(calibMethodName(method) << " bits " << bits);
      CHECK(range.min >= observer.min());
      CHECK(range.max <= observer.max());
      CHECK(range.min <= range.max);
    }
  }
}
