// libFuzzer target: what the engine reads from request headers and uploaded bytes — If-Match
// (a record version; its ETag reads back as the same version), an attachment's Content-Type
// (normalised: lower case, no parameters, no blanks) and the content check against it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "records/engine.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (auto v = palermo::records::parseIfMatch(text)) {
    if (*v < 0) std::abort();
    const auto again = palermo::records::parseIfMatch(palermo::records::etagFor(*v));
    if (!again || *again != *v) std::abort();
  }
  const std::string media = palermo::records::normaliseMediaType(text);
  for (char c : media)
    if (c == ' ' || c == '\t' || c == ';' || (c >= 'A' && c <= 'Z')) std::abort();
  if (palermo::records::normaliseMediaType(media) != media) std::abort();  // idempotent
  for (const char* type : {"application/pdf", "image/png", "image/jpeg", "image/webp", "image/tiff", "text/csv",
                           "application/vnd.oasis.opendocument.text", "application/msword"})
    (void)palermo::records::contentMatchesMediaType(type, text);
  (void)palermo::records::contentMatchesMediaType(media, text);
  return 0;
}
