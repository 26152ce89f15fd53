// RUN: vitc-opt %s | vitc-opt | FileCheck %s
// Every op prints in its custom form and parses back.

// CHECK-LABEL: func.func @ops
func.func @ops(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>,
               %t: tensor<2x5x16xf32>, %lw: tensor<8x16xf32>, %lb: tensor<8xf32>)
    -> (tensor<1x4x6x6xf32>, tensor<2x5x8xf32>, tensor<2x16x5xf32>, tensor<1x1x16x16xf32>) {
  // CHECK: vit.conv %{{.*}}, %{{.*}}, %{{.*}} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x6x6xf32>
  %0 = vit.conv %x, %w, %b {group = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x6x6xf32>
  // CHECK: vit.linear %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x5x16xf32>, tensor<8x16xf32>, tensor<8xf32>) -> tensor<2x5x8xf32>
  %1 = vit.linear %t, %lw, %lb : (tensor<2x5x16xf32>, tensor<8x16xf32>, tensor<8xf32>) -> tensor<2x5x8xf32>
  // CHECK: vit.gelu %{{.*}} {approximate = "tanh"}
  %2 = vit.gelu %1 {approximate = "tanh"} : (tensor<2x5x8xf32>) -> tensor<2x5x8xf32>
  // CHECK: vit.layer_norm %{{.*}}, %{{.*}} {epsilon = 9.99999997E-7 : f32}
  %3 = vit.layer_norm %2, %lb {epsilon = 1.0e-6 : f32} : (tensor<2x5x8xf32>, tensor<8xf32>) -> tensor<2x5x8xf32>
  // CHECK: vit.transpose %{{.*}} {perm = array<i64: 0, 2, 1>}
  %4 = vit.transpose %t {perm = array<i64: 0, 2, 1>} : (tensor<2x5x16xf32>) -> tensor<2x16x5xf32>
  %starts = vit.constant dense<[0]> : tensor<1xi64>
  %ends = vit.constant dense<[1]> : tensor<1xi64>
  %axes = vit.constant dense<[1]> : tensor<1xi64>
  // CHECK: vit.slice %{{.*}}, %{{.*}}, %{{.*}} axes %{{.*}} : (tensor<1x4x6x6xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<1x1x6x6xf32>
  %5 = vit.slice %0, %starts, %ends axes %axes : (tensor<1x4x6x6xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<1x1x6x6xf32>
  %sizes = vit.constant dense<[1, 1, 16, 16]> : tensor<4xi64>
  // CHECK: vit.resize %{{.*}} sizes %{{.*}} {mode = "linear"}
  %6 = vit.resize %5 sizes %sizes {mode = "linear"} : (tensor<1x1x6x6xf32>, tensor<4xi64>) -> tensor<1x1x16x16xf32>
  // CHECK: vit.clip %{{.*}} max %{{.*}}
  %six = vit.constant dense<6.0> : tensor<f32>
  %7 = vit.clip %6 max %six : (tensor<1x1x16x16xf32>, tensor<f32>) -> tensor<1x1x16x16xf32>
  return %0, %3, %4, %7 : tensor<1x4x6x6xf32>, tensor<2x5x8xf32>, tensor<2x16x5xf32>, tensor<1x1x16x16xf32>
}

// The transpose flags of vit.matmul print when set and are elided when false.
// CHECK-LABEL: func.func @matmul_transposed
// CHECK: vit.matmul %{{.*}}, %{{.*}} {transpose_lhs = true, transpose_rhs = true} : (tensor<2x16x5xf32>, tensor<2x3x16xf32>) -> tensor<2x5x3xf32>
// CHECK: vit.matmul %{{.*}}, %{{.*}} : (tensor<2x5x16xf32>, tensor<16x3xf32>) -> tensor<2x5x3xf32>
func.func @matmul_transposed(%a: tensor<2x16x5xf32>, %b: tensor<2x3x16xf32>, %c: tensor<2x5x16xf32>,
                             %d: tensor<16x3xf32>) -> (tensor<2x5x3xf32>, tensor<2x5x3xf32>) {
  %0 = vit.matmul %a, %b {transpose_lhs = true, transpose_rhs = true} : (tensor<2x16x5xf32>, tensor<2x3x16xf32>) -> tensor<2x5x3xf32>
  %1 = vit.matmul %c, %d {transpose_lhs = false} : (tensor<2x5x16xf32>, tensor<16x3xf32>) -> tensor<2x5x3xf32>
  return %0, %1 : tensor<2x5x3xf32>, tensor<2x5x3xf32>
}

// CHECK-LABEL: func.func @attention
// CHECK: vit.attention %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {head_dim = 8 : i64, heads = 2 : i64, scale = 0.353553385 : f32} : (tensor<4x5x16xf32>, tensor<4x7x16xf32>, tensor<4x7x6xf32>, tensor<2x2x5x7xf32>) -> tensor<4x5x6xf32>
// CHECK: vit.attention %{{.*}}, %{{.*}}, %{{.*}} {head_dim = 8 : i64, heads = 2 : i64, scale = 1.000000e+00 : f32} : (tensor<4x5x16xf32>, tensor<4x7x16xf32>, tensor<4x7x6xf32>) -> tensor<4x5x6xf32>
func.func @attention(%q: tensor<4x5x16xf32>, %k: tensor<4x7x16xf32>, %v: tensor<4x7x6xf32>,
                     %bias: tensor<2x2x5x7xf32>) -> (tensor<4x5x6xf32>, tensor<4x5x6xf32>) {
  %0 = vit.attention %q, %k, %v, %bias {heads = 2 : i64, head_dim = 8 : i64, scale = 0.353553385 : f32} : (tensor<4x5x16xf32>, tensor<4x7x16xf32>, tensor<4x7x6xf32>, tensor<2x2x5x7xf32>) -> tensor<4x5x6xf32>
  %1 = vit.attention %q, %k, %v {heads = 2 : i64, head_dim = 8 : i64, scale = 1.0 : f32} : (tensor<4x5x16xf32>, tensor<4x7x16xf32>, tensor<4x7x6xf32>) -> tensor<4x5x6xf32>
  return %0, %1 : tensor<4x5x6xf32>, tensor<4x5x6xf32>
}
