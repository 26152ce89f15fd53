// RUN: vitc-opt %s -split-input-file --vit-fuse-gelu | FileCheck %s

// nn.GELU() as torch.onnx exports it: (x * (1 + erf(x / sqrt(2)))) * 0.5.
// CHECK-LABEL: func.func @erf_torch
// CHECK-NEXT: %[[Y:.*]] = vit.gelu %arg0 : (tensor<2x8xf32>) -> tensor<2x8xf32>
// CHECK-NEXT: return %[[Y]]
func.func @erf_torch(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %sqrt2 = vit.constant dense<1.41421354> : tensor<f32>
  %one = vit.constant dense<1.0> : tensor<f32>
  %half = vit.constant dense<0.5> : tensor<f32>
  %0 = vit.div %x, %sqrt2 : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %1 = vit.erf %0 : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %2 = vit.add %1, %one : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %3 = vit.mul %x, %2 : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %4 = vit.mul %3, %half : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  return %4 : tensor<2x8xf32>
}

// -----

// (x * 0.5) * (1 + erf(x * 0.7071...)), constants first and as [1] splats.
// CHECK-LABEL: func.func @erf_half_first
// CHECK-NEXT: %[[Y:.*]] = vit.gelu %arg0 : (tensor<2x8xf32>) -> tensor<2x8xf32>
// CHECK-NEXT: return %[[Y]]
func.func @erf_half_first(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %rsqrt2 = vit.constant dense<0.707106769> : tensor<1xf32>
  %one = vit.constant dense<1.0> : tensor<1xf32>
  %half = vit.constant dense<0.5> : tensor<1xf32>
  %0 = vit.mul %rsqrt2, %x : (tensor<1xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %1 = vit.erf %0 : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %2 = vit.add %one, %1 : (tensor<1xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %h = vit.mul %half, %x : (tensor<1xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %3 = vit.mul %2, %h : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  return %3 : tensor<2x8xf32>
}

// -----

// x * ((1 + erf(x / sqrt(2))) * 0.5), and the half written as / 2.
// CHECK-LABEL: func.func @erf_half_on_sum
// CHECK-NEXT: %[[A:.*]] = vit.gelu %arg0 : (tensor<2x8xf32>) -> tensor<2x8xf32>
// CHECK-NEXT: %[[B:.*]] = vit.gelu %arg1 : (tensor<8xf32>) -> tensor<8xf32>
// CHECK-NEXT: return %[[A]], %[[B]]
func.func @erf_half_on_sum(%x: tensor<2x8xf32>, %z: tensor<8xf32>) -> (tensor<2x8xf32>, tensor<8xf32>) {
  %sqrt2 = vit.constant dense<1.41421354> : tensor<f32>
  %one = vit.constant dense<1.0> : tensor<f32>
  %half = vit.constant dense<0.5> : tensor<f32>
  %two = vit.constant dense<2.0> : tensor<f32>
  %0 = vit.div %x, %sqrt2 : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %1 = vit.erf %0 : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %2 = vit.add %1, %one : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %3 = vit.mul %2, %half : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %4 = vit.mul %x, %3 : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %5 = vit.div %z, %sqrt2 : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %6 = vit.erf %5 : (tensor<8xf32>) -> tensor<8xf32>
  %7 = vit.add %6, %one : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %8 = vit.mul %7, %z : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %9 = vit.div %8, %two : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  return %4, %9 : tensor<2x8xf32>, tensor<8xf32>
}

// -----

// nn.GELU(approximate="tanh") with Pow(x, 3).
// CHECK-LABEL: func.func @tanh_pow
// CHECK-NEXT: %[[Y:.*]] = vit.gelu %arg0 {approximate = "tanh"} : (tensor<2x8xf32>) -> tensor<2x8xf32>
// CHECK-NEXT: return %[[Y]]
func.func @tanh_pow(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %three = vit.constant dense<3.0> : tensor<f32>
  %kappa = vit.constant dense<0.044715> : tensor<f32>
  %beta = vit.constant dense<0.797884583> : tensor<f32>
  %one = vit.constant dense<1.0> : tensor<f32>
  %half = vit.constant dense<0.5> : tensor<f32>
  %c = vit.pow %x, %three : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %k = vit.mul %c, %kappa : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %s = vit.add %x, %k : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %i = vit.mul %s, %beta : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %t = vit.tanh %i : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %o = vit.add %one, %t : (tensor<f32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %h = vit.mul %x, %half : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %y = vit.mul %h, %o : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

// Tanh form with x * x * x, constants on the left, sum operands swapped.
// CHECK-LABEL: func.func @tanh_cube_mul
// CHECK-NEXT: %[[Y:.*]] = vit.gelu %arg0 {approximate = "tanh"} : (tensor<2x8xf32>) -> tensor<2x8xf32>
// CHECK-NEXT: return %[[Y]]
func.func @tanh_cube_mul(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %kappa = vit.constant dense<0.044715> : tensor<f32>
  %beta = vit.constant dense<0.797884583> : tensor<f32>
  %one = vit.constant dense<1.0> : tensor<f32>
  %half = vit.constant dense<0.5> : tensor<f32>
  %sq = vit.mul %x, %x : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %c = vit.mul %x, %sq : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %k = vit.mul %kappa, %c : (tensor<f32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %s = vit.add %k, %x : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %i = vit.mul %beta, %s : (tensor<f32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %t = vit.tanh %i : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %o = vit.add %t, %one : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %m = vit.mul %o, %x : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %y = vit.mul %half, %m : (tensor<f32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

// Constants off by more than 1e-6 relative: 1.4142 for sqrt(2), 0.05 for
// 0.044715.
// CHECK-LABEL: func.func @wrong_constants
// CHECK-NOT: vit.gelu
// CHECK: vit.erf
// CHECK: vit.tanh
// CHECK-NOT: vit.gelu
func.func @wrong_constants(%x: tensor<2x8xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>) {
  %sqrt2 = vit.constant dense<1.4142> : tensor<f32>
  %one = vit.constant dense<1.0> : tensor<f32>
  %half = vit.constant dense<0.5> : tensor<f32>
  %0 = vit.div %x, %sqrt2 : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %1 = vit.erf %0 : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %2 = vit.add %1, %one : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %3 = vit.mul %x, %2 : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %4 = vit.mul %3, %half : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %three = vit.constant dense<3.0> : tensor<f32>
  %kappa = vit.constant dense<0.05> : tensor<f32>
  %beta = vit.constant dense<0.797884583> : tensor<f32>
  %c = vit.pow %x, %three : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %k = vit.mul %c, %kappa : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %s = vit.add %x, %k : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %i = vit.mul %s, %beta : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %t = vit.tanh %i : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %o = vit.add %one, %t : (tensor<f32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %h = vit.mul %x, %half : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %y = vit.mul %h, %o : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  return %4, %y : tensor<2x8xf32>, tensor<2x8xf32>
}

// -----

// The erf result has another user.
// CHECK-LABEL: func.func @erf_second_user
// CHECK-NOT: vit.gelu
// CHECK: vit.erf
func.func @erf_second_user(%x: tensor<2x8xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>) {
  %sqrt2 = vit.constant dense<1.41421354> : tensor<f32>
  %one = vit.constant dense<1.0> : tensor<f32>
  %half = vit.constant dense<0.5> : tensor<f32>
  %0 = vit.div %x, %sqrt2 : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %1 = vit.erf %0 : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %2 = vit.add %1, %one : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %3 = vit.mul %x, %2 : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %4 = vit.mul %3, %half : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  return %4, %1 : tensor<2x8xf32>, tensor<2x8xf32>
}

// -----

// The product x * (1 + erf) has another user (the 0.5 comes after it).
// CHECK-LABEL: func.func @product_second_user
// CHECK-NOT: vit.gelu
// CHECK: vit.erf
func.func @product_second_user(%x: tensor<2x8xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>) {
  %sqrt2 = vit.constant dense<1.41421354> : tensor<f32>
  %one = vit.constant dense<1.0> : tensor<f32>
  %half = vit.constant dense<0.5> : tensor<f32>
  %0 = vit.div %x, %sqrt2 : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %1 = vit.erf %0 : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %2 = vit.add %1, %one : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %3 = vit.mul %x, %2 : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %4 = vit.mul %3, %half : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  return %4, %3 : tensor<2x8xf32>, tensor<2x8xf32>
}

// -----

// The outer product uses another value than the erf's x; a half constant
// that broadcasts the result to a larger shape is not a GELU either.
// CHECK-LABEL: func.func @not_gelu
// CHECK-NOT: vit.gelu
// CHECK: vit.erf
// CHECK: vit.erf
// CHECK-NOT: vit.gelu
func.func @not_gelu(%x: tensor<2x8xf32>, %z: tensor<2x8xf32>) -> (tensor<2x8xf32>, tensor<3x2x8xf32>) {
  %sqrt2 = vit.constant dense<1.41421354> : tensor<f32>
  %one = vit.constant dense<1.0> : tensor<f32>
  %half = vit.constant dense<0.5> : tensor<f32>
  %half3 = vit.constant dense<0.5> : tensor<3x1x1xf32>
  %0 = vit.div %x, %sqrt2 : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %1 = vit.erf %0 : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %2 = vit.add %1, %one : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %3 = vit.mul %z, %2 : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %4 = vit.mul %3, %half : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %5 = vit.div %z, %sqrt2 : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %6 = vit.erf %5 : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %7 = vit.add %6, %one : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %8 = vit.mul %z, %7 : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %9 = vit.mul %8, %half3 : (tensor<2x8xf32>, tensor<3x1x1xf32>) -> tensor<3x2x8xf32>
  return %4, %9 : tensor<2x8xf32>, tensor<3x2x8xf32>
}
