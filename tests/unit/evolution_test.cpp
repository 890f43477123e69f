// Schema evolution against a real SQLite store: additions pass, destructive changes are refused
// unless a data migration covers them, and migrations rewrite stored data with history and a
// chain that still verifies.
#include <gtest/gtest.h>

#include <filesystem>

#include "audit/audit.hpp"
#include "core/keys.hpp"
#include "records/engine.hpp"
#include "store/store.hpp"
#include "support/test_database.hpp"

using namespace palermo;
using namespace palermo::records;

namespace {

const char* kList = R"(list: colour
label: {az: Rəng}
values:
  - code: red
    label: {az: Qırmızı}
  - code: crimson
    label: {az: Tünd qırmızı}
  - code: blue
    label: {az: Mavi}
)";

const char* kListWithoutCrimson = R"(list: colour
label: {az: Rəng}
values:
  - code: red
    label: {az: Qırmızı}
  - code: blue
    label: {az: Mavi}
)";

std::string typeWith(const std::string& fields) {
  return "type: thing\nlabel: {az: Əşya}\nfields:\n  - name: title\n    type: text\n    label: {az: Ad}\n" + fields;
}

const std::string kV1 = typeWith(
    "  - name: legacy\n    type: text\n    label: {az: Köhnə}\n"
    "  - name: nick\n    type: text\n    label: {az: Ləqəb}\n"
    "  - name: phone\n    type: text\n    label: {az: Telefon}\n"
    "  - name: colour\n    type: enum\n    values: colour\n    label: {az: Rəng}\n");

// v2: legacy removed, nick renamed to alias, phone becomes identity, crimson merged into red.
const std::string kV2 = typeWith(
    "  - name: alias\n    type: text\n    label: {az: Ləqəb}\n"
    "  - name: phone\n    type: text\n    sensitivity: identity\n    label: {az: Telefon}\n"
    "  - name: colour\n    type: enum\n    values: colour\n    label: {az: Rəng}\n");

const char* kMigration = R"(migration: m_2026_11_thing_cleanup
description: The legacy note goes; nick is now alias; phones are identity; crimson is red.
steps:
  - remove_field: {type: thing, field: legacy}
  - rename_field: {type: thing, from: nick, to: alias}
  - reclassify_field: {type: thing, field: phone}
  - map_values: {type: thing, field: colour, map: {crimson: red}}
)";

Schema load(const std::map<std::string, std::string>& files) {
  auto r = loadSchemaTexts(files);
  std::string errors;
  for (const auto& e : r.errors) errors += e.toString() + "\n";
  EXPECT_TRUE(r.errors.empty()) << errors;
  return std::move(r.schema);
}

class Evolution : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("palermo-evolution-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = openStore(palermo::test::testDatabaseUrl(dir_));
    store_->migrate();
    store_->setAuditHasher(audit::makeHasher(keys_.auditKey()));
  }
  void TearDown() override {
    store_->close();
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  KeyRing keys_ = KeyRing::fromMaster(std::string(32, 'k'));
  std::unique_ptr<Store> store_;
  Actor admin_ = Actor::systemActor();
};

}  // namespace

TEST_F(Evolution, AddingFieldsValuesAndTypesNeedsNothing) {
  const Schema v1 = load({{"l.yaml", kList}, {"t.yaml", kV1}});
  RecordService(v1, *store_, keys_).prepare();
  const Schema v2 = load({{"l.yaml", std::string(kList) + "  - code: green\n    label: {az: Yaşıl}\n"},
                          {"t.yaml", kV1 + "  - name: extra\n    type: integer\n    label: {az: Əlavə}\n"},
                          {"u.yaml", "type: other\nlabel: {az: Digər}\nfields:\n  - name: a\n    type: text\n"
                                     "    label: {az: A}\n"}});
  EXPECT_NO_THROW(RecordService(v2, *store_, keys_).prepare());
}

