// Schema evolution. The database remembers the shape of every record type it has stored
// (fields, their types, sensitivity and value codes). At start, the current schema is compared
// with it: additions need nothing; a change that would lose or misplace stored data (a field,
// a value code or a type removed, a field's type or sensitivity changed) is refused unless a
// pending data migration under schema/ says what happens to that data. Pending migrations are
// applied before the server accepts requests, each record rewritten once with its history and
// audit entry. See docs/records.md ("Schema evolution").
#include <fmt/format.h>

#include <map>
#include <optional>
#include <set>

#include "core/log.hpp"
#include "core/text_fold.hpp"
#include "records/engine.hpp"

namespace palermo::records {

namespace {

constexpr std::string_view kMigrationKey = "migration:";

std::string inQuotes(const std::string& s) { return "'" + s + "'"; }

}  // namespace

std::string shapeOf(const Schema& schema, const RecordType& type) {
  Json fields = Json::object();
  for (const auto& f : type.fields) {
    if (f.computed) continue;  // recomputed at every write; nothing stored to lose
    Json d = {{"type", fieldTypeName(f.type)}, {"identity", f.sensitivity == Sensitivity::Identity}};
    if (f.word_search) d["words"] = true;  // a change rebuilds the type's word index (prepare)
    if (!f.values.empty()) {
      Json codes = Json::array();
      if (const auto* list = schema.list(f.values))
        for (const auto& v : list->values) codes.push_back(v.code);
      d["values"] = codes;
    }
    fields[f.name] = d;
  }
  return Json{{"fields", fields}}.dump();
}

namespace {

// The names of a stored shape's word_search fields.
std::set<std::string> wordFields(const std::string& shape) {
  std::set<std::string> out;
  const Json j = Json::parse(shape, nullptr, false);
  if (!j.is_object() || !j.contains("fields") || !j["fields"].is_object()) return out;
  for (const auto& [name, d] : j["fields"].items())
    if (d.is_object() && d.value("words", false)) out.insert(name);
  return out;
}

}  // namespace

std::string DestructiveChange::describe() const {
  switch (kind) {
    case Kind::TypeRemoved:
      return fmt::format("record type '{}' was removed (migration step: remove_type)", type);
    case Kind::FieldRemoved:
      return fmt::format("{}: field '{}' was removed (migration step: remove_field or rename_field)", type, field);
    case Kind::FieldTypeChanged:
      return fmt::format("{}: field '{}' changed type ({}) (migration step: remove_field, then the new field)", type,
                         field, detail);
    case Kind::SensitivityChanged:
      return fmt::format("{}: field '{}' changed sensitivity ({}) (migration step: reclassify_field)", type, field,
                         detail);
    case Kind::ValueRemoved:
      return fmt::format("{}: value '{}' of field '{}' was removed (retire it instead, or migration step: map_values)",
                         type, value, field);
  }
  return {};
}

std::vector<DestructiveChange> destructiveChanges(const std::map<std::string, std::string>& stored_shapes,
                                                  const std::map<std::string, std::string>& current_shapes) {
  using Kind = DestructiveChange::Kind;
  std::vector<DestructiveChange> out;
  for (const auto& [type, before_text] : stored_shapes) {
    auto now_it = current_shapes.find(type);
    if (now_it == current_shapes.end()) {
      out.push_back({Kind::TypeRemoved, type, "", "", ""});
      continue;
    }
    const Json before = Json::parse(before_text);
    const Json after = Json::parse(now_it->second);
    for (const auto& [name, old] : before["fields"].items()) {
      if (!after["fields"].contains(name)) {
        out.push_back({Kind::FieldRemoved, type, name, "", ""});
        continue;
      }
      const auto& now = after["fields"][name];
      if (old["type"] != now["type"]) {
        out.push_back({Kind::FieldTypeChanged, type, name, "",
                       old["type"].get<std::string>() + " to " + now["type"].get<std::string>()});
        continue;
      }
      if (old["identity"] != now["identity"])
        out.push_back({Kind::SensitivityChanged, type, name, "", now["identity"] == true ? "to identity" : "from identity"});
      if (old.contains("values") && now.contains("values")) {
        std::set<std::string> kept;
        for (const auto& c : now["values"]) kept.insert(c.get<std::string>());
        for (const auto& c : old["values"])
          if (!kept.count(c.get<std::string>())) out.push_back({Kind::ValueRemoved, type, name, c.get<std::string>(), ""});
      }
    }
  }
  return out;
}

bool covers(const MigrationStep& step, const DestructiveChange& change) {
  using S = MigrationStep::Kind;
  using C = DestructiveChange::Kind;
  if (step.type != change.type) return false;
  switch (change.kind) {
    case C::TypeRemoved:
      return step.kind == S::RemoveType;
    case C::FieldRemoved:
      return (step.kind == S::RemoveField || step.kind == S::RenameField) && step.field == change.field;
    case C::FieldTypeChanged:
      return (step.kind == S::RemoveField ||
              (step.kind == S::TextToEnum && (change.detail == "text to enum" || change.detail == "long_text to enum"))) &&
             step.field == change.field;
    case C::SensitivityChanged:
      return (step.kind == S::ReclassifyField || step.kind == S::RemoveField) && step.field == change.field;
    case C::ValueRemoved:
      return (step.kind == S::MapValues && step.field == change.field && step.value_map.count(change.value)) ||
             (step.kind == S::RemoveField && step.field == change.field);
  }
  return false;
}

namespace {

// Steps that can be checked against the current schema before anything is written: every
// value a step moves must land in a field the schema has, as a code its list has.
std::vector<std::string> checkPendingSteps(const Schema& schema, const std::vector<const DataMigration*>& pending) {
  using S = MigrationStep::Kind;
  std::vector<std::string> problems;
  std::set<std::string> removed_types;
  for (const auto* m : pending)
    for (const auto& s : m->steps)
      if (s.kind == S::RemoveType) removed_types.insert(s.type);
  for (std::size_t mi = 0; mi < pending.size(); ++mi) {
    const auto* m = pending[mi];
    for (std::size_t si = 0; si < m->steps.size(); ++si) {
      const auto& s = m->steps[si];
      const std::string where = fmt::format("{}:{}: migration '{}'", m->file, s.line, m->id);
      if (s.kind == S::RemoveType) {
        if (schema.type(s.type)) problems.push_back(where + " removes type " + inQuotes(s.type) + ", which the schema still declares");
        continue;
      }
      const auto* type = schema.type(s.type);
      if (!type) {
        if (!removed_types.count(s.type))
          problems.push_back(where + ": there is no record type " + inQuotes(s.type));
        continue;
      }
      if (s.kind == S::RenameField) {
        // Follow the value through later renames; it must end in a current field or be removed.
        std::string name = s.to;
        bool removed = false;
        for (std::size_t mj = mi; mj < pending.size(); ++mj)
          for (std::size_t sj = (mj == mi ? si + 1 : 0); sj < pending[mj]->steps.size(); ++sj) {
            const auto& later = pending[mj]->steps[sj];
            if (later.type != s.type || later.field != name) continue;
            if (later.kind == S::RenameField) name = later.to;
            if (later.kind == S::RemoveField) removed = true;
          }
        const auto* target = type->field(name);
        if (!removed && (!target || target->computed))
          problems.push_back(where + " renames " + inQuotes(s.field) + " to " + inQuotes(name) + ", which is not a field of " +
                             inQuotes(s.type));
      }
      if (s.kind == S::MapValues || s.kind == S::TextToEnum) {
        // Both land values in the field's list: the field must have one, every target be its code.
        const auto* f = type->field(s.field);
        const bool fits = f && (s.kind == S::MapValues || f->type == FieldType::Enum);
        const auto* list = fits ? schema.list(f->values) : nullptr;
        if (!list) {
          problems.push_back(where +
                             (s.kind == S::MapValues ? " maps values of " + inQuotes(s.field) + ", which is"
                                                     : " turns " + inQuotes(s.field) + " into codes, but it is") +
                             " not an enum field of " + inQuotes(s.type));
          continue;
        }
        for (const auto& [from, to] : s.value_map)
          if (!list->find(to))
            problems.push_back(where + " maps " + inQuotes(from) + " to " + inQuotes(to) + ", which is not a code of list " +
                               inQuotes(list->name));
      }
      if (s.kind == S::ReclassifyField && !type->field(s.field))
        problems.push_back(where + " reclassifies " + inQuotes(s.field) + ", which is not a field of " + inQuotes(s.type));
    }
  }
  return problems;
}

// A stored text as text_to_enum compares it: its folded words (script, accents, case, order).
std::string foldedText(const std::string& text) {
  std::string out;
  for (const auto& t : text::searchTokens(text)) out += (out.empty() ? "" : " ") + t;
  return out;
}

// What a text_to_enum step turns stored texts into: the codes themselves, the map's texts, and
// the codes' labels in every language, each also folded.
struct TextResolver {
  const ValueList* list = nullptr;
  std::map<std::string, std::string> exact, folded;

