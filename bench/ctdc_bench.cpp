// The CTDC file's k-anonymity at scale: N made-up victims shaped like the national register
// (skewed: most are citizens of one country, exploited in a few neighbours, a long tail of
// others; mostly women; mostly sexual exploitation) run through the CTDC layout's own
// hierarchies (indicators/international/ctdc.yaml) and the anonymiser, then checked by counting
// every combination of the quasi-identifiers from the output alone. Prints rows kept, the share
// suppressed, each quasi-identifier's level, the smallest combination and the time.
//
//   build/palermo_ctdc_bench [--victims 100000] [--k 11] [--seed 1]
#include <chrono>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "international/ctdc.hpp"
#include "international/kanon.hpp"
#include "international/returns.hpp"
#include "records/schema.hpp"
#include "stats/indicators.hpp"

using namespace palermo;

int main(int argc, char** argv) {
  std::size_t victims = 100000;
  int k = 11;
  uint64_t seed = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--victims") victims = std::stoul(argv[i + 1]);
    else if (a == "--k") k = std::stoi(argv[i + 1]);
    else if (a == "--seed") seed = std::stoull(argv[i + 1]);
    else {
      std::fprintf(stderr, "usage: %s [--victims N] [--k K] [--seed S]\n", argv[0]);
      return 2;
    }
  }
  const std::string root = PALERMO_SOURCE_DIR;
  auto schema = records::loadSchemaDir(root + "/schema");
  if (!schema.errors.empty()) return std::fprintf(stderr, "schema: %s\n", schema.errors.front().toString().c_str()), 1;
  auto cat = stats::loadCatalogue(root + "/indicators", schema.schema);
  if (!cat.errors.empty()) return std::fprintf(stderr, "indicators: %s\n", cat.errors.front().toString().c_str()), 1;
  const auto returns = international::ReturnCatalogue::load(root + "/indicators", cat.catalogue);
  const auto& layout = returns.ctdc;
  std::vector<std::string> columns;
  for (const auto& q : layout.quasi_identifiers) columns.push_back(q.column);

  // The made-up register, per quasi-identifier in the layout's order.
  std::mt19937_64 rng(seed);
  auto pick = [&](const std::vector<std::pair<std::string, int>>& weighted) {
    int total = 0;
    for (const auto& [v, w] : weighted) total += w;
    int r = static_cast<int>(rng() % static_cast<uint64_t>(total));
    for (const auto& [v, w] : weighted)
      if ((r -= w) < 0) return v;
    return weighted.back().first;
  };
  const std::vector<std::pair<std::string, int>> sexes = {{"Female", 80}, {"Male", 18}, {"", 2}};
  const std::vector<std::pair<std::string, int>> ages = {{"0--8", 2},   {"9--17", 8},  {"18--20", 10}, {"21--23", 14}, {"24--26", 14},
                                                         {"27--29", 13}, {"30--38", 22}, {"39--47", 11}, {"48+", 5},     {"", 1}};
  const std::vector<std::pair<std::string, int>> citizens = {{"AZ", 880}, {"UZ", 25}, {"TJ", 20}, {"GE", 15}, {"RU", 15}, {"KG", 10},
                                                             {"TM", 8},   {"IR", 8},  {"UA", 6},  {"IN", 5},  {"BD", 3},  {"", 5}};
  const std::vector<std::pair<std::string, int>> places = {{"TR", 450}, {"AZ", 150}, {"QA", 100}, {"AE", 90}, {"RU", 80}, {"IR", 40},
                                                           {"GE", 20},  {"DE", 10},  {"KZ", 10},  {"CY", 8},  {"", 42}};
  const std::vector<std::pair<std::string, int>> types = {{"SexualExploit", 78}, {"ForcedLabour", 18}, {"ForcedLabour;SexualExploit", 2},
                                                          {"OtherExploit", 1},   {"", 1}};
  std::vector<std::vector<std::string>> rows(victims);
  for (auto& r : rows)
    for (const auto& c : columns)
      r.push_back(c == "yearOfRegistration"      ? std::string("2019")  // a file holds one year
                  : c == "gender"                ? pick(sexes)
                  : c == "ageBroad"              ? pick(ages)
                  : c == "citizenship"           ? pick(citizens)
                  : c == "CountryOfExploitation" ? pick(places)
                  : c == "typeOfExploitConcatenated" ? pick(types)
                                                     : std::string());

  const auto t0 = std::chrono::steady_clock::now();
  const auto result = international::kAnonymise(rows, international::hierarchiesOf(layout), k, layout.max_suppressed_share);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();

  // The independent check: count the combinations written.
  std::map<std::vector<std::string>, std::size_t> combos;
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (!result.suppressed[i]) ++combos[rows[i]];
  std::size_t smallest = 0, kept = 0;
  for (const auto& [key, n] : combos) {
    kept += n;
    if (smallest == 0 || n < smallest) smallest = n;
  }
  std::printf("victims %zu, k %d: %zu rows kept in %zu combinations, %zu suppressed (%.2f%%), smallest combination %zu (%s); %.0f ms\n",
              victims, k, kept, combos.size(), result.suppressed_rows,
              100.0 * static_cast<double>(result.suppressed_rows) / static_cast<double>(victims), smallest,
              smallest >= static_cast<std::size_t>(k) || kept == 0 ? "k-anonymous" : "NOT k-anonymous", ms);
  std::printf("generalisation levels:");
  for (std::size_t q = 0; q < columns.size(); ++q) std::printf(" %s %d/%zu", columns[q].c_str(), result.levels[q], layout.quasi_identifiers[q].levels.size());
  std::printf("\n");
  return smallest >= static_cast<std::size_t>(k) || kept == 0 ? 0 : 1;
}
