//===- NpuDialect.h - The npu dialect -----------------------------*- C++ -*-===//
#ifndef VITC_DIALECTS_NPU_NPUDIALECT_H
#define VITC_DIALECTS_NPU_NPUDIALECT_H

#include "mlir/IR/Dialect.h"

#include "dialects/npu/NpuDialect.h.inc"

#endif // VITC_DIALECTS_NPU_NPUDIALECT_H
