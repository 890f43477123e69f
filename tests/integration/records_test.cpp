// The record engine through the HTTP API, on the fixture schema (tests/fixtures/schema):
// create / read / update with versions, validation, history, soft delete and restore,
// workflow transitions, lists with filters, sorting and cursors, relations, the schema and
// OpenAPI endpoints, identity encrypted at rest, and audit tampering caught by `audit verify`.

#include <set>

#include "harness.hpp"

using namespace palermo::test;
using palermo::Json;

namespace {

const std::string kFixtureSchema = std::string(PALERMO_SOURCE_DIR) + "/tests/fixtures/schema";

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// A server on the fixture schema with a signed-in administrator.
class RecordsApi : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = makeTempDir("palermo-rec");
    auto [code, out] = runCli("user add --data-dir " + dir_.string() +
                              " --set security.password_cost=min --login admin --display-name Admin --role admin");
    ASSERT_EQ(code, 0) << out;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(out, m, std::regex("One-time password: (\\S+)")));
    const std::string otp = m[1];
    server_ = std::make_unique<ServerProcess>(std::vector<std::string>{"--set", "schema.dir=" + kFixtureSchema, "--set", "statistics.dir="}, dir_);
    auto login = server_->request("POST", "/api/v1/auth/login", Json{{"login", "admin"}, {"password", otp}}.dump());
    ASSERT_EQ(login.status, 200) << login.body;
    const auto set = login.header("set-cookie");
    cookie_ = set.substr(0, set.find(';'));
    csrf_ = login.json()["csrf_token"];
    auto changed = call("POST", "/api/v1/auth/password", Json{{"current_password", otp}, {"new_password", kPassword}});
    ASSERT_EQ(changed.status, 204) << changed.body;
    enrolSecondFactorIfNeeded(*server_, cookie_, csrf_);
  }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  HttpResult call(const std::string& method, const std::string& target, const Json& body = nullptr,
                  HeaderList extra = {}) {
    extra.emplace_back("Cookie", cookie_);
    extra.emplace_back("X-CSRF-Token", csrf_);
    return server_->request(method, target, body.is_null() ? "" : body.dump(), extra);
  }

  Json create(const Json& data) {
    auto r = call("POST", "/api/v1/records/test_case", data);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json();
  }

  static std::set<std::string> rules(const HttpResult& r) {
    std::set<std::string> out;
    const Json body = r.json();
    for (const auto& e : body["errors"]) out.insert(e["field"].get<std::string>() + ":" + e["code"].get<std::string>());
    return out;
  }

  std::filesystem::path dir_;
  std::unique_ptr<ServerProcess> server_;
  std::string cookie_, csrf_;
};

}  // namespace

TEST_F(RecordsApi, CreateReadWithEtagAndComputedFields) {
  auto rec = create({{"title", "First"}, {"birth", "2001-05"}, {"decided_on", "2019-06-04"}, {"quantity", 3}});
  EXPECT_EQ(rec["version"], 1);
  EXPECT_EQ(rec["state"], "open");
  const auto id = rec["id"].get<int64_t>();
  auto got = call("GET", "/api/v1/records/test_case/" + std::to_string(id));
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.header("etag"), "\"1\"");
  EXPECT_EQ(got.json()["data"]["title"], "First");
  EXPECT_EQ(got.json()["data"]["age"], 18);  // computed from a partial birth date, when certain
  // Conditional GET.
  auto same = call("GET", "/api/v1/records/test_case/" + std::to_string(id), nullptr, {{"If-None-Match", "\"1\""}});
  EXPECT_EQ(same.status, 304);
  // Unknown type and unknown id are both 404 problems.
  EXPECT_EQ(call("GET", "/api/v1/records/nothing/1").status, 404);
  EXPECT_EQ(call("GET", "/api/v1/records/test_case/999999").status, 404);
  EXPECT_EQ(call("GET", "/api/v1/records/test_case/abc").status, 404);
}

