//===- FoldTransposes.cpp - PLACEHOLDER: being written; does nothing yet -----------===//
#include "passes/Passes.h"

namespace vitc {
#define GEN_PASS_DEF_FOLDTRANSPOSES
#include "passes/Passes.h.inc"
} // namespace vitc

namespace vitc {
namespace {
struct FoldTransposesPass : impl::FoldTransposesBase<FoldTransposesPass> {
  void runOnOperation() override {}
};
} // namespace
} // namespace vitc
