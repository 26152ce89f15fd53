//===- ImageResize.h - Bilinear resize + crop of 8-bit images (private) -*- C++ -*-===//
#ifndef VITC_CALIB_LIB_IMAGERESIZE_H
#define VITC_CALIB_LIB_IMAGERESIZE_H

#include <cstdint>

namespace vitc::calib::detail {

/// Where one image goes: resized to resizedHeight x resizedWidth, of which the
/// window of outHeight x outWidth at (top, left) is kept.
struct ResizeCrop {
  int64_t resizedHeight, resizedWidth;
  int64_t top, left;
  int64_t outHeight, outWidth;
};

/// Resamples `pixels` (height x width x channels, interleaved 8-bit) with a
/// triangle (bilinear) filter and writes the crop window as planar float
/// [channels, outHeight, outWidth] in [0, 255] to `out`. Upscaling is plain
/// bilinear interpolation with half-pixel centres and edge clamping;
/// downscaling widens the triangle to the scale factor (antialiased, like
/// PIL's bilinear), so a large photo is averaged rather than aliased.
void resizeCrop(const uint8_t *pixels, int64_t height, int64_t width, int64_t channels,
                const ResizeCrop &geometry, float *out);

} // namespace vitc::calib::detail

#endif // VITC_CALIB_LIB_IMAGERESIZE_H
