//===- NpuCostModelTest.cpp - The static cost model and its report ---------===//
//
// Values from the rules in CostModel.cpp on the "small" preset: one NN core of
// 768 INT8 (384 INT16) MACs/cycle, 16 TP and PPU elements/cycle, 8 DRAM
// bytes/cycle, 512 KiB SRAM, 650 MHz.
//
//===----------------------------------------------------------------------===//
#include "NpuProgramBuilder.h"
#include "QuantizedTestSupport.h"

using namespace vitc::rt;
using namespace vitc::rt::testing;
using npu::Opcode;
using npu::Region;
using npu::Unit;

namespace {

/// x [10, 100] (DRAM) times w [64, 100] -> y [10, 64] (DRAM).
npu::Program gemmProgram(DType xType, std::array<uint32_t, 3> tile = {0, 0, 0}) {
  NpuProgramBuilder builder;
  const uint32_t x = builder.input("x", xType, {10, 100}, spec(xType, 0));
  const uint32_t w = builder.weight("w", randomInts({64, 100}, DType::I8, -127, 127, 1));
  const uint32_t y = builder.output("y", DType::I8, {10, 64}, spec(DType::I8, 0));
  builder.command(Opcode::NnGemm, Unit::Nn, {x, w}, y, requantWords({Requant::fromReal(1e-3)}))
      .tile = tile;
  return builder.build();
}

/// The number after `"key": ` at or after `from` in `json`.
double jsonNumber(const std::string &json, const std::string &key, size_t from = 0) {
  const std::string needle = "\"" + key + "\": ";
  const size_t at = json.find(needle, from);
  REQUIRE(at != std::string::npos);
  return std::stod(json.substr(at + needle.size()));
}

} // namespace

TEST_CASE("cost of an untiled GEMM: MACs, compute, DMA and exposed fill", "[npu][sim]") {
  const npu::Simulator simulator(gemmProgram(DType::I8));
  const npu::CostReport &report = simulator.cost();
  REQUIRE(report.layers.size() == 1);
  const npu::LayerCost &gemm = report.layers[0];
  CHECK(gemm.precision == "int8");
  CHECK(gemm.macs == 10 * 64 * 100);
  CHECK(gemm.computeCycles == (64000 + 767) / 768); // 84
  CHECK(gemm.dramReadBytes == 1000 + 6400);         // x once, w once: both fit in SRAM
  CHECK(gemm.dramWriteBytes == 640);
  CHECK(gemm.dmaCycles == (7400 + 640 + 7) / 8); // 1005
  CHECK(gemm.memoryBound);
  // One tile: its inputs (all of x and w) load before any compute.
  CHECK(gemm.cycles == 1005 + 7400 / 8);
  CHECK(report.npuOps == 1);
  CHECK(report.hostOps == 0);
  CHECK(report.weightBytes == 6400);
}

TEST_CASE("cost of a tiled GEMM counts edge tiles and INT16", "[npu][sim]") {
  // Rows 10 = 4 + 4 + 2, channels 64 = 32 + 32, K whole: 4 tiles of 4x32x100
  // (12800 MACs, 17 cycles) and 2 of 2x32x100 (6400 MACs, 9 cycles).
  const npu::Simulator tiled(gemmProgram(DType::I8, {4, 32, 0}));
  CHECK(tiled.cost().layers[0].computeCycles == 4 * 17 + 2 * 9);
  const npu::Simulator wide(gemmProgram(DType::I16));
  CHECK(wide.cost().layers[0].precision == "int16");
  CHECK(wide.cost().layers[0].computeCycles == (64000 + 383) / 384);
}

TEST_CASE("cost: weight prefetch hides the fill when the scratch fits", "[npu][sim]") {
  for (uint64_t scratch : {uint64_t(1024), uint64_t(400000)}) {
    NpuProgramBuilder builder;
    const uint32_t x = builder.input("x", DType::I8, {64, 256}, spec(DType::I8, 0));
    const uint32_t xs =
        builder.tensor("xs", DType::I8, {64, 256}, Region::Sram, spec(DType::I8, 0));
    const uint32_t w = builder.weight("w", randomInts({256, 256}, DType::I8, -127, 127, 2));
    const uint32_t ys =
        builder.tensor("ys", DType::I8, {64, 256}, Region::Sram, spec(DType::I8, 0));
    builder.command(Opcode::Dma, Unit::Dma, {x}, xs).sramScratchBytes = scratch;
    npu::Command &gemm = builder.command(Opcode::NnGemm, Unit::Nn, {xs, w}, ys,
                                         requantWords({Requant::fromReal(1e-3)}));
    gemm.tile = {64, 64, 0};
    gemm.sramScratchBytes = scratch;
    const npu::Simulator simulator(builder.build());
    const npu::LayerCost &cost = simulator.cost().layers[1];
    INFO("scratch " << scratch);
    CHECK(cost.dramReadBytes == 256 * 256);
    CHECK(cost.computeCycles == 4 * ((64 * 64 * 256 + 767) / 768));
    // The first tile reads 64 x 256 weight bytes: hidden behind the DMA when
    // both commands' scratch fits the free SRAM (512 KiB - 32 KiB arena).
    const uint64_t fill = scratch == 1024 ? 0 : 64 * 256 / 8;
    CHECK(cost.cycles == std::max(cost.computeCycles, cost.dmaCycles) + fill);
  }
}

