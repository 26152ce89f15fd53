//===- CalibrationData.cpp - Checking calibration data against the model ===//
#include "vitc/calib/CalibrationData.h"

#include "vitc/rt/Error.h"

namespace vitc::calib {

void checkCalibrationShape(const rt::Tensor &data, const rt::Shape &modelInputShape,
                           const std::string &source) {
  if (modelInputShape.empty())
    throw rt::Error(source + ": the model input is a scalar; calibration data needs a " +
                    "batch dimension to stack samples along");
  if (!data.valid() || data.dtype() != rt::DType::F32)
    throw rt::Error(source + ": calibration data must be float32, got " +
                    (data.valid() ? rt::dtypeName(data.dtype()) : "no tensor"));
  const rt::Shape sample(modelInputShape.begin() + 1, modelInputShape.end());
  const bool matches = data.rank() == static_cast<int64_t>(modelInputShape.size()) &&
                       rt::Shape(data.shape().begin() + 1, data.shape().end()) == sample;
  if (!matches)
    throw rt::Error(source + ": calibration data has shape " + rt::shapeToString(data.shape()) +
                    " but the model input is " + rt::shapeToString(modelInputShape) +
                    "; expected N samples of the input without its batch dimension (N" +
                    (sample.empty() ? "" : "x" + rt::shapeToString(sample)) + ")");
  if (data.dim(0) == 0)
    throw rt::Error(source + ": calibration data holds no samples (shape " +
                    rt::shapeToString(data.shape()) + ")");
}

} // namespace vitc::calib
