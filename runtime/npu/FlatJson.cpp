//===- FlatJson.cpp - The JSON subset NPU configs are written in ----------===//
#include "FlatJson.h"

#include "vitc/rt/Error.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace vitc::rt::npu {

namespace {

class Parser {
public:
  Parser(const std::string &text, const std::string &source) : text_(text), source_(source) {}

  /// The top-level object's members, in order; nested objects are checked
  /// for syntax and dropped.
  std::vector<JsonMember> parseDocument() {
    skipWhitespace();
    if (atEnd())
      fail("the input is empty; expected a JSON object '{...}'");
    if (peek() != '{')
      fail("expected a JSON object '{' at the top level, found " + describeNext());
    std::vector<JsonMember> members;
    parseObject(/*depth=*/0, &members);
    skipWhitespace();
    if (!atEnd())
      fail("unexpected " + describeNext() + " after the top-level object");
    return members;
  }

private:
  static constexpr int kMaxDepth = 16;

  bool atEnd() const { return offset_ >= text_.size(); }
  char peek() const { return text_[offset_]; }
  void advance() {
    if (text_[offset_++] == '\n') {
      ++position_.line;
      position_.column = 1;
    } else {
      ++position_.column;
    }
  }
  [[noreturn]] void fail(const std::string &problem) const {
    failAtJson(source_, position_, problem);
  }
  [[noreturn]] void failAt(JsonPosition p, const std::string &problem) const {
    failAtJson(source_, p, problem);
  }

  std::string describeNext() const {
    if (atEnd())
      return "end of input";
    const unsigned char c = static_cast<unsigned char>(peek());
    if (c > 0x20 && c < 0x7f)
      return std::string("'") + peek() + "'";
    std::ostringstream out;
    out << "byte 0x" << std::hex << int(c);
    return out.str();
  }

