// The authorisation matrix, generated from the fixture schema's role files: for every role,
// record type, action and situation of a record relative to the user (their own, their
// agency's, their region's, shared with their agency, someone else's elsewhere), the expected
// answer is derived from the role definition by the small evaluator below — independent of the
// engine's own Actor code — and checked against the real HTTP API. Also: sharing and its
// revocation, break-glass, and that a role without identity access never receives an identity
// field by any endpoint.
#include <set>
#include <sstream>

#include "harness.hpp"
#include "role_grants.hpp"
#include "records/schema.hpp"

using namespace palermo::test;
using palermo::Json;
namespace rec = palermo::records;

namespace {

const std::string kFixtureSchema = std::string(PALERMO_SOURCE_DIR) + "/tests/fixtures/schema";

// Where a record stands relative to the user under test.
enum class Situation { Own, SameAgency, SameRegion, SharedWithAgency, Elsewhere };
const char* situationName(Situation s) {
  static const char* kNames[] = {"own", "same_agency", "same_region", "shared_with_agency", "elsewhere"};
  return kNames[static_cast<int>(s)];
}

// The policy, read plainly: does the role's scope reach a record in this situation?
bool reaches(rec::Scope scope, Situation s) {
  switch (scope) {
    case rec::Scope::Own: return s == Situation::Own;
    case rec::Scope::Assigned: return s == Situation::Own || s == Situation::SharedWithAgency;
    case rec::Scope::Agency: return s == Situation::Own || s == Situation::SameAgency || s == Situation::SharedWithAgency;
    case rec::Scope::Region: return s != Situation::Elsewhere;
    case rec::Scope::National: return true;
  }
  return false;
}

class AccessMatrix : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = rec::loadSchemaDir(kFixtureSchema);
    ASSERT_TRUE(loaded.errors.empty());
    schema_ = std::move(loaded.schema);
    dir_ = makeTempDir("palermo-acl");
    auto [code, out] = runCli("user add --data-dir " + dir_.string() +
                              " --set security.password_cost=min --login admin --display-name Admin --role admin");
    ASSERT_EQ(code, 0) << out;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(out, m, std::regex("One-time password: (\\S+)")));
    server_ = std::make_unique<ServerProcess>(std::vector<std::string>{"--set", "schema.dir=" + kFixtureSchema, "--set", "statistics.dir="}, dir_);
    admin_ = signIn(*server_, "admin", m[1], true);
    admins_ = std::make_unique<Administrators>(*server_, admin_);
    // Three agencies: two in region r1 (an NGO and the special police), one NGO in r2.
    home_ = agency("NGO Home", "ngo", "r1");
    police_ = agency("Police", "special_police", "r1");
    far_ = agency("NGO Far", "ngo", "r2");
    w_home_ = user("w_home", {"fx_worker_agency"}, home_);
    w_police_ = user("w_police", {"fx_worker_agency"}, police_);
    w_far_ = user("w_far", {"fx_worker_agency"}, far_);
  }
  void TearDown() override {
    admins_.reset();
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  int64_t agency(const std::string& name, const std::string& type, const std::string& region) {
    auto r = admin_.call("POST", "/api/v1/agencies", {{"name", name}, {"type", type}, {"region", region}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json()["id"];
  }

  Client user(const std::string& login, const std::vector<std::string>& roles, int64_t agency_id) {
    return admins_->user(login, roles, agency_id);
  }

  int64_t createAs(const Client& c, const std::string& title, bool with_name = true) {
    Json body = {{"title", title}, {"consent_agencies", {"ngo", "special_police"}}};
    if (with_name) body["full_name"] = "Made Up Person";
    auto r = c.call("POST", "/api/v1/records/test_case", body);
    if (r.status != 201) throw std::runtime_error("create failed: " + r.body);
    return r.json()["id"];
  }

  int64_t version(int64_t id) {
    return admin_.call("GET", "/api/v1/records/test_case/" + std::to_string(id)).json()["version"];
  }

  rec::Schema schema_;
  std::filesystem::path dir_;
  std::unique_ptr<ServerProcess> server_;
  Client admin_, w_home_, w_police_, w_far_;
  std::unique_ptr<Administrators> admins_;  // admin_ asks, a second administrator approves
  int64_t home_ = 0, police_ = 0, far_ = 0;
};

}  // namespace

TEST_F(AccessMatrix, EveryRoleTypeActionAndSituation) {
  int checked = 0;
  for (const auto& [role_name, role] : schema_.roles) {
    if (role.admin) continue;  // the administrator is checked by the engine's own tests
    const auto& type = "test_case";
    const std::string base = std::string("/api/v1/records/") + type + "/";
    Client u = user("u_" + role_name, {role_name}, home_);
    const bool may_create = roleGrants(role, type, "create");
    // The records of each situation, fresh for this role.
    std::map<Situation, int64_t> records;
    const bool writes_identity = role.identity == rec::IdentityAccess::Write;
    if (may_create) records[Situation::Own] = createAs(u, "own", writes_identity);
    records[Situation::SameAgency] = createAs(w_home_, "same agency");
    records[Situation::SameRegion] = createAs(w_police_, "same region");
    records[Situation::SharedWithAgency] = createAs(w_far_, "shared");
    records[Situation::Elsewhere] = createAs(w_far_, "elsewhere");
    auto shared = w_far_.call("POST", base + std::to_string(records[Situation::SharedWithAgency]) + "/grants",
                              {{"agency_id", home_}, {"reason", "referral"}});
    ASSERT_EQ(shared.status, 201) << shared.body;
    std::set<int64_t> named;  // records with an identity value to see or not see
    for (const auto& [situation, id] : records)
      if (situation != Situation::Own || writes_identity) named.insert(id);

    // name search: only with identity access
    const auto search = u.call("GET", base + "?q=made");
    if (roleGrants(role, type, "read")) {
      EXPECT_EQ(search.status == 200, role.identity != rec::IdentityAccess::None) << role_name << " q=: " << search.body;
    }
    // create
    const auto created = u.call("POST", base, {{"title", "x"}});
    EXPECT_EQ(created.status == 201, may_create) << role_name << " create: " << created.status;
    ++checked;

    const auto list = u.call("GET", base + "?limit=500&fields=title,full_name");
    const bool may_read = roleGrants(role, type, "read");
    std::set<int64_t> listed;
    if (list.status == 200) {
      const Json body = list.json();
      for (const auto& item : body["items"]) {
        listed.insert(item["id"].get<int64_t>());
        // Identity only to roles with identity access.
        if (named.count(item["id"].get<int64_t>())) {
          EXPECT_EQ(item["data"].contains("full_name"), role.identity != rec::IdentityAccess::None) << role_name;
        }
      }
    } else {
      EXPECT_FALSE(may_read) << role_name << " list: " << list.body;
      EXPECT_EQ(list.status, 404);
    }

    // export: the export permission, the read scope, case facts only
    {
      const auto exp = u.call("GET", "/api/v1/exports/test_case?format=csv");
      const bool export_ok = may_read && roleGrants(role, type, "export");
      if (export_ok) {
        EXPECT_EQ(exp.status, 200) << role_name << " export: " << exp.body;
        std::set<int64_t> exported;
        std::istringstream lines(exp.body);
        std::string line;
        std::getline(lines, line);  // header
        EXPECT_EQ(line.rfind("id,state,created_at,updated_at,", 0), 0U) << line;
        while (std::getline(lines, line))
          if (!line.empty() && line != "\r") exported.insert(std::stoll(line.substr(0, line.find(','))));
        EXPECT_EQ(exported, listed) << role_name << " exported what the list shows";
        EXPECT_EQ(exp.body.find("Made Up"), std::string::npos) << role_name << " export carries identity";
        // Audited: who, what type, how many rows.
        const auto audit = admin_.call("GET", "/api/v1/audit?action=record.export&limit=1&actor=" + std::to_string(u.id));
        ASSERT_EQ(audit.status, 200) << audit.body;
        ASSERT_EQ(audit.json()["items"].size(), 1U) << audit.body;
        EXPECT_EQ(audit.json()["items"][0]["details"]["rows"], static_cast<int64_t>(exported.size()));
      } else {
        EXPECT_EQ(exp.status, may_read ? 403 : 404) << role_name << " export";
      }
      ++checked;
    }

    for (const auto& [situation, id] : records) {
      const std::string what = role_name + " / " + situationName(situation);
      const std::string url = base + std::to_string(id);
      const bool in_scope = reaches(role.scope, situation);
      // read, by id and in the list
      const bool read_ok = may_read && in_scope;
      auto got = u.call("GET", url);
      EXPECT_EQ(got.status, read_ok ? 200 : 404) << what << " read";
      EXPECT_EQ(listed.count(id) == 1, read_ok) << what << " listed";
      if (read_ok && named.count(id)) {
        EXPECT_EQ(got.json()["data"].contains("full_name"), role.identity != rec::IdentityAccess::None) << what;
      }
      for (const char* sub : {"/history", "/relations", "/grants"})
        EXPECT_EQ(u.call("GET", url + sub).status, read_ok ? 200 : 404) << what << sub;
      checked += 3;
      // update (a fact, and an identity field)
      const bool update_ok = roleGrants(role, type, "update") && in_scope && may_read;
      auto upd = u.call("PATCH", url, {{"quantity", 5}}, {{"If-Match", std::to_string(version(id))}});
      EXPECT_EQ(upd.status == 200, update_ok) << what << " update: " << upd.body;
      if (!update_ok) {
        EXPECT_TRUE(upd.status == 403 || upd.status == 404) << what << " update: " << upd.status;
      }
      if (update_ok) {
        auto idw = u.call("PATCH", url, {{"full_name", "Another Made Up"}}, {{"If-Match", std::to_string(version(id))}});
        EXPECT_EQ(idw.status == 200, role.identity == rec::IdentityAccess::Write) << what << " identity write";
        ++checked;
      }
      // share with the police agency
      const bool share_ok = roleGrants(role, type, "share") && in_scope && may_read;
      auto sh = u.call("POST", url + "/grants", {{"agency_id", police_}, {"reason", "matrix"}});
      EXPECT_EQ(sh.status == 201, share_ok) << what << " share: " << sh.body;
      // the workflow transition
      const bool decide_ok = roleGrants(role, type, "decide") && in_scope && may_read;
      auto dec = u.call("POST", url + "/transitions/decide", {{"decided_on", "2020-01-01"}},
                        {{"If-Match", std::to_string(version(id))}});
      EXPECT_EQ(dec.status == 200, decide_ok) << what << " decide: " << dec.body;
      // delete, then restore
      const bool delete_ok = roleGrants(role, type, "delete") && in_scope && may_read;
      auto del = u.call("DELETE", url, {{"reason", "matrix"}}, {{"If-Match", std::to_string(version(id))}});
      EXPECT_EQ(del.status == 200, delete_ok) << what << " delete: " << del.body;
      if (!delete_ok) {
        ASSERT_EQ(admin_.call("DELETE", url, {{"reason", "matrix"}}, {{"If-Match", std::to_string(version(id))}}).status,
                  200);
      }
      const bool restore_ok = roleGrants(role, type, "restore") && in_scope && may_read;
      auto res = u.call("POST", url + "/restore", nullptr, {{"If-Match", std::to_string(version(id))}});
      EXPECT_EQ(res.status == 200, restore_ok) << what << " restore: " << res.body;
      checked += 6;
    }
  }
  EXPECT_GT(checked, 100);
  // The names written and read through all of this are not in the server's log.
  const std::string log = server_->log();
  ASSERT_GT(log.size(), 1000U);
  EXPECT_EQ(log.find("Made Up"), std::string::npos);
}

TEST_F(AccessMatrix, SharingGivesAndRevocationTakesAccessWithLinkedRecords) {
  Client ngo = user("ngo_worker", {"fx_assigned"}, home_);
  const int64_t parent = createAs(w_far_, "case");
  auto child = w_far_.call("POST", "/api/v1/records/test_case", {{"title", "linked"}, {"parent", parent}});
  ASSERT_EQ(child.status, 201);
  const std::string child_url = "/api/v1/records/test_case/" + std::to_string(child.json()["id"].get<int64_t>());
  const std::string url = "/api/v1/records/test_case/" + std::to_string(parent);
  auto note = w_far_.call("POST", "/api/v1/records/test_note", {{"case", parent}, {"text", "service given"}});
  ASSERT_EQ(note.status, 201) << note.body;
  const std::string note_url = "/api/v1/records/test_note/" + std::to_string(note.json()["id"].get<int64_t>());
  // Not shared: no endpoint shows it.
  EXPECT_EQ(ngo.call("GET", url).status, 404);
  EXPECT_EQ(ngo.call("GET", child_url).status, 404);
  EXPECT_EQ(ngo.call("GET", "/api/v1/records/test_case?count=true").json()["total"], 0);
  // Sharing needs a reason and a real agency, each named.
  auto bad = w_far_.call("POST", url + "/grants", {{"agency_id", 999}});
  EXPECT_EQ(bad.status, 422);
  auto grant = w_far_.call("POST", url + "/grants", {{"agency_id", home_}, {"reason", "referral to shelter"}});
  ASSERT_EQ(grant.status, 201) << grant.body;
  EXPECT_EQ(ngo.call("GET", url).status, 200);
  EXPECT_EQ(ngo.call("GET", note_url).status, 200);  // linked records come along ...
  // ... but not a linked record whose own sharing needs the person's consent (test_case
  // declares a consent field): that needs a grant on itself, where consent is checked.
  EXPECT_EQ(ngo.call("GET", child_url).status, 404);
  EXPECT_EQ(ngo.call("GET", "/api/v1/records/test_case?count=true").json()["total"], 1);
  EXPECT_EQ(ngo.call("GET", "/api/v1/records/test_note?count=true").json()["total"], 1);
  // Revoked: gone again.
  const std::string grant_url = url + "/grants/" + std::to_string(grant.json()["id"].get<int64_t>());
  EXPECT_EQ(ngo.call("DELETE", grant_url).status, 403);  // the receiver cannot revoke
  EXPECT_EQ(w_far_.call("DELETE", grant_url).status, 204);
  EXPECT_EQ(ngo.call("GET", url).status, 404);
  EXPECT_EQ(ngo.call("GET", note_url).status, 404);
  // Expired grants give nothing either.
  auto old = w_far_.call("POST", url + "/grants", {{"agency_id", home_}, {"reason", "x"}, {"expires_on", "2001-01-01"}});
  EXPECT_EQ(old.status, 422);
}

TEST_F(AccessMatrix, BreakGlassNeedsTheRightAndAReasonAndIsAudited) {
  Client ngo = user("ngo_bg", {"fx_assigned"}, home_);
  Client clerk = user("clerk", {"fx_clerk_own"}, home_);
  const int64_t id = createAs(w_far_, "urgent");
  const std::string url = "/api/v1/records/test_case/" + std::to_string(id);
  EXPECT_EQ(clerk.call("POST", url + "/break-glass", {{"reason", "need it"}}).status, 403);
  auto no_reason = ngo.call("POST", url + "/break-glass", {{"reason", "  "}});
  EXPECT_EQ(no_reason.status, 422);
  auto opened = ngo.call("POST", url + "/break-glass", {{"reason", "child in danger, shelter needs the case now"}});
  ASSERT_EQ(opened.status, 200) << opened.body;
  EXPECT_EQ(opened.json()["data"]["full_name"], "Made Up Person");
  EXPECT_EQ(opened.json()["break_glass"]["kind"], "break_glass");
  EXPECT_EQ(ngo.call("GET", url).status, 200);  // for the hour
  EXPECT_EQ(clerk.call("GET", url).status, 404);  // personal, not the agency's
  server_->stop(SIGTERM);
  auto [code, out] = runCli("audit verify --data-dir " + dir_.string());
  EXPECT_EQ(code, 0) << out;
}

TEST_F(AccessMatrix, RolesAreCheckedAgainstTheAgencyAndChangesAreAudited) {
  // fx_worker_agency is for NGOs and the special police only.
  auto statistics = agency("Stat office", "statistics", "");
  auto r = admin_.call("POST", "/api/v1/users",
                       {{"login", "wrong"}, {"display_name", "x"}, {"roles", {"fx_worker_agency", "nope"}},
                        {"agency_id", statistics}});
  EXPECT_EQ(r.status, 422);
  const Json body = r.json();
  std::set<std::string> rules;
  for (const auto& e : body["errors"]) rules.insert(e["field"].get<std::string>() + ":" + e["code"].get<std::string>());
  EXPECT_TRUE(rules.count("roles[0]:agency_type")) << r.body;
  EXPECT_TRUE(rules.count("roles[1]:unknown")) << r.body;
  // An administrator's account cannot also hold a role that reads identities (issue 25).
  auto both = admin_.call("POST", "/api/v1/users",
                          {{"login", "admin-and-clerk"}, {"display_name", "x"}, {"roles", {"admin", "fx_clerk_own"}},
                           {"agency_id", home_}});
  EXPECT_EQ(both.status, 422) << both.body;
  EXPECT_EQ(both.json()["errors"][0]["code"], "admin_identity") << both.body;
  EXPECT_NE(both.body.find("fx_clerk_own"), std::string::npos) << both.body;
  // Changing roles takes effect at once.
  Client u = user("changing", {"fx_reader_national"}, home_);
  const int64_t id = createAs(w_far_, "any");
  EXPECT_EQ(u.call("GET", "/api/v1/records/test_case/" + std::to_string(id)).status, 200);
  auto ch = admin_.call("PATCH", "/api/v1/users/" + std::to_string(u.id), {{"roles", {"fx_clerk_own"}}});
  ASSERT_EQ(ch.status, 200) << ch.body;
  // The role taken away goes at once; the identity role waits for a second administrator.
  EXPECT_EQ(ch.json()["roles"], Json::array()) << ch.body;
  EXPECT_EQ(ch.json()["pending_roles"], Json({"fx_clerk_own"})) << ch.body;
  EXPECT_EQ(u.call("GET", "/api/v1/records/test_case/" + std::to_string(id)).status, 404);
  const std::string approve = "/api/v1/users/" + std::to_string(u.id) + "/roles/approve";
  EXPECT_EQ(admin_.call("POST", approve).json()["code"], "user.same_administrator");
  auto approved = admins_->second().call("POST", approve);
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(approved.json()["roles"], Json({"fx_clerk_own"})) << approved.body;
  EXPECT_EQ(approved.json()["pending_roles"], Json::array()) << approved.body;
  // The new role reads identity, so it needs a second factor first ...
  auto blocked = u.call("GET", "/api/v1/records/test_case/" + std::to_string(id));
  EXPECT_EQ(blocked.status, 403);
  EXPECT_EQ(blocked.json()["code"], "auth.second_factor_required");
  ASSERT_FALSE(enrolSecondFactorIfNeeded(*server_, u.cookie, u.csrf).empty());
  // ... and its scope (own) does not reach the record.
  EXPECT_EQ(u.call("GET", "/api/v1/records/test_case/" + std::to_string(id)).status, 404);
  // Deactivating ends the sessions.
  ASSERT_EQ(admin_.call("PATCH", "/api/v1/users/" + std::to_string(u.id), {{"active", false}}).status, 200);
  EXPECT_EQ(u.call("GET", "/api/v1/auth/me").status, 401);
  // Non-administrators cannot.
  EXPECT_EQ(w_home_.call("PATCH", "/api/v1/users/" + std::to_string(u.id), {{"active", true}}).status, 403);
}

// The two-person rule (issue 25): one administrator cannot make a user who reads identities (and
// then sign in as it). The roles wait until another administrator approves; either may reject;
// every step is audited with who asked and who decided.
TEST_F(AccessMatrix, IdentityRolesNeedASecondAdministrator) {
  const int64_t record = createAs(w_far_, "named");
  const std::string url = "/api/v1/records/test_case/" + std::to_string(record);
  auto r = admin_.call("POST", "/api/v1/users",
                       {{"login", "clerk"}, {"display_name", "Clerk"}, {"roles", {"fx_clerk_own", "fx_reader_national"}},
                        {"agency_id", home_}});
  ASSERT_EQ(r.status, 201) << r.body;
  const Json created = r.json();
  const std::string id = std::to_string(created["id"].get<int64_t>());
  EXPECT_EQ(created["roles"], Json({"fx_reader_national"})) << r.body;  // no identity: given at once
  EXPECT_EQ(created["pending_roles"], Json({"fx_clerk_own"})) << r.body;
  EXPECT_EQ(created["pending_by"], admin_.id);
  // Signed in meanwhile, the user has only what was given: the record without its identity.
  Client clerk = signIn(*server_, "clerk", created["one_time_password"], true);
  auto seen = clerk.call("GET", url);
  ASSERT_EQ(seen.status, 200) << seen.body;
  EXPECT_EQ(seen.body.find("Made Up Person"), std::string::npos) << seen.body;

  // Not the administrator who asked, not a worker; nothing to reject twice.
  auto own = admin_.call("POST", "/api/v1/users/" + id + "/roles/approve");
  EXPECT_EQ(own.status, 403) << own.body;
  EXPECT_EQ(own.json()["code"], "user.same_administrator");
  EXPECT_EQ(w_home_.call("POST", "/api/v1/users/" + id + "/roles/approve").status, 403);
  const Client& second = admins_->second();
  auto rejected = second.call("POST", "/api/v1/users/" + id + "/roles/reject");
  ASSERT_EQ(rejected.status, 200) << rejected.body;
  EXPECT_EQ(rejected.json()["pending_roles"], Json::array());
  EXPECT_EQ(rejected.json()["roles"], Json({"fx_reader_national"}));
  auto again = second.call("POST", "/api/v1/users/" + id + "/roles/approve");
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(again.json()["code"], "user.no_pending_roles");

  // Asked again by the second administrator, approved by the first: held, and it needs a
  // second factor like any identity role.
  auto asked = second.call("PATCH", "/api/v1/users/" + id, {{"roles", {"fx_reader_national", "fx_assigned"}}});
  ASSERT_EQ(asked.status, 200) << asked.body;
  EXPECT_EQ(asked.json()["pending_roles"], Json({"fx_assigned"})) << asked.body;
  EXPECT_EQ(asked.json()["pending_by"], second.id);
  auto approved = admin_.call("POST", "/api/v1/users/" + id + "/roles/approve");
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(approved.json()["roles"], Json({"fx_reader_national", "fx_assigned"})) << approved.body;
  EXPECT_EQ(approved.json()["pending_roles"], Json::array());
  EXPECT_EQ(clerk.call("GET", url).json()["code"], "auth.second_factor_required");

  // An administrator's own account never holds an identity role, approved or not.
  auto mixed = second.call("PATCH", "/api/v1/users/" + std::to_string(admin_.id), {{"roles", {"admin", "fx_assigned"}}});
  EXPECT_EQ(mixed.status, 422) << mixed.body;

  // The audit holds the request, the rejection and the approval, with who asked.
  const Json audit = admin_.call("GET", "/api/v1/audit?action=user.").json();
  std::vector<std::string> actions;
  for (const auto& e : audit["items"])
    if (e["record_id"] == created["id"] && e["action"].get<std::string>().rfind("user.roles", 0) == 0)
      actions.push_back(e["action"]);
  EXPECT_EQ(actions, (std::vector<std::string>{"user.roles_request_closed", "user.roles_approved", "user.roles_requested",
                                               "user.roles_rejected", "user.roles_requested"}))
      << audit.dump();
}

// The administration role waits for a second administrator too: otherwise one administrator could
// make a second administrator account, sign in as it and approve their own identity requests.
TEST_F(AccessMatrix, AdministrationRoleNeedsASecondAdministratorToo) {
  auto r = admin_.call("POST", "/api/v1/users", {{"login", "deputy"}, {"display_name", "Deputy"}, {"roles", {"admin"}}});
  ASSERT_EQ(r.status, 201) << r.body;
  const Json created = r.json();
  const std::string id = std::to_string(created["id"].get<int64_t>());
  EXPECT_EQ(created["roles"], Json::array()) << r.body;
  EXPECT_EQ(created["pending_roles"], Json({"admin"})) << r.body;
  // Signed in meanwhile, the account administers nothing and approves nothing.
  Client deputy = signIn(*server_, "deputy", created["one_time_password"], true);
  EXPECT_EQ(deputy.call("GET", "/api/v1/users").status, 403);
  EXPECT_EQ(deputy.call("POST", "/api/v1/users/" + id + "/roles/approve").status, 403);
  auto own = admin_.call("POST", "/api/v1/users/" + id + "/roles/approve");
  EXPECT_EQ(own.status, 403) << own.body;
  EXPECT_EQ(own.json()["code"], "user.same_administrator");
  // The same through a change of an existing account's roles.
  Client w = user("promoted", {"fx_worker_agency"}, home_);
  auto promoted = admin_.call("PATCH", "/api/v1/users/" + std::to_string(w.id), {{"roles", {"admin"}}});
  ASSERT_EQ(promoted.status, 200) << promoted.body;
  EXPECT_EQ(promoted.json()["roles"], Json::array()) << promoted.body;
  EXPECT_EQ(promoted.json()["pending_roles"], Json({"admin"})) << promoted.body;
  // A second administrator (from the command line) approves.
  auto approved = admins_->second().call("POST", "/api/v1/users/" + id + "/roles/approve");
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(approved.json()["roles"], Json({"admin"})) << approved.body;
  EXPECT_EQ(approved.json()["pending_roles"], Json::array());
}

TEST_F(AccessMatrix, ApiTokensActWithTheirRolesAndCanBeReadOnlyAndRevoked) {
  Client w = user("machine_owner", {"fx_worker_agency"}, home_);
  const int64_t id = createAs(w, "via token");
  const std::string url = "/api/v1/records/test_case/" + std::to_string(id);
  // A role the user does not hold is refused, by name.
  auto bad = w.call("POST", "/api/v1/auth/tokens", {{"name", "sync"}, {"roles", {"fx_reader_national"}}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(bad.json()["errors"][0]["field"], "roles[0]");
  auto made = w.call("POST", "/api/v1/auth/tokens", {{"name", "reporting system"}, {"read_only", true}});
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string token = made.json()["token"];
  ASSERT_EQ(token.rfind("plm_", 0), 0U);
  const std::vector<std::pair<std::string, std::string>> bearer = {{"Authorization", "Bearer " + token}};
  // Reads work without cookie or CSRF token; writes do not, for a read-only token.
  auto got = server_->request("GET", url, "", bearer);
  EXPECT_EQ(got.status, 200) << got.body;
  auto write = server_->request("PATCH", url, Json{{"quantity", 3}}.dump(), {{"Authorization", "Bearer " + token}, {"If-Match", "1"}});
  EXPECT_EQ(write.status, 403);
  EXPECT_EQ(write.json()["code"], "auth.token_read_only");
  // Tokens cannot manage accounts or make more tokens.
  EXPECT_EQ(server_->request("POST", "/api/v1/auth/tokens", R"({"name":"x"})", bearer).status, 403);
  EXPECT_EQ(server_->request("GET", "/api/v1/auth/me", "", bearer).status, 403);
  // The secret is not stored; listing shows metadata only.
  auto list = w.call("GET", "/api/v1/auth/tokens");
  EXPECT_EQ(list.body.find(token), std::string::npos);
  EXPECT_EQ(list.json()["items"].size(), 1U);
  // Revoked: nothing any more.
  EXPECT_EQ(w.call("DELETE", "/api/v1/auth/tokens/" + std::to_string(made.json()["id"].get<int64_t>())).status, 204);
  EXPECT_EQ(server_->request("GET", url, "", bearer).status, 401);
  EXPECT_EQ(server_->request("GET", url, "", {{"Authorization", "Bearer plm_forged"}}).status, 401);

  // A token does not outlive the password it was made under: changing it revokes every token.
  auto second = w.call("POST", "/api/v1/auth/tokens", {{"name", "nightly export"}, {"read_only", true}});
  ASSERT_EQ(second.status, 201) << second.body;
  const std::vector<std::pair<std::string, std::string>> bearer2 = {
      {"Authorization", "Bearer " + second.json()["token"].get<std::string>()}};
  EXPECT_EQ(server_->request("GET", url, "", bearer2).status, 200);
  ASSERT_EQ(w.call("POST", "/api/v1/auth/password",
                   {{"current_password", kPassword}, {"new_password", "another horse battery 8"}})
                .status,
            204);
  EXPECT_EQ(server_->request("GET", url, "", bearer2).status, 401);
  auto listed = w.call("GET", "/api/v1/auth/tokens");  // the session that changed it goes on
  ASSERT_EQ(listed.status, 200) << listed.body;
  const Json tokens = listed.json()["items"];  // kept: the loop reads into it
  for (const auto& t : tokens) EXPECT_FALSE(t.value("revoked_at", Json()).is_null()) << listed.body;
}

TEST_F(AccessMatrix, ConsentLimitsSharingUnlessOverriddenWithAReason) {
  const int64_t id = createAs(w_far_, "consent");  // consented: ngo, special_police
  const std::string url = "/api/v1/records/test_case/" + std::to_string(id);
  const int64_t prosecutor = agency("Prosecutor", "prosecutor", "r1");
  auto refused = w_far_.call("POST", url + "/grants", {{"agency_id", prosecutor}, {"reason", "court case"}});
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(refused.json()["code"], "access.consent_missing");
  EXPECT_EQ(refused.json()["errors"][0]["field"], "consent_agencies");
  EXPECT_EQ(w_far_.call("POST", url + "/grants", {{"agency_id", police_}, {"reason", "investigation"}}).status, 201);
  // A role with consent_override may, with a reason, and it is audited as an override.
  auto no_reason = admin_.call("POST", url + "/grants", {{"agency_id", prosecutor}, {"reason", "court case"}});
  EXPECT_EQ(no_reason.status, 422);
  EXPECT_EQ(no_reason.json()["errors"][0]["field"], "consent_override_reason");
  auto overridden = admin_.call("POST", url + "/grants", {{"agency_id", prosecutor}, {"reason", "court case"},
                                                          {"consent_override_reason", "court order 12/2026"}});
  EXPECT_EQ(overridden.status, 201) << overridden.body;
}

TEST_F(AccessMatrix, CourtDecisionEndsNamedRolesAccessToTheIdentity) {
  Client reader = user("reader_agency", {"fx_worker_agency"}, far_);
  Client prosecutor = user("pros", {"fx_prosecutor"}, far_);
  const int64_t id = createAs(w_far_, "j3");
  const std::string url = "/api/v1/records/test_case/" + std::to_string(id);
  EXPECT_EQ(reader.call("GET", url).json()["data"]["full_name"], "Made Up Person");
  // Only the authorised role, with the decision and a reason, each named when missing.
  EXPECT_EQ(reader.call("PUT", url + "/identity-restrictions", {{"roles", {"fx_worker_agency"}}}).status, 403);
  auto incomplete = prosecutor.call("PUT", url + "/identity-restrictions", {{"roles", {"nope"}}});
  EXPECT_EQ(incomplete.status, 422);
  std::set<std::string> fields;
  const Json body = incomplete.json();
  for (const auto& e : body["errors"]) fields.insert(e["field"].get<std::string>());
  EXPECT_EQ(fields, (std::set<std::string>{"reason", "decision", "roles[0]"}));
  auto done = prosecutor.call("PUT", url + "/identity-restrictions",
                              {{"roles", {"fx_worker_agency"}}, {"decision", "Decision 7/2026 of 2026-11-20"},
                               {"reason", "end of proceedings"}});
  ASSERT_EQ(done.status, 200) << done.body;
  // The facts stay visible; the identity does not, by any read, and cannot be written.
  auto after = reader.call("GET", url);
  ASSERT_EQ(after.status, 200);
  EXPECT_FALSE(after.json()["data"].contains("full_name"));
  EXPECT_EQ(after.json()["identity_hidden"], true);
  auto listed = reader.call("GET", "/api/v1/records/test_case?fields=title,full_name&limit=500");
  const Json listed_body = listed.json();
  for (const auto& item : listed_body["items"]) {
    if (item["id"] == id) {
      EXPECT_FALSE(item["data"].contains("full_name"));
    }
  }
  auto write = reader.call("PATCH", url, {{"full_name", "Other Made Up"}}, {{"If-Match", std::to_string(version(id))}});
  EXPECT_EQ(write.status, 403);
  // Other roles keep it; the restriction can be lifted.
  EXPECT_EQ(prosecutor.call("GET", url).json()["data"]["full_name"], "Made Up Person");
  EXPECT_EQ(prosecutor.call("PUT", url + "/identity-restrictions",
                            {{"roles", Json::array()}, {"decision", "Decision 8/2026"}, {"reason", "appeal"}})
                .status,
            200);
  EXPECT_EQ(reader.call("GET", url).json()["data"]["full_name"], "Made Up Person");
}
