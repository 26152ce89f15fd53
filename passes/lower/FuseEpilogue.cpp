//===- FuseEpilogue.cpp - Lookup tables into the NN output stage ----------===//
//
// An npu.lut whose input is the only use of an npu.gemm, npu.conv or
// npu.matmul result moves into that op's output stage (`table`,
// `table_input`): the requantised INT8 result goes through the table before
// it is written, as VIP-style NN units apply activation functions. The values
// are those of the two commands in sequence, so results do not change; the
// LUT's pass over the tensor (TP cycles) disappears.
//
//===----------------------------------------------------------------------===//
#include "dialects/npu/NpuOps.h"
#include "passes/Passes.h"

namespace vitc {
#define GEN_PASS_DEF_FUSENPUEPILOGUE
#include "passes/Passes.h.inc"
} // namespace vitc

using namespace mlir;

namespace vitc {
namespace {

template <typename OpT> bool fuseInto(OpT producer, npu::LutOp lut) {
  if (producer.getTable() || !producer.getOutput().hasOneUse())
    return false;
  Type before = producer.getOutput().getType().template cast<ShapedType>().getElementType();
  Value table = lut.getTable();
  if (Operation *constant = table.getDefiningOp();
      constant && !constant->isBeforeInBlock(producer)) {
    // Another user may precede the producer: a copy of the constant, above it.
    OpBuilder builder(producer);
    table = builder.clone(*constant)->getResult(0);
  }
  producer.getTableMutable().assign(table);
  producer.setTableInputAttr(TypeAttr::get(before));
  producer.getOutput().setType(lut.getOutput().getType());
  lut.getOutput().replaceAllUsesWith(producer.getOutput());
  lut.erase();
  return true;
}

class FuseNpuEpiloguePass : public impl::FuseNpuEpilogueBase<FuseNpuEpiloguePass> {
public:
  void runOnOperation() override {
    SmallVector<npu::LutOp> luts;
    getOperation().walk([&](npu::LutOp lut) { luts.push_back(lut); });
    for (npu::LutOp lut : luts) {
      Operation *producer = lut.getInput().getDefiningOp();
      if (auto gemm = dyn_cast_or_null<npu::GemmOp>(producer))
        fuseInto(gemm, lut);
      else if (auto conv = dyn_cast_or_null<npu::ConvOp>(producer))
        fuseInto(conv, lut);
      else if (auto matmul = dyn_cast_or_null<npu::MatMulOp>(producer))
        fuseInto(matmul, lut);
    }
  }
};

} // namespace
} // namespace vitc
