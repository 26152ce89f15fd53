//===- Interpreter.h - Executes a vit-dialect function ------------*- C++ -*-===//
//
// Runs func.func @main of a vit module on the runtime's reference kernels.
// create() walks the function once and turns every op into a step with its
// attributes decoded and constant weights pre-packed; run() then executes
// the steps, freeing each intermediate tensor after its last use. Built for
// repeated runs (calibration, evaluation), so per-run overhead is small.
//
// Constant tensors are views of the module's attributes: the module (and its
// MLIRContext) must outlive the interpreter.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_COMPILER_INTERPRETER_INTERPRETER_H
#define VITC_COMPILER_INTERPRETER_INTERPRETER_H

#include "vitc/rt/Tensor.h"
#include "vitc/rt/ThreadPool.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/Error.h"

#include <functional>
#include <memory>
#include <vector>

namespace vitc::interp {

class Interpreter {
public:
  /// Called with every op result while running (calibration observers).
  using Observer = std::function<void(mlir::Operation *op, unsigned resultIndex,
                                      const rt::Tensor &value)>;

  /// With `checkTypes` (the default) every input and result is checked
  /// against its IR type; the importer turns that off while it computes the
  /// types ONNX shape inference left open.
  static llvm::Expected<std::unique_ptr<Interpreter>>
  create(mlir::func::FuncOp func, rt::ThreadPool *pool, bool checkTypes = true);
  ~Interpreter();

  /// Inputs in argument order; their shapes must be compatible with the
  /// argument types (dynamic dims take any size).
  llvm::Expected<std::vector<rt::Tensor>> run(const std::vector<rt::Tensor> &inputs);

  void setObserver(Observer observer);

  /// Called with every op result before observers and consumers see it; may
  /// replace the value (calibration's fake quantisation of one tensor).
  using Transform = std::function<void(mlir::Operation *op, unsigned resultIndex,
                                       rt::Tensor &value)>;
  void setTransform(Transform transform);

private:
  struct Impl;
  explicit Interpreter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

} // namespace vitc::interp

#endif // VITC_COMPILER_INTERPRETER_INTERPRETER_H
