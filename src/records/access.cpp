// Actor: what a signed-in user may do, from the roles declared under schema/ (role files).
// The engine asks it before every action and hands its Visibility to the store, so that lists
// and reads are limited in SQL to what the user's scope and grants reach. docs/security.md.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <ctime>

#include "records/engine.hpp"

namespace palermo::records {

namespace {

bool roleAllows(const RoleDef& role, const std::string& type, const std::string& action) {
  for (const auto* key : {&type, static_cast<const std::string*>(nullptr)}) {
    auto it = role.permissions.find(key ? *key : std::string("*"));
    if (it == role.permissions.end()) continue;
    for (const auto& a : it->second)
      if (a == "*" || a == action) return true;
  }
  return false;
}

int64_t nowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string isoMillis(int64_t ms) { return utcTimestamp(ms, false); }

constexpr int64_t kBreakGlassMs = 60 * 60 * 1000;

Json grantJson(const GrantRow& g) {
  Json j = {{"id", g.id},
            {"kind", g.kind},
            {"reason", g.reason},
            {"granted_by", g.granted_by},
            {"granted_at", isoMillis(g.granted_at)},
            {"active", g.revoked_at == 0 && (g.expires_at == 0 || g.expires_at > nowMillis())}};
  if (g.agency_id) j["agency_id"] = g.agency_id;
  if (g.user_id) j["user_id"] = g.user_id;
  if (g.expires_at) j["expires_at"] = isoMillis(g.expires_at);
  if (g.revoked_at) {
    j["revoked_at"] = isoMillis(g.revoked_at);
    j["revoked_by"] = g.revoked_by;
  }
  return j;
}

std::string reasonOf(const Json& body, std::vector<FieldError>& errors) {
  auto it = body.find("reason");
  if (it == body.end() || !it->is_string() || isAbsent(*it)) {
    errors.push_back({"reason", "required", "is required"});
    return {};
  }
  const auto& r = it->get_ref<const std::string&>();
  if (r.size() > 1000) errors.push_back({"reason", "max_length", "must be at most 1000 bytes"});
  return r;
}

}  // namespace

Json RecordService::grants(const Actor& actor, const std::string& typeName, int64_t id) {
  const auto& type = typeOr404(actor, typeName, "read");
  loadOr404(actor, type, id, "read");
  Json items = Json::array();
  for (const auto& g : store_.grantsOf(id)) items.push_back(grantJson(g));
  return {{"items", items}};
}

Json RecordService::share(const Actor& actor, const std::string& typeName, int64_t id, const Json& body) {
  const auto& type = typeOr404(actor, typeName, "share");
  const auto stored = loadOr404(actor, type, id, "share");
  std::vector<FieldError> errors;
  const std::string reason = reasonOf(body, errors);
  GrantRow g;
  g.record_id = id;
  g.kind = "share";
  g.reason = reason;
  g.granted_by = actor.user_id;
  g.granted_at = nowMillis();
  auto agency = body.find("agency_id");
  if (agency == body.end() || !agency->is_number_integer()) {
    errors.push_back({"agency_id", "required", "is required (the id of the agency to share with)"});
  } else {
    auto a = store_.findAgency(agency->get<int64_t>());
    if (!a || !a->active) errors.push_back({"agency_id", "unknown", "is not the id of an active agency"});
    else g.agency_id = a->id;
  }
  if (auto it = body.find("expires_on"); it != body.end() && !it->is_null()) {
    // Access lasts to the end of that day (UTC).
    std::tm tm{};
    if (!it->is_string() || !isValidDate(it->get<std::string>()) ||
        !strptime(it->get<std::string>().c_str(), "%Y-%m-%d", &tm)) {
      errors.push_back({"expires_on", "date", "must be a date, YYYY-MM-DD"});
    } else {
      g.expires_at = (static_cast<int64_t>(timegm(&tm)) + 86400) * 1000;
      if (g.expires_at <= g.granted_at) errors.push_back({"expires_on", "past", "must be today or later"});
    }
  }
  if (!errors.empty()) throw Problem::validation(std::move(errors));
  Json details = {{"agency_id", g.agency_id}, {"kind", "share"}};
  // The person's consent: sharing with an agency type they did not agree to needs a role with
  // consent_override and a reason, and is audited as an override.
  if (!type.consent_share_field.empty()) {
    const auto agency_type = store_.findAgency(g.agency_id)->type;
    const Json data = fullData(type, stored);
    bool consented = false;
    if (auto it = data.find(type.consent_share_field); it != data.end() && it->is_array())
      for (const auto& v : *it) consented = consented || v == agency_type;
    if (!consented) {
      std::string override_reason;
      if (auto it = body.find("consent_override_reason"); it != body.end() && it->is_string() && !isAbsent(*it))
        override_reason = it->get<std::string>();
      if (!actor.mayOverrideConsent())
        throw Problem(409, "access.consent_missing",
                      fmt::format("The person has not consented to sharing with agencies of type '{}'.", agency_type),
                      {{type.consent_share_field, "consent", "does not include " + agency_type}});
      if (override_reason.empty() || override_reason.size() > 1000)
        throw Problem::validation({{"consent_override_reason", "required",
                                    "is required to share against the recorded consent (at most 1000 bytes)"}});
      details["consent_override"] = true;
      details["consent_override_reason"] = override_reason;
    }
  }
  if (g.expires_at) details["expires_at"] = isoMillis(g.expires_at);
  g.id = store_.addGrant(g, AuditDraft{actor.user_id, "record.share", type.name, id, details});
  return grantJson(g);
}

void RecordService::unshare(const Actor& actor, const std::string& typeName, int64_t id, int64_t grant_id) {
  const auto& type = typeOr404(actor, typeName, "share");
  loadOr404(actor, type, id, "share");
  if (!store_.revokeGrant(grant_id, id, actor.user_id, nowMillis(),
                          AuditDraft{actor.user_id, "record.unshare", type.name, id, {{"grant", grant_id}}}))
    throw Problem::notFound("There is no such active grant on this record.");
}

Json RecordService::breakGlass(const Actor& actor, const std::string& typeName, int64_t id, const std::string& reason) {
  const auto* type = schema_.type(typeName);
  if (!type || !actor.may(typeName, "read")) throw Problem::notFound("There is no such record.");
  if (!actor.mayBreakGlass()) throw Problem::forbidden("Your roles do not allow break-glass access.");
  std::vector<FieldError> errors;
  if (reason.find_first_not_of(" \t\r\n") == std::string::npos)
    errors.push_back({"reason", "required", "is required: say why this record must be opened"});
  else if (reason.size() > 1000)
    errors.push_back({"reason", "max_length", "must be at most 1000 bytes"});
  if (!errors.empty()) throw Problem::validation(std::move(errors));
  auto r = store_.getRecord(typeName, id);
  if (!r) throw Problem::notFound("There is no such record.");
  GrantRow g;
  g.record_id = id;
  g.user_id = actor.user_id;
  g.kind = "break_glass";
  g.reason = reason;
  g.granted_by = actor.user_id;
  g.granted_at = nowMillis();
  g.expires_at = g.granted_at + kBreakGlassMs;
  g.id = store_.addGrant(g, AuditDraft{actor.user_id, "record.break_glass", typeName, id,
                                       {{"reason", reason}, {"review", "pending"},
                                        {"expires_at", isoMillis(g.expires_at)}}});
  Json out = render(actor, *type, *r, {}, true);
  out["break_glass"] = grantJson(g);
  return out;
}

Json RecordService::identityRestrictions(const Actor& actor, const std::string& typeName, int64_t id) {
  const auto& type = typeOr404(actor, typeName, "read");
  const auto r = loadOr404(actor, type, id, "read");
  return {{"roles", r.identity_blocked}};
}

Json RecordService::restrictIdentity(const Actor& actor, const std::string& typeName, int64_t id, const Json& body) {
  const auto& type = typeOr404(actor, typeName, "restrict_identity");
  const auto r = loadOr404(actor, type, id, "restrict_identity");
  std::vector<FieldError> errors;
  const std::string reason = reasonOf(body, errors);
  std::string decision;
  if (auto it = body.find("decision"); it == body.end() || !it->is_string() || isAbsent(*it))
    errors.push_back({"decision", "required", "is required: the prosecutor's or court's decision (number and date)"});
  else if (it->get<std::string>().size() > 200)
    errors.push_back({"decision", "max_length", "must be at most 200 bytes"});
  else
    decision = it->get<std::string>();
  std::vector<std::string> roles;
  if (auto it = body.find("roles"); it == body.end() || !it->is_array()) {
    errors.push_back({"roles", "required", "is required: the roles whose access to the identity ends ([] lifts it)"});
  } else {
    for (std::size_t i = 0; i < it->size(); ++i) {
      const auto& v = (*it)[i];
      if (!v.is_string() || !schema_.roles.count(v.get<std::string>()))
        errors.push_back({"roles[" + std::to_string(i) + "]", "unknown", "is not a role"});
      else if (std::find(roles.begin(), roles.end(), v.get<std::string>()) == roles.end())
        roles.push_back(v.get<std::string>());
    }
  }
  if (!errors.empty()) throw Problem::validation(std::move(errors));
  store_.setIdentityBlocked(id, roles,
                            AuditDraft{actor.user_id, "record.identity_restricted", type.name, id,
                                       {{"roles_from", r.identity_blocked}, {"roles_to", roles},
                                        {"decision", decision}, {"reason", reason}}});
  return {{"roles", roles}};
}

Actor Actor::systemActor() {
  Actor a;
  a.system = true;
  return a;
}

Actor Actor::of(const Schema& schema, int64_t user_id, const std::vector<std::string>& role_names, int64_t agency_id,
                const std::string& region) {
  Actor a;
  a.user_id = user_id;
  a.agency_id = agency_id;
  a.region = region;
  a.schema = &schema;
  for (const auto& name : role_names)
    if (auto it = schema.roles.find(name); it != schema.roles.end()) a.roles.push_back(&it->second);
  return a;
}

bool Actor::isAdmin() const {
  return system || std::any_of(roles.begin(), roles.end(), [](const RoleDef* r) { return r->admin; });
}

bool Actor::may(const std::string& type, const std::string& action) const {
  if (system) return true;
  if (action == "read_identity" || action == "write_identity") {
    const auto level = identityFor(type);
    return action == "read_identity" ? level != IdentityAccess::None : level == IdentityAccess::Write;
  }
  return std::any_of(roles.begin(), roles.end(), [&](const RoleDef* r) { return roleAllows(*r, type, action); });
}

bool Actor::may(const std::string& permission) const {
  const auto dot = permission.rfind('.');
  if (dot == std::string::npos) return system;
  return may(permission.substr(0, dot), permission.substr(dot + 1));
}

std::optional<Scope> Actor::scopeFor(const std::string& type, const std::string& action) const {
  if (system) return Scope::National;
  std::optional<Scope> widest;
  for (const auto* r : roles)
    if (roleAllows(*r, type, action) && (!widest || r->scope > *widest)) widest = r->scope;
  return widest;
}

IdentityAccess Actor::identityFor(const std::string& type) const {
  if (system) return IdentityAccess::Write;
  // Identity access comes with a role that may read the type; the highest level wins.
  IdentityAccess best = IdentityAccess::None;
  for (const auto* r : roles)
    if (roleAllows(*r, type, "read") && r->identity > best) best = r->identity;
  return best;
}

IdentityAccess Actor::identityFor(const std::string& type, const std::vector<std::string>& blocked_roles) const {
  if (system) return IdentityAccess::Write;
  IdentityAccess best = IdentityAccess::None;
  for (const auto* r : roles) {
    if (std::find(blocked_roles.begin(), blocked_roles.end(), r->name) != blocked_roles.end()) continue;
    if (roleAllows(*r, type, "read") && r->identity > best) best = r->identity;
  }
  return best;
}

bool Actor::mayBreakGlass() const {
  return system || std::any_of(roles.begin(), roles.end(), [](const RoleDef* r) { return r->break_glass; });
}

bool Actor::mayOverrideConsent() const {
  return system || std::any_of(roles.begin(), roles.end(), [](const RoleDef* r) { return r->consent_override; });
}

Visibility Actor::visibility(const std::string& type, int64_t now_ms) const {
  Visibility v;
  v.user_id = user_id;
  v.agency_id = agency_id;
  v.region = region;
  v.now = now_ms;
  const auto scope = scopeFor(type, "read");
  v.scope = static_cast<Visibility::Scope>(static_cast<int>(scope.value_or(Scope::Own)));
  // A grant on a linked record must not open a record whose sharing needs the person's
  // consent: such records are reached only by a grant on themselves (where consent is checked).
  if (schema)
    if (const auto* t = schema->type(type); t && !t->consent_share_field.empty()) v.reach_through_links = false;
  return v;
}

}  // namespace palermo::records
