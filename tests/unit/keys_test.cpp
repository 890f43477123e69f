// Master key versions and rotation: values sealed before and after a rotation open, the blind
// index follows the new key, the audit chain verifies across the rotation, an interrupted
// rotation is finished, and nothing is re-encrypted over a broken chain.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "audit/audit.hpp"
#include "core/keys.hpp"
#include "records/engine.hpp"
#include "keys/key_rotation.hpp"
#include "records/schema.hpp"
#include "store/store.hpp"
#include "support/test_database.hpp"

using namespace palermo;
using namespace palermo::records;
using namespace palermo::keys;

namespace {

const char* kType = R"(type: person
label: {az: Şəxs}
fields:
  - name: full_name
    type: text
    label: {az: Ad}
    sensitivity: identity
    name_search: true
  - name: note
    type: text
    word_search: true
    label: {az: Qeyd}
  - name: photo
    type: attachment
    label: {az: Foto}
    accept: [image/png]
)";

Schema personSchema() {
  auto r = loadSchemaTexts({{"t.yaml", kType}});
  EXPECT_TRUE(r.errors.empty());
  return std::move(r.schema);
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class Keys : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("palermo-keys-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    ::unsetenv("PALERMO_MASTER_KEY");
    ::unsetenv("PALERMO_MASTER_KEY_FILE");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::unique_ptr<Store> open() {
    auto s = openStore(palermo::test::testDatabaseUrl(dir_));
    s->migrate();
    return s;
  }
  std::filesystem::path dir_;
  Schema schema_ = personSchema();
  Actor system_ = Actor::systemActor();
};

}  // namespace

TEST(KeyRingTest, SealedValuesCarryTheirVersionAndLegacyValuesOpen) {
  const std::string m1(32, 'a'), m2(32, 'b');
  auto one = KeyRing::fromMaster(m1);
  const std::string legacy = sealBytes("old", "ctx", one.dataKey());  // written before versions
  const std::string v1 = one.seal("first", "ctx");
  EXPECT_EQ(KeyRing::sealedVersion(v1), 1);
  auto both = KeyRing::fromMasters({{1, m1}, {2, m2}});
  EXPECT_EQ(both.activeVersion(), 2);
  const std::string v2 = both.seal("second", "ctx");
  EXPECT_EQ(KeyRing::sealedVersion(v2), 2);
  EXPECT_EQ(both.open(legacy, "ctx"), "old");
  EXPECT_EQ(both.open(v1, "ctx"), "first");
  EXPECT_EQ(both.open(v2, "ctx"), "second");
  EXPECT_THROW((void)one.open(v2, "ctx"), std::runtime_error);      // version 2 not held
  EXPECT_THROW((void)both.open(v2, "other"), std::runtime_error);   // context bound
  std::string tampered = v2;
  tampered.back() ^= 1;
  EXPECT_THROW((void)both.open(tampered, "ctx"), std::runtime_error);
  // The audit, data and index keys all change with the version.
  EXPECT_NE(both.version(1).audit, both.version(2).audit);
  EXPECT_NE(both.version(1).data, both.version(2).data);
  EXPECT_NE(both.version(1).index, both.version(2).index);
  EXPECT_THROW(both.activate(3), std::runtime_error);
}

TEST_F(Keys, KeyFileFormatsAndErrors) {
  const auto file = dir_ / "master.key";
  // A file from before versions: one bare key.
  { std::ofstream(file) << std::string(64, 'c') << "\n"; }
  // Readable by others (the umask's 0644): refused, naming the file and the fix.
  ::chmod(file.c_str(), 0644);
  try {
    (void)KeyRing::load(dir_.string(), false);
    ADD_FAILURE() << "a key file others can read was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("chmod 600 " + file.string()), std::string::npos) << e.what();
  }
  ::chmod(file.c_str(), 0600);
  auto ring = KeyRing::load(dir_.string(), false);
  EXPECT_EQ(ring.newestVersion(), 1);
  EXPECT_EQ(ring.addVersionToFile(), 2);
  const std::string text = slurp(file);
  EXPECT_EQ(text.rfind("1:" + std::string(64, 'c') + "\n", 0), 0U) << text;
  EXPECT_NE(text.find("\n2:"), std::string::npos);
  EXPECT_EQ(std::filesystem::status(file).permissions() & std::filesystem::perms::group_all,
            std::filesystem::perms::none);
  EXPECT_EQ(KeyRing::load(dir_.string(), false).newestVersion(), 2);
  { std::ofstream(file) << "1:" << std::string(64, 'c') << "\n1:" << std::string(64, 'd') << "\n"; }
  EXPECT_THROW(KeyRing::load(dir_.string(), false), std::runtime_error);
  { std::ofstream(file) << "1:abc\n"; }
  EXPECT_THROW(KeyRing::load(dir_.string(), false), std::runtime_error);
  ::setenv("PALERMO_MASTER_KEY", ("1:" + std::string(64, 'e') + ",2:" + std::string(64, 'f')).c_str(), 1);
  auto env = KeyRing::load(dir_.string(), false);
  ::unsetenv("PALERMO_MASTER_KEY");
  EXPECT_EQ(env.newestVersion(), 2);
  EXPECT_TRUE(env.file().empty());
  EXPECT_THROW(env.addVersionToFile(), std::runtime_error);  // the environment cannot be rewritten
}

