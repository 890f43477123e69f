// The child-protection part of the national demo (child_protection.hpp). Each year is planned
// in one pass and written in dependency order: raids, then the children (person rows) and their
// findings, then the materials to the commissions; the DOST centres' monitoring runs over all
// years at the end. Figures are placed exactly (chosen samples, never "about N at random"); only
// the details (dates, places, names, which decision) are drawn. The generator has its own
// random stream (derived from the seed), so the victim's path rows do not move when it changes.
#include "demo/child_protection.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "demo/kit.hpp"

namespace palermo::demo {

namespace {


struct Office {
  const char* region_code;  // agency region: baku | ganja | lankaran (kRegions' ngo codes)
  const char* police;       // district police juvenile unit
  const char* dost;         // DOST centre (child protection)
  const char* commission;   // commission on minors' affairs of the local executive authority
};

const std::vector<Office> kOffices = {
    {"baku", "Bakı şəhər Baş Polis İdarəsi, yetkinlik yaşına çatmayanlar şöbəsi (demo)",
     "Bakı şəhəri 1 saylı DOST mərkəzi (demo)",
     "Bakı şəhər İcra Hakimiyyəti yanında yetkinlik yaşına çatmayanların işləri üzrə komissiya (demo)"},
    {"ganja", "Gəncə şəhər Polis İdarəsi, yetkinlik yaşına çatmayanlar üzrə inspeksiya (demo)",
     "Gəncə şəhəri DOST mərkəzi (demo)",
     "Gəncə şəhər İcra Hakimiyyəti yanında yetkinlik yaşına çatmayanların işləri üzrə komissiya (demo)"},
    {"lankaran", "Lənkəran rayon Polis Şöbəsi, yetkinlik yaşına çatmayanlar üzrə inspeksiya (demo)",
     "Lənkəran rayonu DOST mərkəzi (demo)",
     "Lənkəran rayon İcra Hakimiyyəti yanında yetkinlik yaşına çatmayanların işləri üzrə komissiya (demo)"},
};

const Office& officeOf(const std::string& region_name) {
  for (const auto& r : kRegions)
    if (region_name == r.name)
      for (const auto& o : kOffices)
        if (std::string(o.region_code) == r.ngo) return o;
  return kOffices.front();
}

const std::vector<std::pair<int, ChildProtectionYear>> kYearsCp = {
    {2015, {352, 9, 541, 142, 60}},  {2016, {377, 10, 583, 151, 64}}, {2017, {398, 11, 612, 163, 70}},
    {2018, {412, 12, 641, 171, 74}}, {2019, {430, 14, 670, 180, 78}}, {2020, {286, 7, 447, 118, 81}},
};

const std::vector<const char*> kPlaces = {"Təzə bazar", "Yaşıl bazar", "28 May metrosunun ətrafı", "Nizami küçəsi",
                                          "Dəniz kənarı bulvar", "Avtovağzal", "Gəncə mərkəzi bazarı",
                                          "Lənkəran çay plantasiyası", "Sumqayıt tikinti sahəsi", "Kəndlərarası yol"};
const std::vector<const char*> kPlaceTypes = {"street", "market", "construction_site", "agriculture", "transport_hub",
                                              "other"};
const std::vector<const char*> kChildHomes = {"Bakı şəhəri 2 saylı uşaq evi", "Gəncə uşaq sığınacağı",
                                              "Sosial sığınacaq (yetkinlik yaşına çatmayanlar üçün)"};

struct Finding {
  std::string key, person_key;
  int raid = 0;  // index into the year's raids
  int day = 0;
  bool victim = false;
  std::string signal_key;  // for a victim
  bool child_material = false;
  int parent_materials = 0;
};

struct Raid {
  std::string key;
  int day = 0;
  const Region* region = nullptr;
};

class ChildProtection : Appender {
 public:
  ChildProtection(uint64_t seed, DemoDataset& out) : Appender(seed ^ 0x43502d64656d6fULL, out) {}

