#include "stats/disclosure.hpp"

#include <glpk.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>
#include <set>
#include <stdexcept>

#include "stats/engine.hpp"
#include "stats/indicators.hpp"

namespace palermo::stats::sdc {

// ---- Tables ---------------------------------------------------------------------------------

int Tables::cell(const std::string& key, double value, bool shown, bool protect) {
  auto it = index_.find(key);
  if (it != index_.end()) {
    auto& c = cells_[static_cast<std::size_t>(it->second)];
    c.shown = c.shown || shown;  // shown by any part of the publication
    return it->second;
  }
  const int id = static_cast<int>(cells_.size());
  cells_.push_back(CellState{key, value, shown, protect, false, false});
  index_.emplace(key, id);
  return id;
}

int Tables::find(const std::string& key) const {
  auto it = index_.find(key);
  return it == index_.end() ? -1 : it->second;
}

void Tables::relate(std::vector<std::pair<int, double>> terms, Relation::Sense sense) {
  relations_.push_back(Relation{std::move(terms), sense});
}

void Tables::sum(const std::vector<int>& parts, int total) {
  std::vector<std::pair<int, double>> terms;
  terms.reserve(parts.size() + 1);
  for (int p : parts) terms.emplace_back(p, 1.0);
  terms.emplace_back(total, -1.0);
  relate(std::move(terms), Relation::Sense::Equal);
}

Json AuditResult::toJson() const {
  Json narrow = Json::array();
  for (const auto& h : too_narrow)
    narrow.push_back({{"cell", h.key}, {"low", h.low}, {"high", std::isinf(h.high) ? Json(nullptr) : Json(h.high)}});
  return {{"ok", ok},
          {"threshold", threshold},
          {"hidden_cells", hidden},
          {"linear_programs", linear_programs},
          {"narrowest_interval", std::isinf(narrowest) ? Json(nullptr) : Json(narrowest)},
          {"too_narrow", narrow},
          {"false_statements", false_statements},
          {"ms", ms}};
}

// ---- The auditor ----------------------------------------------------------------------------

namespace {

// Cells tied by relations, found by union-find: each component is audited on its own.
struct Components {
  std::vector<int> parent;
  explicit Components(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  int root(int x) {
    while (parent[static_cast<std::size_t>(x)] != x) {
      parent[static_cast<std::size_t>(x)] = parent[static_cast<std::size_t>(parent[static_cast<std::size_t>(x)])];
      x = parent[static_cast<std::size_t>(x)];
    }
    return x;
  }
  void join(int a, int b) { parent[static_cast<std::size_t>(root(a))] = root(b); }
};

struct GlpDeleter {
  void operator()(glp_prob* p) const { glp_delete_prob(p); }
};

// GLPK keeps an environment per thread until glp_free_env(); a server's worker threads would
// leave theirs behind. Declared first in each entry point (audit, protect), so that it runs
// after every problem of the call has been deleted.
struct GlpEnvironment {
  GlpEnvironment() = default;
  GlpEnvironment(const GlpEnvironment&) = delete;
  GlpEnvironment& operator=(const GlpEnvironment&) = delete;
  ~GlpEnvironment() { glp_free_env(); }
};

// One publication's programs at a time: whether GLPK keeps its environment per thread depends on
// how it was built, and the audit takes about a millisecond.
std::mutex& glpkMutex() {
  static std::mutex mu;
  return mu;
}

// Only shown hidden cells are audited; a component without one needs no program.
bool audited(const CellState& c) { return c.shown && c.hidden; }

// The linear program of one component: a column per cell, a row per relation. Column bounds
// follow the cells' flags (refresh() after changing them): a shown cell is fixed at its value,
// a hidden one is at least 1 (zeros are shown as zeros), a cell not shown at least 0.
// GLPK aborts the process on an invalid call (adding no rows, say): every call is checked.
class ComponentLp {
 public:
  ComponentLp(const Tables& tables, const std::vector<int>& cells, const std::vector<int>& relations)
      : tables_(tables), cells_(cells), lp_(glp_create_prob()) {
    for (std::size_t i = 0; i < cells.size(); ++i) column_.emplace(cells[i], static_cast<int>(i) + 1);
    glp_add_cols(lp_.get(), static_cast<int>(cells.size()));
    std::vector<int> ia{0}, ja{0};
    std::vector<double> ar{0.0};
    if (!relations.empty()) glp_add_rows(lp_.get(), static_cast<int>(relations.size()));
    for (std::size_t r = 0; r < relations.size(); ++r) {
      const auto& rel = tables.relations()[static_cast<std::size_t>(relations[r])];
      const int row = static_cast<int>(r) + 1;
      const int type =
          rel.sense == Relation::Sense::Equal ? GLP_FX : rel.sense == Relation::Sense::AtMost ? GLP_UP : GLP_LO;
      glp_set_row_bnds(lp_.get(), row, type, 0.0, 0.0);
      std::map<int, double> merged;  // one coefficient per column and row
      for (const auto& [cell, coef] : rel.terms) merged[column_.at(cell)] += coef;
      for (const auto& [col, coef] : merged) {
        if (coef == 0) continue;
        ia.push_back(row);
        ja.push_back(col);
        ar.push_back(coef);
      }
    }
    if (ia.size() > 1) glp_load_matrix(lp_.get(), static_cast<int>(ia.size()) - 1, ia.data(), ja.data(), ar.data());
    glp_init_smcp(&parm_);
    parm_.msg_lev = GLP_MSG_OFF;
    refresh();
  }

