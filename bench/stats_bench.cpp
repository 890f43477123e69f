// Statistics benchmark (issue 7): "the full annual report" — every indicator of indicators/ that
// counts records (it has a `from:` register), and the ratios, for 2019 and for 2018 (the report
// shows the change on the previous year), with all their breakdowns — evaluated by the statistics
// engine (src/stats/engine.hpp) over a synthetic national dataset, against the same figures
// computed in SQL on SQLite (with the indexes a competent engineer would add) and on DuckDB
// (bench/stats/duckdb_reference.mjs, in-memory, loaded from CSV files).
//
// The dataset is generated deterministically (fixed seed) straight into the engine's column
// snapshot; the SQLite database and the CSV files are written from that snapshot, so the three
// systems count exactly the same rows. The SQL is generated from the indicator definitions
// (one statement per indicator and year: a base CTE of the counted rows with one column per
// breakdown, then one GROUP BY per breakdown), following the engine's rules: alive records,
// their filters, the date in the period (from settings.records_from on), persons counted once,
// counted_by as "IN (the other indicator's counted set)", "not recorded" = counted without a
// value, ages in whole years from the (partial) date of birth at the indicator's date. Every
// figure and breakdown cell is compared; a difference prints a MISMATCH line (exit code 1).
//
// Usage (from the repository root, after a release build):
//   build/palermo_stats_bench [--persons N] [--seed S] [--dir DIR] [--keep]
//                             [--no-sqlite] [--no-duckdb] [--duckdb-threads N]
// DuckDB needs, once: (cd bench/stats && npm ci).
#include <sqlite3.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/json.hpp"
#include "core/work_pool.hpp"
#include "records/schema.hpp"
#include "stats/engine.hpp"
#include "stats/indicators.hpp"
#include "stats/report.hpp"
#include "stats/snapshot.hpp"
#include "store/store.hpp"

namespace {

namespace fs = std::filesystem;
namespace rec = palermo::records;
namespace st = palermo::stats;
using palermo::Json;
using Clock = std::chrono::steady_clock;
using Kind = st::Column::Kind;

constexpr int kYear = 2019;
constexpr int kPreviousYear = 2018;

// ---------------------------------------------------------------------------------------------
// Small helpers

double msSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string grouped(long long v) {
  std::string s = std::to_string(v < 0 ? -v : v);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<std::size_t>(i), ",");
  return v < 0 ? "-" + s : s;
}

std::string mib(std::uintmax_t bytes) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f MiB", static_cast<double>(bytes) / 1048576.0);
  return b;
}

std::string fmtMs(double ms) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f ms", ms);
  return b;
}

std::string number(double v) {  // exact, for mismatches
  char b[40];
  std::snprintf(b, sizeof b, "%.17g", v);
  return b;
}

std::string shown(double v) {  // for the figures table
  char b[40];
  std::snprintf(b, sizeof b, "%.15g", v);
  return b;
}

long peakRssKb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
  return 0;
}

std::vector<std::string> split(const std::string& path) {
  std::vector<std::string> out;
  std::stringstream ss(path);
  std::string seg;
  while (std::getline(ss, seg, '.')) out.push_back(seg);
  return out;
}

std::string shellQuote(const std::string& s) {
  std::string o = "'";
  for (char c : s) o += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return o + "'";
}

std::string key(const std::string& indicator, int year) { return indicator + "|" + std::to_string(year); }

// SQL: identifiers are always quoted (field names such as value, state or line are keywords).
std::string qi(const std::string& ident) { return "\"" + ident + "\""; }
std::string ql(const std::string& s) {
  std::string o = "'";
  for (char c : s) o += c == '\'' ? std::string("''") : std::string(1, c);
  return o + "'";
}
std::string sqlList(const std::vector<std::string>& values) {
  std::string o;
  for (const auto& v : values) o += (o.empty() ? "" : ", ") + ql(v);
  return o;
}
// Snapshot column -> SQL column: "@agency_type" becomes "_agency_type".
std::string sqlName(const std::string& field) {
  return !field.empty() && field[0] == '@' ? "_" + field.substr(1) : field;
}

const rec::FieldDef* fieldDef(const rec::Schema& schema, const std::string& type, const std::string& field) {
  const rec::RecordType* rt = schema.type(type);
  return rt ? rt->field(field) : nullptr;
}

bool isPartial(const rec::Schema& schema, const std::string& type, const std::string& field) {
  const rec::FieldDef* fd = fieldDef(schema, type, field);
  return fd && fd->type == rec::FieldType::PartialDate;
}

// ---------------------------------------------------------------------------------------------
// Options

struct Options {
  int64_t persons = 1000000;
  uint64_t seed = 20190101;
  std::string dir;  // empty: <temp>/palermo_stats_bench
  std::string schema_dir = "schema";
  std::string indicators_dir = "indicators";
  std::string duckdb_script = "bench/stats/duckdb_reference.mjs";
  bool keep = false;
  bool sqlite = true;
  bool duckdb = true;
  int duckdb_threads = 0;  // 0: DuckDB's default (every core)
  int engine_runs = 5;
  int sql_runs = 3;
  int64_t scale_to = 0;  // then the engine alone over this many persons, for the growth of its cost
  int writes = 20000;    // records then written one by one into the last snapshot (0: none)
};

void usage(const char* argv0) {
  std::fprintf(stderr,
               "usage: %s [--persons N] [--seed S] [--dir DIR] [--keep] [--no-sqlite] [--no-duckdb]\n"
               "          [--duckdb-threads N] [--schema DIR] [--indicators DIR] [--duckdb-script FILE]\n"
               "          [--scale-to M] [--writes W]\n"
               "Run from the repository root. N persons (default 1,000,000, at most 3,000,000) and about\n"
               "10 N registrations and events; DIR (default: a temporary folder) receives the SQLite\n"
               "database and the CSV files for DuckDB, removed at the end unless --keep. --scale-to M then\n"
               "generates M persons (at most 3,000,000) and times the engine alone again: the growth of its cost.\n"
               "W records (default 20,000) are then written one at a time into the last snapshot: the incremental path.\n",
               argv0);
}

