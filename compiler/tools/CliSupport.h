//===- CliSupport.h - Argument parsing helpers of the vitc tool ---*- C++ -*-===//
#ifndef VITC_COMPILER_TOOLS_CLISUPPORT_H
#define VITC_COMPILER_TOOLS_CLISUPPORT_H

#include "vitc/Compiler.h"

#include <string>

namespace vitc::cli {

/// "NAME:1x3x224x224" or "1x3x224x224" -> InputShape; false with `error` set
/// when malformed.
bool parseShapeSpec(const std::string &text, InputShape &shape, std::string &error);

/// "NAME=PATH" or "PATH".
struct NamedPath {
  std::string name;
  std::string path;
};
NamedPath parseNamedPath(const std::string &text);

/// Writes `content` to `path` through a temporary file and a rename, so a
/// failure never leaves a partial file. False with `error` set on failure.
bool writeFileAtomically(const std::string &path, const std::string &content, std::string &error);

/// Whether stderr is a terminal (progress output is only shown there).
bool stderrIsTerminal();

/// A one-line progress bar on stderr, redrawn in place; silent unless stderr
/// is a terminal or `force` (--verbose), so CI logs stay clean.
class ProgressBar {
public:
  explicit ProgressBar(bool force) : enabled_(force || stderrIsTerminal()) {}
  ~ProgressBar() { finish(); }
  void update(const std::string &phase, int64_t done, int64_t total);
  /// Ends the line if anything was drawn.
  void finish();

private:
  bool enabled_;
  bool drawn_ = false;
  std::string phase_;
  int lastPercent_ = -1;
};

} // namespace vitc::cli

#endif // VITC_COMPILER_TOOLS_CLISUPPORT_H
