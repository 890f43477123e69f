// The C3-C5 part of the national demo (child_protection.hpp, appendFamilySafety): children at
// risk with their individual prevention plans and measures, domestic violence incidents with
// victims, perpetrators and protection orders, and the register of harmful-information experts
// with their examinations, 2015-2020. The sources state no figures for these registers, so the
// volumes are plausible, not exact; everything is drawn from its own random stream.
#include <fmt/format.h>

#include <algorithm>

#include "demo/child_protection.hpp"
#include "demo/kit.hpp"

namespace palermo::demo {

namespace {


struct Area {
  const char* region_code;  // agency region (kRegions' ngo codes)
  const char* education;    // education department
  const char* group;        // monitoring group on violence against women and children
};

const std::vector<Area> kAreas = {
    {"baku", "Bakı şəhər Təhsil İdarəsi (demo)",
     "Bakı şəhəri qadınlara və uşaqlara qarşı zorakılıq üzrə monitorinq qrupu (demo)"},
    {"ganja", "Gəncə şəhər Təhsil İdarəsi (demo)",
     "Gəncə şəhəri qadınlara və uşaqlara qarşı zorakılıq üzrə monitorinq qrupu (demo)"},
    {"lankaran", "Lənkəran rayon Təhsil Şöbəsi (demo)",
     "Lənkəran rayonu qadınlara və uşaqlara qarşı zorakılıq üzrə monitorinq qrupu (demo)"},
};
const char* const kExpertRegister = "Zərərli informasiya üzrə ekspertlərin reyestri (demo)";

struct Volume {
  int year, children_at_risk, dv_incidents, examinations;
};
const std::vector<Volume> kVolumes = {{2015, 84, 122, 18}, {2016, 91, 131, 21}, {2017, 98, 140, 24},
                                      {2018, 106, 151, 27}, {2019, 115, 163, 30}, {2020, 127, 188, 26}};

const Area& areaOf(const Region& r) {
  for (const auto& a : kAreas)
    if (std::string(a.region_code) == r.ngo) return a;
  return kAreas.front();
}

class FamilySafety : Appender {
 public:
  FamilySafety(uint64_t seed, DemoDataset& out) : Appender(seed ^ 0x46532d64656d6fULL, out) {}

  void run() {
    for (const auto& a : kAreas) {
      out_.agencies.push_back({a.education, "education", a.region_code});
      out_.agencies.push_back({a.group, "local_authority", a.region_code});
    }
    out_.agencies.push_back({kExpertRegister, "ministry", "baku"});
    experts();
    for (const auto& v : kVolumes) {
      for (int i = 0; i < v.children_at_risk; ++i) childAtRisk(v.year);
      for (int i = 0; i < v.dv_incidents; ++i) incident(v.year);
      for (int i = 0; i < v.examinations; ++i) examination(v.year);
    }
  }

 private:
  int n_ = 0;
  std::vector<std::string> experts_;  // keys of experts certified (usable for examinations)
  std::vector<int> expert_since_;      // their certification day


  const Region& region() { return pickRegion(rng_); }
  int dayIn(int year, int from = 0, int to = 350) { return dayOf(year, 1, 1) + rng_.range(from, to); }

  // A person born `age` years before `day`: a full date of birth, a document, the region.
  std::string person(const std::string& prefix, bool female, int age, int day, const Region& r, const char* agency) {
    const std::string key = fmt::format("{}-{}", prefix, ++n_);
    PersonName name;
    name.female = female;
    name.first = &rng_.pick(female ? kGirls : kBoys);
    name.father = rng_.chance(50) ? &rng_.pick(kMaleNames) : &rng_.pick(kBoys);
    name.last = &rng_.pick(kChildSurnames);
    const int birth = day - age * 365 - rng_.range(0, 364);
    Json p = {{"pseudonym", fmt::format("A-{}", key)},
              {"last_name", name.lastName(kAz)},
              {"first_name", name.firstName(kAz)},
              {"patronymic", name.patronymic(kAz)},
              {"sex", female ? "female" : "male"},
              {"birth", iso(birth)},
              {"citizenship", "AZ"},
              {"birth_place", r.name},
              {"region", r.code}};
    if (age < 18) {
      p["document_kind"] = "birth_certificate";
      p["document_number"] = fmt::format("II-ŞH {:06}", rng_.range(100000, 999999));
    } else {
      p["document_kind"] = "national_id_card";
      p["document_number"] = fmt::format("AZE{:08}", rng_.range(10000000, 99999999));
    }
    p["document_country"] = "AZ";
    add("person", key, agency, std::move(p));
    return key;
  }

