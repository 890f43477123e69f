// The schema loader: the fixture and the product schema load cleanly, and every kind of mistake
// in a schema file is reported with its file and line — all of them, not just the first.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "records/schema.hpp"

using namespace palermo::records;

namespace {

// The source tree: the nearest directory above the working directory or the test binary that
// holds schema/types.
std::filesystem::path sourceDir() {
  std::vector<std::filesystem::path> starts = {std::filesystem::current_path()};
  std::error_code ec;
  if (auto exe = std::filesystem::read_symlink("/proc/self/exe", ec); !ec) starts.push_back(exe.parent_path());
  for (auto dir : starts)
    for (; !dir.empty(); dir = dir.parent_path()) {
      if (std::filesystem::is_directory(dir / "schema" / "types")) return dir;
      if (dir == dir.root_path()) break;
    }
  return {};
}

const char* kSexList = R"(list: sex
label: {az: Cins, en: Sex, ru: Пол}
values:
  - code: female
    label: {az: Qadın}
  - code: male
    label: {az: Kişi}
)";

// A minimal valid type; tests append fields to it.
const char* kHead = R"(type: thing
label: {az: Şey}
fields:
  - name: title
    type: text
    label: {az: Ad}
)";

LoadResult load(const std::string& type_text, const std::string& list_text = kSexList) {
  return loadSchemaTexts({{"lists/sex.yaml", list_text}, {"types/thing.yaml", type_text}});
}

std::string dump(const LoadResult& r) {
  std::string out;
  for (const auto& e : r.errors) out += e.toString() + "\n";
  return out;
}

// True when some error is at file:line and its message contains `part`.
bool has(const LoadResult& r, const std::string& file, int line, const std::string& part) {
  for (const auto& e : r.errors)
    if (e.file == file && e.line == line && e.message.find(part) != std::string::npos) return true;
  return false;
}

#define EXPECT_ERROR(result, file, line, part)                                                                   \
  EXPECT_TRUE(has(result, file, line, part)) << "expected " << (file) << ":" << (line) << ": " << (part) << "\n" \
                                             << dump(result)

const std::string kType = "types/thing.yaml";
const std::string kList = "lists/sex.yaml";

}  // namespace

TEST(Schema, ProductSchemaLoadsWithoutErrors) {
  const auto root = sourceDir();
  ASSERT_FALSE(root.empty()) << "schema/types not found above " << std::filesystem::current_path();
  const auto r = loadSchemaDir((root / "schema").string());
  EXPECT_TRUE(r.errors.empty()) << dump(r);
  for (const char* t : {"signal", "hotline_appeal"}) EXPECT_TRUE(r.schema.type(t)) << t;
  for (const char* l :
       {"sex", "signal_source", "signal_channel", "yes_no_unknown", "hotline_line", "hotline_topic", "caller_type"})
    EXPECT_TRUE(r.schema.list(l)) << l;
  const auto& signal = *r.schema.type("signal");
  EXPECT_EQ(signal.file, "schema/types/signal.yaml");
  EXPECT_EQ(signal.title_field, "summary");
  ASSERT_TRUE(signal.workflow);
  EXPECT_EQ(signal.workflow->initial, "registered");
  ASSERT_TRUE(signal.workflow->find("refer"));
  EXPECT_EQ(signal.workflow->find("refer")->requires_fields, std::vector<std::string>{"referred_at"});
  EXPECT_TRUE(signal.workflow->find("close")->from.empty());
  EXPECT_EQ(signal.field("person_name")->sensitivity, Sensitivity::Identity);
  EXPECT_TRUE(signal.field("person_name")->name_search);
  EXPECT_EQ(signal.field("age_at_signal")->computed->function, "age_years");
  // child_labour_raid (a child referred from a raid), labour_inspection, migration_control
  EXPECT_EQ(r.schema.list("signal_source")->values.size(), 14U);
  const auto* refer = r.schema.type("child_found")->workflow->find("refer_to_police");
  ASSERT_TRUE(refer && refer->creates);
  EXPECT_EQ(refer->creates->type, "signal");
  EXPECT_EQ(refer->creates->link_field, "signal");
  EXPECT_EQ(r.schema.type("hotline_appeal")->field("signal")->ref, "signal");
  // Every label has all three languages.
  for (const auto& [name, type] : r.schema.types) {
    EXPECT_FALSE(type.label.en.empty() || type.label.ru.empty()) << name;
    for (const auto& f : type.fields) EXPECT_FALSE(f.label.en.empty() || f.label.ru.empty()) << name << "." << f.name;
  }
  for (const auto& [name, list] : r.schema.lists)
    for (const auto& v : list.values) EXPECT_FALSE(v.label.en.empty() || v.label.ru.empty()) << name << "." << v.code;
}

