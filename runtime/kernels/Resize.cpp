//===- Resize.cpp - ONNX Resize, nearest and n-linear ---------------------===//
//
// Follows the ONNX reference implementation (onnx/backend/test/case/node/
// resize.py): the source coordinate of output index o along a dim is
// computed in double from the scale (given, or output/input size) and the
// "resized length" scale * input length; neighbours outside the input are
// clamped to the edge. Linear interpolation runs as one 1-d pass per resized
// dim, innermost dim first, in f32. exclude_outside changes nothing for
// nearest and linear (the clamped neighbours it would drop carry the same
// value as the ones kept), and extrapolation_value only matters for
// tf_crop_and_resize, which is not supported.
//
//===----------------------------------------------------------------------===//
#include "vitc/rt/kernels/DataMovement.h"

#include "DTypeDispatch.h"
#include "IndexUtil.h"

#include <algorithm>
#include <cmath>

namespace vitc::rt {

using namespace detail;

ResizeMode parseResizeMode(const std::string &text) {
  if (text == "nearest")
    return ResizeMode::Nearest;
  if (text == "linear")
    return ResizeMode::Linear;
  if (text == "cubic")
    throw Error("Resize: mode \"cubic\" is unsupported (supported: nearest, linear)");
  throw Error("Resize: unknown mode \"" + text + "\" (supported: nearest, linear)");
}

CoordinateTransform parseCoordinateTransform(const std::string &text) {
  if (text == "half_pixel")
    return CoordinateTransform::HalfPixel;
  if (text == "pytorch_half_pixel")
    return CoordinateTransform::PytorchHalfPixel;
  if (text == "align_corners")
    return CoordinateTransform::AlignCorners;
  if (text == "asymmetric")
    return CoordinateTransform::Asymmetric;
  if (text == "tf_half_pixel_for_nearest")
    return CoordinateTransform::TfHalfPixelForNearest;
  if (text == "tf_crop_and_resize")
    throw Error("Resize: coordinate_transformation_mode \"tf_crop_and_resize\" is "
                "unsupported");
  throw Error("Resize: unknown coordinate_transformation_mode \"" + text + "\"");
}

NearestRounding parseNearestRounding(const std::string &text) {
  if (text == "round_prefer_floor")
    return NearestRounding::RoundPreferFloor;
  if (text == "round_prefer_ceil")
    return NearestRounding::RoundPreferCeil;
  if (text == "floor")
    return NearestRounding::Floor;
  if (text == "ceil")
    return NearestRounding::Ceil;
  throw Error("Resize: unknown nearest_mode \"" + text + "\"");
}

namespace {

/// Source coordinate of output index o (ONNX coordinate_transformation_mode).
double sourceCoordinate(CoordinateTransform transform, int64_t o, double scale, int64_t inLen) {
  const double resizedLen = scale * static_cast<double>(inLen);
  const double x = static_cast<double>(o);
  switch (transform) {
  case CoordinateTransform::HalfPixel:
    return (x + 0.5) / scale - 0.5;
  case CoordinateTransform::PytorchHalfPixel:
    return resizedLen == 1.0 ? 0.0 : (x + 0.5) / scale - 0.5;
  case CoordinateTransform::AlignCorners:
    return resizedLen == 1.0 ? 0.0 : x * static_cast<double>(inLen - 1) / (resizedLen - 1.0);
  case CoordinateTransform::Asymmetric:
    return x / scale;
  case CoordinateTransform::TfHalfPixelForNearest:
    return (x + 0.5) / scale;
  }
  return x;
}

int64_t nearestIndex(double x, NearestRounding rounding, int64_t inLen) {
  const double base = std::floor(x);
  const double frac = x - base;
  int64_t i = static_cast<int64_t>(base);
  if (frac != 0.0) {
    switch (rounding) {
    case NearestRounding::RoundPreferFloor:
      i += frac > 0.5;
      break;
    case NearestRounding::RoundPreferCeil:
      i += frac >= 0.5;
      break;
    case NearestRounding::Floor:
      break;
    case NearestRounding::Ceil:
      i += 1;
      break;
    }
  }
  return std::clamp<int64_t>(i, 0, inLen - 1);
}

/// Linear interpolation along one dim: out[o] = w0[o] in[i0[o]] + w1[o] in[i1[o]].
struct LinearAxis {
  std::vector<int64_t> i0, i1;
  std::vector<float> w0, w1;
  bool identity = true;
};

LinearAxis linearAxis(const ResizeAttrs &attrs, double scale, int64_t inLen, int64_t outLen) {
  LinearAxis axis;
  axis.identity = inLen == outLen;
  for (int64_t o = 0; o < outLen; ++o) {
    const double x = sourceCoordinate(attrs.transform, o, scale, inLen);
    const double base = std::floor(x);
    const float frac = static_cast<float>(x - base);
    // Clamp before converting: x can be far outside the input.
    const double lo = std::clamp(base, 0.0, static_cast<double>(inLen - 1));
    const double hi = std::clamp(base + 1.0, 0.0, static_cast<double>(inLen - 1));
    axis.i0.push_back(static_cast<int64_t>(lo));
    axis.i1.push_back(static_cast<int64_t>(hi));
    axis.w0.push_back(1.0f - frac);
    axis.w1.push_back(frac);
    axis.identity = axis.identity && axis.i0.back() == o && frac == 0.0f;
  }
  return axis;
}

/// One linear pass over dim `d` of `x` (f32), producing `outLen` there.
Tensor linearPass(const Tensor &x, size_t d, const LinearAxis &axis, ThreadPool *pool) {
  Shape outShape = x.shape();
  const int64_t inLen = outShape[d], outLen = static_cast<int64_t>(axis.i0.size());
  outShape[d] = outLen;
  Tensor y(DType::F32, outShape);
  const int64_t outer = productOf(outShape, 0, d);
  const int64_t inner = productOf(outShape, d + 1, outShape.size());
  const float *src = x.data<float>();
  float *dst = y.data<float>();
  if (inner == 1) { // the innermost dim: gather along each row
    const int64_t *i0 = axis.i0.data(), *i1 = axis.i1.data();
    const float *w0 = axis.w0.data(), *w1 = axis.w1.data();
    parallelFor(pool, outer, std::max<int64_t>(1, 16384 / std::max<int64_t>(outLen, 1)),
                [&](int64_t begin, int64_t end) {
                  for (int64_t b = begin; b < end; ++b) {
                    const float *row = src + b * inLen;
                    float *out = dst + b * outLen;
                    for (int64_t o = 0; o < outLen; ++o)
                      out[o] = w0[o] * row[i0[o]] + w1[o] * row[i1[o]];
                  }
                });
    return y;
  }
  // Task k is output line (b, o) = (k / outLen, k % outLen): `inner`
  // contiguous values blended from two input lines.
  parallelFor(pool, outer * outLen, std::max<int64_t>(1, 16384 / std::max<int64_t>(inner, 1)),
              [&](int64_t begin, int64_t end) {
                int64_t b = begin / outLen, o = begin % outLen;
                float *out = dst + begin * inner;
                for (int64_t k = begin; k < end; ++k, out += inner) {
                  const float *r0 = src + (b * inLen + axis.i0[o]) * inner;
                  const float *r1 = src + (b * inLen + axis.i1[o]) * inner;
                  const float w0 = axis.w0[o], w1 = axis.w1[o];
                  for (int64_t j = 0; j < inner; ++j)
                    out[j] = w0 * r0[j] + w1 * r1[j];
                  if (++o == outLen) {
                    o = 0;
                    ++b;
                  }
                }
              });
  return y;
}

Tensor nearestResize(const Tensor &x, const Shape &outShape, const std::vector<double> &scales,
                     const ResizeAttrs &attrs, ThreadPool *pool) {
  const size_t rank = outShape.size();
  std::vector<std::vector<int64_t>> source(rank);
  for (size_t d = 0; d < rank; ++d)
    for (int64_t o = 0; o < outShape[d]; ++o)
      source[d].push_back(
          nearestIndex(sourceCoordinate(attrs.transform, o, scales[d], x.shape()[d]), attrs.nearest,
                       x.shape()[d]));
  Tensor y(DType::F32, outShape);
  if (y.numel() == 0)
    return y;
  const float *src = x.data<float>();
  float *dst = y.data<float>();
  const int64_t inner = outShape[rank - 1];
  const std::vector<int64_t> &innerMap = source[rank - 1];
  // rowStride[d]: output rows per step of dim d (dims before the last).
  std::vector<int64_t> rowStride(rank, 1);
  for (size_t d = rank - 1; d-- > 1;)
    rowStride[d - 1] = rowStride[d] * outShape[d];
  parallelFor(pool, y.numel() / inner, std::max<int64_t>(1, 16384 / inner),
              [&](int64_t begin, int64_t end) {
                for (int64_t r = begin; r < end; ++r) {
                  int64_t row = 0;
                  for (size_t d = 0; d + 1 < rank; ++d)
                    row = row * x.shape()[d] + source[d][(r / rowStride[d]) % outShape[d]];
                  const float *line = src + row * x.shape()[rank - 1];
                  float *out = dst + r * inner;
                  for (int64_t i = 0; i < inner; ++i)
                    out[i] = line[innerMap[i]];
                }
              });
  return y;
}

} // namespace

Tensor resize(const Tensor &x, const std::vector<float> &scales, const std::vector<int64_t> &sizes,
              const ResizeAttrs &attrs, ThreadPool *pool) {
  if (x.dtype() != DType::F32)
    throwUnsupportedDType("Resize", x.dtype(), "f32");
  const size_t rank = x.shape().size();
  if (rank == 0)
    throw Error("Resize: input must have rank >= 1");
  if (scales.empty() == sizes.empty())
    throw Error("Resize: give exactly one of scales and sizes");
  if ((scales.empty() ? sizes.size() : scales.size()) != rank)
    throw Error("Resize: " + std::to_string(scales.empty() ? sizes.size() : scales.size()) +
                (scales.empty() ? " sizes" : " scales") + " for an input of rank " +
                std::to_string(rank));
  Shape outShape(rank);
  std::vector<double> scale(rank);
  for (size_t d = 0; d < rank; ++d) {
    const int64_t in = x.shape()[d];
    if (!scales.empty()) {
      if (!(scales[d] > 0.0f))
        throw Error("Resize: scales must be positive, got " + std::to_string(scales[d]));
      scale[d] = scales[d];
      outShape[d] = static_cast<int64_t>(std::floor(scale[d] * static_cast<double>(in)));
    } else {
      if (sizes[d] < 0)
        throw Error("Resize: negative output size " + std::to_string(sizes[d]));
      outShape[d] = sizes[d];
      scale[d] = in ? static_cast<double>(sizes[d]) / static_cast<double>(in) : 1.0;
    }
    if (in == 0 && outShape[d] != 0)
      throw Error("Resize: cannot resize an empty dim " + std::to_string(d) + " of " +
                  shapeToString(x.shape()));
  }
  if (attrs.mode == ResizeMode::Nearest)
    return nearestResize(x, outShape, scale, attrs, pool);
  Tensor current = x;
  for (size_t d = rank; d-- > 0;) {
    const LinearAxis axis = linearAxis(attrs, scale[d], x.shape()[d], outShape[d]);
    if (!axis.identity)
      current = linearPass(current, d, axis, pool);
  }
  return current.raw() == x.raw() ? x.clone() : current;
}

} // namespace vitc::rt
