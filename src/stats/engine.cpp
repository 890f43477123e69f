#include "stats/engine.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <mutex>
#include <unordered_set>
#include <cstdio>
#include <deque>
#include <cstdlib>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <type_traits>

#include "core/huge_pages.hpp"
#include "core/work_pool.hpp"
#include "stats/snapshot.hpp"

namespace palermo::stats {

namespace {

// Results computed once per evaluator, by whichever thread asks first; a thread asking for a
// result another is computing waits for it (the catalogue has no cycles, so nobody waits on
// itself). References handed out stay valid for the cache's life.
template <class V>
class OnceCache {
 public:
  template <class Fn>
  const V& get(const std::string& key, Fn&& compute) {
    std::shared_ptr<Slot> slot;
    {
      std::lock_guard lock(mutex_);
      auto& s = slots_[key];
      if (!s) s = std::make_shared<Slot>();
      slot = s;
    }
    std::call_once(slot->once, [&] {
      slot->value = compute();
      slot->ready.store(true, std::memory_order_release);
    });
    return slot->value;
  }
  // The value if it has been computed, else null (never waits).
  const V* ready(const std::string& key) {
    std::lock_guard lock(mutex_);
    auto it = slots_.find(key);
    return it != slots_.end() && it->second->ready.load(std::memory_order_acquire) ? &it->second->value : nullptr;
  }

 private:
  struct Slot {
    std::once_flag once;
    std::atomic<bool> ready{false};
    V value{};
  };
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Slot>> slots_;
};

int32_t parseDay(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return 0;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return 0;
  const int y = std::stoi(s.substr(0, 4)), m = std::stoi(s.substr(5, 2)), d = std::stoi(s.substr(8, 2));
  if (m < 1 || m > 12 || d < 1 || d > 31) return 0;
  return y * 10000 + m * 100 + d;
}

bool isYear(const std::string& s) {
  return s.size() == 4 && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

std::string dayText(int32_t d) { return fmt::format("{:04}-{:02}-{:02}", d / 10000, d / 100 % 100, d % 100); }

// Adds `months` to a YYYYMMDD day, clamping to the month's last day.
int32_t addMonths(int32_t day, int months) {
  int y = day / 10000, m = day / 100 % 100, d = day % 100;
  int total = y * 12 + (m - 1) + months;
  y = total / 12;
  m = total % 12 + 1;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int last = kDays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 1 : 0);
  return y * 10000 + m * 100 + std::min(d, last);
}

}  // namespace

Period Period::parse(const std::string& text) {
  const auto dots = text.find("..");
  if (dots != std::string::npos) {
    const std::string a = text.substr(0, dots), b = text.substr(dots + 2);
    if (isYear(a) && isYear(b)) {
      Period p = years(std::stoi(a), std::stoi(b));
      return p.valid() ? p : Period{};
    }
    Period p{parseDay(a), parseDay(b)};
    return p.valid() ? p : Period{};
  }
  if (isYear(text)) return year(std::stoi(text));
  if (text.size() == 7 && isYear(text.substr(0, 4)) && text[4] == '-' && text[5] == 'Q' && text[6] >= '1' && text[6] <= '4')
    return quarter(std::stoi(text.substr(0, 4)), text[6] - '0');
  return {};
}

Period Period::previous() const {
  // Whole months (years, quarters, custom month ranges) step back by their length in months.
  const bool month_start = from % 100 == 1;
  const int from_y = from / 10000, from_m = from / 100 % 100;
  const int to_y = to / 10000, to_m = to / 100 % 100;
  const int months = (to_y * 12 + to_m) - (from_y * 12 + from_m) + 1;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const int last = kDays[to_m - 1] + (to_m == 2 && ((to_y % 4 == 0 && to_y % 100 != 0) || to_y % 400 == 0) ? 1 : 0);
  if (month_start && to % 100 == last) {
    const int32_t new_from = addMonths(from, -months);
    const int32_t new_to_month_start = addMonths(to - to % 100 + 1, -months);
    const int ny = new_to_month_start / 10000, nm = new_to_month_start / 100 % 100;
    const int nlast = kDays[nm - 1] + (nm == 2 && ((ny % 4 == 0 && ny % 100 != 0) || ny % 400 == 0) ? 1 : 0);
    return {new_from, ny * 10000 + nm * 100 + nlast};
  }
  // Otherwise the same number of days before.
  auto toDays = [](int32_t d) {
    int y = d / 10000, m = d / 100 % 100, dd = d % 100;
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + dd - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy;
  };
  auto fromDays = [](int z) {
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const int doe = z - era * 146097;
    const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int y = yoe + era * 400;
    const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int mp = (5 * doy + 2) / 153;
    const int d = doy - (153 * mp + 2) / 5 + 1;
    const int m = mp < 10 ? mp + 3 : mp - 9;
    return (y + (m <= 2)) * 10000 + m * 100 + d;
  };
  const int len = toDays(to) - toDays(from) + 1;
  return {fromDays(toDays(from) - len), fromDays(toDays(from) - 1)};
}

std::string Period::toString() const {
  const int fy = from / 10000, ty = to / 10000;
  if (from % 10000 == 101 && to % 10000 == 1231) return fy == ty ? std::to_string(fy) : fmt::format("{}..{}", fy, ty);
  if (fy == ty)
    for (int q = 1; q <= 4; ++q)
      if (Period::quarter(fy, q) == *this) return fmt::format("{}-Q{}", fy, q);
  return dayText(from) + ".." + dayText(to);
}

const BreakdownResult* Figure::breakdown(const std::string& dimension) const {
  for (const auto& b : breakdowns)
    if (b.dimension == dimension) return &b;
  return nullptr;
}

double Figure::cell(const std::string& dimension, const std::string& code) const {
  if (const auto* b = breakdown(dimension))
    for (const auto& c : b->cells)
      if (c.code == code) return c.value;
  return 0;
}

// ---------------------------------------------------------------------------------------------

struct Evaluator::Impl {
  const Catalogue& cat;
  const Snapshot& snap;

  struct Hop {
    const Column* ref = nullptr;
    const Table* target = nullptr;
  };
  struct Path {
    std::vector<Hop> hops;
    const Column* col = nullptr;  // null: the path ends on a table that is not loaded
    bool ok = false;
    // When a scan follows the path a block of rows at a time (Block below): the scan's id and
    // the node of its hops there.
    uint64_t scan = 0;
    int node = -1;
    int out = -1;  // the scan's output slot: values gathered per block
    // The row the path ends on (following references), -1 when a reference is empty.
    [[nodiscard]] int32_t follow(int32_t row) const {
      for (const auto& h : hops) {
        row = h.ref->ref_row[static_cast<std::size_t>(row)];
        if (row < 0 || (h.target->deleted != 0 && !h.target->alive[static_cast<std::size_t>(row)])) return -1;
      }
      return row;
    }
  };

  struct CFilter;
  // A dimension compiled for one counted table.
  struct Dim {
    const Dimension* def = nullptr;
    Path path;
    std::vector<std::string> categories;     // output order
    std::vector<int32_t> cat_of_code;        // Value over Code/Multi: dictionary code -> category, -1 none
    const Column* at = nullptr;              // Age: the date column (the counted table's own)
    std::vector<std::vector<CFilter>> class_filters;
    bool multi = false;
    bool single_code = false;  // a value of a coded field the scan gathers: one category or none (codeCategory)
  };

  struct CFilter {
    Filter::Op op = Filter::Op::In;
    Path path;
    std::shared_ptr<Dim> dim;
    std::vector<uint8_t> code_ok;  // Code: by dictionary code
    uint64_t mask = 0;             // Multi
    std::vector<uint8_t> dim_ok;   // dimension category index -> ok
    const std::vector<uint8_t>* counted = nullptr;  // CountedBy: rows of the other table
    const Table* canon = nullptr;                   // CountedBy persons: the persons' table (canonical rows)
    // CountedBy through several references, worked out ahead for every row of the first table
    // the path reaches (1: it leads to a counted row); the path is then that first hop alone.
    std::shared_ptr<const std::vector<uint8_t>> reach;
    std::vector<int> outs;  // a dimension test in a scan: the output slots its dimension reads
  };

  OnceCache<std::vector<uint8_t>> counted_cache;  // "<indicator>|<period>|p/r" -> rows

  Impl(const Catalogue& c, const Snapshot& s) : cat(c), snap(s) {}

