//===- Report.cpp - --report R.json ---------------------------------------===//
//
// The quantisation report: calibration, then one entry per activation tensor
// with its precision, parameters, calibrated range and (after `vitc eval`)
// its SQNR and KL against the fp32 model.
//
//===----------------------------------------------------------------------===//
#include "CliSupport.h"
#include "Commands.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace vitc::cli {

/// NaN and infinities are not JSON numbers: write null.
static nlohmann::json number(double value) {
  return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

int writeReport(const std::string &path, const Model &model, const std::string &extraJson) {
  const QuantizationReport &q = model.quantizationReport();
  nlohmann::json top = extraJson.empty() ? nlohmann::json::object()
                                         : nlohmann::json::parse(extraJson);
  nlohmann::json quantization = nlohmann::json::object();
  nlohmann::json &report = extraJson.empty() ? top : quantization;
  report["stage"] = stageName(model.stage());
  if (model.stage() == Stage::Quant) {
    report["calibration"] = {{"method", q.method},
                             {"samples", q.calibrationSamples},
                             {"synthetic", q.syntheticCalibration}};
    int64_t count16 = 0, elements = 0, elements16 = 0;
    nlohmann::json layers = nlohmann::json::array();
    for (const QuantizedTensor &t : q.tensors) {
      layers.push_back({{"name", t.name},
                        {"op", t.op},
                        {"bits", t.bits},
                        {"scale", t.scale},
                        {"zero_point", t.zeroPoint},
                        {"range", {t.min, t.max}},
                        {"sqnr_db", number(t.sqnrDb)},
                        {"kl", number(t.kl)},
                        {"int8_sqnr_db", number(t.int8SqnrDb)},
                        {"int8_kl", number(t.int8Kl)}});
      elements += t.elements;
      if (t.bits == 16) {
        ++count16;
        elements16 += t.elements;
      }
    }
    report["activations"] = {
        {"tensors", q.tensors.size()},
        {"int16_tensors", count16},
        {"int16_fraction", elements ? static_cast<double>(elements16) / elements : 0.0}};
    report["layers"] = layers;
  }
  if (!extraJson.empty())
    top["quantization"] = quantization;
  std::string error;
  if (!writeFileAtomically(path, top.dump(2) + "\n", error))
    return fail(error);
  return 0;
}

} // namespace vitc::cli
