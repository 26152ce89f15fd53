//===- Passes.td - Every vitc pass, declared once ---------*- tablegen -*-===//
//
// Each pass lives in its own file under passes/<area>/, is registered in
// vitc-opt (vitc::registerVitcPasses) and has lit tests in test/lit/passes.
// The order they run in is assembled in compiler/Pipeline.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_PASSES_TD
#define VITC_PASSES_TD

include "mlir/Pass/PassBase.td"

//===----------------------------------------------------------------------===//
// Graph passes (passes/graph)
//===----------------------------------------------------------------------===//

def FoldConstants : Pass<"vit-fold-constants", "mlir::func::FuncOp"> {
  let summary = "Fold constants and shape sub-graphs; remove no-op and dead ops";
  let description = [{
    Evaluates every vit op whose operands are all constants with the
    interpreter's kernels (so folding and execution share one meaning) and
    replaces it by a vit.constant; `vit.shape` of a statically shaped value
    folds to its dims. Together they turn PyTorch's Shape/Gather/Unsqueeze/
    Concat/ConstantOfShape/Equal/Where/Expand/Cast chains into constants, after
    which Reshape, Expand, Slice, ... see constant shapes. Also applies the vit
    ops' folders and canonicalisations: identity, no-op Reshape/Transpose/
    Cast/Expand/Squeeze, reshape chains; dead ops are erased.

    A fold is skipped when its result would be larger than its operands and
    larger than `max-growth-elements`, unless every element is equal (then it
    is stored as a splat): folding must not bloat the model.
  }];
  let options = [
    Option<"maxGrowthElements", "max-growth-elements", "int64_t", "4096",
           "Largest folded result allowed to exceed the size of its operands">,
  ];
  let dependentDialects = ["vitc::vit::VitDialect"];
}

def FuseLayerNorm : Pass<"vit-fuse-layer-norm", "mlir::func::FuncOp"> {
  let summary = "Fuse the decomposed LayerNorm pattern into vit.layer_norm";
  let description = [{
    Matches ReduceMean -> Sub -> Pow(2) (or Mul(x, x)) -> ReduceMean -> Add(eps)
    -> Sqrt -> Div (or Reciprocal/Mul, or Div(1, .)/Mul), followed by optional
    Mul(scale) and Add(bias), as opset-13 exports produce, when both means
    reduce the same trailing axes with keepdims (axis = the first of them) and
    eps is a constant. Leaves the pattern alone when the axes differ, are not
    trailing, keepdims is 0, eps is not constant, or an intermediate value has
    another user. A Mul/Add that is not a constant varying only along the
    normalised dims (or that follows a normalised value with another user) is
    not absorbed: it stays after a vit.layer_norm with scale = ones.
  }];
  let dependentDialects = ["vitc::vit::VitDialect"];
}

def FuseGelu : Pass<"vit-fuse-gelu", "mlir::func::FuncOp"> {
  let summary = "Fuse the Erf and tanh forms of GELU into vit.gelu";
  let description = [{
    Erf form: x * 0.5 * (1 + erf(x / sqrt(2))) in any association order (the
    0.5 also as a Div by 2), with x / sqrt(2) written as Div or as Mul by
    1/sqrt(2); becomes vit.gelu {approximate = "none"}. Tanh form: 0.5 x (1 +
    tanh(sqrt(2/pi) (x + 0.044715 x^3))), x^3 as Pow(x, 3) or x * x * x,
    becomes {approximate = "tanh"}. Constants (scalars or splats) must match
    to within 1e-6 relative; intermediate values must have no other users and
    the result must have x's type.
  }];
  let dependentDialects = ["vitc::vit::VitDialect"];
}

def FuseLinear : Pass<"vit-fuse-linear", "mlir::func::FuncOp"> {
  let summary = "Fuse MatMul(+Add) with a constant weight, and Gemm, into vit.linear";
  let description = [{
    MatMul(x, W) with a constant 2-d f32 W (x of any rank), optionally
    followed by an Add (either operand order) of a constant bias that varies
    along the last axis only ([N], [1, 1, N], ...) and does not broadcast the
    product, becomes vit.linear with the weight stored transposed, [out, in]
    (as nn.Linear); the Add stays when the product has another user. Gemm
    with transA = 0, constant B (any transB), alpha, beta and an absent or
    constant C varying along N only ([N], [1, N]) becomes vit.linear as
    well, alpha and beta folded into the weight and bias.
  }];
  let dependentDialects = ["vitc::vit::VitDialect"];
}