  Path compilePath(const std::string& from, const std::string& path) const {
    Path p;
    const Table* t = snap.table(from);
    if (!t) return p;
    std::stringstream parts(path);
    std::string seg;
    std::vector<std::string> segs;
    while (std::getline(parts, seg, '.')) segs.push_back(seg);
    for (std::size_t i = 0; i < segs.size(); ++i) {
      const Column* c = t->column(segs[i]);
      if (!c) return p;
      if (i + 1 == segs.size()) {
        p.col = c;
        p.ok = true;
        return p;
      }
      if (c->kind != Column::Kind::Ref) return p;
      const Table* next = snap.table(c->ref_type);
      if (!next) return p;
      p.hops.push_back({c, next});
      t = next;
    }
    return p;
  }

  // A path whose end is a table row (for persons and counted_by): every segment is a reference.
  Path compileRowPath(const std::string& from, const std::string& path) const {
    Path p = compilePath(from, path);
    if (p.ok && p.col->kind == Column::Kind::Ref) {
      p.hops.push_back({p.col, snap.table(p.col->ref_type)});
      if (!p.hops.back().target) p.ok = false;
    } else {
      p.ok = false;
    }
    return p;
  }

  std::shared_ptr<Dim> compileDim(const Dimension& d, const std::string& from, const Indicator* ind) {
    auto dim = std::make_shared<Dim>();
    dim->def = &d;
    if (d.kind == Dimension::Kind::Classes) {
      for (const auto& cls : d.classes) {
        dim->categories.push_back(cls.code);
        std::vector<CFilter> fs;
        for (const auto& f : cls.where) fs.push_back(compileFilter(f, from, ind, Period{}));
        dim->class_filters.push_back(std::move(fs));
      }
      return dim;
    }
    auto it = d.paths.find(from);
    if (it == d.paths.end()) return dim;
    dim->path = compilePath(from, it->second);
    if (d.kind == Dimension::Kind::Age) {
      for (const auto& b : d.bands) dim->categories.push_back(b.code);
      if (ind && !ind->date.empty()) {
        const Path at = compilePath(from, ind->date);
        if (at.ok && at.hops.empty()) dim->at = at.col;
      }
      return dim;
    }
    if (!dim->path.ok) return dim;
    const Column* c = dim->path.col;
    dim->multi = c->kind == Column::Kind::Multi;
    // Categories: rolled-up codes, in first-seen order (the report orders them for display).
    std::map<std::string, int32_t> index;
    dim->cat_of_code.assign(c->dict.values.size(), -1);
    for (std::size_t code = 1; code < c->dict.values.size(); ++code) {
      std::string v = c->dict.values[code];
      auto r = d.rollup.find(v);
      if (r != d.rollup.end()) v = r->second;
      auto [pos, added] = index.emplace(v, static_cast<int32_t>(dim->categories.size()));
      if (added) dim->categories.push_back(v);
      dim->cat_of_code[code] = pos->second;
    }
    return dim;
  }

  // A classes dimension: the first class whose every test passes (appended to `out`), if any.
  template <class Test>
  static void firstClass(const Dim& d, Test&& passes_test, std::vector<int32_t>& out) {
    for (std::size_t k = 0; k < d.class_filters.size(); ++k)
      if (std::all_of(d.class_filters[k].begin(), d.class_filters[k].end(), passes_test)) {
        out.push_back(static_cast<int32_t>(k));
        return;
      }
  }

  // The categories of one row (appended to `out`); the counted table's row.
  void categoriesOf(const Dim& d, int32_t row, std::vector<int32_t>& out) const {
    categoriesAt(d, row, d.path.ok && d.def->kind != Dimension::Kind::Classes ? d.path.follow(row) : -1, out);
  }
  // The same, `target` being the row the dimension's path reaches from `row` (-1: none).
  void categoriesAt(const Dim& d, int32_t row, int32_t target, std::vector<int32_t>& out) const {
    if (d.def->kind == Dimension::Kind::Classes) {
      firstClass(d, [&](const CFilter& f) { return passes(f, row); }, out);
      return;
    }
    if (!d.path.ok || target < 0) return;
    const Column& c = *d.path.col;
    const auto ur = static_cast<std::size_t>(target);
    categoriesFrom(d, row, codeOrDay(c, ur), c.kind == Column::Kind::Date ? c.latest(ur) : 0,
                   c.kind == Column::Kind::Multi ? c.bits[ur] : 0, out);
  }
  // The same from the values the dimension's path reaches (its column's code, latest day and
  // bits at the row reached; read by the caller, a block at a time).
  void categoriesFrom(const Dim& d, int32_t row, int32_t value, int32_t latest, uint64_t value_bits,
                      std::vector<int32_t>& out) const {
    const auto& def = *d.def;
    const Column& c = *d.path.col;
    if (def.kind == Dimension::Kind::Age) {
      if (!d.at || c.kind != Column::Kind::Date) return;
      const int32_t at = d.at->day[static_cast<std::size_t>(row)];
      const int32_t lo = value, hi = latest;
      if (!at || !lo) return;
      const int young = (at - hi) / 10000, old = (at - lo) / 10000;
      if (at < hi) return;  // born after the date: a data error, not recorded
      for (std::size_t k = 0; k < def.bands.size(); ++k)
        if (young >= def.bands[k].min && old <= def.bands[k].max) {
          out.push_back(static_cast<int32_t>(k));
          return;
        }
      return;
    }
    if (c.kind == Column::Kind::Code) {
      const int32_t code = value;
      if (code > 0 && static_cast<std::size_t>(code) < d.cat_of_code.size() && d.cat_of_code[code] >= 0)
        out.push_back(d.cat_of_code[code]);
    } else if (c.kind == Column::Kind::Multi) {
      uint64_t bits = value_bits;
      while (bits) {
        const int b = __builtin_ctzll(bits);
        bits &= bits - 1;
        const auto code = static_cast<std::size_t>(b + 1);
        if (code < d.cat_of_code.size() && d.cat_of_code[code] >= 0) {
          const int32_t k = d.cat_of_code[code];
          if (std::find(out.begin(), out.end(), k) == out.end()) out.push_back(k);
        }
      }
    }
  }

  CFilter compileFilter(const Filter& f, const std::string& from, const Indicator* ind, const Period& period) {
    CFilter cf;
    cf.op = f.op;
    if (!f.dimension.empty()) {
      const Dimension* d = cat.dimension(f.dimension);
      if (!d) throw std::invalid_argument("unknown dimension " + f.dimension);
      cf.dim = compileDim(*d, from, ind);
      cf.dim_ok.assign(cf.dim->categories.size(), 0);
      for (std::size_t k = 0; k < cf.dim->categories.size(); ++k)
        cf.dim_ok[k] = std::find(f.values.begin(), f.values.end(), cf.dim->categories[k]) != f.values.end();
      return cf;
    }
    if (f.op == Filter::Op::CountedBy) {
      // The reference leads either to a record the other indicator counts, or to a person it
      // counts (when it counts persons).
      cf.path = compileRowPath(from, f.path);
      const Indicator* other = cat.indicator(f.indicator);
      if (!other) throw std::invalid_argument("unknown indicator " + f.indicator);
      const Table* target = cf.path.ok ? cf.path.hops.back().target : nullptr;
      if (target && target->type == other->from) {
        cf.counted = &countedRows(f.indicator, period, false);
      } else {
        cf.counted = &countedRows(f.indicator, period, true);
        cf.canon = target;  // persons are marked by their canonical row
      }
      return cf;
    }
    cf.path = compilePath(from, f.path);
    if (!cf.path.ok) return cf;
    const Column& c = *cf.path.col;
    if (c.kind == Column::Kind::Code) {
      cf.code_ok.assign(c.dict.values.size(), 0);
      for (const auto& v : f.values)
        if (const int32_t code = c.dict.find(v)) cf.code_ok[static_cast<std::size_t>(code)] = 1;
    } else if (c.kind == Column::Kind::Multi) {
      for (const auto& v : f.values)
        if (const int32_t code = c.dict.find(v)) cf.mask |= uint64_t{1} << (code - 1);
    }
    return cf;
  }

  // A coded column's dictionary code or a date column's earliest day at a row; 0 otherwise.
  static int32_t codeOrDay(const Column& c, std::size_t r) {
    return c.kind == Column::Kind::Code ? c.codes[r] : c.kind == Column::Kind::Date ? c.day[r] : 0;
  }

  static bool present(const Column& c, std::size_t r) {
    switch (c.kind) {
      case Column::Kind::Code: return c.codes[r] != 0;
      case Column::Kind::Date: return c.day[r] != 0;
      case Column::Kind::Multi: return c.bits[r] != 0;
      case Column::Kind::Number: return !std::isnan(c.num[r]);
      case Column::Kind::Ref: return c.refers(r);
    }
    return false;
  }

