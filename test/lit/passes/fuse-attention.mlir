// RUN: vitc-opt %s -split-input-file --vit-fuse-attention | FileCheck %s

// DeiT (timm): packed qkv Linear -> Reshape [B, N, 3, H, D] -> Transpose
// (2, 0, 3, 1, 4) -> Split + Squeeze; scores scaled by Mul. The qkv Linear
// is split into three (weight rows 0-3, 4-7, 8-11) and no head split remains.
// CHECK-LABEL: func.func @deit_packed_qkv
// CHECK-DAG: %[[WQ:.*]] = vit.constant dense<{{\[\[}}0.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00], {{.*}}> : tensor<4x4xf32>
// CHECK-DAG: %[[BQ:.*]] = vit.constant dense<[0.000000e+00, 5.000000e-01, 1.000000e+00, 1.500000e+00]> : tensor<4xf32>
// CHECK-DAG: %[[WK:.*]] = vit.constant dense<{{\[\[}}1.600000e+01, {{.*}}> : tensor<4x4xf32>
// CHECK-DAG: %[[BK:.*]] = vit.constant dense<[2.000000e+00, {{.*}}> : tensor<4xf32>
// CHECK-DAG: %[[WV:.*]] = vit.constant dense<{{\[\[}}3.200000e+01, {{.*}}> : tensor<4x4xf32>
// CHECK-DAG: %[[BV:.*]] = vit.constant dense<[4.000000e+00, {{.*}}> : tensor<4xf32>
// CHECK: %[[Q:.*]] = vit.linear %arg0, %[[WQ]], %[[BQ]] : (tensor<1x3x4xf32>, tensor<4x4xf32>, tensor<4xf32>) -> tensor<1x3x4xf32>
// CHECK-NEXT: %[[K:.*]] = vit.linear %arg0, %[[WK]], %[[BK]]
// CHECK-NEXT: %[[V:.*]] = vit.linear %arg0, %[[WV]], %[[BV]]
// CHECK-NEXT: %[[O:.*]] = vit.attention %[[Q]], %[[K]], %[[V]] {head_dim = 2 : i64, heads = 2 : i64, scale = 0.707106769 : f32} : (tensor<1x3x4xf32>, tensor<1x3x4xf32>, tensor<1x3x4xf32>) -> tensor<1x3x4xf32>
// CHECK-NEXT: return %[[O]]
func.func @deit_packed_qkv(%x: tensor<1x3x4xf32>) -> tensor<1x3x4xf32> {
  %w = vit.constant dense<[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0], [12.0, 13.0, 14.0, 15.0], [16.0, 17.0, 18.0, 19.0], [20.0, 21.0, 22.0, 23.0], [24.0, 25.0, 26.0, 27.0], [28.0, 29.0, 30.0, 31.0], [32.0, 33.0, 34.0, 35.0], [36.0, 37.0, 38.0, 39.0], [40.0, 41.0, 42.0, 43.0], [44.0, 45.0, 46.0, 47.0]]> : tensor<12x4xf32>
  %b = vit.constant dense<[0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5]> : tensor<12xf32>
  %qkv = vit.linear %x, %w, %b : (tensor<1x3x4xf32>, tensor<12x4xf32>, tensor<12xf32>) -> tensor<1x3x12xf32>
  %s5 = vit.constant dense<[1, 3, 3, 2, 2]> : tensor<5xi64>
  %r = vit.reshape %qkv, %s5 : (tensor<1x3x12xf32>, tensor<5xi64>) -> tensor<1x3x3x2x2xf32>
  %t = vit.transpose %r {perm = array<i64: 2, 0, 3, 1, 4>} : (tensor<1x3x3x2x2xf32>) -> tensor<3x1x2x3x2xf32>
  %sizes = vit.constant dense<[1, 1, 1]> : tensor<3xi64>
  %parts:3 = vit.split %t sizes %sizes : (tensor<3x1x2x3x2xf32>, tensor<3xi64>) -> (tensor<1x1x2x3x2xf32>, tensor<1x1x2x3x2xf32>, tensor<1x1x2x3x2xf32>)
  %ax = vit.constant dense<[0]> : tensor<1xi64>
  %q = vit.squeeze %parts#0 axes %ax : (tensor<1x1x2x3x2xf32>, tensor<1xi64>) -> tensor<1x2x3x2xf32>
  %k = vit.squeeze %parts#1 axes %ax : (tensor<1x1x2x3x2xf32>, tensor<1xi64>) -> tensor<1x2x3x2xf32>
  %v = vit.squeeze %parts#2 axes %ax : (tensor<1x1x2x3x2xf32>, tensor<1xi64>) -> tensor<1x2x3x2xf32>
  %kt = vit.transpose %k {perm = array<i64: 0, 1, 3, 2>} : (tensor<1x2x3x2xf32>) -> tensor<1x2x2x3xf32>
  %s = vit.matmul %q, %kt : (tensor<1x2x3x2xf32>, tensor<1x2x2x3xf32>) -> tensor<1x2x3x3xf32>
  %c = vit.constant dense<0.707106769> : tensor<f32>
  %ss = vit.mul %s, %c : (tensor<1x2x3x3xf32>, tensor<f32>) -> tensor<1x2x3x3xf32>
  %p = vit.softmax %ss : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %o = vit.matmul %p, %v : (tensor<1x2x3x3xf32>, tensor<1x2x3x2xf32>) -> tensor<1x2x3x2xf32>
  %ot = vit.transpose %o {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x2x3x2xf32>) -> tensor<1x3x2x2xf32>
  %s3 = vit.constant dense<[1, 3, 4]> : tensor<3xi64>
  %y = vit.reshape %ot, %s3 : (tensor<1x3x2x2xf32>, tensor<3xi64>) -> tensor<1x3x4xf32>
  return %y : tensor<1x3x4xf32>
}

