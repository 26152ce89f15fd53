//===- ImageFolder.cpp - Calibration images from a folder ---------------===//
//
// Files: every regular file whose extension is .png, .jpg or .jpeg (any
// case), sorted by file name (byte order), not recursive. Decoding: stb_image
// (8 bits per channel; 16-bit PNGs are reduced, grey output uses stb's luma
// (77 R + 150 G + 29 B) / 256, grey inputs are replicated for RGB).
// Geometry: with `resize` = R the shorter side becomes R and the longer one
// R * long / short (truncated, as torchvision's Resize), then the centre
// height x width window is cut at ((h' - height) / 2, (w' - width) / 2)
// (rounded down); without it the image is resized to height x width
// directly. Normalisation: (pixel / 255 - mean[c]) / std[c], in float.
//
//===----------------------------------------------------------------------===//
#include "vitc/calib/CalibrationData.h"

#include "ImageResize.h"

#include "vitc/rt/Error.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <memory>

#define STB_IMAGE_IMPLEMENTATION
#define STBI_FAILURE_USERMSG
#include <stb/stb_image.h>

namespace vitc::calib {

namespace fs = std::filesystem;

namespace {

void checkOptions(const ImagePreprocess &options, const std::string &folder) {
  const auto fail = [&](const std::string &what) {
    throw rt::Error("calibration folder '" + folder + "': " + what);
  };
  if (options.channels != 1 && options.channels != 3)
    fail("channels must be 1 (grey) or 3 (RGB), got " + std::to_string(options.channels));
  if (options.height < 1 || options.width < 1)
    fail("the image size must be positive, got " + std::to_string(options.height) + "x" +
         std::to_string(options.width));
  if (options.resize != -1 && options.resize < std::max(options.height, options.width))
    fail("--resize " + std::to_string(options.resize) + " is smaller than the " +
         std::to_string(options.height) + "x" + std::to_string(options.width) +
         " crop (use -1 to resize to the crop size directly)");
  if (static_cast<int64_t>(options.mean.size()) != options.channels ||
      static_cast<int64_t>(options.std.size()) != options.channels)
    fail("--mean and --std need " + std::to_string(options.channels) + " values each, got " +
         std::to_string(options.mean.size()) + " and " + std::to_string(options.std.size()));
  for (int64_t c = 0; c < options.channels; ++c)
    if (!std::isfinite(options.mean[c]) || !(options.std[c] > 0.0f) ||
        !std::isfinite(options.std[c]))
      fail("--mean must be finite and --std finite and > 0 (channel " + std::to_string(c) + ")");
}

bool isImageFile(const fs::path &path) {
  std::string extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return extension == ".png" || extension == ".jpg" || extension == ".jpeg";
}

std::vector<fs::path> listImages(const std::string &folder) {
  std::error_code error;
  if (!fs::is_directory(folder, error))
    throw rt::Error("calibration folder '" + folder + "' does not exist or is not a directory");
  std::vector<fs::path> images;
  for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error))
    if (isImageFile(it->path()) && it->is_regular_file(error))
      images.push_back(it->path());
  if (error)
    throw rt::Error("calibration folder '" + folder + "': cannot list it: " + error.message());
  if (images.empty())
    throw rt::Error("calibration folder '" + folder +
                    "' holds no .png, .jpg or .jpeg images");
  std::sort(images.begin(), images.end(), [](const fs::path &a, const fs::path &b) {
    return a.filename().string() < b.filename().string();
  });
  return images;
}

detail::ResizeCrop geometryFor(int64_t height, int64_t width, const ImagePreprocess &options) {
  detail::ResizeCrop geometry{options.height, options.width, 0, 0, options.height,
                              options.width};
  if (options.resize == -1)
    return geometry;
  const int64_t shorter = std::min(height, width), longer = std::max(height, width);
  const int64_t resizedLonger = longer * options.resize / shorter;
  geometry.resizedHeight = height <= width ? options.resize : resizedLonger;
  geometry.resizedWidth = height <= width ? resizedLonger : options.resize;
  geometry.top = (geometry.resizedHeight - options.height) / 2;
  geometry.left = (geometry.resizedWidth - options.width) / 2;
  return geometry;
}

} // namespace

rt::Tensor loadImageFolder(const std::string &folder, const ImagePreprocess &options) {
  checkOptions(options, folder);
  const std::vector<fs::path> images = listImages(folder);
  const int64_t channels = options.channels, plane = options.height * options.width;
  rt::Tensor result = rt::Tensor::uninitialized(
      rt::DType::F32,
      {static_cast<int64_t>(images.size()), channels, options.height, options.width});
  float *out = result.data<float>();
  for (const fs::path &path : images) {
    int width = 0, height = 0, fileChannels = 0;
    std::unique_ptr<stbi_uc, void (*)(void *)> pixels(
        stbi_load(path.string().c_str(), &width, &height, &fileChannels,
                  static_cast<int>(channels)),
        stbi_image_free);
    if (!pixels)
      throw rt::Error("calibration image '" + path.string() +
                      "' cannot be decoded: " + stbi_failure_reason());
    detail::resizeCrop(pixels.get(), height, width, channels,
                       geometryFor(height, width, options), out);
    for (int64_t c = 0; c < channels; ++c) {
      const float mean = options.mean[c], std = options.std[c];
      for (int64_t i = 0; i < plane; ++i)
        out[c * plane + i] = (out[c * plane + i] / 255.0f - mean) / std;
    }
    out += channels * plane;
  }
  return result;
}

} // namespace vitc::calib
