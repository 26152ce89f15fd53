//===- vitc.cpp - The vitc command-line tool ------------------------------===//
//
//   vitc MODEL.onnx [--emit mlir] [--stop-after import|graph|quant] [-o FILE]
//   vitc run MODEL.onnx --input X.npy --output Y.npy
//   vitc MODEL.onnx --target npu --wbits 8 [--npu-config mid] -o M.vnb [--report R.json]
//   vitc eval MODEL.onnx --data X.npy --labels Y.npy --calib C.npy
//   vitc run M.vnb --input X.npy --output Y.npy      (the NPU simulator)
//   vitc disasm M.vnb
//
// A thin layer over vitc/Compiler.h: it parses flags, reads and writes
// files, and prints; every error is one line on stderr and exit code 1.
//
//===----------------------------------------------------------------------===//
#include "CliSupport.h"
#include "Commands.h"

#include <iostream>
#include <sstream>

using namespace vitc;
using namespace vitc::cli;

int cli::compileCommand(const ModelOptions &common, const CompileOptions &options) {
  Model model;
  if (int code = prepareModel(common, {}, model))
    return code;
  if (options.target == "npu")
    return compileNpuCommand(model, options);
  if (!options.target.empty())
    return fail("unknown --target '" + options.target + "' (supported: npu)");
  if (!options.report.empty())
    if (int code = writeReport(options.report, model, ""))
      return code;
  if (options.emit.empty())
    return 0;
  std::ostringstream text;
  if (options.emit == "onnx") {
    std::string bytes;
    if (Status status = model.exportOnnx(bytes); !status.ok())
      return fail(status.message());
    if (options.output.empty() || options.output == "-")
      return fail("--emit onnx writes a binary file: give -o FILE.onnx");
    text << bytes;
  } else if (options.emit != "mlir") {
    return fail("unknown --emit kind '" + options.emit + "' (supported: mlir, onnx)");
  } else if (Status status = model.printMlir(text); !status.ok()) {
    return fail(status.message());
  }
  if (options.output.empty() || options.output == "-") {
    std::cout << text.str();
    return 0;
  }
  std::string error;
  if (!writeFileAtomically(options.output, text.str(), error))
    return fail(error);
  return 0;
}

int main(int argc, char **argv) {
  CLI::App app{"vitc: compiles ONNX Vision Transformers for embedded NPUs"};
  app.set_version_flag("--version", std::string("vitc ") + vitc::version());
  app.require_subcommand(0, 1);
  bool listOps = false;
  app.add_flag("--list-ops", listOps, "List the supported ONNX ops and exit");

  // The compile command is the default (no subcommand): vitc MODEL.onnx ...
  ModelOptions compileModel;
  CompileOptions compile;
  addModelOptions(app, compileModel);
  app.get_option("model")->required(false);
  app.add_option("--emit", compile.emit,
                 "What to write: mlir, or onnx (QDQ ONNX when quantised; needs -o)");
  app.add_option("-o,--output", compile.output, "Output file ('-' or absent: stdout)");
  app.add_option("--report", compile.report,
                 "Write a JSON report (quantisation decisions; NPU cycles with --target npu)");
  app.add_option("--target", compile.target, "Compile for: npu (a .vnb command stream, -o)");
  app.add_option("--npu-config", compile.npuConfig,
                 "NPU config: small | mid | large or a JSON file (docs/npu-configs.md)")
      ->capture_default_str();
  app.add_flag("--no-luts", compile.noLuts,
               "Keep elementwise ops on the PPU instead of exact INT8 lookup tables");

  CLI::App *run = app.add_subcommand(
      "run", "Run a model on the interpreter (MODEL.onnx) or the NPU simulator (MODEL.vnb)");
  ModelOptions runModel;
  RunCommandOptions runOptions;
  addModelOptions(*run, runModel);
  run->add_option("--input", runOptions.inputs, "Input .npy, [NAME=]PATH (repeatable)");
  run->add_option("--output", runOptions.outputs, "Output .npy, [NAME=]PATH (repeatable)");
  run->add_option("--repeat", runOptions.repeat, "Timed runs (the median is printed)");
  run->add_option("--warmup", runOptions.warmup, "Untimed runs before the timed ones");
  run->add_option("--report", runOptions.report, "MODEL.vnb: write the NPU cost report (JSON)");

  CLI::App *disasm = app.add_subcommand("disasm", "Print a .vnb command stream readably");
  std::string disasmPath;
  disasm->add_option("file", disasmPath, "The .vnb file")->required();

  CLI::App *eval = app.add_subcommand(
      "eval", "Compare the quantised model with fp32 on a data set (top-1 or PSNR)");
  ModelOptions evalModel;
  EvalOptions evalOptions;
  addModelOptions(*eval, evalModel);
  eval->add_option("--data", evalOptions.data, "Samples .npy [N, ...] (float32)")->required();
  eval->add_option("--labels", evalOptions.labels,
                   "Class indices [N] (top1) or reference images (psnr)");
  eval->add_option("--metric", evalOptions.metric, "top1 | psnr")->capture_default_str();
  eval->add_flag("--json", evalOptions.json, "Print the results as JSON");
  eval->add_option("--report", evalOptions.report,
                   "Write per-layer bits, scales, SQNR and KL as JSON");
  eval->add_option("--layer-samples", evalOptions.layerSamples,
                   "Samples used for the per-layer SQNR/KL of --report")
      ->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    return app.exit(e);
  }
  if (listOps) {
    for (const std::string &op : supportedOnnxOps())
      std::cout << op << "\n";
    return 0;
  }
  if (*disasm)
    return disasmCommand(disasmPath);
  if (*run && runModel.model.size() > 4 &&
      runModel.model.compare(runModel.model.size() - 4, 4, ".vnb") == 0)
    return runVnbCommand(runModel.model, runOptions, runModel.threads);
  if (*run)
    return runCommand(runModel, runOptions);
  if (*eval)
    return evalCommand(evalModel, evalOptions);
  if (compileModel.model.empty())
    return fail("no model given (vitc MODEL.onnx ..., vitc run MODEL.onnx ..., vitc eval "
                "MODEL.onnx ...; see --help)");
  return compileCommand(compileModel, compile);
}
