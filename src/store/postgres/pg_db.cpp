#include "store/postgres/pg_db.hpp"

#include "core/error.hpp"

#include <libpq-fe.h>
#include <sodium.h>

#include <charconv>
#include <chrono>
#include <cstdlib>
#include <stdexcept>

namespace palermo::postgres {

std::string numberPlaceholders(std::string_view sql, int& count) {
  std::string out;
  out.reserve(sql.size() + 16);
  count = 0;
  char quote = 0;
  for (char c : sql) {
    if (quote) {
      if (c == quote) quote = 0;
      out.push_back(c);
    } else if (c == '\'' || c == '"') {
      quote = c;
      out.push_back(c);
    } else if (c == '?') {
      out += "$" + std::to_string(++count);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Stmt::Stmt(Db& db, std::string name, int params, std::string sql)
    : db_(&db),
      name_(std::move(name)),
      sql_(std::move(sql)),
      values_(static_cast<std::size_t>(params)),
      null_(static_cast<std::size_t>(params), 1),
      formats_(static_cast<std::size_t>(params), 0) {}

Stmt::~Stmt() {
  if (result_) PQclear(result_);
}

void Stmt::set(int i, std::string value, bool binary) {
  if (i < 1 || static_cast<std::size_t>(i) > values_.size())
    throw std::out_of_range("postgres: parameter " + std::to_string(i) + " out of range in: " + sql_.substr(0, 200));
  const auto k = static_cast<std::size_t>(i - 1);
  values_[k] = std::move(value);
  null_[k] = 0;
  formats_[k] = binary ? 1 : 0;
}

void Stmt::bindInt(int i, int64_t v) { set(i, std::to_string(v), false); }
void Stmt::bindReal(int i, double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);  // shortest text that reads back exactly
  set(i, std::string(buf, end), false);
}
void Stmt::bindText(int i, std::string_view v) { set(i, std::string(v), false); }
void Stmt::bindBlob(int i, std::string_view v) { set(i, std::string(v), true); }
void Stmt::bindNull(int i) {
  set(i, {}, false);
  null_[static_cast<std::size_t>(i - 1)] = 1;
}
void Stmt::bindJson(int i, const Json& v) {
  if (v.is_null()) bindNull(i);
  else set(i, v.dump(), false);
}

// The bound parameters as libpq takes them (pointers into values_, valid until the next bind).
struct Stmt::Params {
  std::vector<const char*> values;
  std::vector<int> lengths;
};

Stmt::Params Stmt::params() const {
  Params p{std::vector<const char*>(values_.size()), std::vector<int>(values_.size())};
  for (std::size_t k = 0; k < values_.size(); ++k) {
    p.values[k] = null_[k] ? nullptr : values_[k].data();
    p.lengths[k] = static_cast<int>(values_[k].size());
  }
  return p;
}

// Sends the statement with its parameters (pipeline mode): libpq copies them into its buffer.
void Stmt::send() {
  const auto p = params();
  if (PQsendQueryPrepared(db_->conn_, name_.c_str(), static_cast<int>(values_.size()), p.values.data(),
                          p.lengths.data(), formats_.data(), 0) != 1)
    db_->fail(nullptr, sql_);
}

void Stmt::queue() {
  // Bounded: the answers wait in the server's socket buffer until read, and a pipeline that
  // never reads would eventually block both sides.
  if (db_->queued_.size() >= 256) db_->flush();
  db_->enterPipeline();
  sql::StatementTimer t(db_->counters());
  send();
  db_->queued_.emplace_back(sql_);
}

void Stmt::execute() {
  if (db_->pipeline_) {
    // After the queued statements, in the same round trip.
    sql::StatementTimer t(db_->counters());
    send();
    db_->collect(this);
  } else {
    const auto p = params();
    sql::StatementTimer t(db_->counters());
    result_ = PQexecPrepared(db_->conn_, name_.c_str(), static_cast<int>(values_.size()), p.values.data(),
                             p.lengths.data(), formats_.data(), 0);
  }
  const auto status = PQresultStatus(result_);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    PGresult* failed = result_;
    result_ = nullptr;
    db_->fail(failed, sql_);
  }
  rows_ = PQntuples(result_);
  const char* affected = PQcmdTuples(result_);
  db_->changes_ = affected && *affected ? std::atoi(affected) : 0;
  executed_ = true;
}

bool Stmt::step() {
  if (!executed_) execute();
  if (row_ + 1 >= rows_) {
    row_ = rows_;
    return false;
  }
  ++row_;
  return true;
}

const char* Stmt::value(int col) const {
  if (!result_ || row_ < 0 || row_ >= rows_) throw std::logic_error("postgres: no current row in: " + sql_.substr(0, 200));
  return PQgetvalue(result_, row_, col);
}

int64_t Stmt::int64(int col) const {
  if (isNull(col)) return 0;
  return std::strtoll(value(col), nullptr, 10);
}
double Stmt::real(int col) const {
  if (isNull(col)) return 0;
  return std::strtod(value(col), nullptr);
}
std::string Stmt::text(int col) const {
  if (isNull(col)) return {};
  return {value(col), static_cast<std::size_t>(PQgetlength(result_, row_, col))};
}
// bytea in text results is hex: "\x" then two digits per byte.
std::string Stmt::blob(int col) const {
  if (isNull(col)) return {};
  const char* v = value(col);
  const auto n = static_cast<std::size_t>(PQgetlength(result_, row_, col));
  if (n < 2 || v[0] != '\\' || v[1] != 'x') throw std::runtime_error("postgres: bytea not in hex format");
  std::string out((n - 2) / 2, '\0');
  std::size_t len = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), v + 2, n - 2, nullptr, &len, nullptr) !=
          0 ||
      len != out.size())
    throw std::runtime_error("postgres: bad bytea text");
  return out;
}
bool Stmt::isNull(int col) const {
  if (!result_ || row_ < 0 || row_ >= rows_) throw std::logic_error("postgres: no current row in: " + sql_.substr(0, 200));
  return PQgetisnull(result_, row_, col) != 0;
}
int Stmt::columnCount() const { return result_ ? PQnfields(result_) : 0; }

