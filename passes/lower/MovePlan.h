//===- MovePlan.h - Data movement as strided copies or a gather ---*- C++ -*-===//
//
// Any data-movement op (transpose, slice, concat, split, gather, expand,
// depth-to-space, ...) maps each output element to one input element. The
// map is found by running the interpreter's own kernel on element ids, so it
// has exactly the interpreter's semantics; it is then cut into the fewest
// boxes that are affine in the output index (npu.copy), or kept as an index
// table (npu.gather) when that would take too many boxes.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_PASSES_LOWER_MOVEPLAN_H
#define VITC_PASSES_LOWER_MOVEPLAN_H

#include "compiler/interpreter/Kernels.h"

#include "mlir/IR/Operation.h"

#include <optional>
#include <vector>

namespace vitc::lower {

struct MovePlan {
  /// The data operands, in the order copies name them.
  std::vector<unsigned> sources;
  /// npu.copy's `copies` (kCopyWords per copy); empty when `gather` is set.
  std::vector<int64_t> copies;
  /// One source: out[i] = in[gather[i]].
  std::vector<int32_t> gather;
  /// The output is the single source's bytes unchanged (a reshape).
  bool view = false;
};

/// The plan of result `result` of a data-movement op. Non-data operands
/// (shapes, starts, indices) must be constants known to `ctx`; returns an
/// error otherwise.
llvm::Expected<MovePlan> planMove(mlir::Operation *op, unsigned result, interp::BuildContext &ctx);

} // namespace vitc::lower

#endif // VITC_PASSES_LOWER_MOVEPLAN_H
