// The national demo dataset (see demo_national.hpp): a made-up mechanism for 2015-2020 whose 2019
// part states exactly the figures of the annual report for 2019. The generator first plans each
// year (who is identified, placed, paid, in which criminal case...), then writes the rows in
// dependency order: agencies and facilities, then per year the victims' paths, the criminal
// cases and the hotline appeals.
#include "demo/national.hpp"

#include "demo/child_protection.hpp"
#include "demo/kit.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <utility>

namespace palermo::demo {

using namespace palermo::records;  // the generator writes import rows of the engine

namespace {

// ---------------------------------------------------------------------------------------------
// Screening answers: the indicators of rules/screening/ilo_ec_2009.yaml, with their grade in
// each list (adult labour, adult sexual, child labour, child sexual; '-' = not in the list).

struct IndicatorGrade {
  const char* code;
  int dimension;
  const char* grades;  // "AL AS CL CS"
};

const std::vector<IndicatorGrade> kIndicators = {
    {"deceived_nature_of_job", 1, "SSSS"},
    {"deceived_wages", 1, "MMMM"},
    {"deceived_working_conditions", 1, "MMMM"},
    {"deceived_contract", 1, "MMMM"},
    {"deceived_housing", 1, "MMMM"},
    {"deceived_documents_migration_status", 1, "MMMM"},
    {"deceived_travel_recruitment", 1, "MMMM"},
    {"deceived_family_reunification", 1, "MMMM"},
    {"deceived_marriage_adoption", 1, "MMMM"},
    {"deceived_education", 1, "WWSS"},
    {"violence_on_victim_at_recruitment", 2, "SSSS"},
    {"threats_of_violence_at_recruitment", 2, "MMSS"},
    {"abduction_forced_marriage_or_sale", 2, "MMSS"},
    {"debt_bondage_at_recruitment", 2, "MMSS"},
    {"documents_confiscated_at_recruitment", 2, "MMMM"},
    {"isolation_at_recruitment", 2, "MMMM"},
    {"threat_of_denunciation_at_recruitment", 2, "MMMM"},
    {"threat_to_inform_family_at_recruitment", 2, "MMMM"},
    {"violence_on_family_at_recruitment", 2, "MMMM"},
    {"money_withheld_at_recruitment", 2, "MMMM"},
    {"abuse_of_difficult_family_situation", 3, "MMMM"},
    {"abuse_of_illegal_status", 3, "MMMM"},
    {"abuse_of_lack_of_education", 3, "MMMM"},
    {"abuse_of_lack_of_information", 3, "MMMM"},
    {"control_by_exploiters", 3, "MMMM"},
    {"economic_reasons_at_recruitment", 3, "MMMM"},
    {"false_information_successful_migration", 3, "MMMM"},
    {"personal_situation", 3, "MMMM"},
    {"psychological_emotional_dependency", 3, "MMMM"},
    {"relationship_with_authorities_at_recruitment", 3, "MMMM"},
    {"difficulties_in_past_at_recruitment", 3, "WWMM"},
    {"difficulty_organising_travel", 3, "WWMM"},
    {"false_information_law_authorities", 3, "MM--"},
    {"abuse_of_cultural_religious_beliefs", 3, "WWMM"},
    {"general_context", 3, "WWMM"},
    {"excessive_working_hours", 4, "SSSS"},
    {"low_or_no_salary", 4, "MMMM"},
    {"wage_manipulation", 4, "MMMM"},
    {"bad_living_conditions", 4, "MMMM"},
    {"very_bad_working_conditions", 4, "MMMM"},
    {"hazardous_work", 4, "MMMM"},
    {"labour_law_not_respected", 4, "M-M-"},
    {"no_social_protection", 4, "M---"},
    {"no_access_to_education", 4, "WWMM"},
    {"documents_confiscated_at_destination", 5, "SSSS"},
    {"debt_bondage_at_destination", 5, "SSSS"},
    {"isolation_at_destination", 5, "SSSS"},
    {"violence_on_victim_at_destination", 5, "SSSS"},
    {"threats_of_violence_at_destination", 5, "MMSS"},
    {"forced_into_criminal_activities", 5, "MMSS"},
    {"forced_tasks_or_clients", 5, "MSSS"},
    {"under_strong_influence", 5, "MMSS"},
    {"forced_to_act_against_peers", 5, "MMMM"},
    {"forced_to_lie", 5, "MMMM"},
    {"threat_of_denunciation_at_destination", 5, "MMMM"},
    {"threat_of_worse_conditions", 5, "MMMM"},
    {"violence_on_family_at_destination", 5, "MMMM"},
    {"wages_withheld", 5, "MMMM"},
    {"threat_to_inform_family_at_destination", 5, "WWMM"},
    {"dependency_on_exploiters", 6, "MMMM"},
    {"difficulty_living_in_unknown_area", 6, "MMMM"},
    {"economic_reasons_at_destination", 6, "MMMM"},
    {"family_situation", 6, "MMMM"},
    {"relationship_with_authorities_at_destination", 6, "MMMM"},
    {"difficulties_in_past_at_destination", 6, "WWMM"},
    {"personal_characteristics", 6, "WWMM"},
};

}  // namespace


// Answers ({code: yes|no|unknown} as JSON text) that the ILO/EC rules score as `result`: a
// positive dimension gets one strong and one other "yes", or three medium ones; other dimensions
// get at most one medium "yes" (never enough); the rest are "no" (or, when the result is
// indicated anyway, now and then "unknown"); dimensions left out count as unknown.
std::string screeningAnswers(Rng& rng, bool child, bool labour, Screen result) {
  const std::size_t col = (child ? 2U : 0U) + (labour ? 0U : 1U);
  std::set<int> positive, unanswered;
  const int recruitment = rng.range(1, 3);
  switch (result) {
    case Screen::Indicated:
      positive = {recruitment, 4};
      if (rng.chance(30)) positive.insert(rng.range(1, 3));
      if (!child) {
        const int means = rng.range(0, 2);  // 5, 6 or both
        if (means != 1) positive.insert(5);
        if (means != 0) positive.insert(6);
      } else if (rng.chance(40)) {
        positive.insert(5);
      }
      break;
    case Screen::PartlyIndicated:
      positive = {recruitment};
      if (!child && rng.chance(50)) positive.insert(6);
      break;
    case Screen::NotIndicated:
      break;
    case Screen::Inconclusive:
      if (child) {
        positive = {4};
        unanswered = {1, 2, 3};
      } else {
        positive = {recruitment == 2 ? 1 : recruitment, 4};
        unanswered = {5, 6};
      }
      break;
  }
  Json answers = Json::object();
  for (int dim = 1; dim <= 6; ++dim) {
    if (unanswered.count(dim)) continue;
    std::vector<const IndicatorGrade*> all, strong, medium;
    for (const auto& i : kIndicators) {
      if (i.dimension != dim || i.grades[col] == '-') continue;
      all.push_back(&i);
      if (i.grades[col] == 'S') strong.push_back(&i);
      if (i.grades[col] == 'M') medium.push_back(&i);
    }
    std::set<std::string> yes;
    if (positive.count(dim)) {
      if (!strong.empty() && rng.chance(60)) {
        const auto* s = rng.pick(strong);
        yes.insert(s->code);
        while (yes.size() < 2) yes.insert(rng.pick(all)->code);
      } else {
        rng.shuffle(medium);
        for (std::size_t k = 0; k < 3 && k < medium.size(); ++k) yes.insert(medium[k]->code);
      }
    } else if (!medium.empty() && rng.chance(20)) {
      yes.insert(rng.pick(medium)->code);  // one medium indicator alone is not enough
    }
    const bool unknowns = result == Screen::Indicated && !positive.count(dim);
    for (const auto* i : all) {
      if (yes.count(i->code)) answers[i->code] = "yes";
      else answers[i->code] = unknowns && rng.chance(10) ? "unknown" : "no";
    }
  }
  return answers.dump();
}

namespace {

// ---------------------------------------------------------------------------------------------
// Places.

// ---------------------------------------------------------------------------------------------
// Agencies (by name) and facilities (by row key).

const char* const kNgoBaku = "Ümid körpüsü ictimai birliyi (demo)";
const char* const kNgoGanja = "Gəncə qadınlara dəstək mərkəzi (demo)";
const char* const kNgoLankaran = "Lənkəran sosial təşəbbüslər birliyi (demo)";
const char* const kHotline152 = "152 qaynar xətti (demo)";
const char* const kHotline116 = "116-111 uşaq qaynar xətti (demo)";
const char* const kProsecutor = "Baş Prokurorluq (demo)";
const char* const kCourt = "Bakı Ağır Cinayətlər Məhkəməsi (demo)";
const char* const kStatistics = "Dövlət Statistika Komitəsi (demo)";

// The agency's name without the " (demo)" suffix, as other records write it.
std::string plainName(const char* agency) {
  std::string s = agency;
  const std::string suffix = " (demo)";
  if (s.size() > suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0)
    s.resize(s.size() - suffix.size());
  return s;
}

const char* ngoFor(const Region& r) {
  const std::string code = r.ngo;
  if (code == "ganja") return kNgoGanja;
  if (code == "lankaran") return kNgoLankaran;
  return kNgoBaku;
}

struct Facility {
  std::string key;
  const char* agency;
  std::string agency_type;  // the type of the agency running it (shelter / ngo)
  int capacity;
  int open = 0;  // placements still admitted (never discharged) so far
};

// ---------------------------------------------------------------------------------------------
// The plan of one person's path.

enum class Outcome { Identified, NotVictim, Pending };

struct Victim {
  int year = 0;
  int n = 0;  // 1-based number within the year
  Outcome outcome = Outcome::Identified;
  bool child = false;
  bool female = true;
  bool sex_recorded = true;
  std::string citizenship = "AZ";
  std::string country;  // main country of exploitation; "" = not known
  bool labour = false;  // forced labour (otherwise sexual exploitation)
  std::string sector;   // labour_sector when labour
  const Region* region = nullptr;
  std::string source;
  bool duplicate = false;   // registered twice: by an NGO or hotline and by the police
  std::string facility;     // facility key when placed
  std::vector<std::string> vulnerabilities;
  std::vector<std::string> reintegration;                  // outcomes
  std::vector<std::pair<int, std::string>> child_support;  // (child number, kind)
  std::map<int, int> child_age;                            // child number -> age in the year
  bool screened = true;
  Screen screen = Screen::Indicated;
  int signal_day = 0, registered = 0, decision = 0;
  int age = 30;  // at the decision (or registration)
  int signal_minute = 600;
  std::string phone;
  PersonName name;
  int birth = 0;
  bool birth_year_only = false;
  // Row keys, set when written.
  std::string id, person_key, signal_key, case_key;