TEST(Schema, FixtureSchemaHasEveryFieldType) {
  const auto root = sourceDir();
  ASSERT_FALSE(root.empty());
  const auto r = loadSchemaDir((root / "tests" / "fixtures" / "schema").string());
  ASSERT_TRUE(r.errors.empty()) << dump(r);
  const auto* t = r.schema.type("test_case");
  ASSERT_TRUE(t);
  std::set<FieldType> types;
  for (const auto& f : t->fields) types.insert(f.type);
  EXPECT_EQ(types.size(), 14U);
  EXPECT_EQ(t->field("title")->max_length, 100U);
  EXPECT_TRUE(t->field("title")->required);
  EXPECT_EQ(t->field("quantity")->min, 0.0);
  EXPECT_EQ(t->field("quantity")->max, 1000.0);
  EXPECT_EQ(t->field("tags")->values, "test_tags");
  EXPECT_EQ(t->field("file")->max_bytes, 10485760U);
  EXPECT_EQ(t->field("file")->accept.size(), 3U);
  EXPECT_TRUE(t->field("notes")->required_if);
  EXPECT_TRUE(t->field("ratio")->visible_if);
  EXPECT_EQ(t->field("age")->computed->args, (std::vector<std::string>{"birth", "decided_on"}));
  EXPECT_EQ(t->workflow->find("decide")->permission, "test_case.decide");
  EXPECT_EQ(t->workflow->state_labels.at("decided").en, "Decided");
}

TEST(Schema, ParsesEveryFieldAttribute) {
  const auto r = load(std::string(kHead) + R"(    help: {az: Kömək, en: Help}
    required: true
    indexed: true
    min_length: 2
    max_length: 50
    pattern: "^[A-Z]"
    pattern_message: {az: böyük hərflə, en: must start with a capital letter}
  - name: notes
    type: long_text
    label: {az: Qeyd}
  - name: size
    type: decimal
    label: {az: Ölçü}
    scale: 3
    min: -1.5
    max: 2.5
  - name: on
    type: date
    label: {az: Tarix}
    min_year: 2000
    max_year: 2030
  - name: sex
    type: enum
    values: sex
    label: {az: Cins}
    sensitivity: statistical
)");
  ASSERT_TRUE(r.errors.empty()) << dump(r);
  const auto& t = *r.schema.type("thing");
  const auto& title = *t.field("title");
  EXPECT_EQ(title.line, 4);
  EXPECT_EQ(title.help.az, "Kömək");
  EXPECT_EQ(title.help.toJson()["ru"], "Kömək");  // falls back to az
  EXPECT_TRUE(title.indexed);
  EXPECT_EQ(title.min_length, 2U);
  EXPECT_EQ(title.max_length, 50U);
  ASSERT_TRUE(title.pattern_regex);
  EXPECT_EQ(title.pattern_message, "must start with a capital letter");
  EXPECT_EQ(title.pattern_labels.az, "böyük hərflə");
  EXPECT_EQ(t.field("notes")->max_length, 20000U);  // defaults
  EXPECT_EQ(t.field("size")->scale, 3);
  EXPECT_EQ(t.field("size")->min, -1.5);
  EXPECT_EQ(t.field("on")->min, 2000.0);
  EXPECT_EQ(t.field("on")->max, 2030.0);
  EXPECT_EQ(t.field("sex")->sensitivity, Sensitivity::Statistical);
  EXPECT_EQ(t.field("sex")->values, "sex");
}

TEST(Schema, YamlSyntaxErrorsHaveTheirLine) {
  const auto r = load("type: thing\nlabel: {az: Şey\nfields: []\n");
  ASSERT_EQ(r.errors.size(), 1U) << dump(r);
  EXPECT_EQ(r.errors[0].file, kType);
  EXPECT_GE(r.errors[0].line, 2);
  EXPECT_NE(r.errors[0].message.find("YAML syntax error"), std::string::npos);
  // The other file is still loaded.
  EXPECT_TRUE(r.schema.list("sex"));
}

TEST(Schema, FilesMustDeclareTypeOrList) {
  auto r = loadSchemaTexts(
      {{"a.yaml", "label: {az: X}\n"}, {"b.yaml", ""}, {"c.yaml", "- 1\n"}, {"d.yaml", "type: x\nlist: y\n"}});
  EXPECT_ERROR(r, "a.yaml", 1, "none of 'type:', 'list:', 'role:' or 'migration:'");
  EXPECT_ERROR(r, "b.yaml", 1, "empty");
  EXPECT_ERROR(r, "c.yaml", 1, "must be a mapping");
  EXPECT_ERROR(r, "d.yaml", 1, "not several");
}

TEST(Schema, UnknownAndDuplicateKeysAreNamed) {
  const auto r = load(std::string(kHead) + "    colour: red\n    label: {az: Yenə}\nworkflow_x: 1\n");
  EXPECT_ERROR(r, kType, 7, "unknown key 'colour' in field 'title'");
  EXPECT_ERROR(r, kType, 8, "duplicate key 'label'");
  EXPECT_ERROR(r, kType, 9, "unknown key 'workflow_x'");
  const auto l =
      load(kHead, "list: sex\nlabel: {az: Cins, fr: Sexe}\nvalues:\n  - code: a\n    label: {az: A}\n    old: true\n");
  EXPECT_ERROR(l, kList, 2, "unknown key 'fr'");
  EXPECT_ERROR(l, kList, 6, "unknown key 'old'");
}