  TextResolver(const MigrationStep& s, const ValueList& l) : list(&l) {
    for (const auto& v : l.values)
      for (const std::string& text : {v.code, v.label.az, v.label.en, v.label.ru})
        if (!text.empty()) folded.emplace(foldedText(text), v.code);
    for (const auto& [text, code] : s.value_map) {
      exact[text] = code;
      folded[foldedText(text)] = code;  // the migration's word wins over a label
    }
  }
  // The code for a stored value; nullopt when nothing matches (the value is named, never lost).
  [[nodiscard]] std::optional<std::string> code(const std::string& value) const {
    if (list->find(value)) return value;  // already a code: applied before (steps are idempotent)
    if (auto it = exact.find(value); it != exact.end()) return it->second;
    const auto key = foldedText(value);
    if (auto it = folded.find(key); !key.empty() && it != folded.end()) return it->second;
    return std::nullopt;
  }
};

// Applies one step to a record's raw data; true when it changed anything.
bool applyStep(const MigrationStep& s, Json& raw, const TextResolver* resolver = nullptr) {
  using S = MigrationStep::Kind;
  switch (s.kind) {
    case S::TextToEnum: {
      auto it = raw.find(s.field);
      if (it == raw.end() || !it->is_string() || !resolver) return false;
      const auto code = resolver->code(it->get<std::string>());
      if (!code || *code == it->get<std::string>()) return false;
      *it = *code;
      return true;
    }
    case S::RemoveField:
      return raw.erase(s.field) > 0;
    case S::RenameField: {
      auto it = raw.find(s.field);
      if (it == raw.end()) return false;
      Json v = std::move(*it);
      raw.erase(it);
      raw[s.to] = std::move(v);
      return true;
    }
    case S::MapValues: {
      auto it = raw.find(s.field);
      if (it == raw.end()) return false;
      bool changed = false;
      auto mapOne = [&](Json& v) {
        if (!v.is_string()) return;
        if (auto m = s.value_map.find(v.get<std::string>()); m != s.value_map.end()) {
          v = m->second;
          changed = true;
        }
      };
      if (it->is_array()) {
        Json out = Json::array();
        for (Json v : *it) {
          mapOne(v);
          if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);  // keep codes distinct
        }
        *it = std::move(out);
      } else {
        mapOne(*it);
      }
      return changed;
    }
    case S::ReclassifyField:
      return raw.contains(s.field);  // no value changes; the rewrite moves it
    case S::RemoveType:
      return false;
  }
  return false;
}

}  // namespace

