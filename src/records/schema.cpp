// Loading record types and value lists from YAML (format: docs/records.md). The loader never
// stops at the first mistake: every file is read to the end and every error is reported with
// its file and line, so that one run of `palermo` shows the schema author all there is to fix.
#include "records/schema.hpp"
#include "records/record_rules.hpp"

#include "core/yaml_files.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string_view>
#include <utility>

namespace palermo::records {

const std::vector<std::string>& recordRuleNames() {
  static const std::vector<std::string> kNames = {"screening", "subsidy_amount", "person_facts",
                                                          "migration_decision", "rehabilitation_plan"};
  return kNames;
}

// ---- Lookups ------------------------------------------------------------------------------

const ListValue* ValueList::find(const std::string& code) const {
  for (const auto& v : values)
    if (v.code == code) return &v;
  return nullptr;
}

const Transition* Workflow::find(const std::string& name) const {
  for (const auto& t : transitions)
    if (t.name == name) return &t;
  return nullptr;
}

const FieldDef* RecordType::field(const std::string& field_name) const {
  for (const auto& f : fields)
    if (f.name == field_name) return &f;
  return nullptr;
}

const RecordType* Schema::type(const std::string& name) const {
  auto it = types.find(name);
  return it == types.end() ? nullptr : &it->second;
}

const ValueList* Schema::list(const std::string& name) const {
  auto it = lists.find(name);
  return it == lists.end() ? nullptr : &it->second;
}

bool isReservedFieldName(std::string_view name) {
  // Record attributes and the list endpoint's control parameters share the query-string
  // namespace with field filters, so a field may not take one of these names.
  static constexpr std::string_view kReserved[] = {"id",     "type",   "state",  "version",         "created_at",
                                                   "updated_at", "deleted", "q",  "sort",            "cursor",
                                                   "limit",  "fields", "count",  "include_deleted", "data"};
  for (auto r : kReserved)
    if (r == name) return true;
  return false;
}

const char* scopeName(Scope s) {
  static const char* kNames[] = {"own", "assigned", "agency", "region", "national"};
  return kNames[static_cast<int>(s)];
}

const char* identityAccessName(IdentityAccess a) {
  static const char* kNames[] = {"none", "read", "write"};
  return kNames[static_cast<int>(a)];
}

bool isAbsent(const Json& value) {
  if (value.is_null()) return true;
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    return s.find_first_not_of(" \t\r\n") == std::string::npos;
  }
  if (value.is_array()) return value.empty();
  return false;
}

namespace {
bool containsValue(const Json& array, const Json& v) {
  return std::any_of(array.begin(), array.end(), [&](const Json& item) { return item == v; });
}
}  // namespace

bool Condition::holds(const Json& record) const {
  const Json* v = nullptr;
  if (record.is_object()) {
    auto it = record.find(field);
    if (it != record.end() && !isAbsent(*it)) v = &*it;
  }
  switch (op) {
    case Op::Present:
      return v != nullptr;
    case Op::Absent:
      return v == nullptr;
    case Op::Equals:
      if (!v) return false;
      return v->is_array() ? containsValue(*v, value) : *v == value;
    case Op::In:
      if (!v || !value.is_array()) return false;
      return std::any_of(value.begin(), value.end(), [&](const Json& candidate) {
        return v->is_array() ? containsValue(*v, candidate) : *v == candidate;
      });
  }
  return false;
}

// ---- Names --------------------------------------------------------------------------------

namespace {

constexpr std::array<std::pair<FieldType, std::string_view>, 14> kFieldTypes = {{
    {FieldType::Text, "text"},
    {FieldType::LongText, "long_text"},
    {FieldType::Integer, "integer"},
    {FieldType::Decimal, "decimal"},
    {FieldType::Money, "money"},
    {FieldType::Date, "date"},
    {FieldType::PartialDate, "partial_date"},
    {FieldType::DateTime, "datetime"},
    {FieldType::Boolean, "boolean"},
    {FieldType::Enum, "enum"},
    {FieldType::MultiEnum, "multi_enum"},
    {FieldType::Country, "country"},
    {FieldType::Reference, "reference"},
    {FieldType::Attachment, "attachment"},
}};

constexpr std::array<std::pair<Sensitivity, std::string_view>, 3> kSensitivities = {{
    {Sensitivity::Statistical, "statistical"},
    {Sensitivity::Case, "case"},
    {Sensitivity::Identity, "identity"},
}};

}  // namespace

const char* fieldTypeName(FieldType t) {
  for (const auto& [type, name] : kFieldTypes)
    if (type == t) return name.data();
  return "unknown";
}

const char* sensitivityName(Sensitivity s) {
  for (const auto& [sens, name] : kSensitivities)
    if (sens == s) return name.data();
  return "unknown";
}

// ---- Loader -------------------------------------------------------------------------------

// Agency types of the mechanism (docs/security.md); roles name the ones that may hold them.
const std::vector<std::string>& agencyTypes() {
  static const std::vector<std::string> kTypes = {
      "special_police", "ministry",     "assistance_center", "ngo",         "shelter",
      "hotline",        "prosecutor",   "court",             "statistics",  "inspectorate",
      "coordinator",    "local_authority", "child_protection", "police",       "education",
      "migration",
      "other"};
  return kTypes;
}

namespace {

bool isIdentifier(std::string_view s) {
  if (s.empty() || s[0] < 'a' || s[0] > 'z') return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

// "signal.refer": two or more identifiers joined by dots.
bool isPermission(std::string_view s) {
  std::size_t parts = 0;
  while (true) {
    const auto dot = s.find('.');
    if (!isIdentifier(s.substr(0, dot))) return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    s.remove_prefix(dot + 1);
  }
  return parts >= 2;
}

bool isDateType(FieldType t) {
  return t == FieldType::Date || t == FieldType::PartialDate || t == FieldType::DateTime;
}

std::optional<FieldType> parseFieldType(std::string_view s) {
  for (const auto& [type, name] : kFieldTypes)
    if (name == s) return type;
  return std::nullopt;
}

std::string quote(std::string_view s) {
  return "'" + std::string(s) + "'";
}

// Mark lines are 0-based; absent nodes have none.
using yaml::lineOf;

struct Entry {
  YAML::Node value;
  int line = 0;  // of the key
};

// The keys of one YAML mapping, read once: duplicate and unknown keys are reported here.
class Object {
 public:
  [[nodiscard]] const Entry* get(std::string_view key) const {
    auto it = entries_.find(key);
    return it == entries_.end() ? nullptr : &it->second;
  }
  [[nodiscard]] bool has(std::string_view key) const { return get(key) != nullptr; }
  int line = 0;  // of the mapping itself

 private:
  friend class FileLoader;
  std::map<std::string, Entry, std::less<>> entries_;
};

struct PendingField {
  std::size_t index = 0;
  std::optional<YAML::Node> required_if, visible_if, computed;
};

// Reads one file into a Schema, reporting into a shared error list.
class FileLoader {
 public:
  FileLoader(std::string file, std::vector<FileError>& errors, Schema& schema,
             const std::set<std::string, std::less<>>& type_names)
      : file_(std::move(file)), errors_(errors), schema_(schema), type_names_(type_names) {}

  void error(int line, std::string message) { errors_.push_back({file_, std::max(line, 1), std::move(message)}); }

  void loadList(const YAML::Node& root);
  void loadType(const YAML::Node& root);
  void loadMigration(const YAML::Node& root);
  void loadRole(const YAML::Node& root);

 private:
  std::optional<Object> object(const YAML::Node& node, std::initializer_list<std::string_view> allowed,
                               const std::string& what, int fallback_line);
  std::optional<std::string> string(const Object& o, std::string_view key, const std::string& what);
  std::optional<bool> boolean(const Object& o, std::string_view key, const std::string& what);
  std::optional<double> number(const Object& o, std::string_view key, const std::string& what);
  std::optional<long long> integer(const Object& o, std::string_view key, const std::string& what);
  std::optional<std::vector<std::string>> strings(const Object& o, std::string_view key, const std::string& what,
                                                  bool scalar_ok = false);
  Translated labels(const Object& o, std::string_view key, const std::string& what, bool required);
  std::string name(const Object& o, std::string_view key, const std::string& what);

  std::optional<FieldDef> field(const YAML::Node& node, const std::string& type_name, PendingField& pending);
  void fieldRules(FieldDef& f, const Object& o, const std::string& what);
  std::optional<Condition> condition(const YAML::Node& node, const RecordType& type, const FieldDef& owner,
                                     const std::string& key);
  std::optional<Computed> computed(const YAML::Node& node, const RecordType& type, const FieldDef& owner);
  std::optional<Workflow> workflow(const YAML::Node& node, const RecordType& type);
  // A list of state names under `key`, each checked against the type's workflow; mistakes say
  // "<prefix> names '<state>', not a state of <type_what>".
  std::vector<std::string> workflowStates(const Object& o, std::string_view key, const std::string& what,
                                          const std::string& prefix, const RecordType& type,
                                          const std::string& type_what);
  std::optional<Json> typedValue(const YAML::Node& node, const FieldDef& target, const std::string& what);
  std::optional<Transition::Creates> createsOf(const Entry& entry, const std::string& twhat, const RecordType& type);
  // attachments, notice, checks, periodic_return (after the fields are read).
  void typeExtras(const Object& o, RecordType& type, const std::string& what);
  // The type's indexes, constraints and deadlines (after the fields and the workflow).
  void typeIndexes(const Object& o, RecordType& type, const std::string& what);
  void typeConstraints(const Object& o, RecordType& type, const std::string& what);
  void typeDeadlines(const Object& o, RecordType& type, const std::string& what);
  void typeSections(const Object& o, RecordType& type, const std::string& what);
  void typeNotify(const Object& o, RecordType& type, const std::string& what);

  std::string file_;
  std::vector<FileError>& errors_;
  Schema& schema_;
  const std::set<std::string, std::less<>>& type_names_;
};

std::optional<Object> FileLoader::object(const YAML::Node& node, std::initializer_list<std::string_view> allowed,
                                         const std::string& what, int fallback_line) {
  const int line = lineOf(node, fallback_line);
  if (!node.IsMap()) {
    error(line, what + " must be a mapping");
    return std::nullopt;
  }
  Object o;
  o.line = line;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const int key_line = lineOf(it->first, line);
    if (!it->first.IsScalar()) {
      error(key_line, "keys of " + what + " must be plain words");
      continue;
    }
    const std::string key = it->first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      error(key_line, "unknown key " + quote(key) + " in " + what);
      continue;
    }
    if (!o.entries_.emplace(key, Entry{it->second, key_line}).second)
      error(key_line, "duplicate key " + quote(key) + " in " + what);
  }
  return o;
}

