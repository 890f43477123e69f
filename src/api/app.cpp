// Wires the HTTP routes to the services: one file per resource (docs/architecture.md, "Where a
// new route goes"), registered here in one place, and the server's own routes (health,
// readiness, metrics, version).
#include "api/app.hpp"

#include "admin/admin_service.hpp"
#include "api/common.hpp"
#include "core/error.hpp"
#include "core/log.hpp"

namespace palermo::api {

using http::Request;
using http::Response;

Json userJson(const UserRow& u) {
  return {{"id", u.id},
          {"login", u.login},
          {"display_name", u.display_name},
          {"roles", u.roles},
          {"agency_id", u.agency_id},
          {"must_change_password", u.must_change_password},
          {"totp_enabled", u.totp_enabled},
          {"active", u.active},
          {"pending_roles", u.pending_roles},
          {"pending_by", u.pending_by},
          {"email", u.email}};
}

namespace {

void registerServerRoutes(http::Router& r, AppContext& ctx) {
  r.get("/healthz", [](Request&) { return Response::json(200, {{"status", "ok"}}); }, {.on_io_thread = true});

  r.get("/readyz", [&ctx](Request&) {
    admin::Readiness ready;
    try {
      ready = ctx.admin.readiness();
    } catch (const std::exception& e) {
      log::warn("readyz.database_unreachable", {{"error", e.what()}});
      return Response::json(503, {{"status", "not_ready"}, {"database", "unreachable"}});
    }
    if (!ready.migrations_applied)
      return Response::json(503, {{"status", "not_ready"}, {"database", "reachable"}, {"migrations", "pending"}});
    return Response::json(200, {{"status", "ready"}, {"database", ready.backend}, {"migrations", "applied"}});
  });

  r.get("/metrics", [&ctx](Request& req) {
    // Off a loopback address the figures (routes, volumes, errors) are for administrators only:
    // a session, or an administrator's API token for the scraper.
    if (!ctx.config.public_metrics) requireAdmin(ctx, requireUser(ctx.auth, req));
    return Response::text(200, ctx.metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
  });

  r.get("/api/v1/version", [](Request&) {
    return Response::json(200, {{"name", "palermo"}, {"version", PALERMO_VERSION}, {"api", "v1"}});
  }, {.on_io_thread = true});
}

}  // namespace

void registerRoutes(http::Router& r, AppContext& ctx) {
  registerServerRoutes(r, ctx);
  registerAuthRoutes(r, ctx);
  registerAdminRoutes(r, ctx);
  if (ctx.records) {
    registerRecordRoutes(r, ctx);
    registerWorkRoutes(r, ctx);
    registerImportRoutes(r, ctx);
    registerAccessRoutes(r, ctx);
  }
  if (ctx.stats) registerStatsRoutes(r, ctx);
  if (ctx.linkage) registerLinkageRoutes(r, ctx);
  if (ctx.records && (ctx.returns || ctx.block_list || ctx.plan_reports || ctx.answers)) registerReturnsRoutes(r, ctx);
  if (ctx.devices) registerDeviceRoutes(r, ctx);
  r.fallback(staticFiles(ctx.config.web_root));
}

}  // namespace palermo::api