  // C3: a child at risk, the plan and its measures, and the closure when the risk is gone.
  void childAtRisk(int year) {
    const Region& r = region();
    const Area& a = areaOf(r);
    static const std::vector<const char*> kSources = {"school", "hotline_146_3", "police", "social_worker",
                                                      "health_facility", "hotline_116_111", "family"};
    std::string source = kSources[rng_.weighted({35, 15, 15, 15, 5, 10, 5})];
    if (source == "hotline_146_3" && year < 2020) source = "school";  // 146-3 began in 2020
    static const std::vector<const char*> kRisks = {"out_of_school", "school_avoidance", "neglected", "begging",
                                                    "early_marriage_signal", "birth_outside_medical_facility_minor_mother",
                                                    "leaving_state_institution", "without_identity_documents",
                                                    "domestic_violence", "vagrancy"};
    const std::vector<int> weights = {30, 20, 15, 10, 8, 3, 5, 6, 8, 3};
    const std::string risk = kRisks[rng_.weighted(weights)];
    Json risks = Json::array({risk});
    if (rng_.chance(30)) {
      const std::string second = kRisks[rng_.weighted(weights)];
      if (second != risk) risks.push_back(second);
    }
    const bool early_marriage = risk == "early_marriage_signal" || risk == "birth_outside_medical_facility_minor_mother";
    const bool female = early_marriage || rng_.chance(45);
    const int registered = dayIn(year);
    const char* agency = source == "school" || source == "hotline_146_3" ? a.education : a.group;
    const std::string child = person("risk", female, early_marriage ? rng_.range(14, 17) : rng_.range(6, 16), registered, r, agency);
    static const std::vector<const char*> kLives = {"both_parents", "one_parent", "relatives", "guardian",
                                                    "state_institution", "alone_or_street", "spouse"};
    Json d = {{"person", keyRef(child)},
              {"registered_on", iso(registered)},
              {"region", r.code},
              {"source", source},
              {"risks", risks},
              {"in_school", risk == "out_of_school" ? "no" : rng_.chance(80) ? "yes" : "unknown"},
              {"lives_with", early_marriage ? "spouse" : kLives[rng_.weighted({45, 25, 10, 5, 5, 5, 0})]}};
    const int end = dayOf(2020, 12, 31);
    Json steps = Json::array();
    const int planned = registered + rng_.range(3, 40);
    const bool plan = planned < end && rng_.chance(92);
    if (plan) steps.push_back(step("plan", {{"plan_made_on", iso(planned)}}));
    const int closed = planned + rng_.range(90, 330);
    const bool close = plan && closed < end && rng_.chance(75);
    if (close) {
      static const std::vector<const char*> kWhy = {"risk_removed", "referred_to_other_agency", "moved_away", "turned_18"};
      steps.push_back(step("close", {{"closed_on", iso(closed)}, {"closure_reason", kWhy[rng_.weighted({70, 15, 10, 5})]}}));
    }
    const std::string key = fmt::format("car-{}", ++n_);
    add("child_at_risk", key, agency, std::move(d), std::move(steps));
    if (!plan) return;
    static const std::vector<const char*> kMeasures = {"return_to_school", "social_assistance", "psychological_support",
                                                       "identity_documents", "family_counselling", "health_care",
                                                       "leisure_and_sport", "referral_to_services"};
    for (int m = rng_.range(1, 3); m > 0; --m) {
      std::string kind = kMeasures[rng_.weighted({25, 15, 20, 8, 15, 5, 7, 5})];
      if (risk == "without_identity_documents" && m == 1) kind = "identity_documents";
      const int due = planned + rng_.range(14, 90);
      Json md = {{"child_at_risk", keyRef(key)}, {"kind", kind}, {"due_on", iso(due)},
                 {"responsible_agency", kind == "return_to_school" ? plainName(a.education) : "DOST mərkəzi"}};
      Json ms = Json::array();
      const int done = due - rng_.range(0, 12);
      if (done < end && rng_.chance(88)) ms.push_back(step("complete", {{"done_on", iso(done)}}));
      else if (due < end && rng_.chance(40)) ms.push_back(step("cancel", Json::object()));
      add("prevention_measure", fmt::format("pm-{}", ++n_), agency, std::move(md), std::move(ms));
    }
  }

