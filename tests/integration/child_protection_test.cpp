// Child protection over the HTTP API with the product schema (C1, C2; docs/child-protection.md):
// a raid from the street to the commission's decision — the police juvenile officer records the
// raid and the children, refers one to the special police (which opens a signal in the same
// write, or links the one already registered), sends materials to the commission, whose
// secretary in the region decides them; the secretary of another region sees nothing. And a DOST
// worker's monitoring visit: planned, overdue on the task list, recorded. What each role may not
// do is refused, and a referral that fails leaves nothing behind.
#include <gtest/gtest.h>

#include "harness.hpp"

using namespace palermo::test;
using palermo::Json;

namespace {

const std::string R = "/api/v1/records/";

int64_t total(const Client& c, const std::string& url) {
  auto r = c.call("GET", url);
  EXPECT_EQ(r.status, 200) << url << ": " << r.body;
  return static_cast<int64_t>(r.json()["items"].size());
}

TEST(ChildProtection, RaidFromTheStreetToTheCommissionsDecision) {
  DemoServer s("palermo-cp", false);
  Client officer = s.user("juv", "police_juvenile_officer", s.agency("Nəsimi RPİ yetkinlik yaşına çatmayanlar", "police"));
  Client secretary =
      s.user("katib", "juvenile_commission_secretary", s.agency("Nəsimi RİH komissiyası", "local_authority"));
  Client far_secretary =
      s.user("katib2", "juvenile_commission_secretary", s.agency("Gəncə komissiyası", "local_authority", "ganja"));
  Client police = s.user("inv", "police_investigator", s.agency("Xüsusi polis", "special_police"));

  // The raid and two children found in it (each a person: identity sealed on the person record).
  const int64_t raid = created(officer.call("POST", R + "raid",
                                            {{"raid_on", "2019-05-14"}, {"region", "baku"}, {"place_type", "market"},
                                             {"place", "Təzə bazar"}, {"lead_agency_type", "police"},
                                             {"agencies_taking_part", {"police", "child_protection"}}}),
                               "raid");
  auto child = [&](const std::string& first, const std::string& activity) {
    const int64_t person = created(officer.call("POST", R + "person",
                                                {{"first_name", first}, {"last_name", "Quliyev"}, {"sex", "male"},
                                                 {"birth", "2008-03-02"}, {"citizenship", "AZ"}}),
                                   "person");
    return created(officer.call("POST", R + "child_found",
                                {{"raid", raid}, {"found_on", "2019-05-14"}, {"person", person}, {"activity", activity},
                                 {"accompanied_by", "parent"}, {"parents_measures", {"interview"}}}),
                   "child_found");
  };
  const int64_t begging = child("Murad", "begging");
  const int64_t working = child("Kənan", "working");
  auto no_person = officer.call("POST", R + "child_found", {{"raid", raid}, {"found_on", "2019-05-14"}});
  EXPECT_EQ(no_person.status, 422);  // the child is a person: the answer names person and activity
  EXPECT_NE(no_person.body.find("\"field\":\"person\""), std::string::npos) << no_person.body;

  // A referral that fails (someone changed the record meanwhile) leaves no signal behind.
  const int64_t signals_before = total(police, R + "signal");
  auto stale = officer.call("POST", R + "child_found/" + std::to_string(begging) + "/transitions/refer_to_police",
                            {{"referred_at", "2019-05-14T12:00:00Z"}}, {{"If-Match", "99"}});
  EXPECT_EQ(stale.status, 412) << stale.body;
  EXPECT_EQ(total(police, R + "signal"), signals_before);
  auto no_time = officer.call("POST", R + "child_found/" + std::to_string(begging) + "/transitions/refer_to_police",
                              Json::object(), {{"If-Match", version(officer, "child_found", begging)}});
  EXPECT_EQ(no_time.status, 422) << no_time.body;
  EXPECT_NE(no_time.body.find("referred_at"), std::string::npos);

  // Referred to the special police as a possible victim: the signal is opened and linked.
  auto referred = officer.call("POST", R + "child_found/" + std::to_string(begging) + "/transitions/refer_to_police",
                               {{"referred_at", "2019-05-14T12:00:00Z"}},
                               {{"If-Match", version(officer, "child_found", begging)}});
  ASSERT_EQ(referred.status, 200) << referred.body;
  EXPECT_EQ(referred.json()["state"], "referred_to_police");
  ASSERT_TRUE(referred.json()["data"].contains("signal")) << referred.body;
  const int64_t signal = referred.json()["data"]["signal"];
  EXPECT_EQ(total(police, R + "signal"), signals_before + 1);
  auto sig = police.call("GET", R + "signal/" + std::to_string(signal));
  ASSERT_EQ(sig.status, 200) << sig.body;
  EXPECT_EQ(sig.json()["data"]["source"], "child_labour_raid");
  EXPECT_EQ(sig.json()["data"]["is_child"], true);
  EXPECT_EQ(sig.json()["data"]["received_at"], "2019-05-14T12:00:00Z");
  EXPECT_EQ(sig.json()["data"]["person"], referred.json()["data"]["person"]);  // the same person
  EXPECT_EQ(sig.json()["state"], "registered");
  EXPECT_TRUE(hasTask(police, "refer_within_24h", signal));  // on the special police's list
  // The juvenile officer opened it but does not read the victim's path (types a role has no
  // permission on are not there for it: 404).
  EXPECT_EQ(officer.call("GET", R + "signal/" + std::to_string(signal)).status, 404);
  EXPECT_EQ(officer.call("GET", R + "victim_case").status, 404);

  // A signal registered before the referral is linked, not opened twice.
  const int64_t own_signal = created(officer.call("POST", R + "signal",
                                                  {{"received_at", "2019-05-14T11:00:00Z"},
                                                   {"source", "child_labour_raid"},
                                                   {"summary", "Uşaq bazarda işləyirdi"}}),
                                     "own signal");
  EXPECT_EQ(officer.call("PATCH", R + "child_found/" + std::to_string(working), {{"signal", own_signal}},
                         {{"If-Match", version(officer, "child_found", working)}})
                .status,
            200);
  auto linked = officer.call("POST", R + "child_found/" + std::to_string(working) + "/transitions/refer_to_police",
                             {{"referred_at", "2019-05-14T12:30:00Z"}},
                             {{"If-Match", version(officer, "child_found", working)}});
  ASSERT_EQ(linked.status, 200) << linked.body;
  EXPECT_EQ(linked.json()["data"]["signal"], own_signal);
  EXPECT_EQ(total(police, R + "signal"), signals_before + 2);

  // Materials to the commission: about the child and about a parent.
  const int64_t about_parent =
      created(officer.call("POST", R + "commission_material",
                           {{"child_found", begging}, {"subject", "parent"}, {"subject_name", "Rəşad Quliyev"},
                            {"sent_on", "2019-05-16"}, {"commission", "Nəsimi RİH komissiyası"}}),
              "material");
  created(officer.call("POST", R + "commission_material",
                       {{"child_found", begging}, {"subject", "child"}, {"sent_on", "2019-05-16"}}),
          "material about the child");
  // The commission's inbox: the region's materials waiting for a decision; not another region's.
  auto inbox = secretary.call("GET", R + "commission_material?state=sent");
  ASSERT_EQ(inbox.status, 200) << inbox.body;
  EXPECT_EQ(inbox.json()["items"].size(), 2U) << inbox.body;
  EXPECT_EQ(far_secretary.call("GET", R + "commission_material?state=sent").json()["items"].size(), 0U);
  EXPECT_EQ(far_secretary.call("GET", R + "commission_material/" + std::to_string(about_parent)).status, 404);
  // The secretary reads the parent's name (to hear the case) and decides; the officer may not.
  auto material = secretary.call("GET", R + "commission_material/" + std::to_string(about_parent));
  EXPECT_EQ(material.json()["data"]["subject_name"], "Rəşad Quliyev") << material.body;
  const std::string mv = version(secretary, "commission_material", about_parent);
  EXPECT_EQ(officer.call("POST", R + "commission_material/" + std::to_string(about_parent) + "/transitions/decide",
                         {{"decision", "warning"}, {"decided_on", "2019-05-28"}}, {{"If-Match", mv}})
                .status,
            403);
  auto undecided = secretary.call("POST", R + "commission_material/" + std::to_string(about_parent) + "/transitions/decide",
                                  {{"decided_on", "2019-05-28"}}, {{"If-Match", mv}});
  EXPECT_EQ(undecided.status, 422) << undecided.body;
  EXPECT_NE(undecided.body.find("decision"), std::string::npos);
  auto decided = secretary.call("POST", R + "commission_material/" + std::to_string(about_parent) + "/transitions/decide",
                                {{"decision", "administrative_fine"}, {"decided_on", "2019-05-28"}, {"fine_amount", 5000}},
                                {{"If-Match", mv}});
  ASSERT_EQ(decided.status, 200) << decided.body;
  EXPECT_EQ(decided.json()["state"], "decided");
  EXPECT_EQ(secretary.call("GET", R + "commission_material?state=sent").json()["items"].size(), 1U);
  // The secretary records no raids or children, and sees no victim's path.
  EXPECT_EQ(secretary.call("POST", R + "raid", {{"raid_on", "2019-05-20"}, {"place_type", "street"}}).status, 403);
  EXPECT_EQ(secretary.call("GET", R + "signal").status, 404);
}

TEST(ChildProtection, DostWorkerPlansAndRecordsAMonitoringVisit) {
  DemoServer s("palermo-cp-visit", false);
  Client dost = s.user("dost", "child_protection_officer", s.agency("Bakı 1 saylı DOST mərkəzi", "child_protection"));
  Client far = s.user("dost2", "child_protection_officer", s.agency("Gəncə DOST mərkəzi", "child_protection", "ganja"));
  const int64_t person = created(dost.call("POST", R + "person",
                                           {{"first_name", "Zəhra"}, {"last_name", "Məmmədova"}, {"sex", "female"},
                                            {"birth", "2012-09-01"}}),
                                 "person");
  const int64_t care = created(dost.call("POST", R + "care_child",
                                         {{"person", person}, {"care_kind", "guardianship"},
                                          {"family_name", "Hüseynovlar ailəsi"}, {"region", "baku"},
                                          {"monitoring_from", "2019-01-10"}, {"visit_every_days", 90}}),
                                 "care_child");
  const int64_t visit =
      created(dost.call("POST", R + "care_visit", {{"care_child", care}, {"planned_on", "2019-04-10"}}), "visit");
  // Planned for a past date and not done: overdue, on the centre's task list; not another region's.
  EXPECT_TRUE(hasTask(dost, "visit_due", visit));
  EXPECT_FALSE(hasTask(far, "visit_due", visit));
  EXPECT_EQ(far.call("GET", R + "care_child/" + std::to_string(care)).status, 404);
  const std::string v = version(dost, "care_visit", visit);
  auto concerns = dost.call("POST", R + "care_visit/" + std::to_string(visit) + "/transitions/complete",
                            {{"done_on", "2019-04-12"}, {"finding", "concerns_raised"}}, {{"If-Match", v}});
  EXPECT_EQ(concerns.status, 422) << concerns.body;  // concerns raised: say which
  EXPECT_NE(concerns.body.find("concerns"), std::string::npos);
  auto done = dost.call("POST", R + "care_visit/" + std::to_string(visit) + "/transitions/complete",
                        {{"done_on", "2019-04-12"}, {"finding", "needs_assistance"}, {"child_seen", true},
                         {"assistance_given", {"psychological"}}},
                        {{"If-Match", v}});
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(done.json()["state"], "done");
  EXPECT_FALSE(hasTask(dost, "visit_due", visit));
  // A region-scoped role in an agency with no region still reads what its agency wrote (the
  // browser test found this: an administrator may leave the region empty).
  Client lone = s.user("juv3", "police_juvenile_officer", s.agency("Regionsuz polis bölməsi", "police", ""));
  const int64_t raid =
      created(lone.call("POST", R + "raid", {{"raid_on", "2019-06-01"}, {"place_type", "street"}}), "raid");
  EXPECT_EQ(lone.call("GET", R + "raid/" + std::to_string(raid)).status, 200);
  EXPECT_EQ(dost.call("GET", R + "raid/" + std::to_string(raid)).status, 404);  // nor a region's
  // The family's name is identity: sealed, and read back only by a role with identity access.
  EXPECT_EQ(dost.call("GET", R + "care_child/" + std::to_string(care)).json()["data"]["family_name"],
            "Hüseynovlar ailəsi");
}

}  // namespace
