#include "admin/admin_service.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "core/log.hpp"
#include "notify/smtp.hpp"
#include "records/schema.hpp"

namespace palermo::admin {

namespace {

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

constexpr int64_t kAgencyCacheMs = 10000;

}  // namespace

AdminService::AdminService(Store& store, const records::Schema* schema, auth::HashCost cost)
    : store_(store), schema_(schema), cost_(cost) {}

void AdminService::audit(const AuditDraft& draft) { store_.appendAudit(draft, nowMs()); }

// ---- agencies ---------------------------------------------------------------------------------

std::vector<AgencyRow> AdminService::agencies() { return store_.listAgencies(); }

std::optional<AgencyRow> AdminService::agency(int64_t id) {
  if (id == 0) return std::nullopt;
  const int64_t now = nowMs();
  {
    std::lock_guard lock(cache_mu_);
    if (now - cache_loaded_at_ < kAgencyCacheMs)
      if (auto it = agency_cache_.find(id); it != agency_cache_.end()) return it->second;
  }
  auto all = store_.listAgencies();
  std::lock_guard lock(cache_mu_);
  agency_cache_.clear();
  for (auto& a : all) agency_cache_.emplace(a.id, std::move(a));
  cache_loaded_at_ = now;
  auto it = agency_cache_.find(id);
  return it == agency_cache_.end() ? std::nullopt : std::optional<AgencyRow>(it->second);
}

UserRow AdminService::setEmail(int64_t by_user, int64_t user_id, const std::string& email) {
  if (!email.empty() && !notify::plausibleAddress(email))
    throw Problem::validation({{"email", "format", "is not an e-mail address (name@example.az)"}});
  auto user = store_.findUserById(user_id);
  if (!user) throw Problem::notFound("There is no such user.");
  store_.setUserEmail(user_id, email, AuditDraft{by_user, "user.email", "user", user_id, {{"set", !email.empty()}}});
  user->email = email;
  return *user;
}

AgencyRow AdminService::createAgency(int64_t by_user, const AgencyRow& a) {
  std::vector<FieldError> errors;
  auto text = [&](const char* name, const std::string& value, bool required, std::size_t max) {
    if (required && value.empty()) errors.push_back({name, "required", "is required"});
    if (value.size() > max) errors.push_back({name, "too_long", fmt::format("must be at most {} bytes", max)});
  };
  text("name", a.name, true, 200);
  text("type", a.type, true, 40);
  text("region", a.region, false, 40);
  const auto& types = records::agencyTypes();
  if (!a.type.empty() && std::find(types.begin(), types.end(), a.type) == types.end())
    errors.push_back({"type", "not_in_list", "is not an agency type"});
  // The region is the scope of its users' region roles: one of the country's units when the
  // schema has the `region` list (a fixture schema without one takes any short code).
  if (schema_ && !a.region.empty())
    if (const auto* list = schema_->list("region"); list && !list->find(a.region))
      errors.push_back({"region", "not_in_list", "is not a code of the region list (schema/lists/region.yaml)"});
  for (const auto& existing : store_.listAgencies())
    if (existing.name == a.name) errors.push_back({"name", "unique", "an agency has this name already"});
  if (!errors.empty()) throw Problem::validation(std::move(errors));
  AgencyRow created;
  store_.inTransaction([&] {
    created = store_.createAgency(a);
    audit(AuditDraft{by_user, "agency.create", "agency", created.id, {{"type", created.type}, {"region", created.region}}});
  });
  std::lock_guard lock(cache_mu_);
  cache_loaded_at_ = 0;
  return created;
}

// ---- users --------------------------------------------------------------------------------------

std::vector<UserRow> AdminService::users() { return store_.listUsers(); }

std::optional<UserRow> AdminService::user(int64_t id) { return store_.findUserById(id); }

bool AdminService::validLogin(const std::string& login) {
  if (login.size() < 2 || login.size() > 64) return false;
  auto plain = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!plain(login.front())) return false;
  return std::all_of(login.begin(), login.end(), [&](char c) { return plain(c) || c == '.' || c == '_' || c == '-'; });
}