TEST(Schema, MissingNameTypeAndLabel) {
  const auto r = load(R"(type: thing
fields:
  - type: text
    label: {az: Ad}
  - name: b
    label: {az: B}
  - name: c
    type: text
  - name: d
    type: text
    label: {en: D}
)");
  EXPECT_ERROR(r, kType, 1, "type 'thing' has no label");
  EXPECT_ERROR(r, kType, 3, "has no 'name'");
  EXPECT_ERROR(r, kType, 5, "field 'b' has no 'type'");
  EXPECT_ERROR(r, kType, 7, "field 'c' has no label");
  EXPECT_ERROR(r, kType, 11, "label of field 'd' has no az text");
  EXPECT_EQ(r.errors.size(), 5U) << dump(r);
  const auto l = load(kHead, "label: {az: Cins}\nlist: \nvalues:\n  - label: {az: A}\n  - code: b\n");
  EXPECT_ERROR(l, kList, 2, "'list' of the value list has no value");
  EXPECT_ERROR(l, kList, 4, "has no 'code'");
  EXPECT_ERROR(l, kList, 5, "value 'b' of the value list has no label");
}

TEST(Schema, NamesMustBeLowerSnakeCase) {
  const auto r = load(R"(type: Thing
label: {az: Şey}
fields:
  - name: firstName
    type: text
    label: {az: Ad}
  - name: 2nd
    type: text
    label: {az: İkinci}
)",
                      "list: sex-list\nlabel: {az: Cins}\nvalues:\n  - code: Female\n    label: {az: Qadın}\n");
  EXPECT_ERROR(r, kType, 1, "'Thing' is not a valid name");
  EXPECT_ERROR(r, kType, 4, "'firstName' is not a valid name");
  EXPECT_ERROR(r, kType, 7, "'2nd' is not a valid name");
  EXPECT_ERROR(r, kList, 1, "'sex-list' is not a valid name");
  EXPECT_ERROR(r, kList, 4, "'Female' is not a valid name");
}

TEST(Schema, DuplicateFieldsCodesTypesAndLists) {
  const auto r = load(std::string(kHead) + "  - name: title\n    type: integer\n    label: {az: Yenə}\n",
                      std::string(kSexList) + "  - code: female\n    label: {az: Yenə}\n");
  EXPECT_ERROR(r, kType, 7, "duplicate field 'title' in type 'thing' (first at line 4)");
  EXPECT_ERROR(r, kList, 8, "duplicate code 'female' in list 'sex' (first at line 4)");
  EXPECT_EQ(r.schema.type("thing")->fields.size(), 1U);

  const auto twice = loadSchemaTexts({{"a/sex.yaml", kSexList},
                                      {"b/sex.yaml", kSexList},
                                      {"a/thing.yaml", kHead},
                                      {"b/thing.yaml", std::string("\n") + kHead}});
  EXPECT_ERROR(twice, "b/sex.yaml", 1, "value list 'sex' is already declared in a/sex.yaml:1");
  EXPECT_ERROR(twice, "b/thing.yaml", 2, "record type 'thing' is already declared in a/thing.yaml:1");
}

TEST(Schema, FieldTypesAndTheirKeys) {
  const auto r = load(std::string(kHead) + R"(  - name: a
    type: string
    label: {az: A}
  - name: b
    type: enum
    label: {az: B}
  - name: c
    type: multi_enum
    values: colours
    label: {az: C}
  - name: d
    type: reference
    label: {az: D}
  - name: e
    type: reference
    ref: person
    label: {az: E}
  - name: f
    type: text
    values: sex
    scale: 2
    label: {az: F}
  - name: g
    type: decimal
    scale: 40
    label: {az: G}
  - name: h
    type: attachment
    accept: [pdf]
    max_bytes: 0
    label: {az: H}
  - name: i
    type: text
    sensitivity: secret
    label: {az: I}
  - name: j
    type: integer
    required: maybe
    min: ten
    label: {az: J}
)");
  EXPECT_ERROR(r, kType, 8, "unknown field type 'string' of field 'a'");
  EXPECT_ERROR(r, kType, 10, "field 'b' of type enum has no 'values'");
  EXPECT_ERROR(r, kType, 15, "field 'c' uses the unknown value list 'colours'");
  EXPECT_ERROR(r, kType, 17, "field 'd' of type reference has no 'ref'");
  EXPECT_ERROR(r, kType, 22, "field 'e' refers to the unknown record type 'person'");
  EXPECT_ERROR(r, kType, 26, "'values' does not apply to field 'f' of type text");
  EXPECT_ERROR(r, kType, 27, "'scale' does not apply to field 'f' of type text");
  EXPECT_ERROR(r, kType, 31, "'scale' of field 'g' must be between 0 and 15");
  EXPECT_ERROR(r, kType, 35, "'pdf' in 'accept' of field 'h' is not a media type");
  EXPECT_ERROR(r, kType, 36, "'max_bytes' of field 'h' must be positive");
  EXPECT_ERROR(r, kType, 40, "unknown sensitivity 'secret' of field 'i'");
  EXPECT_ERROR(r, kType, 44, "'required' of field 'j' must be true or false");
  EXPECT_ERROR(r, kType, 45, "'min' of field 'j' must be a number");
}

