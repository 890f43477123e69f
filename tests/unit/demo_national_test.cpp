// The national demo dataset (src/records/demo_national.cpp), checked from its rows alone, without
// a database: the 2019 figures of the annual report, references to earlier rows only, unique
// keys, known agencies, the same rows for the same seed; and every row valid against schema/ (and
// after each of its transitions), screenings that score as their cases were decided, and the
// engine's constraints (one one-time subsidy per person, facility capacity, consent to share).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "demo/national.hpp"
#include "records/schema.hpp"
#include "rules/rulebook.hpp"

using namespace palermo;
using namespace palermo::records;
using palermo::demo::DemoDataset;
using palermo::demo::nationalDemo;

namespace {

constexpr uint64_t kSeed = 20191231;

const DemoDataset& dataset() {
  static const DemoDataset d = nationalDemo(kSeed);
  return d;
}

const Schema& schema() {
  static const Schema s = [] {
    auto loaded = loadSchemaDir(std::string(PALERMO_SOURCE_DIR) + "/schema");
    EXPECT_TRUE(loaded.errors.empty()) << (loaded.errors.empty() ? "" : loaded.errors[0].toString());
    return std::move(loaded.schema);
  }();
  return s;
}

std::string str(const Json& data, const std::string& field) {
  auto it = data.find(field);
  return it != data.end() && it->is_string() ? it->get<std::string>() : std::string();
}
bool in2019(const std::string& date) { return date.rfind("2019", 0) == 0; }
std::string keyOf(const Json& data, const std::string& field) {
  auto it = data.find(field);
  return it != data.end() && it->is_object() ? str(*it, "_key") : std::string();
}

// A transition's field, or "" when the row does not take that transition.
std::string transitionField(const ImportRow& r, const std::string& name, const std::string& field) {
  for (const auto& t : r.transitions)
    if (t.value("name", "") == name) return t.contains("data") ? str(t["data"], field) : std::string();
  return {};
}
bool takes(const ImportRow& r, const std::string& name) {
  for (const auto& t : r.transitions)
    if (t.value("name", "") == name) return true;
  return false;
}

// The record after all its transitions.
Json finalData(const ImportRow& r) {
  Json d = r.data;
  for (const auto& t : r.transitions)
    if (t.contains("data"))
      for (const auto& [k, v] : t["data"].items()) d[k] = v;
  return d;
}

// {"_key": ...} references replaced by an id, as the import does.
Json resolved(Json data) {
  for (auto& [k, v] : data.items())
    if (v.is_object() && (v.contains("_key") || v.contains("_agency"))) v = 1;  // a record's, an agency's id
  return data;
}

// Whole years between a (partial) date of birth and a date: {youngest, oldest} possible ages.
std::pair<int, int> ages(const std::string& birth, const std::string& on) {
  const int by = std::stoi(birth.substr(0, 4));
  const int y = std::stoi(on.substr(0, 4)), m = std::stoi(on.substr(5, 2)), d = std::stoi(on.substr(8, 2));
  auto age = [&](int bm, int bd) { return y - by - ((m < bm || (m == bm && d < bd)) ? 1 : 0); };
  if (birth.size() == 10) {
    const int a = age(std::stoi(birth.substr(5, 2)), std::stoi(birth.substr(8, 2)));
    return {a, a};
  }
  if (birth.size() == 7) {
    const int bm = std::stoi(birth.substr(5, 2));
    return {age(bm, 31), age(bm, 1)};
  }
  return {age(12, 31), age(1, 1)};
}

// Rows by key, and the rows pointing at a victim case.
struct Index {
  std::map<std::string, const ImportRow*> by_key;
  explicit Index(const DemoDataset& d) {
    for (const auto& r : d.rows)
      if (!r.key.empty()) by_key[r.key] = &r;
  }
  const ImportRow* at(const std::string& key) const {
    auto it = by_key.find(key);
    return it == by_key.end() ? nullptr : it->second;
  }
};

void checkFigures2019(const DemoDataset& d) {
  const Index index(d);
  // Victims identified in 2019: the decision of the identify transition.
  std::set<std::string> identified;
  std::map<std::string, int> sex, citizenship, country;
  int children = 0, adults = 0, uncertain = 0, forced_labour = 0, construction_ru = 0, begging_az_child = 0;
  for (const auto& r : d.rows) {
    if (r.type != "victim_case" || !in2019(transitionField(r, "identify", "decision_date"))) continue;
    identified.insert(r.key);
    const std::string decided = transitionField(r, "identify", "decision_date");
    const ImportRow* person = index.at(keyOf(r.data, "person"));
    ASSERT_NE(person, nullptr) << r.key;
    const std::string s = str(person->data, "sex");
    ++sex[s.empty() ? "not recorded" : s];
    ++citizenship[str(person->data, "citizenship")];
    ++country[str(r.data, "country_of_exploitation")];
    const auto [youngest, oldest] = ages(str(person->data, "birth"), decided);
    const bool child = oldest < 18;
    if (child) ++children;
    else if (youngest >= 18) ++adults;
    else ++uncertain;
    const Json& forms = r.data.value("forms_of_exploitation", Json::array());
    if (std::find(forms.begin(), forms.end(), "forced_labour") != forms.end()) {
      ++forced_labour;
      const std::string sector = str(r.data, "labour_sector"), where = str(r.data, "country_of_exploitation");
      if (!child && sector == "construction" && where == "RU") ++construction_ru;
      if (child && sector == "begging" && where == "AZ") ++begging_az_child;
    }
  }
  EXPECT_EQ(identified.size(), 91U);
  EXPECT_EQ(sex, (std::map<std::string, int>{{"female", 85}, {"male", 5}, {"not recorded", 1}}));
  EXPECT_EQ(children, 1);
  EXPECT_EQ(adults, 90);
  EXPECT_EQ(uncertain, 0);
  EXPECT_EQ(citizenship, (std::map<std::string, int>{{"AZ", 89}, {"UZ", 1}, {"TJ", 1}}));
  EXPECT_EQ(country, (std::map<std::string, int>{
                         {"TR", 54}, {"QA", 16}, {"IR", 8}, {"RU", 5}, {"AE", 2}, {"AZ", 3}, {"", 3}}));
  EXPECT_EQ(forced_labour, 6);
  EXPECT_EQ(construction_ru, 5);
  EXPECT_EQ(begging_az_child, 1);

  // Shelter placements, services, reintegration, subsidies, children's support in 2019.
  std::set<std::string> placed;
  std::map<std::string, std::set<std::string>> services;  // case -> kinds given in 2019
  std::map<std::string, int> reintegration, child_support;
  std::map<std::string, int> subsidies;  // case -> one-time subsidies decided in 2019
  int before_rise = 0, after_rise = 0, unpaid = 0;
  for (const auto& r : d.rows) {
    if (r.type == "placement" && in2019(str(r.data, "admitted_on"))) {
      EXPECT_EQ(keyOf(r.data, "facility"), "f-shelter");
      EXPECT_TRUE(identified.count(keyOf(r.data, "victim_case"))) << "placement of a case not identified in 2019";
      placed.insert(keyOf(r.data, "victim_case"));
    } else if (r.type == "service" && in2019(str(r.data, "given_on"))) {
      services[keyOf(r.data, "victim_case")].insert(str(r.data, "kind"));
    } else if (r.type == "reintegration" && in2019(str(r.data, "achieved_on"))) {
      ++reintegration[str(r.data, "outcome")];
    } else if (r.type == "child_support" && in2019(str(r.data, "given_on"))) {
      ++child_support[str(r.data, "kind")];
    } else if (r.type == "subsidy" && in2019(str(r.data, "decision_date"))) {
      EXPECT_EQ(str(r.data, "kind"), "one_time");
      EXPECT_FALSE(r.data.contains("amount")) << "the engine sets the one-time amount";
      ++subsidies[keyOf(r.data, "victim_case")];
      (str(r.data, "decision_date") < "2019-06-04" ? before_rise : after_rise)++;
      if (!takes(r, "pay")) ++unpaid;
    }
  }
  EXPECT_EQ(placed.size(), 78U);
  int placed_rows = 0;
  for (const auto& r : d.rows)
    if (r.type == "placement" && in2019(str(r.data, "admitted_on"))) ++placed_rows;
  EXPECT_EQ(placed_rows, 78);
  std::map<std::string, int> helped;  // kind -> victims given it in 2019
  for (const auto& [c, kinds] : services)
    for (const auto& k : kinds) ++helped[k];
  for (const char* kind : {"medical", "psychological", "legal"}) EXPECT_EQ(helped[kind], 78) << kind;
  for (const auto& c : placed)
    for (const char* kind : {"medical", "psychological", "legal"})
      EXPECT_TRUE(services[c].count(kind)) << c << " had no " << kind << " help in 2019";
  EXPECT_EQ(reintegration,
            (std::map<std::string, int>{{"employed", 14}, {"vocational_course", 45}, {"returned_to_family", 58}}));
  EXPECT_EQ(child_support, (std::map<std::string, int>{{"pre_school", 22}, {"alimony", 15}, {"documents", 18}}));
  EXPECT_EQ(subsidies.size(), 91U);
  for (const auto& [c, n] : subsidies) {
    EXPECT_EQ(n, 1) << c;
    EXPECT_TRUE(identified.count(c)) << c;
  }
  EXPECT_GT(before_rise, 0);
  EXPECT_GT(after_rise, 0);
  EXPECT_EQ(unpaid, 0);

  // Criminal justice.
  std::set<std::string> cases2019;
  std::map<std::string, int> articles, crimes;
  int sent_to_court = 0;
  for (const auto& r : d.rows) {
    if (r.type != "criminal_case") continue;
    if (in2019(str(r.data, "registered_on"))) {
      cases2019.insert(r.key);
      ++articles[str(r.data, "main_article")];
      crimes[str(r.data, "main_article")] += r.data.value("crimes_count", 0);
    }
    if (in2019(transitionField(r, "send_to_court", "sent_to_court_on"))) ++sent_to_court;
  }
  // Cases per article, and the report's crimes: 186 trafficking, 4 forced labour, 36 document offences.
  EXPECT_EQ(articles, (std::map<std::string, int>{{"art_144_1", 36}, {"art_144_2", 4}, {"art_144_3", 12}}));
  EXPECT_EQ(crimes, (std::map<std::string, int>{{"art_144_1", 186}, {"art_144_2", 4}, {"art_144_3", 36}}));
  EXPECT_EQ(sent_to_court, 27);
  std::set<std::string> groups;
  int members_count = 0, members = 0, wanted = 0, detained = 0;
  std::map<std::string, int> charged;
  for (const auto& r : d.rows) {
    if (r.type == "criminal_group" && cases2019.count(keyOf(r.data, "criminal_case"))) {
      groups.insert(r.key);
      members_count += r.data.value("members_count", 0);
    }
    if (r.type != "accused") continue;
    if (groups.count(keyOf(r.data, "criminal_group"))) ++members;
    if (in2019(str(r.data, "wanted_since"))) {
      ++wanted;
      if (in2019(str(r.data, "detained_on"))) ++detained;
    }
    if (in2019(str(r.data, "charged_on"))) ++charged[str(r.data, "sex")];
  }
  EXPECT_EQ(groups.size(), 4U);
  EXPECT_EQ(members_count, 10);
  EXPECT_EQ(members, 10);
  EXPECT_EQ(wanted, 35);
  EXPECT_EQ(detained, 19);
  EXPECT_EQ(charged, (std::map<std::string, int>{{"female", 22}, {"male", 5}}));
  // 42 traffickers convicted in 2019, including those charged in earlier years; each conviction
  // matches its case's verdict.
  int convicted = 0, charged_earlier = 0;
  for (const auto& r : d.rows) {
    if (r.type != "accused" || str(r.data, "verdict_outcome") != "convicted" || !in2019(str(r.data, "verdict_date")))
      continue;
    ++convicted;
    if (!in2019(str(r.data, "charged_on"))) ++charged_earlier;
    const ImportRow* c = index.at(keyOf(r.data, "criminal_case"));
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(transitionField(*c, "record_verdict", "verdict_date"), str(r.data, "verdict_date"));
    EXPECT_LT(transitionField(*c, "send_to_court", "sent_to_court_on"), str(r.data, "verdict_date"));
  }
  EXPECT_EQ(convicted, 42);
  EXPECT_GT(charged_earlier, 0);

  // Hotline 152.
  int appeals = 0;
  for (const auto& r : d.rows)
    if (r.type == "hotline_appeal" && str(r.data, "line") == "hotline_152" && in2019(str(r.data, "received_at")))
      ++appeals;
  EXPECT_EQ(appeals, 6845);
}

}  // namespace

