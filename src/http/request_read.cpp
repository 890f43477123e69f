#include "http/request_read.hpp"

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

#include <atomic>
#include <cctype>

#include "core/json_input.hpp"
#include "core/random.hpp"

namespace palermo::http {

namespace bhttp = boost::beast::http;

namespace {

// "%2F", "%2f", "%5C" or "%5c" in a raw path.
bool encodesSeparator(std::string_view raw_path) {
  for (std::size_t i = 0; i + 2 < raw_path.size(); ++i) {
    if (raw_path[i] != '%') continue;
    const char a = raw_path[i + 1], b = static_cast<char>(raw_path[i + 2] | 0x20);
    if ((a == '2' && b == 'f') || (a == '5' && b == 'c')) return true;
  }
  return false;
}

// application/json, application/problem+json, application/x-ndjson, application/jsonl ...
bool isJsonMediaType(std::string_view ct) {
  std::string lower;
  for (char c : ct.substr(0, ct.find(';'))) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return lower.find("json") != std::string::npos;
}

}  // namespace

bool isUpload(const BeastRequest& head) {
  return head.method() == bhttp::verb::post && head.target().starts_with("/api/v1/attachments/");
}

Problem readFailure(const boost::system::error_code& ec, bool header_done, const ReadLimits& limits) {
  if (ec == bhttp::error::header_limit || (ec == bhttp::error::buffer_overflow && !header_done))
    return {431, "http.header_too_large",
            "The request head is larger than " + std::to_string(limits.header_limit) + " bytes."};
  if (ec == bhttp::error::body_limit || ec == bhttp::error::buffer_overflow)
    return {413, "http.body_too_large",
            "The request body is larger than this server accepts (" + std::to_string(limits.body_limit) +
                " bytes; attachment uploads " + std::to_string(limits.upload_limit) + ")."};
  if (ec == boost::beast::error::timeout) return {408, "http.timeout", "The request did not arrive in time."};
  return Problem::badRequest("http.malformed", "The request is not valid HTTP/1.1.");
}

void fillRequest(Request& req, BeastRequest& msg, const std::vector<std::string>& trusted_proxies) {
  req.method = std::string(msg.method_string());
  req.target = std::string(msg.target());
  req.headers.reserve(16);
  for (const auto& f : msg) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    req.headers.emplace_back(std::move(name), std::string(f.value()));
  }
  req.body = std::move(msg.body());
  applyTrustedProxy(req, trusted_proxies);
  req.request_id = requestIdFrom(req.header("x-request-id"));
}

std::optional<Refusal> checkTarget(Request& req) {
  const auto q = req.target.find('?');
  const std::string_view raw_path = std::string_view(req.target).substr(0, q);
  if (q != std::string::npos) req.query = req.target.substr(q + 1);
  if (raw_path.empty() || raw_path.front() != '/' || !percentDecode(raw_path, req.path, false))
    return Refusal{Problem::badRequest("http.bad_target", "The request target is not a valid path."), false};
  if (encodesSeparator(raw_path)) return Refusal{Problem::notFound("No resource at this address."), false};
  if (isJsonMediaType(req.header("content-type")) && !jsonNestingWithin(req.body, JsonLimits{}.max_depth))
    return Refusal{Problem::badRequest("request.json_too_deep", "The body is nested deeper than " +
                                                                    std::to_string(JsonLimits{}.max_depth) + " levels."),
                   true};
  return std::nullopt;
}

// Request ids need to be unique, not secret: a random per-process prefix and a counter, with
// no system call per request.
std::string newRequestId() {
  static const std::string prefix = randomToken(6);
  static std::atomic<uint64_t> counter{0};
  return prefix + "-" + std::to_string(counter.fetch_add(1, std::memory_order_relaxed));
}

std::string requestIdFrom(std::string_view supplied) {
  if (!supplied.empty() && supplied.size() <= 64) {
    bool plain = true;
    for (char c : supplied)
      plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.');
    if (plain) return std::string(supplied);
  }
  return newRequestId();
}

}  // namespace palermo::http