  void run(const std::vector<RaidVictim>& victims) {
    for (const auto& o : kOffices) {
      out_.agencies.push_back({o.police, "police", o.region_code});
      out_.agencies.push_back({o.dost, "child_protection", o.region_code});
      out_.agencies.push_back({o.commission, "local_authority", o.region_code});
    }
    for (const auto& [year, plan] : kYearsCp) {
      std::vector<RaidVictim> of_year;
      for (const auto& v : victims)
        if (v.year == year) of_year.push_back(v);
      raidsOfYear(year, plan, of_year);
    }
    monitoring();
  }

 private:
  int children_ = 0;
  int visit_no_ = 0;


  const Region& region() { return pickRegion(rng_); }

  // A child as a person: made-up name, sex, date of birth (age at `day`), citizenship.
  std::string writeChild(const std::string& prefix, int day, int age, const Region& r, const char* agency) {
    const std::string key = fmt::format("{}-{}", prefix, ++children_);
    const bool girl = rng_.chance(35);
    PersonName n;
    n.female = girl;
    n.first = &rng_.pick(girl ? kGirls : kBoys);
    n.father = rng_.chance(30) ? &rng_.pick(kMaleNames) : &rng_.pick(kBoys);
    n.last = &rng_.pick(kChildSurnames);
    const int birth = day - age * 365 - rng_.range(0, 364);
    Json p = {{"pseudonym", fmt::format("U-{}", key)},
              {"last_name", n.lastName(kAz)},
              {"first_name", n.firstName(kAz)},
              {"patronymic", n.patronymic(kAz)},
              {"sex", girl ? "female" : "male"},
              {"birth", iso(birth)},
              {"citizenship", rng_.chance(96) ? "AZ" : "GE"},
              {"birth_place", r.name},
              {"region", r.code}};
    // The police and the DOST centres write children from their birth certificates.
    if (rng_.chance(90)) {
      p["document_kind"] = "birth_certificate";
      p["document_number"] = fmt::format("II-ŞH {:06}", rng_.range(100000, 999999));
      p["document_country"] = "AZ";
    } else {
      p["document_kind"] = "none";
    }
    add("person", key, agency, std::move(p));
    return key;
  }

