// The Store conformance suite: what every backend must do. Runs on the backend the test run
// selects (SQLite, or PostgreSQL with PALERMO_TEST_BACKEND=postgres; scripts/test.sh runs both).
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include "store/sql/sql_store.hpp"
#include "store/store.hpp"
#include "support/test_database.hpp"

using namespace palermo;

namespace {

struct Backend {
  std::string name;
  std::function<std::string(const std::filesystem::path& dir)> url;
};

class StoreConformance : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("palermo-store-" + std::to_string(::getpid()) + "-" +
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

NewUser user(const std::string& login) {
  return NewUser{login, "Name " + login, "$hash", {"admin"}, true};
}

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

namespace {

// A mutation as the engine would send it; the hasher is a plain (unkeyed) one for the store's
// own tests, the chain's meaning is tested with the real one in the integration tests.
RecordMutation createOf(const std::string& type, Json data, int64_t at = 1000) {
  RecordMutation m;
  m.kind = RecordMutation::Kind::Create;
  m.type = type;
  m.state = "open";
  m.data = std::move(data);
  m.action = "create";
  m.actor = 7;
  m.at = at;
  m.audit = AuditDraft{7, "record.create", type, 0, Json{{"fields", Json::array()}}};
  return m;
}

RecordMutation updateOf(const StoredRecord& r, Json data, int64_t expected_version) {
  RecordMutation m;
  m.kind = RecordMutation::Kind::Update;
  m.type = r.type;
  m.id = r.id;
  m.expected_version = expected_version;
  m.state = r.state;
  m.data = std::move(data);
  m.action = "update";
  m.actor = 8;
  m.at = r.updated_at + 1;
  m.changes = {{"n", r.data.value("n", Json()), m.data.value("n", Json())}};
  m.audit = AuditDraft{8, "record.update", r.type, r.id, Json::object()};
  return m;
}

std::string plainHash(const AuditEntry& e) {
  return std::to_string(e.seq) + "|" + e.prev_hash + "|" + e.action + "|" + std::to_string(e.record_id);
}

}  // namespace

TEST_P(StoreConformance, RecordVersionsHistoryAndAuditInOneTransaction) {
  store_->setAuditHasher(plainHash);
  auto created = store_->applyMutation(createOf("thing", {{"n", 1}}));
  ASSERT_EQ(created.status, MutationResult::Status::Ok);
  const auto id = created.record.id;
  EXPECT_GT(id, 0);
  EXPECT_EQ(created.record.version, 1);
  auto updated = store_->applyMutation(updateOf(created.record, {{"n", 2}}, 1));
  ASSERT_EQ(updated.status, MutationResult::Status::Ok);
  EXPECT_EQ(updated.record.version, 2);
  EXPECT_EQ(updated.record.data["n"], 2);
  // A stale version changes nothing and reports what is stored.
  auto stale = store_->applyMutation(updateOf(created.record, {{"n", 3}}, 1));
  EXPECT_EQ(stale.status, MutationResult::Status::VersionConflict);
  EXPECT_EQ(stale.record.version, 2);
  EXPECT_EQ(store_->getRecord("thing", id)->data["n"], 2);
  // Wrong type or id: not found.
  EXPECT_FALSE(store_->getRecord("other", id));
  auto ghost = updateOf(created.record, {{"n", 4}}, 2);
  ghost.id = id + 100;
  EXPECT_EQ(store_->applyMutation(ghost).status, MutationResult::Status::NotFound);
  // History per version; one audit entry per write, chained.
  const auto history = store_->recordHistory("thing", id);
  ASSERT_EQ(history.size(), 2U);
  EXPECT_EQ(history[1].version, 2);
  EXPECT_EQ(history[1].by, 8);
  ASSERT_EQ(history[1].changes.size(), 1U);
  EXPECT_EQ(history[1].changes[0].to, 2);
  const auto audit = store_->auditEntries(1, 100);
  ASSERT_EQ(audit.size(), 2U);
  EXPECT_EQ(audit[0].record_id, id);  // the new id filled in for the create
  EXPECT_EQ(audit[1].prev_hash, audit[0].hash);
  EXPECT_EQ(audit[1].hash, plainHash(audit[1]));
  EXPECT_EQ(store_->auditHead().seq, 2);
  // Durable across a reopen.
  reopen();
  store_->setAuditHasher(plainHash);
  EXPECT_EQ(store_->getRecord("thing", id)->version, 2);
  EXPECT_EQ(store_->auditEntries(1, 100).size(), 2U);
}

TEST_P(StoreConformance, DeleteRestoreAndGone) {
  store_->setAuditHasher(plainHash);
  auto r = store_->applyMutation(createOf("thing", {{"n", 1}})).record;
  RecordMutation del;
  del.kind = RecordMutation::Kind::Delete;
  del.type = "thing";
  del.id = r.id;
  del.expected_version = 1;
  del.reason = "entered twice";
  del.action = "delete";
  del.at = 2000;
  del.audit = AuditDraft{7, "record.delete", "thing", r.id, Json::object()};
  auto d = store_->applyMutation(del);
  ASSERT_EQ(d.status, MutationResult::Status::Ok);
  EXPECT_EQ(d.record.deleted_reason, "entered twice");
  EXPECT_EQ(store_->applyMutation(updateOf(d.record, {{"n", 5}}, 2)).status, MutationResult::Status::Gone);
  RecordQuery q;
  q.type = "thing";
  q.count_total = true;
  EXPECT_EQ(store_->listRecords(q).total, 0);
  q.include_deleted = true;
  EXPECT_EQ(store_->listRecords(q).total, 1);
  RecordMutation restore = del;
  restore.kind = RecordMutation::Kind::Restore;
  restore.expected_version = 2;
  restore.action = "restore";
  EXPECT_EQ(store_->applyMutation(restore).status, MutationResult::Status::Ok);
  EXPECT_EQ(store_->getRecord("thing", r.id)->deleted_at, 0);
}

TEST_P(StoreConformance, ListsFilterSortPageLinksAndTerms) {
  store_->setAuditHasher(plainHash);
  store_->ensureFieldIndex("thing", "n");
  store_->ensureFieldIndex("thing", "n");  // once is enough; twice is harmless
  std::vector<int64_t> ids;
  for (int i = 0; i < 30; ++i) {
    auto m = createOf("thing", {{"n", i % 10}, {"code", "c" + std::to_string(i)}});
    if (i == 3) m.terms = {"t_alpha", "t_beta"};
    if (i == 4) m.terms = {"t_alpha"};
    if (i > 0) m.links = {{"parent", ids.front()}};
    ids.push_back(store_->applyMutation(m).record.id);
  }
  RecordQuery q;
  q.type = "thing";
  q.count_total = true;
  q.filters = {{"n", RecordFilter::Op::Ge, 7}};
  EXPECT_EQ(store_->listRecords(q).total, 9);
  q.filters = {{"n", RecordFilter::Op::In, Json::array({1, 2})}};
  EXPECT_EQ(store_->listRecords(q).total, 6);
  q.filters = {{"code", RecordFilter::Op::Eq, "c12"}};
  EXPECT_EQ(store_->listRecords(q).total, 1);
  q.filters.clear();
  q.terms = {"t_alpha"};
  EXPECT_EQ(store_->listRecords(q).total, 2);
  q.terms = {"t_alpha", "t_beta"};
  EXPECT_EQ(store_->listRecords(q).total, 1);
  // Sorted by n descending, then id; pages of 7 by cursor visit every record once.
  q.terms.clear();
  q.count_total = false;
  q.sort_field = "n";
  q.descending = true;
  q.limit = 7;
  std::vector<std::pair<int, int64_t>> seen;
  for (int page = 0; page < 10; ++page) {
    auto p = store_->listRecords(q);
    for (const auto& r : p.items) seen.emplace_back(r.data["n"].get<int>(), r.id);
    if (!p.has_more) break;
    q.after_value = p.items.back().data["n"];
    q.after_id = p.items.back().id;
  }
  ASSERT_EQ(seen.size(), 30U);
  for (std::size_t i = 1; i < seen.size(); ++i)
    EXPECT_TRUE(seen[i - 1].first > seen[i].first ||
                (seen[i - 1].first == seen[i].first && seen[i - 1].second > seen[i].second));
  // Relations both ways.
  EXPECT_EQ(store_->relations("thing", ids.front()).size(), 29U);
  const auto out = store_->relations("thing", ids[5]);
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(out[0].direction, "outgoing");
  EXPECT_EQ(out[0].id, ids.front());
}

TEST_P(StoreConformance, AttachmentsAreStoredAndBoundByTheRecordWrite) {
  store_->setAuditHasher(plainHash);
  AttachmentRow a;
  a.id = "att_1";
  a.record_type = "thing";
  a.field = "file";
  a.media_type = "application/pdf";
  a.size = 3;
  a.name = std::string("\x01sealed-name", 12);
  a.content = std::string("\x00\x01\x02sealed", 9);
  a.created_at = 10;
  a.created_by = 7;
  store_->putAttachment(a, AuditDraft{7, "attachment.upload", "thing", 0, Json::object()});
  auto meta = store_->getAttachment("att_1", false);
  ASSERT_TRUE(meta);
  EXPECT_TRUE(meta->content.empty());
  EXPECT_EQ(meta->record_id, 0);
  EXPECT_EQ(meta->name, a.name);
  auto m = createOf("thing", {{"file", "att_1"}});
  m.attachments = {"att_1"};
  const auto id = store_->applyMutation(m).record.id;
  auto full = store_->getAttachment("att_1", true);
  EXPECT_EQ(full->record_id, id);
  EXPECT_EQ(full->content, a.content);
  // Bound attachments do not move to another record.
  auto thief = createOf("thing", {{"file", "att_1"}});
  thief.attachments = {"att_1"};
  store_->applyMutation(thief);
  EXPECT_EQ(store_->getAttachment("att_1", false)->record_id, id);
  EXPECT_FALSE(store_->getAttachment("att_2", false));
}

TEST_P(StoreConformance, SchemaStateRoundTrips) {
  EXPECT_TRUE(store_->schemaState().empty());
  store_->saveSchemaState({{"a", "{}"}, {"migration:m1", "applied"}});
  store_->saveSchemaState({{"a", "{\"x\":1}"}, {"migration:m1", "applied"}});
  reopen();
  const auto s = store_->schemaState();
  ASSERT_EQ(s.size(), 2U);
  EXPECT_EQ(s.at("a"), "{\"x\":1}");
}

TEST_P(StoreConformance, AuditSearchFiltersNewestFirst) {
  store_->setAuditHasher(plainHash);
  for (int i = 0; i < 5; ++i) store_->applyMutation(createOf("thing", {{"n", i}}));
  store_->appendAudit(AuditDraft{42, "record.export", "thing", 0, Json{{"rows", 5}}}, 1'700'000'000'000);
  store_->appendAudit(AuditDraft{42, "user.access_change", "user", 7, Json::object()}, 1'800'000'000'000);
  AuditQuery all;
  const auto newest = store_->searchAudit(all);
  ASSERT_EQ(newest.size(), 7U);
  EXPECT_GT(newest[0].seq, newest[1].seq);
  AuditQuery prefix;
  prefix.action = "record.";
  EXPECT_EQ(store_->searchAudit(prefix).size(), 6U);
  AuditQuery exact;
  exact.action = "record.export";
  exact.actor = 42;
  ASSERT_EQ(store_->searchAudit(exact).size(), 1U);
  AuditQuery by_record;
  by_record.record_type = "user";
  by_record.record_id = 7;
  EXPECT_EQ(store_->searchAudit(by_record).size(), 1U);
  AuditQuery window;
  window.since_ms = 1'700'000'000'000;
  window.until_ms = 1'800'000'000'000;
  ASSERT_EQ(store_->searchAudit(window).size(), 1U);
  AuditQuery page;
  page.limit = 2;
  const auto first = store_->searchAudit(page);
  ASSERT_EQ(first.size(), 2U);
  page.before_seq = first.back().seq;
  EXPECT_EQ(store_->searchAudit(page).front().seq, first.back().seq - 1);
}

TEST_P(StoreConformance, KeyVersionsAreRecordedOnce) {
  EXPECT_EQ(store_->keyVersions().active, 0);
  store_->initKeyVersions(2, 2);
  store_->initKeyVersions(5, 5);  // only the first time counts
  EXPECT_EQ(store_->keyVersions().initial, 2);
  EXPECT_EQ(store_->keyVersions().active, 2);
  reopen();
  EXPECT_EQ(store_->keyVersions().active, 2);
}

TEST_P(StoreConformance, MissingFieldsSortFirstAscendingAndLastDescendingWithCursors) {
  store_->setAuditHasher(plainHash);
  store_->ensureCompositeIndex("thing", {"code", "n"});
  for (int i = 0; i < 12; ++i) {
    Json data = {{"code", "x"}};
    if (i % 3 != 0) data["n"] = i;  // every third has no n
    store_->applyMutation(createOf("thing", data));
  }
  for (bool descending : {false, true}) {
    RecordQuery q;
    q.type = "thing";
    q.sort_field = "n";
    q.descending = descending;
    q.limit = 5;
    q.filters = {{"code", RecordFilter::Op::Eq, "x"}};
    std::vector<Json> seen;
    for (int page = 0; page < 10; ++page) {
      auto p = store_->listRecords(q);
      for (const auto& r : p.items) seen.push_back(r.data.value("n", Json()));
      if (!p.has_more) break;
      q.after_value = p.items.back().data.value("n", Json());
      q.after_id = p.items.back().id;
    }
    ASSERT_EQ(seen.size(), 12U) << (descending ? "descending" : "ascending");
    if (!descending) {
      for (int i = 0; i < 4; ++i) EXPECT_TRUE(seen[static_cast<std::size_t>(i)].is_null());
      EXPECT_EQ(seen[4], 1);
      EXPECT_EQ(seen.back(), 11);
    } else {
      EXPECT_EQ(seen.front(), 11);
      for (std::size_t i = 8; i < 12; ++i) EXPECT_TRUE(seen[i].is_null());
    }
  }
  // Missing values are found by IsNull; strings and numbers compare as such.
  RecordQuery q;
  q.type = "thing";
  q.count_total = true;
  q.filters = {{"n", RecordFilter::Op::IsNull, nullptr}};
  EXPECT_EQ(store_->listRecords(q).total, 4);
  q.filters = {{"n", RecordFilter::Op::Lt, 10}, {"n", RecordFilter::Op::NotNull, nullptr}};
  EXPECT_EQ(store_->listRecords(q).total, 6);  // 1 2 4 5 7 8: numerically, not as text
}

TEST_P(StoreConformance, GuardsHoldBetweenTwoStoresOnOneDatabase) {
  // Two instances of the server: two stores on the same database, writing at once. A guard
  // (at most one live record per code) must hold across both, and the audit chain stays one chain.
  store_->setAuditHasher(plainHash);
  auto second = openStore(url_);
  second->setAuditHasher(plainHash);
  constexpr int kEach = 25;
  std::atomic<int> ok{0}, refused{0};
  auto writer = [&](Store& s, int offset) {
    for (int i = 0; i < kEach; ++i) {
      auto m = createOf("thing", {{"code", "k" + std::to_string(i % 10)}, {"n", offset + i}});
      m.guards = {CountGuard{"one_per_code", "thing", {{"code", m.data["code"]}}, {}, {}, 0, std::nullopt}};
      const auto r = s.applyMutation(m);
      if (r.status == MutationResult::Status::Ok) {
        ++ok;
      } else if (r.status == MutationResult::Status::GuardFailed) {
        ++refused;
      }
    }
  };
  std::thread a(writer, std::ref(*store_), 0), b(writer, std::ref(*second), 1000);
  a.join();
  b.join();
  EXPECT_EQ(ok.load(), 10);  // one per code, whichever store won
  EXPECT_EQ(refused.load(), 2 * kEach - 10);
  // Each store reads what the other wrote, at once; one chain, no gaps.
  RecordQuery q;
  q.type = "thing";
  q.count_total = true;
  EXPECT_EQ(second->listRecords(q).total, 10);
  EXPECT_EQ(store_->listRecords(q).total, 10);
  const auto audit = second->auditEntries(1, 1000);
  ASSERT_EQ(audit.size(), 10U);
  for (std::size_t i = 0; i < audit.size(); ++i) {
    EXPECT_EQ(audit[i].seq, static_cast<int64_t>(i + 1));
    if (i > 0) {
      EXPECT_EQ(audit[i].prev_hash, audit[i - 1].hash);
    }
  }
  second->close();
}

TEST_P(StoreConformance, PersonLinksUpsertRemoveAndReplace) {
  EXPECT_TRUE(store_->personLinks().empty());
  store_->savePersonLinks({{10, 10, 1000, "first", 5}, {11, 10, 970, "model", 5}, {12, 12, 1000, "first", 5}}, false);
  auto second = openStore(url_);  // another instance reads them
  auto rows = second->personLinks();
  ASSERT_EQ(rows.size(), 3U);
  EXPECT_EQ(rows[1], (PersonLinkRow{11, 10, 970, "model", 5}));
  // Upsert, and a row with person 0 removes the registration's link.
  store_->savePersonLinks({{11, 12, 1000, "review", 6}, {12, 0, 0, "", 0}}, false);
  rows = store_->personLinks();
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows[1], (PersonLinkRow{11, 12, 1000, "review", 6}));
  // Replace all.
  store_->savePersonLinks({{20, 20, 1000, "first", 7}}, true);
  rows = second->personLinks();
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_EQ(rows[0].record_id, 20);
  second->close();
}

TEST_P(StoreConformance, ThrottleCountersAreSharedAndWindowed) {
  auto second = openStore(url_);
  EXPECT_EQ(store_->throttleHit("signin:a", 1000, 900), 1);
  EXPECT_EQ(second->throttleHit("signin:a", 1010, 900), 2);  // the other instance counts on
  EXPECT_EQ(store_->throttleCount("signin:a", 1020, 900), 2);
  EXPECT_EQ(second->throttleCount("signin:b", 1020, 900), 0);
  // A window that has passed starts again.
  EXPECT_EQ(store_->throttleCount("signin:a", 1900, 900), 0);
  EXPECT_EQ(second->throttleHit("signin:a", 1900, 900), 1);
  store_->throttleHit("signin:old", 100, 900);
  EXPECT_EQ(store_->deleteExpiredThrottles(500), 1);
  second->close();
}

TEST_P(StoreConformance, CopyMovesEverythingIntoAnEmptyStore) {
  // From an SQLite store filled through the interface into this backend (store copy).
  store_->close();
  store_.reset();
  auto source = openStore("sqlite:" + (dir_ / "source.db").string());
  source->migrate();
  source->setAuditHasher(plainHash);
  auto agency = source->createAgency({0, "Shelter", "shelter", "baku", true, 0});
  auto u = source->createUser(user("erin"));
  source->setTotp(u->id, std::string("\x00\x01sealed\xff", 9), true);
  source->createSession({"sess", u->id, "csrf", 1, 2, 3, "ua"});
  auto m = createOf("thing", {{"n", 1}, {"code", "ş"}});
  m.seal_identity = [](int64_t) { return std::string("\x00sealed-identity\x80", 17); };
  m.terms = {"t1"};
  const auto first = source->applyMutation(m).record;
  auto second = createOf("thing", {{"n", 2}});
  second.links = {{"parent", first.id}};
  const auto child = source->applyMutation(second).record;
  auto update = updateOf(child, {{"n", 3}}, 1);
  update.links = {{"parent", first.id}};
  source->applyMutation(update);
  source->addGrant({0, first.id, agency.id, 0, "share", "referral", u->id, 5, 0, 0, 0},
                   AuditDraft{u->id, "grant.add", "thing", first.id});
  source->putAttachment(
      {"att_0123", "thing", "file", 0, "application/pdf", 3, "sealed-name", std::string("\x00\x01\x02", 3), 9, u->id},
      AuditDraft{u->id, "attachment.upload", "thing", 0});
  source->saveSchemaState({{"thing", "definition"}});
  source->initKeyVersions(1, 1);

  auto target = openStore(url_);
  target->migrate();
  target->setAuditHasher(plainHash);
  int64_t progress_calls = 0;
  source->copyTo(*target, [&](const std::string&, int64_t) { ++progress_calls; });
  EXPECT_GT(progress_calls, 0);

  auto copied = target->findUserByLogin("ERIN");
  ASSERT_TRUE(copied);
  EXPECT_EQ(copied->id, u->id);
  EXPECT_EQ(copied->totp_secret, std::string("\x00\x01sealed\xff", 9));
  EXPECT_TRUE(target->findSession("sess"));
  EXPECT_EQ(target->findAgency(agency.id)->name, "Shelter");
  auto r = target->getRecord("thing", first.id);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->identity, std::string("\x00sealed-identity\x80", 17));
  EXPECT_EQ(r->data["code"], "ş");
  EXPECT_EQ(target->recordHistory("thing", child.id).size(), 2U);
  EXPECT_EQ(target->relations("thing", first.id).size(), 1U);
  RecordQuery q;
  q.type = "thing";
  q.terms = {"t1"};
  EXPECT_EQ(target->listRecords(q).items.size(), 1U);
  EXPECT_EQ(target->grantsOf(first.id).size(), 1U);
  EXPECT_EQ(target->getAttachment("att_0123", true)->content, std::string("\x00\x01\x02", 3));
  EXPECT_EQ(target->schemaState().at("thing"), "definition");
  EXPECT_EQ(target->keyVersions().active, 1);
  // The audit chain and its head, entry for entry.
  const auto a = source->auditEntries(1, 1000), b = target->auditEntries(1, 1000);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].hash, b[i].hash);
  EXPECT_EQ(target->auditHead().mac, source->auditHead().mac);
  // New rows continue after the copied ids, and the chain goes on.
  const auto next = target->applyMutation(createOf("thing", {{"n", 9}})).record;
  EXPECT_GT(next.id, child.id);
  EXPECT_GT(target->createUser(user("frank"))->id, u->id);
  EXPECT_EQ(target->auditEntries(1, 1000).back().prev_hash, a.back().hash);
  // A second copy into a store that is no longer empty is refused, and changes nothing.
  EXPECT_THROW(source->copyTo(*target, nullptr), std::runtime_error);
  EXPECT_EQ(target->countUsers(), 2);
  target->close();
  source->close();
  store_ = openStore(url_);
}

