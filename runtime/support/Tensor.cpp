//===- Tensor.cpp ---------------------------------------------------------===//
#include "vitc/rt/Tensor.h"

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_map>

namespace vitc::rt {

size_t dtypeSize(DType type) {
  switch (type) {
  case DType::F32: return 4;
  case DType::F64: return 8;
  case DType::I8: return 1;
  case DType::U8: return 1;
  case DType::I16: return 2;
  case DType::I32: return 4;
  case DType::I64: return 8;
  case DType::Bool: return 1;
  }
  return 0;
}

const char *dtypeName(DType type) {
  switch (type) {
  case DType::F32: return "f32";
  case DType::F64: return "f64";
  case DType::I8: return "i8";
  case DType::U8: return "u8";
  case DType::I16: return "i16";
  case DType::I32: return "i32";
  case DType::I64: return "i64";
  case DType::Bool: return "bool";
  }
  return "?";
}

int64_t numElements(const Shape &shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0)
      throw Error("negative dimension in shape " + shapeToString(shape));
    n *= d;
  }
  return n;
}

std::string shapeToString(const Shape &shape) {
  if (shape.empty())
    return "scalar";
  std::string text;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      text += 'x';
    text += std::to_string(shape[i]);
  }
  return text;
}

namespace {
constexpr size_t kAlignment = 64;
/// Buffers at least this large go through the recycling cache.
constexpr size_t kRecycleMin = 64 * 1024;
/// Most bytes the cache holds; beyond it freed buffers go back to the system.
constexpr size_t kRecycleCapacity = 256 * 1024 * 1024;

/// Free buffers by size; sizes are rounded to 4 KiB so repeated runs of a
/// model find their buffers again.
class BufferCache {
public:
  void *take(size_t bytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = free_.find(bytes);
    if (it == free_.end() || it->second.empty())
      return nullptr;
    void *p = it->second.back();
    it->second.pop_back();
    cached_ -= bytes;
    return p;
  }
  /// Keeps `p` for reuse; false when the cache is full (caller frees it).
  bool give(void *p, size_t bytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (cached_ + bytes > kRecycleCapacity)
      return false;
    free_[bytes].push_back(p);
    cached_ += bytes;
    return true;
  }
  ~BufferCache() {
    for (auto &[bytes, buffers] : free_)
      for (void *p : buffers)
        std::free(p);
  }

private:
  std::mutex mutex_;
  std::unordered_map<size_t, std::vector<void *>> free_;
  size_t cached_ = 0;
};

BufferCache &bufferCache() {
  static BufferCache *cache = new BufferCache(); // Outlives every static tensor.
  return *cache;
}

std::shared_ptr<const void> allocate(size_t bytes, void *&data) {
  size_t rounded = bytes < kRecycleMin ? (bytes + kAlignment - 1) / kAlignment * kAlignment
                                       : (bytes + 4095) / 4096 * 4096;
  if (rounded == 0)
    rounded = kAlignment;
  void *p = rounded >= kRecycleMin ? bufferCache().take(rounded) : nullptr;
  if (!p)
    p = std::aligned_alloc(kAlignment, rounded);
  if (!p)
    throw Error("out of memory allocating " + std::to_string(bytes) + " bytes");
  data = p;
  if (rounded < kRecycleMin)
    return std::shared_ptr<const void>(p, [](const void *q) { std::free(const_cast<void *>(q)); });
  return std::shared_ptr<const void>(p, [rounded](const void *q) {
    if (!bufferCache().give(const_cast<void *>(q), rounded))
      std::free(const_cast<void *>(q));
  });
}
} // namespace

Tensor::Tensor(DType type, Shape shape)
    : dtype_(type), hasType_(true), shape_(std::move(shape)) {
  numel_ = numElements(shape_);
  storage_ = allocate(byteSize(), data_);
  if (byteSize())
    std::memset(data_, 0, byteSize());
}

Tensor Tensor::uninitialized(DType type, Shape shape) {
  Tensor t;
  t.dtype_ = type;
  t.hasType_ = true;
  t.shape_ = std::move(shape);
  t.numel_ = numElements(t.shape_);
  t.storage_ = allocate(t.byteSize(), t.data_);
  return t;
}

Tensor Tensor::view(DType type, Shape shape, const void *data) {
  return view(type, std::move(shape), data, nullptr);
}

Tensor Tensor::view(DType type, Shape shape, const void *data,
                    std::shared_ptr<const void> owner) {
  Tensor t;
  t.dtype_ = type;
  t.hasType_ = true;
  t.shape_ = std::move(shape);
  t.numel_ = numElements(t.shape_);
  t.storage_ = std::move(owner);
  t.data_ = const_cast<void *>(data);
  return t;
}

int64_t Tensor::dim(int64_t i) const {
  int64_t r = rank();
  if (i < -r || i >= r)
    throw Error("dimension " + std::to_string(i) + " out of range for shape " +
                shapeToString(shape_));
  return shape_[i < 0 ? i + r : i];
}

Tensor Tensor::reshaped(Shape shape) const {
  if (numElements(shape) != numel_)
    throw Error("cannot reshape " + shapeToString(shape_) + " to " + shapeToString(shape));
  Tensor t = *this;
  t.shape_ = std::move(shape);
  return t;
}

Tensor Tensor::clone() const {
  Tensor t = uninitialized(dtype_, shape_);
  if (byteSize())
    std::memcpy(t.data_, data_, byteSize());
  return t;
}

void Tensor::checkType(DType expected) const {
  if (!hasType_ || dtype_ != expected)
    throw Error(std::string("tensor holds ") + (hasType_ ? dtypeName(dtype_) : "nothing") +
                ", accessed as " + dtypeName(expected));
}

template <typename Fn> static auto visitElement(const Tensor &t, int64_t i, Fn fn) {
  if (i < 0 || i >= t.numel())
    throw Error("element " + std::to_string(i) + " out of range for shape " +
                shapeToString(t.shape()));
  switch (t.dtype()) {
  case DType::F32: return fn(t.data<float>()[i]);
  case DType::F64: return fn(t.data<double>()[i]);
  case DType::I8: return fn(t.data<int8_t>()[i]);
  case DType::U8: return fn(t.data<uint8_t>()[i]);
  case DType::I16: return fn(t.data<int16_t>()[i]);
  case DType::I32: return fn(t.data<int32_t>()[i]);
  case DType::I64: return fn(t.data<int64_t>()[i]);
  case DType::Bool: return fn(t.data<bool>()[i]);
  }
  throw Error("unknown dtype");
}

double Tensor::at(int64_t flatIndex) const {
  return visitElement(*this, flatIndex, [](auto v) { return static_cast<double>(v); });
}

int64_t Tensor::intAt(int64_t flatIndex) const {
  return visitElement(*this, flatIndex, [](auto v) { return static_cast<int64_t>(v); });
}

std::vector<int64_t> Tensor::toInt64Vector() const {
  std::vector<int64_t> values(static_cast<size_t>(numel_));
  for (int64_t i = 0; i < numel_; ++i)
    values[i] = intAt(i);
  return values;
}

std::vector<float> Tensor::toFloatVector() const {
  std::vector<float> values(static_cast<size_t>(numel_));
  for (int64_t i = 0; i < numel_; ++i)
    values[i] = static_cast<float>(at(i));
  return values;
}

} // namespace vitc::rt
