// The connection layer under the SQL store (src/store/sql/sql_store.*): one abstract database
// connection and prepared statement, implemented once per driver (SQLite in src/store/sqlite,
// libpq in src/store/postgres). Only the store uses it.
//
// SQL handed to prepare() uses '?' placeholders numbered from 1 in order; drivers translate
// them when their database wants another syntax ($1, $2 … for PostgreSQL).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/json.hpp"

namespace palermo::sql {

// Time spent in the database and statements run, over all connections of a store.
struct Counters {
  std::atomic<uint64_t> nanos{0};
  std::atomic<uint64_t> statements{0};
};

// Adds the time from construction to destruction, and one statement, to the counters.
class StatementTimer {
 public:
  explicit StatementTimer(Counters* c) : c_(c), start_(std::chrono::steady_clock::now()) {}
  ~StatementTimer() {
    if (!c_) return;
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start_);
    c_->nanos.fetch_add(static_cast<uint64_t>(ns.count()), std::memory_order_relaxed);
    c_->statements.fetch_add(1, std::memory_order_relaxed);
  }
  StatementTimer(const StatementTimer&) = delete;
  StatementTimer& operator=(const StatementTimer&) = delete;

 private:
  Counters* c_;
  std::chrono::steady_clock::time_point start_;
};

// A driver's prepared statement. Parameters are numbered from 1, columns from 0.
class StmtImpl {
 public:
  virtual ~StmtImpl() = default;
  virtual void bindInt(int i, int64_t v) = 0;
  virtual void bindReal(int i, double v) = 0;
  virtual void bindText(int i, std::string_view v) = 0;
  virtual void bindBlob(int i, std::string_view v) = 0;
  virtual void bindNull(int i) = 0;
  // A value compared with a field of a record's data (a JSON document): how it is bound depends
  // on how the driver stores documents (SQLite: the scalar json_extract() yields; PostgreSQL:
  // the JSON text, compared as jsonb).
  virtual void bindJson(int i, const Json& v) = 0;
  virtual bool step() = 0;
  [[nodiscard]] virtual int64_t int64(int col) const = 0;
  [[nodiscard]] virtual double real(int col) const = 0;
  [[nodiscard]] virtual std::string text(int col) const = 0;
  [[nodiscard]] virtual std::string blob(int col) const = 0;
  [[nodiscard]] virtual bool isNull(int col) const = 0;
  [[nodiscard]] virtual int columnCount() const = 0;
  // Runs a statement whose rows and row count nobody reads. A driver may send it without waiting
  // for the answer (PostgreSQL: pipeline mode); its error, if any, is then thrown by the
  // connection's next statement that waits for an answer, or by Db::flush().
  virtual void queue() {
    while (step()) {
    }
  }
  // Called when the borrower is done: forget results and bindings (the statement stays prepared).
  virtual void reset() = 0;
};

// Markers for bindAll: a value bound as a blob, and SQL NULL.
struct Blob {
  std::string_view bytes;
};
struct Null {};

// A prepared statement borrowed from its connection's cache; reset when it goes.
class Stmt {
 public:
  explicit Stmt(StmtImpl* s) : s_(s) {}
  Stmt(Stmt&& o) noexcept : s_(o.s_) { o.s_ = nullptr; }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt& operator=(Stmt&&) = delete;
  ~Stmt() {
    if (s_) s_->reset();
  }

  Stmt& bind(int i, int64_t v) { return s_->bindInt(i, v), *this; }
  Stmt& bind(int i, int v) { return bind(i, static_cast<int64_t>(v)); }
  Stmt& bind(int i, double v) { return s_->bindReal(i, v), *this; }
  Stmt& bind(int i, std::string_view v) { return s_->bindText(i, v), *this; }
  Stmt& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  Stmt& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  Stmt& bind(int i, const std::optional<std::string>& v) { return v ? bind(i, *v) : bindNull(i); }
  Stmt& bindBlob(int i, std::string_view v) { return s_->bindBlob(i, v), *this; }
  Stmt& bindNull(int i) { return s_->bindNull(i), *this; }
  Stmt& bindJson(int i, const Json& v) { return s_->bindJson(i, v), *this; }
  Stmt& bind(int i, Blob v) { return bindBlob(i, v.bytes); }
  Stmt& bind(int i, Null) { return bindNull(i); }
  // Binds the parameters in order, the first to ?1: db.prepare(sql).bindAll(a, b, Blob{c}).run().
  template <class... Values>
  Stmt& bindAll(const Values&... values) {
    int i = 0;
    (bind(++i, values), ...);
    return *this;
  }
  // A JSON scalar compared with a plain column (id, state, agency_id …).
  Stmt& bindScalar(int i, const Json& v) {
    if (v.is_null()) return bindNull(i);
    if (v.is_boolean()) return bind(i, static_cast<int64_t>(v.get<bool>() ? 1 : 0));
    if (v.is_number_integer()) return bind(i, v.get<int64_t>());
    if (v.is_number()) return bind(i, v.get<double>());
    if (v.is_string()) return bind(i, v.get_ref<const std::string&>());
    return bind(i, v.dump());
  }

  // Steps once; true while a row is available.
  bool step() { return s_->step(); }
  // Runs to completion (for statements without rows).
  void run() {
    while (s_->step()) {
    }
  }
  // Runs it when the connection next waits for an answer: for writes whose outcome only matters
  // as "no error" (history rows, search terms, audit entries). Db::changes() does not count it;
  // its error comes from a later statement or Db::flush(), within the same job.
  void queue() { s_->queue(); }

  [[nodiscard]] int64_t int64(int col) const { return s_->int64(col); }
  [[nodiscard]] double real(int col) const { return s_->real(col); }
  [[nodiscard]] std::string text(int col) const { return s_->text(col); }
  [[nodiscard]] std::string blob(int col) const { return s_->blob(col); }
  [[nodiscard]] bool isNull(int col) const { return s_->isNull(col); }
  [[nodiscard]] int columnCount() const { return s_->columnCount(); }

 private:
  StmtImpl* s_;
};

// One connection. Not thread-safe: the store gives each to one thread at a time.
class Db {
 public:
  explicit Db(Counters* counters) : counters_(counters) {}
  virtual ~Db() = default;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // Statement from the cache (prepared once per connection).
  virtual Stmt prepare(std::string_view sql) = 0;
  // Executes one or more statements without parameters.
  virtual void exec(const std::string& sql) = 0;
  // Waits for every statement queued so far; throws the first one's error.
  virtual void flush() {}
  // Rows changed by the last INSERT/UPDATE/DELETE run on this connection.
  [[nodiscard]] virtual int changes() const = 0;
  // Whether a transaction is open (after a failed COMMIT, to know whether to roll back).
  [[nodiscard]] virtual bool inTransaction() const = 0;
  // False once the connection is known to be broken (the server went away): the store drops it
  // and opens another.
  [[nodiscard]] virtual bool healthy() const { return true; }
  [[nodiscard]] Counters* counters() const { return counters_; }

 private:
  Counters* counters_;
};

}  // namespace palermo::sql