def FoldBatchNorm : Pass<"vit-fold-batch-norm", "mlir::func::FuncOp"> {
  let summary = "Fold inference BatchNormalization into the preceding Conv or Linear";
  let description = [{
    BatchNorm(Conv(x, W, b)) becomes Conv(x, W', b') with
    W' = W * gamma / sqrt(var + eps) per output channel and
    b' = (b - mean) * gamma / sqrt(var + eps) + beta, when the BatchNorm
    parameters are constants and the Conv has no other user. Likewise for a
    vit.linear whose output channels are the BatchNorm's channel dim, i.e. a
    rank-2 [N, C] result (BatchNorm1d after nn.Linear). The layer's weight
    (and bias, if any) must be constants; a missing bias is created.
  }];
  let dependentDialects = ["vitc::vit::VitDialect"];
}

def FoldAffine : Pass<"vit-fold-affine", "mlir::func::FuncOp"> {
  let summary = "Fold Mul/Add by constants into Linear and Conv weights and biases";
  let description = [{
    Mul(Linear(x), s) and Add(Linear(x), c) with s, c constants broadcast along
    the output-channel axis only (or scalars) become a Linear with scaled
    weight and bias; Div and Sub by such a constant likewise. Same for Conv
    with per-channel [C, 1, 1] constants. Only when the Linear/Conv result has
    no other user and its weight and bias are constants. Before a Linear/Conv
    (the elementwise result used only by it): Mul/Div by a scalar or
    per-input-channel constant folds into the weight; Add/Sub of one folds
    into the bias (b + W c), for Conv only without padding, since a zero pad
    of x + c is not c.
  }];
  let dependentDialects = ["vitc::vit::VitDialect"];
}

def FuseAttention : Pass<"vit-fuse-attention", "mlir::func::FuncOp"> {
  let summary = "Fuse multi-head self-attention into vit.attention";
  let description = [{
    Matches q, k, v taken from a packed qkv projection (Reshape to
    [B, N, 3, H, D], Transpose, then Gather/Split/Slice), or from separate
    projections; scores Q Kᵀ scaled by a constant (Mul or Div, on the scores
    or on Q); an optional additive bias (Swin's relative position bias, the
    shifted-window mask added through a [B, nW, H, N, N] reshape, TinyViT's
    attention biases); Softmax over the last axis; the product with V; and
    the head merge (Transpose + Reshape to [B, N, H*D]). The packed qkv
    Linear is split into three Linears so the head-split transposes
    disappear (a packed qkv that is not a constant-weight Linear is sliced
    instead); all additive constants become one [G, H, Nq, Nk] bias, G the
    number of Swin windows. Leaves the pattern alone when the softmax is not
    over the last axis, the scale is not a constant scalar, a value between
    the scores product and the softmax has another user, q, k and v differ
    in their number of heads, or a bias depends on the input. EfficientViT's
    ReLU linear attention is left as MatMul/Relu/Div (documented in
    docs/graph-passes.md).
  }];
  let dependentDialects = ["vitc::vit::VitDialect"];
}

def FoldTransposes : Pass<"vit-fold-transposes", "mlir::func::FuncOp"> {
  let summary = "Cancel, compose, push and absorb transposes";
  let description = [{
    Composes consecutive transposes and drops identities; folds a transpose of
    a constant into the constant; absorbs a transpose of a Linear's or
    MatMul's operand into the weight layout; pushes transposes through
    elementwise ops (transposing constant operands), through LayerNorm when
    the normalised axes are not moved, and through Reshape when the reshape
    only splits or merges dims that the permutation keeps together; then
    cancels the pairs that meet. A transpose whose result has another user is
    not pushed (that would duplicate work).

    MatMul absorbs a swap of the last two dims of an operand or of its result
    (transpose_lhs/rhs); a transpose that only moves size-1 dims becomes a
    Reshape. Transposes sink towards the outputs (also through Linear/MatMul
    by a matrix and Softmax when the last axis stays, reductions and global
    pooling), or else hoist towards the inputs, and only when a look-ahead
    shows that they then disappear: the number of transposes and the
    elements they move never grow. See docs/graph-passes.md.
  }];
  let dependentDialects = ["vitc::vit::VitDialect"];
}

//===----------------------------------------------------------------------===//
// Compression passes (passes/compress)
//===----------------------------------------------------------------------===//

