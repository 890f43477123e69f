// The SQLite driver of the SQL store: one connection and its cached prepared statements.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/sql/db.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace palermo::sqlite {

class Db;

class Stmt final : public sql::StmtImpl {
 public:
  Stmt(Db& db, sqlite3_stmt* s) : db_(&db), s_(s) {}
  ~Stmt() override;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  void bindInt(int i, int64_t v) override;
  void bindReal(int i, double v) override;
  void bindText(int i, std::string_view v) override;
  void bindBlob(int i, std::string_view v) override;
  void bindNull(int i) override;
  // json_extract() yields SQL scalars (true/false as 1/0, strings unquoted): bind the same.
  void bindJson(int i, const Json& v) override;
  bool step() override;
  [[nodiscard]] int64_t int64(int col) const override;
  [[nodiscard]] double real(int col) const override;
  [[nodiscard]] std::string text(int col) const override;
  [[nodiscard]] std::string blob(int col) const override;
  [[nodiscard]] bool isNull(int col) const override;
  [[nodiscard]] int columnCount() const override;
  void reset() override;

 private:
  Db* db_;
  sqlite3_stmt* s_;
};

class Db final : public sql::Db {
 public:
  enum class Mode { ReadWrite, ReadOnly };
  Db(const std::string& path, Mode mode, sql::Counters* counters);
  ~Db() override;

  sql::Stmt prepare(std::string_view sql) override;
  void exec(const std::string& sql) override;
  [[nodiscard]] int changes() const override;
  [[nodiscard]] bool inTransaction() const override;
  [[nodiscard]] sqlite3* handle() const { return db_; }
  [[noreturn]] void fail(int rc, std::string_view what) const;

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<Stmt>> cache_;
};

}  // namespace palermo::sqlite