// -----

// Swin, shifted window: q scaled before the product (Gather on the packed
// qkv), relative position bias [1, H, N, N], then the mask [1, nW, 1, N, N]
// added through a [B / nW, nW, H, N, N] view. Both fold into one
// [nW, H, N, N] bias: bias[w, h] = relative[h] + mask[w].
// CHECK-LABEL: func.func @swin_shifted_window
// CHECK-DAG: %[[BIAS:.*]] = vit.constant dense<{{\[\[\[\[}}0.000000e+00, 2.500000e-01], [5.000000e-01, 7.500000e-01]], {{\[\[}}1.000000e+00, 1.250000e+00], [1.500000e+00, 1.750000e+00]]], {{\[\[\[}}0.000000e+00, -9.975000e+01], [-9.950000e+01, 7.500000e-01]], {{\[\[}}1.000000e+00, -9.875000e+01], [-9.850000e+01, 1.750000e+00]]]]> : tensor<2x2x2x2xf32>
// CHECK-DAG: %[[Q:.*]] = vit.linear %arg0, {{.*}} -> tensor<4x2x4xf32>
// CHECK: vit.attention %[[Q]], %{{.*}}, %{{.*}}, %[[BIAS]] {head_dim = 2 : i64, heads = 2 : i64, scale = 5.000000e-01 : f32} : (tensor<4x2x4xf32>, tensor<4x2x4xf32>, tensor<4x2x4xf32>, tensor<2x2x2x2xf32>) -> tensor<4x2x4xf32>
// CHECK-NOT: vit.gather
// CHECK-NOT: vit.softmax
func.func @swin_shifted_window(%x: tensor<4x2x4xf32>) -> tensor<4x2x4xf32> {
  %w = vit.constant dense<0.25> : tensor<12x4xf32>
  %b = vit.constant dense<[0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5]> : tensor<12xf32>
  %qkv = vit.linear %x, %w, %b : (tensor<4x2x4xf32>, tensor<12x4xf32>, tensor<12xf32>) -> tensor<4x2x12xf32>
  %s5 = vit.constant dense<[4, 2, 3, 2, 2]> : tensor<5xi64>
  %r = vit.reshape %qkv, %s5 : (tensor<4x2x12xf32>, tensor<5xi64>) -> tensor<4x2x3x2x2xf32>
  %t = vit.transpose %r {perm = array<i64: 2, 0, 3, 1, 4>} : (tensor<4x2x3x2x2xf32>) -> tensor<3x4x2x2x2xf32>
  %i0 = vit.constant dense<0> : tensor<i64>
  %i1 = vit.constant dense<1> : tensor<i64>
  %i2 = vit.constant dense<2> : tensor<i64>
  %q = vit.gather %t, %i0 : (tensor<3x4x2x2x2xf32>, tensor<i64>) -> tensor<4x2x2x2xf32>
  %k = vit.gather %t, %i1 : (tensor<3x4x2x2x2xf32>, tensor<i64>) -> tensor<4x2x2x2xf32>
  %v = vit.gather %t, %i2 : (tensor<3x4x2x2x2xf32>, tensor<i64>) -> tensor<4x2x2x2xf32>
  %c = vit.constant dense<0.5> : tensor<f32>
  %qs = vit.mul %q, %c : (tensor<4x2x2x2xf32>, tensor<f32>) -> tensor<4x2x2x2xf32>
  %kt = vit.transpose %k {perm = array<i64: 0, 1, 3, 2>} : (tensor<4x2x2x2xf32>) -> tensor<4x2x2x2xf32>
  %s = vit.matmul %qs, %kt : (tensor<4x2x2x2xf32>, tensor<4x2x2x2xf32>) -> tensor<4x2x2x2xf32>
  %rel = vit.constant dense<[[[[0.0, 0.25], [0.5, 0.75]], [[1.0, 1.25], [1.5, 1.75]]]]> : tensor<1x2x2x2xf32>
  %a = vit.add %s, %rel : (tensor<4x2x2x2xf32>, tensor<1x2x2x2xf32>) -> tensor<4x2x2x2xf32>
  %v5 = vit.constant dense<[2, 2, 2, 2, 2]> : tensor<5xi64>
  %a5 = vit.reshape %a, %v5 : (tensor<4x2x2x2xf32>, tensor<5xi64>) -> tensor<2x2x2x2x2xf32>
  %mask = vit.constant dense<[[[[[0.0, 0.0], [0.0, 0.0]]], [[[0.0, -100.0], [-100.0, 0.0]]]]]> : tensor<1x2x1x2x2xf32>
  %m = vit.add %a5, %mask : (tensor<2x2x2x2x2xf32>, tensor<1x2x1x2x2xf32>) -> tensor<2x2x2x2x2xf32>
  %v4 = vit.constant dense<[4, 2, 2, 2]> : tensor<4xi64>
  %m4 = vit.reshape %m, %v4 : (tensor<2x2x2x2x2xf32>, tensor<4xi64>) -> tensor<4x2x2x2xf32>
  %p = vit.softmax %m4 : (tensor<4x2x2x2xf32>) -> tensor<4x2x2x2xf32>
  %o = vit.matmul %p, %v : (tensor<4x2x2x2xf32>, tensor<4x2x2x2xf32>) -> tensor<4x2x2x2xf32>
  %ot = vit.transpose %o {perm = array<i64: 0, 2, 1, 3>} : (tensor<4x2x2x2xf32>) -> tensor<4x2x2x2xf32>
  %s3 = vit.constant dense<[4, 2, 4]> : tensor<3xi64>
  %y = vit.reshape %ot, %s3 : (tensor<4x2x2x2xf32>, tensor<3xi64>) -> tensor<4x2x4xf32>
  return %y : tensor<4x2x4xf32>
}