  void refresh() {
    const auto& all = tables_.cells();
    for (std::size_t i = 0; i < cells_.size(); ++i) {
      const auto& c = all[static_cast<std::size_t>(cells_[i])];
      const int col = static_cast<int>(i) + 1;
      if (c.shown && !c.hidden) glp_set_col_bnds(lp_.get(), col, GLP_FX, c.value, c.value);
      else glp_set_col_bnds(lp_.get(), col, GLP_LO, c.hidden ? 1.0 : 0.0, 0.0);
    }
  }

  // The interval an attacker narrows `cell` to, rounded inwards (counts are whole numbers).
  HiddenInterval interval(int cell, int& programs) {
    const int col = column_.at(cell);
    HiddenInterval h{tables_.cells()[static_cast<std::size_t>(cell)].key, 1.0,
                     std::numeric_limits<double>::infinity(), {}};
    double v = 0;
    if (solve(col, GLP_MIN, v, programs)) {
      h.low = std::ceil(v - 1e-6);
      binding(h.binding);
    }
    if (solve(col, GLP_MAX, v, programs)) {
      h.high = std::floor(v + 1e-6);
      binding(h.binding);
    }
    return h;
  }

 private:
  // The shown cells bounding the last optimum: fixed columns with a non-zero reduced cost (one
  // certificate of the bound; hiding one of them breaks it).
  void binding(std::vector<int>& out) {
    const auto& all = tables_.cells();
    for (std::size_t i = 0; i < cells_.size(); ++i) {
      const auto& c = all[static_cast<std::size_t>(cells_[i])];
      if (c.shown && !c.hidden && std::fabs(glp_get_col_dual(lp_.get(), static_cast<int>(i) + 1)) > 1e-9)
        out.push_back(cells_[i]);
    }
  }

  bool solve(int col, int dir, double& out, int& programs) {  // false: unbounded
    const int n = static_cast<int>(cells_.size());
    for (int i = 1; i <= n; ++i) glp_set_obj_coef(lp_.get(), i, i == col ? 1.0 : 0.0);
    glp_set_obj_dir(lp_.get(), dir);
    ++programs;
    int rc = glp_simplex(lp_.get(), &parm_);
    if (rc != 0) {  // a numerical hiccup: start again from a fresh basis
      glp_adv_basis(lp_.get(), 0);
      rc = glp_simplex(lp_.get(), &parm_);
    }
    const int status = glp_get_status(lp_.get());
    if (status == GLP_UNBND) return false;
    if (rc != 0 || status != GLP_OPT) {
      // The true values satisfy every relation, so the program is feasible: a failure here means
      // a relation that does not hold, which must stop a publication rather than pass it.
      throw std::runtime_error("disclosure audit: the linear program for cell " +
                               tables_.cells()[static_cast<std::size_t>(cells_[static_cast<std::size_t>(col - 1)])].key +
                               " could not be solved (status " + std::to_string(status) + ")");
    }
    out = glp_get_obj_val(lp_.get());
    return true;
  }