bool parseOptions(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    auto value = [&]() -> std::optional<std::string> {
      if (i + 1 >= argc) return std::nullopt;
      return std::string(argv[++i]);
    };
    std::optional<std::string> v;
    if (a == "--keep") o.keep = true;
    else if (a == "--no-sqlite") o.sqlite = false;
    else if (a == "--no-duckdb") o.duckdb = false;
    else if (a == "--persons" && (v = value())) o.persons = std::atoll(v->c_str());
    else if (a == "--seed" && (v = value())) o.seed = std::strtoull(v->c_str(), nullptr, 10);
    else if (a == "--dir" && (v = value())) o.dir = *v;
    else if (a == "--schema" && (v = value())) o.schema_dir = *v;
    else if (a == "--indicators" && (v = value())) o.indicators_dir = *v;
    else if (a == "--duckdb-script" && (v = value())) o.duckdb_script = *v;
    else if (a == "--duckdb-threads" && (v = value())) o.duckdb_threads = std::atoi(v->c_str());
    else if (a == "--scale-to" && (v = value())) o.scale_to = std::atoll(v->c_str());
    else if (a == "--writes" && (v = value())) o.writes = std::atoi(v->c_str());
    else {
      usage(argv[0]);
      return false;
    }
  }
  if (o.persons < 1000 || o.persons > 3000000 || (o.scale_to != 0 && (o.scale_to < 1000 || o.scale_to > 3000000))) {
    std::fprintf(stderr, "--persons and --scale-to must be between 1,000 and 3,000,000 (time and memory stay bounded)\n");
    return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Synthetic national dataset, generated into the snapshot's columns

struct Rng {
  std::mt19937_64 g;
  explicit Rng(uint64_t seed) : g(seed) {}
  uint64_t below(uint64_t n) { return n ? g() % n : 0; }
  double unit() { return static_cast<double>(g() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return unit() < p; }
  // An index in [0, n) favouring the first values (value lists roughly follow frequency).
  std::size_t skewed(std::size_t n) {
    const double u = unit();
    return std::min(n - 1, static_cast<std::size_t>(static_cast<double>(n) * u * u));
  }
};

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int lastDay(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return kDays[m - 1] + (m == 2 && leap(y) ? 1 : 0);
}

int32_t randomDay(Rng& rng, int first_year, int last_year) {
  const int y = first_year + static_cast<int>(rng.below(static_cast<uint64_t>(last_year - first_year + 1)));
  const int m = 1 + static_cast<int>(rng.below(12));
  const int d = 1 + static_cast<int>(rng.below(static_cast<uint64_t>(lastDay(y, m))));
  return y * 10000 + m * 100 + d;
}

const std::vector<std::string>& countries() {
  static const std::vector<std::string> k = {"AZ", "RU", "TR", "AE", "GE", "IR", "KZ", "UA",
                                             "UZ", "DE", "IN", "PK", "CN", "TM", "US"};
  return k;
}

const std::vector<std::string>& regions() {
  static const std::vector<std::string> k = {"baku", "ganja", "sumgait", "lankaran", "shaki",
                                             "guba", "mingachevir", "shirvan", "nakhchivan", "absheron"};
  return k;
}

// Rows per register, as a share of the persons (about 10 registrations and events per person).
int64_t rowsFor(const std::string& type, int64_t persons, std::size_t indicators) {
  if (type == "facility") return 200;
  if (type == "statistic_aggregate") return static_cast<int64_t>(indicators) * 5;  // 2010..2014
  static const std::map<std::string, double> kShare = {
      {"person", 1.0},         {"victim_case", 1.0},   {"hotline_appeal", 5.0}, {"service", 1.5},
      {"reintegration", 0.5},  {"placement", 0.4},     {"subsidy", 0.4},        {"child_support", 0.2},
      {"criminal_case", 0.3},  {"accused", 0.4},       {"criminal_group", 0.05}};
  auto it = kShare.find(type);
  return std::llround((it == kShare.end() ? 0.25 : it->second) * static_cast<double>(persons));
}

struct Dataset {
  std::vector<std::string> types;                               // registers, in id order
  std::map<std::string, std::pair<int64_t, int64_t>> ids;       // type -> first id, rows
  int64_t persons = 0, events = 0;                               // person rows; every other row
};

// The values a Code or Multi column takes: the field's value list, the workflow's states ...
std::vector<std::string> valuesFor(const rec::Schema& schema, const rec::RecordType& rt, const std::string& field) {
  if (field == "state") {
    if (rt.workflow && !rt.workflow->states.empty()) return rt.workflow->states;
    return {"open"};
  }
  if (field == "@agency_type") return rec::agencyTypes();
  if (field == "@agency_region") return regions();
  const rec::FieldDef* fd = rt.field(field);
  std::vector<std::string> v;
  if (fd && fd->type == rec::FieldType::Boolean) return {"false", "true"};
  if (fd && fd->type == rec::FieldType::Country) return countries();
  if (fd && (fd->type == rec::FieldType::Enum || fd->type == rec::FieldType::MultiEnum))
    if (const rec::ValueList* l = schema.list(fd->values))
      for (const auto& lv : l->values)
        if (!lv.retired) v.push_back(lv.code);
  if (v.empty())
    for (int i = 1; i <= 12; ++i) v.push_back("t" + std::to_string(i));
  return v;
}

std::vector<int32_t> codesOf(st::Column& c, const std::vector<std::string>& values) {
  std::vector<int32_t> out;
  for (const auto& v : values) out.push_back(c.dict.code(v));
  return out;
}

void fillColumn(const rec::Schema& schema, const rec::RecordType& rt, const std::string& field, st::Column& c,
                const st::Table& t, const Dataset& ds, Rng& rng) {
  const std::size_t n = t.rows();
  const rec::FieldDef* fd = rt.field(field);
  const bool special = field == "state" || (!field.empty() && field[0] == '@');
  if (!fd && !special) return;
  const bool required = special || fd->required;
  switch (c.kind) {
    case Kind::Code: {
      if (field == "@id") {
        for (std::size_t r = 0; r < n; ++r) c.codes.set(r, c.dict.code(std::to_string(t.ids[r])));
        break;
      }
      const std::vector<int32_t> codes = codesOf(c, valuesFor(schema, rt, field));
      const double missing = required ? 0.0 : 0.06;
      for (std::size_t r = 0; r < n; ++r)
        if (!rng.chance(missing)) c.codes.set(r, codes[rng.skewed(codes.size())]);
      break;
    }
    case Kind::Multi: {
      const std::vector<int32_t> codes = codesOf(c, valuesFor(schema, rt, field));
      for (std::size_t r = 0; r < n; ++r) {
        const uint64_t k = rng.below(4);  // 0..3 values; a quarter of the records have none
        uint64_t bits = 0;
        for (uint64_t j = 0; j < k; ++j) {
          const int32_t code = codes[rng.skewed(codes.size())];
          if (code >= 1 && code <= 64) bits |= uint64_t{1} << (code - 1);
        }
        c.bits[r] = bits;
      }
      break;
    }
    case Kind::Date: {
      // Dates of birth (partial dates): 1945..2016, some known only to the year or the month.
      // Every other date: 2010..2020 (the report's years and the imported years before 2015).
      const bool partial = fd && fd->type == rec::FieldType::PartialDate;
      const double missing = required ? 0.0 : partial ? 0.03 : 0.10;
      for (std::size_t r = 0; r < n; ++r) {
        if (rng.chance(missing)) continue;
        if (!partial) {
          c.day[r] = randomDay(rng, 2010, 2020);
          if (c.partial) c.hi[r] = c.day[r];
          continue;
        }
        const int32_t d = randomDay(rng, 1945, 2016);
        const double u = rng.unit();
        const int y = d / 10000, m = d / 100 % 100;
        if (u < 0.06) {
          c.day[r] = y * 10000 + 101;
          c.hi[r] = y * 10000 + 1231;
        } else if (u < 0.08) {
          c.day[r] = y * 10000 + m * 100 + 1;
          c.hi[r] = y * 10000 + m * 100 + lastDay(y, m);
        } else {
          c.day[r] = c.hi[r] = d;
        }
      }
      break;
    }
    case Kind::Number: {
      const rec::FieldType ft = fd ? fd->type : rec::FieldType::Integer;
      const double missing = required ? 0.0 : 0.05;
      uint64_t top = 20;
      if (fd && fd->max) top = *fd->max < 1 ? uint64_t{1} : std::min<uint64_t>(20, static_cast<uint64_t>(*fd->max));
      for (std::size_t r = 0; r < n; ++r) {
        if (rng.chance(missing)) continue;
        if (ft == rec::FieldType::Money) c.num[r] = 100.0 * static_cast<double>(500 + rng.below(2000));  // qəpik
        else if (ft == rec::FieldType::Decimal) c.num[r] = static_cast<double>(1 + rng.below(1000));
        else c.num[r] = static_cast<double>(1 + rng.skewed(static_cast<std::size_t>(top)));
      }
      break;
    }
    case Kind::Ref: {
      auto it = ds.ids.find(c.ref_type);
      if (it == ds.ids.end() || it->second.second == 0) break;
      const int64_t first = it->second.first, count = it->second.second;
      const double missing = required ? 0.0 : 0.03;
      for (std::size_t r = 0; r < n; ++r)
        if (!rng.chance(missing)) c.ref[r] = first + static_cast<int64_t>(rng.below(static_cast<uint64_t>(count)));
      break;
    }
  }
}

// Imported aggregates: a total for every indicator of the catalogue for each year 2010..2014
// (before records_from), as an earlier annual report would state them.
void fillAggregates(const rec::Schema& schema, const st::Catalogue& cat, st::Table& t, Rng& rng) {
  auto col = [&](const char* name, Kind kind) -> st::Column* {
    auto it = t.columns.find(name);
    return it == t.columns.end() || it->second.kind != kind ? nullptr : &it->second;
  };
  st::Column* c_ind = col("indicator", Kind::Code);
  st::Column* c_from = col("period_from", Kind::Date);
  st::Column* c_to = col("period_to", Kind::Date);
  st::Column* c_val = col("value", Kind::Number);
  st::Column* c_q = col("qualifier", Kind::Code);
  st::Column* c_src = col("source", Kind::Code);
  const rec::RecordType* rt = schema.type("statistic_aggregate");
  const std::vector<std::string> qualifiers = rt ? valuesFor(schema, *rt, "qualifier") : std::vector<std::string>{};
  std::size_t r = 0;
  for (const auto& entry : cat.indicators)
    for (int y = 2010; y <= 2014 && r < t.rows(); ++y, ++r) {
      if (c_ind) c_ind->codes.set(r, c_ind->dict.code(entry.first));
      if (c_from) c_from->day[r] = y * 10000 + 101;
      if (c_to) c_to->day[r] = y * 10000 + 1231;
      if (c_val) c_val->num[r] = static_cast<double>(1 + rng.below(500));
      if (c_q && !qualifiers.empty() && rng.chance(0.3)) c_q->codes.set(r, c_q->dict.code(qualifiers[rng.below(qualifiers.size())]));
      if (c_src) c_src->codes.set(r, c_src->dict.code("annual report " + std::to_string(y + 1)));
    }
}

Dataset generate(const rec::Schema& schema, const st::Catalogue& cat, st::Snapshot& snap, int64_t persons, uint64_t seed) {
  Dataset ds;
  int64_t next = 1;
  for (const auto& entry : cat.fieldsUsed(schema)) {
    const std::string& type = entry.first;
    if (!schema.type(type) || !snap.table(type)) continue;
    const int64_t n = rowsFor(type, persons, cat.indicators.size());
    ds.types.push_back(type);
    ds.ids[type] = {next, n};
    next += n;
    (type == "person" ? ds.persons : ds.events) += n;
  }
  Rng rng(seed);
  for (const auto& type : ds.types) {
    st::Table& t = snap.bulkTable(type);
    const rec::RecordType& rt = *schema.type(type);
    const int64_t first = ds.ids.at(type).first, count = ds.ids.at(type).second;
    const auto n = static_cast<std::size_t>(count);
    t.ids.reserve(n);
    t.alive.reserve(n);
    for (auto& entry : t.columns) {
      st::Column& c = entry.second;
      switch (c.kind) {
        case Kind::Code: c.codes.reserve(n); break;
        case Kind::Multi: c.bits.reserve(n); break;
        case Kind::Date:
          c.day.reserve(n);
          if (c.partial) c.hi.reserve(n);
          break;
        case Kind::Number: c.num.reserve(n); break;
        case Kind::Ref: c.ref.reserve(n); break;
      }
    }
    for (int64_t i = 0; i < count; ++i) t.appendRow(first + i);
    if (type == "statistic_aggregate") fillAggregates(schema, cat, t, rng);
    else
      for (auto& entry : t.columns) fillColumn(schema, rt, entry.first, entry.second, t, ds, rng);
    for (std::size_t r = 0; r < n; ++r)
      if (rng.chance(0.005)) t.setAlive(r, false);  // deleted records stay in the database
  }
  snap.finishBulk();
  return ds;
}

// ---------------------------------------------------------------------------------------------
// The same data as SQL tables: one per register (id, deleted, the snapshot's columns; a partial
// date also has <field>_hi, the latest day it may stand for) and one per multi-valued field
// (<register>__<field>: id, value).

enum class Part { Code, Lo, Hi, Int, Real, Ref };

struct SqlColumn {
  std::string name;
  const st::Column* col = nullptr;
  const st::Snapshot* snap = nullptr;  // references: the ids of the rows they lead to
  Part part = Part::Code;
};

struct SqlTable {
  std::string name, type;
  const st::Table* table = nullptr;
  std::vector<SqlColumn> cols;        // after id and deleted
  const st::Column* multi = nullptr;  // set for a multi-valued field's table
  [[nodiscard]] bool has(const std::string& column) const {
    return std::any_of(cols.begin(), cols.end(), [&](const SqlColumn& c) { return c.name == column; });
  }
};

const char* sqliteType(Part p) {
  switch (p) {
    case Part::Code: return "TEXT";
    case Part::Real: return "REAL";
    default: return "INTEGER";
  }
}

const char* duckType(Part p) {
  switch (p) {
    case Part::Code: return "VARCHAR";
    case Part::Real: return "DOUBLE";
    case Part::Lo:
    case Part::Hi: return "INTEGER";
    default: return "BIGINT";
  }
}

std::vector<SqlTable> sqlTables(const rec::Schema& schema, const st::Snapshot& snap, const std::vector<std::string>& types) {
  std::vector<SqlTable> out;
  for (const auto& type : types) {
    const st::Table* t = snap.table(type);
    if (!t) continue;
    SqlTable register_table;
    register_table.name = register_table.type = type;
    register_table.table = t;
    std::vector<SqlTable> children;
    for (const auto& [field, c] : t->columns) {
      if (c.kind == Kind::Multi) {
        SqlTable child;
        child.name = type + "__" + field;
        child.type = type;
        child.table = t;
        child.multi = &c;
        children.push_back(child);
        continue;
      }
      SqlColumn sc;
      sc.name = sqlName(field);
      sc.col = &c;
      sc.snap = &snap;
      switch (c.kind) {
        case Kind::Code: sc.part = Part::Code; break;
        case Kind::Date: sc.part = Part::Lo; break;
        case Kind::Ref: sc.part = Part::Ref; break;
        case Kind::Number: {
          const rec::FieldDef* fd = fieldDef(schema, type, field);
          const bool integral = !fd || fd->type == rec::FieldType::Integer || fd->type == rec::FieldType::Money;
          sc.part = integral ? Part::Int : Part::Real;
          break;
        }
        case Kind::Multi: break;
      }
      register_table.cols.push_back(sc);
      if (c.kind == Kind::Date && isPartial(schema, type, field)) {
        sc.name += "_hi";
        sc.part = Part::Hi;
        register_table.cols.push_back(sc);
      }
    }
    out.push_back(register_table);
    for (auto& child : children) out.push_back(std::move(child));
  }
  return out;
}

// Indexes: every date column and every reference column; the composite indexes the register
// declares (schema `indexes:`) where their columns exist here; and, for each indicator, its
// first `in` filter on a field of its own followed by its date (e.g. hotline_appeal(line,
// received_at)). A multi-valued field's table is keyed (id, value) and indexed (value, id).
std::vector<std::vector<std::string>> indexesFor(const rec::Schema& schema, const st::Catalogue& cat, const SqlTable& t) {
  std::vector<std::vector<std::string>> out;
  std::set<std::vector<std::string>> seen;
  auto add = [&](const std::vector<std::string>& cols) {
    if (!cols.empty() && seen.insert(cols).second) out.push_back(cols);
  };
  if (t.multi) {
    add({"value", "id"});
    return out;
  }
  for (const auto& c : t.cols)
    if (c.part == Part::Lo || c.part == Part::Ref) add({c.name});
  if (const rec::RecordType* rt = schema.type(t.type))
    for (const auto& fields : rt->indexes) {
      std::vector<std::string> cols;
      for (const auto& f : fields) cols.push_back(sqlName(f));
      if (std::all_of(cols.begin(), cols.end(), [&](const std::string& c) { return t.has(c); })) add(cols);
    }
  for (const auto& entry : cat.indicators) {
    const st::Indicator& ind = entry.second;
    if (ind.from != t.type || ind.date.empty() || !t.has(sqlName(ind.date))) continue;
    for (const auto& f : ind.where)
      if (f.op == st::Filter::Op::In && f.dimension.empty() && f.path.find('.') == std::string::npos &&
          t.has(sqlName(f.path))) {
        add({sqlName(f.path), sqlName(ind.date)});
        break;
      }
  }
  return out;
}

// ---- SQLite

bool sqliteExec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::fprintf(stderr, "sqlite: %s\n  in: %.400s\n", err ? err : sqlite3_errmsg(db), sql.c_str());
    sqlite3_free(err);
    return false;
  }
  return true;
}

