#include "store/sql/sql_store.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <limits>
#include <map>
#include <sstream>
#include <stdexcept>

#include "core/log.hpp"

namespace palermo::sql {

namespace {

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
    "created_at, password_changed_at, agency_id, totp_secret, totp_enabled, totp_last_step, pending_roles, pending_by, "
    "pending_at, email";

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
  u.pending_roles = splitRoles(s.text(15));
  u.pending_by = s.int64(16);
  u.pending_at = s.int64(17);
  u.email = s.text(18);
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

SqlStore::SqlStore(Dialect dialect, std::vector<Migration> migrations, std::size_t max_readers)
    : dialect_(std::move(dialect)), migrations_(std::move(migrations)), max_readers_(max_readers) {}

void SqlStore::start() {
  writer_db_ = connect(true);
  writer_ = std::thread([this] { writerLoop(); });
}

// The backend's destructor has closed the store (close() calls a virtual function).
SqlStore::~SqlStore() = default;

void SqlStore::closeQuietly() noexcept {
  try {
    close();
  } catch (const std::exception& e) {
    log::error("store.close_failed", {{"error", e.what()}});
  }
}

void SqlStore::ensureOpen() const {
  if (closed_) throw std::runtime_error("store is closed");
}

void SqlStore::close() {
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
      beforeClose(*writer_db_);
    } catch (const std::exception& e) {
      log::warn("store.close_maintenance_failed", {{"error", e.what()}});
    }
    writer_db_.reset();
  }
}

namespace {
// Set on the writer thread while a job runs inTransaction(): calls the job makes are executed
// inline on that connection instead of being queued (which would wait for the job itself).
thread_local Db* tl_tx_db = nullptr;
thread_local const SqlStore* tl_tx_store = nullptr;
}  // namespace

Db* SqlStore::currentTransaction() const {
  return tl_tx_store == this ? tl_tx_db : nullptr;
}

void SqlStore::inTransaction(const std::function<void()>& fn) {
  if (currentTransaction()) {
    fn();  // already inside one: part of it
    return;
  }
  bool auth_changed = false;  // taken on the writer thread, before the next job can touch the flag
  std::set<std::string> tables_created;
  write([&](Db& db) {
    tl_tx_db = &db;
    tl_tx_store = this;
    try {
      fn();
    } catch (...) {
      tl_tx_db = nullptr;
      tl_tx_store = nullptr;
      auth_changed_in_tx_ = false;
      record_tables_in_tx_.clear();  // rolled back with the transaction
      throw;
    }
    tl_tx_db = nullptr;
    tl_tx_store = nullptr;
    auth_changed = std::exchange(auth_changed_in_tx_, false);
    tables_created = std::exchange(record_tables_in_tx_, {});
  });
  if (!tables_created.empty()) {  // committed: they exist for good
    std::lock_guard lock(indexes_mu_);
    known_record_tables_.merge(tables_created);
  }
  // Committed now: a sign-in cache that read the database inside the transaction's window asks again.
  if (auth_changed) authChanged();
}

void SqlStore::noteAuthChange() {
  authChanged();
  if (currentTransaction()) auth_changed_in_tx_ = true;
}

