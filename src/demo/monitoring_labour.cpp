// O1, L1, L2 and periodic returns in the national demo (child_protection.hpp,
// appendMonitoringLabourMigration): items found by the special police's internet unit with their
// verification and measures, labour inspections with the workers found without a contract, and
// the returns other state systems send in aggregate — the police's quarterly return on offences
// against public morality, the Ministry of Labour's yearly return on employment contracts and
// the State Migration Service's monthly return — submitted and approved. The 2019 part states
// exactly the annual report's figures (reference/annual-report-2019.yaml
// internet_and_media_monitoring, labour_and_migration); 2018 and 2020 are plausible. Migration
// cases with screening before deportation are recorded from 2020, when the service joined.
// Referrals that open signals (victim's path) fall in 2020, so that 2019's stated victim-path
// figures stay as they are.
#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "demo/child_protection.hpp"
#include "demo/kit.hpp"

namespace palermo::demo {

namespace {

const char* const kInternetUnit = "İnsan alverinə qarşı mübarizə baş idarəsi: internet monitorinqi şöbəsi (demo)";
const char* const kLabourInspection = "Dövlət Əmək Müfəttişliyi Xidməti (demo)";
const char* const kMigration = "Dövlət Miqrasiya Xidməti (demo)";

// `total` split into `n` parts of at least `least` each, unevenly (weights 1..3).
std::vector<int> split(Rng& rng, int total, int n, int least) {
  std::vector<int> w(static_cast<std::size_t>(n));
  for (auto& x : w) x = rng.range(10, 30);
  const int weight = std::accumulate(w.begin(), w.end(), 0);
  const int spare = total - least * n;
  std::vector<int> out(static_cast<std::size_t>(n));
  int given = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = least + spare * w[i] / weight;
    given += out[i];
  }
  for (std::size_t i = 0; given < total; i = (i + 1) % out.size(), ++given) ++out[i];
  return out;
}

std::string hex(Rng& rng, int n) {
  static const char* kDigits = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < n; ++i) s += kDigits[rng.range(0, 15)];
  return s;
}

// What a year states (2019: the annual report's figures).
struct Year {
  int year;
  int items, confirmed_with_measures;
  int construction_inspections, other_inspections, without_contract, to_prosecutor, fined;
  int64_t fines_azn;
  int minors;  // minors found working (referred to child protection)
  int contracts_increase, contracts_private;
  int morality_offences, morality_prosecuted, morality_administrative;
  int breaching, deported;
};
const std::vector<Year> kYears = {
    {2018, 86, 3, 104, 0, 298, 3, 31, 362000, 0, 141000, 92000, 47, 22, 701, 10870, 7712},
    {2019, 100, 4, 120, 0, 351, 4, 39, 454000, 0, 153000, 100000, 53, 27, 779, 11564, 8093},
    {2020, 74, 5, 88, 34, 240, 3, 28, 318000, 2, 118000, 71000, 41, 19, 602, 6210, 4117},
};

class MonitoringLabour : Appender {
 public:
  MonitoringLabour(uint64_t seed, DemoDataset& out) : Appender(seed ^ 0x4f4c4c2d64656dULL, out) {}

  void run() {
    out_.agencies.push_back({kInternetUnit, "special_police", "baku"});
    out_.agencies.push_back({kLabourInspection, "inspectorate", "baku"});
    out_.agencies.push_back({kLabourMinistry, "ministry", "baku"});
    out_.agencies.push_back({kMigration, "migration", "baku"});
    out_.agencies.push_back({kInteriorMinistry, "police", "baku"});
    for (const auto& y : kYears) {
      monitoring(y);
      inspections(y);
      returns(y);
    }
    migrationCases(2020, 60);
  }

 private:
  int n_ = 0;

  std::string key(const char* prefix) { return fmt::format("{}-{}", prefix, ++n_); }