// The 2019 child-protection figures (annual-report-2019.yaml child_protection), counted on the
// rows themselves: children found in raids (persons), of them identified as victims of forced
// labour, parents sanctioned, materials to the commissions, children in family care visited.
void checkChildProtection2019(const DemoDataset& d) {
  const Index index(d);
  std::set<std::string> children, visited;
  int findings = 0, materials = 0, sanctioned = 0;
  std::set<std::string> victim_persons;
  for (const auto& r : d.rows) {
    if (r.type == "child_found" && in2019(str(r.data, "found_on"))) {
      ++findings;
      children.insert(keyOf(r.data, "person"));
    }
    if (r.type == "commission_material" && in2019(str(r.data, "sent_on"))) ++materials;
    if (r.type == "commission_material" && str(r.data, "subject") != "child") {
      const std::string decision = transitionField(r, "decide", "decision");
      if (in2019(transitionField(r, "decide", "decided_on")) && (decision == "warning" || decision == "administrative_fine"))
        ++sanctioned;
    }
    if (r.type == "care_visit" && in2019(transitionField(r, "complete", "done_on"))) {
      const ImportRow* care = index.at(keyOf(r.data, "care_child"));
      ASSERT_NE(care, nullptr) << r.key;
      visited.insert(keyOf(care->data, "person"));
    }
    if (r.type == "victim_case" && in2019(transitionField(r, "identify", "decision_date"))) {
      const Json& forms = r.data.value("forms_of_exploitation", Json::array());
      if (std::find(forms.begin(), forms.end(), "forced_labour") != forms.end())
        victim_persons.insert(keyOf(r.data, "person"));
    }
  }
  int forced_labour_children = 0;
  for (const auto& p : victim_persons) forced_labour_children += children.count(p) ? 1 : 0;
  EXPECT_EQ(children.size(), 430U);
  EXPECT_GT(findings, 430);  // some children were found twice: counted once
  EXPECT_EQ(forced_labour_children, 1);
  EXPECT_EQ(sanctioned, 180);
  EXPECT_EQ(materials, 670);
  EXPECT_EQ(visited.size(), 78U);
}

