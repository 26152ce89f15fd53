//===- Diagnostics.h - User-facing text for MLIR locations and errors -*- C++ -*-===//
#ifndef VITC_COMPILER_DIAGNOSTICS_H
#define VITC_COMPILER_DIAGNOSTICS_H

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"

#include <string>

namespace vitc {

/// "node 'blocks.0/attn/MatMul'" for ops imported from ONNX nodes, the file
/// name for whole-model locations, MLIR's own text otherwise.
std::string locationText(mlir::Location loc);

/// Collects the diagnostics emitted in its scope as "where: message" lines
/// (instead of printing them), for returning as one error.
class DiagnosticCollector {
public:
  explicit DiagnosticCollector(mlir::MLIRContext *context);
  const std::string &text() const { return text_; }

private:
  std::string text_;
  mlir::ScopedDiagnosticHandler handler_;
};

} // namespace vitc

#endif // VITC_COMPILER_DIAGNOSTICS_H