TEST_F(RecordsApi, ValidationReportsEveryErrorAndWritesNothing) {
  auto r = call("POST", "/api/v1/records/test_case",
                {{"quantity", -1}, {"sex", "robot"}, {"decided_on", "2019-02-30"}, {"country", "ZZ"},
                 {"age", 40}, {"bogus", 1}, {"parent", 999999}});
  EXPECT_EQ(r.status, 422) << r.body;
  const auto found = rules(r);
  for (const char* expected : {"title:required", "quantity:min", "sex:not_in_list", "decided_on:date", "country:country",
                               "age:computed", "bogus:unknown_field", "parent:reference"})
    EXPECT_TRUE(found.count(expected)) << expected << " missing in " << r.body;
  auto list = call("GET", "/api/v1/records/test_case?count=true");
  EXPECT_EQ(list.json()["total"], 0);
}

// A create with an Idempotency-Key (an offline queue's retry, an answer lost on the way) sent
// again gives the first record, marked as a replay, and makes nothing more; the key with another
// body is refused naming the header; a malformed key is refused before anything is done; no key:
// two records.
TEST_F(RecordsApi, ACreateRetriedWithItsIdempotencyKeyMakesOneRecord) {
  const Json body = {{"title", "Sent from a tablet"}, {"quantity", 2}};
  const HeaderList key = {{"Idempotency-Key", "tablet-7f3a:000042"}};
  auto first = call("POST", "/api/v1/records/test_case", body, key);
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(first.header("idempotent-replayed"), "");
  const auto id = first.json()["id"].get<int64_t>();
  auto again = call("POST", "/api/v1/records/test_case", body, key);
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.json()["id"], id);
  EXPECT_EQ(again.header("idempotent-replayed"), "true");
  EXPECT_EQ(again.header("location"), "/api/v1/records/test_case/" + std::to_string(id));
  EXPECT_EQ(call("GET", "/api/v1/records/test_case?count=true").json()["total"], 1);
  auto history = call("GET", "/api/v1/records/test_case/" + std::to_string(id) + "/history");
  EXPECT_EQ(history.json()["items"].size(), 1U) << history.body;

  auto reused = call("POST", "/api/v1/records/test_case", Json{{"title", "Another record"}}, key);
  EXPECT_EQ(reused.status, 422) << reused.body;
  EXPECT_EQ(reused.json()["code"], "request.idempotency_key_reused");
  EXPECT_EQ(rules(reused), (std::set<std::string>{"Idempotency-Key:reused"}));
  for (const std::string& bad : {std::string(129, 'k'), std::string("two words"), std::string("k\xc3\xa4y")}) {
    auto refused = call("POST", "/api/v1/records/test_case", body, {{"Idempotency-Key", bad}});
    EXPECT_EQ(refused.status, 400) << refused.body;
    EXPECT_EQ(rules(refused), (std::set<std::string>{"Idempotency-Key:format"})) << refused.body;
  }
  EXPECT_EQ(call("GET", "/api/v1/records/test_case?count=true").json()["total"], 1);
  // Without a key every POST is a new record.
  EXPECT_EQ(call("POST", "/api/v1/records/test_case", body).status, 201);
  EXPECT_EQ(call("POST", "/api/v1/records/test_case", body).status, 201);
  EXPECT_EQ(call("GET", "/api/v1/records/test_case?count=true").json()["total"], 3);
}

TEST_F(RecordsApi, OptimisticConcurrencyAndHistory) {
  auto rec = create({{"title", "Draft"}, {"quantity", 1}});
  const std::string url = "/api/v1/records/test_case/" + std::to_string(rec["id"].get<int64_t>());
  // A change needs the version it was made on.
  auto missing = call("PATCH", url, {{"quantity", 2}});
  EXPECT_EQ(missing.status, 428);
  auto ok = call("PATCH", url, {{"quantity", 2}, {"notes", "checked"}}, {{"If-Match", "\"1\""}});
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.header("etag"), "\"2\"");
  // Someone else's stale version is refused and nothing changes.
  auto stale = call("PATCH", url, {{"quantity", 99}}, {{"If-Match", "\"1\""}});
  EXPECT_EQ(stale.status, 412);
  EXPECT_EQ(stale.json()["code"], "record.version_conflict");
  EXPECT_EQ(call("GET", url).json()["data"]["quantity"], 2);
  // null removes a field.
  ASSERT_EQ(call("PATCH", url, {{"notes", nullptr}}, {{"If-Match", "\"2\""}}).status, 200);
  auto history = call("GET", url + "/history").json()["items"];
  ASSERT_EQ(history.size(), 3U);
  EXPECT_EQ(history[0]["action"], "create");
  EXPECT_EQ(history[0]["by_name"], "Admin");  // who made the change, by name
  EXPECT_EQ(history[1]["version"], 2);
  std::set<std::string> fields;
  for (const auto& c : history[1]["changes"]) fields.insert(c["field"]);
  EXPECT_EQ(fields, (std::set<std::string>{"quantity", "notes"}));
  EXPECT_EQ(history[2]["changes"][0]["from"], "checked");
  EXPECT_TRUE(history[2]["changes"][0]["to"].is_null());
}

