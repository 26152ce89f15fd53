//===- ImageFolderTest.cpp - Image folders and calibration shapes ---------===//
//
// Small PNG/JPEG files are written with stb_image_write into a fresh
// temporary folder per test; expected values are the pixels divided by 255
// (or bilinear weights worked out by hand) with a float tolerance of 1e-6
// relative.
//
//===----------------------------------------------------------------------===//
#include "vitc/calib/CalibrationData.h"

#include "vitc/rt/Error.h"

#include <catch2/catch.hpp>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace vitc::calib;
namespace fs = std::filesystem;
using vitc::rt::DType;
using vitc::rt::Shape;
using vitc::rt::Tensor;

namespace {

/// A fresh empty folder, removed with everything in it at scope exit.
class TempFolder {
public:
  TempFolder() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() /
            ("vitc-calib-test-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempFolder() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  std::string str() const { return path_.string(); }
  std::string file(const std::string &name) const { return (path_ / name).string(); }

  void png(const std::string &name, int width, int height, int channels,
           const std::vector<uint8_t> &pixels) const {
    REQUIRE(pixels.size() == static_cast<size_t>(width * height * channels));
    REQUIRE(stbi_write_png(file(name).c_str(), width, height, channels, pixels.data(),
                           width * channels) != 0);
  }

private:
  fs::path path_;
};

ImagePreprocess plain(int64_t channels, int64_t height, int64_t width, int64_t resize = -1) {
  ImagePreprocess options;
  options.channels = channels;
  options.height = height;
  options.width = width;
  options.resize = resize;
  options.mean.assign(channels, 0.0f);
  options.std.assign(channels, 1.0f);
  return options;
}

std::vector<float> valuesOf(const Tensor &t) {
  const float *p = t.data<float>();
  return std::vector<float>(p, p + t.numel());
}

void checkValues(const Tensor &got, const std::vector<double> &pixels) {
  REQUIRE(got.numel() == static_cast<int64_t>(pixels.size()));
  for (size_t i = 0; i < pixels.size(); ++i) {
    INFO("element " << i);
    CHECK(got.data<float>()[i] == Approx(pixels[i] / 255.0).epsilon(1e-6).margin(1e-7));
  }
}

} // namespace

TEST_CASE("RGB images load as planar [N, C, H, W] pixels / 255", "[calib][images]") {
  TempFolder folder;
  // 3 wide, 2 high, interleaved RGB.
  const std::vector<uint8_t> rgb = {10, 20, 30,  40, 50, 60,  70, 80, 90,
                                    100, 110, 120, 130, 140, 150, 160, 170, 255};
  folder.png("a.png", 3, 2, 3, rgb);
  const Tensor t = loadImageFolder(folder.str(), plain(3, 2, 3));
  CHECK(t.dtype() == DType::F32);
  CHECK(t.shape() == Shape{1, 3, 2, 3});
  checkValues(t, {10, 40, 70, 100, 130, 160, 20, 50, 80, 110, 140, 170, 30, 60, 90, 120, 150, 255});
}

TEST_CASE("mean and std normalise [0, 1] pixels per channel", "[calib][images]") {
  TempFolder folder;
  folder.png("x.png", 1, 1, 3, {255, 0, 51});
  ImagePreprocess options = plain(3, 1, 1);
  options.mean = {0.5f, 0.25f, 0.0f};
  options.std = {0.25f, 0.5f, 2.0f};
  const std::vector<float> v = valuesOf(loadImageFolder(folder.str(), options));
  CHECK(v[0] == Approx((1.0 - 0.5) / 0.25).epsilon(1e-6));
  CHECK(v[1] == Approx((0.0 - 0.25) / 0.5).epsilon(1e-6));
  CHECK(v[2] == Approx((0.2 - 0.0) / 2.0).epsilon(1e-6));
  // The defaults are ImageNet's.
  const std::vector<float> imagenet =
      valuesOf(loadImageFolder(folder.str(), [] {
        ImagePreprocess o;
        o.height = o.width = 1;
        return o;
      }()));
  CHECK(imagenet[0] == Approx((1.0 - 0.485) / 0.229).epsilon(1e-6));
}

TEST_CASE("bilinear upscaling with half-pixel centres", "[calib][images]") {
  TempFolder folder;
  folder.png("g.png", 2, 1, 1, {0, 200});
  // Centres 0.25, 0.75, 1.25, 1.75 in source pixels: 0, 50, 150, 200.
  checkValues(loadImageFolder(folder.str(), plain(1, 1, 4)), {0, 50, 150, 200});
  // Vertically too: a 1x2 column to 3 rows: centres 1/3, 1, 5/3.
  TempFolder column;
  column.png("c.png", 1, 2, 1, {30, 90});
  checkValues(loadImageFolder(column.str(), plain(1, 3, 1)), {30, 60, 90});
}

TEST_CASE("bilinear downscaling averages (triangle of width 2 x scale)", "[calib][images]") {
  TempFolder folder;
  folder.png("g.png", 4, 1, 1, {0, 100, 200, 255});
  // Scale 2: output 0 (centre 1) weights pixels 0, 1, 2 by .75, .75, .25;
  // output 1 (centre 3) weights pixels 1, 2, 3 by .25, .75, .75.
  checkValues(loadImageFolder(folder.str(), plain(1, 1, 2)),
              {(0 * .75 + 100 * .75 + 200 * .25) / 1.75, (100 * .25 + 200 * .75 + 255 * .75) / 1.75});
  // A large reduction (many taps) of a constant image stays constant.
  TempFolder wide;
  wide.png("w.png", 300, 2, 1, std::vector<uint8_t>(600, 77));
  checkValues(loadImageFolder(wide.str(), plain(1, 1, 3)), {77, 77, 77});
}

TEST_CASE("shorter-side resize, then centre crop", "[calib][images]") {
  TempFolder folder;
  // 4 wide, 2 high: resize 2 keeps it 4x2 (no resampling); the 2x2 centre
  // crop starts at column 1.
  folder.png("g.png", 4, 2, 1, {1, 2, 3, 4, 5, 6, 7, 8});
  checkValues(loadImageFolder(folder.str(), plain(1, 2, 2, 2)), {2, 3, 6, 7});
  // Portrait 2 wide x 4 high: crop rows 1 and 2.
  TempFolder portrait;
  portrait.png("p.png", 2, 4, 1, {1, 2, 3, 4, 5, 6, 7, 8});
  checkValues(loadImageFolder(portrait.str(), plain(1, 2, 2, 2)), {3, 4, 5, 6});
  // 8x4 -> resize 2 makes it 4x2 (scale 2), then the centre 2x2; a
  // constant image checks the geometry does not read outside the image.
  TempFolder big;
  big.png("b.png", 8, 4, 3, std::vector<uint8_t>(96, 200));
  const Tensor t = loadImageFolder(big.str(), plain(3, 2, 2, 2));
  CHECK(t.shape() == Shape{1, 3, 2, 2});
  checkValues(t, std::vector<double>(12, 200));
}

TEST_CASE("grey and RGB conversions (stb's luma)", "[calib][images]") {
  TempFolder folder;
  folder.png("rgb.png", 1, 1, 3, {255, 0, 0});
  // (77 * 255 + 150 * 0 + 29 * 0) >> 8 = 76.
  checkValues(loadImageFolder(folder.str(), plain(1, 1, 1)), {76});
  TempFolder grey;
  grey.png("grey.png", 1, 1, 1, {99});
  checkValues(loadImageFolder(grey.str(), plain(3, 1, 1)), {99, 99, 99});
}

TEST_CASE("files are sorted by name; other files are ignored", "[calib][images]") {
  TempFolder folder;
  folder.png("b.png", 1, 1, 1, {20});
  folder.png("a.PNG", 1, 1, 1, {10});
  // A flat grey 8x8 JPEG decodes to its value (DC only), within 1 level.
  REQUIRE(stbi_write_jpg(folder.file("c.jpeg").c_str(), 8, 8, 1,
                         std::vector<uint8_t>(64, 128).data(), 95) != 0);
  std::ofstream(folder.file("notes.txt")) << "not an image";
  fs::create_directory(folder.file("d.png"));
  const Tensor t = loadImageFolder(folder.str(), plain(1, 1, 1));
  REQUIRE(t.shape() == Shape{3, 1, 1, 1});
  CHECK(t.data<float>()[0] == Approx(10 / 255.0).epsilon(1e-6));
  CHECK(t.data<float>()[1] == Approx(20 / 255.0).epsilon(1e-6));
  CHECK(t.data<float>()[2] == Approx(128 / 255.0).margin(1.01 / 255.0));
}

TEST_CASE("image folder errors", "[calib][images]") {
  TempFolder folder;
  CHECK_THROWS_WITH(loadImageFolder(folder.str(), plain(3, 4, 4)),
                    Catch::Contains("no .png, .jpg or .jpeg"));
  CHECK_THROWS_WITH(loadImageFolder(folder.file("missing"), plain(3, 4, 4)),
                    Catch::Contains("does not exist"));
  std::ofstream(folder.file("broken.png")) << "this is not a PNG";
  CHECK_THROWS_WITH(loadImageFolder(folder.str(), plain(3, 4, 4)),
                    Catch::Contains("broken.png") && Catch::Contains("cannot be decoded"));

  ImagePreprocess options = plain(3, 4, 4);
  options.channels = 2;
  CHECK_THROWS_WITH(loadImageFolder(folder.str(), options), Catch::Contains("channels"));
  options = plain(3, 4, 4);
  options.mean = {0.5f};
  CHECK_THROWS_WITH(loadImageFolder(folder.str(), options), Catch::Contains("--mean"));
  options = plain(3, 4, 4);
  options.std[1] = 0.0f;
  CHECK_THROWS_WITH(loadImageFolder(folder.str(), options), Catch::Contains("--std"));
  CHECK_THROWS_WITH(loadImageFolder(folder.str(), plain(3, 224, 224, 100)),
                    Catch::Contains("smaller than"));
  CHECK_THROWS_WITH(loadImageFolder(folder.str(), plain(3, 0, 4)), Catch::Contains("positive"));
}

TEST_CASE("calibration data shape against the model input", "[calib][shape]") {
  const Tensor data(DType::F32, {4, 3, 8, 8});
  CHECK_NOTHROW(checkCalibrationShape(data, {1, 3, 8, 8}, "calib.npy"));
  CHECK_NOTHROW(checkCalibrationShape(data, {2, 3, 8, 8}, "calib.npy")); // batch ignored
  CHECK_THROWS_WITH(checkCalibrationShape(data, {1, 3, 9, 9}, "calib.npy"),
                    Catch::Contains("calib.npy") && Catch::Contains("4x3x8x8") &&
                        Catch::Contains("1x3x9x9") && Catch::Contains("Nx3x9x9"));
  CHECK_THROWS_WITH(checkCalibrationShape(Tensor(DType::F32, {3, 8, 8}), {1, 3, 8, 8}, "x.npy"),
                    Catch::Contains("3x8x8"));
  CHECK_THROWS_WITH(checkCalibrationShape(Tensor(DType::F64, {4, 3, 8, 8}), {1, 3, 8, 8}, "d.npy"),
                    Catch::Contains("d.npy") && Catch::Contains("float32") &&
                        Catch::Contains("f64"));
  CHECK_THROWS_WITH(checkCalibrationShape(Tensor(DType::F32, {0, 3, 8, 8}), {1, 3, 8, 8}, "e.npy"),
                    Catch::Contains("no samples"));
  CHECK_THROWS_WITH(checkCalibrationShape(data, {}, "s.npy"), Catch::Contains("scalar"));
  CHECK_NOTHROW(checkCalibrationShape(Tensor(DType::F32, {5}), {1}, "v.npy"));
}
