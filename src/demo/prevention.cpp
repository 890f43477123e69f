// P1–P4 and the year's legal acts in the national demo (child_protection.hpp,
// appendPrevention): awareness and training events, grants to NGO projects and awards to
// associations, international cooperation requests and agreements, legal acts, and the National
// Action Plan 2020–2024 with the child-protection measures the 2021 questionnaire's answer 7
// lists, each shared with its responsible body, with progress reports for 2020. 2019 states the
// annual report's figures exactly (reference/annual-report-2019.yaml prevention); 2018 and 2020
// are plausible.
#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "demo/child_protection.hpp"
#include "demo/kit.hpp"

namespace palermo::demo {

namespace {

const char* const kGrantsCouncil = "QHT-lərə Dövlət Dəstəyi Şurası (demo)";
const char* const kEducationMinistry = "Təhsil Nazirliyi (demo)";

// Cities and districts where seminars are held (55 or more distinct places a year).
// Codes of the `region` list: 60 distinct cities and districts.
const std::vector<const char*> kPlaces = {
    "baku", "sumgait", "ganja", "lankaran", "shaki", "mingachevir", "masally", "guba", "shirvan", "barda",
    "jalilabad", "khachmaz", "naftalan", "yevlakh", "shamakhi", "ismayilli", "gabala", "oguz", "gakh", "zagatala",
    "balakan", "agdash", "goychay", "ujar", "kurdamir", "zardab", "agsu", "hajigabul", "salyan", "neftchala",
    "bilasuvar", "saatly", "sabirabad", "imishli", "beylagan", "aghjabadi", "tartar", "goranboy", "samukh", "shamkir",
    "tovuz", "agstafa", "gazakh", "gadabay", "dashkasan", "goygol", "khizi", "siyazan", "shabran", "gusar",
    "astara", "lerik", "yardimli", "gobustan", "absheron", "nakhchivan", "fuzuli", "agdam", "babek", "sharur"};

struct Year {
  int year;
  int seminar_places;        // distinct places of seminars in the country
  int seminars;              // seminars in the country
  int materials;             // copies distributed at events
  int foreigners;            // foreigners at seminars for foreigners
  int awards;                // associations awarded
  int grants, grants_amount;             // awarded NGO projects, AZN
  int shelters, rehab, shelters_amount;  // of them
  int officer_events, as_instructors;    // officers at training events; international as instructors
  int requests;              // cooperation requests
};
const std::vector<Year> kYears = {
    {2018, 49, 63, 91300, 1540, 14, 17, 176000, 2, 4, 88000, 46, 14, 26},
    {2019, 55, 71, 104650, 1846, 18, 20, 209000, 3, 5, 105000, 51, 17, 31},
    {2020, 38, 44, 76200, 920, 11, 22, 231000, 3, 6, 121000, 33, 9, 24},
};

// `total` split into `n` parts, each a multiple of `step` and at least `least`.
std::vector<int> split(Rng& rng, int total, int n, int least, int step) {
  std::vector<int> w(static_cast<std::size_t>(n));
  for (auto& x : w) x = rng.range(10, 30);
  const int weight = std::accumulate(w.begin(), w.end(), 0);
  const int units = total / step, spare = units - least / step * n;
  std::vector<int> out(static_cast<std::size_t>(n));
  int given = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = least / step + spare * w[i] / weight;
    given += out[i];
  }
  for (std::size_t i = 0; given < units; i = (i + 1) % out.size(), ++given) ++out[i];
  for (auto& x : out) x *= step;
  return out;
}

// The measures of answer 7 (National Action Plan 2020–2024, children), with their body and year.
struct Measure {
  const char* az;
  const char* en;
  const char* ru;
  const char* body;
  int due_year;
};
const std::vector<Measure> kMeasures = {
    {"Qurbanların (xüsusilə uşaqların) müəyyən edilməsi göstəricilərinin və metodik vasitələrin təkmilləşdirilməsi üzrə təkliflər",
     "Proposals to improve the indicators for identifying victims (especially children) and the methodical tools of investigation",
     "Предложения по совершенствованию индикаторов выявления жертв (особенно детей) и методических средств", kPolice, 2021},
    {"İnsan alveri probleminin xüsusiyyətlərinə və uşaqların həssaslığına dair elmi və sosial tədqiqatlar",
     "Scientific and social research on trafficking in the country and children's vulnerability to it",
     "Научные и социальные исследования торговли людьми и уязвимости детей", kFamilyCommittee, 2022},
    {"İnternetdə uşaq pornoqrafiyasının yayılmasının qarşısının alınması və belə məzmuna girişin məhdudlaşdırılması",
     "Preventing child pornography on the internet and limiting access to such content",
     "Предотвращение распространения детской порнографии в интернете и ограничение доступа к ней", kPolice, 2024},
    {"Uşaqlar, əcnəbilər və vətəndaşlığı olmayan şəxslər də daxil olmaqla qurbanların müəyyən edilməsi; istismara yol verənlərə sanksiyalar",
     "Identifying victims of trafficking and forced labour, children, foreigners and stateless persons included; sanctions on those allowing exploitation",
     "Выявление жертв, включая детей, иностранцев и лиц без гражданства; санкции к допускающим эксплуатацию", kPolice, 2024},
    {"Dilənçiliyə cəlb edilmiş uşaqlarla xüsusi iş, valideynlərlə müsahibələr və onlara qarşı tədbirlər",
     "Special work with children involved in begging, interviews with their parents and measures against them",
     "Специальная работа с детьми, вовлечёнными в попрошайничество, беседы с родителями и меры к ним", kInteriorMinistry, 2024},
    {"Erkən nikahların qarşısının alınması üzrə səylərin gücləndirilməsi", "Strengthening efforts to prevent child marriage",
     "Усиление мер по предотвращению детских браков", kFamilyCommittee, 2024},
    {"Tibb müəssisələrindən kənar doğuşlara nəzarət və bunlar əsasında erkən nikahların aşkarlanması",
     "Control over childbirths outside medical facilities and detecting child marriages from them",
     "Контроль родов вне медицинских учреждений и выявление по ним детских браков", kFamilyCommittee, 2023},
    {"Yetkinlik yaşına çatmayanlarla, xüsusilə əlilliyi olan uşaqlarla sosial iş institutunun formalaşdırılması",
     "Building social work with minors, children with disabilities above all, on the best international practice",
     "Формирование института социальной работы с несовершеннолетними, особенно детьми с инвалидностью", kLabourMinistry, 2023},
    {"Qurban, ehtimal olunan və potensial qurban uşaqlar üçün təhsil imkanlarının genişləndirilməsi",
     "More educational opportunities for child victims, presumed and potential child victims",
     "Расширение образовательных возможностей для детей-жертв, предполагаемых и потенциальных жертв", kEducationMinistry, 2022},
    {"Dövlət uşaq müəssisələrini tərk edənlərə sosial-hüquqi, psixoloji və məşğulluq xidmətləri",
     "Social-legal, psychological and employment services to leavers of state children's institutions",
     "Социально-правовые, психологические услуги и трудоустройство выпускникам детских учреждений", kLabourMinistry, 2024},
    {"Təhsildən yayınma və baxımsızlıq hallarının monitorinqi, risk qrupundakı uşaqlarla fərdi profilaktik iş",
     "Monitoring education avoidance and neglect; individual preventive work with out-of-school children at risk",
     "Мониторинг уклонения от учёбы и безнадзорности; индивидуальная профилактика с детьми группы риска", kEducationMinistry, 2021},
    {"Övladlığa götürülmüş, qəyyumluq və ya himayədəki uşaqların ailələrdə monitorinqi",
     "Monitoring adopted children and children under guardianship or custody in their families",
     "Мониторинг усыновлённых детей и детей под опекой или попечительством в семьях", kEducationMinistry, 2024},
    {"Şəxsiyyət sənədi olmayan uşaqlara sənədlərin verilməsi", "Identity documents for children who have none",
     "Выдача документов детям, не имеющим удостоверений личности", kInteriorMinistry, 2022},
    {"Hüquq-mühafizə əməkdaşlarının qurban uşaqlarla ünsiyyəti üzrə ümumi standartların hazırlanması",
     "General standards for officers communicating with child victims, and procedures to transfer their cases",
     "Общие стандарты общения сотрудников с детьми-жертвами и порядок передачи дел", kPolice, 2021},
    {"Təlim proqramlarına qurbanların hüquqlarının müdafiəsi və internetdə uşaqların istismarı mövzularının daxil edilməsi",
     "Victims' rights, gender, children and online sexual exploitation in anti-trafficking training programmes",
     "Включение в учебные программы тем прав жертв, гендера, детей и сексуальной эксплуатации в интернете", kEducationMinistry, 2022},
    {"Qurban uşaqların müəyyən edilməsi və müdafiəsi üzrə təlimlər və təlimat kitabçaları",
     "Training on identifying and protecting child victims, and instruction booklets",
     "Тренинги по выявлению и защите детей-жертв и инструктивные буклеты", kPolice, 2023},
    {"Uşaq əməyinin istismarının qarşısının alınması üçün sahibkarlar və işəgötürənlər arasında maarifləndirmə",
     "Awareness for entrepreneurs and employers to prevent the exploitation of child labour",
     "Просвещение предпринимателей и работодателей для предотвращения эксплуатации детского труда", kLabourMinistry, 2024},
};

class Prevention : Appender {
 public:
  Prevention(uint64_t seed, DemoDataset& out) : Appender(seed ^ 0x50524556454eULL, out) {}

