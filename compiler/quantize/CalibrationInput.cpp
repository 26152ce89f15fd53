//===- CalibrationInput.cpp - vitc::loadCalibrationData -------------------===//
//
// --calib accepts three sources; all end as one float32 [N, ...] tensor whose
// samples match the model input (calib::checkCalibrationShape).
//
//===----------------------------------------------------------------------===//
#include "vitc/Compiler.h"

#include "compiler/import/TensorProto.h"

#include "vitc/calib/CalibrationData.h"
#include "vitc/rt/Npy.h"
#include "vitc/rt/kernels/DataMovement.h"

#include <algorithm>
#include <filesystem>

namespace vitc {
namespace {

namespace fs = std::filesystem;

bool hasExtension(const fs::path &path, std::initializer_list<const char *> extensions) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
  return std::any_of(extensions.begin(), extensions.end(),
                     [&](const char *e) { return ext == e; });
}

/// Every *.pb in `folder` (sorted), each one sample -- with the input's
/// batch dim (as in ONNX test data) or without it -- stacked along dim 0.
rt::Tensor loadTensorProtoFolder(const std::vector<fs::path> &files, size_t inputRank) {
  std::vector<rt::Tensor> samples;
  for (const fs::path &file : files) {
    llvm::Expected<rt::Tensor> tensor = import::readTensorProtoFile(file.string());
    if (!tensor)
      throw rt::Error(llvm::toString(tensor.takeError()));
    if (tensor->rank() == 0)
      throw rt::Error("'" + file.string() + "' holds a scalar, not a sample");
    rt::Tensor sample = *tensor;
    if (sample.rank() + 1 == inputRank) {
      rt::Shape shape = sample.shape();
      shape.insert(shape.begin(), 1);
      sample = sample.reshaped(shape);
    }
    samples.push_back(sample);
  }
  return rt::concat(samples, 0);
}

} // namespace

Status loadCalibrationData(const CalibrationSource &source, const TensorInfo &input,
                           rt::Tensor &samples) {
  try {
    fs::path path(source.path);
    std::error_code error;
    if (fs::is_directory(path, error)) {
      std::vector<fs::path> protos, images;
      for (const fs::directory_entry &entry : fs::directory_iterator(path)) {
        if (hasExtension(entry.path(), {".pb"}))
          protos.push_back(entry.path());
        else if (hasExtension(entry.path(), {".png", ".jpg", ".jpeg"}))
          images.push_back(entry.path());
      }
      std::sort(protos.begin(), protos.end());
      if (!protos.empty() && !images.empty())
        return Status::error("calibration folder '" + source.path +
                             "' mixes .pb tensors and images; use one kind");
      if (!protos.empty()) {
        samples = loadTensorProtoFolder(protos, input.shape.size());
      } else {
        if (input.shape.size() != 4)
          return Status::error("image calibration needs a model input [N, C, H, W]; '" +
                               input.name + "' has rank " + std::to_string(input.shape.size()));
        calib::ImagePreprocess preprocess;
        preprocess.channels = input.shape[1];
        preprocess.height = input.shape[2];
        preprocess.width = input.shape[3];
        preprocess.resize = source.resize;
        if (preprocess.channels == 1) {
          preprocess.mean = {0.5f};
          preprocess.std = {0.5f};
        }
        if (!source.mean.empty())
          preprocess.mean = source.mean;
        if (!source.std.empty())
          preprocess.std = source.std;
        samples = calib::loadImageFolder(source.path, preprocess);
      }
    } else {
      samples = rt::readNpy(source.path);
    }
    calib::checkCalibrationShape(samples, input.shape, "calibration data '" + source.path + "'");
  } catch (const std::exception &e) {
    return Status::error(e.what());
  }
  return Status::success();
}

} // namespace vitc
