//===- Pool.cpp - MaxPool, AveragePool, GlobalAverage/MaxPool -------------===//
//
// Windows are resolved by resolveWindow (Conv.h), shared with Conv. 1-d and
// 2-d inputs run as 3-d ones with leading spatial dims of size 1. Window
// positions in the padding are skipped; AveragePool divides by the number of
// positions inside the input, or (count_include_pad) inside the padded input,
// which excludes the positions past the end that ceil_mode adds. Like the
// ONNX reference, MaxPool ignores NaN unless the whole window is NaN.
//
//===----------------------------------------------------------------------===//
#include "vitc/rt/kernels/Pool.h"

#include "DTypeDispatch.h"
#include "IndexUtil.h"

#include <algorithm>
#include <limits>

namespace vitc::rt {

using namespace detail;

namespace {

constexpr int kDims = 3;

/// One spatial dim of a window, padded out to three dims.
struct AxisWindow {
  int64_t in = 1, out = 1, kernel = 1, stride = 1, dilation = 1, padBegin = 0, padEnd = 0;
};

struct PoolGeometry {
  Shape outShape;
  AxisWindow axes[kDims];
};

PoolGeometry resolvePool(const Tensor &x, PoolAttrs &attrs, const char *op) {
  if (x.rank() < 3 || x.rank() > 2 + kDims)
    throw Error(std::string(op) + ": input must be [N, C, D1 (, D2, D3)], got shape " +
                shapeToString(x.shape()));
  const size_t spatial = static_cast<size_t>(x.rank() - 2);
  WindowAttrs &w = attrs.window;
  if (w.kernelShape.size() != spatial)
    throw Error(std::string(op) + ": kernel_shape needs " + std::to_string(spatial) +
                " values, got " + std::to_string(w.kernelShape.size()));
  const std::vector<int64_t> spatialIn(x.shape().begin() + 2, x.shape().end());
  const std::vector<int64_t> spatialOut = resolveWindow(w, spatialIn, attrs.ceilMode);
  PoolGeometry g;
  g.outShape = {x.shape()[0], x.shape()[1]};
  for (size_t i = 0; i < spatial; ++i) {
    AxisWindow &a = g.axes[kDims - spatial + i];
    a = {spatialIn[i],   spatialOut[i], w.kernelShape[i],   w.strides[i],
         w.dilations[i], w.pads[i],     w.pads[i + spatial]};
    if (a.kernel < 1 || a.stride < 1 || a.dilation < 1 || a.out < 0)
      throw Error(std::string(op) + ": invalid window (kernel " + std::to_string(a.kernel) +
                  ", stride " + std::to_string(a.stride) + ", dilation " +
                  std::to_string(a.dilation) + ") for input " + shapeToString(x.shape()));
    g.outShape.push_back(a.out);
  }
  return g;
}

/// The kernel taps [begin, end) of output position o that land inside the
/// input, and the input coordinate of tap 0.
struct Taps {
  int64_t begin, end, origin;
};
Taps tapsFor(const AxisWindow &a, int64_t o) {
  const int64_t origin = o * a.stride - a.padBegin;
  int64_t begin = 0, end = a.kernel;
  if (origin < 0)
    begin = std::min(a.kernel, (-origin + a.dilation - 1) / a.dilation);
  const int64_t last = a.in - origin; // first tap coordinate >= in, in dilation units
  end = std::max(begin, std::min(a.kernel, (last + a.dilation - 1) / a.dilation));
  return {begin, end, origin};
}

/// Taps inside the padded input [-padBegin, in + padEnd).
int64_t paddedTapCount(const AxisWindow &a, int64_t o) {
  const int64_t origin = o * a.stride - a.padBegin;
  int64_t count = 0;
  for (int64_t k = 0; k < a.kernel; ++k) {
    const int64_t c = origin + k * a.dilation;
    count += c >= -a.padBegin && c < a.in + a.padEnd;
  }
  return count;
}

/// Fills every output position of every (n, c) plane with
/// perOutput(inputPlane, taps along d, h, w, od, oh, ow).
template <typename T, typename Fn>
Tensor runPool(const Tensor &x, const PoolGeometry &g, ThreadPool *pool, Fn &&perOutput) {
  Tensor y(x.dtype(), g.outShape);
  const AxisWindow &ad = g.axes[0], &ah = g.axes[1], &aw = g.axes[2];
  const int64_t inPlane = ad.in * ah.in * aw.in;
  const int64_t outPlane = ad.out * ah.out * aw.out;
  const int64_t planes = x.shape()[0] * x.shape()[1];
  const T *in = x.data<T>();
  T *out = y.data<T>();
  parallelFor(pool, planes, 1, [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) {
      const T *src = in + p * inPlane;
      T *dst = out + p * outPlane;
      for (int64_t od = 0; od < ad.out; ++od) {
        const Taps td = tapsFor(ad, od);
        for (int64_t oh = 0; oh < ah.out; ++oh) {
          const Taps th = tapsFor(ah, oh);
          for (int64_t ow = 0; ow < aw.out; ++ow) {
            const Taps tw = tapsFor(aw, ow);
            *dst++ = perOutput(src, td, th, tw, od, oh, ow);
          }
        }
      }
    }
  });
  return y;
}

} // namespace

