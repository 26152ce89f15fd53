//===- OnnxNodes.h - Translation of single ONNX nodes -------------*- C++ -*-===//
//
// Private to the importer: the table of supported ONNX op types and the
// context a node translation works in.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_COMPILER_IMPORT_ONNXNODES_H
#define VITC_COMPILER_IMPORT_ONNXNODES_H

#include "onnx/onnx_pb.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/Support/Error.h"

#include <functional>
#include <string>
#include <vector>

namespace vitc::import {

/// What a node translation needs from the graph importer.
class NodeContext {
public:
  virtual ~NodeContext() = default;
  virtual mlir::OpBuilder &builder() = 0;
  virtual const onnx::NodeProto &node() const = 0;
  virtual mlir::Location location() const = 0;
  /// Operand for node input i; a null Value when absent ("" or past the end).
  virtual mlir::Value input(int i) = 0;
  /// The inferred type of node output i.
  virtual llvm::Expected<mlir::Type> resultType(int i) = 0;
  /// Whether node output i feeds another node or the graph outputs.
  virtual bool isOutputUsed(int i) const = 0;
  /// Binds node output i to `value`.
  virtual void setResult(int i, mlir::Value value) = 0;
  /// An elements attribute for a TensorProto (dense or dense_resource).
  virtual llvm::Expected<mlir::ElementsAttr> elementsAttr(const onnx::TensorProto &tensor) = 0;
  /// MLIR element type for an ONNX TensorProto::DataType.
  virtual llvm::Expected<mlir::Type> elementType(int onnxType) = 0;
};

using NodeTranslator = std::function<llvm::Error(NodeContext &)>;

/// The translator for an ONNX op type of the default domain; null when the
/// op type is not supported.
const NodeTranslator *findNodeTranslator(const std::string &opType);

/// All supported op types, sorted (for `vitc --list-ops` and the docs).
std::vector<std::string> supportedOnnxOps();

} // namespace vitc::import

#endif // VITC_COMPILER_IMPORT_ONNXNODES_H