void bindValue(sqlite3_stmt* s, int k, const SqlColumn& c, std::size_t r) {
  const st::Column& col = *c.col;
  switch (c.part) {
    case Part::Code: {
      const int32_t code = col.codes[r];
      if (!code) {
        sqlite3_bind_null(s, k);
        break;
      }
      const std::string& v = col.dict.values[static_cast<std::size_t>(code)];
      sqlite3_bind_text(s, k, v.c_str(), static_cast<int>(v.size()), nullptr);  // nullptr: SQLITE_STATIC
      break;
    }
    case Part::Lo:
      if (col.day[r]) sqlite3_bind_int(s, k, col.day[r]);
      else sqlite3_bind_null(s, k);
      break;
    case Part::Hi:
      if (col.latest(r)) sqlite3_bind_int(s, k, col.latest(r));
      else sqlite3_bind_null(s, k);
      break;
    case Part::Int:
      if (std::isnan(col.num[r])) sqlite3_bind_null(s, k);
      else sqlite3_bind_int64(s, k, std::llround(col.num[r]));
      break;
    case Part::Real:
      if (std::isnan(col.num[r])) sqlite3_bind_null(s, k);
      else sqlite3_bind_double(s, k, col.num[r]);
      break;
    case Part::Ref:
      if (const int64_t id = c.snap->refId(col, r)) sqlite3_bind_int64(s, k, id);
      else sqlite3_bind_null(s, k);
      break;
  }
}

struct SqliteLoad {
  double insert_ms = 0, index_ms = 0, analyze_ms = 0;
  std::size_t indexes = 0;
};

bool loadSqlite(sqlite3* db, const std::vector<SqlTable>& tables, const rec::Schema& schema, const st::Catalogue& cat,
                SqliteLoad& out) {
  // Bulk-load settings; the read settings (a 2 GB page cache, memory-mapped file) stay for the
  // queries, as a deployment that serves statistics from SQLite would configure them.
  if (!sqliteExec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA temp_store=MEMORY;"
                      "PRAGMA cache_size=-2000000; PRAGMA mmap_size=8589934592;"))
    return false;
  for (const auto& t : tables) {
    std::string sql = "CREATE TABLE " + qi(t.name);
    if (t.multi) {
      sql += " (id INTEGER NOT NULL, \"value\" TEXT NOT NULL, PRIMARY KEY (id, \"value\")) WITHOUT ROWID";
    } else {
      sql += " (id INTEGER PRIMARY KEY, deleted INTEGER NOT NULL";
      for (const auto& c : t.cols) sql += ", " + qi(c.name) + " " + sqliteType(c.part);
      sql += ")";
    }
    if (!sqliteExec(db, sql)) return false;
  }
  const auto start = Clock::now();
  if (!sqliteExec(db, "BEGIN")) return false;
  for (const auto& t : tables) {
    const std::size_t params = t.multi ? std::size_t{2} : 2 + t.cols.size();
    std::string sql = "INSERT INTO " + qi(t.name) + " VALUES (?";
    for (std::size_t i = 1; i < params; ++i) sql += ", ?";
    sql += ")";
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
      std::fprintf(stderr, "sqlite: %s\n", sqlite3_errmsg(db));
      return false;
    }
    const st::Table& tab = *t.table;
    bool ok = true;
    for (std::size_t r = 0; r < tab.rows() && ok; ++r) {
      if (t.multi) {
        uint64_t bits = t.multi->bits[r];
        while (bits && ok) {
          const int b = std::countr_zero(bits);
          bits &= bits - 1;
          const std::string& v = t.multi->dict.values[static_cast<std::size_t>(b + 1)];
          sqlite3_bind_int64(s, 1, tab.ids[r]);
          sqlite3_bind_text(s, 2, v.c_str(), static_cast<int>(v.size()), nullptr);
          ok = sqlite3_step(s) == SQLITE_DONE;
          sqlite3_reset(s);
        }
        continue;
      }
      sqlite3_bind_int64(s, 1, tab.ids[r]);
      sqlite3_bind_int(s, 2, tab.alive[r] ? 0 : 1);
      int k = 3;
      for (const auto& c : t.cols) bindValue(s, k++, c, r);
      ok = sqlite3_step(s) == SQLITE_DONE;
      sqlite3_reset(s);
    }
    if (!ok) std::fprintf(stderr, "sqlite: insert into %s: %s\n", t.name.c_str(), sqlite3_errmsg(db));
    sqlite3_finalize(s);
    if (!ok) return false;
  }
  if (!sqliteExec(db, "COMMIT")) return false;
  out.insert_ms = msSince(start);
  const auto index_start = Clock::now();
  for (const auto& t : tables)
    for (const auto& cols : indexesFor(schema, cat, t)) {
      std::string name = "ix_" + t.name, list;
      for (const auto& c : cols) name += "_" + c, list += (list.empty() ? "" : ", ") + qi(c);
      if (!sqliteExec(db, "CREATE INDEX " + qi(name) + " ON " + qi(t.name) + " (" + list + ")")) return false;
      ++out.indexes;
    }
  out.index_ms = msSince(index_start);
  const auto analyze_start = Clock::now();
  if (!sqliteExec(db, "PRAGMA analysis_limit=2000; ANALYZE;")) return false;
  out.analyze_ms = msSince(analyze_start);
  return true;
}

// ---- CSV files for DuckDB

class CsvFile {
 public:
  explicit CsvFile(const fs::path& path) : f_(std::fopen(path.c_str(), "wb")) {}
  ~CsvFile() { close(); }
  CsvFile(const CsvFile&) = delete;
  CsvFile& operator=(const CsvFile&) = delete;
  [[nodiscard]] bool ok() const { return f_ != nullptr; }
  void field(const std::string& s) {
    sep();
    if (s.find_first_of(",\"\n\r") == std::string::npos && !s.empty()) {
      buf_ += s;
      return;
    }
    buf_ += '"';
    for (char c : s) buf_ += c == '"' ? std::string("\"\"") : std::string(1, c);
    buf_ += '"';
  }
  void integer(int64_t v) {
    sep();
    char b[24];
    auto res = std::to_chars(b, b + sizeof b, v);
    buf_.append(b, res.ptr);
  }
  void real(double v) {
    sep();
    char b[40];
    auto res = std::to_chars(b, b + sizeof b, v);
    buf_.append(b, res.ptr);
  }
  void null() { sep(); }
  void endRow() {
    buf_ += '\n';
    first_ = true;
    if (buf_.size() > (1u << 20)) flush();
  }
  bool close() {
    if (!f_) return false;
    flush();
    const bool good = std::fclose(f_) == 0;
    f_ = nullptr;
    return good;
  }

 private:
  void sep() {
    if (!first_) buf_ += ',';
    first_ = false;
  }
  void flush() {
    if (f_ && !buf_.empty()) std::fwrite(buf_.data(), 1, buf_.size(), f_);
    buf_.clear();
  }
  std::FILE* f_;
  std::string buf_;
  bool first_ = true;
};

bool writeCsv(const SqlTable& t, const fs::path& path) {
  CsvFile out(path);
  if (!out.ok()) return false;
  const st::Table& tab = *t.table;
  if (t.multi) {
    out.field("id");
    out.field("value");
    out.endRow();
    for (std::size_t r = 0; r < tab.rows(); ++r) {
      uint64_t bits = t.multi->bits[r];
      while (bits) {
        const int b = std::countr_zero(bits);
        bits &= bits - 1;
        out.integer(tab.ids[r]);
        out.field(t.multi->dict.values[static_cast<std::size_t>(b + 1)]);
        out.endRow();
      }
    }
    return out.close();
  }
  out.field("id");
  out.field("deleted");
  for (const auto& c : t.cols) out.field(c.name);
  out.endRow();
  for (std::size_t r = 0; r < tab.rows(); ++r) {
    out.integer(tab.ids[r]);
    out.integer(tab.alive[r] ? 0 : 1);
    for (const auto& c : t.cols) {
      const st::Column& col = *c.col;
      switch (c.part) {
        case Part::Code:
          if (col.codes[r]) out.field(col.dict.values[static_cast<std::size_t>(col.codes[r])]);
          else out.null();
          break;
        case Part::Lo:
          if (col.day[r]) out.integer(col.day[r]);
          else out.null();
          break;
        case Part::Hi:
          if (col.latest(r)) out.integer(col.latest(r));
          else out.null();
          break;
        case Part::Int:
          if (std::isnan(col.num[r])) out.null();
          else out.integer(std::llround(col.num[r]));
          break;
        case Part::Real:
          if (std::isnan(col.num[r])) out.null();
          else out.real(col.num[r]);
          break;
        case Part::Ref:
          if (const int64_t id = c.snap->refId(col, r)) out.integer(id);
          else out.null();
          break;
      }
    }
    out.endRow();
  }
  return out.close();
}

// ---------------------------------------------------------------------------------------------
// SQL for one indicator and one period, generated from its definition. One statement returns
// rows (dim, cat, v): ('', '', total from records), ('', '#imported', imported aggregates),
// (dimension, category, value) per breakdown cell and (dimension, NULL, not recorded).

