#include "http/problem.hpp"

namespace palermo::http {

Response problemResponse(const Problem& p, const std::string& request_id, const std::string& instance) {
  Json body = {
      {"type", "urn:palermo:problem:" + p.code()},
      {"title", reasonPhrase(p.status())},
      {"status", p.status()},
      {"detail", p.detail()},
      {"code", p.code()},
      {"request_id", request_id},
  };
  if (!instance.empty()) body["instance"] = instance;
  if (!p.errors().empty()) {
    Json errors = Json::array();
    for (const auto& e : p.errors()) errors.push_back({{"field", e.field}, {"code", e.code}, {"message", e.message}});
    body["errors"] = std::move(errors);
  }
  Response r = Response::json(p.status(), body);
  r.content_type = "application/problem+json";
  for (const auto& h : p.headers) r.headers.push_back(h);
  return r;
}

}  // namespace palermo::http
