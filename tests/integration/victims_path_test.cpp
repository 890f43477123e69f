// The victim's path through the product registers, end to end over the HTTP API with the real
// schema/ and rules/: hotline appeal -> signal -> screening -> identification by the special
// police -> referral accepted -> shelter placement -> services -> one-time subsidy paid ->
// criminal case with accused -> verdict; and the refusals on the way (the wrong role decides,
// over capacity, a second one-time subsidy, a transition without its required fields).
#include <sodium.h>

#include <set>

#include "harness.hpp"
#include "support/smtp_sink.hpp"

using namespace palermo::test;
using palermo::Json;

namespace {

const std::string kSchema = std::string(PALERMO_SOURCE_DIR) + "/schema";
const std::string kRules = std::string(PALERMO_SOURCE_DIR) + "/rules";

class VictimsPath : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = makeTempDir("palermo-path");
    auto [code, out] = runCli("user add --data-dir " + dir_.string() +
                              " --set security.password_cost=min --login admin --display-name Admin --role admin");
    ASSERT_EQ(code, 0) << out;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(out, m, std::regex("One-time password: (\\S+)")));
    server_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{"--set", "schema.dir=" + kSchema, "--set", "rules.dir=" + kRules, "--set",
                                 "notifications.deadline_check_seconds=1", "--set", "notifications.smtp_host=127.0.0.1",
                                 "--set", "notifications.smtp_port=" + std::to_string(sink_.port()), "--set",
                                 "notifications.mail_from=palermo@example.az", "--set",
                                 "notifications.base_url=https://palermo.example.az/"},
        dir_);
    admin_ = signIn(*server_, "admin", m[1], true);
    admins_ = std::make_unique<Administrators>(*server_, admin_);
  }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }
  int64_t agency(const std::string& name, const std::string& type) {
    auto r = admin_.call("POST", "/api/v1/agencies", {{"name", name}, {"type", type}, {"region", "baku"}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json()["id"];
  }
  Client user(const std::string& login, const std::string& role, int64_t agency_id) {
    return admins_->user(login, {role}, agency_id);
  }
  static int64_t created(const HttpResult& r, const std::string& what) {
    EXPECT_EQ(r.status, 201) << what << ": " << r.body;
    return r.status == 201 ? r.json()["id"].get<int64_t>() : 0;
  }
  static std::string v(const HttpResult& r) { return std::to_string(r.json()["version"].get<int64_t>()); }
  // A person and her victim case, registered by `police`, consenting to sharing with shelters.
  static int64_t consentingCase(const Client& police, const Json& person_fields) {
    const int64_t person = created(police.call("POST", "/api/v1/records/person", person_fields), "person");
    return created(police.call("POST", "/api/v1/records/victim_case",
                               {{"person", person},
                                {"registered_on", "2019-07-02"},
                                {"consent_share_with", {"shelter"}},
                                {"consent_given_by", "person"},
                                {"consent_recorded_on", "2019-07-02"}}),
                   "victim case");
  }

  std::filesystem::path dir_;
  SmtpSink sink_;  // the mail relay (before the server: stopped after it)
  std::unique_ptr<ServerProcess> server_;
  Client admin_;
  std::unique_ptr<Administrators> admins_;  // admin_ asks, a second administrator approves
};

}  // namespace

