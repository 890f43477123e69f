// Import: rows go through the engine in one transaction; one bad row means nothing is written,
// errors name file, line, field and rule; keys link rows; CSV cells are typed by the schema.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

#include <filesystem>
#include <map>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include "admin/admin_service.hpp"
#include "audit/audit.hpp"
#include "auth/password.hpp"
#include "core/keys.hpp"
#include "records/engine.hpp"
#include "records/import.hpp"
#include "records/schema.hpp"
#include "rules/rulebook.hpp"
#include "stats/service.hpp"
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

// Capacity over time (issue 28): a placement of 2010 is checked against the shelter of 2010, not
// against everyone there since; the refusal names the busiest day and how many were there.
TEST_F(Import, PastPlacementsAreCheckedOnTheirOwnDays) {
  const std::string head =
      R"({"_type":"facility","_key":"f","name":"Shelter of two","facility_kind":"shelter","operated_by":"ngo","capacity":2}
{"_type":"person","_key":"p","sex":"female"}
{"_type":"victim_case","_key":"c","person":{"_key":"p"},"registered_on":"2009-01-01"}
)";
  auto stay = [](const std::string& from, const std::string& to) {
    std::string row = R"({"_type":"placement","victim_case":{"_key":"c"},"facility":{"_key":"f"},"admitted_on":")" +
                      from + "\"";
    if (!to.empty())
      row += R"(,"discharged_on":")" + to +
             R"(","_transitions":[{"name":"discharge","data":{"discharge_reason":"programme_completed"}}])";
    return row + "}\n";
  };
  // Two at a time, over five years: more stays than places, never more people than places.
  const std::string history = head + stay("2009-01-01", "2009-12-31") + stay("2010-01-01", "2010-06-01") +
                              stay("2010-02-01", "2010-07-01") + stay("2010-06-01", "2011-01-01") +
                              stay("2010-07-01", "") + stay("2011-01-01", "2012-01-01") +
                              stay("2012-01-01", "2014-05-05");
  const auto report = importRows(*service_, Actor::systemActor(), jsonl(history), {});
  ASSERT_TRUE(report.committed) << (report.errors.empty() ? "" : report.errors[0].toString());
  EXPECT_EQ(report.created.at("placement"), 7);
  EXPECT_EQ(count("placement"), 7);

  // A third person in March 2010 is refused, naming the busiest day; so is a stay from 2014 on
  // (the stay of 2010-07-01 is still open, and the one of 2012 runs to 2014-05-05). A stay in the
  // gaps fits: 2014-06-01 on is one open stay and this one.
  auto later = [&](const std::string& from, const std::string& to) {
    std::string row = "{\"_type\":\"placement\",\"victim_case\":" + std::to_string(report.ids.at("c")) +
                      ",\"facility\":" + std::to_string(report.ids.at("f")) + ",\"admitted_on\":\"" + from + "\"";
    if (!to.empty()) row += ",\"discharged_on\":\"" + to + "\"";
    return row + "}\n";
  };
  const auto refused = importRows(*service_, Actor::systemActor(),
                                  jsonl(later("2010-01-15", "2010-04-01") + later("2014-01-01", "2014-12-31")), {});
  EXPECT_FALSE(refused.committed);
  ASSERT_EQ(refused.errors.size(), 2U) << refused.toJson().dump();
  for (const auto& e : refused.errors) {
    EXPECT_EQ(e.field, "facility");
    EXPECT_EQ(e.code, "capacity");
  }
  EXPECT_NE(refused.errors[0].message.find("2 taken on 2010-02-01"), std::string::npos) << refused.errors[0].message;
  EXPECT_NE(refused.errors[1].message.find("2 taken on 2014-01-01"), std::string::npos) << refused.errors[1].message;
  EXPECT_EQ(count("placement"), 7);
  const auto fits = importRows(*service_, Actor::systemActor(), jsonl(later("2014-06-01", "")), {});
  EXPECT_TRUE(fits.committed) << (fits.errors.empty() ? "" : fits.errors[0].toString());
  // And today: the open stays of 2010-07-01 and 2014-06-01 fill it.
  const auto today = importRows(*service_, Actor::systemActor(), jsonl(later("2026-01-01", "")), {});
  ASSERT_EQ(today.errors.size(), 1U);
  EXPECT_NE(today.errors[0].message.find("2 taken on 2026-01-01"), std::string::npos) << today.errors[0].message;
}

