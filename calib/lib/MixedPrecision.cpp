//===- MixedPrecision.cpp - Choosing INT16 activations under a budget ---===//
//
// Greedy in sensitivity order (docs/quantization.md, "Mixed precision"): a
// tensor that would take the promoted bytes over the budget is skipped and
// the next, less sensitive ones are still considered, so the budget goes to
// the most sensitive tensors that fit. Bytes are INT8 sizes on both sides of
// the comparison, which is promoted / total <= budget (so a budget of 0.3
// admits exactly 3 of 10 bytes).
//
//===----------------------------------------------------------------------===//
#include "vitc/calib/MixedPrecision.h"

#include "vitc/rt/Error.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

namespace vitc::calib {

std::vector<int> chooseInt16(const std::vector<TensorSensitivity> &tensors,
                             double budgetFraction) {
  if (!(budgetFraction >= 0.0) || !std::isfinite(budgetFraction))
    throw rt::Error("mixed precision: the INT16 budget must be a finite fraction >= 0, got " +
                    std::to_string(budgetFraction));
  int64_t total = 0;
  for (size_t i = 0; i < tensors.size(); ++i) {
    if (tensors[i].bytes < 0 || std::isnan(tensors[i].sqnrDb) || std::isnan(tensors[i].kl))
      throw rt::Error("mixed precision: tensor " + std::to_string(i) +
                      " has negative bytes or a NaN sensitivity");
    total += tensors[i].bytes;
  }
  std::vector<int> order(tensors.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    const TensorSensitivity &x = tensors[a], &y = tensors[b];
    if (x.sqnrDb != y.sqnrDb)
      return x.sqnrDb < y.sqnrDb;
    if (x.kl != y.kl)
      return x.kl > y.kl;
    return a < b;
  });
  std::vector<int> promoted;
  int64_t promotedBytes = 0;
  for (int index : order) {
    const int64_t bytes = promotedBytes + tensors[index].bytes;
    const bool fits = total == 0 || static_cast<double>(bytes) / static_cast<double>(total) <=
                                        budgetFraction;
    if (!fits)
      continue;
    promoted.push_back(index);
    promotedBytes = bytes;
  }
  return promoted;
}

} // namespace vitc::calib