// Writes run in batches, one savepoint per write, and on PostgreSQL the statements whose answer
// nobody reads (history, terms, audit) are sent without waiting. A write whose late statement
// fails (PostgreSQL refuses a search term that is not UTF-8; SQLite stores it), or that fails in
// the store's code while such a statement's answer is pending, must fail alone: the others of
// its batch land, nothing of it remains, and the audit chain has no gap.
TEST_P(StoreConformance, AWriteFailingInALateStatementFailsAloneInItsBatch) {
  store_->setAuditHasher(plainHash);
  constexpr int kThreads = 6;
  constexpr int kEach = 25;
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto m = createOf("thing", {{"n", t * 100 + i}});
        m.terms = {"w:one", "w:two"};
        if (i % 5 == 2 || i % 5 == 4) m.terms.push_back(std::string("w:bad\xff\xfe"));  // after the record's insert
        // And one that then fails in the store's own code (its audit details cannot be written as
        // JSON) while the refused term's answer is still on its way.
        if (i % 5 == 4) m.audit.details = Json{{"note", std::string("\xff")}};
        try {
          if (store_->applyMutation(m).status == MutationResult::Status::Ok) ++ok;
        } catch (const std::exception&) {
          ++failed;
        }
      }
    });
  for (auto& th : threads) th.join();
  const bool postgres = url_.rfind("postgres", 0) == 0;
  EXPECT_EQ(failed.load(), (postgres ? 2 : 1) * kThreads * kEach / 5);
  EXPECT_EQ(ok.load() + failed.load(), kThreads * kEach);
  RecordQuery q;
  q.type = "thing";
  q.count_total = true;
  q.limit = 500;
  const auto page = store_->listRecords(q);
  EXPECT_EQ(page.total, ok.load());
  std::set<int64_t> ns;
  for (const auto& r : page.items) {
    ns.insert(r.data["n"].get<int64_t>());
    EXPECT_EQ(store_->recordHistory("thing", r.id).size(), 1U) << r.id;
    if (postgres) {
      EXPECT_NE(r.data["n"].get<int64_t>() % 100 % 5, 2) << "a failed write left its record";
    }
    EXPECT_NE(r.data["n"].get<int64_t>() % 100 % 5, 4) << "a failed write left its record";
  }
  EXPECT_EQ(static_cast<int>(ns.size()), ok.load());
  // One entry per landed write, each chained to the one before.
  const auto audit = store_->auditEntries(1, 1000);
  ASSERT_EQ(static_cast<int>(audit.size()), ok.load());
  for (std::size_t k = 0; k < audit.size(); ++k) {
    EXPECT_EQ(audit[k].seq, static_cast<int64_t>(k + 1));
    EXPECT_EQ(audit[k].hash, plainHash(audit[k]));
    if (k > 0) {
      EXPECT_EQ(audit[k].prev_hash, audit[k - 1].hash);
    }
  }
  EXPECT_EQ(store_->auditHead().seq, ok.load());
}

