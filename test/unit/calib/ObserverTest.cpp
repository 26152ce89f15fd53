//===- ObserverTest.cpp - Range and histogram passes ----------------------===//
#include "vitc/calib/Observer.h"

#include "CalibTestUtil.h"

#include "vitc/rt/Error.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cfloat>
#include <limits>

using namespace vitc::calib;
using namespace vitc::calib::testing;

namespace {
const float kNaN = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();
} // namespace

TEST_CASE("the range pass ignores NaN and infinities", "[calib][observer]") {
  TensorObserver observer;
  CHECK_FALSE(observer.hasRange());
  const std::vector<float> a = {kNaN, 1.5f, -kInf, -2.0f, kInf};
  observer.observeRange(a.data(), 5);
  CHECK(observer.hasRange());
  CHECK(observer.min() == -2.0f);
  CHECK(observer.max() == 1.5f);
  CHECK(observer.count() == 2);
  CHECK(observer.nonFiniteCount() == 3);
  // A second batch widens the range.
  const std::vector<float> b = {4.0f, 0.0f};
  observer.observeRange(b.data(), 2);
  CHECK(observer.min() == -2.0f);
  CHECK(observer.max() == 4.0f);
  CHECK(observer.count() == 4);
}

TEST_CASE("empty and all-NaN inputs leave no range", "[calib][observer]") {
  TensorObserver observer(16);
  observer.observeRange(nullptr, 0);
  const std::vector<float> nans(40, kNaN);
  observer.observeRange(nans.data(), 40);
  CHECK_FALSE(observer.hasRange());
  CHECK(observer.nonFiniteCount() == 40);
  observer.beginHistogram();
  observer.observeHistogram(nans.data(), 40);
  CHECK(observer.binWidth() == 0.0);
  CHECK(observer.histogram() == std::vector<double>(16, 0.0));
}

TEST_CASE("the histogram pass bins values over [min, max]", "[calib][observer]") {
  // [0, 8] in 8 bins of width 1; max lands in the last bin.
  const std::vector<float> values = {0.0f, 0.5f, 1.5f, 1.0f, 7.9f, 8.0f, 3.999f, kNaN};
  TensorObserver observer = observe(values, 8);
  CHECK(observer.binWidth() == 1.0);
  CHECK(observer.histogram() == std::vector<double>{2, 2, 0, 1, 0, 0, 0, 2});
  // Values outside the first pass's range go to the end bins.
  const std::vector<float> outside = {-5.0f, 100.0f, kInf};
  observer.observeHistogram(outside.data(), 3);
  CHECK(observer.histogram() == std::vector<double>{3, 2, 0, 1, 0, 0, 0, 3});
}

TEST_CASE("a constant tensor has zero bin width", "[calib][observer]") {
  const std::vector<float> values(100, 3.0f);
  TensorObserver observer = observe(values, 32);
  CHECK(observer.min() == 3.0f);
  CHECK(observer.max() == 3.0f);
  CHECK(observer.binWidth() == 0.0);
  CHECK(observer.histogram()[0] == 100.0);
  const std::vector<float> other = {2.0f, 4.0f};
  observer.observeHistogram(other.data(), 2);
  CHECK(observer.histogram()[0] == 101.0);
  CHECK(observer.histogram()[31] == 1.0);
}

TEST_CASE("the block loops agree with a naive count", "[calib][observer]") {
  // 10007 values: several index blocks and a tail that is not a lane multiple.
  std::vector<float> values = gaussianSamples(10007, 0.3, 2.0, 7);
  values[123] = kNaN;
  values[5000] = -kInf;
  TensorObserver observer = observe(values, 100);
  float lo = kInf, hi = -kInf;
  for (float v : values)
    if (std::isfinite(v)) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  CHECK(observer.min() == lo);
  CHECK(observer.max() == hi);
  CHECK(observer.count() == 10005);
  // The documented formula, in float as the observer computes it.
  std::vector<double> expected(100, 0.0);
  const float perHalfUnit = static_cast<float>(2.0 / observer.binWidth());
  for (float v : values)
    if (std::isfinite(v))
      expected[std::min<int64_t>(99, static_cast<int64_t>((0.5f * v - 0.5f * lo) * perHalfUnit))] +=
          1.0;
  CHECK(observer.histogram() == expected);
}

TEST_CASE("extreme ranges stay finite", "[calib][observer]") {
  // The full float range: x - min would overflow in float; halving first
  // keeps it finite.
  const TensorObserver wide = observe({-FLT_MAX, 0.0f, FLT_MAX, FLT_MAX / 3.0f}, 4);
  CHECK(wide.histogram() == std::vector<double>{1, 0, 2, 1});
  // A subnormal range is binned coarsely but every value is counted once.
  const TensorObserver tiny = observe({0.0f, 1e-44f, 5e-45f}, 4);
  double mass = 0.0;
  for (double count : tiny.histogram())
    mass += count;
  CHECK(mass == 3.0);
}

TEST_CASE("observer misuse is reported", "[calib][observer]") {
  CHECK_THROWS_AS(TensorObserver(0), vitc::rt::Error);
  TensorObserver observer;
  const float v = 1.0f;
  CHECK_THROWS_WITH(observer.observeHistogram(&v, 1), Catch::Contains("before beginHistogram"));
  observer.observeRange(&v, 1);
  observer.beginHistogram();
  CHECK_THROWS_WITH(observer.observeRange(&v, 1), Catch::Contains("after beginHistogram"));
}
