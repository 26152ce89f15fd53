//===- VitDialect.td - The vit dialect ---------------------*- tablegen -*-===//
//
// Tensor-level graph of a Vision Transformer: one op per ONNX operator the
// importer accepts (opset 17 semantics) plus the fused ops the graph passes
// create (vit.gelu, vit.linear, ...).
//
//===----------------------------------------------------------------------===//
#ifndef VIT_DIALECT_TD
#define VIT_DIALECT_TD

include "mlir/IR/OpBase.td"

def Vit_Dialect : Dialect {
  let name = "vit";
  let summary = "Tensor-level operations of Vision Transformer graphs";
  let description = [{
    Ops mirror ONNX opset 17: same operands, attributes and broadcasting
    rules, so the importer maps one node to one op. Shapes are ranked; a
    dimension is dynamic (`?`) only when the model leaves it open and the
    user did not fix it. Fused ops (`vit.gelu`, `vit.linear`, ...) are
    created by the graph passes.
  }];
  let cppNamespace = "::vitc::vit";
  let useFoldAPI = kEmitFoldAdaptorFolder;
  let hasConstantMaterializer = 1;
}

class Vit_Op<string mnemonic, list<Trait> traits = []> :
    Op<Vit_Dialect, mnemonic, traits>;

#endif // VIT_DIALECT_TD