  bool passes(const CFilter& f, int32_t row) const {
    return passesAt(f, row, f.dim || !f.path.ok ? -1 : f.path.follow(row));
  }
  // The same, `target` being the row the filter's path reaches from `row` (-1: none).
  // Category lists for dimension tests, one per level of nesting (a class of a dimension may
  // test another dimension), kept per thread.
  struct Scratch {
    std::vector<int32_t>& cats;
    Scratch() : cats(take()) { cats.clear(); }
    ~Scratch() { --depth(); }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;
    static int& depth() {
      thread_local int d = 0;
      return d;
    }
    static std::vector<int32_t>& take() {
      thread_local std::deque<std::vector<int32_t>> levels;  // a deque: growing keeps the outer levels in place
      const auto d = static_cast<std::size_t>(depth()++);
      if (levels.size() <= d) levels.resize(d + 1);
      return levels[d];
    }
  };

  bool passesAt(const CFilter& f, int32_t row, int32_t target) const {
    if (f.dim) {
      Scratch scratch;
      categoriesOf(*f.dim, row, scratch.cats);
      bool any = false;
      for (int32_t k : scratch.cats) any = any || f.dim_ok[static_cast<std::size_t>(k)];
      return f.op == Filter::Op::NotIn ? !any : any;
    }
    if (!f.path.ok) return f.op == Filter::Op::Absent || f.op == Filter::Op::NotIn;
    const int32_t r = target;
    if (f.op == Filter::Op::CountedBy && f.reach) return r >= 0 && (*f.reach)[static_cast<std::size_t>(r)];
    if (f.op == Filter::Op::CountedBy) {
      const int32_t c = f.canon ? f.canon->canonical(r) : r;
      return c >= 0 && (*f.counted)[static_cast<std::size_t>(c)];
    }
    if (r < 0) return f.op == Filter::Op::Absent || f.op == Filter::Op::NotIn;
    const auto ur = static_cast<std::size_t>(r);
    const Column& c = *f.path.col;
    switch (f.op) {
      case Filter::Op::Present: return present(c, ur);
      case Filter::Op::Absent: return !present(c, ur);
      case Filter::Op::In:
      case Filter::Op::NotIn: {
        bool in = false;
        if (c.kind == Column::Kind::Code) in = f.code_ok[static_cast<std::size_t>(c.codes[ur])] != 0;
        else if (c.kind == Column::Kind::Multi) in = (c.bits[ur] & f.mask) != 0;
        return f.op == Filter::Op::In ? in : !in;
      }
      case Filter::Op::CountedBy: break;
    }
    return false;
  }

  static std::string key(const std::string& id, const Period& p) { return id + "|" + std::to_string(p.from) + "|" + std::to_string(p.to); }

  // The part of a period that records answer for: from records_from on.
  Period recordsPart(const Period& p) const {
    Period r = p;
    r.from = std::max(r.from, cat.records_from);
    return r;
  }

  // One hop of the paths a scan follows: from the rows of `parent` (-1: the counted rows)
  // through the reference column `ref` to the rows of `target`. Paths sharing their first hops
  // share nodes, so each hop is followed once per row.
  struct Node {
    int parent = -1;
    const Column* ref = nullptr;
    const Table* target = nullptr;
  };

  struct Scan {
    const Indicator* ind = nullptr;
    const Table* table = nullptr;
    std::vector<CFilter> filters;
    const Column* date = nullptr;
    const DateIndex* index = nullptr;
    Period period;
    bool empty = false;  // the period lies before the records
    uint64_t id = 0;
    std::vector<Node> nodes;
    std::vector<const Path*> outputs;  // the paths the callback reads (followed for each block)
    // Counting persons (countPersons): the path to the person, its table, and the caller's
    // marks per person row (prefetched for each block; may be null).
    const Path* person = nullptr;
    const Table* person_table = nullptr;
    const uint8_t* person_marks = nullptr;
  };

  // Makes the scan hand each counted row's person (its canonical row) to the callback, through
  // RowAt::person(); `marks` is an array per person row the callback reads.
  static void countPersons(Scan& s, Path& person, const uint8_t* marks) {
    if (!person.ok) return;
    output(s, person);
    s.person = &person;
    s.person_table = person.hops.back().target;
    s.person_marks = marks;
  }

  Scan prepare(const Indicator& ind, const Period& period) {
    static std::atomic<uint64_t> next_scan{1};
    Scan s;
    s.id = next_scan.fetch_add(1);
    s.ind = &ind;
    s.table = snap.table(ind.from);
    s.period = recordsPart(period);
    s.empty = !s.table || s.period.from > s.period.to;
    if (s.empty) return s;
    if (!ind.date.empty()) {
      const Path p = compilePath(ind.from, ind.date);
      if (p.ok && p.hops.empty()) s.date = p.col, s.index = s.table->dateIndex(ind.date);
      else if (p.ok) throw std::invalid_argument("indicator " + ind.id + ": the date must be a field of the register counted");
    }
    for (const auto& f : ind.where) s.filters.push_back(compileFilter(f, ind.from, &ind, period));
    // A counted_by filter through several references, on a scan of many rows (a register
    // without a date, or a long period): which rows of the first table reached lead to a counted
    // row is worked out once, in one pass over that table, instead of following every reference
    // again for each row scanned (at national scale each such hop is a cache miss).
    std::size_t scanned = s.table->rows();
    if (s.index && s.date) {
      const auto [first, last] = s.index->range(s.period.from / 10000, s.period.to / 10000);
      scanned = last - first + s.index->tail.size();
    }
    for (auto& f : s.filters)
      if (f.op == Filter::Op::CountedBy && !f.dim && f.path.ok && f.path.hops.size() >= 2 &&
          scanned * 4 >= f.path.hops[0].target->rows())
        reachAhead(f);
    // Cheapest tests first: a field of the record itself, then fields behind references, then
    // counted_by and dimension tests (which follow paths and compute categories).
    auto cost = [](const CFilter& f) {
      if (f.dim) return 100;
      const int hops = static_cast<int>(f.path.hops.size());
      return (f.op == Filter::Op::CountedBy ? 50 : 0) + hops * 10;
    };
    std::stable_sort(s.filters.begin(), s.filters.end(), [&](const CFilter& a, const CFilter& b) { return cost(a) < cost(b); });
    for (auto& f : s.filters)
      if (!f.dim) intern(s, f.path);
      else outputDim(s, *f.dim, &f.outs);
    return s;
  }

  void reachAhead(CFilter& f) const {
    const Table& first = *f.path.hops[0].target;
    Path rest;
    rest.hops.assign(f.path.hops.begin() + 1, f.path.hops.end());
    rest.col = f.path.col;
    rest.ok = true;
    auto reach = std::make_shared<std::vector<uint8_t>>(first.rows(), 0);
    const uint8_t* counted = f.counted->data();
    const int32_t* canon = f.canon && !f.canon->canon.empty() ? f.canon->canon.data() : nullptr;
    // A chunk of rows at a time: the canonical rows and the counted marks are read at random,
    // so each is prefetched for the whole chunk before it is read.
    constexpr std::size_t kChunk = 256;
    std::array<int32_t, kChunk> to{};
    const std::size_t rows = first.rows();
    for (std::size_t r0 = 0; r0 < rows; r0 += kChunk) {
      const std::size_t n = std::min(kChunk, rows - r0);
      for (std::size_t i = 0; i < n; ++i) to[i] = rest.follow(static_cast<int32_t>(r0 + i));
      if (canon) {
        for (std::size_t i = 0; i < n; ++i)
          if (to[i] >= 0) __builtin_prefetch(canon + to[i]);
        for (std::size_t i = 0; i < n; ++i) to[i] = to[i] < 0 ? -1 : canon[to[i]];
      }
      for (std::size_t i = 0; i < n; ++i)
        if (to[i] >= 0) __builtin_prefetch(counted + to[i]);
      for (std::size_t i = 0; i < n; ++i) (*reach)[r0 + i] = to[i] >= 0 && counted[to[i]];
    }
    f.path.hops.resize(1);
    f.path.col = f.path.hops[0].ref;
    f.reach = std::move(reach);
  }

  // Gives the path a node of the scan (the chain of its hops), creating the missing ones.
  static void intern(Scan& s, Path& p) {
    if (!p.ok || p.hops.empty()) return;
    int parent = -1;
    for (const auto& h : p.hops) {
      int found = -1;
      for (std::size_t k = 0; k < s.nodes.size(); ++k)
        if (s.nodes[k].parent == parent && s.nodes[k].ref == h.ref) found = static_cast<int>(k);
      if (found < 0) {
        s.nodes.push_back({parent, h.ref, h.target});
        found = static_cast<int>(s.nodes.size()) - 1;
      }
      parent = found;
    }
    p.scan = s.id;
    p.node = parent;
  }
  // A path the scan's callback reads: followed a block at a time, read through RowAt::at.
  static void output(Scan& s, Path& p) {
    if (!p.ok || (p.scan == s.id && p.out >= 0)) return;
    intern(s, p);
    p.scan = s.id;  // a field of the counted row itself too (node -1): its values are gathered
    p.out = static_cast<int>(s.outputs.size());
    s.outputs.push_back(&p);
  }

