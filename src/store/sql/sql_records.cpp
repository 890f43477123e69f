// Records, history, links, search terms and the audit chain, in SQL common to the backends.
// Record data is a JSON document; fields are reached with the dialect's expression
// (json_extract(data, '$.field') in SQLite, (data->'field') on PostgreSQL's jsonb). Filterable
// fields get an expression index (ensureFieldIndex). Type and field names are validated
// identifiers ([a-z][a-z0-9_]*) and are the only things ever spliced into SQL; every value is
// bound.
//
// One table per register: the records of type T are in records_T, with T's indexes only, and
// record_ids gives every record its id (one sequence for all registers) and says which table it
// is in. With all registers in one table, each insert paid for every register's indexes (348
// partial indexes by 2026-12: 581 µs per SQLite insert against 35 µs; docs/store.md).
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <stdexcept>
#include <tuple>
#include <vector>

#include "store/sql/sql_store.hpp"

namespace palermo::sql {

namespace {

bool isIdentifier(const std::string& s) {
  if (s.empty() || s.size() > 64 || !(s[0] >= 'a' && s[0] <= 'z')) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

std::string checked(const std::string& name) {
  if (!isIdentifier(name)) throw std::invalid_argument("not an identifier: " + name.substr(0, 64));
  return name;
}

// The record's own columns; every other field is in its data document.
bool isColumn(const std::string& field) {
  return field == "id" || field == "state" || field == "created_at" || field == "updated_at" || field == "version";
}

// A bound value: compared with a plain column, or with a field of the data document.
struct Param {
  Param(Json v, bool data_field = false) : value(std::move(v)), json(data_field) {}  // NOLINT: implicit on purpose
  Json value;
  bool json;
};

void bindParams(Stmt& s, const std::vector<Param>& params, int first = 1) {
  int i = first;
  for (const auto& p : params) {
    if (p.json)
      s.bindJson(i++, p.value);
    else
      s.bindScalar(i++, p.value);
  }
}

// The most records in one day of [from, to) (`to` empty: open), given the others' [start, end)
// spans (`end` empty: open), all ISO dates: a span's end day is free again. Returns the count and
// the first day it is reached.
std::pair<int64_t, std::string> busiestDay(const std::vector<std::pair<std::string, std::string>>& spans,
                                           const std::string& from, const std::string& to) {
  // (day, +1 start / -1 end); ends sort before starts on the same day.
  std::vector<std::pair<std::string, int>> events;
  events.reserve(spans.size() * 2);
  for (const auto& [start, end] : spans) {
    if (!end.empty() && end <= start) continue;  // no whole day
    if (!end.empty() && end <= from) continue;   // gone before
    if (!to.empty() && start >= to) continue;    // comes after
    events.emplace_back(std::max(start, from), +1);
    if (!end.empty() && (to.empty() || end < to)) events.emplace_back(end, -1);
  }
  std::sort(events.begin(), events.end());
  int64_t now = 0, most = 0;
  std::string day;
  for (const auto& [d, step] : events) {
    now += step;
    if (now > most) {
      most = now;
      day = d;
    }
  }
  return {most, day.empty() ? from : day};
}

constexpr const char* kRecordColumns =
    "id, type, version, state, data, identity, created_at, created_by, updated_at, updated_by, deleted_at, "
    "deleted_by, deleted_reason, agency_id, region, identity_blocked";

StoredRecord readRecord(const Stmt& s) {
  StoredRecord r;
  r.id = s.int64(0);
  r.type = s.text(1);
  r.version = s.int64(2);
  r.state = s.text(3);
  r.data = Json::parse(s.text(4));
  r.identity = s.isNull(5) ? std::string() : s.blob(5);
  r.created_at = s.int64(6);
  r.created_by = s.int64(7);
  r.updated_at = s.int64(8);
  r.updated_by = s.int64(9);
  r.deleted_at = s.int64(10);
  r.deleted_by = s.int64(11);
  r.deleted_reason = s.text(12);
  r.agency_id = s.int64(13);
  r.region = s.text(14);
  for (std::size_t i = 0, n = 0;; i = n + 1) {
    const std::string blocked = s.text(15);
    if (blocked.empty()) break;
    n = blocked.find(',', i);
    r.identity_blocked.push_back(blocked.substr(i, n == std::string::npos ? std::string::npos : n - i));
    if (n == std::string::npos) break;
  }
  return r;
}

std::optional<StoredRecord> selectRecord(Db& db, const std::string& table, int64_t id) {
  auto s = db.prepare(std::string("SELECT ") + kRecordColumns + " FROM " + table + " WHERE id = ?");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return readRecord(s);
}

// The register a record id belongs to (empty: no such record).
std::string typeOf(Db& db, int64_t id) {
  auto s = db.prepare("SELECT type FROM record_ids WHERE id = ?");
  s.bind(1, id);
  return s.step() ? s.text(0) : std::string();
}

std::string tableOf(const std::string& type) {
  return "records_" + type;
}

Json changesJson(const std::vector<FieldChange>& changes) {
  Json out = Json::array();
  for (const auto& c : changes) out.push_back({{"field", c.field}, {"from", c.from}, {"to", c.to}});
  return out;
}

}  // namespace

// SQL for a sortable/filterable column of a record.
std::string SqlStore::columnSql(const std::string& field) const {
  if (isColumn(field)) return field;
  return dialect_.data_field(checked(field));
}

void SqlStore::createRecordTableIn(Db& db, const std::string& type) {
  const std::string table = tableOf(checked(type));
  db.exec(fmt::format(fmt::runtime(dialect_.create_record_table), table));
  // Who reaches a record (agency, region and own scopes: appendVisibility).
  db.exec(fmt::format("CREATE INDEX IF NOT EXISTS {0}_agency ON {0}(agency_id, id)", table));
  db.exec(fmt::format("CREATE INDEX IF NOT EXISTS {0}_region ON {0}(region, id)", table));
  db.exec(fmt::format("CREATE INDEX IF NOT EXISTS {0}_creator ON {0}(created_by, id)", table));
}

std::string SqlStore::recordTable(const std::string& type) {
  std::string table = tableOf(checked(type));
  {
    std::lock_guard lock(indexes_mu_);
    if (known_record_tables_.count(type)) return table;
  }
  if (currentTransaction()) {
    // Inside inTransaction() (an import): created in it, known once it commits.
    if (record_tables_in_tx_.count(type)) return table;
    write([&](Db& db) { createRecordTableIn(db, type); });
    record_tables_in_tx_.insert(type);
    return table;
  }
  // Its own transaction: on PostgreSQL the writers' lock orders two instances creating it.
  write([&](Db& db) { createRecordTableIn(db, type); });
  std::lock_guard lock(indexes_mu_);
  known_record_tables_.insert(type);
  return table;
}

// Migration kRecordsPerRegisterMigration: the one records table's rows moved to their
// registers' tables, their ids to record_ids, in the migration's transaction. The field indexes
// went with the old table; the engine creates them again on the new ones when it starts.
void SqlStore::splitRecordsByType(Db& db) {
  std::vector<std::string> types;
  {
    auto s = db.prepare("SELECT DISTINCT type FROM records ORDER BY type");
    while (s.step()) types.push_back(s.text(0));
  }
  for (const auto& type : types) {
    createRecordTableIn(db, type);  // refuses a type that is not an identifier
    db.prepare(fmt::format("INSERT INTO {}({}) SELECT {} FROM records WHERE type = ?", tableOf(type), kRecordColumns,
                           kRecordColumns))
        .bind(1, type)
        .run();
  }
  db.exec("INSERT INTO record_ids(id, type) SELECT id, type FROM records ORDER BY id");
  if (!dialect_.continue_record_ids.empty()) db.exec(dialect_.continue_record_ids);
  db.exec("DROP TABLE records");
  db.exec("DELETE FROM field_indexes");
}

void SqlStore::setAuditHasher(AuditHasher hasher) {
  audit_hasher_ = std::move(hasher);
}

void SqlStore::appendAuditIn(Db& db, const AuditDraft& d, int64_t record_id, int64_t at) {
  if (!audit_hasher_) throw std::logic_error("audit hasher not set");
  AuditEntry e;
  if (pending_head_) {
    // An earlier entry of this transaction is the chain's head (writers are serialised).
    e.seq = pending_head_->seq + 1;
    e.prev_hash = pending_head_->hash;
  } else {
    auto last = db.prepare("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
    if (last.step()) {
      e.seq = last.int64(0) + 1;
      e.prev_hash = last.text(1);
    } else {
      e.seq = 1;
    }
  }
  e.at = at;
  e.actor = d.actor;
  e.action = d.action;
  e.record_type = d.record_type;
  e.record_id = record_id;
  e.details = d.details.dump();  // object keys are sorted: the text is canonical
  e.hash = audit_hasher_(e);
  db.prepare(
        "INSERT INTO audit_log(seq, at, actor, action, record_type, record_id, details, prev_hash, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bindAll(e.seq, e.at, e.actor, e.action, e.record_type, e.record_id, e.details, e.prev_hash, e.hash)
      .queue();
  // The head row is written once per transaction (flushAuditHead), not once per entry: a long
  // transaction (an import) would otherwise pile up versions of that one row, which PostgreSQL
  // walks through on every update.
  pending_head_ = AuditHeadPosition{e.seq, e.hash};
}

void SqlStore::flushAuditHead(Db& db) {
  if (!pending_head_) return;
  db.prepare(
        "INSERT INTO audit_head(id, seq, hash, mac) VALUES (1, ?, ?, ?) "
        "ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, mac = excluded.mac")
      .bindAll(pending_head_->seq, pending_head_->hash,
               audit_hasher_(auditHeadEntry(pending_head_->seq, pending_head_->hash)))
      .run();
  pending_head_.reset();
}

namespace {

// " AND (...)" limiting records to what `v` reaches; binds appended in order. A live grant on a
// record reaches it and the records linked to it by a reference, either way (a case shared
// with an NGO brings its referral, services and person along).
void appendVisibility(const Visibility& v, std::string& where, std::vector<Param>& binds) {
  using S = Visibility::Scope;
  if (v.scope == S::National) return;
  std::string own;
  switch (v.scope) {
    case S::Own:
    case S::Assigned:
      own = "created_by = ?";
      binds.emplace_back(v.user_id);
      break;
    case S::Agency:
      own = "(agency_id <> 0 AND agency_id = ?)";
      binds.emplace_back(v.agency_id);
      break;
    case S::Region:
      // The region's records, and always the own agency's (an agency without a region still
      // reaches what it wrote).
      own = "((region <> '' AND region = ?) OR (agency_id <> 0 AND agency_id = ?))";
      binds.emplace_back(v.region);
      binds.emplace_back(v.agency_id);
      break;
    case S::National:
      break;
  }
  if (v.scope == S::Own) {
    // Own scope still sees personal (break-glass) grants.
    where += " AND (" + own +
             " OR id IN (SELECT record_id FROM record_grants WHERE user_id = ? AND revoked_at = 0 AND "
             "(expires_at = 0 OR expires_at > ?)))";
    binds.emplace_back(v.user_id);
    binds.emplace_back(v.now);
    return;
  }
  const std::string live =
      "((agency_id <> 0 AND agency_id = ?) OR (user_id <> 0 AND user_id = ?)) AND revoked_at = 0 AND "
      "(expires_at = 0 OR expires_at > ?)";
  if (!v.reach_through_links) {
    where += " AND (" + own + " OR id IN (SELECT record_id FROM record_grants WHERE " + live + "))";
    binds.emplace_back(v.agency_id);
    binds.emplace_back(v.user_id);
    binds.emplace_back(v.now);
    return;
  }
  where += " AND (" + own + " OR id IN (SELECT record_id FROM record_grants WHERE " + live +
           ") OR id IN (SELECT l.from_id FROM record_links l JOIN record_grants g ON g.record_id = l.to_id WHERE " +
           "((g.agency_id <> 0 AND g.agency_id = ?) OR (g.user_id <> 0 AND g.user_id = ?)) AND g.revoked_at = 0 AND "
           "(g.expires_at = 0 OR g.expires_at > ?)) OR id IN (SELECT l.to_id FROM record_links l JOIN record_grants "
           "g ON g.record_id = l.from_id WHERE ((g.agency_id <> 0 AND g.agency_id = ?) OR (g.user_id <> 0 AND "
           "g.user_id = ?)) AND g.revoked_at = 0 AND (g.expires_at = 0 OR g.expires_at > ?)))";
  for (int i = 0; i < 3; ++i) {
    binds.emplace_back(v.agency_id);
    binds.emplace_back(v.user_id);
    binds.emplace_back(v.now);
  }
}

GrantRow readGrant(const Stmt& s) {
  GrantRow g;
  g.id = s.int64(0);
  g.record_id = s.int64(1);
  g.agency_id = s.int64(2);
  g.user_id = s.int64(3);
  g.kind = s.text(4);
  g.reason = s.text(5);
  g.granted_by = s.int64(6);
  g.granted_at = s.int64(7);
  g.expires_at = s.int64(8);
  g.revoked_at = s.int64(9);
  g.revoked_by = s.int64(10);
  return g;
}

}  // namespace

void SqlStore::setIdentityBlocked(int64_t record_id, const std::vector<std::string>& roles, const AuditDraft& audit) {
  std::string joined;
  for (const auto& r : roles) joined += (joined.empty() ? "" : ",") + r;
  write([&](Db& db) {
    const std::string type = typeOf(db, record_id);
    if (type.empty()) return;
    db.prepare("UPDATE " + tableOf(type) + " SET identity_blocked = ? WHERE id = ?").bindAll(joined, record_id).run();
    appendAuditIn(
        db, audit, record_id,
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count());
  });
}

bool SqlStore::recordVisible(int64_t record_id, const Visibility& v) {
  std::string where = "id = ?";
  std::vector<Param> binds{Json(record_id)};
  appendVisibility(v, where, binds);
  return read<bool>([&](Db& db) {
    const std::string type = typeOf(db, record_id);
    if (type.empty()) return false;
    auto s = db.prepare("SELECT 1 FROM " + tableOf(type) + " WHERE " + where);
    bindParams(s, binds);
    return s.step();
  });
}

int64_t SqlStore::addGrant(const GrantRow& g, const AuditDraft& audit) {
  return write<int64_t>([&](Db& db) {
    auto insert = db.prepare(
        "INSERT INTO record_grants(record_id, agency_id, user_id, kind, reason, granted_by, granted_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
    insert.bindAll(g.record_id, g.agency_id, g.user_id, g.kind, g.reason, g.granted_by, g.granted_at, g.expires_at);
    if (!insert.step()) throw std::logic_error("insert returned no id");
    const int64_t id = insert.int64(0);
    AuditDraft d = audit;
    d.details["grant"] = id;
    appendAuditIn(db, d, g.record_id, g.granted_at);
    return id;
  });
}

bool SqlStore::revokeGrant(int64_t grant_id, int64_t record_id, int64_t by, int64_t at, const AuditDraft& audit) {
  return write<bool>([&](Db& db) {
    auto s = db.prepare(
        "UPDATE record_grants SET revoked_at = ?, revoked_by = ? WHERE id = ? AND record_id = ? AND "
        "revoked_at = 0");
    s.bindAll(at, by, grant_id, record_id).run();
    if (db.changes() == 0) return false;
    appendAuditIn(db, audit, record_id, at);
    return true;
  });
}

std::vector<GrantRow> SqlStore::grantsOf(int64_t record_id) {
  return selectAll(
      "SELECT id, record_id, agency_id, user_id, kind, reason, granted_by, granted_at, expires_at, revoked_at, "
      "revoked_by FROM record_grants WHERE record_id = ? ORDER BY id",
      readGrant, record_id);
}

MutationResult SqlStore::applyMutation(const RecordMutation& m) {
  const std::string table = recordTable(m.type);
  for (const auto& g : m.guards) recordTable(g.type);
  return write<MutationResult>([&](Db& db) {
    MutationResult result;
    int64_t id = m.id;
    int64_t version = 1;
    using Kind = RecordMutation::Kind;
    // Constraints: counted in this transaction, before anything is written.
    auto guardsFail = [&]() {
      for (const auto& g : m.guards) {
        std::string sql = "SELECT count(*) FROM " + tableOf(g.type) + " WHERE deleted_at = 0 AND id <> ?";
        std::vector<Param> binds{Json(m.kind == Kind::Create ? int64_t{0} : m.id)};
        for (const auto& [field, value] : g.equals) {
          sql += " AND " + columnSql(field) + " = ?";
          binds.emplace_back(value, !isColumn(field));
        }
        auto inList = [&](const std::vector<std::string>& states, const char* op) {
          if (states.empty()) return;
          sql += std::string(" AND state ") + op + " (";
          for (std::size_t i = 0; i < states.size(); ++i) {
            sql += i ? ", ?" : "?";
            binds.emplace_back(states[i]);
          }
          sql += ")";
        };
        inList(g.states, "IN");
        inList(g.not_states, "NOT IN");
        int64_t n = 0;
        std::string day;
        if (g.during) {
          // The others whose days overlap the record's, then the busiest of those days.
          const auto& span = *g.during;
          const std::string from_col = columnSql(span.from_field), to_col = columnSql(span.to_field);
          sql.replace(0, sql.find(" FROM "), "SELECT data");
          sql += " AND " + from_col + " IS NOT NULL AND (" + to_col + " IS NULL OR " + to_col + " > ?)";
          binds.emplace_back(Json(span.from), true);
          if (!span.to.empty()) {
            sql += " AND " + from_col + " < ?";
            binds.emplace_back(Json(span.to), true);
          }
          auto s = db.prepare(sql);
          bindParams(s, binds);
          std::vector<std::pair<std::string, std::string>> spans;
          while (s.step()) {
            const Json data = Json::parse(s.text(0), nullptr, false);
            if (!data.is_object()) continue;
            auto text = [&](const std::string& f) {
              auto it = data.find(f);
              return it != data.end() && it->is_string() ? it->get<std::string>() : std::string();
            };
            std::string start = text(span.from_field);
            if (!start.empty()) spans.emplace_back(std::move(start), text(span.to_field));
          }
          std::tie(n, day) = busiestDay(spans, span.from, span.to);
        } else {
          auto s = db.prepare(sql);
          bindParams(s, binds);
          s.step();
          n = s.int64(0);
        }
        if (n > g.max) {
          result.status = MutationResult::Status::GuardFailed;
          result.failed_guard = g.name;
          result.guard_count = n;
          result.guard_day = day;
          return true;
        }
      }
      return false;
    };
    if (m.kind == Kind::Create) {
      if (!m.idempotency_key.empty()) {
        // Inside the write: of two copies of one create sent at once, the second finds the first.
        auto seen = db.prepare("SELECT record_id, request_digest FROM idempotency_keys WHERE user_id = ? AND key = ?");
        seen.bindAll(m.actor, m.idempotency_key);
        if (seen.step()) {
          const int64_t earlier = seen.int64(0);
          if (seen.text(1) != m.request_digest) {
            result.status = MutationResult::Status::KeyReused;
            return result;
          }
          auto stored = selectRecord(db, table, earlier);
          result.status = stored ? MutationResult::Status::Replayed : MutationResult::Status::NotFound;
          if (stored) result.record = std::move(*stored);
          return result;
        }
      }
      if (guardsFail()) return result;
      id = nextRecordId(db, m.type);
      // The identity is sealed with the id it belongs to, known now.
      auto insert = db.prepare(
          "INSERT INTO " + table +
          "(id, type, version, state, data, identity, created_at, created_by, updated_at, updated_by, agency_id, "
          "region) VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      insert.bindAll(id, m.type, m.state, m.data.dump(), Null{}, m.at, m.actor, m.at, m.actor, m.agency_id, m.region);
      // The new row is known whole: the answer is built from it rather than read back.
      StoredRecord& created = result.record;
      if (m.seal_identity) {
        created.identity = m.seal_identity(id);
        insert.bindBlob(5, created.identity);
      }
      insert.queue();
      created.id = id;
      created.type = m.type;
      created.version = 1;
      created.state = m.state;
      created.data = m.data;
      created.created_at = created.updated_at = m.at;
      created.created_by = created.updated_by = m.actor;
      created.agency_id = m.agency_id;
      created.region = m.region;
      if (!m.idempotency_key.empty()) {
        db.prepare("DELETE FROM idempotency_keys WHERE user_id = ? AND created_at < ?")
            .bindAll(m.actor, m.idempotency_expired_before)
            .queue();
        db.prepare(
              "INSERT INTO idempotency_keys(user_id, key, type, record_id, request_digest, created_at) VALUES (?, ?, ?, "
              "?, ?, ?)")
            .bindAll(m.actor, m.idempotency_key, m.type, id, m.request_digest, m.at)
            .queue();
      }
    } else {
      auto current = selectRecord(db, table, id);
      if (!current || current->type != m.type) {
        result.status = MutationResult::Status::NotFound;
        return result;
      }
      if (current->version != m.expected_version) {
        result.status = MutationResult::Status::VersionConflict;
        result.record = std::move(*current);
        return result;
      }
      const bool deleted = current->deleted_at != 0;
      if ((m.kind == Kind::Restore) != deleted && !(m.kind == Kind::Update && m.include_deleted)) {
        result.status = MutationResult::Status::Gone;
        result.record = std::move(*current);
        return result;
      }
      version = current->version + 1;
      if (m.kind != Kind::Delete && guardsFail()) {
        result.record = std::move(*current);
        return result;
      }
      if (m.kind == Kind::Update) {
        auto s = db.prepare("UPDATE " + table +
                            " SET version = ?, state = ?, data = ?, updated_at = ?, updated_by = ?, "
                            "identity = CASE WHEN ? THEN ? ELSE identity END WHERE id = ?");
        s.bindAll(version, m.state, m.data.dump(), m.at, m.actor);
        s.bind(6, m.identity_changed ? 1 : 0);
        if (m.identity.empty())
          s.bindNull(7);
        else
          s.bindBlob(7, m.identity);
        s.bind(8, id).queue();
      } else if (m.kind == Kind::Delete) {
        db.prepare("UPDATE " + table +
                   " SET version = ?, deleted_at = ?, deleted_by = ?, deleted_reason = ?, updated_at = ?, "
                   "updated_by = ? WHERE id = ?")
            .bindAll(version, m.at, m.actor, m.reason, m.at, m.actor, id)
            .queue();
      } else {
        db.prepare("UPDATE " + table +
                   " SET version = ?, deleted_at = 0, deleted_by = 0, deleted_reason = '', updated_at = ?, "
                   "updated_by = ? WHERE id = ?")
            .bindAll(version, m.at, m.actor, id)
            .queue();
      }
    }
    db.prepare("INSERT INTO record_history(record_id, version, at, by, action, changes) VALUES (?, ?, ?, ?, ?, ?)")
        .bindAll(id, version, m.at, m.actor, m.action, changesJson(m.changes).dump())
        .queue();
    if (m.kind == Kind::Create || m.kind == Kind::Update) {
      if (m.kind == Kind::Update) {
        db.prepare("DELETE FROM record_links WHERE from_id = ?").bind(1, id).queue();
        db.prepare("DELETE FROM record_terms WHERE record_id = ?").bind(1, id).queue();
      }
      for (const auto& [field, target] : m.links)
        db.prepare("INSERT INTO record_links(from_id, field, to_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
            .bindAll(id, field, target)
            .queue();
      for (const auto& term : m.terms)
        db.prepare("INSERT INTO record_terms(term, record_id) VALUES (?, ?) ON CONFLICT DO NOTHING")
            .bindAll(term, id)
            .queue();
      // The engine checked these are unbound or already this record's; the WHERE keeps it so.
      for (const auto& att : m.attachments)
        db.prepare(
              "UPDATE attachments SET record_id = ? WHERE id = ? AND record_type = ? AND (record_id = 0 OR "
              "record_id = ?)")
            .bindAll(id, att, m.type, id)
            .queue();
    }
    for (const auto& n : m.notifications)
      db.prepare(
            "INSERT INTO notifications(user_id, kind, record_type, record_id, actor, created_at) VALUES (?, ?, ?, ?, "
            "?, "
            "?)")
          .bindAll(n.user_id, n.kind, m.type, id, m.actor, m.at)
          .queue();
    for (const auto& n : m.notifications) {
      if (n.email.to.empty()) continue;
      // The engine wrote "{record_id}" where a new record's number goes.
      EmailDraft e = n.email;
      for (auto* text : {&e.subject, &e.body})
        for (auto at = text->find("{record_id}"); at != std::string::npos; at = text->find("{record_id}", at))
          text->replace(at, 11, std::to_string(id));
      queueEmailIn(db, e, m.at);
    }
    appendAuditIn(db, m.audit, id, m.at);
    if (m.kind != Kind::Create) result.record = *selectRecord(db, table, id);
    return result;
  }, m.kind == RecordMutation::Kind::Create ? 1 : 0);
}

std::optional<IdempotencyKeyRow> SqlStore::findIdempotencyKey(int64_t user_id, const std::string& key) {
  return selectOne(
      "SELECT type, record_id, request_digest, created_at FROM idempotency_keys WHERE user_id = ? AND key = ?",
      [](const Stmt& s) { return IdempotencyKeyRow{s.text(0), s.int64(1), s.text(2), s.int64(3)}; }, user_id, key);
}

std::optional<StoredRecord> SqlStore::getRecord(const std::string& type, int64_t id) {
  const std::string table = recordTable(type);
  return read<std::optional<StoredRecord>>([&](Db& db) { return selectRecord(db, table, id); });
}

RecordPage SqlStore::listRecords(const RecordQuery& q) {
  const std::string table = recordTable(q.type);
  std::string where = q.include_deleted ? "true" : "deleted_at = 0";
  std::vector<Param> binds;
  appendVisibility(q.visibility, where, binds);
  for (const auto& f : q.filters) {
    const std::string col = columnSql(f.field);
    using Op = RecordFilter::Op;
    switch (f.op) {
      case Op::IsNull:
        where += " AND " + col + " IS NULL";
        break;
      case Op::NotNull:
        where += " AND " + col + " IS NOT NULL";
        break;
      case Op::In: {
        if (!f.value.is_array() || f.value.empty()) {
          where += " AND false";
          break;
        }
        std::string list;
        for (const auto& v : f.value) {
          list += list.empty() ? "?" : ", ?";
          binds.emplace_back(v, !isColumn(f.field));
        }
        where += " AND " + col + " IN (" + list + ")";
        break;
      }
      default: {
        static const char* kOps[] = {"=", "<>", "<", "<=", ">", ">="};
        where += fmt::format(" AND {} {} ?", col, kOps[static_cast<int>(f.op)]);
        binds.emplace_back(f.value, !isColumn(f.field));
      }
    }
  }
  for (const auto& term : q.terms) {
    where += " AND id IN (SELECT record_id FROM record_terms WHERE term = ?)";
    binds.emplace_back(term);
  }
  const std::string sort = columnSql(q.sort_field);
  const bool by_id = q.sort_field == "id";
  std::string page_where = where;
  std::vector<Param> page_binds = binds;
  if (q.after_id > 0) {
    if (by_id) {
      page_where += q.descending ? " AND id < ?" : " AND id > ?";
      page_binds.emplace_back(q.after_id);
    } else if (q.after_value.is_null()) {
      // NULLs sort first ascending, last descending.
      page_where += q.descending ? fmt::format(" AND ({} IS NULL AND id < ?)", sort)
                                 : fmt::format(" AND ({} IS NOT NULL OR id > ?)", sort);
      page_binds.emplace_back(q.after_id);
    } else {
      page_where += q.descending ? fmt::format(" AND ({0} < ? OR ({0} = ? AND id < ?) OR {0} IS NULL)", sort)
                                 : fmt::format(" AND ({0} > ? OR ({0} = ? AND id > ?))", sort);
      page_binds.emplace_back(q.after_value, !isColumn(q.sort_field));
      page_binds.emplace_back(q.after_value, !isColumn(q.sort_field));
      page_binds.emplace_back(q.after_id);
    }
  }
  const char* dir = q.descending ? "DESC" : "ASC";
  const std::string& nulls = q.descending ? dialect_.desc_nulls : dialect_.asc_nulls;
  const std::string sql =
      by_id ? fmt::format("SELECT {} FROM {} WHERE {} ORDER BY id {} LIMIT ?", kRecordColumns, table, page_where, dir)
            : fmt::format("SELECT {} FROM {} WHERE {} ORDER BY {} {}{}, id {} LIMIT ?", kRecordColumns, table,
                          page_where, sort, dir, nulls, dir);
  return read<RecordPage>([&](Db& db) {
    RecordPage page;
    auto s = db.prepare(sql);
    bindParams(s, page_binds);
    s.bind(static_cast<int>(page_binds.size()) + 1, static_cast<int64_t>(q.limit) + 1);
    while (s.step()) page.items.push_back(readRecord(s));
    if (page.items.size() > static_cast<std::size_t>(q.limit)) {
      page.items.pop_back();
      page.has_more = true;
    }
    if (q.count_total) {
      auto c = db.prepare("SELECT count(*) FROM " + table + " WHERE " + where);
      bindParams(c, binds);
      c.step();
      page.total = c.int64(0);
    }
    return page;
  });
}

std::vector<HistoryEntry> SqlStore::recordHistory(const std::string& type, int64_t id) {
  const std::string table = recordTable(type);
  return read<std::vector<HistoryEntry>>([&](Db& db) {
    std::vector<HistoryEntry> out;
    auto s = db.prepare("SELECT h.version, h.at, h.by, h.action, h.changes FROM record_history h JOIN " + table +
                        " r ON r.id = h.record_id WHERE h.record_id = ? ORDER BY h.version");
    s.bind(1, id);
    while (s.step()) {
      HistoryEntry e;
      e.version = s.int64(0);
      e.at = s.int64(1);
      e.by = s.int64(2);
      e.action = s.text(3);
      for (const auto& c : Json::parse(s.text(4))) e.changes.push_back({c["field"], c["from"], c["to"]});
      out.push_back(std::move(e));
    }
    return out;
  });
}

std::vector<RelatedRecord> SqlStore::relations(const std::string& type, int64_t id) {
  const std::string table = recordTable(type);
  return read<std::vector<RelatedRecord>>([&](Db& db) {
    std::vector<RelatedRecord> out;
    auto check = db.prepare("SELECT 1 FROM " + table + " WHERE id = ?");
    check.bind(1, id);
    if (!check.step()) return out;
    auto o = db.prepare(
        "SELECT l.field, t.type, l.to_id FROM record_links l JOIN record_ids t ON t.id = l.to_id "
        "WHERE l.from_id = ? ORDER BY l.field, l.to_id");
    o.bind(1, id);
    while (o.step()) out.push_back({"outgoing", o.text(0), o.text(1), o.int64(2)});
    auto in = db.prepare(
        "SELECT l.field, t.type, l.from_id FROM record_links l JOIN record_ids t ON t.id = l.from_id "
        "WHERE l.to_id = ? ORDER BY t.type, l.field, l.from_id");
    in.bind(1, id);
    while (in.step()) out.push_back({"incoming", in.text(0), in.text(1), in.int64(2)});
    // Deleted records are not related to anything: asked of each register's table, once per register.
    std::map<std::string, std::set<int64_t>> by_type;
    for (const auto& r : out) by_type[r.type].insert(r.id);
    std::set<int64_t> deleted;
    for (const auto& [t, ids] : by_type) {
      std::string marks;
      for (std::size_t i = 0; i < ids.size(); ++i) marks += i ? ", ?" : "?";
      auto d = db.prepare("SELECT id FROM " + tableOf(t) + " WHERE deleted_at <> 0 AND id IN (" + marks + ")");
      int param = 1;
      for (int64_t rid : ids) d.bind(param++, rid);
      while (d.step()) deleted.insert(d.int64(0));
    }
    std::erase_if(out, [&](const RelatedRecord& r) { return deleted.count(r.id) > 0; });
    return out;
  });
}

void SqlStore::ensureFieldIndex(const std::string& type, const std::string& field) {
  const std::string name = fmt::format("rf_{}__{}", checked(type), checked(field));
  {
    std::lock_guard lock(indexes_mu_);
    if (known_indexes_.count(name)) return;
  }
  const std::string table = recordTable(type);
  write([&](Db& db) {
    db.exec(fmt::format("CREATE INDEX IF NOT EXISTS {} ON {}({}{}, id)", name, table, columnSql(field),
                        dialect_.index_nulls));
    db.prepare("INSERT INTO field_indexes(name) VALUES (?) ON CONFLICT DO NOTHING").bind(1, name).run();
  });
  std::lock_guard lock(indexes_mu_);
  known_indexes_.insert(name);
}

void SqlStore::ensureCompositeIndex(const std::string& type, const std::vector<std::string>& fields) {
  std::string name = "rc_" + checked(type);
  std::string columns;
  for (const auto& f : fields) {
    name += "__" + checked(f);
    columns += columnSql(f) + dialect_.index_nulls + ", ";
  }
  {
    std::lock_guard lock(indexes_mu_);
    if (known_indexes_.count(name)) return;
  }
  const std::string table = recordTable(type);
  write([&](Db& db) {
    db.exec(fmt::format("CREATE INDEX IF NOT EXISTS {} ON {}({}id)", name, table, columns));
    db.prepare("INSERT INTO field_indexes(name) VALUES (?) ON CONFLICT DO NOTHING").bind(1, name).run();
  });
  std::lock_guard lock(indexes_mu_);
  known_indexes_.insert(name);
}

void SqlStore::appendAudit(const AuditDraft& draft, int64_t at) {
  write([&](Db& db) { appendAuditIn(db, draft, draft.record_id, at); });
}

std::vector<AuditEntry> SqlStore::auditEntries(int64_t from_seq, int limit) {
  return read<std::vector<AuditEntry>>([&](Db& db) {
    std::vector<AuditEntry> out;
    auto s = db.prepare(
        "SELECT seq, at, actor, action, record_type, record_id, details, prev_hash, hash FROM audit_log "
        "WHERE seq >= ? ORDER BY seq LIMIT ?");
    s.bindAll(from_seq, static_cast<int64_t>(limit));
    while (s.step())
      out.push_back(
          {s.int64(0), s.int64(1), s.int64(2), s.text(3), s.text(4), s.int64(5), s.text(6), s.text(7), s.text(8)});
    return out;
  });
}

std::vector<AuditEntry> SqlStore::searchAudit(const AuditQuery& q) {
  std::string where = "true";
  std::vector<Param> binds;
  if (!q.action.empty()) {
    if (q.action.back() == '.') {
      where += " AND substr(action, 1, ?) = ?";
      binds.emplace_back(static_cast<int64_t>(q.action.size()));
    } else {
      where += " AND action = ?";
    }
    binds.emplace_back(q.action);
  }
  if (q.actor >= 0) {
    where += " AND actor = ?";
    binds.emplace_back(q.actor);
  }
  if (!q.record_type.empty()) {
    where += " AND record_type = ?";
    binds.emplace_back(q.record_type);
  }
  if (q.record_id > 0) {
    where += " AND record_id = ?";
    binds.emplace_back(q.record_id);
  }
  if (q.since_ms > 0) {
    where += " AND at >= ?";
    binds.emplace_back(q.since_ms);
  }
  if (q.until_ms > 0) {
    where += " AND at < ?";
    binds.emplace_back(q.until_ms);
  }
  if (q.before_seq > 0) {
    where += " AND seq < ?";
    binds.emplace_back(q.before_seq);
  }
  return read<std::vector<AuditEntry>>([&](Db& db) {
    std::vector<AuditEntry> out;
    auto s = db.prepare(
        "SELECT seq, at, actor, action, record_type, record_id, details, prev_hash, hash FROM audit_log "
        "WHERE " +
        where + " ORDER BY seq DESC LIMIT ?");
    bindParams(s, binds);
    s.bind(static_cast<int>(binds.size()) + 1, static_cast<int64_t>(q.limit));
    while (s.step())
      out.push_back(
          {s.int64(0), s.int64(1), s.int64(2), s.text(3), s.text(4), s.int64(5), s.text(6), s.text(7), s.text(8)});
    return out;
  });
}

Store::AuditHead SqlStore::auditHead() {
  return read<AuditHead>([](Db& db) {
    AuditHead h;
    auto s = db.prepare("SELECT seq, hash, mac FROM audit_head WHERE id = 1");
    if (s.step()) h = {s.int64(0), s.text(1), s.text(2)};
    return h;
  });
}

std::map<std::string, std::string> SqlStore::schemaState() {
  return read<std::map<std::string, std::string>>([](Db& db) {
    std::map<std::string, std::string> out;
    auto s = db.prepare("SELECT type, definition FROM schema_state");
    while (s.step()) out[s.text(0)] = s.text(1);
    return out;
  });
}

void SqlStore::saveSchemaState(const std::map<std::string, std::string>& state) {
  write([&](Db& db) {
    db.prepare("DELETE FROM schema_state").run();
    for (const auto& [type, def] : state)
      db.prepare("INSERT INTO schema_state(type, definition) VALUES (?, ?)").bindAll(type, def).run();
  });
}

void SqlStore::putAttachment(const AttachmentRow& a, const AuditDraft& audit) {
  write([&](Db& db) {
    db.prepare(
          "INSERT INTO attachments(id, record_type, field, record_id, media_type, size, name, content, created_at, "
          "created_by) VALUES (?, ?, ?, 0, ?, ?, ?, ?, ?, ?)")
        .bindAll(a.id, a.record_type, a.field, a.media_type, a.size, Blob{a.name}, Blob{a.content}, a.created_at,
                 a.created_by)
        .run();
    appendAuditIn(db, audit, 0, a.created_at);
  });
}

std::optional<AttachmentRow> SqlStore::getAttachment(const std::string& id, bool with_content) {
  return read<std::optional<AttachmentRow>>([&](Db& db) -> std::optional<AttachmentRow> {
    auto s = db.prepare(with_content ? "SELECT id, record_type, field, record_id, media_type, size, name, created_at, "
                                       "created_by, content FROM attachments WHERE id = ?"
                                     : "SELECT id, record_type, field, record_id, media_type, size, name, created_at, "
                                       "created_by FROM attachments WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    AttachmentRow a;
    a.id = s.text(0);
    a.record_type = s.text(1);
    a.field = s.text(2);
    a.record_id = s.int64(3);
    a.media_type = s.text(4);
    a.size = s.int64(5);
    a.name = s.blob(6);
    a.created_at = s.int64(7);
    a.created_by = s.int64(8);
    if (with_content) a.content = s.blob(9);
    return a;
  });
}

KeyVersions SqlStore::keyVersions() {
  return read<KeyVersions>([](Db& db) {
    KeyVersions k;
    auto s = db.prepare("SELECT initial_version, active_version FROM key_state WHERE id = 1");
    if (s.step()) {
      k.initial = static_cast<int>(s.int64(0));
      k.active = static_cast<int>(s.int64(1));
    }
    return k;
  });
}

void SqlStore::initKeyVersions(int initial, int active) {
  write([&](Db& db) {
    db.prepare("INSERT INTO key_state(id, initial_version, active_version) VALUES (1, ?, ?) ON CONFLICT DO NOTHING")
        .bindAll(initial, active)
        .run();
  });
}

int64_t SqlStore::replaceWordTerms(const std::string& type,
                                   const std::function<std::vector<std::string>(const Json& data)>& terms) {
  int64_t seen = 0;
  const std::string table = recordTable(type);
  write([&](Db& db) {
    seen = 0;
    int64_t after = 0;
    for (;;) {
      std::vector<std::pair<int64_t, std::string>> batch;
      {
        auto s = db.prepare("SELECT id, data FROM " + table + " WHERE id > ? ORDER BY id LIMIT 1000");
        s.bind(1, after);
        while (s.step()) batch.emplace_back(s.int64(0), s.text(1));
      }
      if (batch.empty()) break;
      for (const auto& [id, text] : batch) {
        db.prepare("DELETE FROM record_terms WHERE record_id = ? AND substr(term, 1, 2) = 'w:'").bind(1, id).run();
        for (const auto& term : terms(Json::parse(text)))
          db.prepare("INSERT INTO record_terms(term, record_id) VALUES (?, ?) ON CONFLICT DO NOTHING")
              .bindAll(term, id)
              .run();
        ++seen;
        after = id;
      }
    }
  });
  return seen;
}

ResealCounts SqlStore::resealAll(const ResealPlan& plan) {
  ResealCounts counts;
  AuditHasher old_hasher = audit_hasher_;
  try {
    write([&](Db& db) {
      counts = ResealCounts{};
      // Records, register by register, in id batches (updating a table while stepping over it is
      // not well defined).
      std::vector<std::string> types;
      {
        auto s = db.prepare("SELECT DISTINCT type FROM record_ids ORDER BY type");
        while (s.step()) types.push_back(s.text(0));
      }
      for (const auto& type : types) {
        const std::string table = tableOf(checked(type));
        int64_t after = 0;
        for (;;) {
          std::vector<std::pair<int64_t, std::string>> batch;
          {
            auto s =
                db.prepare("SELECT id, identity FROM " + table +
                           " WHERE id > ? AND identity IS NOT NULL AND length(identity) > 0 ORDER BY id LIMIT 1000");
            s.bind(1, after);
            while (s.step()) batch.emplace_back(s.int64(0), s.blob(1));
          }
          if (batch.empty()) break;
          for (const auto& [id, sealed] : batch) {
            std::vector<std::string> terms;
            const std::string resealed = plan.identity(type, id, sealed, terms);
            db.prepare("UPDATE " + table + " SET identity = ? WHERE id = ?").bindAll(Blob{resealed}, id).run();
            // The keyed name terms; the plain word terms ("w:...") do not depend on the key.
            db.prepare("DELETE FROM record_terms WHERE record_id = ? AND substr(term, 1, 2) <> 'w:'").bind(1, id).run();
            for (const auto& term : terms)
              db.prepare("INSERT INTO record_terms(term, record_id) VALUES (?, ?) ON CONFLICT DO NOTHING")
                  .bindAll(term, id)
                  .run();
            ++counts.records;
            after = id;
          }
        }
      }
      std::string last;
      for (;;) {
        std::vector<std::tuple<std::string, std::string, std::string>> batch;
        {
          auto s = db.prepare("SELECT id, name, content FROM attachments WHERE id > ? ORDER BY id LIMIT 100");
          s.bind(1, last);
          while (s.step()) batch.emplace_back(s.text(0), s.blob(1), s.blob(2));
        }
        if (batch.empty()) break;
        for (const auto& [id, name, content] : batch) {
          const auto [new_name, new_content] = plan.attachment(id, name, content);
          db.prepare("UPDATE attachments SET name = ?, content = ? WHERE id = ?")
              .bindAll(Blob{new_name}, Blob{new_content}, id)
              .run();
          ++counts.attachments;
          last = id;
        }
      }
      std::vector<std::pair<int64_t, std::string>> secrets;
      {
        auto s =
            db.prepare("SELECT id, totp_secret FROM users WHERE totp_secret IS NOT NULL AND length(totp_secret) > 0");
        while (s.step()) secrets.emplace_back(s.int64(0), s.blob(1));
      }
      for (const auto& [id, sealed] : secrets) {
        db.prepare("UPDATE users SET totp_secret = ? WHERE id = ?").bindAll(Blob{plan.totp(id, sealed)}, id).run();
        ++counts.users;
      }
      std::vector<std::pair<std::string, std::string>> device_keys;
      {
        auto s = db.prepare("SELECT id, wrapping_key FROM devices WHERE wrapping_key IS NOT NULL AND length(wrapping_key) > 0");
        while (s.step()) device_keys.emplace_back(s.text(0), s.blob(1));
      }
      for (const auto& [id, sealed] : device_keys) {
        db.prepare("UPDATE devices SET wrapping_key = ? WHERE id = ?").bindAll(Blob{plan.device_key(id, sealed)}, id).run();
        ++counts.devices;
      }
      db.prepare("UPDATE key_state SET active_version = ? WHERE id = 1").bind(1, plan.new_version).run();
      AuditDraft draft = plan.audit;
      draft.details["key_version"] = plan.new_version;
      draft.details["records"] = counts.records;
      draft.details["attachments"] = counts.attachments;
      draft.details["users"] = counts.users;
      draft.details["devices"] = counts.devices;
      audit_hasher_ = plan.new_hasher;
      appendAuditIn(
          db, draft, 0,
          std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
              .count());
    });
  } catch (...) {
    audit_hasher_ = old_hasher;
    throw;
  }
  return counts;
}

}  // namespace palermo::sql