class SqlGen {
 public:
  SqlGen(const st::Catalogue& catalogue, const st::Snapshot& snapshot, const rec::Schema& schema, bool duckdb)
      : cat_(catalogue), snap_(snapshot), schema_(schema), duckdb_(duckdb) {}

  std::string figure(const st::Indicator& ind, const st::Period& period) {
    const std::string imported = importedPart(ind, period);
    const st::Period rp = recordsPart(period);
    if (ind.from.empty() || !snap_.table(ind.from) || rp.from > rp.to)
      return imported.empty() ? "SELECT '' AS dim, '' AS cat, CAST(0 AS DOUBLE) AS v"
                              : "SELECT '' AS dim, '' AS cat, CAST(0 AS DOUBLE) AS v UNION ALL " + imported;
    Scope s = scope(ind.from);
    const bool persons = ind.unit == st::Indicator::Unit::Persons;
    std::string pid = "CAST(NULL AS BIGINT)";
    if (persons) {
      const auto segs = split(ind.person);
      const std::string alias = segs.empty() ? std::string() : row(s, segs, segs.size()).first;
      pid = alias.empty() ? "CAST(NULL AS BIGINT)" : alias + ".id";
    }
    std::string w = "1";
    if (ind.unit == st::Indicator::Unit::Sum) {
      const ColRef c = col(s, ind.sum);
      w = c.col && c.col->kind == Kind::Number ? "COALESCE(" + expr(c) + ", 0)" : "0";
    }
    std::string select = s.alias + ".id AS rid, " + pid + " AS pid, " + w + " AS w";
    const bool distinct = ind.unit == st::Indicator::Unit::Distinct;
    if (distinct) {  // the different values of a field among the rows counted (NULL: none)
      const ColRef c = col(s, ind.distinct);
      select += ", " + (c.col ? expr(c) : std::string("NULL")) + " AS dv";
    }
    std::vector<DimSql> dims;
    for (std::size_t k = 0; k < ind.breakdowns.size(); ++k) {
      const st::Dimension* d = cat_.dimension(ind.breakdowns[k]);
      DimSql ds = d ? dim(s, *d, &ind, period) : DimSql{};
      ds.def = d;
      select += ", " + (ds.multi ? ds.owner : ds.expr) + " AS d" + std::to_string(k);
      dims.push_back(ds);
    }
    std::string where = conditions(s, ind, period);
    if (persons) where += " AND " + pid + " IS NOT NULL";
    const std::string base = "SELECT " + select + " FROM " + qi(ind.from) + " " + s.alias + s.joins + " WHERE " + where;

    const std::string total = persons ? "COUNT(DISTINCT pid)" : distinct ? "COUNT(DISTINCT dv)" : "COALESCE(SUM(w), 0)";
    std::vector<std::string> parts{"SELECT '' AS dim, '' AS cat, CAST(" + total + " AS DOUBLE) AS v FROM base"};
    for (std::size_t k = 0; k < dims.size(); ++k) {
      const std::string dn = ql(ind.breakdowns[k]), dk = "d" + std::to_string(k);
      const DimSql& ds = dims[k];
      if (!ds.multi) {
        if (persons) {
          parts.push_back("SELECT " + dn + ", " + dk + ", CAST(COUNT(DISTINCT pid) AS DOUBLE) FROM base WHERE " + dk +
                          " IS NOT NULL GROUP BY " + dk);
          parts.push_back("SELECT " + dn + ", NULL, CAST((SELECT COUNT(DISTINCT pid) FROM base) - COUNT(DISTINCT pid) AS DOUBLE)"
                          " FROM base WHERE " + dk + " IS NOT NULL");
        } else {
          parts.push_back("SELECT " + dn + ", " + dk + ", CAST(SUM(w) AS DOUBLE) FROM base GROUP BY " + dk);
        }
        continue;
      }
      // A multi-valued field: one (record, category) pair per value; a record without any value
      // is "not recorded".
      const std::string m = fresh("m"), x = fresh("x");
      const std::string pairs = "(SELECT DISTINCT b.rid, b.pid, b.w, " + rollup(ds.def, m + ".\"value\"") + " AS c FROM base b JOIN " +
                                ds.child + " " + m + " ON " + m + ".id = b." + dk + ") " + x;
      const std::string any = exists(ds.child, "b." + dk, nullptr, nullptr);
      if (persons) {
        parts.push_back("SELECT " + dn + ", " + x + ".c, CAST(COUNT(DISTINCT " + x + ".pid) AS DOUBLE) FROM " + pairs +
                        " GROUP BY " + x + ".c");
        parts.push_back("SELECT " + dn + ", NULL, CAST((SELECT COUNT(DISTINCT pid) FROM base) - COUNT(DISTINCT b.pid) AS DOUBLE)"
                        " FROM base b WHERE " + any);
      } else {
        parts.push_back("SELECT " + dn + ", " + x + ".c, CAST(SUM(" + x + ".w) AS DOUBLE) FROM " + pairs + " GROUP BY " + x + ".c");
        parts.push_back("SELECT " + dn + ", NULL, CAST(COALESCE(SUM(b.w), 0) AS DOUBLE) FROM base b WHERE NOT " + any);
      }
    }
    if (!imported.empty()) parts.push_back(imported);
    std::string sql = std::string("WITH base AS ") + (dims.empty() ? "" : "MATERIALIZED ") + "(" + base + ") ";
    for (std::size_t i = 0; i < parts.size(); ++i) sql += (i ? " UNION ALL " : "") + parts[i];
    return sql;
  }

 private:
  struct Scope {
    std::string type, alias, joins;
    std::map<std::string, std::pair<std::string, std::string>> rows;  // path prefix -> alias, type
  };
  struct ColRef {
    std::string alias, type, field;
    const st::Column* col = nullptr;
  };
  struct DimSql {
    bool multi = false;
    std::string expr = "NULL";  // the category (NULL: none), unless multi
    std::string child, owner;   // multi: the values' table and the id of the row holding them
    const st::Dimension* def = nullptr;
  };

  [[nodiscard]] const st::Column* column(const std::string& type, const std::string& field) const {
    const st::Table* t = snap_.table(type);
    return t ? t->column(field) : nullptr;
  }
  std::string fresh(const char* prefix) { return prefix + std::to_string(++next_); }
  Scope scope(const std::string& type) {
    Scope s;
    s.type = type;
    s.alias = fresh("t");
    return s;
  }
  [[nodiscard]] st::Period recordsPart(const st::Period& p) const {
    st::Period r = p;
    r.from = std::max(r.from, cat_.records_from);
    return r;
  }

  // The row reached by following the first `n` segments of a path (each a reference), joined
  // once per path prefix. A deleted or missing target leaves the alias NULL, as the engine's
  // follow() gives -1. {"", ""} when a segment is not a reference to a loaded register.
  std::pair<std::string, std::string> row(Scope& s, const std::vector<std::string>& segs, std::size_t n) {
    std::string alias = s.alias, type = s.type, prefix;
    for (std::size_t i = 0; i < n; ++i) {
      prefix += (i ? "." : "") + segs[i];
      auto found = s.rows.find(prefix);
      if (found != s.rows.end()) {
        alias = found->second.first;
        type = found->second.second;
        continue;
      }
      const st::Column* c = column(type, segs[i]);
      if (!c || c->kind != Kind::Ref || !snap_.table(c->ref_type)) return {};
      const std::string a = fresh("j");
      s.joins += " LEFT JOIN " + qi(c->ref_type) + " " + a + " ON " + a + ".id = " + alias + "." + qi(sqlName(segs[i])) +
                 " AND " + a + ".deleted = 0";
      s.rows[prefix] = {a, c->ref_type};
      alias = a;
      type = c->ref_type;
    }
    return {alias, type};
  }

  ColRef col(Scope& s, const std::string& path) {
    ColRef r;
    const auto segs = split(path);
    if (segs.empty()) return r;
    const auto target = row(s, segs, segs.size() - 1);
    if (target.first.empty()) return r;
    r.alias = target.first;
    r.type = target.second;
    r.field = segs.back();
    r.col = column(r.type, r.field);
    return r;
  }

  static std::string expr(const ColRef& c) { return c.alias + "." + qi(sqlName(c.field)); }

  static std::string rollup(const st::Dimension* d, const std::string& e) {
    if (!d || d->rollup.empty()) return e;
    std::string out = "CASE " + e;
    for (const auto& [stored, category] : d->rollup) out += " WHEN " + ql(stored) + " THEN " + ql(category);
    return out + " ELSE " + e + " END";
  }

  // Whether the row `owner` (an id expression) has a value in `child` (among `values`, rolled up).
  std::string exists(const std::string& child, const std::string& owner, const st::Dimension* roll,
                     const std::vector<std::string>* values) {
    const std::string m = fresh("m");
    std::string e = "EXISTS (SELECT 1 FROM " + child + " " + m + " WHERE " + m + ".id = " + owner;
    if (values) e += " AND " + rollup(roll, m + ".\"value\"") + " IN (" + sqlList(*values) + ")";
    return e + ")";
  }

  DimSql dim(Scope& s, const st::Dimension& d, const st::Indicator* ind, const st::Period& period) {
    DimSql out;
    out.def = &d;
    if (d.kind == st::Dimension::Kind::Classes) {
      // The first class whose filters all pass.
      if (d.classes.empty()) return out;
      std::string e = "CASE";
      for (const auto& cls : d.classes) {
        std::string cond;
        for (const auto& f : cls.where) cond += (cond.empty() ? "" : " AND ") + filter(s, f, ind, period);
        e += " WHEN " + (cond.empty() ? std::string("TRUE") : cond) + " THEN " + ql(cls.code);
      }
      out.expr = e + " END";
      return out;
    }
    auto p = d.paths.find(s.type);
    if (p == d.paths.end()) return out;
    const ColRef c = col(s, p->second);
    if (!c.col) return out;
    if (d.kind == st::Dimension::Kind::Age) {
      // Whole years at the indicator's date: YYYYMMDD differences divided by 10000. A partial
      // date of birth gives a range [lo, hi]; it falls in a band only if the whole range does.
      if (c.col->kind != Kind::Date || !ind || ind->date.empty() || ind->date.find('.') != std::string::npos ||
          !column(s.type, ind->date))
        return out;
      const std::string at = s.alias + "." + qi(sqlName(ind->date)), lo = expr(c);
      const std::string hi = isPartial(schema_, c.type, c.field) ? c.alias + "." + qi(sqlName(c.field) + "_hi") : lo;
      const std::string div = duckdb_ ? " // " : " / ";
      std::string e = "CASE WHEN " + at + " IS NULL OR " + lo + " IS NULL OR " + at + " < " + hi + " THEN NULL";
      for (const auto& b : d.bands)
        e += " WHEN (" + at + " - " + hi + ")" + div + "10000 >= " + std::to_string(b.min) + " AND (" + at + " - " + lo + ")" +
             div + "10000 <= " + std::to_string(b.max) + " THEN " + ql(b.code);
      out.expr = e + " END";
      return out;
    }
    if (c.col->kind == Kind::Code) {
      out.expr = rollup(&d, expr(c));
    } else if (c.col->kind == Kind::Multi) {
      out.multi = true;
      out.child = qi(c.type + "__" + c.field);
      out.owner = c.alias + ".id";
    }
    return out;
  }

