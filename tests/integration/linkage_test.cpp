// Counting persons once over the HTTP API of a real server with the national demo dataset
// (docs/linkage.md): the police type a name as heard and find the person they registered; a
// hotline operator who may open none of its registrations is told only that persons are known
// elsewhere (a count); the coordinator, who never
// sees identities, may not search; bad input names its field; the special police see the review
// queue and decide a pair, and the person's registrations follow; searches are audited with a
// keyed hash of what was typed, never the text; a user's searches are bounded per hour.
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

  // The police, who registered the person, type the name as heard (no Azerbaijani letters) and
  // the year: the person comes back with the registration, how sure, and which fields agreed.
  const std::string heard = palermo::linkage::foldName(first + " " + last);
  auto found = police.call("POST", "/api/v1/linkage/search", {{"full_name", heard}, {"birth", birth.substr(0, 4)}});
  ASSERT_EQ(found.status, 200) << found.body;
  const Json c = found.json()["candidates"];
  ASSERT_FALSE(c.empty()) << found.body;
  const int64_t person = c[0]["person_id"];
  auto persons = police.call("GET", "/api/v1/linkage/persons/" + std::to_string(known));
  ASSERT_EQ(persons.status, 200) << persons.body;
  EXPECT_EQ(persons.json()["person_id"], person);
  EXPECT_GE(c[0]["probability"].get<double>(), 0.3);
  EXPECT_FALSE(c[0]["agreements"].empty());
  for (const auto& r : c[0]["registrations"]) EXPECT_TRUE(r["visible"].get<bool>());
  // No name travels back.
  EXPECT_EQ(found.body.find(palermo::linkage::foldName(last)), std::string::npos) << found.body;
  EXPECT_EQ(found.body.find(last), std::string::npos) << found.body;

  // The hotline operator, who may open none of that person's registrations, is told only how many
  // persons of the search are known elsewhere: no probability, no fields, no ids (issue 25).
  auto elsewhere = hotline.call("POST", "/api/v1/linkage/search", {{"full_name", heard}, {"birth", birth.substr(0, 4)}});
  ASSERT_EQ(elsewhere.status, 200) << elsewhere.body;
  const Json others = elsewhere.json()["candidates"];  // kept: the loop reads into it
  for (const auto& cand : others) EXPECT_NE(cand["person_id"], person) << elsewhere.body;
  EXPECT_GE(elsewhere.json()["known_elsewhere"].get<int>(), 1) << elsewhere.body;
  EXPECT_EQ(elsewhere.body.find("probability\":0.9"), std::string::npos) << elsewhere.body;
  // Typing on: the next search is a matter of microseconds (the server reports the match time).
  auto again = police.call("POST", "/api/v1/linkage/search", {{"full_name", heard}, {"birth", birth}});
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

  // Searches are in the audit log; what was typed is not, only its keyed hash, which the same
  // terms typed again on the command line (with the keys) find: who searched for this person.
  auto audit = admin.call("GET", "/api/v1/audit?action=linkage.search");
  ASSERT_EQ(audit.status, 200) << audit.body;
  EXPECT_GE(audit.json()["items"].size(), 1U);
  EXPECT_EQ(audit.body.find(palermo::linkage::foldName(last)), std::string::npos);
  EXPECT_NE(audit.body.find("query_hash"), std::string::npos) << audit.body;
  auto [qcode, qout] = runCli("audit linkage-query --data-dir " + demo.dir.string() + " --full-name '" + heard +
                              "' --birth " + birth.substr(0, 4));
  EXPECT_EQ(qcode, 0) << qout;
  EXPECT_NE(qout.find("2 search(es) with these terms"), std::string::npos) << qout;  // the police's and the hotline's
  EXPECT_NE(qout.find("user " + std::to_string(hotline.id)), std::string::npos) << qout;
  auto [ncode, nout] = runCli("audit linkage-query --data-dir " + demo.dir.string() + " --full-name 'Nobody Searched'");
  EXPECT_NE(nout.find("0 search(es) with these terms"), std::string::npos) << nout;

}

// One user's searches are bounded per hour (enumerating names or document numbers takes
// thousands); the bound is per user, the answer names it, and other users go on.
TEST(Linkage, SearchesPerUserAreBoundedPerHour) {
  DemoServer demo("palermo-linkage-bound", false);
  demo.server->stop();
  demo.server->start({"--set", std::string("schema.dir=") + PALERMO_SOURCE_DIR + "/schema", "--set",
                      std::string("rules.dir=") + PALERMO_SOURCE_DIR + "/rules", "--set",
                      "security.linkage_searches_per_hour=3"});
  const int64_t hotline_agency = demo.agency("Qaynar xətt (bound)", "hotline");
  Client one = demo.user("op1", "hotline_operator", hotline_agency);
  Client two = demo.user("op2", "hotline_operator", hotline_agency);
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(one.call("POST", "/api/v1/linkage/search", {{"last_name", "Sınaq" + std::to_string(i)}}).status, 200);
  auto over = one.call("POST", "/api/v1/linkage/search", {{"last_name", "Sınaq"}});
  EXPECT_EQ(over.status, 429) << over.body;
  EXPECT_EQ(over.json()["code"], "linkage.throttled");
  EXPECT_NE(over.json()["detail"].get<std::string>().find("at most 3"), std::string::npos) << over.body;
  EXPECT_EQ(over.header("retry-after"), "3600");
  EXPECT_EQ(two.call("POST", "/api/v1/linkage/search", {{"last_name", "Sınaq"}}).status, 200);
}

}  // namespace
