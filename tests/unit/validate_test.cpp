// Record validation (every rule, every error at once), computed fields with partial dates, and
// the date helpers.
#include <gtest/gtest.h>

#include <set>

#include "records/schema.hpp"

using namespace palermo::records;
using palermo::FieldError;
using palermo::Json;

namespace {

const char* kLists = R"(list: colour
label: {az: Rəng}
values:
  - code: red
    label: {az: Qırmızı}
  - code: green
    label: {az: Yaşıl}
  - code: blue
    label: {az: Göy}
  - code: mauve
    label: {az: Bənövşəyi}
    retired: true
)";

const char* kType = R"(type: item
label: {az: Əşya}
fields:
  - name: title
    type: text
    label: {az: Ad}
    required: true
    min_length: 2
    max_length: 5
  - name: code
    type: text
    label: {az: Kod}
    pattern: "^[A-Z]{2}-[0-9]+$"
    pattern_message: {az: nümunə AB-12, en: must look like AB-12}
  - name: notes
    type: long_text
    label: {az: Qeyd}
  - name: quantity
    type: integer
    label: {az: Say}
    min: 0
    max: 10
  - name: price
    type: money
    label: {az: Qiymət}
    min: 0
  - name: ratio
    type: decimal
    label: {az: Nisbət}
    scale: 2
    min: -1
    max: 1
  - name: on
    type: date
    label: {az: Tarix}
    min_year: 2000
    max_year: 2030
  - name: birth
    type: partial_date
    label: {az: Doğum}
  - name: seen
    type: datetime
    label: {az: Görülüb}
  - name: flag
    type: boolean
    label: {az: Bayraq}
  - name: colour
    type: enum
    values: colour
    label: {az: Rəng}
  - name: colours
    type: multi_enum
    values: colour
    label: {az: Rənglər}
    max_length: 3
  - name: country
    type: country
    label: {az: Ölkə}
  - name: parent
    type: reference
    ref: item
    label: {az: Valideyn}
  - name: scan
    type: attachment
    label: {az: Skan}
  - name: reason
    type: text
    label: {az: Səbəb}
    required_if: {field: flag, equals: true}
  - name: shade
    type: text
    label: {az: Çalar}
    visible_if: {field: colour, in: [red, blue]}
  - name: extra
    type: text
    label: {az: Əlavə}
    required: true
    visible_if: {field: colours, equals: green}
  - name: age
    type: integer
    label: {az: Yaş}
    computed: {function: age_years, args: [birth, seen]}
  - name: minor
    type: boolean
    label: {az: Azyaşlı}
    computed: {function: minor_at, args: [birth, on]}
  - name: year
    type: integer
    label: {az: İl}
    computed: {function: year_of, args: [seen]}
)";

class Validate : public ::testing::Test {
 protected:
  static const Schema& schema() {
    static const Schema loaded = [] {
      auto r = loadSchemaTexts({{"colour.yaml", kLists}, {"item.yaml", kType}});
      for (const auto& e : r.errors) ADD_FAILURE() << e.toString();
      return std::move(r.schema);
    }();
    return loaded;
  }
  static const RecordType& type() { return *schema().type("item"); }

  // "field:code" for every error of `data` (title filled in unless given).
  static std::set<std::string> errors(Json data) {
    if (!data.contains("title")) data["title"] = "Ok";
    std::set<std::string> out;
    for (const auto& e : validateRecord(schema(), type(), data)) out.insert(e.field + ":" + e.code);
    return out;
  }
  static std::set<std::string> one(const char* field, Json value) { return errors({{field, std::move(value)}}); }
  static std::set<std::string> rules(std::initializer_list<const char*> items) { return {items.begin(), items.end()}; }
};

}  // namespace

