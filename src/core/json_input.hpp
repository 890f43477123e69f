// JSON from outside the server (request bodies, import lines, cursors): parsed with limits, so
// that no input can exhaust the stack or memory of the process, and every refusal says where.
//
// nlohmann's DOM is recursive to copy, compare and print, so a body nested 100,000 deep parses
// and then kills the process further on (stack overflow). The parser here stops at `max_depth`
// before building anything that deep, refuses a string longer than `max_string_bytes`, and
// reports a number that does not fit a double (1e400) with the field it was given for.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/json.hpp"

namespace palermo {

struct JsonLimits {
  int max_depth = 64;                               // objects and arrays inside each other
  std::size_t max_string_bytes = 1024 * 1024;       // one string value or key
};

class JsonInputError : public std::runtime_error {
 public:
  enum class Kind {
    Malformed,          // not JSON
    TooDeep,            // nested deeper than max_depth
    StringTooLong,      // a string longer than max_string_bytes
    NumberOutOfRange,   // a number beyond what a double holds
  };
  JsonInputError(Kind kind, std::string field, std::size_t byte, const std::string& message)
      : std::runtime_error(message), kind_(kind), field_(std::move(field)), byte_(byte) {}
  [[nodiscard]] Kind kind() const { return kind_; }
  // Where: "birth", "items[2].age"; empty at the top level or when unknown.
  [[nodiscard]] const std::string& field() const { return field_; }
  // Byte offset in the input (1-based, as nlohmann counts).
  [[nodiscard]] std::size_t byte() const { return byte_; }

 private:
  Kind kind_;
  std::string field_;
  std::size_t byte_;
};

// Parses `text` as one JSON value within `limits`. Throws JsonInputError.
Json parseJsonInput(std::string_view text, const JsonLimits& limits = {});

// True when no object or array in `text` is nested deeper than `max_depth` (strings are
// skipped; `text` need not be valid JSON, nor one value: JSON lines are fine). One pass, no
// allocation: the HTTP edge asks it of every JSON body before any handler runs.
bool jsonNestingWithin(std::string_view text, int max_depth);

}  // namespace palermo
