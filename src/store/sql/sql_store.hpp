// The SQL implementation of the Store, shared by the SQLite and PostgreSQL backends. The
// backends give it connections (src/store/sql/db.hpp), their migrations and a few words of
// dialect; the logic (rows, history, links, audit chain, guards, visibility) is written once.
// See docs/store.md.
//
// One writer thread per store owns the only writing connection. Writers from any thread
// enqueue a job and wait; the writer takes every queued job (up to kMaxBatch), runs each inside
// its own SAVEPOINT of one transaction and commits once (group commit): one sync covers the
// batch, a job that fails rolls back alone. Readers use a pool of separate connections.
// Between processes (several instances on one PostgreSQL), the backend's begin_write
// statements serialise write transactions (an advisory lock), so each instance's writer sees
// the database exactly as a single writer would.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "core/blocking.hpp"
#include "store/sql/db.hpp"
#include "store/store.hpp"

namespace palermo::sql {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

// What differs between the databases, in SQL words.
struct Dialect {
  std::string name;  // backendName()
  // The SQL expression for a data field of a record (a JSON document), comparable with a value
  // bound by Stmt::bindJson.
  std::function<std::string(const std::string& field)> data_field;
  std::string login_eq;  // a predicate matching users.login with one parameter, case-insensitively
  std::string create_migrations_table;
  std::string migrations_table_exists;   // a query that returns a row when the table exists
  std::vector<std::string> begin_write;  // statements that open a write transaction
  // Appended to ORDER BY terms (and index columns) so that NULLs sort first ascending and last
  // descending in every backend (SQLite's own order).
  std::string asc_nulls, desc_nulls, index_nulls;
  // CREATE TABLE IF NOT EXISTS for one register's records, the table's name in place of {}
  // (sql_records.cpp, "One table per register").
  std::string create_record_table;
  // Run once the registry's ids were written explicitly (a migration, a copy): the next
  // generated id comes after the largest. Empty when the database does that by itself.
  std::string continue_record_ids;
  // Draws n record ids in one statement (one parameter: n), or empty when a create's own
  // INSERT … RETURNING costs no round trip (SQLite). See SqlStore::nextRecordId.
  std::string reserve_record_ids;
  // Reads touch only this machine (SQLite): an I/O thread may run them (core/blocking.hpp).
  bool local_reads = false;
};

// The migration that moves the records of one shared table into a table per register
// (SqlStore::splitRecordsByType runs after its SQL).
constexpr int kRecordsPerRegisterMigration = 16;

class SqlStore : public Store {
 public:
  ~SqlStore() override;

  int migrate() override;
  // Applies the pending migrations up to `last_version` (tests: a database as an older release left it).
  int migrateTo(int last_version);
  std::vector<MigrationInfo> migrations() override;
  bool migrationsPending() override;
  void ping() override;
  StoreStats stats() const override;
  std::string backendName() const override { return dialect_.name; }
  void close() override;

  std::optional<UserRow> createUser(const NewUser& user) override;
  std::optional<UserRow> findUserByLogin(const std::string& login) override;
  std::optional<UserRow> findUserById(int64_t id) override;
  std::vector<UserRow> listUsers() override;
  int64_t countUsers() override;
  void setPassword(int64_t user_id, const std::string& password_hash, bool must_change, int64_t now) override;
  int recordLoginFailure(int64_t user_id, int max_failures, int64_t lock_until) override;
  void recordLoginSuccess(int64_t user_id) override;

  void createSession(const SessionRow& session) override;
  std::optional<SessionRow> findSession(const std::string& token_hash) override;
  void touchSession(const std::string& token_hash, int64_t now) override;
  void deleteSession(const std::string& token_hash) override;
  std::vector<SessionRow> listSessions(int64_t user_id) override;
  int deleteSessionsOfUser(int64_t user_id, const std::string& except_token_hash) override;
  int deleteExpiredSessions(int64_t now, int64_t idle_cutoff) override;

