// RUN: vitc-opt %s -split-input-file --vit-quantize | FileCheck %s

// A Linear -> GELU -> Reshape chain with calibration annotations. The input
// range [-1, 1] gives scale 2/255 and zero point 0 (docs/quantization.md);
// the weight becomes per-channel INT8 behind quant.scast (scale max|w|/127; the
// all-zero channel 1 gets scale 1), the bias int32 at s_x*s_w (0.1 / (s_x*s_w[0])
// = 1619.2 -> 1619); the
// Reshape moves integers, so it shares the GELU output's parameters (their
// range union [-0.25, 2.5]: scale 2.75/255, zero point -128 + rha(23.18) = -105).
// CHECK-LABEL: func.func @linear_gelu_reshape
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x8xf32>) -> tensor<1x2x8xf32>
// CHECK: %[[XQ:.*]] = "quant.qcast"(%[[X]]) : (tensor<1x4x8xf32>) -> tensor<1x4x8x!quant.uniform<i8:f32, 0.0078431377187371254>>
// CHECK: %[[WI:.*]] = vit.constant dense_resource<q.weight> : tensor<4x8xi8>
// CHECK: %[[W:.*]] = "quant.scast"(%[[WI]]) : (tensor<4x8xi8>) -> tensor<4x8x!quant.uniform<i8<-127:127>:f32:0, {0.0078740157186985015,1.000000e+00,0.015748031437397003,0.0062992125749588013}>>
// CHECK: %[[BI:.*]] = vit.constant dense<[1619, 25, -2429, 8096]> : tensor<4xi32>
// CHECK: %[[B:.*]] = "quant.scast"(%[[BI]]) : (tensor<4xi32>) -> tensor<4x!quant.uniform<i32:f32:0, {{{.*}}}>>
// CHECK: %[[L:.*]] = vit.linear %[[XQ]], %[[W]], %[[B]] : {{.*}} -> tensor<1x4x4x!quant.uniform<i8:f32, {{.*}}>>
// CHECK: %[[G:.*]] = vit.gelu %[[L]] : (tensor<1x4x4x!quant.uniform<i8:f32, {{.*}}>>) -> tensor<1x4x4x!quant.uniform<i8:f32, 0.010784314014017582:-105>>
// CHECK: %[[R:.*]] = vit.reshape %[[G]], %{{.*}} : (tensor<1x4x4x!quant.uniform<i8:f32, 0.010784314014017582:-105>>, tensor<3xi64>) -> tensor<1x2x8x!quant.uniform<i8:f32, 0.010784314014017582:-105>>
// CHECK: %[[Y:.*]] = "quant.dcast"(%[[R]]) : (tensor<1x2x8x!quant.uniform<i8:f32, 0.010784314014017582:-105>>) -> tensor<1x2x8xf32>
// CHECK: return %[[Y]]
// CHECK-NOT: vit.act_
// CHECK-NOT: tensor<4x8xf32>
// CHECK: q.weight: "0x4000000040E010007F815F4000000000000000007F4081201008E05F102030404F5F6F7F"
func.func @linear_gelu_reshape(%x: tensor<1x4x8xf32> {vit.act_range = array<f32: -1.0, 1.0>})
    -> tensor<1x2x8xf32> {
  %w = vit.constant dense<[[0.5, -0.25, 0.125, 0.0, 1.0, -1.0, 0.75, 0.5],
                           [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                           [2.0, 1.0, -2.0, 0.5, 0.25, 0.125, -0.5, 1.5],
                           [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]]> : tensor<4x8xf32>
  %b = vit.constant dense<[0.1, 0.2, -0.3, 0.4]> : tensor<4xf32>
  %0 = vit.linear %x, %w, %b {vit.act_ranges = array<f32: -3.0, 4.0>}
      : (tensor<1x4x8xf32>, tensor<4x8xf32>, tensor<4xf32>) -> tensor<1x4x4xf32>
  %1 = vit.gelu %0 {vit.act_ranges = array<f32: -0.2, 2.5>} : (tensor<1x4x4xf32>) -> tensor<1x4x4xf32>
  %s = vit.constant dense<[1, 2, 8]> : tensor<3xi64>
  %2 = vit.reshape %1, %s {vit.act_ranges = array<f32: -0.25, 2.0>}
      : (tensor<1x4x4xf32>, tensor<3xi64>) -> tensor<1x2x8xf32>
  return %2 : tensor<1x2x8xf32>
}

// -----

// INT16 activations are symmetric (zero point 0, range +-32767); a value
// without a calibrated range stays fp32 (its producer runs on the PPU model).
// CHECK-LABEL: func.func @int16_and_unannotated
// CHECK: "quant.qcast"(%arg0) : (tensor<4xf32>) -> tensor<4x!quant.uniform<i16<-32767:32767>:f32, {{.*}}>>
// CHECK: vit.relu %{{.*}} : (tensor<4x!quant.uniform<i16<-32767:32767>:f32, {{.*}}>>) -> tensor<4xf32>
func.func @int16_and_unannotated(%x: tensor<4xf32> {vit.act_range = array<f32: -2.0, 3.0>,
                                                    vit.act_bits = 16 : i64}) -> tensor<4xf32> {
  %0 = vit.relu %x : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Concat of a constant class token and activations: one parameter set for
// the whole concat, the constant quantised with it; Add's constant operand
// (a position embedding) gets its own per-tensor parameters.
// CHECK-LABEL: func.func @concat_add
// CHECK: %[[T:.*]] = "quant.scast"(%{{.*}}) : (tensor<1x1x2xi8>) -> tensor<1x1x2x!quant.uniform<i8:f32, [[CAT:.*]]>>
// CHECK: %[[C:.*]] = vit.concat %[[T]], %{{.*}} {axis = 1 : i64} : (tensor<1x1x2x!quant.uniform<i8:f32, [[CAT]]>>, tensor<1x3x2x!quant.uniform<i8:f32, [[CAT]]>>) -> tensor<1x4x2x!quant.uniform<i8:f32, [[CAT]]>>
// CHECK: %[[P:.*]] = "quant.scast"(%{{.*}}) : (tensor<1x4x2xi8>) -> tensor<1x4x2x!quant.uniform<i8:f32, {{.*}}>>
// CHECK: vit.add %[[C]], %[[P]]
func.func @concat_add(%x: tensor<1x3x2xf32> {vit.act_range = array<f32: -1.0, 1.0>}) -> tensor<1x4x2xf32> {
  %token = vit.constant dense<[[[0.5, -0.5]]]> : tensor<1x1x2xf32>
  %0 = vit.concat %token, %x {axis = 1 : i64, vit.act_ranges = array<f32: -1.0, 1.0>}
      : (tensor<1x1x2xf32>, tensor<1x3x2xf32>) -> tensor<1x4x2xf32>
  %pos = vit.constant dense<[[[0.1, 0.2], [0.3, 0.4], [-0.1, -0.2], [0.0, 0.05]]]> : tensor<1x4x2xf32>
  %1 = vit.add %0, %pos {vit.act_ranges = array<f32: -1.5, 1.5>}
      : (tensor<1x4x2xf32>, tensor<1x4x2xf32>) -> tensor<1x4x2xf32>
  return %1 : tensor<1x4x2xf32>
}