  std::string filter(Scope& s, const st::Filter& f, const st::Indicator* ind, const st::Period& period) {
    using Op = st::Filter::Op;
    if (!f.dimension.empty()) {
      const st::Dimension* d = cat_.dimension(f.dimension);
      if (!d) return "FALSE";
      const DimSql ds = dim(s, *d, ind, period);
      std::string in = "FALSE";
      if (!f.values.empty())
        in = ds.multi ? exists(ds.child, ds.owner, d, &f.values) : "COALESCE(" + ds.expr + " IN (" + sqlList(f.values) + "), FALSE)";
      return f.op == Op::NotIn ? "NOT " + in : in;
    }
    if (f.op == Op::CountedBy) {
      // The reference leads to a record the other indicator counts in the same period, or to a
      // person it counts (when the reference is to its persons, not to its register).
      const st::Indicator* other = cat_.indicator(f.indicator);
      const auto segs = split(f.path);
      if (!other || segs.empty()) return "FALSE";
      const auto target = row(s, segs, segs.size());
      if (target.first.empty()) return "FALSE";
      return target.first + ".id IN (" + counted(*other, period, target.second != other->from) + ")";
    }
    const ColRef c = col(s, f.path);
    if (!c.col) return f.op == Op::Absent || f.op == Op::NotIn ? "TRUE" : "FALSE";
    const bool multi = c.col->kind == Kind::Multi;
    const std::string e = expr(c), child = qi(c.type + "__" + c.field), owner = c.alias + ".id";
    switch (f.op) {
      case Op::Present: return multi ? exists(child, owner, nullptr, nullptr) : e + " IS NOT NULL";
      case Op::Absent: return multi ? "NOT " + exists(child, owner, nullptr, nullptr) : e + " IS NULL";
      case Op::In:
      case Op::NotIn: {
        const bool in = f.op == Op::In;
        if (f.values.empty() || (c.col->kind != Kind::Code && !multi)) return in ? "FALSE" : "TRUE";
        if (multi) return (in ? "" : "NOT ") + exists(child, owner, nullptr, &f.values);
        if (in) return e + " IN (" + sqlList(f.values) + ")";
        return "(" + e + " IS NULL OR " + e + " NOT IN (" + sqlList(f.values) + "))";
      }
      case Op::CountedBy: break;
    }
    return "FALSE";
  }

  // Alive, in the period (from records_from on), and every filter.
  std::string conditions(Scope& s, const st::Indicator& ind, const st::Period& period) {
    const st::Period rp = recordsPart(period);
    std::string w = s.alias + ".deleted = 0";
    if (!ind.date.empty() && ind.date.find('.') == std::string::npos && column(ind.from, ind.date))
      w += " AND " + s.alias + "." + qi(sqlName(ind.date)) + " BETWEEN " + std::to_string(rp.from) + " AND " +
           std::to_string(rp.to);
    for (const auto& f : ind.where) w += " AND " + filter(s, f, &ind, period);
    return w;
  }

  // The ids an indicator counts in a period: of its register's records, or of its persons.
  std::string counted(const st::Indicator& ind, const st::Period& period, bool persons) {
    const std::string none = "SELECT 0 WHERE FALSE";
    const st::Period rp = recordsPart(period);
    if (ind.from.empty() || !snap_.table(ind.from) || rp.from > rp.to) return none;
    Scope s = scope(ind.from);
    std::string where = conditions(s, ind, period);
    std::string select = s.alias + ".id";
    if (persons) {
      const auto segs = split(ind.person);
      if (segs.empty()) return none;
      const std::string alias = row(s, segs, segs.size()).first;
      if (alias.empty()) return none;
      select = alias + ".id";
      where += " AND " + select + " IS NOT NULL";
    }
    return "SELECT " + select + " FROM " + qi(ind.from) + " " + s.alias + s.joins + " WHERE " + where;
  }

  // Imported aggregates inside the period (for a register's indicator, only before records_from).
  std::string importedPart(const st::Indicator& ind, const st::Period& period) {
    const std::string type = "statistic_aggregate";
    for (const char* f : {"indicator", "period_from", "period_to", "value"})
      if (!column(type, f)) return "";
    std::string w = "a.deleted = 0 AND a.\"indicator\" = " + ql(ind.id) + " AND a.\"value\" IS NOT NULL AND a.\"period_from\" >= " +
                    std::to_string(period.from) + " AND a.\"period_to\" <= " + std::to_string(period.to);
    if (column(type, "dimension")) w += " AND a.\"dimension\" IS NULL";
    if (!ind.from.empty()) w += " AND a.\"period_to\" < " + std::to_string(cat_.records_from);
    return "SELECT '', '#imported', CAST(COALESCE(SUM(a.\"value\"), 0) AS DOUBLE) FROM " + qi(type) + " a WHERE " + w;
  }

  const st::Catalogue& cat_;
  const st::Snapshot& snap_;
  const rec::Schema& schema_;
  bool duckdb_;
  int next_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Results and their comparison

struct Item {
  const st::Indicator* ind = nullptr;
  int year = 0;
  std::string key;
};

struct Query {
  std::string key, sqlite, duckdb;
};

struct SqlFigure {
  double records = 0, imported = 0;
  std::map<std::string, std::map<std::string, double>> cells;  // dimension -> category -> value
  std::map<std::string, double> not_recorded;
  [[nodiscard]] double total() const { return records + imported; }
  void add(const std::string& dim, const std::optional<std::string>& category, double v) {
    if (dim.empty()) {
      if (category && *category == "#imported") imported += v;
      else records += v;
    } else if (!category) {
      not_recorded[dim] += v;
    } else {
      cells[dim][*category] += v;
    }
  }
};

using SqlResults = std::map<std::string, SqlFigure>;

std::map<std::string, st::Figure> evaluateReport(const st::Catalogue& cat, const st::Snapshot& snap, const std::vector<Item>& items) {
  st::Evaluator ev(cat, snap);  // fresh each run: it caches the rows counted_by filters use
  std::map<std::string, st::Figure> out;
  for (const auto& it : items) out.emplace(it.key, ev.evaluate(it.ind->id, st::Period::year(it.year)));
  return out;
}

// The same figures evaluated in parallel on the work pool (as the server's report does).
std::map<std::string, st::Figure> evaluateReportParallel(const st::Catalogue& cat, const st::Snapshot& snap,
                                                        const std::vector<Item>& items) {
  st::Evaluator ev(cat, snap);
  std::vector<st::FigureRequest> requests;
  for (const auto& it : items) requests.push_back({it.ind->id, st::Period::year(it.year), true});
  std::vector<st::Figure> figures = ev.evaluateAll(requests);
  std::map<std::string, st::Figure> out;
  for (std::size_t i = 0; i < items.size(); ++i) out.emplace(items[i].key, std::move(figures[i]));
  return out;
}

// Differences between two evaluations of the report (every total and breakdown cell), printed.
int differences(const std::map<std::string, st::Figure>& a, const std::map<std::string, st::Figure>& b) {
  int n = 0;
  auto differ = [&](const std::string& what) {
    if (++n <= 20) std::printf("MISMATCH parallel %s\n", what.c_str());
  };
  for (const auto& [k, f] : a) {
    auto it = b.find(k);
    if (it == b.end()) {
      differ(k + ": missing");
      continue;
    }
    const st::Figure& g = it->second;
    if (f.value != g.value || f.from_records != g.from_records || f.imported != g.imported || f.available != g.available)
      differ(k + " total: " + number(f.value) + " against " + number(g.value));
    if (f.breakdowns.size() != g.breakdowns.size()) {
      differ(k + ": breakdowns");
      continue;
    }
    for (std::size_t d = 0; d < f.breakdowns.size(); ++d) {
      const auto &x = f.breakdowns[d], &y = g.breakdowns[d];
      if (x.not_recorded != y.not_recorded || x.cells.size() != y.cells.size()) {
        differ(k + " " + x.dimension);
        continue;
      }
      for (std::size_t c = 0; c < x.cells.size(); ++c)
        if (x.cells[c].code != y.cells[c].code || x.cells[c].value != y.cells[c].value)
          differ(k + " " + x.dimension + "=" + x.cells[c].code);
    }
  }
  return n;
}

double ratioValue(const st::Indicator& ind, double num, double den) {
  const double scale = std::pow(10.0, ind.decimals);
  return den > 0 ? std::round(num * 100.0 / den * scale) / scale : 0;
}

// The figure SQL gives for an indicator (a ratio from its parts, as the engine computes it).
std::optional<double> sqlValue(const st::Catalogue& cat, const SqlResults& res, const st::Indicator& ind, int year, int depth = 0) {
  if (ind.unit == st::Indicator::Unit::Ratio) {
    const st::Indicator* num = cat.indicator(ind.numerator);
    const st::Indicator* den = cat.indicator(ind.denominator);
    if (!num || !den || depth > 8) return std::nullopt;
    const auto a = sqlValue(cat, res, *num, year, depth + 1), b = sqlValue(cat, res, *den, year, depth + 1);
    if (!a || !b) return std::nullopt;
    return ratioValue(ind, *a, *b);
  }
  auto it = res.find(key(ind.id, year));
  if (it == res.end()) return std::nullopt;
  return it->second.total();
}

struct Comparison {
  std::string system;
  int figures = 0, cells = 0, mismatches = 0;
  void mismatch(const std::string& what) {
    if (++mismatches <= 60) std::printf("MISMATCH %s %s\n", system.c_str(), what.c_str());
    else if (mismatches == 61) std::printf("MISMATCH %s ... (further mismatches not printed)\n", system.c_str());
  }
};

Comparison compare(const std::string& system, const st::Catalogue& cat, const std::vector<Item>& items,
                   const std::map<std::string, st::Figure>& engine, const SqlResults& sql) {
  Comparison c;
  c.system = system;
  for (const auto& it : items) {
    const st::Figure& f = engine.at(it.key);
    const auto v = sqlValue(cat, sql, *it.ind, it.year);
    ++c.figures;
    if (!v) {
      c.mismatch(it.key + ": no SQL result");
      continue;
    }
    if (f.value != *v) c.mismatch(it.key + " total: engine " + number(f.value) + ", " + system + " " + number(*v));
    if (it.ind->unit == st::Indicator::Unit::Ratio) continue;
    const SqlFigure& s = sql.at(it.key);
    for (const auto& b : f.breakdowns) {
      std::map<std::string, double> mine, theirs;
      for (const auto& cell : b.cells) mine[cell.code] += cell.value;
      if (auto d = s.cells.find(b.dimension); d != s.cells.end()) theirs = d->second;
      std::set<std::string> codes;
      for (const auto& entry : mine) codes.insert(entry.first);
      for (const auto& entry : theirs) codes.insert(entry.first);
      for (const auto& code : codes) {
        ++c.cells;
        const double a = mine.count(code) ? mine.at(code) : 0, b2 = theirs.count(code) ? theirs.at(code) : 0;
        if (a != b2)
          c.mismatch(it.key + " " + b.dimension + "=" + code + ": engine " + number(a) + ", " + system + " " + number(b2));
      }
      if (f.imported == 0 && s.imported == 0) {  // imported totals widen "not recorded"; none in these years
        ++c.cells;
        const double sn = s.not_recorded.count(b.dimension) ? s.not_recorded.at(b.dimension) : 0;
        if (b.not_recorded != sn)
          c.mismatch(it.key + " " + b.dimension + " not recorded: engine " + number(b.not_recorded) + ", " + system + " " +
                     number(sn));
      }
    }
  }
  return c;
}

bool runSqlite(sqlite3* db, const std::vector<Query>& queries, SqlResults& out, std::map<std::string, double>& ms) {
  for (const auto& q : queries) {
    const auto start = Clock::now();
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, q.sqlite.c_str(), -1, &s, nullptr) != SQLITE_OK) {
      std::fprintf(stderr, "sqlite: %s: %s\n  in: %s\n", q.key.c_str(), sqlite3_errmsg(db), q.sqlite.c_str());
      return false;
    }
    SqlFigure f;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      auto text = [&](int i) -> std::optional<std::string> {
        if (sqlite3_column_type(s, i) == SQLITE_NULL) return std::nullopt;
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
        return std::string(p ? p : "");
      };
      f.add(text(0).value_or(""), text(1), sqlite3_column_double(s, 2));
    }
    if (rc != SQLITE_DONE) {
      std::fprintf(stderr, "sqlite: %s: %s\n", q.key.c_str(), sqlite3_errmsg(db));
      sqlite3_finalize(s);
      return false;
    }
    sqlite3_finalize(s);
    ms[q.key] = msSince(start);
    out[q.key] = std::move(f);
  }
  return true;
}

