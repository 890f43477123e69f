// Values the engine reads from HTTP headers and uploaded bytes, on their own so that each can be
// fuzzed alone (tests/fuzz/fuzz_headers.cpp): the record version in If-Match and its ETag, an
// attachment's media type and whether its bytes are what that type says.
#include <cctype>
#include <string>
#include <string_view>

#include "core/utf8.hpp"
#include "records/engine.hpp"

namespace palermo::records {

using namespace std::string_view_literals;

namespace {

bool startsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// Well-formed UTF-8 without NUL bytes: what a text or CSV file must be.
bool validUtf8Text(std::string_view s) { return s.find('\0') == std::string_view::npos && isValidUtf8(s); }

}  // namespace

std::string etagFor(int64_t version) { return "\"" + std::to_string(version) + "\""; }

std::optional<int64_t> parseIfMatch(std::string_view h) {
  if (h.rfind("W/", 0) == 0) h.remove_prefix(2);
  if (h.size() >= 2 && h.front() == '"' && h.back() == '"') h = h.substr(1, h.size() - 2);
  if (h.empty() || h.size() > 18) return std::nullopt;
  int64_t v = 0;
  for (char c : h) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::string normaliseMediaType(std::string_view header) {
  std::string out;
  for (char c : header.substr(0, header.find(';'))) {
    if (c == ' ' || c == '\t') continue;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

bool contentMatchesMediaType(std::string_view media_type, std::string_view bytes) {
  if (media_type == "application/pdf") return startsWith(bytes, "%PDF-");
  if (media_type == "image/png") return startsWith(bytes, "\x89PNG\r\n\x1a\n");
  if (media_type == "image/jpeg") return startsWith(bytes, "\xFF\xD8\xFF");
  if (media_type == "image/gif") return startsWith(bytes, "GIF87a") || startsWith(bytes, "GIF89a");
  if (media_type == "image/webp") return bytes.size() >= 12 && startsWith(bytes, "RIFF") && bytes.substr(8, 4) == "WEBP";
  if (media_type == "image/tiff") return startsWith(bytes, "II*\0"sv) || startsWith(bytes, "MM\0*"sv);
  // Office Open XML and OpenDocument files are ZIP archives.
  if (media_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document" ||
      media_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ||
      media_type == "application/vnd.oasis.opendocument.text" ||
      media_type == "application/vnd.oasis.opendocument.spreadsheet" || media_type == "application/zip")
    return startsWith(bytes, "PK\x03\x04");
  if (media_type == "application/msword" || media_type == "application/vnd.ms-excel")
    return startsWith(bytes, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
  if (media_type == "text/plain" || media_type == "text/csv") return validUtf8Text(bytes);
  return false;  // a type we cannot check is not accepted
}

}  // namespace palermo::records
