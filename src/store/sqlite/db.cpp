#include "store/sqlite/db.hpp"

#include <sqlite3.h>

#include <chrono>
#include <stdexcept>

namespace palermo::sqlite {

namespace {
struct Timer {
  explicit Timer(Counters* c) : c_(c), start_(std::chrono::steady_clock::now()) {}
  ~Timer() {
    if (!c_) return;
    c_->nanos.fetch_add(static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                  std::chrono::steady_clock::now() - start_)
                                                  .count()),
                        std::memory_order_relaxed);
    c_->statements.fetch_add(1, std::memory_order_relaxed);
  }
  Counters* c_;
  std::chrono::steady_clock::time_point start_;
};
}  // namespace

Stmt::~Stmt() {
  if (s_) {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
}

Stmt& Stmt::bind(int i, int64_t v) {
  if (int rc = sqlite3_bind_int64(s_, i, v); rc != SQLITE_OK) db_->fail(rc, "bind");
  return *this;
}
Stmt& Stmt::bind(int i, double v) {
  if (int rc = sqlite3_bind_double(s_, i, v); rc != SQLITE_OK) db_->fail(rc, "bind");
  return *this;
}
Stmt& Stmt::bind(int i, std::string_view v) {
  if (int rc = sqlite3_bind_text64(s_, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8); rc != SQLITE_OK)
    db_->fail(rc, "bind");
  return *this;
}
Stmt& Stmt::bindBlob(int i, std::string_view v) {
  if (int rc = sqlite3_bind_blob64(s_, i, v.data(), v.size(), SQLITE_TRANSIENT); rc != SQLITE_OK)
    db_->fail(rc, "bind");
  return *this;
}
Stmt& Stmt::bindNull(int i) {
  if (int rc = sqlite3_bind_null(s_, i); rc != SQLITE_OK) db_->fail(rc, "bind");
  return *this;
}

bool Stmt::step() {
  Timer t(db_->counters());
  const int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  db_->fail(rc, sqlite3_sql(s_));
}

void Stmt::run() {
  while (step()) {
  }
}

int64_t Stmt::int64(int col) const { return sqlite3_column_int64(s_, col); }
double Stmt::real(int col) const { return sqlite3_column_double(s_, col); }
std::string Stmt::text(int col) const {
  const auto* p = sqlite3_column_text(s_, col);
  if (!p) return {};
  return {reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(s_, col))};
}
std::string Stmt::blob(int col) const {
  const auto* p = sqlite3_column_blob(s_, col);
  if (!p) return {};
  return {static_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(s_, col))};
}
bool Stmt::isNull(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }
int Stmt::columnCount() const { return sqlite3_column_count(s_); }

Db::Db(const std::string& path, Mode mode, Counters* counters) : counters_(counters) {
  const int flags = (mode == Mode::ReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                    SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw std::runtime_error("cannot open database " + path + ": " + msg);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, 10000);
}

Db::~Db() {
  for (auto& [sql, s] : cache_) sqlite3_finalize(s);
  if (db_) sqlite3_close_v2(db_);
}

Stmt Db::prepare(std::string_view sql) {
  auto it = cache_.find(std::string(sql));
  if (it == cache_.end()) {
    sqlite3_stmt* s = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &s,
                                      nullptr);
    if (rc != SQLITE_OK) fail(rc, sql);
    it = cache_.emplace(std::string(sql), s).first;
  }
  return {*this, it->second};
}

void Db::exec(const std::string& sql) {
  Timer t(counters_);
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw std::runtime_error("sqlite: " + msg);
  }
}

int64_t Db::lastInsertRowid() const { return sqlite3_last_insert_rowid(db_); }
int Db::changes() const { return sqlite3_changes(db_); }

void Db::fail(int rc, std::string_view what) const {
  // Only the statement text (never bound values) goes into the message.
  throw std::runtime_error("sqlite: " + std::string(sqlite3_errmsg(db_)) + " (" + sqlite3_errstr(rc) + ") in: " +
                           std::string(what.substr(0, 200)));
}

}  // namespace palermo::sqlite
