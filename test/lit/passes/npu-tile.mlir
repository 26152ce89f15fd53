// RUN: vitc-opt %s --npu-tile=config=small | FileCheck %s

// The small preset has 512 KiB of SRAM; a command's tiles may use half:
// B = 262144 bytes.
// GEMM [197, 192] x [192, 768]: all rows, the full reduction, output channels
// in ceil(768 / 4) = 192 (four weight tiles stream behind compute); scratch =
// 2 weight tiles 2*192*192 + input rows 197*192 + 2 output tiles 2*197*192 = 187200.
// CHECK-LABEL: func.func @tiles
// CHECK: npu.gemm %arg0, {{.*}}npu.scratch = 187200 : i64, npu.tile = array<i64: 197, 192, 192>
// GEMM [1024, 1024] x [1024, 4096]: 2*1024*1024 + 1024*1024 + 2*1024*1024 bytes
// do not fit; channel tiles halve down to 16, then rows to 128:
// 2*16*1024 + 128*1024 + 2*128*16 = 167936 (rows 256 would need 303104).
// CHECK: npu.gemm %arg1, {{.*}}npu.scratch = 167936 : i64, npu.tile = array<i64: 128, 16, 1024>
// Attention: K and V resident (2 * 197*192), query rows from ceil(197/4) = 50
// halved to 25 so that 2 tiles of 3 heads x 197 int32 scores plus a q and an
// output row (2748 bytes per row) fit: 75648 + 2*25*2748 = 213048.
// CHECK: npu.attention {{.*}}npu.scratch = 213048 : i64, npu.tile = array<i64: 25, 0, 0>
// PPU: rows of 192 in ceil(197/4) = 50, input, f32 scale and output double-buffered:
// 2 * 50 * (192 + 768 + 192) = 115200.
// CHECK: npu.ppu {{.*}}npu.scratch = 115200 : i64, npu.tile = array<i64: 50, 0, 0>
!q = !quant.uniform<i8:f32, 0.5>
func.func @tiles(%x: tensor<1x197x192x!q>, %big: tensor<1x1024x1024x!q>, %k: tensor<1x197x192x!q>) -> (tensor<1x197x768x!q>, tensor<1x1024x4096x!q>, tensor<1x197x192x!q>, tensor<1x197x192x!q>) {
  %w = vit.constant dense<1> : tensor<768x192xi8>
  %y = npu.gemm %x, %w {multipliers = array<i32: 1073741824>, shifts = array<i32: 0>} : (tensor<1x197x192x!q>, tensor<768x192xi8>) -> tensor<1x197x768x!q>
  %w2 = vit.constant dense<1> : tensor<4096x1024xi8>
  %z = npu.gemm %big, %w2 {multipliers = array<i32: 1073741824>, shifts = array<i32: 0>} : (tensor<1x1024x1024x!q>, tensor<4096x1024xi8>) -> tensor<1x1024x4096x!q>
  %a = npu.attention %x, %k, %k {heads = 3 : i64, score_scale = 0.125 : f32, value_ratio = 1.0 : f32} : (tensor<1x197x192x!q>, tensor<1x197x192x!q>, tensor<1x197x192x!q>) -> tensor<1x197x192x!q>
  %g = vit.constant dense<1.0> : tensor<192xf32>
  %n = npu.ppu %x, %g {params = array<i32: 6, -1, 925353388>, source = "vit.layer_norm"} : (tensor<1x197x192x!q>, tensor<192xf32>) -> tensor<1x197x192x!q>
  return %y, %z, %a, %n : tensor<1x197x768x!q>, tensor<1x1024x4096x!q>, tensor<1x197x192x!q>, tensor<1x197x192x!q>
}
