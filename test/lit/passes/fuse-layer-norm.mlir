// RUN: vitc-opt %s -split-input-file --vit-fuse-layer-norm | FileCheck %s

// nn.LayerNorm as opset-13 exports write it (eps 1e-5 is the default, not printed).
// CHECK-LABEL: func.func @opset13
// CHECK-DAG: %[[S:.*]] = vit.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<4xf32>
// CHECK-DAG: %[[B:.*]] = vit.constant dense<[5.000000e-01, 6.000000e-01, 0.69999{{[0-9]*}}, 8.000000e-01]> : tensor<4xf32>
// CHECK: %[[Y:.*]] = vit.layer_norm %arg0, %[[S]], %[[B]] {axis = 2 : i64} : (tensor<2x3x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
// CHECK-NEXT: return %[[Y]]
func.func @opset13(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %two = vit.constant dense<2.0> : tensor<f32>
  %eps = vit.constant dense<1.0e-5> : tensor<f32>
  %scale = vit.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %bias = vit.constant dense<[0.5, 0.6, 0.7, 0.8]> : tensor<4xf32>
  %mean = vit.reduce_mean %x {axes = array<i64: -1>} : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32>
  %d = vit.sub %x, %mean : (tensor<2x3x4xf32>, tensor<2x3x1xf32>) -> tensor<2x3x4xf32>
  %sq = vit.pow %d, %two : (tensor<2x3x4xf32>, tensor<f32>) -> tensor<2x3x4xf32>
  %var = vit.reduce_mean %sq {axes = array<i64: -1>} : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32>
  %ve = vit.add %var, %eps : (tensor<2x3x1xf32>, tensor<f32>) -> tensor<2x3x1xf32>
  %std = vit.sqrt %ve : (tensor<2x3x1xf32>) -> tensor<2x3x1xf32>
  %n = vit.div %d, %std : (tensor<2x3x4xf32>, tensor<2x3x1xf32>) -> tensor<2x3x4xf32>
  %s = vit.mul %n, %scale : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  %y = vit.add %s, %bias : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  return %y : tensor<2x3x4xf32>
}

// -----

