// The national demo dataset (demo/national.hpp, seed 2019) imported into a fresh store of
// the backend under test (SQLite file, or PostgreSQL with PALERMO_TEST_BACKEND=postgres), with
// the real schema and rules. Shared by the statistics and the linkage tests.
#pragma once
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
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
#include "support/template_cache.hpp"
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

// What the imported demo depends on: this test program (its code: generator, engine, stores)
// and the schema and rules it reads.
inline std::string demoTemplateKey() { return templateKey("/proc/self/exe"); }

class DemoStore : public ::testing::Test {
 protected:
  // Each test starts from the demo in a directory (and on PostgreSQL a database) of its own,
  // copied from a template that the first test of a build imports; importing the demo takes
  // about a minute under the sanitizers, copying it a second.
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    const auto tmp = std::filesystem::temp_directory_path();
    dir_ = tmp / ("palermo-demo-" + std::to_string(::getpid()) + "-" + info->test_suite_name() + "-" + info->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    std::vector<FileError> errors;
    book_ = rules::RuleBook::load(std::string(PALERMO_SOURCE_DIR) + "/rules", errors);
    ASSERT_TRUE(errors.empty());

    const std::string key = testBackendName() + "-" + demoTemplateKey();
    const auto template_dir = tmp / ("palermo-demo-template-" + key);
    std::string url;
    {
      FileLock lock(tmp / "palermo-demo-template.lock");
      const bool ready = usePostgres()
                             ? !pgRun("", "SELECT 1 FROM pg_database WHERE datname = '" + pgDatabaseName(template_dir) + "'").empty()
                             : std::filesystem::exists(template_dir / "ready");
      if (!ready) {
        ASSERT_NO_FATAL_FAILURE(importTemplate(template_dir, tmp));
      }
      if (usePostgres()) {
        const auto name = pgDatabaseName(dir_);
        pgCreateDatabase(name, pgDatabaseName(template_dir));
        url = "postgres:" + pgAdminConninfo() + " dbname=" + name;
      } else {
        for (const auto& e : std::filesystem::directory_iterator(template_dir))
          if (e.is_regular_file() && e.path().filename() != "ready" && e.path().filename() != "palermo.db-shm") std::filesystem::copy_file(e.path(), dir_ / e.path().filename());
        url = "sqlite:" + (dir_ / "palermo.db").string();
      }
    }
    openService(url);
  }
  void TearDown() override {
    service_.reset();
    if (store_) store_->close();
    if (usePostgres()) pgRun("", "DROP DATABASE IF EXISTS " + pgDatabaseName(dir_) + " WITH (FORCE)");
    std::filesystem::remove_all(dir_);
  }

  void openService(const std::string& url) {
    store_ = openStore(url);
    store_->migrate();
    store_->setAuditHasher(audit::makeHasher(keys_.auditKey()));
    service_ = std::make_unique<records::RecordService>(productSchema(), *store_, keys_);
    service_->setRules(&book_);
    service_->prepare();
  }

  // Imports the national demo into the template (called under the lock). Templates of earlier
  // builds are removed: only the current one is ever used again.
  void importTemplate(const std::filesystem::path& template_dir, const std::filesystem::path& tmp) {
    if (!usePostgres())
      for (const auto& e : std::filesystem::directory_iterator(tmp))
        if (e.path().filename().string().rfind("palermo-demo-template-", 0) == 0 && e.is_directory())
          std::filesystem::remove_all(e.path());
    std::filesystem::create_directories(template_dir);
    // On PostgreSQL an empty database under a building name, renamed when complete.
    const auto building = template_dir / "building";
    openService(testDatabaseUrl(usePostgres() ? building : template_dir));
    const auto dataset = demo::nationalDemo(2019);
    for (const auto& a : dataset.agencies) store_->createAgency(AgencyRow{0, a.name, a.type, a.region, true, 0});
    const auto report = records::importRows(*service_, records::Actor::systemActor(), dataset.rows, {});
    ASSERT_TRUE(report.committed) << (report.errors.empty() ? "" : report.errors[0].toString());
    service_.reset();
    store_->close();  // SQLite checkpoints its log into the file; PostgreSQL lets the template be copied
    store_.reset();
    if (usePostgres())
      pgRun("", "ALTER DATABASE " + pgDatabaseName(building) + " RENAME TO " + pgDatabaseName(template_dir));
    else
      std::ofstream(template_dir / "ready") << "imported\n";
  }

  std::filesystem::path dir_;
  rules::RuleBook book_;
  KeyRing keys_ = KeyRing::fromMaster(std::string(32, 's'));
  std::unique_ptr<Store> store_;
  std::unique_ptr<records::RecordService> service_;
};

}  // namespace palermo::test
