//===- ProgramChecks.h - validateProgram's pieces, library-private -*- C++ -*-===//
//
// Program.cpp checks the tensors and calls checkCommand (ProgramCommands.cpp)
// for each command with the tensors' element counts.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_RT_NPU_PROGRAMCHECKS_H
#define VITC_RT_NPU_PROGRAMCHECKS_H

#include "vitc/rt/npu/Format.h"
#include "vitc/rt/npu/Program.h"

#include <string>
#include <vector>

namespace vitc::rt::npu::detail {

/// Bound on a tensor's element count: keeps every byte size below 2^62.
constexpr uint64_t kMaxElements = uint64_t(1) << 60;

/// I8, I16, U8, I32 or F32.
bool isStorageDType(DType dtype);
/// "tensor 3 'name'"; `id` must be in range.
std::string tensorLabel(const Program &program, uint32_t id);
/// Checks command `index`; `numels` are the (already checked) tensors' element counts.
void checkCommand(const Program &program, const std::vector<uint64_t> &numels, size_t index);

} // namespace vitc::rt::npu::detail

#endif // VITC_RT_NPU_PROGRAMCHECKS_H
