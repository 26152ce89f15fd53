// RUN: vitc-opt %s -split-input-file -verify-diagnostics

// vit.attention verifier: q [B, Nq, H*D], k [B, Nk, H*D], v [B, Nk, H*Dv],
// optional bias [G, H, Nq, Nk] (size-1 dims broadcast, G dividing B).

func.func @rank(%q: tensor<3x4xf32>, %k: tensor<1x3x4xf32>, %v: tensor<1x3x4xf32>) -> tensor<1x3x4xf32> {
  // expected-error @+1 {{query, key and value must be [B, N, channels]}}
  %0 = vit.attention %q, %k, %v {heads = 2 : i64, head_dim = 2 : i64, scale = 0.5 : f32} : (tensor<3x4xf32>, tensor<1x3x4xf32>, tensor<1x3x4xf32>) -> tensor<1x3x4xf32>
  return %0 : tensor<1x3x4xf32>
}

// -----

func.func @heads_positive(%q: tensor<1x3x4xf32>, %k: tensor<1x3x4xf32>, %v: tensor<1x3x4xf32>) -> tensor<1x3x4xf32> {
  // expected-error @+1 {{heads and head_dim must be positive}}
  %0 = vit.attention %q, %k, %v {heads = 0 : i64, head_dim = 2 : i64, scale = 0.5 : f32} : (tensor<1x3x4xf32>, tensor<1x3x4xf32>, tensor<1x3x4xf32>) -> tensor<1x3x4xf32>
  return %0 : tensor<1x3x4xf32>
}

// -----

func.func @query_channels(%q: tensor<1x3x4xf32>, %k: tensor<1x3x4xf32>, %v: tensor<1x3x4xf32>) -> tensor<1x3x4xf32> {
  // expected-error @+1 {{query has 4 channels, expected heads x head_dim = 6}}
  %0 = vit.attention %q, %k, %v {heads = 2 : i64, head_dim = 3 : i64, scale = 0.5 : f32} : (tensor<1x3x4xf32>, tensor<1x3x4xf32>, tensor<1x3x4xf32>) -> tensor<1x3x4xf32>
  return %0 : tensor<1x3x4xf32>
}

// -----

func.func @key_channels(%q: tensor<1x3x4xf32>, %k: tensor<1x3x6xf32>, %v: tensor<1x3x4xf32>) -> tensor<1x3x4xf32> {
  // expected-error @+1 {{key has 6 channels, expected heads x head_dim = 4}}
  %0 = vit.attention %q, %k, %v {heads = 2 : i64, head_dim = 2 : i64, scale = 0.5 : f32} : (tensor<1x3x4xf32>, tensor<1x3x6xf32>, tensor<1x3x4xf32>) -> tensor<1x3x4xf32>
  return %0 : tensor<1x3x4xf32>
}

// -----