// -----

// TinyViT: qkv viewed as [B, N, H, 2 kd + d] and split along the last dim,
// so head h's q is channel 4h, its k 4h + 1 and its v 4h + 2, 4h + 3; the
// attention biases are gathered from a [H, offsets] table (not folded
// before this pass) and become the op's bias.
// CHECK-LABEL: func.func @tinyvit_split_heads
// CHECK-DAG: %[[WQ:.*]] = vit.constant dense<{{\[\[}}0.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00], [1.600000e+01, 1.700000e+01, 1.800000e+01, 1.900000e+01]]> : tensor<2x4xf32>
// CHECK-DAG: %[[WK:.*]] = vit.constant dense<{{\[\[}}4.000000e+00, 5.000000e+00, 6.000000e+00, 7.000000e+00], [2.000000e+01, 2.100000e+01, 2.200000e+01, 2.300000e+01]]> : tensor<2x4xf32>
// CHECK-DAG: %[[WV:.*]] = vit.constant dense<{{\[\[}}8.000000e+00, {{.*}}], [1.200000e+01, {{.*}}], [2.400000e+01, {{.*}}], [2.800000e+01, {{.*}}]]> : tensor<4x4xf32>
// CHECK-DAG: %[[BIAS:.*]] = vit.constant dense<{{\[\[\[\[}}5.000000e-01, 1.500000e+00], [2.500000e+00, 5.000000e-01]], {{\[\[}}3.500000e+00, 4.500000e+00], [5.500000e+00, 3.500000e+00]]]]> : tensor<1x2x2x2xf32>
// CHECK: %[[Q:.*]] = vit.linear %arg0, %[[WQ]] :
// CHECK-NEXT: %[[K:.*]] = vit.linear %arg0, %[[WK]] :
// CHECK-NEXT: %[[V:.*]] = vit.linear %arg0, %[[WV]] :
// CHECK-NEXT: vit.attention %[[Q]], %[[K]], %[[V]], %[[BIAS]] {head_dim = 1 : i64, heads = 2 : i64, scale = 1.000000e+00 : f32} : (tensor<1x2x2xf32>, tensor<1x2x2xf32>, tensor<1x2x4xf32>, tensor<1x2x2x2xf32>) -> tensor<1x2x4xf32>
// CHECK-NOT: vit.gather
func.func @tinyvit_split_heads(%x: tensor<1x2x4xf32>) -> tensor<1x2x4xf32> {
  %w = vit.constant dense<[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0], [12.0, 13.0, 14.0, 15.0], [16.0, 17.0, 18.0, 19.0], [20.0, 21.0, 22.0, 23.0], [24.0, 25.0, 26.0, 27.0], [28.0, 29.0, 30.0, 31.0]]> : tensor<8x4xf32>
  %qkv = vit.linear %x, %w : (tensor<1x2x4xf32>, tensor<8x4xf32>) -> tensor<1x2x8xf32>
  %s4 = vit.constant dense<[1, 2, 2, 4]> : tensor<4xi64>
  %r = vit.reshape %qkv, %s4 : (tensor<1x2x8xf32>, tensor<4xi64>) -> tensor<1x2x2x4xf32>
  %sizes = vit.constant dense<[1, 1, 2]> : tensor<3xi64>
  %parts:3 = vit.split %r sizes %sizes {axis = 3 : i64} : (tensor<1x2x2x4xf32>, tensor<3xi64>) -> (tensor<1x2x2x1xf32>, tensor<1x2x2x1xf32>, tensor<1x2x2x2xf32>)
  %q = vit.transpose %parts#0 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32>
  %v = vit.transpose %parts#2 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %kt = vit.transpose %parts#1 {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x2x2x1xf32>) -> tensor<1x2x1x2xf32>
  %s = vit.matmul %q, %kt : (tensor<1x2x2x1xf32>, tensor<1x2x1x2xf32>) -> tensor<1x2x2x2xf32>
  %c = vit.constant dense<1.0> : tensor<f32>
  %ss = vit.mul %s, %c : (tensor<1x2x2x2xf32>, tensor<f32>) -> tensor<1x2x2x2xf32>
  %table = vit.constant dense<[[0.5, 1.5, 2.5], [3.5, 4.5, 5.5]]> : tensor<2x3xf32>
  %idx = vit.constant dense<[[0, 1], [2, 0]]> : tensor<2x2xi64>
  %ab = vit.gather %table, %idx {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x2xi64>) -> tensor<2x2x2xf32>
  %a = vit.add %ss, %ab : (tensor<1x2x2x2xf32>, tensor<2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %p = vit.softmax %a : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %o = vit.matmul %p, %v : (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %ot = vit.transpose %o {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %s3 = vit.constant dense<[1, 2, 4]> : tensor<3xi64>
  %y = vit.reshape %ot, %s3 : (tensor<1x2x2x2xf32>, tensor<3xi64>) -> tensor<1x2x4xf32>
  return %y : tensor<1x2x4xf32>
}

// -----

// Separate projections (already token-major: used as they are), the scale
// as a Div, Nq != Nk and Dv != D.
// CHECK-LABEL: func.func @separate_projections
// CHECK-NEXT: %[[O:.*]] = vit.attention %arg0, %arg1, %arg2 {head_dim = 2 : i64, heads = 2 : i64, scale = 5.000000e-01 : f32} : (tensor<1x3x4xf32>, tensor<1x5x4xf32>, tensor<1x5x6xf32>) -> tensor<1x3x6xf32>
// CHECK-NEXT: return %[[O]]
func.func @separate_projections(%qt: tensor<1x3x4xf32>, %kt: tensor<1x5x4xf32>, %vt: tensor<1x5x6xf32>) -> tensor<1x3x6xf32> {
  %sq = vit.constant dense<[1, 3, 2, 2]> : tensor<4xi64>
  %sk = vit.constant dense<[1, 5, 2, 2]> : tensor<4xi64>
  %sv = vit.constant dense<[1, 5, 2, 3]> : tensor<4xi64>
  %q4 = vit.reshape %qt, %sq : (tensor<1x3x4xf32>, tensor<4xi64>) -> tensor<1x3x2x2xf32>
  %k4 = vit.reshape %kt, %sk : (tensor<1x5x4xf32>, tensor<4xi64>) -> tensor<1x5x2x2xf32>
  %v4 = vit.reshape %vt, %sv : (tensor<1x5x6xf32>, tensor<4xi64>) -> tensor<1x5x2x3xf32>
  %q = vit.transpose %q4 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x3x2x2xf32>) -> tensor<1x2x3x2xf32>
  %k = vit.transpose %k4 {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x5x2x2xf32>) -> tensor<1x2x2x5xf32>
  %v = vit.transpose %v4 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x5x2x3xf32>) -> tensor<1x2x5x3xf32>
  %s = vit.matmul %q, %k : (tensor<1x2x3x2xf32>, tensor<1x2x2x5xf32>) -> tensor<1x2x3x5xf32>
  %c = vit.constant dense<2.0> : tensor<f32>
  %ss = vit.div %s, %c : (tensor<1x2x3x5xf32>, tensor<f32>) -> tensor<1x2x3x5xf32>
  %p = vit.softmax %ss : (tensor<1x2x3x5xf32>) -> tensor<1x2x3x5xf32>
  %o = vit.matmul %p, %v : (tensor<1x2x3x5xf32>, tensor<1x2x5x3xf32>) -> tensor<1x2x3x3xf32>
  %ot = vit.transpose %o {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x2x3x3xf32>) -> tensor<1x3x2x3xf32>
  %s3 = vit.constant dense<[1, 3, 6]> : tensor<3xi64>
  %y = vit.reshape %ot, %s3 : (tensor<1x3x2x3xf32>, tensor<3xi64>) -> tensor<1x3x6xf32>
  return %y : tensor<1x3x6xf32>
}

