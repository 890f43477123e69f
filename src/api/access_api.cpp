// Access routes: agencies, roles, a user's roles and agency, sharing a record with an agency
// (grants) and break-glass access. The checks themselves live in the engine (records::Actor,
// RecordService); see docs/security.md.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <iomanip>
#include <sstream>
#include <mutex>
#include <unordered_map>

#include "api/app.hpp"
#include "core/error.hpp"
#include "records/engine.hpp"

namespace palermo::api {

using http::Request;
using http::Response;

namespace {

int64_t nowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Agencies change rarely and every request needs its user's region: keep them in memory for a
// few seconds (several instances see a change within that time).
class AgencyCache {
 public:
  std::optional<AgencyRow> find(Store& store, int64_t id) {
    if (id == 0) return std::nullopt;
    const int64_t now = nowMillis();
    {
      std::lock_guard lock(mu_);
      if (now - loaded_at_ < kTtlMs) {
        auto it = agencies_.find(id);
        if (it != agencies_.end()) return it->second;
      }
    }
    auto all = store.listAgencies();
    std::lock_guard lock(mu_);
    agencies_.clear();
    for (auto& a : all) agencies_.emplace(a.id, std::move(a));
    loaded_at_ = now;
    auto it = agencies_.find(id);
    return it == agencies_.end() ? std::nullopt : std::optional<AgencyRow>(it->second);
  }
  void invalidate() {
    std::lock_guard lock(mu_);
    loaded_at_ = 0;
  }