TEST(NationalDemo, States2019FiguresOfTheAnnualReport) { checkFigures2019(dataset()); }

TEST(NationalDemo, States2019ChildProtectionFigures) {
  checkChildProtection2019(dataset());
  checkChildProtection2019(nationalDemo(7));
}

TEST(NationalDemo, Figures2019DoNotDependOnTheSeed) { checkFigures2019(nationalDemo(7)); }

TEST(NationalDemo, OtherYearsArePlausibleAndTheWholeIsBounded) {
  const auto& d = dataset();
  EXPECT_LT(d.rows.size(), 70000U);  // about 64,000: the victim's path, hotlines (6,657 calls to 116-111 in 2020), child protection
  std::map<int, int> identified, appeals;
  for (const auto& r : d.rows) {
    if (r.type == "victim_case") {
      const std::string decided = transitionField(r, "identify", "decision_date");
      if (!decided.empty()) ++identified[std::stoi(decided.substr(0, 4))];
    }
    if (r.type == "hotline_appeal") ++appeals[std::stoi(str(r.data, "received_at").substr(0, 4))];
  }
  for (int year = 2015; year <= 2020; ++year) {
    EXPECT_GE(identified[year], 50) << year;
    EXPECT_LE(identified[year], 110) << year;
    EXPECT_GE(appeals[year], 1000) << year;
  }
  EXPECT_EQ(identified.size(), 6U);
  // Some cases still pending at the end of 2020, some decided "not a victim".
  int pending = 0, rejected = 0;
  for (const auto& r : d.rows)
    if (r.type == "victim_case") {
      if (r.transitions.empty()) ++pending;
      if (takes(r, "reject")) ++rejected;
    }
  EXPECT_GT(pending, 0);
  EXPECT_GT(rejected, 0);
}

