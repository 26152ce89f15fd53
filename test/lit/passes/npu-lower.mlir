// RUN: vitc-opt %s -split-input-file --npu-lower | FileCheck %s
// RUN: vitc-opt %s -split-input-file --npu-lower=luts=false | FileCheck %s --check-prefix=NOLUT

// Linear -> GELU -> Reshape -> Transpose -> Concat between quant casts.
// Requant m = s_x s_w[c] / s_y = 0.5 * 0.25 / 0.25 = 0.5 = 2^30 * 2^-(31+0), and
// 0.25 for channel 1 (shift 1). GELU on an INT8 input becomes a 256-entry table
// (entry 0: q = -128, x = 0.25 * (-128 + 10) -> GELU ~ 0 -> the zero point -100 =
// 0x9C). The reshape is a view (no command); the transpose one strided copy
// (source strides [0, 1, 8] over the output box [1, 8, 2]); the concat of the
// transpose with itself one copy per operand from one input slot, the second at
// element offset 2 of each output row of 4.
// CHECK-LABEL: func.func @linear_gelu_move
// CHECK: %[[X:.*]] = npu.ppu %arg0 {params = array<i32: 11>, source = "quant.qcast"}
// CHECK: %[[L:.*]] = npu.gemm %[[X]], %{{.*}} bias %{{.*}} {multipliers = array<i32: 1073741824, 1073741824, 1073741824, 1073741824>, shifts = array<i32: 0, 1, 0, 0>}
// CHECK: %[[T:.*]] = vit.constant dense_resource<lut> : tensor<256xi8>
// CHECK: %[[G:.*]] = npu.lut %[[L]], %[[T]] : (tensor<1x4x4x!quant.uniform<i8:f32, 2.500000e-01:-10>>, tensor<256xi8>) -> tensor<1x4x4x!quant.uniform<i8:f32, 1.250000e-01:-100>>
// CHECK: %[[R:.*]] = npu.view %[[G]] : {{.*}} -> tensor<1x2x8x
// CHECK: %[[P:.*]] = npu.copy %[[R]] {copies = array<i64: 0, 3, 1, 8, 2, 1, 1, 1, 0, 0, 1, 8, 0, 0, 0, 0, 16, 2, 1, 0, 0, 0>}
// CHECK: %[[C:.*]] = npu.copy %[[P]] {copies = array<i64: 0, 3, 1, 8, 2, 1, 1, 1, 0, 0, 2, 1, 0, 0, 0, 0, 32, 4, 1, 0, 0, 0, 0, 3, 1, 8, 2, 1, 1, 1, 0, 0, 2, 1, 0, 0, 0, 2, 32, 4, 1, 0, 0, 0>}
// CHECK: %[[O:.*]] = npu.ppu %[[C]] {params = array<i32: 11>, source = "quant.dcast"}
// CHECK: return %[[O]]
// CHECK-NOT: vit.linear
// CHECK: lut: "0x400000009C9C
// Without tables GELU stays on the PPU: kind 1 (unary), op 18 (gelu).
// NOLUT-LABEL: func.func @linear_gelu_move
// NOLUT: npu.ppu %{{.*}} {params = array<i32: 1, 18>, source = "vit.gelu"}
!x = !quant.uniform<i8:f32, 0.5>
!y = !quant.uniform<i8:f32, 0.25:-10>
!g = !quant.uniform<i8:f32, 0.125:-100>
func.func @linear_gelu_move(%arg: tensor<1x4x8xf32>) -> tensor<1x8x4xf32> {
  %x = "quant.qcast"(%arg) : (tensor<1x4x8xf32>) -> tensor<1x4x8x!x>
  %wi = vit.constant dense<1> : tensor<4x8xi8>
  %w = "quant.scast"(%wi) : (tensor<4x8xi8>) -> tensor<4x8x!quant.uniform<i8<-127:127>:f32:0, {0.25, 0.125, 0.25, 0.25}>>
  %bi = vit.constant dense<[1, 2, 3, 4]> : tensor<4xi32>
  %b = "quant.scast"(%bi) : (tensor<4xi32>) -> tensor<4x!quant.uniform<i32:f32:0, {0.125, 0.0625, 0.125, 0.125}>>
  %l = vit.linear %x, %w, %b : (tensor<1x4x8x!x>, tensor<4x8x!quant.uniform<i8<-127:127>:f32:0, {0.25, 0.125, 0.25, 0.25}>>, tensor<4x!quant.uniform<i32:f32:0, {0.125, 0.0625, 0.125, 0.125}>>) -> tensor<1x4x4x!y>
  %g = vit.gelu %l : (tensor<1x4x4x!y>) -> tensor<1x4x4x!g>
  %shape = vit.constant dense<[1, 2, 8]> : tensor<3xi64>
  %r = vit.reshape %g, %shape : (tensor<1x4x4x!g>, tensor<3xi64>) -> tensor<1x2x8x!g>
  %t = vit.transpose %r {perm = array<i64: 0, 2, 1>} : (tensor<1x2x8x!g>) -> tensor<1x8x2x!g>
  %c = vit.concat %t, %t {axis = 2 : i64} : (tensor<1x8x2x!g>, tensor<1x8x2x!g>) -> tensor<1x8x4x!g>
  %o = "quant.dcast"(%c) : (tensor<1x8x4x!g>) -> tensor<1x8x4xf32>
  return %o : tensor<1x8x4xf32>
}

