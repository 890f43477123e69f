#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/app.hpp"

namespace palermo::api {

namespace {

const char* contentTypeFor(const std::string& ext) {
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

bool readFile(const std::filesystem::path& p, std::string& out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

void securityHeaders(http::Response& r) {
  r.set("Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
  r.set("X-Frame-Options", "DENY");
  r.set("Referrer-Policy", "no-referrer");
}

}  // namespace

http::Handler staticFiles(std::string root) {
  return [root = std::filesystem::path(std::move(root))](http::Request& req) {
    namespace fs = std::filesystem;
    // Reject anything that could climb out of the root.
    const std::string& path = req.path;
    if (path.find("..") != std::string::npos || path.find('\\') != std::string::npos)
      return http::Response::text(404, "Not found\n");
    fs::path file = root / fs::path(path.substr(1));
    std::error_code ec;
    const bool is_asset = fs::is_regular_file(file, ec);
    if (!is_asset) {
      // Client-side routes (no extension) get the application shell; missing files get 404.
      if (fs::path(path).has_extension()) return http::Response::text(404, "Not found\n");
      file = root / "index.html";
    }
    std::string body;
    if (!readFile(file, body)) {
      return http::Response::text(503,
                                  "The web application is not built. Run: bash scripts/setup.sh "
                                  "(it builds web/dist).\n");
    }
    http::Response r{200, contentTypeFor(file.extension().string()), {}, std::move(body)};
    const bool hashed = path.rfind("/assets/", 0) == 0;
    r.set("Cache-Control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
    securityHeaders(r);
    return r;
  };
}

}  // namespace palermo::api
