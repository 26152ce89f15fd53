//===- NpuConfigTest.cpp - NPU presets, config parsing and refusals -------===//
#include "vitc/rt/npu/Config.h"

#include "vitc/rt/Error.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <utility>
#include <vector>

using namespace vitc::rt;
using namespace vitc::rt::npu;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

using Fields = std::vector<std::pair<std::string, std::string>>; // key, raw JSON value

/// A valid config, one member per line ("{" is line 1, nn_cores is line 4).
Fields validFields() {
  return {{"name", "\"test\""},
          {"clock_mhz", "1000"},
          {"nn_cores", "2"},
          {"macs_per_cycle_int8", "256"},
          {"macs_per_cycle_int16", "128"},
          {"macs_per_cycle_int4_weights", "512"},
          {"tp_elements_per_cycle", "32"},
          {"ppu_elements_per_cycle", "16"},
          {"sram_bytes", "1048576"},
          {"dram_bytes_per_cycle", "16"},
          {"sources", "{\"nn_cores\": \"made up\", \"nested\": {\"n\": -1.5e3}}"}};
}

std::string toJson(const Fields &fields) {
  std::string json = "{\n";
  for (size_t i = 0; i < fields.size(); ++i)
    json += "  \"" + fields[i].first + "\": " + fields[i].second +
            (i + 1 < fields.size() ? ",\n" : "\n");
  return json + "}\n";
}

/// validFields() with `key` set to `rawValue` (appended if absent).
std::string jsonWith(const std::string &key, const std::string &rawValue) {
  Fields fields = validFields();
  bool found = false;
  for (auto &field : fields)
    if (field.first == key) {
      field.second = rawValue;
      found = true;
    }
  if (!found)
    fields.emplace_back(key, rawValue);
  return toJson(fields);
}

std::string jsonWithout(const std::string &key) {
  Fields fields = validFields();
  for (size_t i = 0; i < fields.size(); ++i)
    if (fields[i].first == key)
      fields.erase(fields.begin() + long(i));
  return toJson(fields);
}

/// The message of the Error that parsing `json` throws ("" if none).
std::string parseError(const std::string &json) {
  try {
    parseNpuConfig(json, "cfg.json");
  } catch (const Error &error) {
    return error.what();
  }
  return "";
}

} // namespace

TEST_CASE("the NPU presets have their stated numbers and TOPS", "[runtime][npu]") {
  REQUIRE(npuPresetNames() == std::vector<std::string>{"small", "mid", "large"});

  const NpuConfig small = loadNpuConfig("small");
  CHECK(small.name == "small");
  CHECK(small.clockMhz == 650);
  CHECK(small.nnCores == 1);
  CHECK(small.macsPerCycleInt8 == 768);
  CHECK(small.macsPerCycleInt16 == 384);
  CHECK(small.macsPerCycleInt4Weights == 1536);
  CHECK(small.tpElementsPerCycle == 16);
  CHECK(small.ppuElementsPerCycle == 16);
  CHECK(small.sramBytes == 512 * 1024);
  CHECK(small.dramBytesPerCycle == 8);

  const NpuConfig mid = loadNpuConfig("mid");
  CHECK(mid.clockMhz == 800);
  CHECK(mid.nnCores == 8);
  CHECK(mid.peakMacsPerCycle(MacPrecision::Int8) == 6144);
  CHECK(mid.sramBytes == 2 * 1024 * 1024);
  CHECK(mid.dramBytesPerCycle == 32);
  CHECK(mid.tpElementsPerCycle == 64);
  CHECK(mid.ppuElementsPerCycle == 64);

  const NpuConfig large = loadNpuConfig("large");
  CHECK(large.clockMhz == 800);
  CHECK(large.nnCores == 32);
  CHECK(large.peakMacsPerCycle(MacPrecision::Int8) == 24576);
  CHECK(large.sramBytes == 8 * 1024 * 1024);
  CHECK(large.dramBytesPerCycle == 64);
  CHECK(large.tpElementsPerCycle == 128);
  CHECK(large.ppuElementsPerCycle == 256);

  // TOPS = 2 * MACs/cycle * clock. The exact products (tolerance: double
  // rounding only), then the labels within the 10% the presets promise.
  CHECK(small.topsInt8() == Approx(2.0 * 768 * 650e6 / 1e12).epsilon(1e-12));   // 0.998
  CHECK(mid.topsInt8() == Approx(2.0 * 6144 * 800e6 / 1e12).epsilon(1e-12));    // 9.83
  CHECK(large.topsInt8() == Approx(2.0 * 24576 * 800e6 / 1e12).epsilon(1e-12)); // 39.3
  CHECK(small.topsInt8() == Approx(1).epsilon(0.10));
  CHECK(mid.topsInt8() == Approx(10).epsilon(0.10));
  CHECK(large.topsInt8() == Approx(40).epsilon(0.10));
}

