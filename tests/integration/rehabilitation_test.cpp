// Issue 31 over the HTTP API with the product schema (docs/victims-path.md, docs/security.md): an
// individual rehabilitation plan drawn up by the NGO working a case, approved only with consent;
// measures for the agencies the case is shared with (an agency that cannot read the case is
// refused, naming why); the measure's case taken from its plan; an overdue measure a task for its
// responsible agency only; a service recorded against a measure of its own case only; the presumed
// victim's 30-day protection period and a foreigner's residence decision as deadlines; legal
// entities and officials in criminal cases, an employer's sanctions in an administrative one.
#include <gtest/gtest.h>

#include "harness.hpp"

using namespace palermo::test;
using palermo::Json;

namespace {

const std::string R = "/api/v1/records/";

bool hasField(const HttpResult& r, const std::string& field) {
  return r.body.find("\"field\":\"" + field + "\"") != std::string::npos;
}

bool hasTask(const Client& c, const std::string& deadline, int64_t id) {
  const Json tasks = c.call("GET", "/api/v1/tasks").json();  // kept: the loop reads into it
  for (const auto& g : tasks["groups"])
    if (g["deadline"] == deadline)
      for (const auto& item : g["items"])
        if (item["id"] == id) return true;
  return false;
}

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
  const Json inspection = {{"inspected_on", "2020-04-01"}, {"region", "Bakı"}, {"site_kind", "construction_site"},
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

}  // namespace
