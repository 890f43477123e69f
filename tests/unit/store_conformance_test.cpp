// The Store conformance suite: what every backend must do. Instantiated for SQLite here; the
// PostgreSQL backend will be instantiated the same way.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "store/store.hpp"

using namespace palermo;

namespace {

struct Backend {
  std::string name;
  std::function<std::string(const std::filesystem::path& dir)> url;
};

class StoreConformance : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("palermo-store-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    url_ = GetParam().url(dir_);
    store_ = openStore(url_);
    store_->migrate();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void reopen() {
    store_->close();
    store_ = openStore(url_);
  }
  std::filesystem::path dir_;
  std::string url_;
  std::unique_ptr<Store> store_;
};

NewUser user(const std::string& login) { return NewUser{login, "Name " + login, "$hash", {"admin"}, true}; }

}  // namespace

TEST_P(StoreConformance, MigrationsAreRecordedAndIdempotent) {
  EXPECT_FALSE(store_->migrationsPending());
  EXPECT_EQ(store_->migrate(), 0);
  for (const auto& m : store_->migrations()) EXPECT_GT(m.applied_at, 0) << m.name;
  store_->ping();
}

TEST_P(StoreConformance, UsersAreUniqueByLoginCaseInsensitively) {
  auto a = store_->createUser(user("alice"));
  ASSERT_TRUE(a);
  EXPECT_GT(a->id, 0);
  EXPECT_EQ(a->roles, std::vector<std::string>{"admin"});
  EXPECT_FALSE(store_->createUser(user("alice")));
  EXPECT_FALSE(store_->createUser(user("ALICE")));
  EXPECT_EQ(store_->findUserByLogin("Alice")->id, a->id);
  EXPECT_EQ(store_->countUsers(), 1);
}

TEST_P(StoreConformance, WritesSurviveReopen) {
  auto a = store_->createUser(user("bob"));
  store_->setPassword(a->id, "$new", false, 100);
  reopen();
  auto b = store_->findUserById(a->id);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->password_hash, "$new");
  EXPECT_FALSE(b->must_change_password);
}

TEST_P(StoreConformance, LoginFailuresLockAtTheLimit) {
  auto a = store_->createUser(user("carol"));
  EXPECT_EQ(store_->recordLoginFailure(a->id, 3, 999), 1);
  EXPECT_EQ(store_->recordLoginFailure(a->id, 3, 999), 2);
  EXPECT_EQ(store_->findUserById(a->id)->locked_until, 0);
  EXPECT_EQ(store_->recordLoginFailure(a->id, 3, 999), 3);
  EXPECT_EQ(store_->findUserById(a->id)->locked_until, 999);
  store_->recordLoginSuccess(a->id);
  EXPECT_EQ(store_->findUserById(a->id)->failed_logins, 0);
}

TEST_P(StoreConformance, SessionsLifecycle) {
  auto a = store_->createUser(user("dave"));
  store_->createSession({"h1", a->id, "c1", 10, 10, 1000, "ua"});
  store_->createSession({"h2", a->id, "c2", 20, 20, 1000, "ua"});
  EXPECT_EQ(store_->findSession("h1")->csrf_token, "c1");
  store_->touchSession("h1", 50);
  EXPECT_EQ(store_->findSession("h1")->last_seen_at, 50);
  EXPECT_EQ(store_->listSessions(a->id).size(), 2U);
  EXPECT_EQ(store_->deleteSessionsOfUser(a->id, "h1"), 1);
  EXPECT_FALSE(store_->findSession("h2"));
  EXPECT_EQ(store_->deleteExpiredSessions(2000, 0), 1);
  EXPECT_FALSE(store_->findSession("h1"));
}

TEST_P(StoreConformance, ConcurrentWritersAllLand) {
  constexpr int kThreads = 8;
  constexpr int kEach = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) store_->createUser(user("u" + std::to_string(t) + "_" + std::to_string(i)));
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(store_->countUsers(), kThreads * kEach);
  const auto s = store_->stats();
  EXPECT_GE(s.committed_writes, static_cast<uint64_t>(kThreads * kEach));
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformance,
                         ::testing::Values(Backend{"sqlite",
                                                   [](const std::filesystem::path& d) {
                                                     return "sqlite:" + (d / "palermo.db").string();
                                                   }}),
                         [](const auto& param_info) { return param_info.param.name; });
