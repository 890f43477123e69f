// Issue 31's registers in the national demo: individual rehabilitation plans and their measures,
// and legal entities in criminal cases. The sources state no figure for them, so the volumes are
// plausible rather than stated; the tests count the rows and compare with the statistics.
// Its own random source (seeded from the demo's), so nothing before it moves.
#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "demo/child_protection.hpp"
#include "demo/kit.hpp"

namespace palermo::demo {
namespace {

Json agencyRef(const std::string& name) { return Json{{"_agency", name}}; }

class Rehabilitation : Appender {
 public:
  Rehabilitation(uint64_t seed, DemoDataset& out) : Appender(seed ^ 0x5245484142ULL, out) {}

  void run(const RehabilitationInput& in) {
    for (const auto& c : in.cases)
      if (rng_.chance(60)) plan(c);
    for (const auto& c : in.crimes) parties(c);
    internationalRequests();
  }

 private:
  int n_ = 0;


  // What each agency reaching the case does in a plan.
  struct Offer {
    const char* kind;
    const char* title;
  };
  static std::vector<Offer> offersOf(const std::string& agency) {
    if (agency == kShelter)
      return {{"psychological_rehabilitation", "Fərdi psixoloji reabilitasiya kursu"},
              {"medical", "Tibbi müayinə və müalicənin davamı"}};
    if (agency == kAssistance)
      return {{"vocational_course", "Peşə kursuna yazılma"},
              {"employment", "İşə düzəlməyə köməklik"},
              {"social", "Ünvanlı sosial yardımın rəsmiləşdirilməsi"}};
    if (agency == kPolice) return {{"documents", "Şəxsiyyət vəsiqəsinin bərpası"}};
    return {{"legal", "Hüquqi məsləhət və məhkəmədə təmsilçilik"},
            {"psychological", "Psixoloji dəstək görüşləri"},
            {"education", "Təhsilin davam etdirilməsi"}};
  }

  // A plan drawn up by the agency working the case, approved with consent; measures for the
  // agencies that reach the case. Measures due by the end of 2020 are mostly done (a 2020 one
  // with the service that carried it out), some not: those are the overdue tasks.
  void plan(const CaseForPlan& c) {
    const int end2020 = dec(2020, 31);
    const int drawn = std::min(c.decision + rng_.range(3, 20), dec(c.year, 20));
    const std::string key = fmt::format("rp-{}", ++n_);
    Json p = {{"victim_case", keyRef(c.case_key)},
              {"drawn_up_on", iso(drawn)},
              {"needs", "Psixoloji bərpa, sənədlər, peşə və iş, ailə ilə əlaqənin bərpası."},
              {"goals", "Təhlükəsiz yaşayış, sağlamlığın bərpası, müstəqil gəlir və ya təhsilin davamı."},
              {"victim_participated", rng_.chance(95)},
              {"consent_given_by", c.child ? "legal_representative" : "person"},
              {"consent_on", iso(drawn)},
              {"next_review_on", iso(drawn + 90)}};
    Json steps = Json::array({step("approve", {})});
    if (c.year == 2019 && rng_.chance(70)) {
      const int closed = std::min(drawn + rng_.range(180, 330), end2020);
      steps.push_back(step("close", {{"closed_on", iso(closed)},
                                     {"closure_reason", rng_.chance(80) ? "goals_achieved" : "moved_or_returned"},
                                     {"closure_note", "Planın məqsədlərinə əsasən çatılıb."}}));
    }
    add("rehabilitation_plan", key, c.holder, std::move(p), std::move(steps));

    std::vector<std::pair<std::string, Offer>> offers;
    for (const auto& agency : c.reach)
      for (const auto& o : offersOf(agency)) offers.emplace_back(agency, o);
    rng_.shuffle(offers);
    const int count = std::min<int>(static_cast<int>(offers.size()), rng_.range(2, 4));
    for (int i = 0; i < count; ++i) {
      const auto& [agency, offer] = offers[static_cast<std::size_t>(i)];
      const int due = drawn + rng_.range(20, 150);
      const std::string mkey = fmt::format("rm-{}", ++n_);
      Json m = {{"plan", keyRef(key)},
                {"kind", offer.kind},
                {"title", offer.title},
                {"responsible_agency_id", agencyRef(agency)},
                {"starts_on", iso(drawn + rng_.range(0, 10))},
                {"due_on", iso(due)}};
      Json msteps = Json::array();
      const bool done = due <= end2020 && rng_.chance(80);
      const int done_on = std::min(due - rng_.range(0, 15), end2020);
      if (done) {
        msteps.push_back(step("complete", {{"done_on", iso(done_on)}, {"result", "Tədbir plana uyğun icra edilib."}}));
      } else if (rng_.chance(50)) {
        msteps.push_back(step("start", {}));
      }
      add("rehabilitation_measure", mkey, c.holder, std::move(m), std::move(msteps));
      // The service that carried out a measure done in 2020 (2019's services are the annual
      // report's own figures and stay as they are).
      if (done && done_on >= jan1(2020) && std::string(offer.kind) != "employment" &&
          std::string(offer.kind) != "vocational_course")
        add("service", "", agency,
            {{"victim_case", keyRef(c.case_key)},
             {"rehabilitation_measure", keyRef(mkey)},
             {"kind", offer.kind},
             {"given_on", iso(done_on)},
             {"provider", agency}});
    }
  }

