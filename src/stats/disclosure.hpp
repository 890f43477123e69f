// Statistical disclosure control over linked tables, and its auditor (docs/statistics.md,
// "Disclosure control").
//
// A publication (the annual report, one figure on the dashboard) is a set of cells — totals,
// breakdown cells, the previous year, the years of a trend, multi-year totals — tied by linear
// relations an attacker knows from the definitions: a breakdown adds up to its total, a class
// "children" is the age band "minor", a multi-year total is the sum of its years. Protection
// decides which cells to hide so that, from everything published together, no hidden cell can be
// narrowed to an interval narrower than the threshold. The auditor proves it by linear
// programming (GLPK): for each hidden cell, the least and greatest value it can take given every
// published cell and every relation.
#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/json.hpp"

namespace palermo::stats {
struct Figure;
struct Catalogue;
}  // namespace palermo::stats

namespace palermo::stats::sdc {

// One linear relation: sum(coef * cell) {==, <=, >=} 0.
struct Relation {
  enum class Sense { Equal, AtMost, AtLeast };
  std::vector<std::pair<int, double>> terms;
  Sense sense = Sense::Equal;
};

struct CellState {
  std::string key;     // "indicator|period|dimension|code"; dimension "" for the total
  double value = 0;    // the true value
  bool shown = true;   // part of the publication (false: only in relations, e.g. a year no trend shows)
  bool protect = true; // subject to the threshold (counts of persons or records)
  bool hidden = false;
  bool primary = false;  // hidden because 0 < value < threshold
};

class Tables {
 public:
  // The cell with this key (created with `value` the first time).
  int cell(const std::string& key, double value, bool shown = true, bool protect = true);
  [[nodiscard]] int find(const std::string& key) const;
  void relate(std::vector<std::pair<int, double>> terms, Relation::Sense sense);
  // sum(parts) == total
  void sum(const std::vector<int>& parts, int total);

  [[nodiscard]] const std::vector<CellState>& cells() const { return cells_; }
  std::vector<CellState>& cells() { return cells_; }
  [[nodiscard]] const std::vector<Relation>& relations() const { return relations_; }

 private:
  std::vector<CellState> cells_;
  std::vector<Relation> relations_;
  std::unordered_map<std::string, int> index_;
};

struct HiddenInterval {
  std::string key;
  double low = 0;
  double high = std::numeric_limits<double>::infinity();
  // Shown cells whose values bound the interval (non-zero reduced cost at the optimum):
  // hiding one of them widens it. Indices into Tables::cells().
  std::vector<int> binding;
};

struct AuditResult {
  bool ok = true;
  int threshold = 0;
  int hidden = 0;                   // hidden cells audited
  int linear_programs = 0;          // solved
  double narrowest = std::numeric_limits<double>::infinity();  // the narrowest interval found
  std::vector<HiddenInterval> too_narrow;  // hidden cells an attacker narrows below the threshold
  std::vector<std::string> false_statements;  // "<k" shown for a value that is not below k
  double ms = 0;
  [[nodiscard]] Json toJson() const;
};

// Hides cells: primary (0 < value < threshold, among cells to protect), then secondary, until
// the audit finds no hidden cell narrower than the threshold. Cells never hidden: zeros and
// cells with protect = false.
void protect(Tables& tables, int threshold);

// For every hidden cell that is shown, the interval [low, high] an attacker can narrow it to from
// the shown cells (fixed at their values), the relations, hidden cells >= 1 (zeros are shown as
// zeros) and cells not shown >= 0. ok when every interval is at least `threshold` wide.
AuditResult audit(const Tables& tables, int threshold);

// ---- The cells and relations of published figures ------------------------------------------

// "indicator|period|dimension|code": dimension "" for the total, code "" for "not recorded".
std::string cellKey(const std::string& indicator, const std::string& period, const std::string& dimension = "",
                    const std::string& code = "");

// Adds a figure's total and, when it has breakdowns, every cell and "not recorded", with the
// relations its definition implies: an additive breakdown adds up to the total; a multi-valued
// one has every cell at most the total and its cells at least the total; between breakdowns of
// one figure, a class is at most the categories its filters name (and equal to them when it is
// the first class and has one filter), and a coarser age band lies between the finer bands
// inside it and those plus the finer breakdown's "not recorded". `protect`: subject to the
// threshold (counts; not amounts of money). Ratios are left out: they are shown as they are.
void addFigure(Tables& tables, const Figure& figure, const Catalogue& catalogue, bool shown, bool protect);

// A total over several years and the totals of those years (shown or not): for records and
// sums, equal to their sum; for persons (each counted once), at most their sum and at least each.
void addYears(Tables& tables, const Figure& over_years, const std::vector<Figure>& years, const Catalogue& catalogue,
              bool protect);

}  // namespace palermo::stats::sdc
