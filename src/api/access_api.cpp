// Access routes: sharing a record with an agency (grants), identity restrictions (J3) and
// break-glass access; and the engine's view of a signed-in user (actorFor). The checks
// themselves live in the engine (records::Actor, RecordService); see docs/security.md.
#include "admin/admin_service.hpp"
#include "api/app.hpp"
#include "api/common.hpp"
#include "records/engine.hpp"

namespace palermo::api {

using http::Request;
using http::Response;

records::Actor actorFor(AppContext& ctx, const auth::Principal& p) {
  std::string region;
  if (auto agency = ctx.admin.agency(p.user.agency_id); agency && agency->active) region = agency->region;
  return records::Actor::of(ctx.records->schema(), p.user.id, p.user.roles, p.user.agency_id, region);
}

bool isAdmin(AppContext& ctx, const auth::Principal& p) {
  return ctx.records ? actorFor(ctx, p).isAdmin() : p.hasRole("admin");
}

void requireAdmin(AppContext& ctx, const auth::Principal& p) {
  if (!isAdmin(ctx, p)) throw Problem::forbidden("Only administrators may do this.");
}

void registerAccessRoutes(http::Router& r, AppContext& ctx) {
  auto& svc = *ctx.records;

  r.get("/api/v1/records/{type}/{id}/grants", [&ctx, &svc](Request& req) {
    auto p = requireUser(ctx.auth, req);
    return Response::json(200, svc.grants(actorFor(ctx, p), req.params.at("type"), pathId(req, "id")));
  });

  r.post("/api/v1/records/{type}/{id}/grants", [&ctx, &svc](Request& req) {
    auto p = requireUser(ctx.auth, req);
    return Response::json(201, svc.share(actorFor(ctx, p), req.params.at("type"), pathId(req, "id"), req.jsonBody()));
  });

  r.del("/api/v1/records/{type}/{id}/grants/{grant}", [&ctx, &svc](Request& req) {
    auto p = requireUser(ctx.auth, req);
    svc.unshare(actorFor(ctx, p), req.params.at("type"), pathId(req, "id"), pathId(req, "grant"));
    return Response::noContent();
  });

  r.get("/api/v1/records/{type}/{id}/identity-restrictions", [&ctx, &svc](Request& req) {
    auto p = requireUser(ctx.auth, req);
    return Response::json(200, svc.identityRestrictions(actorFor(ctx, p), req.params.at("type"), pathId(req, "id")));
  });

  r.put("/api/v1/records/{type}/{id}/identity-restrictions", [&ctx, &svc](Request& req) {
    auto p = requireUser(ctx.auth, req);
    return Response::json(
        200, svc.restrictIdentity(actorFor(ctx, p), req.params.at("type"), pathId(req, "id"), req.jsonBody()));
  });

  r.post("/api/v1/records/{type}/{id}/break-glass", [&ctx, &svc](Request& req) {
    auto p = requireUser(ctx.auth, req);
    const Json body = req.jsonBody();
    std::string reason;
    if (auto it = body.find("reason"); it != body.end() && it->is_string()) reason = it->get<std::string>();
    auto res = Response::json(200, svc.breakGlass(actorFor(ctx, p), req.params.at("type"), pathId(req, "id"), reason));
    res.set("Cache-Control", "no-store");
    return res;
  });
}

}  // namespace palermo::api
