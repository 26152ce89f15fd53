//===- FlatJson.h - The JSON subset NPU configs are written in ---*- C++ -*-===//
//
// One top-level object whose values are strings, numbers or objects (RFC 8259
// syntax for each). Arrays, true, false and null are refused, as is anything
// after the object. Nested objects are checked for syntax and dropped: NpuConfig
// only reads the top level. Errors throw vitc::rt::Error as
// "<source>:<line>:<column>: <problem>", 1-based, the column counting bytes.
// Internal to the runtime; used by Config.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_RT_NPU_FLATJSON_H
#define VITC_RT_NPU_FLATJSON_H

#include <string>
#include <vector>

namespace vitc::rt::npu {

struct JsonPosition {
  int line = 1, column = 1;
};

/// "line:column".
std::string formatPosition(JsonPosition position);

struct JsonValue {
  enum Kind { String, Number, Object } kind = String;
  std::string text;  ///< String: the decoded text
  double number = 0; ///< Number: its value
  JsonPosition position;
};

struct JsonMember {
  std::string key;
  JsonPosition keyPosition;
  JsonValue value;
};

/// The members of the top-level object of `text`, in order (duplicates kept).
std::vector<JsonMember> parseFlatJsonObject(const std::string &text, const std::string &sourceName);

/// Throws Error "<sourceName>:<line>:<column>: <problem>".
[[noreturn]] void failAtJson(const std::string &sourceName, JsonPosition position,
                             const std::string &problem);

/// "a string", "a number" or "an object", for messages.
const char *jsonKindName(JsonValue::Kind kind);

} // namespace vitc::rt::npu

#endif // VITC_RT_NPU_FLATJSON_H
