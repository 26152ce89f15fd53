// RUN: vitc-opt %s -split-input-file --vit-fold-constants | FileCheck %s

// PyTorch's dynamic-batch reshape: Shape -> Gather -> Unsqueeze -> Concat with
// C // heads computed by Div. All of it folds; the Reshape gets a constant.
// CHECK-LABEL: func.func @shape_chain
// CHECK-NOT: vit.shape
// CHECK-NOT: vit.gather
// CHECK-NOT: vit.div
// CHECK-NOT: vit.concat
// CHECK: %[[SHAPE:.*]] = vit.constant dense<[2, 6, 2, 4]> : tensor<4xi64>
// CHECK: vit.reshape %arg0, %[[SHAPE]]
func.func @shape_chain(%x: tensor<2x6x8xf32>) -> tensor<2x6x2x4xf32> {
  %shape = vit.shape %x : (tensor<2x6x8xf32>) -> tensor<3xi64>
  %i0 = vit.constant dense<0> : tensor<i64>
  %i2 = vit.constant dense<2> : tensor<i64>
  %b = vit.gather %shape, %i0 : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %c = vit.gather %shape, %i2 : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %two = vit.constant dense<2> : tensor<i64>
  %d = vit.div %c, %two : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %ax = vit.constant dense<[0]> : tensor<1xi64>
  %b1 = vit.unsqueeze %b, %ax : (tensor<i64>, tensor<1xi64>) -> tensor<1xi64>
  %n1 = vit.constant dense<[6]> : tensor<1xi64>
  %h1 = vit.unsqueeze %two, %ax : (tensor<i64>, tensor<1xi64>) -> tensor<1xi64>
  %d1 = vit.unsqueeze %d, %ax : (tensor<i64>, tensor<1xi64>) -> tensor<1xi64>
  %target = vit.concat %b1, %n1, %h1, %d1 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<4xi64>
  %r = vit.reshape %x, %target : (tensor<2x6x8xf32>, tensor<4xi64>) -> tensor<2x6x2x4xf32>
  return %r : tensor<2x6x2x4xf32>
}

// -----

// Equal/Where/ConstantOfShape/Expand/Cast, as in the exports' expand(B, -1, -1).
// CHECK-LABEL: func.func @expand_chain
// CHECK-NEXT: %[[TOKEN:.*]] = vit.constant dense<[{{\[}}[1.500000e+00, 2.500000e+00]]]> : tensor<1x1x2xf32>
// CHECK-NEXT: return %[[TOKEN]]
func.func @expand_chain() -> tensor<1x1x2xf32> {
  %token = vit.constant dense<[[[1.5, 2.5]]]> : tensor<1x1x2xf32>
  %req = vit.constant dense<[1, -1, -1]> : tensor<3xi64>
  %ax = vit.constant dense<[3]> : tensor<1xi64>
  %ones = vit.constant_of_shape %ax {value = dense<1> : tensor<1xi64>} : (tensor<1xi64>) -> tensor<3xi64>
  %minus = vit.constant dense<-1> : tensor<i64>
  %neg = vit.equal %req, %minus : (tensor<3xi64>, tensor<i64>) -> tensor<3xi1>
  %shape = vit.where %neg, %ones, %req : (tensor<3xi1>, tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  %f = vit.cast %token {to = f32} : (tensor<1x1x2xf32>) -> tensor<1x1x2xf32>
  %e = vit.expand %f, %shape : (tensor<1x1x2xf32>, tensor<3xi64>) -> tensor<1x1x2xf32>
  return %e : tensor<1x1x2xf32>
}

// -----

// No-op ops disappear: identity, same-type reshape/transpose/cast; reshape
// chains collapse to one reshape of the original input.
// CHECK-LABEL: func.func @no_ops
// CHECK-NOT: vit.identity
// CHECK-NOT: vit.transpose
// CHECK-NOT: vit.cast
// CHECK: %[[S:.*]] = vit.constant dense<[4, 6]> : tensor<2xi64>
// CHECK: %[[R:.*]] = vit.reshape %arg0, %[[S]] : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<4x6xf32>
// CHECK: return %[[R]]
func.func @no_ops(%x: tensor<2x3x4xf32>) -> tensor<4x6xf32> {
  %i = vit.identity %x : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  %t = vit.transpose %i {perm = array<i64: 0, 1, 2>} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  %c = vit.cast %t {to = f32} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  %s1 = vit.constant dense<[6, 4]> : tensor<2xi64>
  %r1 = vit.reshape %c, %s1 : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<6x4xf32>
  %s2 = vit.constant dense<[4, 6]> : tensor<2xi64>
  %r2 = vit.reshape %r1, %s2 : (tensor<6x4xf32>, tensor<2xi64>) -> tensor<4x6xf32>
  return %r2 : tensor<4x6xf32>
}

// -----

// A transpose of a constant weight folds into a pre-transposed constant.
// CHECK-LABEL: func.func @weight_transpose
// CHECK-NOT: vit.transpose
// CHECK: vit.constant dense_resource<folded> : tensor<8x4xf32>
func.func @weight_transpose(%x: tensor<2x8xf32>) -> tensor<2x4xf32> {
  %w = vit.constant dense<[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0], [16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0], [24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0]]> : tensor<4x8xf32>
  %wt = vit.transpose %w {perm = array<i64: 1, 0>} : (tensor<4x8xf32>) -> tensor<8x4xf32>
  %y = vit.matmul %x, %wt : (tensor<2x8xf32>, tensor<8x4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// Negative: an op on a function argument is not folded; a fold that would
// grow the model beyond max-growth-elements (a non-splat Tile) is skipped.
// CHECK-LABEL: func.func @not_folded
// CHECK: vit.relu %arg0
// CHECK: vit.tile
func.func @not_folded(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<8000xf32>) {
  %r = vit.relu %x : (tensor<4xf32>) -> tensor<4xf32>
  %v = vit.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %n = vit.constant dense<[2000]> : tensor<1xi64>
  %t = vit.tile %v, %n : (tensor<4xf32>, tensor<1xi64>) -> tensor<8000xf32>
  return %r, %t : tensor<4xf32>, tensor<8000xf32>
}