// ---- Mapping files, XLSX workbooks, importing a source again (issue 28) ----

namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A ZIP archive of the given parts, written by libzip: hostile workbooks made by hand.
std::string zipOf(const std::filesystem::path& path, const std::vector<std::pair<std::string, std::string>>& parts) {
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  EXPECT_NE(z, nullptr);
  for (const auto& [name, bytes] : parts) {
    zip_source_t* s = zip_source_buffer(z, bytes.data(), bytes.size(), 0);
    zip_file_add(z, name.c_str(), s, ZIP_FL_ENC_UTF_8);
  }
  zip_close(z);
  return slurp(path);
}

const char* kRels =
    R"(<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>)";
const char* kWorkbook =
    R"(<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>)";

std::string sheetXml(const std::string& rows) {
  return R"(<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>)" +
         rows + "</sheetData></worksheet>";
}

}  // namespace

TEST_F(Import, MappingFilesTurnAnotherAgencysColumnsAndWordsIntoFieldsAndCodes) {
  std::vector<ImportError> errors;
  const auto mapping = readMapping(
      "type: person\n"
      "columns:\n  Soyad: last_name\n  Cins: sex\n  \"Doğum ili\": birth\n  Qeyd: \"\"\n  Vətəndaşlığı yoxdur: stateless\n"
      "values:\n  sex: {qadın: female, kişi: male}\n  stateless: {bəli: \"true\", xeyr: \"false\"}\n",
      "m.yaml", errors);
  ASSERT_TRUE(errors.empty()) << errors[0].toString();
  EXPECT_EQ(mapping.type, "person");
  checkMapping(mapping, "m.yaml", schema_, "person", errors);
  EXPECT_TRUE(errors.empty());
  std::istringstream in(
      "Soyad,Cins,Doğum ili,Qeyd,Vətəndaşlığı yoxdur\n"
      "Testova,QADIN,1990,whatever the ministry wrote,Bəli\n"
      "Testov,kişi,1985-04,,xeyr\n"
      "Nameless,qadin,1970,,\n");
  const auto rows = readCsv(in, "p.csv", "person", schema_, errors, &mapping);
  ASSERT_TRUE(errors.empty()) << errors[0].toString();
  ASSERT_EQ(rows.size(), 3U);
  EXPECT_EQ(rows[0].data, Json({{"last_name", "Testova"}, {"sex", "female"}, {"birth", "1990"}, {"stateless", true}}));
  EXPECT_EQ(rows[1].data["sex"], "male");
  EXPECT_EQ(rows[1].data["stateless"], false);
  EXPECT_EQ(rows[2].data["sex"], "female");  // "qadin" folds to "qadın"
  // JSON lines too.
  std::istringstream lines(R"({"_type":"person","Soyad":"Testova","Cins":"Qadın","Qeyd":"x"})" "\n");
  const auto jrows = readJsonLines(lines, "p.jsonl", "", errors, &mapping);
  ASSERT_EQ(jrows.size(), 1U);
  EXPECT_EQ(jrows[0].data, Json({{"last_name", "Testova"}, {"sex", "female"}}));
  const auto report = importRows(*service_, Actor::systemActor(), rows, {});
  EXPECT_TRUE(report.committed) << (report.errors.empty() ? "" : report.errors[0].toString());

  // A mapping's own mistakes are named: an unknown key, a column to no field, a code not in the list.
  std::vector<ImportError> bad;
  const auto wrong = readMapping("colums: {}\ncolumns: {Ad: first_nam}\nvalues: {sex: {qadın: woman}}\n", "w.yaml", bad);
  ASSERT_EQ(bad.size(), 1U);
  EXPECT_EQ(bad[0].line, 1);
  EXPECT_EQ(bad[0].code, "unknown");
  checkMapping(wrong, "w.yaml", schema_, "person", bad);
  ASSERT_EQ(bad.size(), 3U);
  EXPECT_EQ(bad[1].code, "unknown_field");
  EXPECT_EQ(bad[2].code, "not_in_list");
  EXPECT_NE(bad[2].message.find("woman"), std::string::npos);
  std::vector<ImportError> syntax;
  (void)readMapping("columns: [unclosed\n", "s.yaml", syntax);
  ASSERT_FALSE(syntax.empty());
  EXPECT_EQ(syntax[0].code, "yaml");
}