TEST_CASE("MAC rates per precision: INT16 half, INT4 weights double", "[runtime][npu]") {
  for (const std::string &name : npuPresetNames()) {
    const NpuConfig config = loadNpuConfig(name);
    INFO(name);
    CHECK(config.macsPerCycle(MacPrecision::Int8) == 768);
    CHECK(config.peakMacsPerCycle(MacPrecision::Int16) * 2 ==
          config.peakMacsPerCycle(MacPrecision::Int8));
    CHECK(config.peakMacsPerCycle(MacPrecision::Int4Weights) ==
          2 * config.peakMacsPerCycle(MacPrecision::Int8));
  }
  const NpuConfig mid = loadNpuConfig("mid");
  CHECK(mid.peakMacsPerCycle(MacPrecision::Int16) == 3072);
  CHECK(mid.peakMacsPerCycle(MacPrecision::Int4Weights) == 12288);
}

TEST_CASE("every preset number has a source", "[runtime][npu]") {
  const char *keys[] = {"name",
                        "clock_mhz",
                        "nn_cores",
                        "macs_per_cycle_int8",
                        "macs_per_cycle_int16",
                        "macs_per_cycle_int4_weights",
                        "tp_elements_per_cycle",
                        "ppu_elements_per_cycle",
                        "sram_bytes",
                        "dram_bytes_per_cycle",
                        "tops_int8"};
  for (const std::string &name : npuPresetNames()) {
    const std::string &json = npuPresetJson(name);
    const size_t sources = json.find("\"sources\"");
    REQUIRE(sources != std::string::npos);
    for (const char *key : keys) {
      INFO(name << ": " << key);
      CHECK(json.find("\"" + std::string(key) + "\":", sources) != std::string::npos);
    }
  }
  CHECK_THROWS_WITH(npuPresetJson("huge"), Contains("unknown NPU preset 'huge'"));
}

TEST_CASE("a valid config parses; sources are ignored", "[runtime][npu]") {
  const NpuConfig config = parseNpuConfig(toJson(validFields()), "cfg.json");
  CHECK(config.name == "test");
  CHECK(config.nnCores == 2);
  CHECK(config.sramBytes == 1048576);
  CHECK(config.topsInt8() == Approx(1.024).epsilon(1e-12)); // 2 * 512 * 1e9
  // Without sources, a fractional clock, escapes in the name, member order free.
  Fields fields = validFields();
  fields.pop_back();
  std::swap(fields[0], fields[5]);
  fields[5].second = R"("A\u00e9\/\"q\"\ud83d\ude00")";
  fields[1].second = "933.5e0";
  const NpuConfig other = parseNpuConfig(toJson(fields), "cfg.json");
  CHECK(other.name == "A\xc3\xa9/\"q\"\xf0\x9f\x98\x80");
  CHECK(other.clockMhz == 933.5);
  NpuConfig control = other;
  control.name = "a\nb";
  CHECK_THROWS_WITH(control.validate(), Contains("name must not contain control characters"));
}