  void run() {
    out_.agencies.push_back({kGrantsCouncil, "other", "baku"});
    out_.agencies.push_back({kEducationMinistry, "education", "baku"});
    out_.agencies.push_back({kFamilyCommittee, "ministry", "baku"});
    for (const auto& y : kYears) {
      events(y);
      grants(y);
      awards(y);
      cooperation(y);
    }
    legalActs();
    actionPlan();
  }

 private:
  int n_ = 0;

  std::string key(const char* prefix) { return fmt::format("{}-{}", prefix, ++n_); }
  int dayIn(int year) { return dayOf(year, 1, 15) + rng_.range(0, 330); }

  // P1: seminars in `seminar_places` places (some places twice), events for foreigners among
  // them, officers' training events (the international ones with officers as instructors).
  void events(const Year& y) {
    std::vector<const char*> places(kPlaces.begin(), kPlaces.end());
    for (std::size_t i = places.size(); i > 1; --i) std::swap(places[i - 1], places[rng_.below(i)]);
    places.resize(static_cast<std::size_t>(y.seminar_places));
    const int foreign_seminars = 8;
    const auto foreigners = split(rng_, y.foreigners, foreign_seminars, 60, 1);
    const int events_total = y.seminars + y.officer_events;
    const auto materials = split(rng_, y.materials, events_total, 100, 50);
    int m = 0;
    for (int i = 0; i < y.seminars; ++i) {
      const char* place = places[static_cast<std::size_t>(i % y.seminar_places)];
      const bool for_foreigners = i < foreign_seminars;
      Json d = {{"title", for_foreigners ? "Əcnəbilər üçün insan alverinin qarşısının alınması seminarı"
                                         : "İnsan alverinin qarşısının alınmasına dair maarifləndirmə seminarı"},
                {"kind", "seminar"},
                {"held_on", iso(dayIn(y.year))},
                {"international", false},
                {"region", place},
                {"organiser", for_foreigners ? "Dövlət Miqrasiya Xidməti və BMqT (demo)" : kFamilyCommittee},
                {"audiences", for_foreigners ? Json::array({"foreigners"}) : Json::array({"public", "students"})},
                {"participants_female", rng_.range(15, 60)},
                {"participants_male", rng_.range(10, 50)},
                {"materials_distributed", materials[static_cast<std::size_t>(m++)]},
                {"officers", "none"}};
      if (for_foreigners) {
        const int f = foreigners[static_cast<std::size_t>(i)];
        d["participants_foreign"] = f;
        d["participants_male"] = f / 2 + rng_.range(0, 20);
        d["participants_female"] = f - f / 2 + rng_.range(0, 20);
      }
      add("awareness_event", key("ev"), kCoordinator, std::move(d));
    }
    // Officers' training: the first `as_instructors` abroad with officers as instructors.
    static const std::vector<const char*> kAbroad = {"TR", "GE", "DE", "AT", "UA", "KZ", "US", "FR"};
    for (int i = 0; i < y.officer_events; ++i) {
      const bool abroad = i < y.as_instructors;
      Json d = {{"title", abroad ? "İnsan alverinə qarşı mübarizə üzrə beynəlxalq təlim" : "Xüsusi polis əməkdaşları üçün təlim"},
                {"kind", i % 5 == 0 ? "conference" : "training"},
                {"held_on", iso(dayIn(y.year))},
                {"international", abroad},
                {"organiser", abroad ? "ATƏT / BMqT (demo)" : kPolice},
                {"audiences", Json::array({"officers"})},
                {"participants_female", rng_.range(2, 12)},
                {"participants_male", rng_.range(8, 30)},
                {"materials_distributed", materials[static_cast<std::size_t>(m++)]},
                {"officers", abroad ? "instructors" : "participants"}};
      if (abroad) d["country"] = kAbroad[static_cast<std::size_t>(rng_.range(0, 7))];
      else d["region"] = "baku";
      add("awareness_event", key("ev"), kPolice, std::move(d));
    }
  }

