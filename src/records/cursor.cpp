#include "records/cursor.hpp"

#include "core/json_input.hpp"
#include "core/random.hpp"

namespace palermo::records {

std::string encodeListCursor(const Json& value, int64_t id) { return base64url(Json::array({value, id}).dump()); }

bool decodeListCursor(std::string_view text, ListCursor& out) {
  if (text.empty() || text.size() > 2000) return false;
  std::string bytes;
  bytes.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;  // at most 14 pending bits: shifted, then masked, never overflowing
  int bits = 0;
  for (const char c : text) {
    uint32_t v = 0;
    if (c >= 'A' && c <= 'Z') v = static_cast<uint32_t>(c - 'A');
    else if (c >= 'a' && c <= 'z') v = static_cast<uint32_t>(c - 'a' + 26);
    else if (c >= '0' && c <= '9') v = static_cast<uint32_t>(c - '0' + 52);
    else if (c == '-') v = 62;
    else if (c == '_') v = 63;
    else return false;
    acc = ((acc << 6) | v) & 0x3FFFu;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push_back(static_cast<char>((acc >> bits) & 0xFFu));
    }
  }
  try {
    const Json j = parseJsonInput(bytes, JsonLimits{4, 64 * 1024});
    if (!j.is_array() || j.size() != 2 || !j[1].is_number_integer()) return false;
    const Json& value = j[0];
    // A sort value is a column's or a field's: never an object or a list (it is bound as one
    // SQL parameter).
    if (!(value.is_null() || value.is_boolean() || value.is_number() || value.is_string())) return false;
    const int64_t id = j[1].is_number_unsigned() && j[1].get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)
                           ? 0
                           : j[1].get<int64_t>();
    if (id <= 0) return false;
    out.value = value;
    out.id = id;
    return true;
  } catch (const JsonInputError&) {
    return false;
  } catch (const Json::exception&) {
    return false;
  }
}

}  // namespace palermo::records
