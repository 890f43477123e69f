#include "international/kanon.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <stdexcept>

namespace palermo::international {
namespace {

// Rows in combinations shared by fewer than k rows, and the smallest combination kept.
std::vector<std::size_t> rowsInSmallClasses(const std::vector<std::vector<std::string>>& rows, int k,
                                            std::size_t& smallest_kept) {
  std::map<std::vector<std::string>, std::vector<std::size_t>> classes;
  for (std::size_t i = 0; i < rows.size(); ++i) classes[rows[i]].push_back(i);
  std::vector<std::size_t> small;
  smallest_kept = 0;
  for (const auto& [values, members] : classes) {
    if (members.size() < static_cast<std::size_t>(k)) small.insert(small.end(), members.begin(), members.end());
    else if (smallest_kept == 0 || members.size() < smallest_kept) smallest_kept = members.size();
  }
  std::sort(small.begin(), small.end());
  return small;
}

}  // namespace

KAnonymity kAnonymise(std::vector<std::vector<std::string>>& rows, const std::vector<Hierarchy>& hierarchies, int k,
                      double max_suppressed_share) {
  if (k < 2) throw std::invalid_argument("k must be at least 2");
  if (max_suppressed_share < 0 || max_suppressed_share > 1) throw std::invalid_argument("the suppressed share is 0..1");
  for (const auto& r : rows)
    if (r.size() != hierarchies.size()) throw std::invalid_argument("a row has the wrong number of values");
  KAnonymity out;
  out.k = k;
  out.levels.assign(hierarchies.size(), 0);
  const auto allowed = static_cast<std::size_t>(std::floor(max_suppressed_share * static_cast<double>(rows.size())));
  std::size_t smallest = 0;
  std::vector<std::size_t> small = rowsInSmallClasses(rows, k, smallest);
  while (small.size() > allowed) {
    // The generalisation that leaves the fewest rows in small combinations (ties: the
    // quasi-identifier with more distinct values, which carries less per value).
    int pick = -1;
    std::size_t best_small = 0, best_distinct = 0;
    for (std::size_t q = 0; q < hierarchies.size(); ++q) {
      if (static_cast<std::size_t>(out.levels[q]) >= hierarchies[q].levels.size()) continue;
      const auto& up = hierarchies[q].levels[static_cast<std::size_t>(out.levels[q])];
      std::vector<std::vector<std::string>> trial = rows;
      std::set<std::string> distinct;
      for (auto& r : trial) distinct.insert(r[q]), r[q] = up(r[q]);
      std::size_t ignored = 0;
      const std::size_t left = rowsInSmallClasses(trial, k, ignored).size();
      if (pick < 0 || left < best_small || (left == best_small && distinct.size() > best_distinct))
        pick = static_cast<int>(q), best_small = left, best_distinct = distinct.size();
    }
    if (pick < 0) break;  // nothing left to generalise: suppress what remains
    const auto q = static_cast<std::size_t>(pick);
    const auto& up = hierarchies[q].levels[static_cast<std::size_t>(out.levels[q])];
    for (auto& r : rows) r[q] = up(r[q]);
    ++out.levels[q];
    small = rowsInSmallClasses(rows, k, smallest);
  }
  out.suppressed.assign(rows.size(), false);
  for (std::size_t i : small) out.suppressed[i] = true;
  out.suppressed_rows = small.size();
  out.smallest_class = smallest;
  return out;
}

}  // namespace palermo::international
