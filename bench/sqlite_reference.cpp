// Reference for the records benchmark: raw SQLite single-row inserts, WAL + synchronous=FULL,
// one transaction (one fsync) per row, as a client with no group commit would do.
// Usage: palermo_sqlite_reference FILE ROWS
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s FILE ROWS\n", argv[0]);
    return 2;
  }
  sqlite3* db = nullptr;
  sqlite3_open(argv[1], &db);
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                   "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, data TEXT NOT NULL)", nullptr, nullptr, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO t(data) VALUES (?)", -1, &st, nullptr);
  const int rows = std::atoi(argv[2]);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < rows; ++i) {
    const std::string body = "{\"summary\":\"Benchmark signal " + std::to_string(i) + "\",\"source\":\"ngo\"}";
    sqlite3_bind_text(st, 1, body.c_str(), static_cast<int>(body.size()), SQLITE_TRANSIENT);
    sqlite3_step(st);
    sqlite3_reset(st);
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%.0f\n", rows / s);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return 0;
}
