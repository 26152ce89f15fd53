//===- Batches.cpp - Running a fixed-batch model on more samples ----------===//
#include "vitc/rt/Batches.h"

#include "vitc/rt/kernels/DataMovement.h"

namespace vitc::rt {

int64_t batchMultiple(const std::vector<Tensor> &inputs, const std::vector<Shape> &modelShapes) {
  if (inputs.size() != modelShapes.size())
    return 1;
  int64_t multiple = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Shape &shape = inputs[i].shape();
    const Shape &expected = modelShapes[i];
    if (shape.size() != expected.size() || shape.empty() || expected[0] <= 0 ||
        shape[0] % expected[0] != 0)
      return 1;
    for (size_t d = 1; d < shape.size(); ++d)
      if (expected[d] >= 0 && expected[d] != shape[d])
        return 1;
    int64_t k = shape[0] / expected[0];
    if (multiple != 0 && k != multiple)
      return 1;
    multiple = k;
  }
  return multiple == 0 ? 1 : multiple;
}

std::vector<Tensor> batchSlice(const std::vector<Tensor> &inputs,
                               const std::vector<Shape> &modelShapes, int64_t b) {
  std::vector<Tensor> slices;
  for (size_t i = 0; i < inputs.size(); ++i) {
    int64_t size = modelShapes[i][0];
    slices.push_back(slice(inputs[i], {b * size}, {(b + 1) * size}, {0}, {}));
  }
  return slices;
}

std::vector<Tensor> concatBatches(const std::vector<std::vector<Tensor>> &perBatch) {
  std::vector<Tensor> outputs;
  for (size_t o = 0; !perBatch.empty() && o < perBatch[0].size(); ++o) {
    std::vector<Tensor> parts;
    for (const std::vector<Tensor> &results : perBatch)
      parts.push_back(results.at(o));
    outputs.push_back(concat(parts, 0));
  }
  return outputs;
}

} // namespace vitc::rt
