//===- Entropy.cpp - TensorRT's KL-divergence threshold search ----------===//
//
// docs/quantization.md, "Entropy". For every candidate i (levels .. bins):
//   P = H[0..i) with the mass of H[i..bins) added to P[i-1];
//   Q = H[0..i) (without that outlier mass, as TensorRT does) merged into
//       `levels` levels -- level j covers source bins [j*i/levels,
//       (j+1)*i/levels), so every level covers i/levels bins rounded down or
//       up -- each level's mass spread evenly over the bins where P > 0;
//   P and Q each normalised to sum 1, a bin with P > 0 and Q = 0 given Q =
//   kEpsilon (as klDivergence does); the i with the smallest KL(P||Q) wins
//   (the smallest i on a tie) and T = (i + 0.5) * binWidth.
//
// Cost: with prefix sums of h, h log h and the count of non-empty bins, the
// KL of one candidate is a sum over its levels rather than its bins:
//   KL = sum_k p_k log p_k
//      + sum_levels m_P(j) * (log n(j) + log m_Q(total) - log m_Q(j))
// (m_P, m_Q: level mass in P and Q; n: non-empty bins of P in the level).
// Every level but the last has m_P = m_Q, and its term m (log n - log m)
// depends only on where it starts and its width -- i / levels rounded down or
// up -- so it is tabulated once per width for the start bins that width can
// use (at most bins logarithms per width, bins / levels + 1 widths). A
// candidate then costs `levels` table look-ups and one logarithm for its
// last level: about 0.5 ms for 2048 bins and 128 levels, against 3 ms with
// a logarithm per level.
//
//===----------------------------------------------------------------------===//
#include "vitc/calib/RangeSelection.h"

#include "vitc/rt/Error.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace vitc::calib {

namespace {

constexpr double kEpsilon = 1e-10;

double xLogX(double x) { return x > 0.0 ? x * std::log(x) : 0.0; }

} // namespace

