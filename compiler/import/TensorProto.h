//===- TensorProto.h - ONNX TensorProto <-> runtime tensors -------*- C++ -*-===//
#ifndef VITC_COMPILER_IMPORT_TENSORPROTO_H
#define VITC_COMPILER_IMPORT_TENSORPROTO_H

#include "vitc/rt/Tensor.h"

#include "onnx/onnx_pb.h"
#include "llvm/Support/Error.h"

namespace vitc::import {

/// The runtime dtype of an ONNX TensorProto::DataType; an error naming the
/// type for the ones vitc does not support (float16, string, complex, ...).
llvm::Expected<rt::DType> dtypeFromOnnx(int onnxType);
/// ONNX name of a TensorProto::DataType ("FLOAT16", ...).
std::string onnxTypeName(int onnxType);

/// Copies the data of a TensorProto (raw_data or the typed repeated fields)
/// into a runtime tensor; checks that the byte count matches the dims.
llvm::Expected<rt::Tensor> tensorFromProto(const onnx::TensorProto &proto);

/// Reads a serialized TensorProto (.pb file as in ONNX's test data).
llvm::Expected<rt::Tensor> readTensorProtoFile(const std::string &path);

} // namespace vitc::import

#endif // VITC_COMPILER_IMPORT_TENSORPROTO_H
