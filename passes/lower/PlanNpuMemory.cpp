//===- PlanNpuMemory.cpp - Activation buffers in SRAM and DRAM ------------===//
//
// A buffer is an npu op's result or a function argument; an npu.view shares
// its input's buffer (so the buffer lives until the view's last reader).
// Lifetimes are [defining op, last reader] in block order; model inputs
// start before the first op and model outputs live to the end. Placement is
// greedy by decreasing size: each buffer takes the lowest 64-byte aligned
// offset that overlaps no placed buffer of the same region whose lifetime
// overlaps its own. SRAM first (capacity = SRAM bytes minus the largest
// tile scratch), DRAM when it does not fit; inputs and outputs always DRAM.
//
//===----------------------------------------------------------------------===//
#include "dialects/npu/NpuOps.h"
#include "passes/Passes.h"
#include "passes/lower/StorageBytes.h"

#include "vitc/rt/npu/Config.h"

#include "llvm/ADT/DenseMap.h"

#include <algorithm>

namespace vitc {
#define GEN_PASS_DEF_PLANNPUMEMORY
#include "passes/Passes.h.inc"
} // namespace vitc

using namespace mlir;

namespace vitc {
namespace {

constexpr int64_t kAlign = 64;

struct Buffer {
  Value value;
  int64_t bytes = 0, first = 0, last = 0;
  bool pinnedDram = false;
  bool sram = false;
  int64_t offset = 0;
};

int64_t byteSizeOf(Value value) {
  return value.getType().cast<ShapedType>().getNumElements() * lower::storageBytes(value);
}

bool isNpuOp(Operation *op) {
  return op && op->getDialect() && isa<npu::NpuDialect>(op->getDialect());
}

/// Lowest aligned offset for `b` among `placed` buffers (same region).
int64_t firstFit(const Buffer &b, const std::vector<const Buffer *> &placed) {
  std::vector<std::pair<int64_t, int64_t>> busy;
  for (const Buffer *p : placed)
    if (p->first <= b.last && b.first <= p->last)
      busy.emplace_back(p->offset, p->offset + p->bytes);
  std::sort(busy.begin(), busy.end());
  int64_t offset = 0;
  for (auto [begin, end] : busy) {
    if (offset + b.bytes <= begin)
      break;
    offset = std::max(offset, (end + kAlign - 1) / kAlign * kAlign);
  }
  return offset;
}

class PlanNpuMemoryPass : public impl::PlanNpuMemoryBase<PlanNpuMemoryPass> {
public:
  using PlanNpuMemoryBase::PlanNpuMemoryBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    rt::npu::NpuConfig npuConfig;
    try {
      npuConfig = rt::npu::loadNpuConfig(config);
    } catch (const std::exception &e) {
      func.emitError("npu-plan-memory: ") << e.what();
      return signalPassFailure();
    }
    Block &body = func.getBody().front();
    llvm::DenseMap<Value, size_t> bufferOf;
    std::vector<Buffer> buffers;
    auto rootOf = [&](Value v) {
      while (auto view = v.getDefiningOp<npu::ViewOp>())
        v = view.getInput();
      return v;
    };
    for (BlockArgument arg : body.getArguments()) {
      bufferOf[arg] = buffers.size();
      buffers.push_back({arg, byteSizeOf(arg), -1, -1, true});
    }
    int64_t index = 0, maxScratch = 0;
    for (Operation &op : body) {
      for (Value operand : op.getOperands()) {
        auto it = bufferOf.find(rootOf(operand));
        if (it != bufferOf.end())
          buffers[it->second].last = std::max(buffers[it->second].last, index);
      }
      if (auto scratch = op.getAttrOfType<IntegerAttr>("npu.scratch"))
        maxScratch = std::max(maxScratch, scratch.getInt());
      if (isNpuOp(&op) && !isa<npu::ViewOp>(op)) {
        bufferOf[op.getResult(0)] = buffers.size();
        buffers.push_back({op.getResult(0), byteSizeOf(op.getResult(0)), index, index, false});
      }
      ++index;
    }
    for (Value result : body.getTerminator()->getOperands()) {
      auto it = bufferOf.find(rootOf(result));
      if (it == bufferOf.end()) {
        func.emitError("npu-plan-memory: model output is not computed by the NPU (a constant?)");
        return signalPassFailure();
      }
      buffers[it->second].pinnedDram = true;
      buffers[it->second].last = index;
    }

    std::vector<size_t> order(buffers.size());
    for (size_t i = 0; i < order.size(); ++i)
      order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return buffers[a].bytes > buffers[b].bytes; });
    int64_t sramCapacity = std::max<int64_t>(0, npuConfig.sramBytes - maxScratch);
    std::vector<const Buffer *> inSram, inDram;
    int64_t sramEnd = 0, dramEnd = 0;
    for (size_t i : order) {
      Buffer &b = buffers[i];
      if (!b.pinnedDram) {
        b.offset = firstFit(b, inSram);
        if (b.offset + b.bytes <= sramCapacity) {
          b.sram = true;
          inSram.push_back(&b);
          sramEnd = std::max(sramEnd, b.offset + b.bytes);
          continue;
        }
      }
      b.offset = firstFit(b, inDram);
      inDram.push_back(&b);
      dramEnd = std::max(dramEnd, b.offset + b.bytes);
    }

    Builder builder(func.getContext());
    auto place = [&](Value value, const Buffer &b) {
      NamedAttrList attrs;
      StringAttr region = builder.getStringAttr(b.sram ? "sram" : "dram");
      IntegerAttr offset = builder.getI64IntegerAttr(b.offset);
      if (auto arg = value.dyn_cast<BlockArgument>()) {
        func.setArgAttr(arg.getArgNumber(), "npu.region", region);
        func.setArgAttr(arg.getArgNumber(), "npu.offset", offset);
        return;
      }
      value.getDefiningOp()->setAttr("npu.region", region);
      value.getDefiningOp()->setAttr("npu.offset", offset);
    };
    for (const Buffer &b : buffers)
      place(b.value, b);
    for (Operation &op : body)
      if (auto view = dyn_cast<npu::ViewOp>(op)) {
        auto it = bufferOf.find(rootOf(view.getOutput()));
        if (it != bufferOf.end())
          place(view.getOutput(), buffers[it->second]);
      }
    func->setAttr("npu.sram_bytes", builder.getI64IntegerAttr(sramEnd));
    func->setAttr("npu.dram_bytes", builder.getI64IntegerAttr(dramEnd));
  }
};

} // namespace
} // namespace vitc
