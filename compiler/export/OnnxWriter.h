//===- OnnxWriter.h - Building an ONNX graph from vit values --------*- C++ -*-===//
//
// Private to compiler/export: the state of one export -- the GraphProto
// being filled, the ONNX name of every vit value (always a float tensor
// once quantised values have been dequantised, or an index tensor), fresh
// names, initializers, and the QuantizeLinear/DequantizeLinear pairs.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_COMPILER_EXPORT_ONNXWRITER_H
#define VITC_COMPILER_EXPORT_ONNXWRITER_H

#include "vitc/rt/Tensor.h"

#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/IR/Operation.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/Error.h"

#include "onnx/onnx_pb.h"

#include <string>
#include <vector>

namespace vitc::exporter {

class OnnxWriter {
public:
  explicit OnnxWriter(onnx::GraphProto &graph) : graph_(graph) {}

  /// A new tensor name starting with `hint`.
  std::string fresh(const std::string &hint);
  /// The ONNX name standing for `value` (set by bind).
  const std::string &nameOf(mlir::Value value) const;
  bool bound(mlir::Value value) const { return names_.count(value) != 0; }
  void bind(mlir::Value value, std::string name) { names_[value] = std::move(name); }

  /// Appends a node and returns it (for attributes).
  onnx::NodeProto &node(const std::string &type, const std::vector<std::string> &inputs,
                        const std::vector<std::string> &outputs);
  /// One-output node with a fresh output name; returns the name.
  std::string apply(const std::string &type, const std::vector<std::string> &inputs,
                    const std::string &hint);
  std::string initializer(const rt::Tensor &tensor, const std::string &hint);
  std::string int64s(const std::vector<int64_t> &values, const std::string &hint);
  std::string scalar(float value, const std::string &hint);

  /// Q -> DQ of the float tensor `name` with per-tensor parameters; returns
  /// the dequantised name.
  std::string fakeQuantize(const std::string &name, mlir::quant::UniformQuantizedType type);
  /// DequantizeLinear of integer storage `storage` (an initializer) with the
  /// per-tensor or per-axis parameters of `type`.
  std::string dequantize(const std::string &storage, mlir::quant::QuantizedType type);

private:
  onnx::GraphProto &graph_;
  llvm::DenseMap<mlir::Value, std::string> names_;
  int64_t counter_ = 0;
};

/// Attributes of `op` (all but the vit.* annotations) as ONNX attributes.
void copyAttributes(mlir::Operation *op, onnx::NodeProto &node);
/// ONNX element type of a builtin element type (storage type if quantised).
int onnxElementType(mlir::Type type);

} // namespace vitc::exporter

#endif // VITC_COMPILER_EXPORT_ONNXWRITER_H