int64_t RecordService::applyMigrations(const std::vector<const DataMigration*>& pending) {
  // Steps per type, in the order to apply (migration id, then file order).
  std::map<std::string, std::vector<const MigrationStep*>> steps_by_type;
  for (const auto* m : pending)
    for (const auto& s : m->steps)
      if (s.kind != MigrationStep::Kind::RemoveType && schema_.type(s.type)) steps_by_type[s.type].push_back(&s);
  std::string ids;
  for (const auto* m : pending) ids += (ids.empty() ? "" : ",") + m->id;

  // Texts that become codes: every stored value must have one before anything is written (a
  // value no code, map entry or label matches is named, for the migration's map; never dropped).
  std::map<const MigrationStep*, TextResolver> resolvers;
  std::map<std::string, int64_t> unmatched;  // "type.field: 'text'" -> records
  for (const auto& [type_name, steps] : steps_by_type) {
    const auto& type = *schema_.type(type_name);
    std::vector<std::pair<const MigrationStep*, const TextResolver*>> to_check;
    for (const auto* s : steps)
      if (const auto* f = type.field(s->field); s->kind == MigrationStep::Kind::TextToEnum && f)
        if (const auto* list = schema_.list(f->values))
          to_check.emplace_back(s, &resolvers.emplace(s, TextResolver(*s, *list)).first->second);
    if (to_check.empty()) continue;
    RecordQuery q;
    q.type = type_name;
    q.include_deleted = true;
    q.limit = 500;
    for (;;) {
      auto page = store_.listRecords(q);
      for (const auto& r : page.items) {
        const Json raw = rawData(r);
        for (const auto& [s, resolver] : to_check) {
          auto it = raw.find(s->field);
          if (it != raw.end() && it->is_string() && !resolver->code(it->get<std::string>()))
            ++unmatched[type_name + "." + s->field + ": " + inQuotes(it->get<std::string>().substr(0, 80))];
        }
      }
      if (!page.has_more || page.items.empty()) break;
      q.after_id = page.items.back().id;
    }
  }
  if (!unmatched.empty()) {
    std::string msg = "text_to_enum: stored values that are no code, no label of the list and not in the step's map "
                      "(nothing was changed; add them to the map):";
    int shown = 0;
    for (const auto& [what, n] : unmatched) {
      if (++shown > 20) {
        msg += fmt::format("\n  ... and {} more", unmatched.size() - 20);
        break;
      }
      msg += fmt::format("\n  - {} ({} record{})", what, n, n == 1 ? "" : "s");
    }
    throw std::runtime_error(msg);
  }

  int64_t rewritten = 0;
  for (const auto& [type_name, steps] : steps_by_type) {
    const auto& type = *schema_.type(type_name);
    RecordQuery q;
    q.type = type_name;
    q.include_deleted = true;
    q.limit = 500;
    for (;;) {
      auto page = store_.listRecords(q);
      for (const auto& r : page.items) {
        Json raw = rawData(r);
        bool changed = false;
        for (const auto* s : steps) {
          const auto res = resolvers.find(s);
          changed = applyStep(*s, raw, res == resolvers.end() ? nullptr : &res->second) || changed;
        }
        if (!changed) continue;
        rewriteForMigration(type, r, raw, ids);
        ++rewritten;
      }
      if (!page.has_more || page.items.empty()) break;
      q.after_id = page.items.back().id;
    }
  }
  return rewritten;
}

