//===- Compiler.h - vitc's public C++ API -------------------------*- C++ -*-===//
//
// Load an ONNX model, run the compiler pipeline up to a stage, emit the IR,
// and run the model on the built-in interpreter. The `vitc` tool is a thin
// layer over this header; SDKs embed it through find_package(vitc).
//
//   vitc::Model model;
//   if (vitc::Status s = vitc::Model::load("deit.onnx", {}, model); !s.ok())
//     std::cerr << s.message() << "\n";
//   std::vector<vitc::rt::Tensor> outputs;
//   model.run({image}, outputs);
//
// No MLIR, LLVM or protobuf type appears here.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_COMPILER_H
#define VITC_COMPILER_H

#include "vitc/rt/Tensor.h"
#include "vitc/rt/npu/Program.h"

#include <functional>
#include <limits>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace vitc {

/// Success, or an error with a message meant for the user.
class Status {
public:
  static Status success() { return Status(); }
  static Status error(std::string message) { return Status(std::move(message), false); }
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const std::string &message() const { return message_; }

private:
  Status() = default;
  Status(std::string message, bool ok) : message_(std::move(message)), ok_(ok) {}
  std::string message_;
  bool ok_ = true;
};

/// Where the compiler pipeline stops. Later stages (compression, lowering)
/// extend this list.
enum class Stage {
  Import, ///< The vit dialect exactly as imported from ONNX.
  Graph,  ///< After the graph optimisation passes.
  Quant,  ///< After calibration and quantisation (Model::quantize).
};
/// "import" / "graph" / "quant"; false if the name is unknown.
bool parseStage(const std::string &name, Stage &stage);
/// The name parseStage accepts for `stage`.
const char *stageName(Stage stage);

/// A shape for one model input, chosen by name, else by position, else "the
/// only input". A hint (e.g. the shape of the data about to be run) only
/// fills dims the model leaves dynamic; otherwise every static dim must agree.
struct InputShape {
  std::string name;
  int position = -1;
  std::vector<int64_t> dims;
  bool hint = false;
};

struct LoadOptions {
  /// Dims the model leaves dynamic and no entry fixes are set to 1 (and
  /// reported in Model::notes()).
  std::vector<InputShape> inputShapes;
  /// ONNX opset (11..17) every model is converted to before import. Models
  /// declaring opsets 11..17 are accepted, an older one when none of its ops
  /// changed since the opset it declares.
  int targetOpset = 17;
};

struct TensorInfo {
  std::string name;
  rt::DType dtype = rt::DType::F32;
  std::vector<int64_t> shape; ///< -1 marks a dynamic dimension
};

/// Post-training quantisation (docs/quantization.md).
struct QuantizeOptions {
  int weightBits = 8;                  ///< per-channel symmetric INT8 weights
  std::string activationBits = "8";    ///< "8", "16" or "auto" (mixed INT8/INT16)
  std::string calibMethod = "entropy"; ///< minmax | percentile | entropy | mse
  double percentile = 99.99;           ///< for calibMethod "percentile"
  double int16Budget = 0.1;            ///< "auto": most activation bytes in INT16
  int64_t sensitivitySamples = 8;      ///< "auto": calibration samples used to rank tensors
  /// Calibration samples for the model's input, [N, ...input dims without
  /// batch] or [N * batch, ...]. Empty: a synthetic set of 32 standard-normal
  /// samples (seed 0) is used and reported as such.
  rt::Tensor calibration;
  int threads = 0;
  /// Called as calibration proceeds: phase name, samples done, total.
  std::function<void(const std::string &, int64_t, int64_t)> progress;
};

/// Where calibration data comes from (`--calib`): an .npy of preprocessed
/// samples [N, ...], a folder of ONNX TensorProto .pb files (one sample each,
/// as in ONNX test data), or a folder of PNG/JPEG images, resized to the
/// model input and normalised with `mean`/`std` (per channel, on [0, 1]
/// pixels; empty: ImageNet's for 3 channels, 0.5/0.5 for 1).
struct CalibrationSource {
  std::string path;
  int64_t resize = -1; ///< images: shorter side to this, then centre crop
  std::vector<float> mean;
  std::vector<float> std;
};

/// Loads `source` for a model input of shape `input` ([batch, ...]) into
/// `samples` [N, ...]; checks shape and dtype with a clear message.
Status loadCalibrationData(const CalibrationSource &source, const TensorInfo &input,
                           rt::Tensor &samples);

