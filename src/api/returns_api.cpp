// Routes of periodic returns, the block list and plan reports: GET /api/v1/returns (the return
// types the user sees, with their completeness), GET /api/v1/returns/{type}/completeness (agency
// × period), GET /api/v1/block-list (O1: addresses in force for an access provider, audited),
// GET /api/v1/plans/{id}/implementation-report (P3: json, pdf or odt, az/en/ru),
// POST /api/v1/international-requests/{id}/answer (P4: the answer sent, its figures frozen). The
// returns themselves are records (/api/v1/records/return_*): entered, sent by an API token,
// submitted and approved through the record routes.
#include <charconv>

#include "api/app.hpp"
#include "api/common.hpp"
#include "international/answers.hpp"
#include "monitoring/block_list.hpp"
#include "plans/implementation_report.hpp"
#include "records/engine.hpp"
#include "records/schema.hpp"
#include "returns/returns_service.hpp"

namespace palermo::api {

using http::Request;
using http::Response;

namespace {

int yearParam(const Request& req, const char* name, int fallback) {
  const std::string v = req.queryParam(name);
  if (v.empty()) return fallback;
  int y = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), y);
  if (ec != std::errc() || end != v.data() + v.size() || v.size() != 4)
    throw Problem::validation({{name, "year", "must be a year YYYY"}});
  return y;
}

}  // namespace

void registerReturnsRoutes(http::Router& r, AppContext& ctx) {
  if (ctx.returns) {
    r.get("/api/v1/returns", [&ctx](Request& req) {
      auto p = requireUser(ctx.auth, req);
      auto res = Response::json(200, ctx.returns->overview(actorFor(ctx, p), nowMillis()));
      res.set("Cache-Control", "no-store");
      return res;
    });
    r.get("/api/v1/returns/{type}/completeness", [&ctx](Request& req) {
      auto p = requireUser(ctx.auth, req);
      const int this_year = std::stoi(records::utcDate(nowMillis()).substr(0, 4));
      const int to = yearParam(req, "to", this_year);
      const int from = yearParam(req, "from", to);
      auto res = Response::json(200, ctx.returns->completeness(actorFor(ctx, p), req.params.at("type"), from, to, nowMillis()));
      res.set("Cache-Control", "no-store");
      return res;
    });
  }
  if (ctx.plan_reports) {
    r.get("/api/v1/plans/{id}/implementation-report", [&ctx](Request& req) {
      auto p = requireUser(ctx.auth, req);
      const int64_t now = nowMillis();
      const int year = yearParam(req, "year", std::stoi(records::utcDate(now).substr(0, 4)));
      std::string lang = req.queryParam("lang"), format = req.queryParam("format");
      if (lang.empty()) lang = "az";
      if (format.empty()) format = "json";
      auto doc = ctx.plan_reports->document(actorFor(ctx, p), pathId(req, "id"), year, lang, format, now);
      Response res{200, doc.content_type, {}, std::move(doc.bytes)};
      res.set("Cache-Control", "no-store");
      if (format != "json") res.set("Content-Disposition", "attachment; filename=\"" + doc.file_name + "\"");
      return res;
    });
  }
  if (ctx.answers) {
    r.post("/api/v1/international-requests/{id}/answer", [&ctx](Request& req) {
      auto p = requireUser(ctx.auth, req);
      std::optional<int64_t> if_match;
      if (const auto h = req.header("if-match"); !h.empty()) {
        if_match = records::parseIfMatch(h);
        if (!if_match)
          throw Problem::badRequest("request.if_match", "If-Match must be the record's ETag, e.g. \"3\".",
                                    {{"If-Match", "format", "is not a record version"}});
      }
      const Json out = ctx.answers->answer(actorFor(ctx, p), pathId(req, "id"), if_match, req.jsonBody());
      auto res = Response::json(200, out);
      res.set("ETag", records::etagFor(out["version"].get<int64_t>()));
      res.set("Cache-Control", "no-store");
      return res;
    });
  }
  if (ctx.block_list) {
    r.get("/api/v1/block-list", [&ctx](Request& req) {
      auto p = requireUser(ctx.auth, req);
      const int64_t now = nowMillis();
      std::string day = req.queryParam("date");
      if (day.empty()) day = records::utcDate(now);
      const auto list = ctx.block_list->exportFor(actorFor(ctx, p), req.queryParam("recipient"), day, now);
      auto res = Response::text(200, list.text);
      res.set("Content-Disposition", "attachment; filename=\"block-list-" + day + ".txt\"");
      res.set("Cache-Control", "no-store");
      res.set("X-Entries", std::to_string(list.entries));
      return res;
    });
  }
}

}  // namespace palermo::api