TEST_F(VictimsPath, FromHotlineCallToVerdict) {
  const int64_t police_agency = agency("Special police", "special_police");
  const int64_t hotline_agency = agency("Hotline 152", "hotline");
  const int64_t shelter_agency = agency("Shelter NGO", "shelter");
  const int64_t assistance_agency = agency("Assistance Center", "assistance_center");
  const int64_t prosecutor_agency = agency("Prosecutor", "prosecutor");
  Client hotline = user("op", "hotline_operator", hotline_agency);
  Client police = user("inv", "police_investigator", police_agency);
  Client worker = user("cw", "case_worker", shelter_agency);
  Client officer = user("so", "subsidy_officer", assistance_agency);
  Client prosecutor = user("pr", "prosecutor", prosecutor_agency);
  const std::string R = "/api/v1/records/";

  // H1: a call to 152, and the signal it gives (V1), referred to the special police.
  const int64_t appeal = created(hotline.call("POST", R + "hotline_appeal",
                                              {{"line", "hotline_152"}, {"received_at", "2019-07-01T09:00:00Z"},
                                               {"topic", "labour_activity"}}),
                                 "appeal");
  const int64_t signal = created(hotline.call("POST", R + "signal",
                                              {{"received_at", "2019-07-01T09:05:00Z"}, {"source", "hotline_152"},
                                               {"summary", "Worker abroad without pay, passport taken"}}),
                                 "signal");
  auto sig = hotline.call("GET", R + "signal/" + std::to_string(signal));
  auto refer_missing = hotline.call("POST", R + "signal/" + std::to_string(signal) + "/transitions/refer", Json::object(),
                                    {{"If-Match", v(sig)}});
  EXPECT_EQ(refer_missing.status, 422) << refer_missing.body;  // referred_at and referred_to are required
  auto referred = hotline.call("POST", R + "signal/" + std::to_string(signal) + "/transitions/refer",
                               {{"referred_at", "2019-07-01T10:00:00Z"}, {"referred_to", "Special police"}},
                               {{"If-Match", v(sig)}});
  EXPECT_EQ(referred.status, 200) << referred.body;
  EXPECT_EQ(hotline.call("PATCH", R + "hotline_appeal/" + std::to_string(appeal), {{"signal", signal}},
                         {{"If-Match", "1"}})
                .status,
            200);

  // A second signal nobody referred: past its 24 hours, it is an overdue task of the hotline
  // (which may refer) and shows its deadline; the first one, referred, is no task any more.
  const int64_t late = created(hotline.call("POST", R + "signal",
                                            {{"received_at", "2019-07-03T08:00:00Z"}, {"source", "hotline_152"},
                                             {"summary", "Second call, not yet referred"}}),
                               "late signal");
  const Json late_rec = hotline.call("GET", R + "signal/" + std::to_string(late)).json();
  ASSERT_TRUE(late_rec.contains("deadlines")) << late_rec.dump();
  EXPECT_EQ(late_rec["deadlines"][0]["name"], "refer_within_24h");
  EXPECT_EQ(late_rec["deadlines"][0]["due_at"], "2019-07-04T08:00:00Z");
  EXPECT_EQ(late_rec["deadlines"][0]["overdue"], true);
  {
    const Json tasks = hotline.call("GET", "/api/v1/tasks").json();
    bool found = false;
    for (const auto& g : tasks["groups"])
      if (g["deadline"] == "refer_within_24h") {
        EXPECT_EQ(g["total"], 1) << g.dump();
        EXPECT_EQ(g["items"][0]["id"], late);
        found = true;
      }
    EXPECT_TRUE(found) << tasks.dump();
  }

  // Countries for the forms, named in the three languages by ICU.
  {
    const Json countries = police.call("GET", "/api/v1/countries").json()["items"];
    bool az = false;
    for (const auto& c : countries)
      if (c["code"] == "AZ") {
        az = true;
        EXPECT_EQ(c["label"]["az"], "Azərbaycan");
        EXPECT_EQ(c["label"]["en"], "Azerbaijan");
        EXPECT_EQ(c["label"]["ru"], "Азербайджан");
      }
    EXPECT_TRUE(az);
    EXPECT_GT(countries.size(), 240U);
  }

  // Import over HTTP, as the signed-in user: all or nothing, errors naming line and field.
  {
    const std::vector<std::pair<std::string, std::string>> h = {
        {"Cookie", police.cookie}, {"X-CSRF-Token", police.csrf}, {"Content-Type", "application/x-ndjson"}};
    auto bad = police.server->request("POST", "/api/v1/imports?format=jsonl",
                                      "{\"_type\":\"person\",\"sex\":\"female\"}\n"
                                      "{\"_type\":\"person\",\"birth\":\"1990-13\"}\n",
                                      h);
    EXPECT_EQ(bad.status, 422) << bad.body;
    EXPECT_EQ(bad.json()["errors"][0]["line"], 2);
    EXPECT_EQ(bad.json()["errors"][0]["field"], "birth");
    auto good = police.server->request("POST", "/api/v1/imports?format=jsonl",
                                       "{\"_type\":\"person\",\"sex\":\"female\"}\n", h);
    EXPECT_EQ(good.status, 200) << good.body;
    EXPECT_EQ(good.json()["created"]["person"], 1);
    // A hotline operator may not create criminal cases, by import either.
    auto refused = hotline.server->request(
        "POST", "/api/v1/imports?format=jsonl",
        "{\"_type\":\"criminal_case\",\"case_number\":\"x\",\"main_article\":\"art_144_1\",\"registered_on\":\"2019-01-01\"}\n",
        {{"Cookie", hotline.cookie}, {"X-CSRF-Token", hotline.csrf}});
    EXPECT_EQ(refused.status, 422) << refused.body;
  }

  // V2: the special police register the person and screen them against the ILO/EC indicators.
  const int64_t person = created(police.call("POST", R + "person",
                                             {{"last_name", "Madeupova"}, {"first_name", "Testa"}, {"sex", "female"},
                                              {"birth", "1990"}, {"citizenship", "AZ"}}),
                                 "person");
  const Json answers = {{"deceived_nature_of_job", "yes"},    {"deceived_wages", "yes"},
                        {"excessive_working_hours", "yes"},   {"low_or_no_salary", "yes"},
                        {"documents_confiscated_at_destination", "yes"}, {"isolation_at_destination", "yes"}};
  auto live = police.call("POST", "/api/v1/screening/evaluate",
                          {{"is_child", false}, {"exploitation_focus", "labour"}, {"answers", answers}, {"lang", "en"}});
  ASSERT_EQ(live.status, 200) << live.body;
  EXPECT_EQ(live.json()["overall_result"], "indicated");
  const int64_t screening = created(police.call("POST", R + "screening",
                                                {{"person", person}, {"signal", signal}, {"screened_on", "2019-07-02"},
                                                 {"is_child", false}, {"exploitation_focus", "labour"},
                                                 {"answers", answers.dump()}}),
                                    "screening");
  const Json scr = police.call("GET", R + "screening/" + std::to_string(screening)).json()["data"];
  EXPECT_EQ(scr["overall_result"], "indicated");
  EXPECT_EQ(scr["ruleset"], "ilo_ec_2009@1");
  // The stored explanation is in Azerbaijani (the live one above in the language asked for).
  EXPECT_NE(scr["explanation"].get<std::string>().find("4. İstismar xarakterli iş şəraiti: müsbət"), std::string::npos)
      << scr["explanation"];
  EXPECT_NE(live.json()["explanation"].get<std::string>().find("Excessive"), std::string::npos) << live.body;
  EXPECT_EQ(police.call("POST", R + "screening", {{"person", person}, {"screened_on", "2019-07-02"}, {"is_child", false},
                                                  {"exploitation_focus", "labour"},
                                                  {"answers", Json{{"no_such_indicator", "yes"}}.dump()}})
                .status,
            422);

  // V3: the case, presumed; only the special police decide, with the decision date.
  const int64_t vcase = created(police.call("POST", R + "victim_case",
                                            {{"person", person},
                                             {"signal", signal},
                                             {"registered_on", "2019-07-02"},
                                             {"consent_share_with", {"shelter", "assistance_center", "prosecutor"}},
                                             {"consent_given_by", "person"},
                                             {"consent_recorded_on", "2019-07-02"},
                                             {"country_of_exploitation", "TR"}}),
                                "victim case");
  const std::string case_url = R + "victim_case/" + std::to_string(vcase);
  auto c1 = police.call("GET", case_url);
  EXPECT_EQ(c1.json()["state"], "presumed");
  EXPECT_EQ(c1.json()["data"]["person_birth"], "1990");  // copied from the person by the rule
  auto no_date = police.call("POST", case_url + "/transitions/identify", Json::object(), {{"If-Match", v(c1)}});
  EXPECT_EQ(no_date.status, 422) << no_date.body;
  // Shared with the shelter (consent allows it); the case worker then sees it but may not decide.
  EXPECT_EQ(police.call("POST", case_url + "/grants", {{"agency_id", shelter_agency}, {"reason", "referral to shelter"}})
                .status,
            201);
  auto wrong_role = worker.call("POST", case_url + "/transitions/identify", {{"decision_date", "2019-07-05"}},
                                {{"If-Match", v(c1)}});
  EXPECT_EQ(wrong_role.status, 403) << wrong_role.body;
  auto identified =
      police.call("POST", case_url + "/transitions/identify", {{"decision_date", "2019-07-05"}}, {{"If-Match", v(c1)}});
  ASSERT_EQ(identified.status, 200) << identified.body;
  EXPECT_EQ(identified.json()["state"], "identified");
  // Status on any date, from the decision date (not from when it was typed in).
  auto on = [&](const std::string& date) {
    return police.call("GET", case_url + "/state-on?date=" + date).json()["state"];
  };
  EXPECT_TRUE(on("2019-07-01").is_null());
  EXPECT_EQ(on("2019-07-02"), "presumed");
  EXPECT_EQ(on("2019-07-04"), "presumed");
  EXPECT_EQ(on("2019-07-05"), "identified");
  EXPECT_EQ(police.call("GET", case_url + "/state-on?date=2019-7-5").status, 422);

  // V4: referral to the shelter, accepted by the case worker; placement up to capacity.
  const int64_t referral = created(police.call("POST", R + "referral",
                                               {{"victim_case", vcase}, {"to_agency_type", "shelter"},
                                                {"to_agency_id", shelter_agency}, {"sent_at", "2019-07-05T12:00:00Z"}}),
                                   "referral");
  auto ref = worker.call("GET", R + "referral/" + std::to_string(referral));
  ASSERT_EQ(ref.status, 200) << ref.body;
  // Only the receiving agency answers: the police, who sent it, may not accept it for them.
  auto by_sender = police.call("POST", R + "referral/" + std::to_string(referral) + "/transitions/accept",
                               {{"responded_at", "2019-07-05T15:00:00Z"}}, {{"If-Match", v(ref)}});
  EXPECT_EQ(by_sender.status, 403) << by_sender.body;
  EXPECT_NE(by_sender.body.find("to_agency_id"), std::string::npos) << by_sender.body;
  auto accepted = worker.call("POST", R + "referral/" + std::to_string(referral) + "/transitions/accept",
                              {{"responded_at", "2019-07-05T15:00:00Z"}}, {{"If-Match", v(ref)}});
  EXPECT_EQ(accepted.status, 200) << accepted.body;
  // Sending a referral shares the referral and the case with the receiving agency, against the
  // case's consent: a second shelter reaches both without anyone sharing by hand, and answers it;
  // the first shelter may not answer for it. A referral to an agency type the person did not
  // consent to (an NGO) is refused, names why, and writes nothing.
  const int64_t shelter2_agency = agency("Shelter Two", "shelter");
  const int64_t ngo_agency = agency("Clean Start NGO", "ngo");
  Client worker2 = user("cw2", "case_worker", shelter2_agency);
  Client ngo_worker = user("ngo1", "case_worker", ngo_agency);
  EXPECT_EQ(worker2.call("GET", case_url).status, 404);
  const int64_t referral2 = created(police.call("POST", R + "referral",
                                                {{"victim_case", vcase}, {"to_agency_type", "shelter"},
                                                 {"to_agency_id", shelter2_agency}, {"sent_at", "2019-07-06T09:00:00Z"}}),
                                    "referral to the second shelter");
  const std::string ref2_url = R + "referral/" + std::to_string(referral2);
  auto ref2 = worker2.call("GET", ref2_url);
  ASSERT_EQ(ref2.status, 200) << ref2.body;
  EXPECT_EQ(worker2.call("GET", case_url).status, 200);
  EXPECT_EQ(worker.call("POST", ref2_url + "/transitions/accept", {{"responded_at", "2019-07-06T10:00:00Z"}},
                        {{"If-Match", v(ref2)}})
                .status,
            worker.call("GET", ref2_url).status == 200 ? 403 : 404);
  EXPECT_EQ(worker2.call("POST", ref2_url + "/transitions/decline",
                         {{"responded_at", "2019-07-06T10:00:00Z"}, {"decline_reason", "no_capacity"}}, {{"If-Match", v(ref2)}})
                .status,
            200);
  const int64_t referrals_before = police.call("GET", R + "referral?count=true").json()["total"].get<int64_t>();
  auto no_consent = police.call("POST", R + "referral",
                                {{"victim_case", vcase}, {"to_agency_type", "ngo"}, {"to_agency_id", ngo_agency},
                                 {"sent_at", "2019-07-06T11:00:00Z"}});
  EXPECT_EQ(no_consent.status, 409) << no_consent.body;
  EXPECT_EQ(no_consent.json()["code"], "access.consent_missing");
  EXPECT_NE(no_consent.body.find("nothing was sent"), std::string::npos) << no_consent.body;
  EXPECT_NE(no_consent.body.find("\"victim_case\""), std::string::npos) << no_consent.body;
  EXPECT_EQ(police.call("GET", R + "referral?count=true").json()["total"].get<int64_t>(), referrals_before);
  EXPECT_EQ(ngo_worker.call("GET", case_url).status, 404);
  auto unknown_agency = police.call("POST", R + "referral",
                                    {{"victim_case", vcase}, {"to_agency_type", "shelter"}, {"to_agency_id", 999999},
                                     {"sent_at", "2019-07-06T11:00:00Z"}});
  EXPECT_EQ(unknown_agency.status, 422) << unknown_agency.body;
  EXPECT_NE(unknown_agency.body.find("to_agency_id"), std::string::npos) << unknown_agency.body;
  // A referral names its agency: picked from the agencies, or an organisation outside the system
  // by name (then nothing is shared). Naming neither is refused at both fields.
  auto nobody = police.call("POST", R + "referral",
                            {{"victim_case", vcase}, {"to_agency_type", "ngo"}, {"sent_at", "2019-07-06T11:00:00Z"}});
  ASSERT_EQ(nobody.status, 422) << nobody.body;
  std::set<std::string> required;
  const auto refused = nobody.json();
  for (const auto& e : refused["errors"])
    if (e["code"] == "required") required.insert(e["field"].get<std::string>());
  EXPECT_EQ(required, (std::set<std::string>{"to_agency", "to_agency_id"})) << nobody.body;
  const int64_t outside = created(police.call("POST", R + "referral",
                                              {{"victim_case", vcase}, {"to_agency_type", "ngo"},
                                               {"to_agency", "An organisation without the system"},
                                               {"sent_at", "2019-07-06T11:30:00Z"}}),
                                  "referral to an organisation outside the system");
  EXPECT_EQ(police.call("GET", R + "referral/" + std::to_string(outside) + "/grants").json()["items"].size(), 0U);
  EXPECT_EQ(ngo_worker.call("GET", case_url).status, 404);
  const int64_t facility = created(worker.call("POST", R + "facility",
                                               {{"name", "Shelter One"}, {"facility_kind", "shelter"},
                                                {"operated_by", "ngo"}, {"capacity", 1}}),
                                   "facility");
  created(worker.call("POST", R + "placement",
                      {{"victim_case", vcase}, {"facility", facility}, {"admitted_on", "2019-07-05"}}),
          "placement");
  auto full = worker.call("POST", R + "placement",
                          {{"victim_case", vcase}, {"facility", facility}, {"admitted_on", "2019-07-06"}});
  EXPECT_EQ(full.status, 409) << full.body;
  EXPECT_EQ(full.json()["code"], "record.constraint");
  auto no_reason = worker.call("POST", R + "placement",
                               {{"victim_case", vcase}, {"facility", facility}, {"admitted_on", "2019-07-06"},
                                {"_overrides", {{"facility_capacity", " "}}}});
  EXPECT_EQ(no_reason.status, 422) << no_reason.body;
  created(worker.call("POST", R + "placement",
                      {{"victim_case", vcase}, {"facility", facility}, {"admitted_on", "2019-07-06"},
                       {"_overrides", {{"facility_capacity", "family placed together, extra bed"}}}}),
          "placement over capacity with a reason");
  const auto override_audit = admin_.call("GET", "/api/v1/audit?record_type=placement&action=record.create&limit=1");
  ASSERT_EQ(override_audit.status, 200);
  EXPECT_EQ(override_audit.json()["items"][0]["details"]["overrides"][0]["constraint"], "facility_capacity");

  // V5: services.
  for (const char* kind : {"medical", "psychological", "legal"})
    created(worker.call("POST", R + "service", {{"victim_case", vcase}, {"kind", kind}, {"given_on", "2019-07-08"}}),
            kind);

  // V6: the one-time subsidy, from the rate table (700 AZN from 2019-06-04), once per person.
  EXPECT_EQ(police.call("POST", case_url + "/grants", {{"agency_id", assistance_agency}, {"reason", "subsidy"}}).status,
            201);
  const int64_t subsidy = created(officer.call("POST", R + "subsidy",
                                               {{"victim_case", vcase}, {"person", person}, {"kind", "one_time"},
                                                {"decision_date", "2019-07-10"}}),
                                  "subsidy");
  auto sub = officer.call("GET", R + "subsidy/" + std::to_string(subsidy));
  EXPECT_EQ(sub.json()["data"]["amount"], 70000);
  auto paid = officer.call("POST", R + "subsidy/" + std::to_string(subsidy) + "/transitions/pay",
                           {{"paid_on", "2019-07-15"}, {"payment_reference", "PAY-0001"}}, {{"If-Match", v(sub)}});
  EXPECT_EQ(paid.status, 200) << paid.body;
  // Reconciled against the payment statement: the matching line moves it to reconciled, the
  // rest is reported (a dry run first changes nothing).
  {
    const std::string statement =
        "payment_reference,amount,paid_on,payee\nPAY-0001,\"700,00\",2019-07-15,x\nPAY-9999,400.00,2019-07-16,y\n";
    auto dry = officer.server->request("POST", "/api/v1/subsidies/reconcile?reconciled_on=2019-08-01&dry_run=true",
                                       statement, {{"Cookie", officer.cookie}, {"X-CSRF-Token", officer.csrf},
                                                   {"Content-Type", "text/csv"}});
    ASSERT_EQ(dry.status, 200) << dry.body;
    EXPECT_EQ(dry.json()["matched"], 1);
    EXPECT_EQ(dry.json()["reconciled"], 0);
    EXPECT_EQ(officer.call("GET", R + "subsidy/" + std::to_string(subsidy)).json()["state"], "paid");
    auto rec = officer.server->request("POST", "/api/v1/subsidies/reconcile?reconciled_on=2019-08-01", statement,
                                       {{"Cookie", officer.cookie}, {"X-CSRF-Token", officer.csrf},
                                        {"Content-Type", "text/csv"}});
    ASSERT_EQ(rec.status, 200) << rec.body;
    EXPECT_EQ(rec.json()["reconciled"], 1);
    ASSERT_EQ(rec.json()["problems"].size(), 1U) << rec.body;
    EXPECT_EQ(rec.json()["problems"][0]["problem"], "unknown_reference");
    EXPECT_EQ(officer.call("GET", R + "subsidy/" + std::to_string(subsidy)).json()["state"], "reconciled");
    // The case worker may not reconcile.
    auto cw = worker.server->request("POST", "/api/v1/subsidies/reconcile?reconciled_on=2019-08-01", statement,
                                     {{"Cookie", worker.cookie}, {"X-CSRF-Token", worker.csrf}});
    EXPECT_EQ(cw.status, 403);
  }
  auto second = officer.call("POST", R + "subsidy",
                             {{"victim_case", vcase}, {"person", person}, {"kind", "one_time"},
                              {"decision_date", "2019-08-01"}});
  EXPECT_EQ(second.status, 409) << second.body;
  EXPECT_EQ(second.json()["errors"][0]["field"], "person");
  // A decision before 2019-06-04 is 400 AZN (on another person: the first is paid already).
  const int64_t other = created(police.call("POST", R + "person", {{"sex", "male"}}), "second person");
  EXPECT_EQ(police.call("PATCH", case_url, {{"person", other}}, {{"If-Match", v(police.call("GET", case_url))}}).status,
            200);
  // An amount that is not the rate in force on the decision date is refused, never replaced.
  auto wrong_amount = officer.call("POST", R + "subsidy",
                                   {{"victim_case", vcase}, {"person", other}, {"kind", "one_time"},
                                    {"decision_date", "2019-05-20"}, {"amount", 70000}});
  EXPECT_EQ(wrong_amount.status, 422) << wrong_amount.body;
  EXPECT_NE(wrong_amount.body.find("\"field\":\"amount\""), std::string::npos) << wrong_amount.body;
  EXPECT_NE(wrong_amount.body.find("400.00 AZN"), std::string::npos) << wrong_amount.body;
  auto early = officer.call("POST", R + "subsidy",
                            {{"victim_case", vcase}, {"person", other}, {"kind", "one_time"},
                             {"decision_date", "2019-05-20"}});
  ASSERT_EQ(early.status, 201) << early.body;
  EXPECT_EQ(early.json()["data"]["amount"], 40000);

  // J1, J2: the criminal case with its accused, sent to court; the verdict by the prosecutor.
  const int64_t ccase = created(police.call("POST", R + "criminal_case",
                                            {{"case_number", "2019-144-01"}, {"main_article", "art_144_1"},
                                             {"registered_on", "2019-07-20"}}),
                                "criminal case");
  created(police.call("POST", R + "accused",
                      {{"criminal_case", ccase}, {"sex", "female"}, {"procedural_status", "accused"}}),
          "accused");
  created(police.call("POST", R + "case_victim",
                      {{"criminal_case", ccase}, {"victim_case", vcase}, {"participation", "injured_party"}}),
          "case victim");
  const std::string cc = R + "criminal_case/" + std::to_string(ccase);
  auto inv = police.call("POST", cc + "/transitions/open_investigation", {{"investigation_started_on", "2019-07-21"}},
                         {{"If-Match", "1"}});
  ASSERT_EQ(inv.status, 200) << inv.body;
  auto court = police.call("POST", cc + "/transitions/send_to_court", {{"sent_to_court_on", "2019-10-01"}},
                           {{"If-Match", v(inv)}});
  ASSERT_EQ(court.status, 200) << court.body;
  EXPECT_EQ(police.call("POST", cc + "/grants", {{"agency_id", prosecutor_agency}, {"reason", "indictment"}}).status,
            201);
  auto verdict = prosecutor.call("POST", cc + "/transitions/record_verdict", {{"verdict_date", "2019-12-10"}},
                                 {{"If-Match", v(court)}});
  EXPECT_EQ(verdict.status, 200) << verdict.body;
  EXPECT_EQ(verdict.json()["state"], "verdict");
  // The hotline operator never reaches the case, the statistics role never an identity.
  EXPECT_EQ(hotline.call("GET", case_url).status, 404);

  // No name reached the log, and the chain still verifies after all of it.
  EXPECT_EQ(server_->log().find("Madeupova"), std::string::npos);
  server_.reset();
  auto [vcode, vout] = runCli("audit verify --data-dir " + dir_.string());
  EXPECT_EQ(vcode, 0) << vout;
}