  // Rows are scanned a block at a time: the filters run over the block one after the other,
  // each following its references for every row still in (tight loops of independent loads,
  // with prefetches, instead of one chain of dependent cache misses per row), and the callback
  // then reads the rows its paths reach from the block.
  static constexpr int kBlock = 256;
  struct Block {
    int n = 0;
    std::array<int32_t, kBlock> rows{};
    std::vector<int32_t> sel;                      // positions in `rows` still counted
    std::vector<std::array<int32_t, kBlock>> at;   // per node: the row reached, -1 none
    std::vector<uint8_t> done;                     // per node: followed for this block
    // Per output path: the values at the rows it reaches (0 where none), read in one tight
    // loop per block (independent loads the processor overlaps) before the callback runs.
    struct Values {
      std::array<int32_t, kBlock> code{}, latest{};
      std::array<uint64_t, kBlock> bits{};
    };
    std::vector<Values> values;
    std::vector<uint8_t> gathered;  // per output: values read for this block
    std::array<int32_t, kBlock> person{};  // Scan::person: the canonical person row, -1 none
  };

  // One counted row, as the scan hands it to its callback.
  struct RowAt {
    const Scan& s;
    const Block& b;
    int j;
    int32_t row;
    // The row `p` reaches from this row (-1 when a reference on the way is empty or deleted).
    [[nodiscard]] int32_t at(const Path& p) const {
      if (!p.ok) return -1;
      if (p.hops.empty()) return row;
      if (p.scan == s.id && p.node >= 0 && b.done[static_cast<std::size_t>(p.node)])
        return b.at[static_cast<std::size_t>(p.node)][static_cast<std::size_t>(j)];
      return p.follow(row);
    }
    // The row's person, when the scan counts persons (countPersons): its canonical row, -1 none.
    [[nodiscard]] int32_t person() const { return b.person[static_cast<std::size_t>(j)]; }
    // Whether the callback may read the path's values from the block (see Block::Values).
    [[nodiscard]] const Block::Values* values(const Path& p) const {
      return p.scan == s.id && p.out >= 0 ? &b.values[static_cast<std::size_t>(p.out)] : nullptr;
    }
  };

  // The categories of the row a RowAt stands for, from the block's values when it has them.
  void categoriesIn(const Dim& d, const RowAt& at, std::vector<int32_t>& out) const {
    if (d.def->kind == Dimension::Kind::Classes) {
      firstClass(d, [&](const CFilter& f) { return passesIn(f, at); }, out);
      return;
    }
    const Block::Values* v = !d.path.ok ? nullptr : at.values(d.path);
    if (!v) return categoriesAt(d, at.row, d.def->kind == Dimension::Kind::Classes ? -1 : at.at(d.path), out);
    const auto j = static_cast<std::size_t>(at.j);
    if (at.at(d.path) < 0) return;
    categoriesFrom(d, at.row, v->code[j], v->latest[j], v->bits[j], out);
  }

  // The category of a single_code dimension from the block's gathered value, -1 when none.
  static int32_t codeCategory(const Dim& d, const RowAt& at) {
    const int32_t code = at.b.values[static_cast<std::size_t>(d.path.out)].code[static_cast<std::size_t>(at.j)];
    return code > 0 && static_cast<std::size_t>(code) < d.cat_of_code.size() ? d.cat_of_code[static_cast<std::size_t>(code)] : -1;
  }

  // A filter on the row a RowAt stands for, from the block's values when it has them.
  bool passesIn(const CFilter& f, const RowAt& at) const {
    if (!f.dim) return passesAt(f, at.row, f.path.ok ? at.at(f.path) : -1);
    Scratch scratch;
    categoriesIn(*f.dim, at, scratch.cats);
    bool any = false;
    for (int32_t k : scratch.cats) any = any || f.dim_ok[static_cast<std::size_t>(k)];
    return f.op == Filter::Op::NotIn ? !any : any;
  }

  // Makes every path a dimension reads an output of the scan (a class's tests included);
  // `outs` collects the output slots.
  static void outputDim(Scan& s, Dim& d, std::vector<int>* outs = nullptr) {
    if (d.def->kind == Dimension::Kind::Classes) {
      for (auto& filters : d.class_filters)
        for (auto& f : filters) {
          if (f.dim) outputDim(s, *f.dim, outs);
          else if (f.path.ok) output(s, f.path), outs ? outs->push_back(f.path.out) : void();
        }
      return;
    }
    if (!d.path.ok) return;
    output(s, d.path);
    if (outs && d.path.scan == s.id) outs->push_back(d.path.out);
  }

  static void prefetchValue(const Column& c, int32_t r) {
    const auto u = static_cast<std::size_t>(r);
    switch (c.kind) {
      case Column::Kind::Code: c.codes.prefetch(u); break;
      case Column::Kind::Date: __builtin_prefetch(c.day.data() + u); break;
      case Column::Kind::Multi: __builtin_prefetch(c.bits.data() + u); break;
      case Column::Kind::Number: __builtin_prefetch(c.num.data() + u); break;
      case Column::Kind::Ref: __builtin_prefetch(c.ref_row.data() + u); break;
    }
  }

  // Follows a node's hop for every row of the block still counted.
  static void follow(const Scan& s, Block& b, int node) {
    const auto n = static_cast<std::size_t>(node);
    if (b.done[n]) return;
    const Node& nd = s.nodes[n];
    if (nd.parent >= 0) follow(s, b, nd.parent);
    const int32_t* from = nd.parent >= 0 ? b.at[static_cast<std::size_t>(nd.parent)].data() : b.rows.data();
    const int32_t* ref_row = nd.ref->ref_row.data();
    const uint8_t* alive = nd.target->alive.data();
    const bool all_alive = nd.target->deleted == 0;  // then `alive` is not read
    int32_t* out = b.at[n].data();
    for (const int32_t j : b.sel)
      if (const int32_t p = from[j]; p >= 0) __builtin_prefetch(ref_row + p);
    for (const int32_t j : b.sel) {
      const int32_t p = from[j];
      out[j] = p < 0 || ref_row[p] < 0 ? -1 : ref_row[p];
      if (!all_alive && out[j] >= 0) __builtin_prefetch(alive + out[j]);
    }
    if (!all_alive)
      for (const int32_t j : b.sel)
        if (out[j] >= 0 && !alive[out[j]]) out[j] = -1;
    b.done[n] = 1;
  }

  // The positions of `sel` whose row (`to`) has a code `ok` accepts (`want`) or not: kept in
  // place, their number returned. A function of its own so that every value the loop reads is
  // in a register (as a lambda's captures they were reloaded on every row), and without a
  // branch per row: about half the rows pass a typical test, so a branch mispredicted on every
  // other row and cost more than the reads (9-10 ns a row at 3 million persons, now 2).
  // The filters below keep rows the same way.
  template <class T>
  static std::size_t keepCoded(const T* code, const uint8_t* ok, bool want, int32_t* sel, std::size_t n, const int32_t* to) {
    std::size_t k = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const int32_t j = sel[i], r = to[j];
      sel[k] = j;  // kept, or overwritten by the next row kept
      k += static_cast<std::size_t>((r >= 0 && ok[code[r]] != 0) == want);
    }
    return k;
  }

