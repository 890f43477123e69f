#include "store/sqlite/db.hpp"

#include <sqlite3.h>

#include <chrono>
#include <stdexcept>

namespace palermo::sqlite {

Stmt::~Stmt() { sqlite3_finalize(s_); }

void Stmt::reset() {
  sqlite3_reset(s_);
  sqlite3_clear_bindings(s_);
}

void Stmt::bindInt(int i, int64_t v) {
  if (int rc = sqlite3_bind_int64(s_, i, v); rc != SQLITE_OK) db_->fail(rc, "bind");
}
void Stmt::bindReal(int i, double v) {
  if (int rc = sqlite3_bind_double(s_, i, v); rc != SQLITE_OK) db_->fail(rc, "bind");
}
void Stmt::bindText(int i, std::string_view v) {
  if (int rc = sqlite3_bind_text64(s_, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8); rc != SQLITE_OK)
    db_->fail(rc, "bind");
}
void Stmt::bindBlob(int i, std::string_view v) {
  if (int rc = sqlite3_bind_blob64(s_, i, v.data(), v.size(), SQLITE_TRANSIENT); rc != SQLITE_OK)
    db_->fail(rc, "bind");
}
void Stmt::bindNull(int i) {
  if (int rc = sqlite3_bind_null(s_, i); rc != SQLITE_OK) db_->fail(rc, "bind");
}
void Stmt::bindJson(int i, const Json& v) {
  if (v.is_null()) bindNull(i);
  else if (v.is_boolean()) bindInt(i, v.get<bool>() ? 1 : 0);
  else if (v.is_number_integer()) bindInt(i, v.get<int64_t>());
  else if (v.is_number()) bindReal(i, v.get<double>());
  else if (v.is_string()) bindText(i, v.get_ref<const std::string&>());
  else bindText(i, v.dump());
}

bool Stmt::step() {
  sql::StatementTimer t(db_->counters());
  const int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  db_->fail(rc, sqlite3_sql(s_));
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

Db::Db(const std::string& path, Mode mode, sql::Counters* counters) : sql::Db(counters) {
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
  cache_.clear();  // finalizes the statements before the connection closes
  if (db_) sqlite3_close_v2(db_);
}

sql::Stmt Db::prepare(std::string_view sql) {
  auto it = cache_.find(std::string(sql));
  if (it == cache_.end()) {
    sqlite3_stmt* s = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &s,
                                      nullptr);
    if (rc != SQLITE_OK) fail(rc, sql);
    it = cache_.emplace(std::string(sql), std::make_unique<Stmt>(*this, s)).first;
  }
  return sql::Stmt(it->second.get());
}

void Db::exec(const std::string& sql) {
  sql::StatementTimer t(counters());
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw std::runtime_error("sqlite: " + msg);
  }
}

int Db::changes() const { return sqlite3_changes(db_); }
bool Db::inTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

void Db::fail(int rc, std::string_view what) const {
  // Only the statement text (never bound values) goes into the message.
  throw std::runtime_error("sqlite: " + std::string(sqlite3_errmsg(db_)) + " (" + sqlite3_errstr(rc) + ") in: " +
                           std::string(what.substr(0, 200)));
}

}  // namespace palermo::sqlite
