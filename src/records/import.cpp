#include "records/import.hpp"

#include <fmt/format.h>

#include <chrono>
#include <optional>
#include <set>
#include <sstream>

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/json_input.hpp"
#include "records/engine.hpp"
#include "records/schema.hpp"
#include "store/store.hpp"

namespace palermo::records {

namespace {

// Thrown inside the transaction to roll it back when rows failed (or on a dry run).
struct RollBack {};

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A source name: 1 to 100 bytes of printable ASCII or UTF-8 text, no control characters.
bool validSource(const std::string& s) {
  if (s.empty() || s.size() > 100) return false;
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return false;
  return true;
}

}  // namespace

ImportReport importRows(RecordService& service, const Actor& actor, const std::vector<ImportRow>& rows,
                        const ImportOptions& options) {
  ImportReport report;
  report.dry_run = options.dry_run;
  const Schema& schema = service.schema();
  Store& store = service.store();
  std::map<std::string, AgencyRow> agencies;
  for (const auto& a : store.listAgencies()) agencies.emplace(a.name, a);
  auto addError = [&](ImportError e) {
    if (report.errors.size() >= options.max_errors) {
      report.errors_truncated = true;
      return;
    }
    report.errors.push_back(std::move(e));
  };
  const int64_t total = static_cast<int64_t>(rows.size());
  std::map<std::string, int64_t> keys;      // _key -> record id
  std::set<std::string> failed_keys;
  std::map<std::string, int64_t> created, updated, unchanged;
  if (!options.source.empty() && !validSource(options.source)) {
    addError({"", 0, "source", "format", "the source is 1 to 100 bytes of text without control characters"});
    return report;
  }
  try {
    store.inTransaction([&] {
      int64_t done = 0;
      for (const auto& row : rows) {
        ++done;
        if (options.progress && options.progress_every > 0 && done % options.progress_every == 0)
          options.progress(done, total);
        if (report.errors_truncated) break;
        const RecordType* type = schema.type(row.type);
        auto fail = [&](const std::string& field, const std::string& code, const std::string& message) {
          addError({row.file, row.line, field, code, message});
          if (!row.key.empty()) failed_keys.insert(row.key);
        };
        if (!type && row.type == "agency") {
          // An agency the rows after it may name (history brings its own agencies).
          if (!options.create_agency) {
            fail("_type", "agency",
                 "agency rows create agencies only when asked to (palermo import --create-agencies)");
            continue;
          }
          AgencyRow wanted{0, row.data.value("name", ""), row.data.value("type", ""), row.data.value("region", ""),
                           true, 0};
          if (auto it = agencies.find(wanted.name); it != agencies.end()) {
            if (it->second.type != wanted.type)
              fail("type", "agency_type",
                   "an agency named so exists already with the type '" + it->second.type + "'");
            continue;  // there already: used as it is
          }
          try {
            const AgencyRow made = options.create_agency(wanted);
            agencies.emplace(made.name, made);
            ++created["agency"];
          } catch (const Problem& p) {
            if (p.errors().empty()) fail("", p.code(), p.detail());
            for (const auto& e : p.errors()) fail(e.field, e.code, e.message);
          }
          continue;
        }
        if (!type) {
          fail("_type", "unknown", "'" + row.type.substr(0, 60) + "' is not a record type");
          continue;
        }
        if (!row.key.empty() && (keys.count(row.key) || failed_keys.count(row.key))) {
          fail("_key", "unique", "'" + row.key.substr(0, 60) + "' is the key of an earlier row too");
          continue;
        }
        // The registering agency.
        Actor as = actor;
        if (!row.agency.empty()) {
          auto it = agencies.find(row.agency);
          if (it == agencies.end()) {
            fail("_agency", "unknown", "'" + row.agency.substr(0, 100) + "' is not the name of an agency");
            continue;
          }
          if (!actor.system && it->second.id != actor.agency_id) {
            fail("_agency", "forbidden", "only the system may register records for another agency");
            continue;
          }
          as.agency_id = it->second.id;
          as.region = it->second.region;
        }
        // References to earlier rows by key.
        Json data = row.data;
        bool ok = true;
        for (auto& [name, value] : data.items()) {
          // An agency by name in an agency-id field (a measure's responsible agency).
          if (value.is_object() && value.contains("_agency")) {
            const std::string agency = value["_agency"].is_string() ? value["_agency"].get<std::string>() : std::string();
            if (auto it = agencies.find(agency); it != agencies.end()) {
              value = it->second.id;
            } else {
              fail(name, "unknown", "'" + agency.substr(0, 100) + "' is not the name of an agency");
              ok = false;
            }
            continue;
          }
          if (!value.is_object() || !value.contains("_key")) continue;
          const std::string key = value["_key"].is_string() ? value["_key"].get<std::string>() : std::string();
          if (auto it = keys.find(key); it != keys.end()) {
            value = it->second;
          } else {
            fail(name, "reference",
                 failed_keys.count(key) ? "refers to the row with key '" + key.substr(0, 60) + "', which failed"
                                        : "refers to key '" + key.substr(0, 60) + "', which no earlier row has");
            ok = false;
          }
        }
        if (!ok) continue;
        // A row of this source met before: the same record, changed where the row differs.
        if (!options.source.empty() && !row.key.empty()) {
          if (const auto known = store.importedRecord(options.source, row.key)) {
            try {
              const auto seen = service.compareWith(actor, type->name, *known, data);
              if (seen.deleted) {
                fail("_key", "deleted",
                     "the record imported before with this key (" + type->name + " " + std::to_string(*known) +
                         ") is deleted: restore it, or give the row another key");
                continue;
              }
              if (seen.differing.empty()) {
                ++unchanged[type->name];
              } else {
                Json patch = Json::object();
                for (const auto& f : seen.differing) patch[f] = data[f];
                if (data.contains("_overrides")) patch["_overrides"] = data["_overrides"];
                service.update(actor, type->name, *known, seen.version, patch);
                ++updated[type->name];
              }
              keys[row.key] = *known;
            } catch (const Problem& p) {
              if (p.status() == 404)
                fail("_key", "matched",
                     "this source's key '" + row.key.substr(0, 60) + "' names record " + std::to_string(*known) +
                         ", which is not a " + type->name + " you may update");
              else if (p.errors().empty())
                fail("", p.code(), p.detail());
              for (const auto& e : p.errors()) fail(e.field, e.code, e.message);
            }
            continue;
          }
        }
        try {
          Json rec = service.create(as, type->name, data);
          const int64_t id = rec["id"].get<int64_t>();
          int64_t version = rec["version"].get<int64_t>();
          for (const auto& step : row.transitions) {
            const std::string name = step.value("name", "");
            Json patch = step.contains("data") ? step["data"] : Json::object();
            Json moved = service.transition(as, type->name, id, version, name, patch);
            version = moved["version"].get<int64_t>();
          }
          for (const auto& s : row.share) {
            const std::string agency = s.value("agency", "");
            auto it = agencies.find(agency);
            if (it == agencies.end()) throw Problem::validation({{"_share", "unknown", "'" + agency + "' is not an agency"}});
            Json body = {{"agency_id", it->second.id}, {"reason", s.value("reason", "import")}};
            service.share(as, type->name, id, body);
          }
          if (!row.key.empty()) {
            keys[row.key] = id;
            if (!options.source.empty()) store.saveImportKey(options.source, row.key, id, nowMs());
          }
          ++created[type->name];
        } catch (const Problem& p) {
          if (p.errors().empty()) fail("", p.code(), p.detail());
          for (const auto& e : p.errors()) fail(e.field, e.code, e.message);
        }
      }
      if (options.progress) options.progress(done, total);
      report.rows = done;
      if (!report.errors.empty() || options.dry_run) throw RollBack{};
      Json details{{"rows", report.rows}, {"created", created}, {"format", options.format}};
      if (!options.source.empty()) {
        details["source"] = options.source;
        details["updated"] = updated;
        details["unchanged"] = unchanged;
      }
      store.appendAudit(AuditDraft{actor.user_id, "records.import", options.audit_type, 0, details}, nowMs());
    });
    report.committed = true;
    report.created = created;
    report.updated = updated;
    report.unchanged = unchanged;
    report.ids = keys;
  } catch (const RollBack&) {
    report.committed = false;
    if (report.errors.empty()) {  // a clean dry run says what it would do
      report.created = created;
      report.updated = updated;
      report.unchanged = unchanged;
    }
  }
  return report;
}

}  // namespace palermo::records