  const Tables& tables_;
  std::vector<int> cells_;
  std::unordered_map<int, int> column_;  // cell -> column (1-based)
  std::unique_ptr<glp_prob, GlpDeleter> lp_;
  glp_smcp parm_{};
};

struct Grouped {
  std::vector<std::vector<int>> cells;      // per component
  std::vector<std::vector<int>> relations;  // per component
  std::vector<int> component_of;            // per cell
};

Grouped group(const Tables& tables) {
  const auto& cells = tables.cells();
  Components uf(cells.size());
  for (const auto& rel : tables.relations())
    for (std::size_t k = 1; k < rel.terms.size(); ++k) uf.join(rel.terms[0].first, rel.terms[k].first);
  Grouped g;
  g.component_of.assign(cells.size(), -1);
  std::unordered_map<int, int> id_of_root;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const int root = uf.root(static_cast<int>(i));
    auto [it, fresh] = id_of_root.emplace(root, static_cast<int>(g.cells.size()));
    if (fresh) {
      g.cells.emplace_back();
      g.relations.emplace_back();
    }
    g.cells[static_cast<std::size_t>(it->second)].push_back(static_cast<int>(i));
    g.component_of[i] = it->second;
  }
  for (std::size_t r = 0; r < tables.relations().size(); ++r) {
    const auto& rel = tables.relations()[r];
    if (rel.terms.empty()) continue;
    g.relations[static_cast<std::size_t>(g.component_of[static_cast<std::size_t>(rel.terms[0].first)])].push_back(
        static_cast<int>(r));
  }
  return g;
}

bool anyAudited(const Tables& tables, const std::vector<int>& cells) {
  return std::any_of(cells.begin(), cells.end(),
                     [&](int c) { return audited(tables.cells()[static_cast<std::size_t>(c)]); });
}

void auditWith(const Tables& tables, const std::vector<int>& cells, ComponentLp& lp, int threshold,
               AuditResult& result) {
  for (int c : cells) {
    if (!audited(tables.cells()[static_cast<std::size_t>(c)])) continue;
    ++result.hidden;
    HiddenInterval h = lp.interval(c, result.linear_programs);
    const double width = h.high - h.low;
    result.narrowest = std::min(result.narrowest, width);
    if (width < threshold) result.too_narrow.push_back(std::move(h));
  }
}

}  // namespace

AuditResult audit(const Tables& tables, int threshold) {
  const std::lock_guard lock(glpkMutex());
  const GlpEnvironment environment;
  const auto started = std::chrono::steady_clock::now();
  AuditResult result;
  result.threshold = threshold;
  const Grouped g = group(tables);
  for (std::size_t k = 0; k < g.cells.size(); ++k) {
    if (!anyAudited(tables, g.cells[k])) continue;
    ComponentLp lp(tables, g.cells[k], g.relations[k]);
    auditWith(tables, g.cells[k], lp, threshold, result);
  }
  result.ok = result.too_narrow.empty();
  result.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return result;
}

// ---- Protection -----------------------------------------------------------------------------

void protect(Tables& tables, int threshold) {
  const std::lock_guard lock(glpkMutex());
  const GlpEnvironment environment;
  auto& cells = tables.cells();
  const double t = threshold;
  for (auto& c : cells)
    if (c.protect && c.value > 0 && c.value < t) c.hidden = c.primary = true;
  const Grouped g = group(tables);
  // A figure's total (cellKey with no dimension): what sentences and trends state.
  auto isTotal = [&](int c) {
    const auto& key = cells[static_cast<std::size_t>(c)].key;
    return key.size() >= 2 && key.compare(key.size() - 2, 2, "||") == 0;
  };
  // What hiding a cell costs: its value; a total far more.
  auto cost = [&](int c) { return cells[static_cast<std::size_t>(c)].value * (isTotal(c) ? 1000.0 : 1.0); };
  auto hideable = [&](int c) {
    const auto& cell = cells[static_cast<std::size_t>(c)];
    return cell.shown && !cell.hidden && cell.protect && cell.value > 0;
  };
  std::vector<std::vector<int>> relations_of(cells.size());
  for (std::size_t r = 0; r < tables.relations().size(); ++r)
    for (const auto& term : tables.relations()[r].terms)
      relations_of[static_cast<std::size_t>(term.first)].push_back(static_cast<int>(r));
  int programs = 0;  // solved in trials (the count GLPK calls need; not reported)
  for (std::size_t k = 0; k < g.cells.size(); ++k) {
    const auto& component = g.cells[k];
    if (!anyAudited(tables, component)) continue;
    ComponentLp lp(tables, component, g.relations[k]);
    // Candidates for secondary suppression, cheapest first.
    std::vector<int> candidates;
    for (int c : component)
      if (hideable(c)) candidates.push_back(c);
    std::stable_sort(candidates.begin(), candidates.end(), [&](int a, int b) { return cost(a) < cost(b); });
    // Until every hidden cell is at least `threshold` wide: for the first one that is not, hide
    // the cheapest shown cell whose hiding widens it (tried on the program itself).
    for (;;) {
      AuditResult r;
      auditWith(tables, component, lp, threshold, r);
      if (r.ok = r.too_narrow.empty(); r.ok) break;
      const HiddenInterval& narrow = r.too_narrow.front();
      const int failing = tables.find(narrow.key);
      const double width = narrow.high - narrow.low;
      int chosen = -1;
      for (int c : candidates) {
        if (!hideable(c)) continue;
        cells[static_cast<std::size_t>(c)].hidden = true;
        lp.refresh();
        const HiddenInterval trial = lp.interval(failing, programs);
        cells[static_cast<std::size_t>(c)].hidden = false;
        if (trial.high - trial.low > width) {
          chosen = c;
          break;
        }
      }
      if (chosen < 0) {
        // No one cell widens it: it is pinned by several routes at once (a child is the minor of
        // the age table and the 9-17 band). Hide the cheapest cell next to it (sharing a
        // relation), else next to any hidden cell, and try again: each round hides one more.
        auto next = [&](auto&& near) {
          int best = -1;
          for (int c : candidates)
            if (hideable(c) && near(c) && (best < 0 || cost(c) < cost(best))) best = c;
          return best;
        };
        auto shares = [&](int a, int b) {
          for (int rel : relations_of[static_cast<std::size_t>(a)])
            for (const auto& term : tables.relations()[static_cast<std::size_t>(rel)].terms)
              if (term.first == b) return true;
          return false;
        };
        // Totals only when no breakdown cell is left.
        auto nearHidden = [&](int c) {
          return shares(c, failing) || std::any_of(component.begin(), component.end(), [&](int h) {
                   return cells[static_cast<std::size_t>(h)].hidden && shares(c, h);
                 });
        };
        chosen = next([&](int c) {
          return !isTotal(c) && std::find(narrow.binding.begin(), narrow.binding.end(), c) != narrow.binding.end();
        });
        if (chosen < 0) chosen = next([&](int c) { return !isTotal(c) && nearHidden(c); });
        if (chosen < 0) chosen = next([&](int c) { return !isTotal(c); });
        if (chosen < 0) chosen = next([&](int c) { return nearHidden(c); });
        if (chosen < 0) chosen = next([](int) { return true; });
        if (chosen < 0) break;  // nothing left to hide: the audit will say so
      }
      cells[static_cast<std::size_t>(chosen)].hidden = true;
      lp.refresh();
      if (std::getenv("PALERMO_SDC_DEBUG"))
        std::fprintf(stderr, "sdc: %s [%g, %g] -> hide %s (%g)\n", narrow.key.c_str(), narrow.low, narrow.high,
                     cells[static_cast<std::size_t>(chosen)].key.c_str(), cells[static_cast<std::size_t>(chosen)].value);
    }
  }
}

// ---- Cells and relations of figures ---------------------------------------------------------

std::string cellKey(const std::string& indicator, const std::string& period, const std::string& dimension,
                    const std::string& code) {
  return indicator + "|" + period + "|" + dimension + "|" + code;
}

namespace {

// Cells of a breakdown with these category codes (absent codes count 0: shown as 0 or not there).
std::vector<int> cellsOf(const std::unordered_map<std::string, int>& by_code, const std::vector<std::string>& codes) {
  std::vector<int> out;
  for (const auto& code : codes)
    if (auto it = by_code.find(code); it != by_code.end()) out.push_back(it->second);
  return out;
}

}  // namespace

void addFigure(Tables& tables, const Figure& f, const Catalogue& catalogue, bool shown, bool protect) {
  const Indicator* ind = catalogue.indicator(f.indicator);
  if (!ind || ind->unit == Indicator::Unit::Ratio || !f.available) return;
  const std::string period = f.period.toString();
  const int total = tables.cell(cellKey(f.indicator, period), f.value, shown, protect);
  // Per breakdown: code -> cell, and its "not recorded" cell.
  struct Table {
    const BreakdownResult* b;
    std::unordered_map<std::string, int> by_code;
    int not_recorded = -1;
  };
  std::vector<Table> tables_of_figure;
  for (const auto& b : f.breakdowns) {
    Table t{&b, {}, -1};
    std::vector<int> parts;
    for (const auto& c : b.cells) {
      const int id = tables.cell(cellKey(f.indicator, period, b.dimension, c.code), c.value, shown, protect);
      t.by_code.emplace(c.code, id);
      parts.push_back(id);
    }
    t.not_recorded = tables.cell(cellKey(f.indicator, period, b.dimension, ""), b.not_recorded, shown, protect);
    parts.push_back(t.not_recorded);
    if (b.additive) {
      tables.sum(parts, total);
    } else {
      // Multi-valued: each cell at most the total; everyone counted is in a cell or not recorded.
      for (int p : parts) tables.relate({{p, 1.0}, {total, -1.0}}, Relation::Sense::AtMost);
      std::vector<std::pair<int, double>> terms;
      for (int p : parts) terms.emplace_back(p, 1.0);
      terms.emplace_back(total, -1.0);
      tables.relate(std::move(terms), Relation::Sense::AtLeast);
    }
    tables_of_figure.push_back(std::move(t));
  }
  // Between breakdowns of this figure (both additive: each counted unit in one category).
  for (const auto& a : tables_of_figure) {
    const Dimension* da = catalogue.dimension(a.b->dimension);
    if (!da || !a.b->additive) continue;
    for (const auto& o : tables_of_figure) {
      const Dimension* db = catalogue.dimension(o.b->dimension);
      if (&a == &o || !db || !o.b->additive) continue;
      // A class: at most the categories each of its filters on `o`'s dimension names; the first
      // class with a single filter is exactly them.
      if (da->kind == Dimension::Kind::Classes) {
        for (std::size_t k = 0; k < da->classes.size(); ++k) {
          const auto& cls = da->classes[k];
          const auto cell_it = a.by_code.find(cls.code);
          if (cell_it == a.by_code.end()) continue;
          for (const auto& filter : cls.where) {
            if (filter.dimension != db->id || filter.op != Filter::Op::In) continue;
            std::vector<std::pair<int, double>> terms{{cell_it->second, 1.0}};
            for (int c : cellsOf(o.by_code, filter.values)) terms.emplace_back(c, -1.0);
            const bool exact = k == 0 && cls.where.size() == 1;
            tables.relate(std::move(terms), exact ? Relation::Sense::Equal : Relation::Sense::AtMost);
          }
        }
      }
      // Age bands on the same date of birth: a coarse band holds the fine bands inside it, and
      // at most those plus the fine breakdown's "not recorded" (a partial date spanning a fine edge).
      if (da->kind == Dimension::Kind::Age && db->kind == Dimension::Kind::Age && da->bands.size() < db->bands.size()) {
        const auto pa = da->paths.find(ind->from), pb = db->paths.find(ind->from);
        if (pa == da->paths.end() || pb == db->paths.end() || pa->second != pb->second) continue;
        for (const auto& coarse : da->bands) {
          const auto coarse_it = a.by_code.find(coarse.code);
          if (coarse_it == a.by_code.end()) continue;
          std::vector<std::string> inside;
          int covered = 0;
          for (const auto& fine : db->bands)
            if (fine.min >= coarse.min && fine.max <= coarse.max) {
              inside.push_back(fine.code);
              covered += fine.max - fine.min + 1;
            }
          if (covered != coarse.max - coarse.min + 1) continue;  // the fine bands do not tile it
          const auto fine_cells = cellsOf(o.by_code, inside);
          std::vector<std::pair<int, double>> low{{coarse_it->second, 1.0}}, high{{coarse_it->second, 1.0}};
          for (int c : fine_cells) {
            low.emplace_back(c, -1.0);
            high.emplace_back(c, -1.0);
          }
          high.emplace_back(o.not_recorded, -1.0);
          tables.relate(std::move(low), Relation::Sense::AtLeast);
          tables.relate(std::move(high), Relation::Sense::AtMost);
        }
      }
    }
  }
}

void addYears(Tables& tables, const Figure& over, const std::vector<Figure>& years, const Catalogue& catalogue,
              bool protect) {
  const Indicator* ind = catalogue.indicator(over.indicator);
  if (!ind || ind->unit == Indicator::Unit::Ratio || !over.available) return;
  const int total = tables.cell(cellKey(over.indicator, over.period.toString()), over.value, true, protect);
  std::vector<int> parts;
  for (const auto& y : years) {
    if (!y.available) continue;
    parts.push_back(tables.cell(cellKey(y.indicator, y.period.toString()), y.value, false, protect));
  }
  if (ind->unit == Indicator::Unit::Persons) {
    std::vector<std::pair<int, double>> terms{{total, -1.0}};
    for (int p : parts) {
      terms.emplace_back(p, 1.0);
      tables.relate({{p, 1.0}, {total, -1.0}}, Relation::Sense::AtMost);
    }
    tables.relate(std::move(terms), Relation::Sense::AtLeast);
  } else {
    tables.sum(parts, total);
  }
}

}  // namespace palermo::stats::sdc
