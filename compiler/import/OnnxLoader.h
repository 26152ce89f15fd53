//===- OnnxLoader.h - Read, check and normalise an ONNX model -----*- C++ -*-===//
//
// Everything that happens to the ModelProto before translation to MLIR:
// parse (with external data), the ONNX checker, opset conversion to the
// target opset, specialisation of dynamic input dims, shape inference with
// data propagation. Errors name the file and say what to do.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_COMPILER_IMPORT_ONNXLOADER_H
#define VITC_COMPILER_IMPORT_ONNXLOADER_H

#include "onnx/onnx_pb.h"
#include "llvm/Support/Error.h"

#include <string>
#include <utility>
#include <vector>

namespace vitc::import {

/// A shape for one graph input, chosen by name, else by position, else
/// "the only input". A hint only fills dims the model leaves dynamic (shapes
/// taken from input data); a non-hint must agree with every static dim.
struct InputShapeSpec {
  std::string name;
  int position = -1;
  std::vector<int64_t> dims;
  bool hint = false;
};

struct OnnxLoadOptions {
  std::vector<InputShapeSpec> inputShapes;
  int targetOpset = 17;
};

struct LoadedOnnxModel {
  onnx::ModelProto proto;
  int originalOpset = 0;
  std::vector<std::string> notes; ///< remarks for the user (not errors)
  /// Set when strict ONNX shape inference failed; the importer reports it if
  /// a value is left without a type.
  std::string shapeInferenceError;
};

/// Lowest and highest default-domain opset the loader converts from. A model
/// declaring another opset is still accepted when none of its ops changed
/// between that opset and the target one.
constexpr int kMinOpset = 11;
constexpr int kMaxOpset = 17;

llvm::Expected<LoadedOnnxModel> loadOnnxModel(const std::string &path,
                                              const OnnxLoadOptions &options);

/// Parses a serialized ModelProto from memory (no checks); `name` appears in
/// error messages.
llvm::Expected<onnx::ModelProto> parseModelProto(const std::string &bytes, const std::string &name);

} // namespace vitc::import

#endif // VITC_COMPILER_IMPORT_ONNXLOADER_H