std::optional<std::string> FileLoader::string(const Object& o, std::string_view key, const std::string& what) {
  const auto* e = o.get(key);
  if (!e) return std::nullopt;
  if (!e->value.IsScalar()) {
    error(e->line, quote(key) + " of " + what + (e->value.IsNull() ? " has no value" : " must be a single value"));
    return std::nullopt;
  }
  return e->value.Scalar();
}

std::optional<bool> FileLoader::boolean(const Object& o, std::string_view key, const std::string& what) {
  const auto* e = o.get(key);
  if (!e) return std::nullopt;
  bool b = false;
  if (!e->value.IsScalar() || !YAML::convert<bool>::decode(e->value, b)) {
    error(e->line, quote(key) + " of " + what + " must be true or false");
    return std::nullopt;
  }
  return b;
}

std::optional<double> FileLoader::number(const Object& o, std::string_view key, const std::string& what) {
  const auto* e = o.get(key);
  if (!e) return std::nullopt;
  double d = 0;
  if (e->value.IsScalar()) {
    const auto& s = e->value.Scalar();
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
    if (ec == std::errc() && end == s.data() + s.size() && std::isfinite(d)) return d;
  }
  error(e->line, quote(key) + " of " + what + " must be a number");
  return std::nullopt;
}

std::optional<long long> FileLoader::integer(const Object& o, std::string_view key, const std::string& what) {
  const auto* e = o.get(key);
  if (!e) return std::nullopt;
  long long v = 0;
  if (e->value.IsScalar()) {
    const auto& s = e->value.Scalar();
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && end == s.data() + s.size()) return v;
  }
  error(e->line, quote(key) + " of " + what + " must be an integer");
  return std::nullopt;
}

std::optional<std::vector<std::string>> FileLoader::strings(const Object& o, std::string_view key,
                                                            const std::string& what, bool scalar_ok) {
  const auto* e = o.get(key);
  if (!e) return std::nullopt;
  if (scalar_ok && e->value.IsScalar()) return std::vector<std::string>{e->value.Scalar()};
  std::vector<std::string> out;
  bool ok = e->value.IsSequence();
  if (ok)
    for (const auto& item : e->value) {
      if (!item.IsScalar()) {
        ok = false;
        break;
      }
      out.push_back(item.Scalar());
    }
  if (!ok) {
    error(e->line, quote(key) + " of " + what + " must be a list of values");
    return std::nullopt;
  }
  return out;
}

Translated FileLoader::labels(const Object& o, std::string_view key, const std::string& what, bool required) {
  Translated l;
  const auto* e = o.get(key);
  if (!e) {
    if (required) error(o.line, what + " has no " + std::string(key) + " (" + std::string(key) + ".az is required)");
    return l;
  }
  const std::string lwhat = std::string(key) + " of " + what;
  auto lo = object(e->value, {"az", "en", "ru"}, lwhat, e->line);
  if (!lo) return l;
  l.az = string(*lo, "az", lwhat).value_or("");
  l.en = string(*lo, "en", lwhat).value_or("");
  l.ru = string(*lo, "ru", lwhat).value_or("");
  if (l.az.empty()) error(e->line, lwhat + " has no az text (Azerbaijani is required)");
  return l;
}

std::string FileLoader::name(const Object& o, std::string_view key, const std::string& what) {
  auto s = string(o, key, what);
  if (!s) {
    if (!o.has(key)) error(o.line, what + " has no " + quote(key));
    return {};
  }
  if (!isIdentifier(*s)) {
    error(o.get(key)->line,
          quote(*s) + " is not a valid name (lower_snake_case: a-z, 0-9 and _, starting with a letter)");
    return {};
  }
  return *s;
}

void FileLoader::loadList(const YAML::Node& root) {
  auto o = object(root, {"list", "label", "values"}, "the value list", 1);
  if (!o) return;
  ValueList list;
  list.name = name(*o, "list", "the value list");
  list.file = file_;
  list.line = o->get("list") ? o->get("list")->line : o->line;
  const std::string what = list.name.empty() ? std::string("the value list") : "list " + quote(list.name);
  list.label = labels(*o, "label", what, true);
  const auto* values = o->get("values");
  if (!values) {
    error(o->line, what + " has no 'values'");
  } else if (!values->value.IsSequence() || values->value.size() == 0) {
    error(values->line, "'values' of " + what + " must be a non-empty list");
  } else {
    std::map<std::string, int> seen;
    for (const auto& item : values->value) {
      auto vo = object(item, {"code", "label", "retired"}, "a value of " + what, values->line);
      if (!vo) continue;
      ListValue v;
      v.code = name(*vo, "code", "a value of " + what);
      const std::string vwhat = v.code.empty() ? "a value of " + what : "value " + quote(v.code) + " of " + what;
      v.label = labels(*vo, "label", vwhat, true);
      v.retired = boolean(*vo, "retired", vwhat).value_or(false);
      if (v.code.empty()) continue;
      const int line = vo->get("code")->line;
      if (auto [it, fresh] = seen.emplace(v.code, line); !fresh) {
        error(line, "duplicate code " + quote(v.code) + " in " + what + " (first at line " +
                        std::to_string(it->second) + ")");
        continue;
      }
      list.values.push_back(std::move(v));
    }
  }
  if (list.name.empty()) return;
  if (const auto* first = schema_.list(list.name)) {
    error(list.line, "value list " + quote(list.name) + " is already declared in " + first->file + ":" +
                         std::to_string(first->line));
    return;
  }
  schema_.lists.emplace(list.name, std::move(list));
}

void FileLoader::loadRole(const YAML::Node& root) {
  auto o = object(root,
                  {"role", "label", "description", "agency_types", "scope", "identity", "admin", "break_glass",
                   "consent_override", "permissions", "offline"},
                  "the role", 1);
  if (!o) return;
  RoleDef r;
  r.name = name(*o, "role", "the role");
  r.file = file_;
  r.line = o->get("role") ? o->get("role")->line : o->line;
  const std::string what = r.name.empty() ? std::string("the role") : "role " + quote(r.name);
  r.label = labels(*o, "label", what, true);
  r.description = labels(*o, "description", what, false);
  if (auto types = strings(*o, "agency_types", what)) {
    for (const auto& t : *types)
      if (std::find(agencyTypes().begin(), agencyTypes().end(), t) == agencyTypes().end())
        error(o->get("agency_types")->line, "unknown agency type " + quote(t) + " in " + what);
    r.agency_types = *types;
  }
  if (auto sc = string(*o, "scope", what)) {
    static const std::pair<std::string_view, Scope> kScopes[] = {{"own", Scope::Own},
                                                                 {"assigned", Scope::Assigned},
                                                                 {"agency", Scope::Agency},
                                                                 {"region", Scope::Region},
                                                                 {"national", Scope::National}};
    const auto* it = std::find_if(std::begin(kScopes), std::end(kScopes), [&](const auto& p) { return p.first == *sc; });
    if (it == std::end(kScopes))
      error(o->get("scope")->line, "scope of " + what + " is one of own, assigned, agency, region, national");
    else
      r.scope = it->second;
  } else if (!o->has("scope")) {
    error(o->line, what + " has no 'scope' (own, assigned, agency, region or national)");
  }
  if (auto id = string(*o, "identity", what)) {
    if (*id == "none") r.identity = IdentityAccess::None;
    else if (*id == "read") r.identity = IdentityAccess::Read;
    else if (*id == "write") r.identity = IdentityAccess::Write;
    else error(o->get("identity")->line, "identity of " + what + " is one of none, read, write");
  }
  r.admin = boolean(*o, "admin", what).value_or(false);
  r.break_glass = boolean(*o, "break_glass", what).value_or(false);
  r.consent_override = boolean(*o, "consent_override", what).value_or(false);
  if (const auto* perms = o->get("permissions")) {
    if (!perms->value.IsMap()) {
      error(perms->line, "'permissions' of " + what + " maps a record type (or *) to a list of actions (or all)");
    } else {
      for (auto it = perms->value.begin(); it != perms->value.end(); ++it) {
        const int line = lineOf(it->first, perms->line);
        const std::string type = it->first.Scalar();
        if (type != "*" && !type_names_.count(type)) {
          error(line, what + " names unknown record type " + quote(type));
          continue;
        }
        std::vector<std::string> actions;
        // A copy: iterating `it->second` directly would walk a temporary yaml-cpp proxy.
        const YAML::Node list = it->second;
        if (list.IsScalar() && list.Scalar() == "all") {
          actions.push_back("*");
        } else if (list.IsSequence()) {
          for (const auto& a : list) {
            if (!a.IsScalar() || !isIdentifier(a.Scalar())) {
              error(lineOf(a, line), "actions of " + what + " are names (create, read, update, delete, restore, "
                                     "export or a transition)");
              continue;
            }
            actions.push_back(a.Scalar());
          }
        } else {
          error(line, "permissions of " + what + " for " + quote(type) + " are a list of actions or 'all'");
          continue;
        }
        r.permissions[type] = std::move(actions);
      }
    }
  }
  if (auto types = strings(*o, "offline", what)) {
    const int line = o->get("offline")->line;
    // What the role may do with a type: its own entry, else the "*" entry.
    auto may = [&](const std::string& type, const char* action) {
      for (const std::string& key : {type, std::string("*")})
        if (auto it = r.permissions.find(key); it != r.permissions.end())
          return std::find(it->second.begin(), it->second.end(), action) != it->second.end() ||
                 std::find(it->second.begin(), it->second.end(), "*") != it->second.end();
      return false;
    };
    std::set<std::string> seen;
    for (const auto& t : *types) {
      if (!type_names_.count(t)) {
        error(line, "'offline' of " + what + " names unknown record type " + quote(t));
        continue;
      }
      if (!seen.insert(t).second) {
        error(line, "'offline' of " + what + " names " + quote(t) + " twice");
        continue;
      }
      if (!may(t, "read") || !(may(t, "create") || may(t, "update")))
        error(line, "'offline' of " + what + " names " + quote(t) +
                        ", which the role may not read and create or update (a device keeps only what its user may work)");
    }
    r.offline = *types;
  }
  if (r.name.empty()) return;
  if (auto it = schema_.roles.find(r.name); it != schema_.roles.end()) {
    error(r.line, "role " + quote(r.name) + " is already declared in " + it->second.file + ":" +
                      std::to_string(it->second.line));
    return;
  }
  schema_.roles.emplace(r.name, std::move(r));
}