  // The legal entities of forced-labour cases (the employer) and of cross-border trafficking
  // cases (a recruitment or travel agency), sanctioned with the verdict: a fine, and for an
  // agency its licence withdrawn.
  void parties(const CrimeForParties& c) {
    const bool labour = c.article == "art_144_2";
    if (!labour && !(c.cross_border && rng_.chance(40))) return;
    static const std::vector<const char*> kSectors = {"construction", "agriculture", "manufacturing", "hospitality"};
    Json d = {{"criminal_case", keyRef(c.key)},
              {"name", labour ? fmt::format("\"{}-{}\" MMC (demo)", "İnşaat", rng_.range(10, 999))
                              : fmt::format("\"{}-{}\" Turizm şirkəti (demo)", "Səyahət", rng_.range(10, 999))},
              {"registration_number", fmt::format("{:010}", 1000000000LL + rng_.range(0, 899999999))},
              {"country", "AZ"},
              {"role", labour ? "employer" : "recruitment_agency"}};
    if (labour) d["sector"] = rng_.pick(kSectors);
    if (c.verdict) {
      Json sanctions = Json::array({"fine"});
      if (!labour) sanctions.push_back("licence_withdrawn"), d["licence"] = "Turizm fəaliyyəti lisenziyası";
      d["sanctions"] = sanctions;
      d["sanctioned_on"] = iso(c.verdict);
      d["sanctioned_by"] = "Ağır Cinayətlər Məhkəməsi";
      d["fine_amount"] = static_cast<int64_t>(rng_.range(4, 40)) * 500 * 100;  // qəpik
    }
    add("legal_entity_party", "", kPolice, std::move(d));
  }

