//===- ModelOptions.h - Flags shared by the vitc commands ----------*- C++ -*-===//
//
// Loading (input shapes, stage) and quantisation flags (--wbits, --calib,
// ...) mean the same in `vitc`, `vitc run` and `vitc eval`; they are declared
// and applied here once.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_COMPILER_TOOLS_MODELOPTIONS_H
#define VITC_COMPILER_TOOLS_MODELOPTIONS_H

#include "vitc/Compiler.h"

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace vitc::cli {

/// Prints "vitc: error: MESSAGE" and returns exit code 1.
int fail(const std::string &message);

struct ModelOptions {
  std::string model;
  std::vector<std::string> inputShapes;
  std::string stopAfter; ///< empty: "quant" with --wbits, else "graph"
  bool printOpStats = false;
  bool verbose = false;
  int threads = 0;
  // Quantisation (docs/quantization.md).
  int wbits = 0; ///< 0: fp32
  std::string abits = "8";
  std::string calib;
  std::string calibMethod = "entropy";
  double percentile = 99.99;
  double a16Budget = 0.1;
  int64_t resize = -1;
  std::vector<float> mean, std;
};

/// Declares the flags on `app` (the model positional included).
void addModelOptions(CLI::App &app, ModelOptions &options);

/// Loads the model, runs the pipeline to the requested stage (calibrating and
/// quantising for --wbits), prints notes and, with --print-op-stats, the op
/// counts. `hints` are input shapes taken from data. Returns 0 or an exit code.
int prepareModel(const ModelOptions &options, std::vector<InputShape> hints, Model &model);

} // namespace vitc::cli

#endif // VITC_COMPILER_TOOLS_MODELOPTIONS_H
