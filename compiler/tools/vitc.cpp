//===- vitc.cpp - The vitc command-line tool ------------------------------===//
//
//   vitc MODEL.onnx [--emit mlir] [--stop-after import|graph] [-o FILE]
//   vitc run MODEL.onnx --input X.npy --output Y.npy
//
// A thin layer over vitc/Compiler.h: it parses flags, reads and writes
// files, and prints; every error is one line on stderr and exit code 1.
//
//===----------------------------------------------------------------------===//
#include "CliSupport.h"

#include "vitc/Compiler.h"
#include "vitc/rt/Npy.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

using namespace vitc;

namespace {

struct CommonOptions {
  std::string model;
  std::vector<std::string> inputShapes;
  std::string stopAfter = "graph";
  bool printOpStats = false;
};

int fail(const std::string &message) {
  std::cerr << "vitc: error: " << message << "\n";
  return 1;
}

void addCommonOptions(CLI::App &app, CommonOptions &options) {
  app.add_option("model", options.model, "ONNX model file")->required();
  app.add_option("--input-shape", options.inputShapes,
                 "Fix an input's shape, [NAME:]D1xD2x... (repeatable); dynamic dims default to 1");
  app.add_option("--stop-after", options.stopAfter, "Last pipeline stage to run: import|graph")
      ->capture_default_str();
  app.add_flag("--print-op-stats", options.printOpStats, "Print op counts as imported and after the pipeline");
}

using OpCounts = std::vector<std::pair<std::string, int64_t>>;

/// Loads the model and runs the pipeline; prints notes. `imported` receives
/// the op counts as imported. Returns 0 or an exit code.
int loadModel(const CommonOptions &options, std::vector<InputShape> shapes, Model &model,
              OpCounts &imported) {
  for (const std::string &spec : options.inputShapes) {
    InputShape shape;
    std::string error;
    if (!cli::parseShapeSpec(spec, shape, error))
      return fail(error);
    shapes.push_back(shape);
  }
  Stage stage;
  if (!parseStage(options.stopAfter, stage))
    return fail("unknown stage '" + options.stopAfter + "' for --stop-after (import|graph)");
  LoadOptions loadOptions;
  loadOptions.inputShapes = std::move(shapes);
  if (Status status = Model::load(options.model, loadOptions, model); !status.ok())
    return fail(status.message());
  for (const std::string &note : model.notes())
    std::cerr << "vitc: note: " << note << "\n";
  imported = model.opCounts();
  if (Status status = model.runPipeline(stage); !status.ok())
    return fail(status.message());
  return 0;
}

/// Op counts as imported and after the pipeline, most frequent first.
void printOpStats(const OpCounts &imported, const Model &model, std::ostream &os) {
  std::map<std::string, std::pair<int64_t, int64_t>> table;
  int64_t before = 0, after = 0;
  for (const auto &[name, count] : imported) {
    table[name].first = count;
    before += count;
  }
  for (const auto &[name, count] : model.opCounts()) {
    table[name].second = count;
    after += count;
  }
  std::vector<std::pair<std::string, std::pair<int64_t, int64_t>>> rows(table.begin(),
                                                                        table.end());
  std::stable_sort(rows.begin(), rows.end(), [](const auto &a, const auto &b) {
    return std::max(a.second.first, a.second.second) > std::max(b.second.first, b.second.second);
  });
  os << std::left << std::setw(28) << "op counts" << std::right << std::setw(6) << "import"
     << std::setw(8) << stageName(model.stage()) << "\n";
  for (const auto &[name, counts] : rows)
    os << "  " << std::left << std::setw(26) << name << std::right << std::setw(6)
       << counts.first << std::setw(8) << counts.second << "\n";
  os << "  " << std::left << std::setw(26) << "total" << std::right << std::setw(6) << before
     << std::setw(8) << after << "\n";
}

std::string describe(const rt::Tensor &t) {
  return std::string(rt::dtypeName(t.dtype())) + "[" + rt::shapeToString(t.shape()) + "]";
}

std::string describe(const TensorInfo &info) {
  std::string dims;
  for (size_t i = 0; i < info.shape.size(); ++i)
    dims += (i ? "x" : "") + (info.shape[i] < 0 ? std::string("?") : std::to_string(info.shape[i]));
  return std::string(rt::dtypeName(info.dtype)) + "[" + (dims.empty() ? "scalar" : dims) + "]";
}

int compileCommand(const CommonOptions &common, const std::string &emit, const std::string &outPath) {
  Model model;
  OpCounts imported;
  if (int code = loadModel(common, {}, model, imported))
    return code;
  if (common.printOpStats)
    printOpStats(imported, model, std::cerr);
  if (emit.empty())
    return 0;
  if (emit != "mlir")
    return fail("unknown --emit kind '" + emit + "' (supported: mlir)");
  std::ostringstream text;
  if (Status status = model.printMlir(text); !status.ok())
    return fail(status.message());
  if (outPath.empty() || outPath == "-") {
    std::cout << text.str();
    return 0;
  }
  std::string error;
  if (!cli::writeFileAtomically(outPath, text.str(), error))
    return fail(error);
  return 0;
}

struct RunCommandOptions {
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  int threads = 0;
  int repeat = 1;
  int warmup = 0;
};

int runCommand(const CommonOptions &common, const RunCommandOptions &options) {
  if (options.inputs.empty())
    return fail("vitc run needs --input X.npy (or NAME=X.npy)");
  if (options.repeat < 1 || options.warmup < 0 || options.threads < 0)
    return fail("--repeat must be >= 1, --warmup and --threads >= 0");
  std::vector<cli::NamedPath> inputSpecs;
  std::vector<rt::Tensor> data;
  std::vector<InputShape> hints;
  for (size_t i = 0; i < options.inputs.size(); ++i) {
    cli::NamedPath spec = cli::parseNamedPath(options.inputs[i]);
    try {
      data.push_back(rt::readNpy(spec.path));
    } catch (const std::exception &e) {
      return fail(e.what());
    }
    InputShape hint;
    hint.name = spec.name;
    hint.position = spec.name.empty() && options.inputs.size() > 1 ? static_cast<int>(i) : -1;
    hint.dims = data.back().shape();
    hint.hint = true;
    hints.push_back(hint);
    inputSpecs.push_back(spec);
  }
  Model model;
  OpCounts imported;
  if (int code = loadModel(common, hints, model, imported))
    return code;

  std::vector<TensorInfo> infos = model.inputs();
  if (inputSpecs.size() != infos.size())
    return fail("the model has " + std::to_string(infos.size()) + " input" +
                (infos.size() == 1 ? "" : "s") + ", " + std::to_string(inputSpecs.size()) +
                " were given");
  std::vector<rt::Tensor> ordered(infos.size());
  std::vector<bool> given(infos.size(), false);
  for (size_t i = 0; i < inputSpecs.size(); ++i) {
    size_t position = i;
    if (!inputSpecs[i].name.empty()) {
      auto it = std::find_if(infos.begin(), infos.end(),
                             [&](const TensorInfo &info) { return info.name == inputSpecs[i].name; });
      if (it == infos.end())
        return fail("no model input is named '" + inputSpecs[i].name + "'");
      position = static_cast<size_t>(it - infos.begin());
    }
    if (given[position])
      return fail("input '" + infos[position].name + "' is given twice");
    given[position] = true;
    if (data[i].dtype() != infos[position].dtype)
      return fail("'" + inputSpecs[i].path + "' holds " + describe(data[i]) + ", input '" +
                  infos[position].name + "' expects " + describe(infos[position]));
    ordered[position] = data[i];
  }

  RunOptions runOptions;
  runOptions.threads = options.threads;
  std::vector<rt::Tensor> outputs;
  std::vector<double> times;
  for (int r = 0; r < options.warmup + options.repeat; ++r) {
    auto start = std::chrono::steady_clock::now();
    if (Status status = model.run(ordered, outputs, runOptions); !status.ok())
      return fail(status.message());
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (r >= options.warmup)
      times.push_back(ms);
  }

  std::vector<TensorInfo> outInfos = model.outputs();
  if (options.outputs.size() > outputs.size())
    return fail(std::to_string(options.outputs.size()) + " --output files given, the model has " +
                std::to_string(outputs.size()) + " outputs");
  for (size_t i = 0; i < options.outputs.size(); ++i) {
    cli::NamedPath spec = cli::parseNamedPath(options.outputs[i]);
    size_t position = i;
    if (!spec.name.empty()) {
      auto it = std::find_if(outInfos.begin(), outInfos.end(),
                             [&](const TensorInfo &info) { return info.name == spec.name; });
      if (it == outInfos.end())
        return fail("no model output is named '" + spec.name + "'");
      position = static_cast<size_t>(it - outInfos.begin());
    }
    try {
      rt::writeNpy(spec.path, outputs[position]);
    } catch (const std::exception &e) {
      return fail(e.what());
    }
  }

  std::sort(times.begin(), times.end());
  std::cerr << "vitc: ran " << common.model << " (" << (common.stopAfter) << " stage)";
  for (size_t i = 0; i < outputs.size(); ++i)
    std::cerr << (i ? ", " : ": ") << outInfos[i].name << " " << describe(outputs[i]);
  std::cerr << std::fixed << std::setprecision(2) << "; median " << times[times.size() / 2]
            << " ms, min " << times.front() << " ms over " << times.size() << " run"
            << (times.size() > 1 ? "s" : "") << "\n";
  if (common.printOpStats)
    printOpStats(imported, model, std::cerr);
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  CLI::App app{"vitc: compiles ONNX Vision Transformers for embedded NPUs"};
  app.set_version_flag("--version", std::string("vitc ") + vitc::version());
  app.require_subcommand(0, 1);
  bool listOps = false;
  app.add_flag("--list-ops", listOps, "List the supported ONNX ops and exit");

  CommonOptions compileOptions;
  std::string emit, outPath;
  // The compile command is the default (no subcommand): vitc MODEL.onnx ...
  app.add_option("model", compileOptions.model, "ONNX model file");
  app.add_option("--input-shape", compileOptions.inputShapes,
                 "Fix an input's shape, [NAME:]D1xD2x... (repeatable); dynamic dims default to 1");
  app.add_option("--stop-after", compileOptions.stopAfter, "Last pipeline stage: import|graph")
      ->capture_default_str();
  app.add_flag("--print-op-stats", compileOptions.printOpStats, "Print op counts as imported and after the pipeline");
  app.add_option("--emit", emit, "What to write: mlir");
  app.add_option("-o,--output", outPath, "Output file ('-' or absent: stdout)");

  CLI::App *run = app.add_subcommand("run", "Run a model on the interpreter with .npy inputs");
  CommonOptions runCommon;
  RunCommandOptions runOptions;
  addCommonOptions(*run, runCommon);
  run->add_option("--input", runOptions.inputs, "Input .npy, [NAME=]PATH (repeatable)");
  run->add_option("--output", runOptions.outputs, "Output .npy, [NAME=]PATH (repeatable)");
  run->add_option("--threads", runOptions.threads, "Worker threads (0: all cores)");
  run->add_option("--repeat", runOptions.repeat, "Timed runs (the median is printed)");
  run->add_option("--warmup", runOptions.warmup, "Untimed runs before the timed ones");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    return app.exit(e);
  }
  if (listOps) {
    // Printed by the library so docs and tool agree.
    for (const std::string &op : supportedOnnxOps())
      std::cout << op << "\n";
    return 0;
  }
  if (*run)
    return runCommand(runCommon, runOptions);
  if (compileOptions.model.empty())
    return fail("no model given (vitc MODEL.onnx ..., or vitc run MODEL.onnx ...; see --help)");
  return compileCommand(compileOptions, emit, outPath);
}
