// Administration (docs/security.md, "Administration"): users, agencies, a user's roles, sessions
// and API tokens as their owner sees them, the audit viewer and the server's readiness. The API
// and the command line both act through this service, so the same act is checked and audited
// the same way wherever it is done (a user created by `palermo user add` is audited like one
// created by POST /api/v1/users). Handlers never reach the store themselves.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "auth/password.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "store/store.hpp"

namespace palermo::records {
struct Schema;
}

namespace palermo::admin {

// A new account: login, display name, roles (checked against the schema's role files and the
// agency's type when the service has a schema), agency (0: none).
struct UserRequest {
  std::string login;
  std::string display_name;
  std::vector<std::string> roles;
  int64_t agency_id = 0;
};

struct CreatedUser {
  UserRow user;
  std::string one_time_password;  // shown once; must be changed at first sign-in
};

// What may change of a user: each absent member stays as it is.
struct AccessChange {
  std::optional<std::vector<std::string>> roles;
  std::optional<int64_t> agency_id;  // 0: no agency
  std::optional<bool> active;
};

struct Readiness {
  bool database_reachable = false;
  bool migrations_applied = false;
  std::string backend;
};

class AdminService {
 public:
  // `schema` may be null (the command line without schema files): roles are then taken as given.
  AdminService(Store& store, const records::Schema* schema, auth::HashCost cost);

  // ---- agencies
  [[nodiscard]] std::vector<AgencyRow> agencies();
  // An agency, from a cache of a few seconds (every request needs its user's region; several
  // instances see a change within that time).
  [[nodiscard]] std::optional<AgencyRow> agency(int64_t id);
  // Validates (name unique, type one of the agency types); audited as agency.create. Throws
  // Problem (422 naming every field at fault).
  AgencyRow createAgency(int64_t by_user, const AgencyRow& agency);
  // A user's e-mail address (notifications are also sent there; "" for none), audited as
  // user.email (whether one is set, not the address). 422 naming `email` for a bad address.
  UserRow setEmail(int64_t by_user, int64_t user_id, const std::string& email);

  // ---- users
  [[nodiscard]] std::vector<UserRow> users();
  [[nodiscard]] std::optional<UserRow> user(int64_t id);
  // Validates the login (2-64 lower-case letters, digits, '.', '_', '-'), the agency and the
  // roles; creates the user with a one-time password; audited as user.create, in one
  // transaction with the account. `by_user` 0: the system (the command line).
  CreatedUser createUser(int64_t by_user, const UserRequest& request);
  // What createUser would refuse in `request`, every field at fault (for a form that reports
  // its own shape errors together with these).
  [[nodiscard]] std::vector<FieldError> checkUser(const UserRequest& request, std::vector<std::string>& roles);
  // Roles, agency and the active flag: a permission change, audited with before and after.
  // Administrators cannot change their own roles or deactivate themselves.
  UserRow changeAccess(int64_t by_user, int64_t user_id, const AccessChange& change);
  // A lost phone: the second factor removed, the user's sessions ended; audited.
  void resetSecondFactor(int64_t by_user, int64_t user_id);
  // The two-person rule (docs/security.md): roles with identity access and the administration
  // role given through the API (createUser, changeAccess by an administrator) wait as the user's pending roles until another
  // administrator approves them (403 user.same_administrator for the one who asked); either may
  // reject. Audited: user.roles_requested, user.roles_approved, user.roles_rejected.
  UserRow approveRoles(int64_t by_user, int64_t user_id);
  UserRow rejectRoles(int64_t by_user, int64_t user_id);
  // Off only where one administrator must do both (security.identity_role_approval=false).
  void setIdentityRoleApproval(bool on) { identity_role_approval_ = on; }
  // Role names that exist and may be held by users of the agency; the errors name roles[i].
  [[nodiscard]] std::vector<FieldError> checkRoles(const Json& roles, int64_t agency_id,
                                                   std::vector<std::string>& out);

  // ---- the signed-in user's own sessions and tokens
  [[nodiscard]] std::vector<SessionRow> sessions(int64_t user_id);
  // Ends every session of the user but `keep_token_hash`; returns how many ended.
  int endOtherSessions(int64_t user_id, const std::string& keep_token_hash);
  [[nodiscard]] std::vector<ApiTokenRow> tokens(int64_t user_id);

  // ---- the audit viewer (entries never hold identity values)
  [[nodiscard]] std::vector<AuditEntry> searchAudit(const AuditQuery& query);

  // ---- operations
  [[nodiscard]] Readiness readiness();

  // Whether a login is well-formed (2-64 characters: lower-case Latin letters, digits, '.',
  // '_', '-'; starts with a letter or digit).
  static bool validLogin(const std::string& login);

 private:
  void audit(const AuditDraft& draft);
  // Takes the roles that need a second administrator (identity access, administration) out of
  // `roles` and returns them; none when approval is off or there are no role files.
  std::vector<std::string> withoutRolesNeedingApproval(std::vector<std::string>& roles) const;

  Store& store_;
  const records::Schema* schema_;
  auth::HashCost cost_;
  bool identity_role_approval_ = true;
  std::mutex cache_mu_;
  std::unordered_map<int64_t, AgencyRow> agency_cache_;
  int64_t cache_loaded_at_ = 0;
};

}  // namespace palermo::admin