TEST_F(Evolution, DestructiveChangesAreRefusedAndEachIsNamed) {
  const Schema v1 = load({{"l.yaml", kList}, {"t.yaml", kV1}});
  RecordService s1(v1, *store_, keys_);
  s1.prepare();
  s1.create(admin_, "thing", {{"title", "A"}, {"legacy", "old"}, {"nick", "Bo"}, {"colour", "crimson"}});
  const Schema v2 = load({{"l.yaml", kListWithoutCrimson}, {"t.yaml", kV2}});
  try {
    RecordService(v2, *store_, keys_).prepare();
    FAIL() << "a destructive change was accepted";
  } catch (const std::runtime_error& e) {
    const std::string msg = e.what();
    for (const char* part : {"field 'legacy' was removed", "field 'nick' was removed",
                             "field 'phone' changed sensitivity (to identity)", "value 'crimson' of field 'colour'"})
      EXPECT_NE(msg.find(part), std::string::npos) << part << " in\n" << msg;
  }
  // Nothing changed: the old schema still starts.
  EXPECT_NO_THROW(RecordService(v1, *store_, keys_).prepare());
}

TEST_F(Evolution, MigrationRewritesDataWithHistoryAndAuditOnce) {
  const Schema v1 = load({{"l.yaml", kList}, {"t.yaml", kV1}});
  RecordService s1(v1, *store_, keys_);
  s1.prepare();
  const auto a = s1.create(admin_, "thing",
                           {{"title", "A"}, {"legacy", "old"}, {"nick", "Bo"}, {"phone", "+994 50 000 00 00"},
                            {"colour", "crimson"}})["id"]
                     .get<int64_t>();
  const auto b = s1.create(admin_, "thing", {{"title", "B"}, {"colour", "blue"}})["id"].get<int64_t>();
  s1.remove(admin_, "thing", b, 1, "test");

  const Schema v2 = load({{"l.yaml", kListWithoutCrimson}, {"t.yaml", kV2}, {"m.yaml", kMigration}});
  RecordService s2(v2, *store_, keys_);
  const auto report = s2.prepare();
  EXPECT_EQ(report.migrations_applied, std::vector<std::string>{"m_2026_11_thing_cleanup"});
  EXPECT_EQ(report.records_rewritten, 1);  // B has nothing the migration touches

  const Json rec = s2.get(admin_, "thing", a);
  EXPECT_EQ(rec["version"], 2);
  EXPECT_FALSE(rec["data"].contains("legacy"));
  EXPECT_FALSE(rec["data"].contains("nick"));
  EXPECT_EQ(rec["data"]["alias"], "Bo");
  EXPECT_EQ(rec["data"]["colour"], "red");
  EXPECT_EQ(rec["data"]["phone"], "+994 50 000 00 00");
  // The phone moved to the encrypted part.
  const auto stored = store_->getRecord("thing", a);
  ASSERT_TRUE(stored);
  EXPECT_FALSE(stored->data.contains("phone"));
  EXPECT_FALSE(stored->identity.empty());
  // History names the migration; values of fields gone from the schema are not copied into it.
  const Json history = s2.history(admin_, "thing", a)["items"];
  ASSERT_EQ(history.size(), 2U);
  EXPECT_EQ(history[1]["action"], "migration");
  EXPECT_EQ(history[1].dump().find("old"), std::string::npos) << history[1].dump();
  // Applied once: the next start does nothing.
  const auto again = RecordService(v2, *store_, keys_).prepare();
  EXPECT_TRUE(again.migrations_applied.empty());
  EXPECT_EQ(s2.get(admin_, "thing", a)["version"], 2);
  EXPECT_TRUE(audit::verify(*store_, keys_.auditKey()).ok);
}

TEST_F(Evolution, MigrationThatDoesNotFitTheSchemaIsRefusedBeforeAnyWrite) {
  const Schema v1 = load({{"l.yaml", kList}, {"t.yaml", kV1}});
  RecordService s1(v1, *store_, keys_);
  s1.prepare();
  s1.create(admin_, "thing", {{"title", "A"}, {"nick", "Bo"}});
  const std::string bad = R"(migration: m_bad
description: Moves values where the schema has no field.
steps:
  - rename_field: {type: thing, from: nick, to: nickname}
  - map_values: {type: thing, field: colour, map: {crimson: purple}}
  - remove_field: {type: thing, field: legacy}
  - reclassify_field: {type: thing, field: phone}
)";
  const Schema v2 = load({{"l.yaml", kListWithoutCrimson}, {"t.yaml", kV2}, {"m.yaml", bad}});
  try {
    RecordService(v2, *store_, keys_).prepare();
    FAIL() << "an ill-fitting migration was applied";
  } catch (const std::runtime_error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("m.yaml:4: migration 'm_bad' renames 'nick' to 'nickname'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("'purple', which is not a code of list 'colour'"), std::string::npos) << msg;
  }
  EXPECT_EQ(store_->getRecord("thing", 1)->version, 1);
}

