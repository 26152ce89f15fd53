//===- EmitProgram.h - npu dialect to an NPU program --------------*- C++ -*-===//
//
// Serialises a function that went through npu-lower, npu-tile and
// npu-plan-memory into a runtime Program (tensor table, weight region,
// parameter words, commands), which runtime/npu writes as .vnb.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_CODEGEN_NPU_EMITPROGRAM_H
#define VITC_CODEGEN_NPU_EMITPROGRAM_H

#include "vitc/rt/npu/Program.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/Error.h"

namespace vitc::codegen {

/// `inputNames`/`outputNames` name the model's inputs and outputs in the
/// tensor table. Weights are compressed (zero-run) where that is smaller.
llvm::Expected<rt::npu::Program> emitProgram(mlir::func::FuncOp func,
                                             const rt::npu::NpuConfig &config,
                                             const std::vector<std::string> &inputNames,
                                             const std::vector<std::string> &outputNames);

} // namespace vitc::codegen

#endif // VITC_CODEGEN_NPU_EMITPROGRAM_H
