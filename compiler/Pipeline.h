//===- Pipeline.h - The compiler's pass pipeline, in one place ----*- C++ -*-===//
#ifndef VITC_COMPILER_PIPELINE_H
#define VITC_COMPILER_PIPELINE_H

#include "vitc/Compiler.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/Error.h"

namespace vitc {

/// Every dialect a vitc module may contain.
void registerVitcDialects(mlir::DialectRegistry &registry);

/// Adds the passes that take a module from stage `from` to stage `to`.
void buildPipeline(mlir::OpPassManager &pm, Stage from, Stage to);

/// Runs the passes from `from` to `to` on `module`; diagnostics become the
/// error message.
llvm::Error runPipeline(mlir::ModuleOp module, Stage from, Stage to);

} // namespace vitc

#endif // VITC_COMPILER_PIPELINE_H
