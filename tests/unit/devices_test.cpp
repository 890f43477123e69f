// Devices for field work offline (docs/offline.md), over a real store: the wrapping key sealed
// under the master key and handed to its own user only; expiry after offline.expire_days
// without a sync (the key forgotten then, for good); revocation and signing out everywhere
// forget it too; a request naming a device that is not its user's active one is refused.
#include <gtest/gtest.h>

#include <filesystem>

#include "audit/audit.hpp"
#include "auth/auth_service.hpp"
#include "auth/devices.hpp"
#include "core/config.hpp"
#include "core/error.hpp"
#include "core/keys.hpp"
#include "core/random.hpp"
#include "records/schema.hpp"
#include "store/store.hpp"
#include "support/test_database.hpp"

using namespace palermo;

namespace {

class Devices : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("palermo-devices-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = openStore(test::testDatabaseUrl(dir_));
    store_->migrate();
    store_->setAuditHasher(audit::makeHasher(keys_.auditKey()));
    records::RoleDef field;
    field.name = "field";
    field.offline = {"raid", "child_found"};
    schema_.roles["field"] = field;
    records::RoleDef desk;
    desk.name = "desk";
    schema_.roles["desk"] = desk;
    config_.offline_expire_days = 14;
    worker_ = principal(store_->createUser(NewUser{"sahe", "Sahə", "x", {"field"}, false, 0})->id, {"field"});
    other_ = principal(store_->createUser(NewUser{"diger", "Digər", "x", {"field"}, false, 0})->id, {"field"});
    clerk_ = principal(store_->createUser(NewUser{"masa", "Masa", "x", {"desk"}, false, 0})->id, {"desk"});
  }
  void TearDown() override {
    store_->close();
    std::filesystem::remove_all(dir_);
  }
  static auth::Principal principal(int64_t id, std::vector<std::string> roles) {
    auth::Principal p;
    p.user.id = id;
    p.user.roles = std::move(roles);
    return p;
  }
  auth::DeviceService service() {
    return auth::DeviceService(*store_, keys_, schema_, config_, [this] { return now_; });
  }
  // The code of the Problem `f` throws ("" when it throws none).
  template <class F>
  static std::string problemOf(F&& f) {
    try {
      f();
    } catch (const Problem& p) {
      return p.code();
    }
    return "";
  }

  std::filesystem::path dir_;
  KeyRing keys_ = KeyRing::fromMaster(std::string(32, 'd'));
  records::Schema schema_;
  Config config_;
  std::unique_ptr<Store> store_;
  auth::Principal worker_, other_, clerk_;
  int64_t now_ = 1'800'000'000;
};

