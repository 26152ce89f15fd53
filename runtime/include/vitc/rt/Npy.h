//===- Npy.h - NumPy .npy reading and writing ---------------------*- C++ -*-===//
//
// Format version 1.0-3.0, little-endian, C order only. Reads and writes f32,
// f64, i8, u8, i16, i32, i64 and bool. Fortran order, big-endian data and
// other dtypes are refused with a vitc::rt::Error that names the file and
// the problem. writeNpy writes to a temporary file and renames it, so a
// failed write never leaves a partial file behind.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_RT_NPY_H
#define VITC_RT_NPY_H

#include "vitc/rt/Tensor.h"

#include <string>

namespace vitc::rt {

Tensor readNpy(const std::string &path);
/// Parses an in-memory .npy image; `name` is used in error messages.
Tensor parseNpy(const void *data, size_t size, const std::string &name);
void writeNpy(const std::string &path, const Tensor &tensor);

} // namespace vitc::rt

#endif // VITC_RT_NPY_H
