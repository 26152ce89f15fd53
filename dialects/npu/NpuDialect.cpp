//===- NpuDialect.cpp - Registration of the npu dialect -------------------===//
#include "dialects/npu/NpuDialect.h"
#include "dialects/npu/NpuOps.h"

using namespace mlir;
using namespace vitc::npu;

#include "dialects/npu/NpuDialect.cpp.inc"

void NpuDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/npu/NpuOps.cpp.inc"
      >();
}

#define GET_OP_CLASSES
#include "dialects/npu/NpuOps.cpp.inc"