  // P2: the year's grants (3 shelters and 5 rehabilitation centres among them in 2019) and a few
  // refused applications.
  void grants(const Year& y) {
    const int others = y.grants - y.shelters - y.rehab;
    const auto care = split(rng_, y.shelters_amount, y.shelters + y.rehab, 5000, 500);
    const auto rest = split(rng_, y.grants_amount - y.shelters_amount, others, 3000, 500);
    static const std::vector<const char*> kOther = {"awareness", "legal_aid", "research", "awareness", "other"};
    for (int i = 0; i < y.grants; ++i) {
      const bool shelter = i < y.shelters, rehab = !shelter && i < y.shelters + y.rehab;
      const int amount = i < y.shelters + y.rehab ? care[static_cast<std::size_t>(i)]
                                                  : rest[static_cast<std::size_t>(i - y.shelters - y.rehab)];
      const int applied = dayOf(y.year, 2, 1) + rng_.range(0, 60);
      const int decided = applied + rng_.range(20, 60);
      const std::string purpose = shelter ? "shelter" : rehab ? "rehabilitation_centre" : kOther[rng_.range(0, 4)];
      Json d = {{"programme", fmt::format("{} QHT layihələri müsabiqəsi", y.year)},
                {"ngo", fmt::format("\"{}\" ictimai birliyi (demo)", rng_.pick(std::vector<const char*>{"Ümid", "Həyat", "Dayaq", "İşıq", "Körpü", "Gələcək"}))},
                {"project", shelter ? "Qurbanlar üçün sığınacağın saxlanılması" : rehab ? "Reabilitasiya mərkəzinin xidmətləri"
                                                                                  : "İnsan alverinə qarşı maarifləndirmə layihəsi"},
                {"purpose", purpose},
                {"applied_on", iso(applied)},
                {"amount_requested", static_cast<int64_t>(amount + rng_.range(0, 10) * 500) * 100},
                {"project_ends_on", iso(decided + 270)}};
      Json steps = Json::array({step("award", {{"decided_on", iso(decided)}, {"amount", static_cast<int64_t>(amount) * 100},
                                               {"amount_paid", static_cast<int64_t>(amount) * 100}})});
      if (y.year < 2020) steps.push_back(step("complete", {{"report_received_on", iso(decided + 290)}}));
      add("ngo_grant", key("gr"), kGrantsCouncil, std::move(d), std::move(steps));
    }
    for (int i = 0; i < 4; ++i) {
      const int applied = dayOf(y.year, 2, 1) + rng_.range(0, 60);
      add("ngo_grant", key("gr"), kGrantsCouncil,
          {{"programme", fmt::format("{} QHT layihələri müsabiqəsi", y.year)},
           {"ngo", "\"Təşəbbüs\" ictimai birliyi (demo)"},
           {"project", "Gənclər arasında maarifləndirmə"},
           {"purpose", "awareness"},
           {"applied_on", iso(applied)},
           {"amount_requested", static_cast<int64_t>(rng_.range(10, 40)) * 1000 * 100}},
          Json::array({step("refuse", {{"decided_on", iso(applied + 40)}})}));
    }
  }

