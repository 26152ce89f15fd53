// RUN: vitc-opt %s --npu-tile=config=small | FileCheck %s

// The small preset has 512 KiB of SRAM; a command's tiles may use half:
// B = 262144 bytes.
// GEMM [197, 192] x [192, 768]: everything is read once with any fitting
// tiles, so the largest with >= 4 channel tiles (weights stream behind
// compute): all rows, the full reduction, 768 / 4 = 192 channels; scratch =
// 2 weight tiles 2*192*192 + input rows 197*192 + 2 output tiles 2*197*192 = 187200.
// CHECK-LABEL: func.func @tiles
// CHECK: npu.gemm %arg0, {{.*}}npu.scratch = 187200 : i64, npu.tile = array<i64: 197, 192, 192>
// GEMM [1024, 1024] x [1024, 4096]: the 4 MiB of weights exceed B, so they are
// read once per row tile. With the full reduction at most 128 rows fit (8
// weight reads); splitting the reduction instead would re-read the 1 MiB input
// once per channel tile (4096 / 16 = 256 times). Channel tiles of 32 are the
// largest that fit beside 128 rows:
// 2*32*1024 + 128*1024 + 2*128*32 = 204800.
// CHECK: npu.gemm %arg1, {{.*}}npu.scratch = 204800 : i64, npu.tile = array<i64: 128, 32, 1024>
// Attention: K and V resident (2 * 197*192), query rows from ceil(197/4) = 50
// halved to 25 so that 2 tiles of 3 heads x 197 int32 scores plus a q and an
// output row (2748 bytes per row) fit: 75648 + 2*25*2748 = 213048.
// CHECK: npu.attention {{.*}}npu.scratch = 213048 : i64, npu.tile = array<i64: 25, 0, 0>
// PPU: rows of 192 in tiles of about 16 KiB: a row of input, f32 scale and
// output is 192 + 768 + 192 = 1152 bytes, so 16384 / 1152 = 14 rows, double-buffered:
// 2 * 14 * 1152 = 32256.
// CHECK: npu.ppu {{.*}}npu.scratch = 32256 : i64, npu.tile = array<i64: 14, 0, 0>
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
