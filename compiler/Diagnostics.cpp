//===- Diagnostics.cpp ----------------------------------------------------===//
#include "compiler/Diagnostics.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/Support/raw_ostream.h"

namespace vitc {

std::string locationText(mlir::Location loc) {
  if (auto name = loc.dyn_cast<mlir::NameLoc>())
    return "node '" + name.getName().str() + "'";
  if (auto file = loc.dyn_cast<mlir::FileLineColLoc>()) {
    if (file.getLine() == 0)
      return file.getFilename().str();
    return file.getFilename().str() + ":" + std::to_string(file.getLine()) + ":" +
           std::to_string(file.getColumn());
  }
  std::string text;
  llvm::raw_string_ostream os(text);
  os << loc;
  return os.str();
}

DiagnosticCollector::DiagnosticCollector(mlir::MLIRContext *context)
    : handler_(context, [this](mlir::Diagnostic &diag) {
        text_ += locationText(diag.getLocation()) + ": " + diag.str() + "\n";
        for (const mlir::Diagnostic &note : diag.getNotes())
          text_ += "  note: " + note.str() + "\n";
        return mlir::success();
      }) {}

} // namespace vitc
