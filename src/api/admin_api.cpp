// Administration routes: users (/api/v1/users), agencies, roles and the audit viewer. Every
// rule and audit entry is admin::AdminService's; these handlers read the request and shape the
// answer. See docs/security.md, "Administration".
#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <iomanip>
#include <sstream>

#include "admin/admin_service.hpp"
#include "api/app.hpp"
#include "api/common.hpp"
#include "records/engine.hpp"

namespace palermo::api {

using http::Request;
using http::Response;

namespace {

Json agencyJson(const AgencyRow& a) {
  return {{"id", a.id}, {"name", a.name}, {"type", a.type}, {"region", a.region}, {"active", a.active}};
}

Json roleJson(const records::RoleDef& r) {
  Json perms = Json::object();
  for (const auto& [type, actions] : r.permissions) perms[type] = actions;
  return {{"name", r.name},
          {"label", r.label.toJson()},
          {"description", r.description.az.empty() ? Json() : r.description.toJson()},
          {"agency_types", r.agency_types},
          {"scope", records::scopeName(r.scope)},
          {"identity", records::identityAccessName(r.identity)},
          {"admin", r.admin},
          {"break_glass", r.break_glass},
          {"consent_override", r.consent_override},
          {"second_factor", r.needsSecondFactor()},
          {"permissions", perms}};
}

// A list of role names in a body, or an error naming the member.
std::optional<std::vector<std::string>> roleNames(const Json& body, std::vector<FieldError>& errors) {
  auto it = body.find("roles");
  if (it == body.end()) return std::nullopt;
  std::vector<std::string> out;
  if (!it->is_array()) {
    errors.push_back({"roles", "type", "must be an array of role names"});
    return out;
  }
  for (std::size_t i = 0; i < it->size(); ++i) {
    if ((*it)[i].is_string()) out.push_back((*it)[i].get<std::string>());
    else errors.push_back({fmt::format("roles[{}]", i), "unknown", "is not a known role"});
  }
  return out;
}

// An agency id member: absent (nullopt), null (0), or a positive integer.
std::optional<int64_t> agencyId(const Json& body, std::vector<FieldError>& errors) {
  auto it = body.find("agency_id");
  if (it == body.end()) return std::nullopt;
  if (it->is_null()) return 0;
  if (!it->is_number_integer() || it->get<int64_t>() <= 0) {
    errors.push_back({"agency_id", "unknown", "is not the id of an agency"});
    return std::nullopt;
  }
  return it->get<int64_t>();
}

}  // namespace

namespace {

// Users: list, create (one-time password), change access, reset the second factor.
void registerUserRoutes(http::Router& r, AppContext& ctx) {
  r.get("/api/v1/users", [&ctx](Request& req) {
    auto p = requireUser(ctx.auth, req);
    requireAdmin(ctx, p);
    Json list = Json::array();
    for (const auto& u : ctx.admin.users()) list.push_back(userJson(u));
    return Response::json(200, {{"items", list}});
  });

  r.post("/api/v1/users", [&ctx](Request& req) {
    auto p = requireUser(ctx.auth, req);
    requireAdmin(ctx, p);
    const Json body = req.jsonBody();
    std::vector<FieldError> errors;
    admin::UserRequest u;
    u.login = stringField(body, "login", errors, true, 64);
    u.display_name = stringField(body, "display_name", errors, true, 200);
    u.agency_id = agencyId(body, errors).value_or(0);
    u.roles = roleNames(body, errors).value_or(std::vector<std::string>{});
    // The body's shape and the service's rules, every field at fault in one answer.
    std::vector<std::string> roles;
    for (auto& e : ctx.admin.checkUser(u, roles))
      if (std::none_of(errors.begin(), errors.end(), [&](const FieldError& f) { return f.field == e.field; }))
        errors.push_back(std::move(e));
    if (!errors.empty()) throw Problem::validation(std::move(errors));
    const auto created = ctx.admin.createUser(p.user.id, u);
    Json out = userJson(created.user);
    out["one_time_password"] = created.one_time_password;
    auto res = Response::json(201, out);
    res.set("Location", "/api/v1/users/" + std::to_string(created.user.id));
    res.set("Cache-Control", "no-store");
    return res;
  });

  // Roles, agency and the active flag of a user: a permission change, audited with before and after.
  r.patch("/api/v1/users/{id}", [&ctx](Request& req) {
    auto p = requireUser(ctx.auth, req);
    requireAdmin(ctx, p);
    const int64_t id = pathId(req, "id", "user");
    const Json body = req.jsonBody();
    std::vector<FieldError> errors;
    admin::AccessChange change;
    change.agency_id = agencyId(body, errors);
    change.roles = roleNames(body, errors);
    if (auto it = body.find("active"); it != body.end()) {
      if (!it->is_boolean()) errors.push_back({"active", "type", "must be true or false"});
      else change.active = it->get<bool>();
    }
    if (!errors.empty()) throw Problem::validation(std::move(errors));
    return Response::json(200, userJson(ctx.admin.changeAccess(p.user.id, id, change)));
  });

  // A user's e-mail address, where their notifications are also sent (empty: none); audited.
  r.put("/api/v1/users/{id}/email", [&ctx](Request& req) {
    auto p = requireUser(ctx.auth, req);
    requireAdmin(ctx, p);
    const int64_t id = pathId(req, "id", "user");
    const Json body = req.jsonBody();
    if (!body.is_object() || !body.contains("email") || !body["email"].is_string())
      throw Problem::validation({{"email", "required", "give the address, or \"\" for none"}});
    return Response::json(200, userJson(ctx.admin.setEmail(p.user.id, id, body["email"].get<std::string>())));
  });

  // The two-person rule: another administrator approves (or either rejects) the identity roles
  // a user is waiting for.
  r.post("/api/v1/users/{id}/roles/approve", [&ctx](Request& req) {
    auto p = requireUser(ctx.auth, req);
    requireAdmin(ctx, p);
    return Response::json(200, userJson(ctx.admin.approveRoles(p.user.id, pathId(req, "id", "user"))));
  });
  r.post("/api/v1/users/{id}/roles/reject", [&ctx](Request& req) {
    auto p = requireUser(ctx.auth, req);
    requireAdmin(ctx, p);
    return Response::json(200, userJson(ctx.admin.rejectRoles(p.user.id, pathId(req, "id", "user"))));
  });

  // An administrator resets a user's second factor (a lost phone); the user sets it up again.
  r.post("/api/v1/users/{id}/totp/reset", [&ctx](Request& req) {
    auto p = requireUser(ctx.auth, req);
    requireAdmin(ctx, p);
    ctx.admin.resetSecondFactor(p.user.id, pathId(req, "id", "user"));
    return Response::noContent();
  });

}

// Roles and agencies.
void registerAgencyRoutes(http::Router& r, AppContext& ctx) {
  r.get("/api/v1/roles", [&ctx](Request& req) {
    requireUser(ctx.auth, req);
    Json items = Json::array();
    if (ctx.records)
      for (const auto& [name, role] : ctx.records->schema().roles) items.push_back(roleJson(role));
    return Response::json(200, {{"items", items}});
  });

  // The signed-in user's colleagues (active users of the same agency), names only: a case is
  // assigned to one of them (fields named "…_user_id"). Not the administrators' user list.
  r.get("/api/v1/colleagues", [&ctx](Request& req) {
    auto p = requireUser(ctx.auth, req);
    Json items = Json::array();
    if (p.user.agency_id != 0)
      for (const auto& u : ctx.admin.users())
        if (u.active && u.agency_id == p.user.agency_id)
          items.push_back({{"id", u.id}, {"display_name", u.display_name}});
    return Response::json(200, {{"items", items}, {"agency_id", p.user.agency_id}});
  });

  // Every signed-in user may list agencies: referral and sharing forms need them.
  r.get("/api/v1/agencies", [&ctx](Request& req) {
    requireUser(ctx.auth, req);
    Json items = Json::array();
    for (const auto& a : ctx.admin.agencies()) items.push_back(agencyJson(a));
    return Response::json(200, {{"items", items}, {"types", records::agencyTypes()}});
  });

  r.post("/api/v1/agencies", [&ctx](Request& req) {
    auto p = requireUser(ctx.auth, req);
    requireAdmin(ctx, p);
    const Json body = req.jsonBody();
    std::vector<FieldError> errors;
    AgencyRow a;
    a.name = stringField(body, "name", errors, true, 200);
    a.type = stringField(body, "type", errors, true, 40);
    a.region = stringField(body, "region", errors, false, 40);
    if (!errors.empty()) throw Problem::validation(std::move(errors));
    const auto created = ctx.admin.createAgency(p.user.id, a);
    auto res = Response::json(201, agencyJson(created));
    res.set("Location", "/api/v1/agencies/" + std::to_string(created.id));
    return res;
  });

  // The audit viewer (administrators): newest first, filtered by action (or "record." prefix),
  // actor, record and time; paged with before_seq. Entries never hold identity values.
}

// The audit viewer.
void registerAuditRoutes(http::Router& r, AppContext& ctx) {
  r.get("/api/v1/audit", [&ctx](Request& req) {
    auto p = requireUser(ctx.auth, req);
    requireAdmin(ctx, p);
    AuditQuery q;
    std::vector<FieldError> errors;
    auto integer = [&](const char* name, int64_t& out, int64_t min) {
      const auto v = req.queryParam(name);
      if (v.empty()) return;
      try {
        std::size_t used = 0;
        out = std::stoll(v, &used);
        if (used != v.size() || out < min) throw std::invalid_argument(name);
      } catch (const std::exception&) {
        errors.push_back({name, "integer", fmt::format("must be an integer of at least {}", min)});
      }
    };
    auto time = [&](const char* name, int64_t& out) {
      const auto v = req.queryParam(name);
      if (v.empty()) return;
      std::tm tm{};
      std::istringstream in(v);
      in >> std::get_time(&tm, v.size() > 10 ? "%Y-%m-%dT%H:%M:%S" : "%Y-%m-%d");
      if (in.fail()) {
        errors.push_back({name, "date", "must be a date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM:SSZ), UTC"});
        return;
      }
      out = static_cast<int64_t>(timegm(&tm)) * 1000;
    };
    q.action = req.queryParam("action");
    q.record_type = req.queryParam("record_type");
    integer("actor", q.actor, 0);
    integer("record_id", q.record_id, 1);
    integer("before_seq", q.before_seq, 1);
    int64_t limit = 100;
    integer("limit", limit, 1);
    if (limit > 500) errors.push_back({"limit", "range", "must be between 1 and 500"});
    q.limit = static_cast<int>(std::min<int64_t>(limit, 500));
    time("since", q.since_ms);
    time("until", q.until_ms);
    if (!errors.empty()) throw Problem::validation(std::move(errors));
    Json items = Json::array();
    const auto entries = ctx.admin.searchAudit(q);
    for (const auto& e : entries) {
      Json details;
      try {
        details = Json::parse(e.details);
      } catch (const std::exception&) {
        details = e.details;
      }
      items.push_back({{"seq", e.seq},
                       {"at", records::utcTimestamp(e.at, true)},
                       {"actor", e.actor},
                       {"action", e.action},
                       {"record_type", e.record_type},
                       {"record_id", e.record_id},
                       {"details", details}});
    }
    Json body = {{"items", items}};
    if (static_cast<int>(entries.size()) == q.limit && !entries.empty()) body["next_before_seq"] = entries.back().seq;
    auto res = Response::json(200, body);
    res.set("Cache-Control", "no-store");
    return res;
  });
}

}  // namespace

void registerAdminRoutes(http::Router& r, AppContext& ctx) {
  registerUserRoutes(r, ctx);
  registerAgencyRoutes(r, ctx);
  registerAuditRoutes(r, ctx);
}

}  // namespace palermo::api
