// Statistics on the command line: `report annual` (the National Coordinator's report in PDF,
// ODT, XLSX, CSV or JSON), `stats figure` (one indicator, exact) and `stats check`.
#include <chrono>
#include <cstdio>
#include <fstream>

#include "cli/commands.hpp"
#include "international/returns.hpp"
#include "linkage/person_links.hpp"
#include "stats/report.hpp"
#include "stats/service.hpp"

namespace palermo::cli {

namespace {

// The statistics service over the stored records, persons counted once through the links.
struct StatsSetup {
  explicit StatsSetup(const Config& config) : records(config), statistics(records.schema, *records.store, config.statistics_dir) {
    if (records.schema.type("person")) {
      links = std::make_unique<linkage::PersonLinks>(records.schema, *records.store, records.keys);
      statistics.setPersonLinks(links.get());
    }
  }
  RecordsSetup records;
  stats::StatsService statistics;
  std::unique_ptr<linkage::PersonLinks> links;
};

}  // namespace

void addReportCommands(Commands& c) {
  CLI::App* report = c.group("report", "Reports computed from the records");
  struct ReportOptions {
    int year = 0;
    std::string lang = "az", format = "pdf", output;
    bool restricted = false;
  };
  auto r = std::make_shared<ReportOptions>();
  CLI::App* annual = c.add(report, "annual", "The National Coordinator's annual report for a year", [r](const Config& config) {
    StatsSetup s(config);
    auto& statistics = s.statistics;
    const auto actor = records::Actor::systemActor();
    const auto t0 = std::chrono::steady_clock::now();
    auto file = statistics.annualReportFile(actor, r->year, r->lang, r->format, r->restricted);
    const std::string out = r->output.empty() ? file.file_name : r->output;
    std::ofstream f(out, std::ios::binary);
    f << file.bytes;
    f.close();
    if (!f) throw std::runtime_error("cannot write " + out);
    std::fprintf(stderr, "%s: %zu bytes (%s edition; figures computed in %.0f ms, %.0f ms in all with loading)\n",
                 out.c_str(), file.bytes.size(), r->restricted ? "restricted" : "public", file.compute_ms,
                 std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    s.records.store->close();
    return 0;
  });
  annual->add_option("--year", r->year, "The year, e.g. 2019")->required();
  annual->add_option("--lang", r->lang, "az, en or ru")->check(CLI::IsMember({"az", "en", "ru"}));
  annual->add_option("--format", r->format, "pdf, odt, xlsx, csv or json")
      ->check(CLI::IsMember({"pdf", "odt", "xlsx", "csv", "json"}));
  annual->add_option("--output,-o", r->output, "File to write (default: palermo-annual-report-YEAR-LANG.FORMAT)");
  annual->add_flag("--restricted", r->restricted,
                   "Exact values (for authorised use); the default is the public edition with disclosure control");

  // The international returns (S3): one subcommand per return declared in indicators/international.
  struct ReturnOptions {
    int year = 0;
    std::string lang = "en", format = "csv", output;
  };
  const std::pair<const char*, const char*> kReturns[] = {
      {"glotip", "UNODC GLOTIP tables for a year (long format), from the records"},
      {"eurostat", "Eurostat / GRETA tables for a year, from the records"},
      {"sdg", "SDG 16.2.2: detected victims per 100,000 population, by sex, age and form"},
      {"ictip", "The records in IC-TIP's classification of the victim, the perpetrator and the reporting entity"}};
  for (const auto& [id, what] : kReturns) {
    auto o = std::make_shared<ReturnOptions>();
    const std::string name = id;
    CLI::App* cmd = c.add(report, name, what, [o, name](const Config& config) {
      StatsSetup s(config);
      international::InternationalReturns returns(s.statistics, *s.records.store, config.statistics_dir);
      const Json result = returns.compute(records::Actor::systemActor(), name, o->year, o->lang);
      const std::string bytes = o->format == "json"   ? result.dump(2) + "\n"
                                : o->format == "xlsx" ? international::InternationalReturns::xlsx(result, o->lang)
                                                      : international::InternationalReturns::csv(result);
      const std::string out =
          o->output.empty() ? "palermo-" + name + "-" + std::to_string(o->year) + "." + o->format : o->output;
      std::ofstream f(out, std::ios::binary);
      f << bytes;
      f.close();
      if (!f) throw std::runtime_error("cannot write " + out);
      std::size_t rows = 0;
      for (const auto& t : result["tables"]) rows += t["rows"].size();
      std::fprintf(stderr, "%s: %zu tables, %zu rows; %zu national codes without an equivalent\n", out.c_str(),
                   result["tables"].size(), rows, result["unmapped"].size());
      for (const auto& u : result["unmapped"])
        std::fprintf(stderr, "  not mappable: %s %s = %s (%g)\n", u["table"].get<std::string>().c_str(),
                     u["column"].get<std::string>().c_str(), u["national_code"].get<std::string>().c_str(),
                     u["rows"].get<double>());
      for (const auto& t : result["tables"])
        if (t["coverage"] != "records")
          std::fprintf(stderr, "  %s: %s\n", t["id"].get<std::string>().c_str(),
                       t["coverage"] == "no_data" ? "no data for the year"
                                                  : "the year is kept as aggregates: the total only, no breakdowns");
      if (!result["no_population"].empty())
        std::fprintf(stderr, "  %zu combinations have no population declared: no rate for them\n",
                     result["no_population"].size());
      for (const auto& g : result["gaps"])
        std::fprintf(stderr, "  not stated: %s (%s)\n", g["measure"].get<std::string>().c_str(),
                     g["reason"].get<std::string>().c_str());
      s.records.store->close();
      return 0;
    });
    cmd->add_option("--year", o->year, "The year, e.g. 2019")->required();
    cmd->add_option("--lang", o->lang, "az, en or ru (titles and notes)")->check(CLI::IsMember({"az", "en", "ru"}));
    cmd->add_option("--format", o->format, "csv (default), xlsx or json")->check(CLI::IsMember({"csv", "xlsx", "json"}));
    cmd->add_option("--output,-o", o->output, "File to write (default: palermo-RETURN-YEAR.FORMAT)");
  }

  // The CTDC victim-level file (k-anonymised), for IOM's Counter Trafficking Data Collaborative.
  struct CtdcOptions {
    int year = 0, k = 0;
    bool synthetic = false;
    std::string output;
  };
  auto co = std::make_shared<CtdcOptions>();
  CLI::App* export_cmd = c.group("export", "Victim-level files for international partners");
  CLI::App* ctdc = c.add(export_cmd, "ctdc", "The CTDC file of a year: consenting victims only, k-anonymised", [co](const Config& config) {
    StatsSetup s(config);
    international::InternationalReturns returns(s.statistics, *s.records.store, config.statistics_dir);
    const auto file = returns.ctdc(records::Actor::systemActor(), co->year, co->k, co->synthetic);
    const std::string out = co->output.empty()
                                ? "palermo-ctdc-" + std::string(co->synthetic ? "synthetic-" : "") + std::to_string(co->year) + ".csv"
                                : co->output;
    std::ofstream f(out, std::ios::binary);
    f << file.csv;
    f.close();
    if (!f) throw std::runtime_error("cannot write " + out);
    if (co->synthetic) {
      std::fprintf(stderr,
                   "%s: %zu combinations standing for %zu of %zu consenting victims (counts rounded down to multiples of "
                   "k = %d, none below it; %zu not represented)\n",
                   out.c_str(), file.rows, file.victims - file.suppressed, file.victims, file.k, file.suppressed);
      s.records.store->close();
      return 0;
    }
    std::fprintf(stderr,
                 "%s: %zu of %zu consenting victims written, %zu suppressed (%.1f%%), k = %d, smallest %s %zu; "
                 "generalised: %s\n",
                 out.c_str(), file.rows, file.victims, file.suppressed,
                 file.victims ? 100.0 * static_cast<double>(file.suppressed) / static_cast<double>(file.victims) : 0.0,
                 file.k, "combination", file.smallest_class, file.generalised.dump().c_str());
    s.records.store->close();
    return 0;
  });
  ctdc->add_option("--year", co->year, "The year of registration, e.g. 2019")->required();
  ctdc->add_option("--k", co->k, "Every published combination describes at least k persons (default and minimum: the layout's, 11)");
  ctdc->add_flag("--synthetic", co->synthetic,
                 "The synthetic variant: counts per combination of the quasi-identifiers, rounded down to multiples of k (none below k)");
  ctdc->add_option("--output,-o", co->output, "File to write (default: palermo-ctdc-YEAR.csv)");

  CLI::App* stats_cmd = c.group("stats", "Statistical indicators");
  c.add(stats_cmd, "check", "Check indicators/ against the schema; list every mistake", [](const Config& config) {
    const records::Schema schema = loadSchemaOrThrow(config);
    auto loaded = stats::loadCatalogue(config.statistics_dir, schema);
    for (const auto& e : loaded.errors) std::printf("%s\n", e.toString().c_str());
    if (!loaded.errors.empty()) return 1;
    stats::loadReportLayout(config.statistics_dir + "/reports/annual.yaml", loaded.catalogue);
    const auto returns = international::ReturnCatalogue::load(config.statistics_dir, loaded.catalogue);
    std::printf("%zu indicators, %zu dimensions, %zu international returns, %zu crosswalks: no mistakes\n",
                loaded.catalogue.indicators.size(), loaded.catalogue.dimensions.size(), returns.returns.size(),
                returns.crosswalks.size());
    return 0;
  });
  struct FigureOptions {
    std::string id, period, lang = "en";
  };
  auto f = std::make_shared<FigureOptions>();
  CLI::App* figure = c.add(stats_cmd, "figure", "Evaluate one indicator for a period (exact values)", [f](const Config& config) {
    StatsSetup s(config);
    auto& statistics = s.statistics;
    const auto actor = records::Actor::systemActor();
    std::printf("%s\n", statistics.figure(actor, f->id, f->period, f->lang, true).dump(2).c_str());
    s.records.store->close();
    return 0;
  });
  figure->add_option("indicator", f->id, "Indicator id, e.g. victims_identified")->required();
  figure->add_option("--period", f->period, "2019, 2019-Q2, 2015..2020 or 2019-03-01..2019-06-30")->required();
  figure->add_option("--lang", f->lang, "az, en or ru");
}

}  // namespace palermo::cli