struct DuckResult {
  bool ok = false;
  std::string note, version;
  double load_ms = 0, query_ms = 0;
  int threads = 0;
  std::map<std::string, double> per_query_ms;
  SqlResults results;
};

DuckResult runDuckDb(const Options& o, const fs::path& dir) {
  DuckResult d;
  const fs::path script = o.duckdb_script;
  if (!fs::exists(script)) {
    d.note = "skipped: " + script.string() + " not found (run from the repository root)";
    return d;
  }
  if (!fs::exists(script.parent_path() / "node_modules" / "@duckdb" / "node-api")) {
    d.note = "skipped: run `npm ci` in " + script.parent_path().string() + " first";
    return d;
  }
  const std::string cmd = "node " + shellQuote(script.string()) + " " + shellQuote(dir.string());
  std::FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) {
    d.note = "could not start node";
    return d;
  }
  std::string text;
  char buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) text.append(buf, n);
  const int status = ::pclose(p);
  if (status != 0) {
    d.note = "node failed (exit status " + std::to_string(status) + ")";
    return d;
  }
  try {
    const Json j = Json::parse(text);
    d.version = j.value("version", "");
    d.threads = j.value("threads", 0);
    d.load_ms = j.value("load_ms", 0.0);
    d.query_ms = j.value("query_ms_median", 0.0);
    const Json& per_query = j.at("per_query_ms_median");
    for (auto it = per_query.begin(); it != per_query.end(); ++it) d.per_query_ms[it.key()] = it.value().get<double>();
    const Json& results = j.at("results");
    for (auto it = results.begin(); it != results.end(); ++it) {
      SqlFigure f;
      for (const auto& r : it.value()) {
        std::optional<std::string> category;
        if (r.at(1).is_string()) category = r.at(1).get<std::string>();
        f.add(r.at(0).is_string() ? r.at(0).get<std::string>() : std::string(), category, r.at(2).get<double>());
      }
      d.results[it.key()] = std::move(f);
    }
    d.ok = true;
  } catch (const std::exception& e) {
    d.note = std::string("unreadable output from node: ") + e.what();
  }
  return d;
}

std::string goal(bool met) { return met ? "met" : "NOT met"; }

// The engine's part of a run over one generated snapshot.
struct EngineTimes {
  std::map<std::string, st::Figure> figures;  // the full report, single thread
  double single = 0, parallel = 0, one = 0, built = 0, audit = 0;  // medians, ms
  std::vector<double> single_runs, parallel_runs;
  int audit_hidden = 0, audit_programs = 0;
  std::size_t report_figures = 0;
  int parallel_differences = 0;
};

EngineTimes measureEngine(const rec::Schema& schema, const st::Catalogue& cat, const st::Snapshot& snap,
                          const std::vector<Item>& items, const std::string& single_id, int runs,
                          const std::string& indicators_dir) {
  EngineTimes e;
  std::vector<double> one_ms, built_ms, audit_ms;
  for (int r = 0; r < runs; ++r) {
    auto start = Clock::now();
    auto f = evaluateReport(cat, snap, items);
    e.single_runs.push_back(msSince(start));
    start = Clock::now();
    auto p = evaluateReportParallel(cat, snap, items);
    e.parallel_runs.push_back(msSince(start));
    e.parallel_differences += differences(f, p);
    e.figures = std::move(f);
  }
  // The whole annual report as users get it: every section of indicators/reports/annual.yaml
  // (the record figures, their previous year, the multi-year history and the trend charts
  // 2005-2019, the imported ones) with disclosure control and sentences, as JSON data.
  // (Skipped when --indicators names a subset the layout does not fit: profiling one figure.)
  std::optional<st::ReportLayout> layout;
  try {
    layout = st::loadReportLayout(indicators_dir + "/reports/annual.yaml", cat);
  } catch (const std::exception& ex) {
    std::printf("  (the annual report as built is skipped: %s)\n", ex.what());
  }
  for (int r = 0; layout && r < runs; ++r) {
    const auto start = Clock::now();
    st::Evaluator ev(cat, snap);
    const Json report = st::buildReport(*layout, ev, cat, schema, st::ReportOptions{kYear, "az", false, {}});
    built_ms.push_back(msSince(start));
    e.report_figures = report["figures"].size();
    // The disclosure auditor's part (linear programs over what the public edition shows).
    audit_ms.push_back(report["disclosure_audit"]["ms"].get<double>());
    e.audit_hidden = report["disclosure_audit"]["hidden_cells"].get<int>();
    e.audit_programs = report["disclosure_audit"]["linear_programs"].get<int>();
  }
  for (int r = 0; r < runs; ++r) {
    const auto start = Clock::now();
    st::Evaluator ev(cat, snap);
    const st::Figure f = ev.evaluate(single_id, st::Period::year(kYear));
    one_ms.push_back(msSince(start));
    if (f.indicator != single_id) std::printf("  (unexpected figure for %s)\n", single_id.c_str());
  }
  e.single = median(e.single_runs);
  e.parallel = median(e.parallel_runs);
  e.one = median(one_ms);
  e.built = median(built_ms);
  e.audit = median(audit_ms);
  return e;
}

// The incremental path: records written one at a time into the snapshot (Snapshot::apply, what
// a refresh does for each write it reads), new ones and changes of existing ones, with person
// links in force (every person linked, 5% of them to another person's registration).
struct WriteTimes {
  int writes = 0;
  double median = 0, p99 = 0, max = 0, mean = 0;  // ms per write
  double links_ms = 0;                            // a new map of person links applied from scratch
  std::size_t links = 0;
};

WriteTimes measureWrites(const rec::Schema& schema, st::Snapshot& snap, const Dataset& ds, int writes, uint64_t seed) {
  WriteTimes w;
  Rng rng(seed ^ 0x5eedULL);
  // Person links: as PersonLinks hands them to the statistics.
  auto links = std::make_shared<std::unordered_map<int64_t, int64_t>>();
  if (auto it = ds.ids.find("person"); it != ds.ids.end()) {
    const auto [first, count] = it->second;
    links->reserve(static_cast<std::size_t>(count));
    for (int64_t id = first; id < first + count; ++id)
      (*links)[id] = rng.chance(0.05) ? first + static_cast<int64_t>(rng.below(static_cast<uint64_t>(count))) : id;
  }
  w.links = links->size();
  auto start = Clock::now();
  snap.setPersonLinks(links, 1);
  w.links_ms = msSince(start);
  // What is written: registrations and events in proportion to their registers (a write is a
  // create two times in three, else a change of an existing record).
  std::vector<std::string> types;
  std::vector<double> weights;
  for (const auto& type : ds.types)
    if (type != "statistic_aggregate" && type != "facility") {
      types.push_back(type);
      weights.push_back(static_cast<double>(ds.ids.at(type).second));
    }
  std::discrete_distribution<std::size_t> pick(weights.begin(), weights.end());
  int64_t next_id = 1;
  for (const auto& [type, span] : ds.ids) next_id = std::max(next_id, span.first + span.second);
  next_id += 1000;
  std::vector<double> ms;
  for (int k = 0; k < writes; ++k) {
    const std::string& type = types[pick(rng.g)];
    const st::Table* t = snap.table(type);
    const rec::RecordType* rt = schema.type(type);
    if (!t || !rt || t->rows() == 0) continue;
    palermo::StoredRecord r;
    r.type = type;
    r.version = 1;
    if (rng.chance(1.0 / 3)) r.id = t->ids[rng.below(t->rows())];
    else r.id = next_id++;
    r.data = Json::object();
    for (const auto& [name, c] : t->columns) {
      if (name == "state") {
        r.state = c.dict.values.size() > 1 ? c.dict.values[1 + rng.below(c.dict.values.size() - 1)] : "";
        continue;
      }
      if (name.empty() || name[0] == '@') continue;
      switch (c.kind) {
        case Kind::Code:
          if (c.dict.values.size() > 1) {
            const std::string& v = c.dict.values[1 + rng.below(c.dict.values.size() - 1)];
            const rec::FieldDef* fd = rt->field(name);
            if (fd && fd->type == rec::FieldType::Boolean) r.data[name] = v == "true";
            else r.data[name] = v;
          }
          break;
        case Kind::Multi: {
          Json a = Json::array();
          if (c.dict.values.size() > 1) a.push_back(c.dict.values[1 + rng.below(c.dict.values.size() - 1)]);
          r.data[name] = a;
          break;
        }
        case Kind::Date: {
          const int32_t d = randomDay(rng, 2018, 2020);
          char b[16];
          std::snprintf(b, sizeof b, "%04d-%02d-%02d", d / 10000, d / 100 % 100, d % 100);
          r.data[name] = b;
          break;
        }
        case Kind::Number: r.data[name] = static_cast<double>(1 + rng.below(20)); break;
        case Kind::Ref: {
          auto it = ds.ids.find(c.ref_type);
          if (it != ds.ids.end() && it->second.second > 0)
            r.data[name] = it->second.first + static_cast<int64_t>(rng.below(static_cast<uint64_t>(it->second.second)));
          break;
        }
      }
    }
    const std::vector<palermo::StoredRecord> one{std::move(r)};
    start = Clock::now();
    snap.apply(one);
    ms.push_back(msSince(start));
  }
  if (ms.empty()) return w;
  w.writes = static_cast<int>(ms.size());
  double total = 0;
  for (double x : ms) total += x;
  w.mean = total / static_cast<double>(ms.size());
  std::sort(ms.begin(), ms.end());
  w.median = ms[ms.size() / 2];
  w.p99 = ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
  w.max = ms.back();
  return w;
}