// -----

// Add, MatMul and Attention keep the interpreter's parameters: add requant
// 0.5 / 1 = 2^30 * 2^-31 and 0.25 / 1 (shift 1); matmul 0.5 * 0.25 / 1 = 0.125
// (shift 2); attention score scale 0.5 * 0.5 * 0.25 and value ratio 0.25 / 1.
// A concat of differently quantised inputs is one copy per input (the TP
// converts each to the output's quantisation).
// CHECK-LABEL: func.func @add_matmul_attention
// CHECK: npu.add %arg0, %arg1 {requant = array<i32: 1073741824, 0, 1073741824, 1>}
// CHECK: npu.matmul %arg0, %arg1 {multiplier = 1073741824 : i32, shift = 2 : i32, transpose_lhs = false, transpose_rhs = true}
// CHECK: npu.attention %arg0, %arg1, %arg1 {heads = 2 : i64, score_scale = 6.250000e-02 : f32, value_ratio = 2.500000e-01 : f32}
// CHECK: npu.copy %arg0, %arg1 {copies = array<i64: 0, 3, 1, 4, 8, 1, 1, 1, 0, 0, 8, 1, 0, 0, 0, 0, 64, 16, 1, 0, 0, 0, 1, 3, 1, 4, 8, 1, 1, 1, 0, 0, 8, 1, 0, 0, 0, 8, 64, 16, 1, 0, 0, 0>}
!a = !quant.uniform<i8:f32, 0.5>
!b = !quant.uniform<i8:f32, 0.25>
!o = !quant.uniform<i8:f32, 1.0:3>
func.func @add_matmul_attention(%p: tensor<1x4x8x!a>, %q: tensor<1x4x8x!b>) -> (tensor<1x4x8x!o>, tensor<1x4x4x!o>, tensor<1x4x8x!o>, tensor<1x4x16x!o>) {
  %s = vit.add %p, %q : (tensor<1x4x8x!a>, tensor<1x4x8x!b>) -> tensor<1x4x8x!o>
  %m = vit.matmul %p, %q {transpose_rhs = true} : (tensor<1x4x8x!a>, tensor<1x4x8x!b>) -> tensor<1x4x4x!o>
  %t = vit.attention %p, %q, %q {heads = 2 : i64, head_dim = 4 : i64, scale = 0.5 : f32} : (tensor<1x4x8x!a>, tensor<1x4x8x!b>, tensor<1x4x8x!b>) -> tensor<1x4x8x!o>
  %c = vit.concat %p, %q {axis = 2 : i64} : (tensor<1x4x8x!a>, tensor<1x4x8x!b>) -> tensor<1x4x16x!o>
  return %s, %m, %t, %c : tensor<1x4x8x!o>, tensor<1x4x4x!o>, tensor<1x4x8x!o>, tensor<1x4x16x!o>
}

// -----