TEST_F(Devices, TheKeyIsSealedAndHandedOnlyToItsOwnUserWhileActive) {
  auto devices = service();
  EXPECT_EQ(devices.offlineTypes(worker_), (std::vector<std::string>{"child_found", "raid"}));
  EXPECT_TRUE(devices.offlineTypes(clerk_).empty());
  EXPECT_EQ(problemOf([&] { devices.registerDevice(clerk_, "Masa"); }), "devices.not_offline_role");
  EXPECT_EQ(problemOf([&] { devices.registerDevice(worker_, ""); }), "validation.failed");
  EXPECT_EQ(problemOf([&] { devices.registerDevice(worker_, std::string(101, 'x')); }), "validation.failed");
  auth::Principal token = worker_;
  token.token_id = 7;
  EXPECT_EQ(problemOf([&] { devices.registerDevice(token, "Skript"); }), "auth.forbidden");

  const Json made = devices.registerDevice(worker_, "Planşet 7");
  const std::string id = made["id"];
  ASSERT_EQ(id.size(), 32U);
  const std::string key = made["wrapping_key"];
  EXPECT_EQ(key.size(), 43U);  // 32 bytes, base64url without padding
  EXPECT_EQ(made["state"], "active");
  EXPECT_EQ(made["expires_at"], now_ + 14 * 86400);
  // At rest: sealed under the master key, never the key itself.
  const auto row = store_->findDevice(id);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->wrapping_key.find(key), std::string::npos);
  EXPECT_EQ(base64url(keys_.open(row->wrapping_key, "device:" + id)), key);

  EXPECT_EQ(devices.unlock(worker_, id)["wrapping_key"], key);
  EXPECT_EQ(problemOf([&] { devices.unlock(other_, id); }), "not_found");
  EXPECT_EQ(problemOf([&] { devices.unlock(worker_, "../" + id); }), "not_found");
  EXPECT_EQ(problemOf([&] { devices.requireActive(other_, id); }), "device.unknown");
  EXPECT_EQ(problemOf([&] { devices.requireActive(worker_, "zz"); }), "device.unknown");
  EXPECT_EQ(problemOf([&] { devices.requireActive(worker_, id); }), "");
  EXPECT_EQ(problemOf([&] { devices.list(worker_, other_.user.id, false); }), "auth.forbidden");
  EXPECT_EQ(devices.list(worker_, worker_.user.id, false)["items"].size(), 1U);
  EXPECT_EQ(devices.list(clerk_, worker_.user.id, true)["items"].size(), 1U);  // an administrator

  // Revoked by an administrator: the key is forgotten, and nothing opens or syncs any more.
  const Json revoked = devices.revoke(clerk_, id, "itirilib", true);
  EXPECT_EQ(revoked["state"], "revoked");
  EXPECT_EQ(revoked["revoke_reason"], "itirilib");
  EXPECT_TRUE(store_->findDevice(id)->wrapping_key.empty());
  EXPECT_EQ(problemOf([&] { devices.unlock(worker_, id); }), "device.revoked");
  EXPECT_EQ(problemOf([&] { devices.synced(worker_, id, 0); }), "device.revoked");
  EXPECT_EQ(problemOf([&] { devices.requireActive(worker_, id); }), "device.revoked");
  // Another user may not revoke it (nor learn it exists).
  const std::string second = devices.registerDevice(worker_, "Telefon")["id"];
  EXPECT_EQ(problemOf([&] { devices.revoke(other_, second, "", false); }), "not_found");

  // Every write above is in the audit chain, and the chain holds no key.
  std::vector<std::string> actions;
  for (const auto& e : store_->auditEntries(1, 1000)) {
    actions.push_back(e.action);
    EXPECT_EQ(e.details.find(key), std::string::npos);
  }
  for (const char* a : {"device.register", "device.unlock", "device.revoke"})
    EXPECT_NE(std::find(actions.begin(), actions.end(), a), actions.end()) << a;
}

TEST_F(Devices, ADeviceNotSyncedForTheConfiguredDaysExpiresAndItsKeyIsForgotten) {
  auto devices = service();
  const std::string id = devices.registerDevice(worker_, "Planşet")["id"];
  now_ += 13 * 86400;
  const Json synced = devices.synced(worker_, id, 3);  // a sync moves the expiry on
  EXPECT_EQ(synced["pending"], 3);
  EXPECT_EQ(synced["expires_at"], now_ + 14 * 86400);
  now_ += 14 * 86400;
  EXPECT_FALSE(devices.unlock(worker_, id)["wrapping_key"].get<std::string>().empty());  // the last day
  now_ += 1;
  EXPECT_EQ(devices.list(worker_, worker_.user.id, false)["items"][0]["state"], "expired");
  EXPECT_EQ(problemOf([&] { devices.unlock(worker_, id); }), "device.expired");
  const auto row = store_->findDevice(id);
  EXPECT_TRUE(row->wrapping_key.empty());  // forgotten for good: a later sync cannot bring it back
  EXPECT_EQ(row->revoke_reason, "expired");
  EXPECT_EQ(problemOf([&] { devices.unlock(worker_, id); }), "device.revoked");
}

TEST_F(Devices, SigningOutEverywhereForgetsEveryDevicesKey) {
  auto devices = service();
  const std::string a = devices.registerDevice(worker_, "A")["id"];
  const std::string b = devices.registerDevice(worker_, "B")["id"];
  const std::string theirs = devices.registerDevice(other_, "C")["id"];
  EXPECT_EQ(devices.revokeAllOf(worker_.user.id, "signed_out_everywhere"), 2);
  EXPECT_EQ(devices.revokeAllOf(worker_.user.id, "signed_out_everywhere"), 0);
  for (const auto& id : {a, b}) {
    EXPECT_TRUE(store_->findDevice(id)->wrapping_key.empty());
    EXPECT_EQ(problemOf([&] { devices.unlock(worker_, id); }), "device.revoked");
  }
  EXPECT_EQ(problemOf([&] { devices.unlock(other_, theirs); }), "");  // another user's stays
}

}  // namespace
