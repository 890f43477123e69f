// Issue 31 over the HTTP API with the product schema (docs/victims-path.md, docs/security.md): an
// individual rehabilitation plan drawn up by the NGO working a case, approved only with consent;
// measures for the agencies the case is shared with (an agency that cannot read the case is
// refused, naming why); the measure's case taken from its plan; an overdue measure a task for its
// responsible agency only; a service recorded against a measure of its own case only; the presumed
// victim's 30-day protection period and a foreigner's residence decision as deadlines; legal
// entities and officials in criminal cases, an employer's sanctions in an administrative one; an
// international request answered with contributions from the bodies and its figures frozen.
#include <gtest/gtest.h>

#include "harness.hpp"

using namespace palermo::test;
using palermo::Json;

namespace {

const std::string R = "/api/v1/records/";



TEST(Rehabilitation, APlanIsDrawnUpWithConsentAndItsMeasuresReachTheirAgencies) {
  DemoServer s("palermo-rehab", false);
  Client police = s.user("sp", "police_investigator", s.agency("Baş idarə", "special_police"));
  const int64_t ngo_id = s.agency("Ümid körpüsü", "ngo");
  const int64_t centre_id = s.agency("Yardım mərkəzi", "assistance_center");
  const int64_t other_ngo_id = s.agency("Başqa ictimai birlik", "ngo");
  Client ngo = s.user("cw", "case_worker", ngo_id);
  Client centre = s.user("ac", "case_worker", centre_id);
  Client other = s.user("ow", "case_worker", other_ngo_id);

  const int64_t person = created(police.call("POST", R + "person", {{"last_name", "Məmmədova"}, {"first_name", "Leyla"},
                                                                     {"sex", "female"}, {"birth", "1994"}}),
                                 "person");
  const int64_t vcase = created(police.call("POST", R + "victim_case",
                                            {{"person", person},
                                             {"registered_on", "2020-02-03"},
                                             {"protection_period_started_on", "2020-02-03"},
                                             {"protection_measures", {"shelter", "medical", "psychological"}},
                                             {"consent_share_with", {"ngo", "assistance_center"}},
                                             {"consent_given_by", "person"},
                                             {"consent_recorded_on", "2020-02-03"}}),
                                "victim case");
  // The 30-day protection period is the special police's task while the person is presumed.
  EXPECT_TRUE(hasTask(police, "presumed_protection_period", vcase));
  EXPECT_FALSE(hasTask(ngo, "presumed_protection_period", vcase));
  const std::string case_url = R + "victim_case/" + std::to_string(vcase);
  ASSERT_EQ(police.call("POST", case_url + "/grants", {{"agency_id", ngo_id}, {"reason", "Reabilitasiya"}}).status, 201);

  // The NGO draws up the plan; approving it needs the consent, named field by field.
  const int64_t plan = created(ngo.call("POST", R + "rehabilitation_plan",
                                        {{"victim_case", vcase}, {"drawn_up_on", "2020-03-01"},
                                         {"goals", "Psixoloji bərpa, peşə kursu, iş."}, {"victim_participated", true},
                                         {"next_review_on", "2020-06-01"}}),
                               "plan");
  auto no_consent = step(ngo, "rehabilitation_plan", plan, "approve", Json::object());
  EXPECT_EQ(no_consent.status, 422);
  EXPECT_TRUE(hasField(no_consent, "consent_given_by")) << no_consent.body;
  EXPECT_TRUE(hasField(no_consent, "consent_on")) << no_consent.body;
  ASSERT_EQ(step(ngo, "rehabilitation_plan", plan, "approve", {{"consent_given_by", "person"}, {"consent_on", "2020-03-01"}})
                .status,
            200);
  EXPECT_TRUE(hasTask(ngo, "rehabilitation_plan_review", plan));  // 2020-06-01 has passed

  // A measure for the assistance centre, which cannot read the case yet: refused, saying why.
  const Json for_centre = {{"plan", plan},
                           {"kind", "vocational_course"},
                           {"title", "Peşə kursu"},
                           {"responsible_agency_id", centre_id},
                           {"due_on", "2020-05-31"}};
  auto not_shared = ngo.call("POST", R + "rehabilitation_measure", for_centre);
  EXPECT_EQ(not_shared.status, 422) << not_shared.body;
  EXPECT_TRUE(hasField(not_shared, "responsible_agency_id")) << not_shared.body;
  EXPECT_NE(not_shared.body.find("share the case"), std::string::npos) << not_shared.body;
  // Another victim's case is refused too.
  auto wrong_case = ngo.call("POST", R + "rehabilitation_measure",
                             {{"plan", plan}, {"victim_case", vcase + 1000}, {"kind", "legal"}, {"title", "X"},
                              {"responsible_agency_id", ngo_id}, {"due_on", "2020-05-31"}});
  EXPECT_EQ(wrong_case.status, 422);
  EXPECT_TRUE(hasField(wrong_case, "victim_case")) << wrong_case.body;
  // Shared with the centre (the person consented to it), the measure is accepted and takes the
  // plan's case.
  ASSERT_EQ(police.call("POST", case_url + "/grants", {{"agency_id", centre_id}, {"reason", "Peşə kursu"}}).status, 201);
  const int64_t course = created(ngo.call("POST", R + "rehabilitation_measure", for_centre), "measure for the centre");
  const Json course_rec = ngo.call("GET", R + "rehabilitation_measure/" + std::to_string(course)).json();
  EXPECT_EQ(course_rec["data"]["victim_case"], vcase);
  EXPECT_EQ(course_rec["state"], "planned");
  const int64_t legal = created(ngo.call("POST", R + "rehabilitation_measure",
                                         {{"plan", plan}, {"kind", "legal"}, {"title", "Hüquqi məsləhət"},
                                          {"responsible_agency_id", ngo_id}, {"due_on", "2020-04-15"}}),
                                "measure for the NGO");

  // Past its day and not done: a task for the responsible agency's users only.
  EXPECT_TRUE(hasTask(centre, "rehabilitation_measure_due", course));
  EXPECT_FALSE(hasTask(ngo, "rehabilitation_measure_due", course));
  EXPECT_TRUE(hasTask(ngo, "rehabilitation_measure_due", legal));
  EXPECT_FALSE(hasTask(centre, "rehabilitation_measure_due", legal));
  EXPECT_FALSE(hasTask(police, "rehabilitation_measure_due", course));  // national, but not the agency
  // The centre reads the plan and its measures through the case; an agency it is not shared with
  // reads none of them.
  EXPECT_EQ(centre.call("GET", R + "rehabilitation_plan/" + std::to_string(plan)).status, 200);
  EXPECT_EQ(centre.call("GET", R + "rehabilitation_measure/" + std::to_string(legal)).status, 200);
  EXPECT_EQ(other.call("GET", R + "rehabilitation_plan/" + std::to_string(plan)).status, 404);
  EXPECT_EQ(other.call("GET", R + "rehabilitation_measure/" + std::to_string(course)).status, 404);
  EXPECT_FALSE(hasTask(other, "rehabilitation_measure_due", course));

  // The centre carries the measure out: the service is recorded against it, then it is done.
  const int64_t service = created(centre.call("POST", R + "service",
                                              {{"victim_case", vcase}, {"rehabilitation_measure", course},
                                               {"kind", "vocational_course"}, {"given_on", "2020-05-20"}}),
                                  "service");
  EXPECT_GT(service, 0);
  EXPECT_EQ(step(centre, "rehabilitation_measure", course, "complete", Json::object()).status, 422);  // done_on
  ASSERT_EQ(step(centre, "rehabilitation_measure", course, "complete", {{"done_on", "2020-05-25"}}).status, 200);
  EXPECT_FALSE(hasTask(centre, "rehabilitation_measure_due", course));
  // A service of another case cannot carry out this plan's measure.
  const int64_t person2 = created(police.call("POST", R + "person", {{"last_name", "Əliyev"}, {"sex", "male"}}), "person 2");
  const int64_t case2 = created(police.call("POST", R + "victim_case", {{"person", person2}, {"registered_on", "2020-02-10"}}),
                                "case 2");
  auto crossed = police.call("POST", R + "service", {{"victim_case", case2}, {"rehabilitation_measure", legal},
                                                     {"kind", "legal"}, {"given_on", "2020-04-01"}});
  EXPECT_EQ(crossed.status, 422);
  EXPECT_TRUE(hasField(crossed, "rehabilitation_measure")) << crossed.body;

  // Closing the plan needs the day and the reason.
  auto no_reason = step(ngo, "rehabilitation_plan", plan, "close", {{"closed_on", "2020-12-01"}});
  EXPECT_EQ(no_reason.status, 422);
  EXPECT_TRUE(hasField(no_reason, "closure_reason")) << no_reason.body;
  ASSERT_EQ(step(ngo, "rehabilitation_plan", plan, "close", {{"closed_on", "2020-12-01"}, {"closure_reason", "goals_achieved"}})
                .status,
            200);
  EXPECT_FALSE(hasTask(ngo, "rehabilitation_plan_review", plan));
  // Hostile list parameters: a limit that is not wholly a number, one beyond any integer, an
  // unknown operator, broken percent-encoding: each refused naming itself.
  for (const auto& [query, field] : std::vector<std::pair<std::string, std::string>>{
           {"limit=12abc", "limit"}, {"limit=99999999999", "limit"}, {"due_on[zz]=1", "due_on"}, {"%ZZ=1", "query"}}) {
    auto r = ngo.call("GET", R + "rehabilitation_measure?" + query);
    EXPECT_EQ(r.status, 422) << query << ": " << r.body;
    EXPECT_TRUE(hasField(r, field)) << query << ": " << r.body;
  }
  EXPECT_EQ(ngo.call("GET", R + "rehabilitation_measure?limit=2&sort=-due_on&due_on[gte]=2020-01-01").status, 200);
  // Hostile input: an agency id that is not a number, or absurd.
  for (const Json& bad : {Json("1; DROP TABLE records"), Json(-1), Json(1e300), Json::array({ngo_id})}) {
    auto r = ngo.call("POST", R + "rehabilitation_measure",
                      {{"plan", plan}, {"kind", "legal"}, {"title", "X"}, {"responsible_agency_id", bad}, {"due_on", "2021-01-01"}});
    EXPECT_EQ(r.status, 422) << bad.dump() << ": " << r.body;
    EXPECT_TRUE(hasField(r, "responsible_agency_id")) << r.body;
  }
}

TEST(Rehabilitation, AForeignersResidenceDecisionIsDueWithinThirtyDaysOfTheApplication) {
  DemoServer s("palermo-stay", false);
  Client police = s.user("sp", "police_investigator", s.agency("Baş idarə", "special_police"));
  const int64_t person = created(police.call("POST", R + "person", {{"last_name", "Karimova"}, {"sex", "female"}, {"citizenship", "UZ"}}),
                                 "person");
  const int64_t vcase = created(police.call("POST", R + "victim_case",
                                            {{"person", person},
                                             {"registered_on", "2020-02-03"},
                                             {"protection_measures", {"interpreter", "no_removal"}},
                                             {"removal_suspended_until", "2020-03-04"},
                                             {"residence_permit_applied_on", "2020-02-05"}}),
                                "case");
  EXPECT_TRUE(hasTask(police, "residence_permit_decision", vcase));
  // A decided-on day needs the decision.
  auto half = police.call("PATCH", R + "victim_case/" + std::to_string(vcase), {{"residence_permit_decided_on", "2020-02-20"}},
                          {{"If-Match", version(police, "victim_case", vcase)}});
  EXPECT_EQ(half.status, 422);
  EXPECT_TRUE(hasField(half, "residence_permit_decision")) << half.body;
  ASSERT_EQ(police.call("PATCH", R + "victim_case/" + std::to_string(vcase),
                        {{"residence_permit_decided_on", "2020-02-20"}, {"residence_permit_decision", "granted"},
                         {"residence_permit_granted_on", "2020-02-20"}},
                        {{"If-Match", version(police, "victim_case", vcase)}})
                .status,
            200);
  EXPECT_FALSE(hasTask(police, "residence_permit_decision", vcase));
}

TEST(Rehabilitation, LegalEntitiesAndOfficialsAreParties) {
  DemoServer s("palermo-parties", false);
  Client police = s.user("sp", "police_investigator", s.agency("Baş idarə", "special_police"));
  Client inspector = s.user("li", "labour_inspector", s.agency("Əmək müfəttişliyi", "inspectorate"));
  const int64_t ccase = created(police.call("POST", R + "criminal_case",
                                            {{"case_number", "CI-2020/001"}, {"registered_on", "2020-03-01"},
                                             {"main_article", "art_144_2"}, {"crimes_count", 1}}),
                                "criminal case");
  // In no case: refused, naming it.
  auto nowhere = police.call("POST", R + "legal_entity_party", {{"name", "\"Tikinti\" MMC"}, {"role", "employer"}});
  EXPECT_EQ(nowhere.status, 422);
  EXPECT_TRUE(hasField(nowhere, "criminal_case")) << nowhere.body;
  // The registration number is ten digits; a fine needs its amount; sanctions need their day.
  auto bad = police.call("POST", R + "legal_entity_party",
                         {{"criminal_case", ccase}, {"name", "\"Tikinti\" MMC"}, {"role", "employer"},
                          {"registration_number", "12345"}, {"sanctions", {"fine"}}});
  EXPECT_EQ(bad.status, 422);
  for (const char* f : {"registration_number", "fine_amount", "sanctioned_on"}) EXPECT_TRUE(hasField(bad, f)) << f << bad.body;
  const int64_t company = created(police.call("POST", R + "legal_entity_party",
                                              {{"criminal_case", ccase}, {"name", "\"Tikinti\" MMC"}, {"role", "employer"},
                                               {"registration_number", "1400123456"}, {"sector", "construction"},
                                               {"sanctions", {"fine", "licence_withdrawn"}}, {"sanctioned_on", "2020-10-01"},
                                               {"fine_amount", 2000000}}),
                                  "legal entity");
  EXPECT_GT(company, 0);
  // The employer of an administrative case is on the inspection: a fine, and other sanctions
  // with their day. The region-scoped inspector never reaches the criminal case's parties.
  const Json inspection = {{"inspected_on", "2020-04-01"}, {"region", "baku"}, {"site_kind", "construction_site"},
                           {"sector", "construction"}, {"other_sanctions", {"activity_suspended"}}};
  auto no_day = inspector.call("POST", R + "labour_inspection", inspection);
  EXPECT_EQ(no_day.status, 422);
  EXPECT_TRUE(hasField(no_day, "other_sanctions_on")) << no_day.body;
  created(inspector.call("POST", R + "labour_inspection",
                         [&] {
                           Json i = inspection;
                           i["other_sanctions_on"] = "2020-04-10";
                           return i;
                         }()),
          "inspection");
  EXPECT_EQ(inspector.call("GET", R + "legal_entity_party/" + std::to_string(company)).status, 404);
  EXPECT_EQ(inspector.call("GET", R + "legal_entity_party").status, 404);
  // An official among the accused states the position.
  const Json accused = {{"criminal_case", ccase}, {"sex", "male"}, {"procedural_status", "accused"},
                        {"charged_on", "2020-05-01"}, {"is_official", true}};
  auto no_position = police.call("POST", R + "accused", accused);
  EXPECT_EQ(no_position.status, 422);
  EXPECT_TRUE(hasField(no_position, "official_position")) << no_position.body;
  created(police.call("POST", R + "accused",
                      [&] {
                        Json a = accused;
                        a["official_position"] = "Miqrasiya xidmətinin inspektoru";
                        return a;
                      }()),
          "official");
}

TEST(Rehabilitation, AnInternationalRequestIsAnsweredWithItsFiguresFrozen) {
  DemoServer s("palermo-intl", false);
  Client office = s.user("nc", "coordinator", s.agency("Milli Koordinatorun aparatı", "coordinator"));
  const int64_t ministry = s.agency("Ailə Komitəsi", "ministry");
  const int64_t other_body = s.agency("Təhsil Nazirliyi", "education");
  Client focal = s.user("fp", "focal_point", ministry);
  Client other = s.user("fp2", "focal_point", other_body);

  const int64_t request = created(office.call("POST", R + "international_request",
                                              {{"body", "un_special_rapporteur"}, {"title", "Sorğu vərəqəsi"},
                                               {"received_on", "2021-01-18"}, {"deadline", "2021-03-31"}}),
                                  "request");
  EXPECT_TRUE(hasTask(office, "international_answer_due", request));
  const int64_t contribution = created(office.call("POST", R + "request_contribution",
                                                   {{"request", request}, {"contributing_agency_id", ministry},
                                                    {"body_name", "Ailə Komitəsi"}, {"asked_on", "2021-01-20"},
                                                    {"due_on", "2021-02-26"}, {"questions", "Erkən nikah."}}),
                                       "contribution");
  ASSERT_EQ(office.call("POST", R + "request_contribution/" + std::to_string(contribution) + "/grants",
                        {{"agency_id", ministry}, {"reason", "Töhfə"}})
                .status,
            201);
  // Overdue: the body's task, not another body's; the body reads the request it belongs to.
  EXPECT_TRUE(hasTask(focal, "contribution_due", contribution));
  EXPECT_FALSE(hasTask(other, "contribution_due", contribution));
  EXPECT_FALSE(hasTask(office, "contribution_due", contribution));
  EXPECT_EQ(focal.call("GET", R + "international_request/" + std::to_string(request)).status, 200);
  EXPECT_EQ(other.call("GET", R + "request_contribution/" + std::to_string(contribution)).status, 404);
  auto empty = step(focal, "request_contribution", contribution, "submit", Json::object());
  EXPECT_EQ(empty.status, 422);
  EXPECT_TRUE(hasField(empty, "contribution")) << empty.body;
  ASSERT_EQ(step(focal, "request_contribution", contribution, "submit",
                 {{"contribution", "Erkən nikahın qarşısının alınması üzrə tədbirlər."}, {"submitted_on", "2021-02-24"}})
                .status,
            200);
  EXPECT_FALSE(hasTask(focal, "contribution_due", contribution));
  ASSERT_EQ(step(office, "request_contribution", contribution, "accept", Json::object()).status, 200);

  // The answer: a wrong figure names itself and nothing is written.
  const std::string answer_url = "/api/v1/international-requests/" + std::to_string(request) + "/answer";
  const Json figures_bad = {{{"indicator", "victims_identified"}, {"period", "2020"}},
                            {{"indicator", "no_such_indicator"}, {"period", "2020"}},
                            {{"indicator", "victims_identified"}, {"period", "20x0"}}};
  auto bad = office.call("POST", answer_url,
                         {{"answered_on", "2021-03-26"}, {"answer_text", "Cavab."}, {"figures", figures_bad}});
  EXPECT_EQ(bad.status, 422) << bad.body;
  EXPECT_TRUE(hasField(bad, "figures[1].indicator")) << bad.body;
  EXPECT_TRUE(hasField(bad, "figures[2].period")) << bad.body;
  EXPECT_EQ(office.call("GET", R + "international_request/" + std::to_string(request)).json()["state"], "received");
  EXPECT_EQ(office.call("GET", R + "quoted_figure").json()["items"].size(), 0U);
  // Hostile bodies: not a list, too many, nested nonsense.
  EXPECT_EQ(office.call("POST", answer_url, {{"figures", "victims_identified"}}).status, 422);
  EXPECT_EQ(office.call("POST", answer_url, {{"figures", Json::array({Json::array({1, 2})})}}).status, 422);
  Json many = Json::array();
  for (int i = 0; i < 101; ++i) many.push_back({{"indicator", "victims_identified"}, {"period", "2020"}});
  EXPECT_EQ(office.call("POST", answer_url, {{"figures", many}}).status, 422);
  // Only who may answer: the body's focal point may not, nor reach another's request.
  EXPECT_EQ(focal.call("POST", answer_url, {{"answered_on", "2021-03-26"}, {"answer_text", "X"}}).status, 403);
  EXPECT_EQ(other.call("POST", answer_url, {{"answered_on", "2021-03-26"}, {"answer_text", "X"}}).status, 404);
  // Missing text: the transition names it.
  // The request's version is required, as for any transition.
  EXPECT_EQ(office.call("POST", answer_url, {{"answered_on", "2021-03-26"}, {"answer_text", "X"}}).status, 428);
  auto ifMatch = [&] { return std::vector<std::pair<std::string, std::string>>{{"If-Match", version(office, "international_request", request)}}; };
  auto no_text = office.call("POST", answer_url, {{"answered_on", "2021-03-26"}}, ifMatch());
  EXPECT_EQ(no_text.status, 422);
  EXPECT_TRUE(hasField(no_text, "answer_text")) << no_text.body;

  auto sent = office.call("POST", answer_url,
                          {{"answered_on", "2021-03-26"},
                           {"answer_text", "2020-ci ildə qurbanlar müəyyən edilib."},
                           {"figures", {{{"indicator", "victims_identified"}, {"period", "2020"}},
                                        {{"indicator", "minor_victims_identified"}, {"period", "2005..2020"}}}}},
                          ifMatch());
  ASSERT_EQ(sent.status, 200) << sent.body;
  EXPECT_EQ(sent.json()["state"], "answered");
  ASSERT_EQ(sent.json()["quoted_figures"].size(), 2U);
  EXPECT_FALSE(hasTask(office, "international_answer_due", request));
  const Json quoted = office.call("GET", R + "quoted_figure").json();
  ASSERT_EQ(quoted["items"].size(), 2U) << quoted.dump();
  const int64_t q = quoted["items"][0]["id"];
  const Json one = office.call("GET", R + "quoted_figure/" + std::to_string(q)).json();
  EXPECT_EQ(one["data"]["indicator_version"], 1);
  EXPECT_EQ(one["data"]["edition"], "restricted");
  EXPECT_TRUE(one["data"].contains("definition")) << one.dump();
  // Frozen: nobody writes a quoted figure by the records API.
  EXPECT_EQ(office.call("POST", R + "quoted_figure",
                        {{"request", request}, {"indicator", "victims_identified"}, {"indicator_version", 1},
                         {"period", "2020"}, {"value", 999}, {"computed_at", "2021-03-26T09:00:00Z"}})
                .status,
            403);
  EXPECT_EQ(office.call("PATCH", R + "quoted_figure/" + std::to_string(q), {{"value", 999}},
                        {{"If-Match", version(office, "quoted_figure", q)}})
                .status,
            403);
  // The contributing body reads the answer's figures through its contribution's request? No:
  // the grant reaches the contribution and the request, not the figures two links away.
  EXPECT_EQ(focal.call("GET", R + "quoted_figure/" + std::to_string(q)).status, 404);
  // Answering twice is refused (the request is answered).
  EXPECT_EQ(office.call("POST", answer_url, {{"answered_on", "2021-03-27"}, {"answer_text", "Y"}}, ifMatch()).status, 409);
}

}  // namespace
