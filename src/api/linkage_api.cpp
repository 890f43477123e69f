// Counting persons once (S4) over HTTP (docs/linkage.md, "Over the registers"):
//   POST /api/v1/linkage/search          persons that may be the one being typed (intake)
//   GET  /api/v1/linkage/persons/{id}    the person a registration belongs to, and its other registrations
//   GET  /api/v1/linkage/review          pairs the model is unsure of, for a human decision
// Decisions are records of the register link_decision (POST /api/v1/records/link_decision).
// Answers never carry identity values: registrations are named by id, type and (when the user
// may open them) their pseudonym or date; comparisons by field, level and weight.
#include <algorithm>

#include "api/app.hpp"
#include "api/common.hpp"
#include "linkage/linkage_service.hpp"
#include "records/engine.hpp"

namespace palermo::api {

using http::Request;
using http::Response;

namespace {

std::string field(const Json& body, const char* name, std::vector<FieldError>& errors, std::size_t max = 200) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return {};
  if (!it->is_string()) {
    errors.push_back({name, "type", "must be text"});
    return {};
  }
  std::string v = it->get<std::string>();
  if (v.size() > max) errors.push_back({name, "max_length", "at most " + std::to_string(max) + " characters"});
  return v;
}

}  // namespace

void registerLinkageRoutes(http::Router& r, AppContext& ctx) {
  auto& linkage = *ctx.linkage;
  r.post("/api/v1/linkage/search", [&ctx, &linkage](Request& req) {
    auto p = requireUser(ctx.auth, req);
    const auto actor = actorFor(ctx, p);
    Json body;
    try {
      body = parseJsonInput(req.body);
    } catch (const JsonInputError& e) {
      throw http::jsonInputProblem(e, "The body");
    }
    if (!body.is_object()) throw Problem::badRequest("request.not_an_object", "The body must be a JSON object.");
    std::vector<FieldError> errors;
    linkage::PersonQuery q;
    q.first_name = field(body, "first_name", errors);
    q.last_name = field(body, "last_name", errors);
    q.patronymic = field(body, "patronymic", errors);
    q.full_name = field(body, "full_name", errors);
    q.birth = field(body, "birth", errors, 10);
    q.sex = field(body, "sex", errors, 20);
    q.citizenship = field(body, "citizenship", errors, 3);
    q.phone = field(body, "phone", errors, 30);
    q.document = field(body, "document", errors, 50);
    if (!q.birth.empty()) {
      const auto d = linkage::parseDob(q.birth);
      if (!d.year) errors.push_back({"birth", "format", "a year (1990), a month (1990-05) or a date (1990-05-17)"});
    }
    if (q.first_name.empty() && q.last_name.empty() && q.full_name.empty() && q.phone.empty() && q.document.empty())
      errors.push_back({"last_name", "required", "a name, a phone or a document number to search by"});
    if (!errors.empty()) throw Problem::validation(errors);
    int limit = 5;
    if (auto it = body.find("limit"); it != body.end() && it->is_number_integer()) limit = std::clamp(it->get<int>(), 1, 20);
    auto res = Response::json(200, linkage.search(actor, q, static_cast<std::size_t>(limit)));
    res.set("Cache-Control", "no-store");
    return res;
  });

  r.get("/api/v1/linkage/persons/{id}", [&ctx, &linkage](Request& req) {
    auto p = requireUser(ctx.auth, req);
    int64_t id = 0;
    try {
      id = std::stoll(req.params.at("id"));
    } catch (const std::exception&) {
      throw Problem::notFound();
    }
    return Response::json(200, linkage.personOf(actorFor(ctx, p), id));
  });

  r.get("/api/v1/linkage/review", [&ctx, &linkage](Request& req) {
    auto p = requireUser(ctx.auth, req);
    const auto actor = actorFor(ctx, p);
    int limit = 50;
    if (const std::string l = req.queryParam("limit"); !l.empty()) {
      try {
        limit = std::clamp(std::stoi(l), 1, 500);
      } catch (const std::exception&) {
        throw Problem::validation({{"limit", "type", "a number from 1 to 500"}});
      }
    }
    auto res = Response::json(200, linkage.reviewQueue(actor, static_cast<std::size_t>(limit)));
    res.set("Cache-Control", "no-store");
    return res;
  });
}

}  // namespace palermo::api
