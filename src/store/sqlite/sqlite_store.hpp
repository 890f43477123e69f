// The SQLite backend of the store: WAL, synchronous=FULL, one writer connection with group
// commit, a pool of read-only connections. See docs/store.md.
#pragma once

#include "store/sql/sql_store.hpp"
#include "store/sqlite/db.hpp"

namespace palermo::sqlite {

class SqliteStore final : public sql::SqlStore {
 public:
  explicit SqliteStore(std::string path);
  ~SqliteStore() override;

 protected:
  std::unique_ptr<sql::Db> connect(bool writer) override;
  void beforeClose(sql::Db& writer) override;

 private:
  std::string path_;
};

}  // namespace palermo::sqlite
