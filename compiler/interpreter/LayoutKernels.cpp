//===- LayoutKernels.cpp - Interpreter kernels of layout and shape ops ----===//
#include "compiler/interpreter/Kernels.h"
#include "dialects/vit/VitOps.h"

#include "vitc/rt/kernels/DataMovement.h"

#include <algorithm>

using namespace mlir;

namespace vitc::interp {
namespace {

std::vector<int64_t> toVector(std::optional<ArrayRef<int64_t>> values) {
  return values ? std::vector<int64_t>(values->begin(), values->end()) : std::vector<int64_t>();
}

int64_t normalizedAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    throw rt::Error("axis " + std::to_string(axis) + " out of range for rank " +
                    std::to_string(rank));
  return axis < 0 ? axis + rank : axis;
}

rt::Tensor squeeze(const rt::Tensor &x, const std::vector<int64_t> &axes, bool allOnes) {
  std::vector<bool> drop(x.rank(), false);
  if (allOnes) {
    for (int64_t i = 0; i < x.rank(); ++i)
      drop[i] = x.shape()[i] == 1;
  }
  for (int64_t axis : axes) {
    int64_t a = normalizedAxis(axis, x.rank());
    if (x.shape()[a] != 1)
      throw rt::Error("cannot squeeze dim " + std::to_string(axis) + " of size " +
                      std::to_string(x.shape()[a]));
    drop[a] = true;
  }
  rt::Shape shape;
  for (int64_t i = 0; i < x.rank(); ++i)
    if (!drop[i])
      shape.push_back(x.shape()[i]);
  return x.reshaped(shape);
}

rt::Tensor unsqueeze(const rt::Tensor &x, const std::vector<int64_t> &axes) {
  int64_t rank = x.rank() + static_cast<int64_t>(axes.size());
  std::vector<bool> inserted(rank, false);
  for (int64_t axis : axes) {
    int64_t a = normalizedAxis(axis, rank);
    if (inserted[a])
      throw rt::Error("unsqueeze axis " + std::to_string(axis) + " repeated");
    inserted[a] = true;
  }
  rt::Shape shape;
  for (int64_t i = 0, next = 0; i < rank; ++i)
    shape.push_back(inserted[i] ? 1 : x.shape()[next++]);
  return x.reshaped(shape);
}

rt::Tensor flatten(const rt::Tensor &x, int64_t axis) {
  if (axis < 0)
    axis += x.rank();
  if (axis < 0 || axis > x.rank())
    throw rt::Error("flatten axis out of range");
  int64_t outer = 1;
  for (int64_t i = 0; i < axis; ++i)
    outer *= x.shape()[i];
  return x.reshaped({outer, outer == 0 ? 0 : x.numel() / std::max<int64_t>(outer, 1)});
}

rt::Tensor shapeOf(const rt::Tensor &x, std::optional<int64_t> start, std::optional<int64_t> end) {
  int64_t rank = x.rank();
  auto clampIndex = [rank](int64_t i) {
    if (i < 0)
      i += rank;
    return std::clamp<int64_t>(i, 0, rank);
  };
  int64_t b = clampIndex(start.value_or(0)), e = clampIndex(end.value_or(rank));
  std::vector<int64_t> dims;
  for (int64_t i = b; i < e; ++i)
    dims.push_back(x.shape()[i]);
  return rt::Tensor::fromVector<int64_t>({static_cast<int64_t>(dims.size())}, dims);
}

} // namespace