  // Keeps the rows of the block that pass a filter whose path the block followed (`at`: the
  // rows reached); the common tests as tight loops over the block. Returns how many remain.
  std::size_t filterBlock(const CFilter& f, Block& b, const std::array<int32_t, kBlock>& at) const {
    std::size_t kept = 0;
    const Column* c = f.path.col;
    const bool in_or_not = f.op == Filter::Op::In || f.op == Filter::Op::NotIn;
    if (c && in_or_not && c->kind == Column::Kind::Code) {
      kept = c->codes.visit([&](const auto* code) {
        return keepCoded(code, f.code_ok.data(), f.op == Filter::Op::In, b.sel.data(), b.sel.size(), at.data());
      });
    } else if (c && in_or_not && c->kind == Column::Kind::Multi) {
      const uint64_t* bits = c->bits.data();
      const bool want = f.op == Filter::Op::In;
      for (const int32_t j : b.sel) {
        b.sel[kept] = j;
        kept += static_cast<std::size_t>((at[j] >= 0 && (bits[at[j]] & f.mask) != 0) == want);
      }
    } else if (f.op == Filter::Op::CountedBy && f.reach) {
      const uint8_t* reach = f.reach->data();
      for (const int32_t j : b.sel) {
        b.sel[kept] = j;
        kept += static_cast<std::size_t>(at[j] >= 0 && reach[at[j]]);
      }
    } else if (f.op == Filter::Op::CountedBy) {
      // The canonical rows and the counted marks are read at random (megabytes at national
      // scale): each is prefetched for the whole block before it is read.
      const uint8_t* counted = f.counted->data();
      const int32_t* canon = f.canon && !f.canon->canon.empty() ? f.canon->canon.data() : nullptr;
      std::array<int32_t, kBlock> mark;
      if (canon) {
        for (const int32_t j : b.sel)
          if (at[j] >= 0) __builtin_prefetch(canon + at[j]);
        for (const int32_t j : b.sel) mark[j] = at[j] < 0 ? -1 : canon[at[j]];
      } else {
        for (const int32_t j : b.sel) mark[j] = at[j];
      }
      for (const int32_t j : b.sel)
        if (mark[j] >= 0) __builtin_prefetch(counted + mark[j]);
      for (const int32_t j : b.sel) {
        b.sel[kept] = j;
        kept += static_cast<std::size_t>(mark[j] >= 0 && counted[mark[j]]);
      }
    } else {
      for (const int32_t j : b.sel)
        b.sel[kept] = j, kept += static_cast<std::size_t>(passesAt(f, b.rows[static_cast<std::size_t>(j)], at[static_cast<std::size_t>(j)]));
    }
    return kept;
  }

  // The canonical person row of each row still counted (Block::person), the canonical map and
  // then the caller's marks prefetched for the whole block: at national scale both are read at
  // random, and a miss per row was most of a persons figure's time.
  static void personsOf(const Scan& s, Block& b) {
    const Path& p = *s.person;
    const bool reached = p.scan == s.id && p.node >= 0 && b.done[static_cast<std::size_t>(p.node)];
    const int32_t* at = reached ? b.at[static_cast<std::size_t>(p.node)].data() : nullptr;
    if (!at) {  // nothing counted in this block, or the path was not followed: row by row
      for (const int32_t j : b.sel) b.person[j] = s.person_table->canonical(p.follow(b.rows[static_cast<std::size_t>(j)]));
      return;
    }
    const Table& t = *s.person_table;
    if (t.canon.empty()) {
      for (const int32_t j : b.sel) b.person[j] = at[j];
    } else {
      const int32_t* canon = t.canon.data();
      for (const int32_t j : b.sel)
        if (at[j] >= 0) __builtin_prefetch(canon + at[j]);
      for (const int32_t j : b.sel) b.person[j] = at[j] < 0 ? -1 : canon[at[j]];
    }
    if (const uint8_t* marks = s.person_marks)
      for (const int32_t j : b.sel)
        if (b.person[j] >= 0) __builtin_prefetch(marks + b.person[j]);
  }

  // Reads an output path's values for the rows of the block still counted.
  static void gather(const Scan& s, Block& b, int k) {
    const auto slot = static_cast<std::size_t>(k);
    if (b.gathered[slot]) return;
    b.gathered[slot] = 1;
    const Path* p = s.outputs[slot];
    if (p->node >= 0) follow(s, b, p->node);
    if (!p->col) return;
    const Column& c = *p->col;
    const int32_t* at = p->node >= 0 ? b.at[static_cast<std::size_t>(p->node)].data() : b.rows.data();
    auto& v = b.values[slot];
    if (c.kind == Column::Kind::Code) {
      c.codes.visit([out = v.code.data(), sel = b.sel.data(), n = b.sel.size(), at](const auto* code) {
        for (std::size_t i = 0; i < n; ++i) {
          const int32_t j = sel[i], r = at[j];
          out[j] = r >= 0 ? static_cast<int32_t>(code[r]) : 0;
        }
      });
    } else if (c.kind == Column::Kind::Date) {
      const int32_t* day = c.day.data();
      for (const int32_t j : b.sel) v.code[j] = at[j] >= 0 ? day[at[j]] : 0;
      for (const int32_t j : b.sel) v.latest[j] = at[j] >= 0 ? c.latest(static_cast<std::size_t>(at[j])) : 0;
    } else if (c.kind == Column::Kind::Multi) {
      const uint64_t* bits = c.bits.data();
      for (const int32_t j : b.sel) v.bits[j] = at[j] >= 0 ? bits[at[j]] : 0;
    } else if (c.kind == Column::Kind::Number) {
      for (const int32_t j : b.sel)
        if (at[j] >= 0) prefetchValue(c, at[j]);
    }
  }

  template <class Fn>
  void runBlock(const Scan& s, Block& b, Fn& fn) const {
    b.sel.resize(static_cast<std::size_t>(b.n));
    for (int j = 0; j < b.n; ++j) b.sel[static_cast<std::size_t>(j)] = j;
    std::fill(b.done.begin(), b.done.end(), 0);
    std::fill(b.gathered.begin(), b.gathered.end(), 0);
    for (const auto& f : s.filters) {
      if (b.sel.empty()) break;
      const bool own = !f.dim && f.path.ok && f.path.hops.empty();  // a field of the counted row
      const bool batched = own || (!f.dim && f.path.ok && f.path.scan == s.id && f.path.node >= 0);
      std::size_t kept = 0;
      if (batched) {
        if (!own) follow(s, b, f.path.node);
        const auto& at = own ? b.rows : b.at[static_cast<std::size_t>(f.path.node)];
        kept = filterBlock(f, b, at);
      } else if (f.dim && !f.outs.empty()) {  // a dimension test: its values first, for the block
        for (const int k : f.outs) gather(s, b, k);
        for (const int32_t j : b.sel) {
          const int32_t row = b.rows[static_cast<std::size_t>(j)];
          b.sel[kept] = j, kept += static_cast<std::size_t>(passesIn(f, RowAt{s, b, j, row}));
        }
      } else {
        for (const int32_t j : b.sel)
          b.sel[kept] = j, kept += static_cast<std::size_t>(passes(f, b.rows[static_cast<std::size_t>(j)]));
      }
      b.sel.resize(kept);
    }
    if (!b.sel.empty())
      for (std::size_t k = 0; k < s.outputs.size(); ++k) gather(s, b, static_cast<int>(k));
    if (s.person) personsOf(s, b);
    for (const int32_t j : b.sel) {
      const int32_t row = b.rows[static_cast<std::size_t>(j)];
      if constexpr (std::is_invocable_v<Fn&, int32_t, const RowAt&>) fn(row, RowAt{s, b, j, row});
      else fn(row);
    }
    b.n = 0;
  }

  // Calls fn(row) or fn(row, RowAt) for every row the indicator counts in the scan's period.
  template <class Fn>
  void scan(const Scan& s, Fn&& fn) const {
    if (s.empty) return;
    const Table& t = *s.table;
    Block b;
    b.at.resize(s.nodes.size());
    b.done.resize(s.nodes.size());
    b.values.resize(s.outputs.size());
    b.gathered.resize(s.outputs.size());
    auto add = [&](int32_t r) {
      b.rows[static_cast<std::size_t>(b.n++)] = r;
      if (b.n == kBlock) runBlock(s, b, fn);
    };
    if (s.index && s.date) {
      // The period's range of the date index, then the rows written since it was sorted.
      const DateIndex& ix = *s.index;
      const int32_t* dates = s.date->day.data();
      const auto [first, last] = ix.range(s.period.from / 10000, s.period.to / 10000);
      const bool any_tail = !ix.tail.empty();
      // A period of whole years takes every row of its years' range as sorted (rows changed
      // since are in the tail, and deleted ones are not sorted in): then the scan reads
      // neither the date nor `alive`, it streams the index alone.
      const bool whole_years = s.period.from % 10000 == 101 && s.period.to % 10000 == 1231;
      if (whole_years && !any_tail) {
        for (auto i = first; i < last; ++i) add(ix.rows[i]);
      } else {
        for (auto i = first; i < last; ++i) {
          const int32_t r = ix.rows[i];
          const auto ur = static_cast<std::size_t>(r);
          if (any_tail && ix.inTail(ur)) continue;
          if (!whole_years) {
            const int32_t d = dates[ur];
            if (d < s.period.from || d > s.period.to) continue;
          }
          add(r);
        }
      }
      for (const int32_t r : ix.tail) {
        const auto ur = static_cast<std::size_t>(r);
        const int32_t d = dates[ur];
        if (!t.alive[ur] || d < s.period.from || d > s.period.to) continue;
        add(r);
      }
    } else {
      const std::size_t n = t.rows();
      const int32_t* dates = s.date ? s.date->day.data() : nullptr;
      for (std::size_t r = 0; r < n; ++r) {
        if (!t.alive[r]) continue;
        if (dates) {
          const int32_t d = dates[r];
          if (d < s.period.from || d > s.period.to) continue;
        }
        add(static_cast<int32_t>(r));
      }
    }
    if (b.n) runBlock(s, b, fn);
  }

