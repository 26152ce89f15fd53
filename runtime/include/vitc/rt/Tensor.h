//===- Tensor.h - Dense n-d tensor of the runtime -----------------*- C++ -*-===//
//
// The runtime's only data container: a dtype, a shape and a 64-byte aligned,
// row-major (C order) buffer. Copies share the buffer (like a shared_ptr); use
// clone() for a deep copy. A tensor may also view memory it does not own, e.g.
// weights that live in an MLIR resource blob or a memory-mapped .vnb file.
//
// Buffers of 64 KiB and more are recycled: a freed buffer is kept (up to
// 256 MiB in all) and handed to the next allocation of the same rounded size,
// so a model run repeatedly does not fault in fresh pages for every
// intermediate tensor.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_RT_TENSOR_H
#define VITC_RT_TENSOR_H

#include "vitc/rt/Error.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace vitc::rt {

enum class DType : uint8_t { F32, F64, I8, U8, I16, I32, I64, Bool };

/// Size of one element in bytes.
size_t dtypeSize(DType type);
/// Lower-case name as used in messages and MLIR: "f32", "i64", "bool", ...
const char *dtypeName(DType type);

using Shape = std::vector<int64_t>;

/// Product of the dimensions (1 for a scalar). Throws on a negative dimension.
int64_t numElements(const Shape &shape);
/// "1x3x224x224" ("scalar" for rank 0).
std::string shapeToString(const Shape &shape);

/// Maps a C++ element type to its DType.
template <typename T> struct DTypeOf;
template <> struct DTypeOf<float> { static constexpr DType value = DType::F32; };
template <> struct DTypeOf<double> { static constexpr DType value = DType::F64; };
template <> struct DTypeOf<int8_t> { static constexpr DType value = DType::I8; };
template <> struct DTypeOf<uint8_t> { static constexpr DType value = DType::U8; };
template <> struct DTypeOf<int16_t> { static constexpr DType value = DType::I16; };
template <> struct DTypeOf<int32_t> { static constexpr DType value = DType::I32; };
template <> struct DTypeOf<int64_t> { static constexpr DType value = DType::I64; };
template <> struct DTypeOf<bool> { static constexpr DType value = DType::Bool; };

class Tensor {
public:
  /// An empty tensor (no dtype meaning, numel 0); valid() is false.
  Tensor() = default;
  /// Allocates a zero-filled tensor.
  Tensor(DType type, Shape shape);
  /// Allocates a tensor with unspecified contents, for kernels that write
  /// every element of their output.
  static Tensor uninitialized(DType type, Shape shape);

  /// A tensor over memory owned elsewhere; the caller keeps it alive.
  static Tensor view(DType type, Shape shape, const void *data);
  /// A tensor over memory kept alive by `owner`.
  static Tensor view(DType type, Shape shape, const void *data,
                     std::shared_ptr<const void> owner);

  template <typename T>
  static Tensor fromVector(Shape shape, const std::vector<T> &values) {
    Tensor t(DTypeOf<T>::value, std::move(shape));
    if (static_cast<int64_t>(values.size()) != t.numel())
      throw Error("Tensor::fromVector: " + std::to_string(values.size()) +
                  " values for shape " + shapeToString(t.shape()));
    T *out = t.data<T>();
    for (size_t i = 0; i < values.size(); ++i)
      out[i] = values[i];
    return t;
  }
  template <typename T> static Tensor scalar(T value) {
    return fromVector<T>({}, {value});
  }

  bool valid() const { return hasType_; }
  DType dtype() const { return dtype_; }
  const Shape &shape() const { return shape_; }
  int64_t rank() const { return static_cast<int64_t>(shape_.size()); }
  int64_t dim(int64_t i) const;        ///< Negative i counts from the end.
  int64_t numel() const { return numel_; }
  size_t byteSize() const { return static_cast<size_t>(numel_) * dtypeSize(dtype_); }

  /// Typed access; throws if T does not match dtype().
  template <typename T> T *data() {
    checkType(DTypeOf<T>::value);
    return static_cast<T *>(data_);
  }
  template <typename T> const T *data() const {
    checkType(DTypeOf<T>::value);
    return static_cast<const T *>(data_);
  }
  void *raw() { return data_; }
  const void *raw() const { return data_; }

  /// Same buffer, new shape with the same element count.
  Tensor reshaped(Shape shape) const;
  /// Deep copy into a freshly allocated, owned buffer.
  Tensor clone() const;
  /// Element i converted to double / int64 (any dtype); for shape tensors,
  /// scalars and tests, not for hot loops.
  double at(int64_t flatIndex) const;
  int64_t intAt(int64_t flatIndex) const;
  /// All elements converted to int64 (shape-like tensors: i32/i64/...).
  std::vector<int64_t> toInt64Vector() const;
  std::vector<float> toFloatVector() const;

private:
  void checkType(DType expected) const;

  DType dtype_ = DType::F32;
  bool hasType_ = false;
  Shape shape_;
  int64_t numel_ = 0;
  std::shared_ptr<const void> storage_;
  void *data_ = nullptr;
};

} // namespace vitc::rt

#endif // VITC_RT_TENSOR_H