  [[nodiscard]] bool identified() const { return outcome == Outcome::Identified; }
};

// One year's criminal justice figures.
struct CrimeYear {
  int art_144_1, art_144_2;  // criminal cases under each article
  int court;  // cases sent to court (each with exactly one person charged in the year)
  int charged_female, charged_male;
  int wanted, detained, wanted_charged;  // wanted_charged: wanted, detained and charged
  std::vector<int> groups;               // members of each criminal group
};

// Crimes (episodes, criminal_case.crimes_count) registered per year: under 144-1 (spread over
// the year's 144-1 cases) and 144-3 (document offences, in cases of their own, investigated
// without victims or accused). 2019 states the annual report: 186 trafficking crimes, 4 of
// forced labour (one per 144-2 case), 36 document offences.
const std::map<int, std::pair<int, int>> kCrimes = {
    {2015, {120, 20}}, {2016, {135, 24}}, {2017, {142, 26}}, {2018, {160, 30}}, {2019, {186, 36}}, {2020, {150, 28}},
};

// Imported aggregates (register statistic_aggregate): the years before the records (a made-up
// yearly split of the 2019 report's 2005-2019 totals: victims 976, crimes 1514, prosecuted 570,
// less what the records of 2015-2019 give) and the 2019 figures of registers the system does
// not keep (labour inspections, migration, awareness, monitoring, raids, grants).
struct Aggregate {
  const char* indicator;
  int year;
  double value;
  const char* qualifier;
};
const std::vector<int> kHistoryVictims = {22, 43, 56, 61, 53, 58, 64, 72, 75, 85};        // 2005-2014: 589
const std::vector<int> kHistoryCrimes = {34, 52, 61, 70, 68, 74, 88, 96, 104, 113};       // 760
const std::vector<int> kHistoryProsecuted = {21, 30, 38, 42, 45, 47, 51, 54, 56, 60};     // 444
const std::vector<Aggregate> kAggregates2019 = {
    {"organ_removal_groups_sss", 2019, 1, "exact"},
};

struct YearPlan {
  int identified, not_victim, pending, children, labour, placed_percent;
  int domestic_violence, early_marriage;
  int appeals_152, appeals_116;
  CrimeYear crime;
};

// 2019 states the annual report; the other years are plausible.
// The 2019 report: "42 traffickers were convicted, including those charged in earlier years"
// (reference/annual-report-2019.yaml convicted_traffickers_including_earlier_years).
constexpr int kConvicted2019 = 42;
// The questionnaire (2021): minor victims identified 2005-2020, and of them sexually exploited.
constexpr int kMinorVictims2005To2020 = 25;
constexpr int kMinorSexual2005To2020 = 7;

const std::map<int, YearPlan> kYears = {
    {2015, {63, 9, 0, 1, 3, 80, 7, 6, 4120, 310, {28, 2, 22, 17, 5, 24, 13, 8, {3, 2}}}},
    {2016, {78, 11, 0, 2, 2, 82, 8, 8, 4690, 350, {33, 1, 26, 20, 6, 29, 15, 9, {3, 2, 2}}}},
    {2017, {71, 8, 0, 1, 4, 78, 7, 7, 5280, 390, {31, 2, 25, 19, 6, 27, 14, 9, {2, 2}}}},
    {2018, {84, 12, 0, 2, 3, 83, 9, 8, 6010, 430, {34, 2, 26, 20, 6, 31, 17, 10, {3, 3, 2}}}},
    {2019, {91, 10, 0, 1, 6, 86, 10, 10, 6845, 470, {36, 4, 27, 22, 5, 35, 19, 12, {3, 3, 2, 2}}}},
    {2020, {66, 7, 14, 1, 2, 80, 7, 7, 5730, 6657, {27, 1, 20, 15, 5, 22, 11, 7, {2, 2}}}},
};

// Texts.
const std::vector<const char*> kSexualSummaries = {
    "Yüksək maaşlı iş vədi ilə xaricə aparılmış, orada fahişəliyə məcbur edilmiş qadın barədə məlumat.",
    "Ofisiant işi vədi ilə xaricə aparılan qadının sənədləri əlindən alınıb, cinsi istismara məruz qalır.",
    "Sosial şəbəkədə tanış olduğu şəxs tərəfindən aldadılaraq xaricə aparılmış qadın barədə siqnal.",
    "Evlilik vədi ilə xaricə aparılmış, orada cinsi istismara məcbur edilən şəxs haqqında müraciət.",
    "Qohumu xaricdə saxlanılan və fahişəliyə məcbur edilən qadın barədə məlumat verib.",
};
const std::vector<const char*> kLabourSummaries = {
    "Tikintidə iş vədi ilə xaricə aparılmış, maaşı ödənilməyən və sənədləri alınmış işçilər barədə məlumat.",
    "İşəgötürən maaşı ödəmir, sənədləri saxlayır və işçilərin tikinti sahəsini tərk etməsinə icazə vermir.",
    "Kənd təsərrüfatı işlərində haqqı ödənilmədən işlədilən şəxs barədə siqnal.",
};
const std::vector<const char*> kBeggingSummaries = {
    "Küçədə dilənçiliyə cəlb edilmiş, yığdığı pulu böyüklərə verməyə məcbur edilən uşaq barədə məlumat.",
};
const std::vector<const char*> kOtherSummaries = {
    "Xaricdə iş təklifinin etibarlı olub-olmaması barədə sorğu; insan alveri əlaməti aşkar edilməyib.",
    "Əmək haqqının gecikdirilməsi ilə bağlı şikayət; əmək müfəttişliyinə yönləndirilib.",
    "Qohumu ilə əlaqənin kəsilməsi barədə narahatlıq; şəxs tapılıb, təhlükə yoxdur.",
    "Ailədaxili münaqişə barədə müraciət; insan alveri əlaməti yoxdur.",
};
const std::vector<const char*> kResponses = {
    "Hüquqi məsləhət verildi.", "Xaricdə işə düzəlmə qaydaları izah edildi.",
    "Müvafiq quruma müraciət etmək tövsiyə olundu.", "Psixoloji dəstək göstərildi.",
    "Məlumat xüsusi polisə ötürüldü.", "Miqrantların qeydiyyatı qaydaları izah edildi.",
    "Övladlığa götürmə qaydaları barədə məlumat verildi.",
};

// ---------------------------------------------------------------------------------------------

Json grant(const std::string& agency, const std::string& reason) {
  return Json{{"agency", agency}, {"reason", reason}};
}

class National {
 public:
  explicit National(uint64_t seed) : rng_(seed), seed_(seed) {}

  DemoDataset run() {
    agencies();
    facilities();
    std::vector<RaidVictim> raid_victims;
    for (const auto& [year, plan] : kYears) {
      std::vector<Victim> victims = planYear(year, plan);
      for (auto& v : victims) {
        writeVictim(v);
        // Children in forced labour whose signal came from a police operation were found in a
        // raid against child labour and begging (2019: the forced-begging child).
        if (v.child && v.labour && v.identified() && v.source == "police_operation")
          raid_victims.push_back({year, v.signal_day, v.region->name, v.person_key, v.signal_key});
        if (v.child && v.identified()) {
          ++minors_.total;
          if (!v.labour) ++minors_.sexual, minors_.boys_sexual += v.sex_recorded && !v.female ? 1 : 0;
        }
      }
      writeOtherSignals(year);
      writeCrime(year, plan.crime, victims);
      writeDocumentCrimes(year);
      writeAppeals(year, "hotline_152", plan.appeals_152);
      writeAppeals(year, "hotline_116_111", plan.appeals_116);
    }
    aggregates();
    courtCalendar(2019, kConvicted2019);
    appendChildProtection(seed_, raid_victims, out_);
    appendFamilySafety(seed_, out_);
    appendMonitoringLabourMigration(seed_, out_);
    appendPrevention(seed_, out_);
    appendRehabilitationAndParties(seed_, parties_, out_);
    return std::move(out_);
  }

 private:
  Rng rng_;
  uint64_t seed_;
  // Minors identified 2015-2020 in the records, for the 2005-2014 aggregates that complete the
  // questionnaire's 2005-2020 figures.
  struct {
    int total = 0, sexual = 0, boys_sexual = 0;
  } minors_;
  DemoDataset out_;
  RehabilitationInput parties_;  // cases and criminal cases for demo/rehabilitation.cpp
  int charged_since_2019_ = 0;
  std::map<std::string, Facility> facilities_;
  std::map<std::pair<std::string, int>, int> appeals_written_;  // (line, year) -> appeals so far
  int payment_ = 0;

  void add(const std::string& type, const std::string& key, const std::string& agency, Json data,
           Json transitions = Json::array(), Json share = Json::array()) {
    addRow(out_.rows, type, key, agency, std::move(data), std::move(transitions), std::move(share));
  }

  // ---- agencies and facilities ----

  void agencies() {
    out_.agencies = {
        {kPolice, "special_police", "baku"},   {kAssistance, "assistance_center", "baku"},
        {kShelter, "shelter", "baku"},         {kNgoBaku, "ngo", "baku"},
        {kNgoGanja, "ngo", "ganja"},           {kNgoLankaran, "ngo", "lankaran"},
        {kHotline152, "hotline", "baku"},      {kHotline116, "hotline", "baku"},
        {kProsecutor, "prosecutor", "baku"},   {kCourt, "court", "baku"},
        {kStatistics, "statistics", ""},       {kCoordinator, "coordinator", ""},
    };
  }

  void facility(const std::string& key, const char* agency, const std::string& agency_type, Json data) {
    facilities_[key] = Facility{key, agency, agency_type, data.value("capacity", 0), 0};
    add("facility", key, agency, std::move(data));
  }

  void facilities() {
    facility("f-shelter", kShelter, "shelter",
             {{"name", "İnsan alverinin qurbanları üçün sığınacaq (Bakı)"},
              {"facility_kind", "shelter"},
              {"operated_by", "ministry_internal_affairs"},
              {"operator_name", "Daxili İşlər Nazirliyi"},
              {"region", "baku"},
              {"address", "Bakı şəhəri, ünvan məxfidir (demo)"},
              {"capacity", 50},
              {"takes", {"women", "men", "girls", "boys", "mothers_with_children"}},
              {"opened_on", "2006-10-02"}});
    facility("f-ngo-ganja", kNgoGanja, "ngo",
             {{"name", "Qadınlar və qızlar üçün sığınacaq (Gəncə)"},
              {"facility_kind", "shelter"},
              {"operated_by", "ngo"},
              {"operator_name", plainName(kNgoGanja)},
              {"region", "ganja"},
              {"capacity", 12},
              {"takes", {"women", "girls", "mothers_with_children"}},
              {"opened_on", "2011-03-15"}});
    facility("f-ngo-lankaran", kNgoLankaran, "ngo",
             {{"name", "Reabilitasiya mərkəzi (Lənkəran)"},
              {"facility_kind", "rehabilitation_centre"},
              {"operated_by", "ngo"},
              {"operator_name", plainName(kNgoLankaran)},
              {"region", "lankaran"},
              {"capacity", 10},
              {"takes", {"women", "girls"}},
              {"opened_on", "2013-09-01"}});
    facility("f-ngo-baku", kNgoBaku, "ngo",
             {{"name", "Yardım və reabilitasiya mərkəzi (Bakı)"},
              {"facility_kind", "ngo_centre"},
              {"operated_by", "ngo"},
              {"operator_name", plainName(kNgoBaku)},
              {"region", "baku"},
              {"capacity", 8},
              {"takes", {"women", "mothers_with_children"}},
              {"opened_on", "2009-05-20"}});
    facility("f-assistance", kAssistance, "assistance_center",
             {{"name", "İnsan alverinin qurbanlarına yardım mərkəzi (Bakı)"},
              {"facility_kind", "assistance_center"},
              {"operated_by", "ministry_labour"},
              {"operator_name", "Əmək və Əhalinin Sosial Müdafiəsi Nazirliyi"},
              {"region", "baku"},
              {"opened_on", "2012-07-01"}});
  }

  // ---- small draws ----

  const Region& region() { return pickRegion(rng_); }

  PersonName name(bool female, bool central_asian = false) {
    PersonName n;
    n.female = female;
    if (central_asian) {
      n.first = &rng_.pick(kCentralAsianFemale);
      n.foreign_last = &rng_.pick(kCentralAsianSurnames);
      return n;
    }
    n.first = &rng_.pick(female ? kFemaleNames : kMaleNames);
    n.father = &rng_.pick(kMaleNames);
    n.last = &rng_.pick(kSurnames);
    return n;
  }

  // A day in `year` between day-of-year `from` and `to` (0-based).
  int dayIn(int year, int from, int to) { return jan1(year) + rng_.range(from, to); }
  int minute() { return rng_.range(4 * 60, 17 * 60 + 59); }

