//===- MixedPrecision.h - Choosing INT16 activations under a budget -*- C++ -*-===//
#ifndef VITC_CALIB_MIXEDPRECISION_H
#define VITC_CALIB_MIXEDPRECISION_H

#include <cstdint>
#include <vector>

namespace vitc::calib {

struct TensorSensitivity {
  double sqnrDb = 0.0;  ///< consumer-output SQNR with only this tensor in INT8
  double kl = 0.0;      ///< KL of the consumer-output histograms
  int64_t bytes = 0;    ///< INT8 size of the tensor (elements per inference)
};

/// Indices of the tensors to promote to INT16: lowest SQNR first (ties: higher
/// KL first, then lower index), while the promoted tensors hold at most
/// `budgetFraction` of the total activation bytes. Deterministic.
/// The indices come in promotion order; a tensor that does not fit is
/// skipped and less sensitive, smaller ones may still be promoted. Bytes count as
/// INT8 sizes on both sides: sum(promoted bytes) / sum(all bytes) <= budget.
/// Throws on a negative or non-finite budget, negative bytes or a NaN
/// sensitivity.
std::vector<int> chooseInt16(const std::vector<TensorSensitivity> &tensors,
                             double budgetFraction);

} // namespace vitc::calib

#endif // VITC_CALIB_MIXEDPRECISION_H
