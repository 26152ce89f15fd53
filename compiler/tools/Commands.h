//===- Commands.h - The vitc subcommands ----------------------------*- C++ -*-===//
#ifndef VITC_COMPILER_TOOLS_COMMANDS_H
#define VITC_COMPILER_TOOLS_COMMANDS_H

#include "ModelOptions.h"

namespace vitc::cli {

struct CompileOptions {
  std::string emit;   ///< "mlir" or empty
  std::string output; ///< -o
  std::string report; ///< --report R.json
  std::string target; ///< "npu" or empty (stop at the requested stage)
  std::string npuConfig = "mid";
  bool noLuts = false;
};
/// vitc MODEL.onnx [--emit mlir] [-o FILE] [--report R.json] [quantisation flags]
int compileCommand(const ModelOptions &model, const CompileOptions &options);

struct RunCommandOptions {
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  std::string report; ///< .vnb only: the simulator's cost report
  int repeat = 1;
  int warmup = 0;
};
/// vitc run MODEL.onnx --input X.npy [--output Y.npy] [quantisation flags]
int runCommand(const ModelOptions &model, const RunCommandOptions &options);

struct EvalOptions {
  std::string data;
  std::string labels;
  std::string metric = "top1"; ///< top1 | psnr
  bool json = false;
  std::string report;
  int64_t layerSamples = 16;   ///< samples used for the per-layer SQNR/KL of --report
};
/// vitc eval MODEL.onnx --data X.npy [--labels Y.npy] [quantisation flags]
int evalCommand(const ModelOptions &model, const EvalOptions &options);

/// vitc MODEL.onnx --target npu --wbits 8 -o M.vnb [--report R.json] [--emit mlir]
int compileNpuCommand(const Model &model, const CompileOptions &options);
/// vitc run M.vnb --input X.npy --output Y.npy [--report R.json]
int runVnbCommand(const std::string &path, const RunCommandOptions &options, int threads);
/// vitc disasm M.vnb
int disasmCommand(const std::string &path);

/// Writes the quantisation report as JSON. With `extraJson` (an object, e.g.
/// the NPU cost report) its fields are the top level and the quantisation
/// report moves under "quantization".
int writeReport(const std::string &path, const Model &model, const std::string &extraJson);

} // namespace vitc::cli

#endif // VITC_COMPILER_TOOLS_COMMANDS_H