void printWrites(const WriteTimes& w, int64_t persons) {
  std::printf("    a write into the snapshot at %s persons (%d writes, person links in force): median %.4f ms, p99 %.4f ms, max %.1f ms, "
              "mean %.4f ms (goal under 1 ms: %s)\n",
              grouped(persons).c_str(), w.writes, w.median, w.p99, w.max, w.mean, goal(w.mean < 1 && w.p99 < 1).c_str());
  std::printf("    a new map of person links (%s registrations) applied from scratch: %s\n",
              grouped(static_cast<long long>(w.links)).c_str(), fmtMs(w.links_ms).c_str());
}

// Where the snapshot's bytes go: per register, its rows and bytes per row (ids, live flags,
// columns, date indexes), largest first.
void printSnapshotBytes(const st::Snapshot& snap, const std::vector<std::string>& types) {
  struct Entry {
    std::string type;
    std::size_t rows, bytes, columns;
  };
  std::vector<Entry> entries;
  std::size_t index_bytes = 0, ref_bytes = 0;
  for (const auto& type : types) {
    const st::Table* t = snap.table(type);
    if (!t || t->rows() == 0) continue;
    std::size_t n = t->ids.capacity() * 4 + t->alive.capacity() + t->canon.capacity() * 4;
    for (const auto& [name, c] : t->columns) {
      n += c.codes.capacityBytes() + c.day.capacity() * 4 + c.hi.capacity() * 4 + c.bits.capacity() * 8 + c.num.capacity() * 8 + c.ref_row.capacity() * 4;
      ref_bytes += c.ref_row.capacity() * 4;
    }
    for (const auto& [name, ix] : t->date_indexes) n += ix.bytes(), index_bytes += ix.bytes();
    entries.push_back({type, t->rows(), n, t->columns.size()});
  }
  const double rows = static_cast<double>(snap.totalRows());
  std::printf("    of which the date indexes %.1f B per row and the references' target rows %.1f B per row\n",
              static_cast<double>(index_bytes) / rows, static_cast<double>(ref_bytes) / rows);
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.bytes > b.bytes; });
  std::printf("    snapshot by register (largest first): ");
  for (std::size_t i = 0; i < entries.size() && i < 6; ++i)
    std::printf("%s%s %s rows x %.1f B (%zu columns)", i ? "; " : "", entries[i].type.c_str(),
                grouped(static_cast<long long>(entries[i].rows)).c_str(),
                static_cast<double>(entries[i].bytes) / static_cast<double>(entries[i].rows), entries[i].columns);
  std::printf("\n");
}

