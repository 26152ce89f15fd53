//===- CalibTestUtil.h - Synthetic data for the calibration tests -*- C++ -*-===//
//
// Seeded samplers built on std::mt19937_64 (whose output the standard fixes)
// with explicit transforms, so every platform draws the same numbers; and an
// observer that has seen a sample through both calibration passes.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_TEST_UNIT_CALIB_CALIBTESTUTIL_H
#define VITC_TEST_UNIT_CALIB_CALIBTESTUTIL_H

#include "vitc/calib/Observer.h"
#include "vitc/calib/QuantParams.h"

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace vitc::calib::testing {

/// Uniform on [0, 1) from the top 53 bits.
inline double unitUniform(std::mt19937_64 &engine) {
  return static_cast<double>(engine() >> 11) * 0x1.0p-53;
}

inline std::vector<float> uniformSamples(int64_t count, double lo, double hi, uint64_t seed) {
  std::mt19937_64 engine(seed);
  std::vector<float> values(count);
  for (float &v : values)
    v = static_cast<float>(lo + (hi - lo) * unitUniform(engine));
  return values;
}

/// N(mean, sigma^2) by Box-Muller.
inline std::vector<float> gaussianSamples(int64_t count, double mean, double sigma,
                                          uint64_t seed) {
  std::mt19937_64 engine(seed);
  std::vector<float> values(count);
  const double twoPi = 6.283185307179586;
  for (float &v : values) {
    const double u1 = 1.0 - unitUniform(engine), u2 = unitUniform(engine);
    v = static_cast<float>(mean + sigma * std::sqrt(-2.0 * std::log(u1)) * std::cos(twoPi * u2));
  }
  return values;
}

/// Laplace(0, b) by inverting its CDF.
inline std::vector<float> laplaceSamples(int64_t count, double b, uint64_t seed) {
  std::mt19937_64 engine(seed);
  std::vector<float> values(count);
  for (float &v : values) {
    const double u = unitUniform(engine) - 0.5;
    v = static_cast<float>(-b * (u < 0 ? -1.0 : 1.0) * std::log(1.0 - 2.0 * std::fabs(u)));
  }
  return values;
}

/// An observer after both passes over `values`.
inline TensorObserver observe(const std::vector<float> &values, int bins = 2048) {
  TensorObserver observer(bins);
  observer.observeRange(values.data(), static_cast<int64_t>(values.size()));
  observer.beginHistogram();
  observer.observeHistogram(values.data(), static_cast<int64_t>(values.size()));
  return observer;
}

/// Mean squared error of quantising `values` with `params` as
/// docs/quantization.md's quantize/dequantize do (fp32 r / s, rha, clamp).
inline double quantizationMse(const std::vector<float> &values, const QuantParams &params) {
  double sum = 0.0;
  for (float r : values) {
    double q = roundHalfAway(static_cast<double>(r / params.scale)) + params.zeroPoint;
    q = q < params.qmin ? params.qmin : (q > params.qmax ? params.qmax : q);
    const float back = static_cast<float>(q - params.zeroPoint) * params.scale;
    sum += (static_cast<double>(r) - back) * (static_cast<double>(r) - back);
  }
  return sum / static_cast<double>(values.size());
}

} // namespace vitc::calib::testing

#endif // VITC_TEST_UNIT_CALIB_CALIBTESTUTIL_H
