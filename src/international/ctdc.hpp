// The CTDC victim-level file (S3, docs/international-returns.md): one row per registered victim
// whose consent to statistical use is recorded, in CTDC's legacy 63-column layout declared in
// indicators/international/ctdc.yaml, k-anonymised (international/kanon.hpp) over the
// quasi-identifiers CTDC names. Built from the statistics snapshot: no identity is opened.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/json.hpp"
#include "international/kanon.hpp"

namespace YAML {
class Node;
}

namespace palermo::stats {
struct Catalogue;
class Evaluator;
}  // namespace palermo::stats

namespace palermo::international {

struct CtdcColumn {
  enum class Kind { Year, Value, Keep, Flag, Both, Concatenate };
  Kind kind = Kind::Value;
  std::string name, dimension;
  std::map<std::string, std::string> codes;  // Value: national -> CTDC
  std::string other;                         // Value: for a code not listed ("" = empty cell)
  std::set<std::string> flag;                // Flag: the national codes that make it 1
  std::string first, second;                 // Both: the two flag columns
  std::string prefix;                        // Concatenate: of the flag columns joined
};

struct CtdcLevel {
  enum class Kind { Map, Region, Suppress };
  Kind kind = Kind::Suppress;
  std::map<std::string, std::string> map;  // Map: value -> generalised value ("*": any other)
};

struct CtdcQuasiIdentifier {
  std::string column;
  std::vector<CtdcLevel> levels;
};

struct CtdcLayout {
  bool declared = false;
  std::string indicator;
  int k = 11;
  double max_suppressed_share = 0.05;
  std::vector<CtdcColumn> columns;
  std::vector<CtdcQuasiIdentifier> quasi_identifiers;
  // Reads the `ctdc` node of a file; mistakes go to `errors`.
  static CtdcLayout read(const std::string& file, const YAML::Node& n, const stats::Catalogue& catalogue,
                         std::vector<FileError>& errors);
};

struct CtdcFile {
  std::string csv;                  // header + the rows kept, sorted (no order of registration)
  std::size_t victims = 0;          // consenting victims of the year
  std::size_t rows = 0;             // rows written
  std::size_t suppressed = 0;       // rows dropped to reach k
  int k = 0;
  std::size_t smallest_class = 0;   // the smallest combination of quasi-identifiers written
  Json generalised;                 // {column: levels}
};

// The quasi-identifiers' hierarchies as the layout declares them (kanon.hpp), in its order.
std::vector<Hierarchy> hierarchiesOf(const CtdcLayout& layout);

// The file for `year` with k (>= 2); the caller checks permission and audits.
CtdcFile buildCtdc(const CtdcLayout& layout, stats::Evaluator& evaluator, int year, int k);

// The synthetic variant for `year`: counts per combination of the quasi-identifiers at their
// finest grain (not generalised), each rounded down to a multiple of k, a combination of fewer
// than k victims left out - every line of the file is backed by at least k records. Columns: the
// quasi-identifiers and `count`; `rows` counts the lines, `suppressed` the victims not
// represented (left out or rounded away), `smallest_class` the smallest count written.
CtdcFile buildCtdcSynthetic(const CtdcLayout& layout, stats::Evaluator& evaluator, int year, int k);

}  // namespace palermo::international
