//===- Commands.h - The vitc subcommands ----------------------------*- C++ -*-===//
#ifndef VITC_COMPILER_TOOLS_COMMANDS_H
#define VITC_COMPILER_TOOLS_COMMANDS_H

#include "ModelOptions.h"

namespace vitc::cli {

struct CompileOptions {
  std::string emit;   ///< "mlir" or empty
  std::string output; ///< -o
  std::string report; ///< --report R.json
};
/// vitc MODEL.onnx [--emit mlir] [-o FILE] [--report R.json] [quantisation flags]
int compileCommand(const ModelOptions &model, const CompileOptions &options);

struct RunCommandOptions {
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
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

/// Writes the quantisation report (and `extra` top-level fields) as JSON.
int writeReport(const std::string &path, const Model &model, const std::string &extraJson);

} // namespace vitc::cli

#endif // VITC_COMPILER_TOOLS_COMMANDS_H
