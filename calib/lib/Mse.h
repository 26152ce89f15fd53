//===- Mse.h - Minimum-squared-error range search (private) -------*- C++ -*-===//
#ifndef VITC_CALIB_LIB_MSE_H
#define VITC_CALIB_LIB_MSE_H

#include "vitc/calib/RangeSelection.h"

namespace vitc::calib::detail {

/// The clipping range whose activationParams(.., bits) minimise the expected
/// squared quantisation error over the observer's histogram (Mse.cpp). The
/// observer has a range of non-zero width.
Range mseRange(const TensorObserver &observer, int bits);

} // namespace vitc::calib::detail

#endif // VITC_CALIB_LIB_MSE_H
