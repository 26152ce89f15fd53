//===- EvalCommand.cpp - vitc eval ----------------------------------------===//
//
// Runs the quantised model and the fp32 model it came from on a data set and
// compares them: top-1 against labels and agreement (classification), or
// PSNR (image-to-image: against the fp32 output and, with labels, against
// reference images). Per-layer SQNR/KL go to --report.
//
//===----------------------------------------------------------------------===//
#include "CliSupport.h"
#include "Commands.h"

#include "vitc/calib/Metrics.h"
#include "vitc/rt/Npy.h"
#include "vitc/rt/kernels/DataMovement.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <iomanip>
#include <iostream>

namespace vitc::cli {
namespace {

/// Index of the largest of `n` floats (the first on ties).
int64_t argmax(const float *x, int64_t n) {
  int64_t best = 0;
  for (int64_t i = 1; i < n; ++i)
    if (x[i] > x[best])
      best = i;
  return best;
}

/// max - min of a tensor (the PSNR peak).
double dynamicRange(const rt::Tensor &t) {
  const float *x = t.data<float>();
  auto [lo, hi] = std::minmax_element(x, x + t.numel());
  return static_cast<double>(*hi) - *lo;
}

} // namespace

int evalCommand(const ModelOptions &common, const EvalOptions &options) {
  if (options.metric != "top1" && options.metric != "psnr")
    return fail("--metric must be top1 or psnr");
  rt::Tensor data, labels;
  try {
    data = rt::readNpy(options.data);
    if (!options.labels.empty())
      labels = rt::readNpy(options.labels);
  } catch (const std::exception &e) {
    return fail(e.what());
  }
  if (data.dtype() != rt::DType::F32 || data.rank() < 1 || data.dim(0) == 0)
    return fail("'" + options.data + "' must hold float32 samples [N, ...]");
  const int64_t count = data.dim(0);
  if (options.metric == "top1" && !labels.valid())
    return fail("--metric top1 needs --labels (class indices [N])");
  if (labels.valid() && (labels.rank() < 1 || labels.dim(0) != count))
    return fail("'" + options.labels + "' holds " + rt::shapeToString(labels.shape()) +
                "; it needs one label per sample (" + std::to_string(count) + ")");

  ModelOptions quantized = common;
  if (!quantized.wbits)
    quantized.wbits = 8;
  // One sample per run: fix dynamic dims from a single sample.
  InputShape hint;
  hint.dims = data.shape();
  hint.dims[0] = 1;
  hint.hint = true;
  Model model;
  if (int code = prepareModel(quantized, {hint}, model))
    return code;
  if (model.stage() != Stage::Quant)
    return fail("vitc eval compares the quantised model with fp32; do not stop before quant");

  // Runs take the model's batch (1 unless the export fixed it).
  const int64_t batch = std::max<int64_t>(1, model.inputs()[0].shape[0]);
  if (count % batch != 0)
    return fail("the model's batch is " + std::to_string(batch) + "; '" + options.data +
                "' holds " + std::to_string(count) + " samples, not a multiple of it");
  auto slice = [&](int64_t i) {
    return std::vector<rt::Tensor>{rt::slice(data, {i}, {i + batch}, {0}, {})};
  };

  RunOptions quant, fp32;
  quant.threads = fp32.threads = common.threads;
  fp32.floatReference = true;
  std::vector<rt::Tensor> quantOut, fp32Out;
  ProgressBar progress(common.verbose);
  auto start = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < count; i += batch) {
    std::vector<rt::Tensor> sample = slice(i), q, f;
    if (Status status = model.run(sample, q, quant); !status.ok())
      return fail("sample " + std::to_string(i) + ": " + status.message());
    if (Status status = model.run(sample, f, fp32); !status.ok())
      return fail("sample " + std::to_string(i) + ": " + status.message());
    quantOut.push_back(q[0]);
    fp32Out.push_back(f[0]);
    progress.update("evaluating", i + batch, count);
  }
  progress.finish();
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  rt::Tensor q = rt::concat(quantOut, 0), f = rt::concat(fp32Out, 0);

  nlohmann::json result = {{"samples", count}, {"seconds", seconds}};
  if (options.metric == "top1") {
    int64_t classes = q.numel() / count, fp32Right = 0, quantRight = 0, agree = 0;
    for (int64_t i = 0; i < count; ++i) {
      int64_t a = argmax(f.data<float>() + i * classes, classes);
      int64_t b = argmax(q.data<float>() + i * classes, classes);
      int64_t label = labels.intAt(i);
      fp32Right += a == label;
      quantRight += b == label;
      agree += a == b;
    }
    result["fp32_top1"] = 100.0 * fp32Right / count;
    result["quant_top1"] = 100.0 * quantRight / count;
    result["agreement"] = 100.0 * agree / count;
  } else {
    result["psnr_vs_fp32"] = calib::psnrDb(f.data<float>(), q.data<float>(), f.numel(),
                                           dynamicRange(f));
    if (labels.valid()) {
      if (labels.dtype() != rt::DType::F32 || labels.numel() != f.numel())
        return fail("'" + options.labels + "' must hold float32 images shaped like the outputs (" +
                    rt::shapeToString(f.shape()) + ")");
      double peak = dynamicRange(labels);
      result["fp32_psnr"] = calib::psnrDb(labels.data<float>(), f.data<float>(), f.numel(), peak);
      result["quant_psnr"] = calib::psnrDb(labels.data<float>(), q.data<float>(), f.numel(), peak);
    }
  }

  if (!options.report.empty()) {
    std::vector<std::vector<rt::Tensor>> subset;
    for (int64_t i = 0; i < std::min(count, options.layerSamples); i += batch)
      subset.push_back(slice(i));
    if (Status status = model.measureLayerErrors(subset, quant); !status.ok())
      return fail(status.message());
    if (int code = writeReport(options.report, model, nlohmann::json({{"eval", result}}).dump()))
      return code;
  }
  if (options.json) {
    std::cout << result.dump(2) << "\n";
    return 0;
  }
  std::cout << std::fixed << std::setprecision(2);
  for (auto &[key, value] : result.items()) {
    std::cout << std::left << std::setw(14) << key << " ";
    if (value.is_number_float())
      std::cout << value.get<double>() << "\n";
    else
      std::cout << value << "\n";
  }
  return 0;
}

} // namespace vitc::cli
