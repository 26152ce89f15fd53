//===- Batches.h - Running a fixed-batch model on more samples ----*- C++ -*-===//
//
// A model (or NPU program) built for batch n runs inputs whose leading
// dimension is k * n as k model-sized slices; the outputs are concatenated
// along dim 0. The interpreter (vitc::Model::run) and `vitc run M.vnb` share it.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_RT_BATCHES_H
#define VITC_RT_BATCHES_H

#include "vitc/rt/Tensor.h"

#include <vector>

namespace vitc::rt {

/// k when every input has its model shape except a leading dim k times the
/// model's (model dims < 0 match anything), the same k for all; else 1.
int64_t batchMultiple(const std::vector<Tensor> &inputs, const std::vector<Shape> &modelShapes);
/// Slice b (of batchMultiple's k) of every input: rows [b n, (b + 1) n) of dim 0.
std::vector<Tensor> batchSlice(const std::vector<Tensor> &inputs,
                               const std::vector<Shape> &modelShapes, int64_t b);
/// Output o of the result is the concatenation along dim 0 of output o of
/// every batch's results.
std::vector<Tensor> concatBatches(const std::vector<std::vector<Tensor>> &perBatch);

} // namespace vitc::rt

#endif // VITC_RT_BATCHES_H
