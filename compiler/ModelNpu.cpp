//===- ModelNpu.cpp - Model::compileNpu: quantised model to NPU program ---===//
#include "codegen/npu/EmitProgram.h"
#include "compiler/Diagnostics.h"
#include "compiler/ModelImpl.h"
#include "passes/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/raw_os_ostream.h"

namespace vitc {

Status Model::compileNpu(const NpuOptions &options, rt::npu::Program &program,
                         std::ostream *loweredMlir) const {
  if (!impl_->module)
    return Status::error("no model is loaded");
  if (impl_->stage != Stage::Quant)
    return Status::error("the NPU runs integer models: quantise first (--wbits 8)");
  rt::npu::NpuConfig config;
  try {
    config = rt::npu::loadNpuConfig(options.config);
  } catch (const std::exception &e) {
    return Status::error(e.what());
  }
  mlir::OwningOpRef<mlir::ModuleOp> lowered(impl_->module->clone());
  mlir::PassManager pm(impl_->context.get());
  mlir::OpPassManager &func = pm.nest<mlir::func::FuncOp>();
  LowerVitToNpuOptions lowerOptions;
  lowerOptions.useLuts = options.luts;
  func.addPass(createLowerVitToNpu(lowerOptions));
  func.addPass(mlir::createCSEPass());
  func.addPass(createFuseNpuEpilogue());
  TileNpuOptions tileOptions;
  tileOptions.config = options.config;
  func.addPass(createTileNpu(tileOptions));
  PlanNpuMemoryOptions planOptions;
  planOptions.config = options.config;
  func.addPass(createPlanNpuMemory(planOptions));
  {
    // A failing pass would attach the whole function to its diagnostic.
    mlir::MLIRContext *context = impl_->context.get();
    bool printOp = context->shouldPrintOpOnDiagnostic();
    context->printOpOnDiagnostic(false);
    DiagnosticCollector diagnostics(context);
    mlir::LogicalResult result = pm.run(*lowered);
    context->printOpOnDiagnostic(printOp);
    if (mlir::failed(result))
      return Status::error("lowering to the NPU failed:\n" + diagnostics.text());
  }
  if (loweredMlir) {
    llvm::raw_os_ostream out(*loweredMlir);
    lowered->print(out);
  }
  std::vector<std::string> inputNames, outputNames;
  for (const TensorInfo &info : inputs())
    inputNames.push_back(info.name);
  for (const TensorInfo &info : outputs())
    outputNames.push_back(info.name);
  auto main = mlir::ModuleOp(lowered.get()).lookupSymbol<mlir::func::FuncOp>("main");
  llvm::Expected<rt::npu::Program> emitted =
      codegen::emitProgram(main, config, inputNames, outputNames);
  if (!emitted)
    return Status::error(llvm::toString(emitted.takeError()));
  program = std::move(*emitted);
  return Status::success();
}

} // namespace vitc