TEST_F(Keys, RotationReencryptsEverythingAndKeepsTheChainVerifiable) {
  auto store = open();
  auto ring = KeyRing::load(dir_.string(), true);
  activateStoreKeys(*store, ring);
  EXPECT_EQ(ring.activeVersion(), 1);
  store->setAuditHasher(audit::makeHasher(ring.auditKey()));
  int64_t id = 0;
  std::string attachment_id;
  {
    RecordService s(schema_, *store, ring);
    s.prepare();
    static const std::string kPng = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(40, 'x');
    attachment_id = s.uploadAttachment(system_, "person", "photo", "image/png", "Rotafoto.png", kPng)["id"];
    id = s.create(system_, "person", {{"full_name", "Zəminə Qarayeva"}, {"note", "Gəncə şəhəri"}, {"photo", attachment_id}})["id"];
    s.create(system_, "person", {{"note", "no identity"}});
  }
  const auto user = store->createUser(NewUser{"rotator", "Rotator", "x", {"admin"}, false, 0});
  ASSERT_TRUE(user);
  const std::string totp_context = "totp:" + std::to_string(user->id);
  store->setTotp(user->id, ring.seal("JBSWY3DPEHPK3PXP", totp_context), true);
  // A device's wrapping key (docs/offline.md), and a revoked device's forgotten one.
  const std::string device_key(32, 'w');
  store->createDevice(DeviceRow{"0123456789abcdef0123456789abcdef", user->id, "Tablet", ring.seal(device_key, "device:0123456789abcdef0123456789abcdef"), 1'800'000'000, 0, 0, 0, 0, 0, ""},
                      AuditDraft{user->id, "device.register", "user", user->id, Json::object()});
  store->createDevice(DeviceRow{"fedcba9876543210fedcba9876543210", user->id, "Lost", ring.seal(device_key, "device:fedcba9876543210fedcba9876543210"), 1'800'000'000, 0, 0, 0, 0, 0, ""},
                      AuditDraft{user->id, "device.register", "user", user->id, Json::object()});
  ASSERT_TRUE(store->revokeDevice("fedcba9876543210fedcba9876543210", user->id, "lost", 1'800'000'100,
                                  AuditDraft{user->id, "device.revoke", "user", user->id, Json::object()}));
  const auto before = store->getRecord("person", id);
  ASSERT_TRUE(before);
  EXPECT_EQ(KeyRing::sealedVersion(before->identity), 1);

  const auto result = rotateKeys(schema_, *store, ring);
  EXPECT_EQ(result.from_version, 1);
  EXPECT_EQ(result.to_version, 2);
  EXPECT_EQ(result.counts.records, 1);
  EXPECT_EQ(result.counts.attachments, 1);
  EXPECT_EQ(result.counts.users, 1);
  EXPECT_EQ(result.counts.devices, 1);  // the revoked device has no key left to reseal
  const auto device = store->findDevice("0123456789abcdef0123456789abcdef");
  ASSERT_TRUE(device);
  EXPECT_EQ(KeyRing::sealedVersion(device->wrapping_key), 2);
  EXPECT_EQ(ring.open(device->wrapping_key, "device:0123456789abcdef0123456789abcdef"), device_key);
  EXPECT_TRUE(store->findDevice("fedcba9876543210fedcba9876543210")->wrapping_key.empty());
  const auto secret = store->findUserById(user->id)->totp_secret;
  EXPECT_EQ(KeyRing::sealedVersion(secret), 2);
  EXPECT_EQ(ring.open(secret, totp_context), "JBSWY3DPEHPK3PXP");
  EXPECT_EQ(ring.activeVersion(), 2);
  EXPECT_EQ(store->keyVersions().active, 2);
  EXPECT_EQ(store->keyVersions().initial, 1);

  const auto after = store->getRecord("person", id);
  EXPECT_EQ(KeyRing::sealedVersion(after->identity), 2);
  RecordService s2(schema_, *store, ring);
  EXPECT_EQ(s2.get(system_, "person", id)["data"]["full_name"], "Zəminə Qarayeva");
  ListParams p;
  p.name_query = "zemine";
  EXPECT_EQ(s2.list(system_, "person", p).items.size(), 1U);
  // The plain word index does not depend on the key: it survives the rotation whole.
  ListParams words;
  words.words = "gence";
  EXPECT_EQ(s2.list(system_, "person", words).items.size(), 1U);
  words.name_query = "zemine";
  EXPECT_EQ(s2.list(system_, "person", words).items.size(), 1U);
  const auto content = s2.attachmentContent(system_, attachment_id);
  EXPECT_EQ(content.name, "Rotafoto.png");
  // The blind index no longer matches terms made with the old index key.
  auto old_ring = ring;
  old_ring.activate(1);
  RecordService stale(schema_, *store, old_ring);
  EXPECT_EQ(stale.list(system_, "person", p).items.size(), 0U);

  // The chain verifies across the rotation, with the new key for new entries.
  store->setAuditHasher(audit::makeHasher(ring.auditKey()));
  s2.create(system_, "person", {{"full_name", "Nigar Əliyeva"}});
  const auto report = audit::verify(*store, ring);
  EXPECT_TRUE(report.ok) << report.message;
  auto reloaded = KeyRing::load(dir_.string(), false);
  EXPECT_TRUE(audit::verify(*store, reloaded).ok);
  // A second rotation goes to version 3.
  EXPECT_EQ(rotateKeys(schema_, *store, ring).to_version, 3);
  EXPECT_TRUE(audit::verify(*store, ring).ok);
  store->close();
}

TEST_F(Keys, InterruptedRotationIsFinishedAndStartupUsesTheDatabasesVersion) {
  auto store = open();
  auto ring = KeyRing::load(dir_.string(), true);
  activateStoreKeys(*store, ring);
  store->setAuditHasher(audit::makeHasher(ring.auditKey()));
  RecordService(schema_, *store, ring).prepare();
  RecordService(schema_, *store, ring).create(system_, "person", {{"full_name", "Aysel Məmmədova"}});
  // The key file got version 2, but the re-encryption never ran (a crash in between).
  ring.addVersionToFile();
  auto restarted = KeyRing::load(dir_.string(), false);
  EXPECT_EQ(restarted.newestVersion(), 2);
  activateStoreKeys(*store, restarted);
  EXPECT_EQ(restarted.activeVersion(), 1);  // still what the database is sealed with
  const auto r = rotateKeys(schema_, *store, restarted);
  EXPECT_EQ(r.to_version, 2);  // no third version was made
  EXPECT_EQ(KeyRing::load(dir_.string(), false).newestVersion(), 2);
  EXPECT_TRUE(audit::verify(*store, restarted).ok);
  // A key file without the database's version is refused at start.
  std::filesystem::remove(dir_ / "master.key");
  auto wrong = KeyRing::load(dir_.string(), true);
  EXPECT_THROW(activateStoreKeys(*store, wrong), std::runtime_error);
  store->close();
}

TEST_F(Keys, AnotherKeyWithTheDatabasesVersionIsRefusedAtStart) {
  // Several instances each have a copy of the key file; one with a different key of the same
  // version number must not start (it would seal values no other instance can open).
  auto store = open();
  auto ring = KeyRing::fromMaster(std::string(32, 'a'));
  activateStoreKeys(*store, ring);
  store->setAuditHasher(audit::makeHasher(ring.auditKey()));
  RecordService(schema_, *store, ring).prepare();
  RecordService(schema_, *store, ring).create(system_, "person", {{"full_name", "Aysel Məmmədova"}});
  auto impostor = KeyRing::fromMaster(std::string(32, 'b'));
  EXPECT_THROW(activateStoreKeys(*store, impostor), std::runtime_error);
  auto same = KeyRing::fromMaster(std::string(32, 'a'));
  EXPECT_NO_THROW(activateStoreKeys(*store, same));
  store->close();
}

TEST_F(Keys, NoRotationOverABrokenChain) {
  auto store = open();
  auto ring = KeyRing::load(dir_.string(), true);
  activateStoreKeys(*store, ring);
  store->setAuditHasher(audit::makeHasher(std::string(32, 'z')));  // entries MACed with a wrong key
  RecordService(schema_, *store, ring).prepare();
  RecordService(schema_, *store, ring).create(system_, "person", {{"full_name", "Aysel Məmmədova"}});
  EXPECT_THROW(rotateKeys(schema_, *store, ring), std::runtime_error);
  EXPECT_EQ(KeyRing::load(dir_.string(), false).newestVersion(), 1);  // the key file is untouched
  EXPECT_EQ(store->keyVersions().active, 1);
  store->close();
}