// A create answers with the record as stored without reading it back, and a batch's ids are
// drawn together (PostgreSQL): what each caller got is what a later read finds, field for field
// (identity bytes included), no two creates share an id, an update between creates breaks
// nothing, and ids rise in the order the writes were made durable (the audit chain's order),
// across batches as within one.
TEST_P(StoreConformance, CreatesAnswerWhatTheyStoredAndIdsFollowTheCommitOrder) {
  store_->setAuditHasher(plainHash);
  const auto first = store_->applyMutation(createOf("thing", {{"n", -1}}));
  ASSERT_EQ(first.status, MutationResult::Status::Ok);
  constexpr int kThreads = 8;
  constexpr int kEach = 30;
  std::mutex mu;
  std::vector<StoredRecord> answered;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        if (t == 0 && i % 3 == 0) {  // updates mixed into the batches, announcing no new record
          const auto current = store_->getRecord("thing", first.record.id);
          ASSERT_TRUE(current);
          auto u = updateOf(*current, {{"n", -1}, {"i", i}}, current->version);
          EXPECT_EQ(store_->applyMutation(u).status, MutationResult::Status::Ok);
          continue;
        }
        auto m = createOf("thing", {{"n", t * 100 + i}, {"nested", {{"a", Json::array({1, 2.5, "x"})}}}}, 5000 + i);
        m.agency_id = 3 + t;
        m.region = t % 2 == 0 ? "baku" : "";
        if (i % 2 == 0)
          m.seal_identity = [](int64_t id) { return std::string("\x00sealed\x80", 8) + std::to_string(id); };
        const auto r = store_->applyMutation(m);
        ASSERT_EQ(r.status, MutationResult::Status::Ok);
        std::lock_guard lock(mu);
        answered.push_back(r.record);
      }
    });
  for (auto& th : threads) th.join();
  std::set<int64_t> ids;
  for (const auto& a : answered) {
    EXPECT_TRUE(ids.insert(a.id).second) << "id " << a.id << " given twice";
    const auto stored = store_->getRecord("thing", a.id);
    ASSERT_TRUE(stored) << a.id;
    EXPECT_EQ(stored->type, a.type);
    EXPECT_EQ(stored->version, 1);
    EXPECT_EQ(a.version, 1);
    EXPECT_EQ(stored->state, a.state);
    EXPECT_EQ(stored->data, a.data);
    EXPECT_EQ(stored->identity, a.identity);
    EXPECT_EQ(stored->identity.empty(), a.data["n"].get<int64_t>() % 100 % 2 != 0);
    if (!a.identity.empty()) {
      EXPECT_EQ(a.identity, std::string("\x00sealed\x80", 8) + std::to_string(a.id));
    }
    EXPECT_EQ(stored->created_at, a.created_at);
    EXPECT_EQ(stored->created_by, a.created_by);
    EXPECT_EQ(stored->updated_at, a.updated_at);
    EXPECT_EQ(stored->updated_by, a.updated_by);
    EXPECT_EQ(stored->deleted_at, 0);
    EXPECT_EQ(a.deleted_at, 0);
    EXPECT_EQ(stored->agency_id, a.agency_id);
    EXPECT_EQ(stored->region, a.region);
    EXPECT_EQ(stored->identity_blocked, a.identity_blocked);
  }
  EXPECT_EQ(static_cast<int>(answered.size()), kThreads * kEach - kEach / 3);
  // In the audit chain's order, each create's id is above every earlier one's.
  int64_t last_id = 0;
  int creates = 0;
  for (const auto& e : store_->auditEntries(1, 1000)) {
    if (e.action != "record.create") continue;
    ++creates;
    EXPECT_GT(e.record_id, last_id) << "audit entry " << e.seq;
    last_id = e.record_id;
  }
  EXPECT_EQ(creates, static_cast<int>(answered.size()) + 1);
  // The next id after them all, whatever was drawn and not used.
  const auto after = store_->applyMutation(createOf("thing", {{"n", 9999}}));
  EXPECT_GT(after.record.id, *ids.rbegin());
}