def ApplyQuantization : Pass<"vit-quantize", "mlir::func::FuncOp"> {
  let summary = "Quantise activations and weights from calibration annotations";
  let description = [{
    Reads the calibrated range of every activation -- `vit.act_ranges =
    array<f32: min0, max0, ...>` (one pair per result) and optionally
    `vit.act_bits = array<i64: 8|16, ...>` on ops, `vit.act_range` /
    `vit.act_bits` on function arguments, as vitc's calibration writes them --
    and rewrites the function to the arithmetic of docs/quantization.md:
    activations get per-tensor `!quant.uniform` types (INT8 asymmetric or
    INT16 symmetric); chains of data-movement ops (reshape, transpose, concat,
    slice, gather, ...) share one set of parameters; constant Linear/Conv
    weights become per-output-channel symmetric INT8 constants and their
    biases int32 at scale s_x·s_w (`quant.scast` from integer storage);
    constant operands of Add and of data movement are quantised per tensor;
    inputs are quantised with `quant.qcast` and outputs dequantised with
    `quant.dcast`. Nonlinear ops keep fp32 parameters (the PPU model). Values
    without a calibrated range stay fp32.
  }];
  let options = [
    Option<"weightBits", "weight-bits", "int64_t", "8",
           "Bits of the per-channel weights (8; 4 comes with group quantisation)">,
  ];
  let dependentDialects = ["vitc::vit::VitDialect", "mlir::quant::QuantizationDialect"];
}

//===----------------------------------------------------------------------===//
// Lowering to the NPU (passes/lower)
//===----------------------------------------------------------------------===//

def LowerVitToNpu : Pass<"npu-lower", "mlir::func::FuncOp"> {
  let summary = "Lower quantised vit ops to npu commands (NN, TP, PPU, host)";
  let description = [{
    Makes the same choice as the interpreter for every op and computes the
    same kernel parameters (requant multipliers, attention scales), so the
    NPU simulator's output is bit-identical to `vitc run` on the quantised
    model. Integer Linear/Conv/MatMul/Attention become npu.gemm/conv/matmul/
    attention; quantised Add npu.add; data movement npu.view (reshapes, no
    command), npu.copy (strided boxes) or npu.gather (an index table);
    elementwise ops on INT8 inputs become npu.lut tables (option `luts`);
    other ops npu.ppu (dequantise, fp32, quantise). Ops without quantised
    types, and Pow/Sin/Cos, become npu.ppu with `host`: the runtime runs them
    on the CPU. Reports every op it cannot lower, all at once.
  }];
  let options = [
    Option<"useLuts", "luts", "bool", "true",
           "Replace elementwise PPU ops on INT8 inputs by exact lookup tables (ops no "
           "PPU kind computes, like Clip, are tables either way)">,
  ];
  let dependentDialects = ["vitc::npu::NpuDialect", "vitc::vit::VitDialect"];
}

def FuseNpuEpilogue : Pass<"npu-fuse-epilogue", "mlir::func::FuncOp"> {
  let summary = "Apply lookup tables in the output stage of the NN op that feeds them";
  let description = [{
    An npu.lut whose input is the single use of an npu.gemm, npu.conv or
    npu.matmul result becomes that op's `table` (with `table_input`, the
    element type of the requantised result the table reads). Results are
    unchanged; the TP pass over the tensor disappears.
  }];
}

def TileNpu : Pass<"npu-tile", "mlir::func::FuncOp"> {
  let summary = "Choose tile sizes of NN/TP/PPU commands that fit SRAM double-buffered";
  let description = [{
    Sets `npu.tile` = array<i64: rows, cols, depth> and `npu.scratch` (SRAM
    bytes of the double-buffered tile buffers) on every npu op with a
    command. GEMM/Conv/MatMul tiles are the halvings of rows, output
    channels and reduction that fit and move the fewest DRAM bytes, then
    have >= 4 channel tiles (weights stream while the previous tile
    computes); attention tiles the query rows; TP and PPU commands stream rows in tiles of about 16 KiB. The
    scratch of any command stays within `scratch-fraction` of the
    config's SRAM (`config`: a preset name or a JSON file).
  }];
  let options = [
    Option<"config", "config", "std::string", "\"mid\"", "NPU config: preset name or JSON path">,
    Option<"scratchFraction", "scratch-fraction", "double", "0.5",
           "Share of SRAM a command's tile buffers may use">,
  ];
}

def PlanNpuMemory : Pass<"npu-plan-memory", "mlir::func::FuncOp"> {
  let summary = "Place activations in SRAM or DRAM with liveness-based reuse";
  let description = [{
    Assigns every activation buffer `npu.region` ("sram" | "dram") and
    `npu.offset`: buffers whose lifetimes do not overlap share bytes
    (first fit by offset, largest first); npu.view results alias their
    input. Model inputs and outputs live in DRAM. An activation goes to SRAM
    when it fits beside the largest tile scratch (`npu.scratch`); otherwise
    to DRAM. Records `npu.sram_bytes` and `npu.dram_bytes` on the function.
  }];
  let options = [
    Option<"config", "config", "std::string", "\"mid\"", "NPU config: preset name or JSON path">,
  ];
}

#endif // VITC_PASSES_TD