TEST(Schema, RangesPatternsAndIndexes) {
  const auto r = load(std::string(kHead) + R"(    pattern: "([a-z"
  - name: n
    type: integer
    min: 10
    max: 1
    label: {az: N}
  - name: t
    type: text
    min_length: 5
    max_length: 2
    label: {az: T}
  - name: y
    type: partial_date
    min_year: 2020
    max_year: 2000
    label: {az: Y}
  - name: l
    type: text
    max_length: -1
    label: {az: L}
  - name: who
    type: text
    indexed: true
    name_search: true
    sensitivity: identity
    label: {az: Kim}
  - name: nick
    type: text
    name_search: true
    label: {az: Ləqəb}
  - name: msg
    type: text
    pattern_message: bad
    label: {az: M}
)");
  EXPECT_ERROR(r, kType, 7, "invalid pattern of field 'title'");
  EXPECT_ERROR(r, kType, 10, "field 'n': min is greater than max");
  EXPECT_ERROR(r, kType, 15, "field 't': min_length is greater than max_length");
  EXPECT_ERROR(r, kType, 20, "field 'y': min is greater than max");
  EXPECT_ERROR(r, kType, 25, "'max_length' of field 'l' must not be negative");
  EXPECT_ERROR(r, kType, 29, "identity field and cannot be indexed");
  EXPECT_ERROR(r, kType, 35, "field 'nick' has name_search but is not 'sensitivity: identity'");
  EXPECT_ERROR(r, kType, 39, "field 'msg' has a pattern_message but no pattern");
}

TEST(Schema, Conditions) {
  const auto r = load(std::string(kHead) + R"(    required_if: {field: ghost, present: true}
  - name: is_child
    type: boolean
    label: {az: Uşaq}
  - name: sex
    type: enum
    values: sex
    label: {az: Cins}
  - name: a
    type: integer
    label: {az: A}
    visible_if: {field: is_child, equals: true}
    required_if: {field: sex, in: [female, male]}
  - name: b
    type: integer
    label: {az: B}
    visible_if: {field: is_child, equals: perhaps}
  - name: c
    type: integer
    label: {az: C}
    visible_if: {field: sex, equals: robot}
  - name: d
    type: integer
    label: {az: D}
    visible_if: {field: sex, present: true, absent: true}
  - name: e
    type: integer
    label: {az: E}
    visible_if: {field: e, absent: true}
  - name: f
    type: integer
    label: {az: F}
    visible_if: {field: a, equals: 1.5}
  - name: g
    type: integer
    label: {az: G}
    required_if: {field: sex, present: false}
  - name: h
    type: integer
    label: {az: H}
    required_if: {field: sex, in: []}
)");
  EXPECT_ERROR(r, kType, 7, "'required_if' of field 'title' names the unknown field 'ghost'");
  EXPECT_ERROR(r, kType, 23, "'visible_if' of field 'b' must be true or false (field 'is_child' is boolean)");
  EXPECT_ERROR(r, kType, 27, "'robot' is not a code of list 'sex'");
  EXPECT_ERROR(r, kType, 31, "needs exactly one of equals, in, present, absent");
  EXPECT_ERROR(r, kType, 35, "names the field itself");
  EXPECT_ERROR(r, kType, 39, "must be an integer (field 'a' is integer)");
  EXPECT_ERROR(r, kType, 43, "write 'absent: true' instead of 'present: false'");
  EXPECT_ERROR(r, kType, 47, "'in' of 'required_if' of field 'h' must be a non-empty list");
  EXPECT_EQ(r.errors.size(), 8U) << dump(r);
  const auto& a = *r.schema.type("thing")->field("a");
  ASSERT_TRUE(a.visible_if && a.required_if);
  EXPECT_EQ(a.visible_if->op, Condition::Op::Equals);
  EXPECT_EQ(a.visible_if->value, true);
  EXPECT_EQ(a.required_if->op, Condition::Op::In);
  EXPECT_EQ(a.required_if->value, (palermo::Json{"female", "male"}));
}

TEST(Schema, ComputedFields) {
  const auto r = load(std::string(kHead) + R"(  - name: birth
    type: partial_date
    label: {az: Doğum}
  - name: seen
    type: datetime
    label: {az: Görülüb}
  - name: age
    type: integer
    label: {az: Yaş}
    computed: {function: age_years, args: [birth, seen]}
  - name: a
    type: integer
    label: {az: A}
    computed: {function: age_in_days, args: [birth, seen]}
  - name: b
    type: integer
    label: {az: B}
    computed: {function: age_years, args: [birth]}
  - name: c
    type: integer
    label: {az: C}
    computed: {function: age_years, args: [birth, nowhere]}
  - name: d
    type: integer
    label: {az: D}
    computed: {function: year_of, args: [title]}
  - name: e
    type: text
    label: {az: E}
    computed: {function: minor_at, args: [birth, seen]}
  - name: f
    type: integer
    label: {az: F}
    required: true
    computed: {function: year_of, args: [seen]}
  - name: g
    type: integer
    label: {az: G}
    computed: {function: year_of, args: [age]}
)");
  EXPECT_ERROR(r, kType, 20, "unknown function 'age_in_days'");
  EXPECT_ERROR(r, kType, 24, "age_years takes 2 arguments, got 1");
  EXPECT_ERROR(r, kType, 28, "argument 'nowhere' of age_years is not a field");
  EXPECT_ERROR(r, kType, 32, "argument 'title' of year_of must be a date, partial_date or datetime field, not text");
  EXPECT_ERROR(r, kType, 36, "minor_at gives a boolean: field 'e' must be of type boolean");
  EXPECT_ERROR(r, kType, 37, "field 'f' is computed and cannot be required");
  EXPECT_ERROR(r, kType, 45, "argument 'age' of year_of must be a date");
  EXPECT_EQ(r.errors.size(), 7U) << dump(r);
  EXPECT_EQ(r.schema.type("thing")->field("age")->computed->args, (std::vector<std::string>{"birth", "seen"}));
}

TEST(Schema, TitleFieldMustBeAField) {
  const auto r = load(
      "type: thing\nlabel: {az: Şey}\ntitle_field: name\nfields:\n  - name: title\n    type: text\n"
      "    label: {az: Ad}\n");
  EXPECT_ERROR(r, kType, 3, "title_field 'name' is not a field of type 'thing'");
}

TEST(Schema, Workflow) {
  const auto r = load(std::string(kHead) + R"(workflow:
  initial: draft
  states:
    - name: open
      label: {az: Açıq}
    - name: closed
      label: {az: Bağlı}
    - name: open
      label: {az: Yenə}
    - name: frozen
  transitions:
    - name: close
      from: [open, limbo]
      to: closed
      permission: thing.close
      requires: [title, reason]
      label: {az: Bağla}
    - name: close
      to: heaven
      label: {az: Yenə}
    - name: reopen
      from: closed
      to: open
      permission: reopen
      label: {az: Aç}
)");
  EXPECT_ERROR(r, kType, 8, "initial state 'draft' is not among the states");
  EXPECT_ERROR(r, kType, 14, "duplicate state 'open' (first at line 10)");
  EXPECT_ERROR(r, kType, 16, "state 'frozen' has no label");
  EXPECT_ERROR(r, kType, 19, "transition 'close' leaves from the unknown state 'limbo'");
  EXPECT_ERROR(r, kType, 22, "transition 'close' requires the unknown field 'reason'");
  EXPECT_ERROR(r, kType, 25, "transition 'close' goes to the unknown state 'heaven'");
  EXPECT_ERROR(r, kType, 24, "transition 'close' has no 'permission'");
  EXPECT_ERROR(r, kType, 24, "duplicate transition 'close' (first at line 18)");
  EXPECT_ERROR(r, kType, 30, "permission 'reopen' of transition 'reopen' is not of the form thing.action");
  EXPECT_EQ(r.errors.size(), 9U) << dump(r);
  const auto& w = *r.schema.type("thing")->workflow;
  EXPECT_EQ(w.states, (std::vector<std::string>{"open", "closed", "frozen"}));
  ASSERT_TRUE(w.find("reopen"));
  EXPECT_EQ(w.find("reopen")->from, std::vector<std::string>{"closed"});  // a single state is fine too
  EXPECT_EQ(w.find("close")->requires_fields.size(), 2U);
  EXPECT_FALSE(w.find("open"));

  const auto none = load(std::string(kHead) + "workflow:\n  transitions: []\n");
  EXPECT_ERROR(none, kType, 8, "has no 'states'");
  EXPECT_ERROR(none, kType, 8, "has no 'initial' state");
}

TEST(Schema, ReportsEveryMistakeInEveryFile) {
  const auto r = loadSchemaTexts({{"one.yaml",
                                   "type: one\nlabel: {az: Bir}\nfields:\n  - name: A\n    type: text\n"
                                   "    label: {az: A}\n  - name: b\n    type: blob\n    label: {az: B}\n"},
                                  {"two.yaml", "list: two\nlabel: {az: İki}\nvalues: []\n"},
                                  {"three.yaml", "type: three\nfields: [}\n"}});
  EXPECT_ERROR(r, "one.yaml", 4, "'A' is not a valid name");
  EXPECT_ERROR(r, "one.yaml", 8, "unknown field type 'blob'");
  EXPECT_ERROR(r, "two.yaml", 3, "'values' of list 'two' must be a non-empty list");
  EXPECT_ERROR(r, "three.yaml", 2, "YAML syntax error");
  EXPECT_EQ(r.errors.size(), 4U) << dump(r);
}

TEST(Schema, OddShapesAreErrorsNotCrashes) {
  const std::vector<std::string> odd = {
      "type: thing\nlabel: [Şey]\nfields: {a: 1}\n",
      "type: thing\nlabel: {az: [x]}\nfields: [1, [2], null, {name: {a: b}}]\n",
      "type: [thing]\nlabel: {az: Şey}\nfields: []\nworkflow: [1]\n",
      std::string(kHead) + "    required_if: [x]\n    visible_if: 5\n    computed: {function: [a], args: b}\n",
      std::string(kHead) + "    max_length: {a: 1}\n    pattern: [x]\n    ? [complex]\n    : key\n",
      std::string(kHead) + "workflow:\n  initial: [a]\n  states: {a: 1}\n  transitions: [{name: t, from: {a: 1}}, 7]\n",
      std::string(kHead) + "  - &f\n    name: copy\n    type: text\n    label: {az: K}\n  - *f\n",
  };
  for (const auto& text : odd) {
    LoadResult r;
    EXPECT_NO_THROW(r = load(text)) << text;
    EXPECT_FALSE(r.errors.empty()) << text;
  }
  const auto l = load(
      kHead, "list: sex\nlabel: {az: Cins}\nvalues: [[1], {code: [a]}, {code: a, label: {az: A}, retired: maybe}]\n");
  EXPECT_GE(l.errors.size(), 3U) << dump(l);
}

TEST(Schema, LoadsDirectoriesRecursively) {
  const auto dir = std::filesystem::temp_directory_path() / ("palermo-schema-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "lists" / "deeper");
  std::filesystem::create_directories(dir / "types");
  std::ofstream(dir / "lists" / "deeper" / "sex.yml") << kSexList;
  std::ofstream(dir / "types" / "thing.yaml") << std::string(kHead) + "    colour: red\n";
  std::ofstream(dir / "README.txt") << "not a schema file";
  const auto r = loadSchemaDir(dir.string() + "/");
  EXPECT_TRUE(r.schema.list("sex"));
  ASSERT_TRUE(r.schema.type("thing"));
  const std::string prefix = dir.filename().string();
  EXPECT_ERROR(r, prefix + "/types/thing.yaml", 7, "unknown key 'colour'");
  EXPECT_EQ(r.schema.type("thing")->file, prefix + "/types/thing.yaml");
  EXPECT_EQ(r.errors.size(), 1U) << dump(r);
  std::filesystem::remove_all(dir);

  const auto missing = loadSchemaDir(dir.string());
  ASSERT_EQ(missing.errors.size(), 1U);
  EXPECT_NE(missing.errors[0].message.find("does not exist"), std::string::npos);
}

TEST(Schema, NamesOfTypesAndSensitivities) {
  EXPECT_STREQ(fieldTypeName(FieldType::PartialDate), "partial_date");
  EXPECT_STREQ(fieldTypeName(FieldType::MultiEnum), "multi_enum");
  EXPECT_STREQ(fieldTypeName(FieldType::DateTime), "datetime");
  EXPECT_STREQ(fieldTypeName(FieldType::LongText), "long_text");
  EXPECT_STREQ(sensitivityName(Sensitivity::Identity), "identity");
  EXPECT_STREQ(sensitivityName(Sensitivity::Case), "case");
  EXPECT_STREQ(sensitivityName(Sensitivity::Statistical), "statistical");
}

TEST(Schema, MigrationFilesAreLoadedAndCheckedWithLines) {
  auto r = loadSchemaTexts({{"m1.yaml", "migration: m_2026_01\ndescription: Legacy field goes\nsteps:\n"
                                        "  - remove_field: {type: signal, field: legacy}\n"
                                        "  - rename_field: {type: signal, from: a, to: b}\n"
                                        "  - map_values: {type: signal, field: source, map: {old: new}}\n"},
                            {"m2.yaml", "migration: m_2026_02\nsteps:\n  - drop_everything: {type: x}\n"
                                        "  - rename_field: {type: signal, from: a, to: a}\n"
                                        "  - map_values: {type: signal, field: source, map: {Old: new}}\n"}});
  ASSERT_TRUE(r.schema.migrations.count("m_2026_01"));
  const auto& m = r.schema.migrations.at("m_2026_01");
  ASSERT_EQ(m.steps.size(), 3U);
  EXPECT_EQ(m.steps[1].kind, MigrationStep::Kind::RenameField);
  EXPECT_EQ(m.steps[1].field, "a");
  EXPECT_EQ(m.steps[1].to, "b");
  EXPECT_EQ(m.steps[2].value_map.at("old"), "new");
  EXPECT_ERROR(r, "m2.yaml", 1, "has no 'description'");
  EXPECT_ERROR(r, "m2.yaml", 3, "unknown step 'drop_everything'");
  EXPECT_ERROR(r, "m2.yaml", 4, "renames a field to itself");
  EXPECT_ERROR(r, "m2.yaml", 5, "maps a code to a code");
}

// A transition may create a linked record (child_found.refer_to_police opens a signal): the type
// and its fields are checked once every file is loaded; identity is never copied.
TEST(Schema, TransitionsCreatingRecordsAreChecked) {
  const std::string other = R"(type: note
label: {az: Qeyd}
fields:
  - name: text
    type: text
    label: {az: Mətn}
  - name: secret
    type: text
    label: {az: Gizli}
    sensitivity: identity
)";
  const std::string head = R"(type: thing
label: {az: Şey}
fields:
  - name: title
    type: text
    label: {az: Ad}
  - name: name
    type: text
    label: {az: Adı}
    sensitivity: identity
  - name: note
    type: reference
    ref: note
    label: {az: Qeyd}
workflow:
  initial: open
  states:
    - name: open
      label: {az: Açıq}
    - name: done
      label: {az: Bitib}
  transitions:
    - name: finish
      to: done
      permission: thing.finish
      label: {az: Bitir}
)";
  auto loadBoth = [&](const std::string& creates) {
    return loadSchemaTexts({{"types/note.yaml", other}, {"types/thing.yaml", head + creates}});
  };
  const auto good = loadBoth("      creates: {type: note, link: note, copy: {text: title}, set: {secret: x}}\n");
  EXPECT_TRUE(good.errors.empty()) << dump(good);
  const auto* t = good.schema.type("thing")->workflow->find("finish");
  ASSERT_TRUE(t && t->creates);
  EXPECT_EQ(t->creates->copy, (std::vector<std::pair<std::string, std::string>>{{"text", "title"}}));
  ASSERT_EQ(t->creates->set.size(), 1U);
  EXPECT_EQ(t->creates->set[0].second, "x");

  const auto bad = loadBoth("      creates: {type: note, link: title, copy: {text: name, nothing: title}, set: {secret: 1}}\n");
  EXPECT_NE(dump(bad).find("'link' must name a reference field to 'note', not 'title'"), std::string::npos) << dump(bad);
  EXPECT_NE(dump(bad).find("copies the identity field 'name'"), std::string::npos) << dump(bad);
  EXPECT_NE(dump(bad).find("sets nothing, which is not a field of note"), std::string::npos) << dump(bad);

  const auto unknown = loadBoth("      creates: {type: ghost, link: note}\n");
  EXPECT_NE(dump(unknown).find("'link' must name a reference field to 'ghost'"), std::string::npos) << dump(unknown);
  EXPECT_NE(dump(unknown).find("creates the unknown record type ghost"), std::string::npos) << dump(unknown);
  EXPECT_NE(dump(loadBoth("      creates: {link: note}\n")).find("needs 'type'"), std::string::npos);
  // Identity of the created record is never filled by copying.
  const auto into_identity = loadBoth("      creates: {type: note, link: note, copy: {secret: title}}\n");
  EXPECT_NE(dump(into_identity).find("copies into the identity field note.secret"), std::string::npos)
      << dump(into_identity);
}

// A capacity counted over time (`during`) names two date fields of the type and states of its
// workflow, and belongs to a capacity constraint only.
TEST(Schema, CapacityOverTime) {
  const std::string type = std::string(kHead) + R"(  - name: place
    type: reference
    ref: thing
    label: {az: Yer}
  - name: size
    type: integer
    label: {az: Ölçü}
  - name: since
    type: date
    label: {az: Başlanğıc}
workflow:
  initial: open
  states:
    - name: open
      label: {az: Açıq}
  transitions: []
constraints:
  - name: room
    capacity: {ref: place, field: size}
    states: [open]
    during: {from: since, to: title, counts: [open, shut]}
    message: {az: Dolu}
  - name: once
    unique: [title]
    during: {from: since, to: since}
    message: {az: Bir}
)";
  const auto r = load(type);
  EXPECT_ERROR(r, kType, 27, "'during.to' of constraint 'room'");
  EXPECT_ERROR(r, kType, 27, "names 'shut', not a state");
  EXPECT_ERROR(r, kType, 31, "'during' of constraint 'once' of type 'thing' belongs to a 'capacity' constraint");
  const auto ok = load(std::string(type).replace(type.find("to: title, counts: [open, shut]"), 31,
                                                 "to: since, counts: [open]"));
  ASSERT_EQ(ok.errors.size(), 1U) << dump(ok);  // only the unique constraint's
  EXPECT_ERROR(ok, kType, 31, "belongs to a 'capacity' constraint");
}

