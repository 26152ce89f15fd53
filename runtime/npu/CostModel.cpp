//===- CostModel.cpp - Static cycle estimates of an NPU program -----------===//
//
// Every command's cost follows from its operands, its tiling and the config;
// the data never matters. docs/npu-simulator.md states the same rules.
//
// DRAM bytes of an operand: its stored (compressed) size in Weights, its size
// in Dram, 0 in Sram. The budget B = config.sramBytes - Program::sramBytes is
// the SRAM left for tile buffers. A 0 tile size means the whole dimension.
//
// NN (GEMM, Conv, MatMul as an M x N x K product; precision "int16" when the
// activation input is I16, else "int8"; peak P = config.peakMacsPerCycle):
//   GEMM M = x.numel / K, weight [N, K]; Conv M = y.numel / N, N output
//   channels, K = C/group * prod(kernel); MatMul M = batch * rows, b is the
//   "weight". Compute = sum over tiles (tm, tn, tk; edge tiles smaller) of
//   ceil(tile MACs / P). Traffic: the weight is read once when its decoded
//   bytes fit B, else ceil(M / tm) times; the activation once when it fits B,
//   else ceil(N / tn) times; bias, an output-stage table and output once.
//   Attention q [B, Nq, H*D], k [B, Nk, H*D], v [B, Nk, H*Dv]: MACs
//   B*Nq*Nk*H*(D + Dv); per batch and query-row tile, Q.K^T at the q/k
//   precision plus P.V at the INT16 rate. Its exponentials (B*H*Nq*Nk, two
//   PPU passes: scale + bias + row max, exp + row sum; the division is the
//   output requant) overlap: compute = max(NN, PPU). k and v are read
//   ceil(Nq / tq) times unless both fit B; q, bias and output once.
// TP (Add, Copy, Gather, Lut): ceil(output elements / tpElementsPerCycle).
// PPU: ceil(elements * passes / ppuElementsPerCycle), elements the largest
//   operand, 3 passes for LayerNorm and Softmax, else 1.
// DMA: compute 0. Host: compute 0 (the NPU waits), DRAM operands still move.
// DMA cycles = ceil(DRAM bytes / dramBytesPerCycle), every operand counted.
//
// Overlap (double buffering): cycles = max(compute, dma) + fill. The fill is
// the first tile's DRAM input bytes / bandwidth (NN: the tile's share of x,
// weight and bias; attention: the first query tile of q and one batch of k,
// v, bias; TP/PPU: the first rows tile of each activation input and every
// weight operand whole). It is hidden (0) when all of it comes from the
// Weights region and the previous command's scratch plus this one's fit B:
// the weights were prefetched during the previous command. DMA and host
// commands have no fill. A command is memory bound when dma > compute.
//
// Roofline: max(sum over NN commands of MACs / P(precision), DRAM bytes of
// the weights, model inputs and model outputs that commands touch /
// bandwidth). Each term is at most the sum of the commands' cycles.
//
//===----------------------------------------------------------------------===//
#include "vitc/rt/npu/Simulator.h"

#include <algorithm>

namespace vitc::rt::npu {

namespace {

uint64_t ceilDiv(uint64_t a, uint64_t b) { return b == 0 ? 0 : (a + b - 1) / b; }

/// A dimension cut into tiles: `count[i]` tiles of `size[i]` (full, then edge).
struct Split {
  uint64_t size[2] = {0, 0};
  uint64_t count[2] = {0, 0};
};

Split split(uint64_t dim, uint32_t tile) {
  const uint64_t t = tile == 0 || tile > dim ? dim : tile;
  Split s;
  if (t == 0)
    return s;
  s.size[0] = t;
  s.count[0] = dim / t;
  s.size[1] = dim % t;
  s.count[1] = s.size[1] ? 1 : 0;
  return s;
}

uint64_t tileSize(uint64_t dim, uint32_t tile) {
  return tile == 0 ? dim : std::min<uint64_t>(dim, tile);
}

/// The program's view for one command: tensors, params, config.
class CommandCost {
public:
  CommandCost(const Program &program, const Command &command)
      : program_(program), command_(command), config_(program.config) {
    const uint64_t sram = static_cast<uint64_t>(config_.sramBytes);
    budget_ = sram > program.sramBytes ? sram - program.sramBytes : 0;
  }