// -----

// A packed qkv that is not a constant-weight Linear (here an argument): its
// contiguous q, k, v channel ranges become Slices. q is taken with Slice +
// Squeeze, k and v with Gather.
// CHECK-LABEL: func.func @packed_without_linear
// CHECK-DAG: %[[AXIS:.*]] = vit.constant dense<2> : tensor<1xi64>
// CHECK-DAG: %[[C0:.*]] = vit.constant dense<0> : tensor<1xi64>
// CHECK-DAG: %[[C4:.*]] = vit.constant dense<4> : tensor<1xi64>
// CHECK-DAG: %[[C8:.*]] = vit.constant dense<8> : tensor<1xi64>
// CHECK-DAG: %[[C12:.*]] = vit.constant dense<12> : tensor<1xi64>
// CHECK-DAG: %[[Q:.*]] = vit.slice %arg0, %[[C0]], %[[C4]] axes %[[AXIS]]
// CHECK-DAG: %[[K:.*]] = vit.slice %arg0, %[[C4]], %[[C8]] axes %[[AXIS]]
// CHECK-DAG: %[[V:.*]] = vit.slice %arg0, %[[C8]], %[[C12]] axes %[[AXIS]]
// CHECK: vit.attention %[[Q]], %[[K]], %[[V]] {head_dim = 2 : i64, heads = 2 : i64, scale = 1.000000e+00 : f32}
func.func @packed_without_linear(%qkv: tensor<1x3x12xf32>) -> tensor<1x3x4xf32> {
  %s5 = vit.constant dense<[1, 3, 3, 2, 2]> : tensor<5xi64>
  %r = vit.reshape %qkv, %s5 : (tensor<1x3x12xf32>, tensor<5xi64>) -> tensor<1x3x3x2x2xf32>
  %t = vit.transpose %r {perm = array<i64: 2, 0, 3, 1, 4>} : (tensor<1x3x3x2x2xf32>) -> tensor<3x1x2x3x2xf32>
  %i1 = vit.constant dense<1> : tensor<i64>
  %i2 = vit.constant dense<2> : tensor<i64>
  %start = vit.constant dense<[0]> : tensor<1xi64>
  %end = vit.constant dense<[1]> : tensor<1xi64>
  %q5 = vit.slice %t, %start, %end axes %start : (tensor<3x1x2x3x2xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<1x1x2x3x2xf32>
  %q = vit.squeeze %q5 axes %start : (tensor<1x1x2x3x2xf32>, tensor<1xi64>) -> tensor<1x2x3x2xf32>
  %k = vit.gather %t, %i1 : (tensor<3x1x2x3x2xf32>, tensor<i64>) -> tensor<1x2x3x2xf32>
  %v = vit.gather %t, %i2 : (tensor<3x1x2x3x2xf32>, tensor<i64>) -> tensor<1x2x3x2xf32>
  %kt = vit.transpose %k {perm = array<i64: 0, 1, 3, 2>} : (tensor<1x2x3x2xf32>) -> tensor<1x2x2x3xf32>
  %s = vit.matmul %q, %kt : (tensor<1x2x3x2xf32>, tensor<1x2x2x3xf32>) -> tensor<1x2x3x3xf32>
  %p = vit.softmax %s : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %o = vit.matmul %p, %v : (tensor<1x2x3x3xf32>, tensor<1x2x3x2xf32>) -> tensor<1x2x3x2xf32>
  %ot = vit.transpose %o {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x2x3x2xf32>) -> tensor<1x3x2x2xf32>
  %s3 = vit.constant dense<[1, 3, 4]> : tensor<3xi64>
  %y = vit.reshape %ot, %s3 : (tensor<1x3x2x2xf32>, tensor<3xi64>) -> tensor<1x3x4xf32>
  return %y : tensor<1x3x4xf32>
}

// -----

// Negative: softmax over the query axis, not the keys.
// CHECK-LABEL: func.func @softmax_not_last_axis
// CHECK-NOT: vit.attention
// CHECK: vit.softmax %{{.*}} {axis = 2 : i64}
func.func @softmax_not_last_axis(%qt: tensor<1x3x4xf32>, %kt: tensor<1x3x4xf32>, %vt: tensor<1x3x4xf32>) -> (tensor<1x3x4xf32>) {
  %s4 = vit.constant dense<[1, 3, 2, 2]> : tensor<4xi64>
  %sk = vit.constant dense<[1, 3, 2, 2]> : tensor<4xi64>
  %q4 = vit.reshape %qt, %s4 : (tensor<1x3x4xf32>, tensor<4xi64>) -> tensor<1x3x2x2xf32>
  %k4 = vit.reshape %kt, %sk : (tensor<1x3x4xf32>, tensor<4xi64>) -> tensor<1x3x2x2xf32>
  %v4 = vit.reshape %vt, %s4 : (tensor<1x3x4xf32>, tensor<4xi64>) -> tensor<1x3x2x2xf32>
  %q = vit.transpose %q4 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x3x2x2xf32>) -> tensor<1x2x3x2xf32>
  %k = vit.transpose %k4 {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x3x2x2xf32>) -> tensor<1x2x2x3xf32>
  %v = vit.transpose %v4 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x3x2x2xf32>) -> tensor<1x2x3x2xf32>
  %s = vit.matmul %q, %k : (tensor<1x2x3x2xf32>, tensor<1x2x2x3xf32>) -> tensor<1x2x3x3xf32>
  %p = vit.softmax %s {axis = 2 : i64} : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %o = vit.matmul %p, %v : (tensor<1x2x3x3xf32>, tensor<1x2x3x2xf32>) -> tensor<1x2x3x2xf32>
  %ot = vit.transpose %o {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x2x3x2xf32>) -> tensor<1x3x2x2xf32>
  %s3 = vit.constant dense<[1, 3, 4]> : tensor<3xi64>
  %y = vit.reshape %ot, %s3 : (tensor<1x3x2x2xf32>, tensor<3xi64>) -> tensor<1x3x4xf32>
  return %y : tensor<1x3x4xf32>
}