  // P4: the UN Special Rapporteur's questionnaire answered in 2021 (the source document 000 is
  // that answer) with the bodies' contributions and the figures it quoted, as the answer route
  // freezes them (the tests check each against the records); and UNODC's GLOTIP questionnaire of
  // 2020, one contribution still owed.
  void internationalRequests() {
    const std::string un = "ir-un-2021";
    add("international_request", un, kCoordinator,
        {{"body", "un_special_rapporteur"},
         {"title", "BMT-nin insan alveri üzrə xüsusi məruzəçisinin sorğu vərəqəsi (demo)"},
         {"reference", "SR-TIP/2021/Q (demo)"},
         {"received_on", "2021-01-18"},
         {"deadline", "2021-03-31"},
         {"questions", "İnsan alverinin qurbanı olmuş uşaqlar, məişət zorakılığı və erkən nikah; 2005-2020-ci illərin rəqəmləri."}},
        Json::array({step("prepare", {}),
                     step("answer", {{"answered_on", "2021-03-26"},
                                     {"answer_text", "2005-2020-ci illərdə 25 yetkinlik yaşına çatmayan insan alveri qurbanı "
                                                     "müəyyən edilib, onlardan 7-si cinsi istismara məruz qalıb (oğlan yoxdur)."}})}));
    struct Contribution {
      const char* agency;
      const char* asked;
    };
    const std::vector<Contribution> contributions = {
        {kPolice, "Qurbanlar, cinayət işləri, uşaq qurbanlar (2005-2020)."},
        {kFamilyCommittee, "Erkən nikah və məişət zorakılığı ilə bağlı tədbirlər."},
        {kLabourMinistry, "Sosial yardım və reinteqrasiya."}};
    for (const auto& c : contributions)
      add("request_contribution", "", kCoordinator,
          {{"request", keyRef(un)},
           {"contributing_agency_id", agencyRef(c.agency)},
           {"body_name", c.agency},
           {"asked_on", "2021-01-20"},
           {"due_on", "2021-02-26"},
           {"questions", c.asked}},
          Json::array({step("submit", {{"contribution", "Məlumat əlavə olunur (demo)."}, {"submitted_on", "2021-02-24"}}),
                       step("accept", {})}));
    // The figures the answer quoted, as they were on 2021-03-26.
    struct Quoted {
      const char* indicator;
      const char* period;
      int value;
      const char* label;
    };
    const std::vector<Quoted> quoted = {
        {"minor_victims_identified", "2005..2020", 25, "Minor victims identified"},
        {"minor_victims_sexual_exploitation", "2005..2020", 7, "Minor victims of sexual exploitation"},
        {"victims_domestic_violence", "2015..2020", 48, "Victims who had suffered domestic violence"},
        {"victims_early_marriage", "2015..2020", 46, "Victims who had married early"},
        {"hotline_116_111_children_assisted", "2020", 6657, "Children assisted by the 116-111 hotline"}};
    for (const auto& q : quoted)
      add("quoted_figure", "", kCoordinator,
          {{"request", keyRef(un)},
           {"indicator", q.indicator},
           {"indicator_version", 1},
           {"label", q.label},
           {"period", q.period},
           {"value", q.value},
           {"display", std::to_string(q.value)},
           {"edition", "restricted"},
           {"computed_at", "2021-03-26T09:30:00Z"}});

    const std::string glotip = "ir-glotip-2020";
    add("international_request", glotip, kCoordinator,
        {{"body", "unodc_glotip"},
         {"title", "UNODC: insan alveri üzrə qlobal hesabat sorğusu 2020 (demo)"},
         {"received_on", "2020-09-01"},
         {"deadline", "2020-11-30"},
         {"questions", "Aşkar edilmiş qurbanlar, təqib olunanlar və məhkum edilənlər, 2017-2019."}},
        Json::array({step("prepare", {})}));
    add("request_contribution", "", kCoordinator,
        {{"request", keyRef(glotip)},
         {"contributing_agency_id", agencyRef(kPolice)},
         {"body_name", kPolice},
         {"asked_on", "2020-09-03"},
         {"due_on", "2020-10-15"},
         {"questions", "Qurbanlar və təqib olunan şəxslər, 2017-2019."}},
        Json::array({step("submit", {{"contribution", "Cədvəllər əlavə olunur (demo)."}, {"submitted_on", "2020-10-12"}})}));
    add("request_contribution", "", kCoordinator,
        {{"request", keyRef(glotip)},
         {"contributing_agency_id", agencyRef(kLabourMinistry)},
         {"body_name", kLabourMinistry},
         {"asked_on", "2020-09-03"},
         {"due_on", "2020-10-15"},
         {"questions", "Məcburi əmək qurbanlarına göstərilən yardım, 2017-2019."}});
  }
};

}  // namespace

void appendRehabilitationAndParties(uint64_t seed, const RehabilitationInput& in, DemoDataset& out) {
  Rehabilitation(seed, out).run(in);
}

}  // namespace palermo::demo