  void raidsOfYear(int year, const ChildProtectionYear& plan, const std::vector<RaidVictim>& victims) {
    const int first_day = dayOf(year, 1, 8), last_day = dayOf(year, 12, 10);
    std::vector<Raid> raids;
    std::vector<Finding> findings;
    auto newRaid = [&](int day, const Region* r) {
      raids.push_back({fmt::format("raid-{}-{}", year, raids.size() + 1), day, r});
      return static_cast<int>(raids.size()) - 1;
    };
    // The victims' raids: on the day their signal came, where they were found.
    for (const auto& v : victims) {
      const Region* r = &kRegions.front();
      for (const auto& x : kRegions)
        if (v.region == x.name) r = &x;
      Finding f;
      f.raid = newRaid(v.found_day, r);
      f.day = v.found_day;
      f.victim = true;
      f.person_key = v.person_key;
      f.signal_key = v.signal_key;
      findings.push_back(f);
    }
    // The other children, two to nine a raid.
    int left = plan.children_found - static_cast<int>(victims.size());
    while (left > 0) {
      const Region* where = &region();  // drawn first, as GCC did when the figures were fixed
      const int raid = newRaid(rng_.range(first_day, last_day), where);
      for (int k = std::min(left, rng_.range(2, 9)); k > 0; --k, --left) {
        Finding f;
        f.raid = raid;
        f.day = raids[static_cast<std::size_t>(raid)].day;
        findings.push_back(f);
      }
    }
    // Found again in a later raid of the year: the same person.
    const std::size_t first_findings = findings.size();
    std::vector<int> again;
    for (std::size_t i = 0; i < first_findings; ++i)
      if (!findings[i].victim && findings[i].day < last_day - 20) again.push_back(static_cast<int>(i));
    rng_.shuffle(again);
    again.resize(static_cast<std::size_t>(plan.found_twice));
    // Raids are written first (the findings point at them).
    for (const auto& raid : raids) writeRaid(year, raid);
    // Children and first findings.
    for (std::size_t i = 0; i < first_findings; ++i) {
      Finding& f = findings[i];
      const Raid& raid = raids[static_cast<std::size_t>(f.raid)];
      if (!f.victim) f.person_key = writeChild(fmt::format("u{}", year), f.day, rng_.range(7, 16), *raid.region,
                                               officeOf(raid.region->name).police);
      f.key = fmt::format("cf-{}-{}", year, i + 1);
    }
    for (int i : again) {
      const Finding& first = findings[static_cast<std::size_t>(i)];
      Finding f;
      f.person_key = first.person_key;
      f.day = rng_.range(first.day + 7, last_day);
      const Region* r = raids[static_cast<std::size_t>(first.raid)].region;
      // A raid of its own, in the same region, later in the year.
      f.raid = static_cast<int>(raids.size());
      raids.push_back({fmt::format("raid-{}-{}", year, raids.size() + 1), f.day, r});
      writeRaid(year, raids.back());
      f.key = fmt::format("cf-{}-{}", year, findings.size() + 1);
      findings.push_back(f);
    }
    // Materials: the child's (one) and the parents' (up to two) per finding, exactly the year's
    // total; the parents' hold the sanctions.
    std::vector<int> eligible;
    for (std::size_t i = 0; i < findings.size(); ++i)
      if (!findings[i].victim) eligible.push_back(static_cast<int>(i));
    const int e = static_cast<int>(eligible.size());
    const int parent_total = std::min(2 * e, std::max(plan.parents_sanctioned * 3 / 2, plan.materials - e));
    const int child_total = plan.materials - parent_total;
    for (int k : rng_.sample(e, child_total)) findings[static_cast<std::size_t>(eligible[static_cast<std::size_t>(k)])].child_material = true;
    for (int slot : rng_.sample(2 * e, parent_total))
      findings[static_cast<std::size_t>(eligible[static_cast<std::size_t>(slot / 2)])].parent_materials += 1;
    for (const auto& f : findings) writeFinding(f, raids[static_cast<std::size_t>(f.raid)]);
    // Which parents' materials end in a sanction: exactly the year's figure.
    std::set<int> sanctioned;
    for (int k : rng_.sample(parent_total, plan.parents_sanctioned)) sanctioned.insert(k);
    int parent_no = 0, material_no = 0;
    for (const auto& f : findings) {
      const Raid& raid = raids[static_cast<std::size_t>(f.raid)];
      if (f.child_material) writeMaterial(year, ++material_no, f, raid, "child", false);
      for (int p = 0; p < f.parent_materials; ++p)
        writeMaterial(year, ++material_no, f, raid, rng_.chance(88) ? "parent" : "person_replacing_parent",
                      sanctioned.count(parent_no++) > 0);
    }
  }

  void writeRaid(int year, const Raid& raid) {
    const Office& o = officeOf(raid.region->name);
    Json d = {{"raid_on", iso(raid.day)},
              {"region", raid.region->code},
              {"place_type", kPlaceTypes[rng_.weighted({40, 30, 12, 8, 7, 3})]},
              {"place", rng_.pick(kPlaces)},
              {"lead_agency_type", "police"},
              {"agencies_taking_part", Json::array({"police", "child_protection", "local_authority"})}};
    Json steps = Json::array();
    // Outcomes recorded within a week; the last raids of 2020 are still open.
    if (!(year == 2020 && raid.day > dayOf(2020, 12, 1)))
      steps.push_back(step("close", {{"closed_on", iso(raid.day + rng_.range(0, 6))}}));
    add("raid", raid.key, o.police, std::move(d), std::move(steps));
  }

