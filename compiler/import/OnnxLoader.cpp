//===- OnnxLoader.cpp -----------------------------------------------------===//
#include "compiler/import/OnnxLoader.h"

#include "onnx/checker.h"
#include "onnx/defs/schema.h"
#include "onnx/shape_inference/implementation.h"
#include "onnx/version_converter/convert.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

namespace vitc::import {

static llvm::Error makeError(const std::string &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

static llvm::Expected<std::string> readFile(const std::string &path, const std::string &what) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return makeError("cannot open " + what + " '" + path + "': " + std::strerror(errno));
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad())
    return makeError("cannot read " + what + " '" + path + "'");
  return bytes.str();
}

llvm::Expected<onnx::ModelProto> parseModelProto(const std::string &bytes,
                                                 const std::string &name) {
  onnx::ModelProto model;
  if (bytes.empty() || !model.ParseFromString(bytes) || !model.has_graph() ||
      model.opset_import_size() == 0)
    return makeError("'" + name +
                     "' is not a valid ONNX model (the protobuf does not parse: the file "
                     "is truncated, corrupted or not ONNX)");
  return model;
}

static std::string directoryOf(const std::string &path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

/// Moves tensors stored in external files (models > 2 GB, or saved with
/// save_as_external_data) into raw_data.
static llvm::Error inlineExternalData(onnx::GraphProto &graph, const std::string &modelDir) {
  for (onnx::TensorProto &tensor : *graph.mutable_initializer()) {
    if (tensor.data_location() != onnx::TensorProto::EXTERNAL)
      continue;
    std::string location;
    int64_t offset = 0, length = -1;
    for (const auto &entry : tensor.external_data()) {
      if (entry.key() == "location")
        location = entry.value();
      else if (entry.key() == "offset")
        offset = std::stoll(entry.value());
      else if (entry.key() == "length")
        length = std::stoll(entry.value());
    }
    if (location.empty() || location.find("..") != std::string::npos || location[0] == '/')
      return makeError("initializer '" + tensor.name() + "' has an invalid external location '" +
                       location + "'");
    llvm::Expected<std::string> data =
        readFile(modelDir + "/" + location, "external data of '" + tensor.name() + "'");
    if (!data)
      return data.takeError();
    if (offset < 0 || offset > static_cast<int64_t>(data->size()) ||
        (length >= 0 && offset + length > static_cast<int64_t>(data->size())))
      return makeError("external data of '" + tensor.name() + "' is shorter than its header says");
    tensor.set_raw_data(data->substr(offset, length < 0 ? std::string::npos : length));
    tensor.clear_external_data();
    tensor.set_data_location(onnx::TensorProto::DEFAULT);
  }
  return llvm::Error::success();
}

static int defaultOpset(const onnx::ModelProto &model) {
  for (const auto &opset : model.opset_import())
    if (opset.domain().empty() || opset.domain() == "ai.onnx")
      return static_cast<int>(opset.version());
  return 0;
}

/// Whether every default-domain op of `graph` (subgraphs included) has the
/// same schema at opset `from` as at `to`. Then the graph means the same at
/// `to` and only its opset number changes (ONNX's node tests declare the
/// opset in which their op last changed, e.g. 7 for And).
static bool opsUnchangedBetween(const onnx::GraphProto &graph, int from, int to) {
  for (const onnx::NodeProto &node : graph.node()) {
    if (!node.domain().empty() && node.domain() != "ai.onnx")
      continue;
    const onnx::OpSchema *before = onnx::OpSchemaRegistry::Schema(node.op_type(), from);
    const onnx::OpSchema *after = onnx::OpSchemaRegistry::Schema(node.op_type(), to);
    if (!before || before != after)
      return false;
    for (const onnx::AttributeProto &attr : node.attribute()) {
      if (attr.has_g() && !opsUnchangedBetween(attr.g(), from, to))
        return false;
      for (const onnx::GraphProto &subgraph : attr.graphs())
        if (!opsUnchangedBetween(subgraph, from, to))
          return false;
    }
  }
  return true;
}

static void setDefaultOpset(onnx::ModelProto &model, int opset) {
  for (auto &entry : *model.mutable_opset_import())
    if (entry.domain().empty() || entry.domain() == "ai.onnx")
      entry.set_version(opset);
}

static std::string dimsToString(const std::vector<int64_t> &dims) {
  std::string text = "[";
  for (size_t i = 0; i < dims.size(); ++i)
    text += (i ? "," : "") + (dims[i] < 0 ? std::string("?") : std::to_string(dims[i]));
  return text + "]";
}

/// Applies one shape spec to a graph input.
static llvm::Error applyShape(onnx::ValueInfoProto &input, const InputShapeSpec &spec) {
  const std::vector<int64_t> &dims = spec.dims;
  auto *shape = input.mutable_type()->mutable_tensor_type()->mutable_shape();
  if (shape->dim_size() != static_cast<int>(dims.size())) {
    if (spec.hint)
      return llvm::Error::success(); // The run reports the mismatch with the data.
    return makeError("input '" + input.name() + "' has rank " +
                     std::to_string(shape->dim_size()) + ", the given shape " +
                     dimsToString(dims) + " has rank " + std::to_string(dims.size()));
  }
  for (size_t i = 0; i < dims.size(); ++i) {
    auto *dim = shape->mutable_dim(static_cast<int>(i));
    if (dim->has_dim_value()) {
      if (!spec.hint && dim->dim_value() != dims[i])
        return makeError("input '" + input.name() + "' has static dim " + std::to_string(i) +
                         " = " + std::to_string(dim->dim_value()) + ", the given shape " +
                         dimsToString(dims) + " says " + std::to_string(dims[i]));
      continue;
    }
    if (dims[i] <= 0)
      return makeError("input shape " + dimsToString(dims) + " for '" + input.name() +
                       "' must be positive");
    dim->set_dim_value(dims[i]);
  }
  return llvm::Error::success();
}

/// Fixes every dynamic dim of the graph inputs: from the specs, else 1.
static llvm::Error specialiseInputs(onnx::ModelProto &model, const OnnxLoadOptions &options,
                                    std::vector<std::string> &notes) {
  onnx::GraphProto &graph = *model.mutable_graph();
  std::set<std::string> initializers;
  for (const auto &init : graph.initializer())
    initializers.insert(init.name());
  std::vector<onnx::ValueInfoProto *> inputs;
  for (onnx::ValueInfoProto &input : *graph.mutable_input())
    if (!initializers.count(input.name()))
      inputs.push_back(&input);

  for (const InputShapeSpec &spec : options.inputShapes) {
    onnx::ValueInfoProto *target = nullptr;
    if (!spec.name.empty()) {
      for (onnx::ValueInfoProto *input : inputs)
        if (input->name() == spec.name)
          target = input;
      if (!target)
        return makeError("no model input is named '" + spec.name + "'");
    } else if (spec.position >= 0) {
      if (spec.position >= static_cast<int>(inputs.size()) && spec.hint)
        continue; // The caller reports the input count.
      if (spec.position >= static_cast<int>(inputs.size()))
        return makeError("the model has " + std::to_string(inputs.size()) +
                         " inputs; input #" + std::to_string(spec.position + 1) + " was given");
      target = inputs[spec.position];
    } else {
      if (inputs.size() != 1)
        return makeError("a shape without an input name needs a model with one input; this "
                         "one has " + std::to_string(inputs.size()) + " (use NAME:SHAPE)");
      target = inputs[0];
    }
    if (!target->type().has_tensor_type())
      return makeError("input '" + target->name() + "' is not a tensor");
    if (llvm::Error error = applyShape(*target, spec))
      return error;
  }
  for (onnx::ValueInfoProto *input : inputs) {
    // Sequences, maps and optionals stay as they are: the importer rejects
    // them by name (mutable_tensor_type would silently turn them into tensors).
    if (!input->type().has_tensor_type())
      continue;
    auto *shape = input->mutable_type()->mutable_tensor_type()->mutable_shape();
    for (int i = 0; i < shape->dim_size(); ++i) {
      auto *dim = shape->mutable_dim(i);
      if (dim->has_dim_value())
        continue;
      std::string symbol = dim->has_dim_param() ? " ('" + dim->dim_param() + "')" : "";
      notes.push_back("input '" + input->name() + "' dim " + std::to_string(i) + symbol +
                      " is dynamic; using 1 (set it with --input-shape)");
      dim->set_dim_value(1);
    }
  }
  return llvm::Error::success();
}

llvm::Expected<LoadedOnnxModel> loadOnnxModel(const std::string &path,
                                              const OnnxLoadOptions &options) {
  llvm::Expected<std::string> bytes = readFile(path, "model");
  if (!bytes)
    return bytes.takeError();
  llvm::Expected<onnx::ModelProto> parsed = parseModelProto(*bytes, path);
  if (!parsed)
    return parsed.takeError();
  LoadedOnnxModel loaded;
  loaded.proto = std::move(*parsed);
  onnx::ModelProto &model = loaded.proto;
  if (llvm::Error error = inlineExternalData(*model.mutable_graph(), directoryOf(path)))
    return error;

  loaded.originalOpset = defaultOpset(model);
  bool unchanged = loaded.originalOpset > 0 && loaded.originalOpset <= options.targetOpset &&
                   opsUnchangedBetween(model.graph(), loaded.originalOpset, options.targetOpset);
  if (!unchanged && (loaded.originalOpset < kMinOpset || loaded.originalOpset > kMaxOpset))
    return makeError("'" + path + "' uses ONNX opset " + std::to_string(loaded.originalOpset) +
                     "; vitc accepts opsets " + std::to_string(kMinOpset) + " to " +
                     std::to_string(kMaxOpset) + " (re-export with opset_version in that range)");
  try {
    onnx::checker::check_model(model);
  } catch (const std::exception &e) {
    return makeError("'" + path + "' fails the ONNX checker: " + e.what());
  }
  if (unchanged) {
    setDefaultOpset(model, options.targetOpset);
  } else if (loaded.originalOpset != options.targetOpset) {
    try {
      model = onnx::version_conversion::ConvertVersion(model, options.targetOpset);
    } catch (const std::exception &e) {
      return makeError("cannot convert '" + path + "' from opset " +
                       std::to_string(loaded.originalOpset) + " to " +
                       std::to_string(options.targetOpset) + ": " + e.what());
    }
  }
  if (llvm::Error error = specialiseInputs(model, options, loaded.notes))
    return error;
  // Strict inference first; when it throws (an op from another domain, or a
  // real shape conflict), infer what can be inferred and keep the message for
  // the importer, which reports unsupported ops first.
  try {
    onnx::ShapeInferenceOptions strict(/*check_type=*/true, /*strict_mode=*/1,
                                       /*data_prop=*/true);
    onnx::ModelProto inferred = model;
    onnx::shape_inference::InferShapes(inferred, onnx::OpSchemaRegistry::Instance(), strict);
    model = std::move(inferred);
  } catch (const std::exception &e) {
    loaded.shapeInferenceError = e.what();
    try {
      onnx::ShapeInferenceOptions lenient(false, 0, true);
      onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(), lenient);
    } catch (const std::exception &) {
      // Already recorded; the importer reports what is missing.
    }
  }
  return loaded;
}

} // namespace vitc::import