void Stmt::reset() {
  if (result_) PQclear(result_);
  result_ = nullptr;
  executed_ = false;
  row_ = -1;
  rows_ = 0;
  for (std::size_t k = 0; k < values_.size(); ++k) {
    values_[k].clear();
    null_[k] = 1;
    formats_[k] = 0;
  }
}

Db::Db(const std::string& conninfo, sql::Counters* counters) : sql::Db(counters) {
  conn_ = PQconnectdb(conninfo.c_str());
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
    std::string msg = conn_ ? PQerrorMessage(conn_) : "out of memory";
    if (conn_) PQfinish(conn_);
    conn_ = nullptr;
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    throw Unavailable("cannot connect to PostgreSQL: " + msg);
  }
  // Times are stored as integers, text is UTF-8, and notices are not printed on stderr.
  PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
  exec("SET client_encoding TO 'UTF8'; SET TIME ZONE 'UTC'; SET application_name TO 'palermo'; "
       "SET synchronous_commit TO on");
}

Db::~Db() {
  cache_.clear();
  if (conn_) PQfinish(conn_);
}

void Db::enterPipeline() {
  if (pipeline_) return;
  if (PQenterPipelineMode(conn_) != 1) fail(nullptr, "enter pipeline mode");
  pipeline_ = true;
}

void Db::leavePipeline() {
  if (!pipeline_) return;
  flush();
  if (PQexitPipelineMode(conn_) != 1) fail(nullptr, "leave pipeline mode");
  pipeline_ = false;
}

void Db::flush() {
  if (queued_.empty()) return;
  collect(nullptr);
}

void Db::collect(Stmt* current) {
  if (PQpipelineSync(conn_) != 1) {
    queued_.clear();
    fail(nullptr, "pipeline sync");
  }
  // Every answer is read before anything is thrown, so the connection is ready for the next
  // statement (ROLLBACK TO a savepoint) whatever failed.
  PGresult* first_error = nullptr;
  std::string_view failed_sql;
  bool broken = false;
  auto take = [&](std::string_view what) -> PGresult* {  // one statement's answer; null if the connection broke
    PGresult* r = PQgetResult(conn_);
    if (!r) {
      broken = true;
      return nullptr;
    }
    // Its end (a null result) follows each statement's answer.
    while (PGresult* extra = PQgetResult(conn_)) PQclear(extra);
    if (PQresultStatus(r) == PGRES_FATAL_ERROR && !first_error) {
      first_error = r;
      failed_sql = what;
      return nullptr;
    }
    return r;
  };
  for (const auto& what : queued_) {
    if (broken) break;
    if (PGresult* r = take(what)) PQclear(r);
  }
  queued_.clear();
  PGresult* mine = nullptr;
  if (current && !broken) mine = take(current->sql_);
  if (!broken) {
    PGresult* sync = PQgetResult(conn_);
    if (!sync || PQresultStatus(sync) != PGRES_PIPELINE_SYNC) broken = true;
    if (sync) PQclear(sync);
  }
  if (first_error) {
    if (mine) PQclear(mine);
    fail(first_error, failed_sql);
  }
  if (broken) {
    if (mine) PQclear(mine);
    fail(nullptr, current ? std::string_view(current->sql_) : std::string_view("pipeline"));
  }
  if (current) current->result_ = mine;
}

sql::Stmt Db::prepare(std::string_view sql) {
  auto it = cache_.find(std::string(sql));
  if (it == cache_.end()) {
    leavePipeline();  // PQprepare waits for its answer: not in pipeline mode
    int params = 0;
    const std::string numbered = numberPlaceholders(sql, params);
    std::string name = "p" + std::to_string(++next_name_);
    PGresult* r = PQprepare(conn_, name.c_str(), numbered.c_str(), 0, nullptr);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) fail(r, sql);
    PQclear(r);
    it = cache_.emplace(std::string(sql), std::make_unique<Stmt>(*this, std::move(name), params, std::string(sql))).first;
  }
  return sql::Stmt(it->second.get());
}

void Db::exec(const std::string& sql) {
  leavePipeline();  // a multi-statement string: not in pipeline mode
  sql::StatementTimer t(counters());
  PGresult* r = PQexec(conn_, sql.c_str());
  const auto status = PQresultStatus(r);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(r, sql);
  PQclear(r);
}

bool Db::inTransaction() const {
  const auto s = PQtransactionStatus(conn_);
  return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
}

bool Db::healthy() const { return conn_ && PQstatus(conn_) == CONNECTION_OK; }

void Db::fail(PGresult* result, std::string_view what) const {
  std::string msg = result ? PQresultErrorMessage(result) : "";
  if (msg.empty()) msg = PQerrorMessage(conn_);
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string code = state ? state : "";
  if (result) PQclear(result);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  // Only the statement text (never bound values) goes into the message. A connection that broke
  // (the server went away) is the database being unavailable, not a failed statement.
  std::string text = "postgres: " + msg + (code.empty() ? "" : " [" + code + "]") + " in: " +
                     std::string(what.substr(0, 200));
  if (!healthy()) throw Unavailable(text);
  throw std::runtime_error(text);
}

}  // namespace palermo::postgres