// Issue 27: a referral reaches the receiving agency's people as a notification (not its sender,
// not another agency), a case is assigned to a named worker of the agency, who is told, and
// "my cases" is the list filtered by the assignee.
TEST_F(VictimsPath, AReferralAndAnAssignmentAreNotifiedToThePeopleConcerned) {
  const int64_t police_agency = agency("Special police", "special_police");
  const int64_t shelter_agency = agency("Shelter NGO", "shelter");
  const int64_t other_shelter = agency("Other shelter", "shelter");
  Client police = user("inv", "police_investigator", police_agency);
  Client police2 = user("inv2", "police_investigator", police_agency);
  Client worker = user("cw", "case_worker", shelter_agency);
  Client elsewhere = user("cw9", "case_worker", other_shelter);
  const std::string R = "/api/v1/records/";
  const int64_t vcase = consentingCase(police, {{"sex", "female"}});
  const int64_t referral = created(police.call("POST", R + "referral",
                                               {{"victim_case", vcase}, {"to_agency_type", "shelter"},
                                                {"to_agency_id", shelter_agency}, {"sent_at", "2019-07-05T12:00:00Z"}}),
                                   "referral");
  auto inbox = worker.call("GET", "/api/v1/notifications");
  ASSERT_EQ(inbox.status, 200) << inbox.body;
  EXPECT_EQ(inbox.json()["unread"], 1);
  ASSERT_EQ(inbox.json()["items"].size(), 1U);
  const Json n = inbox.json()["items"][0];
  EXPECT_EQ(n["kind"], "referral_received");
  EXPECT_EQ(n["record_type"], "referral");
  EXPECT_EQ(n["record_id"], referral);
  EXPECT_EQ(n["read"], false);
  EXPECT_FALSE(n["message"]["az"].get<std::string>().empty());
  // No personal data in a notification: the record's type and number only.
  EXPECT_EQ(inbox.body.find("2019-07-02"), std::string::npos);
  EXPECT_EQ(police.call("GET", "/api/v1/notifications").json()["unread"], 0);     // not the sender
  EXPECT_EQ(elsewhere.call("GET", "/api/v1/notifications").json()["unread"], 0);  // not another shelter
  // The receiver reaches what the notification names; read, it is read.
  EXPECT_EQ(worker.call("GET", R + "referral/" + std::to_string(referral)).status, 200);
  auto read = worker.call("POST", "/api/v1/notifications/read", {{"ids", {n["id"]}}});
  EXPECT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.json()["unread"], 0);
  EXPECT_EQ(worker.call("GET", "/api/v1/notifications?unread=true").json()["items"].size(), 0U);
  // Another user's notification cannot be marked by someone else.
  EXPECT_EQ(police.call("POST", "/api/v1/notifications/read", {{"ids", {n["id"]}}}).json()["marked"], 0);
  EXPECT_EQ(worker.call("POST", "/api/v1/notifications/read", Json::object()).status, 422);

  // Assignment: to a colleague of one's own agency, who is told; not to someone of another agency.
  auto colleagues = police.call("GET", "/api/v1/colleagues");
  ASSERT_EQ(colleagues.status, 200);
  int64_t inv2 = 0;
  const Json mates = colleagues.json();
  for (const auto& c : mates["items"])
    if (c["display_name"] == "inv2") inv2 = c["id"];
  ASSERT_NE(inv2, 0) << colleagues.body;
  EXPECT_EQ(colleagues.body.find("cw9"), std::string::npos);
  const std::string case_url = R + "victim_case/" + std::to_string(vcase);
  auto c = police.call("GET", case_url);
  auto assigned = police.call("PATCH", case_url, {{"assigned_user_id", inv2}}, {{"If-Match", v(c)}});
  ASSERT_EQ(assigned.status, 200) << assigned.body;
  auto told = police2.call("GET", "/api/v1/notifications");
  ASSERT_EQ(told.json()["items"].size(), 1U) << told.body;
  EXPECT_EQ(told.json()["items"][0]["kind"], "case_assigned");
  EXPECT_EQ(told.json()["items"][0]["record_id"], vcase);
  int64_t cw9 = 0;
  const Json users = admin_.call("GET", "/api/v1/users").json();
  for (const auto& u : users["items"])
    if (u["login"] == "cw9") cw9 = u["id"];
  auto wrong = police.call("PATCH", case_url, {{"assigned_user_id", cw9}}, {{"If-Match", v(assigned)}});
  EXPECT_EQ(wrong.status, 422) << wrong.body;
  EXPECT_NE(wrong.body.find("assigned_user_id"), std::string::npos);
  // "My cases": the list filtered by the assignee.
  auto mine = police2.call("GET", R + "victim_case?assigned_user_id=" + std::to_string(inv2));
  ASSERT_EQ(mine.status, 200) << mine.body;
  ASSERT_EQ(mine.json()["items"].size(), 1U);
  EXPECT_EQ(mine.json()["items"][0]["id"], vcase);
}

