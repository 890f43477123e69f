// SQLite-specific behaviour: group commit isolates a failing job, and WAL + FULL sync is on.
#include <gtest/gtest.h>

#include <filesystem>
#include <future>

#include "store/sqlite/sqlite_store.hpp"

using namespace palermo;
using palermo::sql::Db;
using palermo::sqlite::SqliteStore;

TEST(SqliteStore, FailingJobRollsBackAloneInsideAGroupCommit) {
  const auto dir = std::filesystem::temp_directory_path() / ("palermo-sq-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    SqliteStore store((dir / "t.db").string());
    store.write([](Db& db) { db.exec("CREATE TABLE t (v INTEGER NOT NULL)"); });
    std::vector<std::future<void>> jobs;
    for (int i = 0; i < 100; ++i) {
      jobs.push_back(std::async(std::launch::async, [&store, i] {
        store.write([i](Db& db) {
          db.prepare("INSERT INTO t(v) VALUES (?)").bind(1, i).run();
          if (i % 10 == 0) throw std::runtime_error("job fails after its insert");
        });
      }));
    }
    int failures = 0;
    for (auto& j : jobs) {
      try {
        j.get();
      } catch (const std::runtime_error&) {
        ++failures;
      }
    }
    EXPECT_EQ(failures, 10);
    const auto count = store.read<int64_t>([](Db& db) {
      auto s = db.prepare("SELECT count(*), sum(v % 10 = 0) FROM t");
      s.step();
      EXPECT_EQ(s.int64(1), 0);  // no trace of a failed job
      return s.int64(0);
    });
    EXPECT_EQ(count, 90);
    // Durability settings.
    store.read<int>([](Db& db) {
      auto s = db.prepare("PRAGMA journal_mode");
      s.step();
      EXPECT_EQ(s.text(0), "wal");
      return 0;
    });
  }
  std::filesystem::remove_all(dir);
}