  void awards(const Year& y) {
    for (int i = 0; i < y.awards; ++i)
      add("association_award", key("aw"), kInteriorMinistry,
          {{"association", fmt::format("İnsan alverinə qarşı ictimai birlik №{} (demo)", i + 1)},
           {"awarded_on", iso(dayOf(y.year, 12, 10) + rng_.range(0, 15))},
           {"awarding_body", "Daxili İşlər Nazirliyi"},
           {"award", "Fəxri fərman"}});
  }

  // P4: requests sent and received; the older ones answered.
  void cooperation(const Year& y) {
    static const std::vector<const char*> kKinds = {"mutual_legal_assistance", "information_exchange", "victim_repatriation",
                                                    "extradition", "joint_investigation"};
    static const std::vector<const char*> kPartners = {"TR", "RU", "AE", "GE", "IR", "UZ", "DE"};
    for (int i = 0; i < y.requests; ++i) {
      const int day = dayIn(y.year);
      Json d = {{"reference", fmt::format("BƏ-{}/{:03}", y.year, i + 1)},
                {"kind", kKinds[rng_.weighted({35, 40, 12, 8, 5})]},
                {"direction", rng_.chance(55) ? "sent" : "received"},
                {"partner_country", kPartners[static_cast<std::size_t>(rng_.range(0, 6))]},
                {"dated_on", iso(day)},
                {"deadline", iso(day + 60)},
                {"subject", "Cinayət işi üzrə məlumat (şəxslərin adları işdədir)."}};
      Json steps = Json::array();
      if (y.year < 2020 || rng_.chance(60)) steps.push_back(step("answer", {{"answered_on", iso(day + rng_.range(10, 55))}}));
      add("cooperation_request", key("co"), kPolice, std::move(d), std::move(steps));
    }
    add("cooperation_agreement", key("ag"), kCoordinator,
        {{"title", fmt::format("İnsan alverinə qarşı mübarizədə əməkdaşlıq haqqında memorandum ({}, demo)", y.year)},
         {"partner_organisation", "Beynəlxalq Miqrasiya Təşkilatı"},
         {"signed_on", iso(dayOf(y.year, 9, 20))}});
  }