TEST_F(Evolution, NewDatabaseRecordsMigrationsAsAppliedWithoutChecks) {
  const Schema v2 = load({{"l.yaml", kListWithoutCrimson}, {"t.yaml", kV2}, {"m.yaml", kMigration}});
  const auto report = RecordService(v2, *store_, keys_).prepare();
  EXPECT_TRUE(report.migrations_applied.empty());
  EXPECT_EQ(store_->schemaState().count("migration:m_2026_11_thing_cleanup"), 1U);
}

// A field newly marked word_search: the records stored before find their words from the first
// start with it; unmarked again, the words no longer find them.
TEST_F(Evolution, AWordSearchFieldIndexesTheRecordsStoredBeforeIt) {
  const Schema v1 = load({{"l.yaml", kList}, {"t.yaml", kV1}});
  RecordService s1(v1, *store_, keys_);
  s1.prepare();
  const auto a = s1.create(admin_, "thing", {{"title", "Yardım Mərkəzi Bakı"}})["id"].get<int64_t>();
  s1.create(admin_, "thing", {{"title", "Sığınacaq Gəncə"}});
  ListParams p;
  p.words = "yardım";
  EXPECT_THROW(s1.list(admin_, "thing", p), Problem);  // no field is searched by words yet

  const std::string marked = "type: thing\nlabel: {az: Əşya}\nfields:\n  - name: title\n    type: text\n"
                             "    word_search: true\n    label: {az: Ad}\n" +
                             kV1.substr(kV1.find("  - name: legacy"));
  const Schema v2 = load({{"l.yaml", kList}, {"t.yaml", marked}});
  RecordService s2(v2, *store_, keys_);
  s2.prepare();
  for (const char* words : {"yardım", "YARDIM", "yardim", "Yard", "mərk", "merkezi baki"}) {
    p.words = words;
    const auto found = s2.list(admin_, "thing", p).items;
    ASSERT_EQ(found.size(), 1U) << words;
    EXPECT_EQ(found[0]["id"], a) << words;
  }
  p.words = "yardım gəncə";  // every word must match
  EXPECT_TRUE(s2.list(admin_, "thing", p).items.empty());
  p.words = "ya";
  try {
    (void)s2.list(admin_, "thing", p);
    ADD_FAILURE() << "a two-letter word search was accepted";
  } catch (const Problem& e) {
    ASSERT_EQ(e.errors().size(), 1U);
    EXPECT_EQ(e.errors()[0].field, "words");
    EXPECT_EQ(e.errors()[0].code, "min_length");
  }
  // A record written now is indexed as it is written; a change replaces its words.
  const auto c = s2.create(admin_, "thing", {{"title", "Qaynar xətt 152"}})["id"].get<int64_t>();
  p.words = "qaynar";
  EXPECT_EQ(s2.list(admin_, "thing", p).items.size(), 1U);
  s2.update(admin_, "thing", c, 1, {{"title", "Zəng mərkəzi"}});
  EXPECT_TRUE(s2.list(admin_, "thing", p).items.empty());

  RecordService(v1, *store_, keys_).prepare();  // unmarked: the word index of the type is emptied
  RecordService s3(v2, *store_, keys_);
  EXPECT_EQ(store_->replaceWordTerms("thing", [](const Json&) { return std::vector<std::string>{}; }), 3);
  s3.prepare();  // the stored shape is v1's again: marking it rebuilds the index
  p.words = "yardim";
  EXPECT_EQ(s3.list(admin_, "thing", p).items.size(), 1U);
}