  // The rows an indicator counts in a period: of its own register, or (persons) of the persons'.
  const std::vector<uint8_t>& countedRows(const std::string& id, const Period& period, bool persons) {
    const Indicator* ind = cat.indicator(id);
    if (!ind) throw std::invalid_argument("unknown indicator " + id);
    return counted_cache.get(key(id, period) + (persons ? "|p" : "|r"), [&] { return countRows(*ind, period, persons); });
  }

  std::vector<uint8_t> countRows(const Indicator& indicator, const Period& period, bool persons) {
    const Indicator* ind = &indicator;
    std::vector<uint8_t> rows;
    if (const Table* t = snap.table(ind->from)) {
      Scan s = prepare(*ind, period);
      if (persons) {
        Path person = compileRowPath(ind->from, ind->person);
        if (person.ok) {
          rows.assign(person.hops.back().target->rows(), 0);
          countPersons(s, person, rows.data());
          scan(s, [&](int32_t, const RowAt& at) {
            if (const int32_t p = at.person(); p >= 0) rows[static_cast<std::size_t>(p)] = 1;
          });
        }
      } else {
        rows.assign(t->rows(), 0);
        scan(s, [&](int32_t r) { rows[static_cast<std::size_t>(r)] = 1; });
      }
    }
    return rows;
  }

  // Returns whether any aggregate applied.
  bool addImported(const Indicator& ind, const Period& period, Figure& fig) {
    bool found = false;
    const Table* t = snap.table("statistic_aggregate");
    if (!t) return found;
    const Column* c_ind = t->column("indicator");
    const Column* c_from = t->column("period_from");
    const Column* c_to = t->column("period_to");
    const Column* c_dim = t->column("dimension");
    const Column* c_cat = t->column("category");
    const Column* c_val = t->column("value");
    const Column* c_q = t->column("qualifier");
    const Column* c_src = t->column("source");
    if (!c_ind || !c_from || !c_to || !c_val || c_from->kind != Column::Kind::Date || c_to->kind != Column::Kind::Date)
      return found;
    const int32_t want = c_ind->dict.find(ind.id);
    if (!want) return found;
    for (std::size_t r = 0; r < t->rows(); ++r) {
      if (!t->alive[r] || codeOrDay(*c_ind, r) != want) continue;
      const int32_t a = c_from->day[r], b = c_to->day[r];
      if (a < period.from || b > period.to) continue;             // not inside the period
      if (!ind.from.empty() && b >= cat.records_from) continue;   // records answer for it
      const double v = c_val->num[r];
      if (std::isnan(v)) continue;
      found = true;
      const std::string dim = c_dim ? c_dim->dict.values[static_cast<std::size_t>(codeOrDay(*c_dim, r))] : "";
      if (dim.empty()) {
        fig.imported += v;
        if (c_q) {
          const std::string q = c_q->dict.values[static_cast<std::size_t>(codeOrDay(*c_q, r))];
          if (!q.empty() && q != "exact") fig.qualifier = q;
        }
        if (c_src) {
          const std::string src = c_src->dict.values[static_cast<std::size_t>(codeOrDay(*c_src, r))];
          if (!src.empty() && std::find(fig.sources.begin(), fig.sources.end(), src) == fig.sources.end())
            fig.sources.push_back(src);
        }
        continue;
      }
      const std::string code = c_cat ? c_cat->dict.values[static_cast<std::size_t>(codeOrDay(*c_cat, r))] : "";
      for (auto& b2 : fig.breakdowns)
        if (b2.dimension == dim) {
          auto cell = std::find_if(b2.cells.begin(), b2.cells.end(), [&](const Cell& x) { return x.code == code; });
          if (cell == b2.cells.end()) b2.cells.push_back({code, v, true});
          else cell->value += v, cell->imported = true;
        }
    }
    return found;
  }

  // Calls fn(row, value) for each approved periodic return of the indicator wholly inside the
  // period, for the part records do not answer for.
  template <class Fn>
  void eachApprovedReturn(const Indicator& ind, const Period& period, Fn&& fn) const {
    if (ind.returns_from.empty()) return;
    const Table* t = snap.table(ind.returns_from);
    if (!t) return;
    const Column* c_from = t->column("period_from");
    const Column* c_to = t->column("period_to");
    const Column* c_val = t->column(ind.returns_value);
    const Column* c_state = t->column("state");
    if (!c_from || !c_to || !c_val || !c_state || c_from->kind != Column::Kind::Date || c_to->kind != Column::Kind::Date) return;
    const int32_t approved = c_state->dict.find("approved");
    if (!approved) return;
    for (std::size_t r = 0; r < t->rows(); ++r) {
      if (!t->alive[r] || codeOrDay(*c_state, r) != approved) continue;
      const int32_t a = c_from->day[r], b = c_to->day[r];
      if (a < period.from || b > period.to) continue;
      if (!ind.from.empty() && b >= cat.records_from) continue;  // records answer for it
      const double v = c_val->num[r];
      if (!std::isnan(v)) fn(r, a, b, v);
    }
  }

  // Adds the approved returns to the figure, with a source line. Returns whether any applied.
  bool addReturns(const Indicator& ind, const Period& period, Figure& fig) {
    int periods = 0;
    int32_t first = 0, last = 0;
    eachApprovedReturn(ind, period, [&](std::size_t, int32_t a, int32_t b, double v) {
      fig.from_returns += v;
      ++periods;
      first = first == 0 ? a : std::min(first, a);
      last = std::max(last, b);
    });
    if (periods == 0) return false;
    auto day = [](int32_t d) { return std::to_string(d / 10000) + "-" + std::to_string(d / 100 % 100 + 100).substr(1) + "-" +
                                      std::to_string(d % 100 + 100).substr(1); };
    fig.sources.push_back(ind.returns_from + ": " + std::to_string(periods) + " approved return" + (periods == 1 ? "" : "s") +
                          ", " + day(first) + ".." + day(last));
    return true;
  }

  OnceCache<Figure> figure_cache;  // key(id, period) + "|b" / "|t"
  OnceCache<bool> kept_cache;      // register|date|period -> kept

  // Whether the register counted was kept in the period, so that a count of 0 is a statement:
  // declared complete for the whole period (settings `complete:`), or holding at least one record
  // dated in it (whatever the indicator's filters). Otherwise the figure is "no data", never 0:
  // a register nobody kept (history not imported, an agency not yet on the system) states nothing.
  bool registerKept(const Indicator& ind, const Period& period) {
    const Period part = recordsPart(period);
    if (auto it = cat.complete_from.find(ind.from); it != cat.complete_from.end() && it->second <= part.from)
      return true;
    if (ind.date.empty()) return true;  // placed in a period through another figure (counted_by)
    const std::string k = ind.from + "|" + ind.date + "|" + key("", part);
    return kept_cache.get(k, [&] { return anyDated(ind, period); });
  }

  bool anyDated(const Indicator& ind, const Period& period) {
    Indicator probe;
    probe.id = ind.id;
    probe.from = ind.from;
    probe.date = ind.date;
    probe.unit = Indicator::Unit::Records;
    bool any = false;
    const Scan s = prepare(probe, period);
    scan(s, [&](int32_t) { any = true; });
    return any;
  }

  Figure evaluate(const std::string& id, const Period& period, bool with_breakdowns) {
    const std::string k = key(id, period) + (with_breakdowns ? "|b" : "|t");
    if (!with_breakdowns)
      if (const Figure* whole = figure_cache.ready(key(id, period) + "|b")) {
        // The total of the figure computed with its breakdowns: the same value, without them
        // (whatever was computed first, the answer is the same).
        Figure f = *whole;
        f.breakdowns.clear();
        return f;
      }
    return figure_cache.get(k, [&] { return compute(id, period, with_breakdowns); });
  }

