//===- QuantParams.h - Scales and zero points from ranges ---------*- C++ -*-===//
//
// The parameter formulas of docs/quantization.md ("Parameters"), MLIR-free so
// they are unit-testable on plain arrays. Computed in double, stored as float.
// A scale below FLT_MIN (a range narrower than ~3e-36) is raised to FLT_MIN
// so that no stored scale is zero or subnormal. Invalid input (a non-finite
// or inverted range, a NaN weight, an unsupported bit width, mismatched
// sizes) throws vitc::rt::Error.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_CALIB_QUANTPARAMS_H
#define VITC_CALIB_QUANTPARAMS_H

#include <cstdint>
#include <vector>

namespace vitc::calib {

/// Per-tensor parameters of a quantised activation: r = scale * (q - zeroPoint),
/// q in [qmin, qmax].
struct QuantParams {
  float scale = 1.0f;
  int32_t zeroPoint = 0;
  int32_t qmin = -128;
  int32_t qmax = 127;
  int bits = 8;

  bool operator==(const QuantParams &other) const {
    return scale == other.scale && zeroPoint == other.zeroPoint && qmin == other.qmin &&
           qmax == other.qmax && bits == other.bits;
  }
};

/// Round half away from zero (docs/quantization.md's rha).
double roundHalfAway(double x);

/// INT8 asymmetric parameters for the range [min, max] (widened to include 0).
QuantParams int8Asymmetric(float min, float max);
/// INT16 symmetric parameters for the range [min, max]: q in [-32767, 32767].
QuantParams int16Symmetric(float min, float max);
/// int8Asymmetric or int16Symmetric by `bits` (8 or 16).
QuantParams activationParams(float min, float max, int bits);

/// Symmetric per-output-channel weight scales: channel c is the contiguous
/// block weights[c * perChannel, (c + 1) * perChannel); scale = max|w| / qmax
/// with qmax = 127 (bits 8) or 7 (bits 4); an all-zero channel gets 1.
std::vector<float> perChannelScales(const float *weights, int64_t channels, int64_t perChannel,
                                    int bits = 8);

/// Quantises weights with per-channel scales to int8 storage in [-qmax, qmax]
/// (INT4: [-7, 7], symmetric; -8 is never produced): clamp(rha(w / s_c)).
std::vector<int8_t> quantizeWeights(const float *weights, int64_t channels, int64_t perChannel,
                                    const std::vector<float> &scales, int bits = 8);

/// int32 bias at scale inputScale * weightScales[c] (saturated).
std::vector<int32_t> quantizeBias(const float *bias, int64_t channels, float inputScale,
                                  const std::vector<float> &weightScales);

} // namespace vitc::calib

#endif // VITC_CALIB_QUANTPARAMS_H
