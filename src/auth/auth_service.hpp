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
#include "http/message.hpp"
#include "store/store.hpp"

namespace palermo::auth {

inline constexpr const char* kSessionCookie = "palermo_session";
inline constexpr const char* kCsrfHeader = "x-csrf-token";

struct Principal {
  UserRow user;
  SessionRow session;
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

  // Throws Problem: 401 auth.invalid_credentials (same answer for unknown login and wrong
  // password), 429 auth.locked (account locked, with Retry-After), 429 auth.throttled (too many
  // failures from one address).
  LoginResult login(const std::string& login, const std::string& password, const std::string& user_agent,
                    const std::string& remote_ip);

  // The signed-in user of a request, if its session cookie is valid and not expired.
  std::optional<Principal> authenticate(const http::Request& req);
  // Like authenticate, but throws 401 when there is none. For unsafe methods (POST, PUT,
  // PATCH, DELETE) it also checks the CSRF header (403 auth.csrf). Unless `allow_pending_change`,
  // a user who must change their password gets 403 auth.password_change_required.
  Principal require(const http::Request& req, bool allow_pending_change = false);

  void logout(const Principal& p);
  // Checks the current password and the policy (422 naming the field), stores the new hash and
  // ends the user's other sessions.
  void changePassword(const Principal& p, const std::string& current, const std::string& next);

  // Set-Cookie values.
  [[nodiscard]] std::string sessionCookie(const std::string& token, bool secure) const;
  [[nodiscard]] static std::string clearedCookie(bool secure);

  [[nodiscard]] HashCost cost() const { return cost_; }

 private:
  bool throttled(const std::string& ip, int64_t now);
  void audit(int64_t user_id, const char* action, Json details);
  void noteFailure(const std::string& ip, int64_t now);

  Store& store_;
  const Config& config_;
  Clock clock_;
  HashCost cost_;
  std::string dummy_hash_;  // verified against for unknown logins, so timing does not tell

  struct IpWindow {
    int64_t window_start = 0;
    int failures = 0;
  };
  std::mutex ip_mu_;
  std::unordered_map<std::string, IpWindow> ip_failures_;
};

}  // namespace palermo::auth
