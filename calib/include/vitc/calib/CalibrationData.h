//===- CalibrationData.h - Loading calibration inputs -------------*- C++ -*-===//
//
// --calib takes an .npy (N x C x H x W float32, already preprocessed) or a
// folder of PNG/JPEG images (decoded with stb_image, resized and normalised
// by --resize/--mean/--std). Folders of ONNX TensorProto .pb files are read
// by the compiler (they need protobuf). Shape and dtype are checked against
// the model input; errors are vitc::rt::Error with the file name.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_CALIB_CALIBRATIONDATA_H
#define VITC_CALIB_CALIBRATIONDATA_H

#include "vitc/rt/Tensor.h"

#include <string>
#include <vector>

namespace vitc::calib {

struct ImagePreprocess {
  int64_t channels = 3;          ///< 1 (grey) or 3 (RGB)
  int64_t height = 224, width = 224;
  int64_t resize = -1;           ///< resize the shorter side to this, then centre-crop; -1: resize to height x width directly
  std::vector<float> mean = {0.485f, 0.456f, 0.406f}; ///< per channel, on [0, 1] pixels
  std::vector<float> std = {0.229f, 0.224f, 0.225f};
};

/// Every *.png / *.jpg / *.jpeg in `folder` (any case, sorted by name, not
/// recursive), preprocessed to one [N, channels, height, width] float32
/// tensor (bilinear resize, antialiased when shrinking; details in
/// ImageFolder.cpp). Throws a vitc::rt::Error for a missing or empty folder,
/// an undecodable image (naming it) and invalid options (channels not 1 or 3,
/// non-positive size, 0 <= resize < max(height, width) or resize < -1, mean/std
/// sizes not equal to channels, std <= 0).
rt::Tensor loadImageFolder(const std::string &folder, const ImagePreprocess &options);

/// Checks that `data` is float32 of shape [N, ...sample] with N >= 1, where
/// sample is `modelInputShape` without its leading (batch) dimension, whatever
/// the model's batch size; throws a vitc::rt::Error naming `source` and both
/// shapes otherwise.
void checkCalibrationShape(const rt::Tensor &data, const rt::Shape &modelInputShape,
                           const std::string &source);

} // namespace vitc::calib

#endif // VITC_CALIB_CALIBRATIONDATA_H