// A free-text field becomes a value list (the regions of issue 27): every stored text must find a
// code — the code itself, the migration's map, or a code's label in any language, folded — before
// anything is written; an unmatched text stops the start and is named, never dropped.
TEST_F(Evolution, TextBecomesCodesOfAListOrTheStartNamesWhatIsLeft) {
  const char* kRegionList = R"(list: region
label: {az: Region}
values:
  - code: baku
    label: {az: Bakı, en: Baku, ru: Баку}
  - code: ganja
    label: {az: Gəncə, en: Ganja, ru: Гянджа}
  - code: absheron
    label: {az: Abşeron, en: Absheron, ru: Апшерон}
)";
  const std::string text_v = typeWith("  - name: region\n    type: text\n    label: {az: Region}\n");
  const std::string enum_v = typeWith("  - name: region\n    type: enum\n    values: region\n    label: {az: Region}\n");
  const Schema v1 = load({{"t.yaml", text_v}});
  RecordService s1(v1, *store_, keys_);
  s1.prepare();
  std::vector<int64_t> ids;
  for (const char* region : {"Bakı", "BAKI", "baku", "Гянджа", "Xırdalan", "Xırdalan", "Horadiz"})
    ids.push_back(s1.create(admin_, "thing", {{"title", "A"}, {"region", region}})["id"].get<int64_t>());
  const auto none = s1.create(admin_, "thing", {{"title", "B"}})["id"].get<int64_t>();

  // Without a migration the type change is refused; with one that misses texts, they are named.
  const Schema bare = load({{"l.yaml", kRegionList}, {"t.yaml", enum_v}});
  EXPECT_THROW(RecordService(bare, *store_, keys_).prepare(), std::runtime_error);
  const std::string partial = "migration: m_2026_12_regions\ndescription: Regions become the list's codes.\n"
                              "steps:\n  - text_to_enum: {type: thing, field: region, map: {Xırdalan: absheron}}\n";
  const Schema missing = load({{"l.yaml", kRegionList}, {"t.yaml", enum_v}, {"m.yaml", partial}});
  try {
    RecordService(missing, *store_, keys_).prepare();
    ADD_FAILURE() << "a text without a code was accepted";
  } catch (const std::runtime_error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("thing.region: 'Horadiz' (1 record)"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("Xırdalan"), std::string::npos) << msg;
  }
  EXPECT_EQ(s1.get(admin_, "thing", ids[0])["data"]["region"], "Bakı");  // nothing was changed

  const std::string full = "migration: m_2026_12_regions\ndescription: Regions become the list's codes.\n"
                           "steps:\n  - text_to_enum:\n      type: thing\n      field: region\n"
                           "      map: {Xırdalan: absheron, Horadiz: baku}\n";
  const Schema v2 = load({{"l.yaml", kRegionList}, {"t.yaml", enum_v}, {"m.yaml", full}});
  RecordService s2(v2, *store_, keys_);
  const auto report = s2.prepare();
  EXPECT_EQ(report.records_rewritten, 6);  // "baku" was already a code; B has no region
  const std::vector<std::string> want = {"baku", "baku", "baku", "ganja", "absheron", "absheron", "baku"};
  for (std::size_t i = 0; i < ids.size(); ++i)
    EXPECT_EQ(s2.get(admin_, "thing", ids[i])["data"]["region"], want[i]) << i;
  EXPECT_FALSE(s2.get(admin_, "thing", none)["data"].contains("region"));
  // The history keeps what was written before.
  const auto history = store_->recordHistory("thing", ids[4]);
  ASSERT_FALSE(history.empty());
  EXPECT_EQ(history.back().action, "migration");
}

TEST(EvolutionFiles, TextToEnumStepsAreCheckedWhenLoaded) {
  auto r = loadSchemaTexts({{"m.yaml", "migration: m_x\ndescription: d\nsteps:\n"
                                       "  - text_to_enum: {type: thing, field: region, map: {Bakı: Not A Code}}\n"
                                       "  - text_to_enum: {type: thing, field: region, map: [a]}\n"
                                       "  - text_to_enum: {type: thing, field: region, extra: 1}\n"}});
  std::string all;
  for (const auto& e : r.errors) all += e.toString() + "\n";
  EXPECT_NE(all.find("m.yaml:4: 'map' of 'text_to_enum' of migration 'm_x' maps a stored text to a code"), std::string::npos) << all;
  EXPECT_NE(all.find("m.yaml:5: 'map' of 'text_to_enum' of migration 'm_x' must be a mapping"), std::string::npos) << all;
  EXPECT_NE(all.find("extra"), std::string::npos) << all;
}