// -----

// Negative: the scale is a run-time value.
// CHECK-LABEL: func.func @scale_not_constant
// CHECK-NOT: vit.attention
// CHECK: vit.softmax
func.func @scale_not_constant(%qt: tensor<1x3x4xf32>, %kt: tensor<1x3x4xf32>, %vt: tensor<1x3x4xf32>, %scale: tensor<f32>) -> (tensor<1x3x4xf32>) {
  %s4 = vit.constant dense<[1, 3, 2, 2]> : tensor<4xi64>
  %sk = vit.constant dense<[1, 3, 2, 2]> : tensor<4xi64>
  %q4 = vit.reshape %qt, %s4 : (tensor<1x3x4xf32>, tensor<4xi64>) -> tensor<1x3x2x2xf32>
  %k4 = vit.reshape %kt, %sk : (tensor<1x3x4xf32>, tensor<4xi64>) -> tensor<1x3x2x2xf32>
  %v4 = vit.reshape %vt, %s4 : (tensor<1x3x4xf32>, tensor<4xi64>) -> tensor<1x3x2x2xf32>
  %q = vit.transpose %q4 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x3x2x2xf32>) -> tensor<1x2x3x2xf32>
  %k = vit.transpose %k4 {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x3x2x2xf32>) -> tensor<1x2x2x3xf32>
  %v = vit.transpose %v4 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x3x2x2xf32>) -> tensor<1x2x3x2xf32>
  %s = vit.matmul %q, %k : (tensor<1x2x3x2xf32>, tensor<1x2x2x3xf32>) -> tensor<1x2x3x3xf32>
  %ss = vit.mul %s, %scale : (tensor<1x2x3x3xf32>, tensor<f32>) -> tensor<1x2x3x3xf32>
  %p = vit.softmax %ss : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %o = vit.matmul %p, %v : (tensor<1x2x3x3xf32>, tensor<1x2x3x2xf32>) -> tensor<1x2x3x2xf32>
  %ot = vit.transpose %o {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x2x3x2xf32>) -> tensor<1x3x2x2xf32>
  %s3 = vit.constant dense<[1, 3, 4]> : tensor<3xi64>
  %y = vit.reshape %ot, %s3 : (tensor<1x3x2x2xf32>, tensor<3xi64>) -> tensor<1x3x4xf32>
  return %y : tensor<1x3x4xf32>
}

