// International returns (S3, docs/international-returns.md): UNODC GLOTIP and Eurostat / GRETA
// tables derived at export time from the national records through declared crosswalks
// (indicators/international/*.yaml: national code -> international code; a code without an
// equivalent is counted as "not mappable" and named in the notes, never guessed). Every table is
// an indicator of the catalogue cross-tabulated by the return's dimensions, each person counted
// once per combination and once in every total.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "core/translated.hpp"
#include "international/ctdc.hpp"

namespace palermo {
class AuditStore;
namespace records {
struct Actor;
}
namespace stats {
class StatsService;
struct Catalogue;
}
}  // namespace palermo

namespace palermo::international {

// The code of a row that is not broken down by a column ("Total").
inline constexpr const char* kTotal = "Total";

struct Crosswalk {
  std::string id, dimension;
  bool keep = false;                         // the national codes pass through
  std::map<std::string, std::string> codes;  // national -> international ("" = not mappable)
  std::string not_recorded = "Unknown";      // the category of records without a value
};

struct ReturnTable {
  struct Axis {
    std::string column, crosswalk;
  };
  std::string id, measure, indicator;
  Translated label;
  std::vector<Axis> by;
  // A rate per `rate_per` persons of a declared population (SDG 16.2.2: victims per 100,000);
  // 0: counts only.
  int rate_per = 0;
  std::string population;
};

// A population reference table (indicators/international/population.yaml): persons by year and
// by the international codes of some columns (sex, age), "Total" where not broken down. Only
// what is declared is used: a combination without a figure gets no rate, and says so.
struct Population {
  std::string id;
  Translated label, source;
  std::vector<std::string> columns;
  std::map<std::string, double> figures;  // key(year, codes) -> persons
  static std::string key(int year, const std::vector<std::string>& columns,
                         const std::map<std::string, std::string>& codes);
  // The persons of `year` for a row's codes (columns the population has not: any; the row's
  // columns the population is not broken down by are ignored). Null when not declared.
  [[nodiscard]] const double* at(int year, const std::map<std::string, std::string>& codes) const;
};

struct ReturnGap {
  std::string measure;  // the receiver's code or words
  Translated label, reason;  // label: the measure in words (optional; the code where absent)
};

struct ReturnDefinition {
  std::string id, country = "AZE";
  Translated title, notes;
  int small_values_below = 0;  // values from 1 to this - 1 published as "<this" (0: exact)
  std::vector<ReturnTable> tables;
  std::vector<ReturnGap> gaps;
};

// The definitions in `dir`/international, checked against the statistics catalogue. Throws std::runtime_error listing
// every mistake (file and line).
struct ReturnCatalogue {
  std::map<std::string, Crosswalk> crosswalks;
  std::map<std::string, ReturnDefinition> returns;
  std::map<std::string, Population> populations;
  CtdcLayout ctdc;  // declared: the CTDC victim-level file (international/ctdc.hpp)
  static ReturnCatalogue load(const std::string& dir, const stats::Catalogue& catalogue);
  // The same from in-memory files (name -> YAML text), with the errors met reading them.
  static ReturnCatalogue loadTexts(const std::map<std::string, std::string>& files, const stats::Catalogue& catalogue,
                                   std::vector<FileError> errors = {});
};

class InternationalReturns {
 public:
  // Reads `statistics_dir`/international/*.yaml.
  InternationalReturns(stats::StatsService& stats, AuditStore& audit, const std::string& statistics_dir);

  [[nodiscard]] const ReturnCatalogue& catalogue() const { return catalogue_; }
  // The returns there are, in a language.
  [[nodiscard]] Json list(const std::string& lang) const;
  // A return for a year: {return, year, country, title, notes, gaps, tables: [{id, label,
  // measure, indicator, columns, coverage, rows: [{codes, value, published}], total}],
  // unmapped: [...]}. coverage: "records" (every combination), "total_only" (the year comes
  // from imported aggregates or periodic returns, which have no combinations: the total row
  // only) or "no_data" (nothing covers the year: no rows, total null).
  // Exact values (who may read restricted statistics; Problem 403 otherwise), audited.
  Json compute(const records::Actor& actor, const std::string& id, int year, const std::string& lang);
  // The CTDC victim-level file for a year, k-anonymised with `k` (0: the layout's; at least the
  // layout's). Same permission as compute(); audited with the counts. `synthetic`: the synthetic
  // variant (buildCtdcSynthetic: counts per combination, multiples of k, each >= k).
  CtdcFile ctdc(const records::Actor& actor, int year, int k, bool synthetic = false);
  // The long-format file of a computed return: one row per table, combination and year.
  static std::string csv(const Json& computed);
  // The same rows as an XLSX workbook (numbers as numbers), with a sheet of notes: what is
  // counted and how, what the return asks and the records cannot state, the unmapped codes.
  static std::string xlsx(const Json& computed, const std::string& lang);
  // The long format's header and rows (shared by csv() and xlsx(); `numeric` marks the columns
  // that hold numbers).
  struct LongTable {
    std::vector<std::string> header;
    std::vector<bool> numeric;
    std::vector<std::vector<std::string>> rows;
  };
  static LongTable longTable(const Json& computed);

 private:
  stats::StatsService& stats_;
  AuditStore& audit_;
  ReturnCatalogue catalogue_;
};

}  // namespace palermo::international