TEST(NationalDemo, DomesticViolenceAndEarlyMarriage2015To2020) {
  const auto& d = dataset();
  const Index index(d);
  int violence = 0, early = 0;
  for (const auto& r : d.rows) {
    if (r.type != "victim_case" || transitionField(r, "identify", "decision_date").empty()) continue;
    const ImportRow* person = index.at(keyOf(r.data, "person"));
    ASSERT_NE(person, nullptr);
    const Json& v = person->data.value("vulnerabilities", Json::array());
    violence += std::find(v.begin(), v.end(), "domestic_violence") != v.end() ? 1 : 0;
    early += std::find(v.begin(), v.end(), "early_marriage") != v.end() ? 1 : 0;
  }
  EXPECT_EQ(violence, 48);
  EXPECT_EQ(early, 46);
}

TEST(NationalDemo, KeysAreUniqueReferencesPointBackAgenciesExist) {
  const auto& d = dataset();
  std::map<std::string, std::string> agency_type;
  for (const auto& a : d.agencies) {
    EXPECT_TRUE(agency_type.emplace(a.name, a.type).second) << "agency twice: " << a.name;
    EXPECT_NE(a.name.find(" (demo)"), std::string::npos) << a.name;
  }
  std::set<std::string> types;
  for (const auto& [name, type] : agency_type) types.insert(type);
  for (const char* t : {"special_police", "assistance_center", "shelter", "ngo", "hotline", "prosecutor", "court",
                        "statistics", "coordinator"})
    EXPECT_TRUE(types.count(t)) << t;
  std::map<std::string, std::string> seen;  // key -> type
  for (const auto& r : d.rows) {
    for (const auto& [field, value] : r.data.items()) {
      if (!value.is_object()) continue;
      if (value.contains("_agency")) {  // an agency's id, by name: an agency of the dataset
        EXPECT_TRUE(agency_type.count(str(value, "_agency"))) << r.type << "." << field << ": " << value.dump();
        continue;
      }
      const std::string key = str(value, "_key");
      ASSERT_TRUE(seen.count(key)) << r.type << " " << r.key << "." << field << " refers to '" << key
                                   << "', not an earlier row";
      const auto* type = schema().type(r.type);
      ASSERT_NE(type, nullptr);
      const auto* f = type->field(field);
      ASSERT_NE(f, nullptr) << field;
      EXPECT_EQ(f->ref, seen[key]) << r.key << "." << field;
    }
    for (const auto& t : r.transitions) {
      if (!t.contains("data")) continue;
      for (const auto& [field, value] : t["data"].items())
        EXPECT_FALSE(value.is_object()) << "references in transitions are not resolved: " << r.key << "." << field;
    }
    EXPECT_TRUE(agency_type.count(r.agency)) << r.type << " " << r.key << ": agency '" << r.agency << "'";
    for (const auto& s : r.share) EXPECT_TRUE(agency_type.count(s.value("agency", ""))) << r.key;
    if (!r.key.empty()) {
      EXPECT_TRUE(seen.emplace(r.key, r.type).second) << "key twice: " << r.key;
    }
  }
}

