// Import: rows go through the engine in one transaction; one bad row means nothing is written,
// errors name file, line, field and rule; keys link rows; CSV cells are typed by the schema.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <sstream>

#include "audit/audit.hpp"
#include "core/keys.hpp"
#include "records/engine.hpp"
#include "records/import.hpp"
#include "records/schema.hpp"
#include "rules/rulebook.hpp"
#include "store/store.hpp"
#include "support/test_database.hpp"

using namespace palermo;
using namespace palermo::records;

namespace {

class Import : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("palermo-import-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto loaded = loadSchemaDir(std::string(PALERMO_SOURCE_DIR) + "/schema");
    ASSERT_TRUE(loaded.errors.empty());
    schema_ = std::move(loaded.schema);
    std::vector<FileError> errors;
    book_ = rules::RuleBook::load(std::string(PALERMO_SOURCE_DIR) + "/rules", errors);
    ASSERT_TRUE(errors.empty());
    store_ = openStore(palermo::test::testDatabaseUrl(dir_));
    store_->migrate();
    store_->setAuditHasher(audit::makeHasher(keys_.auditKey()));
    service_ = std::make_unique<RecordService>(schema_, *store_, keys_);
    service_->setRules(&book_);
    service_->prepare();
  }
  void TearDown() override {
    service_.reset();
    store_->close();
    std::filesystem::remove_all(dir_);
  }
  int64_t count(const std::string& type) {
    RecordQuery q;
    q.type = type;
    q.count_total = true;
    q.limit = 1;
    return store_->listRecords(q).total;
  }
  std::vector<ImportRow> jsonl(const std::string& text) {
    std::istringstream in(text);
    std::vector<ImportError> errors;
    auto rows = readJsonLines(in, "t.jsonl", "", errors);
    EXPECT_TRUE(errors.empty());
    return rows;
  }

  std::filesystem::path dir_;
  Schema schema_;
  rules::RuleBook book_;
  KeyRing keys_ = KeyRing::fromMaster(std::string(32, 'i'));
  std::unique_ptr<Store> store_;
  std::unique_ptr<RecordService> service_;
};

const char* kGood =
    R"({"_type":"person","_key":"p1","last_name":"Madeupov","sex":"male","birth":"1985-03"}
{"_type":"victim_case","_key":"c1","person":{"_key":"p1"},"registered_on":"2019-02-01","_transitions":[{"name":"identify","data":{"decision_date":"2019-03-01"}}]}
{"_type":"subsidy","person":{"_key":"p1"},"victim_case":{"_key":"c1"},"kind":"one_time","decision_date":"2019-03-02"}
)";

}  // namespace

TEST_F(Import, RowsLinkByKeyAndGoThroughTheEngine) {
  const auto report = importRows(*service_, Actor::systemActor(), jsonl(kGood), {});
  ASSERT_TRUE(report.committed) << (report.errors.empty() ? "" : report.errors[0].toString());
  EXPECT_EQ(report.rows, 3);
  EXPECT_EQ(report.created.at("victim_case"), 1);
  RecordQuery q;
  q.type = "victim_case";
  const auto page = store_->listRecords(q);
  ASSERT_EQ(page.items.size(), 1U);
  // The ids of the keyed rows come back: the caller links to what it created.
  EXPECT_EQ(report.ids.size(), 2U);
  EXPECT_EQ(report.ids.at("c1"), page.items[0].id);
  EXPECT_EQ(report.toJson()["ids"]["c1"], page.items[0].id);
  EXPECT_EQ(page.items[0].state, "identified");            // the transition ran
  EXPECT_EQ(page.items[0].data["person_birth"], "1985-03");  // the rule ran
  q.type = "subsidy";
  EXPECT_EQ(store_->listRecords(q).items[0].data["amount"], 40000);  // before 2019-06-04
  EXPECT_TRUE(audit::verify(*store_, keys_.auditKey()).ok);
}

TEST_F(Import, OneBadRowMeansNothingIsWrittenAndEveryErrorIsNamed) {
  std::string text = kGood;
  text += R"({"_type":"victim_case","person":{"_key":"p9"},"registered_on":"2019-02-01"})" "\n";
  text += R"({"_type":"person","_key":"p2","sex":"unknown_sex","birth":"1985-13"})" "\n";
  text += R"({"_type":"subsidy","person":{"_key":"p1"},"victim_case":{"_key":"c1"},"kind":"one_time","decision_date":"2019-08-02"})" "\n";
  const auto report = importRows(*service_, Actor::systemActor(), jsonl(text), {});
  EXPECT_FALSE(report.committed);
  ASSERT_GE(report.errors.size(), 4U);
  EXPECT_EQ(report.errors[0].line, 4);
  EXPECT_EQ(report.errors[0].field, "person");
  EXPECT_EQ(report.errors[0].code, "reference");
  bool sex = false, birth = false, once = false;
  for (const auto& e : report.errors) {
    sex = sex || (e.line == 5 && e.field == "sex");
    birth = birth || (e.line == 5 && e.field == "birth");
    once = once || (e.line == 6 && e.code == "unique");  // the second one-time subsidy
  }
  EXPECT_TRUE(sex && birth && once) << report.toJson().dump();
  for (const char* t : {"person", "victim_case", "subsidy"}) EXPECT_EQ(count(t), 0) << t;
  EXPECT_EQ(store_->auditHead().seq, 0);  // not even an audit entry remains
}