  void legalActs() {
    struct Act {
      const char* kind;
      int y, m, d;
      const char* az;
      const char* en;
      const char* ru;
    };
    static const std::vector<Act> kActs = {
        {"amendment", 2018, 6, 1, "İnsan alverinə qarşı mübarizə haqqında Qanuna dəyişiklik (demo)",
         "Amendment to the Law on Combating Trafficking in Human Beings (demo)", "Изменение в Закон о борьбе с торговлей людьми (демо)"},
        {"resolution", 2019, 3, 12, "Qurbanlara birdəfəlik müavinətin məbləği haqqında qərar (demo)",
         "Resolution on the amount of the one-time allowance to victims (demo)", "Постановление о размере единовременного пособия жертвам (демо)"},
        {"order", 2019, 7, 30, "Qurbanların müəyyən edilməsi göstəricilərinin təsdiqi haqqında əmr (demo)",
         "Order approving the indicators for identifying victims (demo)", "Приказ об утверждении индикаторов выявления жертв (демо)"},
        {"ratification", 2019, 11, 5, "Miqrantların qaçaqmalçılığına qarşı protokola dair sazişin təsdiqi (demo)",
         "Ratification of an agreement under the protocol against the smuggling of migrants (demo)", "Ратификация соглашения по протоколу против незаконного ввоза мигрантов (демо)"},
        {"decree", 2020, 7, 22, "İnsan alverinə qarşı mübarizəyə dair 2020–2024-cü illər üçün Milli Fəaliyyət Planının təsdiqi (demo)",
         "Approval of the National Action Plan to Combat Trafficking in Human Beings 2020–2024 (demo)",
         "Утверждение Национального плана действий по борьбе с торговлей людьми на 2020–2024 годы (демо)"},
    };
    for (const auto& a : kActs)
      add("legal_act", key("la"), kCoordinator,
          {{"kind", a.kind}, {"adopted_on", iso(dayOf(a.y, a.m, a.d))}, {"number", fmt::format("{}-{}", a.y, rng_.range(100, 999))},
           {"title_az", a.az}, {"title_en", a.en}, {"title_ru", a.ru}});
  }

