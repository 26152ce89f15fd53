// RUN: vitc-opt %s --npu-plan-memory=config=small | FileCheck %s

// Model inputs and outputs live in DRAM; every other activation in SRAM when
// it fits (512 KiB minus the largest tile scratch). Buffers whose lifetimes do
// not overlap share bytes: placed largest first at the lowest free offset.
// DRAM: %big (4 MiB, read by the last op) at 0; the 1 MiB output %h at 4 MiB
// (it starts while %big is still read); the 16 KiB input %arg0 is dead after
// the first op, so it shares 4 MiB with %h; the 16 KiB output %d overlaps both,
// so it goes after %h, at 5 MiB.
// SRAM: %a at 0 and %b at 4096 (b reads a); %c reuses 0 (a is dead); the view
// of %c is the same buffer, so %e (reading the view) takes 4096 again.
// CHECK-LABEL: func.func @plan
// CHECK-SAME: %arg0: tensor<1x64x64xf32> {npu.offset = 4194304 : i64, npu.region = "dram"}
// CHECK-SAME: %arg1: tensor<1x1024x1024xf32> {npu.offset = 0 : i64, npu.region = "dram"}
// CHECK-SAME: npu.dram_bytes = 5259264 : i64, npu.sram_bytes = 8192 : i64
// CHECK: %[[A:.*]] = npu.ppu %arg0 {npu.offset = 0 : i64, npu.region = "sram"
// CHECK: %[[B:.*]] = npu.gemm %[[A]], {{.*}}npu.offset = 4096 : i64, npu.region = "sram"
// CHECK: %[[C:.*]] = npu.lut %[[B]], {{.*}}npu.offset = 0 : i64, npu.region = "sram"
// CHECK: %[[V:.*]] = npu.view %[[C]] {npu.offset = 0 : i64, npu.region = "sram"}
// CHECK: %[[E:.*]] = npu.lut %[[V]], {{.*}}npu.offset = 4096 : i64, npu.region = "sram"
// CHECK: npu.ppu %{{.*}} {npu.offset = 5242880 : i64, npu.region = "dram"
// CHECK: npu.ppu %arg1 {npu.offset = 4194304 : i64, npu.region = "dram"
!q = !quant.uniform<i8:f32, 0.5>
func.func @plan(%arg: tensor<1x64x64xf32>, %big: tensor<1x1024x1024xf32>) -> (tensor<1x64x64xf32>, tensor<1x1024x1024x!q>) {
  %a = npu.ppu %arg {params = array<i32: 11>, source = "quant.qcast", npu.scratch = 1024 : i64} : (tensor<1x64x64xf32>) -> tensor<1x64x64x!q>
  %w = vit.constant dense<1> : tensor<64x64xi8>
  %b = npu.gemm %a, %w {multipliers = array<i32: 1073741824>, shifts = array<i32: 0>} : (tensor<1x64x64x!q>, tensor<64x64xi8>) -> tensor<1x64x64x!q>
  %t = vit.constant dense<1> : tensor<256xi8>
  %c = npu.lut %b, %t : (tensor<1x64x64x!q>, tensor<256xi8>) -> tensor<1x64x64x!q>
  %v = npu.view %c : (tensor<1x64x64x!q>) -> tensor<1x4096x!q>
  %e = npu.lut %v, %t : (tensor<1x4096x!q>, tensor<256xi8>) -> tensor<1x4096x!q>
  %f = npu.view %e : (tensor<1x4096x!q>) -> tensor<1x64x64x!q>
  %d = npu.ppu %f {params = array<i32: 11>, source = "quant.dcast"} : (tensor<1x64x64x!q>) -> tensor<1x64x64xf32>
  %h = npu.ppu %big {params = array<i32: 11>, source = "quant.qcast"} : (tensor<1x1024x1024xf32>) -> tensor<1x1024x1024x!q>
  return %d, %h : tensor<1x64x64xf32>, tensor<1x1024x1024x!q>
}