TEST_F(RecordsApi, SoftDeleteNeedsReasonAndRestoreBringsBack) {
  auto rec = create({{"title", "To delete"}});
  const std::string url = "/api/v1/records/test_case/" + std::to_string(rec["id"].get<int64_t>());
  auto no_reason = call("DELETE", url, Json::object(), {{"If-Match", "\"1\""}});
  EXPECT_EQ(no_reason.status, 422);
  EXPECT_TRUE(rules(no_reason).count("reason:required"));
  auto del = call("DELETE", url, {{"reason", "entered twice"}}, {{"If-Match", "\"1\""}});
  EXPECT_EQ(del.status, 200) << del.body;
  EXPECT_EQ(del.json()["deleted"]["reason"], "entered twice");
  EXPECT_EQ(call("GET", "/api/v1/records/test_case?count=true").json()["total"], 0);
  EXPECT_EQ(call("GET", "/api/v1/records/test_case?count=true&include_deleted=true").json()["total"], 1);
  EXPECT_EQ(call("PATCH", url, {{"quantity", 1}}, {{"If-Match", "\"2\""}}).status, 409);
  auto restored = call("POST", url + "/restore", nullptr, {{"If-Match", "\"2\""}});
  EXPECT_EQ(restored.status, 200) << restored.body;
  EXPECT_FALSE(restored.json().contains("deleted"));
}

TEST_F(RecordsApi, WorkflowTransitionsCheckStateAndRequiredFields) {
  auto rec = create({{"title", "Case"}});
  const std::string url = "/api/v1/records/test_case/" + std::to_string(rec["id"].get<int64_t>());
  auto missing = call("POST", url + "/transitions/decide", Json::object(), {{"If-Match", "\"1\""}});
  EXPECT_EQ(missing.status, 422);
  EXPECT_TRUE(rules(missing).count("decided_on:required_for_transition")) << missing.body;
  auto decided = call("POST", url + "/transitions/decide", {{"decided_on", "2020-01-15"}}, {{"If-Match", "\"1\""}});
  EXPECT_EQ(decided.status, 200) << decided.body;
  EXPECT_EQ(decided.json()["state"], "decided");
  auto again = call("POST", url + "/transitions/decide", {{"decided_on", "2020-01-16"}}, {{"If-Match", "\"2\""}});
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(call("POST", url + "/transitions/fly", Json::object(), {{"If-Match", "\"2\""}}).status, 404);
  auto history = call("GET", url + "/history").json()["items"];
  EXPECT_EQ(history[1]["action"], "transition:decide");
}