  std::string digits(int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += static_cast<char>('0' + rng_.range(0, 9));
    return s;
  }
  std::string fin() {
    static const std::string kChars = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    std::string s;
    for (int i = 0; i < 7; ++i) s += kChars[static_cast<std::size_t>(rng_.below(kChars.size()))];
    return s;
  }
  std::string phone() { return "+99450" + digits(7); }
  // The same number as another registration writes it.
  std::string phoneVariant(const std::string& p) {
    const std::string local = p.substr(4);  // 50xxxxxxx
    switch (rng_.range(0, 3)) {
      case 0:
        return "0" + local;
      case 1:
        return "+994 " + local.substr(0, 2) + " " + local.substr(2, 3) + " " + local.substr(5, 2) + " " + local.substr(7);
      case 2:
        return "(0" + local.substr(0, 2) + ") " + local.substr(2, 3) + "-" + local.substr(5, 2) + "-" + local.substr(7);
      default:
        return p;
    }
  }
  // Birth as another registration writes it: only the year, year and month, or day and month swapped.
  std::string birthVariant(int birth) {
    const Ymd b = ymdOf(birth);
    switch (rng_.range(0, 3)) {
      case 0:
        return fmt::format("{:04}", b.y);
      case 1:
        return fmt::format("{:04}-{:02}", b.y, b.m);
      case 2:
        if (b.d <= 12 && b.d != b.m) return fmt::format("{:04}-{:02}-{:02}", b.y, b.d, b.m);
        return fmt::format("{:04}-{:02}", b.y, b.m);
      default:
        return iso(birth);
    }
  }
  // A day of `year`: the day of the month drawn first, then the month (the order the dataset's
  // figures were fixed with; see address()).
  int birthDay(int year) {
    const int day = rng_.range(1, 28);
    const int month = rng_.range(1, 12);
    return dayOf(year, month, day);
  }
  std::string address(const Region& r) {
    // Drawn one by one (the order of a call's arguments is the compiler's): last first, as GCC
    // drew them when the dataset's figures were fixed.
    const int flat = rng_.range(1, 90);
    const int house = rng_.range(1, 140);
    const auto& street = rng_.pick(kStreets);
    return fmt::format("{}, {} küç., ev {}, mənzil {}", r.name, street, house, flat);
  }
  std::string city(const std::string& country) {
    auto it = kCities.find(country);
    if (it == kCities.end()) return country;
    return rng_.pick(it->second);
  }


  // ---- planning a year ----

  std::string country() {
    static const std::vector<const char*> kCountries = {"TR", "QA", "AE", "IR", "RU", "AZ", "GE", ""};
    return kCountries[rng_.weighted({55, 12, 8, 8, 8, 5, 2, 2})];
  }

  std::string source(bool child) {
    if (child) {
      static const std::vector<const char*> kChild = {"hotline_116_111", "police_operation", "school", "ngo"};
      return kChild[rng_.weighted({35, 35, 15, 15})];
    }
    static const std::vector<const char*> kAdult = {"police_operation", "hotline_152",         "ngo",  "border_service",
                                                    "consulate",        "internet_monitoring", "other"};
    return kAdult[rng_.weighted({35, 18, 14, 8, 10, 7, 3})];
  }

  // The dates of a case decided in `year`: signal, registration, decision, all in the year.
  void dates(Victim& v) {
    v.decision = dayIn(v.year, 19, 343);
    v.registered = std::max(jan1(v.year) + 1, v.decision - rng_.range(4, 25));
    v.signal_day = std::max(jan1(v.year), v.registered - rng_.range(0, 2));
  }

  void person(Victim& v, int age) {
    v.age = age;
    v.name = name(v.female, v.citizenship == "UZ" || v.citizenship == "TJ");
    v.birth = birthDay(v.year - age);
    v.birth_year_only = v.citizenship != "AZ" && rng_.chance(30);
  }

  Victim identifiedVictim(int year, bool child, bool labour) {
    Victim v;
    v.year = year;
    v.child = child;
    v.labour = labour;
    v.region = &region();
    dates(v);
    if (child) {
      v.female = labour ? rng_.chance(50) : true;
      if (labour) {
        v.sector = "begging";
        v.country = "AZ";
      } else {
        v.country = rng_.chance(50) ? "AZ" : "TR";
      }
      person(v, rng_.range(15, 17));
    } else if (labour) {
      const std::size_t k = rng_.weighted({60, 25, 15});
      v.sector = k == 0 ? "construction" : k == 1 ? "agriculture" : "domestic_work";
      v.country = k == 0 ? "RU" : k == 1 ? "AZ" : "TR";
      v.female = k == 2;
      person(v, rng_.range(22, 50));
    } else {
      v.female = true;
      v.country = country();
      if (v.country == "AZ" && rng_.chance(50)) v.citizenship = rng_.chance(50) ? "UZ" : "TJ";
      person(v, rng_.range(19, 42));
    }
    v.source = source(child);
    return v;
  }

  std::vector<Victim> planYear(int year, const YearPlan& plan) {
    std::vector<Victim> ids;
    if (year == 2019) {
      ids = plan2019();
    } else {
      for (int i = 0; i < plan.identified; ++i) {
        const bool child = i < plan.children;
        const bool labour = child ? rng_.chance(50) : i < plan.children + plan.labour;
        ids.push_back(identifiedVictim(year, child, labour));
      }
      for (auto& v : ids)
        if (rng_.chance(plan.placed_percent)) {
          if (rng_.chance(85)) {
            v.facility = "f-shelter";
          } else {
            const std::string ngo = v.region->ngo;
            v.facility = "f-ngo-" + ngo;
          }
        }
      for (auto& v : ids) {
        static const std::vector<const char*> kOutcomes = {"returned_to_family", "vocational_course", "employed",
                                                           "education", "documents_restored", "social_aid",
                                                           "housing", "alimony"};
        static const std::vector<int> kPercent = {60, 45, 15, 0, 10, 10, 5, 5};
        for (std::size_t k = 0; k < kOutcomes.size(); ++k) {
          const int percent = kOutcomes[k] == std::string("education") ? (v.child ? 80 : 0) : kPercent[k];
          if (rng_.chance(percent)) v.reintegration.push_back(kOutcomes[k]);
        }
        if (!v.child && v.female && v.age >= 22 && rng_.chance(30)) {
          static const std::vector<const char*> kKinds = {"pre_school", "school", "alimony", "documents",
                                                          "medical", "psychological", "social_aid"};
          const int children = rng_.range(1, 2);
          for (int c = 1; c <= children; ++c) {
            v.child_age[c] = rng_.range(1, std::min(15, v.age - 18));
            v.child_support.emplace_back(c, rng_.pick(kKinds));
          }
        }
      }
      // Registered twice: about one in ten, signalled by an NGO or a hotline.
      for (int i : rng_.sample(plan.identified, (plan.identified + 5) / 10)) {
        Victim& v = ids[static_cast<std::size_t>(i)];
        v.duplicate = true;
        if (v.source != "ngo" && v.source != "hotline_152" && v.source != "hotline_116_111")
          v.source = rng_.chance(50) ? "ngo" : v.child ? "hotline_116_111" : "hotline_152";
      }
    }
    vulnerabilities(ids, plan);
    std::vector<Victim> all = ids;
    for (int i = 0; i < plan.not_victim; ++i) {
      Victim v;
      v.year = year;
      v.outcome = Outcome::NotVictim;
      v.region = &region();
      v.female = rng_.chance(70);
      v.labour = !v.female || rng_.chance(30);
      v.source = source(false);
      dates(v);
      person(v, rng_.range(19, 50));
      v.screen = rng_.chance(60) ? Screen::NotIndicated : Screen::PartlyIndicated;
      all.push_back(std::move(v));
    }
    for (int i = 0; i < plan.pending; ++i) {
      Victim v;
      v.year = year;
      v.outcome = Outcome::Pending;
      v.region = &region();
      v.female = rng_.chance(85);
      v.labour = !v.female;
      v.country = v.labour ? "RU" : country();
      v.source = source(false);
      v.registered = dayOf(year, 10, 15) + rng_.range(0, 66);
      v.signal_day = v.registered - rng_.range(0, 2);
      person(v, rng_.range(19, 40));
      v.screened = rng_.chance(60);
      v.screen = rng_.chance(50) ? Screen::Inconclusive : Screen::PartlyIndicated;
      if (rng_.chance(40)) v.facility = "f-shelter";
      all.push_back(std::move(v));
    }
    std::stable_sort(all.begin(), all.end(),
                     [](const Victim& a, const Victim& b) { return a.registered < b.registered; });
    for (std::size_t i = 0; i < all.size(); ++i) {
      all[i].n = static_cast<int>(i) + 1;
      all[i].id = fmt::format("{}-{:03}", year, all[i].n);
    }
    return all;
  }

  // Domestic violence and early marriage among the year's identified adult women (the
  // questionnaire's 2015-2020 totals are the sums of the years), other risk factors at random.
  void vulnerabilities(std::vector<Victim>& ids, const YearPlan& plan) {
    std::vector<int> women;
    for (std::size_t i = 0; i < ids.size(); ++i)
      if (ids[i].female && !ids[i].child && ids[i].citizenship == "AZ") women.push_back(static_cast<int>(i));
    const int n = static_cast<int>(women.size());
    for (int k : rng_.sample(n, plan.domestic_violence))
      ids[static_cast<std::size_t>(women[static_cast<std::size_t>(k)])].vulnerabilities.push_back("domestic_violence");
    for (int k : rng_.sample(n, plan.early_marriage))
      ids[static_cast<std::size_t>(women[static_cast<std::size_t>(k)])].vulnerabilities.push_back("early_marriage");
    static const std::vector<const char*> kAdult = {"poverty", "unemployment", "single_parent", "lack_of_education",
                                                    "previously_trafficked", "no_identity_documents",
                                                    "orphan_or_care_leaver", "substance_dependency"};
    static const std::vector<const char*> kChild = {"school_dropout", "neglected_child", "poverty", "begging"};
    for (auto& v : ids) {
      const auto& list = v.child ? kChild : kAdult;
      for (const char* code : list) {
        if (std::string(code) == "begging" && v.sector != "begging") continue;
        if (rng_.chance(std::string(code) == "begging" ? 100 : 18)) v.vulnerabilities.push_back(code);
      }
    }
  }

