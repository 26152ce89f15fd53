//===- Kernels.h - Per-op kernel builders of the interpreter ------*- C++ -*-===//
//
// Private to the interpreter. A builder looks at one op once (attributes,
// constant operands) and returns a KernelFn that computes the op's results
// from its operand tensors on every run.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_COMPILER_INTERPRETER_KERNELS_H
#define VITC_COMPILER_INTERPRETER_KERNELS_H

#include "compiler/interpreter/ConstantTensors.h"
#include "vitc/rt/Tensor.h"
#include "vitc/rt/kernels/Conv.h"
#include "vitc/rt/ThreadPool.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Operation.h"
#include "mlir/Support/TypeID.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/Error.h"

#include <functional>
#include <optional>
#include <vector>

namespace vitc::interp {

/// Operand tensors in operand order; absent optional operands are not listed
/// (use the op's accessors to know which are present).
using KernelInputs = llvm::ArrayRef<const rt::Tensor *>;
using KernelFn = std::function<std::vector<rt::Tensor>(KernelInputs inputs)>;

class BuildContext {
public:
  explicit BuildContext(rt::ThreadPool *pool) : pool_(pool) {}
  rt::ThreadPool *pool() const { return pool_; }
  /// The tensor of a value defined by vit.constant, or null.
  const rt::Tensor *constant(mlir::Value value) const;
  void setConstant(mlir::Value value, rt::Tensor tensor) { constants_[value] = std::move(tensor); }

private:
  rt::ThreadPool *pool_;
  llvm::DenseMap<mlir::Value, rt::Tensor> constants_;
};

using KernelBuilder = std::function<llvm::Expected<KernelFn>(mlir::Operation *, BuildContext &)>;

class KernelRegistry {
public:
  template <typename OpT, typename Fn> void add(Fn build) {
    builders_[mlir::TypeID::get<OpT>()] = [build](mlir::Operation *op, BuildContext &ctx) {
      return build(llvm::cast<OpT>(op), ctx);
    };
  }
  const KernelBuilder *find(mlir::Operation *op) const;

private:
  llvm::DenseMap<mlir::TypeID, KernelBuilder> builders_;
};

/// Every kernel builder of the interpreter.
const KernelRegistry &kernelRegistry();

void addElementwiseKernels(KernelRegistry &registry);
/// quant.qcast / quant.dcast / quant.scast.
void addQuantCastKernels(KernelRegistry &registry);

/// For an op with quantised operands or results: its integer kernel
/// (Linear, Conv, MatMul, Attention, Add; data movement when parameters
/// agree), or else the PPU model around its fp32 kernel (dequantise the
/// quantised operands, run fp32, quantise the quantised results).
/// std::nullopt when the op has no quantised types.
std::optional<llvm::Expected<KernelFn>> buildQuantizedKernel(mlir::Operation *op,
                                                             BuildContext &ctx);
void addNeuralKernels(KernelRegistry &registry);
void addLayoutKernels(KernelRegistry &registry);
void addAttentionKernels(KernelRegistry &registry);

/// A quantised tensor (integer storage) as f32, with the per-tensor or
/// per-axis parameters of its quantised element type.
rt::Tensor dequantizeAs(const rt::Tensor &quantized, mlir::Type elementType,
                        rt::ThreadPool *pool);

/// Builds `op`'s fp32 kernel and runs it once on `inputs` (constant-folding
/// and lowering passes evaluate ops this way); a missing kernel, a build
/// error or a kernel exception becomes the error.
llvm::Expected<std::vector<rt::Tensor>> evaluateOp(mlir::Operation *op, BuildContext &ctx,
                                                   const std::vector<rt::Tensor> &inputs);

/// The runtime attributes of a vit.conv (auto_pad parsed, defaults kept).
llvm::Expected<rt::ConvAttrs> convAttrsOf(mlir::Operation *conv);

/// Shorthand for a KernelFn returning one tensor.
template <typename Fn> KernelFn single(Fn fn) {
  return [fn](KernelInputs in) { return std::vector<rt::Tensor>{fn(in)}; };
}

inline llvm::Error kernelError(mlir::Operation *op, const std::string &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 op->getName().getStringRef().str() + ": " + message);
}

} // namespace vitc::interp

#endif // VITC_COMPILER_INTERPRETER_KERNELS_H
