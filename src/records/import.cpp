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

std::string ImportError::toString() const {
  std::string where = file.empty() ? std::string("row") : file;
  if (line > 0) where += ":" + std::to_string(line);
  return where + (field.empty() ? "" : ": " + field) + (code.empty() ? "" : " [" + code + "]") + ": " + message;
}

Json ImportReport::toJson() const {
  Json errs = Json::array();
  for (const auto& e : errors)
    errs.push_back({{"file", e.file}, {"line", e.line}, {"field", e.field}, {"code", e.code}, {"message", e.message}});
  return {{"committed", committed}, {"dry_run", dry_run}, {"rows", rows},
          {"created", created},     {"ids", ids},         {"errors", errs},
          {"errors_truncated", errors_truncated}};
}

namespace {

constexpr const char* kSpecial[] = {"_type", "_key", "_agency", "_transitions", "_share"};

}  // namespace

std::vector<ImportRow> readJsonLines(std::istream& in, const std::string& file, const std::string& default_type,
                                     std::vector<ImportError>& errors) {
  std::vector<ImportRow> rows;
  std::string text;
  int line = 0;
  while (std::getline(in, text)) {
    ++line;
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.find_first_not_of(" \t") == std::string::npos) continue;
    Json j;
    try {
      j = parseJsonInput(text);
    } catch (const JsonInputError& e) {
      errors.push_back({file, line, e.field(), "json", e.what()});
      continue;
    }
    if (!j.is_object()) {
      errors.push_back({file, line, "", "json", "each line must be a JSON object"});
      continue;
    }
    ImportRow r;
    r.file = file;
    r.line = line;
    r.type = j.value("_type", default_type);
    if (r.type.empty()) errors.push_back({file, line, "_type", "required", "say the record type (_type or --type)"});
    if (j.contains("_key")) {
      if (j["_key"].is_string()) r.key = j["_key"];
      else errors.push_back({file, line, "_key", "type", "must be a string"});
    }
    if (j.contains("_agency")) {
      if (j["_agency"].is_string()) r.agency = j["_agency"];
      else errors.push_back({file, line, "_agency", "type", "must be the name of an agency"});
    }
    if (j.contains("_transitions")) r.transitions = j["_transitions"];
    if (j.contains("_share")) r.share = j["_share"];
    for (const char* k : kSpecial) j.erase(k);
    r.data = std::move(j);
    rows.push_back(std::move(r));
  }
  return rows;
}

namespace {

// The whole cell as a 64-bit integer, or nothing.
std::optional<long long> wholeNumber(const std::string& v) {
  try {
    std::size_t used = 0;
    const long long n = std::stoll(v, &used);
    if (used == v.size()) return n;
  } catch (const std::exception&) {  // NOLINT(bugprone-empty-catch): not a number
  }
  return std::nullopt;
}

}  // namespace

std::vector<ImportRow> readCsv(std::istream& in, const std::string& file, const std::string& type,
                               const Schema& schema, std::vector<ImportError>& errors) {
  std::vector<ImportRow> rows;
  const RecordType* t = schema.type(type);
  if (!t) {
    errors.push_back({file, 0, "_type", "unknown", "'" + type + "' is not a record type"});
    return rows;
  }
  csv::Reader reader(in);
  std::vector<std::string> header;
  if (!reader.next(header)) return rows;
  for (const auto& h : header)
    if (h != "_key" && h != "_agency" && !t->field(h))
      errors.push_back({file, 1, h, "unknown_field", "is not a field of " + type});
  std::vector<std::string> cells;
  while (reader.next(cells)) {
    const int row_line = reader.line();
    if (cells.size() == 1 && cells[0].empty()) continue;  // blank line
    if (cells.size() != header.size()) {
      errors.push_back({file, row_line, "", "columns",
                        fmt::format("has {} cells, the header has {}", cells.size(), header.size())});
      continue;
    }
    ImportRow r;
    r.file = file;
    r.line = row_line;
    r.type = type;
    for (std::size_t i = 0; i < header.size(); ++i) {
      const std::string& v = cells[i];
      if (v.empty()) continue;
      if (header[i] == "_key") {
        r.key = v;
        continue;
      }
      if (header[i] == "_agency") {
        r.agency = v;
        continue;
      }
      const FieldDef* f = t->field(header[i]);
      if (!f) continue;
      auto bad = [&](const char* what) { errors.push_back({file, row_line, f->name, "type", std::string("must be ") + what}); };
      switch (f->type) {
        case FieldType::Integer:
        case FieldType::Money:
          if (auto n = wholeNumber(v)) r.data[f->name] = *n;
          else bad("an integer");
          break;
        case FieldType::Decimal:
          try {
            std::size_t used = 0;
            const double d = std::stod(v, &used);
            if (used != v.size()) throw std::invalid_argument(v);
            r.data[f->name] = d;
          } catch (const std::exception&) {
            bad("a number");
          }
          break;
        case FieldType::Boolean: {
          std::string l = v;
          for (auto& ch : l) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
          if (l == "true" || l == "yes" || l == "1") r.data[f->name] = true;
          else if (l == "false" || l == "no" || l == "0") r.data[f->name] = false;
          else bad("true or false");
          break;
        }
        case FieldType::MultiEnum: {
          Json codes = Json::array();
          std::stringstream ss(v);
          std::string code;
          while (std::getline(ss, code, ';'))
            if (!code.empty()) codes.push_back(code);
          r.data[f->name] = codes;
          break;
        }
        case FieldType::Reference:
          if (v.rfind("key:", 0) == 0) {
            r.data[f->name] = Json{{"_key", v.substr(4)}};
          } else if (auto n = wholeNumber(v)) {
            r.data[f->name] = *n;
          } else {
            bad("a record id or key:<key of an earlier row>");
          }
          break;
        default:
          r.data[f->name] = v;
      }
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

namespace {

// Thrown inside the transaction to roll it back when rows failed (or on a dry run).
struct RollBack {};

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
  std::map<std::string, int64_t> created;
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
          if (!row.key.empty()) keys[row.key] = id;
          ++created[type->name];
        } catch (const Problem& p) {
          if (p.errors().empty()) fail("", p.code(), p.detail());
          for (const auto& e : p.errors()) fail(e.field, e.code, e.message);
        }
      }
      if (options.progress) options.progress(done, total);
      report.rows = done;
      if (!report.errors.empty() || options.dry_run) throw RollBack{};
      store.appendAudit(AuditDraft{actor.user_id, "records.import", options.audit_type, 0,
                                   Json{{"rows", report.rows}, {"created", created}, {"format", options.format}}},
                        std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count());
    });
    report.committed = true;
    report.created = created;
    report.ids = keys;
  } catch (const RollBack&) {
    report.committed = false;
    if (report.errors.empty()) report.created = created;  // a clean dry run says what it would create
  }
  return report;
}

}  // namespace palermo::records