 private:
  static constexpr int64_t kTtlMs = 10000;
  std::mutex mu_;
  std::unordered_map<int64_t, AgencyRow> agencies_;
  int64_t loaded_at_ = 0;
};

AgencyCache& agencyCache() {
  static AgencyCache cache;
  return cache;
}

int64_t pathId(const Request& req, const char* name) {
  const auto& s = req.params.at(name);
  int64_t v = 0;
  if (s.empty() || s.size() > 18) throw Problem::notFound("There is no such record.");
  for (char c : s) {
    if (c < '0' || c > '9') throw Problem::notFound("There is no such record.");
    v = v * 10 + (c - '0');
  }
  if (v <= 0) throw Problem::notFound("There is no such record.");
  return v;
}

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

const std::vector<std::string>& kAgencyTypes = records::agencyTypes();

}  // namespace

records::Actor actorFor(AppContext& ctx, const auth::Principal& p) {
  std::string region;
  if (auto agency = agencyCache().find(ctx.store, p.user.agency_id); agency && agency->active) region = agency->region;
  const int64_t agency_id = p.user.agency_id;
  return records::Actor::of(ctx.records->schema(), p.user.id, p.user.roles, agency_id, region);
}

void requireAdmin(AppContext& ctx, const auth::Principal& p) {
  const bool admin = ctx.records ? actorFor(ctx, p).isAdmin() : p.hasRole("admin");
  if (!admin) throw Problem::forbidden("Only administrators may do this.");
}

std::vector<FieldError> checkRoles(AppContext& ctx, const Json& roles, int64_t agency_id,
                                   std::vector<std::string>& out) {
  std::vector<FieldError> errors;
  if (!roles.is_array()) {
    errors.push_back({"roles", "type", "must be an array of role names"});
    return errors;
  }
  std::optional<AgencyRow> agency;
  if (agency_id) agency = ctx.store.findAgency(agency_id);
  for (std::size_t i = 0; i < roles.size(); ++i) {
    const auto& v = roles[i];
    const std::string field = fmt::format("roles[{}]", i);
    const records::RoleDef* role = nullptr;
    if (v.is_string() && ctx.records) {
      auto it = ctx.records->schema().roles.find(v.get<std::string>());
      if (it != ctx.records->schema().roles.end()) role = &it->second;
    }
    if (!role) {
      errors.push_back({field, "unknown", "is not a known role"});
      continue;
    }
    if (!role->agency_types.empty() &&
        (!agency || std::find(role->agency_types.begin(), role->agency_types.end(), agency->type) ==
                        role->agency_types.end()))
      errors.push_back({field, "agency_type",
                        "role '" + role->name + "' is for users of agencies of type " +
                            fmt::format("{}", fmt::join(role->agency_types, ", "))});
    else
      out.push_back(role->name);
  }
  return errors;
}

void registerAccessRoutes(http::Router& r, AppContext& ctx) {
  auto& svc = *ctx.records;

  r.get("/api/v1/roles", [&ctx, &svc](Request& req) {
    ctx.auth.require(req);
    Json items = Json::array();
    for (const auto& [name, role] : svc.schema().roles) items.push_back(roleJson(role));
    return Response::json(200, {{"items", items}});
  });

  // Every signed-in user may list agencies: referral and sharing forms need them.
  r.get("/api/v1/agencies", [&ctx](Request& req) {
    ctx.auth.require(req);
    Json items = Json::array();
    for (const auto& a : ctx.store.listAgencies()) items.push_back(agencyJson(a));
    return Response::json(200, {{"items", items}, {"types", kAgencyTypes}});
  });

  r.post("/api/v1/agencies", [&ctx](Request& req) {
    auto p = ctx.auth.require(req);
    requireAdmin(ctx, p);
    const Json body = req.jsonBody();
    std::vector<FieldError> errors;
    AgencyRow a;
    auto text = [&](const char* name, bool required, std::size_t max) {
      auto it = body.find(name);
      if (it == body.end() || it->is_null() || (it->is_string() && it->get<std::string>().empty())) {
        if (required) errors.push_back({name, "required", "is required"});
        return std::string();
      }
      if (!it->is_string()) {
        errors.push_back({name, "type", "must be text"});
        return std::string();
      }
      if (it->get<std::string>().size() > max)
        errors.push_back({name, "too_long", fmt::format("must be at most {} bytes", max)});
      return it->get<std::string>();
    };
    a.name = text("name", true, 200);
    a.type = text("type", true, 40);
    a.region = text("region", false, 40);
    if (!a.type.empty() && std::find(kAgencyTypes.begin(), kAgencyTypes.end(), a.type) == kAgencyTypes.end())
      errors.push_back({"type", "not_in_list", "is not an agency type"});
    for (const auto& existing : ctx.store.listAgencies())
      if (existing.name == a.name) errors.push_back({"name", "unique", "an agency has this name already"});
    if (!errors.empty()) throw Problem::validation(std::move(errors));
    auto created = ctx.store.createAgency(a);
    ctx.store.appendAudit(AuditDraft{p.user.id, "agency.create", "agency", created.id,
                                     {{"type", created.type}, {"region", created.region}}},
                          nowMillis());
    agencyCache().invalidate();
    auto res = Response::json(201, agencyJson(created));
    res.set("Location", "/api/v1/agencies/" + std::to_string(created.id));
    return res;
  });

  // Roles, agency and the active flag of a user: a permission change, audited with before and after.
  r.patch("/api/v1/users/{id}", [&ctx](Request& req) {
    auto p = ctx.auth.require(req);
    requireAdmin(ctx, p);
    const int64_t id = pathId(req, "id");
    auto user = ctx.store.findUserById(id);
    if (!user) throw Problem::notFound("There is no such user.");
    const Json body = req.jsonBody();
    std::vector<FieldError> errors;
    int64_t agency_id = user->agency_id;
    if (auto it = body.find("agency_id"); it != body.end()) {
      if (it->is_null()) agency_id = 0;
      else if (!it->is_number_integer() || !ctx.store.findAgency(it->get<int64_t>()))
        errors.push_back({"agency_id", "unknown", "is not the id of an agency"});
      else agency_id = it->get<int64_t>();
    }
    std::vector<std::string> roles = user->roles;
    if (auto it = body.find("roles"); it != body.end()) {
      roles.clear();
      auto role_errors = checkRoles(ctx, *it, agency_id, roles);
      errors.insert(errors.end(), role_errors.begin(), role_errors.end());
    }
    bool active = user->active;
    if (auto it = body.find("active"); it != body.end()) {
      if (!it->is_boolean()) errors.push_back({"active", "type", "must be true or false"});
      else active = it->get<bool>();
    }
    if (id == p.user.id && (!active || roles != user->roles))
      errors.push_back({"roles", "self", "administrators do not change their own roles or deactivate themselves"});
    if (!errors.empty()) throw Problem::validation(std::move(errors));
    ctx.store.updateUserAccess(id, roles, agency_id, active,
                               AuditDraft{p.user.id, "user.access_change", "user", id,
                                          {{"roles_from", user->roles},
                                           {"roles_to", roles},
                                           {"agency_from", user->agency_id},
                                           {"agency_to", agency_id},
                                           {"active", active}}});
    return Response::json(200, userJson(*ctx.store.findUserById(id)));
  });

  // The audit viewer (administrators): newest first, filtered by action (or "record." prefix),
  // actor, record and time; paged with before_seq. Entries never hold identity values.
  r.get("/api/v1/audit", [&ctx](Request& req) {
    auto p = ctx.auth.require(req);
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
    const auto entries = ctx.store.searchAudit(q);
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

  r.get("/api/v1/records/{type}/{id}/grants", [&ctx, &svc](Request& req) {
    auto p = ctx.auth.require(req);
    return Response::json(200, svc.grants(actorFor(ctx, p), req.params.at("type"), pathId(req, "id")));
  });

  r.post("/api/v1/records/{type}/{id}/grants", [&ctx, &svc](Request& req) {
    auto p = ctx.auth.require(req);
    return Response::json(201, svc.share(actorFor(ctx, p), req.params.at("type"), pathId(req, "id"), req.jsonBody()));
  });

  r.del("/api/v1/records/{type}/{id}/grants/{grant}", [&ctx, &svc](Request& req) {
    auto p = ctx.auth.require(req);
    svc.unshare(actorFor(ctx, p), req.params.at("type"), pathId(req, "id"), pathId(req, "grant"));
    return Response::noContent();
  });

  r.get("/api/v1/records/{type}/{id}/identity-restrictions", [&ctx, &svc](Request& req) {
    auto p = ctx.auth.require(req);
    return Response::json(200, svc.identityRestrictions(actorFor(ctx, p), req.params.at("type"), pathId(req, "id")));
  });

  r.put("/api/v1/records/{type}/{id}/identity-restrictions", [&ctx, &svc](Request& req) {
    auto p = ctx.auth.require(req);
    return Response::json(
        200, svc.restrictIdentity(actorFor(ctx, p), req.params.at("type"), pathId(req, "id"), req.jsonBody()));
  });

  r.post("/api/v1/records/{type}/{id}/break-glass", [&ctx, &svc](Request& req) {
    auto p = ctx.auth.require(req);
    const Json body = req.jsonBody();
    std::string reason;
    if (auto it = body.find("reason"); it != body.end() && it->is_string()) reason = it->get<std::string>();
    auto res = Response::json(200, svc.breakGlass(actorFor(ctx, p), req.params.at("type"), pathId(req, "id"), reason));
    res.set("Cache-Control", "no-store");
    return res;
  });
}

}  // namespace palermo::api