TEST(NationalDemo, SameSeedSameRows) {
  const auto& a = dataset();
  const auto b = nationalDemo(kSeed);
  ASSERT_EQ(a.agencies.size(), b.agencies.size());
  for (std::size_t i = 0; i < a.agencies.size(); ++i) {
    EXPECT_EQ(a.agencies[i].name, b.agencies[i].name);
    EXPECT_EQ(a.agencies[i].region, b.agencies[i].region);
  }
  ASSERT_EQ(a.rows.size(), b.rows.size());
  for (std::size_t i = 0; i < a.rows.size(); ++i) {
    const auto &x = a.rows[i], &y = b.rows[i];
    ASSERT_EQ(x.type + "|" + x.key + "|" + x.agency + "|" + x.data.dump() + "|" + x.transitions.dump() + "|" +
                  x.share.dump(),
              y.type + "|" + y.key + "|" + y.agency + "|" + y.data.dump() + "|" + y.transitions.dump() + "|" +
                  y.share.dump())
        << "row " << i;
  }
  const auto c = nationalDemo(kSeed + 1);
  bool differs = c.rows.size() != a.rows.size();
  for (std::size_t i = 0; !differs && i < a.rows.size(); ++i) differs = a.rows[i].data != c.rows[i].data;
  EXPECT_TRUE(differs) << "another seed should give other rows";
}