TEST_F(RecordsApi, ListsFilterSortAndPageWithCursors) {
  for (int i = 0; i < 25; ++i)
    create({{"title", "Item " + std::to_string(i)}, {"quantity", i % 5}, {"sex", i % 2 ? "female" : "male"},
            {"decided_on", "2019-01-" + std::string(i + 1 < 10 ? "0" : "") + std::to_string(i + 1)}});
  auto eq = call("GET", "/api/v1/records/test_case?quantity=3&count=true");
  EXPECT_EQ(eq.json()["total"], 5);
  auto range = call("GET", "/api/v1/records/test_case?quantity[gte]=3&sex=female&count=true");
  EXPECT_EQ(range.json()["total"], 5) << range.body;  // counts 3,4 among odd i: 3,9,13,19,23
  auto set = call("GET", "/api/v1/records/test_case?quantity[in]=0,1&count=true");
  EXPECT_EQ(set.json()["total"], 10);
  auto dates = call("GET", "/api/v1/records/test_case?decided_on[lt]=2019-01-06&count=true");
  EXPECT_EQ(dates.json()["total"], 5);
  // Pages of 7, newest decision first, following cursors; every record exactly once.
  std::vector<std::string> seen;
  std::string target = "/api/v1/records/test_case?sort=-decided_on&limit=7&fields=title,decided_on";
  for (int page = 0; page < 10; ++page) {
    auto r = call("GET", target);
    ASSERT_EQ(r.status, 200) << r.body;
    const Json body = r.json();
    for (const auto& item : body["items"]) {
      seen.push_back(item["data"]["decided_on"]);
      EXPECT_FALSE(item["data"].contains("quantity"));  // field selection
    }
    if (!body.contains("next_cursor")) break;
    target = "/api/v1/records/test_case?sort=-decided_on&limit=7&fields=title,decided_on&cursor=" +
             body["next_cursor"].get<std::string>();
  }
  ASSERT_EQ(seen.size(), 25U);
  EXPECT_TRUE(std::is_sorted(seen.rbegin(), seen.rend()));
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 25U);
  // Bad list parameters are named.
  auto bad = call("GET", "/api/v1/records/test_case?nope=1&sort=full_name&limit=0&quantity[gte]=x");
  EXPECT_EQ(bad.status, 422);
  const auto found = rules(bad);
  for (const char* expected : {"nope:unknown_field", "sort:unknown_field", "limit:range", "quantity:filter"})
    EXPECT_TRUE(found.count(expected)) << expected << " in " << bad.body;
  // A cursor the server could not have given out: not base64url, [object, id], [value, 0], a
  // huge id, nested lists, too long. Each is named, none reaches the database.
  for (const std::string& cursor : std::vector<std::string>{"%25%25%25", "W3siYSI6MX0sNV0", "WyIyMDE5IiwwXQ", "WzEsMTg0NDY3NDQwNzM3MDk1NTE2MTVd", "W1tbW1tbMV1dXV1dLDFd",
        std::string(2001, 'A')}) {
    auto r = call("GET", "/api/v1/records/test_case?sort=-decided_on&cursor=" + cursor);
    EXPECT_EQ(r.status, 422) << cursor << ": " << r.body;
    EXPECT_TRUE(rules(r).count("cursor:invalid")) << cursor << ": " << r.body;
  }
}

TEST_F(RecordsApi, NameSearchToleratesScriptAndDiacriticsAndIdentityIsEncrypted) {
  auto a = create({{"title", "A"}, {"full_name", "Şəbnəm Əliyeva"}});
  create({{"title", "B"}, {"full_name", "Leyla Həsənova"}});
  auto found = call("GET", "/api/v1/records/test_case?q=sebnem&fields=title,full_name");
  ASSERT_EQ(found.status, 200);
  ASSERT_EQ(found.json()["items"].size(), 1U) << found.body;
  EXPECT_EQ(found.json()["items"][0]["data"]["full_name"], "Şəbnəm Əliyeva");
  // Cyrillic spelling of the same name.
  EXPECT_EQ(call("GET", "/api/v1/records/test_case?q=%D0%A8%D0%B5%D0%B1%D0%BD%D0%B5%D0%BC").json()["items"].size(), 1U);
  // Lists leave identity out unless asked for.
  auto plain = call("GET", "/api/v1/records/test_case");
  const Json plain_body = plain.json();
  for (const auto& item : plain_body["items"]) EXPECT_FALSE(item["data"].contains("full_name"));
  // Identity fields cannot be used as filters.
  EXPECT_EQ(call("GET", "/api/v1/records/test_case?full_name=x").status, 422);
  server_->stop(SIGTERM);
  // The database does not contain the names in plain text.
  const std::string bytes = RawDatabase{dir_}.everything();
  ASSERT_GT(bytes.size(), 0U);
  EXPECT_EQ(bytes.find("Şəbnəm"), std::string::npos);
  EXPECT_EQ(bytes.find("Əliyeva"), std::string::npos);
  EXPECT_EQ(bytes.find("sebnem"), std::string::npos);
  // Nor does the server's log (names were written, searched for and read).
  const std::string log = server_->log();
  ASSERT_FALSE(log.empty());
  for (const char* name : {"Şəbnəm", "Əliyeva", "sebnem", "Leyla", "%D0%A8"}) EXPECT_EQ(log.find(name), std::string::npos) << name;
  (void)a;
}