// Deadline reminders (issue 27): the people who are to answer a referral are told once when its
// three days pass, and once when less than a day is left - as the deadline crosses, not for the
// backlog of old referrals.
TEST_F(VictimsPath, DeadlinesThatPassOrComeNearAreNotifiedOnce) {
  const int64_t police_agency = agency("Special police", "special_police");
  const int64_t shelter_agency = agency("Shelter NGO", "shelter");
  Client police = user("inv", "police_investigator", police_agency);
  Client worker = user("cw", "case_worker", shelter_agency);
  const std::string R = "/api/v1/records/";
  const int64_t vcase = consentingCase(police, {{"sex", "female"}});
  auto iso = [](std::chrono::system_clock::time_point t) {
    const std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return std::string(buf);
  };
  const auto now = std::chrono::system_clock::now();
  auto send = [&](std::chrono::system_clock::time_point at) {
    return created(police.call("POST", R + "referral",
                               {{"victim_case", vcase}, {"to_agency_type", "shelter"},
                                {"to_agency_id", shelter_agency}, {"sent_at", iso(at)}}),
                   "referral");
  };
  const int64_t old = send(now - std::chrono::hours(24 * 30));                             // long overdue
  const int64_t passing = send(now - std::chrono::hours(72) + std::chrono::seconds(4));    // passes in 4 s
  const int64_t nearing = send(now - std::chrono::hours(48) + std::chrono::seconds(4));    // a day left in 4 s
  std::map<std::string, std::set<int64_t>> kinds;
  for (int i = 0; i < 40 && kinds.size() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    kinds.clear();
    const Json inbox = worker.call("GET", "/api/v1/notifications?limit=200").json();
    for (const auto& n : inbox["items"])
      if (n["kind"].get<std::string>().rfind("deadline_", 0) == 0) kinds[n["kind"]].insert(n["record_id"].get<int64_t>());
  }
  EXPECT_EQ(kinds["deadline_passed:respond"], std::set<int64_t>{passing});
  EXPECT_EQ(kinds["deadline_near:respond"], std::set<int64_t>{nearing});
  EXPECT_FALSE(kinds["deadline_passed:respond"].count(old));  // the backlog is the task list's
  // Told once: later looks add nothing.
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const Json inbox = worker.call("GET", "/api/v1/notifications?limit=200").json();
  int deadline_notes = 0;
  for (const auto& n : inbox["items"]) {
    if (n["kind"].get<std::string>().rfind("deadline_", 0) != 0) continue;
    ++deadline_notes;
    EXPECT_NE(n["message"]["az"].get<std::string>().find("Göndərişə cavab"), std::string::npos) << n.dump();
  }
  EXPECT_EQ(deadline_notes, 2);
  EXPECT_EQ(police.call("GET", "/api/v1/notifications").json()["unread"], 0);  // the sender does not answer it
}