void SqlStore::write(std::function<void(Db&)> fn, int new_records) {
  mayBlock();  // it waits for a group commit
  ensureOpen();
  if (Db* tx = currentTransaction()) {
    // Inside inTransaction(): a nested savepoint, so a failed call leaves nothing behind.
    tx->prepare("SAVEPOINT inner_write").run();
    const auto head_before = pending_head_;
    try {
      fn(*tx);
      tx->flush();  // a queued statement's error is this call's
    } catch (...) {
      pending_head_ = head_before;
      discardQueued(*tx);
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
    queue_.push_back(Job{std::move(fn), {}, new_records});
    done = queue_.back().done.get_future();
  }
  queue_cv_.notify_one();
  done.get();
}

int64_t SqlStore::nextRecordId(Db& db, const std::string& type) {
  if (dialect_.reserve_record_ids.empty() || ids_wanted_ <= 0) {
    auto registered = db.prepare("INSERT INTO record_ids(type) VALUES (?) RETURNING id");
    registered.bind(1, type);
    if (!registered.step()) throw std::logic_error("insert returned no id");
    return registered.int64(0);
  }
  // One round trip draws the ids of every create the batch's remaining jobs announced; each
  // record_ids row then goes without waiting. An id drawn and not used is a gap, as the id of a
  // rolled-back create always was.
  if (next_reserved_id_ >= reserved_ids_.size()) {
    reserved_ids_.clear();
    next_reserved_id_ = 0;
    auto draw = db.prepare(dialect_.reserve_record_ids);
    draw.bind(1, std::clamp<int64_t>(ids_wanted_, 1, static_cast<int64_t>(kMaxBatch)));
    while (draw.step()) reserved_ids_.push_back(draw.int64(0));
    if (reserved_ids_.empty()) throw std::logic_error("no record id drawn");
  }
  const int64_t id = reserved_ids_[next_reserved_id_++];
  db.prepare("INSERT INTO record_ids(id, type) VALUES (?, ?)").bindAll(id, type).queue();
  return id;
}

// A job failed: the answers to what it queued are read and dropped (a queued statement may have
// failed too; the job's failure is already what its caller gets), so that the ROLLBACK TO that
// follows is not refused as part of the same aborted pipeline.
void SqlStore::discardQueued(Db& db) {
  try {
    db.flush();
  } catch (...) {  // NOLINT(bugprone-empty-catch): the job's own exception is reported
  }
}

void SqlStore::writerLoop() {
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
      if (!writer_db_ || !writer_db_->healthy()) {
        writer_db_.reset();
        writer_db_ = connect(true);  // the server went away and came back
      }
      // BEGIN goes with the writer lock's statement, in one round trip (PostgreSQL).
      for (std::size_t k = 0; k < dialect_.begin_write.size(); ++k) {
        auto begin = writer_db_->prepare(dialect_.begin_write[k]);
        if (k + 1 < dialect_.begin_write.size())
          begin.queue();
        else
          begin.run();
      }
      pending_head_.reset();
      reserved_ids_.clear();
      next_reserved_id_ = 0;
      std::vector<int64_t> creates_from(batch.size() + 1, 0);  // records announced by jobs i…
      for (std::size_t i = batch.size(); i-- > 0;) creates_from[i] = creates_from[i + 1] + batch[i].new_records;
      for (std::size_t i = 0; i < batch.size(); ++i) {
        ids_wanted_ = creates_from[i];
        writer_db_->prepare("SAVEPOINT job").queue();
        const auto head_before = pending_head_;
        try {
          batch[i].fn(*writer_db_);
          // Every statement the job queued is answered here, inside its savepoint: an error is
          // this job's, rolled back alone.
          writer_db_->prepare("RELEASE job").queue();
          writer_db_->flush();
        } catch (...) {
          errors[i] = std::current_exception();
          pending_head_ = head_before;
          discardQueued(*writer_db_);
          writer_db_->prepare("ROLLBACK TO job").run();
          writer_db_->prepare("RELEASE job").run();
        }
      }
      flushAuditHead(*writer_db_);
      writer_db_->prepare("COMMIT").run();
      commits_.fetch_add(1, std::memory_order_relaxed);
    } catch (...) {
      commit_error = std::current_exception();
      if (writer_db_ && writer_db_->healthy() && writer_db_->inTransaction()) {
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
    ids_wanted_ = 0;
  }
}

void SqlStore::ReaderDeleter::operator()(Db* db) const {
  std::unique_ptr<Db> owned(db);
  std::lock_guard lock(store->readers_mu_);
  if (store->closed_ || !owned->healthy()) {
    --store->open_readers_;  // dropped, not pooled
  } else {
    store->readers_.push_back(std::move(owned));
  }
  store->readers_cv_.notify_one();
}

SqlStore::ReaderLease SqlStore::acquireReader() {
  ensureOpen();
  {
    std::unique_lock lock(readers_mu_);
    readers_cv_.wait(lock,
                     [&] { return closed_ || !readers_.empty() || max_readers_ == 0 || open_readers_ < max_readers_; });
    ensureOpen();
    if (!readers_.empty()) {
      auto db = std::move(readers_.back());
      readers_.pop_back();
      return ReaderLease(db.release(), ReaderDeleter{this});
    }
    ++open_readers_;
  }
  try {
    return ReaderLease(connect(false).release(), ReaderDeleter{this});
  } catch (...) {
    std::lock_guard lock(readers_mu_);
    --open_readers_;
    readers_cv_.notify_one();
    throw;
  }
}

int SqlStore::migrate() {
  return migrateTo(std::numeric_limits<int>::max());
}

int SqlStore::migrateTo(int last_version) {
  write([this](Db& db) { db.exec(dialect_.create_migrations_table); });
  int applied = 0;
  for (const auto& m : migrations_) {
    if (m.version > last_version) break;
    const bool done = write<bool>([&](Db& db) {
      auto s = db.prepare("SELECT 1 FROM schema_migrations WHERE version = ?");
      s.bind(1, m.version);
      if (s.step()) return false;
      db.exec(m.sql);
      if (m.version == kRecordsPerRegisterMigration) splitRecordsByType(db);
      db.prepare("INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)")
          .bindAll(m.version, m.name, unixNow())
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

std::vector<MigrationInfo> SqlStore::migrations() {
  std::map<int, int64_t> applied;
  read<int>([&](Db& db) {
    auto exists = db.prepare(dialect_.migrations_table_exists);
    if (!exists.step()) return 0;
    auto s = db.prepare("SELECT version, applied_at FROM schema_migrations");
    while (s.step()) applied[static_cast<int>(s.int64(0))] = s.int64(1);
    return 0;
  });
  std::vector<MigrationInfo> out;
  for (const auto& m : migrations_) {
    auto it = applied.find(m.version);
    out.push_back({m.version, m.name, it == applied.end() ? 0 : it->second});
  }
  return out;
}

bool SqlStore::migrationsPending() {
  for (const auto& m : migrations())
    if (m.applied_at == 0) return true;
  return false;
}

void SqlStore::ping() {
  read<int>([](Db& db) {
    auto s = db.prepare("SELECT 1");
    s.step();
    return 0;
  });
}

StoreStats SqlStore::stats() const {
  StoreStats s;
  s.query_seconds = static_cast<double>(counters_.nanos.load(std::memory_order_relaxed)) / 1e9;
  s.statements = counters_.statements.load(std::memory_order_relaxed);
  s.commits = commits_.load(std::memory_order_relaxed);
  s.committed_writes = committed_writes_.load(std::memory_order_relaxed);
  return s;
}

std::optional<UserRow> SqlStore::createUser(const NewUser& user) {
  return write<std::optional<UserRow>>([&](Db& db) -> std::optional<UserRow> {
    auto exists = db.prepare("SELECT 1 FROM users WHERE " + dialect_.login_eq);
    exists.bind(1, user.login);
    if (exists.step()) return std::nullopt;
    const int64_t now = unixNow();
    auto insert = db.prepare(
        "INSERT INTO users(login, display_name, password_hash, roles, must_change_password, created_at, "
        "password_changed_at, agency_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
    insert.bindAll(user.login, user.display_name, user.password_hash, joinRoles(user.roles),
                   user.must_change_password ? 1 : 0, now, now, user.agency_id);
    if (!insert.step()) throw std::logic_error("insert returned no id");
    const int64_t id = insert.int64(0);
    auto s = db.prepare(std::string("SELECT ") + kUserColumns + " FROM users WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) throw std::logic_error("inserted user not found");
    return readUser(s);
  });
}

std::optional<UserRow> SqlStore::findUserByLogin(const std::string& login) {
  return selectOne(std::string("SELECT ") + kUserColumns + " FROM users WHERE " + dialect_.login_eq, readUser, login);
}

std::optional<UserRow> SqlStore::findUserById(int64_t id) {
  return selectOne(std::string("SELECT ") + kUserColumns + " FROM users WHERE id = ?", readUser, id);
}

std::vector<UserRow> SqlStore::listUsers() {
  return selectAll(std::string("SELECT ") + kUserColumns + " FROM users ORDER BY login", readUser);
}

int64_t SqlStore::countUsers() {
  return read<int64_t>([](Db& db) {
    auto s = db.prepare("SELECT count(*) FROM users");
    s.step();
    return s.int64(0);
  });
}

void SqlStore::setPassword(int64_t user_id, const std::string& password_hash, bool must_change, int64_t now) {
  write([&](Db& db) {
    db.prepare(
          "UPDATE users SET password_hash = ?, must_change_password = ?, password_changed_at = ?, failed_logins = 0, "
          "locked_until = 0 WHERE id = ?")
        .bindAll(password_hash, must_change ? 1 : 0, now, user_id)
        .run();
  });
  noteAuthChange();
}

int SqlStore::recordLoginFailure(int64_t user_id, int max_failures, int64_t lock_until) {
  return write<int>([&](Db& db) {
    db.prepare(
          "UPDATE users SET failed_logins = failed_logins + 1, "
          "locked_until = CASE WHEN failed_logins + 1 >= ? THEN ? ELSE locked_until END WHERE id = ?")
        .bindAll(max_failures, lock_until, user_id)
        .run();
    auto s = db.prepare("SELECT failed_logins FROM users WHERE id = ?");
    s.bind(1, user_id);
    return s.step() ? static_cast<int>(s.int64(0)) : 0;
  });
}

void SqlStore::recordLoginSuccess(int64_t user_id) {
  write([&](Db& db) {
    db.prepare("UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = ?").bind(1, user_id).run();
  });
}

void SqlStore::createSession(const SessionRow& r) {
  write([&](Db& db) {
    db.prepare(
          "INSERT INTO sessions(token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, user_agent) "
          "VALUES (?, ?, ?, ?, ?, ?, ?)")
        .bindAll(r.token_hash, r.user_id, r.csrf_token, r.created_at, r.last_seen_at, r.expires_at, r.user_agent)
        .run();
  });
}

std::optional<SessionRow> SqlStore::findSession(const std::string& token_hash) {
  return selectOne(std::string("SELECT ") + kSessionColumns + " FROM sessions WHERE token_hash = ?", readSession,
                   token_hash);
}

void SqlStore::touchSession(const std::string& token_hash, int64_t now) {
  write([&](Db& db) {
    db.prepare("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?").bindAll(now, token_hash).run();
  });
}

void SqlStore::deleteSession(const std::string& token_hash) {
  write([&](Db& db) { db.prepare("DELETE FROM sessions WHERE token_hash = ?").bind(1, token_hash).run(); });
  noteAuthChange();
}

std::vector<SessionRow> SqlStore::listSessions(int64_t user_id) {
  return selectAll(
      std::string("SELECT ") + kSessionColumns + " FROM sessions WHERE user_id = ? ORDER BY last_seen_at DESC",
      readSession, user_id);
}

int SqlStore::deleteSessionsOfUser(int64_t user_id, const std::string& except_token_hash) {
  const int n = write<int>([&](Db& db) {
    db.prepare("DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?").bindAll(user_id, except_token_hash).run();
    return db.changes();
  });
  noteAuthChange();
  return n;
}

int SqlStore::deleteExpiredSessions(int64_t now, int64_t idle_cutoff) {
  const int n = write<int>([&](Db& db) {
    db.prepare("DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?").bindAll(now, idle_cutoff).run();
    return db.changes();
  });
  if (n > 0) noteAuthChange();
  return n;
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

AgencyRow SqlStore::createAgency(const AgencyRow& a) {
  return write<AgencyRow>([&](Db& db) {
    auto insert = db.prepare(
        "INSERT INTO agencies(name, type, region, active, created_at) VALUES (?, ?, ?, ?, ?) "
        "RETURNING id");
    insert.bindAll(a.name, a.type, a.region, a.active ? 1 : 0, unixNow());
    if (!insert.step()) throw std::logic_error("insert returned no id");
    const int64_t id = insert.int64(0);
    auto s = db.prepare(std::string("SELECT ") + kAgencyColumns + " FROM agencies WHERE id = ?");
    s.bind(1, id);
    s.step();
    return readAgency(s);
  });
}

std::optional<AgencyRow> SqlStore::findAgency(int64_t id) {
  return selectOne(std::string("SELECT ") + kAgencyColumns + " FROM agencies WHERE id = ?", readAgency, id);
}

std::vector<AgencyRow> SqlStore::listAgencies() {
  return selectAll(std::string("SELECT ") + kAgencyColumns + " FROM agencies ORDER BY name", readAgency);
}

void SqlStore::updateUserAccess(int64_t user_id, const std::vector<std::string>& roles, int64_t agency_id, bool active,
                                const AuditDraft& audit) {
  write([&](Db& db) {
    db.prepare("UPDATE users SET roles = ?, agency_id = ?, active = ? WHERE id = ?")
        .bindAll(joinRoles(roles), agency_id, active ? 1 : 0, user_id)
        .run();
    if (!active) db.prepare("DELETE FROM sessions WHERE user_id = ?").bind(1, user_id).run();
    appendAuditIn(db, audit, user_id, unixNow() * 1000);
  });
  noteAuthChange();
}

void SqlStore::setPendingRoles(int64_t user_id, const std::vector<std::string>& roles, int64_t by, int64_t at,
                               const AuditDraft& audit) {
  write([&](Db& db) {
    db.prepare("UPDATE users SET pending_roles = ?, pending_by = ?, pending_at = ? WHERE id = ?")
        .bindAll(joinRoles(roles), roles.empty() ? int64_t{0} : by, roles.empty() ? int64_t{0} : at, user_id)
        .run();
    appendAuditIn(db, audit, user_id, unixNow() * 1000);
  });
  noteAuthChange();
}

void SqlStore::setTotp(int64_t user_id, const std::string& sealed_secret, bool enabled) {
  write([&](Db& db) {
    auto st = db.prepare("UPDATE users SET totp_secret = ?, totp_enabled = ?, totp_last_step = 0 WHERE id = ?");
    if (sealed_secret.empty())
      st.bindNull(1);
    else
      st.bindBlob(1, sealed_secret);
    st.bind(2, enabled ? 1 : 0).bind(3, user_id).run();
  });
  noteAuthChange();
}

bool SqlStore::useTotpStep(int64_t user_id, int64_t step) {
  return write<bool>([&](Db& db) {
    db.prepare("UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?")
        .bindAll(step, user_id, step)
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

int64_t SqlStore::createApiToken(const ApiTokenRow& t, const AuditDraft& audit) {
  return write<int64_t>([&](Db& db) {
    auto insert = db.prepare(
        "INSERT INTO api_tokens(user_id, name, token_hash, roles, read_only, created_at, expires_at) VALUES (?, ?, "
        "?, ?, ?, ?, ?) RETURNING id");
    insert.bindAll(t.user_id, t.name, t.token_hash, joinRoles(t.roles), t.read_only ? 1 : 0, t.created_at,
                   t.expires_at);
    if (!insert.step()) throw std::logic_error("insert returned no id");
    const int64_t id = insert.int64(0);
    AuditDraft d = audit;
    d.details["token"] = id;
    appendAuditIn(db, d, t.user_id, t.created_at * 1000);
    return id;
  });
}

std::optional<ApiTokenRow> SqlStore::findApiToken(const std::string& token_hash) {
  return selectOne(std::string("SELECT ") + kTokenColumns + " FROM api_tokens WHERE token_hash = ?", readToken,
                   token_hash);
}

std::vector<ApiTokenRow> SqlStore::listApiTokens(int64_t user_id) {
  return selectAll(std::string("SELECT ") + kTokenColumns + " FROM api_tokens WHERE user_id = ? ORDER BY id", readToken,
                   user_id);
}

bool SqlStore::revokeApiToken(int64_t user_id, int64_t token_id, int64_t now, const AuditDraft& audit) {
  const bool revoked = write<bool>([&](Db& db) {
    db.prepare("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at = 0")
        .bindAll(now, token_id, user_id)
        .run();
    if (db.changes() == 0) return false;
    appendAuditIn(db, audit, user_id, now * 1000);
    return true;
  });
  if (revoked) noteAuthChange();
  return revoked;
}

int SqlStore::revokeApiTokensOfUser(int64_t user_id, int64_t now) {
  const int n = write<int>([&](Db& db) {
    db.prepare("UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at = 0").bindAll(now, user_id).run();
    return db.changes();
  });
  if (n > 0) noteAuthChange();
  return n;
}

void SqlStore::touchApiToken(int64_t token_id, int64_t now) {
  write(
      [&](Db& db) { db.prepare("UPDATE api_tokens SET last_used_at = ? WHERE id = ?").bindAll(now, token_id).run(); });
}

namespace {
constexpr const char* kDeviceColumns =
    "id, user_id, name, wrapping_key, created_at, last_unlock_at, last_sync_at, pending, revoked_at, revoked_by, "
    "revoke_reason";
DeviceRow readDevice(const Stmt& s) {
  DeviceRow d;
  d.id = s.text(0);
  d.user_id = s.int64(1);
  d.name = s.text(2);
  d.wrapping_key = s.isNull(3) ? std::string() : s.blob(3);
  d.created_at = s.int64(4);
  d.last_unlock_at = s.int64(5);
  d.last_sync_at = s.int64(6);
  d.pending = s.int64(7);
  d.revoked_at = s.int64(8);
  d.revoked_by = s.int64(9);
  d.revoke_reason = s.text(10);
  return d;
}
}  // namespace

void SqlStore::createDevice(const DeviceRow& d, const AuditDraft& audit) {
  write([&](Db& db) {
    db.prepare("INSERT INTO devices(id, user_id, name, wrapping_key, created_at) VALUES (?, ?, ?, ?, ?)")
        .bindAll(d.id, d.user_id, d.name, Blob{d.wrapping_key}, d.created_at)
        .run();
    appendAuditIn(db, audit, d.user_id, d.created_at * 1000);
  });
}

std::optional<DeviceRow> SqlStore::findDevice(const std::string& id) {
  return selectOne(std::string("SELECT ") + kDeviceColumns + " FROM devices WHERE id = ?", readDevice, id);
}

std::vector<DeviceRow> SqlStore::listDevices(int64_t user_id) {
  return selectAll(std::string("SELECT ") + kDeviceColumns + " FROM devices WHERE user_id = ? ORDER BY created_at, id",
                   readDevice, user_id);
}

bool SqlStore::revokeDevice(const std::string& id, int64_t by, const std::string& reason, int64_t now,
                            const AuditDraft& audit) {
  return write<bool>([&](Db& db) {
    db.prepare(
          "UPDATE devices SET revoked_at = ?, revoked_by = ?, revoke_reason = ?, wrapping_key = NULL WHERE id = ? AND "
          "revoked_at = 0")
        .bindAll(now, by, reason, id)
        .run();
    if (db.changes() == 0) return false;
    appendAuditIn(db, audit, audit.record_id, now * 1000);
    return true;
  });
}

void SqlStore::noteDeviceUse(const std::string& id, bool sync, int64_t pending, int64_t now, const AuditDraft& audit) {
  write([&](Db& db) {
    if (sync)
      db.prepare("UPDATE devices SET last_sync_at = ?, pending = ? WHERE id = ?").bindAll(now, pending, id).run();
    else
      db.prepare("UPDATE devices SET last_unlock_at = ? WHERE id = ?").bindAll(now, id).run();
    appendAuditIn(db, audit, audit.record_id, now * 1000);
  });
}

int SqlStore::revokeDevicesOfUser(int64_t user_id, const std::string& reason, int64_t now, const AuditDraft& audit) {
  return write<int>([&](Db& db) {
    db.prepare(
          "UPDATE devices SET revoked_at = ?, revoked_by = 0, revoke_reason = ?, wrapping_key = NULL WHERE user_id = "
          "? AND revoked_at = 0")
        .bindAll(now, reason, user_id)
        .run();
    const int n = db.changes();
    if (n > 0) {
      AuditDraft d = audit;
      d.details["devices"] = n;
      appendAuditIn(db, d, user_id, now * 1000);
    }
    return n;
  });
}

std::optional<int64_t> SqlStore::importedRecord(const std::string& source, const std::string& key) {
  return selectOne(
      "SELECT record_id FROM import_keys WHERE source = ? AND row_key = ?", [](const Stmt& s) { return s.int64(0); },
      source, key);
}

void SqlStore::saveImportKey(const std::string& source, const std::string& key, int64_t record_id, int64_t at) {
  write<int>([&](Db& db) {
    db.prepare(
          "INSERT INTO import_keys(source, row_key, record_id, imported_at) VALUES (?, ?, ?, ?) "
          "ON CONFLICT(source, row_key) DO UPDATE SET record_id = excluded.record_id, imported_at = "
          "excluded.imported_at")
        .bindAll(source, key, record_id, at)
        .run();
    return 0;
  });
}

std::vector<NotificationRow> SqlStore::notificationsOf(int64_t user_id, bool unread_only, int64_t before_id,
                                                       int limit) {
  std::string sql =
      "SELECT id, user_id, kind, record_type, record_id, actor, created_at, read_at FROM notifications WHERE "
      "user_id = ?";
  if (unread_only) sql += " AND read_at = 0";
  if (before_id > 0) sql += " AND id < ?";
  sql += " ORDER BY id DESC LIMIT ?";
  return read<std::vector<NotificationRow>>([&](Db& db) {
    auto s = db.prepare(sql);
    int i = 1;
    s.bind(i++, user_id);
    if (before_id > 0) s.bind(i++, before_id);
    s.bind(i++, static_cast<int64_t>(limit));
    std::vector<NotificationRow> out;
    while (s.step())
      out.push_back({s.int64(0), s.int64(1), s.text(2), s.text(3), s.int64(4), s.int64(5), s.int64(6), s.int64(7), {}});
    return out;
  });
}

int64_t SqlStore::unreadNotifications(int64_t user_id) {
  return selectOne(
             "SELECT count(*) FROM notifications WHERE user_id = ? AND read_at = 0",
             [](const Stmt& s) { return s.int64(0); }, user_id)
      .value_or(0);
}

namespace {

void queueEmail(Db& db, const EmailDraft& e, int64_t at) {
  if (e.to.empty()) return;
  db.prepare("INSERT INTO email_outbox(to_address, subject, body, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?)")
      .bindAll(e.to, e.subject, e.body, at, at)
      .run();
}

}  // namespace

void SqlStore::queueEmailIn(Db& db, const EmailDraft& e, int64_t at) {
  queueEmail(db, e, at);
}

std::vector<EmailRow> SqlStore::emailsDue(int64_t now_ms, int limit) {
  return selectAll(
      "SELECT id, to_address, subject, body, created_at, sent_at, attempts, next_attempt_at, last_error FROM "
      "email_outbox WHERE sent_at = 0 AND next_attempt_at <= ? ORDER BY id LIMIT ?",
      [](const Stmt& s) {
        return EmailRow{
            s.int64(0), s.text(1), s.text(2), s.text(3), s.int64(4), s.int64(5), static_cast<int>(s.int64(6)),
            s.int64(7), s.text(8)};
      },
      now_ms, static_cast<int64_t>(limit));
}

void SqlStore::markEmailSent(int64_t id, int64_t at) {
  write<int>([&](Db& db) {
    db.prepare("UPDATE email_outbox SET sent_at = ?, attempts = attempts + 1, last_error = '' WHERE id = ?")
        .bindAll(at, id)
        .run();
    return 0;
  });
}

void SqlStore::markEmailFailed(int64_t id, const std::string& error, int64_t next_attempt_at) {
  write<int>([&](Db& db) {
    db.prepare("UPDATE email_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?")
        .bindAll(error.substr(0, 500), next_attempt_at, id)
        .run();
    return 0;
  });
}

void SqlStore::setUserEmail(int64_t user_id, const std::string& email, const AuditDraft& audit) {
  write<int>([&](Db& db) {
    db.prepare("UPDATE users SET email = ? WHERE id = ?").bindAll(email, user_id).run();
    appendAuditIn(
        db, audit, user_id,
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count());
    return 0;
  });
  noteAuthChange();
}

int64_t SqlStore::addNotifications(const std::vector<NotificationRow>& rows) {
  if (rows.empty()) return 0;
  return write<int64_t>([&](Db& db) {
    int64_t added = 0;
    for (const auto& n : rows) {
      auto seen = db.prepare("SELECT 1 FROM notifications WHERE user_id = ? AND kind = ? AND record_id = ? LIMIT 1");
      seen.bindAll(n.user_id, n.kind, n.record_id);
      if (seen.step()) continue;
      db.prepare(
            "INSERT INTO notifications(user_id, kind, record_type, record_id, actor, created_at) VALUES (?, ?, ?, ?, "
            "0, ?)")
          .bindAll(n.user_id, n.kind, n.record_type, n.record_id, n.created_at)
          .run();
      queueEmail(db, n.email, n.created_at);
      ++added;
    }
    return added;
  });
}

int64_t SqlStore::markNotificationsRead(int64_t user_id, const std::vector<int64_t>& ids, int64_t at) {
  return write<int64_t>([&](Db& db) {
    int64_t changed = 0;
    if (ids.empty()) {
      auto s = db.prepare("UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at = 0 RETURNING id");
      s.bindAll(at, user_id);
      while (s.step()) ++changed;
      return changed;
    }
    for (const int64_t id : ids) {
      auto s =
          db.prepare("UPDATE notifications SET read_at = ? WHERE id = ? AND user_id = ? AND read_at = 0 RETURNING id");
      s.bindAll(at, id, user_id);
      while (s.step()) ++changed;
    }
    return changed;
  });
}

}  // namespace palermo::sql

namespace palermo::sql {

// A counter counts the hits within `window` seconds of its first one; an older one starts again.
int SqlStore::throttleHit(const std::string& key, int64_t now, int64_t window) {
  return write<int>([&](Db& db) {
    auto s = db.prepare(
        "INSERT INTO throttle(bucket, window_start, hits) VALUES (?, ?, 1) ON CONFLICT(bucket) DO UPDATE SET "
        "hits = CASE WHEN throttle.window_start <= ? THEN 1 ELSE throttle.hits + 1 END, "
        "window_start = CASE WHEN throttle.window_start <= ? THEN excluded.window_start ELSE throttle.window_start END "
        "RETURNING hits");
    s.bindAll(key, now, now - window, now - window);
    return s.step() ? static_cast<int>(s.int64(0)) : 0;
  });
}

int SqlStore::throttleCount(const std::string& key, int64_t now, int64_t window) {
  return read<int>([&](Db& db) {
    auto s = db.prepare("SELECT hits FROM throttle WHERE bucket = ? AND window_start > ?");
    s.bindAll(key, now - window);
    return s.step() ? static_cast<int>(s.int64(0)) : 0;
  });
}

void SqlStore::throttleClear(const std::string& key) {
  write([&](Db& db) { db.prepare("DELETE FROM throttle WHERE bucket = ?").bind(1, key).run(); });
}

int SqlStore::deleteExpiredThrottles(int64_t cutoff) {
  return write<int>([&](Db& db) {
    db.prepare("DELETE FROM throttle WHERE window_start <= ?").bind(1, cutoff).run();
    return db.changes();
  });
}

std::vector<PersonLinkRow> SqlStore::personLinks() {
  return read<std::vector<PersonLinkRow>>([&](Db& db) {
    std::vector<PersonLinkRow> out;
    auto s = db.prepare(
        "SELECT record_id, person_id, probability_milli, method, linked_at FROM person_links ORDER BY record_id");
    while (s.step()) out.push_back({s.int64(0), s.int64(1), static_cast<int>(s.int64(2)), s.text(3), s.int64(4)});
    return out;
  });
}

void SqlStore::savePersonLinks(const std::vector<PersonLinkRow>& rows, bool replace_all) {
  write<int>([&](Db& db) {
    if (replace_all) db.exec("DELETE FROM person_links");
    for (const auto& r : rows) {
      if (r.person_id == 0) {  // the registration is gone
        db.prepare("DELETE FROM person_links WHERE record_id = ?").bind(1, r.record_id).run();
        continue;
      }
      db.prepare(
            "INSERT INTO person_links(record_id, person_id, probability_milli, method, linked_at) VALUES (?, ?, ?, ?, "
            "?) "
            "ON CONFLICT(record_id) DO UPDATE SET person_id = excluded.person_id, "
            "probability_milli = excluded.probability_milli, method = excluded.method, linked_at = excluded.linked_at")
          .bindAll(r.record_id, r.person_id, r.probability_milli, r.method, r.linked_at)
          .run();
    }
    return 0;
  });
}

}  // namespace palermo::sql