std::vector<FieldError> AdminService::checkRoles(const Json& roles, int64_t agency_id, std::vector<std::string>& out) {
  std::vector<FieldError> errors;
  if (!roles.is_array()) {
    errors.push_back({"roles", "type", "must be an array of role names"});
    return errors;
  }
  std::optional<AgencyRow> agency;
  if (agency_id) agency = store_.findAgency(agency_id);
  for (std::size_t i = 0; i < roles.size(); ++i) {
    const auto& v = roles[i];
    const std::string field = fmt::format("roles[{}]", i);
    if (!v.is_string()) {
      errors.push_back({field, "unknown", "is not a known role"});
      continue;
    }
    if (!schema_) {  // no role files at hand (the command line): taken as given
      out.push_back(v.get<std::string>());
      continue;
    }
    auto it = schema_->roles.find(v.get<std::string>());
    if (it == schema_->roles.end()) {
      errors.push_back({field, "unknown", "is not a known role"});
      continue;
    }
    const records::RoleDef& role = it->second;
    if (!role.agency_types.empty() &&
        (!agency || std::find(role.agency_types.begin(), role.agency_types.end(), agency->type) == role.agency_types.end()))
      errors.push_back({field, "agency_type",
                        "role '" + role.name + "' is for users of agencies of type " +
                            fmt::format("{}", fmt::join(role.agency_types, ", "))});
    else
      out.push_back(role.name);
  }
  // Who administers accounts does not also read identities: an administrator could otherwise give
  // themselves any person's name and address (issue 25).
  // (A role that is both, as the test fixtures' all-powerful one, is the schema's own decision.)
  if (schema_) {
    std::string admin_role, identity_role;
    for (const auto& name : out)
      if (schema_->roles.at(name).admin) admin_role = name;
    for (const auto& name : out)
      if (name != admin_role && schema_->roles.at(name).identity != records::IdentityAccess::None) identity_role = name;
    if (!admin_role.empty() && !identity_role.empty())
      errors.push_back({"roles", "admin_identity",
                        "an administrator's account ('" + admin_role + "') cannot also hold a role with identity access ('" +
                            identity_role + "'): give that role to another account"});
  }
  return errors;
}

std::vector<FieldError> AdminService::checkUser(const UserRequest& request, std::vector<std::string>& roles) {
  std::vector<FieldError> errors;
  if (request.login.empty()) errors.push_back({"login", "required", "is required"});
  else if (!validLogin(request.login))
    errors.push_back({"login", "pattern", "must be 2-64 lower-case letters, digits, '.', '_' or '-'"});
  if (request.display_name.empty()) errors.push_back({"display_name", "required", "is required"});
  else if (request.display_name.size() > 200) errors.push_back({"display_name", "too_long", "must be at most 200 bytes"});
  if (request.agency_id < 0 || (request.agency_id > 0 && !store_.findAgency(request.agency_id)))
    errors.push_back({"agency_id", "unknown", "is not the id of an agency"});
  auto role_errors = checkRoles(Json(request.roles), request.agency_id, roles);
  errors.insert(errors.end(), role_errors.begin(), role_errors.end());
  return errors;
}

