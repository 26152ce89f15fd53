//===- Passes.h - Declarations of every vitc pass ------------------*- C++ -*-===//
#ifndef VITC_PASSES_PASSES_H
#define VITC_PASSES_PASSES_H

#include "dialects/npu/NpuDialect.h"
#include "dialects/vit/VitDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/Pass/Pass.h"

namespace vitc {

#define GEN_PASS_DECL
#include "passes/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Passes.h.inc"

} // namespace vitc

#endif // VITC_PASSES_PASSES_H
