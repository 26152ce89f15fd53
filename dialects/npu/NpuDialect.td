//===- NpuDialect.td - The npu dialect ---------------------*- tablegen -*-===//
//
// Hardware-level ops of the VIP9000-style NPU (../shared/ARCHITECTURE.md, "The
// NPU model"): one op per command of the .vnb stream (runtime/npu Program.h),
// on tensors whose bytes the memory planner places in SRAM or DRAM.
//
//===----------------------------------------------------------------------===//
#ifndef NPU_DIALECT_TD
#define NPU_DIALECT_TD

include "mlir/IR/OpBase.td"

def Npu_Dialect : Dialect {
  let name = "npu";
  let summary = "Commands of the vitc NPU: NN, TP, PPU and DMA units";
  let description = [{
    Created by `npu-lower` from quantised vit ops. Each op is one command of
    the command stream and carries the integer parameters its runtime kernel
    takes (requantisation multipliers, strided copy boxes, PPU words). Passes
    add discardable attributes: `npu.tile` (array<i64: rows, cols, depth>) and
    `npu.scratch` (SRAM bytes of the double-buffered tiles) from `npu-tile`;
    `npu.region` ("sram" | "dram") and `npu.offset` (bytes) on every
    activation from `npu-plan-memory`.
  }];
  let cppNamespace = "::vitc::npu";
}

class Npu_Op<string mnemonic, list<Trait> traits = []> :
    Op<Npu_Dialect, mnemonic, traits>;

#endif // NPU_DIALECT_TD
