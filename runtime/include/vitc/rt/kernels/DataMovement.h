//===- DataMovement.h - Layout, indexing and shape-producing ops --*- C++ -*-===//
//
// ONNX semantics (opset 17) for ops that move or generate data without
// arithmetic. All dtypes unless noted. Negative axes count from the end.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_RT_KERNELS_DATAMOVEMENT_H
#define VITC_RT_KERNELS_DATAMOVEMENT_H

#include "vitc/rt/Tensor.h"
#include "vitc/rt/ThreadPool.h"

#include <optional>
#include <string>

namespace vitc::rt {

/// Empty perm reverses the dims.
Tensor transpose(const Tensor &x, std::vector<int64_t> perm, ThreadPool *pool);

/// ONNX Reshape shape rules: 0 copies the input dim (unless allowZero), one
/// -1 is inferred. Returns the resolved shape; throws when it does not fit.
Shape resolveReshape(const Shape &input, const std::vector<int64_t> &requested,
                     bool allowZero);

Tensor concat(const std::vector<Tensor> &inputs, int64_t axis);

/// ONNX Slice: starts/ends clamped, negative steps allowed. Empty axes means
/// 0..len(starts)-1, empty steps means all 1.
Tensor slice(const Tensor &x, const std::vector<int64_t> &starts,
             const std::vector<int64_t> &ends, const std::vector<int64_t> &axes,
             const std::vector<int64_t> &steps);

/// ONNX Split: `sizes` empty means `numOutputs` equal parts (the last may be
/// smaller, as in opset 18).
std::vector<Tensor> split(const Tensor &x, int64_t axis, const std::vector<int64_t> &sizes,
                          int64_t numOutputs);

/// ONNX Gather (indices I32/I64, negative indices wrap; out of range throws).
Tensor gather(const Tensor &x, const Tensor &indices, int64_t axis);
/// ONNX GatherElements.
Tensor gatherElements(const Tensor &x, const Tensor &indices, int64_t axis);

/// ONNX Expand: bidirectional broadcast of x with `shape`.
Tensor expand(const Tensor &x, const std::vector<int64_t> &shape);
/// ONNX Tile.
Tensor tile(const Tensor &x, const std::vector<int64_t> &repeats);

enum class PadMode { Constant, Reflect, Edge };
PadMode parsePadMode(const std::string &text);
/// ONNX Pad: pads = [x1_begin, x2_begin, ..., x1_end, ...] over all dims
/// (negative pads crop first, then the positive ones pad the cropped tensor).
/// `value` is a one-element tensor of x's dtype (Constant mode; default 0).
Tensor pad(const Tensor &x, const std::vector<int64_t> &pads, PadMode mode,
           const std::optional<Tensor> &value);

/// ONNX DepthToSpace / SpaceToDepth, NCHW. DepthToSpace mode "DCR" or "CRD".
Tensor depthToSpace(const Tensor &x, int64_t blockSize, bool crdMode);
Tensor spaceToDepth(const Tensor &x, int64_t blockSize);

/// ONNX ConstantOfShape: `value` is a one-element tensor (default F32 0).
Tensor constantOfShape(const std::vector<int64_t> &shape, const std::optional<Tensor> &value);
/// ONNX Range for F32/I32/I64 scalars.
Tensor range(const Tensor &start, const Tensor &limit, const Tensor &delta);

enum class ResizeMode { Nearest, Linear };
enum class CoordinateTransform {
  HalfPixel, PytorchHalfPixel, AlignCorners, Asymmetric, TfHalfPixelForNearest
};
enum class NearestRounding { RoundPreferFloor, RoundPreferCeil, Floor, Ceil };
struct ResizeAttrs {
  ResizeMode mode = ResizeMode::Nearest;
  CoordinateTransform transform = CoordinateTransform::HalfPixel;
  NearestRounding nearest = NearestRounding::RoundPreferFloor;
  bool excludeOutside = false;
  float extrapolationValue = 0.0f;
};
/// Parsers for the ONNX attribute strings; throw on an unsupported value
/// ("cubic", "tf_crop_and_resize", ...).
ResizeMode parseResizeMode(const std::string &text);
CoordinateTransform parseCoordinateTransform(const std::string &text);
NearestRounding parseNearestRounding(const std::string &text);

/// ONNX Resize (opset 13+) with nearest or (multi)linear interpolation over
/// any dims; give either `scales` (one per dim) or `sizes` (one per dim). F32.
/// Matches the ONNX reference implementation, including its use of the
/// fractional resized length (scale * input) in align_corners and
/// pytorch_half_pixel. excludeOutside has no effect on nearest and linear.
Tensor resize(const Tensor &x, const std::vector<float> &scales,
              const std::vector<int64_t> &sizes, const ResizeAttrs &attrs, ThreadPool *pool);

} // namespace vitc::rt

#endif // VITC_RT_KERNELS_DATAMOVEMENT_H