TEST_F(Import, XlsxWorkbooksAreReadLikeCsvWithTheirDates) {
  const auto path = dir_ / "people.xlsx";
  for (const bool constant_memory : {false, true}) {  // shared strings, then inline strings
    lxw_workbook_options opts{};
    opts.constant_memory = constant_memory ? LXW_TRUE : LXW_FALSE;
    lxw_workbook* wb = workbook_new_opt(path.c_str(), &opts);
    lxw_worksheet* first = workbook_add_worksheet(wb, "Notes");
    worksheet_write_string(first, 0, 0, "not this sheet", nullptr);
    lxw_worksheet* ws = workbook_add_worksheet(wb, "Şəxslər");
    lxw_format* date = workbook_add_format(wb);
    format_set_num_format(date, "dd.mm.yyyy");
    const char* header[] = {"_key", "Soyad", "Cins", "birth", "stateless", "vulnerabilities"};
    for (int c = 0; c < 6; ++c) worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), header[c], nullptr);
    worksheet_write_string(ws, 1, 0, "a", nullptr);
    worksheet_write_string(ws, 1, 1, "Testova", nullptr);
    worksheet_write_string(ws, 1, 2, "qadın", nullptr);
    lxw_datetime born{1985, 3, 7, 0, 0, 0};
    worksheet_write_datetime(ws, 1, 3, &born, date);
    worksheet_write_boolean(ws, 1, 4, 1, nullptr);
    worksheet_write_string(ws, 1, 5, "begging; domestic_violence", nullptr);
    // Row 3 is left empty; row 4 has a year as a number and no key.
    worksheet_write_string(ws, 3, 1, "Testov", nullptr);
    worksheet_write_string(ws, 3, 2, "kişi", nullptr);
    worksheet_write_number(ws, 3, 3, 1990, nullptr);
    ASSERT_EQ(workbook_close(wb), LXW_NO_ERROR);

    std::vector<ImportError> errors;
    ImportMapping mapping;
    mapping.sheet = "Şəxslər";
    mapping.columns = {{"Soyad", "last_name"}, {"Cins", "sex"}};
    mapping.values = {{"sex", {{"qadın", "female"}, {"kişi", "male"}}}};
    mapping.fold();
    const auto rows = readXlsx(slurp(path), "people.xlsx", "person", schema_, errors, &mapping);
    ASSERT_TRUE(errors.empty()) << errors[0].toString();
    ASSERT_EQ(rows.size(), 2U);
    EXPECT_EQ(rows[0].line, 2);
    EXPECT_EQ(rows[0].key, "a");
    EXPECT_EQ(rows[0].data, Json({{"last_name", "Testova"},
                                  {"sex", "female"},
                                  {"birth", "1985-03-07"},
                                  {"stateless", true},
                                  {"vulnerabilities", {"begging", "domestic_violence"}}}));
    EXPECT_EQ(rows[1].line, 4);  // the spreadsheet's own row number
    EXPECT_EQ(rows[1].data, Json({{"last_name", "Testov"}, {"sex", "male"}, {"birth", "1990"}}));
    // Without the mapping: the first sheet, which is not a sheet of persons.
    std::vector<ImportError> e2;
    (void)readXlsx(slurp(path), "people.xlsx", "person", schema_, e2);
    ASSERT_EQ(e2.size(), 1U);
    EXPECT_EQ(e2[0].code, "unknown_field");
    EXPECT_EQ(e2[0].field, "not this sheet");
  }
}

