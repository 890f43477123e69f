// The statistics service the API and the CLI use: the catalogue and the annual report layout
// (loaded once), the column snapshot (loaded at the first use, then kept current from the
// audit chain before every answer), permission checks and auditing. Thread-safe.
#pragma once
#include <functional>
#include <memory>
#include <shared_mutex>
#include <string>

#include "core/json.hpp"
#include "stats/engine.hpp"
#include "stats/indicators.hpp"
#include "stats/report.hpp"

namespace palermo {
class Store;
namespace records {
struct Schema;
struct Actor;
}  // namespace records
}  // namespace palermo

namespace palermo::linkage {
class PersonLinks;
}

namespace palermo::stats {

class Snapshot;

struct ReportFile {
  std::string bytes;
  std::string content_type;
  std::string file_name;
  double compute_ms = 0;
};

class StatsService {
 public:
  // Loads `dir`/*.yaml and `dir`/reports/annual.yaml; throws std::runtime_error listing every
  // mistake.
  StatsService(const records::Schema& schema, Store& store, const std::string& dir);
  ~StatsService();

  [[nodiscard]] const Catalogue& catalogue() const { return catalogue_; }
  // The indicators, their definitions and breakdowns, in a language.
  [[nodiscard]] Json catalogueJson(const std::string& lang) const;
  // One figure for a period, with the previous period and its breakdowns. `restricted` needs
  // the right to it (see mayRestricted) and is audited.
  Json figure(const records::Actor& actor, const std::string& indicator, const std::string& period,
              const std::string& lang, bool restricted);
  // The ids of the records behind a figure (national read of the register), audited.
  Json recordsBehind(const records::Actor& actor, const std::string& indicator, const std::string& period);
  Json annualReport(const records::Actor& actor, int year, const std::string& lang, bool restricted);
  // format: pdf | odt | xlsx | csv | json.
  ReportFile annualReportFile(const records::Actor& actor, int year, const std::string& lang,
                              const std::string& format, bool restricted);
  // Person links (S4): person-counting figures count linked persons, not person records. Null
  // (the default): each person record is a person.
  void setPersonLinks(linkage::PersonLinks* links) { links_ = links; }
  // Runs `fn` with an evaluator over the current snapshot (the international returns' cross
  // tables). The caller checks permissions and audits.
  void withEvaluator(const std::function<void(Evaluator&)>& fn);
  // Snapshot state: rows, bytes, audit sequence reflected, load and refresh times.
  Json status();
  // Exact (restricted) figures: national export of every register the catalogue counts.
  [[nodiscard]] bool mayRestricted(const records::Actor& actor) const;

 private:
  void ensureCurrent();
  void checkArgs(int year, const std::string& lang) const;

  const records::Schema& schema_;
  Store& store_;
  Catalogue catalogue_;
  ReportLayout layout_;
  std::unique_ptr<Snapshot> snapshot_;
  linkage::PersonLinks* links_ = nullptr;
  std::shared_mutex mutex_;
  bool loaded_ = false;
  double load_ms_ = 0;
  double last_refresh_ms_ = 0;
  int64_t last_refresh_records_ = 0;
};

}  // namespace palermo::stats
