// `palermo store copy`: every table of one SQL store copied into an empty one of any backend,
// ids, history and the audit chain included, in one transaction of the target.
#include <fmt/format.h>

#include <stdexcept>

#include "store/sql/sql_store.hpp"

namespace palermo::sql {

namespace {

enum class Kind { Int, Text, Blob };

struct Column {
  const char* name;
  Kind kind;
};

struct Table {
  std::string name;
  const char* order;  // copied in this order (the audit chain by sequence)
  std::vector<Column> columns;
};

// A register's records (records_<type>, sql_records.cpp), one table per type in record_ids.
Table recordsTableOf(const std::string& type) {
  using K = Kind;
  return {"records_" + type, "id",
          // clang-format off
          {{"id", K::Int}, {"type", K::Text}, {"version", K::Int}, {"state", K::Text}, {"data", K::Text},
           {"identity", K::Blob}, {"created_at", K::Int}, {"created_by", K::Int}, {"updated_at", K::Int},
           {"updated_by", K::Int}, {"deleted_at", K::Int}, {"deleted_by", K::Int}, {"deleted_reason", K::Text},
           {"agency_id", K::Int}, {"region", K::Text}, {"identity_blocked", K::Text}}};
  // clang-format on
}

// Every table that holds state but the registers' record tables (recordsTableOf). Not copied:
// schema_migrations (the target has run its own), field_indexes (the engine creates its indexes
// again at start) and throttle (transient).
const std::vector<Table>& tables() {
  using K = Kind;
  static const std::vector<Table> kTables = {
      {"agencies", "id",
       {{"id", K::Int}, {"name", K::Text}, {"type", K::Text}, {"region", K::Text}, {"active", K::Int},
        {"created_at", K::Int}}},
      {"users", "id",
       {{"id", K::Int}, {"login", K::Text}, {"display_name", K::Text}, {"password_hash", K::Text},
        {"roles", K::Text}, {"must_change_password", K::Int}, {"active", K::Int}, {"failed_logins", K::Int},
        {"locked_until", K::Int}, {"created_at", K::Int}, {"password_changed_at", K::Int}, {"agency_id", K::Int},
        {"totp_secret", K::Blob}, {"totp_enabled", K::Int}, {"totp_last_step", K::Int}, {"pending_roles", K::Text},
        {"pending_by", K::Int}, {"pending_at", K::Int}, {"email", K::Text}}},
      {"sessions", "token_hash",
       {{"token_hash", K::Text}, {"user_id", K::Int}, {"csrf_token", K::Text}, {"created_at", K::Int},
        {"last_seen_at", K::Int}, {"expires_at", K::Int}, {"user_agent", K::Text}}},
      {"api_tokens", "id",
       {{"id", K::Int}, {"user_id", K::Int}, {"name", K::Text}, {"token_hash", K::Text}, {"roles", K::Text},
        {"read_only", K::Int}, {"created_at", K::Int}, {"expires_at", K::Int}, {"last_used_at", K::Int},
        {"revoked_at", K::Int}}},
      {"devices", "id",
       {{"id", K::Text}, {"user_id", K::Int}, {"name", K::Text}, {"wrapping_key", K::Blob}, {"created_at", K::Int},
        {"last_unlock_at", K::Int}, {"last_sync_at", K::Int}, {"pending", K::Int}, {"revoked_at", K::Int},
        {"revoked_by", K::Int}, {"revoke_reason", K::Text}}},
      {"record_ids", "id", {{"id", K::Int}, {"type", K::Text}}},
      {"record_history", "record_id, version",
       {{"record_id", K::Int}, {"version", K::Int}, {"at", K::Int}, {"by", K::Int}, {"action", K::Text},
        {"changes", K::Text}}},
      {"record_links", "from_id, field, to_id", {{"from_id", K::Int}, {"field", K::Text}, {"to_id", K::Int}}},
      {"record_terms", "record_id, term", {{"term", K::Text}, {"record_id", K::Int}}},
      {"record_grants", "id",
       {{"id", K::Int}, {"record_id", K::Int}, {"agency_id", K::Int}, {"user_id", K::Int}, {"kind", K::Text},
        {"reason", K::Text}, {"granted_by", K::Int}, {"granted_at", K::Int}, {"expires_at", K::Int},
        {"revoked_at", K::Int}, {"revoked_by", K::Int}}},
      {"attachments", "id",
       {{"id", K::Text}, {"record_type", K::Text}, {"field", K::Text}, {"record_id", K::Int}, {"media_type", K::Text},
        {"size", K::Int}, {"name", K::Blob}, {"content", K::Blob}, {"created_at", K::Int}, {"created_by", K::Int}}},
      {"audit_log", "seq",
       {{"seq", K::Int}, {"at", K::Int}, {"actor", K::Int}, {"action", K::Text}, {"record_type", K::Text},
        {"record_id", K::Int}, {"details", K::Text}, {"prev_hash", K::Text}, {"hash", K::Text}}},
      {"audit_head", "id", {{"id", K::Int}, {"seq", K::Int}, {"hash", K::Text}, {"mac", K::Text}}},
      {"schema_state", "type", {{"type", K::Text}, {"definition", K::Text}}},
      {"key_state", "id", {{"id", K::Int}, {"initial_version", K::Int}, {"active_version", K::Int}}},
      {"person_links", "record_id",
       {{"record_id", K::Int}, {"person_id", K::Int}, {"probability_milli", K::Int}, {"method", K::Text},
        {"linked_at", K::Int}}},
      {"import_keys", "source, row_key",
       {{"source", K::Text}, {"row_key", K::Text}, {"record_id", K::Int}, {"imported_at", K::Int}}},
      {"idempotency_keys", "user_id, key",
       {{"user_id", K::Int}, {"key", K::Text}, {"type", K::Text}, {"record_id", K::Int}, {"request_digest", K::Text},
        {"created_at", K::Int}}},
      {"notifications", "id",
       {{"id", K::Int}, {"user_id", K::Int}, {"kind", K::Text}, {"record_type", K::Text}, {"record_id", K::Int},
        {"actor", K::Int}, {"created_at", K::Int}, {"read_at", K::Int}}},
      {"email_outbox", "id",
       {{"id", K::Int}, {"to_address", K::Text}, {"subject", K::Text}, {"body", K::Text}, {"created_at", K::Int},
        {"sent_at", K::Int}, {"attempts", K::Int}, {"next_attempt_at", K::Int}, {"last_error", K::Text}}},
  };
  return kTables;
}

}  // namespace

void SqlStore::copyTo(Store& target, const std::function<void(const std::string&, int64_t)>& progress) {
  auto* to = dynamic_cast<SqlStore*>(&target);
  if (!to) throw std::invalid_argument("store copy: the target is not an SQL store");
  if (to == this) throw std::invalid_argument("store copy: the source and the target are the same store");
  if (to->migrationsPending() || migrationsPending())
    throw std::runtime_error("store copy: both databases must be migrated first (palermo migrate)");
  copyRowsInto(*to, progress);
}

void SqlStore::copyRowsInto(SqlStore& to, const std::function<void(const std::string&, int64_t)>& progress) {
  auto source = acquireReader();
  to.write([&](Db& out) {
    for (const auto& table : tables()) {
      auto existing = out.prepare(fmt::format("SELECT count(*) FROM {}", table.name));
      existing.step();
      if (existing.int64(0) != 0)
        throw std::runtime_error(fmt::format("store copy: the target is not empty (table {} has rows)", table.name));
    }
    // One read transaction on the source: the copy is a consistent snapshot even if someone writes.
    source->exec("BEGIN");
    try {
      std::vector<Table> all = tables();
      {
        auto types = source->prepare("SELECT DISTINCT type FROM record_ids ORDER BY type");
        while (types.step()) {
          const std::string type = types.text(0);
          to.createRecordTableIn(out, type);  // checks that it is an identifier
          all.push_back(recordsTableOf(type));
        }
      }
      for (const auto& table : all) {
        std::string cols, marks;
        for (const auto& c : table.columns) {
          cols += (cols.empty() ? "" : ", ") + std::string(c.name);
          marks += marks.empty() ? "?" : ", ?";
        }
        auto in = source->prepare(fmt::format("SELECT {} FROM {} ORDER BY {}", cols, table.name, table.order));
        auto insert = fmt::format("INSERT INTO {}({}) VALUES ({})", table.name, cols, marks);
        int64_t rows = 0;
        while (in.step()) {
          auto o = out.prepare(insert);
          for (std::size_t i = 0; i < table.columns.size(); ++i) {
            const int col = static_cast<int>(i);
            const int param = col + 1;
            if (in.isNull(col)) {
              o.bindNull(param);
              continue;
            }
            switch (table.columns[i].kind) {
              case Kind::Int: o.bind(param, in.int64(col)); break;
              case Kind::Text: o.bind(param, in.text(col)); break;
              case Kind::Blob: o.bindBlob(param, in.blob(col)); break;
            }
          }
          o.run();
          if (++rows % 10000 == 0 && progress) progress(table.name, rows);
        }
        auto count = out.prepare(fmt::format("SELECT count(*) FROM {}", table.name));
        count.step();
        if (count.int64(0) != rows)
          throw std::runtime_error(fmt::format("store copy: table {} has {} rows after copying {}", table.name,
                                               count.int64(0), rows));
        if (progress) progress(table.name, rows);
      }
      source->exec("COMMIT");
    } catch (...) {
      try {
        source->exec("ROLLBACK");
      } catch (...) {  // NOLINT(bugprone-empty-catch): the copy's own error is the one to report
      }
      throw;
    }
    to.afterCopy(out);
  });
}

}  // namespace palermo::sql
