//===- main.cpp - Embedding vitc in an application ------------------------===//
//
// Loads an ONNX model through the public API, compiles it to the graph stage,
// runs it on a constant input and prints what came out.
//
//   embed MODEL.onnx [FILL_VALUE]
//
//===----------------------------------------------------------------------===//
#include "vitc/Compiler.h"

#include <cstdlib>
#include <iostream>

int main(int argc, char **argv) {
  if (argc < 2) {
    std::cerr << "usage: embed MODEL.onnx [FILL_VALUE]\n";
    return 2;
  }
  float fill = argc > 2 ? std::strtof(argv[2], nullptr) : 0.5f;

  vitc::Model model;
  if (vitc::Status status = vitc::Model::load(argv[1], {}, model); !status.ok()) {
    std::cerr << "load failed: " << status.message() << "\n";
    return 1;
  }
  if (vitc::Status status = model.runPipeline(vitc::Stage::Graph); !status.ok()) {
    std::cerr << "compile failed: " << status.message() << "\n";
    return 1;
  }
  std::vector<vitc::rt::Tensor> inputs;
  for (const vitc::TensorInfo &info : model.inputs()) {
    vitc::rt::Tensor input(info.dtype, info.shape);
    for (int64_t i = 0; i < input.numel(); ++i)
      input.data<float>()[i] = fill;
    inputs.push_back(input);
  }
  std::vector<vitc::rt::Tensor> outputs;
  if (vitc::Status status = model.run(inputs, outputs); !status.ok()) {
    std::cerr << "run failed: " << status.message() << "\n";
    return 1;
  }
  for (size_t i = 0; i < outputs.size(); ++i) {
    const vitc::rt::Tensor &out = outputs[i];
    std::cout << model.outputs()[i].name << " " << vitc::rt::shapeToString(out.shape());
    for (int64_t j = 0; j < out.numel() && j < 8; ++j)
      std::cout << " " << out.at(j);
    std::cout << "\n";
  }
  return 0;
}