  // ---- O1: `items` found in the year, `confirmed` of them confirmed with measures; the rest
  // found not to be what they seemed (verified within ten days).
  void monitoring(const Year& y) {
    std::vector<int> confirmed_at;
    for (int i = 0; i < y.confirmed_with_measures; ++i) confirmed_at.push_back(rng_.range(0, y.items - 1));
    std::sort(confirmed_at.begin(), confirmed_at.end());
    confirmed_at.erase(std::unique(confirmed_at.begin(), confirmed_at.end()), confirmed_at.end());
    while (static_cast<int>(confirmed_at.size()) < y.confirmed_with_measures) {
      const int c = rng_.range(0, y.items - 1);
      if (std::find(confirmed_at.begin(), confirmed_at.end(), c) == confirmed_at.end()) confirmed_at.push_back(c);
    }
    int k = 0;
    for (int i = 0; i < y.items; ++i) {
      const bool confirmed = std::find(confirmed_at.begin(), confirmed_at.end(), i) != confirmed_at.end();
      // Found early enough in the year that the verification falls in it too.
      const int found = dayOf(y.year, 1, 2) + rng_.range(0, 340);
      static const std::vector<const char*> kCategories = {"trafficking_advertisement", "recruitment",
                                                           "sexual_services_offer", "child_sexual_abuse_material", "other"};
      static const std::vector<const char*> kPlatforms = {"website", "social_network", "messenger_channel", "classifieds",
                                                          "video_platform", "forum", "print_media"};
      static const std::vector<const char*> kFoundBy = {"monitoring", "complaint", "foreign_partner", "hotline"};
      const std::string category = confirmed ? (k % 2 == 0 ? "recruitment" : "trafficking_advertisement")
                                             : kCategories[rng_.weighted({20, 25, 40, 5, 10})];
      const std::string platform = kPlatforms[rng_.weighted({25, 30, 15, 15, 5, 5, 5})];
      const int n = ++n_;
      Json d = {{"reference", fmt::format("İM-{}-{:03}", y.year, i + 1)},
                {"found_on", iso(found)},
                {"platform", platform},
                {"address", fmt::format("https://elan-{}.example/{}/{}", n % 37, platform == "classifieds" ? "vakansiya" : "p",
                                        hex(rng_, 10))},
                {"category", category},
                {"found_by", category == "child_sexual_abuse_material" ? "foreign_partner" : kFoundBy[rng_.weighted({60, 25, 5, 10})]}};
      if (category == "child_sexual_abuse_material") d["content_hash"] = hex(rng_, 64);
      else d["description"] = "Xaricdə yüksək maaşlı iş təklifi; əlaqə yalnız messencerlə.";
      Json steps = Json::array();
      const int verified = found + rng_.range(1, 9);
      if (!confirmed) {
        steps.push_back(step("reject", {{"verified_on", iso(verified)}}));
        add("monitoring_item", fmt::format("mi-{}", n), kInternetUnit, std::move(d), std::move(steps));
        continue;
      }
      // The measures, in turn: limitation of access (ordered, on the block list), a notice to the
      // host, an administrative case, and (from 2020) a referral opening a signal.
      const int kind = k++ % 4;
      Json measures = Json::array();
      if (kind == 0 || kind == 2) {
        measures.push_back("access_limitation_requested");
        d["limitation_requested_on"] = iso(verified + 1);
        d["limitation_ordered_on"] = iso(verified + rng_.range(5, 15));
        d["limitation_order"] = fmt::format("RQ-{}/{}", y.year, rng_.range(100, 999));
        if (kind == 2 && y.year < 2020) d["limitation_ended_on"] = iso(dayOf(y.year + 1, 6, 30));
      }
      if (kind == 1 || kind == 2) {
        measures.push_back("hosting_provider_notified");
        d["hosting_notified_on"] = iso(verified + 2);
      }
      if (kind == 3) measures.push_back("administrative_case"), d["case_reference"] = fmt::format("İX-{}-{}", y.year, rng_.range(10, 99));
      const bool refer = kind == 1 && y.year >= 2020;
      if (refer) measures.push_back("referred_to_special_police");
      d["measures"] = measures;
      steps.push_back(step("confirm", {{"verified_on", iso(verified)}}));
      if (refer) steps.push_back(step("refer_to_police", {{"referred_at", at(verified + 3, 10 * 60)}}));
      add("monitoring_item", fmt::format("mi-{}", n), kInternetUnit, std::move(d), std::move(steps));
    }
  }

