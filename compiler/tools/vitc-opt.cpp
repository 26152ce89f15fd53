//===- vitc-opt.cpp - mlir-opt with the vitc dialects and passes ----------===//
#include "compiler/Pipeline.h"
#include "passes/Passes.h"

#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  vitc::registerVitcDialects(registry);
  mlir::registerTransformsPasses();
  vitc::registerVitcPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "vitc pass driver: runs vitc passes on .mlir files\n", registry));
}
