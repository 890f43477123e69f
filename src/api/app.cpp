#include "api/app.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>


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
          {"active", u.active}};
}

namespace {

std::string stringField(const Json& body, const char* name, std::vector<FieldError>& errors, bool required,
                        std::size_t max_len = 200) {
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

Json meJson(AppContext& ctx, const auth::Principal& p) {
  Json user = userJson(p.user);
  user["second_factor_required"] = ctx.auth.secondFactorNeeded(p.user);
  return {{"user", user}, {"csrf_token", p.session.csrf_token}};
}

// 2-64 characters: lower-case Latin letters, digits, '.', '_', '-'; starts with a letter or digit.
bool validLogin(const std::string& login) {
  if (login.size() < 2 || login.size() > 64) return false;
  auto plain = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!plain(login.front())) return false;
  return std::all_of(login.begin(), login.end(), [&](char c) { return plain(c) || c == '.' || c == '_' || c == '-'; });
}

}  // namespace

void registerRoutes(http::Router& r, AppContext& ctx) {
  r.get("/healthz", [](Request&) { return Response::json(200, {{"status", "ok"}}); }, {.on_io_thread = true});

  r.get("/readyz", [&ctx](Request&) {
    try {
      ctx.store.ping();
      if (ctx.store.migrationsPending())
        return Response::json(503, {{"status", "not_ready"}, {"database", "reachable"}, {"migrations", "pending"}});
    } catch (const std::exception& e) {
      log::warn("readyz.database_unreachable", {{"error", e.what()}});
      return Response::json(503, {{"status", "not_ready"}, {"database", "unreachable"}});
    }
    return Response::json(200, {{"status", "ready"}, {"database", ctx.store.backendName()}, {"migrations", "applied"}});
  });

  r.get("/metrics", [&ctx](Request&) {
    return Response::text(200, ctx.metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
  });

  r.get("/api/v1/version", [](Request&) {
    return Response::json(200, {{"name", "palermo"}, {"version", PALERMO_VERSION}, {"api", "v1"}});
  }, {.on_io_thread = true});

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
    auto p = ctx.auth.require(req, true);
    ctx.auth.logout(p);
    auto res = Response::noContent();
    res.set("Set-Cookie", auth::AuthService::clearedCookie(req.tls));
    return res;
  });

  r.get("/api/v1/auth/me", [&ctx](Request& req) {
    auto p = ctx.auth.require(req, true);
    auto res = Response::json(200, meJson(ctx, p));
    res.set("Cache-Control", "no-store");
    return res;
  });

  r.post("/api/v1/auth/password", [&ctx](Request& req) {
    auto p = ctx.auth.require(req, true);
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
    auto p = ctx.auth.require(req, true);
    auto res = Response::json(200, ctx.auth.beginTotpEnrolment(p));
    res.set("Cache-Control", "no-store");
    return res;
  });

  r.post("/api/v1/auth/totp/confirm", [&ctx](Request& req) {
    auto p = ctx.auth.require(req, true);
    const Json body = req.jsonBody();
    std::vector<FieldError> errors;
    const auto code = stringField(body, "code", errors, true, 16);
    if (!errors.empty()) throw Problem::validation(std::move(errors));
    ctx.auth.confirmTotpEnrolment(p, code);
    return Response::noContent();
  });

  // An administrator resets a user's second factor (a lost phone); the user sets it up again.
  r.post("/api/v1/users/{id}/totp/reset", [&ctx](Request& req) {
    auto p = ctx.auth.require(req);
    requireAdmin(ctx, p);
    int64_t id = 0;
    try {
      id = std::stoll(req.params.at("id"));
    } catch (const std::exception&) {
      throw Problem::notFound("There is no such user.");
    }
    if (!ctx.store.findUserById(id)) throw Problem::notFound("There is no such user.");
    ctx.store.setTotp(id, "", false);
    ctx.store.deleteSessionsOfUser(id, "");
    ctx.store.appendAudit(AuditDraft{p.user.id, "user.totp_reset", "user", id, Json::object()},
                          std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count());
    return Response::noContent();
  });

  // API tokens of the signed-in user (machine clients send "Authorization: Bearer plm_...").
  r.get("/api/v1/auth/tokens", [&ctx](Request& req) {
    auto p = ctx.auth.require(req);
    if (p.token_id) throw Problem(403, "auth.token_not_allowed", "API tokens cannot list tokens; sign in.");
    Json items = Json::array();
    for (const auto& t : ctx.store.listApiTokens(p.user.id)) items.push_back(auth::AuthService::tokenJson(t));
    return Response::json(200, {{"items", items}});
  });

  r.post("/api/v1/auth/tokens", [&ctx](Request& req) {
    auto p = ctx.auth.require(req);
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
    auto p = ctx.auth.require(req);
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
    auto p = ctx.auth.require(req, true);
    Json list = Json::array();
    for (const auto& s : ctx.store.listSessions(p.user.id)) {
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
    auto p = ctx.auth.require(req, true);
    const int n = ctx.store.deleteSessionsOfUser(p.user.id, p.session.token_hash);
    return Response::json(200, {{"ended", n}});
  });

  r.get("/api/v1/users", [&ctx](Request& req) {
    auto p = ctx.auth.require(req);
    requireAdmin(ctx, p);
    Json list = Json::array();
    for (const auto& u : ctx.store.listUsers()) list.push_back(userJson(u));
    return Response::json(200, {{"items", list}});
  });

  r.post("/api/v1/users", [&ctx](Request& req) {
    auto p = ctx.auth.require(req);
    requireAdmin(ctx, p);
    const Json body = req.jsonBody();
    std::vector<FieldError> errors;
    const auto login = stringField(body, "login", errors, true, 64);
    if (!login.empty() && !validLogin(login))
      errors.push_back({"login", "pattern", "must be 2-64 lower-case letters, digits, '.', '_' or '-'"});
    const auto display = stringField(body, "display_name", errors, true, 200);
    int64_t agency_id = 0;
    if (auto it = body.find("agency_id"); it != body.end() && !it->is_null()) {
      if (!it->is_number_integer() || it->get<int64_t>() <= 0 || !ctx.store.findAgency(it->get<int64_t>()))
        errors.push_back({"agency_id", "unknown", "is not the id of an agency"});
      else
        agency_id = it->get<int64_t>();
    }
    std::vector<std::string> roles;
    if (auto it = body.find("roles"); it != body.end()) {
      auto role_errors = checkRoles(ctx, *it, agency_id, roles);
      errors.insert(errors.end(), role_errors.begin(), role_errors.end());
    }
    if (!errors.empty()) throw Problem::validation(std::move(errors));
    const std::string password = auth::generatePassword();
    auto created = ctx.store.createUser(
        NewUser{login, display, auth::hashPassword(password, ctx.auth.cost()), roles, true, agency_id});
    if (!created) throw Problem(409, "user.login_taken", "A user with this login exists already.",
                                {{"login", "unique", "is taken"}});
    log::info("user.created", {{"by_user_id", p.user.id}, {"user_id", created->id}});
    ctx.store.appendAudit(AuditDraft{p.user.id, "user.create", "user", created->id,
                                     {{"roles", roles}, {"agency_id", agency_id}}},
                          std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count());
    Json out = userJson(*created);
    out["one_time_password"] = password;
    auto res = Response::json(201, out);
    res.set("Location", "/api/v1/users/" + std::to_string(created->id));
    res.set("Cache-Control", "no-store");
    return res;
  });

  if (ctx.records) {
    registerRecordRoutes(r, ctx);
    registerAccessRoutes(r, ctx);
  }
  if (ctx.stats) registerStatsRoutes(r, ctx);
  if (ctx.links) registerLinkageRoutes(r, ctx);
  r.fallback(staticFiles(ctx.config.web_root));
}

}  // namespace palermo::api
