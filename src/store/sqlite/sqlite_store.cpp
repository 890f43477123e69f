// The SQLite backend: the embedded default. See docs/store.md.
#include "store/sqlite/sqlite_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "core/log.hpp"

namespace palermo::sqlite {

namespace {

// Forward-only. Never edit a migration that has shipped; add a new one.
std::vector<sql::Migration> sqliteMigrations() {
  return {
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
      {10, "shared throttling counters", R"SQL(
CREATE TABLE throttle (
  bucket TEXT PRIMARY KEY,
  window_start INTEGER NOT NULL,
  hits INTEGER NOT NULL
) STRICT;
CREATE INDEX throttle_by_start ON throttle(window_start);
)SQL"},
      {11, "person links", R"SQL(
CREATE TABLE person_links (
  record_id INTEGER PRIMARY KEY,
  person_id INTEGER NOT NULL,
  probability_milli INTEGER NOT NULL,
  method TEXT NOT NULL,
  linked_at INTEGER NOT NULL
) STRICT;
CREATE INDEX person_links_by_person ON person_links(person_id);
)SQL"},
      {12, "identity roles awaiting a second administrator", R"SQL(
ALTER TABLE users ADD COLUMN pending_roles TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN pending_by INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN pending_at INTEGER NOT NULL DEFAULT 0;
)SQL"},
      {13, "import keys", R"SQL(
CREATE TABLE import_keys (
  source TEXT NOT NULL,
  row_key TEXT NOT NULL,
  record_id INTEGER NOT NULL,
  imported_at INTEGER NOT NULL,
  PRIMARY KEY (source, row_key)
) STRICT;
)SQL"},
      {14, "notifications", R"SQL(
CREATE TABLE notifications (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  record_type TEXT NOT NULL,
  record_id INTEGER NOT NULL,
  actor INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  read_at INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX notifications_of_user ON notifications(user_id, id);
)SQL"},
      {15, "e-mail of notifications", R"SQL(
ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';
CREATE TABLE email_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  to_address TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  sent_at INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX email_outbox_due ON email_outbox(sent_at, next_attempt_at);
)SQL"},
      // Then SqlStore::splitRecordsByType moves the records into their registers' tables.
      {16, "one table per register, ids in a registry", R"SQL(
CREATE TABLE record_ids (
  id INTEGER PRIMARY KEY,
  type TEXT NOT NULL
) STRICT;
)SQL"},
      {17, "idempotency keys of creates", R"SQL(
CREATE TABLE idempotency_keys (
  user_id INTEGER NOT NULL,
  key TEXT NOT NULL,
  type TEXT NOT NULL,
  record_id INTEGER NOT NULL,
  request_digest TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, key)
) STRICT;
CREATE INDEX idempotency_keys_age ON idempotency_keys(user_id, created_at);
)SQL"},
      {18, "devices for field work offline", R"SQL(
CREATE TABLE devices (
  id TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  wrapping_key BLOB,
  created_at INTEGER NOT NULL,
  last_unlock_at INTEGER NOT NULL DEFAULT 0,
  last_sync_at INTEGER NOT NULL DEFAULT 0,
  pending INTEGER NOT NULL DEFAULT 0,
  revoked_at INTEGER NOT NULL DEFAULT 0,
  revoked_by INTEGER NOT NULL DEFAULT 0,
  revoke_reason TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX devices_by_user ON devices(user_id);
)SQL"},
  };
}

sql::Dialect sqliteDialect() {
  sql::Dialect d;
  d.local_reads = true;
  d.name = "sqlite";
  d.data_field = [](const std::string& field) { return "json_extract(data, '$." + field + "')"; };
  d.login_eq = "login = ?";  // the column is COLLATE NOCASE
  d.create_migrations_table =
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
      "applied_at INTEGER NOT NULL) STRICT";
  d.migrations_table_exists = "SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_migrations'";
  // IMMEDIATE takes the write lock at once: one writer per database file, even across processes.
  d.begin_write = {"BEGIN IMMEDIATE"};
  // SQLite's own order already puts NULLs first ascending and last descending.
  d.create_record_table = R"SQL(CREATE TABLE IF NOT EXISTS {} (
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
  deleted_reason TEXT NOT NULL DEFAULT '',
  agency_id INTEGER NOT NULL DEFAULT 0,
  region TEXT NOT NULL DEFAULT '',
  identity_blocked TEXT NOT NULL DEFAULT ''
) STRICT)SQL";
  return d;
}

}  // namespace

// The database file and its WAL, shared-memory and journal files readable by their owner only
// (0600), like the key file: a copy of them plus the key opens every identity. SQLite gives the
// files it creates beside the database the database file's mode, so creating the database file
// 0600 is enough for new ones; older, looser files are narrowed, and said so in the log.
static void restrictDatabaseFiles(const std::string& path) {
  if (path.empty() || path == ":memory:" || path.rfind("file:", 0) == 0) return;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) ::close(fd);
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    const std::string file = path + suffix;
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0 || (st.st_mode & 077) == 0) continue;
    if (::chmod(file.c_str(), st.st_mode & 0700) == 0)
      log::warn("store.permissions_narrowed", {{"file", file}, {"mode", "0600"}});
  }
}

SqliteStore::SqliteStore(std::string path)
    : sql::SqlStore(sqliteDialect(), sqliteMigrations(), 0), path_(std::move(path)) {
  if (const auto parent = std::filesystem::path(path_).parent_path(); !parent.empty() && !std::filesystem::exists(parent)) {
    std::filesystem::create_directories(parent);
    std::filesystem::permissions(parent, std::filesystem::perms::owner_all);  // the data directory: 0700
  }
  restrictDatabaseFiles(path_);
  start();
}

SqliteStore::~SqliteStore() { closeQuietly(); }

std::unique_ptr<sql::Db> SqliteStore::connect(bool writer) {
  auto db = std::make_unique<Db>(path_, Db::Mode::ReadWrite, &counters_);
  if (writer) {
    db->exec("PRAGMA journal_mode=WAL");
    // FULL: in WAL mode the log is synced at every commit, so a returned write survives power loss.
    db->exec("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;");
  } else {
    db->exec("PRAGMA foreign_keys=ON; PRAGMA query_only=ON;");
  }
  return db;
}

void SqliteStore::beforeClose(sql::Db& writer) { writer.exec("PRAGMA optimize; PRAGMA wal_checkpoint(TRUNCATE);"); }

}  // namespace palermo::sqlite
