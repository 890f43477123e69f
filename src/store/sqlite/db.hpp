// A thin RAII layer over the SQLite C API, used only inside src/store/sqlite.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace palermo::sqlite {

struct Counters {
  std::atomic<uint64_t> nanos{0};
  std::atomic<uint64_t> statements{0};
};

class Db;

// A prepared statement borrowed from the connection's cache; reset and cleared when it goes.
class Stmt {
 public:
  Stmt(Db& db, sqlite3_stmt* s) : db_(&db), s_(s) {}
  Stmt(Stmt&& o) noexcept : db_(o.db_), s_(o.s_) { o.s_ = nullptr; }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt& operator=(Stmt&&) = delete;
  ~Stmt();

  // Parameters are numbered from 1, as in SQL.
  Stmt& bind(int i, int64_t v);
  Stmt& bind(int i, int v) { return bind(i, static_cast<int64_t>(v)); }
  Stmt& bind(int i, double v);
  Stmt& bind(int i, std::string_view v);
  Stmt& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  Stmt& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  Stmt& bindBlob(int i, std::string_view v);
  Stmt& bindNull(int i);
  Stmt& bind(int i, const std::optional<std::string>& v) { return v ? bind(i, *v) : bindNull(i); }

  // Steps once; true while a row is available.
  bool step();
  // Runs to completion (for statements without rows).
  void run();

  // Columns are numbered from 0.
  [[nodiscard]] int64_t int64(int col) const;
  [[nodiscard]] double real(int col) const;
  [[nodiscard]] std::string text(int col) const;
  [[nodiscard]] std::string blob(int col) const;
  [[nodiscard]] bool isNull(int col) const;
  [[nodiscard]] int columnCount() const;

 private:
  Db* db_;
  sqlite3_stmt* s_;
};

class Db {
 public:
  enum class Mode { ReadWrite, ReadOnly };
  Db(const std::string& path, Mode mode, Counters* counters);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // Statement from the cache (prepared once per connection).
  Stmt prepare(std::string_view sql);
  // Executes one or more statements without parameters.
  void exec(const std::string& sql);
  [[nodiscard]] int64_t lastInsertRowid() const;
  [[nodiscard]] int changes() const;
  [[nodiscard]] sqlite3* handle() const { return db_; }
  [[nodiscard]] Counters* counters() const { return counters_; }
  [[noreturn]] void fail(int rc, std::string_view what) const;

 private:
  sqlite3* db_ = nullptr;
  Counters* counters_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

}  // namespace palermo::sqlite
