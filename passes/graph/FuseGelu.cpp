//===- FuseGelu.cpp - PLACEHOLDER: being written; does nothing yet -----------===//
#include "passes/Passes.h"

namespace vitc {
#define GEN_PASS_DEF_FUSEGELU
#include "passes/Passes.h.inc"
} // namespace vitc

namespace vitc {
namespace {
struct FuseGeluPass : impl::FuseGeluBase<FuseGeluPass> {
  void runOnOperation() override {}
};
} // namespace
} // namespace vitc