TEST_F(RecordsApi, RelationsBothWays) {
  auto parent = create({{"title", "Parent"}});
  const auto pid = parent["id"].get<int64_t>();
  auto child = create({{"title", "Child"}, {"parent", pid}});
  auto out = call("GET", "/api/v1/records/test_case/" + std::to_string(child["id"].get<int64_t>()) + "/relations");
  ASSERT_EQ(out.json()["items"].size(), 1U);
  EXPECT_EQ(out.json()["items"][0]["direction"], "outgoing");
  EXPECT_EQ(out.json()["items"][0]["id"], pid);
  auto in = call("GET", "/api/v1/records/test_case/" + std::to_string(pid) + "/relations");
  EXPECT_EQ(in.json()["items"][0]["direction"], "incoming");
  EXPECT_EQ(in.json()["items"][0]["field"], "parent");
}

TEST_F(RecordsApi, SchemaAndOpenApiComeFromTheSchemaFiles) {
  auto schema = call("GET", "/api/v1/schema");
  ASSERT_EQ(schema.status, 200);
  bool found = false;
  const Json schema_body = schema.json();  // keep it alive for the loop below
  for (const auto& t : schema_body["types"])
    if (t["name"] == "test_case") {
      found = true;
      EXPECT_FALSE(t["label"]["az"].get<std::string>().empty());
      EXPECT_EQ(t["workflow"]["initial"], "open");
    }
  EXPECT_TRUE(found);
  auto doc = server_->request("GET", "/api/v1/openapi.json");
  ASSERT_EQ(doc.status, 200);
  const Json j = doc.json();
  EXPECT_EQ(j["openapi"], "3.1.0");
  EXPECT_TRUE(j["paths"].contains("/api/v1/records/test_case/{id}"));
  EXPECT_TRUE(j["paths"].contains("/api/v1/records/test_case/{id}/transitions/decide"));
  EXPECT_TRUE(j["components"]["schemas"].contains("test_case_input"));
}

TEST_F(RecordsApi, AuditVerifyCatchesEditDeleteAndInsert) {
  for (int i = 0; i < 5; ++i) create({{"title", "Audited " + std::to_string(i)}});
  server_->stop(SIGTERM);
  const RawDatabase raw{dir_};
  const std::string verify = "audit verify --data-dir " + dir_.string();
  auto [code, out] = runCli(verify);
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("intact"), std::string::npos) << out;

  auto tamper = [&](const std::string& sql) { raw.tamper(sql); };
  // Work on copies so each kind of tampering is judged alone.
  raw.snapshot();
  auto reset = [&] { raw.restore(); };

  tamper("UPDATE audit_log SET actor = 42 WHERE seq = 3");
  std::tie(code, out) = runCli(verify);
  EXPECT_EQ(code, 3);
  EXPECT_NE(out.find("at entry 3 (altered)"), std::string::npos) << out;

  reset();
  tamper("DELETE FROM audit_log WHERE seq = 2");
  std::tie(code, out) = runCli(verify);
  EXPECT_EQ(code, 3);
  EXPECT_NE(out.find("at entry 2 (removed)"), std::string::npos) << out;

  reset();
  // Insert a forged entry after 3, renumbering the rest (what an insertion in the middle takes).
  tamper("UPDATE audit_log SET seq = seq + 100 WHERE seq > 3; UPDATE audit_log SET seq = seq - 99 WHERE seq > 100;"
         "INSERT INTO audit_log(seq, at, actor, action, record_type, record_id, details, prev_hash, hash) "
         "SELECT 4, at, actor, action, record_type, record_id, details, hash, hash FROM audit_log WHERE seq = 3");
  std::tie(code, out) = runCli(verify);
  EXPECT_EQ(code, 3);
  EXPECT_NE(out.find("at entry 4"), std::string::npos) << out;

  reset();
  // Cutting entries off the end is caught by the head's MAC.
  tamper("DELETE FROM audit_log WHERE seq >= 5");
  std::tie(code, out) = runCli(verify);
  EXPECT_EQ(code, 3);
  EXPECT_NE(out.find("truncated"), std::string::npos) << out;
}