CreatedUser AdminService::createUser(int64_t by_user, const UserRequest& request) {
  std::vector<std::string> roles;
  auto errors = checkUser(request, roles);
  if (!errors.empty()) throw Problem::validation(std::move(errors));
  CreatedUser out;
  out.one_time_password = auth::generatePassword();
  const std::string hash = auth::hashPassword(out.one_time_password, cost_);
  bool taken = false;
  // Roles with identity access, and the administration role (whoever holds it approves the
  // others), wait for a second administrator; the system - the command line, run by whoever
  // holds the server and its keys - gives them at once.
  std::vector<std::string> pending;
  if (by_user != 0) pending = withoutRolesNeedingApproval(roles);
  store_.inTransaction([&] {
    auto created = store_.createUser(NewUser{request.login, request.display_name, hash, roles, true, request.agency_id});
    if (!created) {
      taken = true;
      return;
    }
    out.user = *created;
    audit(AuditDraft{by_user, "user.create", "user", created->id, {{"roles", roles}, {"agency_id", request.agency_id}}});
    if (!pending.empty()) {
      const int64_t at = nowMs() / 1000;
      store_.setPendingRoles(created->id, pending, by_user, at,
                             AuditDraft{by_user, "user.roles_requested", "user", created->id, {{"roles", pending}}});
      out.user.pending_roles = pending;
      out.user.pending_by = by_user;
      out.user.pending_at = at;
    }
  });
  if (taken)
    throw Problem(409, "user.login_taken", "A user with this login exists already.", {{"login", "unique", "is taken"}});
  log::info("user.created", {{"by_user_id", by_user}, {"user_id", out.user.id}});
  return out;
}

UserRow AdminService::changeAccess(int64_t by_user, int64_t user_id, const AccessChange& change) {
  auto user = store_.findUserById(user_id);
  if (!user) throw Problem::notFound("There is no such user.");
  std::vector<FieldError> errors;
  int64_t agency_id = user->agency_id;
  if (change.agency_id) {
    if (*change.agency_id != 0 && !store_.findAgency(*change.agency_id))
      errors.push_back({"agency_id", "unknown", "is not the id of an agency"});
    else
      agency_id = *change.agency_id;
  }
  std::vector<std::string> roles = user->roles;
  if (change.roles) {
    roles.clear();
    auto role_errors = checkRoles(Json(*change.roles), agency_id, roles);
    errors.insert(errors.end(), role_errors.begin(), role_errors.end());
  }
  const bool active = change.active.value_or(user->active);
  if (user_id == by_user && (!active || roles != user->roles))
    errors.push_back({"roles", "self", "administrators do not change their own roles or deactivate themselves"});
  if (!errors.empty()) throw Problem::validation(std::move(errors));
  // Identity and administration roles the user does not hold yet wait for a second
  // administrator; the rest of the
  // change (and any role taken away) applies at once. A new request replaces an older one.
  std::vector<std::string> pending;
  if (by_user != 0 && change.roles) {
    for (const auto& r : withoutRolesNeedingApproval(roles))
      if (std::find(user->roles.begin(), user->roles.end(), r) == user->roles.end()) pending.push_back(r);
      else roles.push_back(r);  // held already: kept
  }
  store_.inTransaction([&] {
    store_.updateUserAccess(user_id, roles, agency_id, active,
                            AuditDraft{by_user, "user.access_change", "user", user_id,
                                       {{"roles_from", user->roles},
                                        {"roles_to", roles},
                                        {"agency_from", user->agency_id},
                                        {"agency_to", agency_id},
                                        {"active", active}}});
    if (change.roles && (!pending.empty() || !user->pending_roles.empty()))
      store_.setPendingRoles(user_id, pending, by_user, nowMs() / 1000,
                             AuditDraft{by_user, pending.empty() ? "user.roles_request_withdrawn" : "user.roles_requested",
                                        "user", user_id, {{"roles", pending}, {"replaces", user->pending_roles}}});
  });
  return *store_.findUserById(user_id);
}

std::vector<std::string> AdminService::withoutRolesNeedingApproval(std::vector<std::string>& roles) const {
  std::vector<std::string> identity;
  if (!schema_ || !identity_role_approval_) return identity;
  std::vector<std::string> kept;
  for (const auto& name : roles) {
    const auto it = schema_->roles.find(name);
    // An administration role waits too: otherwise one administrator could make a second
    // administrator account, sign in as it and approve their own request.
    const bool needs = it != schema_->roles.end() &&
                       (it->second.admin || it->second.identity != records::IdentityAccess::None);
    (needs ? identity : kept).push_back(name);
  }
  roles = std::move(kept);
  return identity;
}

