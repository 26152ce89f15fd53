//===- Compiler.cpp - The public C++ API ----------------------------------===//
#include "vitc/Compiler.h"
#include "compiler/export/OnnxExport.h"
#include "compiler/ModelImpl.h"

#include "compiler/Pipeline.h"
#include "compiler/import/OnnxImporter.h"
#include "compiler/import/OnnxLoader.h"
#include "compiler/import/OnnxNodes.h"
#include "compiler/interpreter/Interpreter.h"
#include "compiler/interpreter/Kernels.h"

#include "vitc/rt/Batches.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/raw_os_ostream.h"

#include <map>

namespace vitc {

bool parseStage(const std::string &name, Stage &stage) {
  if (name == "import")
    stage = Stage::Import;
  else if (name == "graph")
    stage = Stage::Graph;
  else if (name == "quant")
    stage = Stage::Quant;
  else
    return false;
  return true;
}

const char *stageName(Stage stage) {
  switch (stage) {
  case Stage::Import: return "import";
  case Stage::Graph: return "graph";
  case Stage::Quant: return "quant";
  }
  return "?";
}

const char *version() { return "0.1.0"; }

std::vector<std::string> supportedOnnxOps() { return import::supportedOnnxOps(); }

rt::ThreadPool *Model::Impl::poolFor(int threads) {
  if (!pool || poolThreads != threads) {
    pool = std::make_unique<rt::ThreadPool>(threads);
    poolThreads = threads;
    interpreter.reset(); // Their kernels hold the old pool.
    referenceInterpreter.reset();
  }
  return pool.get();
}

Model::Model() : impl_(std::make_unique<Impl>()) {}
Model::~Model() = default;
Model::Model(Model &&) noexcept = default;
Model &Model::operator=(Model &&) noexcept = default;

Status Model::load(const std::string &path, const LoadOptions &options, Model &model) {
  import::OnnxLoadOptions loadOptions;
  loadOptions.targetOpset = options.targetOpset;
  for (const InputShape &shape : options.inputShapes)
    loadOptions.inputShapes.push_back({shape.name, shape.position, shape.dims, shape.hint});
  llvm::Expected<import::LoadedOnnxModel> loaded = import::loadOnnxModel(path, loadOptions);
  if (!loaded)
    return Status::error(llvm::toString(loaded.takeError()));

  auto impl = std::make_unique<Impl>();
  mlir::DialectRegistry registry;
  registerVitcDialects(registry);
  impl->context = std::make_unique<mlir::MLIRContext>(registry);
  impl->context->disableMultithreading();
  impl->context->loadAllAvailableDialects();
  auto module = import::importOnnxModel(*impl->context, *loaded, path);
  if (!module)
    return Status::error(llvm::toString(module.takeError()));
  impl->module = std::move(*module);
  impl->notes = loaded->notes;
  model.impl_ = std::move(impl);
  return Status::success();
}

Status Model::runPipeline(Stage stopAfter) {
  if (!impl_->module)
    return Status::error("no model is loaded");
  if (stopAfter <= impl_->stage)
    return Status::success();
  if (stopAfter == Stage::Quant)
    return Status::error("the quant stage needs calibration: call Model::quantize");
  if (llvm::Error error = vitc::runPipeline(*impl_->module, impl_->stage, stopAfter))
    return Status::error(llvm::toString(std::move(error)));
  impl_->stage = stopAfter;
  impl_->interpreter.reset();
  return Status::success();
}

Stage Model::stage() const { return impl_->stage; }

Status Model::exportOnnx(std::string &bytes) const {
  if (!impl_->module)
    return Status::error("no model is loaded");
  std::vector<std::string> inputNames, outputNames;
  for (const TensorInfo &info : inputs())
    inputNames.push_back(info.name);
  for (const TensorInfo &info : outputs())
    outputNames.push_back(info.name);
  llvm::Expected<std::string> exported =
      exporter::exportOnnx(impl_->mainFunc(), inputNames, outputNames);
  if (!exported)
    return Status::error(llvm::toString(exported.takeError()));
  bytes = std::move(*exported);
  return Status::success();
}

Status Model::printMlir(std::ostream &os) const {
  if (!impl_->module)
    return Status::error("no model is loaded");
  llvm::raw_os_ostream out(os);
  impl_->module->print(out);
  return Status::success();
}

static std::vector<TensorInfo> describe(mlir::func::FuncOp func, bool results) {
  std::vector<TensorInfo> infos;
  mlir::ArrayRef<mlir::Type> types =
      results ? func.getFunctionType().getResults() : func.getFunctionType().getInputs();
  for (unsigned i = 0; i < types.size(); ++i) {
    TensorInfo info;
    auto name = results ? func.getResultAttrOfType<mlir::StringAttr>(i, "vit.name")
                        : func.getArgAttrOfType<mlir::StringAttr>(i, "vit.name");
    info.name = name ? name.str() : (results ? "output" : "input") + std::to_string(i);
    auto type = types[i].cast<mlir::ShapedType>();
    info.dtype = interp::dtypeOf(type.getElementType()).value_or(rt::DType::F32);
    for (int64_t d : type.getShape())
      info.shape.push_back(mlir::ShapedType::isDynamic(d) ? -1 : d);
    infos.push_back(std::move(info));
  }
  return infos;
}

std::vector<TensorInfo> Model::inputs() const {
  return impl_->module ? describe(impl_->mainFunc(), false) : std::vector<TensorInfo>();
}
std::vector<TensorInfo> Model::outputs() const {
  return impl_->module ? describe(impl_->mainFunc(), true) : std::vector<TensorInfo>();
}
const std::vector<std::string> &Model::notes() const { return impl_->notes; }

Status Model::Impl::runOnce(const std::vector<rt::Tensor> &inputs,
                            std::vector<rt::Tensor> &outputs, bool reference) {
  std::unique_ptr<interp::Interpreter> &engine = reference ? referenceInterpreter : interpreter;
  if (!engine) {
    mlir::func::FuncOp func =
        reference ? mlir::ModuleOp(fp32Module.get()).lookupSymbol<mlir::func::FuncOp>("main")
                  : mainFunc();
    auto created = interp::Interpreter::create(func, pool.get());
    if (!created)
      return Status::error(llvm::toString(created.takeError()));
    engine = std::move(*created);
  }
  auto result = engine->run(inputs);
  if (!result)
    return Status::error(llvm::toString(result.takeError()));
  outputs = std::move(*result);
  return Status::success();
}

/// How many model-sized batches `inputs` hold: k when every input's leading
/// dim is k times the model's static one (and the rest agree), else 1.
Status Model::run(const std::vector<rt::Tensor> &inputs, std::vector<rt::Tensor> &outputs,
                  const RunOptions &options) {
  if (!impl_->module)
    return Status::error("no model is loaded");
  if (options.floatReference && !impl_->fp32Module)
    return Status::error("the fp32 reference exists only after Model::quantize");
  impl_->poolFor(options.threads);
  std::vector<TensorInfo> infos = this->inputs();
  if (inputs.size() != infos.size())
    return Status::error("the model takes " + std::to_string(infos.size()) + " inputs, got " +
                         std::to_string(inputs.size()));
  std::vector<rt::Shape> shapes;
  for (const TensorInfo &info : infos)
    shapes.push_back(info.shape);
  int64_t batches = rt::batchMultiple(inputs, shapes);
  if (batches <= 1)
    return impl_->runOnce(inputs, outputs, options.floatReference);

  // Run each model-sized slice, then concatenate the outputs along dim 0.
  try {
    std::vector<std::vector<rt::Tensor>> perBatch;
    for (int64_t b = 0; b < batches; ++b) {
      std::vector<rt::Tensor> results;
      if (Status status =
              impl_->runOnce(rt::batchSlice(inputs, shapes, b), results, options.floatReference);
          !status.ok())
        return Status::error("batch " + std::to_string(b) + ": " + status.message());
      perBatch.push_back(std::move(results));
    }
    outputs = rt::concatBatches(perBatch);
  } catch (const std::exception &e) {
    return Status::error(std::string("cannot batch the inputs: ") + e.what());
  }
  return Status::success();
}

std::vector<std::pair<std::string, int64_t>> Model::opCounts() const {
  std::map<std::string, int64_t> counts;
  if (impl_->module)
    impl_->mainFunc().walk([&](mlir::Operation *op) {
      if (!mlir::isa<mlir::func::FuncOp, mlir::func::ReturnOp>(op))
        ++counts[op->getName().getStringRef().str()];
    });
  return {counts.begin(), counts.end()};
}

} // namespace vitc