double entropyThreshold(const std::vector<double> &absHistogram, double binWidth, int levels) {
  if (levels < 1)
    throw rt::Error("entropyThreshold: needs at least one level, got " + std::to_string(levels));
  if (!(binWidth >= 0.0) || !std::isfinite(binWidth))
    throw rt::Error("entropyThreshold: invalid bin width " + std::to_string(binWidth));
  const int64_t bins = static_cast<int64_t>(absHistogram.size());
  double total = 0.0;
  for (double count : absHistogram) {
    if (!(count >= 0.0) || !std::isfinite(count))
      throw rt::Error("entropyThreshold: histogram counts must be finite and >= 0");
    total += count;
  }
  if (bins < levels || total == 0.0)
    return static_cast<double>(bins) * binWidth;

  // Prefix sums over the normalised histogram h; the tail sums are
  // accumulated from the end so that an empty tail is exactly 0.
  std::vector<double> h(bins), mass(bins + 1, 0.0), hLogH(bins + 1, 0.0), tail(bins + 1, 0.0);
  std::vector<int32_t> nonEmpty(bins + 1, 0);
  for (int64_t k = 0; k < bins; ++k) {
    h[k] = absHistogram[k] / total;
    mass[k + 1] = mass[k] + h[k];
    hLogH[k + 1] = hLogH[k] + xLogX(h[k]);
    nonEmpty[k + 1] = nonEmpty[k] + (h[k] > 0.0 ? 1 : 0);
  }
  for (int64_t k = bins; k > 0; --k)
    tail[k - 1] = tail[k] + h[k - 1];
  std::vector<double> logCount(bins + 2, 0.0);
  for (int64_t n = 1; n <= bins + 1; ++n)
    logCount[n] = std::log(static_cast<double>(n));
  const double logEpsilon = std::log(kEpsilon);

  // terms[2 s + 0 / 1]: m (log n - log m) of the level [s, s + w) for the
  // widths w = whole and whole + 1 that the candidates with i / levels ==
  // whole use (every level but the last; the last one carries the outliers).
  // Interleaved so that a level costs one load and no branch.
  std::vector<double> terms(2 * (bins + 1), 0.0);
  // Level j < levels - 1 starts at or below (levels - 2) * (width + 1).
  const auto tabulate = [&](int64_t width, int parity) {
    const int64_t lastStart = std::min(bins, (levels - 2) * (width + 1));
    for (int64_t start = 0; start <= lastStart; ++start) {
      const int64_t end = std::min(start + width, bins);
      const double levelMass = mass[end] - mass[start];
      const int32_t count = nonEmpty[end] - nonEmpty[start];
      terms[2 * start + parity] =
          levelMass > 0.0 ? levelMass * (logCount[count] - std::log(levelMass)) : 0.0;
    }
  };

  std::vector<int32_t> quotient(levels), fraction(levels), termIndex(levels);
  double bestDivergence = std::numeric_limits<double>::infinity();
  int64_t bestBins = bins;
  int64_t tableWidth = 0;
  for (int64_t i = levels; i <= bins; ++i) {
    const int64_t whole = i / levels, remainder = i % levels;
    if (whole != tableWidth) {
      if (whole == tableWidth + 1 && tableWidth > 0) {
        for (int64_t start = 0; start <= std::min(bins, (levels - 2) * (whole + 1)); ++start)
          terms[2 * start] = terms[2 * start + 1];
      } else {
        tabulate(whole, 0);
      }
      tabulate(whole + 1, 1);
      tableWidth = whole;
    }
    // Level j starts at j * i / levels = j * whole + floor(j * remainder /
    // levels). From one candidate to the next the remainder grows by 1, so
    // each j's quotient and remainder advance by j / levels -- exact integer
    // updates without divisions or a carried dependency (they vectorise).
    const int32_t whole32 = static_cast<int32_t>(whole);
    if (remainder == 0) {
      std::fill(quotient.begin(), quotient.end(), 0);
      std::fill(fraction.begin(), fraction.end(), 0);
    } else {
      for (int32_t j = 0; j < levels; ++j) {
        fraction[j] += j;
        const int32_t carry = fraction[j] >= levels ? 1 : 0;
        fraction[j] -= carry * levels;
        quotient[j] += carry;
      }
    }
    // Levels 0 .. levels - 2: terms[2 s + 1] for the longer ones, that is
    // terms[s_j + s_(j+1) - whole]; summed in four interleaved partial sums
    // to shorten the floating-point dependency chain.
    for (int32_t j = 0; j + 1 < levels; ++j)
      termIndex[j] = (2 * j + 1) * whole32 + quotient[j] + quotient[j + 1] - whole32;
    double sum0 = 0.0, sum1 = 0.0, sum2 = 0.0, sum3 = 0.0;
    int64_t j = 0;
    for (; j + 4 < levels; j += 4) {
      sum0 += terms[termIndex[j]];
      sum1 += terms[termIndex[j + 1]];
      sum2 += terms[termIndex[j + 2]];
      sum3 += terms[termIndex[j + 3]];
    }
    for (; j + 1 < levels; ++j)
      sum0 += terms[termIndex[j]];
    const double levels0 = (sum0 + sum1) + (sum2 + sum3);
    const int64_t start = (levels - 1) * whole + quotient[levels - 1];
    // The last level [start, i), with the outlier mass in P's bin i - 1.
    const double outliers = tail[i];
    const double lastP = h[i - 1] + outliers;
    const double logQTotal = mass[i] > 0.0 ? std::log(mass[i]) : 0.0;
    const double lastQ = mass[i] - mass[start];
    const double lastLevelP = lastQ + outliers;
    const int32_t lastCount = nonEmpty[i] - nonEmpty[start] +
                              (h[i - 1] == 0.0 && outliers > 0.0 ? 1 : 0);
    double divergence = hLogH[i - 1] + xLogX(lastP) + levels0 + mass[start] * logQTotal;
    if (lastQ > 0.0)
      divergence += lastLevelP * (logCount[lastCount] + logQTotal - std::log(lastQ));
    else if (lastLevelP > 0.0)
      divergence -= lastLevelP * logEpsilon;
    if (divergence < bestDivergence) {
      bestDivergence = divergence;
      bestBins = i;
    }
  }
  return (static_cast<double>(bestBins) + 0.5) * binWidth;
}

} // namespace vitc::calib