// Hostile workbooks (every one also a seed of tests/fuzz/fuzz_xlsx.cpp): named errors, no rows.
TEST_F(Import, HostileWorkbooksAreNamedNotThrown) {
  auto errorsOf = [&](const std::string& bytes) {
    std::vector<ImportError> errors;
    const auto rows = readXlsx(bytes, "h.xlsx", "person", schema_, errors);
    EXPECT_TRUE(rows.empty());
    EXPECT_FALSE(errors.empty());
    return errors.empty() ? std::string() : errors[0].code + ": " + errors[0].message;
  };
  EXPECT_NE(errorsOf("sex,birth\nfemale,1990\n").find("not a ZIP"), std::string::npos);
  EXPECT_NE(errorsOf(zipOf(dir_ / "a.zip", {{"x.txt", "hello"}})).find("no part xl/workbook.xml"), std::string::npos);
  const std::string doctype =
      R"(<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><workbook>&lol2;</workbook>)";
  EXPECT_NE(errorsOf(zipOf(dir_ / "b.zip", {{"xl/workbook.xml", doctype}})).find("document type"), std::string::npos);
  EXPECT_NE(errorsOf(zipOf(dir_ / "c.zip", {{"xl/workbook.xml", "<workbook><sheets>"}})).find("well-formed"),
            std::string::npos);
  auto book = [&](const std::string& name, const std::string& rows) {
    return zipOf(dir_ / name, {{"xl/workbook.xml", kWorkbook},
                               {"xl/_rels/workbook.xml.rels", kRels},
                               {"xl/worksheets/sheet1.xml", sheetXml(rows)}});
  };
  const std::string header = R"(<row r="1"><c r="A1" t="inlineStr"><is><t>sex</t></is></c></row>)";
  // A sound one first: the hand-made parts are read.
  std::vector<ImportError> none;
  const auto ok = readXlsx(book("ok.zip", header + R"(<row r="2"><c r="A2" t="inlineStr"><is><t>female</t></is></c></row>)"),
                           "ok.xlsx", "person", schema_, none);
  ASSERT_TRUE(none.empty()) << none[0].toString();
  ASSERT_EQ(ok.size(), 1U);
  EXPECT_EQ(ok[0].data["sex"], "female");
  EXPECT_NE(errorsOf(book("d.zip", header + R"(<row r="2"><c r="XFE2"><v>1</v></c></row>)")).find("out of place"),
            std::string::npos);  // column 16,385
  EXPECT_NE(errorsOf(book("e.zip", header + R"(<row r="1048577"><c><v>1</v></c></row>)")).find("out of range"),
            std::string::npos);
  EXPECT_NE(errorsOf(book("f.zip", header + R"(<row r="2"><c r="A2" t="s"><v>7</v></c></row>)")).find("shared text"),
            std::string::npos);
  EXPECT_NE(errorsOf(book("g.zip", header + R"(<row r="2"><c r="A2" t="s"><v>-1</v></c></row>)")).find("shared text"),
            std::string::npos);
  EXPECT_NE(errorsOf(book("h.zip", header + R"(<row r="3"/><row r="2"><c><v>1</v></c></row>)")).find("after row"),
            std::string::npos);
  EXPECT_NE(errorsOf(book("i.zip", header + R"(<row r="2"><c r="B2"><v>1</v></c></row>)")).find("past the 1 columns"),
            std::string::npos);
  // A relationship that climbs out of the archive's folders stays inside it (and is not there).
  const std::string climbing = R"(<Relationships><Relationship Id="rId1" Target="../../../../etc/passwd"/></Relationships>)";
  EXPECT_NE(errorsOf(zipOf(dir_ / "j.zip", {{"xl/workbook.xml", kWorkbook}, {"xl/_rels/workbook.xml.rels", climbing}}))
                .find("no part etc/passwd"),
            std::string::npos);
}

