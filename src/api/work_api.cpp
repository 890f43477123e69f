// Routes of the daily work around the records: the signed-in user's tasks (deadlines) and
// notifications, the screening rule sets and their evaluation, and the list of countries for
// country fields.
#include "api/app.hpp"
#include "api/common.hpp"
#include "records/engine.hpp"
#include "returns/returns_service.hpp"
#include "rules/rulebook.hpp"

namespace palermo::api {

using http::Request;
using http::Response;

void registerWorkRoutes(http::Router& r, AppContext& ctx) {
  auto& svc = *ctx.records;

  r.get("/api/v1/screening/rulesets", [&ctx](Request& req) {
    auto p = requireUser(ctx.auth, req);
    const auto actor = actorFor(ctx, p);
    if (!actor.may("screening", "read") && !actor.may("screening", "create")) throw Problem::notFound("Not found.");
    Json items = Json::array();
    if (const auto* book = ctx.rules)
      for (const auto& rs : book->rulesets()) {
        Json lists = Json::array();
        for (const auto& l : rs.lists)
          lists.push_back({{"code", l.code}, {"child", l.child}, {"exploitation", l.exploitation}, {"label", l.label.toJson()}});
        items.push_back({{"ruleset", rs.key()}, {"id", rs.id}, {"version", rs.version}, {"label", rs.label.toJson()},
                         {"source", rs.source}, {"lists", lists}, {"default", rs.id == book->defaultRuleset()}});
      }
    return Response::json(200, {{"items", items}});
  });
  r.get("/api/v1/screening/rulesets/{key}", [&ctx](Request& req) {
    auto p = requireUser(ctx.auth, req);
    const auto actor = actorFor(ctx, p);
    if (!actor.may("screening", "read") && !actor.may("screening", "create")) throw Problem::notFound("Not found.");
    const auto* book = ctx.rules;
    const auto* rs = book ? book->ruleset(req.params.at("key")) : nullptr;
    if (!rs) throw Problem::notFound("There is no such indicator set.");
    const auto child = req.queryParam("child") == "true";
    const auto exploitation = req.queryParam("exploitation").empty() ? std::string("labour") : req.queryParam("exploitation");
    const auto* list = rs->list(child, exploitation);
    if (!list)
      throw Problem::validation({{"exploitation", "not_in_list", "the set has no list for this audience and exploitation"}});
    return Response::json(200, rs->toJson(list->code));
  });
  r.post("/api/v1/screening/evaluate", [&ctx](Request& req) {
    auto p = requireUser(ctx.auth, req);
    const auto actor = actorFor(ctx, p);
    if (!actor.may("screening", "read") && !actor.may("screening", "create")) throw Problem::notFound("Not found.");
    const Json body = req.jsonBody();
    const auto* book = ctx.rules;
    std::vector<FieldError> errors;
    const std::string key = body.value("ruleset", book ? book->defaultRuleset() : std::string());
    const auto* rs = book ? book->ruleset(key) : nullptr;
    if (!rs) errors.push_back({"ruleset", "unknown", "is not a loaded indicator set"});
    if (!body.contains("is_child") || !body["is_child"].is_boolean())
      errors.push_back({"is_child", "required", "must be true or false"});
    if (!body.contains("exploitation_focus") || !body["exploitation_focus"].is_string())
      errors.push_back({"exploitation_focus", "required", "must be labour or sexual"});
    if (!errors.empty()) throw Problem::validation(std::move(errors));
    const std::string lang = body.value("lang", "az");
    try {
      const auto result = book->evaluate(*rs, body["is_child"].get<bool>(), body["exploitation_focus"].get<std::string>(),
                                         body.value("answers", Json::object()));
      return Response::json(200, result.toJson(*rs, lang == "en" || lang == "ru" ? lang : "az"));
    } catch (const std::invalid_argument& e) {
      throw Problem::validation({{"answers", "indicator", e.what()}});
    }
  });

  // Countries with their names in az/en/ru (ICU), for country fields.
  r.get("/api/v1/countries", [&ctx](Request& req) {
    requireUser(ctx.auth, req);
    auto res = Response::json(200, {{"items", records::countryList()}});
    res.set("Cache-Control", "private, max-age=86400");
    return res;
  });

  // The signed-in user's tasks: records past or near their deadlines (declared per type).
  r.get("/api/v1/tasks", [&ctx, &svc](Request& req) {
    auto p = requireUser(ctx.auth, req);
    const auto actor = actorFor(ctx, p);
    const int64_t now = nowMillis();
    Json tasks = svc.tasks(actor, now);
    // Periods of periodic returns the user's agency owes (they have no record to be late on).
    if (ctx.returns)
      for (auto& g : ctx.returns->tasks(actor, now)) tasks["groups"].push_back(std::move(g));
    auto res = Response::json(200, tasks);
    res.set("Cache-Control", "no-store");
    return res;
  });

  // The signed-in user's notifications (docs/records.md, "Notifications"): newest first, with the
  // message the schema gives the rule and the record they are about (its type and number only).
  r.get("/api/v1/notifications", [&ctx, &svc](Request& req) {
    auto p = requireUser(ctx.auth, req);
    const bool unread_only = req.queryParam("unread") == "true";
    int64_t before = 0;
    int limit = 50;
    try {
      if (const auto b = req.queryParam("before"); !b.empty()) before = std::stoll(b);
      if (const auto l = req.queryParam("limit"); !l.empty()) limit = std::stoi(l);
    } catch (const std::exception&) {
      throw Problem::validation({{"before", "type", "before and limit are whole numbers"}});
    }
    Json body = svc.notifications(p.user.id, unread_only, before, limit);
    auto res = Response::json(200, body);
    res.set("Cache-Control", "no-store");
    return res;
  });
  // Marks notifications read: {"ids": [..]} or {"all": true}.
  r.post("/api/v1/notifications/read", [&ctx, &svc](Request& req) {
    auto p = requireUser(ctx.auth, req);
    const Json body = req.jsonBody();
    std::vector<int64_t> ids;
    const bool all = body.is_object() && body.value("all", false) == true;
    if (!all) {
      if (!body.is_object() || !body.contains("ids") || !body["ids"].is_array() || body["ids"].empty() ||
          body["ids"].size() > 500)
        throw Problem::validation({{"ids", "required", "give the ids to mark read (1 to 500), or all: true"}});
      for (const auto& id : body["ids"]) {
        if (!id.is_number_integer()) throw Problem::validation({{"ids", "type", "ids are whole numbers"}});
        ids.push_back(id.get<int64_t>());
      }
    }
    return Response::json(200, svc.markNotificationsRead(p.user.id, ids));
  });

  // Bulk export of case facts (CSV or JSON lines), with the list's filters; needs the export
  // permission and is audited.
}

}  // namespace palermo::api
