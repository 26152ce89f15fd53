//===- QDense.h - Shared parts of qlinear and qconv ----------------*- C++ -*-===//
//
// Private to runtime/kernels. The contents of a QPackedWeights and the
// argument checks that qlinear (QLinear.cpp) and qconv (QConv.cpp) share.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_RT_KERNELS_QDENSE_H
#define VITC_RT_KERNELS_QDENSE_H

#include "QGemm.h"

#include <memory>
#include <vector>

namespace vitc::rt::detail {

/// Linear weights [N, K] become the GEMM's right operand (panels with column
/// sums); convolution weights [M, C/g, k...] its left operand (rows of the
/// kernels' element type, padded to whole words, with row sums), except
/// depthwise ones, which the direct kernel reads as given.
struct QPackedWeightsData {
  Shape shape;
  DType activation = DType::I8;
  int64_t group = 1;
  QGemmIsa isa = QGemmIsa::Portable;
  qgemm::Kind kind = qgemm::Kind::Words;
  int64_t outputs = 0; ///< N or M
  int64_t depth = 0;   ///< K per group
  bool asRows = false;
  bool depthwise = false;
  std::shared_ptr<void> storage; ///< panels, padded rows or a copy of the weights
  int64_t rowStride = 0;         ///< asRows: elements from one row to the next
  std::vector<int64_t> sums;     ///< column sums (panels) or row sums (rows)
};

/// Checks what qlinear and qconv share -- x against params.input (I8 or
/// I16, the dtype the weights were packed for), params.output, one requant
/// or one per output channel, a bias absent or I32 [outputs] -- and returns
/// the bias data (or null).
const int32_t *checkDenseCall(const char *op, const Tensor &x, const QPackedWeightsData &weights,
                              const std::optional<Tensor> &bias, const QDenseParams &params);

} // namespace vitc::rt::detail

#endif // VITC_RT_KERNELS_QDENSE_H
