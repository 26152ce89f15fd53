//===- Pipeline.cpp -------------------------------------------------------===//
#include "compiler/Pipeline.h"
#include "compiler/Diagnostics.h"
#include "dialects/vit/VitDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/raw_ostream.h"

namespace vitc {

void registerVitcDialects(mlir::DialectRegistry &registry) {
  registry.insert<vit::VitDialect, mlir::func::FuncDialect, mlir::quant::QuantizationDialect>();
}

void buildPipeline(mlir::OpPassManager &pm, Stage from, Stage to) {
  if (from < Stage::Graph && to >= Stage::Graph) {
    // Graph stage: fold constants, remove dead values and duplicates.
    pm.addPass(mlir::createCanonicalizerPass());
    pm.addPass(mlir::createCSEPass());
  }
}

llvm::Error runPipeline(mlir::ModuleOp module, Stage from, Stage to) {
  mlir::PassManager pm(module.getContext());
  buildPipeline(pm, from, to);
  DiagnosticCollector diagnostics(module.getContext());
  if (mlir::failed(pm.run(module)))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "the compiler pipeline failed:\n" + diagnostics.text());
  return llvm::Error::success();
}

} // namespace vitc