Tensor maxPool(const Tensor &x, PoolAttrs attrs, ThreadPool *pool) {
  const PoolGeometry g = resolvePool(x, attrs, "MaxPool");
  const AxisWindow &ad = g.axes[0], &ah = g.axes[1], &aw = g.axes[2];
  auto run = [&](auto tag) {
    using T = typename decltype(tag)::type;
    return runPool<T>(
        x, g, pool, [&](const T *src, Taps td, Taps th, Taps tw, int64_t, int64_t, int64_t) {
          T best = std::numeric_limits<T>::has_infinity ? -std::numeric_limits<T>::infinity()
                                                        : std::numeric_limits<T>::lowest();
          for (int64_t kd = td.begin; kd < td.end; ++kd) {
            const T *plane = src + (td.origin + kd * ad.dilation) * ah.in * aw.in;
            for (int64_t kh = th.begin; kh < th.end; ++kh) {
              const T *row = plane + (th.origin + kh * ah.dilation) * aw.in + tw.origin;
              for (int64_t kw = tw.begin; kw < tw.end; ++kw) {
                const T v = row[kw * aw.dilation];
                best = v > best ? v : best;
              }
            }
          }
          return best;
        });
  };
  switch (x.dtype()) {
  case DType::F32:
    return run(TypeTag<float>{});
  case DType::F64:
    return run(TypeTag<double>{});
  case DType::I8:
    return run(TypeTag<int8_t>{});
  case DType::U8:
    return run(TypeTag<uint8_t>{});
  default:
    throwUnsupportedDType("MaxPool", x.dtype(), "f32, f64, i8, u8");
  }
}

Tensor averagePool(const Tensor &x, PoolAttrs attrs, ThreadPool *pool) {
  const PoolGeometry g = resolvePool(x, attrs, "AveragePool");
  const AxisWindow &ad = g.axes[0], &ah = g.axes[1], &aw = g.axes[2];
  const bool includePad = attrs.countIncludePad;
  return dispatchFloat(x.dtype(), "AveragePool", [&](auto tag) {
    using T = typename decltype(tag)::type;
    return runPool<T>(
        x, g, pool,
        [&](const T *src, Taps td, Taps th, Taps tw, int64_t od, int64_t oh, int64_t ow) {
          T sum = 0;
          for (int64_t kd = td.begin; kd < td.end; ++kd) {
            const T *plane = src + (td.origin + kd * ad.dilation) * ah.in * aw.in;
            for (int64_t kh = th.begin; kh < th.end; ++kh) {
              const T *row = plane + (th.origin + kh * ah.dilation) * aw.in + tw.origin;
              for (int64_t kw = tw.begin; kw < tw.end; ++kw)
                sum += row[kw * aw.dilation];
            }
          }
          const int64_t count =
              includePad ? paddedTapCount(ad, od) * paddedTapCount(ah, oh) * paddedTapCount(aw, ow)
                         : (td.end - td.begin) * (th.end - th.begin) * (tw.end - tw.begin);
          return count ? sum / static_cast<T>(count) : std::numeric_limits<T>::quiet_NaN();
        });
  });
}

namespace {

template <bool IsMax> Tensor globalPool(const Tensor &x, ThreadPool *pool, const char *op) {
  if (x.rank() < 2)
    throw Error(std::string(op) + ": input must be [N, C, ...], got shape " +
                shapeToString(x.shape()));
  Shape outShape = x.shape();
  std::fill(outShape.begin() + 2, outShape.end(), 1);
  const int64_t planes = x.shape()[0] * x.shape()[1];
  const int64_t plane = productOf(x.shape(), 2, x.shape().size());
  if (plane == 0 && planes > 0)
    throw Error(std::string(op) + ": empty spatial dims in shape " + shapeToString(x.shape()));
  return dispatchFloat(x.dtype(), op, [&](auto tag) {
    using T = typename decltype(tag)::type;
    Tensor y(x.dtype(), outShape);
    const T *in = x.data<T>();
    T *out = y.data<T>();
    parallelFor(pool, planes, std::max<int64_t>(1, 16384 / std::max<int64_t>(plane, 1)),
                [&](int64_t begin, int64_t end) {
                  for (int64_t p = begin; p < end; ++p) {
                    const T *src = in + p * plane;
                    if constexpr (IsMax) {
                      T best = src[0];
                      for (int64_t i = 1; i < plane; ++i)
                        best = (src[i] > best || src[i] != src[i]) ? src[i] : best;
                      out[p] = best;
                    } else {
                      double sum = 0;
                      for (int64_t i = 0; i < plane; ++i)
                        sum += src[i];
                      out[p] = static_cast<T>(sum / static_cast<double>(plane));
                    }
                  }
                });
    return y;
  });
}

} // namespace

Tensor globalAveragePool(const Tensor &x, ThreadPool *pool) {
  return globalPool<false>(x, pool, "GlobalAveragePool");
}

Tensor globalMaxPool(const Tensor &x, ThreadPool *pool) {
  return globalPool<true>(x, pool, "GlobalMaxPool");
}

} // namespace vitc::rt