void FileLoader::loadMigration(const YAML::Node& root) {
  auto o = object(root, {"migration", "description", "steps"}, "the migration", 1);
  if (!o) return;
  DataMigration m;
  m.id = name(*o, "migration", "the migration");
  m.file = file_;
  m.line = o->get("migration") ? o->get("migration")->line : o->line;
  const std::string what = m.id.empty() ? std::string("the migration") : "migration " + quote(m.id);
  m.description = string(*o, "description", what).value_or("");
  if (m.description.empty()) error(o->line, what + " has no 'description' (say what happens to the data and why)");
  const auto* steps = o->get("steps");
  if (!steps) {
    error(o->line, what + " has no 'steps'");
  } else if (!steps->value.IsSequence() || steps->value.size() == 0) {
    error(steps->line, "'steps' of " + what + " must be a non-empty list");
  } else {
    using Kind = MigrationStep::Kind;
    static const std::pair<std::string_view, Kind> kKinds[] = {{"remove_field", Kind::RemoveField},
                                                               {"rename_field", Kind::RenameField},
                                                               {"map_values", Kind::MapValues},
                                                               {"reclassify_field", Kind::ReclassifyField},
                                                               {"remove_type", Kind::RemoveType},
                                                               {"text_to_enum", Kind::TextToEnum}};
    for (const auto& item : steps->value) {
      const int line = lineOf(item, steps->line);
      if (!item.IsMap() || item.size() != 1) {
        error(line, "a step of " + what +
                        " is one of remove_field, rename_field, map_values, reclassify_field, remove_type, text_to_enum");
        continue;
      }
      const std::string kind = item.begin()->first.Scalar();
      const auto* k = std::find_if(std::begin(kKinds), std::end(kKinds), [&](const auto& p) { return p.first == kind; });
      if (k == std::end(kKinds)) {
        error(line, "unknown step " + quote(kind) + " in " + what +
                        " (remove_field, rename_field, map_values, reclassify_field, remove_type, text_to_enum)");
        continue;
      }
      MigrationStep step;
      step.kind = k->second;
      step.line = line;
      const std::string swhat = quote(kind) + " of " + what;
      const YAML::Node body = item.begin()->second;
      std::optional<Object> so;
      switch (step.kind) {
        case Kind::RemoveField:
        case Kind::ReclassifyField:
          so = object(body, {"type", "field"}, swhat, line);
          break;
        case Kind::RenameField:
          so = object(body, {"type", "from", "to"}, swhat, line);
          break;
        case Kind::MapValues:
          so = object(body, {"type", "field", "map"}, swhat, line);
          break;
        case Kind::RemoveType:
          so = object(body, {"type"}, swhat, line);
          break;
        case Kind::TextToEnum:
          so = object(body, {"type", "field", "map"}, swhat, line);
          break;
      }
      if (!so) continue;
      step.type = name(*so, "type", swhat);
      if (step.kind == Kind::RenameField) {
        step.field = name(*so, "from", swhat);
        step.to = name(*so, "to", swhat);
        if (!step.field.empty() && step.field == step.to) error(line, swhat + " renames a field to itself");
      } else if (step.kind != Kind::RemoveType) {
        step.field = name(*so, "field", swhat);
      }
      if (step.kind == Kind::MapValues) {
        const auto* map = so->get("map");
        if (!map) {
          error(so->line, swhat + " has no 'map' (old code: new code)");
        } else if (!map->value.IsMap() || map->value.size() == 0) {
          error(map->line, "'map' of " + swhat + " must be a non-empty mapping of old code to new code");
        } else {
          for (auto it = map->value.begin(); it != map->value.end(); ++it) {
            if (!it->first.IsScalar() || !it->second.IsScalar() || !isIdentifier(it->first.Scalar()) ||
                !isIdentifier(it->second.Scalar())) {
              error(lineOf(it->first, map->line), "'map' of " + swhat + " maps a code to a code (lower_snake_case)");
              continue;
            }
            step.value_map[it->first.Scalar()] = it->second.Scalar();
          }
        }
      }
      if (step.kind == Kind::TextToEnum) {
        if (const auto* map = so->get("map")) {
          if (!map->value.IsMap()) {
            error(map->line, "'map' of " + swhat + " must be a mapping of a stored text to a code");
          } else {
            for (auto it = map->value.begin(); it != map->value.end(); ++it) {
              if (!it->first.IsScalar() || !it->second.IsScalar() || it->first.Scalar().empty() ||
                  !isIdentifier(it->second.Scalar())) {
                error(lineOf(it->first, map->line),
                      "'map' of " + swhat + " maps a stored text to a code (lower_snake_case)");
                continue;
              }
              step.value_map[it->first.Scalar()] = it->second.Scalar();
            }
          }
        }
      }
      m.steps.push_back(std::move(step));
    }
  }
  if (m.id.empty()) return;
  if (auto it = schema_.migrations.find(m.id); it != schema_.migrations.end()) {
    error(m.line, "migration " + quote(m.id) + " is already declared in " + it->second.file + ":" +
                      std::to_string(it->second.line));
    return;
  }
  schema_.migrations.emplace(m.id, std::move(m));
}

// Which field types each type-specific key applies to (a bit per FieldType).
constexpr unsigned bit(FieldType t) {
  return 1U << static_cast<unsigned>(t);
}
constexpr unsigned kNumeric = bit(FieldType::Integer) | bit(FieldType::Decimal) | bit(FieldType::Money);
constexpr unsigned kDates = bit(FieldType::Date) | bit(FieldType::PartialDate) | bit(FieldType::DateTime);
constexpr unsigned kTexts = bit(FieldType::Text) | bit(FieldType::LongText);
constexpr std::array<std::pair<std::string_view, unsigned>, 14> kKeyScopes = {{
    {"min", kNumeric},
    {"max", kNumeric},
    {"min_year", kDates},
    {"max_year", kDates},
    {"min_length", kTexts | bit(FieldType::MultiEnum)},
    {"max_length", kTexts | bit(FieldType::MultiEnum)},
    {"pattern", kTexts},
    {"pattern_message", kTexts},
    {"scale", bit(FieldType::Decimal)},
    {"values", bit(FieldType::Enum) | bit(FieldType::MultiEnum)},
    {"ref", bit(FieldType::Reference)},
    {"accept", bit(FieldType::Attachment)},
    {"max_bytes", bit(FieldType::Attachment)},
    {"visible_to_writer", bit(FieldType::Reference)},
}};

std::optional<FieldDef> FileLoader::field(const YAML::Node& node, const std::string& type_name, PendingField& pending) {
  const std::string owner = "type " + quote(type_name);
  // Name the field in errors about its keys when it has a usable name.
  std::string subject = "a field of " + owner;
  if (const YAML::Node& cnode = node;
      cnode.IsMap() && cnode["name"].IsDefined() && cnode["name"].IsScalar() && isIdentifier(cnode["name"].Scalar()))
    subject = "field " + quote(cnode["name"].Scalar());
  auto o = object(node, {"name",       "type",     "label",       "help",        "required",  "required_if",
                         "visible_if", "indexed",  "sensitivity", "name_search", "min",       "max",
                         "min_year",   "max_year", "min_length",  "max_length",  "pattern",   "pattern_message",
                         "scale",      "values",   "ref",         "accept",      "max_bytes", "computed",
                         "visible_to_writer", "word_search"},
                  subject, 1);
  if (!o) return std::nullopt;
  FieldDef f;
  f.line = o->line;
  f.name = name(*o, "name", "a field of " + owner);
  const std::string what = f.name.empty() ? "a field of " + owner : "field " + quote(f.name);
  f.label = labels(*o, "label", what, true);
  f.help = labels(*o, "help", what, false);
  f.required = boolean(*o, "required", what).value_or(false);
  f.indexed = boolean(*o, "indexed", what).value_or(false);
  f.name_search = boolean(*o, "name_search", what).value_or(false);
  f.word_search = boolean(*o, "word_search", what).value_or(false);
  f.visible_to_writer = boolean(*o, "visible_to_writer", what).value_or(false);
  if (auto s = string(*o, "sensitivity", what)) {
    auto it = std::find_if(kSensitivities.begin(), kSensitivities.end(), [&](const auto& p) { return p.second == *s; });
    if (it == kSensitivities.end())
      error(o->get("sensitivity")->line,
            "unknown sensitivity " + quote(*s) + " of " + what + " (statistical, case or identity)");
    else
      f.sensitivity = it->first;
  }
  bool typed = false;
  if (auto t = string(*o, "type", what)) {
    if (auto ft = parseFieldType(*t)) {
      f.type = *ft;
      typed = true;
    } else {
      error(o->get("type")->line, "unknown field type " + quote(*t) + " of " + what);
    }
  } else if (!o->has("type")) {
    error(o->line, what + " has no 'type'");
  }
  if (typed) {
    for (const auto& [key, types] : kKeyScopes)
      if (const auto* e = o->get(key); e && (types & bit(f.type)) == 0)
        error(e->line, quote(key) + " does not apply to " + what + " of type " + fieldTypeName(f.type));
    fieldRules(f, *o, what);
  }
  if (const auto* e = o->get("required_if")) pending.required_if = e->value;
  if (const auto* e = o->get("visible_if")) pending.visible_if = e->value;
  if (const auto* e = o->get("computed")) pending.computed = e->value;
  return f;
}

