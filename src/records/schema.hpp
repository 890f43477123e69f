// Record types as data. Every register of the mechanism (signals, victims, referrals, …) is a
// RecordType declared in a YAML file under schema/; value lists (with labels in az/en/ru) live
// there too. One engine validates, stores, lists, audits and renders forms for all of them.
// See docs/records.md for the file format.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/translated.hpp"
#include "core/json.hpp"

namespace palermo::records {

enum class FieldType {
  Text,         // one line, trimmed; max_length defaults to 500
  LongText,     // multi-line; max_length defaults to 20000
  Integer,      // JSON integer (64-bit)
  Decimal,      // JSON number; `scale` = digits allowed after the point
  Money,        // AZN in integer minor units (qəpik): 700 AZN = 70000
  Date,         // "YYYY-MM-DD"
  PartialDate,  // "YYYY", "YYYY-MM" or "YYYY-MM-DD" (dates of birth often are partial)
  DateTime,     // RFC 3339 with offset or Z: "2019-06-04T10:15:00Z"
  Boolean,
  Enum,         // one code of `values` (a value list)
  MultiEnum,    // array of distinct codes of `values`
  Country,      // ISO 3166-1 alpha-2 code, upper case ("AZ")
  Reference,    // id (integer) of a record of type `ref`
  Attachment,   // id (string) of an uploaded attachment
};

enum class Sensitivity {
  Statistical,  // may appear in statistics and exports
  Case,         // case facts: visible to those who work the case
  Identity,     // names, documents, contacts, addresses, photos: encrypted, every read audited
};


struct ListValue {
  std::string code;  // stable, lower_snake_case; what is stored
  Translated label;
  bool retired = false;  // kept for old records, not offered for new ones
};

struct ValueList {
  std::string name;
  Translated label;
  std::vector<ListValue> values;
  std::string file;
  int line = 0;
  [[nodiscard]] const ListValue* find(const std::string& code) const;
};

// A condition on another field of the same record, for `required_if` / `visible_if`.
// A field counts as absent when missing or empty (see isAbsent). When the field holds an array
// (multi_enum), Equals holds if the array contains the value and In if it contains any of them.
struct Condition {
  std::string field;
  enum class Op { Equals, In, Present, Absent } op = Op::Present;
  Json value;  // for Equals: a scalar; for In: an array
  [[nodiscard]] bool holds(const Json& record) const;
};

// A field computed by the engine at every write, never accepted from clients.
struct Computed {
  // "age_years(from, to)": whole years between two (partial) dates;
  // "minor_at(birth, date)": true when under 18 at `date`;
  // "year_of(date)".
  std::string function;
  std::vector<std::string> args;  // field names
};

struct FieldDef {
  std::string name;  // lower_snake_case
  FieldType type = FieldType::Text;
  Translated label;
  Translated help;
  bool required = false;
  std::optional<Condition> required_if;
  std::optional<Condition> visible_if;  // for forms; hidden fields must be empty
  std::optional<double> min, max;       // numbers and money; for dates: years (min_year/max_year)
  std::optional<std::size_t> min_length, max_length;  // text (in characters) and multi-enum (items)
  std::string pattern;                  // ECMAScript regular expression for text
  std::string pattern_message;          // shown when the pattern fails
  Translated pattern_labels;                // pattern_message in az/en/ru (pattern_message is en, else az)
  // `pattern`, compiled once by the loader (validateRecord compiles it when this is empty).
  std::shared_ptr<const std::regex> pattern_regex;
  int scale = 2;                        // decimal
  std::string values;                   // value-list name for enum / multi-enum
  std::string ref;                      // record type for reference
  std::vector<std::string> accept;      // attachment media types
  std::size_t max_bytes = 0;            // attachment size limit
  Sensitivity sensitivity = Sensitivity::Case;
  bool indexed = false;     // filterable and sortable quickly
  bool name_search = false; // part of the tolerant name search (identity text fields)
  bool word_search = false; // found by its words and their beginnings (non-identity text fields)
  // A reference the writer must be able to read: pointing at a record outside one's reach is
  // refused like a missing one (a focal point reports on its own body's measures only).
  bool visible_to_writer = false;
  std::optional<Computed> computed;
  int line = 0;
};

struct Transition {
  std::string name;               // "identify"
  std::vector<std::string> from;  // states it leaves from; empty means any
  std::string to;
  std::string permission;         // e.g. "victim.identify"
  Translated label;
  std::vector<std::string> requires_fields;  // must be present to take this transition
  // The field holding the date the transition took effect (e.g. decision_date), for the state
  // of a record on a past date; empty: the time it was recorded.
  std::string effective_date;
  // When set and the record names an agency there (an integer field: referral.to_agency_id),
  // only users of that agency may take the transition (the receiving agency answers a referral).
  std::string actor_agency_field;
  // A record the transition creates in the same transaction, linked from this record: a child
  // found in a raid referred to the special police becomes a signal of the victim's path. The
  // new record is written by the same user (who needs `create` on its type) and validated like
  // any other; its id goes into `link_field` (a reference to `type`).
  struct Creates {
    std::string type;
    std::string link_field;
    std::vector<std::pair<std::string, std::string>> copy;  // new record's field <- this record's field
    std::vector<std::pair<std::string, Json>> set;          // new record's field <- a constant
    int line = 0;
  };
  std::optional<Creates> creates;
  int line = 0;
};

struct Workflow {
  std::string initial;
  std::string initial_date;  // the field saying since when a record is in the initial state (optional)
  std::vector<std::string> states;
  std::map<std::string, Translated> state_labels;
  std::vector<Transition> transitions;
  [[nodiscard]] const Transition* find(const std::string& name) const;
};

// A rule over several records, checked inside the write's transaction (so two concurrent writes
// cannot both pass it). See docs/records.md ("Constraints").
struct Constraint {
  enum class Kind {
    Unique,    // no other live record of the type has the same values of `fields`
    Capacity,  // live records of the type pointing at the same `ref_field` target, in `states`,
               // number at most the target's integer `capacity_field`
  };
  std::string name;
  Kind kind = Kind::Unique;
  std::vector<std::string> fields;         // Unique
  std::optional<Condition> when;           // applies only to records where this holds
  std::vector<std::string> states;         // the states that count (empty: every state)
  std::vector<std::string> except_states;  // states that do not count
  std::string ref_field;                   // Capacity
  std::string capacity_field;              // Capacity: a field of the referenced type
  // Capacity over time: a record occupies its place on the days [from, to) of two date fields
  // (no `to`: still there). When set, the check counts the other records in `counts` states whose
  // days overlap the written record's, on the busiest day of its stay — so a placement of 2010 is
  // checked against 2010's occupancy, not today's. Unset: every record in `states` counts.
  struct During {
    std::string from, to;
    std::vector<std::string> counts;  // empty: `states`
  };
  std::optional<During> during;
  std::string override_permission;         // may break it, giving a reason (audited); empty: nobody
  Translated message;
  int line = 0;
};

// A time limit on records in some states: due `within` after the `from` date or date-time
// field; a record leaves it by leaving those states (or when `done_field` is filled). Users who
// hold `permission` see such records as tasks, overdue ones first.
struct Deadline {
  std::string name;
  Translated label;
  std::vector<std::string> states;  // empty: every state
  std::string from;                 // a date or datetime field
  int64_t within_seconds = 0;
  std::string done_field;           // optional
  std::string permission;           // who is to act (e.g. signal.refer); empty: readers of the type
  // An integer field naming the agency that is to act (a rehabilitation measure's responsible
  // agency): the task goes to that agency's users only, not to every agency reading the record.
  std::string agency_field;
  int line = 0;
};

// Who is told of a write (docs/records.md, "Notifications"): on a new record, the active users of
// the agency an integer field names who hold `permission` (a referral's receivers); on a change of
// an integer field naming a user (a case's assignee), that user. Never the writer. The in-app
// list (GET /api/v1/notifications) and, when configured, an e-mail without personal data.
struct Notify {
  enum class On { Create, Change };
  std::string name;
  On on = On::Create;
  std::string agency_field;  // Create: the agency whose users are told
  std::string permission;    // Create: only those who hold it (empty: every user of the agency)
  std::string user_field;    // Change: the user named
  Translated message;
  int line = 0;
};

// A part of a record's page (docs/records.md, "Sections"): a heading and the fields under it, in
// order. Fields no section names come after the sections, under "Other".
struct Section {
  std::string name;
  Translated label;
  std::vector<std::string> fields;
  int line = 0;
};

struct RecordType {
  std::string name;  // lower_snake_case, used in URLs: /api/v1/records/{name}
  Translated label;
  std::string title_field;  // field shown as the record's title in lists (optional)
  std::vector<FieldDef> fields;
  std::optional<Workflow> workflow;
  // Field (multi_enum of agency types) holding the person's consent to sharing: sharing the
  // record with an agency of another type needs an audited override. Empty: no consent rule.
  std::string consent_share_field;
  // A record that sends something to another agency (a referral) shares itself and the records
  // it references in `records` with the agency named in `agency_field` (an integer field: the
  // agency's id) when it is created - checked against each referenced record's consent first,
  // so that a referral the person did not consent to is refused, not sent. Empty: no sharing.
  struct SharesOnCreate {
    std::string agency_field;
    std::vector<std::string> records;  // reference fields of this type
  } shares_on_create;
  // Composite indexes for the register's common list views, e.g. [source, received_at]:
  // equality on the leading fields, range and sort on the last.
  std::vector<std::vector<std::string>> indexes;
  std::vector<Constraint> constraints;
  std::vector<Deadline> deadlines;
  std::vector<Section> sections;
  std::vector<Notify> notify;
  // Named rules written in C++ (src/rules/): derived values and checks that the declarative
  // language cannot say (screening results, rate tables, copies from a referenced record).
  std::vector<std::string> rules;
  // `attachments: never`: no attachment field may be declared (the loader refuses one), so no
  // file can ever be uploaded for the type (monitoring items: child sexual abuse material is
  // never stored).
  bool attachments_never = false;
  // Shown at the top of the type's form (what must never be entered).
  Translated notice;
  // Comparisons between two fields of a record (numbers, money or full dates), checked at every
  // write when both are present: `{left: referred, op: "<=", right: screened, message: {...}}`.
  struct Check {
    std::string left, op, right;
    Translated message;
    int line = 0;
  };
  std::vector<Check> checks;
  // A periodic return (docs/returns.md): figures an agency reports per period, in aggregate,
  // the way DHIS2 data sets are. The type declares `period` (text), and the engine computes
  // `period_from`, `period_to` (dates) and `reporting_agency` (the registering agency's id).
  struct PeriodicReturn {
    enum class Period { Month, Quarter, Year } period = Period::Month;
    std::vector<std::string> agency_types;  // agencies of these types report it
    int due_days = 0;                       // due this many days after the period's end
    int since = 0;                          // YYYYMMDD: the first period expected
  };
  std::optional<PeriodicReturn> periodic_return;
  std::string file;
  int line = 0;
  [[nodiscard]] const FieldDef* field(const std::string& name) const;
};

// One step of a data migration: what happens to stored data when the schema changes in a way
// that would otherwise lose it. Steps only touch stored data; the schema files say the rest.
struct MigrationStep {
  enum class Kind {
    RemoveField,      // {type, field}: the field's values are erased from every record
    RenameField,      // {type, from, to}: values move from one field to another
    MapValues,        // {type, field, map: {old: new}}: codes of an enum / multi-enum are replaced
    ReclassifyField,  // {type, field}: sensitivity changed; values move to or from the encrypted part
    RemoveType,       // {type}: records of a removed type are kept in the database, unreachable
    TextToEnum,       // {type, field, map?: {text: code}}: a text field became an enum; each value
                      // becomes a code (a code, a map key, or a code's label, folded)
  };
  Kind kind = Kind::RemoveField;
  std::string type;
  std::string field;  // RemoveField, MapValues, ReclassifyField; RenameField: the old name
  std::string to;     // RenameField: the new name
  std::map<std::string, std::string> value_map;  // MapValues; TextToEnum: text -> code
  int line = 0;
};

// A file under schema/ declaring `migration: <id>`. Applied once per database, in id order,
// when palermo starts; see docs/records.md ("Schema evolution").
struct DataMigration {
  std::string id;  // e.g. "2026_11_signal_drop_legacy"; sorts in the order to apply
  std::string description;
  std::vector<MigrationStep> steps;
  std::string file;
  int line = 0;
};

// Access. A role is a set of permissions per record type (create, read, update, delete,
// restore, export and the workflow transitions), an identity access level and a scope: which
// records of those types its holder reaches. See docs/security.md.
enum class Scope {
  Own,       // records the user created
  Assigned,  // own, and records shared with the user's agency (referrals, assignments)
  Agency,    // records of the user's agency, and records shared with it
  Region,    // records of agencies in the user's agency's region, and records shared with it
  National,  // every record
};
enum class IdentityAccess { None, Read, Write };

struct RoleDef {
  std::string name;
  Translated label;
  Translated description;
  std::vector<std::string> agency_types;  // agency types that may hold it (empty: any)
  Scope scope = Scope::Agency;
  IdentityAccess identity = IdentityAccess::None;
  bool admin = false;             // users, agencies, roles, API tokens, audit viewer
  bool break_glass = false;       // may open a record outside its scope, with a reason, audited
  bool consent_override = false;  // may share against a person's recorded consent, audited
  // type name or "*" -> actions ("*" = every action of the type, transitions included).
  std::map<std::string, std::vector<std::string>> permissions;
  // Record types its users may keep on a registered device and create or change offline
  // (docs/offline.md); each one the role may read and create or update.
  std::vector<std::string> offline;
  std::string file;
  int line = 0;
  // Roles that read or write identity, or administer, need a second factor.
  [[nodiscard]] bool needsSecondFactor() const { return admin || identity != IdentityAccess::None; }
};

const char* scopeName(Scope s);
// The agency types of the mechanism (special_police, ministry, ngo, ...); a schema list named
// agency_types must hold exactly these.
const std::vector<std::string>& agencyTypes();
const char* identityAccessName(IdentityAccess a);

struct Schema {
  std::map<std::string, RoleDef> roles;
  std::map<std::string, RecordType> types;
  std::map<std::string, ValueList> lists;
  std::map<std::string, DataMigration> migrations;  // by id, i.e. in the order to apply
  [[nodiscard]] const RecordType* type(const std::string& name) const;
  [[nodiscard]] const ValueList* list(const std::string& name) const;
};


struct LoadResult {
  Schema schema;
  std::vector<FileError> errors;  // every mistake found, not just the first
};

// Loads every *.yaml under `dir` (value lists in lists/, record types in types/ — or mixed;
// a file declares `list:` or `type:` at its top). Cross-checks references between files.
LoadResult loadSchemaDir(const std::string& dir);
// Same, from in-memory files (name -> YAML text); for tests.
LoadResult loadSchemaTexts(const std::map<std::string, std::string>& files);

// Validates a whole record (after merging an update into the stored one) for `state`
// (the workflow state it is in or enters). Returns every rule broken, each naming the field
// (dotted path, "roles[2]" for array items). Computed fields present in `data` are errors.
std::vector<FieldError> validateRecord(const Schema& schema, const RecordType& type, const Json& data);

// Fills computed fields of `data` in place (removing those that cannot be computed).
// `agency_id` is the registering agency's (for a periodic return's reporting_agency).
void applyComputed(const RecordType& type, Json& data, int64_t agency_id = 0);

// A periodic return's period ("2019-03", "2019-Q1", "2019") as its first and last day
// (YYYY-MM-DD); false when it is not a period of that kind.
bool periodBounds(RecordType::PeriodicReturn::Period kind, const std::string& period, std::string& from,
                  std::string& to);

// Parses "YYYY", "YYYY-MM", "YYYY-MM-DD"; false when malformed or impossible (2019-02-30).
struct PartialDate {
  int year = 0, month = 0, day = 0;  // 0 = unknown
};
bool parsePartialDate(const std::string& text, PartialDate& out);
// Every ISO 3166-1 alpha-2 country ICU knows: [{code, label: {az, en, ru}}].
const Json& countryList();
// Unix milliseconds as RFC 3339 UTC ("2019-06-04T10:15:00.123Z", or without the
// milliseconds), and as the UTC date "2019-06-04".
std::string utcTimestamp(int64_t ms, bool with_millis);
std::string utcDate(int64_t ms);
bool isValidDate(const std::string& text);      // full date only
bool isValidDateTime(const std::string& text);  // RFC 3339

// True for what counts as "not given": null, a string of only whitespace, an empty array.
// Such values are never validated further; the engine should not store them.
bool isAbsent(const Json& value);

// True for names a field may not take: record attributes and list-endpoint parameters.
bool isReservedFieldName(std::string_view name);

const char* fieldTypeName(FieldType t);
const char* sensitivityName(Sensitivity s);

}  // namespace palermo::records
