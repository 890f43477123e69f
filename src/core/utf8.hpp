// Strict UTF-8: overlong forms, surrogates and values past U+10FFFF are invalid.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace palermo {

// Code points in `s`, or nullopt when it is not valid UTF-8.
std::optional<std::size_t> utf8Length(std::string_view s);

inline bool isValidUtf8(std::string_view s) { return utf8Length(s).has_value(); }

}  // namespace palermo