TEST_F(Validate, ValidRecordHasNoErrors) {
  const Json good = {{"title", "Ağac"},    {"code", "AB-12"},    {"notes", "line one\nline two"},
                     {"quantity", 10},        {"price", 70000},     {"ratio", -0.25},
                     {"on", "2024-02-29"}, {"birth", "1990-05"}, {"seen", "2019-06-04T10:15:00.123+04:00"},
                     {"flag", false},      {"colour", "red"},    {"colours", {"red", "blue"}},
                     {"country", "AZ"},    {"parent", 12},       {"scan", "att-123"},
                     {"shade", "dark"}};
  EXPECT_TRUE(validateRecord(schema(), type(), good).empty());
  EXPECT_TRUE(errors({}).empty());
}

TEST_F(Validate, RequiredAndNullCountsAsAbsent) {
  EXPECT_EQ(errors({{"title", nullptr}}), rules({"title:required"}));
  EXPECT_EQ(errors({{"title", "   "}}), rules({"title:required"}));
  EXPECT_EQ(errors({{"colours", Json::array()}}), rules({}));
  EXPECT_EQ(one("quantity", nullptr), rules({}));
  EXPECT_EQ(one("on", ""), rules({}));
}

TEST_F(Validate, EveryErrorIsReported) {
  const auto found = errors({{"title", "x"},
                             {"quantity", 11},
                             {"colour", "purple"},
                             {"on", "2019-02-30"},
                             {"country", "ZZ"},
                             {"age", 40},
                             {"bogus", 1},
                             {"parent", 0}});
  EXPECT_EQ(found, rules({"title:too_short", "quantity:max", "colour:not_in_list", "on:date", "country:country",
                          "age:computed", "bogus:unknown_field", "parent:reference"}));
}

TEST_F(Validate, NotAnObject) {
  const auto e = validateRecord(schema(), type(), Json::array());
  ASSERT_EQ(e.size(), 1U);
  EXPECT_EQ(e[0].code, "type");
}

TEST_F(Validate, TextLengthInCharactersEncodingAndLines) {
  EXPECT_EQ(errors({{"title", "Əliş"}}), rules({}));  // 4 characters, 7 bytes
  EXPECT_EQ(errors({{"title", "Şəbnəm"}}), rules({"title:too_long"}));
  EXPECT_EQ(errors({{"title", "ab\ncd"}}), rules({"title:single_line"}));
  EXPECT_EQ(errors({{"title", 12}}), rules({"title:type"}));
  EXPECT_EQ(errors({{"title", std::string("a\xC3")}}), rules({"title:encoding"}));         // truncated
  EXPECT_EQ(errors({{"title", std::string("a\xC0\xAF")}}), rules({"title:encoding"}));     // overlong
  EXPECT_EQ(errors({{"title", std::string("\xED\xA0\x80")}}), rules({"title:encoding"}));  // surrogate
  EXPECT_EQ(errors({{"title", std::string("\xF0\x9F\x98\x80!")}}), rules({}));             // 2 characters
  EXPECT_EQ(one("notes", std::string(20001, 'a')), rules({"notes:too_long"}));
  EXPECT_EQ(one("notes", std::string(20000, 'a')), rules({}));
  const auto e = validateRecord(schema(), type(), {{"title", "Şəbnəm"}});
  ASSERT_EQ(e.size(), 1U);
  EXPECT_EQ(e[0].message, "must be at most 5 characters long");
}

TEST_F(Validate, Pattern) {
  EXPECT_EQ(one("code", "AB-1"), rules({}));
  EXPECT_EQ(one("code", "ab-1"), rules({"code:pattern"}));
  const auto e = validateRecord(schema(), type(), {{"title", "Ok"}, {"code", "x"}});
  ASSERT_EQ(e.size(), 1U);
  EXPECT_EQ(e[0].message, "must look like AB-12");
}

