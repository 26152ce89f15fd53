//===- RunCommand.cpp - vitc run ------------------------------------------===//
#include "CliSupport.h"
#include "Commands.h"

#include "vitc/rt/Npy.h"

#include <algorithm>
#include <chrono>
#include <iomanip>
#include <iostream>

namespace vitc::cli {
namespace {

std::string describe(const rt::Tensor &t) {
  return std::string(rt::dtypeName(t.dtype())) + "[" + rt::shapeToString(t.shape()) + "]";
}

std::string describe(const TensorInfo &info) {
  std::string dims;
  for (size_t i = 0; i < info.shape.size(); ++i)
    dims += (i ? "x" : "") + (info.shape[i] < 0 ? std::string("?") : std::to_string(info.shape[i]));
  return std::string(rt::dtypeName(info.dtype)) + "[" + (dims.empty() ? "scalar" : dims) + "]";
}

/// Index of the tensor named `name` in `infos`, or -1.
int indexOf(const std::vector<TensorInfo> &infos, const std::string &name) {
  auto it = std::find_if(infos.begin(), infos.end(),
                         [&](const TensorInfo &info) { return info.name == name; });
  return it == infos.end() ? -1 : static_cast<int>(it - infos.begin());
}

} // namespace

int runCommand(const ModelOptions &common, const RunCommandOptions &options) {
  if (options.inputs.empty())
    return fail("vitc run needs --input X.npy (or NAME=X.npy)");
  if (options.repeat < 1 || options.warmup < 0 || common.threads < 0)
    return fail("--repeat must be >= 1, --warmup and --threads >= 0");
  std::vector<NamedPath> inputSpecs;
  std::vector<rt::Tensor> data;
  std::vector<InputShape> hints;
  for (size_t i = 0; i < options.inputs.size(); ++i) {
    NamedPath spec = parseNamedPath(options.inputs[i]);
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
  if (int code = prepareModel(common, hints, model))
    return code;

  std::vector<TensorInfo> infos = model.inputs();
  if (inputSpecs.size() != infos.size())
    return fail("the model has " + std::to_string(infos.size()) + " input" +
                (infos.size() == 1 ? "" : "s") + ", " + std::to_string(inputSpecs.size()) +
                " were given");
  std::vector<rt::Tensor> ordered(infos.size());
  std::vector<bool> given(infos.size(), false);
  for (size_t i = 0; i < inputSpecs.size(); ++i) {
    int position = static_cast<int>(i);
    if (!inputSpecs[i].name.empty() && (position = indexOf(infos, inputSpecs[i].name)) < 0)
      return fail("no model input is named '" + inputSpecs[i].name + "'");
    if (given[position])
      return fail("input '" + infos[position].name + "' is given twice");
    given[position] = true;
    if (data[i].dtype() != infos[position].dtype)
      return fail("'" + inputSpecs[i].path + "' holds " + describe(data[i]) + ", input '" +
                  infos[position].name + "' expects " + describe(infos[position]));
    ordered[position] = data[i];
  }

  RunOptions runOptions;
  runOptions.threads = common.threads;
  std::vector<rt::Tensor> outputs;
  std::vector<double> times;
  for (int r = 0; r < options.warmup + options.repeat; ++r) {
    auto start = std::chrono::steady_clock::now();
    if (Status status = model.run(ordered, outputs, runOptions); !status.ok())
      return fail(status.message());
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                    .count();
    if (r >= options.warmup)
      times.push_back(ms);
  }

  std::vector<TensorInfo> outInfos = model.outputs();
  if (options.outputs.size() > outputs.size())
    return fail(std::to_string(options.outputs.size()) + " --output files given, the model has " +
                std::to_string(outputs.size()) + " outputs");
  for (size_t i = 0; i < options.outputs.size(); ++i) {
    NamedPath spec = parseNamedPath(options.outputs[i]);
    int position = static_cast<int>(i);
    if (!spec.name.empty() && (position = indexOf(outInfos, spec.name)) < 0)
      return fail("no model output is named '" + spec.name + "'");
    try {
      rt::writeNpy(spec.path, outputs[position]);
    } catch (const std::exception &e) {
      return fail(e.what());
    }
  }

  std::sort(times.begin(), times.end());
  std::cerr << "vitc: ran " << common.model << " (" << stageName(model.stage()) << " stage)";
  for (size_t i = 0; i < outputs.size(); ++i)
    std::cerr << (i ? ", " : ": ") << outInfos[i].name << " " << describe(outputs[i]);
  std::cerr << std::fixed << std::setprecision(2) << "; median " << times[times.size() / 2]
            << " ms, min " << times.front() << " ms over " << times.size() << " run"
            << (times.size() > 1 ? "s" : "") << "\n";
  return 0;
}

} // namespace vitc::cli
