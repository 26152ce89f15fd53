//===- FuseLayerNorm.cpp - PLACEHOLDER: being written; does nothing yet -----------===//
#include "passes/Passes.h"

namespace vitc {
#define GEN_PASS_DEF_FUSELAYERNORM
#include "passes/Passes.h.inc"
} // namespace vitc

namespace vitc {
namespace {
struct FuseLayerNormPass : impl::FuseLayerNormBase<FuseLayerNormPass> {
  void runOnOperation() override {}
};
} // namespace
} // namespace vitc
