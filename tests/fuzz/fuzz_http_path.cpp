// libFuzzer target: the request target's percent-decoding (http::percentDecode) and the query
// parameter reader, as the server applies them to every request line.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "http/message.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::string out;
  if (palermo::http::percentDecode(text, out, false)) {
    if (out.size() > text.size()) std::abort();               // decoding never grows
    if (out.find('\0') != std::string::npos) std::abort();    // NUL is refused
  }
  palermo::http::Request req;
  req.query = text;
  try {  // a malformed value is a 400 the server answers (Problem), by design
    (void)req.queryParam("q");
  } catch (const std::exception&) {
  }
  (void)req.hasQueryParam("limit");
  req.headers = {{"cookie", text}, {"content-type", "application/json"}};
  (void)req.cookie("palermo_session");
  req.body = text;
  try {
    (void)req.jsonBody();
  } catch (const std::exception&) {
  }
  return 0;
}