TEST_CASE("malformed JSON is refused with line:column", "[runtime][npu]") {
  const std::string valid = toJson(validFields());
  // Every truncation fails cleanly (no crash, no partial config).
  for (size_t length = 0; length + 2 < valid.size(); ++length) {
    INFO("length " << length);
    CHECK_THROWS_AS(parseNpuConfig(valid.substr(0, length), "cfg.json"), Error);
  }
  CHECK_THAT(parseError(valid.substr(0, valid.size() / 2)), Contains("unexpected end of input"));
  CHECK_THAT(parseError(""), Contains("cfg.json:1:1: the input is empty"));
  CHECK_THAT(parseError("{\"name\": \"x"), Contains("cfg.json:1:12: unexpected end of input: the "
                                                    "string opened at 1:10 is not closed"));
  CHECK_THAT(parseError("[1]"), Contains("1:1: expected a JSON object"));
  CHECK_THAT(parseError(valid + "x"), Contains("14:1: unexpected 'x' after the top-level object"));
  CHECK_THAT(parseError(jsonWith("nn_cores", "true")), Contains("cfg.json:4:15: true, false and "
                                                                "null are not part"));
  CHECK_THAT(parseError(jsonWith("nn_cores", "null")), Contains("4:15"));
  CHECK_THAT(parseError(jsonWith("nn_cores", "[2]")), Contains("4:15: arrays are not part"));
  CHECK_THAT(parseError(jsonWith("nn_cores", "02")), Contains("4:16: unexpected '2' in a number"));
  CHECK_THAT(parseError(jsonWith("nn_cores", "2.")), Contains("4:17: expected a digit after '.'"));
  CHECK_THAT(parseError(jsonWith("nn_cores", "1e999")), Contains("out of range"));
  CHECK_THAT(parseError(jsonWith("name", "\"a\\x\"")), Contains("invalid escape '\\x'"));
  CHECK_THAT(parseError(jsonWith("name", "\"\\ud800\"")), Contains("unpaired UTF-16 surrogate"));
  CHECK_THAT(parseError("{\"name\": \"a\",}"), Contains("1:14: expected a key in double quotes"));
  CHECK_THAT(parseError("{\"name\" \"a\"}"), Contains("1:9: expected ':' after the key"));
  CHECK_THAT(parseError("{\"name\": \"a\" \"b\"}"), Contains("expected ',' or '}' after a member"));
  CHECK_THAT(parseError("{\"name\": \"a\tb\"}"), Contains("control character"));
  std::string deep = "{\"sources\": ";
  for (int i = 0; i < 40; ++i)
    deep += "{\"a\": ";
  CHECK_THAT(parseError(deep), Contains("nested deeper than 16 levels"));
}

TEST_CASE("wrong types, unknown, duplicate and missing keys are refused", "[runtime][npu]") {
  CHECK_THAT(parseError(jsonWith("nn_cores", "\"eight\"")),
             Contains("cfg.json:4:15: 'nn_cores' must be a number, got a string"));
  CHECK_THAT(parseError(jsonWith("name", "7")), Contains("'name' must be a string, got a number"));
  CHECK_THAT(parseError(jsonWith("sources", "\"none\"")),
             Contains("'sources' must be an object, got a string"));
  CHECK_THAT(parseError(jsonWith("nn_core", "2")),
             Contains("cfg.json:13:3: unknown key 'nn_core'; the keys are name, clock_mhz, "
                      "nn_cores,"));
  CHECK_THAT(parseError(jsonWith("nn_cores", "2, \"nn_cores\": 4")),
             Contains("cfg.json:4:18: duplicate key 'nn_cores' (first at 4:3)"));
  for (const auto &[key, value] : validFields()) {
    if (key == "sources")
      continue;
    INFO(key);
    CHECK(parseError(jsonWithout(key)) == "cfg.json: missing required key '" + key + "'");
  }
}

