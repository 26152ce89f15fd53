//===- MetricsTest.cpp - SQNR, KL divergence, PSNR ------------------------===//
#include "vitc/calib/Metrics.h"

#include "vitc/rt/Error.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

using namespace vitc::calib;

TEST_CASE("SQNR of a known noise, over several batches", "[calib][metrics]") {
  SqnrMeter meter;
  // Signal energy 9 + 16 + 0 + 75 = 100; error 0.25 + 0.75 = 1 -> 20 dB.
  const std::vector<float> r1 = {3.0f, 4.0f}, t1 = {3.5f, 4.0f};
  const std::vector<float> r2 = {0.0f, -75.0f}, t2 = {0.0f, -75.0f};
  meter.add(r1.data(), t1.data(), 2);
  meter.add(r2.data(), t2.data(), 1);
  const std::vector<float> r3 = {std::sqrt(75.0f)}, t3 = {std::sqrt(75.0f) + std::sqrt(0.75f)};
  meter.add(r3.data(), t3.data(), 1);
  CHECK(meter.signalEnergy() == Approx(100.0).epsilon(1e-6));
  CHECK(meter.errorEnergy() == Approx(1.0).epsilon(1e-6));
  CHECK(meter.sqnrDb() == Approx(20.0).epsilon(1e-6));
}

TEST_CASE("SQNR limits", "[calib][metrics]") {
  SqnrMeter exact;
  CHECK(exact.sqnrDb() == std::numeric_limits<double>::infinity());
  const std::vector<float> r = {1.0f, -2.0f};
  exact.add(r.data(), r.data(), 2);
  CHECK(exact.sqnrDb() == std::numeric_limits<double>::infinity());
  SqnrMeter silent;
  const std::vector<float> zero = {0.0f}, one = {1.0f};
  silent.add(zero.data(), one.data(), 1);
  CHECK(silent.sqnrDb() == -std::numeric_limits<double>::infinity());
}

TEST_CASE("KL divergence", "[calib][metrics]") {
  CHECK(klDivergence({1, 2, 3, 0}, {1, 2, 3, 0}) == 0.0);
  // Normalised first: a scaled copy is identical.
  CHECK(klDivergence({1, 2, 3}, {10, 20, 30}) == Approx(0.0).margin(1e-15));
  // P = (1/2, 1/2), Q = (1/4, 3/4).
  CHECK(klDivergence({1, 1}, {1, 3}) ==
        Approx(0.5 * std::log(2.0) + 0.5 * std::log(2.0 / 3.0)).epsilon(1e-12));
  // Q = 0 where P > 0 is smoothed with epsilon.
  CHECK(klDivergence({1, 1}, {1, 0}, 1e-6) ==
        Approx(0.5 * std::log(0.5) + 0.5 * std::log(0.5 / 1e-6)).epsilon(1e-12));
  CHECK(klDivergence({0, 0}, {1, 0}) == 0.0);
  CHECK_THROWS_AS(klDivergence({1, 2}, {1}), vitc::rt::Error);
  CHECK_THROWS_AS(klDivergence({1, -2}, {1, 1}), vitc::rt::Error);
  CHECK_THROWS_AS(klDivergence({1}, {1}, 0.0), vitc::rt::Error);
}

TEST_CASE("PSNR of a known error", "[calib][metrics]") {
  // Every element off by 0.1: MSE 0.01, peak 1 -> 20 dB; peak 255 -> +48.13 dB.
  const std::vector<float> r = {0.5f, 0.25f, 0.0f, 1.0f}, t = {0.6f, 0.15f, 0.1f, 0.9f};
  CHECK(psnrDb(r.data(), t.data(), 4, 1.0) == Approx(20.0).epsilon(1e-5));
  CHECK(psnrDb(r.data(), t.data(), 4, 255.0) ==
        Approx(20.0 + 20.0 * std::log10(255.0)).epsilon(1e-5));
  CHECK(psnrDb(r.data(), r.data(), 4, 1.0) == std::numeric_limits<double>::infinity());
  CHECK_THROWS_AS(psnrDb(r.data(), t.data(), 0, 1.0), vitc::rt::Error);
  CHECK_THROWS_AS(psnrDb(r.data(), t.data(), 4, 0.0), vitc::rt::Error);
}
