// RUN: not vitc-opt %s --npu-lower 2>&1 | FileCheck %s

// Every op no NPU unit or host command implements is listed, in one error.
// CHECK: error: cannot lower to the NPU: vit.reduce_prod at {{.*}}:7:8{{.*}}: no NPU unit or host command implements it; vit.log_softmax at {{.*}}:8:8{{.*}}: no NPU unit or host command implements it
!a = !quant.uniform<i8:f32, 0.5>
func.func @unsupported(%q: tensor<1x8x!a>) -> (tensor<1x1x!a>, tensor<1x8x!a>) {
  %p = vit.reduce_prod %q {axes = array<i64: 1>} : (tensor<1x8x!a>) -> tensor<1x1x!a>
  %l = vit.log_softmax %q : (tensor<1x8x!a>) -> tensor<1x8x!a>
  return %p, %l : tensor<1x1x!a>, tensor<1x8x!a>
}