  void setAuditHasher(AuditHasher hasher) override;
  MutationResult applyMutation(const RecordMutation& m) override;
  std::optional<IdempotencyKeyRow> findIdempotencyKey(int64_t user_id, const std::string& key) override;
  KeyVersions keyVersions() override;
  std::vector<AuditEntry> searchAudit(const AuditQuery& q) override;
  void initKeyVersions(int initial, int active) override;
  ResealCounts resealAll(const ResealPlan& plan) override;
  int64_t replaceWordTerms(const std::string& type,
                           const std::function<std::vector<std::string>(const Json& data)>& terms) override;
  std::optional<StoredRecord> getRecord(const std::string& type, int64_t id) override;
  RecordPage listRecords(const RecordQuery& q) override;
  std::vector<HistoryEntry> recordHistory(const std::string& type, int64_t id) override;
  std::vector<RelatedRecord> relations(const std::string& type, int64_t id) override;
  void ensureFieldIndex(const std::string& type, const std::string& field) override;
  void ensureCompositeIndex(const std::string& type, const std::vector<std::string>& fields) override;
  void appendAudit(const AuditDraft& draft, int64_t at) override;
  std::vector<AuditEntry> auditEntries(int64_t from_seq, int limit) override;
  AuditHead auditHead() override;
  std::map<std::string, std::string> schemaState() override;
  void putAttachment(const AttachmentRow& a, const AuditDraft& audit) override;
  bool recordVisible(int64_t record_id, const Visibility& v) override;
  void setIdentityBlocked(int64_t record_id, const std::vector<std::string>& roles, const AuditDraft& audit) override;
  void setTotp(int64_t user_id, const std::string& sealed_secret, bool enabled) override;
  void setPendingRoles(int64_t user_id, const std::vector<std::string>& roles, int64_t by, int64_t at,
                       const AuditDraft& audit) override;
  int64_t createApiToken(const ApiTokenRow& t, const AuditDraft& audit) override;
  std::optional<ApiTokenRow> findApiToken(const std::string& token_hash) override;
  std::vector<ApiTokenRow> listApiTokens(int64_t user_id) override;
  bool revokeApiToken(int64_t user_id, int64_t token_id, int64_t now, const AuditDraft& audit) override;
  int revokeApiTokensOfUser(int64_t user_id, int64_t now) override;
  void touchApiToken(int64_t token_id, int64_t now) override;
  void createDevice(const DeviceRow& d, const AuditDraft& audit) override;
  std::optional<DeviceRow> findDevice(const std::string& id) override;
  std::vector<DeviceRow> listDevices(int64_t user_id) override;
  bool revokeDevice(const std::string& id, int64_t by, const std::string& reason, int64_t now,
                    const AuditDraft& audit) override;
  void noteDeviceUse(const std::string& id, bool sync, int64_t pending, int64_t now, const AuditDraft& audit) override;
  int revokeDevicesOfUser(int64_t user_id, const std::string& reason, int64_t now, const AuditDraft& audit) override;
  bool useTotpStep(int64_t user_id, int64_t step) override;
  int64_t addGrant(const GrantRow& g, const AuditDraft& audit) override;
  bool revokeGrant(int64_t grant_id, int64_t record_id, int64_t by, int64_t at, const AuditDraft& audit) override;
  std::vector<GrantRow> grantsOf(int64_t record_id) override;
  AgencyRow createAgency(const AgencyRow& a) override;
  std::optional<AgencyRow> findAgency(int64_t id) override;
  std::vector<AgencyRow> listAgencies() override;
  void updateUserAccess(int64_t user_id, const std::vector<std::string>& roles, int64_t agency_id, bool active,
                        const AuditDraft& audit) override;
  std::optional<AttachmentRow> getAttachment(const std::string& id, bool with_content) override;
  void saveSchemaState(const std::map<std::string, std::string>& state) override;

  // Runs `fn` in the writer's transaction (grouped with others) and returns once durable.
  // Exceptions thrown by fn roll back fn's changes only and are rethrown here. `new_records`:
  // how many records fn will create, so that the batch's ids are drawn together (a hint).
  void write(std::function<void(Db&)> fn, int new_records = 0);
  template <class T>
  T write(std::function<T(Db&)> fn, int new_records = 0) {
    T out{};
    write([&](Db& db) { out = fn(db); }, new_records);
    return out;
  }
  // Runs `fn` on a pooled read connection (inside inTransaction: on the transaction's own
  // connection, so that it sees what the transaction wrote).
  template <class T>
  T read(const std::function<T(Db&)>& fn) {
    if (!dialect_.local_reads) mayBlock();  // a round trip over the network
    if (Db* tx = currentTransaction()) return fn(*tx);
    auto lease = acquireReader();
    return fn(*lease);
  }
  void inTransaction(const std::function<void()>& fn) override;

  // The first row of a query (or none), read by `row` from the statement.
  template <class ReadRow, class... Params>
  auto selectOne(const std::string& sql, ReadRow row, const Params&... params) {
    using Row = decltype(row(std::declval<const Stmt&>()));
    return read<std::optional<Row>>([&](Db& db) -> std::optional<Row> {
      auto s = db.prepare(sql);
      s.bindAll(params...);
      if (!s.step()) return std::nullopt;
      return row(s);
    });
  }
  // Every row of a query, in the query's order.
  template <class ReadRow, class... Params>
  auto selectAll(const std::string& sql, ReadRow row, const Params&... params) {
    using Row = decltype(row(std::declval<const Stmt&>()));
    return read<std::vector<Row>>([&](Db& db) {
      std::vector<Row> out;
      auto s = db.prepare(sql);
      s.bindAll(params...);
      while (s.step()) out.push_back(row(s));
      return out;
    });
  }

  static constexpr std::size_t kMaxBatch = 512;

