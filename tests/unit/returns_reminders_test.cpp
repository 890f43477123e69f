// Periodic-return reminders (issue 27): the people of an agency who submit a return are told on
// the period's last day to submit and when it is over, once each, only while the agency still
// owes the period; the message and the e-mail name the return and the period, nothing else.
#include <gtest/gtest.h>

#include <ctime>
#include <filesystem>

#include "audit/audit.hpp"
#include "core/keys.hpp"
#include "records/engine.hpp"
#include "records/schema.hpp"
#include "returns/returns_service.hpp"
#include "rules/rulebook.hpp"
#include "store/store.hpp"
#include "support/test_database.hpp"

using namespace palermo;
using namespace palermo::records;

namespace {

int64_t at(const char* iso) {  // "YYYY-MM-DDTHH:MM" UTC -> unix milliseconds
  std::tm tm{};
  std::sscanf(iso, "%4d-%2d-%2dT%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min);
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

class ReturnsReminders : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("palermo-returns-remind-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto loaded = loadSchemaDir(std::string(PALERMO_SOURCE_DIR) + "/schema");
    ASSERT_TRUE(loaded.errors.empty());
    schema_ = std::move(loaded.schema);
    store_ = openStore(palermo::test::testDatabaseUrl(dir_));
    store_->migrate();
    store_->setAuditHasher(audit::makeHasher(keys_.auditKey()));
    std::vector<FileError> errors;
    book_ = rules::RuleBook::load(std::string(PALERMO_SOURCE_DIR) + "/rules", errors);
    ASSERT_TRUE(errors.empty());
    service_ = std::make_unique<RecordService>(schema_, *store_, keys_);
    service_->setRules(&book_);
    service_->prepare();
    service_->setMail(true, "https://palermo.example.az");
  }
  void TearDown() override {
    service_.reset();
    store_->close();
    std::filesystem::remove_all(dir_);
  }
  int64_t user(const std::string& login, const std::string& role, int64_t agency, bool active = true) {
    auto u = store_->createUser(NewUser{login, login, "x", {role}, false, agency});
    EXPECT_TRUE(u);
    store_->setUserEmail(u->id, login + "@example.az", AuditDraft{0, "user.email", "user", u->id, Json::object()});
    if (!active) store_->updateUserAccess(u->id, {role}, agency, false, AuditDraft{0, "user.access", "user", u->id, Json::object()});
    return u->id;
  }
  std::vector<std::string> kindsOf(int64_t user_id) {
    std::vector<std::string> out;
    const Json page = service_->notifications(user_id, false, 0, 50);  // kept: the loop reads into it
    for (const auto& n : page["items"]) out.push_back(n["kind"]);
    return out;
  }

  std::filesystem::path dir_;
  KeyRing keys_ = KeyRing::fromMaster(std::string(32, 'r'));
  Schema schema_;
  rules::RuleBook book_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<RecordService> service_;
};

}  // namespace

TEST_F(ReturnsReminders, AnAgencyThatStillOwesAPeriodIsToldOnItsLastDayAndWhenItIsOver) {
  const auto owing = store_->createAgency(AgencyRow{0, "Miqrasiya (borclu)", "migration", "baku", true, 0}).id;
  const auto done = store_->createAgency(AgencyRow{0, "Miqrasiya (təhvil verib)", "migration", "ganja", true, 0}).id;
  const auto coordination = store_->createAgency(AgencyRow{0, "Koordinator", "coordinator", "baku", true, 0}).id;
  const int64_t manager = user("dm_owing", "data_manager", owing);
  const int64_t away = user("dm_away", "data_manager", owing, false);
  const int64_t other = user("dm_done", "data_manager", done);
  const int64_t coordinator = user("nc", "coordinator", coordination);

  // The other agency sent and submitted October 2026; the first one has nothing.
  const Actor sender = Actor::of(schema_, other, {"data_manager"}, done, "ganja");
  const Json sent = service_->create(sender, "return_migration_monthly",
                                     {{"period", "2026-10"}, {"breaching_identified", 950}, {"deported", 700},
                                      {"screened", 650}, {"referred_to_police", 2}});
  service_->transition(sender, "return_migration_monthly", sent["id"], sent["version"].get<int64_t>(), "submit",
                       {{"submitted_on", "2026-11-05"}});

  returns::ReturnsService returns(schema_, *store_);
  // October's last day to submit is 15 November (due in 15 days).
  EXPECT_EQ(returns.remindDue(*service_, at("2026-11-14T12:00"), at("2026-11-14T23:59")), 0);
  EXPECT_EQ(returns.remindDue(*service_, at("2026-11-14T23:59"), at("2026-11-15T00:05")), 1);
  EXPECT_EQ(kindsOf(manager), std::vector<std::string>{"return_near:2026-10"});
  EXPECT_EQ(returns.remindDue(*service_, at("2026-11-15T00:05"), at("2026-11-16T00:00")), 1);
  EXPECT_EQ(kindsOf(manager), (std::vector<std::string>{"return_due:2026-10", "return_near:2026-10"}));
  EXPECT_EQ(returns.remindDue(*service_, at("2026-11-16T00:00"), at("2026-11-20T00:00")), 0);  // once
  EXPECT_TRUE(kindsOf(away).empty());         // inactive
  EXPECT_TRUE(kindsOf(other).empty());        // submitted
  EXPECT_TRUE(kindsOf(coordinator).empty());  // approves; does not submit

  const Json note = service_->notifications(manager, true, 0, 50)["items"][0];
  EXPECT_EQ(note["message"]["az"], "Hesabatın müddəti keçib: Miqrasiya xidmətinin aylıq hesabatı (2026-10)");
  EXPECT_EQ(note["link"], "/returns");
  EXPECT_EQ(note["record_type"], "return_migration_monthly");

  // E-mailed to the manager with a link to the returns page; nothing else.
  const auto mails = store_->emailsDue(at("2027-01-01T00:00"), 10);
  ASSERT_EQ(mails.size(), 2U);
  for (const auto& m : mails) {
    EXPECT_EQ(m.to, "dm_owing@example.az");
    EXPECT_NE(m.body.find("https://palermo.example.az/returns"), std::string::npos) << m.body;
    EXPECT_NE(m.body.find("(2026-10)"), std::string::npos) << m.body;
  }
}
