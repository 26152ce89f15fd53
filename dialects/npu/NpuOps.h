//===- NpuOps.h - Ops of the npu dialect --------------------------*- C++ -*-===//
#ifndef VITC_DIALECTS_NPU_NPUOPS_H
#define VITC_DIALECTS_NPU_NPUOPS_H

#include "dialects/npu/NpuDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "dialects/npu/NpuOps.h.inc"

namespace vitc::npu {
/// Integers per copy in npu.copy's `copies` (and TpCopy's params).
constexpr int64_t kCopyWords = 22;
constexpr int64_t kCopyRank = 6;
} // namespace vitc::npu

#endif // VITC_DIALECTS_NPU_NPUOPS_H
