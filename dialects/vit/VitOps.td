//===- VitOps.td - Ops of the vit dialect ------------------*- tablegen -*-===//
//
// One op per supported ONNX operator (opset 17 operands and attributes), then
// the fused ops. Shape-like operands (Reshape's shape, Slice's starts, ...)
// stay operands, as in ONNX, so shape sub-graphs can be folded by passes.
//
//===----------------------------------------------------------------------===//
#ifndef VIT_OPS_TD
#define VIT_OPS_TD

include "VitDialect.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Dialect/Quant/QuantOpsBase.td"

def Vit_Tensor : RankedTensorOf<[AnyType]>;
// Real-valued tensors: floating point, or quantised (after vit-quantize).
def Vit_FloatTensor : RankedTensorOf<[F32, F64, quant_QuantizedType]>;

// Element types agree up to quantisation (see VitTraits.h).
def Vit_SameRealElementType : NativeOpTrait<"SameRealElementType"> {
  let cppNamespace = "::vitc::vit::OpTrait";
}
def Vit_SameOperandsRealElementType : NativeOpTrait<"SameOperandsRealElementType"> {
  let cppNamespace = "::vitc::vit::OpTrait";
}
def Vit_BoolTensor : RankedTensorOf<[I1]>;
def Vit_IndexTensor : RankedTensorOf<[I32, I64]>;
def Vit_I64Tensor : RankedTensorOf<[I64]>;

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

