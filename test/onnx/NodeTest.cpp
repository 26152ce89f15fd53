//===- NodeTest.cpp - Run one ONNX node test on vitc's interpreter --------===//
#include "test/onnx/NodeTest.h"

#include "compiler/import/TensorProto.h"

#include "onnx/onnx_pb.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace fs = std::filesystem;

namespace vitc::conformance {
namespace {

void collectOpTypes(const onnx::GraphProto &graph, std::set<std::string> &ops) {
  for (const onnx::NodeProto &node : graph.node()) {
    bool defaultDomain = node.domain().empty() || node.domain() == "ai.onnx";
    ops.insert(defaultDomain ? node.op_type() : node.domain() + "::" + node.op_type());
    for (const onnx::AttributeProto &attr : node.attribute()) {
      if (attr.has_g())
        collectOpTypes(attr.g(), ops);
      for (const onnx::GraphProto &subgraph : attr.graphs())
        collectOpTypes(subgraph, ops);
    }
  }
}

std::string formatValue(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.9g", value);
  return text;
}

/// "[0,2,1]": the coordinates of a flat index in `shape`.
std::string coordinates(int64_t flat, const rt::Shape &shape) {
  std::vector<int64_t> coords(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    coords[d] = flat % shape[d];
    flat /= shape[d];
  }
  std::string text = "[";
  for (size_t d = 0; d < coords.size(); ++d)
    text += (d ? "," : "") + std::to_string(coords[d]);
  return text + "]";
}

bool isFloat(rt::DType type) { return type == rt::DType::F32 || type == rt::DType::F64; }

bool closeEnough(double actual, double expected, const Tolerance &tolerance) {
  if (std::isnan(actual) || std::isnan(expected))
    return std::isnan(actual) && std::isnan(expected);
  if (std::isinf(expected) || std::isinf(actual))
    return actual == expected;
  return std::fabs(actual - expected) <= tolerance.atol + tolerance.rtol * std::fabs(expected);
}

/// The data sets of a test, in numeric order.
std::vector<fs::path> dataSets(const fs::path &testDir) {
  std::vector<fs::path> sets;
  for (int i = 0; fs::is_directory(testDir / ("test_data_set_" + std::to_string(i))); ++i)
    sets.push_back(testDir / ("test_data_set_" + std::to_string(i)));
  return sets;
}

/// Reads `dir`/prefix_0.pb, prefix_1.pb, ... until one is missing.
std::vector<rt::Tensor> readTensors(const fs::path &dir, const std::string &prefix) {
  std::vector<rt::Tensor> tensors;
  for (int i = 0;; ++i) {
    fs::path file = dir / (prefix + "_" + std::to_string(i) + ".pb");
    if (!fs::exists(file))
      return tensors;
    llvm::Expected<rt::Tensor> tensor = import::readTensorProtoFile(file.string());
    if (!tensor)
      throw std::runtime_error(llvm::toString(tensor.takeError()));
    tensors.push_back(std::move(*tensor));
  }
}

} // namespace

std::set<std::string> modelOpTypes(const std::string &modelPath) {
  std::ifstream in(modelPath, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  onnx::ModelProto model;
  if (!in || !model.ParseFromString(bytes.str()))
    throw std::runtime_error("cannot parse '" + modelPath + "' as an ONNX model");
  std::set<std::string> ops;
  collectOpTypes(model.graph(), ops);
  return ops;
}

std::optional<std::string> compareTensors(const rt::Tensor &actual, const rt::Tensor &expected,
                                          const Tolerance &tolerance) {
  if (actual.dtype() != expected.dtype())
    return std::string("dtype ") + rt::dtypeName(actual.dtype()) + ", expected " +
           rt::dtypeName(expected.dtype());
  if (actual.shape() != expected.shape())
    return "shape " + rt::shapeToString(actual.shape()) + ", expected " +
           rt::shapeToString(expected.shape());
  bool floating = isFloat(expected.dtype());
  int64_t firstBad = -1, mismatches = 0;
  for (int64_t i = 0; i < expected.numel(); ++i) {
    bool same = floating ? closeEnough(actual.at(i), expected.at(i), tolerance)
                         : actual.intAt(i) == expected.intAt(i);
    if (same)
      continue;
    if (firstBad < 0)
      firstBad = i;
    ++mismatches;
  }
  if (firstBad < 0)
    return std::nullopt;
  std::string actualText = floating ? formatValue(actual.at(firstBad))
                                    : std::to_string(actual.intAt(firstBad));
  std::string expectedText = floating ? formatValue(expected.at(firstBad))
                                      : std::to_string(expected.intAt(firstBad));
  return "mismatch at " + coordinates(firstBad, expected.shape()) + ": " + actualText +
         ", expected " + expectedText + " (" + std::to_string(mismatches) + " of " +
         std::to_string(expected.numel()) + " elements differ)";
}

std::string runNodeTest(const std::string &testDir, const RunSettings &settings) {
  fs::path dir(testDir);
  Model model;
  if (Status status = Model::load((dir / "model.onnx").string(), {}, model); !status.ok())
    return "load error: " + status.message();
  if (Status status = model.runPipeline(settings.stage); !status.ok())
    return "compile error: " + status.message();
  std::vector<fs::path> sets = dataSets(dir);
  if (sets.empty())
    return "setup error: no test_data_set_0 directory";
  RunOptions options;
  options.threads = settings.threads;
  for (const fs::path &set : sets) {
    std::string where = sets.size() > 1 ? set.filename().string() + ": " : "";
    std::vector<rt::Tensor> inputs, expected, actual;
    try {
      inputs = readTensors(set, "input");
      expected = readTensors(set, "output");
    } catch (const std::exception &e) {
      return where + "data error: " + e.what();
    }
    if (Status status = model.run(inputs, actual, options); !status.ok())
      return where + "run error: " + status.message();
    if (actual.size() != expected.size())
      return where + "the model computed " + std::to_string(actual.size()) + " outputs, " +
             std::to_string(expected.size()) + " are expected";
    std::vector<TensorInfo> infos = model.outputs();
    for (size_t i = 0; i < expected.size(); ++i)
      if (std::optional<std::string> diff = compareTensors(actual[i], expected[i], settings.tolerance))
        return where + "output " + std::to_string(i) + " ('" + infos[i].name + "'): " + *diff;
  }
  return "";
}

} // namespace vitc::conformance