RecordService::PrepareReport RecordService::prepare() {
  for (const auto& [name, type] : schema_.types)
    if (!type.rules.empty() && !rules_)
      throw std::runtime_error("type " + name + " names rules (" + type.rules.front() +
                               ", ...) but no rule book is loaded (rules.dir)");
  for (const auto& [name, type] : schema_.types)
    for (const auto& f : type.fields)
      if (f.indexed && f.sensitivity != Sensitivity::Identity) store_.ensureFieldIndex(name, f.name);
  for (const auto& [name, type] : schema_.types)
    for (const auto& fields : type.indexes) store_.ensureCompositeIndex(name, fields);

  const auto state = store_.schemaState();
  std::map<std::string, std::string> stored_shapes;
  std::set<std::string> applied;
  for (const auto& [k, v] : state) {
    if (k.rfind(kMigrationKey, 0) == 0) applied.insert(k.substr(kMigrationKey.size()));
    else stored_shapes.emplace(k, v);
  }
  std::map<std::string, std::string> next;
  for (const auto& [name, type] : schema_.types) next[name] = shapeOf(schema_, type);

  PrepareReport report;
  std::vector<const DataMigration*> pending;
  for (const auto& [id, m] : schema_.migrations)
    if (!applied.count(id)) pending.push_back(&m);

  // A new database has no data to migrate: its migrations are recorded as applied.
  if (!stored_shapes.empty() && !pending.empty()) {
    auto problems = checkPendingSteps(schema_, pending);
    if (!problems.empty()) {
      std::string msg = "the pending data migrations do not fit the schema (nothing was changed):";
      for (const auto& p : problems) msg += "\n  - " + p;
      throw std::runtime_error(msg);
    }
  }
  std::vector<std::string> uncovered;
  for (const auto& change : destructiveChanges(stored_shapes, next)) {
    bool ok = false;
    for (const auto* m : pending)
      for (const auto& s : m->steps) ok = ok || covers(s, change);
    if (!ok) uncovered.push_back(change.describe());
  }
  if (!uncovered.empty()) {
    std::string msg = "the schema changes destructively; stored data would be lost (nothing was changed):";
    for (const auto& p : uncovered) msg += "\n  - " + p;
    msg += "\nRestore the schema, or add a data migration under the schema directory that says what happens to "
           "this data (docs/records.md, \"Schema evolution\").";
    throw std::runtime_error(msg);
  }
  if (!stored_shapes.empty() && !pending.empty()) {
    // A migration interrupted half-way is applied again at the next start: every step is
    // idempotent, and a migration counts as applied only once all its records are rewritten.
    report.records_rewritten = applyMigrations(pending);
    for (const auto* m : pending) {
      report.migrations_applied.push_back(m->id);
      log::info("schema.migration_applied", {{"migration", m->id}});
    }
  }
  // A word_search field added or removed: the type's stored records get their word terms now
  // (records written from here on get them at every write).
  for (const auto& [name, shape] : next) {
    const auto stored = stored_shapes.find(name);
    if (stored == stored_shapes.end() || wordFields(stored->second) == wordFields(shape)) continue;
    const auto& type = schema_.types.at(name);
    const auto n = store_.replaceWordTerms(name, [&type](const Json& data) { return wordTerms(type, data); });
    log::info("schema.word_index_rebuilt", {{"type", name}, {"records", n}});
  }
  auto next_state = next;
  for (const auto& [id, m] : schema_.migrations) next_state[std::string(kMigrationKey) + id] = "applied";
  if (next_state != state) store_.saveSchemaState(next_state);
  return report;
}

}  // namespace palermo::records
