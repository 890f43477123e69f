// The national demo dataset (demo/national.hpp, seed 2019) imported into a fresh store of
// the backend under test (SQLite file, or PostgreSQL with PALERMO_TEST_BACKEND=postgres), with
// the real schema and rules. Shared by the statistics and the linkage tests.
#pragma once
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "audit/audit.hpp"
#include "core/keys.hpp"
#include "demo/national.hpp"
#include "records/engine.hpp"
#include "records/import.hpp"
#include "records/schema.hpp"
#include "rules/rulebook.hpp"
#include "store/store.hpp"
#include "support/test_database.hpp"

namespace palermo::test {

inline const records::Schema& productSchema() {
  static const records::Schema s = [] {
    auto loaded = records::loadSchemaDir(std::string(PALERMO_SOURCE_DIR) + "/schema");
    EXPECT_TRUE(loaded.errors.empty());
    return std::move(loaded.schema);
  }();
  return s;
}

class DemoStore : public ::testing::Test {
 protected:
  void SetUp() override {
    // One directory (and on PostgreSQL one database) per test: each test starts from the demo.
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("palermo-demo-" + std::to_string(::getpid()) + "-" + info->test_suite_name() + "-" + info->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    std::vector<FileError> errors;
    book_ = rules::RuleBook::load(std::string(PALERMO_SOURCE_DIR) + "/rules", errors);
    ASSERT_TRUE(errors.empty());
    store_ = openStore(testDatabaseUrl(dir_));
    store_->migrate();
    store_->setAuditHasher(audit::makeHasher(keys_.auditKey()));
    service_ = std::make_unique<records::RecordService>(productSchema(), *store_, keys_);
    service_->setRules(&book_);
    service_->prepare();
    const auto dataset = demo::nationalDemo(2019);
    for (const auto& a : dataset.agencies) store_->createAgency(AgencyRow{0, a.name, a.type, a.region, true, 0});
    const auto report = records::importRows(*service_, records::Actor::systemActor(), dataset.rows, {});
    ASSERT_TRUE(report.committed) << (report.errors.empty() ? "" : report.errors[0].toString());
  }
  void TearDown() override {
    service_.reset();
    store_->close();
    std::filesystem::remove_all(dir_);
  }

  std::filesystem::path dir_;
  rules::RuleBook book_;
  KeyRing keys_ = KeyRing::fromMaster(std::string(32, 's'));
  std::unique_ptr<Store> store_;
  std::unique_ptr<records::RecordService> service_;
};

}  // namespace palermo::test