// A create sent again with the same idempotency key (an offline queue's retry, a lost answer)
// makes one record: the copy answers that record as stored (Replayed) and writes nothing, not
// even when a unique guard would now refuse it; the key with another request is KeyReused; the
// key is the actor's own; copies sent at once make one record; a key past its age is dropped
// by the actor's next keyed create.
TEST_P(StoreConformance, ACreateSentTwiceWithOneIdempotencyKeyMakesOneRecord) {
  store_->setAuditHasher(plainHash);
  auto keyed = [](Json data, const std::string& key, const std::string& digest, int64_t actor = 7) {
    auto m = createOf("thing", std::move(data));
    m.actor = actor;
    m.audit.actor = actor;
    m.idempotency_key = key;
    m.request_digest = digest;
    // Unique: no other record with this n.
    CountGuard unique;
    unique.name = "unique_n";
    unique.type = "thing";
    unique.equals = {{"n", m.data["n"]}};
    unique.max = 0;
    m.guards.push_back(unique);
    return m;
  };
  const auto first = store_->applyMutation(keyed({{"n", 1}}, "dev-1:0001", "d1"));
  ASSERT_EQ(first.status, MutationResult::Status::Ok);
  const auto again = store_->applyMutation(keyed({{"n", 1}}, "dev-1:0001", "d1"));
  EXPECT_EQ(again.status, MutationResult::Status::Replayed);
  EXPECT_EQ(again.record.id, first.record.id);
  EXPECT_EQ(again.record.data, first.record.data);
  const auto other = store_->applyMutation(keyed({{"n", 2}}, "dev-1:0001", "d2"));
  EXPECT_EQ(other.status, MutationResult::Status::KeyReused);
  const auto seen = store_->findIdempotencyKey(7, "dev-1:0001");
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->type, "thing");
  EXPECT_EQ(seen->record_id, first.record.id);
  EXPECT_EQ(seen->request_digest, "d1");
  EXPECT_FALSE(store_->findIdempotencyKey(8, "dev-1:0001"));
  // Another user's key of the same text is theirs: a new record (n 3, so the guard lets it).
  const auto theirs = store_->applyMutation(keyed({{"n", 3}}, "dev-1:0001", "d3", 8));
  EXPECT_EQ(theirs.status, MutationResult::Status::Ok);
  EXPECT_NE(theirs.record.id, first.record.id);

  // Eight copies of one create at once: one record.
  std::atomic<int> made{0}, replayed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      const auto r = store_->applyMutation(keyed({{"n", 4}}, "dev-2:0001", "d4"));
      if (r.status == MutationResult::Status::Ok) ++made;
      if (r.status == MutationResult::Status::Replayed) ++replayed;
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(made.load(), 1);
  EXPECT_EQ(replayed.load(), 7);

  RecordQuery q;
  q.type = "thing";
  q.count_total = true;
  EXPECT_EQ(store_->listRecords(q).total, 3);
  EXPECT_EQ(store_->auditEntries(1, 100).size(), 3U);  // a replay writes nothing

  // Keys older than the actor's next keyed create says are dropped by it; others stay.
  auto later = keyed({{"n", 5}}, "dev-1:0002", "d5");
  later.at = first.record.created_at + 10;
  later.idempotency_expired_before = first.record.created_at + 1;
  ASSERT_EQ(store_->applyMutation(later).status, MutationResult::Status::Ok);
  EXPECT_FALSE(store_->findIdempotencyKey(7, "dev-1:0001"));
  EXPECT_TRUE(store_->findIdempotencyKey(7, "dev-1:0002"));
  EXPECT_TRUE(store_->findIdempotencyKey(8, "dev-1:0001"));
}

