// RUN: vitc-opt %s -split-input-file --vit-fold-batch-norm | FileCheck %s

// Conv with bias, then BatchNorm: f = gamma / sqrt(var + eps) = [2, 1],
// W' = W * f, b' = (b - mean) * f + beta.
// CHECK-LABEL: func.func @conv_bias
// CHECK-DAG: %[[W:.*]] = vit.constant dense<{{\[\[\[\[}}2.000000e+00]]], {{\[\[\[}}3.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK-DAG: %[[B:.*]] = vit.constant dense<[1.000000e+00, -1.000000e+00]> : tensor<2xf32>
// CHECK: %[[Y:.*]] = vit.conv %arg0, %[[W]], %[[B]] : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
// CHECK-NEXT: return %[[Y]]
func.func @conv_bias(%x: tensor<1x1x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = vit.constant dense<[[[[1.0]]], [[[3.0]]]]> : tensor<2x1x1x1xf32>
  %b = vit.constant dense<[0.5, -0.5]> : tensor<2xf32>
  %gamma = vit.constant dense<[4.0, 1.0]> : tensor<2xf32>
  %beta = vit.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %mean = vit.constant dense<[0.5, 0.5]> : tensor<2xf32>
  %var = vit.constant dense<[3.0, 0.0]> : tensor<2xf32>
  %c = vit.conv %x, %w, %b {group = 1 : i64} : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %y = vit.batch_norm %c, %gamma, %beta, %mean, %var {epsilon = 1.0 : f32} : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// Conv without bias (nn.Conv2d(bias=False) + BatchNorm2d): a bias appears;
// padding and strides are kept.
// CHECK-LABEL: func.func @conv_no_bias
// CHECK-DAG: %[[B:.*]] = vit.constant dense<[5.000000e-01, -5.000000e-01]> : tensor<2xf32>
// CHECK: %[[Y:.*]] = vit.conv %arg0, %{{.*}}, %[[B]] {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
// CHECK-NEXT: return %[[Y]]
func.func @conv_no_bias(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x2x2xf32> {
  %w = vit.constant dense<1.0> : tensor<2x1x3x3xf32>
  %gamma = vit.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %beta = vit.constant dense<[0.5, -0.5]> : tensor<2xf32>
  %mean = vit.constant dense<[0.0, 0.0]> : tensor<2xf32>
  %var = vit.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %c = vit.conv %x, %w {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x2x2xf32>
  %y = vit.batch_norm %c, %gamma, %beta, %mean, %var {epsilon = 0.0 : f32} : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// BatchNorm1d after nn.Linear on [N, C]: the Linear's rows are scaled.
// CHECK-LABEL: func.func @linear_2d
// CHECK-DAG: %[[W:.*]] = vit.constant dense<{{\[\[}}2.000000e+00, 4.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
// CHECK-DAG: %[[B:.*]] = vit.constant dense<[-1.000000e+00, 1.000000e+00]> : tensor<2xf32>
// CHECK: %[[Y:.*]] = vit.linear %arg0, %[[W]], %[[B]] : (tensor<5x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<5x2xf32>
// CHECK-NEXT: return %[[Y]]
func.func @linear_2d(%x: tensor<5x2xf32>) -> tensor<5x2xf32> {
  %w = vit.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %gamma = vit.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %beta = vit.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %mean = vit.constant dense<[0.5, 0.0]> : tensor<2xf32>
  %var = vit.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %l = vit.linear %x, %w : (tensor<5x2xf32>, tensor<2x2xf32>) -> tensor<5x2xf32>
  %y = vit.batch_norm %l, %gamma, %beta, %mean, %var {epsilon = 0.0 : f32} : (tensor<5x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<5x2xf32>
  return %y : tensor<5x2xf32>
}

// -----

// BatchNorm1d on a rank-3 Linear result [N, C, L] normalises dim 1, not the
// Linear's output channels (the last axis): not folded.
// CHECK-LABEL: func.func @linear_rank3
// CHECK: vit.linear
// CHECK: vit.batch_norm
func.func @linear_rank3(%x: tensor<1x2x3xf32>) -> tensor<1x2x2xf32> {
  %w = vit.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %p = vit.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %l = vit.linear %x, %w : (tensor<1x2x3xf32>, tensor<2x3xf32>) -> tensor<1x2x2xf32>
  %y = vit.batch_norm %l, %p, %p, %p, %p : (tensor<1x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2xf32>
  return %y : tensor<1x2x2xf32>
}

// -----

// The Conv result has another user.
// CHECK-LABEL: func.func @conv_second_user
// CHECK: %[[C:.*]] = vit.conv
// CHECK: %[[Y:.*]] = vit.batch_norm %[[C]]
// CHECK: return %[[Y]], %[[C]]
func.func @conv_second_user(%x: tensor<1x1x2x2xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) {
  %w = vit.constant dense<[[[[1.0]]], [[[3.0]]]]> : tensor<2x1x1x1xf32>
  %p = vit.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %c = vit.conv %x, %w : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %y = vit.batch_norm %c, %p, %p, %p, %p : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %y, %c : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>
}

// -----

// Non-constant statistics, a non-constant Conv weight, and a BatchNorm of a
// value no Conv/Linear produces are left alone.
// CHECK-LABEL: func.func @not_foldable
// CHECK-COUNT-3: vit.batch_norm
func.func @not_foldable(%x: tensor<1x1x2x2xf32>, %mean: tensor<2xf32>, %w: tensor<2x1x1x1xf32>, %z: tensor<1x2x2x2xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) {
  %cw = vit.constant dense<[[[[1.0]]], [[[3.0]]]]> : tensor<2x1x1x1xf32>
  %p = vit.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %c0 = vit.conv %x, %cw : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %y0 = vit.batch_norm %c0, %p, %p, %mean, %p : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %c1 = vit.conv %x, %w : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %y1 = vit.batch_norm %c1, %p, %p, %p, %p : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %y2 = vit.batch_norm %z, %p, %p, %p, %p : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %y0, %y1, %y2 : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>
}