  // 2019: the annual report's victims.
  std::vector<Victim> plan2019() {
    const int year = 2019;
    std::vector<Victim> ids;
    // The child: forced begging in Azerbaijan, found in a police raid; sex not recorded.
    {
      Victim v = identifiedVictim(year, true, true);
      v.sex_recorded = false;
      v.source = "police_operation";
      person(v, 13);
      ids.push_back(std::move(v));
    }
    // Five men in forced labour on construction sites in Russia.
    for (int i = 0; i < 5; ++i) {
      Victim v = identifiedVictim(year, false, true);
      v.sector = "construction";
      v.country = "RU";
      v.female = false;
      person(v, rng_.range(22, 48));
      ids.push_back(std::move(v));
    }
    // Two foreign women exploited in Azerbaijan.
    for (const char* citizenship : {"UZ", "TJ"}) {
      Victim v = identifiedVictim(year, false, false);
      v.citizenship = citizenship;
      v.country = "AZ";
      person(v, rng_.range(20, 35));
      ids.push_back(std::move(v));
    }
    // Women sexually exploited abroad, by main country; three without one.
    std::vector<std::string> countries;
    for (const auto& [c, count] : std::vector<std::pair<std::string, int>>{
             {"TR", 54}, {"QA", 16}, {"IR", 8}, {"AE", 2}, {"", 3}})
      for (int i = 0; i < count; ++i) countries.push_back(c);
    rng_.shuffle(countries);
    for (const auto& c : countries) {
      Victim v = identifiedVictim(year, false, false);
      v.citizenship = "AZ";
      v.country = c;
      person(v, rng_.range(19, 42));
      ids.push_back(std::move(v));
    }
    const int n = static_cast<int>(ids.size());  // 91
    auto at_ = [&](int i) -> Victim& { return ids[static_cast<std::size_t>(i)]; };
    // 78 placed in the Ministry's shelter.
    std::set<int> not_placed;
    for (int i : rng_.sample(n, 13)) not_placed.insert(i);
    for (int i = 0; i < n; ++i)
      if (!not_placed.count(i)) at_(i).facility = "f-shelter";
    // Reintegration: 58 returned to the family, 45 vocational courses, 14 employed.
    for (const auto& [outcome, count] : std::vector<std::pair<std::string, int>>{
             {"returned_to_family", 58}, {"vocational_course", 45}, {"employed", 14}})
      for (int i : rng_.sample(n, count)) at_(i).reintegration.push_back(outcome);
    // Victims' children: 22 pre-school places, 15 alimonies, 18 documents, among 34 mothers.
    std::vector<int> mothers;
    for (int i = 0; i < n; ++i)
      if (at_(i).female && !at_(i).child) mothers.push_back(i);
    rng_.shuffle(mothers);
    std::stable_partition(mothers.begin(), mothers.end(), [&](int i) { return at_(i).age >= 24; });
    mothers.resize(34);  // of 85 women aged 19-42 (about 65 of them 24 or older)
    std::vector<std::string> kinds;
    for (const auto& [kind, count] : std::vector<std::pair<std::string, int>>{
             {"pre_school", 22}, {"alimony", 15}, {"documents", 18}})
      for (int i = 0; i < count; ++i) kinds.push_back(kind);
    rng_.shuffle(kinds);
    for (std::size_t k = 0; k < kinds.size(); ++k) {
      Victim& m = at_(mothers[k % mothers.size()]);
      const int child = static_cast<int>(m.child_support.size()) + 1;
      m.child_support.emplace_back(child, kinds[k]);
      const int oldest = std::max(1, std::min(15, m.age - 18));
      m.child_age[child] = kinds[k] == "pre_school" ? std::min(rng_.range(3, 5), oldest) : rng_.range(1, oldest);
    }
    // Nine registered twice (never the child, whose signal came from the police).
    for (int i : rng_.sample(n - 1, 9)) {
      Victim& v = at_(i + 1);
      v.duplicate = true;
      if (v.source != "ngo" && v.source != "hotline_152") v.source = rng_.chance(50) ? "ngo" : "hotline_152";
    }
    return ids;
  }

  // ---- writing a person's path ----

  // A date-time `add` minutes after `minute_of_day` of `day`, within the working window.
  static std::string later(int day, int minute_of_day, int add) {
    int m = minute_of_day + add;
    while (m > 17 * 60 + 59) {
      ++day;
      m = 4 * 60 + (m - 18 * 60);
    }
    return at(day, m);
  }

  static const char* signalAgency(const Victim& v) {
    if (v.source == "hotline_152") return kHotline152;
    if (v.source == "hotline_116_111") return kHotline116;
    if (v.source == "ngo") return ngoFor(*v.region);
    return kPolice;
  }

  static const char* reintegrationAgency(const std::string& outcome, const char* ngo) {
    if (outcome == "employed" || outcome == "vocational_course" || outcome == "education" ||
        outcome == "documents_restored")
      return kAssistance;
    return ngo;
  }
  static const char* childSupportAgency(const std::string& kind, const char* ngo) {
    return kind == "alimony" || kind == "social_aid" ? kAssistance : ngo;
  }

  void writePerson(Victim& v) {
    Json p = {{"pseudonym", "Q-" + v.id},
              {"last_name", v.name.lastName(kAz)},
              {"first_name", v.name.firstName(kAz)},
              {"region", v.region->code}};
    if (v.name.father) p["patronymic"] = v.name.patronymic(kAz);
    if (v.sex_recorded) p["sex"] = v.female ? "female" : "male";
    p["birth"] = v.birth_year_only ? fmt::format("{:04}", ymdOf(v.birth).y) : iso(v.birth);
    p["citizenship"] = v.citizenship;
    if (v.citizenship == "AZ") {
      p["birth_place"] = v.region->name;
      if (v.child) {
        if (rng_.chance(50)) {
          p["document_kind"] = "birth_certificate";
          p["document_number"] = "II-ŞH " + digits(6);
          p["document_country"] = "AZ";
        } else {
          p["document_kind"] = "none";
        }
      } else {
        p["personal_number"] = fin();
        const bool passport = !v.country.empty() && v.country != "AZ" && rng_.chance(40);
        p["document_kind"] = passport ? "passport" : "national_id_card";
        p["document_number"] = passport ? "C" + digits(8) : "AZE" + digits(8);
        p["document_country"] = "AZ";
      }
    } else {
      p["birth_place"] = v.citizenship == "UZ" ? "Səmərqənd" : "Düşənbə";
      p["document_kind"] = "passport";
      p["document_number"] = "FA" + digits(7);
      p["document_country"] = v.citizenship;
    }
    if (!v.child && rng_.chance(60)) {
      v.phone = phone();
      p["phone"] = v.phone;
    }
    if (v.citizenship == "AZ" && rng_.chance(50)) p["address"] = address(*v.region);
    static const std::vector<const char*> kEducation = {"none", "primary", "general_secondary", "full_secondary",
                                                        "vocational", "higher", "unknown"};
    if (v.child) p["education"] = rng_.chance(50) ? "primary" : "none";
    else p["education"] = kEducation[rng_.weighted({3, 8, 30, 35, 12, 7, 5})];
    if (!v.vulnerabilities.empty()) p["vulnerabilities"] = v.vulnerabilities;
    add("person", v.person_key, kPolice, std::move(p));
  }

  // The same person as an NGO or a hotline registered them, spelt another way.
  void writeDuplicate(const Victim& v, const char* agency, const std::string& key) {
    static const std::vector<int> kScripts = {kAscii, kRu, kCyr};
    const int script = kScripts[rng_.weighted({40, 35, 25})];
    const bool hotline = agency == kHotline152 || agency == kHotline116;
    Json p = {{"pseudonym", (hotline ? "QX-" : "QHT-") + v.id},
              {"last_name", v.name.lastName(script)},
              {"first_name", v.name.firstName(script)},
              {"region", v.region->code}};
    if (v.name.father && rng_.chance(60)) p["patronymic"] = v.name.patronymic(script, rng_.range(0, 3));
    if (script != kAscii && rng_.chance(30)) p["other_names"] = v.name.full(kAscii);
    if (v.sex_recorded) p["sex"] = v.female ? "female" : "male";
    if (rng_.chance(85)) p["birth"] = birthVariant(v.birth);
    if (rng_.chance(50)) p["citizenship"] = v.citizenship;
    if (!v.phone.empty() && rng_.chance(70)) p["phone"] = phoneVariant(v.phone);
    add("person", key, agency, std::move(p));
  }

  void writeSignal(Victim& v, const char* agency, const std::string& person_key) {
    v.signal_minute = minute();
    const bool hotline = agency == kHotline152 || agency == kHotline116;
    Json s = {{"received_at", at(v.signal_day, v.signal_minute)}, {"source", v.source}, {"region", v.region->code}};
    if (hotline) s["channel"] = "phone";
    else if (v.source == "ngo") s["channel"] = rng_.chance(60) ? "referral_form" : "email";
    else if (v.source == "internet_monitoring") s["channel"] = "web";
    else if (v.source == "border_service" || v.source == "consulate") s["channel"] = rng_.chance(50) ? "letter" : "email";
    else s["channel"] = "in_person";
    if (v.outcome == Outcome::NotVictim) s["summary"] = rng_.pick(kOtherSummaries);
    else if (v.sector == "begging") s["summary"] = rng_.pick(kBeggingSummaries);
    else if (v.labour) s["summary"] = rng_.pick(kLabourSummaries);
    else s["summary"] = rng_.pick(kSexualSummaries);
    s["person_name"] = v.name.full(hotline ? kAscii : kAz);
    if (v.sex_recorded) s["person_sex"] = v.female ? "female" : "male";
    s["person_birth"] = hotline || rng_.chance(50) ? fmt::format("{:04}", ymdOf(v.birth).y) : iso(v.birth);
    if (!hotline || rng_.chance(50)) s["person_citizenship"] = v.citizenship;
    s["is_child"] = v.child;
    if (hotline && rng_.chance(60)) s["contact_phone"] = v.phone.empty() ? phone() : phoneVariant(v.phone);
    s["person"] = keyRef(person_key);
    Json transitions = Json::array();
    transitions.push_back(step("refer", {{"referred_at", later(v.signal_day, v.signal_minute, rng_.range(20, 600))},
                                         {"referred_to", plainName(kPolice)}}));
    add("signal", v.signal_key, agency, std::move(s), std::move(transitions));
  }

  void writeVictim(Victim& v) {
    const int year = v.year;
    const int last = dec(year, 30);  // the last day for dates that place a record in the year
    const bool identified = v.identified();
    v.person_key = "p-" + v.id;
    v.signal_key = "s-" + v.id;
    v.case_key = "vc-" + v.id;
    const char* signal_agency = signalAgency(v);
    std::string signal_person = v.person_key;
    writePerson(v);
    if (v.duplicate) {
      signal_person = "pd-" + v.id;
      writeDuplicate(v, signal_agency, signal_person);
    }
    writeSignal(v, signal_agency, signal_person);

    // Who will work the case, so that it is shared with them (and the person agreed).
    const bool ngo_facility = v.facility.rfind("f-ngo-", 0) == 0;
    const char* ngo = ngo_facility ? facilities_[v.facility].agency : ngoFor(*v.region);
    std::string protection;
    if (v.outcome == Outcome::NotVictim) {
      static const std::vector<const char*> kPaths = {"domestic_violence", "labour_violation", "migration_violation",
                                                      "other", "none"};
      protection = kPaths[rng_.weighted({30, 25, 10, 10, 25})];
    }
    const bool ngo_referral_pending = v.outcome == Outcome::Pending && v.facility.empty() && rng_.chance(40);
    bool to_ngo = ngo_facility || (identified && v.facility.empty()) || protection == "domestic_violence" ||
                  ngo_referral_pending;
    for (const auto& o : v.reintegration) to_ngo = to_ngo || reintegrationAgency(o, ngo) == ngo;
    for (const auto& [c, kind] : v.child_support) to_ngo = to_ngo || childSupportAgency(kind, ngo) == ngo;
    const bool to_shelter = v.facility == "f-shelter";
    const bool to_assistance = identified;

    writeCase(v, protection, to_shelter, to_ngo ? ngo : nullptr, to_assistance);
    if (v.screened) writeScreening(v);
    if (!v.facility.empty()) writePlacement(v);
    if (identified && v.facility.empty() && rng_.chance(10)) {
      // The person refused the shelter.
      const int m = minute();
      Json r = {{"victim_case", keyRef(v.case_key)},
                {"to_agency_type", "shelter"},
                {"to_agency", plainName(kShelter)},
                {"facility", keyRef("f-shelter")},
                {"services_requested", {"shelter"}},
                {"sent_at", at(v.registered, m)}};
      add("referral", "rd-" + v.id, kPolice, std::move(r),
          Json::array({step("decline", {{"responded_at", later(v.registered, m, rng_.range(30, 240))},
                                        {"decline_reason", "person_refused"},
                                        {"response_note", "Şəxs sığınacaqda qalmaqdan imtina etdi."}})}));
    }
    // Services outside a shelter.
    if (identified && v.facility.empty()) {
      std::vector<std::string> kinds = {"social"};
      if (rng_.chance(40)) kinds.push_back("documents");
      if (year != 2019 && rng_.chance(50)) kinds.push_back("legal");
      for (const auto& kind : kinds)
        add("service", "", ngo,
            {{"victim_case", keyRef(v.case_key)},
             {"kind", kind},
             {"given_on", iso(std::min(v.decision + rng_.range(1, 12), last))},
             {"provider_agency_type", "ngo"},
             {"provider", plainName(ngo)}});
    }
    if (protection == "domestic_violence") {
      const int m = minute();
      add("referral", "rn-" + v.id, kPolice,
          {{"victim_case", keyRef(v.case_key)},
           {"to_agency_type", "ngo"},
           {"to_agency", plainName(ngo)},
           {"services_requested", {"psychological", "legal", "social"}},
           {"reason", "Məişət zorakılığından zərər çəkmiş şəxs; insan alveri əlaməti yoxdur."},
           {"sent_at", at(v.decision, m)}},
          Json::array({step("accept", {{"responded_at", later(v.decision, m, rng_.range(60, 900))}})}));
      add("service", "", ngo,
          {{"victim_case", keyRef(v.case_key)},
           {"kind", "social"},
           {"given_on", iso(std::min(v.decision + rng_.range(1, 10), last))},
           {"provider_agency_type", "ngo"},
           {"provider", plainName(ngo)}});
    }
    if (ngo_referral_pending) {
      const int m = minute();
      add("referral", "rn-" + v.id, kPolice,
          {{"victim_case", keyRef(v.case_key)},
           {"to_agency_type", "ngo"},
           {"to_agency", plainName(ngo)},
           {"services_requested", {"psychological", "legal"}},
           {"sent_at", at(v.registered, m)},
           {"due_at", at(v.registered + 3, m)}});
    }
    if (identified) {
      writeSubsidy(v);
      for (const auto& o : v.reintegration) writeReintegration(v, o, reintegrationAgency(o, ngo));
      for (const auto& [c, kind] : v.child_support) writeChildSupport(v, c, kind, childSupportAgency(kind, ngo));
      writeRoute(v);
    }
    if (v.source == "hotline_152" || v.source == "hotline_116_111") writeLinkedAppeal(v, signal_agency);
  }

