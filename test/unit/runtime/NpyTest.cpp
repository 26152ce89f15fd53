//===- NpyTest.cpp - .npy round trips, header parsing, refusals -----------===//
#include "vitc/rt/Npy.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>

using namespace vitc::rt;
namespace fs = std::filesystem;

namespace {

/// A fresh directory under the system temp dir, removed at scope exit.
class TempDir {
public:
  TempDir() {
    const auto ticks = std::chrono::steady_clock::now().time_since_epoch().count();
    path_ = fs::temp_directory_path() / ("vitc-npy-test-" + std::to_string(ticks));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  std::string file(const std::string &name) const { return (path_ / name).string(); }
  size_t entries() const {
    return static_cast<size_t>(
        std::distance(fs::directory_iterator(path_), fs::directory_iterator{}));
  }

private:
  fs::path path_;
};

/// A .npy image: magic, version, header length, `dict` padded to 64 bytes,
/// then `payload`.
std::string makeNpy(int major, const std::string &dict, const std::string &payload) {
  const size_t lengthBytes = major == 1 ? 2 : 4;
  std::string header = dict;
  const size_t prefix = 8 + lengthBytes;
  header.append((64 - (prefix + header.size() + 1) % 64) % 64, ' ');
  header += '\n';
  std::string image = "\x93NUMPY";
  image += static_cast<char>(major);
  image += '\0';
  for (size_t i = 0; i < lengthBytes; ++i)
    image += static_cast<char>((header.size() >> (8 * i)) & 0xff);
  return image + header + payload;
}

Tensor parse(const std::string &image) { return parseNpy(image.data(), image.size(), "x.npy"); }

template <typename T> std::string bytesOf(const std::vector<T> &values) {
  return std::string(reinterpret_cast<const char *>(values.data()), values.size() * sizeof(T));
}

template <typename T> void checkRoundTrip(const TempDir &dir, Shape shape, std::vector<T> values) {
  const Tensor t = Tensor::fromVector<T>(shape, values);
  const std::string path = dir.file(std::string("rt-") + dtypeName(t.dtype()) + ".npy");
  writeNpy(path, t);
  const Tensor back = readNpy(path);
  CHECK(back.dtype() == t.dtype());
  CHECK(back.shape() == shape);
  CHECK(std::memcmp(back.raw(), t.raw(), t.byteSize()) == 0);
  // numpy requires the data to start on a 64-byte boundary.
  std::ifstream file(path, std::ios::binary);
  std::string image((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  CHECK((image.size() - t.byteSize()) % 64 == 0);
}

} // namespace

TEST_CASE("writeNpy and readNpy round-trip every dtype", "[runtime][npy]") {
  TempDir dir;
  checkRoundTrip<float>(dir, {2, 3}, {1.5f, -2, 0, 3e38f, -1e-38f, 7});
  checkRoundTrip<double>(dir, {5}, {1e300, -0.5, 0, 2, 3});
  checkRoundTrip<int8_t>(dir, {1, 1, 3}, {-128, 0, 127});
  checkRoundTrip<uint8_t>(dir, {2, 2}, {0, 1, 254, 255});
  checkRoundTrip<int16_t>(dir, {3}, {-32768, 1, 32767});
  checkRoundTrip<int32_t>(dir, {}, {-123456});
  checkRoundTrip<int64_t>(dir, {2}, {INT64_MIN, INT64_MAX});
  checkRoundTrip<bool>(dir, {4}, {true, false, false, true});
  checkRoundTrip<float>(dir, {0, 4}, {});
  // Only the final files remain: no temporaries left behind.
  CHECK(dir.entries() == 8);
}

TEST_CASE("parseNpy reads version 1, 2 and 3 headers", "[runtime][npy]") {
  const std::string payload = bytesOf<float>({1, 2, 3, 4, 5, 6});
  const std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  for (int major : {1, 2, 3}) {
    const Tensor t = parse(makeNpy(major, dict, payload));
    CHECK(t.shape() == Shape{2, 3});
    CHECK(t.toFloatVector() == std::vector<float>{1, 2, 3, 4, 5, 6});
  }
  // Any key order, spacing, quotes, trailing commas; (5,) and () shapes.
  CHECK(parse(makeNpy(1, "{\"shape\":(5,),\"fortran_order\":False,\"descr\":\"|u1\"}", "abcde"))
            .shape() == Shape{5});
  const Tensor scalar = parse(
      makeNpy(1, "{'descr': '<i8', 'fortran_order': False, 'shape': ()}", bytesOf<int64_t>({42})));
  CHECK(scalar.shape() == Shape{});
  CHECK(scalar.intAt(0) == 42);
  // Bool bytes other than 0/1 read as true.
  const Tensor b = parse(makeNpy(1, "{'descr': '|b1', 'fortran_order': False, 'shape': (3,)}",
                                 std::string("\x00\x01\x07", 3)));
  CHECK(b.toInt64Vector() == std::vector<int64_t>{0, 1, 1});
}

TEST_CASE("parseNpy refuses what it cannot read, naming the file", "[runtime][npy]") {
  const std::string f4 = bytesOf<float>({1, 2});
  auto refuses = [](const std::string &image, const std::string &problem) {
    CHECK_THROWS_WITH(parse(image), Catch::Contains("x.npy") && Catch::Contains(problem));
  };
  refuses(makeNpy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", f4), "Fortran");
  refuses(makeNpy(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", f4),
          "big-endian");
  refuses(makeNpy(1, "{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", f4 + f4),
          "unsupported dtype");
  refuses(makeNpy(1, "{'descr': '<u4', 'fortran_order': False, 'shape': (2,), }", f4),
          "unsupported dtype");
  refuses(makeNpy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", f4),
          "truncated data");
  refuses(makeNpy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", f4).substr(0, 40),
          "truncated");
  refuses("NOTNPY", "bad magic");
  refuses(makeNpy(4, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", f4), "version");
  refuses(makeNpy(1, "{'descr': '<f4', 'shape': (2,), }", f4), "lacks");
  refuses(makeNpy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }", f4),
          "malformed");
  refuses(makeNpy(1, "{'descr': '<f4', 'fortran_order': maybe, 'shape': (2,), }", f4), "malformed");
  refuses(makeNpy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}", f4),
          "unexpected key");
}

TEST_CASE("readNpy and writeNpy report file errors", "[runtime][npy]") {
  TempDir dir;
  CHECK_THROWS_WITH(readNpy(dir.file("missing.npy")), Catch::Contains("missing.npy"));
  const std::string nowhere = dir.file("no-such-dir/out.npy");
  CHECK_THROWS_WITH(writeNpy(nowhere, Tensor::scalar(1.0f)), Catch::Contains("out.npy"));
  CHECK_THROWS_AS(writeNpy(dir.file("empty.npy"), Tensor()), Error);
  CHECK(dir.entries() == 0);
  // Overwriting replaces the old file in one step.
  const std::string path = dir.file("a.npy");
  writeNpy(path, Tensor::scalar(1.0f));
  writeNpy(path, Tensor::fromVector<int32_t>({2}, {7, 8}));
  CHECK(readNpy(path).toInt64Vector() == std::vector<int64_t>{7, 8});
  CHECK(dir.entries() == 1);
}