func.func @batch(%q: tensor<2x3x4xf32>, %k: tensor<1x3x4xf32>, %v: tensor<1x3x4xf32>) -> tensor<2x3x4xf32> {
  // expected-error @+1 {{query, key and value batch dims differ}}
  %0 = vit.attention %q, %k, %v {heads = 2 : i64, head_dim = 2 : i64, scale = 0.5 : f32} : (tensor<2x3x4xf32>, tensor<1x3x4xf32>, tensor<1x3x4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

func.func @key_value_tokens(%q: tensor<1x3x4xf32>, %k: tensor<1x5x4xf32>, %v: tensor<1x3x4xf32>) -> tensor<1x3x4xf32> {
  // expected-error @+1 {{key has 5 tokens, value 3}}
  %0 = vit.attention %q, %k, %v {heads = 2 : i64, head_dim = 2 : i64, scale = 0.5 : f32} : (tensor<1x3x4xf32>, tensor<1x5x4xf32>, tensor<1x3x4xf32>) -> tensor<1x3x4xf32>
  return %0 : tensor<1x3x4xf32>
}

// -----

func.func @value_channels(%q: tensor<1x3x4xf32>, %k: tensor<1x3x4xf32>, %v: tensor<1x3x5xf32>) -> tensor<1x3x5xf32> {
  // expected-error @+1 {{value channels 5 are not divisible by heads 2}}
  %0 = vit.attention %q, %k, %v {heads = 2 : i64, head_dim = 2 : i64, scale = 0.5 : f32} : (tensor<1x3x4xf32>, tensor<1x3x4xf32>, tensor<1x3x5xf32>) -> tensor<1x3x5xf32>
  return %0 : tensor<1x3x5xf32>
}

// -----

func.func @element_type(%q: tensor<1x3x4xf32>, %k: tensor<1x3x4xf64>, %v: tensor<1x3x4xf32>) -> tensor<1x3x4xf32> {
  // expected-error @+1 {{operands and result must share one element type}}
  %0 = vit.attention %q, %k, %v {heads = 2 : i64, head_dim = 2 : i64, scale = 0.5 : f32} : (tensor<1x3x4xf32>, tensor<1x3x4xf64>, tensor<1x3x4xf32>) -> tensor<1x3x4xf32>
  return %0 : tensor<1x3x4xf32>
}

// -----

func.func @bias_rank(%q: tensor<1x3x4xf32>, %k: tensor<1x3x4xf32>, %v: tensor<1x3x4xf32>, %b: tensor<2x3x3xf32>) -> tensor<1x3x4xf32> {
  // expected-error @+1 {{bias must be [G, heads, Nq, Nk] (size-1 dims broadcast)}}
  %0 = vit.attention %q, %k, %v, %b {heads = 2 : i64, head_dim = 2 : i64, scale = 0.5 : f32} : (tensor<1x3x4xf32>, tensor<1x3x4xf32>, tensor<1x3x4xf32>, tensor<2x3x3xf32>) -> tensor<1x3x4xf32>
  return %0 : tensor<1x3x4xf32>
}

// -----

func.func @bias_heads(%q: tensor<1x3x4xf32>, %k: tensor<1x5x4xf32>, %v: tensor<1x5x4xf32>, %b: tensor<1x3x3x5xf32>) -> tensor<1x3x4xf32> {
  // expected-error @+1 {{bias [1, 3, 3, 5] does not broadcast to [G, 2, 3, 5]}}
  %0 = vit.attention %q, %k, %v, %b {heads = 2 : i64, head_dim = 2 : i64, scale = 0.5 : f32} : (tensor<1x3x4xf32>, tensor<1x5x4xf32>, tensor<1x5x4xf32>, tensor<1x3x3x5xf32>) -> tensor<1x3x4xf32>
  return %0 : tensor<1x3x4xf32>
}

// -----

func.func @bias_groups(%q: tensor<4x3x4xf32>, %k: tensor<4x3x4xf32>, %v: tensor<4x3x4xf32>, %b: tensor<3x2x3x3xf32>) -> tensor<4x3x4xf32> {
  // expected-error @+1 {{bias groups 3 do not divide the batch 4}}
  %0 = vit.attention %q, %k, %v, %b {heads = 2 : i64, head_dim = 2 : i64, scale = 0.5 : f32} : (tensor<4x3x4xf32>, tensor<4x3x4xf32>, tensor<4x3x4xf32>, tensor<3x2x3x3xf32>) -> tensor<4x3x4xf32>
  return %0 : tensor<4x3x4xf32>
}

// -----

func.func @result(%q: tensor<1x3x4xf32>, %k: tensor<1x3x4xf32>, %v: tensor<1x3x6xf32>) -> tensor<1x3x4xf32> {
  // expected-error @+1 {{result has shape [1, 3, 4], expected [1, 3, 6]}}
  %0 = vit.attention %q, %k, %v {heads = 2 : i64, head_dim = 2 : i64, scale = 0.5 : f32} : (tensor<1x3x4xf32>, tensor<1x3x4xf32>, tensor<1x3x6xf32>) -> tensor<1x3x4xf32>
  return %0 : tensor<1x3x4xf32>
}
