// The database a test uses. By default SQLite in the test's directory; with
// PALERMO_TEST_BACKEND=postgres (scripts/test.sh runs every test a second time so), a database of
// its own in the throw-away PostgreSQL cluster that scripts/pg.sh started (PALERMO_TEST_PG).
// Also raw SQL behind the store's back, for the tests that tamper with what is stored.
#pragma once

#include <libpq-fe.h>
#include <sqlite3.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>

namespace palermo::test {

inline bool usePostgres() {
  const char* b = std::getenv("PALERMO_TEST_BACKEND");
  return b && std::string(b) == "postgres";
}

inline std::string testBackendName() { return usePostgres() ? "postgres" : "sqlite"; }

inline std::string pgAdminConninfo() {
  const char* c = std::getenv("PALERMO_TEST_PG");
  if (!c || !*c)
    throw std::runtime_error("PALERMO_TEST_BACKEND=postgres needs PALERMO_TEST_PG (start a cluster with scripts/pg.sh)");
  return c;
}

// One statement on a database of the test cluster (the maintenance database when `db` is empty).
// Returns the first column of the first row, if any.
inline std::string pgRun(const std::string& db, const std::string& sql) {
  const std::string conninfo = pgAdminConninfo() + (db.empty() ? "" : " dbname=" + db);
  PGconn* c = PQconnectdb(conninfo.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(c);
    PQfinish(c);
    throw std::runtime_error("test cluster: " + msg);
  }
  PQsetNoticeProcessor(c, [](void*, const char*) {}, nullptr);
  PGresult* r = PQexec(c, sql.c_str());
  const auto st = PQresultStatus(r);
  std::string out;
  if (st == PGRES_TUPLES_OK && PQntuples(r) > 0) out = PQgetvalue(r, 0, 0);
  std::string err = (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) ? "" : PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(c);
  if (!err.empty()) throw std::runtime_error("test cluster: " + err + " in: " + sql.substr(0, 200));
  return out;
}

// A database name for a test directory (stable, so a server and the CLI run on the same one).
inline std::string pgDatabaseName(const std::filesystem::path& dir) {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a
  for (unsigned char ch : std::filesystem::absolute(dir).string()) h = (h ^ ch) * 1099511628211ULL;
  char buf[32];
  std::snprintf(buf, sizeof buf, "palermo_t_%016llx", static_cast<unsigned long long>(h));
  return buf;
}

inline void pgCreateDatabase(const std::string& name, const std::string& from_template = "") {
  pgRun("", "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  pgRun("", "CREATE DATABASE " + name + (from_template.empty() ? "" : " TEMPLATE " + from_template));
}

// The PostgreSQL databases this process created for test directories.
struct CreatedDatabases {
  std::mutex mu;
  std::set<std::string> names;
};
inline CreatedDatabases& createdDatabases() {
  static CreatedDatabases c;
  return c;
}

// The database URL for a test directory; on PostgreSQL the database is created (empty) the first
// time this process asks for it.
inline std::string testDatabaseUrl(const std::filesystem::path& dir) {
  if (!usePostgres()) return "sqlite:" + (dir / "palermo.db").string();
  const std::string name = pgDatabaseName(dir);
  auto& created = createdDatabases();
  std::lock_guard lock(created.mu);
  if (!created.names.count(name)) {
    pgCreateDatabase(name);
    created.names.insert(name);
  }
  return "postgres:" + pgAdminConninfo() + " dbname=" + name;
}

// On PostgreSQL, gives a test directory a database copied from another directory's (a template
// no one is connected to); testDatabaseUrl then hands out that copy.
inline void copyTestDatabase(const std::filesystem::path& from, const std::filesystem::path& dir) {
  if (!usePostgres()) return;
  const std::string name = pgDatabaseName(dir);
  auto& created = createdDatabases();
  std::lock_guard lock(created.mu);
  pgCreateDatabase(name, pgDatabaseName(from));
  created.names.insert(name);
}

inline bool pgDatabaseExists(const std::filesystem::path& dir) {
  return !pgRun("", "SELECT 1 FROM pg_database WHERE datname = '" + pgDatabaseName(dir) + "'").empty();
}

// Raw access to what a server in `dir` stored (the server must be stopped).
struct RawDatabase {
  std::filesystem::path dir;

  // Runs SQL directly, with the audit log's append-only triggers out of the way.
  void tamper(const std::string& sql) const {
    if (usePostgres()) {
      pgRun(pgDatabaseName(dir), "ALTER TABLE audit_log DISABLE TRIGGER USER; " + sql);
      return;
    }
    sqlite3* db = nullptr;
    if (sqlite3_open((dir / "palermo.db").c_str(), &db) != SQLITE_OK) throw std::runtime_error("cannot open the db");
    char* err = nullptr;
    const std::string all =
        "DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete; " + sql;
    const int rc = sqlite3_exec(db, all.c_str(), nullptr, nullptr, &err);
    std::string msg = err ? err : "";
    sqlite3_free(err);
    sqlite3_close(db);
    if (rc != SQLITE_OK) throw std::runtime_error("tamper: " + msg);
  }

  // The first column of the first row of a query.
  int64_t scalar(const std::string& sql) const {
    if (usePostgres()) return std::stoll(pgRun(pgDatabaseName(dir), sql));
    sqlite3* db = nullptr;
    if (sqlite3_open((dir / "palermo.db").c_str(), &db) != SQLITE_OK) throw std::runtime_error("cannot open the db");
    sqlite3_stmt* st = nullptr;
    int64_t out = 0;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
      out = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
  }

  // Everything stored, to search for plain text: the SQLite files' bytes, or on PostgreSQL the
  // text of every row of every table (bytea appears as hex, as the server would hand it out).
  std::string everything() const {
    std::string bytes;
    if (usePostgres()) {
      const std::string db = pgDatabaseName(dir);
      // Each register's records table (records_<type>), then the others.
      std::string tables = pgRun(db,
                                 "SELECT coalesce(string_agg(tablename, ','), '') FROM pg_tables WHERE schemaname = "
                                 "current_schema() AND tablename LIKE 'records\\_%'");
      tables += ",record_history,record_terms,attachments,audit_log,users";
      for (std::size_t at = 0; at < tables.size();) {
        std::size_t comma = tables.find(',', at);
        if (comma == std::string::npos) comma = tables.size();
        const std::string table = tables.substr(at, comma - at);
        at = comma + 1;
        if (table.empty()) continue;
        bytes += pgRun(db, "SELECT coalesce(string_agg(t::text, E'\\n'), '') FROM " + table + " t");
      }
      return bytes;
    }
    for (const auto* suffix : {"palermo.db", "palermo.db-wal"}) {
      std::ifstream in(dir / suffix, std::ios::binary);
      bytes += std::string(std::istreambuf_iterator<char>(in), {});
    }
    return bytes;
  }

  // Keeps a copy of the database, to go back to with restore().
  void snapshot() const {
    if (usePostgres()) {
      pgCreateDatabase(pgDatabaseName(dir) + "_pristine", pgDatabaseName(dir));
      return;
    }
    std::filesystem::copy_file(dir / "palermo.db", dir / "pristine.db", std::filesystem::copy_options::overwrite_existing);
  }
  void restore() const {
    if (usePostgres()) {
      pgCreateDatabase(pgDatabaseName(dir), pgDatabaseName(dir) + "_pristine");
      return;
    }
    std::filesystem::copy_file(dir / "pristine.db", dir / "palermo.db", std::filesystem::copy_options::overwrite_existing);
  }
};

}  // namespace palermo::test
