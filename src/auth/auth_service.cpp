#include "auth/auth_service.hpp"

#include <algorithm>
#include <chrono>
#include <limits>

#include "auth/totp.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/random.hpp"

namespace palermo::auth {

namespace {
constexpr int kIpWindowSeconds = 15 * 60;
constexpr int kIpMaxFailures = 30;        // per address per window, across accounts
constexpr int kTouchEverySeconds = 60;    // session activity is written at most this often
}  // namespace

// Sign-in events go into the hash-chained audit log (docs/audit.md) as well as the log.
void AuthService::audit(int64_t user_id, const char* action, Json details) {
  store_.appendAudit(AuditDraft{user_id, action, "user", user_id, std::move(details)}, clock_() * 1000);
}

int64_t systemClock() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool Principal::hasRole(std::string_view role) const {
  return std::find(user.roles.begin(), user.roles.end(), role) != user.roles.end();
}

AuthService::AuthService(Store& store, const Config& config, Clock clock)
    : store_(store),
      config_(config),
      clock_(std::move(clock)),
      cost_(hashCostFrom(config.password_cost)),
      dummy_hash_(hashPassword(randomToken(16), cost_)) {}

// Failed sign-ins per address are counted in the database, so that every instance behind the
// load balancer sees the same count. The address itself is not stored, only its hash.
bool AuthService::throttled(const std::string& ip, int64_t now) {
  return store_.throttleCount(addressBucket(ip), now, kIpWindowSeconds) >= kIpMaxFailures;
}

// The per-login bucket counts the failures of one address against one login, whether the login
// exists or not (so the answer tells nothing about accounts), and slows only that address down:
// nobody elsewhere can lock a user out of their account.
std::string AuthService::loginBucket(const std::string& login, const std::string& ip) {
  std::string folded = login;
  std::transform(folded.begin(), folded.end(), folded.begin(), [](unsigned char c) { return std::tolower(c); });
  return "signin-login:" + hashHex(folded + "\n" + ip);
}

std::string AuthService::addressBucket(const std::string& ip) { return "signin:" + hashHex(ip); }

bool AuthService::loginThrottled(const std::string& login, const std::string& ip, int64_t now) {
  return store_.throttleCount(loginBucket(login, ip), now, int64_t{config_.lockout_minutes} * 60) >=
         config_.max_failed_logins;
}

void AuthService::noteFailure(const std::string& login, const std::string& ip, int64_t now) {
  store_.throttleHit(addressBucket(ip), now, kIpWindowSeconds);
  store_.throttleHit(loginBucket(login, ip), now, int64_t{config_.lockout_minutes} * 60);
}

void AuthService::setSecondFactor(const KeyRing& keys, std::function<bool(const UserRow&)> needed) {
  keys_ = &keys;
  needs_second_factor_ = std::move(needed);
}

std::string AuthService::totpSecretOf(const UserRow& u) const {
  if (!keys_) throw std::logic_error("second factor keys not set");
  return keys_->open(u.totp_secret, "totp:" + std::to_string(u.id));
}

Json AuthService::beginTotpEnrolment(const Principal& p, bool fresh) {
  if (!keys_) throw Problem(503, "auth.second_factor_unavailable", "The second factor is not configured.");
  if (p.user.totp_enabled)
    throw Problem::conflict("auth.totp_enabled", "A second factor is set up already; an administrator can reset it.");
  std::string secret;
  if (!fresh)
    if (auto current = store_.findUserById(p.user.id); current && !current->totp_enabled && !current->totp_secret.empty())
      secret = totpSecretOf(*current);
  const bool pending = !secret.empty();
  if (!pending) {
    secret = randomBytes(20);
    store_.setTotp(p.user.id, keys_->seal(secret, "totp:" + std::to_string(p.user.id)), false);
  }
  const std::string b32 = base32Encode(secret);
  return {{"secret", b32}, {"uri", otpauthUri(p.user.login, b32)}, {"pending_before", pending}};
}

void AuthService::confirmTotpEnrolment(const Principal& p, const std::string& code) {
  if (p.user.totp_enabled) throw Problem::conflict("auth.totp_enabled", "A second factor is set up already.");
  auto fresh = store_.findUserById(p.user.id);
  if (!fresh || fresh->totp_secret.empty())
    throw Problem::conflict("auth.totp_not_started", "Start the set-up first (POST /api/v1/auth/totp/setup).");
  const auto step = verifyTotp(totpSecretOf(*fresh), code, clock_());
  if (!step || !store_.useTotpStep(p.user.id, *step))
    throw Problem::validation({{"code", "invalid", "is not the current code of the authenticator app"}});
  store_.setTotp(p.user.id, fresh->totp_secret, true);
  store_.useTotpStep(p.user.id, *step);  // setTotp resets the last step; the code stays used
  log::info("auth.totp_enabled", {{"user_id", p.user.id}});
  audit(p.user.id, "auth.totp_enabled", Json::object());
}

LoginResult AuthService::login(const std::string& login, const std::string& password, const std::string& user_agent,
                               const std::string& remote_ip, const std::string& totp) {
  std::vector<FieldError> missing;
  if (login.empty()) missing.push_back({"login", "required", "is required"});
  if (password.empty()) missing.push_back({"password", "required", "is required"});
  if (!missing.empty()) throw Problem::validation(std::move(missing));

  const int64_t now = clock_();
  // One answer for every refusal: a throttled address, a throttled login from this address, an
  // unknown login, a wrong password, an inactive account and a wrong or replayed code cannot be
  // told apart from outside (no account oracle), and no failure locks the account itself.
  if (throttled(remote_ip, now) || loginThrottled(login, remote_ip, now)) {
    Problem p(429, "auth.throttled", "Too many failed sign-ins from this address. Try again later.");
    p.headers.emplace_back("Retry-After", std::to_string(std::max<int64_t>(kIpWindowSeconds, int64_t{config_.lockout_minutes} * 60)));
    throw p;
  }
  const auto refuse = [&](const std::optional<UserRow>& who, bool second_factor) {
    noteFailure(login, remote_ip, now);
    if (who) {
      // Counted on the account for the administrator's view and the audit; it does not lock.
      const int failures = store_.recordLoginFailure(who->id, std::numeric_limits<int>::max(), 0);
      log::warn("auth.login_failed", {{"user_id", who->id}, {"failures", failures}, {"remote_ip", remote_ip},
                                      {"second_factor", second_factor}});
      audit(who->id, "auth.login_failed", {{"remote_ip", remote_ip}, {"failures", failures}, {"second_factor", second_factor}});
    } else {
      log::warn("auth.login_failed", {{"user_id", nullptr}, {"remote_ip", remote_ip}});
      audit(0, "auth.login_failed", {{"remote_ip", remote_ip}, {"known_login", false}});
    }
    return Problem(401, "auth.invalid_credentials",
                   second_factor ? "The login, the password or the code is wrong." : "The login or the password is wrong.");
  };
  auto user = store_.findUserByLogin(login);
  const bool ok = user ? verifyPassword(password, user->password_hash) : (verifyPassword(password, dummy_hash_), false);
  if (!ok || !user->active) throw refuse(user, !totp.empty());
  if (user->totp_enabled) {
    // The second step of a sign-in: the password was right. (Asking for the code tells that much;
    // guessing passwords through it is throttled like any other failure, and useless without the
    // authenticator.)
    if (totp.empty())
      throw Problem(401, "auth.totp_required", "Enter the 6-digit code from your authenticator app.",
                    {{"totp", "required", "is required"}});
    const auto step = verifyTotp(totpSecretOf(*user), totp, now);
    if (!step || !store_.useTotpStep(user->id, *step)) throw refuse(user, true);
  }
  if (user->failed_logins > 0) store_.recordLoginSuccess(user->id);
  // The owner signed in: their earlier slips from this address no longer count against it.
  if (store_.throttleCount(loginBucket(login, remote_ip), now, int64_t{config_.lockout_minutes} * 60) > 0)
    store_.throttleClear(loginBucket(login, remote_ip));
  if (needsRehash(user->password_hash, cost_))
    store_.setPassword(user->id, hashPassword(password, cost_), user->must_change_password, now);

  LoginResult result;
  result.token = randomToken(32);
  SessionRow s;
  s.token_hash = hashHex(result.token);
  s.user_id = user->id;
  s.csrf_token = randomToken(24);
  s.created_at = now;
  s.last_seen_at = now;
  s.expires_at = now + int64_t{config_.session_absolute_hours} * 3600;
  s.user_agent = user_agent.substr(0, 120);
  store_.createSession(s);
  log::info("auth.login", {{"user_id", user->id}, {"remote_ip", remote_ip}});
  audit(user->id, "auth.login", {{"remote_ip", remote_ip}});
  result.principal = Principal{*user, s};
  return result;
}

std::optional<Principal> AuthService::cachedSignIn(const std::string& key, int64_t now) {
  if (config_.auth_cache_seconds <= 0) return std::nullopt;
  std::lock_guard lock(cache_mu_);
  auto it = cache_.find(key);
  if (it == cache_.end()) return std::nullopt;
  const CachedSignIn& c = it->second;
  if (c.generation != store_.authGeneration() || now >= c.deadline) {
    cache_.erase(it);
    return std::nullopt;
  }
  return c.principal;
}

void AuthService::rememberSignIn(const std::string& key, const Principal& p, uint64_t generation, int64_t now,
                                 int64_t due) {
  if (config_.auth_cache_seconds <= 0) return;
  std::lock_guard lock(cache_mu_);
  if (cache_.size() >= 10000)  // bounded: only valid sign-ins get here, but many users may be
    std::erase_if(cache_, [&](const auto& kv) { return now >= kv.second.deadline; });
  if (cache_.size() >= 10000) cache_.clear();
  cache_[key] = CachedSignIn{p, generation, std::min(now + config_.auth_cache_seconds, due)};
}

std::optional<Principal> AuthService::authenticateToken(std::string_view bearer) {
  if (bearer.size() > 128 || bearer.rfind(kTokenPrefix, 0) != 0) return std::nullopt;
  const std::string hash = hashHex(bearer);
  const int64_t now = clock_();
  const std::string key = "t:" + hash;
  if (auto hit = cachedSignIn(key, now)) return hit;
  const uint64_t generation = store_.authGeneration();  // read first: a change after it is seen
  auto token = store_.findApiToken(hash);
  if (!token || token->revoked_at || (token->expires_at && token->expires_at <= now)) return std::nullopt;
  auto user = store_.findUserById(token->user_id);
  if (!user || !user->active) return std::nullopt;
  // The token acts with the roles it was given that the user still holds.
  std::vector<std::string> roles;
  for (const auto& r : token->roles)
    if (std::find(user->roles.begin(), user->roles.end(), r) != user->roles.end()) roles.push_back(r);
  user->roles = std::move(roles);
  int64_t touched_at = token->last_used_at;
  if (now - touched_at >= kTouchEverySeconds) {
    store_.touchApiToken(token->id, now);
    touched_at = now;
  }
  Principal p{std::move(*user), SessionRow{}};
  p.token_id = token->id;
  p.read_only = token->read_only;
  int64_t due = touched_at + kTouchEverySeconds;
  if (token->expires_at) due = std::min(due, token->expires_at);
  rememberSignIn(key, p, generation, now, due);
  return p;
}

std::optional<Principal> AuthService::authenticate(const Credentials& req) {
  if (std::string_view authz = req.authorization; !authz.empty()) {
    constexpr std::string_view kBearer = "Bearer ";
    if (authz.substr(0, kBearer.size()) != kBearer) return std::nullopt;
    return authenticateToken(authz.substr(kBearer.size()));
  }
  const std::string& token = req.session_cookie;
  if (token.empty() || token.size() > 128) return std::nullopt;
  const std::string hash = hashHex(token);
  const int64_t now = clock_();
  const std::string key = "s:" + hash;
  if (auto hit = cachedSignIn(key, now)) return hit;
  const uint64_t generation = store_.authGeneration();  // read first: a change after it is seen
  auto session = store_.findSession(hash);
  if (!session) return std::nullopt;
  if (session->expires_at <= now || session->last_seen_at + int64_t{config_.session_idle_minutes} * 60 <= now) {
    store_.deleteSession(hash);
    return std::nullopt;
  }
  auto user = store_.findUserById(session->user_id);
  if (!user || !user->active) return std::nullopt;
  if (now - session->last_seen_at >= kTouchEverySeconds) {
    store_.touchSession(hash, now);
    session->last_seen_at = now;
  }
  Principal p{std::move(*user), std::move(*session)};
  const int64_t last_seen = p.session.last_seen_at;
  rememberSignIn(key, p, generation, now,
                 std::min({p.session.expires_at, last_seen + int64_t{config_.session_idle_minutes} * 60,
                           last_seen + kTouchEverySeconds}));
  return p;
}

Principal AuthService::require(const Credentials& req, bool allow_pending_change) {
  auto p = authenticate(req);
  if (!p) throw Problem::unauthorized();
  const bool unsafe = req.method != "GET" && req.method != "HEAD" && req.method != "OPTIONS";
  if (p->token_id) {
    // Machine clients: no cookie, so no CSRF; the token was made in a signed-in session with
    // its second factor, and tokens cannot manage passwords, factors or other tokens.
    if (unsafe && p->read_only) throw Problem(403, "auth.token_read_only", "This API token may only read.");
    if (allow_pending_change) throw Problem(403, "auth.token_not_allowed", "API tokens cannot do this; sign in.");
    return std::move(*p);
  }
  if (unsafe && !constantTimeEquals(req.csrf_header, p->session.csrf_token))
    throw Problem(403, "auth.csrf", "Missing or wrong X-CSRF-Token header.");
  if (p->user.must_change_password && !allow_pending_change)
    throw Problem(403, "auth.password_change_required", "Change your one-time password first.");
  if (!allow_pending_change && !p->user.totp_enabled && secondFactorNeeded(p->user))
    throw Problem(403, "auth.second_factor_required",
                  "Your roles need a second factor: set up an authenticator app first.");
  // From an offline device: only its user's active device reads or writes (a revoked tablet
  // with a valid session neither syncs nor refreshes what it holds).
  if (!req.device.empty()) {
    if (!device_check_) throw Problem(403, "device.revoked", "This server does not accept offline devices.");
    device_check_(*p, req.device);
  }
  return std::move(*p);
}

Json AuthService::createToken(const Principal& p, const std::string& name, const std::vector<std::string>& roles,
                              bool read_only, int64_t expires_at) {
  if (p.token_id) throw Problem(403, "auth.token_not_allowed", "API tokens cannot make tokens; sign in.");
  std::vector<FieldError> errors;
  if (name.empty()) errors.push_back({"name", "required", "is required (say which system uses it)"});
  if (name.size() > 100) errors.push_back({"name", "too_long", "must be at most 100 bytes"});
  for (std::size_t i = 0; i < roles.size(); ++i)
    if (std::find(p.user.roles.begin(), p.user.roles.end(), roles[i]) == p.user.roles.end())
      errors.push_back({"roles[" + std::to_string(i) + "]", "not_held", "is not one of your roles"});
  if (expires_at && expires_at <= clock_()) errors.push_back({"expires_on", "past", "must be in the future"});
  if (!errors.empty()) throw Problem::validation(std::move(errors));
  const std::string secret = std::string(kTokenPrefix) + randomToken(32);
  ApiTokenRow t;
  t.user_id = p.user.id;
  t.name = name;
  t.token_hash = hashHex(secret);
  t.roles = roles.empty() ? p.user.roles : roles;
  t.read_only = read_only;
  t.created_at = clock_();
  t.expires_at = expires_at;
  t.id = store_.createApiToken(
      t, AuditDraft{p.user.id, "auth.token_created", "user", p.user.id, {{"roles", t.roles}, {"read_only", read_only}}});
  log::info("auth.token_created", {{"user_id", p.user.id}, {"token_id", t.id}});
  Json j = tokenJson(t);
  j["token"] = secret;  // shown once
  return j;
}

Json AuthService::tokenJson(const ApiTokenRow& t) {
  Json j = {{"id", t.id},         {"name", t.name},           {"roles", t.roles}, {"read_only", t.read_only},
            {"created_at", t.created_at}, {"last_used_at", t.last_used_at}};
  if (t.expires_at) j["expires_at"] = t.expires_at;
  if (t.revoked_at) j["revoked_at"] = t.revoked_at;
  return j;
}

void AuthService::revokeToken(const Principal& p, int64_t token_id) {
  if (!store_.revokeApiToken(p.user.id, token_id, clock_(),
                             AuditDraft{p.user.id, "auth.token_revoked", "user", p.user.id, {{"token", token_id}}}))
    throw Problem::notFound("There is no such active token of yours.");
}

void AuthService::logout(const Principal& p) {
  store_.deleteSession(p.session.token_hash);
  log::info("auth.logout", {{"user_id", p.user.id}});
  audit(p.user.id, "auth.logout", Json::object());
}

void AuthService::changePassword(const Principal& p, const std::string& current, const std::string& next) {
  std::vector<FieldError> errors;
  if (current.empty()) errors.push_back({"current_password", "required", "is required"});
  else if (!verifyPassword(current, p.user.password_hash))
    errors.push_back({"current_password", "mismatch", "is not your current password"});
  auto policy = checkPasswordPolicy(next, p.user.login, "new_password");
  errors.insert(errors.end(), policy.begin(), policy.end());
  if (!next.empty() && next == current) errors.push_back({"new_password", "unchanged", "must differ from the current password"});
  if (!errors.empty()) throw Problem::validation(std::move(errors));
  // The password, the other sessions and every API token go together: a token made by whoever knew
  // the old password does not outlive it.
  int tokens_revoked = 0;
  store_.inTransaction([&] {
    store_.setPassword(p.user.id, hashPassword(next, cost_), false, clock_());
    store_.deleteSessionsOfUser(p.user.id, p.session.token_hash);
    tokens_revoked = store_.revokeApiTokensOfUser(p.user.id, clock_());
    audit(p.user.id, "auth.password_changed", {{"tokens_revoked", tokens_revoked}});
  });
  log::info("auth.password_changed", {{"user_id", p.user.id}, {"tokens_revoked", tokens_revoked}});
}

std::string AuthService::sessionCookie(const std::string& token, bool secure) const {
  std::string c = std::string(kSessionCookie) + "=" + token + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                  std::to_string(config_.session_absolute_hours * 3600);
  if (secure) c += "; Secure";
  return c;
}

std::string AuthService::clearedCookie(bool secure) {
  std::string c = std::string(kSessionCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
  if (secure) c += "; Secure";
  return c;
}

}  // namespace palermo::auth
