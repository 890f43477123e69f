// The Store: everything Palermo keeps, behind one interface with one implementation per
// database (SQLite now, PostgreSQL later). SQL and its dialect live only in the
// implementations; callers speak in rows of the domain.
//
// Contract every implementation keeps (checked by tests/unit/store_conformance_test.cpp):
//  * A write that returned without throwing is durable (it survives a crash or power loss).
//  * Each call is atomic: it happens completely or not at all.
//  * Reads see every write that returned before they started.
//  * Methods are safe to call from many threads at once. They block; call them from worker
//    threads, never from the network I/O threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace palermo {

struct UserRow {
  int64_t id = 0;
  std::string login;
  std::string display_name;
  std::string password_hash;      // Argon2id, libsodium string format
  std::vector<std::string> roles;
  bool must_change_password = false;
  bool active = true;
  int failed_logins = 0;
  int64_t locked_until = 0;       // unix seconds; 0 when not locked
  int64_t created_at = 0;
  int64_t password_changed_at = 0;
};

struct NewUser {
  std::string login;
  std::string display_name;
  std::string password_hash;
  std::vector<std::string> roles;
  bool must_change_password = true;
};

struct SessionRow {
  std::string token_hash;  // BLAKE2b of the cookie value; the value itself is never stored
  int64_t user_id = 0;
  std::string csrf_token;
  int64_t created_at = 0;
  int64_t last_seen_at = 0;
  int64_t expires_at = 0;  // absolute expiry, unix seconds
  std::string user_agent;  // shortened, to let a user recognise their sessions
};

struct MigrationInfo {
  int version = 0;
  std::string name;
  int64_t applied_at = 0;  // 0 when pending
};

struct StoreStats {
  double query_seconds = 0;      // time spent executing statements, all threads
  uint64_t statements = 0;
  uint64_t commits = 0;          // durable commits (group commits count once)
  uint64_t committed_writes = 0; // writes inside those commits
};

class Store {
 public:
  virtual ~Store() = default;

  // Applies pending forward-only migrations, each in its own transaction. Returns how many.
  virtual int migrate() = 0;
  [[nodiscard]] virtual std::vector<MigrationInfo> migrations() = 0;  // all known, applied or not
  [[nodiscard]] virtual bool migrationsPending() = 0;
  // Throws when the database cannot be reached.
  virtual void ping() = 0;
  [[nodiscard]] virtual StoreStats stats() const = 0;
  [[nodiscard]] virtual std::string backendName() const = 0;
  // Finishes queued writes and closes connections; later calls throw.
  virtual void close() = 0;

  // Users. createUser returns nullopt when the login is taken.
  virtual std::optional<UserRow> createUser(const NewUser& user) = 0;
  virtual std::optional<UserRow> findUserByLogin(const std::string& login) = 0;
  virtual std::optional<UserRow> findUserById(int64_t id) = 0;
  virtual std::vector<UserRow> listUsers() = 0;
  virtual int64_t countUsers() = 0;
  virtual void setPassword(int64_t user_id, const std::string& password_hash, bool must_change, int64_t now) = 0;
  // Records a failed sign-in; locks the account until `lock_until` once `max_failures` is reached.
  // Returns the failure count after this one.
  virtual int recordLoginFailure(int64_t user_id, int max_failures, int64_t lock_until) = 0;
  virtual void recordLoginSuccess(int64_t user_id) = 0;

  // Sessions.
  virtual void createSession(const SessionRow& session) = 0;
  virtual std::optional<SessionRow> findSession(const std::string& token_hash) = 0;
  virtual void touchSession(const std::string& token_hash, int64_t now) = 0;
  virtual void deleteSession(const std::string& token_hash) = 0;
  virtual std::vector<SessionRow> listSessions(int64_t user_id) = 0;
  virtual int deleteSessionsOfUser(int64_t user_id, const std::string& except_token_hash) = 0;
  virtual int deleteExpiredSessions(int64_t now, int64_t idle_cutoff) = 0;
};

// Opens the store named by a database URL ("sqlite:/path/file.db"). Throws on failure.
std::unique_ptr<Store> openStore(const std::string& url);

}  // namespace palermo
