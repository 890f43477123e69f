#include "http/compress.hpp"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace palermo::http {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

constexpr std::size_t kMinBytes = 1024;

}  // namespace

bool acceptsGzip(std::string_view accept_encoding) {
  const std::string value = lower(accept_encoding);
  std::string_view rest = value;
  bool star = false, gzip_named = false, gzip_ok = false;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    std::string_view item = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    const auto semi = item.find(';');
    const std::string_view coding = trim(item.substr(0, semi));
    bool zero = false;
    if (semi != std::string_view::npos) {
      std::string_view params = item.substr(semi + 1);
      const auto q = params.find("q=");
      if (q != std::string_view::npos) {
        std::string_view v = trim(params.substr(q + 2));
        v = v.substr(0, v.find(';'));
        // q=0, q=0.0, q=0.000: refused.
        zero = !v.empty() && v.find_first_not_of("0.") == std::string_view::npos;
      }
    }
    if (coding == "gzip" || coding == "x-gzip") {
      gzip_named = true;
      gzip_ok = !zero;
    } else if (coding == "*") {
      star = !zero;
    }
  }
  return gzip_named ? gzip_ok : star;
}

bool compressible(std::string_view content_type) {
  const std::string t = lower(content_type.substr(0, content_type.find(';')));
  const std::string_view type = trim(t);
  return type.starts_with("text/") || type == "application/json" || type == "application/problem+json" ||
         type == "application/javascript" || type == "application/x-ndjson" || type == "image/svg+xml" ||
         type == "application/manifest+json" || type.ends_with("+json") || type == "application/xml";
}

std::string gzip(std::string_view data, int level) {
  z_stream zs{};
  // 15 window bits + 16: a gzip header and trailer instead of zlib's.
  if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("gzip: deflateInit2 failed");
  std::string out;
  out.resize(deflateBound(&zs, static_cast<uLong>(data.size())));
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  const auto written = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw std::runtime_error("gzip: deflate did not finish");
  out.resize(written);
  return out;
}

void compressResponse(const Request& req, Response& res) {
  if (req.method == "HEAD" || res.status == 204 || res.status == 304) return;
  if (!compressible(res.content_type)) return;
  for (const auto& [k, v] : res.headers) {
    const std::string name = lower(k);
    if (name == "content-encoding" || name == "vary") return;  // the handler chose (static files)
  }
  // A secret (a session's CSRF token, a second factor's new secret) beside what the client sent
  // in one compressed body is what BREACH reads: those answers go as they are.
  if (req.path.starts_with("/api/v1/auth") || req.path.starts_with("/api/v1/session")) return;
  res.set("Vary", "Accept-Encoding");
  if (res.body.size() < kMinBytes || res.body.size() > 0xffffffffu || !acceptsGzip(req.header("accept-encoding")))
    return;
  // Level 1 for large answers (a list, an export): most of the gain, a fraction of the time.
  std::string packed = gzip(res.body, res.body.size() > (256u << 10) ? 1 : 6);
  if (packed.size() >= res.body.size()) return;
  res.body = std::move(packed);
  res.set("Content-Encoding", "gzip");
}

}  // namespace palermo::http
