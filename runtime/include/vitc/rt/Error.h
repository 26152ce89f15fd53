//===- Error.h - The runtime's error type -------------------------*- C++ -*-===//
//
// Runtime kernels and loaders throw vitc::rt::Error when a precondition on
// their inputs does not hold (shape mismatch, unsupported dtype, corrupt
// file). The boundaries that face users -- the compiler's interpreter, the
// C API, the tools -- catch it and turn it into a message; it never escapes
// through the C API.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_RT_ERROR_H
#define VITC_RT_ERROR_H

#include <stdexcept>
#include <string>

namespace vitc::rt {

class Error : public std::runtime_error {
public:
  explicit Error(const std::string &message) : std::runtime_error(message) {}
};

} // namespace vitc::rt

#endif // VITC_RT_ERROR_H