// Type-specific rules; keys that do not apply to the type were reported already.
void FileLoader::fieldRules(FieldDef& f, const Object& o, const std::string& what) {
  const bool numeric = f.type == FieldType::Integer || f.type == FieldType::Decimal || f.type == FieldType::Money;
  const bool texty = f.type == FieldType::Text || f.type == FieldType::LongText;
  if (numeric) {
    f.min = number(o, "min", what);
    f.max = number(o, "max", what);
  }
  if (isDateType(f.type)) {
    if (auto y = integer(o, "min_year", what)) f.min = static_cast<double>(*y);
    if (auto y = integer(o, "max_year", what)) f.max = static_cast<double>(*y);
  }
  if (f.min && f.max && *f.min > *f.max)
    error(o.get(numeric ? "min" : "min_year")->line, what + ": min is greater than max");

  if (texty || f.type == FieldType::MultiEnum) {
    auto length = [&](std::string_view key) -> std::optional<std::size_t> {
      auto v = integer(o, key, what);
      if (!v) return std::nullopt;
      if (*v >= 0) return static_cast<std::size_t>(*v);
      error(o.get(key)->line, quote(key) + " of " + what + " must not be negative");
      return std::nullopt;
    };
    f.min_length = length("min_length");
    f.max_length = length("max_length");
    if (f.min_length && f.max_length && *f.min_length > *f.max_length)
      error(o.get("min_length")->line, what + ": min_length is greater than max_length");
    if (!f.max_length && texty) f.max_length = f.type == FieldType::Text ? 500 : 20000;
  }
  if (texty) {
    if (auto p = string(o, "pattern", what)) {
      f.pattern = *p;
      try {
        f.pattern_regex = std::make_shared<const std::regex>(f.pattern, std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        error(o.get("pattern")->line, "invalid pattern of " + what + ": " + e.what());
      }
    }
    if (const auto* e = o.get("pattern_message")) {
      if (e->value.IsScalar())
        f.pattern_labels.az = e->value.Scalar();
      else
        f.pattern_labels = labels(o, "pattern_message", what, false);
      f.pattern_message = f.pattern_labels.en.empty() ? f.pattern_labels.az : f.pattern_labels.en;
      if (f.pattern.empty()) error(e->line, what + " has a pattern_message but no pattern");
    }
  }
  if (f.type == FieldType::Decimal)
    if (auto s = integer(o, "scale", what)) {
      if (*s < 0 || *s > 15)
        error(o.get("scale")->line, "'scale' of " + what + " must be between 0 and 15");
      else
        f.scale = static_cast<int>(*s);
    }
  if (f.type == FieldType::Enum || f.type == FieldType::MultiEnum) {
    if (auto v = string(o, "values", what)) {
      f.values = *v;
      if (!schema_.list(f.values))
        error(o.get("values")->line, what + " uses the unknown value list " + quote(f.values));
    } else if (!o.has("values")) {
      error(o.line, what + " of type " + fieldTypeName(f.type) + " has no 'values' (the name of a value list)");
    }
  }
  if (f.type == FieldType::Reference) {
    if (auto r = string(o, "ref", what)) {
      f.ref = *r;
      if (!type_names_.count(f.ref))
        error(o.get("ref")->line, what + " refers to the unknown record type " + quote(f.ref));
    } else if (!o.has("ref")) {
      error(o.line, what + " of type reference has no 'ref' (the record type it points to)");
    }
  }
  if (f.type == FieldType::Attachment) {
    if (auto a = strings(o, "accept", what)) {
      for (const auto& m : *a) {
        const auto slash = m.find('/');
        if (slash == std::string::npos || slash == 0 || slash + 1 == m.size())
          error(o.get("accept")->line, quote(m) + " in 'accept' of " + what + " is not a media type");
      }
      f.accept = *a;
    }
    if (auto b = integer(o, "max_bytes", what)) {
      if (*b <= 0)
        error(o.get("max_bytes")->line, "'max_bytes' of " + what + " must be positive");
      else
        f.max_bytes = static_cast<std::size_t>(*b);
    }
  }
  if (f.name_search) {
    if (f.type != FieldType::Text)
      error(o.get("name_search")->line, "name_search applies to text fields only (" + what + ")");
    else if (f.sensitivity != Sensitivity::Identity)
      error(o.get("name_search")->line, what + " has name_search but is not 'sensitivity: identity'");
  }
  if (f.word_search) {
    if (f.type != FieldType::Text)
      error(o.get("word_search")->line, "word_search applies to text fields only (" + what + ")");
    else if (f.sensitivity == Sensitivity::Identity)
      error(o.get("word_search")->line,
            what + " is 'sensitivity: identity': its words are searched with name_search (a keyed index), "
                   "not word_search");
  }
  if (f.indexed) {
    if (f.sensitivity == Sensitivity::Identity)
      error(o.get("indexed")->line, what + " is an identity field and cannot be indexed (it is stored encrypted)");
    else if (f.type == FieldType::LongText || f.type == FieldType::Attachment)
      error(o.get("indexed")->line, what + " of type " + fieldTypeName(f.type) + " cannot be indexed");
  }
}

// A YAML scalar as the JSON value a field of `target`'s type holds.
std::optional<Json> FileLoader::typedValue(const YAML::Node& node, const FieldDef& target, const std::string& what) {
  const int line = lineOf(node, 1);
  if (!node.IsScalar()) {
    error(line, what + " must be a single value");
    return std::nullopt;
  }
  const std::string& s = node.Scalar();
  switch (target.type) {
    case FieldType::Boolean: {
      bool b = false;
      if (YAML::convert<bool>::decode(node, b)) return Json(b);
      error(line, what + " must be true or false (field " + quote(target.name) + " is boolean)");
      return std::nullopt;
    }
    case FieldType::Integer:
    case FieldType::Money:
    case FieldType::Reference: {
      long long v = 0;
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec == std::errc() && end == s.data() + s.size()) return Json(v);
      error(line,
            what + " must be an integer (field " + quote(target.name) + " is " + fieldTypeName(target.type) + ")");
      return std::nullopt;
    }
    case FieldType::Decimal: {
      double d = 0;
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
      if (ec == std::errc() && end == s.data() + s.size()) return Json(d);
      error(line, what + " must be a number (field " + quote(target.name) + " is decimal)");
      return std::nullopt;
    }
    case FieldType::Enum:
    case FieldType::MultiEnum:
      if (const auto* list = schema_.list(target.values); list && !list->find(s)) {
        error(line, what + ": " + quote(s) + " is not a code of list " + quote(target.values));
        return std::nullopt;
      }
      return Json(s);
    default:
      return Json(s);
  }
}

std::optional<Condition> FileLoader::condition(const YAML::Node& node, const RecordType& type, const FieldDef& owner,
                                               const std::string& key) {
  const std::string what = quote(key) + " of field " + quote(owner.name);
  auto o = object(node, {"field", "equals", "in", "present", "absent"}, what, owner.line);
  if (!o) return std::nullopt;
  Condition c;
  auto target = string(*o, "field", what);
  if (!target) {
    if (!o->has("field")) error(o->line, what + " has no 'field'");
    return std::nullopt;
  }
  c.field = *target;
  const FieldDef* t = type.field(c.field);
  if (!t) {
    error(o->get("field")->line, what + " names the unknown field " + quote(c.field));
    return std::nullopt;
  }
  if (t == &owner) {
    error(o->get("field")->line, what + " names the field itself");
    return std::nullopt;
  }
  int ops = 0;
  for (const char* op : {"equals", "in", "present", "absent"}) ops += o->has(op) ? 1 : 0;
  if (ops != 1) {
    error(o->line, what + " needs exactly one of equals, in, present, absent");
    return std::nullopt;
  }
  if (const auto* e = o->get("equals")) {
    c.op = Condition::Op::Equals;
    auto v = typedValue(e->value, *t, what);
    if (!v) return std::nullopt;
    c.value = std::move(*v);
  } else if (const auto* in = o->get("in")) {
    c.op = Condition::Op::In;
    if (!in->value.IsSequence() || in->value.size() == 0) {
      error(in->line, "'in' of " + what + " must be a non-empty list");
      return std::nullopt;
    }
    c.value = Json::array();
    for (const auto& item : in->value) {
      auto v = typedValue(item, *t, what);
      if (!v) return std::nullopt;
      c.value.push_back(std::move(*v));
    }
  } else {
    const bool present = o->has("present");
    auto flag = boolean(*o, present ? "present" : "absent", what);
    if (!flag) return std::nullopt;
    if (!*flag) {
      error(o->get(present ? "present" : "absent")->line, what + ": write '" + (present ? "absent" : "present") +
                                                              ": true' instead of '" +
                                                              (present ? "present" : "absent") + ": false'");
      return std::nullopt;
    }
    c.op = present ? Condition::Op::Present : Condition::Op::Absent;
  }
  return c;
}

struct ComputedFunction {
  std::string_view name;
  std::size_t arity;
  FieldType result;
};
constexpr std::array<ComputedFunction, 3> kComputed = {{
    {"age_years", 2, FieldType::Integer},
    {"minor_at", 2, FieldType::Boolean},
    {"year_of", 1, FieldType::Integer},
}};

