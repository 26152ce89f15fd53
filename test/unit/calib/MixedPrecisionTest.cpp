//===- MixedPrecisionTest.cpp - INT16 promotion under a byte budget -------===//
#include "vitc/calib/MixedPrecision.h"

#include "vitc/rt/Error.h"

#include <catch2/catch.hpp>

#include <limits>

using namespace vitc::calib;

namespace {

TensorSensitivity tensor(double sqnrDb, int64_t bytes, double kl = 0.0) {
  TensorSensitivity t;
  t.sqnrDb = sqnrDb;
  t.kl = kl;
  t.bytes = bytes;
  return t;
}

// Sensitivity order: 1 (10 dB, 20 B), 2 (20 dB, 30 B), 0 (30 dB, 10 B), 3 (40 dB, 40 B).
const std::vector<TensorSensitivity> kFour = {tensor(30, 10), tensor(10, 20), tensor(20, 30),
                                              tensor(40, 40)};

} // namespace

TEST_CASE("promotion follows increasing SQNR within the budget", "[calib][mixed]") {
  CHECK(chooseInt16(kFour, 1.0) == std::vector<int>{1, 2, 0, 3});
  CHECK(chooseInt16(kFour, 5.0) == std::vector<int>{1, 2, 0, 3});
  // 20 + 30 = 50 of 100 bytes: exactly at the budget is allowed.
  CHECK(chooseInt16(kFour, 0.5) == std::vector<int>{1, 2});
  CHECK(chooseInt16(kFour, 0.6) == std::vector<int>{1, 2, 0});
  // A tensor that does not fit is skipped: tensor 2 (30 B) would exceed 0.49
  // next to tensor 1 (20 B), tensor 0 (10 B) still fits after it.
  CHECK(chooseInt16(kFour, 0.49) == std::vector<int>{1, 0});
  CHECK(chooseInt16(kFour, 0.19) == std::vector<int>{0}); // only the 10 B tensor fits
  CHECK(chooseInt16(kFour, 0.09).empty());
  CHECK(chooseInt16(kFour, 0.0).empty());
}

TEST_CASE("budget fractions compare exactly", "[calib][mixed]") {
  // 3 of 10 bytes at 0.3 and 29 of 100 at 0.29, although 0.3 * 10 and
  // 0.29 * 100 are not exact in binary.
  std::vector<TensorSensitivity> ten;
  for (int i = 0; i < 10; ++i)
    ten.push_back(tensor(i, 1));
  CHECK(chooseInt16(ten, 0.3) == std::vector<int>{0, 1, 2});
  std::vector<TensorSensitivity> hundred;
  for (int i = 0; i < 100; ++i)
    hundred.push_back(tensor(i, 1));
  CHECK(chooseInt16(hundred, 0.29).size() == 29);
}

TEST_CASE("ties: higher KL first, then lower index", "[calib][mixed]") {
  const std::vector<TensorSensitivity> tied = {tensor(15, 1, 0.1), tensor(15, 1, 0.3),
                                               tensor(15, 1, 0.1), tensor(12, 1, 0.0),
                                               tensor(15, 1, 0.3)};
  CHECK(chooseInt16(tied, 1.0) == std::vector<int>{3, 1, 4, 0, 2});
  CHECK(chooseInt16(tied, 0.6) == std::vector<int>{3, 1, 4});
}

TEST_CASE("mixed-precision edge cases", "[calib][mixed]") {
  CHECK(chooseInt16({}, 0.1).empty());
  // Tensors of no bytes cost nothing, even at budget 0.
  CHECK(chooseInt16({tensor(1, 0), tensor(2, 0)}, 0.0) == std::vector<int>{0, 1});
  const double inf = std::numeric_limits<double>::infinity();
  CHECK(chooseInt16({tensor(inf, 5), tensor(3, 5)}, 0.5) == std::vector<int>{1});
  CHECK_THROWS_AS(chooseInt16(kFour, -0.1), vitc::rt::Error);
  CHECK_THROWS_AS(chooseInt16(kFour, std::numeric_limits<double>::quiet_NaN()), vitc::rt::Error);
  CHECK_THROWS_AS(chooseInt16({tensor(1, -1)}, 0.5), vitc::rt::Error);
  CHECK_THROWS_AS(chooseInt16({tensor(std::numeric_limits<double>::quiet_NaN(), 1)}, 0.5),
                  vitc::rt::Error);
}
