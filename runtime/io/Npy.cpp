//===- Npy.cpp - NumPy .npy reading and writing ---------------------------===//
//
// The format (numpy.lib.format): the magic "\x93NUMPY", a major and minor
// version byte, the header length (2 bytes little-endian in version 1, 4 in
// versions 2 and 3), then a Python dict literal such as
//   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
// padded with spaces and a newline, then the raw C-order data.
//
//===----------------------------------------------------------------------===//
#include "vitc/rt/Npy.h"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

#ifdef _WIN32
#include <process.h>
#define VITC_GETPID _getpid
#else
#include <unistd.h>
#define VITC_GETPID getpid
#endif

namespace vitc::rt {

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;

[[noreturn]] void fail(const std::string &name, const std::string &problem) {
  throw Error(name + ": " + problem);
}

struct DescrEntry {
  const char *descr;
  DType type;
};
// Single-byte types are written with '|' by numpy; '<' is accepted too.
constexpr DescrEntry kDescrs[] = {{"<f4", DType::F32},  {"<f8", DType::F64}, {"|i1", DType::I8},
                                  {"<i1", DType::I8},   {"|u1", DType::U8},  {"<u1", DType::U8},
                                  {"<i2", DType::I16},  {"<i4", DType::I32}, {"<i8", DType::I64},
                                  {"|b1", DType::Bool}, {"<b1", DType::Bool}};

const char *descrOf(DType type) {
  switch (type) {
  case DType::F32:
    return "<f4";
  case DType::F64:
    return "<f8";
  case DType::I8:
    return "|i1";
  case DType::U8:
    return "|u1";
  case DType::I16:
    return "<i2";
  case DType::I32:
    return "<i4";
  case DType::I64:
    return "<i8";
  case DType::Bool:
    return "|b1";
  }
  return "?";
}

/// A parser for the header's dict literal: string keys mapped to a string,
/// True/False, or a tuple of non-negative integers.
class HeaderParser {
public:
  HeaderParser(const std::string &text, const std::string &name) : text_(text), name_(name) {}

  void parse(std::string &descr, bool &fortranOrder, Shape &shape) {
    bool haveDescr = false, haveOrder = false, haveShape = false;
    expect('{');
    while (!peek('}')) {
      const std::string key = parseString();
      expect(':');
      if (key == "descr") {
        descr = parseString();
        haveDescr = true;
      } else if (key == "fortran_order") {
        fortranOrder = parseBool();
        haveOrder = true;
      } else if (key == "shape") {
        shape = parseShape();
        haveShape = true;
      } else {
        fail(name_, "unexpected key '" + key + "' in the .npy header");
      }
      if (!peek('}'))
        expect(',');
    }
    expect('}');
    if (!haveDescr || !haveOrder || !haveShape)
      fail(name_, "the .npy header lacks descr, fortran_order or shape");
  }

private:
  void skipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_])))
      ++pos_;
  }
  bool peek(char c) {
    skipSpace();
    return pos_ < text_.size() && text_[pos_] == c;
  }
  void expect(char c) {
    if (!peek(c))
      fail(name_, std::string("malformed .npy header (expected '") + c + "' at offset " +
                      std::to_string(pos_) + ")");
    ++pos_;
  }
  std::string parseString() {
    skipSpace();
    if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"'))
      fail(name_,
           "malformed .npy header (expected a string at offset " + std::to_string(pos_) + ")");
    const char quote = text_[pos_++];
    const size_t end = text_.find(quote, pos_);
    if (end == std::string::npos)
      fail(name_, "malformed .npy header (unterminated string)");
    std::string value = text_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return value;
  }
  bool parseBool() {
    skipSpace();
    for (const auto &[word, value] : {std::pair{"True", true}, std::pair{"False", false}}) {
      const size_t len = std::strlen(word);
      if (text_.compare(pos_, len, word) == 0) {
        pos_ += len;
        return value;
      }
    }
    fail(name_, "malformed .npy header (fortran_order is not True or False)");
  }
  Shape parseShape() {
    Shape shape;
    expect('(');
    while (!peek(')')) {
      skipSpace();
      int64_t dim = 0;
      size_t digits = 0;
      for (; pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]));
           ++pos_, ++digits) {
        if (dim > (std::numeric_limits<int64_t>::max() - 9) / 10)
          fail(name_, "dimension too large in the .npy header");
        dim = dim * 10 + (text_[pos_] - '0');
      }
      if (pos_ < text_.size() && (text_[pos_] == 'L' || text_[pos_] == 'l'))
        ++pos_; // Python 2 long suffix
      if (digits == 0)
        fail(name_, "malformed .npy header (bad shape tuple)");
      shape.push_back(dim);
      if (!peek(')'))
        expect(',');
    }
    expect(')');
    return shape;
  }

  const std::string &text_;
  const std::string &name_;
  size_t pos_ = 0;
};

uint32_t readLittleEndian(const unsigned char *p, size_t bytes) {
  uint32_t value = 0;
  for (size_t i = bytes; i-- > 0;)
    value = (value << 8) | p[i];
  return value;
}

} // namespace

