//===- QuantParams.cpp - Scales and zero points from ranges ---------------===//
//
// docs/quantization.md, "Parameters": every formula in double, scales stored
// as float. A scale too small for a normal float (a range narrower than about
// 3e-36) is raised to FLT_MIN so that no stored scale is zero or subnormal.
//
//===----------------------------------------------------------------------===//
#include "vitc/calib/QuantParams.h"

#include "vitc/rt/Error.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>
#include <string>

namespace vitc::calib {

namespace {

void checkRange(float min, float max, const char *what) {
  if (!std::isfinite(min) || !std::isfinite(max) || min > max)
    throw rt::Error(std::string(what) + ": invalid range [" + std::to_string(min) + ", " +
                    std::to_string(max) + "] (must be finite with min <= max)");
}

/// The largest weight magnitude (127 or 7) for `bits` (8 or 4).
int32_t weightQmax(int bits) {
  if (bits == 8)
    return 127;
  if (bits == 4)
    return 7;
  throw rt::Error("weight quantisation: unsupported bit width " + std::to_string(bits) +
                  " (supported: 4, 8)");
}

double storableScale(double scale) { return std::max(scale, static_cast<double>(FLT_MIN)); }

} // namespace

double roundHalfAway(double x) { return x < 0 ? -std::floor(-x + 0.5) : std::floor(x + 0.5); }

QuantParams int8Asymmetric(float min, float max) {
  checkRange(min, max, "int8Asymmetric");
  const double lo = std::min(static_cast<double>(min), 0.0);
  const double hi = std::max(static_cast<double>(max), 0.0);
  QuantParams params; // scale 1, zero point 0, [-128, 127]: the degenerate range
  if (hi == lo)
    return params;
  const double scale = storableScale((hi - lo) / 255.0);
  const double zeroPoint = -128.0 - roundHalfAway(lo / scale);
  params.scale = static_cast<float>(scale);
  params.zeroPoint = static_cast<int32_t>(std::clamp(zeroPoint, -128.0, 127.0));
  return params;
}

QuantParams int16Symmetric(float min, float max) {
  checkRange(min, max, "int16Symmetric");
  const double magnitude =
      std::max(std::fabs(static_cast<double>(min)), std::fabs(static_cast<double>(max)));
  QuantParams params;
  params.scale = magnitude == 0.0 ? 1.0f : static_cast<float>(storableScale(magnitude / 32767.0));
  params.zeroPoint = 0;
  params.qmin = -32767;
  params.qmax = 32767;
  params.bits = 16;
  return params;
}

QuantParams activationParams(float min, float max, int bits) {
  if (bits == 8)
    return int8Asymmetric(min, max);
  if (bits == 16)
    return int16Symmetric(min, max);
  throw rt::Error("activation quantisation: unsupported bit width " + std::to_string(bits) +
                  " (supported: 8, 16)");
}

std::vector<float> perChannelScales(const float *weights, int64_t channels, int64_t perChannel,
                                    int bits) {
  const double qmax = weightQmax(bits);
  if (channels < 0 || perChannel < 0)
    throw rt::Error("perChannelScales: negative channel count or size");
  std::vector<float> scales(static_cast<size_t>(channels));
  for (int64_t c = 0; c < channels; ++c) {
    const float *row = weights + c * perChannel;
    float magnitude = 0.0f;
    bool finite = true;
    for (int64_t k = 0; k < perChannel; ++k) {
      finite &= std::fabs(row[k]) <= FLT_MAX;
      magnitude = std::max(magnitude, std::fabs(row[k]));
    }
    if (!finite)
      throw rt::Error("perChannelScales: channel " + std::to_string(c) +
                      " holds a NaN or infinite weight");
    scales[c] = magnitude == 0.0f ? 1.0f : static_cast<float>(storableScale(magnitude / qmax));
  }
  return scales;
}

std::vector<int8_t> quantizeWeights(const float *weights, int64_t channels, int64_t perChannel,
                                    const std::vector<float> &scales, int bits) {
  const double qmax = weightQmax(bits);
  if (channels < 0 || perChannel < 0 || static_cast<int64_t>(scales.size()) != channels)
    throw rt::Error("quantizeWeights: " + std::to_string(scales.size()) + " scales for " +
                    std::to_string(channels) + " channels");
  std::vector<int8_t> quantized(static_cast<size_t>(channels * perChannel));
  for (int64_t c = 0; c < channels; ++c) {
    const double scale = scales[c];
    if (!(scale > 0.0) || !std::isfinite(scale))
      throw rt::Error("quantizeWeights: scale of channel " + std::to_string(c) +
                      " is not positive and finite");
    for (int64_t k = 0; k < perChannel; ++k) {
      const double q = roundHalfAway(static_cast<double>(weights[c * perChannel + k]) / scale);
      quantized[c * perChannel + k] = static_cast<int8_t>(std::clamp(q, -qmax, qmax));
    }
  }
  return quantized;
}

std::vector<int32_t> quantizeBias(const float *bias, int64_t channels, float inputScale,
                                  const std::vector<float> &weightScales) {
  if (channels < 0 || static_cast<int64_t>(weightScales.size()) != channels)
    throw rt::Error("quantizeBias: " + std::to_string(weightScales.size()) +
                    " weight scales for " + std::to_string(channels) + " channels");
  const double lowest = std::numeric_limits<int32_t>::min();
  const double highest = std::numeric_limits<int32_t>::max();
  std::vector<int32_t> quantized(static_cast<size_t>(channels));
  for (int64_t c = 0; c < channels; ++c) {
    const double scale = static_cast<double>(inputScale) * static_cast<double>(weightScales[c]);
    if (!(scale > 0.0) || !std::isfinite(scale) || !std::isfinite(bias[c]))
      throw rt::Error("quantizeBias: channel " + std::to_string(c) +
                      " has a non-finite bias or a non-positive scale");
    quantized[c] =
        static_cast<int32_t>(std::clamp(roundHalfAway(bias[c] / scale), lowest, highest));
  }
  return quantized;
}

} // namespace vitc::calib
