// The statistics engine (S1, S2): evaluates an indicator of the catalogue for a period over the
// column snapshot, with its breakdowns, the gap "not recorded", imported aggregates for periods
// before the records, and the records behind a figure. See docs/statistics.md.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "stats/indicators.hpp"

namespace palermo::stats {

class Snapshot;

// A closed range of calendar days, as YYYYMMDD integers.
struct Period {
  int32_t from = 0, to = 0;
  static Period year(int y) { return {y * 10000 + 101, y * 10000 + 1231}; }
  static Period years(int first, int last) { return {first * 10000 + 101, last * 10000 + 1231}; }
  static Period quarter(int y, int q) {
    static const int kEnd[] = {331, 630, 930, 1231};
    return {y * 10000 + (q - 1) * 300 + 101, y * 10000 + kEnd[q - 1]};
  }
  // "2019", "2019-Q2", "2015..2020", "2019-03-01..2019-06-30"; nullopt-like {0,0} when malformed.
  static Period parse(const std::string& text);
  // The period of the same length just before (a year before a year, a quarter before a quarter).
  [[nodiscard]] Period previous() const;
  [[nodiscard]] std::string toString() const;  // the same forms parse() reads
  [[nodiscard]] bool valid() const { return from > 0 && to >= from; }
  bool operator==(const Period&) const = default;
};

struct Cell {
  std::string code;
  double value = 0;
  bool imported = false;
};

struct BreakdownResult {
  std::string dimension;
  std::vector<Cell> cells;   // the categories, in the dimension's order
  double not_recorded = 0;   // counted, but without a value for this dimension
  bool additive = true;      // cells + not recorded = total (false for multi-valued fields)
};

struct Figure {
  std::string indicator;
  int version = 0;
  Period period;
  double value = 0;
  double from_records = 0;   // the part counted from records ...
  double imported = 0;       // ... and the part from imported aggregates
  double from_returns = 0;   // ... and the part from approved periodic returns
  std::string qualifier;     // of an imported aggregate: about, over, under ("" exact)
  bool available = true;     // false: neither records nor an imported aggregate cover the period
  std::vector<std::string> sources;  // of imported aggregates and returns
  std::vector<BreakdownResult> breakdowns;
  [[nodiscard]] const BreakdownResult* breakdown(const std::string& dimension) const;
  [[nodiscard]] double cell(const std::string& dimension, const std::string& code) const;
};

// Counts by a combination of dimensions (the international returns' long tables). Each
// dimension's categories may be recoded first (national code -> output code, several national
// codes to one); a person is counted once per combination of output codes.
struct CrossTabRequest {
  std::string indicator;
  Period period;
  std::vector<std::string> dimensions;
  // Per dimension: null keeps the national codes; else the recoding, and a code not in it is
  // counted as kNotMappable (and listed in CrossTab::unmapped).
  std::vector<const std::map<std::string, std::string>*> recode;
};

struct CrossTab {
  static constexpr const char* kNotRecorded = "not_recorded";  // no value for the dimension
  static constexpr const char* kNotMappable = "not_mappable";  // a national code without an equivalent
  std::vector<std::string> dimensions;
  struct Row {
    std::vector<std::string> codes;  // one per dimension
    double value = 0;
  };
  std::vector<Row> rows;  // the combinations counted (value > 0), in dimension order
  double total = 0;       // persons (or records, or the sum) counted, each once
  // Per dimension, the national codes met that the recoding does not map, with how many rows had them.
  std::vector<std::map<std::string, double>> unmapped;
};

// The counted rows one by one with their categories (victim-level exports such as CTDC's).
struct RowListing {
  std::vector<std::string> dimensions;
  // rows[i][k]: the national categories of dimension k for row i (several for a multi-valued
  // field, none when not recorded).
  std::vector<std::vector<std::vector<std::string>>> rows;
};

struct FigureRequest {
  std::string indicator;
  Period period;
  bool with_breakdowns = true;
};

class Evaluator {
 public:
  Evaluator(const Catalogue& catalogue, const Snapshot& snapshot);
  ~Evaluator();
  // Throws std::invalid_argument for an unknown indicator.
  // Results are remembered for the evaluator's life (a report asks for some figures twice);
  // without breakdowns only the total is computed (trends, multi-year totals).
  // Safe to call from several threads at once.
  Figure evaluate(const std::string& indicator, const Period& period, bool with_breakdowns = true);
  // Evaluates the figures in parallel on the process's work pool (core/work_pool.hpp), each by
  // one thread, in the order given as far as threads allow; the results (in the requests'
  // order) are identical to evaluating them one by one, and stay remembered like evaluate's.
  std::vector<Figure> evaluateAll(const std::vector<FigureRequest>& requests);
  // From the records only (imported aggregates and returns have no combinations): persons,
  // records and sums; throws std::invalid_argument for other units and unknown dimensions.
  CrossTab crossTab(const CrossTabRequest& request);
  // The rows counted, from the records; a Persons indicator gives one row per person (the
  // person's first record counted). Throws std::invalid_argument like crossTab.
  RowListing listRows(const std::string& indicator, const Period& period, const std::vector<std::string>& dimensions);
  // The ids of the records counted (for a Persons indicator: the counted records, not the persons).
  std::vector<int64_t> recordsBehind(const std::string& indicator, const Period& period);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace palermo::stats