// Sections of a record page: named, labelled, each field in one section at most, every name a
// field of the type.
TEST(Schema, Sections) {
  const std::string type = std::string(kHead) + R"(  - name: note
    type: text
    label: {az: Qeyd}
sections:
  - name: main
    label: {az: Əsas}
    fields: [title, nowhere]
  - name: main
    label: {az: Yenə}
    fields: [note, title]
  - name: empty
    label: {az: Boş}
    fields: []
)";
  const auto r = load(type);
  EXPECT_ERROR(r, kType, 13, "names 'nowhere', not a field of type 'thing'");
  EXPECT_ERROR(r, kType, 14, "duplicate section 'main'");
  EXPECT_ERROR(r, kType, 16, "field 'title' is in section 'main' already");
  EXPECT_ERROR(r, kType, 17, "lists one or more fields");
  const auto ok = load(std::string(kHead) + "sections:\n  - name: main\n    label: {az: Əsas}\n    fields: [title]\n");
  ASSERT_TRUE(ok.errors.empty()) << dump(ok);
  ASSERT_EQ(ok.schema.type("thing")->sections.size(), 1U);
  EXPECT_EQ(ok.schema.type("thing")->sections[0].fields, std::vector<std::string>{"title"});
}

// Notifications: on create, an integer field naming the agency; on change, one naming the user.
TEST(Schema, Notifications) {
  const std::string type = std::string(kHead) + R"(  - name: to_agency_id
    type: integer
    label: {az: Qurum}
  - name: assigned_user_id
    type: integer
    label: {az: İşçi}
notify:
  - name: sent
    on: create
    agency_field: title
    message: {az: Göndərilib}
  - name: sent
    on: sometimes
    message: {az: Yenə}
  - name: assigned
    on: change
    agency_field: to_agency_id
    message: {az: Tapşırılıb}
  - name: nobody
    on: create
    message: {az: Heç kim}
)";
  const auto r = load(type);
  EXPECT_ERROR(r, kType, 16, "'agency_field' of notification 'sent' of type 'thing' must name an integer field");
  EXPECT_ERROR(r, kType, 18, "duplicate notification 'sent'");
  EXPECT_ERROR(r, kType, 19, "'on' of notification 'sent' of type 'thing' is create or change");
  EXPECT_ERROR(r, kType, 21, "names the field that names the user");
  EXPECT_ERROR(r, kType, 23, "belongs to a notification on create");
  EXPECT_ERROR(r, kType, 25, "names the agency whose users are told");
  const auto ok = load(std::string(kHead) +
                       "  - name: to_agency_id\n    type: integer\n    label: {az: Qurum}\nnotify:\n  - name: sent\n"
                       "    on: create\n    agency_field: to_agency_id\n    permission: thing.read\n"
                       "    message: {az: Göndərilib}\n");
  ASSERT_TRUE(ok.errors.empty()) << dump(ok);
  ASSERT_EQ(ok.schema.type("thing")->notify.size(), 1U);
  EXPECT_EQ(ok.schema.type("thing")->notify[0].agency_field, "to_agency_id");
}

