//===- AttentionKernels.cpp - Interpreter kernel of vit.attention ---------===//
#include "compiler/interpreter/Kernels.h"
#include "dialects/vit/VitOps.h"

#include "vitc/rt/kernels/Attention.h"

namespace vitc::interp {

void addAttentionKernels(KernelRegistry &r) {
  r.add<vit::AttentionOp>([](vit::AttentionOp op, BuildContext &ctx) -> llvm::Expected<KernelFn> {
    rt::AttentionParams params;
    params.heads = static_cast<int64_t>(op.getHeads());
    params.scale = op.getScale().convertToFloat();
    bool hasBias = static_cast<bool>(op.getBias());
    rt::ThreadPool *pool = ctx.pool();
    return single([=](KernelInputs in) {
      std::optional<rt::Tensor> bias;
      if (hasBias)
        bias = *in[3];
      return rt::attention(*in[0], *in[1], *in[2], bias, params, pool);
    });
  });
}

} // namespace vitc::interp
