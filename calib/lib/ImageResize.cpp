//===- ImageResize.cpp - Bilinear resize + crop of 8-bit images ---------===//
//
// Separable: the filter taps of each output column and row are computed
// once, then a horizontal pass (every source row, only the output columns)
// and a vertical pass (only the output rows). Output index o of the crop sits
// at o + offset in the resized image, whose pixel centre maps to source
// coordinate c = (o + offset + 0.5) * inLength / resizedLength; source pixel
// j (centre j + 0.5) gets the weight max(0, 1 - |j + 0.5 - c| / support),
// support = max(1, inLength / resizedLength), and the taps inside the image
// are normalised to sum 1.
//
//===----------------------------------------------------------------------===//
#include "ImageResize.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace vitc::calib::detail {

namespace {

/// The taps of every output index along one axis: output o reads source
/// indices first[o] .. first[o] + taps - 1 with weights[o * taps + t].
struct AxisTaps {
  int64_t taps = 0;
  std::vector<int64_t> first;
  std::vector<float> weights;
};

AxisTaps axisTaps(int64_t inLength, int64_t resizedLength, int64_t offset, int64_t outLength) {
  const double scale = static_cast<double>(inLength) / static_cast<double>(resizedLength);
  const double support = std::max(1.0, scale);
  AxisTaps result;
  result.taps = static_cast<int64_t>(std::ceil(2.0 * support)) + 1;
  result.first.resize(outLength);
  result.weights.assign(outLength * result.taps, 0.0f);
  std::vector<double> weights(result.taps);
  for (int64_t o = 0; o < outLength; ++o) {
    const double centre = (static_cast<double>(o + offset) + 0.5) * scale;
    // The source pixel under the centre is always a tap, with weight >= 1/2.
    const int64_t lo = std::max<int64_t>(0, static_cast<int64_t>(std::floor(centre - support)));
    const int64_t hi = std::min<int64_t>(inLength - 1, lo + result.taps - 1);
    double sum = 0.0;
    for (int64_t j = lo; j <= hi; ++j) {
      const double distance = std::fabs(static_cast<double>(j) + 0.5 - centre) / support;
      weights[j - lo] = std::max(0.0, 1.0 - distance);
      sum += weights[j - lo];
    }
    result.first[o] = lo;
    for (int64_t j = lo; j <= hi; ++j)
      result.weights[o * result.taps + (j - lo)] = static_cast<float>(weights[j - lo] / sum);
  }
  return result;
}

} // namespace

void resizeCrop(const uint8_t *pixels, int64_t height, int64_t width, int64_t channels,
                const ResizeCrop &geometry, float *out) {
  const AxisTaps columns =
      axisTaps(width, geometry.resizedWidth, geometry.left, geometry.outWidth);
  const AxisTaps rows = axisTaps(height, geometry.resizedHeight, geometry.top, geometry.outHeight);
  const int64_t outW = geometry.outWidth, outH = geometry.outHeight;

  // Horizontal: rowsResampled[y][x][c] for every source row y.
  std::vector<float> rowsResampled(static_cast<size_t>(height * outW * channels));
  for (int64_t y = 0; y < height; ++y) {
    const uint8_t *row = pixels + y * width * channels;
    float *dst = rowsResampled.data() + y * outW * channels;
    for (int64_t x = 0; x < outW; ++x) {
      const float *w = columns.weights.data() + x * columns.taps;
      const int64_t first = columns.first[x];
      const int64_t taps = std::min(columns.taps, width - first);
      for (int64_t c = 0; c < channels; ++c) {
        float sum = 0.0f;
        for (int64_t t = 0; t < taps; ++t)
          sum += w[t] * static_cast<float>(row[(first + t) * channels + c]);
        dst[x * channels + c] = sum;
      }
    }
  }
  // Vertical, into planar output.
  for (int64_t y = 0; y < outH; ++y) {
    const float *w = rows.weights.data() + y * rows.taps;
    const int64_t first = rows.first[y];
    const int64_t taps = std::min(rows.taps, height - first);
    for (int64_t x = 0; x < outW; ++x) {
      for (int64_t c = 0; c < channels; ++c) {
        float sum = 0.0f;
        for (int64_t t = 0; t < taps; ++t)
          sum += w[t] * rowsResampled[((first + t) * outW + x) * channels + c];
        out[(c * outH + y) * outW + x] = sum;
      }
    }
  }
}

} // namespace vitc::calib::detail