// What the import would do, without a database: validation of the created record and after each
// transition, the workflow, consent to each share, the constraints.
TEST(NationalDemo, EveryRowIsValidForTheSchemaAndTheEngine) {
  const auto& d = dataset();
  const Schema& s = schema();
  std::map<std::string, std::string> agency_type;
  for (const auto& a : d.agencies) agency_type[a.name] = a.type;
  // Fields the engine's rules write.
  const std::map<std::string, std::set<std::string>> by_rules = {
      {"screening", {"ruleset", "positive_dimensions", "overall_result", "explanation", "dimension_results", "computed_at"}},
      {"victim_case", {"person_birth"}},
      {"rehabilitation_measure", {"victim_case"}},
      {"subsidy", {"amount", "rate_rule"}}};
  std::map<std::string, int64_t> capacity;        // facility key -> places
  std::map<std::string, int64_t> occupied;        // facility key -> placements never discharged
  std::set<std::string> one_time;                 // persons with a one-time subsidy
  int failures = 0;
  auto fail = [&](const ImportRow& r, const std::string& what) {
    if (++failures <= 20) ADD_FAILURE() << "row " << r.line << " " << r.type << " " << r.key << ": " << what;
  };
  for (const auto& r : d.rows) {
    const RecordType* type = s.type(r.type);
    if (!type) {
      fail(r, "unknown type");
      continue;
    }
    if (auto it = by_rules.find(r.type); it != by_rules.end())
      for (const auto& f : it->second)
        if (r.data.contains(f)) fail(r, "gives " + f + ", which the engine writes");
    Json data = resolved(r.data);
    for (const auto& e : validateRecord(s, *type, data)) fail(r, e.field + " [" + e.code + "] " + e.message);
    // Transitions, in order.
    std::string state = type->workflow ? type->workflow->initial : "";
    for (const auto& t : r.transitions) {
      const std::string name = t.value("name", "");
      const Transition* tr = type->workflow ? type->workflow->find(name) : nullptr;
      if (!tr) {
        fail(r, "no transition " + name);
        break;
      }
      if (!tr->from.empty() && std::find(tr->from.begin(), tr->from.end(), state) == tr->from.end())
        fail(r, name + " from state " + state);
      state = tr->to;
      if (t.contains("data"))
        for (const auto& [k, v] : t["data"].items()) data[k] = v;
      for (const auto& e : validateRecord(s, *type, data))
        fail(r, "after " + name + ": " + e.field + " [" + e.code + "] " + e.message);
      for (const auto& f : tr->requires_fields) {
        const bool by_rule = r.type == "subsidy" && f == "amount" && str(data, "kind") == "one_time";
        if (!data.contains(f) && !by_rule) fail(r, name + " requires " + f);
      }
    }
    // Shares: an agency of a type the person consented to.
    for (const auto& g : r.share) {
      if (type->consent_share_field.empty()) continue;
      const Json& consent = data.value(type->consent_share_field, Json::array());
      const std::string t = agency_type[g.value("agency", "")];
      if (std::find(consent.begin(), consent.end(), t) == consent.end()) fail(r, "shared with " + t + " without consent");
    }
    // Constraints.
    if (r.type == "facility" && r.data.contains("capacity")) capacity[r.key] = r.data["capacity"].get<int64_t>();
    if (r.type == "placement") {
      const std::string f = keyOf(r.data, "facility");
      if (capacity.count(f) && occupied[f] + 1 > capacity[f]) fail(r, "facility " + f + " is full");
      if (!takes(r, "discharge")) ++occupied[f];
    }
    if (r.type == "subsidy" && str(r.data, "kind") == "one_time" && !takes(r, "cancel") &&
        !one_time.insert(keyOf(r.data, "person")).second)
      fail(r, "a second one-time subsidy for " + keyOf(r.data, "person"));
  }
  EXPECT_EQ(failures, 0);
}