// Mul(d, d) for the square, Reciprocal + Mul for the division, eps first,
// no scale and no bias: scale becomes ones.
// CHECK-LABEL: func.func @mul_reciprocal_no_affine
// CHECK: %[[ONES:.*]] = vit.constant dense<1.000000e+00> : tensor<4xf32>
// CHECK: %[[Y:.*]] = vit.layer_norm %arg0, %[[ONES]] {axis = 1 : i64, epsilon = 9.99999997E-7 : f32} : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT: return %[[Y]]
func.func @mul_reciprocal_no_affine(%x: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %eps = vit.constant dense<1.0e-6> : tensor<1xf32>
  %mean = vit.reduce_mean %x {axes = array<i64: 1>} : (tensor<3x4xf32>) -> tensor<3x1xf32>
  %d = vit.sub %x, %mean : (tensor<3x4xf32>, tensor<3x1xf32>) -> tensor<3x4xf32>
  %sq = vit.mul %d, %d : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  %var = vit.reduce_mean %sq {axes = array<i64: -1>} : (tensor<3x4xf32>) -> tensor<3x1xf32>
  %ve = vit.add %eps, %var : (tensor<1xf32>, tensor<3x1xf32>) -> tensor<3x1xf32>
  %std = vit.sqrt %ve : (tensor<3x1xf32>) -> tensor<3x1xf32>
  %r = vit.reciprocal %std : (tensor<3x1xf32>) -> tensor<3x1xf32>
  %y = vit.mul %r, %d : (tensor<3x1xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}

// -----

// 1 / std as a Div, then bias only.
// CHECK-LABEL: func.func @div_one_bias_only
// CHECK-DAG: %[[ONES:.*]] = vit.constant dense<1.000000e+00> : tensor<4xf32>
// CHECK-DAG: %[[B:.*]] = vit.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<4xf32>
// CHECK: vit.layer_norm %arg0, %[[ONES]], %[[B]] {axis = 1 : i64
// CHECK-NOT: vit.add
func.func @div_one_bias_only(%x: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %one = vit.constant dense<1.0> : tensor<f32>
  %two = vit.constant dense<2.0> : tensor<f32>
  %eps = vit.constant dense<1.0e-5> : tensor<f32>
  %bias = vit.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %mean = vit.reduce_mean %x {axes = array<i64: -1>} : (tensor<3x4xf32>) -> tensor<3x1xf32>
  %d = vit.sub %x, %mean : (tensor<3x4xf32>, tensor<3x1xf32>) -> tensor<3x4xf32>
  %sq = vit.pow %d, %two : (tensor<3x4xf32>, tensor<f32>) -> tensor<3x4xf32>
  %var = vit.reduce_mean %sq {axes = array<i64: -1>} : (tensor<3x4xf32>) -> tensor<3x1xf32>
  %ve = vit.add %var, %eps : (tensor<3x1xf32>, tensor<f32>) -> tensor<3x1xf32>
  %std = vit.sqrt %ve : (tensor<3x1xf32>) -> tensor<3x1xf32>
  %r = vit.div %one, %std : (tensor<f32>, tensor<3x1xf32>) -> tensor<3x1xf32>
  %n = vit.mul %d, %r : (tensor<3x4xf32>, tensor<3x1xf32>) -> tensor<3x4xf32>
  %y = vit.add %bias, %n : (tensor<4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}

// -----

// Two trailing axes (GroupNorm-style [H, C] normalisation): axis = 1; a
// [1, 2, 4] scale is stored as [2, 4], a [4] bias broadcast to [2, 4].
// CHECK-LABEL: func.func @two_axes
// CHECK-DAG: %[[S:.*]] = vit.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00], [5.000000e+00, 6.000000e+00, 7.000000e+00, 8.000000e+00]]> : tensor<2x4xf32>
// CHECK-DAG: %[[B:.*]] = vit.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00], [1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]]> : tensor<2x4xf32>
// CHECK: vit.layer_norm %arg0, %[[S]], %[[B]] {axis = 1 : i64} : (tensor<3x2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<3x2x4xf32>
func.func @two_axes(%x: tensor<3x2x4xf32>) -> tensor<3x2x4xf32> {
  %two = vit.constant dense<2.0> : tensor<f32>
  %eps = vit.constant dense<1.0e-5> : tensor<f32>
  %scale = vit.constant dense<[[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]]> : tensor<1x2x4xf32>
  %bias = vit.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %mean = vit.reduce_mean %x {axes = array<i64: 2, 1>} : (tensor<3x2x4xf32>) -> tensor<3x1x1xf32>
  %d = vit.sub %x, %mean : (tensor<3x2x4xf32>, tensor<3x1x1xf32>) -> tensor<3x2x4xf32>
  %sq = vit.pow %d, %two : (tensor<3x2x4xf32>, tensor<f32>) -> tensor<3x2x4xf32>
  %var = vit.reduce_mean %sq {axes = array<i64: -2, -1>} : (tensor<3x2x4xf32>) -> tensor<3x1x1xf32>
  %ve = vit.add %var, %eps : (tensor<3x1x1xf32>, tensor<f32>) -> tensor<3x1x1xf32>
  %std = vit.sqrt %ve : (tensor<3x1x1xf32>) -> tensor<3x1x1xf32>
  %n = vit.div %d, %std : (tensor<3x2x4xf32>, tensor<3x1x1xf32>) -> tensor<3x2x4xf32>
  %s = vit.mul %n, %scale : (tensor<3x2x4xf32>, tensor<1x2x4xf32>) -> tensor<3x2x4xf32>
  %y = vit.add %s, %bias : (tensor<3x2x4xf32>, tensor<4xf32>) -> tensor<3x2x4xf32>
  return %y : tensor<3x2x4xf32>
}

// -----

// Not trailing: the means reduce axis 1 of a rank-3 tensor.
// CHECK-LABEL: func.func @axis_not_trailing
// CHECK-NOT: vit.layer_norm
// CHECK: vit.sqrt
func.func @axis_not_trailing(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %two = vit.constant dense<2.0> : tensor<f32>
  %eps = vit.constant dense<1.0e-5> : tensor<f32>
  %mean = vit.reduce_mean %x {axes = array<i64: 1>} : (tensor<2x3x4xf32>) -> tensor<2x1x4xf32>
  %d = vit.sub %x, %mean : (tensor<2x3x4xf32>, tensor<2x1x4xf32>) -> tensor<2x3x4xf32>
  %sq = vit.pow %d, %two : (tensor<2x3x4xf32>, tensor<f32>) -> tensor<2x3x4xf32>
  %var = vit.reduce_mean %sq {axes = array<i64: 1>} : (tensor<2x3x4xf32>) -> tensor<2x1x4xf32>
  %ve = vit.add %var, %eps : (tensor<2x1x4xf32>, tensor<f32>) -> tensor<2x1x4xf32>
  %std = vit.sqrt %ve : (tensor<2x1x4xf32>) -> tensor<2x1x4xf32>
  %n = vit.div %d, %std : (tensor<2x3x4xf32>, tensor<2x1x4xf32>) -> tensor<2x3x4xf32>
  return %n : tensor<2x3x4xf32>
}

// -----

// The two means reduce different axes.
// CHECK-LABEL: func.func @axes_differ
// CHECK-NOT: vit.layer_norm
// CHECK: vit.sqrt
func.func @axes_differ(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %two = vit.constant dense<2.0> : tensor<f32>
  %eps = vit.constant dense<1.0e-5> : tensor<f32>
  %mean = vit.reduce_mean %x {axes = array<i64: -1>} : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32>
  %d = vit.sub %x, %mean : (tensor<2x3x4xf32>, tensor<2x3x1xf32>) -> tensor<2x3x4xf32>
  %sq = vit.pow %d, %two : (tensor<2x3x4xf32>, tensor<f32>) -> tensor<2x3x4xf32>
  %var = vit.reduce_mean %sq {axes = array<i64: -2, -1>} : (tensor<2x3x4xf32>) -> tensor<2x1x1xf32>
  %ve = vit.add %var, %eps : (tensor<2x1x1xf32>, tensor<f32>) -> tensor<2x1x1xf32>
  %std = vit.sqrt %ve : (tensor<2x1x1xf32>) -> tensor<2x1x1xf32>
  %n = vit.div %d, %std : (tensor<2x3x4xf32>, tensor<2x1x1xf32>) -> tensor<2x3x4xf32>
  return %n : tensor<2x3x4xf32>
}

// -----

// keepdims = 0: the Sub broadcasts the means along the wrong axis.
// CHECK-LABEL: func.func @no_keepdims
// CHECK-NOT: vit.layer_norm
// CHECK: vit.sqrt
func.func @no_keepdims(%x: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %two = vit.constant dense<2.0> : tensor<f32>
  %eps = vit.constant dense<1.0e-5> : tensor<f32>
  %mean = vit.reduce_mean %x {axes = array<i64: -1>, keepdims = 0 : i64} : (tensor<4x4xf32>) -> tensor<4xf32>
  %d = vit.sub %x, %mean : (tensor<4x4xf32>, tensor<4xf32>) -> tensor<4x4xf32>
  %sq = vit.pow %d, %two : (tensor<4x4xf32>, tensor<f32>) -> tensor<4x4xf32>
  %var = vit.reduce_mean %sq {axes = array<i64: -1>, keepdims = 0 : i64} : (tensor<4x4xf32>) -> tensor<4xf32>
  %ve = vit.add %var, %eps : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %std = vit.sqrt %ve : (tensor<4xf32>) -> tensor<4xf32>
  %n = vit.div %d, %std : (tensor<4x4xf32>, tensor<4xf32>) -> tensor<4x4xf32>
  return %n : tensor<4x4xf32>
}

// -----

// eps is not a constant.
// CHECK-LABEL: func.func @eps_not_constant
// CHECK-NOT: vit.layer_norm
// CHECK: vit.sqrt
func.func @eps_not_constant(%x: tensor<3x4xf32>, %eps: tensor<f32>) -> tensor<3x4xf32> {
  %two = vit.constant dense<2.0> : tensor<f32>
  %mean = vit.reduce_mean %x {axes = array<i64: -1>} : (tensor<3x4xf32>) -> tensor<3x1xf32>
  %d = vit.sub %x, %mean : (tensor<3x4xf32>, tensor<3x1xf32>) -> tensor<3x4xf32>
  %sq = vit.pow %d, %two : (tensor<3x4xf32>, tensor<f32>) -> tensor<3x4xf32>
  %var = vit.reduce_mean %sq {axes = array<i64: -1>} : (tensor<3x4xf32>) -> tensor<3x1xf32>
  %ve = vit.add %var, %eps : (tensor<3x1xf32>, tensor<f32>) -> tensor<3x1xf32>
  %std = vit.sqrt %ve : (tensor<3x1xf32>) -> tensor<3x1xf32>
  %n = vit.div %d, %std : (tensor<3x4xf32>, tensor<3x1xf32>) -> tensor<3x4xf32>
  return %n : tensor<3x4xf32>
}

// -----

// The variance has another user: nothing is fused.
// CHECK-LABEL: func.func @variance_second_user
// CHECK-NOT: vit.layer_norm
// CHECK: vit.sqrt
func.func @variance_second_user(%x: tensor<3x4xf32>) -> (tensor<3x4xf32>, tensor<3x1xf32>) {
  %two = vit.constant dense<2.0> : tensor<f32>
  %eps = vit.constant dense<1.0e-5> : tensor<f32>
  %mean = vit.reduce_mean %x {axes = array<i64: -1>} : (tensor<3x4xf32>) -> tensor<3x1xf32>
  %d = vit.sub %x, %mean : (tensor<3x4xf32>, tensor<3x1xf32>) -> tensor<3x4xf32>
  %sq = vit.pow %d, %two : (tensor<3x4xf32>, tensor<f32>) -> tensor<3x4xf32>
  %var = vit.reduce_mean %sq {axes = array<i64: -1>} : (tensor<3x4xf32>) -> tensor<3x1xf32>
  %ve = vit.add %var, %eps : (tensor<3x1xf32>, tensor<f32>) -> tensor<3x1xf32>
  %std = vit.sqrt %ve : (tensor<3x1xf32>) -> tensor<3x1xf32>
  %n = vit.div %d, %std : (tensor<3x4xf32>, tensor<3x1xf32>) -> tensor<3x4xf32>
  return %n, %var : tensor<3x4xf32>, tensor<3x1xf32>
}

// -----

// The centred input has another user.
// CHECK-LABEL: func.func @centered_second_user
// CHECK-NOT: vit.layer_norm
// CHECK: vit.sqrt
func.func @centered_second_user(%x: tensor<3x4xf32>) -> (tensor<3x4xf32>, tensor<3x4xf32>) {
  %two = vit.constant dense<2.0> : tensor<f32>
  %eps = vit.constant dense<1.0e-5> : tensor<f32>
  %mean = vit.reduce_mean %x {axes = array<i64: -1>} : (tensor<3x4xf32>) -> tensor<3x1xf32>
  %d = vit.sub %x, %mean : (tensor<3x4xf32>, tensor<3x1xf32>) -> tensor<3x4xf32>
  %sq = vit.pow %d, %two : (tensor<3x4xf32>, tensor<f32>) -> tensor<3x4xf32>
  %var = vit.reduce_mean %sq {axes = array<i64: -1>} : (tensor<3x4xf32>) -> tensor<3x1xf32>
  %ve = vit.add %var, %eps : (tensor<3x1xf32>, tensor<f32>) -> tensor<3x1xf32>
  %std = vit.sqrt %ve : (tensor<3x1xf32>) -> tensor<3x1xf32>
  %n = vit.div %d, %std : (tensor<3x4xf32>, tensor<3x1xf32>) -> tensor<3x4xf32>
  return %n, %d : tensor<3x4xf32>, tensor<3x4xf32>
}

// -----

// Pow(d, 3) is not a variance.
// CHECK-LABEL: func.func @not_a_square
// CHECK-NOT: vit.layer_norm
// CHECK: vit.sqrt
func.func @not_a_square(%x: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %three = vit.constant dense<3.0> : tensor<f32>
  %eps = vit.constant dense<1.0e-5> : tensor<f32>
  %mean = vit.reduce_mean %x {axes = array<i64: -1>} : (tensor<3x4xf32>) -> tensor<3x1xf32>
  %d = vit.sub %x, %mean : (tensor<3x4xf32>, tensor<3x1xf32>) -> tensor<3x4xf32>
  %sq = vit.pow %d, %three : (tensor<3x4xf32>, tensor<f32>) -> tensor<3x4xf32>
  %var = vit.reduce_mean %sq {axes = array<i64: -1>} : (tensor<3x4xf32>) -> tensor<3x1xf32>
  %ve = vit.add %var, %eps : (tensor<3x1xf32>, tensor<f32>) -> tensor<3x1xf32>
  %std = vit.sqrt %ve : (tensor<3x1xf32>) -> tensor<3x1xf32>
  %n = vit.div %d, %std : (tensor<3x4xf32>, tensor<3x1xf32>) -> tensor<3x4xf32>
  return %n : tensor<3x4xf32>
}

// -----

// Scale and bias that are not constants, or that vary along a
// non-normalised dim, are not absorbed: the normalisation itself is fused
// (scale = ones) and the Mul/Add stay as they are, e.g. for adaptive
// LayerNorm modulation.
// CHECK-LABEL: func.func @affine_not_absorbed
// CHECK: %[[ONES:.*]] = vit.constant dense<1.000000e+00> : tensor<4xf32>
// CHECK: %[[N:.*]] = vit.layer_norm %arg0, %[[ONES]] {axis = 1 : i64
// CHECK: %[[S:.*]] = vit.mul %[[N]], %arg1
// CHECK: vit.add %[[S]], %{{.*}} : (tensor<3x4xf32>, tensor<3x1xf32>)
func.func @affine_not_absorbed(%x: tensor<3x4xf32>, %scale: tensor<4xf32>) -> tensor<3x4xf32> {
  %two = vit.constant dense<2.0> : tensor<f32>
  %eps = vit.constant dense<1.0e-5> : tensor<f32>
  %bias = vit.constant dense<[[1.0], [2.0], [3.0]]> : tensor<3x1xf32>
  %mean = vit.reduce_mean %x {axes = array<i64: -1>} : (tensor<3x4xf32>) -> tensor<3x1xf32>
  %d = vit.sub %x, %mean : (tensor<3x4xf32>, tensor<3x1xf32>) -> tensor<3x4xf32>
  %sq = vit.pow %d, %two : (tensor<3x4xf32>, tensor<f32>) -> tensor<3x4xf32>
  %var = vit.reduce_mean %sq {axes = array<i64: -1>} : (tensor<3x4xf32>) -> tensor<3x1xf32>
  %ve = vit.add %var, %eps : (tensor<3x1xf32>, tensor<f32>) -> tensor<3x1xf32>
  %std = vit.sqrt %ve : (tensor<3x1xf32>) -> tensor<3x1xf32>
  %n = vit.div %d, %std : (tensor<3x4xf32>, tensor<3x1xf32>) -> tensor<3x4xf32>
  %s = vit.mul %n, %scale : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %y = vit.add %s, %bias : (tensor<3x4xf32>, tensor<3x1xf32>) -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}

// -----

// The normalised value has a second user: the scale is not absorbed.
// CHECK-LABEL: func.func @normalized_second_user
// CHECK: %[[N:.*]] = vit.layer_norm %arg0, %{{.*}} {axis = 1 : i64
// CHECK: %[[S:.*]] = vit.mul %[[N]], %{{.*}}
// CHECK: return %[[S]], %[[N]]
func.func @normalized_second_user(%x: tensor<3x4xf32>) -> (tensor<3x4xf32>, tensor<3x4xf32>) {
  %two = vit.constant dense<2.0> : tensor<f32>
  %eps = vit.constant dense<1.0e-5> : tensor<f32>
  %scale = vit.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %mean = vit.reduce_mean %x {axes = array<i64: -1>} : (tensor<3x4xf32>) -> tensor<3x1xf32>
  %d = vit.sub %x, %mean : (tensor<3x4xf32>, tensor<3x1xf32>) -> tensor<3x4xf32>
  %sq = vit.pow %d, %two : (tensor<3x4xf32>, tensor<f32>) -> tensor<3x4xf32>
  %var = vit.reduce_mean %sq {axes = array<i64: -1>} : (tensor<3x4xf32>) -> tensor<3x1xf32>
  %ve = vit.add %var, %eps : (tensor<3x1xf32>, tensor<f32>) -> tensor<3x1xf32>
  %std = vit.sqrt %ve : (tensor<3x1xf32>) -> tensor<3x1xf32>
  %n = vit.div %d, %std : (tensor<3x4xf32>, tensor<3x1xf32>) -> tensor<3x4xf32>
  %s = vit.mul %n, %scale : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  return %s, %n : tensor<3x4xf32>, tensor<3x4xf32>
}

// -----

// A constant scale is absorbed; a bias varying per row (a non-normalised
// dim) is not.
// CHECK-LABEL: func.func @bias_varies_per_row
// CHECK-DAG: %[[S:.*]] = vit.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<4xf32>
// CHECK-DAG: %[[B:.*]] = vit.constant dense<{{\[\[}}1.000000e+00], [2.000000e+00], [3.000000e+00]]> : tensor<3x1xf32>
// CHECK: %[[N:.*]] = vit.layer_norm %arg0, %[[S]] {axis = 1 : i64} : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
// CHECK: vit.add %[[N]], %[[B]]
func.func @bias_varies_per_row(%x: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %two = vit.constant dense<2.0> : tensor<f32>
  %eps = vit.constant dense<1.0e-5> : tensor<f32>
  %scale = vit.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %bias = vit.constant dense<[[1.0], [2.0], [3.0]]> : tensor<3x1xf32>
  %mean = vit.reduce_mean %x {axes = array<i64: -1>} : (tensor<3x4xf32>) -> tensor<3x1xf32>
  %d = vit.sub %x, %mean : (tensor<3x4xf32>, tensor<3x1xf32>) -> tensor<3x4xf32>
  %sq = vit.pow %d, %two : (tensor<3x4xf32>, tensor<f32>) -> tensor<3x4xf32>
  %var = vit.reduce_mean %sq {axes = array<i64: -1>} : (tensor<3x4xf32>) -> tensor<3x1xf32>
  %ve = vit.add %var, %eps : (tensor<3x1xf32>, tensor<f32>) -> tensor<3x1xf32>
  %std = vit.sqrt %ve : (tensor<3x1xf32>) -> tensor<3x1xf32>
  %n = vit.div %d, %std : (tensor<3x4xf32>, tensor<3x1xf32>) -> tensor<3x4xf32>
  %s = vit.mul %n, %scale : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %y = vit.add %s, %bias : (tensor<3x4xf32>, tensor<3x1xf32>) -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}
