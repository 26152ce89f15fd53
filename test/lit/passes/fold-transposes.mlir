// RUN: vitc-opt %s -split-input-file --vit-fold-transposes | FileCheck %s

// Consecutive transposes compose into one ...
// CHECK-LABEL: func.func @compose
// CHECK-NEXT: %[[T:.*]] = vit.transpose %arg0 {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
// CHECK-NEXT: return %[[T]]
func.func @compose(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %a = vit.transpose %x {perm = array<i64: 1, 0, 2>} : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
  %b = vit.transpose %a {perm = array<i64: 2, 1, 0>} : (tensor<3x2x4xf32>) -> tensor<4x2x3xf32>
  return %b : tensor<4x2x3xf32>
}

// -----

// ... and cancel when that one is the identity.
// CHECK-LABEL: func.func @cancel
// CHECK-NEXT: return %arg0
func.func @cancel(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %a = vit.transpose %x {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  %b = vit.transpose %a {perm = array<i64: 1, 2, 0>} : (tensor<4x2x3xf32>) -> tensor<2x3x4xf32>
  return %b : tensor<2x3x4xf32>
}

// -----

// A transposed constant is stored transposed.
// CHECK-LABEL: func.func @constant
// CHECK-NEXT: %[[C:.*]] = vit.constant dense<{{\[}}[1.000000e+00, 4.000000e+00], [2.000000e+00, 5.000000e+00], [3.000000e+00, 6.000000e+00]]> : tensor<3x2xf32>
// CHECK-NEXT: return %[[C]]
func.func @constant() -> tensor<3x2xf32> {
  %c = vit.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %t = vit.transpose %c {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %t : tensor<3x2xf32>
}

// -----

// A transpose that only moves size-1 dims is a reshape.
// CHECK-LABEL: func.func @unit_dims
// CHECK-NOT: vit.transpose
// CHECK: vit.reshape %arg0, %{{.*}} : (tensor<1x8x1xf32>, tensor<3xi64>) -> tensor<1x1x8xf32>
func.func @unit_dims(%x: tensor<1x8x1xf32>) -> tensor<1x1x8xf32> {
  %t = vit.transpose %x {perm = array<i64: 2, 0, 1>} : (tensor<1x8x1xf32>) -> tensor<1x1x8xf32>
  return %t : tensor<1x1x8xf32>
}

// -----

// MatMul absorbs a transpose of the last two dims of either operand: Q Kᵀ
// with K as stored, and a batched left operand against a matrix.
// CHECK-LABEL: func.func @matmul_operands
// CHECK-NOT: vit.transpose
// CHECK: vit.matmul %arg0, %arg1 {transpose_rhs = true} : (tensor<2x3x5x8xf32>, tensor<2x3x5x8xf32>) -> tensor<2x3x5x5xf32>
// CHECK: vit.matmul %arg2, %arg3 {transpose_lhs = true} : (tensor<2x8x5xf32>, tensor<8x4xf32>) -> tensor<2x5x4xf32>
func.func @matmul_operands(%q: tensor<2x3x5x8xf32>, %k: tensor<2x3x5x8xf32>, %a: tensor<2x8x5xf32>,
                           %w: tensor<8x4xf32>) -> (tensor<2x3x5x5xf32>, tensor<2x5x4xf32>) {
  %kt = vit.transpose %k {perm = array<i64: 0, 1, 3, 2>} : (tensor<2x3x5x8xf32>) -> tensor<2x3x8x5xf32>
  %s = vit.matmul %q, %kt : (tensor<2x3x5x8xf32>, tensor<2x3x8x5xf32>) -> tensor<2x3x5x5xf32>
  %at = vit.transpose %a {perm = array<i64: 0, 2, 1>} : (tensor<2x8x5xf32>) -> tensor<2x5x8xf32>
  %y = vit.matmul %at, %w : (tensor<2x5x8xf32>, tensor<8x4xf32>) -> tensor<2x5x4xf32>
  return %s, %y : tensor<2x3x5x5xf32>, tensor<2x5x4xf32>
}

// -----

// Absorbing into an operand already marked transposed clears the flag.
// CHECK-LABEL: func.func @matmul_flag_toggle
// CHECK-NEXT: %[[Y:.*]] = vit.matmul %arg0, %arg1 : (tensor<4x6xf32>, tensor<6x3xf32>) -> tensor<4x3xf32>
// CHECK-NEXT: return %[[Y]]
func.func @matmul_flag_toggle(%a: tensor<4x6xf32>, %b: tensor<6x3xf32>) -> tensor<4x3xf32> {
  %bt = vit.transpose %b {perm = array<i64: 1, 0>} : (tensor<6x3xf32>) -> tensor<3x6xf32>
  %y = vit.matmul %a, %bt {transpose_rhs = true} : (tensor<4x6xf32>, tensor<3x6xf32>) -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// -----

// (A B)ᵀ = Bᵀ Aᵀ: the transpose of a product swaps its operands.
// CHECK-LABEL: func.func @matmul_result
// CHECK-NEXT: %[[Y:.*]] = vit.matmul %arg1, %arg0 {transpose_lhs = true, transpose_rhs = true} : (tensor<2x8x3xf32>, tensor<2x5x8xf32>) -> tensor<2x3x5xf32>
// CHECK-NEXT: return %[[Y]]
func.func @matmul_result(%a: tensor<2x5x8xf32>, %b: tensor<2x8x3xf32>) -> tensor<2x3x5xf32> {
  %y = vit.matmul %a, %b : (tensor<2x5x8xf32>, tensor<2x8x3xf32>) -> tensor<2x5x3xf32>
  %t = vit.transpose %y {perm = array<i64: 0, 2, 1>} : (tensor<2x5x3xf32>) -> tensor<2x3x5xf32>
  return %t : tensor<2x3x5xf32>
}

// -----

// Sinking through unary elementwise ops (a cast included) to the inverse
// transpose, which cancels it.
// CHECK-LABEL: func.func @unary
// CHECK-NOT: vit.transpose
// CHECK: %[[R:.*]] = vit.relu %arg0 : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
// CHECK: %[[G:.*]] = vit.gelu %[[R]] : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
// CHECK: %[[C:.*]] = vit.cast %[[G]] {to = i32} : (tensor<2x3x4xf32>) -> tensor<2x3x4xi32>
// CHECK: return %[[C]]
func.func @unary(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xi32> {
  %t = vit.transpose %x {perm = array<i64: 0, 2, 1>} : (tensor<2x3x4xf32>) -> tensor<2x4x3xf32>
  %r = vit.relu %t : (tensor<2x4x3xf32>) -> tensor<2x4x3xf32>
  %g = vit.gelu %r : (tensor<2x4x3xf32>) -> tensor<2x4x3xf32>
  %c = vit.cast %g {to = i32} : (tensor<2x4x3xf32>) -> tensor<2x4x3xi32>
  %b = vit.transpose %c {perm = array<i64: 0, 2, 1>} : (tensor<2x4x3xi32>) -> tensor<2x3x4xi32>
  return %b : tensor<2x3x4xi32>
}

// -----

// Sinking through binary ops: the same transpose of the other operand is
// dropped (two transposes merge), a constant is stored transposed, a scalar
// stays, and a broadcast [2] operand (along x's dim 0) is reshaped to [2, 1].
// CHECK-LABEL: func.func @binary
// CHECK-NOT: vit.transpose
// CHECK-DAG: %[[C:.*]] = vit.constant dense<{{\[}}[1.000000e+00, 3.000000e+00, 5.000000e+00], [2.000000e+00, 4.000000e+00, 6.000000e+00]]> : tensor<2x3xf32>
// CHECK-DAG: %[[S:.*]] = vit.constant dense<2.000000e+00> : tensor<f32>
// CHECK: %[[A:.*]] = vit.add %arg0, %arg1 : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: %[[M:.*]] = vit.mul %[[A]], %[[C]] : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: %[[D:.*]] = vit.div %[[M]], %[[S]]
// CHECK: %[[Z:.*]] = vit.reshape %arg2, %{{.*}} : (tensor<2xf32>, tensor<2xi64>) -> tensor<2x1xf32>
// CHECK: %[[E:.*]] = vit.sub %[[D]], %[[Z]] : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
// CHECK: return %[[E]]
func.func @binary(%x: tensor<2x3xf32>, %y: tensor<2x3xf32>, %z: tensor<2xf32>) -> tensor<2x3xf32> {
  %tx = vit.transpose %x {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %ty = vit.transpose %y {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %c = vit.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %s = vit.constant dense<2.0> : tensor<f32>
  %a = vit.add %tx, %ty : (tensor<3x2xf32>, tensor<3x2xf32>) -> tensor<3x2xf32>
  %m = vit.mul %a, %c : (tensor<3x2xf32>, tensor<3x2xf32>) -> tensor<3x2xf32>
  %d = vit.div %m, %s : (tensor<3x2xf32>, tensor<f32>) -> tensor<3x2xf32>
  %e = vit.sub %d, %z : (tensor<3x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  %b = vit.transpose %e {perm = array<i64: 1, 0>} : (tensor<3x2xf32>) -> tensor<2x3xf32>
  return %b : tensor<2x3xf32>
}

// -----

// LayerNorm and Softmax over the last axis, and Linear (8 -> 16 features),
// commute with a transpose that keeps the last axis in place.
// CHECK-LABEL: func.func @layer_norm_linear
// CHECK-NOT: vit.transpose
// CHECK: %[[N:.*]] = vit.layer_norm %arg0, %arg1 : (tensor<3x2x8xf32>, tensor<8xf32>) -> tensor<3x2x8xf32>
// CHECK: %[[L:.*]] = vit.linear %[[N]], %arg2, %arg3 : (tensor<3x2x8xf32>, tensor<16x8xf32>, tensor<16xf32>) -> tensor<3x2x16xf32>
// CHECK: %[[S:.*]] = vit.softmax %[[L]] : (tensor<3x2x16xf32>) -> tensor<3x2x16xf32>
// CHECK: return %[[S]]
func.func @layer_norm_linear(%x: tensor<3x2x8xf32>, %g: tensor<8xf32>, %w: tensor<16x8xf32>,
                             %bias: tensor<16xf32>) -> tensor<3x2x16xf32> {
  %t = vit.transpose %x {perm = array<i64: 1, 0, 2>} : (tensor<3x2x8xf32>) -> tensor<2x3x8xf32>
  %n = vit.layer_norm %t, %g : (tensor<2x3x8xf32>, tensor<8xf32>) -> tensor<2x3x8xf32>
  %l = vit.linear %n, %w, %bias : (tensor<2x3x8xf32>, tensor<16x8xf32>, tensor<16xf32>) -> tensor<2x3x16xf32>
  %s = vit.softmax %l : (tensor<2x3x16xf32>) -> tensor<2x3x16xf32>
  %b = vit.transpose %s {perm = array<i64: 1, 0, 2>} : (tensor<2x3x16xf32>) -> tensor<3x2x16xf32>
  return %b : tensor<3x2x16xf32>
}

// -----

// A transpose, a reshape splitting the moved dim and a transpose back to
// the first order is one reshape of x.
// CHECK-LABEL: func.func @reshape_split
// CHECK-NOT: vit.transpose
// CHECK: %[[R:.*]] = vit.reshape %arg0, %{{.*}} : (tensor<2x6x4xf32>, tensor<4xi64>) -> tensor<2x2x3x4xf32>
// CHECK-NEXT: return %[[R]]
func.func @reshape_split(%x: tensor<2x6x4xf32>) -> tensor<2x2x3x4xf32> {
  %t = vit.transpose %x {perm = array<i64: 0, 2, 1>} : (tensor<2x6x4xf32>) -> tensor<2x4x6xf32>
  %s = vit.constant dense<[2, 4, 2, 3]> : tensor<4xi64>
  %r = vit.reshape %t, %s : (tensor<2x4x6xf32>, tensor<4xi64>) -> tensor<2x4x2x3xf32>
  %b = vit.transpose %r {perm = array<i64: 0, 2, 3, 1>} : (tensor<2x4x2x3xf32>) -> tensor<2x2x3x4xf32>
  return %b : tensor<2x2x3x4xf32>
}

// -----

// A reshape that merges dims lets the transpose after it move above it
// (the merged dims move as one block) and compose with the first one.
// CHECK-LABEL: func.func @reshape_merge_hoists
// CHECK: %[[T:.*]] = vit.transpose %arg0 {perm = array<i64: 0, 3, 2, 1>} : (tensor<2x3x4x5xf32>) -> tensor<2x5x4x3xf32>
// CHECK-NEXT: %[[R:.*]] = vit.reshape %[[T]], %{{.*}} : (tensor<2x5x4x3xf32>, tensor<3xi64>) -> tensor<2x5x12xf32>
// CHECK-NEXT: return %[[R]]
func.func @reshape_merge_hoists(%x: tensor<2x3x4x5xf32>) -> tensor<2x5x12xf32> {
  %t = vit.transpose %x {perm = array<i64: 0, 2, 1, 3>} : (tensor<2x3x4x5xf32>) -> tensor<2x4x3x5xf32>
  %s = vit.constant dense<[2, 12, 5]> : tensor<3xi64>
  %r = vit.reshape %t, %s : (tensor<2x4x3x5xf32>, tensor<3xi64>) -> tensor<2x12x5xf32>
  %b = vit.transpose %r {perm = array<i64: 0, 2, 1>} : (tensor<2x12x5xf32>) -> tensor<2x5x12xf32>
  return %b : tensor<2x5x12xf32>
}

// -----

// Global pooling and reductions: Swin's final norm -> transpose -> pool
// becomes a mean over the tokens and a reshape; keepdims = 0 drops the dim.
// CHECK-LABEL: func.func @pool
// CHECK-NOT: vit.transpose
// CHECK: %[[M:.*]] = vit.reduce_mean %arg0 {axes = array<i64: 1>} : (tensor<1x49x8xf32>) -> tensor<1x1x8xf32>
// CHECK: %[[P:.*]] = vit.reshape %[[M]], %{{.*}} : (tensor<1x1x8xf32>, tensor<3xi64>) -> tensor<1x8x1xf32>
// CHECK: %[[X:.*]] = vit.reduce_max %arg1 {axes = array<i64: 1>, keepdims = 0 : i64} : (tensor<2x3x4xf32>) -> tensor<2x4xf32>
// CHECK: return %[[P]], %[[X]]
func.func @pool(%x: tensor<1x49x8xf32>, %y: tensor<2x3x4xf32>) -> (tensor<1x8x1xf32>, tensor<2x4xf32>) {
  %t = vit.transpose %x {perm = array<i64: 0, 2, 1>} : (tensor<1x49x8xf32>) -> tensor<1x8x49xf32>
  %p = vit.global_average_pool %t : (tensor<1x8x49xf32>) -> tensor<1x8x1xf32>
  %u = vit.transpose %y {perm = array<i64: 0, 2, 1>} : (tensor<2x3x4xf32>) -> tensor<2x4x3xf32>
  %m = vit.reduce_max %u {axes = array<i64: -1>, keepdims = 0 : i64} : (tensor<2x4x3xf32>) -> tensor<2x4xf32>
  return %p, %m : tensor<1x8x1xf32>, tensor<2x4xf32>
}

// -----

// A transpose with several users is copied for each when every copy then
// disappears: one cancels below a Relu, one is absorbed by a MatMul.
// CHECK-LABEL: func.func @split_uses
// CHECK-NOT: vit.transpose
// CHECK: %[[R:.*]] = vit.relu %arg0 : (tensor<4x6xf32>) -> tensor<4x6xf32>
// CHECK: %[[M:.*]] = vit.matmul %arg0, %arg1 {transpose_lhs = true} : (tensor<4x6xf32>, tensor<4x5xf32>) -> tensor<6x5xf32>
// CHECK: return %[[R]], %[[M]]
func.func @split_uses(%x: tensor<4x6xf32>, %w: tensor<4x5xf32>) -> (tensor<4x6xf32>, tensor<6x5xf32>) {
  %t = vit.transpose %x {perm = array<i64: 1, 0>} : (tensor<4x6xf32>) -> tensor<6x4xf32>
  %r = vit.relu %t : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %b = vit.transpose %r {perm = array<i64: 1, 0>} : (tensor<6x4xf32>) -> tensor<4x6xf32>
  %m = vit.matmul %t, %w : (tensor<6x4xf32>, tensor<4x5xf32>) -> tensor<6x5xf32>
  return %b, %m : tensor<4x6xf32>, tensor<6x5xf32>
}

// -----

// TinyViT's residual: transpose(add(transpose(x), window_reverse(z))) with
// the first transpose also returned. Sinking the first does not pay (its
// other user needs it); the last one moves up instead: it cancels against
// the first and, through the reshape, composes with the window transpose.
// CHECK-LABEL: func.func @hoist
// CHECK-DAG: %[[T:.*]] = vit.transpose %arg0 {perm = array<i64: 1, 0>} : (tensor<6x6xf32>) -> tensor<6x6xf32>
// CHECK-DAG: %[[W:.*]] = vit.transpose %arg1 {perm = array<i64: 1, 3, 0, 2>} : (tensor<2x2x3x3xf32>) -> tensor<2x3x2x3xf32>
// CHECK: %[[R:.*]] = vit.reshape %[[W]], %{{.*}} : (tensor<2x3x2x3xf32>, tensor<2xi64>) -> tensor<6x6xf32>
// CHECK: %[[A:.*]] = vit.add %arg0, %[[R]] : (tensor<6x6xf32>, tensor<6x6xf32>) -> tensor<6x6xf32>
// CHECK: return %[[T]], %[[A]]
func.func @hoist(%x: tensor<6x6xf32>, %z: tensor<2x2x3x3xf32>) -> (tensor<6x6xf32>, tensor<6x6xf32>) {
  %t = vit.transpose %x {perm = array<i64: 1, 0>} : (tensor<6x6xf32>) -> tensor<6x6xf32>
  %w = vit.transpose %z {perm = array<i64: 0, 2, 1, 3>} : (tensor<2x2x3x3xf32>) -> tensor<2x3x2x3xf32>
  %s = vit.constant dense<[6, 6]> : tensor<2xi64>
  %y = vit.reshape %w, %s : (tensor<2x3x2x3xf32>, tensor<2xi64>) -> tensor<6x6xf32>
  %a = vit.add %t, %y : (tensor<6x6xf32>, tensor<6x6xf32>) -> tensor<6x6xf32>
  %r = vit.transpose %a {perm = array<i64: 1, 0>} : (tensor<6x6xf32>) -> tensor<6x6xf32>
  return %t, %r : tensor<6x6xf32>, tensor<6x6xf32>
}

// -----

// Negative: the Exp result has a second user (a Softmax over the moved
// axis), so neither transpose moves: sinking the first would leave a copy
// for the Softmax, hoisting the second would compute Exp twice.
// CHECK-LABEL: func.func @second_user
// CHECK: %[[T:.*]] = vit.transpose %arg0 {perm = array<i64: 1, 0>}
// CHECK: %[[E:.*]] = vit.exp %[[T]]
// CHECK: vit.transpose %[[E]] {perm = array<i64: 1, 0>}
// CHECK: vit.softmax %[[E]] {axis = 0 : i64}
func.func @second_user(%x: tensor<4x6xf32>) -> (tensor<4x6xf32>, tensor<6x4xf32>) {
  %t = vit.transpose %x {perm = array<i64: 1, 0>} : (tensor<4x6xf32>) -> tensor<6x4xf32>
  %e = vit.exp %t : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %b = vit.transpose %e {perm = array<i64: 1, 0>} : (tensor<6x4xf32>) -> tensor<4x6xf32>
  %s = vit.softmax %e {axis = 0 : i64} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  return %b, %s : tensor<4x6xf32>, tensor<6x4xf32>
}

// -----

// Negative: LayerNorm normalises the axis the transpose moves.
// CHECK-LABEL: func.func @layer_norm_axis_moves
// CHECK: vit.transpose %arg0 {perm = array<i64: 0, 2, 1>}
// CHECK: vit.layer_norm
// CHECK: vit.transpose %{{.*}} {perm = array<i64: 0, 2, 1>}
func.func @layer_norm_axis_moves(%x: tensor<2x8x3xf32>, %g: tensor<8xf32>) -> tensor<2x8x3xf32> {
  %t = vit.transpose %x {perm = array<i64: 0, 2, 1>} : (tensor<2x8x3xf32>) -> tensor<2x3x8xf32>
  %n = vit.layer_norm %t, %g : (tensor<2x3x8xf32>, tensor<8xf32>) -> tensor<2x3x8xf32>
  %b = vit.transpose %n {perm = array<i64: 0, 2, 1>} : (tensor<2x3x8xf32>) -> tensor<2x8x3xf32>
  return %b : tensor<2x8x3xf32>
}

// -----

// Negative: the reshape [2, 3, 4] -> [3, 8] mixes dims the first transpose
// swapped (x's dims 1, 0, 2) and splits what the second would have to
// separate: neither moves across it.
// CHECK-LABEL: func.func @reshape_mixes
// CHECK: vit.transpose %arg0 {perm = array<i64: 1, 0, 2>}
// CHECK: vit.reshape
// CHECK: vit.transpose %{{.*}} {perm = array<i64: 1, 0>}
func.func @reshape_mixes(%x: tensor<3x2x4xf32>) -> tensor<8x3xf32> {
  %t = vit.transpose %x {perm = array<i64: 1, 0, 2>} : (tensor<3x2x4xf32>) -> tensor<2x3x4xf32>
  %s = vit.constant dense<[3, 8]> : tensor<2xi64>
  %r = vit.reshape %t, %s : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<3x8xf32>
  %b = vit.transpose %r {perm = array<i64: 1, 0>} : (tensor<3x8xf32>) -> tensor<8x3xf32>
  return %b : tensor<8x3xf32>
}

// -----

// Negative: a [4, 3] operand broadcast against [2, 4, 3] is not a constant;
// following the transpose would take a transpose of it at run time.
// CHECK-LABEL: func.func @broadcast_operand
// CHECK: vit.transpose %arg0 {perm = array<i64: 0, 2, 1>}
// CHECK: vit.add %{{.*}}, %arg1 : (tensor<2x4x3xf32>, tensor<4x3xf32>) -> tensor<2x4x3xf32>
// CHECK: vit.transpose %{{.*}} {perm = array<i64: 0, 2, 1>}
func.func @broadcast_operand(%x: tensor<2x3x4xf32>, %y: tensor<4x3xf32>) -> tensor<2x3x4xf32> {
  %t = vit.transpose %x {perm = array<i64: 0, 2, 1>} : (tensor<2x3x4xf32>) -> tensor<2x4x3xf32>
  %a = vit.add %t, %y : (tensor<2x4x3xf32>, tensor<4x3xf32>) -> tensor<2x4x3xf32>
  %b = vit.transpose %a {perm = array<i64: 0, 2, 1>} : (tensor<2x4x3xf32>) -> tensor<2x3x4xf32>
  return %b : tensor<2x3x4xf32>
}
