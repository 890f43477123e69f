// Counting persons once over the HTTP API of a real server with the national demo dataset
// (docs/linkage.md): a hotline operator types a name as heard and is told the person is known
// (without seeing another agency's record or any name in the answer); the coordinator, who never
// sees identities, may not search; bad input names its field; the special police see the review
// queue and decide a pair, and the person's registrations follow; searches are audited without
// what was typed.
#include <gtest/gtest.h>

#include "harness.hpp"
#include "linkage/normalize.hpp"

using namespace palermo::test;
using palermo::Json;

namespace {

TEST(Linkage, HotlineIntakeFindsAKnownPersonAndThePoliceDecideTheReviewQueue) {
  DemoServer demo("palermo-linkage");
  Client& admin = demo.admin;
  Client police = demo.user("police", "police_investigator", demo.agency("Xüsusi polis (test)", "special_police"));
  Client hotline = demo.user("hotline", "hotline_operator", demo.agency("Qaynar xətt 152 (test)", "hotline"));
  Client coordinator = demo.user("coordinator", "coordinator", demo.agency("Koordinator (test)", "coordinator"));

  // A person the police registered (the demo's Q-2019-006), read with its identity.
  auto list = police.call("GET", "/api/v1/records/person?pseudonym=Q-2019-006");
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.json()["items"].size(), 1U) << list.body;
  const int64_t known = list.json()["items"][0]["id"];
  auto rec = police.call("GET", "/api/v1/records/person/" + std::to_string(known));
  ASSERT_EQ(rec.status, 200) << rec.body;
  const Json data = rec.json()["data"];
  const std::string first = data["first_name"], last = data["last_name"];
  const std::string birth = data.value("birth", "");

  // The hotline operator types the name as heard (no Azerbaijani letters) and the year.
  const std::string heard = palermo::linkage::foldName(first + " " + last);
  auto found = hotline.call("POST", "/api/v1/linkage/search", {{"full_name", heard}, {"birth", birth.substr(0, 4)}});
  ASSERT_EQ(found.status, 200) << found.body;
  const Json c = found.json()["candidates"];
  ASSERT_FALSE(c.empty()) << found.body;
  const int64_t person = c[0]["person_id"];
  auto persons = police.call("GET", "/api/v1/linkage/persons/" + std::to_string(known));
  ASSERT_EQ(persons.status, 200) << persons.body;
  EXPECT_EQ(persons.json()["person_id"], person);
  EXPECT_GE(c[0]["probability"].get<double>(), 0.3);
  EXPECT_FALSE(c[0]["agreements"].empty());
  // The police's records are not the hotline's to open: counted, not shown.
  EXPECT_GE(c[0]["hidden_registrations"].get<int>(), 1) << found.body;
  for (const auto& r : c[0]["registrations"]) EXPECT_TRUE(r["visible"].get<bool>());
  // No name travels back.
  EXPECT_EQ(found.body.find(palermo::linkage::foldName(last)), std::string::npos) << found.body;
  EXPECT_EQ(found.body.find(last), std::string::npos) << found.body;
  // Typing on: the next search is a matter of microseconds (the server reports the match time).
  auto again = hotline.call("POST", "/api/v1/linkage/search", {{"full_name", heard}, {"birth", birth}});
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_LT(again.json()["took_ms"].get<double>(), 20.0);

  // The coordinator never sees identities: searching by name is not theirs.
  EXPECT_EQ(coordinator.call("POST", "/api/v1/linkage/search", {{"full_name", heard}}).status, 403);
  // Bad input names the field and the rule.
  auto empty = hotline.call("POST", "/api/v1/linkage/search", Json::object());
  EXPECT_EQ(empty.status, 422);
  EXPECT_NE(empty.body.find("\"last_name\""), std::string::npos) << empty.body;
  auto bad_birth = hotline.call("POST", "/api/v1/linkage/search", {{"last_name", "Test"}, {"birth", "soon"}});
  EXPECT_EQ(bad_birth.status, 422);
  EXPECT_NE(bad_birth.body.find("\"birth\""), std::string::npos) << bad_birth.body;

  // The 2019 figure still counts 91 persons with the person links in force.
  auto fig = coordinator.call("GET", "/api/v1/statistics/indicators/victims_identified?period=2019&lang=en&edition=restricted");
  ASSERT_EQ(fig.status, 200) << fig.body;
  EXPECT_EQ(fig.json()["value"], 91);

  // The review queue is the special police's; a decision joins two persons.
  EXPECT_EQ(hotline.call("GET", "/api/v1/linkage/review").status, 403);
  auto queue = police.call("GET", "/api/v1/linkage/review?limit=20");
  ASSERT_EQ(queue.status, 200) << queue.body;
  ASSERT_FALSE(queue.json()["items"].empty()) << queue.body;
  const Json item = queue.json()["items"][0];
  EXPECT_NE(item["first_person"], item["second_person"]);
  EXPECT_FALSE(item["explanation"].empty());
  const int64_t a = item["first"]["id"], b = item["second"]["id"];
  auto decided = police.call("POST", "/api/v1/records/link_decision",
                             {{"first_record", a}, {"second_record", b}, {"decision", "same"}, {"note", "same passport"}});
  ASSERT_EQ(decided.status, 201) << decided.body;
  auto joined = police.call("GET", "/api/v1/linkage/persons/" + std::to_string(b));
  ASSERT_EQ(joined.status, 200) << joined.body;
  EXPECT_EQ(joined.json()["person_id"], item["first_person"]) << joined.body;
  EXPECT_EQ(joined.json()["method"], "review");
  // A decided pair leaves the queue.
  const Json after = police.call("GET", "/api/v1/linkage/review?limit=500").json();  // kept: the loop reads into it
  for (const auto& i : after["items"]) EXPECT_FALSE(i["first"]["id"] == a && i["second"]["id"] == b);
  // A decision on a registration that does not exist is refused at the field.
  auto wrong = police.call("POST", "/api/v1/records/link_decision", {{"first_record", a}, {"decision", "same"}});
  EXPECT_EQ(wrong.status, 422);
  EXPECT_NE(wrong.body.find("second_record"), std::string::npos) << wrong.body;

  // Searches are in the audit log; what was typed is not.
  auto audit = admin.call("GET", "/api/v1/audit?action=linkage.search");
  ASSERT_EQ(audit.status, 200) << audit.body;
  EXPECT_GE(audit.json()["items"].size(), 1U);
  EXPECT_EQ(audit.body.find(palermo::linkage::foldName(last)), std::string::npos);

}

}  // namespace
