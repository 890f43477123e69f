// O1, L1, L2 and periodic returns over the HTTP API with the product schema
// (docs/monitoring-labour-migration.md, docs/returns.md): a monitoring item from finding to the
// block list (its address sealed, never in exports, the database or the log; no attachment
// possible); an inspection finding a minor, which opens a child-protection record; a deportation
// that a positive screening stops; a monthly return sent by an API token, refused when it breaks
// a rule, returned, corrected, approved and counted, with the periods still owed on the
// completeness board and the data manager's task list.
#include <gtest/gtest.h>

#include "harness.hpp"

using namespace palermo::test;
using palermo::Json;

namespace {

const std::string R = "/api/v1/records/";


const char* const kAddress = "https://vakansiya-qadin-xaric.example/elan/7731";

TEST(MonitoringLabourMigration, MonitoringItemFromFindingToTheBlockList) {
  DemoServer s("palermo-o1", false);
  Client officer = s.user("im", "internet_monitoring_officer", s.agency("İnternet monitorinqi şöbəsi", "special_police"));
  Client inspector = s.user("mf", "labour_inspector", s.agency("Əmək müfəttişliyi", "inspectorate"));

  // The form says what must never be stored, and the type takes no upload of any kind.
  const Json schema = s.admin.call("GET", "/api/v1/schema").json();
  bool seen = false;
  for (const auto& t : schema["types"])
    if (t["name"] == "monitoring_item") {
      seen = true;
      EXPECT_EQ(t["attachments"], "never");
      EXPECT_NE(t["notice"]["az"].get<std::string>().find("uşaqların cinsi istismarı"), std::string::npos);
      for (const auto& f : t["fields"]) EXPECT_NE(f["type"], "attachment") << f["name"];
    }
  EXPECT_TRUE(seen);
  for (const char* field : {"address", "content", "file", "attachment"}) {
    auto up = officer.call("POST", std::string("/api/v1/attachments/monitoring_item/") + field, Json::object());
    EXPECT_EQ(up.status, 422) << field << ": " << up.body;
    EXPECT_NE(up.body.find("is not an attachment field of monitoring_item"), std::string::npos) << up.body;
  }

  const Json item = {{"found_on", "2019-03-04"}, {"platform", "classifieds"}, {"address", kAddress},
                     {"category", "recruitment"}, {"found_by", "monitoring"},
                     {"content_hash", std::string(64, 'a')}};
  auto bad_hash = officer.call("POST", R + "monitoring_item", [&] { Json j = item; j["content_hash"] = "zz"; return j; }());
  EXPECT_EQ(bad_hash.status, 422);
  EXPECT_TRUE(hasField(bad_hash, "content_hash")) << bad_hash.body;
  const int64_t id = created(officer.call("POST", R + "monitoring_item", item), "item");
  EXPECT_EQ(step(officer, "monitoring_item", id, "confirm", Json::object()).status, 422);  // verified_on
  ASSERT_EQ(step(officer, "monitoring_item", id, "confirm", {{"verified_on", "2019-03-06"}}).status, 200);
  auto measures = officer.call("PATCH", R + "monitoring_item/" + std::to_string(id),
                               {{"measures", {"access_limitation_requested", "hosting_provider_notified"}},
                                {"limitation_requested_on", "2019-03-07"},
                                {"limitation_ordered_on", "2019-03-15"},
                                {"limitation_order", "RQ-2019/114"},
                                {"hosting_notified_on", "2019-03-08"}},
                               {{"If-Match", version(officer, "monitoring_item", id)}});
  ASSERT_EQ(measures.status, 200) << measures.body;

  // The block list: for a named recipient, the day's addresses in force.
  EXPECT_EQ(officer.call("GET", "/api/v1/block-list?date=2019-04-01").status, 422);  // no recipient
  EXPECT_EQ(officer.call("GET", "/api/v1/block-list?date=2019-04-01&recipient=A%0AB").status, 422);
  EXPECT_EQ(officer.call("GET", "/api/v1/block-list?date=2019-13-01&recipient=Provider").status, 422);
  EXPECT_EQ(inspector.call("GET", "/api/v1/block-list?recipient=Provider").status, 404);
  // Hostile input: invalid UTF-8, an oversized name, an impossible day, paths spelled otherwise.
  EXPECT_EQ(officer.call("GET", "/api/v1/block-list?date=2019-04-01&recipient=%FF%FE").status, 422);
  EXPECT_EQ(officer.call("GET", "/api/v1/block-list?date=2019-04-01&recipient=" + std::string(300, 'a')).status, 422);
  EXPECT_EQ(officer.call("GET", "/api/v1/block-list?date=2019-02-30&recipient=Provider").status, 422);
  for (const char* path : {"/api/v1/block-list%2F..%2F..%2Fetc%2Fpasswd?recipient=P", "/api/v1/returns/..%2F..%2Fetc/completeness",
                           "/api/v1/returns/monitoring_item/completeness", "/api/v1/plans/99999999999999999999/implementation-report"})
    EXPECT_NE(officer.call("GET", path).status, 200) << path;
  EXPECT_EQ(s.admin.call("GET", "/api/v1/returns/return_migration_monthly/completeness?from=99999999999999999999").status, 422);
  auto before = officer.call("GET", "/api/v1/block-list?date=2019-03-14&recipient=Provider");
  ASSERT_EQ(before.status, 200) << before.body;
  EXPECT_EQ(before.body.find(kAddress), std::string::npos);  // not ordered yet
  auto list = officer.call("GET", "/api/v1/block-list?date=2019-04-01&recipient=Az%C9%99rTelekom%20(demo)");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_NE(list.body.find(std::string(kAddress) + "\tRQ-2019/114\t2019-03-15\n"), std::string::npos) << list.body;
  EXPECT_NE(list.body.find("# recipient: AzərTelekom (demo)"), std::string::npos) << list.body;
  EXPECT_NE(list.body.find("# entries: 1"), std::string::npos);
  // Every export is audited with its recipient, never with the addresses.
  auto audit = s.admin.call("GET", "/api/v1/audit?action=monitoring.block_list_export");
  ASSERT_EQ(audit.status, 200) << audit.body;
  EXPECT_NE(audit.body.find("AzərTelekom (demo)"), std::string::npos) << audit.body;
  EXPECT_EQ(audit.body.find(kAddress), std::string::npos);
  // The address leaves the list when the order ends.
  ASSERT_EQ(officer.call("PATCH", R + "monitoring_item/" + std::to_string(id), {{"limitation_ended_on", "2019-06-30"}},
                         {{"If-Match", version(officer, "monitoring_item", id)}})
                .status,
            200);
  auto after = officer.call("GET", "/api/v1/block-list?date=2019-07-01&recipient=Provider");
  EXPECT_EQ(after.body.find(kAddress), std::string::npos) << after.body;
  EXPECT_NE(officer.call("GET", "/api/v1/block-list?date=2019-06-29&recipient=Provider").body.find(kAddress),
            std::string::npos);
  // Exports of the register carry no address.
  auto exported = officer.call("GET", "/api/v1/exports/monitoring_item?format=csv");
  ASSERT_EQ(exported.status, 200) << exported.body;
  EXPECT_NE(exported.body.find("recruitment"), std::string::npos);
  EXPECT_EQ(exported.body.find("vakansiya-qadin-xaric"), std::string::npos);
  // Referred to the special police: a signal opens in the same write.
  ASSERT_EQ(step(officer, "monitoring_item", id, "refer_to_police", {{"referred_at", "2019-03-20T09:00:00Z"}}).status, 200);
  const Json referred = officer.call("GET", R + "monitoring_item/" + std::to_string(id)).json();
  EXPECT_EQ(referred["state"], "referred");
  EXPECT_TRUE(referred["data"].contains("signal")) << referred.dump();

  s.server->stop();
  const std::string bytes = RawDatabase{s.dir}.everything();
  ASSERT_GT(bytes.size(), 0U);
  EXPECT_EQ(bytes.find("vakansiya-qadin-xaric"), std::string::npos);
  EXPECT_EQ(s.server->log().find("vakansiya-qadin-xaric"), std::string::npos);
}

TEST(MonitoringLabourMigration, AnInspectionFindsAMinorWhichOpensAChildProtectionRecord) {
  DemoServer s("palermo-l1", false);
  const int64_t inspectorate = s.agency("Əmək müfəttişliyi Bakı", "inspectorate");
  Client inspector = s.user("mf", "labour_inspector", inspectorate);
  Client child_officer = s.user("cp", "child_protection_officer", s.agency("Bakı uşaq müdafiəsi", "child_protection"));

  auto early_fine = inspector.call("POST", R + "labour_inspection",
                                   {{"inspected_on", "2019-05-10"}, {"site_kind", "construction_site"},
                                    {"fined_on", "2019-05-01"}, {"fine_amount", 500000}});
  EXPECT_EQ(early_fine.status, 422);
  EXPECT_TRUE(hasField(early_fine, "fined_on")) << early_fine.body;
  const int64_t inspection = created(inspector.call("POST", R + "labour_inspection",
                                                    {{"inspected_on", "2019-05-10"}, {"region", "baku"},
                                                     {"site_kind", "construction_site"}, {"sector", "construction"},
                                                     {"employer_name", "\"Tikinti-5\" MMC"}, {"workers_checked", 14}}),
                                     "inspection");
  // A minor is a person: without one the record is refused, naming the field.
  auto no_person = inspector.call("POST", R + "worker_found",
                                  {{"inspection", inspection}, {"found_on", "2019-05-10"}, {"is_minor", true},
                                   {"has_contract", false}});
  EXPECT_EQ(no_person.status, 422);
  EXPECT_TRUE(hasField(no_person, "person")) << no_person.body;
  const int64_t person = created(inspector.call("POST", R + "person",
                                                {{"first_name", "Elvin"}, {"last_name", "Nəsirov"}, {"sex", "male"},
                                                 {"birth", "2004-02-11"}, {"citizenship", "AZ"}}),
                                 "person");
  const int64_t minor = created(inspector.call("POST", R + "worker_found",
                                               {{"inspection", inspection}, {"found_on", "2019-05-10"}, {"person", person},
                                                {"region", "baku"}, {"sex", "male"}, {"is_minor", true},
                                                {"has_contract", false}, {"occupation", "köməkçi fəhlə"}}),
                                "minor");
  created(inspector.call("POST", R + "worker_found",
                         {{"inspection", inspection}, {"found_on", "2019-05-10"}, {"is_minor", false}, {"has_contract", false}}),
          "adult");
  auto referred = step(inspector, "worker_found", minor, "refer_minor", {{"referred_on", "2019-05-11"}});
  ASSERT_EQ(referred.status, 200) << referred.body;
  ASSERT_TRUE(referred.json()["data"].contains("child_at_risk")) << referred.body;
  const int64_t child = referred.json()["data"]["child_at_risk"];
  // The child-protection officer of the region works it; the inspector only opened it.
  auto record = child_officer.call("GET", R + "child_at_risk/" + std::to_string(child));
  ASSERT_EQ(record.status, 200) << record.body;
  EXPECT_EQ(record.json()["data"]["source"], "labour_inspection");
  EXPECT_EQ(record.json()["data"]["risks"], Json::array({"child_labour"}));
  EXPECT_EQ(record.json()["data"]["person"], person);
  EXPECT_EQ(record.json()["data"]["registered_on"], "2019-05-11");
  EXPECT_EQ(inspector.call("GET", R + "child_at_risk/" + std::to_string(child)).status, 404);
}

// Every indicator of the adult labour list answered: "no", or (indicated) two "yes" in
// recruitment (1), exploitation (4) and coercion at destination (5), which the ILO/EC rules score
// "indicated" for an adult.
Json answers(const Client& c, bool indicated) {
  auto rs = c.call("GET", "/api/v1/screening/rulesets/ilo_ec_2009@1?exploitation=labour");
  EXPECT_EQ(rs.status, 200) << rs.body;
  Json a = Json::object();
  const Json set = rs.json();  // kept: the loop reads into it
  for (const auto& d : set["dimensions"]) {
    int yes = 0;
    const int n = d["number"];
    for (const auto& i : d["indicators"]) {
      const bool strong_first = i["grade"] == "S" || yes == 1;
      const bool positive = indicated && (n == 1 || n == 4 || n == 5) && yes < 2 && strong_first;
      a[i["code"].get<std::string>()] = positive ? "yes" : "no";
      yes += positive ? 1 : 0;
    }
  }
  return a;
}

TEST(MonitoringLabourMigration, APositiveScreeningStopsADeportation) {
  DemoServer s("palermo-l2", false);
  Client officer = s.user("dmx", "migration_officer", s.agency("Dövlət Miqrasiya Xidməti", "migration"));
  Client police = s.user("inv", "police_investigator", s.agency("Xüsusi polis", "special_police"));
  auto caseFor = [&](bool indicated, int64_t& screening) {
    const int64_t person = created(officer.call("POST", R + "person",
                                                {{"pseudonym", indicated ? "M-1" : "M-2"}, {"sex", "female"},
                                                 {"citizenship", "UZ"}}),
                                   "person");
    auto sc = officer.call("POST", R + "screening",
                           {{"person", person}, {"screened_on", "2020-04-02"}, {"is_child", false},
                            {"exploitation_focus", "labour"}, {"answers", answers(officer, indicated).dump()}});
    screening = created(sc, "screening");
    EXPECT_EQ(sc.json()["data"]["overall_result"], indicated ? "indicated" : "not_indicated") << sc.body;
    return created(officer.call("POST", R + "migration_case",
                                {{"detected_on", "2020-04-01"}, {"person", person}, {"citizenship", "UZ"}, {"sex", "female"},
                                 {"age_band", "age_18_29"}, {"breaches", {"overstay", "work_without_permit"}}}),
                   "case");
  };
  int64_t positive_screening = 0, negative_screening = 0;
  const int64_t presumed = caseFor(true, positive_screening);
  const int64_t other = caseFor(false, negative_screening);

  // No deportation without a screening, whatever the route.
  auto unscreened = officer.call("PATCH", R + "migration_case/" + std::to_string(presumed), {{"deported_on", "2020-04-20"}},
                                 {{"If-Match", version(officer, "migration_case", presumed)}});
  EXPECT_EQ(unscreened.status, 422);
  EXPECT_NE(unscreened.body.find("screening_required"), std::string::npos) << unscreened.body;
  // A positive screening stops it: neither "screened (no indicators)" nor a deportation.
  const Json with_screening = {{"screening", positive_screening}};
  auto cleared = step(officer, "migration_case", presumed, "record_screening", with_screening);
  EXPECT_EQ(cleared.status, 422);
  EXPECT_NE(cleared.body.find("screening_positive"), std::string::npos) << cleared.body;
  auto deport = officer.call("PATCH", R + "migration_case/" + std::to_string(presumed),
                             {{"screening", positive_screening}, {"decided_on", "2020-04-10"}, {"deported_on", "2020-04-20"}},
                             {{"If-Match", version(officer, "migration_case", presumed)}});
  EXPECT_EQ(deport.status, 422);
  EXPECT_NE(deport.body.find("screening_positive"), std::string::npos) << deport.body;
  // Nor may the other case borrow the negative screening of someone else.
  auto borrowed = step(officer, "migration_case", presumed, "record_screening", {{"screening", negative_screening}});
  EXPECT_EQ(borrowed.status, 422);
  EXPECT_NE(borrowed.body.find("other_person"), std::string::npos) << borrowed.body;
  // The person goes to the special police instead: a signal opens.
  auto referred = step(officer, "migration_case", presumed, "refer_to_police",
                       {{"screening", positive_screening}, {"referred_at", "2020-04-03T10:00:00Z"}});
  ASSERT_EQ(referred.status, 200) << referred.body;
  const int64_t signal = referred.json()["data"]["signal"];
  auto sig = police.call("GET", R + "signal/" + std::to_string(signal));
  ASSERT_EQ(sig.status, 200) << sig.body;
  EXPECT_EQ(sig.json()["data"]["source"], "migration_control");
  EXPECT_EQ(step(officer, "migration_case", presumed, "deport",
                 {{"decided_on", "2020-04-10"}, {"deported_on", "2020-04-20"}}).status,
            409);  // no deportation from "referred to the special police"

  // A negative screening clears the way.
  ASSERT_EQ(step(officer, "migration_case", other, "record_screening", {{"screening", negative_screening}}).status, 200);
  auto deported = step(officer, "migration_case", other, "deport", {{"decided_on", "2020-04-10"}, {"deported_on", "2020-04-20"}});
  ASSERT_EQ(deported.status, 200) << deported.body;
  EXPECT_EQ(deported.json()["state"], "deported");
}

TEST(MonitoringLabourMigration, AMonthlyReturnSentByTokenIsReturnedCorrectedApprovedAndCounted) {
  DemoServer s("palermo-returns", false);
  const int64_t sms = s.agency("Dövlət Miqrasiya Xidməti", "migration");
  Client manager = s.user("dm", "data_manager", sms);
  Client coordinator = s.user("nc", "coordinator", s.agency("Milli koordinator", "coordinator"));

  auto made = manager.call("POST", "/api/v1/auth/tokens", {{"name", "SMS hesabat sistemi"}, {"roles", {"data_manager"}}});
  ASSERT_EQ(made.status, 201) << made.body;
  const std::vector<std::pair<std::string, std::string>> bearer = {{"Authorization", "Bearer " + made.json()["token"].get<std::string>()}};
  auto send = [&](const std::string& method, const std::string& url, const Json& body,
                  std::vector<std::pair<std::string, std::string>> extra = {}) {
    auto h = bearer;
    h.insert(h.end(), extra.begin(), extra.end());
    return s.server->request(method, url, body.dump(), h);
  };
  const Json values = {{"breaching_identified", 950}, {"deported", 700}, {"screened", 650}, {"referred_to_police", 2}};
  // The period's form and the rules between figures are checked, naming the field.
  auto bad_period = send("POST", R + "return_migration_monthly", [&] { Json j = values; j["period"] = "2019-13"; return j; }());
  EXPECT_EQ(bad_period.status, 422);
  EXPECT_TRUE(hasField(bad_period, "period")) << bad_period.body;
  auto bad_rule = send("POST", R + "return_migration_monthly",
                       [&] { Json j = values; j["period"] = "2019-01"; j["referred_to_police"] = 700; return j; }());
  EXPECT_EQ(bad_rule.status, 422);
  EXPECT_TRUE(hasField(bad_rule, "referred_to_police")) << bad_rule.body;
  auto computed = send("POST", R + "return_migration_monthly",
                       [&] { Json j = values; j["period"] = "2019-01"; j["reporting_agency"] = 1; return j; }());
  EXPECT_EQ(computed.status, 422) << computed.body;  // the engine sets it
  auto sent = send("POST", R + "return_migration_monthly", [&] { Json j = values; j["period"] = "2019-01"; return j; }());
  ASSERT_EQ(sent.status, 201) << sent.body;
  const int64_t id = sent.json()["id"];
  EXPECT_EQ(sent.json()["data"]["period_from"], "2019-01-01");
  EXPECT_EQ(sent.json()["data"]["period_to"], "2019-01-31");
  EXPECT_EQ(sent.json()["data"]["reporting_agency"], sms);
  auto twice = send("POST", R + "return_migration_monthly", [&] { Json j = values; j["period"] = "2019-01"; return j; }());
  EXPECT_EQ(twice.status, 409) << twice.body;  // one return per agency and period
  const std::string url = R + "return_migration_monthly/" + std::to_string(id);
  auto ver = [&] { return std::to_string(manager.call("GET", url).json()["version"].get<int64_t>()); };
  auto submitted = send("POST", url + "/transitions/submit", {{"submitted_on", "2019-02-05"}}, {{"If-Match", ver()}});
  ASSERT_EQ(submitted.status, 200) << submitted.body;
  // The coordinator's office sends it back with a reason; the figure does not count yet.
  EXPECT_EQ(step(coordinator, "return_migration_monthly", id, "return_for_correction", Json::object()).status, 422);
  ASSERT_EQ(step(coordinator, "return_migration_monthly", id, "return_for_correction",
                 {{"review_comment", "Ölkədən çıxarılanların sayı yoxlanılsın."}}).status,
            200);
  auto figure = [&] {
    auto f = coordinator.call("GET", "/api/v1/statistics/indicators/foreigners_deported?period=2019&edition=restricted");
    EXPECT_EQ(f.status, 200) << f.body;
    return f.json();
  };
  EXPECT_EQ(figure()["available"], false);
  // Corrected and submitted again, then approved: now it counts, and says where it came from.
  ASSERT_EQ(send("PATCH", url, {{"deported", 712}}, {{"If-Match", ver()}}).status, 200);
  ASSERT_EQ(send("POST", url + "/transitions/submit", {{"submitted_on", "2019-02-09"}}, {{"If-Match", ver()}}).status, 200);
  EXPECT_EQ(step(manager, "return_migration_monthly", id, "approve", {{"approved_on", "2019-02-10"}}).status, 403);
  ASSERT_EQ(step(coordinator, "return_migration_monthly", id, "approve", {{"approved_on", "2019-02-10"}}).status, 200);
  const Json f = figure();
  EXPECT_EQ(f["value"], 712) << f.dump();
  EXPECT_EQ(f["returns_register"], "return_migration_monthly");
  ASSERT_EQ(f["sources"].size(), 1U) << f.dump();
  EXPECT_NE(f["sources"][0].get<std::string>().find("1 approved return"), std::string::npos) << f.dump();
  // Drill-down: the approved return behind the figure.
  auto behind = coordinator.call("GET", "/api/v1/statistics/indicators/foreigners_deported/records?period=2019");
  ASSERT_EQ(behind.status, 200) << behind.body;
  EXPECT_EQ(behind.json()["register"], "return_migration_monthly");
  EXPECT_EQ(behind.json()["ids"], Json::array({id})) << behind.body;

  // The periods still owed: on the coordinator's board and on the data manager's task list.
  auto board = coordinator.call("GET", "/api/v1/returns/return_migration_monthly/completeness?from=2019&to=2019");
  ASSERT_EQ(board.status, 200) << board.body;
  const Json b = board.json();
  ASSERT_EQ(b["agencies"].size(), 1U) << board.body;
  EXPECT_EQ(b["agencies"][0]["agency_id"], sms);
  ASSERT_EQ(b["agencies"][0]["periods"].size(), 12U);
  EXPECT_EQ(b["agencies"][0]["periods"][0]["state"], "approved");
  EXPECT_EQ(b["agencies"][0]["periods"][1]["state"], "missing");
  EXPECT_EQ(b["agencies"][0]["periods"][1]["overdue"], true);
  EXPECT_EQ(b["counts"]["approved"], 1);
  EXPECT_EQ(b["counts"]["missing"], 11);
  // The task list: this agency's return types only, every period owed counted, newest first.
  const Json tasks = manager.call("GET", "/api/v1/tasks").json();
  int groups = 0;
  for (const auto& g : tasks["groups"]) {
    if (g["deadline"] != "return_due") continue;
    ++groups;
    EXPECT_EQ(g["type"], "return_migration_monthly") << tasks.dump();
    EXPECT_GE(g["total"].get<int>(), 11 + 12) << tasks.dump();  // 2019's eleven, 2020's twelve, ...
    ASSERT_FALSE(g["items"].empty());
    EXPECT_GT(g["items"][0]["period"].get<std::string>(), "2020-12");
    EXPECT_EQ(g["items"][0]["state"], "missing");
  }
  EXPECT_EQ(groups, 1) << tasks.dump();
  // Another agency's data manager sees neither this return nor this agency's row.
  Client other = s.user("dm2", "data_manager", s.agency("Əmək Nazirliyi", "ministry"));
  EXPECT_EQ(other.call("GET", url).status, 404);
  auto other_board = other.call("GET", "/api/v1/returns/return_migration_monthly/completeness?from=2019&to=2019");
  ASSERT_EQ(other_board.status, 200);
  EXPECT_EQ(other_board.json()["agencies"].size(), 0U) << other_board.body;
}

}  // namespace