// Importing the same source again (issue 28): rows met before update their records or leave
// them as they are; the summary before writing says which.
TEST_F(Import, ASourceImportedAgainUpdatesItsRecordsInsteadOfAddingThem) {
  ImportOptions o;
  o.source = "ministry-2005-2020";
  const auto first = importRows(*service_, Actor::systemActor(), jsonl(kGood), o);
  ASSERT_TRUE(first.committed) << (first.errors.empty() ? "" : first.errors[0].toString());
  EXPECT_EQ(first.created.at("person"), 1);
  // The same rows again: nothing new. The unkeyed subsidy is new each time (it has no key), and the
  // one-time subsidy's constraint refuses the second one — so it is left out here.
  std::string again = kGood;
  again = again.substr(0, again.rfind("{\"_type\":\"subsidy\""));
  const auto dry = [&](const std::string& text) {
    ImportOptions d = o;
    d.dry_run = true;
    return importRows(*service_, Actor::systemActor(), jsonl(text), d);
  };
  const auto same = dry(again);
  EXPECT_TRUE(same.errors.empty()) << (same.errors.empty() ? "" : same.errors[0].toString());
  EXPECT_TRUE(same.created.empty()) << same.toJson().dump();
  EXPECT_EQ(same.unchanged.at("person"), 1);
  EXPECT_EQ(same.unchanged.at("victim_case"), 1);
  // A corrected birth and a new person: one updated, one new.
  std::string changed = again;
  changed.replace(changed.find("1985-03"), 7, "1985-04");
  changed += R"({"_type":"person","_key":"p2","last_name":"Madeupova","sex":"female"})" "\n";
  const auto summary = dry(changed);
  EXPECT_EQ(summary.updated.at("person"), 1) << summary.toJson().dump();
  EXPECT_EQ(summary.created.at("person"), 1);
  EXPECT_EQ(summary.unchanged.at("victim_case"), 1);
  EXPECT_EQ(count("person"), 1);  // the dry run wrote nothing
  const auto written = importRows(*service_, Actor::systemActor(), jsonl(changed), o);
  ASSERT_TRUE(written.committed);
  EXPECT_EQ(count("person"), 2);
  EXPECT_EQ(service_->get(Actor::systemActor(), "person", written.ids.at("p1"))["data"]["birth"], "1985-04");
  EXPECT_EQ(written.ids.at("p1"), first.ids.at("p1"));
  // Another source's keys are its own: the same rows under another name are new records.
  ImportOptions other;
  other.source = "ngo-sheet";
  EXPECT_EQ(importRows(*service_, Actor::systemActor(), jsonl(again), other).created.at("person"), 1);
  // A record deleted since is not brought back silently.
  const int64_t p2 = written.ids.at("p2");
  const auto v = service_->get(Actor::systemActor(), "person", p2)["version"].get<int64_t>();
  service_->remove(Actor::systemActor(), "person", p2, v, "duplicate");
  const auto deleted = importRows(*service_, Actor::systemActor(),
                                  jsonl(R"({"_type":"person","_key":"p2","last_name":"Madeupova","sex":"female"})" "\n"), o);
  ASSERT_EQ(deleted.errors.size(), 1U);
  EXPECT_EQ(deleted.errors[0].code, "deleted");
  // A source name is text of at most 100 bytes.
  ImportOptions bad;
  bad.source = std::string(101, 'x');
  EXPECT_EQ(importRows(*service_, Actor::systemActor(), jsonl(again), bad).errors.at(0).field, "source");
  EXPECT_TRUE(audit::verify(*store_, keys_.auditKey()).ok);
}