  void writeFinding(const Finding& f, const Raid& raid) {
    const Office& o = officeOf(raid.region->name);
    static const std::vector<const char*> kWith = {"alone", "parent", "relative", "other_adult", "other_children"};
    Json d = {{"raid", keyRef(raid.key)},
              {"found_on", iso(f.day)},
              {"person", keyRef(f.person_key)},
              {"activity", f.victim ? "begging" : (rng_.chance(55) ? "begging" : rng_.chance(70) ? "working" : "both")},
              {"accompanied_by", kWith[rng_.weighted({35, 25, 12, 18, 10})]}};
    Json measures = Json::array();
    if (f.parent_materials > 0 || rng_.chance(60)) measures.push_back("interview");
    if (f.parent_materials > 0) measures.push_back("administrative_protocol");
    if (measures.empty()) measures.push_back("none_parents_absent");
    d["parents_measures"] = measures;
    Json steps = Json::array();
    if (f.victim) {
      // The police's own signal about this child already exists: the referral links it.
      d["signal"] = keyRef(f.signal_key);
      steps.push_back(step("refer_to_police", {{"referred_at", at(f.day, rng_.range(11 * 60, 16 * 60))}}));
    } else if (rng_.chance(88)) {
      steps.push_back(step("return_to_family", {{"outcome_on", iso(f.day)}}));
    } else {
      steps.push_back(step("place", {{"outcome_on", iso(f.day + rng_.range(0, 1))},
                                     {"facility_name", rng_.pick(kChildHomes)}}));
    }
    add("child_found", f.key, o.police, std::move(d), std::move(steps));
  }

  void writeMaterial(int year, int n, const Finding& f, const Raid& raid, const std::string& subject, bool sanction) {
    const Office& o = officeOf(raid.region->name);
    const int sent = f.day + rng_.range(1, 5);
    Json d = {{"child_found", keyRef(f.key)},
              {"subject", subject},
              {"sent_on", iso(sent)},
              {"commission", plainCommission(o)}};
    if (subject != "child") {
      PersonName n2;
      n2.female = rng_.chance(55);
      n2.first = &rng_.pick(n2.female ? kFemaleNames : kMaleNames);
      n2.last = &rng_.pick(kSurnames);
      d["subject_name"] = n2.full(kAz);
    }
    Json steps = Json::array();
    const bool pending = year == 2020 && sent > dayOf(2020, 12, 1) && !sanction;
    if (!pending) {
      Json decision;
      if (sanction) {
        const bool fine = rng_.chance(40);
        decision = {{"decision", fine ? "administrative_fine" : "warning"}, {"decided_on", iso(sent + rng_.range(3, 13))}};
        if (fine) decision["fine_amount"] = rng_.range(3, 10) * 1000;  // 30-100 AZN
      } else {
        static const std::vector<const char*> kChild = {"preventive_registration", "referral_to_services", "no_measure"};
        static const std::vector<const char*> kParent = {"preventive_registration", "referral_to_services",
                                                         "no_measure"};
        const auto& kinds = subject == "child" ? kChild : kParent;
        decision = {{"decision", kinds[rng_.weighted({50, 30, 20})]}, {"decided_on", iso(sent + rng_.range(3, 20))}};
      }
      steps.push_back(step("decide", std::move(decision)));
    }
    add("commission_material", fmt::format("cm-{}-{}", year, n), o.police, std::move(d), std::move(steps));
  }

  static std::string plainCommission(const Office& o) {
    std::string s = o.commission;
    return s.substr(0, s.size() - std::string(" (demo)").size());
  }