TEST_F(Validate, IntegersAndMoney) {
  EXPECT_EQ(one("quantity", 0), rules({}));
  EXPECT_EQ(one("quantity", -1), rules({"quantity:min"}));
  EXPECT_EQ(one("quantity", 11), rules({"quantity:max"}));
  EXPECT_EQ(one("quantity", 2.5), rules({"quantity:integer"}));
  EXPECT_EQ(one("quantity", 3.0), rules({}));
  EXPECT_EQ(one("quantity", "3"), rules({"quantity:type"}));
  EXPECT_EQ(one("quantity", true), rules({"quantity:type"}));
  EXPECT_EQ(one("price", 18446744073709551615ULL), rules({"price:integer"}));
  EXPECT_EQ(one("price", 700.5), rules({"price:integer"}));
  EXPECT_EQ(one("price", -1), rules({"price:min"}));
  const auto e = validateRecord(schema(), type(), {{"title", "Ok"}, {"quantity", -1}});
  EXPECT_EQ(e.at(0).message, "must be at least 0");
}

TEST_F(Validate, DecimalScaleAndRange) {
  EXPECT_EQ(one("ratio", 0.25), rules({}));
  EXPECT_EQ(one("ratio", 1), rules({}));
  EXPECT_EQ(one("ratio", 0.125), rules({"ratio:scale"}));
  EXPECT_EQ(one("ratio", 1e-7), rules({"ratio:scale"}));
  EXPECT_EQ(one("ratio", Json::parse("0.10")), rules({}));
  EXPECT_EQ(one("ratio", 1.5), rules({"ratio:max"}));
  EXPECT_EQ(one("ratio", -1.01), rules({"ratio:min"}));
  EXPECT_EQ(one("ratio", "0.5"), rules({"ratio:type"}));
}

TEST_F(Validate, Dates) {
  EXPECT_EQ(one("on", "2019-02-28"), rules({}));
  EXPECT_EQ(one("on", "2019-02-30"), rules({"on:date"}));
  EXPECT_EQ(one("on", "2019-2-3"), rules({"on:date"}));
  EXPECT_EQ(one("on", "2019-06"), rules({"on:date"}));
  EXPECT_EQ(one("on", 20190604), rules({"on:type"}));
  EXPECT_EQ(one("on", "1999-12-31"), rules({"on:min"}));
  EXPECT_EQ(one("on", "2031-01-01"), rules({"on:max"}));
  EXPECT_EQ(one("birth", "1990"), rules({}));
  EXPECT_EQ(one("birth", "1990-13"), rules({"birth:partial_date"}));
  EXPECT_EQ(one("birth", "about 16"), rules({"birth:partial_date"}));
  EXPECT_EQ(one("seen", "2019-06-04T10:15:00Z"), rules({}));
  EXPECT_EQ(one("seen", "2019-06-04 10:15:00Z"), rules({"seen:datetime"}));
  EXPECT_EQ(one("seen", "2019-06-04T10:15:00"), rules({"seen:datetime"}));
}

TEST_F(Validate, BooleansEnumsAndRetiredCodes) {
  EXPECT_EQ(one("flag", "true"), rules({"flag:type"}));
  EXPECT_EQ(one("flag", 1), rules({"flag:type"}));
  EXPECT_EQ(one("colour", "green"), rules({}));
  EXPECT_EQ(one("colour", "Green"), rules({"colour:not_in_list"}));
  EXPECT_EQ(one("colour", "mauve"), rules({"colour:retired"}));
  EXPECT_EQ(one("colour", 3), rules({"colour:type"}));
}

TEST_F(Validate, MultiEnumItems) {
  EXPECT_EQ(one("colours", Json{"red", "blue", "red", "pink", 4, "mauve"}),
            rules({"colours[2]:duplicate", "colours[3]:not_in_list", "colours[4]:type", "colours[5]:retired",
                   "colours:too_long"}));
  EXPECT_EQ(one("colours", "red"), rules({"colours:type"}));
}

TEST_F(Validate, CountriesReferencesAttachments) {
  EXPECT_EQ(one("country", "TR"), rules({}));
  EXPECT_EQ(one("country", "az"), rules({"country:country"}));
  EXPECT_EQ(one("country", "AZE"), rules({"country:country"}));
  EXPECT_EQ(one("country", "XX"), rules({"country:country"}));
  EXPECT_EQ(one("country", 31), rules({"country:type"}));
  EXPECT_EQ(one("parent", 1), rules({}));
  EXPECT_EQ(one("parent", -5), rules({"parent:reference"}));
  EXPECT_EQ(one("parent", 1.5), rules({"parent:reference"}));
  EXPECT_EQ(one("parent", "7"), rules({"parent:reference"}));
  EXPECT_EQ(one("scan", 7), rules({"scan:type"}));
}

