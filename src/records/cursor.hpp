// The list cursor (GET /api/v1/records/{type}?cursor=...): an opaque string the server hands out
// as `next_cursor` and takes back, base64url of the JSON [last sort value, last id]. It comes
// back from the client, so it is read as untrusted input (fuzzed: tests/fuzz/fuzz_cursor.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/json.hpp"

namespace palermo::records {

struct ListCursor {
  Json value;       // the last row's sort value: null, a boolean, a number or a string
  int64_t id = 0;   // the last row's id, > 0
};

std::string encodeListCursor(const Json& value, int64_t id);
// False for anything this server could not have given out: not base64url, not [scalar, id > 0],
// longer than 2,000 characters.
bool decodeListCursor(std::string_view text, ListCursor& out);

}  // namespace palermo::records