  Figure compute(const std::string& id, const Period& period, bool with_breakdowns) {
    const Indicator* ind = cat.indicator(id);
    if (!ind) throw std::invalid_argument("unknown indicator " + id);
    Figure fig;
    fig.indicator = id;
    fig.version = ind->version;
    fig.period = period;
    if (ind->unit == Indicator::Unit::Ratio) {
      const Figure num = evaluate(ind->numerator, period, false), den = evaluate(ind->denominator, period, false);
      const double scale = std::pow(10.0, ind->decimals);
      fig.value = den.value > 0 ? std::round(num.value * 100.0 / den.value * scale) / scale : 0;
      fig.from_records = fig.value;
      return fig;
    }
    std::vector<std::shared_ptr<Dim>> dims;
    if (with_breakdowns)
      for (const auto& b : ind->breakdowns) {
        const Dimension* d = cat.dimension(b);
        dims.push_back(compileDim(*d, ind->from, ind));
      }
    std::vector<std::vector<double>> counts(dims.size());
    for (std::size_t k = 0; k < dims.size(); ++k) counts[k].assign(dims[k]->categories.size(), 0);
    std::vector<double> not_recorded(dims.size(), 0);
    double total = 0;
    if (!ind->from.empty()) {
      Scan s = prepare(*ind, period);
      for (auto& d : dims) {
        outputDim(s, *d);
        d->single_code = d->def->kind == Dimension::Kind::Value && d->path.ok && d->path.col->kind == Column::Kind::Code &&
                         d->path.scan == s.id && d->path.out >= 0;
      }
      std::vector<int32_t> cats;
      if (ind->unit == Indicator::Unit::Persons) {
        Path person = compileRowPath(ind->from, ind->person);
        const Table* ptable = person.ok ? person.hops.back().target : nullptr;
        // Rows counted per person (0, 1, or 2 for two or more): a person with one row has its
        // categories once each; only persons with several rows need their (person, category)
        // pairs sorted to count each category once.
        // (One counter array per thread, reset through the persons met: a national persons
        // table is megabytes, and most figures meet a small part of it.)
        thread_local HugeVector<uint8_t> seen_buffer;
        thread_local std::vector<int32_t> met;
        const std::size_t person_rows = ptable ? ptable->rows() : 0;
        if (seen_buffer.size() < person_rows) seen_buffer.resize(person_rows, 0);
        met.clear();
        uint8_t* seen = seen_buffer.data();
        struct Reset {  // every counter back to 0, however this figure ends
          uint8_t* seen;
          std::vector<int32_t>& met;
          ~Reset() {
            for (const int32_t p : met) seen[p] = 0;
          }
        } reset{seen, met};
        countPersons(s, person, seen);
        std::vector<std::vector<uint64_t>> pairs(dims.size());  // person row << 20 | category
        scan(s, [&](int32_t, const RowAt& at) {
          const int32_t p = person.ok ? at.person() : -1;
          if (p < 0) return;
          uint8_t& n = seen[p];
          if (n == 0) total += 1, met.push_back(p);
          if (n < 2) ++n;
          for (std::size_t k = 0; k < dims.size(); ++k) {
            if (dims[k]->single_code) {
              if (const int32_t c = codeCategory(*dims[k], at); c >= 0)
                pairs[k].push_back((static_cast<uint64_t>(p) << 20) | static_cast<uint64_t>(c));
              continue;
            }
            cats.clear();
            categoriesIn(*dims[k], at, cats);
            for (int32_t c : cats) pairs[k].push_back((static_cast<uint64_t>(p) << 20) | static_cast<uint64_t>(c));
          }
        });
        std::vector<uint64_t> several;
        for (std::size_t k = 0; k < dims.size(); ++k) {
          double with_value = 0;
          uint64_t last_person = ~uint64_t{0};
          several.clear();
          for (const uint64_t x : pairs[k]) {
            if (seen[x >> 20] > 1) {
              several.push_back(x);
              continue;
            }
            // One row: its categories are distinct and its pairs adjacent.
            counts[k][static_cast<std::size_t>(x & 0xFFFFF)] += 1;
            if ((x >> 20) != last_person) with_value += 1, last_person = x >> 20;
          }
          std::sort(several.begin(), several.end());
          several.erase(std::unique(several.begin(), several.end()), several.end());
          last_person = ~uint64_t{0};
          for (const uint64_t x : several) {
            counts[k][static_cast<std::size_t>(x & 0xFFFFF)] += 1;
            if ((x >> 20) != last_person) with_value += 1, last_person = x >> 20;
          }
          not_recorded[k] = total - with_value;
          double cells = 0;
          for (double c : counts[k]) cells += c;
          if (cells != with_value) dims[k]->multi = true;  // a person in several categories
        }
      } else if (ind->unit == Indicator::Unit::Distinct) {
        // The different values of a field among the rows counted (the places of the year's
        // seminars); rows without a value add none.
        Path field = compilePath(ind->from, ind->distinct);
        output(s, field);
        std::unordered_set<int64_t> seen;
        scan(s, [&](int32_t, const RowAt& at) {
          const int32_t e = at.at(field);
          if (e < 0 || !present(*field.col, static_cast<std::size_t>(e))) return;
          const auto u = static_cast<std::size_t>(e);
          const Column& c = *field.col;
          seen.insert(c.kind == Column::Kind::Number ? static_cast<int64_t>(c.num[u])
                      : c.kind == Column::Kind::Ref  ? snap.refId(c, u)
                      : c.kind == Column::Kind::Multi ? static_cast<int64_t>(c.bits[u])
                                                      : static_cast<int64_t>(codeOrDay(c, u)));
        });
        total = static_cast<double>(seen.size());
      } else {
        Path sum = ind->unit == Indicator::Unit::Sum ? compilePath(ind->from, ind->sum) : Path{};
        output(s, sum);
        scan(s, [&](int32_t, const RowAt& at) {
          double w = 1;
          if (ind->unit == Indicator::Unit::Sum) {
            const int32_t e = at.at(sum);
            w = e < 0 ? 0 : sum.col->num[static_cast<std::size_t>(e)];
            if (std::isnan(w)) w = 0;
          }
          total += w;
          for (std::size_t k = 0; k < dims.size(); ++k) {
            if (dims[k]->single_code) {
              const int32_t c = codeCategory(*dims[k], at);
              if (c < 0) not_recorded[k] += w;
              else counts[k][static_cast<std::size_t>(c)] += w;
              continue;
            }
            cats.clear();
            categoriesIn(*dims[k], at, cats);
            if (cats.empty()) not_recorded[k] += w;
            for (int32_t c : cats) counts[k][static_cast<std::size_t>(c)] += w;
          }
        });
      }
    }
    fig.from_records = total;
    for (std::size_t k = 0; k < dims.size(); ++k) {
      BreakdownResult b;
      b.dimension = ind->breakdowns[k];
      b.additive = !dims[k]->multi;
      for (std::size_t c = 0; c < dims[k]->categories.size(); ++c)
        if (counts[k][c] != 0 || dims[k]->def->kind != Dimension::Kind::Value)
          b.cells.push_back({dims[k]->categories[c], counts[k][c], false});
      b.not_recorded = not_recorded[k];
      fig.breakdowns.push_back(std::move(b));
    }
    const bool imported_found = addImported(*ind, period, fig);
    const bool returns_found = addReturns(*ind, period, fig);
    fig.available = imported_found || returns_found ||
                    (!ind->from.empty() && recordsPart(period).from <= period.to && registerKept(*ind, period));
    fig.value = fig.from_records + fig.imported + fig.from_returns;
    // Imported totals without their breakdown: the unknown split is "not recorded".
    for (auto& b : fig.breakdowns) {
      if (b.additive) {
        double sum = b.not_recorded;
        for (const auto& c : b.cells) sum += c.value;
        b.not_recorded += fig.value - sum;
      }
    }
    return fig;
  }
};

Evaluator::Evaluator(const Catalogue& catalogue, const Snapshot& snapshot)
    : impl_(std::make_unique<Impl>(catalogue, snapshot)) {}
Evaluator::~Evaluator() = default;

Figure Evaluator::evaluate(const std::string& indicator, const Period& period, bool with_breakdowns) {
  // PALERMO_STATS_PROFILE=1: each evaluation's time on standard error (for tuning indicators).
  static const bool profile = std::getenv("PALERMO_STATS_PROFILE") != nullptr;
  if (!profile) return impl_->evaluate(indicator, period, with_breakdowns);
  const auto t = std::chrono::steady_clock::now();
  Figure f = impl_->evaluate(indicator, period, with_breakdowns);
  std::fprintf(stderr, "%-45s %s %8.2f ms\n", indicator.c_str(), period.toString().c_str(),
               std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count());
  return f;
}

std::vector<Figure> Evaluator::evaluateAll(const std::vector<FigureRequest>& requests) {
  for (const auto& r : requests)
    if (!impl_->cat.indicator(r.indicator)) throw std::invalid_argument("unknown indicator " + r.indicator);
  std::vector<Figure> out(requests.size());
  WorkPool::shared().forEach(requests.size(), [&](std::size_t i) {
    out[i] = evaluate(requests[i].indicator, requests[i].period, requests[i].with_breakdowns);
  });
  return out;
}

