// The PostgreSQL backend of the store, for deployments with several palermo instances. Same
// logic as SQLite (src/store/sql), with write transactions serialised across every instance by
// a transaction-level advisory lock. See docs/store.md and docs/deployment.md.
#pragma once

#include "store/postgres/pg_db.hpp"
#include "store/sql/sql_store.hpp"

namespace palermo::postgres {

class PgStore final : public sql::SqlStore {
 public:
  // `conninfo`: a libpq URI or key=value string; `pool_size`: most read connections at once.
  PgStore(std::string conninfo, int pool_size);
  ~PgStore() override;

  // The advisory lock key that serialises writers (the same in every instance).
  static constexpr int64_t kWriterLock = 0x50414c45524d4f;  // "PALERMO"

 protected:
  std::unique_ptr<sql::Db> connect(bool writer) override;
  void afterCopy(sql::Db& writer) override;

 private:
  std::string conninfo_;
};

}  // namespace palermo::postgres
