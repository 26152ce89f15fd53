//===- QuantParams.cpp - PLACEHOLDER: being written -----------------------===//
#include "vitc/calib/QuantParams.h"

#include <cmath>

namespace vitc::calib {

double roundHalfAway(double x) { return x < 0 ? -std::floor(-x + 0.5) : std::floor(x + 0.5); }

} // namespace vitc::calib
