//===- FoldBatchNorm.cpp - PLACEHOLDER: being written; does nothing yet -----------===//
#include "passes/Passes.h"

namespace vitc {
#define GEN_PASS_DEF_FOLDBATCHNORM
#include "passes/Passes.h.inc"
} // namespace vitc

namespace vitc {
namespace {
struct FoldBatchNormPass : impl::FoldBatchNormBase<FoldBatchNormPass> {
  void runOnOperation() override {}
};
} // namespace
} // namespace vitc
