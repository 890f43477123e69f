#include "international/ctdc.hpp"

#include <unicode/locid.h>
#include <unicode/region.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <stdexcept>

#include "core/csv.hpp"
#include "core/yaml_files.hpp"
#include "international/kanon.hpp"
#include "stats/engine.hpp"
#include "stats/indicators.hpp"

namespace palermo::international {
namespace {

// "Western Asia" for "AZ": the UN M49 sub-region containing a country (ICU's region data);
// "" when unknown.
std::string subRegion(const std::string& country) {
  if (country.empty()) return "";
  UErrorCode status = U_ZERO_ERROR;
  const icu::Region* r = icu::Region::getInstance(country.c_str(), status);
  if (U_FAILURE(status) || !r) return "";
  const icu::Region* up = r->getContainingRegion();
  if (!up) return "";
  icu::UnicodeString name;
  icu::Locale("", up->getRegionCode()).getDisplayCountry(icu::Locale::getEnglish(), name);
  std::string out;
  name.toUTF8String(out);
  return out;
}

}  // namespace

std::vector<Hierarchy> hierarchiesOf(const CtdcLayout& layout) {
  std::vector<Hierarchy> hierarchies;
  for (const auto& q : layout.quasi_identifiers) {
    Hierarchy h;
    h.column = q.column;
    for (const auto& level : q.levels) {
      if (level.kind == CtdcLevel::Kind::Suppress) {
        h.levels.emplace_back([](const std::string&) { return std::string(); });
      } else if (level.kind == CtdcLevel::Kind::Region) {
        h.levels.emplace_back([](const std::string& v) { return subRegion(v); });
      } else {
        const auto* map = &level.map;
        h.levels.emplace_back([map](const std::string& v) {
          if (const auto it = map->find(v); it != map->end()) return it->second;
          if (const auto it = map->find("*"); it != map->end()) return it->second;
          return v;
        });
      }
    }
    hierarchies.push_back(std::move(h));
  }
  return hierarchies;
}

namespace {

// One row per consenting victim of the year, in the layout's columns, before any anonymisation.
std::vector<std::vector<std::string>> ctdcTable(const CtdcLayout& layout, stats::Evaluator& ev, int year) {
  // The dimensions the columns read, once each.
  std::vector<std::string> dims;
  std::map<std::string, std::size_t> dim_index;
  for (const auto& c : layout.columns)
    if (!c.dimension.empty() && !dim_index.count(c.dimension)) dim_index[c.dimension] = dims.size(), dims.push_back(c.dimension);
  const stats::RowListing listing = ev.listRows(layout.indicator, stats::Period::year(year), dims);

  std::map<std::string, std::size_t> col_index;
  for (std::size_t i = 0; i < layout.columns.size(); ++i) col_index[layout.columns[i].name] = i;
  std::vector<std::vector<std::string>> table;
  table.reserve(listing.rows.size());
  for (const auto& src : listing.rows) {
    std::vector<std::string> row(layout.columns.size());
    for (std::size_t i = 0; i < layout.columns.size(); ++i) {
      const auto& c = layout.columns[i];
      const std::vector<std::string>* cats = c.dimension.empty() ? nullptr : &src[dim_index.at(c.dimension)];
      switch (c.kind) {
        case CtdcColumn::Kind::Year: row[i] = std::to_string(year); break;
        case CtdcColumn::Kind::Keep: row[i] = cats->empty() ? "" : cats->front(); break;
        case CtdcColumn::Kind::Value:
          if (!cats->empty()) {
            const auto it = c.codes.find(cats->front());
            row[i] = it != c.codes.end() ? it->second : c.other;
          }
          break;
        case CtdcColumn::Kind::Flag:
          if (!cats->empty())
            row[i] = std::any_of(cats->begin(), cats->end(), [&](const std::string& v) { return c.flag.count(v) > 0; }) ? "1" : "0";
          break;
        case CtdcColumn::Kind::Both: {
          const auto& a = row[col_index.at(c.first)];
          const auto& b = row[col_index.at(c.second)];
          if (!a.empty() && !b.empty()) row[i] = a == "1" && b == "1" ? "1" : "0";
          break;
        }
        case CtdcColumn::Kind::Concatenate: {
          std::string joined;
          for (std::size_t j = 0; j < i; ++j)
            if (layout.columns[j].kind == CtdcColumn::Kind::Flag && row[j] == "1" &&
                layout.columns[j].name.rfind(c.prefix, 0) == 0)
              joined += (joined.empty() ? "" : ";") + layout.columns[j].name.substr(c.prefix.size());
          row[i] = joined;
          break;
        }
      }
    }
    table.push_back(std::move(row));
  }
  return table;
}

}  // namespace

CtdcFile buildCtdc(const CtdcLayout& layout, stats::Evaluator& ev, int year, int k) {
  if (k < 2) throw std::invalid_argument("k must be at least 2");
  std::map<std::string, std::size_t> col_index;
  for (std::size_t i = 0; i < layout.columns.size(); ++i) col_index[layout.columns[i].name] = i;
  std::vector<std::vector<std::string>> table = ctdcTable(layout, ev, year);

  // k-anonymity over the quasi-identifiers.
  const std::vector<Hierarchy> hierarchies = hierarchiesOf(layout);
  std::vector<std::size_t> qi_cols;
  for (const auto& q : layout.quasi_identifiers) qi_cols.push_back(col_index.at(q.column));
  std::vector<std::vector<std::string>> qi(table.size());
  for (std::size_t r = 0; r < table.size(); ++r)
    for (std::size_t c : qi_cols) qi[r].push_back(table[r][c]);
  const KAnonymity result = kAnonymise(qi, hierarchies, k, layout.max_suppressed_share);

  CtdcFile out;
  out.victims = table.size();
  out.k = k;
  out.suppressed = result.suppressed_rows;
  out.smallest_class = result.smallest_class;
  out.generalised = Json::object();
  for (std::size_t q = 0; q < hierarchies.size(); ++q) out.generalised[hierarchies[q].column] = result.levels[q];
  std::vector<std::string> lines;
  for (std::size_t r = 0; r < table.size(); ++r) {
    if (result.suppressed[r]) continue;
    for (std::size_t q = 0; q < qi_cols.size(); ++q) table[r][qi_cols[q]] = qi[r][q];
    std::vector<std::string> cells;
    for (const auto& v : table[r]) cells.push_back(csv::safeCell(v));
    lines.push_back(csv::row(cells));
  }
  std::sort(lines.begin(), lines.end());  // no trace of the order of registration
  out.rows = lines.size();
  std::vector<std::string> head;
  for (const auto& c : layout.columns) head.push_back(c.name);
  out.csv = csv::row(head);
  for (const auto& l : lines) out.csv += l;
  return out;
}

CtdcFile buildCtdcSynthetic(const CtdcLayout& layout, stats::Evaluator& ev, int year, int k) {
  if (k < 2) throw std::invalid_argument("k must be at least 2");
  const std::vector<std::vector<std::string>> table = ctdcTable(layout, ev, year);
  std::vector<std::size_t> qi_cols;
  std::vector<std::string> head;
  for (const auto& q : layout.quasi_identifiers)
    for (std::size_t i = 0; i < layout.columns.size(); ++i)
      if (layout.columns[i].name == q.column) qi_cols.push_back(i), head.push_back(q.column);
  std::map<std::vector<std::string>, std::size_t> combinations;  // sorted: no order of registration
  for (const auto& row : table) {
    std::vector<std::string> key;
    for (std::size_t c : qi_cols) key.push_back(row[c]);
    ++combinations[key];
  }
  CtdcFile out;
  out.k = k;
  out.victims = table.size();
  out.generalised = Json::object();
  head.emplace_back("count");
  out.csv = csv::row(head);
  std::size_t represented = 0;
  for (const auto& [key, n] : combinations) {
    const std::size_t count = n / static_cast<std::size_t>(k) * static_cast<std::size_t>(k);
    if (count == 0) continue;
    std::vector<std::string> cells;
    for (const auto& v : key) cells.push_back(csv::safeCell(v));
    cells.push_back(std::to_string(count));
    out.csv += csv::row(cells);
    ++out.rows;
    represented += count;
    out.smallest_class = out.smallest_class == 0 ? count : std::min(out.smallest_class, count);
  }
  out.suppressed = out.victims - represented;
  return out;
}

}  // namespace palermo::international
