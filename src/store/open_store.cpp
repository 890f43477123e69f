// openStore(): the backend named by the database URL.
#include <regex>
#include <stdexcept>

#include "store/postgres/pg_store.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "core/config.hpp"
#include "store/store.hpp"

namespace palermo {

std::unique_ptr<Store> openStore(const std::string& url, const StoreOptions& options) {
  constexpr std::string_view kSqlite = "sqlite:";
  if (url.rfind(kSqlite, 0) == 0) return std::make_unique<sqlite::SqliteStore>(url.substr(kSqlite.size()));
  if (url.rfind("postgres://", 0) == 0 || url.rfind("postgresql://", 0) == 0)
    return std::make_unique<postgres::PgStore>(url, options.pool_size);
  constexpr std::string_view kPostgres = "postgres:";
  if (url.rfind(kPostgres, 0) == 0)
    return std::make_unique<postgres::PgStore>(url.substr(kPostgres.size()), options.pool_size);
  throw std::invalid_argument("database.url: unsupported database '" + redactDatabaseUrl(url) +
                              "' (expected sqlite:PATH, postgres://… or postgres:key=value …)");
}

}  // namespace palermo