// Migration 16 takes a database where every register shared one records table (as releases
// before it left it) and gives each register its table: ids, data, identity, deletion, history,
// links and visibility all come through, and new ids continue after the old ones.
TEST_P(StoreConformance, RecordsOfOneSharedTableMoveToTheirRegistersTables) {
  auto old = openStore(GetParam().url(dir_ / "before-16"));
  auto* sql = dynamic_cast<sql::SqlStore*>(old.get());
  ASSERT_NE(sql, nullptr);
  ASSERT_EQ(sql->migrateTo(sql::kRecordsPerRegisterMigration - 1), sql::kRecordsPerRegisterMigration - 1);
  sql->write([](sql::Db& db) {
    auto insert = [&](int64_t id, const std::string& type, const std::string& data, int64_t deleted_at,
                      int64_t agency) {
      db.prepare(
            "INSERT INTO records(id, type, version, state, data, identity, created_at, created_by, updated_at, "
            "updated_by, deleted_at, agency_id, region) VALUES (?, ?, 2, 'open', ?, ?, 10, 3, 20, 4, ?, ?, 'baku')")
          .bindAll(id, type, data, sql::Blob{"sealed-" + std::to_string(id)}, deleted_at, agency)
          .run();
    };
    insert(5, "thing", R"({"n":5})", 0, 1);
    insert(9, "other", R"({"n":9,"ref":5})", 0, 2);
    insert(12, "thing", R"({"n":12})", 77, 1);
    db.prepare("INSERT INTO record_links(from_id, field, to_id) VALUES (9, 'ref', 5)").run();
    db.prepare("INSERT INTO record_links(from_id, field, to_id) VALUES (9, 'ref', 12)").run();
    db.prepare(
          "INSERT INTO record_history(record_id, version, at, by, action, changes) VALUES (5, 1, 10, 3, "
          "'create', '[]')")
        .run();
  });
  EXPECT_TRUE(old->migrationsPending());
  EXPECT_EQ(old->migrate(), static_cast<int>(old->migrations().size()) - (sql::kRecordsPerRegisterMigration - 1));
  old->setAuditHasher(plainHash);

  auto five = old->getRecord("thing", 5);
  ASSERT_TRUE(five);
  EXPECT_EQ(five->data["n"], 5);
  EXPECT_EQ(five->version, 2);
  EXPECT_EQ(five->identity, "sealed-5");
  EXPECT_EQ(five->agency_id, 1);
  EXPECT_EQ(five->region, "baku");
  EXPECT_FALSE(old->getRecord("other", 5)) << "a record is found in its own register only";
  ASSERT_TRUE(old->getRecord("other", 9));
  EXPECT_EQ(old->getRecord("thing", 12)->deleted_at, 77);
  EXPECT_EQ(old->recordHistory("thing", 5).size(), 1U);
  const auto related = old->relations("other", 9);
  ASSERT_EQ(related.size(), 1U) << "the deleted record 12 is not related";
  EXPECT_EQ(related[0].type, "thing");
  EXPECT_EQ(related[0].id, 5);
  Visibility agency2;
  agency2.scope = Visibility::Scope::Agency;
  agency2.agency_id = 2;
  EXPECT_TRUE(old->recordVisible(9, agency2));
  EXPECT_FALSE(old->recordVisible(5, agency2));
  RecordQuery q;
  q.type = "thing";
  q.count_total = true;
  EXPECT_EQ(old->listRecords(q).total, 1);
  q.include_deleted = true;
  EXPECT_EQ(old->listRecords(q).total, 2);

  const auto created = old->applyMutation(createOf("other", {{"n", 13}}));
  ASSERT_EQ(created.status, MutationResult::Status::Ok);
  EXPECT_EQ(created.record.id, 13) << "ids continue after the largest";
  const auto next = old->applyMutation(createOf("thing", {{"n", 14}}));
  EXPECT_EQ(next.record.id, 14) << "one sequence for every register";
}