// An op without quantised types runs on the host (kind 1 unary, op 16 sin).
// A quantised Cos is elementwise on INT8, so it becomes a table.
// CHECK-LABEL: func.func @host
// CHECK: npu.ppu %arg0 {host, params = array<i32: 1, 16>, source = "vit.sin"}
// CHECK: npu.lut %arg1
!a = !quant.uniform<i8:f32, 0.5>
func.func @host(%x: tensor<1x8xf32>, %q: tensor<1x8x!a>) -> (tensor<1x8xf32>, tensor<1x8x!a>) {
  %s = vit.sin %x : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %c = vit.cos %q : (tensor<1x8x!a>) -> tensor<1x8x!a>
  return %s, %c : tensor<1x8xf32>, tensor<1x8x!a>
}

// -----

// A concat of 7 inputs, 5 distinct: repeated inputs share a slot; past 4 slots
// a second stage copies the first stage whole, then the rest (%e at offset 8).
// Clip on INT8 (ReLU6) is a table: q >= 0 gives 0.5 q clipped to 6 at scale
// 0.25, so entry 128 + q = 2q up to 24 (0x18). ReduceSum with constant axes is
// PPU kind 8 (reduce), op 2 (sum), keepdims 1, axes [1]. An empty slice is one
// empty box.
// CHECK-LABEL: func.func @edges
// CHECK: %[[S1:.*]] = npu.copy %arg0, %arg1, %arg2, %arg3 {copies = array<i64: 0, 2, 1, 2, 1, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 14, 1, 0, 0, 0, 0, 1, 2, 1, 2, {{.*}}, 0, 2, 1, 2, 1, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0, 10, 14, 1, 0, 0, 0, 0, 1, 2, 1, 2, 1, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0, 12, 14, 1, 0, 0, 0, 0>}
// CHECK: npu.copy %[[S1]], %arg4 {copies = array<i64: 0, 1, 14, 1, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 2, 1, 2, 1, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0, 8, 14, 1, 0, 0, 0, 0>}
// CHECK: npu.lut %arg0
// CHECK: npu.ppu %arg0 {params = array<i32: 8, 2, 1, 1, 1>, source = "vit.reduce_sum"}
// CHECK: npu.copy %arg1 {copies = array<i64: 0, 1, 0, {{(0, )+}}0>}
// CHECK: lut: "0x400000000000{{(00)+}}020406080A0C0E1012141618181818
!q = !quant.uniform<i8:f32, 0.5>
!r = !quant.uniform<i8:f32, 0.25>
func.func @edges(%a: tensor<1x2x!q>, %b: tensor<1x2x!q>, %c: tensor<1x2x!q>, %d: tensor<1x2x!q>, %e: tensor<1x2x!q>) -> (tensor<1x14x!q>, tensor<1x2x!r>, tensor<1x1x!q>, tensor<1x0x!q>) {
  %cat = vit.concat %a, %b, %c, %d, %e, %a, %b {axis = 1 : i64} : (tensor<1x2x!q>, tensor<1x2x!q>, tensor<1x2x!q>, tensor<1x2x!q>, tensor<1x2x!q>, tensor<1x2x!q>, tensor<1x2x!q>) -> tensor<1x14x!q>
  %lo = vit.constant dense<0.0> : tensor<f32>
  %hi = vit.constant dense<6.0> : tensor<f32>
  %clip = vit.clip %a min %lo max %hi : (tensor<1x2x!q>, tensor<f32>, tensor<f32>) -> tensor<1x2x!r>
  %axes = vit.constant dense<[1]> : tensor<1xi64>
  %sum = vit.reduce_sum %a axes %axes : (tensor<1x2x!q>, tensor<1xi64>) -> tensor<1x1x!q>
  %s0 = vit.constant dense<[1]> : tensor<1xi64>
  %s1 = vit.constant dense<[1]> : tensor<1xi64>
  %ax = vit.constant dense<[1]> : tensor<1xi64>
  %empty = vit.slice %b, %s0, %s1 axes %ax : (tensor<1x2x!q>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<1x0x!q>
  return %cat, %clip, %sum, %empty : tensor<1x14x!q>, tensor<1x2x!r>, tensor<1x1x!q>, tensor<1x0x!q>
}
