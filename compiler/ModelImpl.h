//===- ModelImpl.h - The state behind vitc::Model ------------------*- C++ -*-===//
//
// Private to compiler/: shared by the files implementing vitc::Model
// (Compiler.cpp: load, pipeline, run; ModelQuantize.cpp: quantize).
//
//===----------------------------------------------------------------------===//
#ifndef VITC_COMPILER_MODELIMPL_H
#define VITC_COMPILER_MODELIMPL_H

#include "vitc/Compiler.h"

#include "compiler/interpreter/Interpreter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"

namespace vitc {

struct Model::Impl {
  std::unique_ptr<mlir::MLIRContext> context;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  Stage stage = Stage::Import;
  std::vector<std::string> notes;
  std::unique_ptr<rt::ThreadPool> pool;
  int poolThreads = -1;
  std::unique_ptr<interp::Interpreter> interpreter;
  std::unique_ptr<interp::Interpreter> referenceInterpreter; ///< runs fp32Module

  QuantizationReport quantReport;
  /// The graph-stage module as it was before quantisation (for comparing the
  /// quantised model with fp32, e.g. `vitc eval`).
  mlir::OwningOpRef<mlir::ModuleOp> fp32Module;

  /// The interpreter's pool for `threads` (recreated when that changes).
  rt::ThreadPool *poolFor(int threads);

  mlir::func::FuncOp mainFunc() const {
    return mlir::ModuleOp(module.get()).lookupSymbol<mlir::func::FuncOp>("main");
  }
  /// One run of the model (or of fp32Module with `reference`).
  Status runOnce(const std::vector<rt::Tensor> &inputs, std::vector<rt::Tensor> &outputs,
                 bool reference);
};

} // namespace vitc

#endif // VITC_COMPILER_MODELIMPL_H