  LayerCost estimate();
  uint64_t fillBytes = 0;
  bool fillFromWeightsOnly = true;
  /// MACs / peak of the NN work (the roofline's compute term).
  double peakCycles = 0;

private:
  const TensorDesc *tensor(uint32_t id) const {
    return id < program_.tensors.size() ? &program_.tensors[id] : nullptr;
  }
  uint64_t numel(uint32_t id) const {
    const TensorDesc *t = tensor(id);
    return t ? static_cast<uint64_t>(numElements(t->shape)) : 0;
  }
  int64_t dim(uint32_t id, int64_t i) const {
    const TensorDesc *t = tensor(id);
    if (!t)
      return 0;
    const int64_t rank = static_cast<int64_t>(t->shape.size());
    const int64_t at = i < 0 ? rank + i : i;
    return at >= 0 && at < rank ? t->shape[at] : 0;
  }
  uint32_t param(size_t i) const {
    const uint64_t at = uint64_t(command_.paramsOffset) + i;
    return i < command_.paramsCount && at < program_.params.size() ? program_.params[at] : 0;
  }
  /// The operand's bytes moved over DRAM.
  uint64_t dramBytes(uint32_t id) const;
  bool fits(uint64_t bytes) const { return bytes <= budget_; }
  void read(uint32_t id, uint64_t times) { layer_.dramReadBytes += dramBytes(id) * times; }
  /// Adds `numerator / denominator` of the operand's DRAM bytes to the fill.
  void fill(uint32_t id, uint64_t numerator, uint64_t denominator);
  uint64_t peak(bool int16) const {
    return static_cast<uint64_t>(
        config_.peakMacsPerCycle(int16 ? MacPrecision::Int16 : MacPrecision::Int8));
  }
  bool isInt16(uint32_t id) const {
    const TensorDesc *t = tensor(id);
    return t && t->dtype == DType::I16;
  }

  void dense(uint64_t m, uint64_t n, uint64_t k, bool int16, uint32_t x, uint32_t weight,
             uint32_t bias);
  void attention();
  void elementwise(uint64_t elements, uint64_t rate);

