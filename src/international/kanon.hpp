// k-anonymity by generalisation first and suppression last (a greedy full-domain heuristic in
// the manner of Datafly): while more rows than allowed sit in combinations of quasi-identifiers
// shared by fewer than k rows, the quasi-identifier whose generalisation one level up its
// hierarchy leaves the fewest such rows is generalised (for every row alike); then the rows
// still in small combinations are suppressed (dropped). Used by the CTDC export
// (docs/international-returns.md); checked independently by the test suite.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace palermo::international {

// One quasi-identifier's hierarchy: levels[i] maps a value at level i to level i + 1 (the last
// level usually maps everything to "", a suppressed value).
struct Hierarchy {
  std::string column;
  std::vector<std::function<std::string(const std::string&)>> levels;
};

struct KAnonymity {
  int k = 11;
  std::vector<int> levels;          // per quasi-identifier: how many levels it was generalised
  std::vector<bool> suppressed;     // per row
  std::size_t suppressed_rows = 0;
  std::size_t smallest_class = 0;   // among the rows kept (0 when none is kept)
};

// `rows` holds each row's quasi-identifier values in the order of `hierarchies`; they are
// generalised in place. At most `max_suppressed_share` of the rows are suppressed before a
// further generalisation is preferred; when every hierarchy is exhausted, the rest are suppressed.
KAnonymity kAnonymise(std::vector<std::vector<std::string>>& rows, const std::vector<Hierarchy>& hierarchies, int k,
                      double max_suppressed_share);

}  // namespace palermo::international
