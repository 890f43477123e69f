// Sign-in, server-side sessions, CSRF and sign-in throttling. See docs/security.md.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "auth/password.hpp"
#include "core/config.hpp"
#include "core/keys.hpp"
#include "store/store.hpp"

namespace palermo::auth {

inline constexpr const char* kSessionCookie = "palermo_session";
inline constexpr const char* kCsrfHeader = "x-csrf-token";

// What a request says about who sends it, as plain values (the HTTP layer fills them in:
// api::requireUser): the method, the Authorization header, the session cookie's value and the
// CSRF header. Sign-in knows nothing of HTTP messages.
struct Credentials {
  std::string method;
  std::string authorization;
  std::string session_cookie;
  std::string csrf_header;
  std::string device;  // X-Palermo-Device: the offline device a request comes from (docs/offline.md)
};
inline constexpr std::string_view kTokenPrefix = "plm_";  // API tokens: "Authorization: Bearer plm_..."

struct Principal {
  UserRow user;       // for an API token: the user, with the token's roles
  SessionRow session; // empty for an API token
  int64_t token_id = 0;
  bool read_only = false;
  [[nodiscard]] bool hasRole(std::string_view role) const;
};

struct LoginResult {
  std::string token;  // the cookie value; only its hash is stored
  Principal principal;
};

using Clock = std::function<int64_t()>;  // unix seconds; injected so tests can move time
int64_t systemClock();

class AuthService {
 public:
  AuthService(Store& store, const Config& config, Clock clock = systemClock);

  // Throws Problem: 401 auth.invalid_credentials (one answer for an unknown login, a wrong
  // password, an inactive account and a wrong or replayed code), 429 auth.throttled (too many
  // failures from one address, or from one address against one login, existing or not; with
  // Retry-After). Failures never lock the account itself.
  // With a second factor enabled and the password right, an empty `totp` gets 401
  // auth.totp_required (the second step of the form).
  LoginResult login(const std::string& login, const std::string& password, const std::string& user_agent,
                    const std::string& remote_ip, const std::string& totp = {});

  // Second factor. `needed` says whose roles require it (identity access, administration).
  void setSecondFactor(const KeyRing& keys, std::function<bool(const UserRow&)> needed);
  // A request naming a device (Credentials::device) is refused unless `check` accepts it: the
  // device must be the user's active one (auth::DeviceService::requireActive).
  void setDeviceCheck(std::function<void(const Principal&, const std::string&)> check) { device_check_ = std::move(check); }
  [[nodiscard]] bool secondFactorNeeded(const UserRow& u) const { return needs_second_factor_ && needs_second_factor_(u); }
  // Starts enrolment: a new pending secret; returns {secret (base32), uri (otpauth://)}.
  // The pending secret to scan: the one already pending (a reload of the set-up page must not
  // break an app that scanned it), or a new one when there is none or `fresh` asks for it.
  Json beginTotpEnrolment(const Principal& p, bool fresh = false);
  // Confirms it with a code from the app; from then on sign-in asks for codes.
  void confirmTotpEnrolment(const Principal& p, const std::string& code);

  // The signed-in user of a request, if its session cookie is valid and not expired.
  std::optional<Principal> authenticate(const Credentials& c);
  // Like authenticate, but throws 401 when there is none. For unsafe methods (POST, PUT,
  // PATCH, DELETE) it also checks the CSRF header (403 auth.csrf). Unless `allow_pending_change`,
  // a user who must change their password gets 403 auth.password_change_required, and one whose
  // roles need a second factor not yet set up gets 403 auth.second_factor_required.
  Principal require(const Credentials& c, bool allow_pending_change = false);

  void logout(const Principal& p);

  // API tokens for machine clients, made by a signed-in user with a subset of their roles
  // (all of them when `roles` is empty). The secret is returned once; only its hash is kept.
  Json createToken(const Principal& p, const std::string& name, const std::vector<std::string>& roles,
                   bool read_only, int64_t expires_at);
  void revokeToken(const Principal& p, int64_t token_id);
  static Json tokenJson(const ApiTokenRow& t);
  // Checks the current password and the policy (422 naming the field), stores the new hash and
  // ends the user's other sessions.
  void changePassword(const Principal& p, const std::string& current, const std::string& next);

  // Set-Cookie values.
  [[nodiscard]] std::string sessionCookie(const std::string& token, bool secure) const;
  [[nodiscard]] static std::string clearedCookie(bool secure);

  [[nodiscard]] HashCost cost() const { return cost_; }

 private:
  bool throttled(const std::string& ip, int64_t now);
  bool loginThrottled(const std::string& login, const std::string& ip, int64_t now);
  void audit(int64_t user_id, const char* action, Json details);
  void noteFailure(const std::string& login, const std::string& ip, int64_t now);
  static std::string addressBucket(const std::string& ip);
  static std::string loginBucket(const std::string& login, const std::string& ip);

  std::string totpSecretOf(const UserRow& u) const;
  std::optional<Principal> authenticateToken(std::string_view bearer);

  // The sign-in cache: a session's or token's checked principal, reused for
  // security.auth_cache_seconds while the store's authGeneration() has not moved (every sign-out,
  // password, role, active flag, second factor or revocation written by this instance moves it).
  // Only successful checks are kept, each until the first moment anything falls due — the cache's
  // seconds, expiry, idleness, the next touch of last_seen — and then the database is asked again.
  // Keyed by the secret's hash ("s:" sessions, "t:" tokens).
  struct CachedSignIn {
    Principal principal;
    uint64_t generation = 0;
    int64_t deadline = 0;  // unix seconds: from then on, not used
  };
  std::optional<Principal> cachedSignIn(const std::string& key, int64_t now);
  // `due` is the earliest moment the check must be made again (expiry, idleness, the next touch).
  void rememberSignIn(const std::string& key, const Principal& p, uint64_t generation, int64_t now, int64_t due);
  std::mutex cache_mu_;
  std::unordered_map<std::string, CachedSignIn> cache_;

  Store& store_;
  const Config& config_;
  const KeyRing* keys_ = nullptr;
  std::function<void(const Principal&, const std::string&)> device_check_;
  std::function<bool(const UserRow&)> needs_second_factor_;
  Clock clock_;
  HashCost cost_;
  std::string dummy_hash_;  // verified against for unknown logins, so timing does not tell
};

}  // namespace palermo::auth
