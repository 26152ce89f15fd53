//===- Normalization.cpp - Softmax, LogSoftmax, LayerNorm, BatchNorm ------===//
//
// f32 kernels. Row sums and maxima use kLanes interleaved partial results
// combined in a fixed order: the loops vectorise and the result depends only
// on the row, never on how rows are spread over threads.
//
//===----------------------------------------------------------------------===//
#include "vitc/rt/kernels/Normalization.h"

#include "DTypeDispatch.h"
#include "FastMath.h"
#include "Multiversion.h"
#include "IndexUtil.h"
#include "SoftmaxRow.h"

#include <cmath>
#include <limits>

namespace vitc::rt {

using namespace detail;

namespace {

constexpr int kLanes = 8;
/// Elements per parallel task.
constexpr int64_t kGrain = 16384;

void requireF32(const Tensor &t, const char *op, const char *what) {
  if (t.dtype() != DType::F32)
    throw Error(std::string(op) + ": " + what + " must be f32, got " + dtypeName(t.dtype()));
}

inline float rowMax(const float *x, int64_t n) {
  float lanes[kLanes];
  for (int l = 0; l < kLanes; ++l)
    lanes[l] = -std::numeric_limits<float>::infinity();
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int l = 0; l < kLanes; ++l)
      lanes[l] = x[i + l] > lanes[l] ? x[i + l] : lanes[l];
  for (int l = 0; i < n; ++i, ++l)
    lanes[l] = x[i] > lanes[l] ? x[i] : lanes[l];
  float m = lanes[0];
  for (int l = 1; l < kLanes; ++l)
    m = lanes[l] > m ? lanes[l] : m;
  return m;
}

inline float rowSum(const float *x, int64_t n) {
  float lanes[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int l = 0; l < kLanes; ++l)
      lanes[l] += x[i + l];
  for (int l = 0; i < n; ++i, ++l)
    lanes[l] += x[i];
  return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) +
         ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
}

/// Sum of (x - mean)^2.
inline float rowSquaredDeviation(const float *x, int64_t n, float mean) {
  float lanes[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int l = 0; l < kLanes; ++l) {
      const float d = x[i + l] - mean;
      lanes[l] += d * d;
    }
  for (int l = 0; i < n; ++i, ++l) {
    const float d = x[i] - mean;
    lanes[l] += d * d;
  }
  return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) +
         ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
}

} // namespace

VITC_MULTIVERSION void detail::softmaxRow(const float *x, float *y, int64_t n, bool logarithm) {
  const float m = rowMax(x, n);
  for (int64_t i = 0; i < n; ++i)
    y[i] = fastExp(x[i] - m);
  const float sum = rowSum(y, n);
  if (logarithm) {
    const float logSum = std::log(sum);
    for (int64_t i = 0; i < n; ++i)
      y[i] = (x[i] - m) - logSum;
  } else {
    for (int64_t i = 0; i < n; ++i)
      y[i] = y[i] / sum;
  }
}

namespace {

/// Softmax over the middle dim of one [n, inner] block, column-wise; the
/// per-column maxima and sums run over the rows in order, vectorised across
/// columns.
VITC_MULTIVERSION void softmaxColumns(const float *x, float *y, int64_t n, int64_t inner,
                                      bool logarithm) {
  std::vector<float> m(x, x + inner), sum(static_cast<size_t>(inner), 0.0f);
  for (int64_t r = 1; r < n; ++r)
    for (int64_t j = 0; j < inner; ++j)
      m[j] = x[r * inner + j] > m[j] ? x[r * inner + j] : m[j];
  for (int64_t r = 0; r < n; ++r)
    for (int64_t j = 0; j < inner; ++j) {
      y[r * inner + j] = fastExp(x[r * inner + j] - m[j]);
      sum[j] += y[r * inner + j];
    }
  if (logarithm) {
    for (int64_t j = 0; j < inner; ++j)
      sum[j] = std::log(sum[j]);
    for (int64_t r = 0; r < n; ++r)
      for (int64_t j = 0; j < inner; ++j)
        y[r * inner + j] = (x[r * inner + j] - m[j]) - sum[j];
  } else {
    for (int64_t r = 0; r < n; ++r)
      for (int64_t j = 0; j < inner; ++j)
        y[r * inner + j] = y[r * inner + j] / sum[j];
  }
}

Tensor softmaxImpl(const Tensor &x, int64_t axis, ThreadPool *pool, bool logarithm) {
  const char *op = logarithm ? "LogSoftmax" : "Softmax";
  requireF32(x, op, "input");
  if (x.rank() == 0)
    throw Error(std::string(op) + ": input must have rank >= 1");
  axis = normalizeAxis(axis, x.rank(), op);
  const int64_t outer = productOf(x.shape(), 0, axis);
  const int64_t n = x.shape()[axis];
  const int64_t inner = productOf(x.shape(), axis + 1, x.shape().size());
  Tensor y = Tensor::uninitialized(DType::F32, x.shape());
  if (y.numel() == 0)
    return y;
  const float *in = x.data<float>();
  float *out = y.data<float>();
  const int64_t block = n * inner;
  parallelFor(pool, outer, std::max<int64_t>(1, kGrain / block), [&](int64_t b, int64_t e) {
    for (int64_t o = b; o < e; ++o) {
      if (inner == 1)
        softmaxRow(in + o * block, out + o * block, n, logarithm);
      else
        softmaxColumns(in + o * block, out + o * block, n, inner, logarithm);
    }
  });
  return y;
}

/// `param` (scale or bias) unidirectionally broadcast to `shape`, flattened.
std::vector<float> broadcastParam(const Tensor &param, const Shape &shape, const char *what) {
  requireF32(param, "LayerNormalization", what);
  const Shape &p = param.shape();
  bool fits = p.size() <= shape.size();
  for (size_t i = 0; fits && i < p.size(); ++i) {
    const int64_t d = shape[shape.size() - p.size() + i];
    fits = p[i] == d || p[i] == 1;
  }
  if (!fits)
    throw Error(std::string("LayerNormalization: ") + what + " of shape " + shapeToString(p) +
                " does not broadcast to the normalised shape " + shapeToString(shape));
  const int64_t n = numElements(shape);
  std::vector<float> flat(static_cast<size_t>(n));
  const float *src = param.data<float>();
  for (int64_t i = 0; i < n; ++i) {
    // Walk the normalised dims from the innermost, skipping broadcast ones.
    int64_t rest = i, offset = 0, stride = 1;
    for (size_t d = shape.size(); d-- > shape.size() - p.size();) {
      const int64_t pd = p[d - (shape.size() - p.size())];
      const int64_t coord = rest % shape[d];
      rest /= shape[d];
      if (pd != 1)
        offset += coord * stride;
      stride *= pd;
    }
    flat[i] = src[offset];
  }
  return flat;
}

VITC_MULTIVERSION void layerNormRow(const float *row, float *result, int64_t n, const float *gamma,
                                    const float *beta, float epsilon) {
  const float mean = rowSum(row, n) / static_cast<float>(n);
  const float variance = rowSquaredDeviation(row, n, mean) / static_cast<float>(n);
  const float invStdDev = 1.0f / std::sqrt(variance + epsilon);
  for (int64_t i = 0; i < n; ++i)
    result[i] = ((row[i] - mean) * invStdDev) * gamma[i] + beta[i];
}

} // namespace

