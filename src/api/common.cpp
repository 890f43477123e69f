#include "api/common.hpp"

#include <fmt/format.h>

namespace palermo::api {

auth::Credentials credentialsOf(const http::Request& req) {
  return auth::Credentials{req.method, std::string(req.header("authorization")), req.cookie(auth::kSessionCookie),
                           std::string(req.header(auth::kCsrfHeader)), std::string(req.header("x-palermo-device"))};
}

int64_t pathId(const http::Request& req, const char* name, const char* what) {
  const auto& s = req.params.at(name);
  const std::string missing = std::string("There is no such ") + what + ".";
  int64_t v = 0;
  if (s.empty() || s.size() > 18) throw Problem::notFound(missing);
  for (char c : s) {
    if (c < '0' || c > '9') throw Problem::notFound(missing);
    v = v * 10 + (c - '0');
  }
  if (v <= 0) throw Problem::notFound(missing);
  return v;
}

std::string stringField(const Json& body, const char* name, std::vector<FieldError>& errors, bool required,
                        std::size_t max_len) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) {
    if (required) errors.push_back({name, "required", "is required"});
    return {};
  }
  if (!it->is_string()) {
    errors.push_back({name, "type", "must be a string"});
    return {};
  }
  auto v = it->get<std::string>();
  if (required && v.empty()) errors.push_back({name, "required", "is required"});
  if (v.size() > max_len) errors.push_back({name, "too_long", fmt::format("must be at most {} bytes", max_len)});
  return v;
}

}  // namespace palermo::api