// -----

// Negative: the scaled scores are also a function result.
// CHECK-LABEL: func.func @scores_used_twice
// CHECK-NOT: vit.attention
// CHECK: vit.softmax
func.func @scores_used_twice(%qt: tensor<1x3x4xf32>, %kt: tensor<1x3x4xf32>, %vt: tensor<1x3x4xf32>) -> (tensor<1x3x4xf32>, tensor<1x2x3x3xf32>) {
  %s4 = vit.constant dense<[1, 3, 2, 2]> : tensor<4xi64>
  %sk = vit.constant dense<[1, 3, 2, 2]> : tensor<4xi64>
  %q4 = vit.reshape %qt, %s4 : (tensor<1x3x4xf32>, tensor<4xi64>) -> tensor<1x3x2x2xf32>
  %k4 = vit.reshape %kt, %sk : (tensor<1x3x4xf32>, tensor<4xi64>) -> tensor<1x3x2x2xf32>
  %v4 = vit.reshape %vt, %s4 : (tensor<1x3x4xf32>, tensor<4xi64>) -> tensor<1x3x2x2xf32>
  %q = vit.transpose %q4 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x3x2x2xf32>) -> tensor<1x2x3x2xf32>
  %k = vit.transpose %k4 {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x3x2x2xf32>) -> tensor<1x2x2x3xf32>
  %v = vit.transpose %v4 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x3x2x2xf32>) -> tensor<1x2x3x2xf32>
  %s = vit.matmul %q, %k : (tensor<1x2x3x2xf32>, tensor<1x2x2x3xf32>) -> tensor<1x2x3x3xf32>
  %c = vit.constant dense<0.5> : tensor<f32>
  %ss = vit.mul %s, %c : (tensor<1x2x3x3xf32>, tensor<f32>) -> tensor<1x2x3x3xf32>
  %p = vit.softmax %ss : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %o = vit.matmul %p, %v : (tensor<1x2x3x3xf32>, tensor<1x2x3x2xf32>) -> tensor<1x2x3x2xf32>
  %ot = vit.transpose %o {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x2x3x2xf32>) -> tensor<1x3x2x2xf32>
  %s3 = vit.constant dense<[1, 3, 4]> : tensor<3xi64>
  %y = vit.reshape %ot, %s3 : (tensor<1x3x2x2xf32>, tensor<3xi64>) -> tensor<1x3x4xf32>
  return %y, %ss : tensor<1x3x4xf32>, tensor<1x2x3x3xf32>
}