  void writeCase(Victim& v, const std::string& protection, bool to_shelter, const char* ngo, bool to_assistance) {
    const int year = v.year;
    Json c = {{"case_number", "Qİ-" + v.id},
              {"person", keyRef(v.person_key)},
              {"signal", keyRef(v.signal_key)},
              {"registered_on", iso(v.registered)},
              {"source", v.source},
              {"region", v.region->code}};
    if (v.outcome != Outcome::NotVictim) {
      Json forms = Json::array();
      if (v.labour) {
        forms.push_back("forced_labour");
        c["labour_sector"] = v.sector.empty() ? "construction" : v.sector;
      } else {
        forms.push_back("sexual_prostitution");
        if (rng_.chance(10)) forms.push_back("sexual_remote");
      }
      c["forms_of_exploitation"] = forms;
      static const std::vector<const char*> kMeans = {"withholds_documents", "threats",          "takes_earnings",
                                                      "restricts_movement",  "debt_bondage",     "psychological_abuse",
                                                      "false_promises",      "physical_abuse",   "excessive_working_hours"};
      Json means = Json::array();
      for (int i : rng_.sample(static_cast<int>(kMeans.size()), rng_.range(2, 3)))
        means.push_back(kMeans[static_cast<std::size_t>(i)]);
      c["means_of_control"] = means;
      if (v.sector == "begging") {
        c["recruitment_method"] = "other";
        c["recruiter_relation"] = "family_relative";
      } else if (v.labour) {
        c["recruitment_method"] = rng_.chance(70) ? "job_offer" : "recruitment_agency";
        c["recruiter_relation"] = rng_.chance(60) ? "friend_acquaintance" : "employer";
      } else {
        static const std::vector<const char*> kMethods = {"job_offer", "marriage_or_relationship", "online_contact",
                                                          "recruitment_agency"};
        static const std::vector<const char*> kRelations = {"friend_acquaintance", "stranger", "intimate_partner",
                                                            "employer", "family_relative"};
        c["recruitment_method"] = kMethods[rng_.weighted({50, 20, 20, 10})];
        c["recruiter_relation"] = kRelations[rng_.weighted({40, 25, 15, 10, 10})];
      }
      const Ymd began = ymdOf(v.registered - rng_.range(30, 400));
      const Ymd ended = ymdOf(v.registered - rng_.range(0, 20));
      c["exploitation_began"] = fmt::format("{:04}-{:02}", began.y, began.m);
      c["exploitation_ended"] = fmt::format("{:04}-{:02}", ended.y, ended.m);
      if (v.country.empty()) c["route"] = "unknown";
      else if (v.country != "AZ") c["route"] = "outbound";
      else c["route"] = v.citizenship == "AZ" ? "internal" : "inbound";
      c["country_of_recruitment"] = v.citizenship;
      if (!v.country.empty()) {
        c["country_of_exploitation"] = v.country;
        if (rng_.chance(80)) c["place_of_exploitation"] = city(v.country);
      }
    }
    // Consent to sharing: the agency types the case will be shared with, sometimes more.
    Json consent = Json::array();
    if (v.outcome != Outcome::NotVictim && rng_.chance(40)) consent.push_back("prosecutor");
    if (to_shelter) consent.push_back("shelter");
    if (to_assistance) consent.push_back("assistance_center");
    if (ngo) consent.push_back("ngo");
    if (!consent.empty()) {
      c["consent_share_with"] = consent;
      c["consent_given_by"] = v.child ? "legal_representative" : "person";
      c["consent_recorded_on"] = iso(v.registered + rng_.range(0, 1));
    }
    c["consent_statistics"] = rng_.chance(85);
    // Foreign victims: temporary residence without fees, then the return home.
    if (v.citizenship != "AZ" && v.identified()) {
      const int applied = v.registered + rng_.range(2, 6);
      const int granted = applied + rng_.range(5, 15);
      c["residence_permit_applied_on"] = iso(applied);
      c["residence_permit_granted_on"] = iso(granted);
      c["residence_permit_valid_until"] = iso(granted + 365);
      c["residence_permit_number"] = "MİX-" + digits(7);
      const int requested = v.decision + rng_.range(5, 20);
      c["repatriation"] = "to_country_of_origin";
      c["repatriation_country"] = v.citizenship;
      c["repatriation_requested_on"] = iso(requested);
      c["repatriated_on"] = iso(std::min(requested + rng_.range(10, 40), dec(year, 31)));
      c["repatriation_assisted_by"] = "BMqT (Beynəlxalq Miqrasiya Təşkilatı)";
    } else if (v.identified() && !v.country.empty() && v.country != "AZ" && rng_.chance(75)) {
      const int back = std::max(jan1(year), v.registered - rng_.range(0, 5));
      const int requested = std::max(jan1(year), back - rng_.range(5, 30));
      static const std::vector<std::string> kHelpers = {"Azərbaycan Respublikasının konsulluğu",
                                                        "BMqT (Beynəlxalq Miqrasiya Təşkilatı)", plainName(kNgoBaku)};
      c["repatriation"] = "from_abroad";
      c["repatriation_country"] = v.country;
      c["repatriation_requested_on"] = iso(requested);
      c["repatriated_on"] = iso(back);
      c["repatriation_assisted_by"] = rng_.pick(kHelpers);
    }
    Json transitions = Json::array();
    switch (v.outcome) {
      case Outcome::Identified:
        c["case_status"] = year <= 2018 ? "closed" : year == 2019 && rng_.chance(60) ? "follow_up" : "active";
        if (year <= 2018) c["closed_on"] = iso(v.decision + rng_.range(120, 300));
        transitions.push_back(step("identify", {{"decision_date", iso(v.decision)},
                                                {"decision_number", fmt::format("Q-{}/{:03}", year, v.n)}}));
        break;
      case Outcome::NotVictim:
        c["case_status"] = protection == "none" ? "closed" : "closed_referred";
        c["closed_on"] = iso(v.decision + rng_.range(0, 10));
        transitions.push_back(step("reject", {{"decision_date", iso(v.decision)},
                                              {"decision_number", fmt::format("Q-{}/{:03}", year, v.n)},
                                              {"decision_note", "İnsan alverinin əlamətləri təsdiq olunmayıb."},
                                              {"other_protection_path", protection}}));
        break;
      case Outcome::Pending:
        c["case_status"] = "active";
        break;
    }
    // The presumed victim's protection from registration (no random draw): shelter or not,
    // help, and for a foreigner no removal during the 30 days.
    c["protection_period_started_on"] = iso(v.registered);
    Json protection_measures = Json::array({"medical", "psychological", "legal_aid"});
    if (to_shelter || !v.facility.empty()) protection_measures.push_back("shelter");
    if (v.citizenship != "AZ") {
      protection_measures.push_back("interpreter");
      protection_measures.push_back("no_removal");
      c["removal_suspended_until"] = iso(v.registered + 30);
    }
    c["protection_measures"] = protection_measures;
    if (c.contains("residence_permit_granted_on")) {
      c["residence_permit_decision"] = "granted";
      c["residence_permit_decided_on"] = c["residence_permit_granted_on"];
    }
    if (v.identified() && year >= 2019) {
      CaseForPlan cp{v.case_key, year, v.decision, v.child, to_shelter ? kShelter : ngo ? ngo : "", {kPolice}};
      if (to_shelter) cp.reach.push_back(kShelter);
      if (ngo) cp.reach.push_back(ngo);
      if (to_assistance) cp.reach.push_back(kAssistance);
      if (!cp.holder.empty()) parties_.cases.push_back(std::move(cp));
    }
    Json share = Json::array();
    if (to_shelter) share.push_back(grant(kShelter, "Sığınacaqda yerləşdirmə"));
    if (ngo) share.push_back(grant(ngo, "Yardım və reinteqrasiya"));
    if (to_assistance) share.push_back(grant(kAssistance, "Birdəfəlik müavinət və reinteqrasiya"));
    add("victim_case", v.case_key, kPolice, std::move(c), std::move(transitions), std::move(share));
  }

  void writeScreening(const Victim& v) {
    const int until = v.outcome == Outcome::Pending ? std::min(v.registered + 5, dec(v.year, 31)) : v.decision;
    Json sc = {{"person", keyRef(v.person_key)},
               {"signal", keyRef(v.signal_key)},
               {"victim_case", keyRef(v.case_key)},
               {"screened_on", iso(v.registered + rng_.range(0, until - v.registered))},
               {"screener", "Baş idarənin inspektoru"},
               {"is_child", v.child},
               {"exploitation_focus", v.labour ? "labour" : "sexual"},
               {"interpreter_used", v.citizenship != "AZ"},
               {"answers", screeningAnswers(rng_, v.child, v.labour, v.screen)}};
    if (v.child) {
      sc["legal_representative_present"] = true;
      sc["specialist_present"] = true;
      sc["interview_notes"] = "Müsahibə qanuni nümayəndənin və psixoloqun iştirakı ilə aparılıb.";
    } else if (rng_.chance(50)) {
      sc["interview_notes"] = "Müsahibə təhlükəsiz şəraitdə, şəxsin razılığı ilə aparılıb.";
    }
    add("screening", "sc-" + v.id, kPolice, std::move(sc));
  }