  // C4: an incident, its victim (a woman most often, sometimes a child) and perpetrator, and a
  // protection order for some.
  void incident(int year) {
    const Region& r = region();
    const Area& a = areaOf(r);
    const int occurred = dayIn(year, 0, 340);
    const int reported = occurred + rng_.range(0, 6);
    const bool child = rng_.chance(12);
    const bool female = child ? rng_.chance(55) : rng_.chance(88);
    const std::string victim = person("dv", female, child ? rng_.range(6, 17) : rng_.range(19, 62), occurred, r, a.group);
    static const std::vector<const char*> kRelations = {"spouse", "former_spouse", "partner", "parent", "step_parent",
                                                        "child", "sibling", "in_law", "other_relative"};
    const std::string relation = child ? (rng_.chance(70) ? "parent" : "step_parent")
                                       : kRelations[rng_.weighted({55, 9, 5, 3, 1, 8, 6, 9, 4})];
    static const std::vector<const char*> kTypes = {"physical", "psychological", "economic", "sexual"};
    Json types = Json::array({kTypes[rng_.weighted({60, 30, 8, 2})]});
    if (rng_.chance(45) && types[0] != "psychological") types.push_back("psychological");
    const int children = child ? rng_.range(1, 4) : rng_.range(0, 4);
    Json d = {{"occurred_on", iso(occurred)},
              {"reported_on", iso(reported)},
              {"region", r.code},
              {"violence_types", types},
              {"victim", keyRef(victim)},
              {"perpetrator_relation", relation},
              {"children_in_household", children},
              {"children_witnessed", children > 0 && rng_.chance(60)},
              {"victim_in_shelter", !child && rng_.chance(6)}};
    if (rng_.chance(60)) {
      const bool perp_female = relation == "in_law" ? rng_.chance(50) : rng_.chance(8);
      d["perpetrator"] = keyRef(person("dvp", perp_female, rng_.range(22, 65), occurred, r, a.group));
    }
    if (rng_.chance(40)) d["referred_to"] = Json::array({rng_.chance(60) ? "police" : "ngo"});
    const int end = dayOf(2020, 12, 31);
    Json steps = Json::array();
    if (reported + 3 < end && rng_.chance(95)) {
      steps.push_back(step("take_up", Json::object()));
      const int closed = reported + rng_.range(10, 150);
      if (closed < end && rng_.chance(82)) {
        static const std::vector<const char*> kWhy = {"safety_restored", "criminal_case_opened", "victim_moved",
                                                      "victim_declined_help"};
        steps.push_back(step("close", {{"closed_on", iso(closed)}, {"closure_reason", kWhy[rng_.weighted({60, 15, 10, 15})]}}));
      }
    }
    const std::string key = fmt::format("dvi-{}", ++n_);
    add("dv_incident", key, a.group, std::move(d), std::move(steps));
    if (!rng_.chance(25)) return;
    const bool long_term = rng_.chance(30);
    const int issued = reported + rng_.range(1, 10);
    const int until = issued + (long_term ? 365 : 30);
    Json od = {{"dv_incident", keyRef(key)}, {"kind", long_term ? "long_term" : "short_term"},
               {"issued_on", iso(issued)}, {"valid_until", iso(until)},
               {"issued_by", long_term ? "Rayon məhkəməsi" : "Rayon polis idarəsi"}};
    Json os = Json::array();
    if (rng_.chance(9) && issued + 5 < end) os.push_back(step("record_breach", {{"breached_on", iso(issued + rng_.range(3, 25))}}));
    else if (until < end) os.push_back(step("expire", Json::object()));
    add("protection_order", fmt::format("po-{}", ++n_), a.group, std::move(od), std::move(os));
  }