// Money in files (issue 28): qəpik as the API keeps them, or manat — with the unit, or every plain
// number when the mapping says `money: manat` — read digit by digit, never changed quietly.
TEST_F(Import, MoneyCellsAreQepikOrManatWithTheirUnit) {
  EXPECT_EQ(moneyCell("70000", false), 70000);
  EXPECT_EQ(moneyCell("700 AZN", false), 70000);
  EXPECT_EQ(moneyCell("700,50 manat", false), 70050);
  EXPECT_EQ(moneyCell("₼ 1 234.5", false), 123450);
  EXPECT_EQ(moneyCell("1\xc2\xa0" "234,56 azn", false), 123456);
  EXPECT_EQ(moneyCell("700", true), 70000);
  EXPECT_EQ(moneyCell("700.05", true), 70005);
  EXPECT_EQ(moneyCell("12.339999999999999", true), 1234);  // a spreadsheet's binary 12.34
  EXPECT_EQ(moneyCell("-5", true), -500);
  for (const char* bad : {"700.50", "7e2", "700.555", "abc", "", "AZN", "700.", "1,2,3", "0x10", "700 AZN AZN"})
    EXPECT_FALSE(moneyCell(bad, false)) << bad;  // qəpik: whole numbers only, unless a unit says manat
  for (const char* bad : {"700.555", "7e2", ".5", "1..2", "99999999999999999"}) EXPECT_FALSE(moneyCell(bad, true)) << bad;
  // In a file: the cell says what it is, and an amount that is neither is named.
  std::istringstream in("kind,amount\nmonthly,700 AZN\nmonthly,70000\nmonthly,700.50\n");
  std::vector<ImportError> errors;
  const auto rows = readCsv(in, "s.csv", "subsidy", schema_, errors);
  ASSERT_EQ(rows.size(), 3U);  // the third with its error (the import refuses it)
  EXPECT_EQ(rows[0].data["amount"], 70000);
  EXPECT_EQ(rows[1].data["amount"], 70000);
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].line, 4);
  EXPECT_NE(errors[0].message.find("manat with its unit"), std::string::npos);
  ImportMapping manat;
  manat.money_in_manat = true;
  std::istringstream in2("kind,amount\nmonthly,700.50\n");
  std::vector<ImportError> e2;
  EXPECT_EQ(readCsv(in2, "s.csv", "subsidy", schema_, e2, &manat).at(0).data["amount"], 70050);
  std::vector<ImportError> e3;
  EXPECT_TRUE(readMapping("money: manat\n", "m.yaml", e3).money_in_manat);
  (void)readMapping("money: dollars\n", "m.yaml", e3);
  ASSERT_EQ(e3.size(), 1U);
  EXPECT_EQ(e3[0].field, "money");
}

// ---- A ministry's history of several years (issue 28): agencies created by the import itself,
// victims identified year after year, a person identified and found a year later not to be a
// victim, placements in a small shelter over the years (one still open since 2016), one-time
// subsidies under both rates. The annual reports of those years state the figures the generator
// worked out from its own rows.

