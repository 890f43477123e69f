// Indicators as data (S1): every figure of the statistics and of the annual report is a named,
// versioned definition read from indicators/*.yaml; no figure has code of its own. See
// docs/statistics.md for the file format and how the engine evaluates a definition.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/translated.hpp"

namespace palermo::records {
struct Schema;
}

namespace palermo::stats {

// A condition on the counted record. `path` names a field of the counted record or, through
// reference fields, of a record it points at ("person.sex", "facility.operated_by"); "state"
// is the workflow state; "@agency_type" / "@agency_region" the registering agency.
// Alternatively `dimension` tests the category a dimension puts the record in.
struct Filter {
  enum class Op { In, NotIn, Present, Absent, CountedBy };
  std::string path;
  std::string dimension;
  Op op = Op::In;
  std::vector<std::string> values;  // In / NotIn (for a multi-valued field: any of them)
  std::string indicator;            // CountedBy: the reference leads to a record that this
                                    // indicator counts in the same period
  int line = 0;
};

// A breakdown: the categories of a dimension.
struct Dimension {
  enum class Kind { Value, Age, Classes };
  struct Band {
    std::string code;
    Translated label;
    int min = 0, max = 200;  // age in whole years, both inclusive
  };
  struct Class {
    std::string code;
    Translated label;
    std::vector<Filter> where;  // dimension filters only; the first class that matches wins
  };
  std::string id;
  Translated label;
  Kind kind = Kind::Value;
  // Value: the field holding the category, per counted record type. Age: the (partial) date of
  // birth, per type; the age is taken at the date that places the record in the period.
  std::map<std::string, std::string> paths;
  std::string list;  // value list for labels; "country" for ISO codes; "boolean"
  std::map<std::string, std::string> rollup;  // stored code -> category (e.g. a sub-article)
  std::vector<Band> bands;
  std::vector<Class> classes;
  std::string file;
  int line = 0;
};

struct Indicator {
  enum class Unit { Records, Persons, Sum, Ratio, Distinct };
  std::string id;
  int version = 1;
  Translated label;
  Translated unit_label;      // what one unit is: "persons", "appeals", "crimes" ...
  Translated definition;     // plain words, shown when a figure is explained
  Unit unit = Unit::Records;
  std::string from;     // the register counted; empty: imported aggregates only
  // Approved periodic returns (docs/returns.md) that state this figure: the return type and its
  // number field. A return counts in a period that holds its whole period, for the part of the
  // period records do not answer for (all of it when `from` is empty).
  std::string returns_from, returns_value;
  std::string person;   // Persons: the path to the person counted once
  std::string sum;      // Sum: the numeric field added up
  std::string distinct; // Distinct: the field whose different values are counted (places)
  std::string date;     // the field placing a record in a period; empty: no period test
                        // (the period then comes only through a CountedBy filter)
  std::vector<Filter> where;
  std::vector<std::string> breakdowns;  // dimension ids
  std::string numerator, denominator;   // Ratio: two indicators, as a percentage
  int decimals = 0;                     // Ratio: digits after the point
  std::string file;
  int line = 0;
};

// "persons", "records", "sum" or "ratio": what an indicator counts, as files and the API say it.
const char* countsName(Indicator::Unit unit);

struct Catalogue {
  std::map<std::string, Indicator> indicators;
  std::map<std::string, Dimension> dimensions;
  // Records are complete from this day (YYYYMMDD); earlier periods come from imported
  // aggregates (type statistic_aggregate). indicators/settings.yaml `records_from`.
  int records_from = 0;
  // Registers declared complete from a day (settings `complete:`, register -> YYYYMMDD): a
  // period from then on states 0 when nothing was counted. Other registers state a figure only
  // for periods in which they hold records; otherwise "no data".
  std::map<std::string, int> complete_from;
  int disclosure_threshold = 5;  // public editions: the threshold of disclosure control (docs/statistics.md)
  std::string time_zone = "Asia/Baku";  // the calendar day of a date-time
  // Record type -> the fields the indicators read (for the snapshot).
  [[nodiscard]] std::map<std::string, std::vector<std::string>> fieldsUsed(const records::Schema& schema) const;
  [[nodiscard]] const Indicator* indicator(const std::string& id) const;
  [[nodiscard]] const Dimension* dimension(const std::string& id) const;
};


struct CatalogueLoad {
  Catalogue catalogue;
  std::vector<FileError> errors;
};

// Loads indicators/*.yaml (not reports/) and checks every path, list and reference against the
// schema. Files hold `settings:`, `dimensions:` and/or `indicators:`.
CatalogueLoad loadCatalogue(const std::string& dir, const records::Schema& schema);
CatalogueLoad loadCatalogueTexts(const std::map<std::string, std::string>& files, const records::Schema& schema);

// The type a path ends on and its last field, following reference fields; empty type when the
// path does not resolve (the message says why).
struct PathEnd {
  std::string type, field, error;
};
PathEnd resolvePath(const records::Schema& schema, const std::string& from, const std::string& path);

}  // namespace palermo::stats