  void writePlacement(const Victim& v) {
    Facility& f = facilities_[v.facility];
    const int year = v.year;
    const int last = dec(year, 30);
    if (v.identified() && rng_.chance(8)) {
      // First asked an NGO shelter, which was full.
      const int m = minute();
      const char* other = f.key == "f-ngo-ganja" ? kNgoLankaran : kNgoGanja;
      add("referral", "rd-" + v.id, kPolice,
          {{"victim_case", keyRef(v.case_key)},
           {"to_agency_type", "ngo"},
           {"to_agency", plainName(other)},
           {"facility", keyRef(other == kNgoGanja ? "f-ngo-ganja" : "f-ngo-lankaran")},
           {"services_requested", {"shelter"}},
           {"sent_at", at(v.registered, m)}},
          Json::array({step("decline", {{"responded_at", later(v.registered, m, rng_.range(20, 120))},
                                        {"decline_reason", "no_capacity"},
                                        {"response_note", "Boş yer yoxdur."}})}));
    }
    const int m = rng_.range(4 * 60, 12 * 60);
    const int answer = rng_.range(30, 300);
    add("referral", "rf-" + v.id, kPolice,
        {{"victim_case", keyRef(v.case_key)},
         {"to_agency_type", f.agency_type},
         {"to_agency", plainName(f.agency)},
         {"facility", keyRef(f.key)},
         {"services_requested", {"shelter", "medical", "psychological", "legal"}},
         {"reason", "Təhlükəsiz yerləşdirmə və ilkin yardım."},
         {"sent_at", at(v.registered, m)},
         {"due_at", at(v.registered + 3, m)}},
        Json::array({step("accept", {{"responded_at", at(v.registered, m + answer)}})}));
    const int admitted = v.registered;
    Json p = {{"victim_case", keyRef(v.case_key)},
              {"facility", keyRef(f.key)},
              {"referral", keyRef("rf-" + v.id)},
              {"admitted_on", iso(admitted)},
              {"planned_end_on", iso(admitted + rng_.pick(std::vector<int>{30, 60, 90}))}};
    if (!v.child_support.empty() && rng_.chance(30)) p["accompanying_children"] = 1;
    // Discharged, unless still there at the end of 2020 (while places are left).
    int out = admitted + rng_.range(20, 80);
    if (v.outcome == Outcome::Pending) out = dec(2020, 31) + 1;
    Json transitions = Json::array();
    const bool stays = out > dec(2020, 31) && f.open + 2 <= f.capacity;
    if (stays) {
      ++f.open;
    } else {
      out = std::min(out, dec(2020, 31));
      std::string reason;
      if (v.citizenship != "AZ") reason = "repatriated";
      else if (v.outcome == Outcome::Pending) reason = "moved_to_other_facility";
      else {
        static const std::vector<const char*> kReasons = {"programme_completed", "returned_to_family",
                                                          "independent_living", "left_voluntarily",
                                                          "moved_to_other_facility"};
        reason = kReasons[rng_.weighted({40, 30, 12, 10, 8})];
      }
      transitions.push_back(step("discharge", {{"discharged_on", iso(out)}, {"discharge_reason", reason}}));
    }
    add("placement", "pl-" + v.id, f.agency, std::move(p), std::move(transitions));
    // First assistance in the facility: medical, psychological and legal help.
    const std::vector<std::pair<std::string, std::pair<int, int>>> kinds = {
        {"medical", {0, 2}}, {"psychological", {1, 7}}, {"legal", {2, 14}}};
    for (const auto& [kind, days] : kinds) {
      const int given = std::min(admitted + rng_.range(days.first, days.second), last);
      Json sv = {{"victim_case", keyRef(v.case_key)},
                 {"kind", kind},
                 {"given_on", iso(given)},
                 {"provider_agency_type", f.agency_type},
                 {"provider", plainName(f.agency)},
                 {"facility", keyRef(f.key)}};
      if (kind == "psychological") sv["ended_on"] = iso(given + rng_.range(14, 60));
      add("service", "", f.agency, std::move(sv));
    }
    if (year != 2019 && v.identified() && rng_.chance(30))
      add("service", "", f.agency,
          {{"victim_case", keyRef(v.case_key)},
           {"kind", "psychological_rehabilitation"},
           {"given_on", iso(std::min(admitted + rng_.range(7, 30), last))},
           {"provider_agency_type", f.agency_type},
           {"provider", plainName(f.agency)},
           {"facility", keyRef(f.key)}});
  }

  void writeSubsidy(const Victim& v) {
    const int year = v.year;
    const int last = dec(year, 30);
    const int m = minute();
    add("referral", "ra-" + v.id, kPolice,
        {{"victim_case", keyRef(v.case_key)},
         {"to_agency_type", "assistance_center"},
         {"to_agency", plainName(kAssistance)},
         {"facility", keyRef("f-assistance")},
         {"services_requested", {"social", "vocational_course", "employment"}},
         {"reason", "Birdəfəlik müavinət və uzunmüddətli yardım."},
         {"sent_at", at(v.decision, m)}},
        Json::array({step("accept", {{"responded_at", later(v.decision, m, rng_.range(60, 1500))}})}));
    const int decided = std::min(v.decision + rng_.range(2, 20), last);
    Json sb = {{"victim_case", keyRef(v.case_key)},
               {"person", keyRef(v.person_key)},
               {"kind", "one_time"},
               {"decision_date", iso(decided)},
               {"decision_number", fmt::format("YM-{}/{:03}", year, v.n)}};
    if (rng_.chance(50)) sb["bank_account"] = "AZ" + digits(2) + "NABZ" + digits(20);
    const int paid = std::min(decided + rng_.range(1, 14), dec(year, 31));
    Json transitions = Json::array();
    transitions.push_back(
        step("pay", {{"paid_on", iso(paid)}, {"payment_reference", fmt::format("ÖT-{}-{:05}", year, ++payment_)}}));
    if (year <= 2018) transitions.push_back(step("reconcile", {{"reconciled_on", iso(paid + rng_.range(20, 60))}}));
    add("subsidy", "sb-" + v.id, kAssistance, std::move(sb), std::move(transitions));
  }

  void writeReintegration(const Victim& v, const std::string& outcome, const char* agency) {
    static const std::map<std::string, std::vector<const char*>> kDetails = {
        {"employed", {"Tikiş sexində işə düzəlib.", "Ticarət sahəsində işə düzəlib.", "Xidmət sahəsində işə düzəlib."}},
        {"vocational_course", {"Dərzilik kursu.", "Aşpazlıq kursu.", "Kompüter savadı kursu.", "Bərbərlik kursu."}},
        {"returned_to_family", {"Ailəsinin yanına qayıdıb; sosial işçi müşayiət edir."}},
    };
    Json r = {{"victim_case", keyRef(v.case_key)},
              {"outcome", outcome},
              {"achieved_on", iso(std::min(v.decision + rng_.range(10, 70), dec(v.year, 30)))},
              {"provider", plainName(agency)}};
    if (auto it = kDetails.find(outcome); it != kDetails.end()) r["details"] = rng_.pick(it->second);
    add("reintegration", "", agency, std::move(r));
  }

  void writeChildSupport(const Victim& v, int child, const std::string& kind, const char* agency) {
    const int age = v.child_age.count(child) ? v.child_age.at(child) : 5;
    const Ymd b = ymdOf(dayOf(v.year - age, rng_.range(1, 12), 1));
    add("child_support", "", agency,
        {{"victim_case", keyRef(v.case_key)},
         {"child_number", child},
         {"child_birth", fmt::format("{:04}-{:02}", b.y, b.m)},
         {"child_sex", rng_.chance(50) ? "female" : "male"},
         {"kind", kind},
         {"given_on", iso(std::min(v.decision + rng_.range(5, 60), dec(v.year, 30)))}});
  }

  // A transit country on the way to the main country of exploitation, for some.
  void writeRoute(const Victim& v) {
    static const std::map<std::string, std::vector<const char*>> kTransit = {
        {"TR", {"GE"}}, {"QA", {"AE", "TR"}}, {"AE", {"TR"}}, {"RU", {"GE"}}};
    auto it = kTransit.find(v.country);
    if (it == kTransit.end() || !rng_.chance(20)) return;
    const std::string country = rng_.pick(it->second);
    const Ymd when = ymdOf(v.registered - rng_.range(60, 400));
    add("route_stage", "", kPolice,
        {{"victim_case", keyRef(v.case_key)},
         {"stage", "transit"},
         {"country", country},
         {"place", city(country)},
         {"began", fmt::format("{:04}-{:02}", when.y, when.m)}});
  }

  // The hotline call that started it.
  void writeLinkedAppeal(const Victim& v, const char* agency) {
    const std::string line = v.source;
    const int m = std::max(4 * 60, v.signal_minute - rng_.range(0, 30));
    Json a = {{"line", line},
              {"received_at", at(v.signal_day, m)},
              {"topic", v.labour ? "labour_activity" : rng_.chance(50) ? "marriage_with_foreigners" : "other"},
              {"caller_type", rng_.pick(std::vector<const char*>{"victim", "relative", "relative", "witness"})},
              {"anonymous", false},
              {"response", "Məlumat xüsusi polisə ötürüldü."},
              {"routed_to_agency_type", "special_police"},
              {"routed_to", plainName(kPolice)},
              {"signal", keyRef(v.signal_key)},
              {"victim_case", keyRef(v.case_key)}};
    if (rng_.chance(50)) a["caller_name"] = name(rng_.chance(70)).full(kAz);
    ++appeals_written_[{line, v.year}];
    add("hotline_appeal", "", agency, std::move(a));
  }

  // Signals that did not concern trafficking: closed (after a look by the police, for some).
  void writeOtherSignals(int year) {
    const int count = rng_.range(10, 16);
    for (int i = 0; i < count; ++i) {
      const bool hotline = rng_.chance(60);
      const char* agency = hotline ? kHotline152 : ngoFor(region());
      const Region& r = region();
      const int day = dayIn(year, 0, 350);
      const int m = minute();
      const std::string key = fmt::format("so-{}-{:02}", year, i + 1);
      Json s = {{"received_at", at(day, m)},
                {"source", hotline ? "hotline_152" : "ngo"},
                {"channel", hotline ? "phone" : "email"},
                {"region", r.code},
                {"summary", rng_.pick(kOtherSummaries)}};
      Json transitions = Json::array();
      if (rng_.chance(50))
        transitions.push_back(step("refer", {{"referred_at", later(day, m, rng_.range(30, 600))},
                                             {"referred_to", plainName(kPolice)}}));
      transitions.push_back(step("close", Json::object()));
      add("signal", key, agency, std::move(s), std::move(transitions));
      if (hotline) {
        ++appeals_written_[{"hotline_152", year}];
        add("hotline_appeal", "", agency,
            {{"line", "hotline_152"},
             {"received_at", at(day, std::max(4 * 60, m - rng_.range(0, 20)))},
             {"topic", rng_.chance(60) ? "labour_activity" : "other"},
             {"caller_type", rng_.chance(50) ? "relative" : "victim"},
             {"anonymous", false},
             {"response", rng_.pick(kResponses)},
             {"signal", keyRef(key)}});
      }
    }
  }

  // ---- criminal justice ----

  struct CrimCase {
    std::string key, article;
    int registered = 0, started = 0, sent = 0, verdict = 0;  // 0: not (yet)
    int crimes = 1;  // crimes (episodes) in the case
    bool court = false, cross_border = false;
    std::vector<const Victim*> victims;
    std::string region = "baku";  // a code of the region list
  };

  struct Perpetrator {
    int c = 0;  // case index
    bool female = true, charged = false, wanted = false, detained = false;
    int group = -1;
    std::string role;
  };

  // Article 144-3 (illegal acts with travel or identity documents): cases of three crimes
  // each (the last one takes the rest), registered through the year, under investigation, with
  // no victims or accused yet. No random draws.
  void writeDocumentCrimes(int year) {
    const int crimes = kCrimes.at(year).second;
    const int cases = (crimes + 2) / 3;
    for (int i = 0; i < cases; ++i) {
      const int n = i + 1 < cases ? 3 : crimes - 3 * (cases - 1);
      const int registered = dayOf(year, 1 + i * 11 / cases, 5 + (i * 7) % 20);
      const std::string key = fmt::format("cd-{}-{:03}", year, i + 1);
      Json data = {{"case_number", "Cİ-S-" + key.substr(3)},
                   {"main_article", "art_144_3"},
                   {"articles", {"art_144_3"}},
                   {"crimes_count", n},
                   {"registered_on", iso(registered)},
                   {"investigating_body", "mia_trafficking_department"},
                   {"region", "baku"},
                   {"cross_border", true},
                   {"summary", "Səyahət və ya şəxsiyyət sənədləri ilə qanunsuz əməllər üzrə cinayət işi."}};
      Json transitions = Json::array();
      transitions.push_back(step("open_investigation", {{"investigation_started_on", iso(registered + 1)}}));
      add("criminal_case", key, kPolice, std::move(data), std::move(transitions));
    }
  }