  // C5: experts certified 2015-2019; a few suspended, one certificate terminated.
  void experts() {
    static const std::vector<const char*> kOrganisations = {"Uşaq Psixologiyası Mərkəzi", "Media Ekspertizası İctimai Birliyi",
                                                            "Təhsil Problemləri İnstitutu", "Gənclər və Media Assosiasiyası"};
    static const std::vector<const char*> kFields = {"psychology", "pedagogy", "medicine", "law", "media", "culture"};
    for (int i = 0; i < 30; ++i) {
      const bool organisation = i < static_cast<int>(kOrganisations.size());
      const int year = 2015 + i % 5;
      const int certified = dayIn(year, 10, 330);
      std::string name;
      if (organisation) {
        name = kOrganisations[static_cast<std::size_t>(i)];
      } else {
        PersonName n;
        n.female = rng_.chance(55);
        n.first = &rng_.pick(n.female ? kFemaleNames : kMaleNames);
        n.last = &rng_.pick(kChildSurnames);
        name = n.full(kAz);
      }
      Json d = {{"expert_kind", organisation ? "organisation" : "individual"},
                {"name", name},
                {"field", Json::array({kFields[static_cast<std::size_t>(rng_.below(kFields.size()))]})},
                {"certificate_number", fmt::format("ZİE-{}-{:03}", year, i + 1)},
                {"certified_on", iso(certified)},
                {"valid_until", iso(certified + 3 * 365)}};
      Json steps = Json::array();
      if (i == 7) {
        steps.push_back(step("terminate", {{"terminated_on", iso(certified + 400)},
                                           {"status_reason", "Maraqlar toqquşması müəyyən edilib."}}));
      } else if (i % 9 == 4) {
        steps.push_back(step("suspend", {{"suspended_on", iso(certified + 200)},
                                         {"status_reason", "Sertifikatın şərtlərinə əməl olunmayıb."}}));
        steps.push_back(step("reinstate", Json::object()));
      }
      const std::string key = fmt::format("exp-{}", i + 1);
      add("harmful_info_expert", key, kExpertRegister, std::move(d), std::move(steps));
      if (i != 7) {
        experts_.push_back(key);
        expert_since_.push_back(certified);
      }
    }
  }

  void examination(int year) {
    const int requested = dayIn(year, 5, 320);
    std::vector<std::size_t> able;
    for (std::size_t i = 0; i < experts_.size(); ++i)
      if (expert_since_[i] <= requested) able.push_back(i);
    if (able.empty()) return;
    const std::string& expert = experts_[able[static_cast<std::size_t>(rng_.below(able.size()))]];
    static const std::vector<const char*> kKinds = {"film", "tv_programme", "book_or_print", "computer_game",
                                                    "website_or_online", "advertising", "music"};
    static const std::vector<const char*> kBy = {"Mədəniyyət Nazirliyi", "Audiovizual Şura", "Təhsil Nazirliyi",
                                                 "Nəşriyyat", "Kinoteatrlar şəbəkəsi"};
    const std::string kind = kKinds[rng_.weighted({25, 20, 15, 15, 15, 5, 5})];
    Json d = {{"expert", keyRef(expert)},
              {"requested_by", rng_.pick(kBy)},
              {"requested_on", iso(requested)},
              {"product", fmt::format("İnformasiya məhsulu № {}-{:03}", year, ++n_ % 1000)},
              {"product_kind", kind}};
    static const std::vector<const char*> kClasses = {"age_0", "age_6", "age_12", "age_16", "age_18"};
    static const std::vector<const char*> kConclusions = {"not_harmful", "age_restricted", "harmful_prohibited_for_children"};
    const std::size_t c = rng_.weighted({55, 35, 10});
    Json steps = Json::array();
    const int concluded = requested + rng_.range(5, 35);
    if (concluded < dayOf(2020, 12, 31))
      steps.push_back(step("conclude", {{"concluded_on", iso(concluded)},
                                        {"conclusion", kConclusions[c]},
                                        {"age_class", c == 0 ? kClasses[rng_.weighted({40, 30, 30, 0, 0})]
                                                      : c == 1 ? kClasses[rng_.weighted({0, 0, 30, 50, 20})]
                                                               : "age_18"}}));
    add("expert_examination", fmt::format("exm-{}", n_), kExpertRegister, std::move(d), std::move(steps));
  }

  static std::string plainName(const char* agency) {
    std::string s = agency;
    return s.substr(0, s.size() - std::string(" (demo)").size());
  }
};

}  // namespace

void appendFamilySafety(uint64_t seed, DemoDataset& out) { FamilySafety(seed, out).run(); }

}  // namespace palermo::demo
