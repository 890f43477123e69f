// Routes of signing in and of the signed-in user's own account: /api/v1/auth/* (login, logout,
// me, password, second factor, API tokens, sessions). The rules live in auth::AuthService and
// admin::AdminService.
#include "api/app.hpp"
#include "api/common.hpp"
#include "admin/admin_service.hpp"
#include "auth/devices.hpp"

namespace palermo::api {

using http::Request;
using http::Response;

namespace {

Json meJson(AppContext& ctx, const auth::Principal& p) {
  Json user = userJson(p.user);
  user["second_factor_required"] = ctx.auth.secondFactorNeeded(p.user);
  Json me = {{"user", user}, {"csrf_token", p.session.csrf_token}};
  // What the user may keep on a device and work offline (docs/offline.md).
  if (ctx.devices) me["offline"] = ctx.devices->offlineJson(p);
  return me;
}

}  // namespace

void registerAuthRoutes(http::Router& r, AppContext& ctx) {
  r.post("/api/v1/auth/login", [&ctx](Request& req) {
    const Json body = req.jsonBody();
    std::vector<FieldError> errors;
    const auto login = stringField(body, "login", errors, true);
    const auto password = stringField(body, "password", errors, true, 256);
    const auto totp = stringField(body, "totp", errors, false, 16);
    if (!errors.empty()) throw Problem::validation(std::move(errors));
    auto result = ctx.auth.login(login, password, std::string(req.header("user-agent")), req.remote_ip, totp);
    auto res = Response::json(200, meJson(ctx, result.principal));
    res.set("Set-Cookie", ctx.auth.sessionCookie(result.token, req.tls));
    res.set("Cache-Control", "no-store");
    return res;
  });

  r.post("/api/v1/auth/logout", [&ctx](Request& req) {
    auto p = requireUser(ctx.auth, req, true);
    ctx.auth.logout(p);
    auto res = Response::noContent();
    res.set("Set-Cookie", auth::AuthService::clearedCookie(req.tls));
    return res;
  });

  r.get("/api/v1/auth/me", [&ctx](Request& req) {
    auto p = requireUser(ctx.auth, req, true);
    auto res = Response::json(200, meJson(ctx, p));
    res.set("Cache-Control", "no-store");
    return res;
  });

  r.post("/api/v1/auth/password", [&ctx](Request& req) {
    auto p = requireUser(ctx.auth, req, true);
    const Json body = req.jsonBody();
    std::vector<FieldError> errors;
    const auto current = stringField(body, "current_password", errors, true, 256);
    const auto next = stringField(body, "new_password", errors, true, 1024);
    if (!errors.empty()) throw Problem::validation(std::move(errors));
    ctx.auth.changePassword(p, current, next);
    return Response::noContent();
  });

  // Second factor: set-up (a pending secret, shown once), confirmation with a first code.
  r.post("/api/v1/auth/totp/setup", [&ctx](Request& req) {
    auto p = requireUser(ctx.auth, req, true);
    // {"new": true}: a new secret (the app that scanned the pending one was lost).
    const Json body = req.body.empty() ? Json::object() : req.jsonBody();
    const bool fresh = body.is_object() && body.value("new", false) == true;
    auto res = Response::json(200, ctx.auth.beginTotpEnrolment(p, fresh));
    res.set("Cache-Control", "no-store");
    return res;
  });

  r.post("/api/v1/auth/totp/confirm", [&ctx](Request& req) {
    auto p = requireUser(ctx.auth, req, true);
    const Json body = req.jsonBody();
    std::vector<FieldError> errors;
    const auto code = stringField(body, "code", errors, true, 16);
    if (!errors.empty()) throw Problem::validation(std::move(errors));
    ctx.auth.confirmTotpEnrolment(p, code);
    return Response::noContent();
  });

  // API tokens of the signed-in user (machine clients send "Authorization: Bearer plm_...").
  r.get("/api/v1/auth/tokens", [&ctx](Request& req) {
    auto p = requireUser(ctx.auth, req);
    if (p.token_id) throw Problem(403, "auth.token_not_allowed", "API tokens cannot list tokens; sign in.");
    Json items = Json::array();
    for (const auto& t : ctx.admin.tokens(p.user.id)) items.push_back(auth::AuthService::tokenJson(t));
    return Response::json(200, {{"items", items}});
  });

  r.post("/api/v1/auth/tokens", [&ctx](Request& req) {
    auto p = requireUser(ctx.auth, req);
    const Json body = req.jsonBody();
    std::vector<FieldError> errors;
    const auto name = stringField(body, "name", errors, true, 100);
    std::vector<std::string> roles;
    if (auto it = body.find("roles"); it != body.end() && !it->is_null()) {
      if (!it->is_array()) errors.push_back({"roles", "type", "must be an array of role names"});
      else
        for (const auto& v : *it)
          if (v.is_string()) roles.push_back(v.get<std::string>());
          else errors.push_back({"roles", "type", "must be an array of role names"});
    }
    bool read_only = false;
    if (auto it = body.find("read_only"); it != body.end() && !it->is_null()) {
      if (!it->is_boolean()) errors.push_back({"read_only", "type", "must be true or false"});
      else read_only = it->get<bool>();
    }
    int64_t expires_at = 0;
    if (auto it = body.find("expires_in_days"); it != body.end() && !it->is_null()) {
      if (!it->is_number_integer() || it->get<int64_t>() < 1 || it->get<int64_t>() > 730)
        errors.push_back({"expires_in_days", "range", "must be a whole number of days from 1 to 730"});
      else
        expires_at = auth::systemClock() + it->get<int64_t>() * 86400;
    }
    if (!errors.empty()) throw Problem::validation(std::move(errors));
    auto res = Response::json(201, ctx.auth.createToken(p, name, roles, read_only, expires_at));
    res.set("Cache-Control", "no-store");
    return res;
  });

  r.del("/api/v1/auth/tokens/{id}", [&ctx](Request& req) {
    auto p = requireUser(ctx.auth, req);
    if (p.token_id) throw Problem(403, "auth.token_not_allowed", "API tokens cannot revoke tokens; sign in.");
    int64_t id = 0;
    try {
      id = std::stoll(req.params.at("id"));
    } catch (const std::exception&) {
      throw Problem::notFound("There is no such active token of yours.");
    }
    ctx.auth.revokeToken(p, id);
    return Response::noContent();
  });

  r.get("/api/v1/auth/sessions", [&ctx](Request& req) {
    auto p = requireUser(ctx.auth, req, true);
    Json list = Json::array();
    for (const auto& s : ctx.admin.sessions(p.user.id)) {
      list.push_back({{"id", s.token_hash.substr(0, 16)},
                      {"current", s.token_hash == p.session.token_hash},
                      {"created_at", s.created_at},
                      {"last_seen_at", s.last_seen_at},
                      {"expires_at", s.expires_at},
                      {"user_agent", s.user_agent}});
    }
    return Response::json(200, {{"items", list}});
  });

  r.del("/api/v1/auth/sessions", [&ctx](Request& req) {
    auto p = requireUser(ctx.auth, req, true);
    const int n = ctx.admin.endOtherSessions(p.user.id, p.session.token_hash);
    // Signing out everywhere also forgets every device's key (docs/offline.md).
    const int devices = ctx.devices ? ctx.devices->revokeAllOf(p.user.id, "signed_out_everywhere") : 0;
    return Response::json(200, {{"ended", n}, {"devices_revoked", devices}});
  });
}

}  // namespace palermo::api