namespace {

constexpr int kFirstYear = 2016, kLastYear = 2019;

// What each year's report must say, counted by the generator from the rows it writes.
struct YearFigures {
  int identified = 0, female = 0, male = 0, special_police = 0, police = 0;
  int placed = 0;           // identified that year, with a placement in the ministry's shelter
  int subsidised = 0;       // identified that year, one-time subsidy paid
  int64_t paid_qepik = 0;   // one-time subsidies paid that year (by payment date)
};

struct History {
  std::vector<ImportRow> rows;
  std::map<int, YearFigures> figures;
};

ImportRow row(const std::string& type, Json data, const std::string& key = "", const std::string& agency = "",
              Json transitions = Json::array()) {
  ImportRow r;
  r.type = type;
  r.data = std::move(data);
  r.key = key;
  r.agency = agency;
  r.transitions = std::move(transitions);
  r.file = "history.jsonl";
  return r;
}

// The one-time subsidy's rate on a decision date (rules/rates/one_time_subsidy.yaml).
int64_t rateOn(const std::string& date) { return date < "2019-06-04" ? 40000 : 70000; }

History makeHistory() {
  History h;
  // The agencies of those years, created by the import.
  h.rows.push_back(row("agency", {{"name", "History Police A"}, {"type", "special_police"}, {"region", "baku"}}));
  h.rows.push_back(row("agency", {{"name", "History Police B"}, {"type", "police"}, {"region", "ganja"}}));
  // The Ministry's shelter: three places.
  h.rows.push_back(row("facility",
                       {{"name", "History shelter"}, {"facility_kind", "shelter"},
                        {"operated_by", "ministry_internal_affairs"}, {"capacity", 3}},
                       "shelter"));
  int person = 0;
  for (int year = kFirstYear; year <= kLastYear; ++year) {
    YearFigures& f = h.figures[year];
    const int n = 10 + 3 * (year - kFirstYear);
    for (int j = 0; j < n; ++j, ++person) {
      const bool male = j % 4 == 3;
      const bool special = j % 2 == 0;
      const int month = 1 + j % 12;
      auto day = [&](int d) { return fmt::format("{}-{:02}-{:02}", year, month, d); };
      const std::string p = fmt::format("p{}", person), c = fmt::format("c{}", person);
      h.rows.push_back(row("person", {{"sex", male ? "male" : "female"}}, p));
      h.rows.push_back(row("victim_case", {{"person", {{"_key", p}}}, {"registered_on", fmt::format("{}-01-02", year)}},
                           c, special ? "History Police A" : "History Police B",
                           Json::array({{{"name", "identify"}, {"data", {{"decision_date", day(5)}}}}})));
      ++f.identified;
      ++(male ? f.male : f.female);
      ++(special ? f.special_police : f.police);
      // Every third is placed for three weeks; the second person of 2016 is placed in December
      // and never discharged (the place stays taken from then on).
      bool placed = false;
      if (j % 3 == 0) {
        h.rows.push_back(row("placement",
                             {{"victim_case", {{"_key", c}}}, {"facility", {{"_key", "shelter"}}},
                              {"admitted_on", day(5)}, {"discharged_on", day(26)}},
                             "", "",
                             Json::array({{{"name", "discharge"}, {"data", {{"discharge_reason", "programme_completed"}}}}})));
        placed = true;
      }
      if (year == kFirstYear && j == 1) {
        h.rows.push_back(row("placement", {{"victim_case", {{"_key", c}}}, {"facility", {{"_key", "shelter"}}},
                                           {"admitted_on", "2016-12-01"}}));
        placed = true;
      }
      f.placed += placed ? 1 : 0;
      // The one-time subsidy: decided on the 15th, paid on the 25th (the amount is the rate's).
      const std::string decided = day(15);
      h.rows.push_back(row("subsidy",
                           {{"person", {{"_key", p}}}, {"victim_case", {{"_key", c}}}, {"kind", "one_time"},
                            {"decision_date", decided}},
                           "", "",
                           Json::array({{{"name", "pay"},
                                         {"data", {{"paid_on", day(25)}, {"payment_reference", "H-" + p}}}}})));
      ++f.subsidised;
      f.paid_qepik += rateOn(decided);
    }
    // One person a year (not the last) identified and found the next year not to be a victim:
    // counted in no year's identified victims (the case is not a victim's today).
    if (year < kLastYear) {
      const std::string p = fmt::format("r{}", year), c = fmt::format("rc{}", year);
      h.rows.push_back(row("person", {{"sex", "female"}}, p));
      h.rows.push_back(row(
          "victim_case", {{"person", {{"_key", p}}}, {"registered_on", fmt::format("{}-05-02", year)}}, c,
          "History Police A",
          Json::array({{{"name", "identify"}, {"data", {{"decision_date", fmt::format("{}-06-01", year)}}}},
                       {{"name", "revoke_identification"},
                        {"data", {{"identification_revoked_on", fmt::format("{}-04-10", year + 1)},
                                  {"revocation_reason", "The court found the facts otherwise."}}}}})));
    }
  }
  for (std::size_t i = 0; i < h.rows.size(); ++i) h.rows[i].line = static_cast<int>(i) + 1;
  return h;
}

double cell(const Json& fig, const std::string& dim, const std::string& code) {
  for (const auto& b : fig["breakdowns"])
    if (b["dimension"] == dim)
      for (const auto& c : b["cells"])
        if (c["code"] == code) return c["value"].is_null() ? -1 : c["value"].get<double>();
  return 0;
}

}  // namespace

