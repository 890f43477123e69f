// Routes of the records API: /api/v1/records/{type}[/{id}[/history|/relations|/restore|
// /transitions/{name}|/state-on]], /api/v1/exports/{type}, /api/v1/attachments, /api/v1/schema
// and /api/v1/openapi.json. The engine (records::RecordService) does the work.
#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <sstream>

#include "api/app.hpp"
#include "api/common.hpp"
#include "api/list_params.hpp"
#include "rules/rulebook.hpp"
#include "core/error.hpp"
#include "records/engine.hpp"
#include "api/openapi.hpp"

namespace palermo::api {

using http::Request;
using http::Response;

namespace {

int64_t idParam(const Request& req) { return pathId(req, "id"); }

// attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded> (RFC 6266).
std::string contentDisposition(const std::string& name) {
  std::string ascii;
  std::string encoded;
  for (unsigned char c : name) {
    ascii.push_back(c >= 0x20 && c < 0x7F && c != '"' && c != '\\' ? static_cast<char>(c) : '_');
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_') encoded.push_back(static_cast<char>(c));
    else encoded += fmt::format("%{:02X}", c);
  }
  if (ascii.empty()) ascii = "file";
  return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + (encoded.empty() ? "file" : encoded);
}

Response recordResponse(int status, const Json& record) {
  auto res = Response::json(status, record);
  res.set("ETag", records::etagFor(record["version"].get<int64_t>()));
  res.set("Cache-Control", "no-store");
  return res;
}

std::optional<int64_t> ifMatch(const Request& req) {
  const auto h = req.header("if-match");
  if (h.empty()) return std::nullopt;
  auto v = records::parseIfMatch(h);
  if (!v) throw Problem::badRequest("request.if_match", "If-Match must be the record's ETag, e.g. \"3\".",
                                    {{"If-Match", "format", "is not a record version"}});
  return v;
}

Json optionalBody(const Request& req) {
  if (req.body.empty()) return Json::object();
  return req.jsonBody();
}

}  // namespace

void registerRecordRoutes(http::Router& r, AppContext& ctx) {
  auto& svc = *ctx.records;
  const std::string openapi = openApiDocument(svc.schema(), PALERMO_VERSION).dump();
  const std::string schema = schemaJson(svc.schema()).dump();

  // The schema (about 130 KB) changes only when the server restarts with another one: the browser
  // keeps it and asks with If-None-Match; the answer is then a 304 without a body.
  const std::string schema_etag = [&schema] {
    uint64_t h = 1469598103934665603ULL;  // FNV-1a of the document
    for (unsigned char c : schema) h = (h ^ c) * 1099511628211ULL;
    return fmt::format("\"s-{:016x}\"", h);
  }();
  r.get("/api/v1/schema", [&ctx, schema, schema_etag](Request& req) {
    requireUser(ctx.auth, req);
    if (req.header("if-none-match") == schema_etag)
      return Response{304, {}, {{"ETag", schema_etag}, {"Cache-Control", "no-cache"}}, {}};
    return Response{200, "application/json", {{"Cache-Control", "no-cache"}, {"ETag", schema_etag}}, schema};
  });
  r.get("/api/v1/openapi.json", [&ctx, openapi](Request& req) {
    if (!ctx.config.public_openapi) requireUser(ctx.auth, req);
    return Response{200, "application/json", {{"Cache-Control", "no-cache"}}, openapi};
  });

  r.get("/api/v1/records/{type}", [&ctx, &svc](Request& req) {
    auto p = requireUser(ctx.auth, req);
    auto result = svc.list(actorFor(ctx, p), req.params.at("type"), listParams(req));
    Json body = {{"items", std::move(result.items)}};
    if (!result.next_cursor.empty()) body["next_cursor"] = result.next_cursor;
    if (result.total >= 0) body["total"] = result.total;
    auto res = Response::json(200, body);
    res.set("Cache-Control", "no-store");
    return res;
  });

  // The global search box: records by the words of their titles (numbers, names of places and
  // bodies) and, for roles that may read identities, persons by name.
  r.get("/api/v1/search", [&ctx, &svc](Request& req) {
    auto p = requireUser(ctx.auth, req);
    int per_type = 5;
    if (const auto v = req.queryParam("per_type"); !v.empty()) {
      const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), per_type);
      if (ec != std::errc() || end != v.data() + v.size())
        throw Problem::validation({{"per_type", "integer", "must be an integer"}});
    }
    auto res = Response::json(200, Json{{"results", svc.search(actorFor(ctx, p), req.queryParam("q"), per_type)}});
    res.set("Cache-Control", "no-store");
    return res;
  });

  // Bulk export of the records a list would show (its filters), CSV or JSON lines: needs the
  // export permission; case facts only, never identity fields; audited (record.export).
  r.get("/api/v1/exports/{type}", [&ctx, &svc](Request& req) {
    auto p = requireUser(ctx.auth, req);
    std::string format = "csv";
    auto params = listParams(req, &format);
    auto result = svc.exportRecords(actorFor(ctx, p), req.params.at("type"), std::move(params), format);
    const std::string file = req.params.at("type") + (format == "csv" ? ".csv" : ".jsonl");
    Response res{200, format == "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson",
                 {{"Cache-Control", "no-store"}, {"Content-Disposition", contentDisposition(file)},
                  {"X-Export-Rows", std::to_string(result.rows)}},
                 std::move(result.content)};
    return res;
  });

  r.post("/api/v1/records/{type}", [&ctx, &svc](Request& req) {
    auto p = requireUser(ctx.auth, req);
    // A client that may send the same create twice (a retry, an offline queue) names it with an
    // Idempotency-Key: the second copy answers the first's record (docs/records.md).
    bool replayed = false;
    auto record = svc.create(actorFor(ctx, p), req.params.at("type"), req.jsonBody(),
                             std::string(req.header("idempotency-key")), &replayed);
    auto res = recordResponse(201, record);
    res.set("Location", fmt::format("/api/v1/records/{}/{}", req.params.at("type"), record["id"].get<int64_t>()));
    if (replayed) res.set("Idempotent-Replayed", "true");
    return res;
  });

  // Tried on the I/O thread (core/blocking.hpp): a cached sign-in and a SQLite read block on
  // nothing; an identity read's audit entry, a session's touch or a PostgreSQL read send it to a
  // worker.
  r.get("/api/v1/records/{type}/{id}", [&ctx, &svc](Request& req) {
    auto p = requireUser(ctx.auth, req);
    auto record = svc.get(actorFor(ctx, p), req.params.at("type"), idParam(req), splitList(req.queryParam("fields")));
    // A conditional GET lets a form check cheaply whether it still shows the latest version.
    if (auto inm = req.header("if-none-match"); !inm.empty() && inm == records::etagFor(record["version"]))
      return Response{304, {}, {{"ETag", std::string(inm)}}, {}};
    return recordResponse(200, record);
  }, {.try_on_io_thread = true});

  r.patch("/api/v1/records/{type}/{id}", [&ctx, &svc](Request& req) {
    auto p = requireUser(ctx.auth, req);
    return recordResponse(200, svc.update(actorFor(ctx, p), req.params.at("type"), idParam(req), ifMatch(req), req.jsonBody()));
  });

  r.del("/api/v1/records/{type}/{id}", [&ctx, &svc](Request& req) {
    auto p = requireUser(ctx.auth, req);
    const Json body = optionalBody(req);
    std::string reason;
    if (body.contains("reason") && body["reason"].is_string()) reason = body["reason"].get<std::string>();
    return recordResponse(200, svc.remove(actorFor(ctx, p), req.params.at("type"), idParam(req), ifMatch(req), reason));
  });

  r.post("/api/v1/records/{type}/{id}/restore", [&ctx, &svc](Request& req) {
    auto p = requireUser(ctx.auth, req);
    return recordResponse(200, svc.restore(actorFor(ctx, p), req.params.at("type"), idParam(req), ifMatch(req)));
  });

  r.post("/api/v1/records/{type}/{id}/transitions/{name}", [&ctx, &svc](Request& req) {
    auto p = requireUser(ctx.auth, req);
    return recordResponse(200, svc.transition(actorFor(ctx, p), req.params.at("type"), idParam(req), ifMatch(req),
                                              req.params.at("name"), optionalBody(req)));
  });

  r.get("/api/v1/records/{type}/{id}/state-on", [&ctx, &svc](Request& req) {
    auto p = requireUser(ctx.auth, req);
    return Response::json(200, svc.stateOn(actorFor(ctx, p), req.params.at("type"), idParam(req), req.queryParam("date")));
  });
  r.get("/api/v1/records/{type}/{id}/history", [&ctx, &svc](Request& req) {
    auto p = requireUser(ctx.auth, req);
    return Response::json(200, svc.history(actorFor(ctx, p), req.params.at("type"), idParam(req)));
  });

  r.get("/api/v1/records/{type}/{id}/relations", [&ctx, &svc](Request& req) {
    auto p = requireUser(ctx.auth, req);
    return Response::json(200, svc.relations(actorFor(ctx, p), req.params.at("type"), idParam(req)));
  });

  // Attachments: the raw file is the body, its media type the Content-Type, its name ?name=.
  // The server allows these bodies up to limits.upload_bytes; the field's max_bytes decides.
  r.post("/api/v1/attachments/{type}/{field}", [&ctx, &svc](Request& req) {
    auto p = requireUser(ctx.auth, req);
    auto info = svc.uploadAttachment(actorFor(ctx, p), req.params.at("type"), req.params.at("field"),
                                     std::string(req.header("content-type")), req.queryParam("name"), req.body);
    auto res = Response::json(201, info);
    res.set("Location", "/api/v1/attachments/" + info["id"].get<std::string>());
    return res;
  });

  r.get("/api/v1/attachments/{id}", [&ctx, &svc](Request& req) {
    auto p = requireUser(ctx.auth, req);
    auto res = Response::json(200, svc.attachmentInfo(actorFor(ctx, p), req.params.at("id")));
    res.set("Cache-Control", "no-store");
    return res;
  });

  r.get("/api/v1/attachments/{id}/content", [&ctx, &svc](Request& req) {
    auto p = requireUser(ctx.auth, req);
    auto file = svc.attachmentContent(actorFor(ctx, p), req.params.at("id"));
    Response res{200, file.media_type, {}, std::move(file.bytes)};
    res.set("Content-Disposition", contentDisposition(file.name));
    res.set("Cache-Control", "no-store");
    // Never rendered as a page of ours, whatever it contains.
    res.set("Content-Security-Policy", "sandbox; default-src 'none'");
    return res;
  });
}

}  // namespace palermo::api