TEST_F(RecordsApi, AttachmentsAreCheckedSealedBoundAndAudited) {
  auto upload = [&](const std::string& type, const std::string& body, const std::string& target =
                                                                          "/api/v1/attachments/test_case/file?name=scan%20%C5%9F.pdf") {
    return server_->request("POST", target, body,
                            {{"Cookie", cookie_}, {"X-CSRF-Token", csrf_}, {"Content-Type", type}});
  };
  const std::string pdf = "%PDF-1.4\n% made-up test document: MARKER-ATTACHMENT-PLAINTEXT\n%%EOF\n";
  // Type, content and size are checked, each naming the field.
  EXPECT_EQ(upload("text/html", "<html>").status, 415);
  auto fake = upload("application/pdf", "MZ not a pdf");
  EXPECT_EQ(fake.status, 422);
  EXPECT_TRUE(rules(fake).count("file:content_type")) << fake.body;
  EXPECT_EQ(upload("application/pdf", pdf, "/api/v1/attachments/test_case/title").status, 422);
  auto ok = upload("application/pdf", pdf);
  ASSERT_EQ(ok.status, 201) << ok.body;
  const std::string att = ok.json()["id"];
  EXPECT_EQ(ok.json()["name"], "scan ş.pdf");
  EXPECT_EQ(ok.json()["size"], static_cast<int64_t>(pdf.size()));
  // A record refers to it; another record may not take it over.
  auto rec = create({{"title", "With file"}, {"file", att}});
  EXPECT_EQ(rec["data"]["file"], att);
  auto other = call("POST", "/api/v1/records/test_case", {{"title", "Thief"}, {"file", att}});
  EXPECT_EQ(other.status, 422);
  EXPECT_TRUE(rules(other).count("file:attachment")) << other.body;
  auto unknown = call("POST", "/api/v1/records/test_case", {{"title", "Nothing"}, {"file", "att_0000"}});
  EXPECT_TRUE(rules(unknown).count("file:attachment")) << unknown.body;
  // Download gives the bytes back, as a download that is never rendered as our page.
  auto info = call("GET", "/api/v1/attachments/" + att);
  ASSERT_EQ(info.status, 200) << info.body;
  EXPECT_EQ(info.json()["record_id"], rec["id"]);
  auto content = call("GET", "/api/v1/attachments/" + att + "/content");
  ASSERT_EQ(content.status, 200);
  EXPECT_EQ(content.body, pdf);
  EXPECT_EQ(content.header("content-type"), "application/pdf");
  EXPECT_NE(content.header("content-disposition").find("filename*=UTF-8''scan%20%C5%9F.pdf"), std::string::npos);
  EXPECT_NE(content.header("content-security-policy").find("sandbox"), std::string::npos);
  EXPECT_EQ(call("GET", "/api/v1/attachments/att_nope/content").status, 404);
  server_->stop(SIGTERM);
  // Sealed at rest; upload and read are in the audit chain.
  const std::string bytes = RawDatabase{dir_}.everything();
  EXPECT_EQ(bytes.find("MARKER-ATTACHMENT-PLAINTEXT"), std::string::npos);
  EXPECT_EQ(bytes.find("scan "), std::string::npos);
  auto [code, out] = runCli("audit verify --data-dir " + dir_.string());
  EXPECT_EQ(code, 0) << out;
  EXPECT_EQ(RawDatabase{dir_}.scalar(
                "SELECT count(*) FROM audit_log WHERE action IN ('attachment.upload', 'attachment.read')"),
            2);
}
