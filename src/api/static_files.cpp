// The web application's files. Only the files the web build produced are served: the web root
// is read once at start into a table of URL path -> file (regular files only, symlinks followed
// only when they stay inside the root), and a request is looked up in that table. No part of a
// request ever becomes a filesystem path, so no spelling of a path ('//etc/passwd', '%2F',
// '..', overlong UTF-8, NUL) can reach a file outside the root (docs/security.md, finding 1).
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <unordered_map>

#include "api/static_files.hpp"

#include "api/app.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/utf8.hpp"
#include "http/compress.hpp"

namespace palermo::api {

namespace {

const char* contentTypeFor(const std::string& ext) {
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json") return "application/json";
  if (ext == ".webmanifest") return "application/manifest+json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

void securityHeaders(http::Response& r) {
  r.set("Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
  r.set("X-Frame-Options", "DENY");
  r.set("Referrer-Policy", "no-referrer");
}

constexpr std::uintmax_t kMaxFileBytes = 64ULL * 1024 * 1024;  // a web build's file; anything larger is not one

struct WebFile {
  std::filesystem::path file;
  std::string content_type;
};

}  // namespace

std::unordered_map<std::string, std::filesystem::path> webManifest(const std::filesystem::path& root) {
  namespace fs = std::filesystem;
  std::unordered_map<std::string, fs::path> out;
  std::error_code ec;
  const fs::path base = fs::canonical(root, ec);
  if (ec || !fs::is_directory(base, ec)) return out;
  const std::string base_prefix = base.string() + "/";
  fs::recursive_directory_iterator it(base, fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    const std::string name = p.filename().string();
    if (!name.empty() && name.front() == '.') {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    const fs::path real = fs::canonical(p, ec);
    if (ec) {
      ec.clear();
      continue;
    }
    if (real.string().rfind(base_prefix, 0) != 0) {  // a symlink out of the root
      if (it->is_directory(ec)) it.disable_recursion_pending();
      log::warn("web.outside_root", {{"path", p.lexically_relative(base).generic_string()}});
      ec.clear();
      continue;
    }
    if (!fs::is_regular_file(real, ec) || fs::file_size(real, ec) > kMaxFileBytes) {
      ec.clear();
      continue;
    }
    out.emplace("/" + p.lexically_relative(base).generic_string(), real);
  }
  return out;
}

// Such a request answers 404 rather than the application's shell.
bool hostileWebPath(const std::string& path) {
  if (path.empty() || path.front() != '/' || !isValidUtf8(path)) return true;
  for (unsigned char c : path)
    if (c < 0x20 || c == 0x7f || c == '\\') return true;
  std::size_t start = 1;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const std::size_t end = slash == std::string::npos ? path.size() : slash;
    const std::string_view seg(path.data() + start, end - start);
    if (seg == "." || seg == "..") return true;
    if (seg.empty() && end != path.size()) return true;  // '//' (a trailing '/' is fine)
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return false;
}

namespace {

struct CachedFile {
  std::string bytes, gzipped;  // gzipped: empty when not worth it
};
struct FileCache {
  std::mutex mu;
  std::unordered_map<std::string, std::shared_ptr<const CachedFile>> files;
};

}  // namespace

http::Handler staticFiles(std::string root) {
  namespace fs = std::filesystem;
  auto files = std::make_shared<std::unordered_map<std::string, WebFile>>();
  for (auto& [url, file] : webManifest(root))
    files->emplace(url, WebFile{file, contentTypeFor(file.extension().string())});
  if (files->find("/index.html") == files->end())
    log::warn("web.not_built", {{"root", root}});
  else
    log::info("web.files", {{"count", files->size()}});

  auto cache = std::make_shared<FileCache>();
  return [files, cache](http::Request& req) {
    const std::string& path = req.path;
    if (hostileWebPath(path)) throw Problem::notFound("No resource at this address.");
    auto it = files->find(path == "/" ? std::string("/index.html") : path);
    if (it == files->end()) {
      // Client-side routes (no extension in the last segment) get the application shell;
      // anything else that is not one of the build's files is 404.
      const auto last = path.substr(path.rfind('/') + 1);
      if (last.find('.') != std::string::npos) throw Problem::notFound("No resource at this address.");
      it = files->find("/index.html");
      if (it == files->end())
        return http::Response::text(503,
                                    "The web application is not built. Run: bash scripts/setup.sh "
                                    "(it builds web/dist).\n");
    }
    // The file as built, read once, and its gzip made once (the build's files do not change while
    // the server runs).
    std::shared_ptr<const CachedFile> cached;
    {
      std::lock_guard lock(cache->mu);
      if (auto c = cache->files.find(it->first); c != cache->files.end()) cached = c->second;
    }
    if (!cached) {
      std::ifstream in(it->second.file, std::ios::binary);
      if (!in) throw Problem::notFound("No resource at this address.");
      std::ostringstream body;
      body << in.rdbuf();
      auto made = std::make_shared<CachedFile>();
      made->bytes = std::move(body).str();
      if (http::compressible(it->second.content_type) && made->bytes.size() >= 1024) {
        std::string packed = http::gzip(made->bytes, 9);
        if (packed.size() < made->bytes.size()) made->gzipped = std::move(packed);
      }
      std::lock_guard lock(cache->mu);
      cached = cache->files.emplace(it->first, std::move(made)).first->second;
    }
    const bool gz = !cached->gzipped.empty() && http::acceptsGzip(req.header("accept-encoding"));
    http::Response r{200, it->second.content_type, {}, gz ? cached->gzipped : cached->bytes};
    if (!cached->gzipped.empty()) r.set("Vary", "Accept-Encoding");
    if (gz) r.set("Content-Encoding", "gzip");
    const bool hashed = path.rfind("/assets/", 0) == 0;
    r.set("Cache-Control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
    securityHeaders(r);
    return r;
  };
}

}  // namespace palermo::api