TEST_CASE("non-positive and absurd values are refused", "[runtime][npu]") {
  CHECK_THAT(parseError(jsonWith("macs_per_cycle_int8", "-256")),
             Contains("cfg.json:5:26: macs_per_cycle_int8 must be in [1, 1048576] MACs/cycle per "
                      "core, got -256"));
  CHECK_THAT(parseError(jsonWith("nn_cores", "0")), Contains("nn_cores must be in [1, 1024]"));
  CHECK_THAT(parseError(jsonWith("nn_cores", "1.5")),
             Contains("'nn_cores' must be a whole number, got 1.5"));
  CHECK_THAT(parseError(jsonWith("sram_bytes", "1e30")),
             Contains("sram_bytes must be in [4096, 4294967296] bytes, got 1e+30"));
  CHECK_THAT(parseError(jsonWith("sram_bytes", "512")), Contains("sram_bytes must be in [4096,"));
  CHECK_THAT(parseError(jsonWith("dram_bytes_per_cycle", "0")),
             Contains("dram_bytes_per_cycle must be in [1, 65536]"));
  CHECK_THAT(parseError(jsonWith("clock_mhz", "-800")),
             Contains("cfg.json:3:16: clock_mhz must be in (0, 10000] MHz, got -800"));
  CHECK_THAT(parseError(jsonWith("clock_mhz", "8e8")), Contains("clock_mhz must be in (0, 10000]"));
  CHECK_THAT(parseError(jsonWith("name", "\"\"")), Contains("name must be 1 to 64 characters"));
  CHECK_THAT(parseError(jsonWith("macs_per_cycle_int16", "512")),
             Contains("macs_per_cycle_int16 (512) exceeds macs_per_cycle_int8 (256)"));
  CHECK_THAT(parseError(jsonWith("macs_per_cycle_int4_weights", "128")),
             Contains("macs_per_cycle_int4_weights (128) is below macs_per_cycle_int8 (256)"));

  NpuConfig config = loadNpuConfig("mid");
  config.validate();
  config.nnCores = 1024;
  config.macsPerCycleInt8 = config.macsPerCycleInt4Weights = 1 << 20;
  config.clockMhz = 5000;
  CHECK_THROWS_WITH(config.validate(), Contains("NPU config 'mid': peak INT8 throughput"));
  config = loadNpuConfig("mid");
  config.ppuElementsPerCycle = -1;
  CHECK_THROWS_WITH(config.validate(),
                    "NPU config 'mid': ppu_elements_per_cycle must be in [1, 1048576] "
                    "elements/cycle, got -1");
}

TEST_CASE("a config loads from a file path", "[runtime][npu]") {
  const auto ticks = std::chrono::steady_clock::now().time_since_epoch().count();
  const fs::path dir = fs::temp_directory_path() / ("vitc-npu-config-" + std::to_string(ticks));
  fs::create_directories(dir);
  const std::string path = (dir / "mine.json").string();
  {
    std::ofstream out(path, std::ios::binary);
    out << npuPresetJson("large");
  }
  const NpuConfig fromFile = loadNpuConfig(path);
  CHECK(fromFile.name == "large");
  CHECK(fromFile.nnCores == 32);

  {
    std::ofstream out(path, std::ios::binary);
    out << jsonWith("nn_cores", "-3");
  }
  CHECK_THROWS_WITH(loadNpuConfig(path), Contains(path + ":4:15: nn_cores must be in [1, 1024]"));

  CHECK_THROWS_WITH(loadNpuConfig((dir / "missing.json").string()),
                    Contains("cannot open NPU config '" + (dir / "missing.json").string() +
                             "': give a preset name (small|mid|large)"));
  CHECK_THROWS_WITH(loadNpuConfig("medium"), Contains("cannot open NPU config 'medium'"));
  CHECK_THROWS_WITH(loadNpuConfig(dir.string()), Contains("is a directory"));
  std::error_code ignored;
  fs::remove_all(dir, ignored);
}
