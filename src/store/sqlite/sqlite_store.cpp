#include "store/sqlite/sqlite_store.hpp"

#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <sstream>
#include <stdexcept>

#include "core/log.hpp"

namespace palermo::sqlite {

namespace {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

// Forward-only. Never edit a migration that has shipped; add a new one.
const std::vector<Migration>& allMigrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "users and sessions", R"SQL(
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  login TEXT NOT NULL UNIQUE COLLATE NOCASE,
  display_name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  roles TEXT NOT NULL DEFAULT '',
  must_change_password INTEGER NOT NULL DEFAULT 1,
  active INTEGER NOT NULL DEFAULT 1,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  password_changed_at INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  user_agent TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX sessions_by_user ON sessions(user_id);
)SQL"},
      {2, "records, history, links, search terms, audit chain, schema state", R"SQL(
CREATE TABLE records (
  id INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  version INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT '',
  data TEXT NOT NULL,
  identity BLOB,
  created_at INTEGER NOT NULL,
  created_by INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  updated_by INTEGER NOT NULL,
  deleted_at INTEGER NOT NULL DEFAULT 0,
  deleted_by INTEGER NOT NULL DEFAULT 0,
  deleted_reason TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX records_by_type ON records(type, id);
CREATE TABLE record_history (
  record_id INTEGER NOT NULL,
  version INTEGER NOT NULL,
  at INTEGER NOT NULL,
  by INTEGER NOT NULL,
  action TEXT NOT NULL,
  changes TEXT NOT NULL,
  PRIMARY KEY (record_id, version)
) STRICT, WITHOUT ROWID;
CREATE TABLE record_links (
  from_id INTEGER NOT NULL,
  field TEXT NOT NULL,
  to_id INTEGER NOT NULL,
  PRIMARY KEY (from_id, field, to_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX record_links_to ON record_links(to_id);
CREATE TABLE record_terms (
  term TEXT NOT NULL,
  record_id INTEGER NOT NULL,
  PRIMARY KEY (term, record_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX record_terms_by_record ON record_terms(record_id);
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor INTEGER NOT NULL,
  action TEXT NOT NULL,
  record_type TEXT NOT NULL,
  record_id INTEGER NOT NULL,
  details TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
) STRICT;
-- Append-only for the application: a bug cannot rewrite history (an attacker with the file
-- can, which is what the keyed hash chain and `palermo audit verify` catch).
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL,
  mac TEXT NOT NULL
) STRICT;
CREATE TABLE schema_state (
  type TEXT PRIMARY KEY,
  definition TEXT NOT NULL
) STRICT;
CREATE TABLE field_indexes (
  name TEXT PRIMARY KEY
) STRICT;
)SQL"},
      {3, "attachments", R"SQL(
CREATE TABLE attachments (
  id TEXT PRIMARY KEY,
  record_type TEXT NOT NULL,
  field TEXT NOT NULL,
  record_id INTEGER NOT NULL DEFAULT 0,
  media_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  name BLOB NOT NULL,
  content BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  created_by INTEGER NOT NULL
) STRICT;
CREATE INDEX attachments_by_record ON attachments(record_id);
)SQL"},
      {4, "agencies, record ownership, grants", R"SQL(
CREATE TABLE agencies (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  region TEXT NOT NULL DEFAULT '',
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL
) STRICT;
ALTER TABLE users ADD COLUMN agency_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE records ADD COLUMN agency_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE records ADD COLUMN region TEXT NOT NULL DEFAULT '';
CREATE INDEX records_by_agency ON records(type, agency_id, id);
CREATE INDEX records_by_region ON records(type, region, id);
CREATE INDEX records_by_creator ON records(type, created_by, id);
CREATE TABLE record_grants (
  id INTEGER PRIMARY KEY,
  record_id INTEGER NOT NULL,
  agency_id INTEGER NOT NULL DEFAULT 0,
  user_id INTEGER NOT NULL DEFAULT 0,
  kind TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  granted_by INTEGER NOT NULL,
  granted_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL DEFAULT 0,
  revoked_at INTEGER NOT NULL DEFAULT 0,
  revoked_by INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX record_grants_by_record ON record_grants(record_id);
CREATE INDEX record_grants_by_agency ON record_grants(agency_id, record_id) WHERE revoked_at = 0;
CREATE INDEX record_grants_by_user ON record_grants(user_id, record_id) WHERE revoked_at = 0;
)SQL"},
      {5, "second factor", R"SQL(
ALTER TABLE users ADD COLUMN totp_secret BLOB;
ALTER TABLE users ADD COLUMN totp_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
)SQL"},
      {6, "api tokens", R"SQL(
CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  roles TEXT NOT NULL,
  read_only INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL DEFAULT 0,
  last_used_at INTEGER NOT NULL DEFAULT 0,
  revoked_at INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX api_tokens_by_user ON api_tokens(user_id);
)SQL"},
      {7, "identity restrictions", R"SQL(
ALTER TABLE records ADD COLUMN identity_blocked TEXT NOT NULL DEFAULT '';
)SQL"},
      {8, "master key versions", R"SQL(
CREATE TABLE key_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  initial_version INTEGER NOT NULL,
  active_version INTEGER NOT NULL
) STRICT;
)SQL"},
      {9, "audit viewer indexes", R"SQL(
CREATE INDEX audit_by_record ON audit_log(record_id, seq);
CREATE INDEX audit_by_actor ON audit_log(actor, seq);
)SQL"},
  };
  return kMigrations;
}

int64_t unixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string joinRoles(const std::vector<std::string>& roles) {
  std::string out;
  for (const auto& r : roles) {
    if (!out.empty()) out.push_back(',');
    out += r;
  }
  return out;
}

std::vector<std::string> splitRoles(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

constexpr const char* kUserColumns =
    "id, login, display_name, password_hash, roles, must_change_password, active, failed_logins, locked_until, "
    "created_at, password_changed_at, agency_id, totp_secret, totp_enabled, totp_last_step";

UserRow readUser(const Stmt& s) {
  UserRow u;
  u.id = s.int64(0);
  u.login = s.text(1);
  u.display_name = s.text(2);
  u.password_hash = s.text(3);
  u.roles = splitRoles(s.text(4));
  u.must_change_password = s.int64(5) != 0;
  u.active = s.int64(6) != 0;
  u.failed_logins = static_cast<int>(s.int64(7));
  u.locked_until = s.int64(8);
  u.created_at = s.int64(9);
  u.password_changed_at = s.int64(10);
  u.agency_id = s.int64(11);
  u.totp_secret = s.isNull(12) ? std::string() : s.blob(12);
  u.totp_enabled = s.int64(13) != 0;
  u.totp_last_step = s.int64(14);
  return u;
}

SessionRow readSession(const Stmt& s) {
  SessionRow r;
  r.token_hash = s.text(0);
  r.user_id = s.int64(1);
  r.csrf_token = s.text(2);
  r.created_at = s.int64(3);
  r.last_seen_at = s.int64(4);
  r.expires_at = s.int64(5);
  r.user_agent = s.text(6);
  return r;
}

constexpr const char* kSessionColumns =
    "token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, user_agent";

}  // namespace

SqliteStore::SqliteStore(std::string path) : path_(std::move(path)) {
  if (const auto parent = std::filesystem::path(path_).parent_path(); !parent.empty())
    std::filesystem::create_directories(parent);
  writer_db_ = std::make_unique<Db>(path_, Db::Mode::ReadWrite, &counters_);
  writer_db_->exec("PRAGMA journal_mode=WAL");
  // FULL: in WAL mode the log is synced at every commit, so a returned write survives power loss.
  writer_db_->exec("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;");
  writer_ = std::thread([this] { writerLoop(); });
}

SqliteStore::~SqliteStore() {
  try {
    close();
  } catch (const std::exception& e) {
    log::error("store.close_failed", {{"error", e.what()}});
  }
}

void SqliteStore::ensureOpen() const {
  if (closed_) throw std::runtime_error("store is closed");
}

void SqliteStore::close() {
  if (closed_.exchange(true)) return;
  {
    std::lock_guard lock(queue_mu_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  if (writer_.joinable()) writer_.join();
  {
    std::lock_guard lock(readers_mu_);
    readers_.clear();
  }
  if (writer_db_) {
    try {
      writer_db_->exec("PRAGMA optimize; PRAGMA wal_checkpoint(TRUNCATE);");
    } catch (const std::exception& e) {
      log::warn("store.checkpoint_failed", {{"error", e.what()}});
    }
    writer_db_.reset();
  }
}

namespace {
// Set on the writer thread while a job runs inTransaction(): calls the job makes are executed
// inline on that connection instead of being queued (which would wait for the job itself).
thread_local Db* tl_tx_db = nullptr;
thread_local const SqliteStore* tl_tx_store = nullptr;
}  // namespace

Db* SqliteStore::currentTransaction() const { return tl_tx_store == this ? tl_tx_db : nullptr; }

void SqliteStore::inTransaction(const std::function<void()>& fn) {
  if (currentTransaction()) {
    fn();  // already inside one: part of it
    return;
  }
  write([&](Db& db) {
    tl_tx_db = &db;
    tl_tx_store = this;
    try {
      fn();
    } catch (...) {
      tl_tx_db = nullptr;
      tl_tx_store = nullptr;
      throw;
    }
    tl_tx_db = nullptr;
    tl_tx_store = nullptr;
  });
}

void SqliteStore::write(std::function<void(Db&)> fn) {
  ensureOpen();
  if (Db* tx = currentTransaction()) {
    // Inside inTransaction(): a nested savepoint, so a failed call leaves nothing behind.
    tx->prepare("SAVEPOINT inner_write").run();
    try {
      fn(*tx);
    } catch (...) {
      tx->prepare("ROLLBACK TO inner_write").run();
      tx->prepare("RELEASE inner_write").run();
      throw;
    }
    tx->prepare("RELEASE inner_write").run();
    return;
  }
  std::future<void> done;
  {
    std::lock_guard lock(queue_mu_);
    if (stopping_) throw std::runtime_error("store is closing");
    queue_.push_back(Job{std::move(fn), {}});
    done = queue_.back().done.get_future();
  }
  queue_cv_.notify_one();
  done.get();
}

void SqliteStore::writerLoop() {
  std::vector<Job> batch;
  for (;;) {
    {
      std::unique_lock lock(queue_mu_);
      queue_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
      while (!queue_.empty() && batch.size() < kMaxBatch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    std::vector<std::exception_ptr> errors(batch.size());
    std::exception_ptr commit_error;
    try {
      writer_db_->prepare("BEGIN IMMEDIATE").run();
      for (std::size_t i = 0; i < batch.size(); ++i) {
        writer_db_->prepare("SAVEPOINT job").run();
        try {
          batch[i].fn(*writer_db_);
          writer_db_->prepare("RELEASE job").run();
        } catch (...) {
          errors[i] = std::current_exception();
          writer_db_->prepare("ROLLBACK TO job").run();
          writer_db_->prepare("RELEASE job").run();
        }
      }
      writer_db_->prepare("COMMIT").run();
      commits_.fetch_add(1, std::memory_order_relaxed);
    } catch (...) {
      commit_error = std::current_exception();
      if (!sqlite3_get_autocommit(writer_db_->handle())) {
        try {
          writer_db_->exec("ROLLBACK");
        } catch (...) {  // NOLINT(bugprone-empty-catch): the commit error is what callers need
        }
      }
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (commit_error) {
        batch[i].done.set_exception(commit_error);
      } else if (errors[i]) {
        batch[i].done.set_exception(errors[i]);
      } else {
        committed_writes_.fetch_add(1, std::memory_order_relaxed);
        batch[i].done.set_value();
      }
    }
    batch.clear();
  }
}

void SqliteStore::ReaderDeleter::operator()(Db* db) const {
  std::unique_ptr<Db> owned(db);
  if (store->closed_) return;
  std::lock_guard lock(store->readers_mu_);
  store->readers_.push_back(std::move(owned));
}

SqliteStore::ReaderLease SqliteStore::acquireReader() {
  ensureOpen();
  {
    std::lock_guard lock(readers_mu_);
    if (!readers_.empty()) {
      auto db = std::move(readers_.back());
      readers_.pop_back();
      return ReaderLease(db.release(), ReaderDeleter{this});
    }
  }
  auto db = std::make_unique<Db>(path_, Db::Mode::ReadWrite, &counters_);
  db->exec("PRAGMA foreign_keys=ON; PRAGMA query_only=ON;");
  return ReaderLease(db.release(), ReaderDeleter{this});
}

int SqliteStore::migrate() {
  write([](Db& db) {
    db.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
        "applied_at INTEGER NOT NULL) STRICT");
  });
  int applied = 0;
  for (const auto& m : allMigrations()) {
    const bool done = write<bool>([&](Db& db) {
      auto s = db.prepare("SELECT 1 FROM schema_migrations WHERE version = ?");
      s.bind(1, m.version);
      if (s.step()) return false;
      db.exec(m.sql);
      db.prepare("INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)")
          .bind(1, m.version)
          .bind(2, m.name)
          .bind(3, unixNow())
          .run();
      return true;
    });
    if (done) {
      ++applied;
      log::info("store.migration_applied", {{"version", m.version}, {"name", m.name}});
    }
  }
  return applied;
}

std::vector<MigrationInfo> SqliteStore::migrations() {
  std::map<int, int64_t> applied;
  read<int>([&](Db& db) {
    auto exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_migrations'");
    if (!exists.step()) return 0;
    auto s = db.prepare("SELECT version, applied_at FROM schema_migrations");
    while (s.step()) applied[static_cast<int>(s.int64(0))] = s.int64(1);
    return 0;
  });
  std::vector<MigrationInfo> out;
  for (const auto& m : allMigrations()) {
    auto it = applied.find(m.version);
    out.push_back({m.version, m.name, it == applied.end() ? 0 : it->second});
  }
  return out;
}

bool SqliteStore::migrationsPending() {
  for (const auto& m : migrations())
    if (m.applied_at == 0) return true;
  return false;
}

void SqliteStore::ping() {
  read<int>([](Db& db) {
    auto s = db.prepare("SELECT 1");
    s.step();
    return 0;
  });
}

StoreStats SqliteStore::stats() const {
  StoreStats s;
  s.query_seconds = static_cast<double>(counters_.nanos.load(std::memory_order_relaxed)) / 1e9;
  s.statements = counters_.statements.load(std::memory_order_relaxed);
  s.commits = commits_.load(std::memory_order_relaxed);
  s.committed_writes = committed_writes_.load(std::memory_order_relaxed);
  return s;
}

std::optional<UserRow> SqliteStore::createUser(const NewUser& user) {
  return write<std::optional<UserRow>>([&](Db& db) -> std::optional<UserRow> {
    auto exists = db.prepare("SELECT 1 FROM users WHERE login = ?");
    exists.bind(1, user.login);
    if (exists.step()) return std::nullopt;
    const int64_t now = unixNow();
    db.prepare(
          "INSERT INTO users(login, display_name, password_hash, roles, must_change_password, created_at, "
          "password_changed_at, agency_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, user.login)
        .bind(2, user.display_name)
        .bind(3, user.password_hash)
        .bind(4, joinRoles(user.roles))
        .bind(5, user.must_change_password ? 1 : 0)
        .bind(6, now)
        .bind(7, now)
        .bind(8, user.agency_id)
        .run();
    auto s = db.prepare(std::string("SELECT ") + kUserColumns + " FROM users WHERE id = ?");
    s.bind(1, db.lastInsertRowid());
    if (!s.step()) throw std::logic_error("inserted user not found");
    return readUser(s);
  });
}

std::optional<UserRow> SqliteStore::findUserByLogin(const std::string& login) {
  return read<std::optional<UserRow>>([&](Db& db) -> std::optional<UserRow> {
    auto s = db.prepare(std::string("SELECT ") + kUserColumns + " FROM users WHERE login = ?");
    s.bind(1, login);
    if (!s.step()) return std::nullopt;
    return readUser(s);
  });
}

std::optional<UserRow> SqliteStore::findUserById(int64_t id) {
  return read<std::optional<UserRow>>([&](Db& db) -> std::optional<UserRow> {
    auto s = db.prepare(std::string("SELECT ") + kUserColumns + " FROM users WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return readUser(s);
  });
}

std::vector<UserRow> SqliteStore::listUsers() {
  return read<std::vector<UserRow>>([&](Db& db) {
    std::vector<UserRow> out;
    auto s = db.prepare(std::string("SELECT ") + kUserColumns + " FROM users ORDER BY login");
    while (s.step()) out.push_back(readUser(s));
    return out;
  });
}

int64_t SqliteStore::countUsers() {
  return read<int64_t>([](Db& db) {
    auto s = db.prepare("SELECT count(*) FROM users");
    s.step();
    return s.int64(0);
  });
}

void SqliteStore::setPassword(int64_t user_id, const std::string& password_hash, bool must_change, int64_t now) {
  write([&](Db& db) {
    db.prepare(
          "UPDATE users SET password_hash = ?, must_change_password = ?, password_changed_at = ?, failed_logins = 0, "
          "locked_until = 0 WHERE id = ?")
        .bind(1, password_hash)
        .bind(2, must_change ? 1 : 0)
        .bind(3, now)
        .bind(4, user_id)
        .run();
  });
}

int SqliteStore::recordLoginFailure(int64_t user_id, int max_failures, int64_t lock_until) {
  return write<int>([&](Db& db) {
    db.prepare(
          "UPDATE users SET failed_logins = failed_logins + 1, "
          "locked_until = CASE WHEN failed_logins + 1 >= ? THEN ? ELSE locked_until END WHERE id = ?")
        .bind(1, max_failures)
        .bind(2, lock_until)
        .bind(3, user_id)
        .run();
    auto s = db.prepare("SELECT failed_logins FROM users WHERE id = ?");
    s.bind(1, user_id);
    return s.step() ? static_cast<int>(s.int64(0)) : 0;
  });
}

void SqliteStore::recordLoginSuccess(int64_t user_id) {
  write([&](Db& db) {
    db.prepare("UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = ?").bind(1, user_id).run();
  });
}

void SqliteStore::createSession(const SessionRow& r) {
  write([&](Db& db) {
    db.prepare(
          "INSERT INTO sessions(token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, user_agent) "
          "VALUES (?, ?, ?, ?, ?, ?, ?)")
        .bind(1, r.token_hash)
        .bind(2, r.user_id)
        .bind(3, r.csrf_token)
        .bind(4, r.created_at)
        .bind(5, r.last_seen_at)
        .bind(6, r.expires_at)
        .bind(7, r.user_agent)
        .run();
  });
}

std::optional<SessionRow> SqliteStore::findSession(const std::string& token_hash) {
  return read<std::optional<SessionRow>>([&](Db& db) -> std::optional<SessionRow> {
    auto s = db.prepare(std::string("SELECT ") + kSessionColumns + " FROM sessions WHERE token_hash = ?");
    s.bind(1, token_hash);
    if (!s.step()) return std::nullopt;
    return readSession(s);
  });
}

void SqliteStore::touchSession(const std::string& token_hash, int64_t now) {
  write([&](Db& db) {
    db.prepare("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?").bind(1, now).bind(2, token_hash).run();
  });
}

void SqliteStore::deleteSession(const std::string& token_hash) {
  write([&](Db& db) { db.prepare("DELETE FROM sessions WHERE token_hash = ?").bind(1, token_hash).run(); });
}

std::vector<SessionRow> SqliteStore::listSessions(int64_t user_id) {
  return read<std::vector<SessionRow>>([&](Db& db) {
    std::vector<SessionRow> out;
    auto s = db.prepare(std::string("SELECT ") + kSessionColumns +
                        " FROM sessions WHERE user_id = ? ORDER BY last_seen_at DESC");
    s.bind(1, user_id);
    while (s.step()) out.push_back(readSession(s));
    return out;
  });
}

int SqliteStore::deleteSessionsOfUser(int64_t user_id, const std::string& except_token_hash) {
  return write<int>([&](Db& db) {
    db.prepare("DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?")
        .bind(1, user_id)
        .bind(2, except_token_hash)
        .run();
    return db.changes();
  });
}

int SqliteStore::deleteExpiredSessions(int64_t now, int64_t idle_cutoff) {
  return write<int>([&](Db& db) {
    db.prepare("DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?").bind(1, now).bind(2, idle_cutoff).run();
    return db.changes();
  });
}

namespace {
AgencyRow readAgency(const Stmt& s) {
  AgencyRow a;
  a.id = s.int64(0);
  a.name = s.text(1);
  a.type = s.text(2);
  a.region = s.text(3);
  a.active = s.int64(4) != 0;
  a.created_at = s.int64(5);
  return a;
}
constexpr const char* kAgencyColumns = "id, name, type, region, active, created_at";
}  // namespace

AgencyRow SqliteStore::createAgency(const AgencyRow& a) {
  return write<AgencyRow>([&](Db& db) {
    db.prepare("INSERT INTO agencies(name, type, region, active, created_at) VALUES (?, ?, ?, ?, ?)")
        .bind(1, a.name)
        .bind(2, a.type)
        .bind(3, a.region)
        .bind(4, a.active ? 1 : 0)
        .bind(5, unixNow())
        .run();
    auto s = db.prepare(std::string("SELECT ") + kAgencyColumns + " FROM agencies WHERE id = ?");
    s.bind(1, db.lastInsertRowid());
    s.step();
    return readAgency(s);
  });
}

std::optional<AgencyRow> SqliteStore::findAgency(int64_t id) {
  return read<std::optional<AgencyRow>>([&](Db& db) -> std::optional<AgencyRow> {
    auto s = db.prepare(std::string("SELECT ") + kAgencyColumns + " FROM agencies WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return readAgency(s);
  });
}

std::vector<AgencyRow> SqliteStore::listAgencies() {
  return read<std::vector<AgencyRow>>([&](Db& db) {
    std::vector<AgencyRow> out;
    auto s = db.prepare(std::string("SELECT ") + kAgencyColumns + " FROM agencies ORDER BY name");
    while (s.step()) out.push_back(readAgency(s));
    return out;
  });
}

void SqliteStore::updateUserAccess(int64_t user_id, const std::vector<std::string>& roles, int64_t agency_id,
                                   bool active, const AuditDraft& audit) {
  write([&](Db& db) {
    db.prepare("UPDATE users SET roles = ?, agency_id = ?, active = ? WHERE id = ?")
        .bind(1, joinRoles(roles))
        .bind(2, agency_id)
        .bind(3, active ? 1 : 0)
        .bind(4, user_id)
        .run();
    if (!active) db.prepare("DELETE FROM sessions WHERE user_id = ?").bind(1, user_id).run();
    appendAuditIn(db, audit, user_id, unixNow() * 1000);
  });
}

void SqliteStore::setTotp(int64_t user_id, const std::string& sealed_secret, bool enabled) {
  write([&](Db& db) {
    auto st = db.prepare("UPDATE users SET totp_secret = ?, totp_enabled = ?, totp_last_step = 0 WHERE id = ?");
    if (sealed_secret.empty()) st.bindNull(1);
    else st.bindBlob(1, sealed_secret);
    st.bind(2, enabled ? 1 : 0).bind(3, user_id).run();
  });
}

bool SqliteStore::useTotpStep(int64_t user_id, int64_t step) {
  return write<bool>([&](Db& db) {
    db.prepare("UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?")
        .bind(1, step)
        .bind(2, user_id)
        .bind(3, step)
        .run();
    return db.changes() == 1;
  });
}

namespace {
constexpr const char* kTokenColumns =
    "id, user_id, name, token_hash, roles, read_only, created_at, expires_at, last_used_at, revoked_at";
ApiTokenRow readToken(const Stmt& s) {
  ApiTokenRow t;
  t.id = s.int64(0);
  t.user_id = s.int64(1);
  t.name = s.text(2);
  t.token_hash = s.text(3);
  t.roles = splitRoles(s.text(4));
  t.read_only = s.int64(5) != 0;
  t.created_at = s.int64(6);
  t.expires_at = s.int64(7);
  t.last_used_at = s.int64(8);
  t.revoked_at = s.int64(9);
  return t;
}
}  // namespace

int64_t SqliteStore::createApiToken(const ApiTokenRow& t, const AuditDraft& audit) {
  return write<int64_t>([&](Db& db) {
    db.prepare(
          "INSERT INTO api_tokens(user_id, name, token_hash, roles, read_only, created_at, expires_at) VALUES (?, ?, "
          "?, ?, ?, ?, ?)")
        .bind(1, t.user_id)
        .bind(2, t.name)
        .bind(3, t.token_hash)
        .bind(4, joinRoles(t.roles))
        .bind(5, t.read_only ? 1 : 0)
        .bind(6, t.created_at)
        .bind(7, t.expires_at)
        .run();
    const int64_t id = db.lastInsertRowid();
    AuditDraft d = audit;
    d.details["token"] = id;
    appendAuditIn(db, d, t.user_id, t.created_at * 1000);
    return id;
  });
}

std::optional<ApiTokenRow> SqliteStore::findApiToken(const std::string& token_hash) {
  return read<std::optional<ApiTokenRow>>([&](Db& db) -> std::optional<ApiTokenRow> {
    auto s = db.prepare(std::string("SELECT ") + kTokenColumns + " FROM api_tokens WHERE token_hash = ?");
    s.bind(1, token_hash);
    if (!s.step()) return std::nullopt;
    return readToken(s);
  });
}

std::vector<ApiTokenRow> SqliteStore::listApiTokens(int64_t user_id) {
  return read<std::vector<ApiTokenRow>>([&](Db& db) {
    std::vector<ApiTokenRow> out;
    auto s = db.prepare(std::string("SELECT ") + kTokenColumns + " FROM api_tokens WHERE user_id = ? ORDER BY id");
    s.bind(1, user_id);
    while (s.step()) out.push_back(readToken(s));
    return out;
  });
}

bool SqliteStore::revokeApiToken(int64_t user_id, int64_t token_id, int64_t now, const AuditDraft& audit) {
  return write<bool>([&](Db& db) {
    db.prepare("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at = 0")
        .bind(1, now)
        .bind(2, token_id)
        .bind(3, user_id)
        .run();
    if (db.changes() == 0) return false;
    appendAuditIn(db, audit, user_id, now * 1000);
    return true;
  });
}

void SqliteStore::touchApiToken(int64_t token_id, int64_t now) {
  write([&](Db& db) { db.prepare("UPDATE api_tokens SET last_used_at = ? WHERE id = ?").bind(1, now).bind(2, token_id).run(); });
}

}  // namespace palermo::sqlite

namespace palermo {

std::unique_ptr<Store> openStore(const std::string& url) {
  constexpr std::string_view kSqlite = "sqlite:";
  if (url.rfind(kSqlite, 0) == 0) return std::make_unique<sqlite::SqliteStore>(url.substr(kSqlite.size()));
  throw std::invalid_argument("database.url: unsupported database '" + url + "' (expected sqlite:PATH)");
}

}  // namespace palermo
