//===- Metrics.cpp - SQNR, KL divergence, PSNR --------------------------===//
//
// Sums are in double, in index order (deterministic). A zero error gives
// +infinity dB; a zero signal with a non-zero error gives -infinity.
//
//===----------------------------------------------------------------------===//
#include "vitc/calib/Metrics.h"

#include "vitc/rt/Error.h"

#include <cmath>
#include <limits>
#include <string>

namespace vitc::calib {

namespace {

double decibels(double signal, double error) {
  if (error == 0.0)
    return std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(signal / error);
}

double sumOf(const std::vector<double> &histogram, const char *name) {
  double sum = 0.0;
  for (double count : histogram) {
    if (!(count >= 0.0) || !std::isfinite(count))
      throw rt::Error(std::string("klDivergence: histogram ") + name +
                      " has a negative or non-finite count");
    sum += count;
  }
  return sum;
}

} // namespace

void SqnrMeter::add(const float *reference, const float *test, int64_t count) {
  double signal = 0.0, error = 0.0;
  for (int64_t i = 0; i < count; ++i) {
    const double r = reference[i];
    const double difference = r - static_cast<double>(test[i]);
    signal += r * r;
    error += difference * difference;
  }
  signal_ += signal;
  error_ += error;
}

double SqnrMeter::sqnrDb() const { return decibels(signal_, error_); }

double klDivergence(const std::vector<double> &p, const std::vector<double> &q, double epsilon) {
  if (p.size() != q.size())
    throw rt::Error("klDivergence: histograms of " + std::to_string(p.size()) + " and " +
                    std::to_string(q.size()) + " bins");
  if (!(epsilon > 0.0))
    throw rt::Error("klDivergence: epsilon must be > 0");
  const double pSum = sumOf(p, "P"), qSum = sumOf(q, "Q");
  if (pSum == 0.0)
    return 0.0;
  double divergence = 0.0;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == 0.0)
      continue;
    const double pi = p[i] / pSum;
    const double qi = q[i] > 0.0 ? q[i] / qSum : epsilon;
    divergence += pi * std::log(pi / qi);
  }
  return divergence;
}

double psnrDb(const float *reference, const float *test, int64_t count, double peak) {
  if (count <= 0)
    throw rt::Error("psnrDb: needs at least one value");
  if (!(peak > 0.0))
    throw rt::Error("psnrDb: the peak must be > 0");
  double error = 0.0;
  for (int64_t i = 0; i < count; ++i) {
    const double difference =
        static_cast<double>(reference[i]) - static_cast<double>(test[i]);
    error += difference * difference;
  }
  return decibels(peak * peak, error / static_cast<double>(count));
}

} // namespace vitc::calib