  void skipWhitespace() {
    while (!atEnd() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r'))
      advance();
  }

  void expect(char c, const char *context) {
    skipWhitespace();
    if (atEnd() || peek() != c)
      fail(std::string("expected '") + c + "' " + context + ", found " + describeNext());
    advance();
  }

  void parseObject(int depth, std::vector<JsonMember> *members) {
    if (depth >= kMaxDepth)
      fail("objects nested deeper than " + std::to_string(kMaxDepth) + " levels");
    const JsonPosition open = position_;
    advance(); // '{'
    skipWhitespace();
    if (!atEnd() && peek() == '}') {
      advance();
      return;
    }
    while (true) {
      skipWhitespace();
      if (atEnd())
        fail("unexpected end of input: the object opened at " + formatPosition(open) +
             " is not closed");
      if (peek() != '"')
        fail("expected a key in double quotes, found " + describeNext());
      JsonMember member;
      member.keyPosition = position_;
      member.key = parseString();
      expect(':', "after the key");
      member.value = parseValue(depth);
      if (members)
        members->push_back(std::move(member));
      skipWhitespace();
      if (atEnd())
        fail("unexpected end of input: the object opened at " + formatPosition(open) +
             " is not closed");
      if (peek() == '}') {
        advance();
        return;
      }
      if (peek() != ',')
        fail("expected ',' or '}' after a member, found " + describeNext());
      advance();
    }
  }

  JsonValue parseValue(int depth) {
    skipWhitespace();
    JsonValue value;
    value.position = position_;
    if (atEnd())
      fail("unexpected end of input; expected a value");
    const char c = peek();
    if (c == '"') {
      value.kind = JsonValue::String;
      value.text = parseString();
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      value.kind = JsonValue::Number;
      value.number = parseNumber();
    } else if (c == '{') {
      value.kind = JsonValue::Object;
      parseObject(depth + 1, nullptr);
    } else if (c == '[' || c == 't' || c == 'f' || c == 'n') {
      fail(std::string(c == '[' ? "arrays" : "true, false and null") +
           " are not part of an NPU config; values are numbers, strings or objects");
    } else {
      fail("expected a value, found " + describeNext());
    }
    return value;
  }

  unsigned parseHex4() {
    unsigned code = 0;
    for (int i = 0; i < 4; ++i) {
      if (atEnd() || !std::isxdigit(static_cast<unsigned char>(peek())))
        fail("expected 4 hex digits after \\u, found " + describeNext());
      const char h = peek();
      code = code * 16 + unsigned(h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
      advance();
    }
    return code;
  }

  static void appendUtf8(std::string &out, unsigned code) {
    if (code < 0x80) {
      out += char(code);
    } else if (code < 0x800) {
      out += char(0xc0 | (code >> 6));
      out += char(0x80 | (code & 0x3f));
    } else if (code < 0x10000) {
      out += char(0xe0 | (code >> 12));
      out += char(0x80 | ((code >> 6) & 0x3f));
      out += char(0x80 | (code & 0x3f));
    } else {
      out += char(0xf0 | (code >> 18));
      out += char(0x80 | ((code >> 12) & 0x3f));
      out += char(0x80 | ((code >> 6) & 0x3f));
      out += char(0x80 | (code & 0x3f));
    }
  }

  std::string parseString() {
    const JsonPosition open = position_;
    advance(); // '"'
    std::string out;
    while (true) {
      if (atEnd())
        fail("unexpected end of input: the string opened at " + formatPosition(open) +
             " is not closed");
      const char c = peek();
      if (c == '"') {
        advance();
        return out;
      }
      if (static_cast<unsigned char>(c) < 0x20)
        fail("control character " + describeNext() + " in a string; write it as an escape");
      advance();
      if (c != '\\') {
        out += c;
        continue;
      }
      if (atEnd())
        fail("unexpected end of input in an escape sequence");
      const char e = peek();
      const JsonPosition escape = position_;
      advance();
      switch (e) {
      case '"':
      case '\\':
      case '/':
        out += e;
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        unsigned code = parseHex4();
        if (code >= 0xd800 && code <= 0xdbff) { // a surrogate pair's first half
          if (atEnd() || peek() != '\\')
            failAt(escape, "unpaired UTF-16 surrogate \\u escape");
          advance();
          if (atEnd() || peek() != 'u')
            failAt(escape, "unpaired UTF-16 surrogate \\u escape");
          advance();
          const unsigned low = parseHex4();
          if (low < 0xdc00 || low > 0xdfff)
            failAt(escape, "unpaired UTF-16 surrogate \\u escape");
          code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        } else if (code >= 0xdc00 && code <= 0xdfff) {
          failAt(escape, "unpaired UTF-16 surrogate \\u escape");
        }
        appendUtf8(out, code);
        break;
      }
      default:
        failAt(escape, std::string("invalid escape '\\") + e + "' in a string");
      }
    }
  }

  double parseNumber() {
    const JsonPosition start = position_;
    const size_t begin = offset_;
    auto digits = [&] {
      size_t count = 0;
      for (; !atEnd() && peek() >= '0' && peek() <= '9'; ++count)
        advance();
      return count;
    };
    if (peek() == '-')
      advance();
    if (!atEnd() && peek() == '0')
      advance(); // no leading zeros: "012" fails at the '1' below
    else if (digits() == 0)
      fail("expected a digit, found " + describeNext());
    if (!atEnd() && peek() == '.') {
      advance();
      if (digits() == 0)
        fail("expected a digit after '.', found " + describeNext());
    }
    if (!atEnd() && (peek() == 'e' || peek() == 'E')) {
      advance();
      if (!atEnd() && (peek() == '+' || peek() == '-'))
        advance();
      if (digits() == 0)
        fail("expected a digit in the exponent, found " + describeNext());
    }
    if (!atEnd() && (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '.'))
      fail("unexpected " + describeNext() + " in a number");
    const std::string lexeme = text_.substr(begin, offset_ - begin);
    errno = 0;
    const double value = std::strtod(lexeme.c_str(), nullptr);
    if (errno == ERANGE && std::isinf(value))
      failAt(start, "number " + lexeme + " is out of range");
    return value;
  }

  const std::string &text_;
  const std::string &source_;
  size_t offset_ = 0;
  JsonPosition position_;
};

} // namespace

std::string formatPosition(JsonPosition position) {
  return std::to_string(position.line) + ":" + std::to_string(position.column);
}

void failAtJson(const std::string &sourceName, JsonPosition position, const std::string &problem) {
  throw Error(sourceName + ":" + formatPosition(position) + ": " + problem);
}

const char *jsonKindName(JsonValue::Kind kind) {
  switch (kind) {
  case JsonValue::String:
    return "a string";
  case JsonValue::Number:
    return "a number";
  case JsonValue::Object:
    return "an object";
  }
  return "a value";
}

std::vector<JsonMember> parseFlatJsonObject(const std::string &text,
                                            const std::string &sourceName) {
  return Parser(text, sourceName).parseDocument();
}

} // namespace vitc::rt::npu