  // Throttling counters shared by every instance (sign-in attempts per address).
  int throttleHit(const std::string& key, int64_t now, int64_t window) override;
  int throttleCount(const std::string& key, int64_t now, int64_t window) override;
  void throttleClear(const std::string& key) override;
  int deleteExpiredThrottles(int64_t cutoff) override;
  std::vector<PersonLinkRow> personLinks() override;
  void savePersonLinks(const std::vector<PersonLinkRow>& rows, bool replace_all) override;
  std::optional<int64_t> importedRecord(const std::string& source, const std::string& key) override;
  void saveImportKey(const std::string& source, const std::string& key, int64_t record_id, int64_t at) override;
  std::vector<NotificationRow> notificationsOf(int64_t user_id, bool unread_only, int64_t before_id,
                                               int limit) override;
  int64_t unreadNotifications(int64_t user_id) override;
  int64_t addNotifications(const std::vector<NotificationRow>& rows) override;
  std::vector<EmailRow> emailsDue(int64_t now_ms, int limit) override;
  void markEmailSent(int64_t id, int64_t at) override;
  void markEmailFailed(int64_t id, const std::string& error, int64_t next_attempt_at) override;
  void setUserEmail(int64_t user_id, const std::string& email, const AuditDraft& audit) override;
  int64_t markNotificationsRead(int64_t user_id, const std::vector<int64_t>& ids, int64_t at) override;

  void copyTo(Store& target, const std::function<void(const std::string&, int64_t)>& progress) override;
  // Puts an e-mail in the outbox within a write (sql_records.cpp: a record's notifications).
  static void queueEmailIn(Db& db, const EmailDraft& e, int64_t at);

 protected:
  // `max_readers`: at most this many read connections (0: as many as threads ask for).
  SqlStore(Dialect dialect, std::vector<Migration> migrations, std::size_t max_readers);
  // Opens the writer connection and starts the writer thread; the backend's constructor calls it.
  void start();
  // A new connection (the writer's, or a reader's).
  virtual std::unique_ptr<Db> connect(bool writer) = 0;
  // close() for a backend's destructor: errors are logged, not thrown.
  void closeQuietly() noexcept;
  // Run on the writer connection when the store closes (maintenance); the backend's
  // destructor must call closeQuietly() itself.
  virtual void beforeClose(Db& /*writer*/) {}
  // After rows were copied in with their ids (copyTo): make generated ids continue after them.
  virtual void afterCopy(Db& /*writer*/) {}
  [[nodiscard]] const Dialect& dialect() const { return dialect_; }

 private:
  struct Job {
    std::function<void(Db&)> fn;
    std::promise<void> done;
    int new_records = 0;
  };
  struct ReaderDeleter {
    SqlStore* store;
    void operator()(Db* db) const;
  };
  using ReaderLease = std::unique_ptr<Db, ReaderDeleter>;

  ReaderLease acquireReader();
  // The writer connection when this thread runs inside inTransaction() of this store.
  Db* currentTransaction() const;
  void appendAuditIn(Db& db, const AuditDraft& d, int64_t record_id, int64_t at);
  void flushAuditHead(Db& db);
  static void discardQueued(Db& db);
  // After a committed write that decides who a session or token is (AuthStore::authGeneration);
  // inside inTransaction() counted again once the transaction commits.
  void noteAuthChange();
  void writerLoop();
  // A new record's id, registered in record_ids under `type` (writer's transaction).
  int64_t nextRecordId(Db& db, const std::string& type);
  void ensureOpen() const;
  [[nodiscard]] std::string columnSql(const std::string& field) const;
  // The table holding one register's records, created (with its standing indexes) the first
  // time this process needs it; `type` must be an identifier.
  std::string recordTable(const std::string& type);
  // The same inside the writer's open transaction `db` (a migration, a copy): not remembered.
  void createRecordTableIn(Db& db, const std::string& type);
  void splitRecordsByType(Db& db);
  void copyRowsInto(SqlStore& target, const std::function<void(const std::string&, int64_t)>& progress);

  Dialect dialect_;
  std::vector<Migration> migrations_;
  std::size_t max_readers_;
  std::size_t open_readers_ = 0;  // leased or pooled
  std::condition_variable readers_cv_;

 protected:
  mutable Counters counters_;

 private:
  std::atomic<uint64_t> commits_{0};
  std::atomic<uint64_t> committed_writes_{0};

  std::unique_ptr<Db> writer_db_;
  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::thread writer_;

  std::mutex readers_mu_;
  std::vector<std::unique_ptr<Db>> readers_;
  std::atomic<bool> closed_{false};

  AuditHasher audit_hasher_;
  // The newest entry appended in the writer's open transaction, written to audit_head before it
  // commits (writer thread only).
  struct AuditHeadPosition {
    int64_t seq = 0;
    std::string hash;
  };
  std::optional<AuditHeadPosition> pending_head_;
  bool auth_changed_in_tx_ = false;  // writer thread: an auth change inside the open inTransaction()
  std::mutex indexes_mu_;
  std::set<std::string> known_indexes_;
  std::set<std::string> known_record_tables_;  // guarded by indexes_mu_
  // Record tables created inside the open inTransaction() (writer thread): known once it commits.
  std::set<std::string> record_tables_in_tx_;
  // Writer thread: ids drawn for the open batch and not used yet (dropped when it ends, so ids
  // still follow commit order across instances), and how many records the batch's jobs from
  // the running one on said they would create.
  std::vector<int64_t> reserved_ids_;
  std::size_t next_reserved_id_ = 0;
  int64_t ids_wanted_ = 0;
};

}  // namespace palermo::sql
