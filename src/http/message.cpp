#include "http/message.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace palermo::http {

std::string_view Request::header(std::string_view lower_name) const {
  for (const auto& [k, v] : headers)
    if (k == lower_name) return v;
  return {};
}

std::string Request::cookie(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k != "cookie") continue;
    std::string_view rest = v;
    while (!rest.empty()) {
      const auto semi = rest.find(';');
      std::string_view part = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
      while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
      const auto eq = part.find('=');
      if (eq == std::string_view::npos) continue;
      if (part.substr(0, eq) == name) return std::string(part.substr(eq + 1));
    }
  }
  return {};
}

namespace {
template <class F>
void forEachQueryPair(std::string_view query, F&& f) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    const auto eq = pair.find('=');
    if (f(pair.substr(0, eq), eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1))) return;
  }
}
}  // namespace

std::string Request::queryParam(std::string_view name) const {
  std::string out;
  forEachQueryPair(query, [&](std::string_view k, std::string_view v) {
    std::string key;
    if (!percentDecode(k, key, true) || key != name) return false;
    if (!percentDecode(v, out, true)) throw Problem::badRequest("request.bad_query", "Malformed query parameter.", {{std::string(name), "encoding", "is not valid percent-encoding"}});
    return true;
  });
  return out;
}

bool Request::hasQueryParam(std::string_view name) const {
  bool found = false;
  forEachQueryPair(query, [&](std::string_view k, std::string_view) {
    std::string key;
    found = percentDecode(k, key, true) && key == name;
    return found;
  });
  return found;
}

Json Request::jsonBody() const {
  const auto ct = header("content-type");
  if (ct.substr(0, 16) != "application/json")
    throw Problem(415, "request.media_type", "The body must be application/json.");
  Json j;
  try {
    j = parseJsonInput(body);
  } catch (const JsonInputError& e) {
    throw jsonInputProblem(e, "The body");
  }
  if (!j.is_object()) throw Problem::badRequest("request.not_an_object", "The body must be a JSON object.");
  return j;
}

Problem jsonInputProblem(const JsonInputError& e, const std::string& what) {
  using Kind = JsonInputError::Kind;
  switch (e.kind()) {
    case Kind::TooDeep:
      return Problem::badRequest("request.json_too_deep", what + " is " + e.what() + ".");
    case Kind::NumberOutOfRange:
      return Problem::validation({{e.field(), "number_range", "is a number out of range (a number like 1e400)"}});
    case Kind::StringTooLong:
      return Problem::validation({{e.field(), "max_length", e.what()}});
    case Kind::Malformed:
      break;
  }
  return Problem::badRequest("request.malformed_json",
                             what + " is not valid JSON (at byte " + std::to_string(e.byte()) + ").");
}

Response Response::json(int status, const Json& body) {
  return Response{status, "application/json", {}, body.dump(-1, ' ', false, Json::error_handler_t::replace)};
}

Response Response::text(int status, std::string body, std::string content_type) {
  return Response{status, std::move(content_type), {}, std::move(body)};
}

bool percentDecode(std::string_view in, std::string& out, bool plus_is_space) {
  out.clear();
  out.reserve(in.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      const int hi = hex(in[i + 1]);
      const int lo = hex(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      c = static_cast<char>(hi * 16 + lo);
      if (c == '\0') return false;
      i += 2;
    } else if (c == '+' && plus_is_space) {
      c = ' ';
    } else if (c == '\0') {
      return false;  // a raw NUL, like an encoded one (found by tests/fuzz/fuzz_http_path.cpp)
    }
    out.push_back(c);
  }
  return true;
}

const char* reasonPhrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Error";
  }
}

void applyTrustedProxy(Request& req, const std::vector<std::string>& trusted_proxies) {
  if (trusted_proxies.empty() ||
      std::find(trusted_proxies.begin(), trusted_proxies.end(), req.remote_ip) == trusted_proxies.end())
    return;
  auto trim = [](std::string_view v) {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
    return v;
  };
  // The proxy appends the address it saw last; earlier entries came from the client.
  const std::string_view forwarded = req.header("x-forwarded-for");
  if (!forwarded.empty()) {
    const auto comma = forwarded.rfind(',');
    const auto last = trim(comma == std::string_view::npos ? forwarded : forwarded.substr(comma + 1));
    if (!last.empty() && last.size() <= 45) req.remote_ip = std::string(last);
  }
  const std::string_view proto = trim(req.header("x-forwarded-proto"));
  if (proto == "https") req.tls = true;
}

}  // namespace palermo::http
