// RUN: vitc-opt %s -split-input-file --vit-fuse-linear | FileCheck %s

// MatMul by a constant [K, N] weight plus a constant [N] bias: one Linear with
// the weight stored transposed, [N, K].
// CHECK-LABEL: func.func @matmul_add
// CHECK-DAG: %[[W:.*]] = vit.constant dense<{{\[\[}}1.000000e+00, 3.000000e+00, 5.000000e+00], [2.000000e+00, 4.000000e+00, 6.000000e+00]]> : tensor<2x3xf32>
// CHECK-DAG: %[[B:.*]] = vit.constant dense<[5.000000e-01, -1.000000e+00]> : tensor<2xf32>
// CHECK: %[[Y:.*]] = vit.linear %arg0, %[[W]], %[[B]] : (tensor<4x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<4x2xf32>
// CHECK-NEXT: return %[[Y]]
func.func @matmul_add(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %w = vit.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %b = vit.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %m = vit.matmul %x, %w : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  %y = vit.add %m, %b : (tensor<4x2xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// Rank-3 input, bias first and shaped [1, 1, N] (as some exports write it).
// CHECK-LABEL: func.func @rank3_bias_first
// CHECK-DAG: %[[B:.*]] = vit.constant dense<[5.000000e-01, -1.000000e+00]> : tensor<2xf32>
// CHECK: %[[Y:.*]] = vit.linear %arg0, %{{.*}}, %[[B]] : (tensor<2x4x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<2x4x2xf32>
// CHECK-NOT: vit.add
// CHECK-NOT: vit.matmul
func.func @rank3_bias_first(%x: tensor<2x4x3xf32>) -> tensor<2x4x2xf32> {
  %w = vit.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %b = vit.constant dense<[[[0.5, -1.0]]]> : tensor<1x1x2xf32>
  %m = vit.matmul %x, %w : (tensor<2x4x3xf32>, tensor<3x2xf32>) -> tensor<2x4x2xf32>
  %y = vit.add %b, %m : (tensor<1x1x2xf32>, tensor<2x4x2xf32>) -> tensor<2x4x2xf32>
  return %y : tensor<2x4x2xf32>
}

// -----

// No Add: a Linear without bias. A weight over 16 elements becomes a blob.
// CHECK-LABEL: func.func @no_bias_blob
// CHECK: %[[W:.*]] = vit.constant dense_resource<{{.*}}> : tensor<6x3xf32>
// CHECK: vit.linear %arg0, %[[W]] : (tensor<4x3xf32>, tensor<6x3xf32>) -> tensor<4x6xf32>
func.func @no_bias_blob(%x: tensor<4x3xf32>) -> tensor<4x6xf32> {
  %w = vit.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [7.0, 8.0, 9.0, 10.0, 11.0, 12.0], [13.0, 14.0, 15.0, 16.0, 17.0, 18.0]]> : tensor<3x6xf32>
  %m = vit.matmul %x, %w : (tensor<4x3xf32>, tensor<3x6xf32>) -> tensor<4x6xf32>
  return %m : tensor<4x6xf32>
}

// -----

// The Add is a residual (non-constant operand): Linear without bias, Add kept.
// CHECK-LABEL: func.func @residual_add
// CHECK: %[[L:.*]] = vit.linear %arg0, %{{[^,]*}} : (tensor<4x3xf32>, tensor<2x3xf32>) -> tensor<4x2xf32>
// CHECK: vit.add %[[L]], %arg1
func.func @residual_add(%x: tensor<4x3xf32>, %r: tensor<4x2xf32>) -> tensor<4x2xf32> {
  %w = vit.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %m = vit.matmul %x, %w : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  %y = vit.add %m, %r : (tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// A constant that varies along rows is not a bias: the Add stays.
// CHECK-LABEL: func.func @row_bias
// CHECK: %[[L:.*]] = vit.linear %arg0, %{{[^,]*}} : (tensor<4x3xf32>, tensor<2x3xf32>) -> tensor<4x2xf32>
// CHECK: vit.add %[[L]], %{{.*}} : (tensor<4x2xf32>, tensor<4x1xf32>)
func.func @row_bias(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %w = vit.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %b = vit.constant dense<[[1.0], [2.0], [3.0], [4.0]]> : tensor<4x1xf32>
  %m = vit.matmul %x, %w : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  %y = vit.add %m, %b : (tensor<4x2xf32>, tensor<4x1xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// A bias that would broadcast the product to a larger shape stays an Add.
// CHECK-LABEL: func.func @broadcasting_bias
// CHECK: %[[L:.*]] = vit.linear %arg0, %{{[^,]*}} : (tensor<4x3xf32>, tensor<2x3xf32>) -> tensor<4x2xf32>
// CHECK: vit.add %[[L]], %{{.*}} : (tensor<4x2xf32>, tensor<5x1x2xf32>) -> tensor<5x4x2xf32>
func.func @broadcasting_bias(%x: tensor<4x3xf32>) -> tensor<5x4x2xf32> {
  %w = vit.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %b = vit.constant dense<1.0> : tensor<5x1x2xf32>
  %m = vit.matmul %x, %w : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  %y = vit.add %m, %b : (tensor<4x2xf32>, tensor<5x1x2xf32>) -> tensor<5x4x2xf32>
  return %y : tensor<5x4x2xf32>
}

// -----

// The product has a second user: the bias Add is not absorbed.
// CHECK-LABEL: func.func @second_user
// CHECK: %[[L:.*]] = vit.linear %arg0, %{{[^,]*}} : (tensor<4x3xf32>, tensor<2x3xf32>) -> tensor<4x2xf32>
// CHECK: %[[A:.*]] = vit.add %[[L]], %{{.*}}
// CHECK: return %[[A]], %[[L]]
func.func @second_user(%x: tensor<4x3xf32>) -> (tensor<4x2xf32>, tensor<4x2xf32>) {
  %w = vit.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %b = vit.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %m = vit.matmul %x, %w : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  %y = vit.add %m, %b : (tensor<4x2xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  return %y, %m : tensor<4x2xf32>, tensor<4x2xf32>
}

// -----

// Non-constant weights (attention's Q Kᵀ) and batched constant weights stay MatMul.
// CHECK-LABEL: func.func @not_linear
// CHECK-NOT: vit.linear
// CHECK: vit.matmul %arg0, %arg1
// CHECK: vit.matmul %arg2, %{{.*}}
// CHECK-NOT: vit.linear
func.func @not_linear(%q: tensor<2x4x3xf32>, %k: tensor<2x3x4xf32>, %x: tensor<2x4x3xf32>) -> (tensor<2x4x4xf32>, tensor<2x4x2xf32>) {
  %s = vit.matmul %q, %k : (tensor<2x4x3xf32>, tensor<2x3x4xf32>) -> tensor<2x4x4xf32>
  %w = vit.constant dense<1.0> : tensor<2x3x2xf32>
  %y = vit.matmul %x, %w : (tensor<2x4x3xf32>, tensor<2x3x2xf32>) -> tensor<2x4x2xf32>
  return %s, %y : tensor<2x4x4xf32>, tensor<2x4x2xf32>
}

// -----

// Gemm with transB = 1 (nn.Linear's layout already), alpha and beta folded.
// CHECK-LABEL: func.func @gemm_trans_b
// CHECK-DAG: %[[W:.*]] = vit.constant dense<{{\[\[}}2.000000e+00, 4.000000e+00, 6.000000e+00], [8.000000e+00, 1.000000e+01, 1.200000e+01]]> : tensor<2x3xf32>
// CHECK-DAG: %[[B:.*]] = vit.constant dense<[2.500000e-01, -5.000000e-01]> : tensor<2xf32>
// CHECK: %[[Y:.*]] = vit.linear %arg0, %[[W]], %[[B]] : (tensor<1x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<1x2xf32>
// CHECK-NEXT: return %[[Y]]
func.func @gemm_trans_b(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %w = vit.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %c = vit.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %y = vit.gemm %x, %w, %c {alpha = 2.0 : f32, beta = 0.5 : f32, transB = true} : (tensor<1x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// Gemm with transB = 0 and C of shape [1, N].
// CHECK-LABEL: func.func @gemm_c_row
// CHECK-DAG: %[[W:.*]] = vit.constant dense<{{\[\[}}1.000000e+00, 3.000000e+00, 5.000000e+00], [2.000000e+00, 4.000000e+00, 6.000000e+00]]> : tensor<2x3xf32>
// CHECK-DAG: %[[B:.*]] = vit.constant dense<[5.000000e-01, -1.000000e+00]> : tensor<2xf32>
// CHECK: vit.linear %arg0, %[[W]], %[[B]] : (tensor<4x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<4x2xf32>
func.func @gemm_c_row(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %w = vit.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %c = vit.constant dense<[[0.5, -1.0]]> : tensor<1x2xf32>
  %y = vit.gemm %x, %w, %c : (tensor<4x3xf32>, tensor<3x2xf32>, tensor<1x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// Gemm left alone: transA = 1, C varying along M, non-constant B.
// CHECK-LABEL: func.func @gemm_not_linear
// CHECK-NOT: vit.linear
// CHECK-COUNT-3: vit.gemm
// CHECK-NOT: vit.linear
func.func @gemm_not_linear(%x: tensor<3x4xf32>, %y: tensor<4x3xf32>, %b: tensor<3x2xf32>) -> (tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>) {
  %w = vit.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %c = vit.constant dense<[[1.0, 1.0], [2.0, 2.0], [3.0, 3.0], [4.0, 4.0]]> : tensor<4x2xf32>
  %g0 = vit.gemm %x, %w {transA = true} : (tensor<3x4xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  %g1 = vit.gemm %y, %w, %c : (tensor<4x3xf32>, tensor<3x2xf32>, tensor<4x2xf32>) -> tensor<4x2xf32>
  %g2 = vit.gemm %y, %b : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  return %g0, %g1, %g2 : tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>
}

// -----

// Gemm without C, and Gemm with beta = 0 (C ignored): Linear without bias.
// CHECK-LABEL: func.func @gemm_no_bias
// CHECK: vit.linear %arg0, %{{[^,]*}} : (tensor<4x3xf32>, tensor<2x3xf32>) -> tensor<4x2xf32>
// CHECK: vit.linear %arg0, %{{[^,]*}} : (tensor<4x3xf32>, tensor<2x3xf32>) -> tensor<4x2xf32>
// CHECK-NOT: vit.gemm
func.func @gemm_no_bias(%x: tensor<4x3xf32>) -> (tensor<4x2xf32>, tensor<4x2xf32>) {
  %w = vit.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %c = vit.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %g0 = vit.gemm %x, %w : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  %g1 = vit.gemm %x, %w, %c {beta = 0.0 : f32} : (tensor<4x3xf32>, tensor<3x2xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  return %g0, %g1 : tensor<4x2xf32>, tensor<4x2xf32>
}

// -----

// A matmul whose constant rhs is used transposed already holds the weight in
// Linear's [out, in] layout; a transposed lhs is not a Linear.
// CHECK-LABEL: func.func @matmul_transpose_flags
// CHECK: %[[W:.*]] = vit.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00], [5.000000e+00, 6.000000e+00]]> : tensor<3x2xf32>
// CHECK: vit.linear %arg0, %[[W]] : (tensor<4x2xf32>, tensor<3x2xf32>) -> tensor<4x3xf32>
// CHECK: vit.matmul %arg1, %{{.*}} {transpose_lhs = true}
func.func @matmul_transpose_flags(%x: tensor<4x2xf32>, %y: tensor<2x4xf32>) -> (tensor<4x3xf32>, tensor<4x3xf32>) {
  %w = vit.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %0 = vit.matmul %x, %w {transpose_rhs = true} : (tensor<4x2xf32>, tensor<3x2xf32>) -> tensor<4x3xf32>
  %w2 = vit.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %1 = vit.matmul %y, %w2 {transpose_lhs = true} : (tensor<2x4xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  return %0, %1 : tensor<4x3xf32>, tensor<4x3xf32>
}
