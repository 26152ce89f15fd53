// RUN: vitc-opt %s --npu-fuse-epilogue | FileCheck %s

!q = !quant.uniform<i8:f32, 0.5>
!g = !quant.uniform<i8:f32, 0.25:-100>

// The table moves into the GEMM's output stage: the GEMM now writes the
// table's quantisation and records the one the table reads (table_input);
// the table constant moves above the GEMM.
// CHECK-LABEL: func.func @fused
// CHECK: %[[T:.*]] = vit.constant dense<7> : tensor<256xi8>
// CHECK: %[[Y:.*]] = npu.gemm %arg0, %{{.*}} table %[[T]] {{{.*}}table_input = !quant.uniform<i8:f32, 5.000000e-01>} : {{.*}} -> tensor<1x4x8x!quant.uniform<i8:f32, 2.500000e-01:-100>>
// CHECK-NOT: npu.lut
// CHECK: return %[[Y]]
func.func @fused(%x: tensor<1x4x8x!q>) -> tensor<1x4x8x!g> {
  %w = vit.constant dense<1> : tensor<8x8xi8>
  %y = npu.gemm %x, %w {multipliers = array<i32: 1073741824>, shifts = array<i32: 0>} : (tensor<1x4x8x!q>, tensor<8x8xi8>) -> tensor<1x4x8x!q>
  %t = vit.constant dense<7> : tensor<256xi8>
  %z = npu.lut %y, %t : (tensor<1x4x8x!q>, tensor<256xi8>) -> tensor<1x4x8x!g>
  return %z : tensor<1x4x8x!g>
}

// A GEMM result that another op also reads keeps its own quantisation: no fusion.
// CHECK-LABEL: func.func @shared
// CHECK: npu.gemm %arg0, %{{.*}} {multipliers
// CHECK: npu.lut
func.func @shared(%x: tensor<1x4x8x!q>) -> (tensor<1x4x8x!g>, tensor<1x4x8x!q>) {
  %w = vit.constant dense<1> : tensor<8x8xi8>
  %y = npu.gemm %x, %w {multipliers = array<i32: 1073741824>, shifts = array<i32: 0>} : (tensor<1x4x8x!q>, tensor<8x8xi8>) -> tensor<1x4x8x!q>
  %t = vit.constant dense<7> : tensor<256xi8>
  %z = npu.lut %y, %t : (tensor<1x4x8x!q>, tensor<256xi8>) -> tensor<1x4x8x!g>
  return %z, %y : tensor<1x4x8x!g>, tensor<1x4x8x!q>
}
