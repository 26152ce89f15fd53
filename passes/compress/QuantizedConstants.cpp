//===- QuantizedConstants.cpp ---------------------------------------------===//
#include "passes/compress/QuantizedConstants.h"

#include "compiler/interpreter/ConstantTensors.h"
#include "dialects/vit/VitOps.h"

#include "mlir/Dialect/Quant/QuantOps.h"

#include <cmath>

using namespace mlir;

namespace vitc::compress {

quant::UniformQuantizedType activationType(const calib::QuantParams &params,
                                           MLIRContext *context) {
  Builder b(context);
  return quant::UniformQuantizedType::get(quant::QuantizationFlags::Signed,
                                          b.getIntegerType(params.bits), b.getF32Type(),
                                          params.scale, params.zeroPoint, params.qmin, params.qmax);
}

/// A vit.constant holding `storage`, reinterpreted as `type` by quant.scast.
static Value storageCast(OpBuilder &builder, Location loc, const rt::Tensor &storage,
                         Type elementType, StringRef name) {
  ElementsAttr attr = interp::attrFromTensor(storage, builder.getContext(), name);
  Value constant = builder.create<vit::ConstantOp>(loc, attr.getType(), attr);
  auto type = RankedTensorType::get(storage.shape(), elementType);
  return builder.create<quant::StorageCastOp>(loc, type, constant);
}

Value quantizeWeight(OpBuilder &builder, Location loc, const rt::Tensor &weight, int bits,
                     StringRef name, std::vector<float> &scales) {
  int64_t channels = weight.dim(0);
  int64_t perChannel = channels ? weight.numel() / channels : 0;
  scales = calib::perChannelScales(weight.data<float>(), channels, perChannel, bits);
  std::vector<int8_t> values =
      calib::quantizeWeights(weight.data<float>(), channels, perChannel, scales, bits);
  rt::Tensor storage = rt::Tensor::fromVector<int8_t>(weight.shape(), values);
  int32_t qmax = (1 << (bits - 1)) - 1;
  std::vector<double> doubleScales(scales.begin(), scales.end());
  std::vector<int64_t> zeroPoints(scales.size(), 0);
  auto type = quant::UniformQuantizedPerAxisType::get(
      quant::QuantizationFlags::Signed, builder.getIntegerType(8), builder.getF32Type(),
      doubleScales, zeroPoints, /*quantizedDimension=*/0, -qmax, qmax);
  return storageCast(builder, loc, storage, type, name);
}

Value quantizeBias(OpBuilder &builder, Location loc, const rt::Tensor &bias, float inputScale,
                   const std::vector<float> &weightScales, StringRef name) {
  std::vector<int32_t> values =
      calib::quantizeBias(bias.data<float>(), bias.numel(), inputScale, weightScales);
  rt::Tensor storage = rt::Tensor::fromVector<int32_t>(bias.shape(), values);
  std::vector<double> scales;
  for (float s : weightScales)
    scales.push_back(static_cast<double>(inputScale) * s);
  std::vector<int64_t> zeroPoints(scales.size(), 0);
  auto type = quant::UniformQuantizedPerAxisType::get(
      quant::QuantizationFlags::Signed, builder.getIntegerType(32), builder.getF32Type(), scales,
      zeroPoints, /*quantizedDimension=*/0, std::numeric_limits<int32_t>::min(),
      std::numeric_limits<int32_t>::max());
  return storageCast(builder, loc, storage, type, name);
}

Value quantizeTensor(OpBuilder &builder, Location loc, const rt::Tensor &value,
                     quant::UniformQuantizedType type, StringRef name) {
  rt::DType storageType = type.getStorageTypeIntegralWidth() == 16 ? rt::DType::I16 : rt::DType::I8;
  rt::Tensor storage(storageType, value.shape());
  const float *in = value.data<float>();
  const float scale = static_cast<float>(type.getScale());
  for (int64_t i = 0; i < value.numel(); ++i) {
    double q = calib::roundHalfAway(in[i] / scale) + type.getZeroPoint();
    q = std::clamp<double>(q, type.getStorageTypeMin(), type.getStorageTypeMax());
    if (storageType == rt::DType::I16)
      storage.data<int16_t>()[i] = static_cast<int16_t>(q);
    else
      storage.data<int8_t>()[i] = static_cast<int8_t>(q);
  }
  return storageCast(builder, loc, storage, type, name);
}

} // namespace vitc::compress
