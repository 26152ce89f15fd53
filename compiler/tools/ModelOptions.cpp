//===- ModelOptions.cpp ---------------------------------------------------===//
#include "ModelOptions.h"
#include "CliSupport.h"

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <map>

namespace vitc::cli {

int fail(const std::string &message) {
  std::cerr << "vitc: error: " << message << "\n";
  return 1;
}

void addModelOptions(CLI::App &app, ModelOptions &o) {
  app.add_option("model", o.model, "ONNX model file")->required();
  app.add_option("--input-shape", o.inputShapes,
                 "Fix an input's shape, [NAME:]D1xD2x... (repeatable); dynamic dims default to 1");
  app.add_option("--stop-after", o.stopAfter,
                 "Last pipeline stage: import|graph|quant (default: quant with --wbits, else graph)");
  app.add_flag("--print-op-stats", o.printOpStats,
               "Print op counts as imported and after the pipeline");
  app.add_flag("-v,--verbose", o.verbose, "Progress output even when stderr is not a terminal");
  app.add_option("--threads", o.threads, "Worker threads (0: all cores)");
  app.add_option("--wbits", o.wbits, "Quantise: weight bits (8)");
  app.add_option("--abits", o.abits, "Activation bits: 8, 16 or auto (mixed INT8/INT16)")
      ->capture_default_str();
  app.add_option("--calib", o.calib,
                 "Calibration data: .npy [N,...], folder of .pb tensors, or folder of images");
  app.add_option("--calib-method", o.calibMethod, "minmax|percentile|entropy|mse")
      ->capture_default_str();
  app.add_option("--percentile", o.percentile, "For --calib-method percentile")
      ->capture_default_str();
  app.add_option("--a16-budget", o.a16Budget,
                 "--abits auto: most activation bytes in INT16 (fraction)")
      ->capture_default_str();
  app.add_option("--resize", o.resize, "Image calibration: shorter side before the centre crop");
  app.add_option("--mean", o.mean, "Image calibration: per-channel mean on [0,1] pixels");
  app.add_option("--std", o.std, "Image calibration: per-channel std");
}

using OpCounts = std::vector<std::pair<std::string, int64_t>>;

/// Op counts as imported and after the pipeline, most frequent first.
static void printOpStats(const OpCounts &imported, const Model &model, std::ostream &os) {
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

static int quantizeModel(const ModelOptions &o, Model &model) {
  QuantizeOptions q;
  q.weightBits = o.wbits;
  q.activationBits = o.abits;
  q.calibMethod = o.calibMethod;
  q.percentile = o.percentile;
  q.int16Budget = o.a16Budget;
  q.threads = o.threads;
  if (!o.calib.empty()) {
    std::vector<TensorInfo> inputs = model.inputs();
    if (inputs.size() != 1)
      return fail("--calib needs a model with one input; this one has " +
                  std::to_string(inputs.size()));
    CalibrationSource source{o.calib, o.resize, o.mean, o.std};
    if (Status status = loadCalibrationData(source, inputs[0], q.calibration); !status.ok())
      return fail(status.message());
  }
  ProgressBar progress(o.verbose);
  q.progress = [&](const std::string &phase, int64_t done, int64_t total) {
    progress.update(phase, done, total);
  };
  Status status = model.quantize(q);
  progress.finish();
  if (!status.ok())
    return fail(status.message());
  if (model.quantizationReport().syntheticCalibration)
    std::cerr << "vitc: warning: no --calib given: calibrated on 32 synthetic standard-normal "
                 "inputs; pass --calib DATA (.npy, image folder or .pb folder) for real accuracy\n";
  return 0;
}

int prepareModel(const ModelOptions &o, std::vector<InputShape> hints, Model &model) {
  for (const std::string &spec : o.inputShapes) {
    InputShape shape;
    std::string error;
    if (!parseShapeSpec(spec, shape, error))
      return fail(error);
    hints.push_back(shape);
  }
  std::string stageText = o.stopAfter.empty() ? (o.wbits ? "quant" : "graph") : o.stopAfter;
  Stage stage;
  if (!parseStage(stageText, stage))
    return fail("unknown stage '" + stageText + "' for --stop-after (import|graph|quant)");
  if (stage == Stage::Quant && !o.wbits)
    return fail("--stop-after quant needs --wbits");
  LoadOptions load;
  load.inputShapes = std::move(hints);
  if (Status status = Model::load(o.model, load, model); !status.ok())
    return fail(status.message());
  for (const std::string &note : model.notes())
    std::cerr << "vitc: note: " << note << "\n";
  OpCounts imported = model.opCounts();
  if (Status status = model.runPipeline(std::min(stage, Stage::Graph)); !status.ok())
    return fail(status.message());
  if (stage == Stage::Quant)
    if (int code = quantizeModel(o, model))
      return code;
  if (o.printOpStats)
    printOpStats(imported, model, std::cerr);
  return 0;
}

} // namespace vitc::cli