std::optional<Computed> FileLoader::computed(const YAML::Node& node, const RecordType& type, const FieldDef& owner) {
  const std::string what = "'computed' of field " + quote(owner.name);
  auto o = object(node, {"function", "args"}, what, owner.line);
  if (!o) return std::nullopt;
  Computed c;
  auto fn = string(*o, "function", what);
  auto args = strings(*o, "args", what);
  if (!fn) {
    if (!o->has("function")) error(o->line, what + " has no 'function'");
    return std::nullopt;
  }
  c.function = *fn;
  auto it = std::find_if(kComputed.begin(), kComputed.end(), [&](const auto& f) { return f.name == c.function; });
  if (it == kComputed.end()) {
    error(o->get("function")->line,
          what + ": unknown function " + quote(c.function) + " (age_years, minor_at or year_of)");
    return std::nullopt;
  }
  bool ok = true;
  if (owner.type != it->result) {
    error(o->get("function")->line, c.function + " gives " +
                                        (it->result == FieldType::Boolean ? "a boolean" : "an integer") + ": field " +
                                        quote(owner.name) + " must be of type " + fieldTypeName(it->result));
    ok = false;
  }
  if (!args) {
    if (!o->has("args")) error(o->line, what + " has no 'args'");
    return std::nullopt;
  }
  const int args_line = o->get("args")->line;
  if (args->size() != it->arity) {
    error(args_line, c.function + " takes " + std::to_string(it->arity) + " argument" + (it->arity == 1 ? "" : "s") +
                         ", got " + std::to_string(args->size()));
    return std::nullopt;
  }
  for (const auto& a : *args) {
    const FieldDef* f = type.field(a);
    if (!f) {
      error(args_line, "argument " + quote(a) + " of " + c.function + " is not a field of type " + quote(type.name));
      ok = false;
    } else if (!isDateType(f->type)) {
      error(args_line, "argument " + quote(a) + " of " + c.function +
                           " must be a date, partial_date or datetime field, not " + fieldTypeName(f->type));
      ok = false;
    } else if (f == &owner) {
      error(args_line, "field " + quote(owner.name) + " is computed from itself");
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  c.args = std::move(*args);
  return c;
}

void FileLoader::typeExtras(const Object& o, RecordType& type, const std::string& what) {
  if (auto a = string(o, "attachments", what)) {
    if (*a != "never") error(o.get("attachments")->line, "'attachments' of " + what + " can only be 'never'");
    type.attachments_never = true;
    for (const auto& f : type.fields)
      if (f.type == FieldType::Attachment)
        error(f.line, "field " + quote(f.name) + " is an attachment, but " + what + " says attachments: never");
  }
  if (o.has("notice")) type.notice = labels(o, "notice", what, true);
  if (const auto* cs = o.get("checks")) {
    if (!cs->value.IsSequence()) error(cs->line, "'checks' of " + what + " must be a list");
    else
      for (const auto& item : cs->value) {
        const std::string cwhat = "a check of " + what;
        auto co = object(item, {"left", "op", "right", "message"}, cwhat, cs->line);
        if (!co) continue;
        RecordType::Check c;
        c.line = co->line;
        if (auto l = string(*co, "left", cwhat)) c.left = *l;
        if (auto r = string(*co, "right", cwhat)) c.right = *r;
        if (auto op = string(*co, "op", cwhat)) c.op = *op;
        c.message = labels(*co, "message", cwhat, true);
        static const std::set<std::string, std::less<>> kOps = {"<", "<=", ">", ">=", "==", "!="};
        if (!kOps.count(c.op)) error(c.line, cwhat + ": 'op' is one of <, <=, >, >=, ==, !=");
        const FieldDef* l = type.field(c.left);
        const FieldDef* r = type.field(c.right);
        auto comparable = [](const FieldDef* f) {
          return f && (f->type == FieldType::Integer || f->type == FieldType::Decimal || f->type == FieldType::Money ||
                       f->type == FieldType::Date);
        };
        if (!comparable(l) || !comparable(r))
          error(c.line, cwhat + ": 'left' and 'right' must name integer, decimal, money or date fields");
        else if ((l->type == FieldType::Date) != (r->type == FieldType::Date))
          error(c.line, cwhat + ": a date can only be compared with a date");
        else if (l->sensitivity == Sensitivity::Identity || r->sensitivity == Sensitivity::Identity)
          error(c.line, cwhat + ": identity fields cannot be compared");
        type.checks.push_back(std::move(c));
      }
  }
  const auto* pr = o.get("periodic_return");
  if (!pr) return;
  const std::string pwhat = "'periodic_return' of " + what;
  auto po = object(pr->value, {"period", "agency_types", "due_days", "since"}, pwhat, pr->line);
  if (!po) return;
  RecordType::PeriodicReturn r;
  using Period = RecordType::PeriodicReturn::Period;
  const auto kind = string(*po, "period", pwhat);
  if (kind == "month") r.period = Period::Month;
  else if (kind == "quarter") r.period = Period::Quarter;
  else if (kind == "year") r.period = Period::Year;
  else error(po->line, pwhat + ": 'period' is month, quarter or year");
  if (auto ts = strings(*po, "agency_types", pwhat)) r.agency_types = *ts;
  if (r.agency_types.empty()) error(po->line, pwhat + " needs 'agency_types' (who reports it)");
  for (const auto& t : r.agency_types)
    if (std::find(agencyTypes().begin(), agencyTypes().end(), t) == agencyTypes().end())
      error(po->line, pwhat + ": unknown agency type " + quote(t));
  if (auto d = integer(*po, "due_days", pwhat)) {
    if (*d < 0 || *d > 366) error(po->line, pwhat + ": 'due_days' is 0 to 366");
    else r.due_days = static_cast<int>(*d);
  }
  PartialDate since;
  if (auto s = string(*po, "since", pwhat); !s || !parsePartialDate(*s, since) || !since.day)
    error(po->line, pwhat + ": 'since' is the first day expected, YYYY-MM-DD");
  else
    r.since = since.year * 10000 + since.month * 100 + since.day;
  // The fields the engine keeps: the period as typed, its bounds and the reporting agency.
  auto need = [&](const char* name, FieldType t, const char* fn) {
    FieldDef* f = nullptr;
    for (auto& x : type.fields)
      if (x.name == name) f = &x;
    if (!f || f->type != t) {
      error(po->line, pwhat + " needs a field " + quote(name) + " of type " + fieldTypeName(t));
      return;
    }
    if (fn) {
      if (f->required) error(f->line, "field " + quote(name) + " is computed by the engine and cannot be required");
      f->computed = Computed{fn, {"period"}};
    }
  };
  need("period", FieldType::Text, nullptr);
  need("period_from", FieldType::Date, "period_start");
  need("period_to", FieldType::Date, "period_end");
  need("reporting_agency", FieldType::Integer, "reporting_agency");
  for (auto& f : type.fields)
    if (f.name == "period") {
      if (!f.pattern.empty()) error(f.line, "the period's format comes from periodic_return.period; remove 'pattern'");
      static const char* kPattern[] = {"^[0-9]{4}-(0[1-9]|1[0-2])$", "^[0-9]{4}-Q[1-4]$", "^[0-9]{4}$"};
      static const Translated kMessage[] = {{"ay: YYYY-MM", "a month YYYY-MM", "месяц ГГГГ-ММ"},
                                            {"rüb: YYYY-Qn", "a quarter YYYY-Qn", "квартал ГГГГ-Qn"},
                                            {"il: YYYY", "a year YYYY", "год ГГГГ"}};
      const auto k = static_cast<std::size_t>(r.period);
      f.pattern = kPattern[k];
      f.pattern_message = kMessage[k].en;
      f.pattern_labels = kMessage[k];
      f.pattern_regex = std::make_shared<const std::regex>(f.pattern, std::regex::ECMAScript);
    }
  if (!type.workflow || std::find(type.workflow->states.begin(), type.workflow->states.end(), "approved") ==
                            type.workflow->states.end())
    error(po->line, pwhat + ": the workflow needs a state 'approved' (the statistics read approved returns)");
  type.periodic_return = std::move(r);
}

std::optional<Workflow> FileLoader::workflow(const YAML::Node& node, const RecordType& type) {
  const std::string what = "the workflow of " + quote(type.name);
  auto o = object(node, {"initial", "initial_date", "states", "transitions"}, what, type.line);
  if (!o) return std::nullopt;
  Workflow w;
  std::map<std::string, int> states;
  if (const auto* s = o->get("states"); !s) {
    error(o->line, what + " has no 'states'");
  } else if (!s->value.IsSequence() || s->value.size() == 0) {
    error(s->line, "'states' of " + what + " must be a non-empty list");
  } else {
    for (const auto& item : s->value) {
      auto so = object(item, {"name", "label"}, "a state of " + what, s->line);
      if (!so) continue;
      const std::string state = name(*so, "name", "a state of " + what);
      const Translated label = labels(*so, "label", state.empty() ? "a state" : "state " + quote(state), true);
      if (state.empty()) continue;
      if (auto [it, fresh] = states.emplace(state, so->line); !fresh) {
        error(so->line, "duplicate state " + quote(state) + " (first at line " + std::to_string(it->second) + ")");
        continue;
      }
      w.states.push_back(state);
      w.state_labels[state] = label;
    }
  }
  const bool have_states = !w.states.empty();
  if (auto initial = string(*o, "initial", what)) {
    w.initial = *initial;
    if (have_states && !states.count(w.initial))
      error(o->get("initial")->line, "initial state " + quote(w.initial) + " is not among the states of " + what);
  } else if (!o->has("initial")) {
    error(o->line, what + " has no 'initial' state");
  }
  auto dateField = [&](const std::string& name, int line, const std::string& whose) {
    const auto* f = type.field(name);
    if (!f || (f->type != FieldType::Date && f->type != FieldType::DateTime) || f->sensitivity == Sensitivity::Identity)
      error(line, whose + " must name a date or datetime field");
  };
  if (auto d = string(*o, "initial_date", what)) {
    w.initial_date = *d;
    dateField(*d, o->get("initial_date")->line, "'initial_date' of " + what);
  }
  if (const auto* ts = o->get("transitions")) {
    if (!ts->value.IsSequence()) {
      error(ts->line, "'transitions' of " + what + " must be a list");
    } else {
      std::map<std::string, int> seen;
      for (const auto& item : ts->value) {
        auto to = object(item, {"name", "from", "to", "permission", "requires", "label", "effective_date", "actor_agency_field",
                                "creates"},
                         "a transition of " + what,
                         ts->line);
        if (!to) continue;
        Transition t;
        t.line = to->line;
        t.name = name(*to, "name", "a transition of " + what);
        const std::string twhat = t.name.empty() ? "a transition" : "transition " + quote(t.name);
        t.label = labels(*to, "label", twhat, true);
        if (auto from = strings(*to, "from", twhat, true)) {
          for (const auto& f : *from)
            if (have_states && !states.count(f))
              error(to->get("from")->line, twhat + " leaves from the unknown state " + quote(f));
          t.from = std::move(*from);
        }
        if (auto dest = string(*to, "to", twhat)) {
          t.to = *dest;
          if (have_states && !states.count(t.to))
            error(to->get("to")->line, twhat + " goes to the unknown state " + quote(t.to));
        } else if (!to->has("to")) {
          error(to->line, twhat + " has no 'to' state");
        }
        if (auto p = string(*to, "permission", twhat)) {
          t.permission = *p;
          if (!isPermission(t.permission) || t.permission.find('.') != type.name.size() ||
              t.permission.compare(0, type.name.size(), type.name) != 0)
            error(to->get("permission")->line, "permission " + quote(t.permission) + " of " + twhat +
                                                   " is not of the form " + type.name + ".action");
        } else if (!to->has("permission")) {
          error(to->line, twhat + " has no 'permission'");
        }
        if (auto req = strings(*to, "requires", twhat)) {
          for (const auto& f : *req)
            if (!type.field(f)) error(to->get("requires")->line, twhat + " requires the unknown field " + quote(f));
          t.requires_fields = std::move(*req);
        }
        if (auto d = string(*to, "effective_date", twhat)) {
          t.effective_date = *d;
          dateField(*d, to->get("effective_date")->line, "'effective_date' of " + twhat);
        }
        if (auto a = string(*to, "actor_agency_field", twhat)) {
          t.actor_agency_field = *a;
          const FieldDef* f = type.field(*a);
          if (!f || f->type != FieldType::Integer)
            error(to->get("actor_agency_field")->line,
                  "'actor_agency_field' of " + twhat + " must name an integer field (an agency id), not " + quote(*a));
        }
        if (const auto* c = to->get("creates")) t.creates = createsOf(*c, twhat, type);
        if (t.name.empty()) continue;
        if (auto [it, fresh] = seen.emplace(t.name, t.line); !fresh) {
          error(t.line,
                "duplicate transition " + quote(t.name) + " (first at line " + std::to_string(it->second) + ")");
          continue;
        }
        w.transitions.push_back(std::move(t));
      }
    }
  }
  return w;
}

// `creates: {type: signal, link: signal, copy: {received_at: referred_at}, set: {source: raid}}`.
// The other type's fields are checked once every type is loaded (checkCreates).
std::optional<Transition::Creates> FileLoader::createsOf(const Entry& entry, const std::string& twhat,
                                                         const RecordType& type) {
  const std::string what = "'creates' of " + twhat;
  auto o = object(entry.value, {"type", "link", "copy", "set"}, what, entry.line);
  if (!o) return std::nullopt;
  Transition::Creates c;
  c.line = o->line;
  if (auto t = string(*o, "type", what)) c.type = *t;
  if (auto l = string(*o, "link", what)) c.link_field = *l;
  if (c.type.empty() || c.link_field.empty()) {
    error(o->line, what + " needs 'type' (the record type created) and 'link' (the field that points at it)");
    return std::nullopt;
  }
  const FieldDef* link = type.field(c.link_field);
  if (!link || link->type != FieldType::Reference || link->ref != c.type)
    error(o->get("link")->line, what + ": 'link' must name a reference field to " + quote(c.type) + ", not " +
                                    quote(c.link_field));
  auto pairs = [&](std::string_view key, auto&& each) {
    const Entry* e = o->get(key);
    if (!e) return;
    if (!e->value.IsMap()) {
      error(e->line, "'" + std::string(key) + "' of " + what + " must be a mapping of field names");
      return;
    }
    for (auto it = e->value.begin(); it != e->value.end(); ++it) {
      const bool list_of_plain = key == "set" && it->second.IsSequence() &&
                                 std::all_of(it->second.begin(), it->second.end(), [](const YAML::Node& n) { return n.IsScalar(); });
      if (!it->first.IsScalar() || (!it->second.IsScalar() && !list_of_plain)) {
        error(lineOf(it->first, e->line), "'" + std::string(key) + "' of " + what + " maps field names to plain values");
        continue;
      }
      each(it->first.Scalar(), it->second, lineOf(it->first, e->line));
    }
  };
  pairs("copy", [&](const std::string& to, const YAML::Node& from, int line) {
    const FieldDef* f = type.field(from.Scalar());
    if (!f) error(line, what + " copies the unknown field " + quote(from.Scalar()));
    else if (f->sensitivity == Sensitivity::Identity)
      error(line, what + " copies the identity field " + quote(from.Scalar()) + " (identity is never copied)");
    c.copy.emplace_back(to, from.Scalar());
  });
  pairs("set", [&](const std::string& to, const YAML::Node& value, int) {
    if (value.IsSequence()) {  // a multi_enum's codes
      Json list = Json::array();
      for (const auto& item : value) list.push_back(item.Scalar());
      c.set.emplace_back(to, std::move(list));
      return;
    }
    const std::string& v = value.Scalar();
    Json j = v;
    if (value.Tag() != "!") {  // unquoted: true/false and integers keep their type
      if (v == "true" || v == "false") j = v == "true";
      else if (!v.empty() && v.find_first_not_of("-0123456789") == std::string::npos && v != "-")
        j = std::stoll(v);
    }
    c.set.emplace_back(to, std::move(j));
  });
  return c;
}

std::vector<std::string> FileLoader::workflowStates(const Object& o, std::string_view key, const std::string& what,
                                                    const std::string& prefix, const RecordType& type,
                                                    const std::string& type_what) {
  auto v = strings(o, key, what);
  if (!v) return {};
  for (const auto& st : *v)
    if (!type.workflow ||
        std::find(type.workflow->states.begin(), type.workflow->states.end(), st) == type.workflow->states.end())
      error(o.get(key)->line, prefix + " names " + quote(st) + ", not a state of " + type_what);
  return *v;
}

// indexes: [[field, field, ...], ...]: equality on the leading fields, range and sort on the last.
void FileLoader::typeIndexes(const Object& o, RecordType& type, const std::string& what) {
  if (const auto* ix = o.get("indexes")) {
    // indexes: [[field, field, ...], ...]
    if (!ix->value.IsSequence()) {
      error(ix->line, "'indexes' of " + what + " is a list of field lists, e.g. [[source, received_at]]");
    } else {
      for (const auto& item : ix->value) {
        const int line = lineOf(item, ix->line);
        std::vector<std::string> fields;
        bool ok = item.IsSequence() && item.size() >= 2 && item.size() <= 4;
        if (ok)
          for (const auto& f : item) {
            const std::string fname = f.IsScalar() ? f.Scalar() : std::string();
            const auto* def = type.field(fname);
            const bool column = fname == "state" || fname == "created_at" || fname == "updated_at";
            if (!column && (!def || def->sensitivity == Sensitivity::Identity)) {
              error(line, "index of " + what + " names " + quote(fname) +
                              ", which is not a stored non-identity field (or state, created_at, updated_at)");
              ok = false;
            }
            fields.push_back(fname);
          }
        else
          error(line, "an index of " + what + " lists 2 to 4 fields");
        if (ok) type.indexes.push_back(std::move(fields));
      }
    }
  }
}

// constraints: unique or capacity rules checked inside the write's transaction.
void FileLoader::typeConstraints(const Object& o, RecordType& type, const std::string& what) {
  if (const auto* cs = o.get("constraints")) {
    if (!cs->value.IsSequence()) {
      error(cs->line, "'constraints' of " + what + " must be a list");
    } else {
      for (const auto& item : cs->value) {
        auto co = object(item,
                         {"name", "unique", "capacity", "during", "when", "states", "except_states",
                          "override_permission", "message"},
                         "a constraint of " + what, cs->line);
        if (!co) continue;
        Constraint c;
        c.line = co->line;
        c.name = name(*co, "name", "a constraint of " + what);
        const std::string cwhat = "constraint " + quote(c.name) + " of " + what;
        c.message = labels(*co, "message", cwhat, true);
        c.states = workflowStates(*co, "states", cwhat, quote("states") + " of " + cwhat, type, what);
        c.except_states =
            workflowStates(*co, "except_states", cwhat, quote("except_states") + " of " + cwhat, type, what);
        if (auto perm = string(*co, "override_permission", cwhat)) c.override_permission = *perm;
        if (const auto* w = co->get("when")) {
          FieldDef owner;
          owner.name = "constraint " + c.name;
          owner.line = w->line;
          c.when = condition(w->value, type, owner, "when");
        }
        const bool unique = co->has("unique"), capacity = co->has("capacity");
        if (unique == capacity) {
          error(co->line, cwhat + " needs exactly one of 'unique' or 'capacity'");
          continue;
        }
        if (unique) {
          c.kind = Constraint::Kind::Unique;
          if (co->has("during"))
            error(co->get("during")->line, "'during' of " + cwhat + " belongs to a 'capacity' constraint");
          if (auto fs = strings(*co, "unique", cwhat)) c.fields = *fs;
          if (c.fields.empty()) error(co->get("unique")->line, "'unique' of " + cwhat + " lists one or more fields");
          for (const auto& f : c.fields) {
            const auto* def = type.field(f);
            if (!def || def->sensitivity == Sensitivity::Identity ||
                def->type == FieldType::MultiEnum || def->type == FieldType::LongText)
              error(co->get("unique")->line, "'unique' of " + cwhat + " names " + quote(f) +
                                                 ", which is not a stored single-valued non-identity field");
          }
        } else {
          c.kind = Constraint::Kind::Capacity;
          const auto* cap = co->get("capacity");
          if (auto cap_o = object(cap->value, {"ref", "field"}, "'capacity' of " + cwhat, cap->line)) {
            if (auto r = string(*cap_o, "ref", cwhat)) c.ref_field = *r;
            if (auto f = string(*cap_o, "field", cwhat)) c.capacity_field = *f;
            const auto* ref = type.field(c.ref_field);
            if (!ref || ref->type != FieldType::Reference)
              error(cap->line, "'capacity.ref' of " + cwhat + " must name a reference field");
            if (c.capacity_field.empty()) error(cap->line, "'capacity.field' of " + cwhat + " is required");
          }
          if (const auto* d = co->get("during")) {
            if (auto d_o = object(d->value, {"from", "to", "counts"}, "'during' of " + cwhat, d->line)) {
              Constraint::During during;
              if (auto f = string(*d_o, "from", cwhat)) during.from = *f;
              if (auto t = string(*d_o, "to", cwhat)) during.to = *t;
              for (const auto* key : {"from", "to"}) {
                const std::string& field = std::string_view(key) == "from" ? during.from : during.to;
                const auto* def = type.field(field);
                if (!def || def->type != FieldType::Date)
                  error(d->line, "'during." + std::string(key) + "' of " + cwhat + " must name a date field of " +
                                     what);
              }
              during.counts = workflowStates(*d_o, "counts", cwhat, quote("during.counts") + " of " + cwhat, type,
                                             what);
              c.during = std::move(during);
            }
          }
        }
        type.constraints.push_back(std::move(c));
      }
    }
  }
}

// deadlines: time limits on records in some states.
void FileLoader::typeDeadlines(const Object& o, RecordType& type, const std::string& what) {
  if (const auto* ds = o.get("deadlines")) {
    if (!ds->value.IsSequence()) {
      error(ds->line, "'deadlines' of " + what + " must be a list");
    } else {
      for (const auto& item : ds->value) {
        auto d_o = object(item, {"name", "label", "states", "from", "within", "done_field", "permission", "agency_field"},
                          "a deadline of " + what, ds->line);
        if (!d_o) continue;
        Deadline d;
        d.line = d_o->line;
        d.name = name(*d_o, "name", "a deadline of " + what);
        const std::string dwhat = "deadline " + quote(d.name) + " of " + what;
        d.label = labels(*d_o, "label", dwhat, true);
        d.states = workflowStates(*d_o, "states", dwhat, dwhat, type, what);
        if (auto f = string(*d_o, "from", dwhat)) d.from = *f;
        const auto* from = type.field(d.from);
        if (!from || (from->type != FieldType::Date && from->type != FieldType::DateTime) || !from->indexed)
          error(d_o->line, dwhat + ": 'from' must name an indexed date or datetime field");
        if (auto f = string(*d_o, "done_field", dwhat)) {
          d.done_field = *f;
          if (!type.field(d.done_field)) error(d_o->get("done_field")->line, dwhat + ": 'done_field' is not a field");
        }
        if (auto p = string(*d_o, "permission", dwhat)) d.permission = *p;
        if (auto a = string(*d_o, "agency_field", dwhat)) {
          d.agency_field = *a;
          const auto* f = type.field(d.agency_field);
          if (!f || f->type != FieldType::Integer || !f->indexed)
            error(d_o->get("agency_field")->line,
                  dwhat + ": 'agency_field' must name an indexed integer field (an agency id), not " + quote(*a));
        }
        if (const auto* w = d_o->get("within")) {
          if (auto wo = object(w->value, {"hours", "days"}, "'within' of " + dwhat, w->line)) {
            if (auto h = integer(*wo, "hours", dwhat)) d.within_seconds += *h * 3600;
            if (auto dd = integer(*wo, "days", dwhat)) d.within_seconds += *dd * 86400;
          }
        } else {
          error(d_o->line, dwhat + " needs 'within': {hours: N} or {days: N} (0 for due on the date itself)");
        }
        type.deadlines.push_back(std::move(d));
      }
    }
  }
}

// sections: the record page's parts, each a heading and its fields; a field in one section at most.
void FileLoader::typeSections(const Object& o, RecordType& type, const std::string& what) {
  const auto* ss = o.get("sections");
  if (!ss) return;
  if (!ss->value.IsSequence()) {
    error(ss->line, "'sections' of " + what + " must be a list");
    return;
  }
  std::map<std::string, std::string> placed;  // field -> its section
  std::set<std::string> names;
  for (const auto& item : ss->value) {
    auto so = object(item, {"name", "label", "fields"}, "a section of " + what, ss->line);
    if (!so) continue;
    Section s;
    s.line = so->line;
    s.name = name(*so, "name", "a section of " + what);
    const std::string swhat = "section " + quote(s.name) + " of " + what;
    if (!s.name.empty() && !names.insert(s.name).second) error(s.line, "duplicate " + swhat);
    s.label = labels(*so, "label", swhat, true);
    if (auto fs = strings(*so, "fields", swhat)) s.fields = *fs;
    if (s.fields.empty()) error(s.line, "'fields' of " + swhat + " lists one or more fields");
    for (const auto& f : s.fields) {
      if (!type.field(f)) {
        error(so->get("fields") ? so->get("fields")->line : s.line,
              "'fields' of " + swhat + " names " + quote(f) + ", not a field of " + what);
      } else if (auto [it, fresh] = placed.emplace(f, s.name); !fresh) {
        error(so->get("fields")->line, "field " + quote(f) + " is in section " + quote(it->second) + " already");
      }
    }
    type.sections.push_back(std::move(s));
  }
}

// notify: who is told of a new record (an agency's users) or of a changed assignee (a user).
void FileLoader::typeNotify(const Object& o, RecordType& type, const std::string& what) {
  const auto* ns = o.get("notify");
  if (!ns) return;
  if (!ns->value.IsSequence()) {
    error(ns->line, "'notify' of " + what + " must be a list");
    return;
  }
  std::set<std::string> names;
  for (const auto& item : ns->value) {
    auto no = object(item, {"name", "on", "agency_field", "permission", "user_field", "message"},
                     "a notification of " + what, ns->line);
    if (!no) continue;
    Notify n;
    n.line = no->line;
    n.name = name(*no, "name", "a notification of " + what);
    const std::string nwhat = "notification " + quote(n.name) + " of " + what;
    if (!n.name.empty() && !names.insert(n.name).second) error(n.line, "duplicate " + nwhat);
    n.message = labels(*no, "message", nwhat, true);
    const std::string on = string(*no, "on", nwhat).value_or("");
    if (on == "create") {
      n.on = Notify::On::Create;
    } else if (on == "change") {
      n.on = Notify::On::Change;
    } else {
      error(no->get("on") ? no->get("on")->line : n.line, "'on' of " + nwhat + " is create or change");
      continue;
    }
    auto integerField = [&](const char* key, std::string& out) {
      if (auto f = string(*no, key, nwhat)) {
        out = *f;
        const FieldDef* def = type.field(*f);
        if (!def || def->type != FieldType::Integer)
          error(no->get(key)->line, "'" + std::string(key) + "' of " + nwhat + " must name an integer field, not " +
                                        quote(*f));
      }
    };
    integerField("agency_field", n.agency_field);
    integerField("user_field", n.user_field);
    if (auto p = string(*no, "permission", nwhat)) n.permission = *p;
    if (n.on == Notify::On::Create && n.agency_field.empty())
      error(n.line, nwhat + " on create names the agency whose users are told ('agency_field')");
    if (n.on == Notify::On::Change && n.user_field.empty())
      error(n.line, nwhat + " on change names the field that names the user ('user_field')");
    if (n.on == Notify::On::Change && !n.agency_field.empty())
      error(no->get("agency_field")->line, "'agency_field' of " + nwhat + " belongs to a notification on create");
    type.notify.push_back(std::move(n));
  }
}

void FileLoader::loadType(const YAML::Node& root) {
  auto o = object(root,
                  {"type", "label", "title_field", "fields", "workflow", "consent", "shares_on_create", "indexes",
                   "constraints", "rules", "deadlines", "attachments", "notice", "checks", "periodic_return",
                   "sections", "notify"},
                  "the record type", 1);
  if (!o) return;
  RecordType type;
  type.file = file_;
  type.name = name(*o, "type", "the record type");
  type.line = o->get("type") ? o->get("type")->line : o->line;
  const std::string what = type.name.empty() ? std::string("the record type") : "type " + quote(type.name);
  type.label = labels(*o, "label", what, true);

  std::vector<PendingField> pending;
  if (const auto* fs = o->get("fields"); !fs) {
    error(o->line, what + " has no 'fields'");
  } else if (!fs->value.IsSequence() || fs->value.size() == 0) {
    error(fs->line, "'fields' of " + what + " must be a non-empty list");
  } else {
    std::map<std::string, int> seen;
    for (const auto& item : fs->value) {
      PendingField p;
      auto f = field(item, type.name, p);
      if (!f || f->name.empty()) continue;
      if (isReservedFieldName(f->name)) {
        error(f->line, "field name " + quote(f->name) +
                           " is reserved (a record attribute or a list parameter of the API); choose another");
        continue;
      }
      if (auto [it, fresh] = seen.emplace(f->name, f->line); !fresh) {
        error(f->line, "duplicate field " + quote(f->name) + " in " + what + " (first at line " +
                           std::to_string(it->second) + ")");
        continue;
      }
      p.index = type.fields.size();
      type.fields.push_back(std::move(*f));
      pending.push_back(std::move(p));
    }
  }
  // Conditions and computed fields may name fields declared after them.
  for (const auto& p : pending) {
    FieldDef& f = type.fields[p.index];
    if (p.required_if) f.required_if = condition(*p.required_if, type, f, "required_if");
    if (p.visible_if) f.visible_if = condition(*p.visible_if, type, f, "visible_if");
    if (p.computed) {
      f.computed = computed(*p.computed, type, f);
      if (f.required) error(f.line, "field " + quote(f.name) + " is computed and cannot be required");
    }
  }
  for (const auto& p : pending) {
    const FieldDef& f = type.fields[p.index];
    if (!f.computed) continue;
    for (const auto& a : f.computed->args)
      if (const auto* arg = type.field(a); arg && arg->computed)
        error(f.line, "argument " + quote(a) + " of " + quote(f.name) + " is itself computed");
  }
  if (auto title = string(*o, "title_field", what)) {
    type.title_field = *title;
    if (!type.field(type.title_field))
      error(o->get("title_field")->line, "title_field " + quote(type.title_field) + " is not a field of " + what);
  }
  if (const auto* w = o->get("workflow")) type.workflow = workflow(w->value, type);
  typeExtras(*o, type, what);
  typeIndexes(*o, type, what);
  if (const auto* c = o->get("consent")) {
    // consent: {share_with: <multi_enum field over agency types>}
    const std::string cwhat = "consent of " + what;
    if (auto co = object(c->value, {"share_with"}, cwhat, c->line)) {
      if (auto field_name = string(*co, "share_with", cwhat)) {
        const auto* f = type.field(*field_name);
        if (!f || f->type != FieldType::MultiEnum)
          error(co->get("share_with")->line, "share_with of " + cwhat + " must name a multi_enum field of agency types");
        else
          type.consent_share_field = *field_name;
      }
    }
  }

  if (const auto* sc = o->get("shares_on_create")) {
    // shares_on_create: {agency_field: <integer field>, records: [<reference fields>]}
    const std::string swhat = "shares_on_create of " + what;
    if (auto so = object(sc->value, {"agency_field", "records"}, swhat, sc->line)) {
      if (auto field_name = string(*so, "agency_field", swhat)) {
        const auto* f = type.field(*field_name);
        if (!f || f->type != FieldType::Integer)
          error(sc->line, "agency_field of " + swhat + " must name an integer field (the agency's id)");
        else
          type.shares_on_create.agency_field = *field_name;
      }
      if (auto refs = strings(*so, "records", swhat))
        for (const auto& r : *refs) {
          const auto* f = type.field(r);
          if (!f || f->type != FieldType::Reference) error(sc->line, "records of " + swhat + ": " + quote(r) + " is not a reference field");
          else type.shares_on_create.records.push_back(r);
        }
    }
  }

  if (const auto* rs = o->get("rules")) {
    if (auto names = strings(*o, "rules", what)) type.rules = *names;
    for (const auto& r : type.rules)
      if (std::find(recordRuleNames().begin(), recordRuleNames().end(), r) == recordRuleNames().end())
        error(rs->line, "rule " + quote(r) + " of " + what + " is not a rule the engine has (src/rules/)");
  }
  typeConstraints(*o, type, what);

  typeDeadlines(*o, type, what);
  typeSections(*o, type, what);
  typeNotify(*o, type, what);

  if (type.name.empty()) return;
  if (const auto* first = schema_.type(type.name)) {
    error(type.line, "record type " + quote(type.name) + " is already declared in " + first->file + ":" +
                         std::to_string(first->line));
    return;
  }
  schema_.types.emplace(type.name, std::move(type));
}

}  // namespace

// Actions a role names must exist: the standard ones, or a transition of that type (of some
// type, for "*").
void checkRoleActions(const Schema& schema, std::vector<FileError>& errors) {
  static const std::set<std::string, std::less<>> kStandard = {"create", "read", "update", "delete", "restore",
                                                               "export", "share", "restrict_identity"};
  for (const auto& [name, role] : schema.roles)
    for (const auto& [type, actions] : role.permissions)
      for (const auto& a : actions) {
        if (a == "*" || kStandard.count(a)) continue;
        bool found = false;
        for (const auto& [tname, t] : schema.types) {
          if (type != "*" && tname != type) continue;
          if (!t.workflow) continue;
          for (const auto& tr : t.workflow->transitions)
            if (tr.permission == tname + "." + a) found = true;
        }
        for (const auto& [tname, t] : schema.types) {
          if (type != "*" && tname != type) continue;
          for (const auto& c : t.constraints)
            if (c.override_permission == tname + "." + a) found = true;
        }
        if (!found)
          errors.push_back({role.file, role.line,
                            "role '" + name + "' names action '" + a + "' for " +
                                (type == "*" ? std::string("all types") : "'" + type + "'") +
                                ", which is neither create, read, update, delete, restore, export, share, restrict_identity, a transition "
                                "nor a constraint's override permission"});
      }
}

LoadResult loadSchemaTexts(const std::map<std::string, std::string>& files) {
  LoadResult result;
  enum class Kind { List, Type, Role, Migration };
  struct Doc {
    const std::string* file;
    YAML::Node root;
    Kind kind;
  };
  std::vector<Doc> docs;
  std::set<std::string, std::less<>> type_names;
  for (const auto& [file, text] : files) {
    auto parsed = yaml::parse(file, text, result.errors);
    if (!parsed) continue;
    YAML::Node root = *parsed;
    if (!root.IsMap()) {
      result.errors.push_back(
          {file, lineOf(root, 1),
           root.IsNull() ? "the file is empty" : "the file must be a mapping with 'type:' or 'list:'"});
      continue;
    }
    const YAML::Node& croot = root;
    const bool is_type = croot["type"].IsDefined();
    const bool is_list = croot["list"].IsDefined();
    const bool is_migration = croot["migration"].IsDefined();
    const bool is_role = croot["role"].IsDefined();
    if (int(is_type) + int(is_list) + int(is_migration) + int(is_role) != 1) {
      result.errors.push_back({file, 1,
                               is_type || is_list || is_migration || is_role
                                   ? "a file declares one of 'type:', 'list:', 'role:' or 'migration:', not several"
                                   : "the file declares none of 'type:', 'list:', 'role:' or 'migration:'"});
      continue;
    }
    if (is_type && croot["type"].IsScalar()) type_names.insert(croot["type"].Scalar());
    docs.push_back({&file, root,
                    is_type ? Kind::Type : is_list ? Kind::List : is_role ? Kind::Role : Kind::Migration});
  }
  // Lists first, so that fields can be checked against them; types know each other's names.
  for (const Kind kind : {Kind::List, Kind::Type, Kind::Role, Kind::Migration})
    for (const auto& d : docs) {
      if (d.kind != kind) continue;
      FileLoader loader(*d.file, result.errors, result.schema, type_names);
      if (kind == Kind::Type)
        loader.loadType(d.root);
      else if (kind == Kind::List)
        loader.loadList(d.root);
      else if (kind == Kind::Role)
        loader.loadRole(d.root);
      else
        loader.loadMigration(d.root);
    }
  checkRoleActions(result.schema, result.errors);
  // Capacity constraints name a field of another type: checked once every type is known.
  for (const auto& [name, type] : result.schema.types)
    for (const auto& c : type.constraints) {
      if (c.kind != Constraint::Kind::Capacity) continue;
      const auto* ref = type.field(c.ref_field);
      const auto* target = ref ? result.schema.type(ref->ref) : nullptr;
      const auto* cap = target ? target->field(c.capacity_field) : nullptr;
      if (target && (!cap || cap->type != FieldType::Integer || cap->sensitivity == Sensitivity::Identity))
        result.errors.push_back({type.file, c.line,
                                 "constraint " + c.name + ": 'capacity.field' must name an integer field of type " +
                                     target->name});
    }
  // Records created by transitions: the type exists and has the fields given.
  for (const auto& [name, type] : result.schema.types) {
    if (!type.workflow) continue;
    for (const auto& t : type.workflow->transitions) {
      if (!t.creates) continue;
      const auto* target = result.schema.type(t.creates->type);
      if (!target) {
        result.errors.push_back({type.file, t.creates->line,
                                 "transition " + t.name + " creates the unknown record type " + t.creates->type});
        continue;
      }
      const std::string& file = type.file;  // clang (the fuzz build) cannot capture a structured binding
      auto check = [&](const std::string& field, bool copied) {
        const auto* f = target->field(field);
        if (!f || f->computed)
          result.errors.push_back({file, t.creates->line,
                                   "transition " + t.name + " sets " + field + ", which is not a field of " + target->name +
                                       " that can be written"});
        else if (copied && f->sensitivity == Sensitivity::Identity)
          result.errors.push_back({file, t.creates->line,
                                   "transition " + t.name + " copies into the identity field " + target->name + "." + field +
                                       " (identity is never copied between records)"});
      };
      for (const auto& [to, from] : t.creates->copy) check(to, true);
      for (const auto& [to, v] : t.creates->set) check(to, false);
    }
  }
  // A value list named agency_types (for consent fields) may hold only agency types the access
  // rules know, so that consent and agencies speak of the same things.
  if (const auto* l = result.schema.list("agency_types")) {
    const std::set<std::string> known(agencyTypes().begin(), agencyTypes().end());
    std::string extra;
    for (const auto& v : l->values)
      if (!known.count(v.code)) extra += (extra.empty() ? "" : ", ") + v.code;
    if (!extra.empty())
      result.errors.push_back({l->file, l->line,
                               "list 'agency_types' may hold only the agency types of the mechanism; unknown: " + extra});
  }
  return result;
}

LoadResult loadSchemaDir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path base = fs::canonical(dir, ec);
  if (ec || !fs::is_directory(base)) {
    LoadResult r;
    r.errors.push_back({dir, 0, "the schema directory does not exist"});
    return r;
  }
  std::vector<FileError> read_errors;
  const auto files = yaml::readDir(base.string(), read_errors, true, base.filename().generic_string() + "/");
  LoadResult r = loadSchemaTexts(files);
  if (files.empty() && read_errors.empty()) r.errors.push_back({dir, 0, "no *.yaml files in the schema directory"});
  r.errors.insert(r.errors.begin(), read_errors.begin(), read_errors.end());
  return r;
}

}  // namespace palermo::records
