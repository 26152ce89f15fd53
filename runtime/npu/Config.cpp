//===- Config.cpp - NPU configurations: validation, parsing, loading ------===//
//
// A config is one flat JSON object (FlatJson.h). Its top-level keys are fixed
// (kIntFields plus name, clock_mhz and sources); an unknown key is an error so
// that a typo never leaves a field at a default. "sources" must be an object
// and is otherwise ignored. Range problems point at the offending value.
//
//===----------------------------------------------------------------------===//
#include "vitc/rt/npu/Config.h"
#include "FlatJson.h"

#include "vitc/rt/Error.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

namespace vitc::rt::npu {

namespace {

//===- The fields and their bounds ----------------------------------------===//

struct IntField {
  const char *key;
  std::int64_t NpuConfig::*member;
  std::int64_t min, max;
  const char *unit;
};

// Bounds reject typos and unit mistakes (kB for bytes, Hz for MHz), not
// unusual hardware: each is far outside any edge NPU.
const IntField kIntFields[] = {
    {"nn_cores", &NpuConfig::nnCores, 1, 1024, "cores"},
    {"macs_per_cycle_int8", &NpuConfig::macsPerCycleInt8, 1, 1 << 20, "MACs/cycle per core"},
    {"macs_per_cycle_int16", &NpuConfig::macsPerCycleInt16, 1, 1 << 20, "MACs/cycle per core"},
    {"macs_per_cycle_int4_weights", &NpuConfig::macsPerCycleInt4Weights, 1, 1 << 22,
     "MACs/cycle per core"},
    {"tp_elements_per_cycle", &NpuConfig::tpElementsPerCycle, 1, 1 << 20, "elements/cycle"},
    {"ppu_elements_per_cycle", &NpuConfig::ppuElementsPerCycle, 1, 1 << 20, "elements/cycle"},
    {"sram_bytes", &NpuConfig::sramBytes, 4096, std::int64_t(1) << 32, "bytes"},
    {"dram_bytes_per_cycle", &NpuConfig::dramBytesPerCycle, 1, 1 << 16, "bytes/cycle"},
};
constexpr double kMaxClockMhz = 10000;
constexpr double kMaxTops = 10000;
constexpr size_t kMaxNameLength = 64;

struct Problem {
  std::string key; // the field to blame
  std::string message;
};

std::string formatNumber(double value) {
  std::ostringstream out;
  out.precision(15);
  out << value;
  return out.str();
}

std::string rangeMessage(const IntField &field, const std::string &got) {
  return std::string(field.key) + " must be in [" + std::to_string(field.min) + ", " +
         std::to_string(field.max) + "] " + field.unit + ", got " + got;
}

/// The first thing wrong with `config`, or nothing.
std::optional<Problem> findProblem(const NpuConfig &config) {
  if (config.name.empty() || config.name.size() > kMaxNameLength)
    return Problem{"name", "name must be 1 to " + std::to_string(kMaxNameLength) +
                               " characters, got " + std::to_string(config.name.size())};
  for (char c : config.name)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return Problem{"name", "name must not contain control characters"};
  if (!(config.clockMhz > 0 && config.clockMhz <= kMaxClockMhz))
    return Problem{"clock_mhz", "clock_mhz must be in (0, " + formatNumber(kMaxClockMhz) +
                                    "] MHz, got " + formatNumber(config.clockMhz)};
  for (const IntField &field : kIntFields) {
    const std::int64_t value = config.*field.member;
    if (value < field.min || value > field.max)
      return Problem{field.key, rangeMessage(field, std::to_string(value))};
  }
  if (config.macsPerCycleInt16 > config.macsPerCycleInt8)
    return Problem{"macs_per_cycle_int16",
                   "macs_per_cycle_int16 (" + std::to_string(config.macsPerCycleInt16) +
                       ") exceeds macs_per_cycle_int8 (" + std::to_string(config.macsPerCycleInt8) +
                       "); INT16 activations cannot be faster than INT8"};
  if (config.macsPerCycleInt4Weights < config.macsPerCycleInt8)
    return Problem{
        "macs_per_cycle_int4_weights",
        "macs_per_cycle_int4_weights (" + std::to_string(config.macsPerCycleInt4Weights) +
            ") is below macs_per_cycle_int8 (" + std::to_string(config.macsPerCycleInt8) +
            "); set it equal if INT4 weights bring no speed-up"};
  if (config.topsInt8() > kMaxTops)
    return Problem{"nn_cores", "peak INT8 throughput " + formatNumber(config.topsInt8()) +
                                   " TOPS exceeds " + formatNumber(kMaxTops) +
                                   " TOPS; check nn_cores, macs_per_cycle_int8, clock_mhz"};
  return std::nullopt;
}

std::string knownKeys() {
  std::string keys = "name, clock_mhz";
  for (const IntField &field : kIntFields)
    keys += std::string(", ") + field.key;
  return keys + ", sources";
}

bool isPresetName(const std::string &name) {
  for (const std::string &preset : npuPresetNames())
    if (preset == name)
      return true;
  return false;
}

} // namespace

//===- NpuConfig -----------------------------------------------------------===//

void NpuConfig::validate() const {
  if (const std::optional<Problem> problem = findProblem(*this))
    throw Error("NPU config '" + name + "': " + problem->message);
}

std::int64_t NpuConfig::macsPerCycle(MacPrecision precision) const {
  switch (precision) {
  case MacPrecision::Int8:
    return macsPerCycleInt8;
  case MacPrecision::Int16:
    return macsPerCycleInt16;
  case MacPrecision::Int4Weights:
    return macsPerCycleInt4Weights;
  }
  throw Error("NpuConfig::macsPerCycle: unknown MacPrecision " +
              std::to_string(static_cast<int>(precision)));
}

std::int64_t NpuConfig::peakMacsPerCycle(MacPrecision precision) const {
  return nnCores * macsPerCycle(precision);
}

double NpuConfig::topsInt8() const {
  return 2.0 * double(peakMacsPerCycle(MacPrecision::Int8)) * clockMhz * 1e6 / 1e12;
}

//===- Parsing and loading -------------------------------------------------===//

NpuConfig parseNpuConfig(const std::string &json, const std::string &sourceName) {
  const std::vector<JsonMember> members = parseFlatJsonObject(json, sourceName);

  NpuConfig config;
  std::map<std::string, const JsonMember *> seen; // key -> its member
  for (const JsonMember &member : members) {
    const auto [previous, isNew] = seen.emplace(member.key, &member);
    if (!isNew)
      failAtJson(sourceName, member.keyPosition,
                 "duplicate key '" + member.key + "' (first at " +
                     formatPosition(previous->second->keyPosition) + ")");
    const JsonValue &value = member.value;
    auto requireKind = [&](JsonValue::Kind kind) {
      if (value.kind != kind)
        failAtJson(sourceName, value.position,
                   "'" + member.key + "' must be " + jsonKindName(kind) + ", got " +
                       jsonKindName(value.kind));
    };
    if (member.key == "sources") {
      requireKind(JsonValue::Object);
    } else if (member.key == "name") {
      requireKind(JsonValue::String);
      config.name = value.text;
    } else if (member.key == "clock_mhz") {
      requireKind(JsonValue::Number);
      config.clockMhz = value.number;
    } else {
      const IntField *field = nullptr;
      for (const IntField &candidate : kIntFields)
        if (member.key == candidate.key)
          field = &candidate;
      if (!field)
        failAtJson(sourceName, member.keyPosition,
                   "unknown key '" + member.key + "'; the keys are " + knownKeys());
      requireKind(JsonValue::Number);
      if (value.number != std::floor(value.number))
        failAtJson(sourceName, value.position,
                   "'" + member.key + "' must be a whole number, got " +
                       formatNumber(value.number));
      // Range-check here too, before the conversion: 1e30 does not fit an int64.
      if (value.number < double(field->min) || value.number > double(field->max))
        failAtJson(sourceName, value.position, rangeMessage(*field, formatNumber(value.number)));
      config.*field->member = static_cast<std::int64_t>(value.number);
    }
  }

  std::vector<std::string> required = {"name", "clock_mhz"};
  for (const IntField &field : kIntFields)
    required.push_back(field.key);
  for (const std::string &key : required)
    if (!seen.count(key))
      throw Error(sourceName + ": missing required key '" + key + "'");

  if (const std::optional<Problem> problem = findProblem(config))
    failAtJson(sourceName, seen.at(problem->key)->value.position, problem->message);
  return config;
}

NpuConfig loadNpuConfig(const std::string &nameOrPath) {
  if (isPresetName(nameOrPath))
    return parseNpuConfig(npuPresetJson(nameOrPath), "preset '" + nameOrPath + "'");
  std::error_code ignored;
  if (std::filesystem::is_directory(nameOrPath, ignored))
    throw Error("NPU config '" + nameOrPath + "' is a directory; give a JSON file");
  std::ifstream in(nameOrPath, std::ios::binary);
  if (!in) {
    std::string presets;
    for (const std::string &preset : npuPresetNames())
      presets += (presets.empty() ? "" : "|") + preset;
    throw Error("cannot open NPU config '" + nameOrPath + "': give a preset name (" + presets +
                ") or the path of a JSON file (docs/npu-configs.md)");
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad())
    throw Error("cannot read NPU config '" + nameOrPath + "'");
  return parseNpuConfig(text.str(), nameOrPath);
}

} // namespace vitc::rt::npu
