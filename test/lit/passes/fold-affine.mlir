// RUN: vitc-opt %s -split-input-file --vit-fold-affine | FileCheck %s

// Linear * per-channel s: weight rows and bias scaled.
// CHECK-LABEL: func.func @linear_mul
// CHECK-DAG: %[[W:.*]] = vit.constant dense<{{\[\[}}2.000000e+00, 4.000000e+00], [-3.000000e+00, -4.000000e+00]]> : tensor<2x2xf32>
// CHECK-DAG: %[[B:.*]] = vit.constant dense<[2.000000e+00, -2.000000e+00]> : tensor<2xf32>
// CHECK: %[[Y:.*]] = vit.linear %arg0, %[[W]], %[[B]] : (tensor<3x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
// CHECK-NEXT: return %[[Y]]
func.func @linear_mul(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %w = vit.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %b = vit.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %s = vit.constant dense<[2.0, -1.0]> : tensor<2xf32>
  %l = vit.linear %x, %w, %b : (tensor<3x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  %y = vit.mul %s, %l : (tensor<2xf32>, tensor<3x2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// Linear (no bias) + c [1, 1, N], - 0.5, / [2, 4]: one Linear.
// CHECK-LABEL: func.func @linear_add_sub_div
// CHECK-DAG: %[[W:.*]] = vit.constant dense<{{\[\[}}5.000000e-01, 1.000000e+00], [7.500000e-01, 1.000000e+00]]> : tensor<2x2xf32>
// CHECK-DAG: %[[B:.*]] = vit.constant dense<[2.500000e-01, 3.750000e-01]> : tensor<2xf32>
// CHECK: %[[Y:.*]] = vit.linear %arg0, %[[W]], %[[B]] : (tensor<1x3x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<1x3x2xf32>
// CHECK-NEXT: return %[[Y]]
func.func @linear_add_sub_div(%x: tensor<1x3x2xf32>) -> tensor<1x3x2xf32> {
  %w = vit.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %c = vit.constant dense<[[[1.0, 2.0]]]> : tensor<1x1x2xf32>
  %h = vit.constant dense<0.5> : tensor<f32>
  %d = vit.constant dense<[2.0, 4.0]> : tensor<2xf32>
  %l = vit.linear %x, %w : (tensor<1x3x2xf32>, tensor<2x2xf32>) -> tensor<1x3x2xf32>
  %a = vit.add %l, %c : (tensor<1x3x2xf32>, tensor<1x1x2xf32>) -> tensor<1x3x2xf32>
  %s = vit.sub %a, %h : (tensor<1x3x2xf32>, tensor<f32>) -> tensor<1x3x2xf32>
  %y = vit.div %s, %d : (tensor<1x3x2xf32>, tensor<2xf32>) -> tensor<1x3x2xf32>
  return %y : tensor<1x3x2xf32>
}

// -----

// Conv * [C, 1, 1] + [1, C, 1, 1].
// CHECK-LABEL: func.func @conv_mul_add
// CHECK-DAG: %[[W:.*]] = vit.constant dense<{{\[\[\[\[}}3.000000e+00]], {{\[\[}}6.000000e+00]]], {{\[\[\[}}-3.000000e+00]], {{\[\[}}-4.000000e+00]]]]> : tensor<2x2x1x1xf32>
// CHECK-DAG: %[[B:.*]] = vit.constant dense<[3.100000e+00, -1.200000e+00]> : tensor<2xf32>
// CHECK: %[[Y:.*]] = vit.conv %arg0, %[[W]], %[[B]] : (tensor<1x2x2x2xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
// CHECK-NEXT: return %[[Y]]
func.func @conv_mul_add(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = vit.constant dense<[[[[1.0]], [[2.0]]], [[[3.0]], [[4.0]]]]> : tensor<2x2x1x1xf32>
  %b = vit.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %s = vit.constant dense<[[[3.0]], [[-1.0]]]> : tensor<2x1x1xf32>
  %c = vit.constant dense<[[[[0.1]], [[-0.2]]]]> : tensor<1x2x1x1xf32>
  %k = vit.conv %x, %w, %b : (tensor<1x2x2x2xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %m = vit.mul %k, %s : (tensor<1x2x2x2xf32>, tensor<2x1x1xf32>) -> tensor<1x2x2x2xf32>
  %y = vit.add %m, %c : (tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// Scalar Mul before a Linear folds into the weight; the bias is unchanged.
// CHECK-LABEL: func.func @scale_before_linear
// CHECK-DAG: %[[W:.*]] = vit.constant dense<{{\[\[}}2.000000e+00, 4.000000e+00], [6.000000e+00, 8.000000e+00]]> : tensor<2x2xf32>
// CHECK-DAG: %[[B:.*]] = vit.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK: %[[Y:.*]] = vit.linear %arg0, %[[W]], %[[B]] : (tensor<3x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
// CHECK-NEXT: return %[[Y]]
func.func @scale_before_linear(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %w = vit.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %b = vit.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %two = vit.constant dense<2.0> : tensor<f32>
  %s = vit.mul %x, %two : (tensor<3x2xf32>, tensor<f32>) -> tensor<3x2xf32>
  %y = vit.linear %s, %w, %b : (tensor<3x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// Per-input-channel scaling before a padded Conv is legal (the zero padding
// stays zero); the weight's input-channel columns are scaled.
// CHECK-LABEL: func.func @scale_before_padded_conv
// CHECK: %[[W:.*]] = vit.constant dense<{{\[\[\[\[}}2.000000e+00]], {{\[\[}}-2.000000e+00]]]]> : tensor<1x2x1x1xf32>
// CHECK: %[[Y:.*]] = vit.conv %arg0, %[[W]] {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x4x4xf32>
// CHECK-NEXT: return %[[Y]]
func.func @scale_before_padded_conv(%x: tensor<1x2x2x2xf32>) -> tensor<1x1x4x4xf32> {
  %w = vit.constant dense<[[[[1.0]], [[2.0]]]]> : tensor<1x2x1x1xf32>
  %s = vit.constant dense<[[[2.0]], [[-1.0]]]> : tensor<2x1x1xf32>
  %m = vit.mul %x, %s : (tensor<1x2x2x2xf32>, tensor<2x1x1xf32>) -> tensor<1x2x2x2xf32>
  %y = vit.conv %m, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}

// -----

// A per-feature Add before a Linear becomes bias b + W·c.
// CHECK-LABEL: func.func @shift_before_linear
// CHECK: %[[B:.*]] = vit.constant dense<[6.000000e+00, 1.300000e+01]> : tensor<2xf32>
// CHECK: %[[Y:.*]] = vit.linear %arg0, %{{.*}}, %[[B]] : (tensor<3x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
// CHECK-NEXT: return %[[Y]]
func.func @shift_before_linear(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %w = vit.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %b = vit.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %c = vit.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %a = vit.add %c, %x : (tensor<2xf32>, tensor<3x2xf32>) -> tensor<3x2xf32>
  %y = vit.linear %a, %w, %b : (tensor<3x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// Input normalisation (x - mean) / std before an unpadded patch-embedding
// Conv: the scale goes into the weight (W / std), the shift into the bias
// (-sum W / std * mean = -(4 * 2 * 0.5 + 4 * 4 * 1.5)).
// CHECK-LABEL: func.func @normalize_before_patch_conv
// CHECK-DAG: %[[W:.*]] = vit.constant dense<{{\[\[\[\[}}2.000000e+00, 2.000000e+00], [2.000000e+00, 2.000000e+00]], {{\[\[}}4.000000e+00, 4.000000e+00], [4.000000e+00, 4.000000e+00]]]]> : tensor<1x2x2x2xf32>
// CHECK-DAG: %[[B:.*]] = vit.constant dense<-2.800000e+01> : tensor<1xf32>
// CHECK: %[[Y:.*]] = vit.conv %arg0, %[[W]], %[[B]] {strides = array<i64: 2, 2>} : (tensor<1x2x4x4xf32>, tensor<1x2x2x2xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
// CHECK-NEXT: return %[[Y]]
func.func @normalize_before_patch_conv(%x: tensor<1x2x4x4xf32>) -> tensor<1x1x2x2xf32> {
  %w = vit.constant dense<1.0> : tensor<1x2x2x2xf32>
  %mean = vit.constant dense<[[[0.5]], [[1.5]]]> : tensor<2x1x1xf32>
  %std = vit.constant dense<[[[0.5]], [[0.25]]]> : tensor<2x1x1xf32>
  %c = vit.sub %x, %mean : (tensor<1x2x4x4xf32>, tensor<2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %n = vit.div %c, %std : (tensor<1x2x4x4xf32>, tensor<2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %y = vit.conv %n, %w {strides = array<i64: 2, 2>} : (tensor<1x2x4x4xf32>, tensor<1x2x2x2xf32>) -> tensor<1x1x2x2xf32>
  return %y : tensor<1x1x2x2xf32>
}

// -----

// NOT legal: an Add before a Conv with padding (the padded border would read
// c in the original graph but 0 after folding), also with SAME auto-padding.
// CHECK-LABEL: func.func @shift_before_padded_conv
// CHECK: vit.add
// CHECK: vit.conv
// CHECK: vit.add
// CHECK: vit.conv
func.func @shift_before_padded_conv(%x: tensor<1x2x2x2xf32>) -> (tensor<1x1x4x4xf32>, tensor<1x1x2x2xf32>) {
  %w = vit.constant dense<[[[[1.0]], [[2.0]]]]> : tensor<1x2x1x1xf32>
  %w3 = vit.constant dense<1.0> : tensor<1x2x3x3xf32>
  %c = vit.constant dense<1.0> : tensor<f32>
  %a = vit.add %x, %c : (tensor<1x2x2x2xf32>, tensor<f32>) -> tensor<1x2x2x2xf32>
  %y = vit.conv %a, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x4x4xf32>
  %a2 = vit.add %x, %c : (tensor<1x2x2x2xf32>, tensor<f32>) -> tensor<1x2x2x2xf32>
  %z = vit.conv %a2, %w3 {auto_pad = "SAME_UPPER"} : (tensor<1x2x2x2xf32>, tensor<1x2x3x3xf32>) -> tensor<1x1x2x2xf32>
  return %y, %z : tensor<1x1x4x4xf32>, tensor<1x1x2x2xf32>
}

// -----

// NOT per channel: a position embedding [1, T, N] added after a Linear, and
// a Conv output scaled per pixel.
// CHECK-LABEL: func.func @not_per_channel
// CHECK: vit.linear
// CHECK: vit.add
// CHECK: vit.conv
// CHECK: vit.mul
func.func @not_per_channel(%x: tensor<1x3x2xf32>, %i: tensor<1x1x2x2xf32>) -> (tensor<1x3x2xf32>, tensor<1x1x2x2xf32>) {
  %w = vit.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %pos = vit.constant dense<[[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]]> : tensor<1x3x2xf32>
  %l = vit.linear %x, %w : (tensor<1x3x2xf32>, tensor<2x2xf32>) -> tensor<1x3x2xf32>
  %y = vit.add %l, %pos : (tensor<1x3x2xf32>, tensor<1x3x2xf32>) -> tensor<1x3x2xf32>
  %cw = vit.constant dense<2.0> : tensor<1x1x1x1xf32>
  %px = vit.constant dense<[[[[1.0, 2.0], [3.0, 4.0]]]]> : tensor<1x1x2x2xf32>
  %k = vit.conv %i, %cw : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32>
  %z = vit.mul %k, %px : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  return %y, %z : tensor<1x3x2xf32>, tensor<1x1x2x2xf32>
}

// -----

// Left alone: the Linear has a second user; the weight is not constant; a
// division by zero; constant - Linear; a scaled input with another user.
// CHECK-LABEL: func.func @not_foldable
// CHECK: %[[L0:.*]] = vit.linear %arg0, %[[W:[^,]*]] :
// CHECK: vit.mul %[[L0]]
// CHECK: %[[L1:.*]] = vit.linear %arg0, %arg1 :
// CHECK: vit.mul %[[L1]]
// CHECK: %[[L2:.*]] = vit.linear %arg0, %[[W]] :
// CHECK: vit.div %[[L2]]
// CHECK: %[[L3:.*]] = vit.linear %arg0, %[[W]] :
// CHECK: vit.sub %{{.*}}, %[[L3]]
// CHECK: %[[S:.*]] = vit.mul %arg0
// CHECK: vit.linear %[[S]], %[[W]] :
func.func @not_foldable(%x: tensor<3x2xf32>, %wa: tensor<2x2xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>) {
  %w = vit.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %s = vit.constant dense<[2.0, 0.0]> : tensor<2xf32>
  %l0 = vit.linear %x, %w : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %y0 = vit.mul %l0, %s : (tensor<3x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  %l1 = vit.linear %x, %wa : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %y1 = vit.mul %l1, %s : (tensor<3x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  %l2 = vit.linear %x, %w : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %y2 = vit.div %l2, %s : (tensor<3x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  %l3 = vit.linear %x, %w : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %y3 = vit.sub %s, %l3 : (tensor<2xf32>, tensor<3x2xf32>) -> tensor<3x2xf32>
  %m = vit.mul %x, %s : (tensor<3x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  %y4 = vit.linear %m, %w : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  return %y0, %l0, %y1, %y2, %y3, %y4, %m : tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>
}

// -----

// Per-channel scaling before a depthwise Conv (group = 2): each output
// channel's weight is scaled by its own input channel's factor.
// CHECK-LABEL: func.func @scale_before_depthwise_conv
// CHECK: %[[W:.*]] = vit.constant dense<{{\[\[\[\[}}3.000000e+00]]], {{\[\[\[}}1.000000e+01]]]]> : tensor<2x1x1x1xf32>
// CHECK: %[[Y:.*]] = vit.conv %arg0, %[[W]] {group = 2 : i64} : (tensor<1x2x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
// CHECK-NEXT: return %[[Y]]
func.func @scale_before_depthwise_conv(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = vit.constant dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
  %s = vit.constant dense<[[[3.0]], [[5.0]]]> : tensor<2x1x1xf32>
  %m = vit.mul %x, %s : (tensor<1x2x2x2xf32>, tensor<2x1x1xf32>) -> tensor<1x2x2x2xf32>
  %y = vit.conv %m, %w {group = 2 : i64} : (tensor<1x2x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}
