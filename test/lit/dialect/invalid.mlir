// RUN: vitc-opt %s -split-input-file -verify-diagnostics

func.func @matmul_contraction(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) -> tensor<2x5xf32> {
  // expected-error @+1 {{contraction dims differ: 3 vs 4}}
  %0 = vit.matmul %a, %b : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

func.func @matmul_result(%a: tensor<2x3xf32>, %b: tensor<3x5xf32>) -> tensor<2x6xf32> {
  // expected-error @+1 {{result has shape [2, 6], expected [2, 5]}}
  %0 = vit.matmul %a, %b : (tensor<2x3xf32>, tensor<3x5xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @matmul_transposed_contraction(%a: tensor<3x2xf32>, %b: tensor<3x5xf32>) -> tensor<2x5xf32> {
  // expected-error @+1 {{contraction dims differ: 3 vs 5}}
  %0 = vit.matmul %a, %b {transpose_lhs = true, transpose_rhs = true} : (tensor<3x2xf32>, tensor<3x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

func.func @matmul_transposed_result(%a: tensor<4x3x2xf32>, %b: tensor<3x5xf32>) -> tensor<4x3x5xf32> {
  // expected-error @+1 {{result has shape [4, 3, 5], expected [4, 2, 5]}}
  %0 = vit.matmul %a, %b {transpose_lhs = true} : (tensor<4x3x2xf32>, tensor<3x5xf32>) -> tensor<4x3x5xf32>
  return %0 : tensor<4x3x5xf32>
}

// -----

func.func @matmul_transposed_vector(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{a transposed operand must have rank >= 2}}
  %0 = vit.matmul %a, %b {transpose_rhs = true} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @add_broadcast(%a: tensor<2x3xf32>, %b: tensor<4xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{operands don't have broadcast-compatible shapes}}
  %0 = vit.add %a, %b : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @transpose_perm(%a: tensor<2x3x4xf32>) -> tensor<3x2x4xf32> {
  // expected-error @+1 {{perm is not a permutation}}
  %0 = vit.transpose %a {perm = array<i64: 1, 1, 2>} : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
  return %0 : tensor<3x2x4xf32>
}

// -----

func.func @transpose_result(%a: tensor<2x3x4xf32>) -> tensor<3x2x4xf32> {
  // expected-error @+1 {{result has shape [3, 2, 4], expected [4, 3, 2]}}
  %0 = vit.transpose %a : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
  return %0 : tensor<3x2x4xf32>
}

// -----

func.func @conv_channels(%x: tensor<1x3x8x8xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{input channels 3 != weight channels 2 x group 1}}
  %0 = vit.conv %x, %w : (tensor<1x3x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_output(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+1 {{result has shape [1, 4, 8, 8], expected [1, 4, 3, 3]}}
  %0 = vit.conv %x, %w {strides = array<i64: 2, 2>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

func.func @layer_norm_axis(%x: tensor<2x8xf32>, %s: tensor<8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{axis 2 out of range for rank 2}}
  %0 = vit.layer_norm %x, %s {axis = 2 : i64} : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @layer_norm_scale(%x: tensor<2x8xf32>, %s: tensor<4xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{scale and bias must broadcast to the normalised dims}}
  %0 = vit.layer_norm %x, %s : (tensor<2x8xf32>, tensor<4xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @reshape_count(%x: tensor<2x8xf32>) -> tensor<4x5xf32> {
  %shape = vit.constant dense<[4, 5]> : tensor<2xi64>
  // expected-error @+1 {{reshape from 16 to 20 elements}}
  %0 = vit.reshape %x, %shape : (tensor<2x8xf32>, tensor<2xi64>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

func.func @concat_dims(%a: tensor<2x3xf32>, %b: tensor<4x4xf32>) -> tensor<6x3xf32> {
  // expected-error @+1 {{inputs differ in dim 1 outside the axis}}
  %0 = vit.concat %a, %b {axis = 0 : i64} : (tensor<2x3xf32>, tensor<4x4xf32>) -> tensor<6x3xf32>
  return %0 : tensor<6x3xf32>
}

// -----

func.func @gather_rank(%x: tensor<5x4xf32>, %i: tensor<3xi64>) -> tensor<3xf32> {
  // expected-error @+1 {{result has shape [3], expected [3, 4]}}
  %0 = vit.gather %x, %i : (tensor<5x4xf32>, tensor<3xi64>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @compare_result(%a: tensor<2xf32>, %b: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{result #0 must be ranked tensor of 1-bit signless integer values}}
  %0 = vit.less %a, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @gelu_mode(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{approximate must be "none" or "tanh", got "fast"}}
  %0 = vit.gelu %a {approximate = "fast"} : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @split_sizes(%x: tensor<6x2xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>) {
  // expected-error @+1 {{result sizes along the axis add up to 4, input has 6}}
  %0:2 = vit.split %x : (tensor<6x2xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>)
  return %0#0, %0#1 : tensor<2x2xf32>, tensor<2x2xf32>
}

// -----

func.func @depth_to_space_mode(%x: tensor<1x8x2x2xf32>) -> tensor<1x2x4x4xf32> {
  // expected-error @+1 {{mode must be DCR or CRD}}
  %0 = vit.depth_to_space %x {blocksize = 2 : i64, mode = "XYZ"} : (tensor<1x8x2x2xf32>) -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}

// -----

func.func @linear_features(%x: tensor<4x16xf32>, %w: tensor<8x12xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{input features 16 differ from weight's 12}}
  %0 = vit.linear %x, %w : (tensor<4x16xf32>, tensor<8x12xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @cast_type(%x: tensor<4xf32>) -> tensor<4xi32> {
  // expected-error @+1 {{result element type 'i32' differs from `to` 'i64'}}
  %0 = vit.cast %x {to = i64} : (tensor<4xf32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}