// -----

// Negative: q has two heads, k one (broadcast by the MatMul).
// CHECK-LABEL: func.func @heads_mismatch
// CHECK-NOT: vit.attention
// CHECK: vit.softmax
func.func @heads_mismatch(%qt: tensor<1x3x4xf32>, %kt: tensor<1x3x2xf32>, %vt: tensor<1x3x4xf32>) -> (tensor<1x3x4xf32>) {
  %s4 = vit.constant dense<[1, 3, 2, 2]> : tensor<4xi64>
  %sk = vit.constant dense<[1, 3, 1, 2]> : tensor<4xi64>
  %q4 = vit.reshape %qt, %s4 : (tensor<1x3x4xf32>, tensor<4xi64>) -> tensor<1x3x2x2xf32>
  %k4 = vit.reshape %kt, %sk : (tensor<1x3x2xf32>, tensor<4xi64>) -> tensor<1x3x1x2xf32>
  %v4 = vit.reshape %vt, %s4 : (tensor<1x3x4xf32>, tensor<4xi64>) -> tensor<1x3x2x2xf32>
  %q = vit.transpose %q4 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x3x2x2xf32>) -> tensor<1x2x3x2xf32>
  %k = vit.transpose %k4 {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x3x1x2xf32>) -> tensor<1x1x2x3xf32>
  %v = vit.transpose %v4 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x3x2x2xf32>) -> tensor<1x2x3x2xf32>
  %s = vit.matmul %q, %k : (tensor<1x2x3x2xf32>, tensor<1x1x2x3xf32>) -> tensor<1x2x3x3xf32>
  %p = vit.softmax %s : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %o = vit.matmul %p, %v : (tensor<1x2x3x3xf32>, tensor<1x2x3x2xf32>) -> tensor<1x2x3x2xf32>
  %ot = vit.transpose %o {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x2x3x2xf32>) -> tensor<1x3x2x2xf32>
  %s3 = vit.constant dense<[1, 3, 4]> : tensor<3xi64>
  %y = vit.reshape %ot, %s3 : (tensor<1x3x2x2xf32>, tensor<3xi64>) -> tensor<1x3x4xf32>
  return %y : tensor<1x3x4xf32>
}

