//===- FuseLinear.cpp - PLACEHOLDER: being written; does nothing yet -----------===//
#include "passes/Passes.h"

namespace vitc {
#define GEN_PASS_DEF_FUSELINEAR
#include "passes/Passes.h.inc"
} // namespace vitc

namespace vitc {
namespace {
struct FuseLinearPass : impl::FuseLinearBase<FuseLinearPass> {
  void runOnOperation() override {}
};
} // namespace
} // namespace vitc