// Each register is its own table: an index for one register is not paid for by the others'
// writes, and a record is reached through its own register only.
TEST_P(StoreConformance, EachRegisterKeepsItsRecordsAndIndexesApart) {
  store_->setAuditHasher(plainHash);
  store_->ensureFieldIndex("thing", "n");
  store_->ensureCompositeIndex("thing", {"n", "state"});
  const auto a = store_->applyMutation(createOf("thing", {{"n", 1}}));
  const auto b = store_->applyMutation(createOf("other", {{"n", 1}}));
  ASSERT_EQ(a.status, MutationResult::Status::Ok);
  ASSERT_EQ(b.status, MutationResult::Status::Ok);
  EXPECT_NE(a.record.id, b.record.id);
  EXPECT_FALSE(store_->getRecord("other", a.record.id));
  EXPECT_FALSE(store_->getRecord("thing", b.record.id));
  EXPECT_TRUE(store_->relations("other", a.record.id).empty());
  EXPECT_TRUE(store_->recordHistory("other", a.record.id).empty());
  auto* sql = dynamic_cast<sql::SqlStore*>(store_.get());
  ASSERT_NE(sql, nullptr);
  const bool postgres = url_.rfind("postgres", 0) == 0;
  const auto indexes = sql->read<int64_t>([&](sql::Db& db) {
    auto s = db.prepare(postgres ? "SELECT count(*) FROM pg_indexes WHERE tablename = 'records_other'"
                                 : "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = "
                                   "'records_other' AND sql IS NOT NULL");
    s.step();
    return s.int64(0);
  });
  // PostgreSQL counts the primary key's index too; SQLite's is the table itself.
  EXPECT_EQ(indexes, postgres ? 4 : 3) << "the other register has its standing indexes only";
  RecordQuery q;
  q.type = "thing";
  q.filters.push_back({"n", RecordFilter::Op::Eq, 1});
  EXPECT_EQ(store_->listRecords(q).items.size(), 1U);
}

// One backend per run: SQLite, or the one PALERMO_TEST_BACKEND names (scripts/test.sh runs
// every test on both).
INSTANTIATE_TEST_SUITE_P(Backends, StoreConformance,
                         ::testing::Values(Backend{
                             "selected",
                             [](const std::filesystem::path& d) { return palermo::test::testDatabaseUrl(d); }}),
                         [](const auto& param_info) { return param_info.param.name; });