TEST(NationalDemo, DateTimesAreInBakuWorkingHoursAndYearDatesInTheirYear) {
  const auto& d = dataset();
  const Schema& s = schema();
  int bad = 0;
  for (const auto& r : d.rows) {
    const RecordType* type = s.type(r.type);
    ASSERT_NE(type, nullptr);
    const Json data = finalData(r);
    for (const auto& f : type->fields) {
      if (f.type != FieldType::DateTime || !data.contains(f.name)) continue;
      const int hour = std::stoi(str(data, f.name).substr(11, 2));
      if ((hour < 4 || hour >= 18) && ++bad <= 10) ADD_FAILURE() << r.key << "." << f.name << " " << str(data, f.name);
    }
  }
  EXPECT_EQ(bad, 0);
}

TEST(NationalDemo, ScreeningsScoreAsTheCasesWereDecided) {
  const auto& d = dataset();
  std::vector<FileError> errors;
  const auto book = rules::RuleBook::load(std::string(PALERMO_SOURCE_DIR) + "/rules", errors);
  ASSERT_TRUE(errors.empty());
  const rules::Ruleset* rs = book.ruleset(book.defaultRuleset());
  ASSERT_NE(rs, nullptr);
  const Index index(d);
  std::map<std::string, int> results;
  for (const auto& r : d.rows) {
    if (r.type != "screening" || !r.data.contains("victim_case")) continue;  // migration screenings: no case
    const ImportRow* c = index.at(keyOf(r.data, "victim_case"));
    ASSERT_NE(c, nullptr) << r.key;
    rules::ScreeningResult result;
    try {
      result = book.evaluate(*rs, r.data["is_child"].get<bool>(), str(r.data, "exploitation_focus"),
                             Json::parse(str(r.data, "answers")));
    } catch (const std::exception& e) {
      ADD_FAILURE() << r.key << ": " << e.what();
      continue;
    }
    ++results[result.overall];
    if (takes(*c, "identify")) {
      EXPECT_EQ(result.overall, "indicated") << r.key;
    }
    if (takes(*c, "reject")) {
      EXPECT_NE(result.overall, "indicated") << r.key;
    }
  }
  EXPECT_GT(results["indicated"], 400);
  EXPECT_GT(results["not_indicated"] + results["partly_indicated"], 0);
}
