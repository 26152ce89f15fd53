//===- Config.h - NPU configurations: presets, JSON loading ------*- C++ -*-===//
//
// The numbers that describe one VIP9000-style NPU (../shared/ARCHITECTURE.md,
// "The NPU model"): clock, NN cores and their MACs/cycle per precision, tensor
// processor (TP) and PPU throughput, on-chip SRAM, DRAM bandwidth. They come
// from a flat JSON file (schema and presets: docs/npu-configs.md). The presets
// small, mid and large (runtime/npu/configs/*.json) are embedded in the library
// at build time, so a preset name works without the source tree.
//
// Standard library only. Every problem -- malformed JSON, a wrong type, an
// unknown or missing key, an out-of-range value -- throws vitc::rt::Error
// naming the source, the line:column where it can, and the key.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_RT_NPU_CONFIG_H
#define VITC_RT_NPU_CONFIG_H

#include <cstdint>
#include <string>
#include <vector>

namespace vitc::rt::npu {

/// The NN cores' MAC modes. Weights are INT8 unless the mode says otherwise.
enum class MacPrecision {
  Int8,        ///< INT8 activations x INT8 weights (W8A8)
  Int16,       ///< INT16 activations x INT8 weights (W8A16)
  Int4Weights, ///< INT8 activations x INT4 weights (W4A8)
};

struct NpuConfig {
  std::string name;
  double clockMhz = 0;
  std::int64_t nnCores = 0;
  /// MACs per cycle of one NN core, per mode.
  std::int64_t macsPerCycleInt8 = 0;
  std::int64_t macsPerCycleInt16 = 0;
  std::int64_t macsPerCycleInt4Weights = 0;
  /// Elements per cycle of the whole TP (transpose, concat, slice, add, ...).
  std::int64_t tpElementsPerCycle = 0;
  /// Elements per cycle of the whole PPU (softmax, LayerNorm, GELU).
  std::int64_t ppuElementsPerCycle = 0;
  std::int64_t sramBytes = 0;
  std::int64_t dramBytesPerCycle = 0;

  /// Throws Error if a field is non-positive or absurd (bounds in
  /// docs/npu-configs.md), or if INT16 is faster than INT8 or INT4 weights
  /// slower than INT8.
  void validate() const;
  /// MACs per cycle of one NN core in `precision`.
  std::int64_t macsPerCycle(MacPrecision precision) const;
  /// MACs per cycle of all NN cores together in `precision`.
  std::int64_t peakMacsPerCycle(MacPrecision precision) const;
  /// Peak INT8 tera-operations per second: 2 * peak MACs/cycle * clock.
  double topsInt8() const;
};

/// Parses the JSON text of one config and validates it. `sourceName` (a path,
/// or "preset 'small'") starts every error message.
NpuConfig parseNpuConfig(const std::string &json, const std::string &sourceName);

/// A preset name (see npuPresetNames) or a path to a JSON file. A preset name
/// wins over a file of the same name in the working directory: write
/// "./small" for the file.
NpuConfig loadNpuConfig(const std::string &nameOrPath);

/// The embedded presets, smallest first: small, mid, large.
const std::vector<std::string> &npuPresetNames();
/// The JSON text of a preset (a starting point for your own); throws Error
/// for an unknown name.
const std::string &npuPresetJson(const std::string &name);

} // namespace vitc::rt::npu

#endif // VITC_RT_NPU_CONFIG_H