Tensor parseNpy(const void *data, size_t size, const std::string &name) {
  const auto *bytes = static_cast<const unsigned char *>(data);
  if (size < kMagicSize + 2 || std::memcmp(bytes, kMagic, kMagicSize) != 0)
    fail(name, "not a .npy file (bad magic)");
  const unsigned major = bytes[kMagicSize];
  if (major < 1 || major > 3)
    fail(name, "unsupported .npy format version " + std::to_string(major) + "." +
                   std::to_string(bytes[kMagicSize + 1]));
  const size_t lengthBytes = major == 1 ? 2 : 4;
  const size_t prefix = kMagicSize + 2 + lengthBytes;
  if (size < prefix)
    fail(name, "truncated .npy header");
  const size_t headerLength = readLittleEndian(bytes + kMagicSize + 2, lengthBytes);
  if (size - prefix < headerLength)
    fail(name, "truncated .npy header");
  const std::string header(reinterpret_cast<const char *>(bytes + prefix), headerLength);

  std::string descr;
  bool fortranOrder = false;
  Shape shape;
  HeaderParser(header, name).parse(descr, fortranOrder, shape);
  if (fortranOrder)
    fail(name, "Fortran-order arrays are not supported (save with C order)");
  if (!descr.empty() && descr[0] == '>')
    fail(name, "big-endian data ('" + descr + "') is not supported");
  DType type = DType::F32;
  bool known = false;
  for (const DescrEntry &entry : kDescrs)
    if (descr == entry.descr) {
      type = entry.type;
      known = true;
    }
  if (!known)
    fail(name,
         "unsupported dtype '" + descr + "' (supported: f32, f64, i8, u8, i16, i32, i64, bool)");

  const size_t available = size - prefix - headerLength;
  const size_t elementSize = dtypeSize(type);
  size_t count = 1;
  for (int64_t d : shape) {
    if (d != 0 && count > std::numeric_limits<size_t>::max() / elementSize / static_cast<size_t>(d))
      fail(name, "shape " + shapeToString(shape) + " is too large");
    count *= static_cast<size_t>(d);
  }
  if (available < count * elementSize)
    fail(name, "truncated data: shape " + shapeToString(shape) + " of " + dtypeName(type) +
                   " needs " + std::to_string(count * elementSize) + " bytes, the file has " +
                   std::to_string(available));
  Tensor tensor(type, shape);
  const unsigned char *payload = bytes + prefix + headerLength;
  if (type == DType::Bool) {
    bool *out = tensor.data<bool>();
    for (size_t i = 0; i < count; ++i)
      out[i] = payload[i] != 0;
  } else if (count) {
    std::memcpy(tensor.raw(), payload, count * elementSize);
  }
  return tensor;
}

Tensor readNpy(const std::string &path) {
  std::ifstream file(path, std::ios::binary);
  if (!file)
    fail(path, std::string("cannot open: ") + std::strerror(errno));
  std::ostringstream contents;
  contents << file.rdbuf();
  if (file.bad())
    fail(path, "read error");
  const std::string bytes = contents.str();
  return parseNpy(bytes.data(), bytes.size(), path);
}

void writeNpy(const std::string &path, const Tensor &tensor) {
  if (!tensor.valid())
    fail(path, "cannot write an empty (dtype-less) tensor");
  std::string header = std::string("{'descr': '") + descrOf(tensor.dtype()) +
                       "', 'fortran_order': False, 'shape': (";
  const Shape &shape = tensor.shape();
  for (size_t i = 0; i < shape.size(); ++i)
    header += (i ? ", " : "") + std::to_string(shape[i]);
  header += shape.size() == 1 ? ",), }" : "), }";
  // Pad with spaces so the data starts on a 64-byte boundary; end with '\n'.
  const bool version1 = header.size() + 64 + kMagicSize + 4 <= 65535;
  const size_t prefix = kMagicSize + 2 + (version1 ? 2 : 4);
  const size_t total = (prefix + header.size() + 1 + 63) / 64 * 64;
  header.append(total - prefix - header.size() - 1, ' ');
  header += '\n';

  std::string preamble(kMagic, kMagicSize);
  preamble += static_cast<char>(version1 ? 1 : 2);
  preamble += '\0';
  const size_t length = header.size();
  for (size_t i = 0; i < (version1 ? 2u : 4u); ++i)
    preamble += static_cast<char>((length >> (8 * i)) & 0xff);
  preamble += header;

  const std::string temporary = path + ".tmp-" + std::to_string(VITC_GETPID());
  std::FILE *file = std::fopen(temporary.c_str(), "wb");
  if (!file)
    fail(path, "cannot create " + temporary + ": " + std::strerror(errno));
  bool ok = std::fwrite(preamble.data(), 1, preamble.size(), file) == preamble.size();
  if (ok && tensor.byteSize())
    ok = std::fwrite(tensor.raw(), 1, tensor.byteSize(), file) == tensor.byteSize();
  ok = std::fflush(file) == 0 && ok;
  const int error = errno;
  ok = std::fclose(file) == 0 && ok;
  if (!ok) {
    std::remove(temporary.c_str());
    fail(path, std::string("write failed: ") + std::strerror(error));
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const int renameError = errno;
    std::remove(temporary.c_str());
    fail(path, "cannot rename " + temporary + " into place: " + std::strerror(renameError));
  }
}

} // namespace vitc::rt