  const Program &program_;
  const Command &command_;
  const NpuConfig &config_;
  uint64_t budget_ = 0;
  LayerCost layer_;
};

uint64_t CommandCost::dramBytes(uint32_t id) const {
  const TensorDesc *t = tensor(id);
  if (!t || t->region == Region::Sram)
    return 0;
  return t->region == Region::Weights ? t->stored.size() : t->byteSize();
}

void CommandCost::fill(uint32_t id, uint64_t numerator, uint64_t denominator) {
  const uint64_t bytes = ceilDiv(dramBytes(id) * numerator, denominator);
  if (bytes == 0)
    return;
  fillBytes += bytes;
  fillFromWeightsOnly = fillFromWeightsOnly && tensor(id)->region == Region::Weights;
}

/// An M x N x K product: x [M, K] times weight [N, K]^T (plus bias [N]).
void CommandCost::dense(uint64_t m, uint64_t n, uint64_t k, bool int16, uint32_t x, uint32_t weight,
                        uint32_t bias) {
  layer_.precision = int16 ? "int16" : "int8";
  const uint64_t p = peak(int16);
  layer_.macs = m * n * k;
  peakCycles = double(layer_.macs) / double(p);
  const Split ms = split(m, command_.tile[0]), ns = split(n, command_.tile[1]),
              ks = split(k, command_.tile[2]);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j)
      for (int l = 0; l < 2; ++l)
        layer_.computeCycles += ms.count[i] * ns.count[j] * ks.count[l] *
                                ceilDiv(ms.size[i] * ns.size[j] * ks.size[l], p);
  const uint64_t tm = tileSize(m, command_.tile[0]), tn = tileSize(n, command_.tile[1]),
                 tk = tileSize(k, command_.tile[2]);
  const TensorDesc *w = tensor(weight), *a = tensor(x);
  read(weight, w && fits(w->byteSize()) ? 1 : std::max<uint64_t>(1, ceilDiv(m, tm)));
  read(x, a && fits(a->byteSize()) ? 1 : std::max<uint64_t>(1, ceilDiv(n, tn)));
  read(bias, 1);
  fill(x, tm * tk, m * k);
  fill(weight, tn * tk, n * k);
  fill(bias, tn, n);
}

void CommandCost::attention() {
  const uint32_t q = command_.inputs[0], k = command_.inputs[1], v = command_.inputs[2],
                 bias = command_.inputs[3];
  const uint64_t batch = dim(q, 0), queries = dim(q, 1), qk = dim(q, 2), keys = dim(k, 1),
                 values = dim(v, 2), heads = std::max<uint32_t>(1, param(0));
  const bool int16 = isInt16(q) || isInt16(k);
  layer_.precision = int16 ? "int16" : "int8";
  const uint64_t scorePeak = peak(int16), valuePeak = peak(true);
  layer_.macs = batch * queries * keys * (qk + values);
  peakCycles = double(batch * queries * keys * qk) / double(scorePeak) +
               double(batch * queries * keys * values) / double(valuePeak);
  const Split rows = split(queries, command_.tile[0]);
  uint64_t nn = 0;
  for (int i = 0; i < 2; ++i)
    nn += batch * rows.count[i] *
          (ceilDiv(rows.size[i] * keys * qk, scorePeak) +
           ceilDiv(rows.size[i] * keys * values, valuePeak));
  const uint64_t ppu = ceilDiv(2 * batch * heads * queries * keys,
                               static_cast<uint64_t>(config_.ppuElementsPerCycle));
  layer_.computeCycles = std::max(nn, ppu);
  const uint64_t tq = tileSize(queries, command_.tile[0]);
  const TensorDesc *kd = tensor(k), *vd = tensor(v);
  const bool keysFit = kd && vd && fits(kd->byteSize() + vd->byteSize());
  const uint64_t passes = keysFit ? 1 : std::max<uint64_t>(1, ceilDiv(queries, tq));
  read(q, 1);
  read(k, passes);
  read(v, passes);
  read(bias, 1);
  const uint64_t firstBatch = std::max<uint64_t>(1, batch);
  fill(q, tq, firstBatch * queries);
  fill(k, 1, firstBatch);
  fill(v, 1, firstBatch);
  fill(bias, 1, firstBatch);
}

/// TP and PPU work: `elements` at `rate` per cycle, every input read once.
void CommandCost::elementwise(uint64_t elements, uint64_t rate) {
  layer_.computeCycles = ceilDiv(elements, rate);
  const uint32_t y = command_.outputs[0];
  const uint64_t last = std::max<int64_t>(1, dim(y, -1));
  const uint64_t rows = numel(y) / last, tileRows = tileSize(rows, command_.tile[0]);
  for (uint32_t id : command_.inputs) {
    read(id, 1);
    const TensorDesc *t = tensor(id);
    if (t && t->region == Region::Weights)
      fill(id, 1, 1);
    else if (t)
      fill(id, tileRows, std::max<uint64_t>(1, rows));
  }
}

const char *storagePrecision(DType dtype) {
  switch (dtype) {
  case DType::I8:
  case DType::U8:
    return "int8";
  case DType::I16:
    return "int16";
  case DType::I32:
    return "int32";
  case DType::F32:
    return "fp32";
  default:
    return dtypeName(dtype);
  }
}

LayerCost CommandCost::estimate() {
  layer_.layer = command_.layer;
  layer_.opcode = command_.opcode;
  layer_.unit = command_.unit;
  const uint32_t x = command_.inputs[0], w = command_.inputs[1], y = command_.outputs[0];
  const TensorDesc *out = tensor(y);
  layer_.precision = out ? storagePrecision(out->dtype) : "none";
  if (command_.unit == Unit::Host || command_.opcode == Opcode::Dma) {
    for (uint32_t id : command_.inputs)
      read(id, 1);
  } else if (command_.opcode == Opcode::NnGemm) {
    const uint64_t k = dim(w, 1);
    dense(k ? numel(x) / k : 0, dim(w, 0), k, isInt16(x), x, w, command_.inputs[2]);
  } else if (command_.opcode == Opcode::NnConv) {
    const uint64_t n = dim(w, 0), k = n ? numel(w) / n : 0;
    dense(n ? numel(y) / n : 0, n, k, isInt16(x), x, w, command_.inputs[2]);
  } else if (command_.opcode == Opcode::NnMatMul) {
    const uint64_t n = dim(y, -1), k = param(0) ? dim(x, -2) : dim(x, -1);
    dense(n ? numel(y) / n : 0, n, k, isInt16(x) || isInt16(w), x, w, kNone);
  } else if (command_.opcode == Opcode::NnAttention) {
    attention();
  } else if (command_.opcode == Opcode::TpAdd || command_.opcode == Opcode::TpCopy ||
             command_.opcode == Opcode::TpGather || command_.opcode == Opcode::TpLut) {
    elementwise(numel(y), static_cast<uint64_t>(config_.tpElementsPerCycle));
  } else if (command_.opcode == Opcode::PpuOp) {
    const auto kind = static_cast<PpuKind>(param(0));
    const uint64_t passes = kind == PpuKind::LayerNorm || kind == PpuKind::Softmax ? 3 : 1;
    uint64_t elements = 0;
    for (uint32_t id : command_.inputs)
      elements = std::max(elements, numel(id));
    for (uint32_t id : command_.outputs)
      elements = std::max(elements, numel(id));
    elementwise(elements * passes, static_cast<uint64_t>(config_.ppuElementsPerCycle));
  }
  // An NN output-stage table (slot 3) is read once, whole.
  if ((command_.opcode == Opcode::NnGemm || command_.opcode == Opcode::NnConv ||
       command_.opcode == Opcode::NnMatMul) &&
      command_.unit != Unit::Host)
    read(command_.inputs[3], 1);
  for (uint32_t id : command_.outputs)
    layer_.dramWriteBytes += dramBytes(id);
  const uint64_t bandwidth = static_cast<uint64_t>(config_.dramBytesPerCycle);
  layer_.dmaCycles = ceilDiv(layer_.dramReadBytes + layer_.dramWriteBytes, bandwidth);
  layer_.memoryBound = layer_.dmaCycles > layer_.computeCycles;
  layer_.cycles = std::max(layer_.computeCycles, layer_.dmaCycles);
  return layer_;
}

} // namespace