CrossTab Evaluator::crossTab(const CrossTabRequest& q) {
  auto& im = *impl_;
  const Indicator* ind = im.cat.indicator(q.indicator);
  if (!ind) throw std::invalid_argument("unknown indicator " + q.indicator);
  const bool persons = ind->unit == Indicator::Unit::Persons;
  if (ind->from.empty() || !(persons || ind->unit == Indicator::Unit::Records || ind->unit == Indicator::Unit::Sum))
    throw std::invalid_argument("indicator " + q.indicator + " cannot be cross-tabulated (it counts no register's rows)");
  CrossTab out;
  out.dimensions = q.dimensions;
  out.unmapped.resize(q.dimensions.size());
  // Per dimension: the compiled dimension and, for each of its categories, the output index.
  struct Axis {
    std::shared_ptr<Impl::Dim> dim;
    std::vector<int32_t> out_of_category;
    std::vector<std::string> codes;  // output codes; [0] not recorded, [1] not mappable
    const std::map<std::string, std::string>* recode = nullptr;
  };
  std::vector<Axis> axes;
  uint64_t combinations = 1;
  for (std::size_t k = 0; k < q.dimensions.size(); ++k) {
    const Dimension* d = im.cat.dimension(q.dimensions[k]);
    if (!d) throw std::invalid_argument("unknown dimension " + q.dimensions[k]);
    Axis a;
    a.dim = im.compileDim(*d, ind->from, ind);
    a.recode = k < q.recode.size() ? q.recode[k] : nullptr;
    a.codes = {CrossTab::kNotRecorded, CrossTab::kNotMappable};
    std::map<std::string, int32_t> index;
    for (const auto& national : a.dim->categories) {
      int32_t o = 1;
      std::string code = national;
      if (a.recode) {
        const auto it = a.recode->find(national);
        if (it == a.recode->end() || it->second.empty()) code.clear();
        else code = it->second;
      }
      if (!code.empty()) {
        auto [pos, added] = index.emplace(code, static_cast<int32_t>(a.codes.size()));
        if (added) a.codes.push_back(code);
        o = pos->second;
      }
      a.out_of_category.push_back(o);
    }
    combinations *= a.codes.size();
    if (combinations > (uint64_t{1} << 32)) throw std::invalid_argument("too many combinations of categories");
    axes.push_back(std::move(a));
  }
  std::vector<uint64_t> keys;           // persons: person << 32 | combination
  std::map<uint64_t, double> weights;   // records and sums: combination -> value
  std::vector<uint8_t> seen;
  const Table* ptable = nullptr;
  Impl::Path person;
  if (persons) {
    person = im.compileRowPath(ind->from, ind->person);
    ptable = person.ok ? person.hops.back().target : nullptr;
    seen.assign(ptable ? ptable->rows() : 0, 0);
  }
  Impl::Path sum = ind->unit == Indicator::Unit::Sum ? im.compilePath(ind->from, ind->sum) : Impl::Path{};
  std::vector<std::vector<int32_t>> outs(axes.size());
  std::vector<int32_t> cats;
  std::vector<uint64_t> combos;
  Impl::Scan s = im.prepare(*ind, q.period);
  if (persons) Impl::countPersons(s, person, seen.data());
  Impl::output(s, sum);
  for (auto& a : axes) Impl::outputDim(s, *a.dim);
  im.scan(s, [&](int32_t, const Impl::RowAt& at) {
    int32_t p = -1;
    double w = 1;
    if (persons) {
      p = ptable ? at.person() : -1;
      if (p < 0) return;
      if (!seen[static_cast<std::size_t>(p)]) seen[static_cast<std::size_t>(p)] = 1, out.total += 1;
    } else if (ind->unit == Indicator::Unit::Sum) {
      const int32_t e = at.at(sum);
      w = e < 0 ? 0 : sum.col->num[static_cast<std::size_t>(e)];
      if (std::isnan(w)) w = 0;
      out.total += w;
    } else {
      out.total += 1;
    }
    // The row's output codes on each axis (several for multi-valued fields), then every combination.
    for (std::size_t k = 0; k < axes.size(); ++k) {
      cats.clear();
      im.categoriesIn(*axes[k].dim, at, cats);
      auto& o = outs[k];
      o.clear();
      for (int32_t c : cats) {
        const int32_t x = axes[k].out_of_category[static_cast<std::size_t>(c)];
        if (x == 1) out.unmapped[k][axes[k].dim->categories[static_cast<std::size_t>(c)]] += 1;
        if (std::find(o.begin(), o.end(), x) == o.end()) o.push_back(x);
      }
      if (o.empty()) o.push_back(0);
    }
    combos.assign(1, 0);
    for (std::size_t k = 0; k < axes.size(); ++k) {
      const std::size_t n = combos.size();
      const uint64_t radix = axes[k].codes.size();
      for (std::size_t j = 1; j < outs[k].size(); ++j)
        for (std::size_t i = 0; i < n; ++i) combos.push_back(combos[i] * radix + static_cast<uint64_t>(outs[k][j]));
      for (std::size_t i = 0; i < n; ++i) combos[i] = combos[i] * radix + static_cast<uint64_t>(outs[k][0]);
    }
    for (uint64_t c : combos) {
      if (persons) keys.push_back((static_cast<uint64_t>(p) << 32) | c);
      else weights[c] += w;
    }
  });
  if (persons) {
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    for (uint64_t k : keys) weights[k & 0xFFFFFFFFULL] += 1;
  }
  for (const auto& [combo, value] : weights) {
    if (value == 0) continue;
    CrossTab::Row row;
    row.codes.resize(axes.size());
    uint64_t c = combo;
    for (std::size_t k = axes.size(); k-- > 0;) {
      const uint64_t radix = axes[k].codes.size();
      row.codes[k] = axes[k].codes[static_cast<std::size_t>(c % radix)];
      c /= radix;
    }
    row.value = value;
    out.rows.push_back(std::move(row));
  }
  return out;
}

RowListing Evaluator::listRows(const std::string& indicator, const Period& period,
                               const std::vector<std::string>& dimensions) {
  auto& im = *impl_;
  const Indicator* ind = im.cat.indicator(indicator);
  if (!ind) throw std::invalid_argument("unknown indicator " + indicator);
  const bool persons = ind->unit == Indicator::Unit::Persons;
  if (ind->from.empty() || ind->unit == Indicator::Unit::Ratio || ind->unit == Indicator::Unit::Distinct)
    throw std::invalid_argument("indicator " + indicator + " counts no register's rows");
  RowListing out;
  out.dimensions = dimensions;
  std::vector<std::shared_ptr<Impl::Dim>> dims;
  for (const auto& id : dimensions) {
    const Dimension* d = im.cat.dimension(id);
    if (!d) throw std::invalid_argument("unknown dimension " + id);
    dims.push_back(im.compileDim(*d, ind->from, ind));
  }
  const Table* ptable = nullptr;
  Impl::Path person;
  std::vector<uint8_t> seen;
  if (persons) {
    person = im.compileRowPath(ind->from, ind->person);
    ptable = person.ok ? person.hops.back().target : nullptr;
    seen.assign(ptable ? ptable->rows() : 0, 0);
  }
  std::vector<int32_t> counted;
  Impl::Scan s = im.prepare(*ind, period);
  im.scan(s, [&](int32_t r) { counted.push_back(r); });
  std::sort(counted.begin(), counted.end());  // the first record of a person is its earliest row
  std::vector<int32_t> cats;
  for (int32_t r : counted) {
    if (persons) {
      const int32_t p = ptable ? ptable->canonical(person.follow(r)) : -1;
      if (p < 0 || seen[static_cast<std::size_t>(p)]) continue;
      seen[static_cast<std::size_t>(p)] = 1;
    }
    std::vector<std::vector<std::string>> row(dims.size());
    for (std::size_t k = 0; k < dims.size(); ++k) {
      cats.clear();
      im.categoriesOf(*dims[k], r, cats);
      for (int32_t c : cats) row[k].push_back(dims[k]->categories[static_cast<std::size_t>(c)]);
    }
    out.rows.push_back(std::move(row));
  }
  return out;
}

std::vector<int64_t> Evaluator::recordsBehind(const std::string& indicator, const Period& period) {
  const Indicator* ind = impl_->cat.indicator(indicator);
  if (!ind) throw std::invalid_argument("unknown indicator " + indicator);
  std::vector<int64_t> ids;
  if (ind->from.empty() && !ind->returns_from.empty()) {  // the approved returns that state it
    const Table* t = impl_->snap.table(ind->returns_from);
    impl_->eachApprovedReturn(*ind, period, [&](std::size_t r, int32_t, int32_t, double) { ids.push_back(t->ids[r]); });
    return ids;
  }
  if (ind->from.empty() || ind->unit == Indicator::Unit::Ratio) return ids;
  auto s = impl_->prepare(*ind, period);
  impl_->scan(s, [&](int32_t r) { ids.push_back(s.table->ids[static_cast<std::size_t>(r)]); });
  return ids;
}

}  // namespace palermo::stats
