//===- Metrics.h - Quantisation error measures --------------------*- C++ -*-===//
#ifndef VITC_CALIB_METRICS_H
#define VITC_CALIB_METRICS_H

#include <cstdint>
#include <vector>

namespace vitc::calib {

/// Accumulates the signal and error energy of `test` against `reference`
/// over several batches; sqnrDb() = 10 log10(sum r^2 / sum (r - t)^2)
/// (+infinity when the error is zero).
class SqnrMeter {
public:
  void add(const float *reference, const float *test, int64_t count);
  double sqnrDb() const;
  double signalEnergy() const { return signal_; }
  double errorEnergy() const { return error_; }

private:
  double signal_ = 0.0, error_ = 0.0;
};

/// KL(P || Q) of two histograms over the same bins, each normalised to sum 1;
/// bins where P > 0 and Q = 0 are smoothed with `epsilon` (Q taken as
/// epsilon there, after normalisation). An all-zero P gives 0. Throws on
/// different sizes, negative or non-finite counts, epsilon <= 0.
double klDivergence(const std::vector<double> &p, const std::vector<double> &q,
                    double epsilon = 1e-10);

/// PSNR in dB of `test` against `reference` for signals of peak `peak`:
/// 10 log10(peak^2 / mean (r - t)^2), +infinity when equal. Throws on
/// count <= 0 or peak <= 0.
double psnrDb(const float *reference, const float *test, int64_t count, double peak);

} // namespace vitc::calib

#endif // VITC_CALIB_METRICS_H
