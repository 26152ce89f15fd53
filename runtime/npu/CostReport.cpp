//===- CostReport.cpp - A cost report as JSON and as a short summary ------===//
//
// The JSON keys are fixed (docs/npu-simulator.md): tools and benchmarks read
// them. Strings are escaped per RFC 8259; numbers that are not finite (never
// produced by the cost model) are written as null.
//
//===----------------------------------------------------------------------===//
#include "vitc/rt/npu/Simulator.h"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace vitc::rt::npu {

namespace {

std::string quoted(const std::string &text) {
  std::string out = "\"";
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (byte < 0x20) {
      char escape[8];
      std::snprintf(escape, sizeof(escape), "\\u%04x", byte);
      out += escape;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string number(double value) {
  if (!std::isfinite(value))
    return "null";
  char text[32];
  std::snprintf(text, sizeof(text), "%.9g", value);
  return text;
}

/// Writes "key": value pairs separated by commas.
class ObjectWriter {
public:
  explicit ObjectWriter(std::ostringstream &out) : out_(out) { out_ << "{"; }
  ~ObjectWriter() { out_ << "}"; }
  ObjectWriter &raw(const char *key, const std::string &json) {
    out_ << (first_ ? "" : ", ") << quoted(key) << ": " << json;
    first_ = false;
    return *this;
  }
  ObjectWriter &add(const char *key, const std::string &text) { return raw(key, quoted(text)); }
  ObjectWriter &add(const char *key, uint64_t value) { return raw(key, std::to_string(value)); }
  ObjectWriter &add(const char *key, int64_t value) { return raw(key, std::to_string(value)); }
  ObjectWriter &add(const char *key, int value) { return raw(key, std::to_string(value)); }
  ObjectWriter &add(const char *key, double value) { return raw(key, number(value)); }

private:
  std::ostringstream &out_;
  bool first_ = true;
};

std::string configJson(const NpuConfig &config) {
  std::ostringstream out;
  {
    ObjectWriter object(out);
    object.add("name", config.name)
        .add("clock_mhz", config.clockMhz)
        .add("nn_cores", config.nnCores)
        .add("macs_per_cycle_int8", config.macsPerCycleInt8)
        .add("macs_per_cycle_int16", config.macsPerCycleInt16)
        .add("macs_per_cycle_int4_weights", config.macsPerCycleInt4Weights)
        .add("tp_elements_per_cycle", config.tpElementsPerCycle)
        .add("ppu_elements_per_cycle", config.ppuElementsPerCycle)
        .add("sram_bytes", config.sramBytes)
        .add("dram_bytes_per_cycle", config.dramBytesPerCycle);
  }
  return out.str();
}

std::string totalsJson(const CostReport &report) {
  std::ostringstream out;
  {
    ObjectWriter object(out);
    object.add("macs", report.macs)
        .add("cycles", report.cycles)
        .add("latency_ms", report.latencyMs)
        .add("dram_read_bytes", report.dramReadBytes)
        .add("dram_write_bytes", report.dramWriteBytes)
        .add("sram_peak_bytes", report.sramPeakBytes)
        .add("mac_utilization", report.macUtilization)
        .add("weight_bytes", report.weightBytes)
        .add("roofline_cycles", report.rooflineCycles)
        .add("roofline_fraction", report.rooflineFraction)
        .add("npu_ops", report.npuOps)
        .add("host_ops", report.hostOps);
  }
  return out.str();
}

std::string layerJson(const LayerCost &layer) {
  std::ostringstream out;
  {
    ObjectWriter object(out);
    object.add("name", layer.layer)
        .add("opcode", std::string(opcodeName(layer.opcode)))
        .add("unit", std::string(unitName(layer.unit)))
        .add("precision", layer.precision)
        .add("macs", layer.macs)
        .add("cycles", layer.cycles)
        .add("compute_cycles", layer.computeCycles)
        .add("dma_cycles", layer.dmaCycles)
        .add("dram_read_bytes", layer.dramReadBytes)
        .add("dram_write_bytes", layer.dramWriteBytes)
        .add("bound", std::string(layer.memoryBound ? "memory" : "compute"));
  }
  return out.str();
}

/// "512 B", "12.5 KiB" or "3.25 MiB".
std::string byteText(uint64_t bytes) {
  char text[32];
  if (bytes < 1024)
    std::snprintf(text, sizeof(text), "%llu B", static_cast<unsigned long long>(bytes));
  else if (bytes < 1024 * 1024)
    std::snprintf(text, sizeof(text), "%.1f KiB", double(bytes) / 1024.0);
  else
    std::snprintf(text, sizeof(text), "%.2f MiB", double(bytes) / (1024.0 * 1024.0));
  return text;
}

} // namespace

std::string costReportJson(const CostReport &report, const NpuConfig &config) {
  std::ostringstream out;
  out << "{\n  \"config\": " << configJson(config) << ",\n  \"totals\": " << totalsJson(report)
      << ",\n  \"layers\": [";
  for (size_t i = 0; i < report.layers.size(); ++i)
    out << (i ? ",\n    " : "\n    ") << layerJson(report.layers[i]);
  out << (report.layers.empty() ? "]\n}\n" : "\n  ]\n}\n");
  return out.str();
}

std::string costSummary(const CostReport &report, const NpuConfig &config) {
  int memoryBound = 0;
  for (const LayerCost &layer : report.layers)
    memoryBound += layer.memoryBound ? 1 : 0;
  const double inferencesPerSecond = report.latencyMs > 0 ? 1e3 / report.latencyMs : 0;
  char text[1024];
  std::snprintf(text, sizeof(text),
                "NPU config                %s: %.0f MHz, %lld NN cores x %lld INT8 MACs/cycle, "
                "%s SRAM, %lld B/cycle DRAM\n"
                "Commands                  %d on the NPU, %d on the host\n"
                "Weights (stored)          %s\n"
                "SRAM peak                 %s of %s\n"
                "DRAM read / written       %s / %s\n"
                "MACs                      %llu\n"
                "Cycles                    %llu (%d memory-bound, %d compute-bound commands)\n"
                "Latency                   %.4f ms (%.1f inferences/s)\n"
                "MAC utilisation           %.1f %% of peak INT8\n"
                "Roofline                  %.0f cycles (the program runs at %.1f %% of it)\n",
                config.name.c_str(), config.clockMhz, static_cast<long long>(config.nnCores),
                static_cast<long long>(config.macsPerCycleInt8),
                byteText(static_cast<uint64_t>(config.sramBytes)).c_str(),
                static_cast<long long>(config.dramBytesPerCycle), report.npuOps, report.hostOps,
                byteText(report.weightBytes).c_str(), byteText(report.sramPeakBytes).c_str(),
                byteText(static_cast<uint64_t>(config.sramBytes)).c_str(),
                byteText(report.dramReadBytes).c_str(), byteText(report.dramWriteBytes).c_str(),
                static_cast<unsigned long long>(report.macs),
                static_cast<unsigned long long>(report.cycles), memoryBound,
                static_cast<int>(report.layers.size()) - memoryBound, report.latencyMs,
                inferencesPerSecond, 100 * report.macUtilization, report.rooflineCycles,
                100 * report.rooflineFraction);
  return text;
}

} // namespace vitc::rt::npu