CostReport estimateCost(const Program &program) {
  const NpuConfig &config = program.config;
  const uint64_t bandwidth = static_cast<uint64_t>(config.dramBytesPerCycle);
  const uint64_t sram = static_cast<uint64_t>(config.sramBytes);
  const uint64_t budget = sram > program.sramBytes ? sram - program.sramBytes : 0;
  CostReport report;
  std::vector<bool> touched(program.tensors.size(), false);
  double peakCycles = 0;
  uint64_t maxScratch = 0;
  const Command *previous = nullptr;
  for (const Command &command : program.commands) {
    if (command.opcode == Opcode::End)
      break;
    CommandCost estimator(program, command);
    LayerCost layer = estimator.estimate();
    const bool prefetched = estimator.fillFromWeightsOnly && previous &&
                            previous->sramScratchBytes + command.sramScratchBytes <= budget;
    if (!prefetched)
      layer.cycles += ceilDiv(estimator.fillBytes, bandwidth);
    peakCycles += estimator.peakCycles;
    maxScratch = std::max(maxScratch, command.sramScratchBytes);
    (command.unit == Unit::Host ? report.hostOps : report.npuOps) += 1;
    for (uint32_t id : command.inputs)
      if (id < touched.size())
        touched[id] = true;
    for (uint32_t id : command.outputs)
      if (id < touched.size())
        touched[id] = true;
    report.macs += layer.macs;
    report.cycles += layer.cycles;
    report.dramReadBytes += layer.dramReadBytes;
    report.dramWriteBytes += layer.dramWriteBytes;
    report.layers.push_back(std::move(layer));
    previous = &command;
  }
  uint64_t unavoidableBytes = 0;
  for (size_t id = 0; id < program.tensors.size(); ++id) {
    const TensorDesc &t = program.tensors[id];
    if (t.region == Region::Weights)
      report.weightBytes += t.stored.size();
    if (!touched[id])
      continue;
    if (t.region == Region::Weights)
      unavoidableBytes += t.stored.size();
    else if (t.region == Region::Dram && (t.inputIndex >= 0 || t.outputIndex >= 0))
      unavoidableBytes += t.byteSize();
  }
  report.latencyMs = double(report.cycles) / (config.clockMhz * 1e3);
  report.sramPeakBytes = program.sramBytes + maxScratch;
  const double peakInt8 = double(config.peakMacsPerCycle(MacPrecision::Int8));
  report.macUtilization = report.cycles ? double(report.macs) / (report.cycles * peakInt8) : 0;
  report.rooflineCycles = std::max(peakCycles, double(unavoidableBytes) / double(bandwidth));
  report.rooflineFraction = report.cycles ? report.rooflineCycles / double(report.cycles) : 0;
  return report;
}

} // namespace vitc::rt::npu
