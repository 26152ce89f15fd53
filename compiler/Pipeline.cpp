//===- Pipeline.cpp -------------------------------------------------------===//
#include "compiler/Pipeline.h"
#include "compiler/Diagnostics.h"
#include "dialects/npu/NpuDialect.h"
#include "dialects/vit/VitDialect.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/raw_ostream.h"

namespace vitc {

void registerVitcDialects(mlir::DialectRegistry &registry) {
  registry.insert<vit::VitDialect, npu::NpuDialect, mlir::func::FuncDialect,
                  mlir::quant::QuantizationDialect>();
}

/// Graph stage: shape folding first (patterns need constant shapes), then
/// fusions from the smallest pattern up (LayerNorm and GELU before Linear,
/// Linear before attention), then layout clean-up, then a last fold.
static void buildGraphPipeline(mlir::OpPassManager &pm) {
  mlir::OpPassManager &func = pm.nest<mlir::func::FuncOp>();
  func.addPass(createFoldConstants());
  func.addPass(createFuseLayerNorm());
  func.addPass(createFuseGelu());
  func.addPass(createFuseLinear());
  func.addPass(createFoldBatchNorm());
  func.addPass(createFoldAffine());
  func.addPass(createFuseAttention());
  func.addPass(createFoldTransposes());
  func.addPass(createFoldConstants());
  func.addPass(mlir::createCSEPass());
}

void buildPipeline(mlir::OpPassManager &pm, Stage from, Stage to) {
  if (from < Stage::Graph && to >= Stage::Graph)
    buildGraphPipeline(pm);
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