// docs/offline.md: a role keeps offline only types it may read and create or update.
TEST(Schema, OfflineTypesAreOnesTheRoleMayReadAndWrite) {
  const std::string role = R"(role: field
label: {az: Sahə}
scope: own
permissions:
  thing: [create, read]
  other: [read]
  third: [create]
offline: [thing, other, third, nothing, thing]
)";
  const std::string other = "type: other\nlabel: {az: Digər}\nfields:\n  - name: a\n    type: text\n    label: {az: A}\n";
  const std::string third = "type: third\nlabel: {az: Üçüncü}\nfields:\n  - name: a\n    type: text\n    label: {az: A}\n";
  const auto r = loadSchemaTexts({{"lists/sex.yaml", kSexList},
                                  {"types/thing.yaml", kHead},
                                  {"types/other.yaml", other},
                                  {"types/third.yaml", third},
                                  {"roles/field.yaml", role}});
  EXPECT_ERROR(r, "roles/field.yaml", 8, "names 'other', which the role may not read and create or update");
  EXPECT_ERROR(r, "roles/field.yaml", 8, "names 'third', which the role may not read and create or update");
  EXPECT_ERROR(r, "roles/field.yaml", 8, "names unknown record type 'nothing'");
  EXPECT_ERROR(r, "roles/field.yaml", 8, "names 'thing' twice");
  EXPECT_EQ(r.errors.size(), 4U) << dump(r);
  // "all" and the "*" entry count; the product's roles keep their field types offline.
  const auto ok = loadSchemaTexts({{"lists/sex.yaml", kSexList},
                                   {"types/thing.yaml", kHead},
                                   {"roles/field.yaml", "role: field\nlabel: {az: Sahə}\nscope: own\npermissions:\n  '*': all\noffline: [thing]\n"}});
  EXPECT_TRUE(ok.errors.empty()) << dump(ok);
  EXPECT_EQ(ok.schema.roles.at("field").offline, std::vector<std::string>{"thing"});
  const auto product = loadSchemaDir((sourceDir() / "schema").string());
  EXPECT_EQ(product.schema.roles.at("police_juvenile_officer").offline,
            (std::vector<std::string>{"raid", "child_found", "person"}));
  EXPECT_TRUE(product.schema.roles.at("admin").offline.empty());
}