TEST_F(Import, AHistoryOfSeveralYearsStatesItsFiguresInEachYearsReport) {
  const History history = makeHistory();
  admin::AdminService administration(*store_, &schema_, auth::HashCost::Min);
  ImportOptions options;
  options.source = "ministry-history-2016-2019";
  options.create_agency = [&](const AgencyRow& a) { return administration.createAgency(0, a); };
  const auto report = importRows(*service_, Actor::systemActor(), history.rows, options);
  ASSERT_TRUE(report.committed) << (report.errors.empty() ? "" : report.errors[0].toString());
  EXPECT_EQ(report.created.at("agency"), 2);
  int agencies = 0;
  for (const auto& a : store_->listAgencies()) agencies += a.name.rfind("History Police", 0) == 0 ? 1 : 0;
  EXPECT_EQ(agencies, 2);

  stats::StatsService stats(schema_, *store_, std::string(PALERMO_SOURCE_DIR) + "/indicators");
  const auto system = Actor::systemActor();
  for (int year = kFirstYear; year <= kLastYear; ++year) {
    SCOPED_TRACE(year);
    const YearFigures& want = history.figures.at(year);
    const Json r = stats.annualReport(system, year, "en", true);
    const Json& f = r["figures"];
    auto value = [&](const std::string& id) { return f.at(id)["value"].get<double>(); };
    EXPECT_EQ(value("victims_identified"), want.identified);
    EXPECT_EQ(cell(f["victims_identified"], "sex", "female"), want.female);
    EXPECT_EQ(cell(f["victims_identified"], "sex", "male"), want.male);
    EXPECT_EQ(cell(f["victims_identified"], "agency_type", "special_police"), want.special_police);
    EXPECT_EQ(cell(f["victims_identified"], "agency_type", "police"), want.police);
    EXPECT_EQ(value("victims_placed_in_ministry_shelter"), want.placed);
    EXPECT_EQ(value("victims_one_time_subsidy"), want.subsidised);
    EXPECT_EQ(value("subsidies_one_time_paid_amount"), static_cast<double>(want.paid_qepik) / 100);
  }
  // Both rates were used: 2019's first five months at 400 AZN, the rest at 700 AZN.
  EXPECT_EQ(history.figures.at(2019).paid_qepik, 10 * 40000 + 9 * 70000);

  // The same history imported again changes nothing: every keyed row is met, unchanged (the
  // rows without a key — placements and subsidies — are left out of the second run, as a file
  // of the same source's persons and cases alone would be).
  std::vector<ImportRow> keyed;
  for (const auto& r : history.rows)
    if (!r.key.empty() || r.type == "agency") keyed.push_back(r);
  ImportOptions again = options;
  again.dry_run = true;
  const auto second = importRows(*service_, Actor::systemActor(), keyed, again);
  EXPECT_TRUE(second.errors.empty()) << (second.errors.empty() ? "" : second.errors[0].toString());
  EXPECT_TRUE(second.created.empty()) << second.toJson().dump();
  EXPECT_EQ(second.unchanged.at("victim_case"), report.created.at("victim_case"));
  EXPECT_TRUE(audit::verify(*store_, keys_.auditKey()).ok);
}