def Vit_ConstantOp : Vit_Op<"constant", [ConstantLike, Pure]> {
  let summary = "A constant tensor (ONNX initializer or Constant node)";
  let description = [{
    Large values are `dense_resource` blobs (never uniqued or printed
    inline), small ones plain `dense` attributes.
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Vit_Tensor:$output);
  let hasCustomAssemblyFormat = 1;
  let hasFolder = 1;
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

class Vit_BinaryOp<string mnemonic, list<Trait> traits = []> :
    Vit_Op<mnemonic, !listconcat(traits, [Pure, ResultsBroadcastableShape])> {
  let arguments = (ins Vit_Tensor:$lhs, Vit_Tensor:$rhs);
  let results = (outs Vit_Tensor:$output);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
}

class Vit_ArithmeticOp<string mnemonic, string text> :
    Vit_BinaryOp<mnemonic, [Vit_SameRealElementType]> {
  let summary = "Elementwise " # text # " with numpy broadcasting";
}
def Vit_AddOp : Vit_ArithmeticOp<"add", "addition">;
def Vit_SubOp : Vit_ArithmeticOp<"sub", "subtraction">;
def Vit_MulOp : Vit_ArithmeticOp<"mul", "multiplication">;
def Vit_DivOp : Vit_ArithmeticOp<"div", "division (integers truncate)">;

def Vit_PowOp : Vit_BinaryOp<"pow"> {
  let summary = "Elementwise power; the exponent may have another element type";
  let hasVerifier = 1;
}

def Vit_ModOp : Vit_BinaryOp<"mod", [Vit_SameRealElementType]> {
  let summary = "Elementwise modulus (fmod = 1: C fmod, else Python sign rule)";
  let arguments = (ins Vit_Tensor:$lhs, Vit_Tensor:$rhs,
                       DefaultValuedAttr<I64Attr, "0">:$fmod);
}

class Vit_VariadicOp<string mnemonic, string text> :
    Vit_Op<mnemonic, [Pure, Vit_SameRealElementType]> {
  let summary = "Elementwise " # text # " of one or more broadcast tensors";
  let arguments = (ins Variadic<Vit_Tensor>:$inputs);
  let results = (outs Vit_Tensor:$output);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}
def Vit_MinOp : Vit_VariadicOp<"min", "minimum">;
def Vit_MaxOp : Vit_VariadicOp<"max", "maximum">;
def Vit_SumOp : Vit_VariadicOp<"sum", "sum">;

class Vit_CompareOp<string mnemonic, string text> :
    Vit_BinaryOp<mnemonic, [Vit_SameOperandsRealElementType]> {
  let summary = "Elementwise " # text # " comparison, producing i1";
  let results = (outs Vit_BoolTensor:$output);
}
def Vit_EqualOp : Vit_CompareOp<"equal", "equality">;
def Vit_LessOp : Vit_CompareOp<"less", "less-than">;
def Vit_LessOrEqualOp : Vit_CompareOp<"less_or_equal", "less-or-equal">;
def Vit_GreaterOp : Vit_CompareOp<"greater", "greater-than">;
def Vit_GreaterOrEqualOp : Vit_CompareOp<"greater_or_equal", "greater-or-equal">;

class Vit_LogicalOp<string mnemonic, string text> :
    Vit_BinaryOp<mnemonic, [Vit_SameRealElementType]> {
  let summary = "Elementwise logical " # text # " of i1 tensors";
  let arguments = (ins Vit_BoolTensor:$lhs, Vit_BoolTensor:$rhs);
  let results = (outs Vit_BoolTensor:$output);
}
def Vit_AndOp : Vit_LogicalOp<"and", "and">;
def Vit_OrOp : Vit_LogicalOp<"or", "or">;
def Vit_XorOp : Vit_LogicalOp<"xor", "exclusive or">;

class Vit_UnaryOp<string mnemonic, string text, Type type = Vit_Tensor> :
    Vit_Op<mnemonic, [Pure, SameOperandsAndResultShape,
                      Vit_SameRealElementType]> {
  let summary = "Elementwise " # text;
  let arguments = (ins type:$input);
  let results = (outs type:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}
def Vit_NegOp : Vit_UnaryOp<"neg", "negation">;
def Vit_AbsOp : Vit_UnaryOp<"abs", "absolute value">;
def Vit_SignOp : Vit_UnaryOp<"sign", "sign (-1, 0, 1)">;
def Vit_ReluOp : Vit_UnaryOp<"relu", "max(x, 0)">;
def Vit_SqrtOp : Vit_UnaryOp<"sqrt", "square root", Vit_FloatTensor>;
def Vit_ExpOp : Vit_UnaryOp<"exp", "exponential", Vit_FloatTensor>;
def Vit_LogOp : Vit_UnaryOp<"log", "natural logarithm", Vit_FloatTensor>;
def Vit_ErfOp : Vit_UnaryOp<"erf", "error function", Vit_FloatTensor>;
def Vit_ReciprocalOp : Vit_UnaryOp<"reciprocal", "1 / x", Vit_FloatTensor>;
def Vit_FloorOp : Vit_UnaryOp<"floor", "floor", Vit_FloatTensor>;
def Vit_CeilOp : Vit_UnaryOp<"ceil", "ceiling", Vit_FloatTensor>;
def Vit_RoundOp : Vit_UnaryOp<"round", "rounding half to even", Vit_FloatTensor>;
def Vit_SigmoidOp : Vit_UnaryOp<"sigmoid", "logistic sigmoid", Vit_FloatTensor>;
def Vit_TanhOp : Vit_UnaryOp<"tanh", "hyperbolic tangent", Vit_FloatTensor>;
def Vit_SinOp : Vit_UnaryOp<"sin", "sine", Vit_FloatTensor>;
def Vit_CosOp : Vit_UnaryOp<"cos", "cosine", Vit_FloatTensor>;
def Vit_HardSwishOp : Vit_UnaryOp<"hard_swish", "x * hard_sigmoid(x) (alpha 1/6, beta 1/2)",
                                  Vit_FloatTensor>;
def Vit_NotOp : Vit_UnaryOp<"not", "logical negation", Vit_BoolTensor>;
def Vit_IdentityOp : Vit_UnaryOp<"identity", "identity (removed by the graph passes)"> {
  let hasFolder = 1;
}

def Vit_HardSigmoidOp : Vit_UnaryOp<"hard_sigmoid", "max(0, min(1, alpha * x + beta))",
                                    Vit_FloatTensor> {
  let arguments = (ins Vit_FloatTensor:$input,
                       DefaultValuedAttr<F32Attr, "0.2f">:$alpha,
                       DefaultValuedAttr<F32Attr, "0.5f">:$beta);
}
def Vit_LeakyReluOp : Vit_UnaryOp<"leaky_relu", "x < 0 ? alpha * x : x", Vit_FloatTensor> {
  let arguments = (ins Vit_FloatTensor:$input,
                       DefaultValuedAttr<F32Attr, "0.01f">:$alpha);
}
def Vit_EluOp : Vit_UnaryOp<"elu", "x < 0 ? alpha * (exp(x) - 1) : x", Vit_FloatTensor> {
  let arguments = (ins Vit_FloatTensor:$input,
                       DefaultValuedAttr<F32Attr, "1.0f">:$alpha);
}
def Vit_GeluOp : Vit_UnaryOp<"gelu", "GELU activation", Vit_FloatTensor> {
  let description = [{
    `approximate = "none"`: 0.5 x (1 + erf(x / sqrt(2))) (PyTorch nn.GELU());
    `approximate = "tanh"`: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
    Created by the graph passes from the decomposed forms in exports.
  }];
  let arguments = (ins Vit_FloatTensor:$input,
                       DefaultValuedStrAttr<StrAttr, "none">:$approximate);
  let hasVerifier = 1;
}

def Vit_ClipOp : Vit_Op<"clip", [Pure, AttrSizedOperandSegments]> {
  let summary = "Clamp to [min, max]; an absent bound is not applied";
  let arguments = (ins Vit_Tensor:$input, Optional<Vit_Tensor>:$min,
                       Optional<Vit_Tensor>:$max);
  let results = (outs Vit_Tensor:$output);
  let assemblyFormat = [{
    $input (`min` $min^)? (`max` $max^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Vit_WhereOp : Vit_Op<"where", [Pure, ResultsBroadcastableShape]> {
  let summary = "cond ? x : y with numpy broadcasting";
  let arguments = (ins Vit_BoolTensor:$condition, Vit_Tensor:$x, Vit_Tensor:$y);
  let results = (outs Vit_Tensor:$output);
  let assemblyFormat = [{
    $condition `,` $x `,` $y attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Vit_CastOp : Vit_Op<"cast", [Pure, SameOperandsAndResultShape]> {
  let summary = "Element type conversion";
  let arguments = (ins Vit_Tensor:$input, TypeAttr:$to);
  let results = (outs Vit_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Linear algebra and convolution
//===----------------------------------------------------------------------===//

def Vit_MatMulOp : Vit_Op<"matmul", [Pure, Vit_SameRealElementType]> {
  let summary = "Matrix product with numpy matmul semantics";
  let description = [{
    `transpose_lhs` / `transpose_rhs` use that operand with its last two dims
    swapped (it must have rank >= 2); ONNX MatMul has neither, the
    vit-fold-transposes pass sets them when it absorbs a transpose.
  }];
  let arguments = (ins Vit_FloatTensor:$lhs, Vit_FloatTensor:$rhs,
                       DefaultValuedAttr<BoolAttr, "false">:$transpose_lhs,
                       DefaultValuedAttr<BoolAttr, "false">:$transpose_rhs);
  let results = (outs Vit_FloatTensor:$output);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Vit_GemmOp : Vit_Op<"gemm", [Pure]> {
  let summary = "alpha * op(A) * op(B) + beta * C (ONNX Gemm)";
  let arguments = (ins Vit_FloatTensor:$a, Vit_FloatTensor:$b,
                       Optional<Vit_FloatTensor>:$c,
                       DefaultValuedAttr<F32Attr, "1.0f">:$alpha,
                       DefaultValuedAttr<F32Attr, "1.0f">:$beta,
                       DefaultValuedAttr<BoolAttr, "false">:$transA,
                       DefaultValuedAttr<BoolAttr, "false">:$transB);
  let results = (outs Vit_FloatTensor:$output);
  let assemblyFormat = [{
    $a `,` $b (`,` $c^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Vit_LinearOp : Vit_Op<"linear", [Pure]> {
  let summary = "input · weightᵀ + bias over the last axis (fused)";
  let description = [{
    `weight` is [out_features, in_features] as in PyTorch's nn.Linear, so
    the product runs along the contiguous input dimension; `input` is
    [..., in_features] and the result [..., out_features].
  }];
  let arguments = (ins Vit_FloatTensor:$input, Vit_FloatTensor:$weight,
                       Optional<Vit_FloatTensor>:$bias);
  let results = (outs Vit_FloatTensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Vit_AttentionOp : Vit_Op<"attention", [Pure]> {
  let summary = "Multi-head scaled dot-product attention on token-major q, k, v (fused)";
  let description = [{
    `query` is [B, Nq, heads * head_dim], `key` [B, Nk, heads * head_dim] and
    `value` [B, Nk, heads * Dv]; head h owns channels [h * head_dim,
    (h + 1) * head_dim) of q and k and [h * Dv, (h + 1) * Dv) of v, the
    layout linear projections produce, so no head-split transposes are
    needed. The result is [B, Nq, heads * Dv], heads merged the same way.
    For every batch entry b and head h (q_bh = query[b, :, h's channels]):

        out_bh = softmax(scale * q_bh k_bhᵀ + bias[b mod G, h]) v_bh

    with the softmax over the key axis. The optional `bias` is
    [G, H', Nq', Nk'], each of H', Nq', Nk' the full size or 1 (broadcast),
    G dividing B. Swin's relative position bias is [1, heads, N, N]; its
    shifted-window mask, which PyTorch adds through a [B / nW, nW, heads, N, N]
    view of the scores, folds with it into one [nW, heads, N, N] bias (window
    w of every image is a batch entry b with b mod nW = w); TinyViT's
    attention biases are [1, heads, N, N].

    Created by vit-fuse-attention. Only this token-major layout exists; a
    `layout` attribute comes with the first other layout a pass produces.
  }];
  let arguments = (ins Vit_FloatTensor:$query, Vit_FloatTensor:$key, Vit_FloatTensor:$value,
                       Optional<Vit_FloatTensor>:$bias, I64Attr:$heads, I64Attr:$head_dim,
                       F32Attr:$scale);
  let results = (outs Vit_FloatTensor:$output);
  let assemblyFormat = [{
    $query `,` $key `,` $value (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Vit_ConvOp : Vit_Op<"conv", [Pure]> {
  let summary = "N-d convolution over NC... layouts (ONNX Conv)";
  let arguments = (ins Vit_FloatTensor:$input, Vit_FloatTensor:$weight,
                       Optional<Vit_FloatTensor>:$bias,
                       DefaultValuedStrAttr<StrAttr, "NOTSET">:$auto_pad,
                       OptionalAttr<DenseI64ArrayAttr>:$dilations,
                       DefaultValuedAttr<I64Attr, "1">:$group,
                       OptionalAttr<DenseI64ArrayAttr>:$kernel_shape,
                       OptionalAttr<DenseI64ArrayAttr>:$pads,
                       OptionalAttr<DenseI64ArrayAttr>:$strides);
  let results = (outs Vit_FloatTensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Normalisation, softmax and reductions
//===----------------------------------------------------------------------===//

def Vit_LayerNormOp : Vit_Op<"layer_norm", [Pure]> {
  let summary = "Layer normalisation over the trailing `axis..rank` dimensions";
  let arguments = (ins Vit_FloatTensor:$input, Vit_FloatTensor:$scale,
                       Optional<Vit_FloatTensor>:$bias,
                       DefaultValuedAttr<I64Attr, "-1">:$axis,
                       DefaultValuedAttr<F32Attr, "1e-5f">:$epsilon);
  let results = (outs Vit_FloatTensor:$output);
  let assemblyFormat = [{
    $input `,` $scale (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Vit_BatchNormOp : Vit_Op<"batch_norm", [Pure]> {
  let summary = "Batch normalisation with running statistics (inference)";
  let arguments = (ins Vit_FloatTensor:$input, Vit_FloatTensor:$scale,
                       Vit_FloatTensor:$bias, Vit_FloatTensor:$mean,
                       Vit_FloatTensor:$variance,
                       DefaultValuedAttr<F32Attr, "1e-5f">:$epsilon);
  let results = (outs Vit_FloatTensor:$output);
  let assemblyFormat = [{
    $input `,` $scale `,` $bias `,` $mean `,` $variance attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

class Vit_SoftmaxBase<string mnemonic, string text> :
    Vit_Op<mnemonic, [Pure, SameOperandsAndResultShape,
                      Vit_SameRealElementType]> {
  let summary = text # " along one axis";
  let arguments = (ins Vit_FloatTensor:$input, DefaultValuedAttr<I64Attr, "-1">:$axis);
  let results = (outs Vit_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}
def Vit_SoftmaxOp : Vit_SoftmaxBase<"softmax", "Softmax">;
def Vit_LogSoftmaxOp : Vit_SoftmaxBase<"log_softmax", "Log-softmax">;

class Vit_ReduceOp<string mnemonic, string text> :
    Vit_Op<mnemonic, [Pure, Vit_SameRealElementType]> {
  let summary = "Reduce by " # text # " over `axes` (all when absent)";
  let arguments = (ins Vit_Tensor:$input, OptionalAttr<DenseI64ArrayAttr>:$axes,
                       DefaultValuedAttr<I64Attr, "1">:$keepdims);
  let results = (outs Vit_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}
def Vit_ReduceMeanOp : Vit_ReduceOp<"reduce_mean", "mean">;
def Vit_ReduceMaxOp : Vit_ReduceOp<"reduce_max", "maximum">;
def Vit_ReduceMinOp : Vit_ReduceOp<"reduce_min", "minimum">;
def Vit_ReduceProdOp : Vit_ReduceOp<"reduce_prod", "product">;
def Vit_ReduceL1Op : Vit_ReduceOp<"reduce_l1", "sum of absolute values">;
def Vit_ReduceL2Op : Vit_ReduceOp<"reduce_l2", "Euclidean norm">;
def Vit_ReduceSumSquareOp : Vit_ReduceOp<"reduce_sum_square", "sum of squares">;
def Vit_ReduceLogSumExpOp : Vit_ReduceOp<"reduce_log_sum_exp", "log-sum-exp">;

def Vit_ReduceSumOp : Vit_Op<"reduce_sum", [Pure]> {
  let summary = "Reduce by sum over the axes operand (ONNX ReduceSum-13)";
  let arguments = (ins Vit_Tensor:$input, Optional<Vit_I64Tensor>:$axes,
                       DefaultValuedAttr<I64Attr, "1">:$keepdims,
                       DefaultValuedAttr<I64Attr, "0">:$noop_with_empty_axes);
  let results = (outs Vit_Tensor:$output);
  let assemblyFormat = [{
    $input (`axes` $axes^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

class Vit_ArgReduceOp<string mnemonic, string text> : Vit_Op<mnemonic, [Pure]> {
  let summary = "Index of the " # text # " along `axis`";
  let arguments = (ins Vit_Tensor:$input, DefaultValuedAttr<I64Attr, "0">:$axis,
                       DefaultValuedAttr<I64Attr, "1">:$keepdims,
                       DefaultValuedAttr<I64Attr, "0">:$select_last_index);
  let results = (outs Vit_I64Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}
def Vit_ArgMaxOp : Vit_ArgReduceOp<"arg_max", "maximum">;
def Vit_ArgMinOp : Vit_ArgReduceOp<"arg_min", "minimum">;

//===----------------------------------------------------------------------===//
// Pooling and resizing
//===----------------------------------------------------------------------===//

class Vit_PoolOp<string mnemonic, string text, Type type = Vit_FloatTensor> :
    Vit_Op<mnemonic, [Pure, Vit_SameRealElementType]> {
  let summary = text # " pooling over a sliding window";
  let results = (outs type:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}
def Vit_AveragePoolOp : Vit_PoolOp<"average_pool", "Average"> {
  let arguments = (ins Vit_FloatTensor:$input,
                       DefaultValuedStrAttr<StrAttr, "NOTSET">:$auto_pad,
                       DefaultValuedAttr<I64Attr, "0">:$ceil_mode,
                       DefaultValuedAttr<I64Attr, "0">:$count_include_pad,
                       DenseI64ArrayAttr:$kernel_shape,
                       OptionalAttr<DenseI64ArrayAttr>:$pads,
                       OptionalAttr<DenseI64ArrayAttr>:$strides);
}
def Vit_MaxPoolTensor : RankedTensorOf<[F32, F64, I8, UI8]>;
def Vit_MaxPoolOp : Vit_PoolOp<"max_pool", "Max", Vit_MaxPoolTensor> {
  let arguments = (ins Vit_MaxPoolTensor:$input,
                       DefaultValuedStrAttr<StrAttr, "NOTSET">:$auto_pad,
                       DefaultValuedAttr<I64Attr, "0">:$ceil_mode,
                       OptionalAttr<DenseI64ArrayAttr>:$dilations,
                       DenseI64ArrayAttr:$kernel_shape,
                       OptionalAttr<DenseI64ArrayAttr>:$pads,
                       DefaultValuedAttr<I64Attr, "0">:$storage_order,
                       OptionalAttr<DenseI64ArrayAttr>:$strides);
}

class Vit_GlobalPoolOp<string mnemonic, string text> : Vit_Op<mnemonic, [Pure]> {
  let summary = text # " over all spatial dimensions (kept as size 1)";
  let arguments = (ins Vit_FloatTensor:$input);
  let results = (outs Vit_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}
def Vit_GlobalAveragePoolOp : Vit_GlobalPoolOp<"global_average_pool", "Mean">;
def Vit_GlobalMaxPoolOp : Vit_GlobalPoolOp<"global_max_pool", "Maximum">;

def Vit_ResizeOp : Vit_Op<"resize", [Pure, AttrSizedOperandSegments]> {
  let summary = "Resize with nearest or linear interpolation (ONNX Resize-13)";
  let arguments = (ins Vit_FloatTensor:$input, Optional<Vit_FloatTensor>:$roi,
                       Optional<RankedTensorOf<[F32]>>:$scales,
                       Optional<Vit_I64Tensor>:$sizes,
                       DefaultValuedStrAttr<StrAttr, "half_pixel">:$coordinate_transformation_mode,
                       DefaultValuedAttr<F32Attr, "-0.75f">:$cubic_coeff_a,
                       DefaultValuedAttr<I64Attr, "0">:$exclude_outside,
                       DefaultValuedAttr<F32Attr, "0.0f">:$extrapolation_value,
                       DefaultValuedStrAttr<StrAttr, "nearest">:$mode,
                       DefaultValuedStrAttr<StrAttr, "round_prefer_floor">:$nearest_mode);
  let results = (outs Vit_FloatTensor:$output);
  let assemblyFormat = [{
    $input (`roi` $roi^)? (`scales` $scales^)? (`sizes` $sizes^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Layout and indexing
//===----------------------------------------------------------------------===//

def Vit_TransposeOp : Vit_Op<"transpose", [Pure, Vit_SameRealElementType]> {
  let summary = "Permute dimensions (`perm` absent: reverse them)";
  let arguments = (ins Vit_Tensor:$input, OptionalAttr<DenseI64ArrayAttr>:$perm);
  let results = (outs Vit_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Vit_ReshapeOp : Vit_Op<"reshape", [Pure]> {
  let hasCanonicalizer = 1;
  let summary = "Reshape to the shape operand (0 copies, -1 infers)";
  let arguments = (ins Vit_Tensor:$input, Vit_I64Tensor:$shape,
                       DefaultValuedAttr<I64Attr, "0">:$allowzero);
  let results = (outs Vit_Tensor:$output);
  let assemblyFormat = "$input `,` $shape attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Vit_FlattenOp : Vit_Op<"flatten", [Pure, Vit_SameRealElementType]> {
  let summary = "Collapse to 2-d: [prod(dims[:axis]), prod(dims[axis:])]";
  let arguments = (ins Vit_Tensor:$input, DefaultValuedAttr<I64Attr, "1">:$axis);
  let results = (outs Vit_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Vit_SqueezeOp : Vit_Op<"squeeze", [Pure]> {
  let summary = "Remove size-1 dimensions (`axes` absent: all of them)";
  let arguments = (ins Vit_Tensor:$input, Optional<Vit_I64Tensor>:$axes);
  let results = (outs Vit_Tensor:$output);
  let assemblyFormat = [{
    $input (`axes` $axes^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Vit_UnsqueezeOp : Vit_Op<"unsqueeze", [Pure]> {
  let summary = "Insert size-1 dimensions at `axes` (of the result)";
  let arguments = (ins Vit_Tensor:$input, Vit_I64Tensor:$axes);
  let results = (outs Vit_Tensor:$output);
  let assemblyFormat = "$input `,` $axes attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Vit_ConcatOp : Vit_Op<"concat", [Pure, Vit_SameRealElementType]> {
  let summary = "Concatenate along `axis`";
  let arguments = (ins Variadic<Vit_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Vit_Tensor:$output);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Vit_SliceOp : Vit_Op<"slice", [Pure, AttrSizedOperandSegments]> {
  let summary = "Strided slice (ONNX Slice-13)";
  let arguments = (ins Vit_Tensor:$input, Vit_IndexTensor:$starts,
                       Vit_IndexTensor:$ends, Optional<Vit_IndexTensor>:$axes,
                       Optional<Vit_IndexTensor>:$steps);
  let results = (outs Vit_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $starts `,` $ends (`axes` $axes^)? (`steps` $steps^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Vit_SplitOp : Vit_Op<"split", [Pure]> {
  let summary = "Split along `axis` into sizes given by `split` (equal parts when absent)";
  let arguments = (ins Vit_Tensor:$input, Optional<Vit_I64Tensor>:$split,
                       DefaultValuedAttr<I64Attr, "0">:$axis);
  let results = (outs Variadic<Vit_Tensor>:$outputs);
  let assemblyFormat = [{
    $input (`sizes` $split^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Vit_GatherOp : Vit_Op<"gather", [Pure]> {
  let summary = "Take slices along `axis` at `indices` (negative indices wrap)";
  let arguments = (ins Vit_Tensor:$input, Vit_IndexTensor:$indices,
                       DefaultValuedAttr<I64Attr, "0">:$axis);
  let results = (outs Vit_Tensor:$output);
  let assemblyFormat = "$input `,` $indices attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Vit_GatherElementsOp : Vit_Op<"gather_elements", [Pure]> {
  let summary = "Elementwise gather along `axis` (ONNX GatherElements)";
  let arguments = (ins Vit_Tensor:$input, Vit_IndexTensor:$indices,
                       DefaultValuedAttr<I64Attr, "0">:$axis);
  let results = (outs Vit_Tensor:$output);
  let assemblyFormat = "$input `,` $indices attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Vit_ExpandOp : Vit_Op<"expand", [Pure]> {
  let summary = "Broadcast to `shape` (bidirectionally, as numpy)";
  let arguments = (ins Vit_Tensor:$input, Vit_I64Tensor:$shape);
  let results = (outs Vit_Tensor:$output);
  let assemblyFormat = "$input `,` $shape attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Vit_TileOp : Vit_Op<"tile", [Pure]> {
  let summary = "Repeat the tensor `repeats[i]` times along each dimension";
  let arguments = (ins Vit_Tensor:$input, Vit_I64Tensor:$repeats);
  let results = (outs Vit_Tensor:$output);
  let assemblyFormat = "$input `,` $repeats attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Vit_PadOp : Vit_Op<"pad", [Pure]> {
  let summary = "Pad (constant, reflect or edge); negative pads crop";
  let arguments = (ins Vit_Tensor:$input, Vit_I64Tensor:$pads,
                       Optional<Vit_Tensor>:$constant_value,
                       DefaultValuedStrAttr<StrAttr, "constant">:$mode);
  let results = (outs Vit_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $pads (`value` $constant_value^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Vit_DepthToSpaceOp : Vit_Op<"depth_to_space", [Pure, Vit_SameRealElementType]> {
  let summary = "Move channel blocks into spatial blocks (PixelShuffle is mode CRD)";
  let arguments = (ins Vit_Tensor:$input, I64Attr:$blocksize,
                       DefaultValuedStrAttr<StrAttr, "DCR">:$mode);
  let results = (outs Vit_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Vit_SpaceToDepthOp : Vit_Op<"space_to_depth", [Pure, Vit_SameRealElementType]> {
  let summary = "Move spatial blocks into channels";
  let arguments = (ins Vit_Tensor:$input, I64Attr:$blocksize);
  let results = (outs Vit_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Shape-producing ops (folded away once shapes are static)
//===----------------------------------------------------------------------===//

def Vit_ShapeOp : Vit_Op<"shape", [Pure]> {
  let summary = "The input's shape as a 1-d i64 tensor, dims [start, end)";
  let arguments = (ins Vit_Tensor:$input, OptionalAttr<I64Attr>:$start,
                       OptionalAttr<I64Attr>:$end);
  let results = (outs Vit_I64Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Vit_ConstantOfShapeOp : Vit_Op<"constant_of_shape", [Pure]> {
  let summary = "A tensor of the given shape filled with one value";
  let arguments = (ins Vit_I64Tensor:$shape, OptionalAttr<ElementsAttr>:$value);
  let results = (outs Vit_Tensor:$output);
  let assemblyFormat = "$shape attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Vit_RangeOp : Vit_Op<"range", [Pure, Vit_SameRealElementType]> {
  let summary = "start, start + delta, ... up to (excluding) limit";
  let arguments = (ins Vit_Tensor:$start, Vit_Tensor:$limit, Vit_Tensor:$delta);
  let results = (outs Vit_Tensor:$output);
  let assemblyFormat = [{
    $start `,` $limit `,` $delta attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // VIT_OPS_TD
