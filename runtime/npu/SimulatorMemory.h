//===- SimulatorMemory.h - The simulator's regions and command helpers -*- C++ -*-===//
//
// Internal to the simulator (Simulator.cpp, SimulatorOps.cpp): the three
// memory regions of one run with typed, bounds-checked access to a
// command's operands, and bounds-checked access to its parameter words.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_RUNTIME_NPU_SIMULATORMEMORY_H
#define VITC_RUNTIME_NPU_SIMULATORMEMORY_H

#include "vitc/rt/npu/Program.h"

#include <cstdint>

namespace vitc::rt::npu::detail {

/// The regions of one run: the decoded weights (read-only) and the DRAM and
/// SRAM arenas (zeroed when the run starts).
class Memory {
public:
  Memory(const Program &program, const Tensor &weights, ThreadPool *pool);

  const TensorDesc &desc(uint32_t id) const;
  /// The bytes of tensor `id`; throws when they leave the region, or when
  /// `writable` and the tensor is a weight.
  uint8_t *bytes(uint32_t id, bool writable);
  /// The tensor's stored values as a tensor (a view, or an aligned copy when
  /// the offset is not a multiple of the element size).
  Tensor view(uint32_t id);
  /// The tensor as fp32: dequantised with its QuantSpec when quantised,
  /// otherwise its stored values (the PPU model's inputs).
  Tensor real(uint32_t id);
  /// Writes `value` as the bytes of tensor `id`, after checking that its
  /// dtype and shape are the descriptor's.
  void store(uint32_t id, const Tensor &value);
  /// The PPU model's output conversion: quantises an fp32 `value` with the
  /// tensor's QuantSpec when it is quantised, then stores it.
  void storeReal(uint32_t id, const Tensor &value);

  ThreadPool *pool() const { return pool_; }

private:
  const Program &program_;
  const Tensor &weights_;
  Tensor dram_, sram_;
  ThreadPool *pool_;
};

/// The parameter words of one command.
class Words {
public:
  Words(const Program &program, const Command &command);
  size_t size() const { return count_; }
  /// Word i; throws when the command has fewer words.
  uint32_t at(size_t i) const;
  int32_t signedAt(size_t i) const { return static_cast<int32_t>(at(i)); }
  float floatAt(size_t i) const { return wordFloat(at(i)); }
  Requant requantAt(size_t i) const { return Requant{signedAt(i), signedAt(i + 1)}; }

private:
  const uint32_t *words_;
  size_t count_;
};

/// out[i] = table[x[i] + 128] (I8 x) or table[x[i] + 32768] (I16 x), with the
/// output tensor's dtype and shape (TpLut and the NN output stage).
Tensor applyTable(const Tensor &x, const Tensor &table, const TensorDesc &out);

/// TpCopy, TpGather and TpLut.
void runDataMovement(const Command &command, const Words &words, Memory &memory);
/// PpuOp (on the PPU or on the host).
void runPpuOp(const Command &command, const Words &words, Memory &memory);

} // namespace vitc::rt::npu::detail

#endif // VITC_RUNTIME_NPU_SIMULATORMEMORY_H