  // C2: children in family care and the DOST centres' visits. Each year exactly the year's
  // number of children get at least one visit done; the others of the pool are not visited that
  // year (their monitoring has ended, or begins later).
  void monitoring() {
    struct CareChild {
      std::string key, agency;
      int from = 0;     // monitoring from (day)
      int end_year = 0; // monitoring ends in this year (0: goes on)
    };
    std::vector<CareChild> pool;
    static const std::vector<const char*> kKinds = {"adoption", "guardianship", "custody"};
    for (const auto& [year, plan] : kYearsCp) {
      std::vector<int> active;
      for (std::size_t i = 0; i < pool.size(); ++i)
        if (pool[i].end_year == 0 || pool[i].end_year >= year) active.push_back(static_cast<int>(i));
      // New children enter monitoring this year until there are enough to visit.
      while (static_cast<int>(active.size()) < plan.care_children_visited) {
        const Region& r = region();
        const Office& o = officeOf(r.name);
        const int from = dayOf(year, 1, 10) + rng_.range(0, 150);
        const int age = rng_.range(1, 13);
        const std::string person = writeChild("care", from, age, r, o.dost);
        CareChild c{fmt::format("care-{}", pool.size() + 1), o.dost, from, 0};
        Json d = {{"person", keyRef(person)},
                  {"care_kind", kKinds[rng_.weighted({45, 35, 20})]},
                  {"care_since", iso(from - rng_.range(20, 300))},
                  {"family_name", fmt::format("{} ailəsi", rng_.pick(kSurnames).s.az)},
                  {"region", r.code},
                  {"dost_centre", std::string(o.dost).substr(0, std::string(o.dost).size() - 7)},
                  {"visit_every_days", 90},
                  {"monitoring_from", iso(from)}};
        if (age >= 12 && rng_.chance(50)) c.end_year = std::min(2020, year + (17 - age));
        Json steps = Json::array();
        if (c.end_year)
          steps.push_back(step("end_monitoring", {{"monitoring_ended_on", iso(dayOf(c.end_year, 12, 20))},
                                                  {"end_reason", "turned_18"}}));
        add("care_child", c.key, o.dost, std::move(d), std::move(steps));
        pool.push_back(c);
        active.push_back(static_cast<int>(pool.size()) - 1);
      }
      rng_.shuffle(active);
      for (int k = 0; k < static_cast<int>(active.size()); ++k) {
        const CareChild& c = pool[static_cast<std::size_t>(active[static_cast<std::size_t>(k)])];
        writeVisits(year, c.key, c.agency, std::max(c.from, dayOf(year, 1, 5)), k < plan.care_children_visited);
      }
    }
  }

  // A year's visits to one child: done (when visited this year), a cancelled one now and then, and
  // in December 2020 the next visit planned (the calendar's due and overdue visits).
  void writeVisits(int year, const std::string& care_key, const std::string& agency, int from, bool visited) {
    const int last = dayOf(year, 12, 15);
    if (visited) {
      int day = std::min(last, from + rng_.range(0, 60));
      do {
        Json d = {{"care_child", keyRef(care_key)}, {"planned_on", iso(day)}};
        static const std::vector<const char*> kFindings = {"no_concerns", "needs_assistance", "concerns_raised",
                                                           "child_not_seen"};
        const std::string finding = kFindings[rng_.weighted({70, 18, 7, 5})];
        Json done = {{"done_on", iso(std::min(last, day + rng_.range(0, 3)))}, {"finding", finding},
                     {"child_seen", finding != "child_not_seen"}};
        if (finding == "needs_assistance") done["assistance_given"] = Json::array({rng_.chance(50) ? "psychological" : "social"});
        if (finding == "concerns_raised")
          done["concerns"] = "Ailədə gərginlik müşahidə olunub; növbəti səfər tezləşdirilib.";
        add("care_visit", fmt::format("cv-{}", ++visit_no_), agency, std::move(d), Json::array({step("complete", done)}));
        day += rng_.range(80, 120);
      } while (day <= last);
    } else if (rng_.chance(30)) {
      Json d = {{"care_child", keyRef(care_key)}, {"planned_on", iso(std::min(last, from + rng_.range(0, 90)))}};
      add("care_visit", fmt::format("cv-{}", ++visit_no_), agency, std::move(d), Json::array({step("cancel", Json::object())}));
    }
    if (year == 2020 && visited) {
      Json d = {{"care_child", keyRef(care_key)}, {"planned_on", iso(dayOf(2020, 12, 10) + rng_.range(0, 40))}};
      add("care_visit", fmt::format("cv-{}", ++visit_no_), agency, std::move(d));
    }
  }

};

}  // namespace

void appendChildProtection(uint64_t seed, const std::vector<RaidVictim>& raid_victims, DemoDataset& out) {
  ChildProtection(seed, out).run(raid_victims);
}

}  // namespace palermo::demo
