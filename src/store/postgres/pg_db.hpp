// The PostgreSQL driver of the SQL store (libpq): one connection, statements prepared once per
// connection and executed with PQexecPrepared; text results, bytea parameters in binary.
// Statements run with queue() are sent in libpq's pipeline mode without waiting: their answers
// are read, in one round trip, with the next statement that needs its own (docs/store.md).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/sql/db.hpp"

struct pg_conn;
struct pg_result;

namespace palermo::postgres {

class Db;

class Stmt final : public sql::StmtImpl {
 public:
  Stmt(Db& db, std::string name, int params, std::string sql);
  ~Stmt() override;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  void bindInt(int i, int64_t v) override;
  void bindReal(int i, double v) override;
  void bindText(int i, std::string_view v) override;
  void bindBlob(int i, std::string_view v) override;
  void bindNull(int i) override;
  // Data fields are jsonb: the value is bound as JSON text and compared as jsonb.
  void bindJson(int i, const Json& v) override;
  bool step() override;
  void queue() override;
  [[nodiscard]] int64_t int64(int col) const override;
  [[nodiscard]] double real(int col) const override;
  [[nodiscard]] std::string text(int col) const override;
  [[nodiscard]] std::string blob(int col) const override;
  [[nodiscard]] bool isNull(int col) const override;
  [[nodiscard]] int columnCount() const override;
  void reset() override;

 private:
  void set(int i, std::string value, bool binary);
  void execute();
  struct Params;
  [[nodiscard]] Params params() const;
  void send();
  friend class Db;
  [[nodiscard]] const char* value(int col) const;

  Db* db_;
  std::string name_;
  std::string sql_;  // for messages (never the bound values)
  std::vector<std::string> values_;
  std::vector<char> null_;
  std::vector<int> formats_;
  pg_result* result_ = nullptr;
  bool executed_ = false;
  int row_ = -1;
  int rows_ = 0;
};

class Db final : public sql::Db {
 public:
  // `conninfo`: a libpq URI or key=value string.
  Db(const std::string& conninfo, sql::Counters* counters);
  ~Db() override;

  sql::Stmt prepare(std::string_view sql) override;
  void exec(const std::string& sql) override;
  void flush() override;
  [[nodiscard]] int changes() const override { return changes_; }
  [[nodiscard]] bool inTransaction() const override;
  [[nodiscard]] bool healthy() const override;
  [[nodiscard]] pg_conn* handle() const { return conn_; }
  // Throws with the server's message and SQLSTATE; `what` is the statement (never values).
  [[noreturn]] void fail(pg_result* result, std::string_view what) const;

 private:
  friend class Stmt;
  void enterPipeline();
  void leavePipeline();
  // Sends a sync point and reads the answers of every queued statement, then `current`'s
  // (which was sent after them) into its result; throws the first error.
  void collect(Stmt* current);

  pg_conn* conn_ = nullptr;
  // Pipeline mode (libpq): statements sent whose answers are not read yet, by their SQL (for
  // messages). A write job's history, terms and audit inserts go in one round trip.
  bool pipeline_ = false;
  std::vector<std::string_view> queued_;
  int changes_ = 0;
  int next_name_ = 0;
  std::unordered_map<std::string, std::unique_ptr<Stmt>> cache_;
};

// '?' placeholders to $1, $2 … (outside quoted strings and identifiers); sets `count`.
std::string numberPlaceholders(std::string_view sql, int& count);

}  // namespace palermo::postgres