UserRow AdminService::approveRoles(int64_t by_user, int64_t user_id) {
  auto user = store_.findUserById(user_id);
  if (!user) throw Problem::notFound("There is no such user.");
  if (user->pending_roles.empty())
    throw Problem::conflict("user.no_pending_roles", "No roles of this user are waiting for approval.");
  if (user->pending_by == by_user)
    throw Problem(403, "user.same_administrator",
                  "Another administrator must approve roles with identity access; you asked for them.");
  if (user_id == by_user) throw Problem(403, "user.own_roles", "Administrators do not approve their own roles.");
  // Checked again as they would be given now (the agency may have changed since the request).
  std::vector<std::string> roles = user->roles;
  roles.insert(roles.end(), user->pending_roles.begin(), user->pending_roles.end());
  std::vector<std::string> checked;
  auto errors = checkRoles(Json(roles), user->agency_id, checked);
  if (!errors.empty()) throw Problem::validation(std::move(errors));
  store_.inTransaction([&] {
    store_.updateUserAccess(user_id, checked, user->agency_id, user->active,
                            AuditDraft{by_user, "user.roles_approved", "user", user_id,
                                       {{"roles", user->pending_roles},
                                        {"requested_by", user->pending_by},
                                        {"roles_from", user->roles},
                                        {"roles_to", checked}}});
    store_.setPendingRoles(user_id, {}, 0, 0, AuditDraft{by_user, "user.roles_request_closed", "user", user_id,
                                                         {{"decision", "approved"}}});
  });
  return *store_.findUserById(user_id);
}

UserRow AdminService::rejectRoles(int64_t by_user, int64_t user_id) {
  auto user = store_.findUserById(user_id);
  if (!user) throw Problem::notFound("There is no such user.");
  if (user->pending_roles.empty())
    throw Problem::conflict("user.no_pending_roles", "No roles of this user are waiting for approval.");
  store_.setPendingRoles(user_id, {}, 0, 0,
                         AuditDraft{by_user, "user.roles_rejected", "user", user_id,
                                    {{"roles", user->pending_roles}, {"requested_by", user->pending_by}}});
  return *store_.findUserById(user_id);
}

void AdminService::resetSecondFactor(int64_t by_user, int64_t user_id) {
  if (!store_.findUserById(user_id)) throw Problem::notFound("There is no such user.");
  store_.inTransaction([&] {
    store_.setTotp(user_id, "", false);
    store_.deleteSessionsOfUser(user_id, "");
    // Tokens made while the old factor held are revoked with it; the user makes new ones.
    const int tokens_revoked = store_.revokeApiTokensOfUser(user_id, nowMs() / 1000);
    audit(AuditDraft{by_user, "user.totp_reset", "user", user_id, {{"tokens_revoked", tokens_revoked}}});
  });
}

// ---- sessions, tokens, audit, readiness -------------------------------------------------------

std::vector<SessionRow> AdminService::sessions(int64_t user_id) { return store_.listSessions(user_id); }

int AdminService::endOtherSessions(int64_t user_id, const std::string& keep_token_hash) {
  return store_.deleteSessionsOfUser(user_id, keep_token_hash);
}

std::vector<ApiTokenRow> AdminService::tokens(int64_t user_id) { return store_.listApiTokens(user_id); }

std::vector<AuditEntry> AdminService::searchAudit(const AuditQuery& query) { return store_.searchAudit(query); }

Readiness AdminService::readiness() {
  Readiness r;
  r.backend = store_.backendName();
  store_.ping();  // throws when the database cannot be reached
  r.database_reachable = true;
  r.migrations_applied = !store_.migrationsPending();
  return r;
}

}  // namespace palermo::admin