  // ---- the court calendar ----

  // The 2019 report's convictions ("42 traffickers convicted, including those charged in earlier
  // years"): set after every case is written, without random draws, so the rest of the dataset
  // does not move. Cases sent to court by the year with no verdict yet (or one after the year),
  // then long trials sent two or three years before, get their verdict in the year, their charged
  // accused convicted, until the year's convictions reach the report's figure; an accused beyond
  // it in the last case is acquitted, so the figure is exact. (Earlier years' convictions move;
  // the seed states none of them.)
  void courtCalendar(int year, int target) {
    const std::string prefix = std::to_string(year) + "-";
    auto convicted = [&](const ImportRow& r) {
      return r.type == "accused" && r.data.value("verdict_outcome", "") == "convicted" &&
             r.data.value("verdict_date", "").rfind(prefix, 0) == 0;
    };
    int have = 0;
    for (const auto& r : out_.rows) have += convicted(r) ? 1 : 0;
    std::map<std::string, std::vector<ImportRow*>> charged;  // case key -> its charged accused
    for (auto& r : out_.rows)
      if (r.type == "accused" && r.data.contains("charged_on") && r.data["criminal_case"].is_object())
        charged[r.data["criminal_case"].value("_key", "")].push_back(&r);
    struct Candidate {
      ImportRow* row;
      int sent;
    };
    // First the cases still waiting for a verdict at the year's end, earliest sent first; then
    // long trials: cases sent two or three years before whose verdict is moved into the year.
    std::vector<Candidate> candidates, long_trials;
    for (auto& r : out_.rows) {
      if (r.type != "criminal_case" || !charged.count(r.key)) continue;
      int sent = 0;
      std::string verdict;
      for (const auto& t : r.transitions) {
        if (t["name"] == "send_to_court") sent = dayOfIso(t["data"]["sent_to_court_on"]);
        if (t["name"] == "record_verdict") verdict = t["data"]["verdict_date"];
      }
      const int sent_year = sent ? ymdOf(sent).y : 0;
      if (sent && sent_year <= year && (verdict.empty() || verdict > prefix + "12-31"))
        candidates.push_back({&r, sent});
      else if (sent && sent_year >= year - 3 && sent_year <= year - 2 && !verdict.empty() && verdict < prefix)
        long_trials.push_back({&r, sent});
    }
    auto bySent = [](const Candidate& a, const Candidate& b) { return a.sent < b.sent; };
    std::stable_sort(candidates.begin(), candidates.end(), bySent);
    std::stable_sort(long_trials.begin(), long_trials.end(), bySent);
    candidates.insert(candidates.end(), long_trials.begin(), long_trials.end());
    for (const auto& c : candidates) {
      if (have >= target) break;
      const int verdict = std::max(c.sent + 30, jan1(year) + 14);
      if (verdict > dec(year, 28)) continue;
      Json steps = Json::array();
      for (const auto& t : c.row->transitions)
        if (t["name"] != "record_verdict") steps.push_back(t);
      steps.push_back(step("record_verdict", {{"verdict_date", iso(verdict)}, {"verdict_final_on", iso(verdict + 30)}}));
      c.row->transitions = std::move(steps);
      for (ImportRow* a : charged[c.row->key]) {
        const bool guilty = have < target;
        a->data["procedural_status"] = guilty ? "convicted" : "acquitted";
        a->data["verdict_date"] = iso(verdict);
        a->data["verdict_outcome"] = guilty ? "convicted" : "acquitted";
        if (guilty) {
          a->data["sentence_kind"] = "imprisonment";
          a->data["sentence_years"] = 5 + have % 8;
          ++have;
        } else {
          a->data.erase("sentence_kind");
          a->data.erase("sentence_years");
        }
      }
    }
  }

  // ---- imported aggregates ----

  void aggregates() {
    auto put = [&](const std::string& indicator, int year, double value, const std::string& qualifier,
                   const std::string& source) {
      add("statistic_aggregate", "", kCoordinator,
          Json{{"indicator", indicator},
               {"period_from", fmt::format("{}-01-01", year)},
               {"period_to", fmt::format("{}-12-31", year)},
               {"value", value},
               {"qualifier", qualifier},
               {"source", source}});
    };
    auto putCell = [&](const std::string& indicator, int year, const std::string& dimension, const std::string& category,
                       double value, const std::string& source) {
      add("statistic_aggregate", "", kCoordinator,
          Json{{"indicator", indicator},
               {"period_from", fmt::format("{}-01-01", year)},
               {"period_to", fmt::format("{}-12-31", year)},
               {"dimension", dimension},
               {"category", category},
               {"value", value},
               {"qualifier", "exact"},
               {"source", source}});
    };
    const std::string history = "Milli Koordinatorun 2005-2014-cü illər üzrə hesabatları (demo: illər üzrə bölgü uydurulub)";
    for (int y = 2005; y <= 2014; ++y) {
      const auto i = static_cast<std::size_t>(y - 2005);
      put("victims_identified", y, kHistoryVictims[i], "exact", history);
      put("crimes_trafficking_and_forced_labour", y, kHistoryCrimes[i], "exact", history);
      put("accused_prosecuted", y, kHistoryProsecuted[i], "exact", history);
    }
    for (const auto& a : kAggregates2019)
      put(a.indicator, a.year, a.value, a.qualifier, "Milli Koordinatorun 2019-cu il üzrə hesabatı");
    // Minor victims (questionnaire 2021: 25 identified 2005-2020, 7 of them sexually exploited,
    // none of those a boy): what the records of 2015-2020 do not hold, spread over 2005-2014.
    const std::string questionnaire = "BMT Xüsusi Məruzəçisinin sorğusuna cavab, 2021 (demo: illər üzrə bölgü uydurulub)";
    const int minors = kMinorVictims2005To2020 - minors_.total;
    const int sexual = kMinorSexual2005To2020 - minors_.sexual;
    for (int y = 2005, left = minors, left_sexual = sexual; y <= 2014; ++y) {
      const int years_left = 2015 - y;
      const int n = left / years_left, k = left_sexual / years_left;
      put("minor_victims_identified", y, n, "exact", questionnaire);
      put("minor_victims_sexual_exploitation", y, k, "exact", questionnaire);
      putCell("minor_victims_sexual_exploitation", y, "sex", "female", k, questionnaire);
      putCell("minor_victims_sexual_exploitation", y, "sex", "male", 0, questionnaire);
      left -= n;
      left_sexual -= k;
    }
  }

  void writeCrime(int year, const CrimeYear& cy, const std::vector<Victim>& victims) {
    const int n = cy.art_144_1 + cy.art_144_2;
    std::vector<CrimCase> cases(static_cast<std::size_t>(n));
    auto cs = [&](int i) -> CrimCase& { return cases[static_cast<std::size_t>(i)]; };
    for (int i = 0; i < n; ++i) {
      cs(i).key = fmt::format("cc-{}-{:03}", year, i + 1);
      cs(i).article = i < cy.art_144_2 ? "art_144_2" : "art_144_1";
    }
    // The year's trafficking crimes spread evenly over its 144-1 cases (no random draws, so the
    // rest of the dataset does not move).
    const int crimes_144_1 = kCrimes.at(year).first;
    for (int k = 0; k < cy.art_144_1; ++k)
      cs(cy.art_144_2 + k).crimes = crimes_144_1 / cy.art_144_1 + (k < crimes_144_1 % cy.art_144_1 ? 1 : 0);
    // Every forced labour case went to court; so did some trafficking cases.
    std::vector<int> court;
    for (int i = 0; i < cy.art_144_2; ++i) court.push_back(i);
    for (int i : rng_.sample(cy.art_144_1, cy.court - cy.art_144_2)) court.push_back(cy.art_144_2 + i);
    for (int i : court) cs(i).court = true;
    // The year's victims: forced labour ones in the 144-2 cases (a child's case on its own),
    // the others in the 144-1 cases; every case has at least one.
    std::vector<const Victim*> labour, sexual;
    for (const auto& v : victims)
      if (v.identified()) (v.labour ? labour : sexual).push_back(&v);
    std::stable_partition(labour.begin(), labour.end(), [](const Victim* v) { return v->child; });
    for (std::size_t k = 0; k < labour.size(); ++k) {
      const int i = static_cast<int>(k) < cy.art_144_2 ? static_cast<int>(k)
                                                        : (cy.art_144_2 > 1 ? rng_.range(1, cy.art_144_2 - 1) : 0);
      cs(i).victims.push_back(labour[k]);
    }
    rng_.shuffle(sexual);
    for (std::size_t k = 0; k < sexual.size(); ++k) {
      const int i = cy.art_144_2 + (static_cast<int>(k) < cy.art_144_1 ? static_cast<int>(k) : rng_.range(0, cy.art_144_1 - 1));
      cs(i).victims.push_back(sexual[k]);
    }
    for (auto& c : cases) {
      if (c.court) {
        c.registered = dayIn(year, 4, 250);
        c.sent = c.registered + rng_.range(45, 100);
        const int verdict = c.sent + rng_.range(30, 90);
        if ((verdict <= dec(year, 28) && rng_.chance(70)) || (year < 2020 && rng_.chance(60))) c.verdict = verdict;
      } else {
        c.registered = dayIn(year, 4, 334);
      }
      c.started = c.registered + rng_.range(0, 2);
      if (!c.victims.empty()) c.region = c.victims.front()->region->code;
      for (const auto* v : c.victims) c.cross_border = c.cross_border || (!v->country.empty() && v->country != "AZ");
    }
    // Perpetrators: one person charged in the year in each case sent to court (men in the forced
    // labour cases first); wanted persons, some detained, some of those charged.
    std::vector<Perpetrator> people;
    std::vector<bool> male(court.size(), false);
    for (int i = 0; i < cy.art_144_2; ++i) male[static_cast<std::size_t>(i)] = true;
    const int court_n = static_cast<int>(court.size());
    for (int i : rng_.sample(court_n - cy.art_144_2, cy.charged_male - cy.art_144_2))
      male[static_cast<std::size_t>(cy.art_144_2 + i)] = true;
    std::set<int> wanted_charged;
    for (int i : rng_.sample(court_n, cy.wanted_charged)) wanted_charged.insert(i);
    for (int k = 0; k < court_n; ++k) {
      Perpetrator p;
      p.c = court[static_cast<std::size_t>(k)];
      p.female = !male[static_cast<std::size_t>(k)];
      p.charged = true;
      p.wanted = p.detained = wanted_charged.count(k) > 0;
      p.role = cs(p.c).article == "art_144_2" ? "exploiter" : rng_.chance(50) ? "recruiter" : "exploiter";
      people.push_back(p);
    }
    std::vector<Perpetrator> pool;
    for (int i = 0; i < cy.wanted - cy.wanted_charged; ++i) {
      Perpetrator p;
      p.female = rng_.chance(70);
      p.wanted = true;
      p.detained = i < cy.detained - cy.wanted_charged;
      p.role = rng_.chance(50) ? "recruiter" : "transporter";
      pool.push_back(p);
    }
    rng_.shuffle(pool);
    std::size_t next = 0;
    // Criminal groups, in trafficking cases sent to court: the charged person organised it.
    std::vector<int> group_case;
    std::vector<int> trafficking_court;
    for (int k = cy.art_144_2; k < court_n; ++k) trafficking_court.push_back(k);
    for (int g : rng_.sample(static_cast<int>(trafficking_court.size()), static_cast<int>(cy.groups.size())))
      group_case.push_back(trafficking_court[static_cast<std::size_t>(g)]);
    for (std::size_t g = 0; g < group_case.size(); ++g) {
      Perpetrator& leader = people[static_cast<std::size_t>(group_case[g])];
      leader.group = static_cast<int>(g);
      leader.role = "organiser";
      const int leader_case = leader.c;  // `people` grows below
      for (int m = 1; m < cy.groups[g] && next < pool.size(); ++m) {
        Perpetrator p = pool[next++];
        p.c = leader_case;
        p.group = static_cast<int>(g);
        p.role = "group_member";
        people.push_back(p);
      }
    }
    for (int i = 0; i < n && next < pool.size(); ++i)
      if (!cs(i).court) {
        Perpetrator p = pool[next++];
        p.c = i;
        people.push_back(p);
      }
    while (next < pool.size()) {
      Perpetrator p = pool[next++];
      p.c = rng_.range(0, n - 1);
      people.push_back(p);
    }
    std::map<int, std::vector<std::pair<int, int>>> groups_of;  // case -> (group, members)
    for (std::size_t g = 0; g < group_case.size(); ++g)
      groups_of[court[static_cast<std::size_t>(group_case[g])]].emplace_back(static_cast<int>(g), cy.groups[g]);
    for (int i = 0; i < n; ++i) {
      std::vector<const Perpetrator*> mine;
      for (const auto& p : people)
        if (p.c == i) mine.push_back(&p);
      writeCriminalCase(year, cs(i), mine, groups_of[i]);
    }
  }