void addLayoutKernels(KernelRegistry &r) {
  r.add<vit::TransposeOp>([](vit::TransposeOp op, BuildContext &ctx) -> llvm::Expected<KernelFn> {
    std::vector<int64_t> perm = toVector(op.getPerm());
    rt::ThreadPool *pool = ctx.pool();
    return single([=](KernelInputs in) { return rt::transpose(*in[0], perm, pool); });
  });
  r.add<vit::ReshapeOp>([](vit::ReshapeOp op, BuildContext &) -> llvm::Expected<KernelFn> {
    bool allowZero = op.getAllowzero() != 0;
    return single([=](KernelInputs in) {
      return in[0]->reshaped(rt::resolveReshape(in[0]->shape(), in[1]->toInt64Vector(), allowZero));
    });
  });
  r.add<vit::FlattenOp>([](vit::FlattenOp op, BuildContext &) -> llvm::Expected<KernelFn> {
    int64_t axis = static_cast<int64_t>(op.getAxis());
    return single([=](KernelInputs in) { return flatten(*in[0], axis); });
  });
  r.add<vit::SqueezeOp>([](vit::SqueezeOp op, BuildContext &) -> llvm::Expected<KernelFn> {
    bool hasAxes = static_cast<bool>(op.getAxes());
    return single([=](KernelInputs in) {
      return hasAxes ? squeeze(*in[0], in[1]->toInt64Vector(), false) : squeeze(*in[0], {}, true);
    });
  });
  r.add<vit::UnsqueezeOp>([](vit::UnsqueezeOp, BuildContext &) -> llvm::Expected<KernelFn> {
    return single([](KernelInputs in) { return unsqueeze(*in[0], in[1]->toInt64Vector()); });
  });
  r.add<vit::ConcatOp>([](vit::ConcatOp op, BuildContext &) -> llvm::Expected<KernelFn> {
    int64_t axis = static_cast<int64_t>(op.getAxis());
    return single([=](KernelInputs in) {
      std::vector<rt::Tensor> inputs;
      for (const rt::Tensor *t : in)
        inputs.push_back(*t);
      return rt::concat(inputs, axis);
    });
  });
  r.add<vit::SliceOp>([](vit::SliceOp op, BuildContext &) -> llvm::Expected<KernelFn> {
    bool hasAxes = static_cast<bool>(op.getAxes()), hasSteps = static_cast<bool>(op.getSteps());
    return single([=](KernelInputs in) {
      size_t next = 3;
      std::vector<int64_t> axes, steps;
      if (hasAxes)
        axes = in[next++]->toInt64Vector();
      if (hasSteps)
        steps = in[next++]->toInt64Vector();
      return rt::slice(*in[0], in[1]->toInt64Vector(), in[2]->toInt64Vector(), axes, steps);
    });
  });
  r.add<vit::SplitOp>([](vit::SplitOp op, BuildContext &) -> llvm::Expected<KernelFn> {
    int64_t axis = static_cast<int64_t>(op.getAxis());
    int64_t numOutputs = static_cast<int64_t>(op.getNumResults());
    bool hasSizes = static_cast<bool>(op.getSplit());
    return KernelFn([=](KernelInputs in) {
      std::vector<int64_t> sizes = hasSizes ? in[1]->toInt64Vector() : std::vector<int64_t>();
      return rt::split(*in[0], axis, sizes, numOutputs);
    });
  });
  r.add<vit::GatherOp>([](vit::GatherOp op, BuildContext &) -> llvm::Expected<KernelFn> {
    int64_t axis = static_cast<int64_t>(op.getAxis());
    return single([=](KernelInputs in) { return rt::gather(*in[0], *in[1], axis); });
  });
  r.add<vit::GatherElementsOp>(
      [](vit::GatherElementsOp op, BuildContext &) -> llvm::Expected<KernelFn> {
        int64_t axis = static_cast<int64_t>(op.getAxis());
        return single([=](KernelInputs in) { return rt::gatherElements(*in[0], *in[1], axis); });
      });
  r.add<vit::ExpandOp>([](vit::ExpandOp, BuildContext &) -> llvm::Expected<KernelFn> {
    return single([](KernelInputs in) { return rt::expand(*in[0], in[1]->toInt64Vector()); });
  });
  r.add<vit::TileOp>([](vit::TileOp, BuildContext &) -> llvm::Expected<KernelFn> {
    return single([](KernelInputs in) { return rt::tile(*in[0], in[1]->toInt64Vector()); });
  });
  r.add<vit::PadOp>([](vit::PadOp op, BuildContext &) -> llvm::Expected<KernelFn> {
    rt::PadMode mode;
    try {
      mode = rt::parsePadMode(op.getMode().str());
    } catch (const std::exception &e) {
      return kernelError(op, e.what());
    }
    bool hasValue = static_cast<bool>(op.getConstantValue());
    return single([=](KernelInputs in) {
      std::optional<rt::Tensor> value;
      if (hasValue)
        value = *in[2];
      return rt::pad(*in[0], in[1]->toInt64Vector(), mode, value);
    });
  });
  r.add<vit::DepthToSpaceOp>([](vit::DepthToSpaceOp op, BuildContext &) -> llvm::Expected<KernelFn> {
    int64_t block = static_cast<int64_t>(op.getBlocksize());
    bool crd = op.getMode() == "CRD";
    return single([=](KernelInputs in) { return rt::depthToSpace(*in[0], block, crd); });
  });
  r.add<vit::SpaceToDepthOp>([](vit::SpaceToDepthOp op, BuildContext &) -> llvm::Expected<KernelFn> {
    int64_t block = static_cast<int64_t>(op.getBlocksize());
    return single([=](KernelInputs in) { return rt::spaceToDepth(*in[0], block); });
  });
  r.add<vit::ShapeOp>([](vit::ShapeOp op, BuildContext &) -> llvm::Expected<KernelFn> {
    std::optional<int64_t> start, end;
    if (op.getStart())
      start = static_cast<int64_t>(*op.getStart());
    if (op.getEnd())
      end = static_cast<int64_t>(*op.getEnd());
    return single([=](KernelInputs in) { return shapeOf(*in[0], start, end); });
  });
  r.add<vit::ConstantOfShapeOp>(
      [](vit::ConstantOfShapeOp op, BuildContext &) -> llvm::Expected<KernelFn> {
        std::optional<rt::Tensor> value;
        if (op.getValue()) {
          llvm::Expected<rt::Tensor> tensor = tensorFromAttr(*op.getValue());
          if (!tensor)
            return tensor.takeError();
          value = tensor->clone();
        }
        return single(
            [=](KernelInputs in) { return rt::constantOfShape(in[0]->toInt64Vector(), value); });
      });
  r.add<vit::RangeOp>([](vit::RangeOp, BuildContext &) -> llvm::Expected<KernelFn> {
    return single([](KernelInputs in) { return rt::range(*in[0], *in[1], *in[2]); });
  });
}

} // namespace vitc::interp