  // ---- L1: inspections (construction sites, and from 2020 other sites), the workers found
  // without a contract, fines (in qəpik), referrals to the prosecutor.
  void inspections(const Year& y) {
    const int count = y.construction_inspections + y.other_inspections;
    const auto workers = split(rng_, y.without_contract, count, 0);
    const auto fines = split(rng_, static_cast<int>(y.fines_azn / 500), y.fined, 4);  // in 500 AZN steps
    std::vector<int> order(static_cast<std::size_t>(count));
    std::iota(order.begin(), order.end(), 0);
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng_.below(i)]);
    int minors_left = y.minors;
    for (int i = 0; i < count; ++i) {
      const Region& r = pickRegion(rng_);
      const bool construction = i < y.construction_inspections;
      static const std::vector<const char*> kOther = {"agriculture", "trade", "hospitality", "manufacturing"};
      const std::string site = construction ? "construction_site" : kOther[rng_.range(0, 3)];
      const int day = dayOf(y.year, 1, 10) + rng_.range(0, 320);
      const std::string k = key("li");
      const int rank = order[static_cast<std::size_t>(i)];  // which inspections were fined / referred
      const int found = workers[static_cast<std::size_t>(i)];
      Json d = {{"inspected_on", iso(day)},
                {"region", r.code},
                {"site_kind", site},
                {"sector", construction ? "construction" : site == "trade" ? "peddling" : site == "hospitality" ? "hospitality"
                                                          : site == "agriculture" ? "agriculture" : "manufacturing"},
                {"site_name", fmt::format("{} obyekti №{}", r.name, rng_.range(1, 400))},
                {"employer_name", fmt::format("\"{}-{}\" MMC (demo)", construction ? "Tikinti" : "Xidmət", rng_.range(10, 999))},
                {"employer_tax_id", fmt::format("{:010}", 1000000000LL + rng_.range(0, 899999999))},
                {"workers_checked", found + rng_.range(5, 60)}};
      if (rank < y.fined) {
        d["fined_on"] = iso(day + rng_.range(3, 20));
        d["fine_amount"] = static_cast<int64_t>(fines[static_cast<std::size_t>(rank)]) * 500 * 100;
      }
      if (rank >= y.fined && rank < y.fined + y.to_prosecutor) d["referred_to_prosecutor_on"] = iso(day + rng_.range(10, 25));
      if (found > 0) d["contracts_concluded_after"] = rng_.range(0, found);
      const int done = day + rng_.range(5, 28);
      add("labour_inspection", k, kLabourInspection, std::move(d),
          Json::array({step("complete", {{"completed_on", iso(std::max(done, day + 26))}})}));
      for (int w = 0; w < found; ++w) worker(k, day, r, false);
      if (minors_left > 0 && !construction) {
        --minors_left;
        worker(k, day, r, true);
      }
    }
  }

  void worker(const std::string& inspection, int day, const Region& r, bool minor) {
    const bool foreigner = !minor && rng_.chance(12);
    static const std::vector<const char*> kCountries = {"UZ", "TJ", "GE", "TR", "IR", "IN", "NP"};
    Json d = {{"inspection", keyRef(inspection)},
              {"found_on", iso(day)},
              {"region", r.code},
              {"sex", minor ? "male" : rng_.chance(88) ? "male" : "female"},
              {"is_minor", minor},
              {"is_foreigner", foreigner},
              {"has_contract", false},
              {"occupation", minor ? "köməkçi fəhlə" : rng_.pick(std::vector<const char*>{"fəhlə", "bənna", "suvaqçı", "sürücü"})}};
    if (foreigner) d["citizenship"] = kCountries[rng_.range(0, static_cast<int>(kCountries.size()) - 1)];
    Json steps = Json::array();
    if (minor) {
      // The child is a person record (made-up, pseudonymous), referred to child protection.
      const std::string p = key("wp");
      add("person", p, kLabourInspection,
          {{"pseudonym", "U-" + p}, {"sex", "male"}, {"birth", std::to_string(ymdOf(day).y - 15)},
           {"citizenship", "AZ"}, {"region", r.code}});
      d["person"] = keyRef(p);
      steps.push_back(step("refer_minor", {{"referred_on", iso(day + 1)}}));
    }
    add("worker_found", key("wf"), kLabourInspection, std::move(d), std::move(steps));
  }

  // ---- Periodic returns, submitted after the period and approved by the coordinator's office.
  void periodic(const std::string& type, const char* agency, const std::string& period, int period_end, Json values) {
    values["period"] = period;
    const int submitted = period_end + rng_.range(3, 14);
    add(type, key("rt"), agency, std::move(values),
        Json::array({step("submit", {{"submitted_on", iso(submitted)}}),
                     step("approve", {{"approved_on", iso(submitted + rng_.range(1, 8))}})}));
  }

  void returns(const Year& y) {
    const auto breaching = split(rng_, y.breaching, 12, 500);
    const auto deported = split(rng_, y.deported, 12, 300);
    for (int m = 1; m <= 12; ++m) {
      const int end = dayOf(m == 12 ? y.year + 1 : y.year, m == 12 ? 1 : m + 1, 1) - 1;
      const int dep = deported[static_cast<std::size_t>(m - 1)];
      const int screened = dep + rng_.range(0, 40);
      periodic("return_migration_monthly", kMigration, fmt::format("{:04}-{:02}", y.year, m), end,
               {{"breaching_identified", breaching[static_cast<std::size_t>(m - 1)]},
                {"deported", dep},
                {"screened", screened},
                {"referred_to_police", rng_.chance(15) ? 1 : 0}});
    }
    periodic("return_employment_contracts", kLabourMinistry, std::to_string(y.year), dayOf(y.year, 12, 31),
             {{"contracts_increase", y.contracts_increase}, {"contracts_increase_private", y.contracts_private}});
    const auto offences = split(rng_, y.morality_offences, 4, 5);
    const auto prosecuted = split(rng_, y.morality_prosecuted, 4, 2);
    const auto administrative = split(rng_, y.morality_administrative, 4, 100);
    for (int q = 1; q <= 4; ++q) {
      const int end = dayOf(q == 4 ? y.year + 1 : y.year, q == 4 ? 1 : q * 3 + 1, 1) - 1;
      periodic("return_public_morality", kInteriorMinistry, fmt::format("{:04}-Q{}", y.year, q), end,
               {{"offences_identified", offences[static_cast<std::size_t>(q - 1)]},
                {"persons_prosecuted", prosecuted[static_cast<std::size_t>(q - 1)]},
                {"persons_administrative", administrative[static_cast<std::size_t>(q - 1)]}});
    }
  }

  // ---- L2 from 2020: foreigners in breach of stay rules, each screened before any deportation.
  void migrationCases(int year, int count) {
    static const std::vector<const char*> kCountries = {"UZ", "TJ", "IR", "AF", "PK", "IN", "NP", "BD", "GE", "TR"};
    static const std::vector<const char*> kBands = {"age_18_29", "age_30_49", "age_50_plus"};
    for (int i = 0; i < count; ++i) {
      const Region& r = pickRegion(rng_);
      const int day = dayOf(year, 1, 5) + rng_.range(0, 330);
      const bool female = rng_.chance(25);
      const std::string citizenship = kCountries[rng_.range(0, static_cast<int>(kCountries.size()) - 1)];
      const std::string p = key("mp");
      add("person", p, kMigration,
          {{"pseudonym", "M-" + p}, {"sex", female ? "female" : "male"}, {"birth", std::to_string(year - rng_.range(19, 55))},
           {"citizenship", citizenship}});
      static const std::vector<const char*> kBreaches = {"overstay", "no_registration", "work_without_permit", "invalid_documents"};
      Json breaches = Json::array({kBreaches[rng_.weighted({45, 25, 25, 5})]});
      Json d = {{"detected_on", iso(day)},
                {"person", keyRef(p)},
                {"region", r.code},
                {"citizenship", citizenship},
                {"sex", female ? "female" : "male"},
                {"age_band", kBands[rng_.weighted({45, 45, 10})]},
                {"breaches", breaches}};
      // 3 in 60 show indicators of trafficking: referred to the special police, never deported.
      const int outcome = i % 20 == 7 ? 0 : rng_.weighted({0, 65, 20, 10});  // refer, deport, fine, regularise
      const std::string sc = key("ms");
      add("screening", sc, kMigration,
          {{"person", keyRef(p)},
           {"screened_on", iso(day + 1)},
           {"screener", "Miqrasiya xidmətinin inspektoru"},
           {"is_child", false},
           {"exploitation_focus", "labour"},
           {"interpreter_used", true},
           {"answers", screeningAnswers(rng_, false, true, outcome == 0 ? Screen::Indicated : Screen::NotIndicated)}});
      d["screening"] = keyRef(sc);
      Json steps = Json::array();
      if (outcome == 0) {
        steps.push_back(step("refer_to_police", {{"referred_at", at(day + 2, 11 * 60)}}));
      } else {
        steps.push_back(step("record_screening", Json::object()));
        if (outcome == 1)
          steps.push_back(step("deport", {{"decided_on", iso(day + 5)}, {"deported_on", iso(day + rng_.range(10, 30))}}));
        else if (outcome == 2)
          steps.push_back(step("fine", {{"decided_on", iso(day + 5)}, {"fine_amount", rng_.range(2, 8) * 100 * 100}}));
        else
          steps.push_back(step("regularise", {{"decided_on", iso(day + 20)}}));
      }
      add("migration_case", key("mc"), kMigration, std::move(d), std::move(steps));
    }
  }
};

}  // namespace

void appendMonitoringLabourMigration(uint64_t seed, DemoDataset& out) { MonitoringLabour(seed, out).run(); }

}  // namespace palermo::demo
