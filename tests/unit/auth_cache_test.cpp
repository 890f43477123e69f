// The sign-in cache (issue 29): an instance reuses a session's or token's check for
// security.auth_cache_seconds, but its own sign-outs, role changes and revocations act at once
// (the store's authGeneration moves after the write commits, inside a transaction too); another
// instance's changes act within the cache's seconds; 0 turns the cache off.
#include <gtest/gtest.h>

#include <filesystem>

#include "audit/audit.hpp"
#include "auth/auth_service.hpp"
#include "auth/password.hpp"
#include "core/keys.hpp"
#include "core/random.hpp"
#include "store/store.hpp"
#include "support/test_database.hpp"

using namespace palermo;

namespace {

class AuthCache : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("palermo-auth-cache-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    here_ = openStore(test::testDatabaseUrl(dir_));
    here_->migrate();
    here_->setAuditHasher(audit::makeHasher(keys_.auditKey()));
    // Another instance on the same database.
    there_ = openStore(test::testDatabaseUrl(dir_));
    there_->setAuditHasher(audit::makeHasher(keys_.auditKey()));
    config_.password_cost = "min";
    config_.auth_cache_seconds = 2;
    NewUser u{"kassir", "Kassir", auth::hashPassword(kPassword, auth::HashCost::Min), {"hotline_operator"}, false, 0};
    user_id_ = here_->createUser(u)->id;
  }
  void TearDown() override {
    here_->close();
    there_->close();
    std::filesystem::remove_all(dir_);
  }
  auth::Credentials cookie(const std::string& token) const { return {"GET", "", token, "", ""}; }

  static constexpr const char* kPassword = "çox uzun parol 2026";
  std::filesystem::path dir_;
  KeyRing keys_ = KeyRing::fromMaster(std::string(32, 'c'));
  Config config_;
  std::unique_ptr<Store> here_, there_;
  int64_t user_id_ = 0;
  int64_t now_ = 1'800'000'000;
};

TEST_F(AuthCache, ThisInstancesSignOutsAndRoleChangesActAtOnce) {
  auth::AuthService auth(*here_, config_, [this] { return now_; });
  const auto signed_in = auth.login("kassir", kPassword, "test", "127.0.0.1");
  ASSERT_TRUE(auth.authenticate(cookie(signed_in.token)));  // read, and kept
  ASSERT_TRUE(auth.authenticate(cookie(signed_in.token)));  // from the cache

  // Roles changed here: the very next request has the new roles.
  here_->updateUserAccess(user_id_, {"hotline_operator", "case_worker"}, 0, true, AuditDraft{0, "user.update", "user", user_id_, {}});
  auto p = auth.authenticate(cookie(signed_in.token));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->user.roles.size(), 2U);

  // Signed out everywhere, inside a transaction: counted again once it commits.
  uint64_t inside = 0;
  here_->inTransaction([&] {
    here_->deleteSessionsOfUser(user_id_, "");
    inside = here_->authGeneration();
  });
  EXPECT_GT(here_->authGeneration(), inside);
  EXPECT_FALSE(auth.authenticate(cookie(signed_in.token)));

  // Deactivated: the session ends at once.
  const auto again = auth.login("kassir", kPassword, "test", "127.0.0.1");
  ASSERT_TRUE(auth.authenticate(cookie(again.token)));
  here_->updateUserAccess(user_id_, {"hotline_operator"}, 0, false, AuditDraft{0, "user.update", "user", user_id_, {}});
  EXPECT_FALSE(auth.authenticate(cookie(again.token)));
}

TEST_F(AuthCache, AnotherInstancesSignOutActsWithinTheCachesSeconds) {
  auth::AuthService auth(*here_, config_, [this] { return now_; });
  const auto signed_in = auth.login("kassir", kPassword, "test", "127.0.0.1");
  ASSERT_TRUE(auth.authenticate(cookie(signed_in.token)));
  there_->deleteSession(hashHex(signed_in.token));
  EXPECT_TRUE(auth.authenticate(cookie(signed_in.token))) << "reused within the cache's seconds";
  now_ += config_.auth_cache_seconds;
  EXPECT_FALSE(auth.authenticate(cookie(signed_in.token))) << "asked again after them";

  // Off: every request asks the database.
  Config off = config_;
  off.auth_cache_seconds = 0;
  auth::AuthService uncached(*here_, off, [this] { return now_; });
  const auto second = uncached.login("kassir", kPassword, "test", "127.0.0.1");
  ASSERT_TRUE(uncached.authenticate(cookie(second.token)));
  there_->deleteSession(hashHex(second.token));
  EXPECT_FALSE(uncached.authenticate(cookie(second.token)));
}

TEST_F(AuthCache, IdlenessAndExpiryAreCheckedOnEveryRequest) {
  config_.auth_cache_seconds = 60;
  config_.session_idle_minutes = 1;
  auth::AuthService auth(*here_, config_, [this] { return now_; });
  const auto signed_in = auth.login("kassir", kPassword, "test", "127.0.0.1");
  ASSERT_TRUE(auth.authenticate(cookie(signed_in.token)));
  now_ += 60;  // idle for the whole minute: over, though the cache would still hold it
  EXPECT_FALSE(auth.authenticate(cookie(signed_in.token)));
}

TEST_F(AuthCache, ARevokedTokenStopsAtOnceAndAnExpiredOneWhenItExpires) {
  auth::AuthService auth(*here_, config_, [this] { return now_; });
  const auto signed_in = auth.login("kassir", kPassword, "test", "127.0.0.1");
  auto p = auth.authenticate(cookie(signed_in.token));
  ASSERT_TRUE(p);
  const Json made = auth.createToken(*p, "hesabat sistemi", {}, true, now_ + 1);
  const auth::Credentials bearer{"GET", "Bearer " + made["token"].get<std::string>(), "", "", ""};
  ASSERT_TRUE(auth.authenticate(bearer));
  ASSERT_TRUE(auth.authenticate(bearer));
  now_ += 1;
  EXPECT_FALSE(auth.authenticate(bearer)) << "expired, though cached";

  const Json other = auth.createToken(*p, "ikinci sistem", {}, true, 0);
  const auth::Credentials bearer2{"GET", "Bearer " + other["token"].get<std::string>(), "", "", ""};
  ASSERT_TRUE(auth.authenticate(bearer2));
  auth.revokeToken(*p, other["id"].get<int64_t>());
  EXPECT_FALSE(auth.authenticate(bearer2));
}

}  // namespace
