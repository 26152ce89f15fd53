//===- FoldAffine.cpp - PLACEHOLDER: being written; does nothing yet -----------===//
#include "passes/Passes.h"

namespace vitc {
#define GEN_PASS_DEF_FOLDAFFINE
#include "passes/Passes.h.inc"
} // namespace vitc

namespace vitc {
namespace {
struct FoldAffinePass : impl::FoldAffineBase<FoldAffinePass> {
  void runOnOperation() override {}
};
} // namespace
} // namespace vitc