/// What quantisation decided, per activation tensor (for reports).
struct QuantizedTensor {
  std::string name;       ///< the producing ONNX node (or "input:NAME")
  std::string op;         ///< e.g. "vit.linear"
  int64_t elements = 0;   ///< per inference
  int bits = 8;
  float min = 0, max = 0; ///< calibrated clipping range
  float scale = 1;
  int32_t zeroPoint = 0;
  double int8SqnrDb = 0;  ///< "auto" only: consumer SQNR with this tensor alone in INT8
  double int8Kl = 0;      ///< "auto" only: KL of the consumer output histograms
  /// Measured by Model::measureLayerErrors: this tensor in the quantised model
  /// against the fp32 model, over the data given (NaN until measured).
  double sqnrDb = std::numeric_limits<double>::quiet_NaN();
  double kl = std::numeric_limits<double>::quiet_NaN();
};
struct QuantizationReport {
  bool syntheticCalibration = false;
  int64_t calibrationSamples = 0;
  std::string method;
  std::vector<QuantizedTensor> tensors;
};

/// Options of Model::compileNpu.
struct NpuOptions {
  std::string config = "mid"; ///< NPU preset name or JSON file (docs/npu-configs.md)
  bool luts = true;           ///< exact lookup tables for elementwise ops on INT8
};

struct RunOptions {
  int threads = 0; ///< 0: all hardware threads
  /// After quantize(): run the fp32 graph-stage model it started from.
  bool floatReference = false;
};

class Model {
public:
  Model();
  ~Model();
  Model(Model &&) noexcept;
  Model &operator=(Model &&) noexcept;

  /// Imports an ONNX file: parse, check, convert the opset, fix input shapes,
  /// infer shapes, translate to the vit dialect and verify it.
  static Status load(const std::string &path, const LoadOptions &options, Model &model);

  /// Runs the compiler pipeline from the current stage up to `stopAfter`.
  Status runPipeline(Stage stopAfter);
  Stage stage() const;

  /// Calibrates on `options.calibration` with the fp32 interpreter and
  /// quantises the model (graph stage first if needed); the stage becomes
  /// Stage::Quant. Non-fatal remarks (synthetic calibration) go to notes().
  Status quantize(const QuantizeOptions &options);
  const QuantizationReport &quantizationReport() const;
  /// Runs the quantised and the fp32 model on `inputs` (one entry per run,
  /// each the model's inputs) and records every activation's SQNR and KL in
  /// the quantisation report.
  Status measureLayerErrors(const std::vector<std::vector<rt::Tensor>> &inputs,
                            const RunOptions &options = {});

  /// Prints the module as MLIR text.
  Status printMlir(std::ostream &os) const;
  /// Serialises the model as ONNX (opset 21): at the quant stage in QDQ form
  /// (QuantizeLinear/DequantizeLinear around every quantised tensor,
  /// per-axis INT8 weights), else the optimised fp32 graph.
  Status exportOnnx(std::string &bytes) const;

  /// Lowers the quantised model to an NPU program (npu-lower, npu-tile,
  /// npu-plan-memory, codegen); the model itself is unchanged. Write it with
  /// rt::npu::writeVnbFile, run it with rt::npu::Simulator. `loweredMlir`, if
  /// given, receives the npu-dialect module.
  Status compileNpu(const NpuOptions &options, rt::npu::Program &program,
                    std::ostream *loweredMlir = nullptr) const;

  std::vector<TensorInfo> inputs() const;
  std::vector<TensorInfo> outputs() const;
  /// Non-fatal remarks from loading (e.g. dynamic dims set to 1).
  const std::vector<std::string> &notes() const;

  /// Runs the model on the interpreter. Inputs are in the order of inputs().
  /// An input whose leading dimension is k times the model's static batch
  /// runs as k batches and the outputs are concatenated.
  Status run(const std::vector<rt::Tensor> &inputs, std::vector<rt::Tensor> &outputs,
             const RunOptions &options = {});

  /// Histogram of op names in the current module ("vit.add" -> 12).
  std::vector<std::pair<std::string, int64_t>> opCounts() const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The ONNX op types (default domain) the importer accepts, sorted.
std::vector<std::string> supportedOnnxOps();

/// The library's version, "major.minor.patch".
const char *version();

} // namespace vitc

#endif // VITC_COMPILER_H