// Notification e-mail (issue 27): with a relay configured, a referral is also e-mailed to the
// receiving agency's people who have an address - the message, the referral's number and a link,
// and nothing of the person.
TEST_F(VictimsPath, AReferralIsEMailedWithoutPersonalData) {
  const int64_t police_agency = agency("Special police", "special_police");
  const int64_t shelter_agency = agency("Shelter NGO", "shelter");
  Client police = user("inv", "police_investigator", police_agency);
  Client worker = user("cw", "case_worker", shelter_agency);
  int64_t cw = 0;
  const Json users = admin_.call("GET", "/api/v1/users").json();
  for (const auto& u : users["items"])
    if (u["login"] == "cw") cw = u["id"];
  const std::string email_url = "/api/v1/users/" + std::to_string(cw) + "/email";
  EXPECT_EQ(admin_.call("PUT", email_url, {{"email", "cw@shelter\r\nBcc: x@example.az"}}).status, 422);
  EXPECT_EQ(worker.call("PUT", email_url, {{"email", "me@example.az"}}).status, 403);  // administrators only
  auto set = admin_.call("PUT", email_url, {{"email", "cw@shelter.example.az"}});
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(set.json()["email"], "cw@shelter.example.az");
  const std::string R = "/api/v1/records/";
  const int64_t vcase = consentingCase(police, {{"last_name", "Poçtova"}, {"sex", "female"}});
  const int64_t referral = created(police.call("POST", R + "referral",
                                               {{"victim_case", vcase}, {"to_agency_type", "shelter"},
                                                {"to_agency_id", shelter_agency}, {"sent_at", "2019-07-05T12:00:00Z"}}),
                                   "referral");
  ASSERT_TRUE(sink_.waitFor(1)) << "no e-mail reached the relay";
  const auto m = sink_.messages()[0];
  EXPECT_EQ(m.to, "<cw@shelter.example.az>");
  EXPECT_EQ(m.from, "<palermo@example.az>");
  const std::string encoded = m.data.substr(m.data.find("\r\n\r\n") + 4);
  std::string body(encoded.size(), '\0');
  std::size_t len = 0;
  ASSERT_EQ(sodium_base642bin(reinterpret_cast<unsigned char*>(body.data()), body.size(), encoded.data(), encoded.size(),
                              "\r\n", &len, nullptr, sodium_base64_VARIANT_ORIGINAL),
            0);
  body.resize(len);
  EXPECT_NE(body.find("Qurumunuza yönləndirmə daxil olub"), std::string::npos) << body;
  EXPECT_NE(body.find("https://palermo.example.az/records/referral/" + std::to_string(referral)), std::string::npos)
      << body;
  EXPECT_EQ(body.find("Poçtova"), std::string::npos);
  EXPECT_EQ(m.data.find("Poçtova"), std::string::npos);
  EXPECT_EQ(body.find("2019"), std::string::npos) << body;  // not even the case's dates
  EXPECT_EQ(sink_.messages().size(), 1U);  // the police and users without an address get none
}

