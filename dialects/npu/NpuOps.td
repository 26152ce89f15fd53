//===- NpuOps.td - Ops of the npu dialect ------------------*- tablegen -*-===//
//
// One op per command opcode of runtime/include/vitc/rt/npu/Program.h; the
// attributes are the command's parameter words in readable form.
//
//===----------------------------------------------------------------------===//
#ifndef NPU_OPS_TD
#define NPU_OPS_TD

include "NpuDialect.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// NN unit (MAC arrays)
//===----------------------------------------------------------------------===//

// The NN unit's output stage can apply a lookup table (an elementwise op on
// the INT8 result, see npu.lut): `table` and `table_input`, the element type
// of the requantised result before the table (npu-fuse-epilogue sets them).
def Npu_GemmOp : Npu_Op<"gemm", [Pure, AttrSizedOperandSegments]> {
  let summary = "Quantised fully-connected layer (runtime qlinear)";
  let description = [{
    y = requant(bias + sum_k (x - z_x) w) per output channel, with the Q31
    `multipliers` and `shifts` (one pair, or one per output channel).
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$weight,
                       Optional<AnyRankedTensor>:$bias, Optional<AnyRankedTensor>:$table,
                       DenseI32ArrayAttr:$multipliers, DenseI32ArrayAttr:$shifts,
                       OptionalAttr<TypeAttr>:$table_input);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`bias` $bias^)? (`table` $table^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Npu_ConvOp : Npu_Op<"conv", [Pure, AttrSizedOperandSegments]> {
  let summary = "Quantised NCHW convolution (runtime qconv)";
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$weight,
                       Optional<AnyRankedTensor>:$bias, Optional<AnyRankedTensor>:$table,
                       DenseI64ArrayAttr:$kernel, DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$pads, DenseI64ArrayAttr:$dilations, I64Attr:$group,
                       DenseI32ArrayAttr:$multipliers, DenseI32ArrayAttr:$shifts,
                       OptionalAttr<TypeAttr>:$table_input);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`bias` $bias^)? (`table` $table^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Npu_MatMulOp : Npu_Op<"matmul", [Pure]> {
  let summary = "Quantised product of two activations (runtime qmatmul)";
  let arguments = (ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs,
                       Optional<AnyRankedTensor>:$table, BoolAttr:$transpose_lhs,
                       BoolAttr:$transpose_rhs, I32Attr:$multiplier, I32Attr:$shift,
                       OptionalAttr<TypeAttr>:$table_input);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs (`table` $table^)? attr-dict `:` functional-type(operands, results)
  }];
}

def Npu_AttentionOp : Npu_Op<"attention", [Pure]> {
  let summary = "Quantised multi-head attention (runtime qattention)";
  let description = [{
    Q.K^T on the NN unit at the activations' precision, 15-bit exponentials
    on the PPU, P.V on the NN unit as 16-bit x 8/16-bit products.
  }];
  let arguments = (ins AnyRankedTensor:$query, AnyRankedTensor:$key, AnyRankedTensor:$value,
                       Optional<AnyRankedTensor>:$bias, I64Attr:$heads, F32Attr:$score_scale,
                       F32Attr:$value_ratio);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = [{
    $query `,` $key `,` $value (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// TP unit (tensor processor)
//===----------------------------------------------------------------------===//

def Npu_AddOp : Npu_Op<"add", [Pure]> {
  let summary = "Quantised elementwise add with rescale (runtime qadd)";
  let arguments = (ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs,
                       DenseI32ArrayAttr:$requant);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Npu_CopyOp : Npu_Op<"copy", [Pure]> {
  let summary = "Strided copies of boxes of the inputs into the output";
  let description = [{
    `copies` holds 22 integers per copy: source input, rank, shape[6],
    source offset, source strides[6], destination offset, destination
    strides[6] (elements). Transpose, slice, concat, depth-to-space and
    every other affine move lower to it.
  }];
  let arguments = (ins Variadic<AnyRankedTensor>:$inputs, DenseI64ArrayAttr:$copies);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Npu_GatherOp : Npu_Op<"gather", [Pure]> {
  let summary = "out[i] = in[index[i]] with a constant index table";
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$index);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input `,` $index attr-dict `:` functional-type(operands, results)";
}

def Npu_LutOp : Npu_Op<"lut", [Pure]> {
  let summary = "Elementwise table lookup on an 8- or 16-bit input";
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$table);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input `,` $table attr-dict `:` functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// PPU, host and data placement
//===----------------------------------------------------------------------===//

def Npu_PpuOp : Npu_Op<"ppu", [Pure]> {
  let summary = "A floating-point op on the PPU (or the host CPU)";
  let description = [{
    Dequantise the quantised inputs, run `source` (the vit op) in fp32 with
    its runtime kernel, quantise the quantised result. `params` are the
    command's words (a PpuKind code, then the kind's words). `host` marks an
    op no NPU unit runs: the runtime executes it on the CPU.
  }];
  let arguments = (ins Variadic<AnyRankedTensor>:$inputs, StrAttr:$source,
                       DenseI32ArrayAttr:$params, UnitAttr:$host);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
}

def Npu_ViewOp : Npu_Op<"view", [Pure]> {
  let summary = "The same bytes under another shape (no command)";
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Npu_DmaOp : Npu_Op<"dma", [Pure]> {
  let summary = "Copy a whole tensor's bytes to a new buffer";
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

#endif // NPU_OPS_TD
