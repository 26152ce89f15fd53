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
};
/// "import" / "graph"; false if the name is unknown.
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

struct RunOptions {
  int threads = 0; ///< 0: all hardware threads
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

  /// Prints the module as MLIR text.
  Status printMlir(std::ostream &os) const;

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