static std::string percentEncode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_') out += static_cast<char>(c);
    else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

// The search box: a facility by a word of its name (any case, accents or none, the start of a
// word), a case by its number, and persons by name only for those who may read identities. A
// hotline operator (identity at its agency only) is not told of the police's persons.
TEST_F(VictimsPath, TheSearchBoxFindsWhatEachRoleMayRead) {
  const int64_t police_agency = agency("Xüsusi polis (axtarış)", "special_police");
  Client police = user("police", "police_investigator", police_agency);
  Client hotline = user("hotline", "hotline_operator", agency("Qaynar xətt (axtarış)", "hotline"));
  const std::string R = "/api/v1/records/";
  const int64_t facility = created(police.call("POST", R + "facility",
                                               {{"name", "Yardım Mərkəzi Sumqayıt"}, {"facility_kind", "shelter"},
                                                {"operated_by", "ngo"}, {"capacity", 4}}),
                                   "facility");
  const int64_t vcase = consentingCase(police, {{"first_name", "Gülnarə"}, {"last_name", "Axtarova"}, {"sex", "female"}});
  const std::string case_url = R + "victim_case/" + std::to_string(vcase);
  ASSERT_EQ(police.call("PATCH", case_url, {{"case_number", "XP-2026/0417"}}, {{"If-Match", v(police.call("GET", case_url))}}).status,
            200);

  auto hits = [](const HttpResult& r) {
    std::set<std::pair<std::string, int64_t>> out;
    EXPECT_EQ(r.status, 200) << r.body;
    const Json body = r.status == 200 ? r.json() : Json::object();  // kept: the loop reads into it
    if (r.status == 200)
      for (const auto& h : body["results"]) out.emplace(h["type"].get<std::string>(), h["id"].get<int64_t>());
    return out;
  };
  for (const char* q : {"Yardım", "yardim", "YARD", "mərkəzi sumqayit"})
    EXPECT_TRUE(hits(police.call("GET", std::string("/api/v1/search?q=") + percentEncode(q))).count({"facility", facility})) << q;
  // The picker's own list query finds it the same way.
  auto listed = police.call("GET", R + "facility?words=" + percentEncode("yardım") + "&fields=name");
  ASSERT_EQ(listed.status, 200) << listed.body;
  ASSERT_EQ(listed.json()["items"].size(), 1U);
  EXPECT_EQ(listed.json()["items"][0]["data"]["name"], "Yardım Mərkəzi Sumqayıt");
  for (const char* number : {"XP-2026/0417", "0417", "xp 2026 0417"}) {
    const auto by_number = police.call("GET", "/api/v1/search?q=" + percentEncode(number));
    EXPECT_TRUE(hits(by_number).count({"victim_case", vcase})) << number << ": " << by_number.body;
  }
  // A person by name, for the police who may read identities; the answer names no one.
  const auto by_name = police.call("GET", "/api/v1/search?q=" + percentEncode("gulnare axtarova"));
  const auto found = hits(by_name);
  EXPECT_TRUE(std::any_of(found.begin(), found.end(), [](const auto& h) { return h.first == "person"; })) << by_name.body;
  EXPECT_EQ(by_name.body.find("Axtarova"), std::string::npos) << by_name.body;
  // The hotline operator sees none of the police's records.
  const auto theirs = hits(hotline.call("GET", "/api/v1/search?q=" + percentEncode("gulnare axtarova")));
  EXPECT_TRUE(theirs.empty());
  // Hostile and short queries: a clear error naming the parameter.
  for (const std::string& q : std::vector<std::string>{"", "ab", std::string(201, 'a'), "%FF%FE"}) {
    const auto r = police.call("GET", "/api/v1/search?q=" + q);
    EXPECT_EQ(r.status, 422) << q << ": " << r.body;
    EXPECT_NE(r.body.find("\"q\""), std::string::npos) << r.body;
  }
  EXPECT_EQ(police.call("GET", "/api/v1/search?q=yardim&per_type=1000").status, 422);
  EXPECT_EQ(police.call("GET", R + "referral?words=yardim").status, 422);  // a type without word fields
  EXPECT_EQ(admin_.call("GET", "/api/v1/search?q=yardim").json()["results"].size(), 0U);  // administration only
}