  void writeCriminalCase(int year, const CrimCase& c, const std::vector<const Perpetrator*>& people,
                         const std::vector<std::pair<int, int>>& groups) {
    const int last = dec(year, 30);
    // The perpetrators' dates first: the case's suspension follows them.
    struct Dates {
      int charged = 0, wanted = 0, detained = 0;
    };
    std::vector<Dates> dates(people.size());
    int latest_wanted = c.started;
    bool anyone_detained = false;
    for (std::size_t k = 0; k < people.size(); ++k) {
      const Perpetrator& p = *people[k];
      Dates& d = dates[k];
      if (p.charged && p.wanted) {
        d.wanted = c.registered + rng_.range(1, 8);
        d.detained = d.wanted + rng_.range(3, 15);
        d.charged = d.detained + rng_.range(1, 3);
      } else if (p.charged) {
        d.charged = c.registered + rng_.range(2, std::max(2, c.sent - c.registered - 1));
      } else {
        d.wanted = std::min(c.registered + rng_.range(1, 20), dec(year, 28));
        if (p.detained) d.detained = std::min(d.wanted + rng_.range(3, 30), last);
      }
      if (d.wanted) latest_wanted = std::max(latest_wanted, d.wanted);
      anyone_detained = anyone_detained || p.detained || (p.charged && !p.wanted);
    }
    Json data = {{"case_number", "Cİ-" + c.key.substr(3)},
                 {"main_article", c.article},
                 {"articles", {c.article}},
                 {"crimes_count", c.crimes},
                 {"registered_on", iso(c.registered)},
                 {"investigating_body", rng_.chance(92) ? "mia_trafficking_department" : "other_police"},
                 {"region", c.region},
                 {"cross_border", c.cross_border},
                 {"summary", c.article == "art_144_2" ? "Məcburi əmək faktı üzrə cinayət işi."
                                                      : "İnsan alveri faktı üzrə cinayət işi."}};
    if (!c.victims.empty()) data["signal"] = keyRef(c.victims.front()->signal_key);
    Json transitions = Json::array();
    transitions.push_back(step("open_investigation", {{"investigation_started_on", iso(c.started)}}));
    Json share = Json::array();
    if (c.court) {
      transitions.push_back(step("send_to_court", {{"sent_to_court_on", iso(c.sent)}, {"court", plainName(kCourt)}}));
      if (c.verdict)
        transitions.push_back(step("record_verdict", {{"verdict_date", iso(c.verdict)},
                                                      {"verdict_final_on", iso(c.verdict + rng_.range(20, 60))}}));
      share.push_back(grant(kProsecutor, "Dövlət ittihamının müdafiəsi"));
      share.push_back(grant(kCourt, "Məhkəmə baxışı"));
    } else if (!anyone_detained && !people.empty()) {
      transitions.push_back(step("suspend", {{"suspended_on", iso(std::min(latest_wanted + rng_.range(5, 30), last))},
                                             {"suspension_reason", "accused_wanted"}}));
    }
    add("criminal_case", c.key, kPolice, std::move(data), std::move(transitions), std::move(share));
    parties_.crimes.push_back({c.key, c.article, year, c.registered, c.verdict, c.cross_border});
    // Groups, neutralised when their organiser was charged.
    std::map<int, std::string> group_keys;
    for (const auto& [g, members] : groups) {
      const std::string key = fmt::format("cg-{}-{}", year, g + 1);
      group_keys[g] = key;
      int organiser_charged = c.started;
      for (std::size_t k = 0; k < people.size(); ++k)
        if (people[k]->group == g && people[k]->charged) organiser_charged = dates[k].charged;
      add("criminal_group", key, kPolice,
          {{"criminal_case", keyRef(c.key)},
           {"name", fmt::format("Cinayətkar qrup №{} ({})", g + 1, year)},
           {"group_form", rng_.chance(60) ? "organised_group" : "group_by_prior_agreement"},
           {"members_count", members},
           {"cross_border", c.cross_border},
           {"neutralised_on", iso(std::min(organiser_charged + rng_.range(0, 5), last))}});
    }
    for (std::size_t k = 0; k < people.size(); ++k) {
      const Perpetrator& p = *people[k];
      const Dates& d = dates[k];
      const PersonName nm = name(p.female);
      Json a = {{"criminal_case", keyRef(c.key)},
                {"last_name", nm.lastName(kAz)},
                {"first_name", nm.firstName(kAz)},
                {"patronymic", nm.patronymic(kAz)},
                {"sex", p.female ? "female" : "male"},
                {"perpetrator_role", p.role}};
      const int age = rng_.range(22, 58);
      a["birth"] = rng_.chance(40) ? fmt::format("{:04}", year - age) : iso(birthDay(year - age));
      const bool foreign = c.cross_border && rng_.chance(12);
      a["citizenship"] = foreign ? (c.victims.empty() || c.victims.front()->country.empty() ? "TR"
                                                                                           : c.victims.front()->country)
                                 : "AZ";
      if (!foreign && rng_.chance(50)) a["personal_number"] = fin();
      if (p.group >= 0) a["criminal_group"] = keyRef(group_keys.at(p.group));
      if (p.charged) {
        a["charged_on"] = iso(d.charged);
        // Officials who allowed the exploitation (a police officer, a migration officer, a
        // municipal employee): every ninth person charged from 2019 on, without a random draw.
        if (year >= 2019 && ++charged_since_2019_ % 9 == 5) {
          static const std::vector<std::pair<const char*, const char*>> kOffices = {
              {"Rayon polis şöbəsinin əməkdaşı", "Daxili İşlər Nazirliyi"},
              {"Miqrasiya xidmətinin inspektoru", "Dövlət Miqrasiya Xidməti"},
              {"Bələdiyyə qulluqçusu", "Bələdiyyə"}};
          const auto& office = kOffices[static_cast<std::size_t>(charged_since_2019_ / 9) % kOffices.size()];
          a["is_official"] = true;
          a["official_position"] = office.first;
          a["official_body"] = office.second;
        }
        if (c.verdict) {
          const bool convicted = rng_.chance(95);
          a["procedural_status"] = convicted ? "convicted" : "acquitted";
          a["verdict_date"] = iso(c.verdict);
          a["verdict_outcome"] = convicted ? "convicted" : "acquitted";
          if (convicted) {
            a["sentence_kind"] = "imprisonment";
            a["sentence_years"] = rng_.range(10, 24) / 2.0;
          }
        } else {
          a["procedural_status"] = c.court ? "defendant" : "accused";
        }
      } else {
        a["procedural_status"] = "suspect";
      }
      a["wanted"] = p.wanted;
      if (p.wanted) a["wanted_since"] = iso(d.wanted);
      if (p.detained) a["detained_on"] = iso(d.detained);
      add("accused", "", kPolice, std::move(a));
    }
    for (const auto* v : c.victims) {
      Json cv = {{"criminal_case", keyRef(c.key)},
                 {"victim_case", keyRef(v->case_key)},
                 {"participation", rng_.chance(85) ? "injured_party" : "witness"},
                 {"recognised_on", iso(std::max(c.started, v->registered) + rng_.range(0, 10))},
                 {"protection_measures", rng_.chance(20)}};
      if (c.verdict && rng_.chance(30)) {
        const int awarded = rng_.range(3, 20) * 100000;
        cv["compensation_awarded"] = awarded;
        if (rng_.chance(50)) cv["compensation_paid"] = awarded / 2;
      }
      add("case_victim", "", kPolice, std::move(cv));
    }
  }

  // ---- hotline appeals ----

  void writeAppeals(int year, const std::string& line, int target) {
    const bool h152 = line == "hotline_152";
    const char* agency = h152 ? kHotline152 : kHotline116;
    static const std::vector<const char*> kTopics = {"labour_activity", "education", "marriage_with_foreigners",
                                                     "domestic_violence", "migrant_registration", "adoption",
                                                     "psychological_support", "other"};
    const std::vector<int> topic_weights = h152 ? std::vector<int>{28, 10, 9, 12, 16, 3, 6, 16}
                                                : std::vector<int>{6, 20, 2, 25, 0, 5, 30, 12};
    static const std::vector<const char*> kCallers = {"victim", "relative", "witness", "professional",
                                                      "anonymous_other"};
    const std::vector<int> caller_weights = h152 ? std::vector<int>{20, 25, 10, 5, 40} : std::vector<int>{45, 30, 5, 10, 10};
    static const std::map<std::string, std::pair<const char*, const char*>> kRouting = {
        {"labour_activity", {"inspectorate", "Əmək müfəttişliyi"}},
        {"migrant_registration", {"other", "Dövlət Miqrasiya Xidməti"}},
        {"domestic_violence", {"local_authority", "Yerli icra hakimiyyəti"}},
        {"marriage_with_foreigners", {"special_police", "İnsan alverinə qarşı mübarizə baş idarəsi"}},
        {"adoption", {"child_protection", "Qəyyumluq və himayə orqanı"}},
        {"education", {"ministry", "Təhsil Nazirliyi"}},
    };
    const int days = jan1(year + 1) - jan1(year);
    const int remaining = target - appeals_written_[{line, year}];
    for (int i = 0; i < remaining; ++i) {
      const int day = jan1(year) + rng_.range(0, days - 1);
      const std::string topic = kTopics[rng_.weighted(topic_weights)];
      const std::string caller = kCallers[rng_.weighted(caller_weights)];
      const bool anonymous = caller == "anonymous_other" || rng_.chance(10);
      Json a = {{"line", line},
                {"received_at", at(day, minute())},
                {"topic", topic},
                {"caller_type", caller},
                {"anonymous", anonymous}};
      if (!anonymous && rng_.chance(15)) a["caller_name"] = name(rng_.chance(60)).full(kAz);
      if (rng_.chance(40)) a["response"] = rng_.pick(kResponses);
      if (auto it = kRouting.find(topic); it != kRouting.end() && rng_.chance(12)) {
        a["routed_to_agency_type"] = it->second.first;
        a["routed_to"] = it->second.second;
      }
      if (rng_.chance(4)) {
        a["follow_up_on"] = iso(day + rng_.range(3, 10));
        a["follow_up_note"] = "Təkrar əlaqə saxlanıldı, əlavə kömək tələb olunmur.";
      }
      add("hotline_appeal", "", agency, std::move(a));
    }
    appeals_written_[{line, year}] = std::max(target, appeals_written_[{line, year}]);
  }
};

}  // namespace

DemoDataset nationalDemo(uint64_t seed) { return National(seed).run(); }

}  // namespace palermo::demo