TEST_F(Validate, ConditionalRequiredAndHiddenFields) {
  EXPECT_EQ(one("flag", true), rules({"reason:required"}));
  EXPECT_EQ(errors({{"flag", true}, {"reason", "because"}}), rules({}));
  EXPECT_EQ(one("shade", "dark"), rules({"shade:hidden"}));
  EXPECT_EQ(errors({{"colour", "green"}, {"shade", "dark"}}), rules({"shade:hidden"}));
  EXPECT_EQ(errors({{"colour", "blue"}, {"shade", "dark"}}), rules({}));
  // `extra` is required, but only while visible (colours containing green).
  EXPECT_EQ(one("colours", Json{"green", "red"}), rules({"extra:required"}));
  EXPECT_EQ(errors({{"colours", Json{"green"}}, {"extra", "x"}}), rules({}));
}

TEST_F(Validate, ConditionHolds) {
  Condition c{"a", Condition::Op::Equals, 1};
  EXPECT_TRUE(c.holds({{"a", 1}}));
  EXPECT_TRUE(c.holds({{"a", 1.0}}));
  EXPECT_FALSE(c.holds({{"a", 2}}));
  EXPECT_FALSE(c.holds(Json::object()));
  EXPECT_TRUE(c.holds({{"a", {3, 1}}}));
  Condition in{"a", Condition::Op::In, {"x", "y"}};
  EXPECT_TRUE(in.holds({{"a", "y"}}));
  EXPECT_FALSE(in.holds({{"a", "z"}}));
  EXPECT_TRUE(in.holds({{"a", {"z", "x"}}}));
  Condition present{"a", Condition::Op::Present, nullptr};
  Condition absent{"a", Condition::Op::Absent, nullptr};
  for (const Json& empty : {Json::object(), Json{{"a", nullptr}}, Json{{"a", ""}}, Json{{"a", Json::array()}}}) {
    EXPECT_FALSE(present.holds(empty)) << empty;
    EXPECT_TRUE(absent.holds(empty)) << empty;
  }
  EXPECT_TRUE(present.holds({{"a", false}}));
  EXPECT_TRUE(present.holds({{"a", 0}}));
}

TEST_F(Validate, IsAbsent) {
  EXPECT_TRUE(isAbsent(nullptr));
  EXPECT_TRUE(isAbsent(" \t"));
  EXPECT_TRUE(isAbsent(Json::array()));
  EXPECT_FALSE(isAbsent(0));
  EXPECT_FALSE(isAbsent(false));
  EXPECT_FALSE(isAbsent(Json::object()));
  EXPECT_FALSE(isAbsent("a"));
}

TEST_F(Validate, ComputedAgeFromPartialDates) {
  auto computed = [](Json data) {
    applyComputed(type(), data);
    return data;
  };
  auto age = [&](const char* birth, const char* seen) {
    const auto d = computed({{"birth", birth}, {"seen", seen}});
    return d.contains("age") ? d["age"].get<int>() : -1;
  };
  EXPECT_EQ(age("2000-06-04", "2019-06-04T00:00:00Z"), 19);
  EXPECT_EQ(age("2000-06-05", "2019-06-04T23:59:59+04:00"), 18);
  EXPECT_EQ(age("2000-05", "2019-06-04T10:00:00Z"), 19);  // any day of May 2000: 19
  EXPECT_EQ(age("2000-06", "2019-06-04T10:00:00Z"), -1);  // 18 or 19: not certain
  EXPECT_EQ(age("2000-07", "2019-06-04T10:00:00Z"), 18);
  EXPECT_EQ(age("2000", "2019-06-04T10:00:00Z"), -1);
  EXPECT_EQ(age("2000", "2019-12-31T10:00:00Z"), 19);  // birthday passed whatever the date
  EXPECT_EQ(age("2000-02-29", "2019-02-28T10:00:00Z"), 18);
  EXPECT_EQ(age("2000-02-29", "2019-03-01T10:00:00Z"), 19);
  EXPECT_EQ(age("2020-01-01", "2019-06-04T10:00:00Z"), -1);  // date before birth
  EXPECT_EQ(age("not a date", "2019-06-04T10:00:00Z"), -1);

  // A stale value is removed when the inputs no longer allow it.
  auto d = computed({{"birth", "2000"}, {"seen", "2019-06-04T10:00:00Z"}, {"age", 19}});
  EXPECT_FALSE(d.contains("age"));
  EXPECT_EQ(d["year"], 2019);
  d = computed({{"birth", "2000"}});
  EXPECT_FALSE(d.contains("age") || d.contains("year") || d.contains("minor"));
}

