//===- Simulator.h - Runs an NPU program and estimates its cost --*- C++ -*-===//
//
// The NPU simulator (../shared/ARCHITECTURE.md, "The NPU model"). It runs a
// validated Program on modelled memory -- a decoded weight region, a DRAM
// arena and an SRAM arena -- by calling the runtime's reference kernels
// (kernels/Quantized.h for the NN and TP ops, the fp32 kernels for the PPU
// model), so its integer outputs equal the interpreter's bit for bit. Tiling
// never changes a result: each command runs whole.
//
// Separately, a static cost model (CostModel.cpp, docs/npu-simulator.md)
// estimates cycles per command from the program and its NpuConfig: compute
// from the tiles and the MACs or elements per cycle of the unit, DMA from the
// DRAM bytes moved, both overlapped by double buffering. It does not depend
// on the data, so it is computed once.
//
// Standard library only.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_RT_NPU_SIMULATOR_H
#define VITC_RT_NPU_SIMULATOR_H

#include "vitc/rt/Tensor.h"
#include "vitc/rt/ThreadPool.h"
#include "vitc/rt/npu/Program.h"

#include <cstdint>
#include <string>
#include <vector>

namespace vitc::rt::npu {

/// The estimated cost of one command (End has none).
struct LayerCost {
  std::string layer; ///< Command::layer
  Opcode opcode = Opcode::End;
  Unit unit = Unit::Nn;
  /// "int8" or "int16" for NN commands (the activation input's width), else
  /// the output's dtype: "int8" (I8, U8), "int16", "int32" or "fp32".
  std::string precision;
  uint64_t macs = 0;
  uint64_t computeCycles = 0; ///< the busiest of NN, TP and PPU for this command
  uint64_t dmaCycles = 0;     ///< DRAM traffic at the configured bandwidth
  uint64_t cycles = 0;        ///< max(compute, dma) + exposed fill
  uint64_t dramReadBytes = 0;
  uint64_t dramWriteBytes = 0;
  bool memoryBound = false; ///< dmaCycles > computeCycles
};

/// Totals over a program (docs/npu-simulator.md defines each field).
struct CostReport {
  uint64_t macs = 0;
  uint64_t cycles = 0;
  double latencyMs = 0;
  uint64_t dramReadBytes = 0;
  uint64_t dramWriteBytes = 0;
  uint64_t sramPeakBytes = 0; ///< the SRAM arena plus the largest command scratch
  uint64_t weightBytes = 0;   ///< stored (compressed) size of every weight tensor
  double macUtilization = 0;  ///< macs / (cycles * peak INT8 MACs per cycle)
  /// max(NN MACs at peak rate, unavoidable DRAM bytes at full bandwidth).
  double rooflineCycles = 0;
  double rooflineFraction = 0;   ///< rooflineCycles / cycles, in [0, 1]
  int npuOps = 0;                ///< commands on the NN, TP, PPU or DMA units
  int hostOps = 0;               ///< commands on the host CPU
  std::vector<LayerCost> layers; ///< one per command except End, in order
};

/// The static cost of `program` on program.config (which must be valid).
CostReport estimateCost(const Program &program);

class Simulator {
public:
  /// Validates the program (validateProgram) and decodes its weights;
  /// throws Error when either fails. `pool` (may be null) runs the kernels
  /// and must outlive the simulator.
  explicit Simulator(Program program, ThreadPool *pool = nullptr);

  /// Runs the program on `inputs` (in model input order) and returns the
  /// model outputs (in model output order) as owned tensors. Throws Error on
  /// a wrong input count, dtype or shape, or when a command fails (the
  /// message names the command and its layer). Each run starts from zeroed
  /// DRAM and SRAM arenas.
  std::vector<Tensor> run(const std::vector<Tensor> &inputs);

  const CostReport &cost() const { return cost_; }
  const Program &program() const { return program_; }

private:
  Program program_;
  ThreadPool *pool_;
  Tensor weights_;                      ///< the decoded weight region (U8)
  std::vector<uint32_t> inputTensors_;  ///< tensor id of each model input
  std::vector<uint32_t> outputTensors_; ///< tensor id of each model output
  CostReport cost_;
};

/// The report as JSON: {"config": {...}, "totals": {...}, "layers": [...]}
/// (key names in docs/npu-simulator.md).
std::string costReportJson(const CostReport &report, const NpuConfig &config);
/// A short human summary (about ten lines), like Vela's after a compile.
std::string costSummary(const CostReport &report, const NpuConfig &config);

} // namespace vitc::rt::npu

#endif // VITC_RT_NPU_SIMULATOR_H