TEST_F(Import, DryRunWritesNothingAndSaysWhatItWouldDo) {
  ImportOptions o;
  o.dry_run = true;
  int64_t last = 0;
  o.progress = [&](int64_t done, int64_t) { last = done; };
  o.progress_every = 1;
  const auto report = importRows(*service_, Actor::systemActor(), jsonl(kGood), o);
  EXPECT_FALSE(report.committed);
  EXPECT_TRUE(report.errors.empty());
  EXPECT_EQ(report.created.at("person"), 1);
  EXPECT_TRUE(report.ids.empty());  // nothing was created
  EXPECT_EQ(last, 3);
  EXPECT_EQ(count("person"), 0);
}

TEST_F(Import, CsvCellsAreTypedByTheSchema) {
  std::istringstream in(
      "_key,last_name,sex,birth,vulnerabilities,stateless\n"
      "a,\"Testov, Jr\",male,1990,domestic_violence;begging,no\n"
      "b,Testova,female,199,,maybe\n");
  std::vector<ImportError> errors;
  const auto rows = readCsv(in, "p.csv", "person", schema_, errors);
  ASSERT_EQ(rows.size(), 2U);
  ASSERT_EQ(errors.size(), 1U);  // "maybe" is not a boolean
  EXPECT_EQ(errors[0].line, 3);
  EXPECT_EQ(errors[0].field, "stateless");
  EXPECT_EQ(rows[0].data["last_name"], "Testov, Jr");
  EXPECT_EQ(rows[0].data["vulnerabilities"], Json({"domestic_violence", "begging"}));
  EXPECT_EQ(rows[0].data["stateless"], false);
  EXPECT_EQ(rows[0].key, "a");
  std::istringstream unknown("nope\n1\n");
  std::vector<ImportError> e2;
  (void)readCsv(unknown, "x.csv", "person", schema_, e2);
  ASSERT_EQ(e2.size(), 1U);
  EXPECT_EQ(e2[0].code, "unknown_field");
}

// Found by fuzzing (tests/fuzz/fuzz_import.cpp): a "_type" that is not a string threw out of the
// reader instead of naming the line; "nan", "inf" and hexadecimal were read as decimals.
TEST_F(Import, HostileCellsAndKeysAreNamedNotThrown) {
  std::istringstream in("{\"_type\":5,\"x\":1}\n{\"_type\":[\"person\"]}\n");
  std::vector<ImportError> errors;
  const auto rows = readJsonLines(in, "t.jsonl", "", errors);
  ASSERT_GE(errors.size(), 2U);
  EXPECT_EQ(errors[0].line, 1);
  EXPECT_EQ(errors[0].field, "_type");
  EXPECT_EQ(errors[0].code, "type");
  for (const auto& r : rows) EXPECT_FALSE(r.data.contains("_type"));
  std::istringstream cells("sentence_years\n2.5\nnan\ninf\n0x1p3\n1e999\n-1.25e1\n");
  std::vector<ImportError> e2;
  const auto years = readCsv(cells, "a.csv", "accused", schema_, e2);
  ASSERT_EQ(years.size(), 6U);
  EXPECT_EQ(years[0].data["sentence_years"], 2.5);
  EXPECT_EQ(years[5].data["sentence_years"], -12.5);
  ASSERT_EQ(e2.size(), 4U);
  for (std::size_t i = 0; i < e2.size(); ++i) {
    EXPECT_EQ(e2[i].line, static_cast<int>(i) + 3);
    EXPECT_EQ(e2[i].field, "sentence_years");
  }
}

// History as it happened (issue 28): a person identified in 2016 and found in 2017 not to be a
// victim goes through the explicit correction, audited, and is identified on a day of 2016 and
// not a victim on a day of 2017; a subsidy amount that is not the rate is refused, not replaced.
TEST_F(Import, AReversedIdentificationAndAWrongAmountAreHistoryNotSilence) {
  const char* history =
      R"({"_type":"person","_key":"p1","sex":"female"}
{"_type":"victim_case","_key":"c1","person":{"_key":"p1"},"registered_on":"2016-02-01","_transitions":[{"name":"identify","data":{"decision_date":"2016-03-01"}},{"name":"revoke_identification","data":{"identification_revoked_on":"2017-04-10","revocation_reason":"Court found the facts otherwise."}}]}
)";
  const auto report = importRows(*service_, Actor::systemActor(), jsonl(history), {});
  ASSERT_TRUE(report.committed) << (report.errors.empty() ? "" : report.errors[0].toString());
  const int64_t id = report.ids.at("c1");
  const Actor system = Actor::systemActor();
  EXPECT_EQ(service_->get(system, "victim_case", id)["state"], "not_victim");
  EXPECT_EQ(service_->stateOn(system, "victim_case", id, "2016-12-31")["state"], "identified");
  EXPECT_EQ(service_->stateOn(system, "victim_case", id, "2017-12-31")["state"], "not_victim");
  // Without the reason, the correction is refused naming it.
  const char* no_reason =
      R"({"_type":"person","_key":"p2","sex":"male"}
{"_type":"victim_case","person":{"_key":"p2"},"registered_on":"2016-02-01","_transitions":[{"name":"identify","data":{"decision_date":"2016-03-01"}},{"name":"revoke_identification","data":{"identification_revoked_on":"2017-04-10"}}]}
{"_type":"subsidy","person":{"_key":"p2"},"kind":"one_time","decision_date":"2019-05-20","amount":70000}
)";
  const auto refused = importRows(*service_, Actor::systemActor(), jsonl(no_reason), {});
  EXPECT_FALSE(refused.committed);
  std::set<std::string> fields;
  for (const auto& e : refused.errors) fields.insert(e.field);
  EXPECT_TRUE(fields.count("revocation_reason")) << refused.toJson().dump();
  EXPECT_TRUE(fields.count("amount")) << refused.toJson().dump();
}
