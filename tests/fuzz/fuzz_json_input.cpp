// libFuzzer target: the limited JSON parser of untrusted input (core/json_input) and the HTTP
// edge's nesting scan. Never crashes, never recurses past the limit; and whatever it accepts is
// within the limits the edge checks (a parsed value is never deeper than jsonNestingWithin says).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/json_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const bool shallow = palermo::jsonNestingWithin(text, 64);
  try {
    const palermo::Json j = palermo::parseJsonInput(text, palermo::JsonLimits{64, 4096});
    if (!shallow) std::abort();  // parsed something the edge would call too deep
    (void)j.dump(-1, ' ', false, palermo::Json::error_handler_t::replace);  // recursive: safe for what was accepted
  } catch (const palermo::JsonInputError& e) {
    (void)e.field();
  }
  return 0;
}
