//===- Conv.h - fp32 convolution ----------------------------------*- C++ -*-===//
//
// ONNX Conv (NCHW, 1-d and 2-d, groups, strides, dilations, pads, auto_pad).
// Grouped convolutions go through im2col + sgemm per group; depthwise
// convolutions (group == C == M) use a direct kernel.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_RT_KERNELS_CONV_H
#define VITC_RT_KERNELS_CONV_H

#include "vitc/rt/Tensor.h"
#include "vitc/rt/ThreadPool.h"

#include <optional>
#include <string>

namespace vitc::rt {

enum class AutoPad { NotSet, Valid, SameUpper, SameLower };
/// Parses ONNX auto_pad strings ("NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER").
AutoPad parseAutoPad(const std::string &text);

/// Spatial parameters shared by Conv and the pooling ops. Empty vectors take
/// ONNX defaults (strides/dilations 1, pads 0, kernel shape from the weight).
struct WindowAttrs {
  std::vector<int64_t> kernelShape;
  std::vector<int64_t> strides;
  std::vector<int64_t> dilations;
  std::vector<int64_t> pads; ///< [x1_begin, x2_begin, ..., x1_end, x2_end, ...]
  AutoPad autoPad = AutoPad::NotSet;
};

/// Resolves defaults and auto_pad for `spatialIn` (the spatial input dims) and
/// returns the output spatial dims; fills attrs.pads/strides/dilations fully.
std::vector<int64_t> resolveWindow(WindowAttrs &attrs, const std::vector<int64_t> &spatialIn,
                                   bool ceilMode = false);

struct ConvAttrs {
  WindowAttrs window;
  int64_t group = 1;
};

/// x: [N, C, spatial...], w: [M, C/group, kernel...], b: [M]. 1-d and 2-d.
Tensor conv(const Tensor &x, const Tensor &w, const std::optional<Tensor> &b,
            ConvAttrs attrs, ThreadPool *pool);

} // namespace vitc::rt

#endif // VITC_RT_KERNELS_CONV_H
