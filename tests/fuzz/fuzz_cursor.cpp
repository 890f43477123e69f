// libFuzzer target: the list cursor a client sends back (records/cursor) — any string is either
// refused or read as [a scalar sort value, an id > 0]; and every cursor the server writes reads
// back as what was written.

#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/json_input.hpp"
#include "records/cursor.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  palermo::records::ListCursor c;
  if (palermo::records::decodeListCursor(text, c)) {
    if (c.id <= 0) std::abort();
    if (c.value.is_object() || c.value.is_array()) std::abort();
  }
  // The input as a sort value (a string, or the JSON it spells when it is a scalar) round-trips.
  palermo::Json value = text;
  try {
    const auto j = palermo::parseJsonInput(text, palermo::JsonLimits{4, 4096});
    if (!j.is_object() && !j.is_array()) value = j;
  } catch (const palermo::JsonInputError&) {
  }
  const int64_t id = 1 + static_cast<int64_t>(size);
  std::string written;
  try {
    written = palermo::records::encodeListCursor(value, id);
  } catch (const palermo::Json::exception&) {
    return 0;  // invalid UTF-8: never a stored value, so never in a cursor the server writes
  }
  palermo::records::ListCursor back;
  if (written.size() <= 2000) {
    if (!palermo::records::decodeListCursor(written, back) || back.id != id) std::abort();
    // Numbers may change representation (1.0 -> 1) but not value.
    if (value.is_number() ? back.value.get<double>() != value.get<double>() : back.value != value) std::abort();
  }
  return 0;
}
