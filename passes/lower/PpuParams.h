//===- PpuParams.h - PPU command words of floating-point vit ops --*- C++ -*-===//
//
// The words of a PpuOp command (runtime/include/vitc/rt/npu/Program.h,
// PpuKind) for a vit op, and which of its operands the command takes.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_PASSES_LOWER_PPUPARAMS_H
#define VITC_PASSES_LOWER_PPUPARAMS_H

#include "compiler/interpreter/Kernels.h"

#include "mlir/IR/Operation.h"

#include <optional>
#include <vector>

namespace vitc::lower {

struct PpuCommand {
  std::vector<int32_t> words;
  std::vector<mlir::Value> inputs;
  /// Elementwise on one input: an 8-bit input can become a lookup table.
  bool unaryElementwise = false;
};

/// std::nullopt when no PPU kind computes the op; `why` then says why when
/// there is more to say than that (a non-constant operand, a mode).
std::optional<PpuCommand> ppuCommandOf(mlir::Operation *op, interp::BuildContext &ctx,
                                       std::string &why);

} // namespace vitc::lower

#endif // VITC_PASSES_LOWER_PPUPARAMS_H
