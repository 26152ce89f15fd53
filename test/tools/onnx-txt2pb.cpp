//===- onnx-txt2pb.cpp - ONNX text format -> binary model (test tool) -----===//
//
// Lets lit tests keep small ONNX models as readable text (ONNX's own textual
// syntax; '#' starts a comment, so RUN/CHECK lines can live in the file).
//
//   onnx-txt2pb model.onnxtxt -o model.onnx
//
//===----------------------------------------------------------------------===//
#include "onnx/defs/parser.h"

#include <fstream>
#include <iostream>
#include <sstream>

int main(int argc, char **argv) {
  if (argc != 4 || std::string(argv[2]) != "-o") {
    std::cerr << "usage: onnx-txt2pb INPUT.onnxtxt -o OUTPUT.onnx\n";
    return 2;
  }
  std::ifstream in(argv[1]);
  if (!in) {
    std::cerr << "onnx-txt2pb: cannot open " << argv[1] << "\n";
    return 1;
  }
  std::stringstream text;
  text << in.rdbuf();
  const std::string source = text.str();
  onnx::ModelProto model;
  onnx::OnnxParser parser(source.c_str());
  onnx::Common::Status status = parser.Parse(model);
  if (!status.IsOK()) {
    std::cerr << "onnx-txt2pb: " << argv[1] << ": " << status.ErrorMessage() << "\n";
    return 1;
  }
  std::ofstream out(argv[3], std::ios::binary);
  if (!out || !model.SerializeToOstream(&out)) {
    std::cerr << "onnx-txt2pb: cannot write " << argv[3] << "\n";
    return 1;
  }
  return 0;
}