Tensor softmax(const Tensor &x, int64_t axis, ThreadPool *pool) {
  return softmaxImpl(x, axis, pool, false);
}

Tensor logSoftmax(const Tensor &x, int64_t axis, ThreadPool *pool) {
  return softmaxImpl(x, axis, pool, true);
}

Tensor layerNorm(const Tensor &x, const Tensor &scale, const std::optional<Tensor> &bias,
                 int64_t axis, float epsilon, ThreadPool *pool) {
  requireF32(x, "LayerNormalization", "input");
  if (x.rank() == 0)
    throw Error("LayerNormalization: input must have rank >= 1");
  axis = normalizeAxis(axis, x.rank(), "LayerNormalization");
  const Shape normShape(x.shape().begin() + axis, x.shape().end());
  const std::vector<float> gamma = broadcastParam(scale, normShape, "scale");
  const std::vector<float> beta =
      bias ? broadcastParam(*bias, normShape, "bias") : std::vector<float>(gamma.size(), 0.0f);
  const int64_t rows = productOf(x.shape(), 0, axis);
  const int64_t n = numElements(normShape);
  Tensor y = Tensor::uninitialized(DType::F32, x.shape());
  if (y.numel() == 0)
    return y;
  const float *in = x.data<float>();
  float *out = y.data<float>();
  parallelFor(pool, rows, std::max<int64_t>(1, kGrain / n), [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r)
      layerNormRow(in + r * n, out + r * n, n, gamma.data(), beta.data(), epsilon);
  });
  return y;
}

Tensor batchNorm(const Tensor &x, const Tensor &scale, const Tensor &bias, const Tensor &mean,
                 const Tensor &var, float epsilon, ThreadPool *pool) {
  requireF32(x, "BatchNormalization", "input");
  if (x.rank() < 2)
    throw Error("BatchNormalization: input must be [N, C, ...], got shape " +
                shapeToString(x.shape()));
  const int64_t channels = x.shape()[1];
  const std::pair<const Tensor *, const char *> params[] = {
      {&scale, "scale"}, {&bias, "bias"}, {&mean, "mean"}, {&var, "var"}};
  for (const auto &[param, what] : params) {
    requireF32(*param, "BatchNormalization", what);
    if (param->rank() != 1 || param->numel() != channels)
      throw Error(std::string("BatchNormalization: ") + what + " must have shape [" +
                  std::to_string(channels) + "], got " + shapeToString(param->shape()));
  }
  const int64_t batch = x.shape()[0];
  const int64_t plane = productOf(x.shape(), 2, x.shape().size());
  Tensor y = Tensor::uninitialized(DType::F32, x.shape());
  const float *in = x.data<float>();
  float *out = y.data<float>();
  const float *g = scale.data<float>(), *b = bias.data<float>();
  const float *mu = mean.data<float>(), *v = var.data<float>();
  const int64_t planes = batch * channels;
  parallelFor(pool, planes, std::max<int64_t>(1, kGrain / std::max<int64_t>(plane, 1)),
              [&](int64_t begin, int64_t end) {
                for (int64_t p = begin; p < end; ++p) {
                  const int64_t c = p % channels;
                  const float stdDev = std::sqrt(v[c] + epsilon);
                  const float *src = in + p * plane;
                  float *dst = out + p * plane;
                  for (int64_t i = 0; i < plane; ++i)
                    dst[i] = ((src[i] - mu[c]) / stdDev) * g[c] + b[c];
                }
              });
  return y;
}

} // namespace vitc::rt