TEST_CASE("cost totals, roofline, attention, PPU and host commands", "[npu][sim]") {
  NpuProgramBuilder builder;
  const QuantSpec s = spec(DType::I8, 0);
  const uint32_t q = builder.input("q", DType::I8, {2, 5, 8}, s);
  const uint32_t k = builder.input("k", DType::I8, {2, 7, 8}, s);
  const uint32_t v = builder.input("v", DType::I8, {2, 7, 6}, s);
  const uint32_t attn = builder.tensor("attn", DType::I8, {2, 5, 6}, Region::Sram, s);
  const uint32_t norm = builder.tensor("norm", DType::I8, {2, 5, 6}, Region::Sram, s);
  const uint32_t scale = builder.weight("scale", Tensor(DType::F32, {6}));
  const uint32_t y = builder.output("y", DType::F32, {2, 5, 6});
  builder.command(Opcode::NnAttention, Unit::Nn, {q, k, v}, attn,
                  {2, npu::floatWord(0.1f), npu::floatWord(1.0f)});
  builder
      .command(Opcode::PpuOp, Unit::Ppu, {attn, scale}, norm,
               {uint32_t(npu::PpuKind::LayerNorm), uint32_t(-1), npu::floatWord(1e-5f)})
      .sramScratchBytes = 256;
  builder.command(Opcode::PpuOp, Unit::Host, {norm}, y, {uint32_t(npu::PpuKind::Identity)});
  const npu::Program program = builder.build();
  const npu::Simulator simulator(program);
  const npu::CostReport &report = simulator.cost();
  REQUIRE(report.layers.size() == 3);
  CHECK(report.layers[0].macs == 2 * 5 * 7 * (8 + 6));
  // B*H*Nq*Nk = 140 exponentials, 2 PPU passes, 16/cycle = 18 cycles > the NN's 4.
  CHECK(report.layers[0].computeCycles == 18);
  CHECK(report.layers[1].computeCycles == 60 * 3 / 16 + 1); // LayerNorm: 3 passes
  CHECK(report.layers[2].computeCycles == 0);
  CHECK(report.layers[2].dramWriteBytes == 60 * 4);
  CHECK(report.npuOps == 2);
  CHECK(report.hostOps == 1);
  uint64_t cycles = 0, macs = 0, reads = 0, writes = 0;
  for (const npu::LayerCost &layer : report.layers) {
    cycles += layer.cycles, macs += layer.macs;
    reads += layer.dramReadBytes, writes += layer.dramWriteBytes;
  }
  CHECK(report.cycles == cycles);
  CHECK(report.macs == macs);
  CHECK(report.dramReadBytes == reads);
  CHECK(report.dramWriteBytes == writes);
  CHECK(report.sramPeakBytes == program.sramBytes + 256);
  CHECK(report.latencyMs == Approx(cycles / 650e3).epsilon(1e-12));
  CHECK(report.macUtilization == Approx(double(macs) / (cycles * 768.0)).epsilon(1e-12));
  // Unavoidable bytes: q, k, v, the output and the 24-byte scale.
  CHECK(report.rooflineCycles == Approx((80 + 112 + 84 + 240 + 24) / 8.0).epsilon(1e-12));
  CHECK(report.rooflineFraction > 0);
  CHECK(report.rooflineFraction <= 1);
}

TEST_CASE("cost report JSON has every key and the totals' values", "[npu][sim]") {
  const npu::Simulator simulator(gemmProgram(DType::I8, {4, 0, 0}));
  const npu::CostReport &report = simulator.cost();
  const std::string json = npu::costReportJson(report, simulator.program().config);
  for (const char *key : {"config",
                          "name",
                          "clock_mhz",
                          "totals",
                          "macs",
                          "cycles",
                          "latency_ms",
                          "dram_read_bytes",
                          "dram_write_bytes",
                          "sram_peak_bytes",
                          "mac_utilization",
                          "weight_bytes",
                          "roofline_cycles",
                          "roofline_fraction",
                          "npu_ops",
                          "host_ops",
                          "layers",
                          "opcode",
                          "unit",
                          "precision",
                          "compute_cycles",
                          "dma_cycles",
                          "bound"})
    CHECK(json.find("\"" + std::string(key) + "\": ") != std::string::npos);
  const size_t totals = json.find("\"totals\"");
  CHECK(jsonNumber(json, "macs", totals) == 64000);
  CHECK(jsonNumber(json, "cycles", totals) == double(report.cycles));
  CHECK(jsonNumber(json, "clock_mhz") == 650);
  CHECK(jsonNumber(json, "roofline_fraction", totals) ==
        Approx(report.rooflineFraction).epsilon(1e-8));
  CHECK(json.find("\"name\": \"small\"") != std::string::npos);
  CHECK(json.find("\"opcode\": \"nn_gemm\", \"unit\": \"nn\", \"precision\": \"int8\"") !=
        std::string::npos);
  CHECK(json.find("\"bound\": \"memory\"") != std::string::npos);
  const std::string summary = npu::costSummary(report, simulator.program().config);
  CHECK(summary.find("Cycles                    " + std::to_string(report.cycles)) !=
        std::string::npos);
}

TEST_CASE("cost report JSON escapes layer names", "[npu][sim]") {
  npu::CostReport report;
  npu::LayerCost layer;
  layer.layer = "a\"b\\c\n\x01";
  report.layers.push_back(layer);
  const std::string json = npu::costReportJson(report, npu::loadNpuConfig("mid"));
  CHECK(json.find(R"("name": "a\"b\\c\n\u0001")") != std::string::npos);
}