std::string runsText(const std::vector<double>& runs) {
  std::string t;
  for (double ms : runs) t += (t.empty() ? "" : ", ") + fmtMs(ms);
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parseOptions(argc, argv, o)) return 2;

  // ---- schema and catalogue
  const rec::LoadResult loaded = rec::loadSchemaDir(o.schema_dir);
  if (!loaded.errors.empty()) {
    for (const auto& e : loaded.errors) std::fprintf(stderr, "%s\n", e.toString().c_str());
    return 2;
  }
  const rec::Schema& schema = loaded.schema;
  const st::CatalogueLoad catalogue_load = st::loadCatalogue(o.indicators_dir, schema);
  if (!catalogue_load.errors.empty()) {
    for (const auto& e : catalogue_load.errors) std::fprintf(stderr, "%s\n", e.toString().c_str());
    return 2;
  }
  const st::Catalogue& cat = catalogue_load.catalogue;

  // The report: every indicator counting a register, and the ratios, for both years.
  std::vector<Item> items;
  std::size_t indicators = 0;
  for (const auto& [id, ind] : cat.indicators) {
    if (ind.from.empty() && ind.unit != st::Indicator::Unit::Ratio) continue;
    ++indicators;
    for (int y : {kYear, kPreviousYear}) {
      Item it;
      it.ind = &ind;
      it.year = y;
      it.key = key(id, y);
      items.push_back(it);
    }
  }
  if (items.empty()) {
    std::fprintf(stderr, "no indicator with a register in %s\n", o.indicators_dir.c_str());
    return 2;
  }
  const std::string single_id = cat.indicator("victims_identified") ? "victims_identified" : items.front().ind->id;

  // ---- dataset
  std::printf("Statistics benchmark (issue 7): the annual report for %d and %d\n", kYear, kPreviousYear);
  std::fflush(stdout);
  auto snap = std::make_unique<st::Snapshot>(schema, cat);
  const auto gen_start = Clock::now();
  const Dataset ds = generate(schema, cat, *snap, o.persons, o.seed);
  const double gen_ms = msSince(gen_start);
  std::printf("  dataset: %s persons, %s registrations and events in %zu registers (seed %llu), generated in %s\n",
              grouped(ds.persons).c_str(), grouped(ds.events).c_str(), ds.types.size(),
              static_cast<unsigned long long>(o.seed), fmtMs(gen_ms).c_str());
  std::printf("  snapshot: %s rows, %s\n", grouped(static_cast<long long>(snap->totalRows())).c_str(), mib(snap->bytes()).c_str());
  std::fflush(stdout);

  // ---- engine
  EngineTimes eng;
  try {
    eng = measureEngine(schema, cat, *snap, items, single_id, o.engine_runs, o.indicators_dir);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "engine: %s\n", e.what());
    return 2;
  }
  const std::map<std::string, st::Figure>& figures = eng.figures;
  std::printf("  engine: %zu figures (%zu indicators x 2 years), single thread: %s; on the work pool (%u threads): %s\n",
              items.size(), indicators, runsText(eng.single_runs).c_str(), palermo::WorkPool::shared().parallelism(),
              runsText(eng.parallel_runs).c_str());
  std::fflush(stdout);

  // ---- SQL statements
  std::vector<Query> queries;
  {
    SqlGen lite(cat, *snap, schema, false), duck(cat, *snap, schema, true);
    std::set<std::string> have;
    auto addQuery = [&](auto&& self, const st::Indicator& ind, int year, int depth) -> void {
      if (ind.unit == st::Indicator::Unit::Ratio) {
        if (depth > 8) return;
        for (const std::string* part : {&ind.numerator, &ind.denominator})
          if (const st::Indicator* p = cat.indicator(*part)) self(self, *p, year, depth + 1);
        return;
      }
      const std::string k = key(ind.id, year);
      if (!have.insert(k).second) return;
      Query q;
      q.key = k;
      q.sqlite = lite.figure(ind, st::Period::year(year));
      q.duckdb = duck.figure(ind, st::Period::year(year));
      queries.push_back(std::move(q));
    };
    for (const auto& it : items) addQuery(addQuery, *it.ind, it.year, 0);
  }
  const std::string single_key = key(single_id, kYear);

  // ---- work folder
  const bool own_dir = o.dir.empty();
  const fs::path dir = own_dir ? fs::temp_directory_path() / "palermo_stats_bench" : fs::path(o.dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    std::fprintf(stderr, "cannot create %s: %s\n", dir.c_str(), ec.message().c_str());
    return 2;
  }
  std::vector<fs::path> written;
  const std::vector<SqlTable> tables = sqlTables(schema, *snap, ds.types);
  {
    std::ofstream sql_out(dir / "report_sqlite.sql"), duck_out(dir / "report_duckdb.sql");
    for (const auto& q : queries) {
      sql_out << "-- " << q.key << "\n" << q.sqlite << ";\n\n";
      duck_out << "-- " << q.key << "\n" << q.duckdb << ";\n\n";
    }
    written.push_back(dir / "report_sqlite.sql");
    written.push_back(dir / "report_duckdb.sql");
  }

  // ---- SQLite
  std::vector<double> sqlite_ms;
  std::vector<double> sqlite_single_ms;
  SqlResults sqlite_results;
  SqliteLoad sqlite_load;
  std::uintmax_t sqlite_bytes = 0;
  std::string sqlite_note;
  if (o.sqlite) {
    const fs::path db_path = dir / "stats_bench.sqlite";
    fs::remove(db_path, ec);
    sqlite3* db = nullptr;
    bool ok = sqlite3_open(db_path.c_str(), &db) == SQLITE_OK;
    written.push_back(db_path);
    std::printf("  SQLite %s: loading %s ...\n", sqlite3_libversion(), db_path.c_str());
    std::fflush(stdout);
    ok = ok && loadSqlite(db, tables, schema, cat, sqlite_load);
    if (ok) {
      sqlite_bytes = fs::file_size(db_path, ec);
      std::map<std::string, double> per_query;
      for (int r = 0; r < o.sql_runs && ok; ++r) {
        const auto start = Clock::now();
        SqlResults res;
        ok = runSqlite(db, queries, res, per_query);
        if (!ok) break;
        sqlite_ms.push_back(msSince(start));
        sqlite_single_ms.push_back(per_query[single_key]);
        sqlite_results = std::move(res);
      }
    }
    if (!ok) {
      sqlite_note = "failed (see above)";
      sqlite_results.clear();
    }
    sqlite3_close(db);
  } else {
    sqlite_note = "skipped (--no-sqlite)";
  }

  // ---- DuckDB
  DuckResult duck;
  double csv_ms = 0;
  std::uintmax_t csv_bytes = 0;
  if (o.duckdb) {
    const auto start = Clock::now();
    Json manifest;
    manifest["runs"] = o.sql_runs;
    if (o.duckdb_threads > 0) manifest["threads"] = o.duckdb_threads;
    manifest["tables"] = Json::array();
    bool ok = true;
    for (const auto& t : tables) {
      const std::string file = t.name + ".csv";
      ok = ok && writeCsv(t, dir / file);
      written.push_back(dir / file);
      csv_bytes += fs::file_size(dir / file, ec);
      Json cols = Json::array();
      cols.push_back(Json::array({"id", "BIGINT"}));
      if (t.multi) {
        cols.push_back(Json::array({"value", "VARCHAR"}));
      } else {
        cols.push_back(Json::array({"deleted", "INTEGER"}));
        for (const auto& c : t.cols) cols.push_back(Json::array({c.name, duckType(c.part)}));
      }
      manifest["tables"].push_back({{"name", t.name}, {"file", file}, {"columns", cols}});
    }
    manifest["queries"] = Json::array();
    for (const auto& q : queries) manifest["queries"].push_back({{"key", q.key}, {"sql", q.duckdb}});
    std::ofstream(dir / "manifest.json") << manifest.dump();
    written.push_back(dir / "manifest.json");
    csv_ms = msSince(start);
    if (ok) {
      std::printf("  DuckDB: %s of CSV written in %s; running node %s ...\n", mib(csv_bytes).c_str(), fmtMs(csv_ms).c_str(),
                  o.duckdb_script.c_str());
      std::fflush(stdout);
      duck = runDuckDb(o, dir);
    } else {
      duck.note = "failed writing the CSV files";
    }
  } else {
    duck.note = "skipped (--no-duckdb)";
  }

  // ---- comparisons
  int mismatches = 0;
  std::vector<Comparison> comparisons;
  if (!sqlite_results.empty()) comparisons.push_back(compare("SQLite", cat, items, figures, sqlite_results));
  if (duck.ok) comparisons.push_back(compare("DuckDB", cat, items, figures, duck.results));
  for (const auto& c : comparisons) mismatches += c.mismatches;

  // ---- the figures of the report
  std::printf("\n  %-46s %14s %14s %9s\n", "indicator", std::to_string(kYear).c_str(), std::to_string(kPreviousYear).c_str(), "change");
  for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
    const st::Figure& a = figures.at(items[i].key);
    const st::Figure& b = figures.at(items[i + 1].key);
    char change[32] = "";
    if (b.value != 0) std::snprintf(change, sizeof change, "%+.1f%%", (a.value - b.value) * 100.0 / b.value);
    std::printf("  %-46s %14s %14s %9s\n", items[i].ind->id.c_str(), shown(a.value).c_str(), shown(b.value).c_str(), change);
  }

  // ---- the table
  const double engine = eng.single, engine_parallel = eng.parallel, engine_single = eng.one;
  const unsigned threads = palermo::WorkPool::shared().parallelism();
  const double lite = median(sqlite_ms), lite_single = median(sqlite_single_ms);
  const bool have_lite = !sqlite_ms.empty() && sqlite_note.empty();
  auto cell = [](bool have, double ms) { return have ? fmtMs(ms) : std::string("-"); };
  const double duck_single = duck.per_query_ms.count(single_key) ? duck.per_query_ms.at(single_key) : 0;
  std::printf("\n  %-52s %14s %14s %14s\n", "median times", "engine", "SQLite", "DuckDB");
  std::printf("  %-52s %14s %14s %14s\n",
              ("full report (" + std::to_string(items.size()) + " figures, " + std::to_string(queries.size()) + " SQL statements)").c_str(),
              fmtMs(engine).c_str(), cell(have_lite, lite).c_str(), cell(duck.ok, duck.query_ms).c_str());
  std::printf("  %-52s %14s %14s %14s\n", ("full report on the work pool (" + std::to_string(threads) + " threads)").c_str(),
              fmtMs(engine_parallel).c_str(), "-", "-");
  std::printf("  %-52s %14s %14s %14s\n", ("one indicator (" + single_key + ")").c_str(), fmtMs(engine_single).c_str(),
              cell(have_lite, lite_single).c_str(), cell(duck.ok, duck_single).c_str());
  std::printf("  %-52s %14s %14s %14s\n",
              ("annual report as built (" + std::to_string(eng.report_figures) + " figures + trends, pool)").c_str(),
              fmtMs(eng.built).c_str(), "-", "-");
  std::printf("  (engine: median of %d runs, fresh Evaluator each run, single thread unless \"pool\"; SQL: median of %d runs%s)\n",
              o.engine_runs, o.sql_runs,
              duck.ok ? (", DuckDB " + duck.version + " on " + std::to_string(duck.threads) + " threads").c_str() : "");
  std::printf("\n  goals\n");
  if (have_lite)
    std::printf("    SQLite / engine (one thread each) %8.1fx   (goal >= 10x faster than SQLite: %s)\n", lite / engine,
                goal(lite / engine >= 10).c_str());
  else
    std::printf("    SQLite / engine       -    (SQLite %s)\n", sqlite_note.c_str());
  if (duck.ok)
    std::printf("    engine on the pool / DuckDB %8.2f    (goal within 2x of DuckDB, <= 2: %s)\n", engine_parallel / duck.query_ms,
                goal(engine_parallel / duck.query_ms <= 2).c_str());
  else
    std::printf("    engine / DuckDB       -    (DuckDB %s)\n", duck.note.c_str());
  std::printf("    engine full report on %u threads %s (goal under 500 ms: %s); parallel / single %.2f\n", threads,
              fmtMs(engine_parallel).c_str(), goal(engine_parallel < 500).c_str(), engine_parallel / engine);
  std::printf("    parallel figures identical to the single-threaded ones: %s\n",
              eng.parallel_differences ? (std::to_string(eng.parallel_differences) + " DIFFERENCES").c_str() : "yes, every cell");
  std::printf("    annual report as built %s (goal under 500 ms: %s)\n", fmtMs(eng.built).c_str(), goal(eng.built < 500).c_str());
  std::printf("    disclosure audit of the public edition %s: %d hidden cells, %d linear programs (goal under 1 s: %s)\n",
              fmtMs(eng.audit).c_str(), eng.audit_hidden, eng.audit_programs, goal(eng.audit < 1000).c_str());

  std::printf("\n  loads\n");
  std::printf("    generation into the snapshot %s; snapshot %s rows, %s (%.1f bytes per row)\n", fmtMs(gen_ms).c_str(),
              grouped(static_cast<long long>(snap->totalRows())).c_str(), mib(snap->bytes()).c_str(),
              static_cast<double>(snap->bytes()) / static_cast<double>(snap->totalRows()));
  printSnapshotBytes(*snap, ds.types);
  if (have_lite)
    std::printf("    SQLite: inserts %s, %zu indexes %s, ANALYZE %s; file %s\n", fmtMs(sqlite_load.insert_ms).c_str(),
                sqlite_load.indexes, fmtMs(sqlite_load.index_ms).c_str(), fmtMs(sqlite_load.analyze_ms).c_str(),
                mib(sqlite_bytes).c_str());
  if (duck.ok)
    std::printf("    DuckDB: CSV written %s (%s), loaded into memory %s\n", fmtMs(csv_ms).c_str(), mib(csv_bytes).c_str(),
                fmtMs(duck.load_ms).c_str());
  std::printf("    peak memory of this process %s\n", mib(static_cast<std::uintmax_t>(peakRssKb()) * 1024).c_str());

  std::printf("\n  comparison with the engine\n");
  for (const auto& c : comparisons)
    std::printf("    %-7s %zu figures, %d breakdown cells: %s\n", c.system.c_str(), static_cast<std::size_t>(c.figures), c.cells,
                c.mismatches ? (std::to_string(c.mismatches) + " MISMATCHES").c_str() : "all equal");
  if (comparisons.empty()) std::printf("    nothing compared\n");

  // ---- clean up
  if (o.keep) {
    std::printf("\n  kept %s (report_sqlite.sql and report_duckdb.sql hold the statements)\n", dir.c_str());
  } else {
    for (const auto& p : written) fs::remove(p, ec);
    if (own_dir) fs::remove(dir, ec);  // only when empty
  }

  // ---- growth: the engine alone over more persons, against the run above
  int failures = mismatches + eng.parallel_differences;
  if (o.scale_to > 0) {
    struct Size {
      int64_t persons;
      std::size_t rows, bytes;
      double single, parallel, one;
    };
    const Size first{o.persons, snap->totalRows(), snap->bytes(), eng.single, eng.parallel, eng.one};
    snap.reset();
    std::printf("\n  growth: generating %s persons ...\n", grouped(o.scale_to).c_str());
    std::fflush(stdout);
    auto big = std::make_unique<st::Snapshot>(schema, cat);
    const auto start = Clock::now();
    const Dataset big_ds = generate(schema, cat, *big, o.scale_to, o.seed);
    const double big_gen_ms = msSince(start);
    EngineTimes e2;
    try {
      e2 = measureEngine(schema, cat, *big, items, single_id, o.engine_runs, o.indicators_dir);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "engine: %s\n", e.what());
      return 2;
    }
    failures += e2.parallel_differences;
    const Size second{o.scale_to, big->totalRows(), big->bytes(), e2.single, e2.parallel, e2.one};
    std::printf("  generated in %s; single thread: %s; on the pool: %s\n", fmtMs(big_gen_ms).c_str(),
                runsText(e2.single_runs).c_str(), runsText(e2.parallel_runs).c_str());
    std::printf("\n  %-14s %14s %12s %10s %16s %16s %14s\n", "persons", "rows", "snapshot", "bytes/row", "report 1 thread",
                ("report " + std::to_string(threads) + " threads").c_str(), "one indicator");
    for (const Size& z : {first, second})
      std::printf("  %-14s %14s %12s %10.1f %16s %16s %14s\n", grouped(z.persons).c_str(),
                  grouped(static_cast<long long>(z.rows)).c_str(), mib(z.bytes).c_str(),
                  static_cast<double>(z.bytes) / static_cast<double>(z.rows), fmtMs(z.single).c_str(), fmtMs(z.parallel).c_str(),
                  fmtMs(z.one).c_str());
    const double data = static_cast<double>(second.persons) / static_cast<double>(first.persons);
    const double ratio_single = second.single / first.single, ratio_parallel = second.parallel / first.parallel;
    std::printf("  %-14s %14.2f %12.2f %10s %16.2f %16.2f %14.2f\n", "ratio",
                static_cast<double>(second.rows) / static_cast<double>(first.rows),
                static_cast<double>(second.bytes) / static_cast<double>(first.bytes), "", ratio_single, ratio_parallel,
                second.one / first.one);
    std::printf("\n  goals\n");
    std::printf("    time ratio for %.1fx the persons: %.2f on one thread, %.2f on the pool (goal at most %.2f, linear within 10%%: %s)\n",
                data, ratio_single, ratio_parallel, data * 1.1, goal(ratio_parallel <= data * 1.1 && ratio_single <= data * 1.1).c_str());
    std::printf("    full report at %s persons on %u threads %s (goal under 500 ms: %s)\n", grouped(second.persons).c_str(), threads,
                fmtMs(second.parallel).c_str(), goal(second.parallel < 500).c_str());
    std::printf("    parallel figures identical to the single-threaded ones at %s persons: %s\n", grouped(second.persons).c_str(),
                e2.parallel_differences ? (std::to_string(e2.parallel_differences) + " DIFFERENCES").c_str() : "yes, every cell");
    if (o.writes > 0) {
      const WriteTimes w = measureWrites(schema, *big, big_ds, o.writes, o.seed);
      printWrites(w, o.scale_to);
      if (w.writes == 0) ++failures;
    }
    std::printf("    peak memory of this process %s\n", mib(static_cast<std::uintmax_t>(peakRssKb()) * 1024).c_str());
  } else if (o.writes > 0) {
    std::printf("\n  incremental path\n");
    const WriteTimes w = measureWrites(schema, *snap, ds, o.writes, o.seed);
    printWrites(w, o.persons);
  }
  return failures ? 1 : 0;
}