TEST_F(Validate, ComputedMinorAt) {
  auto minor = [](const char* birth, const char* on) -> Json {
    Json d = {{"birth", birth}, {"on", on}};
    applyComputed(type(), d);
    return d.contains("minor") ? d["minor"] : Json("unknown");
  };
  EXPECT_EQ(minor("2005-03-01", "2019-06-04"), true);
  EXPECT_EQ(minor("2001-06-04", "2019-06-04"), false);
  EXPECT_EQ(minor("2001-06-05", "2019-06-04"), true);
  EXPECT_EQ(minor("2001", "2019-06-04"), "unknown");
  EXPECT_EQ(minor("2001", "2019-12-31"), false);
  EXPECT_EQ(minor("2010", "2019"), true);
  EXPECT_EQ(minor("1980", "2019"), false);
}

TEST_F(Validate, DateHelpers) {
  PartialDate d;
  ASSERT_TRUE(parsePartialDate("1990", d));
  EXPECT_EQ(d.year, 1990);
  EXPECT_EQ(d.month, 0);
  ASSERT_TRUE(parsePartialDate("1990-05", d));
  EXPECT_EQ(d.month, 5);
  EXPECT_EQ(d.day, 0);
  ASSERT_TRUE(parsePartialDate("2000-02-29", d));
  EXPECT_EQ(d.day, 29);
  for (const char* bad :
       {"", "199", "19901", "1990-5", "1990-00", "1990-05-00", "1900-02-29", "0000", "1990/05", "1990-05-1x", "+990"})
    EXPECT_FALSE(parsePartialDate(bad, d)) << bad;
  EXPECT_TRUE(isValidDate("2019-06-04"));
  EXPECT_FALSE(isValidDate("2019-06"));
  EXPECT_FALSE(isValidDate("2019-04-31"));
  for (const char* ok : {"2019-06-04T10:15:00Z", "2019-06-04T23:59:59.5+04:00", "2019-06-04T00:00:00-12:30",
                         "2019-06-04T10:15:00.123456Z"})
    EXPECT_TRUE(isValidDateTime(ok)) << ok;
  for (const char* bad : {"2019-06-04", "2019-06-04T10:15Z", "2019-06-04T24:00:00Z", "2019-06-04T10:60:00Z",
                          "2019-06-04T10:15:00.Z", "2019-06-04T10:15:00+0400", "2019-06-04T10:15:00+04:00x",
                          "2019-02-30T10:15:00Z", "2019-06-04t10:15:00z", "2019-06-04T10:15:00+24:00"})
    EXPECT_FALSE(isValidDateTime(bad)) << bad;
}

TEST_F(Validate, LookupsReturnNullForUnknownNames) {
  EXPECT_TRUE(schema().list("colour")->find("red"));
  EXPECT_FALSE(schema().list("colour")->find("pink"));
  EXPECT_FALSE(schema().list("nothing"));
  EXPECT_FALSE(schema().type("nothing"));
  EXPECT_FALSE(type().field("nothing"));
}