  // P3: the plan, its measures shared with their bodies, and the 2020 progress reports.
  void actionPlan() {
    const std::string plan = key("ap");
    add("action_plan", plan, kCoordinator,
        {{"title_az", "İnsan alverinə qarşı mübarizəyə dair 2020–2024-cü illər üçün Milli Fəaliyyət Planı"},
         {"title_en", "National Action Plan to Combat Trafficking in Human Beings 2020–2024"},
         {"title_ru", "Национальный план действий по борьбе с торговлей людьми на 2020–2024 годы"},
         {"period_from", 2020},
         {"period_to", 2024},
         {"approved_by", "Prezidentin Sərəncamı (demo)"},
         {"approved_on", iso(dayOf(2020, 7, 22))},
         {"participating_bodies", 32}});
    int number = 0;
    for (const auto& m : kMeasures) {
      ++number;
      const std::string measure = key("pm");
      add("plan_measure", measure, kCoordinator,
          {{"plan", keyRef(plan)},
           {"number", fmt::format("7.{}", number)},
           {"chapter", "Uşaqların müdafiəsi"},
           {"text_az", m.az},
           {"text_en", m.en},
           {"text_ru", m.ru},
           {"responsible_body", std::string(m.body)},
           {"due_year", m.due_year},
           {"due_on", iso(dayOf(m.due_year, 12, 31))},
           {"next_report_due", iso(dayOf(2021, 1, 31))}},
          Json::array(), Json::array({Json{{"agency", m.body}, {"reason", "Fəaliyyət planının məsul icraçısı"}}}));
      // The 2020 progress report, for most measures, filed by the body and assessed.
      if (number % 4 == 0) continue;
      const int submitted = dayOf(2021, 1, 10) + rng_.range(0, 20);
      Json steps = Json::array();
      if (number % 3 != 0) steps.push_back(step("accept", {{"assessed_on", iso(submitted + 10)}}));
      add("progress_report", key("pr"), m.body,
          {{"measure", keyRef(measure)},
           {"period", "2020"},
           {"body", std::string(m.body)},
           {"status", number % 5 == 0 ? "not_started" : "in_progress"},
           {"report", "2020-ci ildə görülmüş işlər haqqında məlumat (demo)."},
           {"submitted_on", iso(submitted)}},
          std::move(steps));
    }
  }
};

}  // namespace

void appendPrevention(uint64_t seed, DemoDataset& out) { Prevention(seed, out).run(); }

}  // namespace palermo::demo