// -----

// Negative: the added bias is computed from an input.
// CHECK-LABEL: func.func @bias_from_input
// CHECK-NOT: vit.attention
// CHECK: vit.softmax
func.func @bias_from_input(%qt: tensor<1x3x4xf32>, %kt: tensor<1x3x4xf32>, %vt: tensor<1x3x4xf32>, %b: tensor<1x2x3x3xf32>) -> (tensor<1x3x4xf32>) {
  %s4 = vit.constant dense<[1, 3, 2, 2]> : tensor<4xi64>
  %sk = vit.constant dense<[1, 3, 2, 2]> : tensor<4xi64>
  %q4 = vit.reshape %qt, %s4 : (tensor<1x3x4xf32>, tensor<4xi64>) -> tensor<1x3x2x2xf32>
  %k4 = vit.reshape %kt, %sk : (tensor<1x3x4xf32>, tensor<4xi64>) -> tensor<1x3x2x2xf32>
  %v4 = vit.reshape %vt, %s4 : (tensor<1x3x4xf32>, tensor<4xi64>) -> tensor<1x3x2x2xf32>
  %q = vit.transpose %q4 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x3x2x2xf32>) -> tensor<1x2x3x2xf32>
  %k = vit.transpose %k4 {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x3x2x2xf32>) -> tensor<1x2x2x3xf32>
  %v = vit.transpose %v4 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x3x2x2xf32>) -> tensor<1x2x3x2xf32>
  %s = vit.matmul %q, %k : (tensor<1x2x3x2xf32>, tensor<1x2x2x3xf32>) -> tensor<1x2x3x3xf32>
  %c = vit.constant dense<1.5> : tensor<1x2x3x3xf32>
  %bias = vit.mul %b, %c : (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %a = vit.add %s, %bias : (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %p = vit.softmax %a : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %o = vit.matmul %p, %v : (tensor<1x2x3x3xf32>, tensor<1x2x3x2xf32>) -> tensor<1x2x3x2xf32>
  %ot = vit.transpose %o {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x2x3x2xf32>) -> tensor<1x3x2x2xf32>
  %s3 = vit.constant dense<[1, 3, 4]> : tensor<3xi64>
  %y = vit.reshape %ot, %s3 : (tensor<1x3x2x2xf32>, tensor<3xi64>) -> tensor<1x3x4xf32>
  return %y : tensor<1x3x4xf32>
}
