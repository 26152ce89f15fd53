//===- NpuCommands.cpp - vitc --target npu, vitc run X.vnb, vitc disasm ---===//
//
// The NPU side of the CLI: compile a quantised model to a .vnb command
// stream with its cost report, run a .vnb on the simulator, print one.
//
//===----------------------------------------------------------------------===//
#include "CliSupport.h"
#include "Commands.h"

#include "vitc/rt/Batches.h"
#include "vitc/rt/Npy.h"
#include "vitc/rt/npu/Format.h"
#include "vitc/rt/npu/Simulator.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <iostream>
#include <sstream>

namespace vitc::cli {

namespace rtnpu = vitc::rt::npu;

int compileNpuCommand(const Model &model, const CompileOptions &options) {
  if (options.emit == "onnx")
    return fail("--emit onnx and --target npu exclude each other");
  if (options.emit.empty() && (options.output.empty() || options.output == "-"))
    return fail("--target npu writes a binary .vnb file: give -o FILE.vnb");
  NpuOptions npuOptions;
  npuOptions.config = options.npuConfig;
  npuOptions.luts = !options.noLuts;
  rtnpu::Program program;
  std::ostringstream lowered;
  bool emitMlir = options.emit == "mlir";
  if (Status status = model.compileNpu(npuOptions, program, emitMlir ? &lowered : nullptr);
      !status.ok())
    return fail(status.message());
  for (const rtnpu::Command &command : program.commands)
    if (command.unit == rtnpu::Unit::Host)
      std::cerr << "vitc: warning: layer '" << command.layer << "' runs on the host CPU: no NPU "
                << "unit implements it (it counts in host_ops)\n";
  if (emitMlir) {
    if (options.output.empty() || options.output == "-") {
      std::cout << lowered.str();
    } else {
      std::string error;
      if (!writeFileAtomically(options.output, lowered.str(), error))
        return fail(error);
    }
  } else {
    try {
      rtnpu::writeVnbFile(program, options.output);
    } catch (const std::exception &e) {
      return fail(e.what());
    }
  }
  rtnpu::CostReport cost = rtnpu::estimateCost(program);
  std::cerr << rtnpu::costSummary(cost, program.config);
  if (!options.report.empty())
    return writeReport(options.report, model, rtnpu::costReportJson(cost, program.config));
  return 0;
}

/// Runs `simulator` on inputs whose leading dimension is k times the
/// program's: k runs on slices, outputs concatenated.
std::vector<rt::Tensor> runBatches(rtnpu::Simulator &simulator,
                                   const std::vector<rt::Tensor> &inputs) {
  std::vector<rt::Shape> shapes;
  for (const rtnpu::TensorDesc &desc : simulator.program().tensors)
    if (desc.inputIndex >= 0) {
      shapes.resize(std::max<size_t>(shapes.size(), desc.inputIndex + 1));
      shapes[desc.inputIndex] = desc.shape;
    }
  int64_t batches = rt::batchMultiple(inputs, shapes);
  if (batches <= 1)
    return simulator.run(inputs);
  std::vector<std::vector<rt::Tensor>> perBatch;
  for (int64_t b = 0; b < batches; ++b)
    perBatch.push_back(simulator.run(rt::batchSlice(inputs, shapes, b)));
  return rt::concatBatches(perBatch);
}

int runVnbCommand(const std::string &path, const RunCommandOptions &options, int threads) {
  try {
    rtnpu::Program program = rtnpu::readVnbFile(path);
    std::vector<rt::Tensor> inputs;
    for (const std::string &input : options.inputs)
      inputs.push_back(rt::readNpy(parseNamedPath(input).path));
    std::unique_ptr<rt::ThreadPool> pool;
    if (threads != 1)
      pool = std::make_unique<rt::ThreadPool>(threads);
    rtnpu::Simulator simulator(std::move(program), pool.get());
    std::vector<rt::Tensor> outputs = runBatches(simulator, inputs);
    if (options.outputs.size() > outputs.size())
      return fail(std::to_string(options.outputs.size()) +
                  " --output files given, the program "
                  "has " +
                  std::to_string(outputs.size()) + " outputs");
    for (size_t i = 0; i < options.outputs.size(); ++i)
      rt::writeNpy(parseNamedPath(options.outputs[i]).path, outputs[i]);
    std::cerr << rtnpu::costSummary(simulator.cost(), simulator.program().config);
    if (!options.report.empty()) {
      std::string error;
      if (!writeFileAtomically(options.report,
                               rtnpu::costReportJson(simulator.cost(), simulator.program().config),
                               error))
        return fail(error);
    }
  } catch (const std::exception &e) {
    return fail(e.what());
  }
  return 0;
}

int disasmCommand(const std::string &path) {
  try {
    std::cout << rtnpu::disassemble(rtnpu::readVnbFile(path));
  } catch (const std::exception &e) {
    return fail(e.what());
  }
  return 0;
}

} // namespace vitc::cli
