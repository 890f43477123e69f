#include "international/returns.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <stdexcept>

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/yaml_files.hpp"
#include "records/engine.hpp"
#include "stats/engine.hpp"
#include "stats/service.hpp"
#include "store/store.hpp"

namespace palermo::international {
namespace {

constexpr const char* kNotMappable = "Not mappable";

// "<5" for 1..4 under UNODC's convention; the exact value otherwise (0 is a true 0).
std::string published(double value, int below) {
  if (below > 0 && value > 0 && value < below) return "<" + std::to_string(below);
  return fmt::format("{}", value);
}

// Rates per `t.rate_per` persons of the declared population, for every row of a table: the row's
// codes pick the population's combination ("Total" where the table is not broken down by one of
// its columns). A combination the reference table does not declare (e.g. sex "Unknown", or no
// breakdown by age for that year) gets no rate and is named in `missing`, never estimated. A value
// published as "<5" has its rate published as "<" the rate of 5, so the rate cannot reveal it.
void addRates(Json& rows, const ReturnTable& t, const Population& pop, int year, int small_below, Json& missing,
              const std::string& lang) {
  for (auto& row : rows) {
    std::map<std::string, std::string> codes;
    for (const auto& c : pop.columns)
      codes[c] = row["codes"].contains(c) ? row["codes"][c].get<std::string>() : std::string(kTotal);
    const double* persons = pop.at(year, codes);
    if (!persons) {
      row["population"] = nullptr;
      row["rate"] = nullptr;
      row["published_rate"] = "";
      Json which = Json::object();
      for (const auto& [c, code] : codes) which[c] = code;
      Json entry = {{"table", t.id}, {"population", pop.id}, {"population_label", pop.label.in(lang)}, {"year", year}, {"codes", which}};
      if (std::find(missing.begin(), missing.end(), entry) == missing.end()) missing.push_back(std::move(entry));
      continue;
    }
    const double value = row["value"].get<double>();
    const double rate = value / *persons * t.rate_per;
    row["population"] = *persons;
    row["rate"] = rate;
    row["published_rate"] = small_below > 0 && value > 0 && value < small_below
                                ? fmt::format("<{:.2f}", small_below / *persons * t.rate_per)
                                : fmt::format("{:.2f}", rate);
  }
}

int64_t nowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

InternationalReturns::InternationalReturns(stats::StatsService& stats, AuditStore& audit, const std::string& statistics_dir)
    : stats_(stats), audit_(audit), catalogue_(ReturnCatalogue::load(statistics_dir, stats.catalogue())) {}

Json InternationalReturns::list(const std::string& lang) const {
  Json out = Json::array();
  for (const auto& [id, d] : catalogue_.returns) {
    Json tables = Json::array();
    for (const auto& t : d.tables) tables.push_back({{"id", t.id}, {"label", t.label.in(lang)}, {"measure", t.measure}});
    out.push_back({{"id", id}, {"title", d.title.in(lang)}, {"tables", tables}});
  }
  if (catalogue_.ctdc.declared)
    out.push_back({{"id", "ctdc"},
                   {"title", lang == "ru"   ? "CTDC – файл по жертвам (k-анонимизированный)"
                             : lang == "en" ? "CTDC – victim-level file (k-anonymised)"
                                            : "CTDC – qurbanlar üzrə fayl (k-anonimləşdirilmiş)"},
                   {"k", catalogue_.ctdc.k}});
  return out;
}

Json InternationalReturns::compute(const records::Actor& actor, const std::string& id, int year, const std::string& lang) {
  const auto it = catalogue_.returns.find(id);
  if (it == catalogue_.returns.end()) throw Problem::notFound("There is no international return '" + id + "'.");
  if (year < 1900 || year > 2200)
    throw Problem::validation({{"year", "range", "must be a year between 1900 and 2200"}});
  if (!stats_.mayRestricted(actor))
    throw Problem::forbidden("International returns state exact figures: they need the right to restricted statistics.");
  const ReturnDefinition& d = it->second;
  Json tables = Json::array(), unmapped = Json::array(), no_population = Json::array();
  stats_.withEvaluator([&](stats::Evaluator& ev) {
    for (const auto& t : d.tables) {
      std::vector<const Crosswalk*> walks;
      std::vector<std::string> columns;
      for (const auto& a : t.by) walks.push_back(&catalogue_.crosswalks.at(a.crosswalk)), columns.push_back(a.column);
      // Each column named in words: the label of the national dimension it is derived from.
      Json column_labels = Json::object();
      for (std::size_t k = 0; k < columns.size(); ++k)
        if (const auto* dim = stats_.catalogue().dimension(walks[k]->dimension)) column_labels[columns[k]] = dim->label.in(lang);
      Json rows = Json::array();
      Json all_total = Json::object();
      for (const auto& col : columns) all_total[col] = kTotal;
      // A year (partly) before the records, or kept by imported aggregates or periodic returns:
      // those carry no combinations, so only the total is stated - or nothing, when nothing
      // covers the year. A cross-table of the records alone would state a false 0 or too little.
      const stats::Figure whole = ev.evaluate(t.indicator, stats::Period::year(year), false);
      const auto withRates = [&](Json& rs) {
        if (t.rate_per > 0)
          addRates(rs, t, catalogue_.populations.at(t.population), year, d.small_values_below, no_population, lang);
      };
      if (!whole.available || whole.imported != 0 || whole.from_returns != 0) {
        if (whole.available)
          rows.push_back({{"codes", all_total}, {"value", whole.value}, {"published", published(whole.value, d.small_values_below)}});
        withRates(rows);
        tables.push_back({{"id", t.id},
                          {"label", t.label.in(lang)},
                          {"measure", t.measure},
                          {"indicator", t.indicator},
                          {"columns", columns},
                          {"column_labels", column_labels},
                          {"coverage", whole.available ? "total_only" : "no_data"},
                          {"rate_per", t.rate_per},
                          {"total", whole.available ? Json(whole.value) : Json()},
                          {"rows", rows}});
        continue;
      }
      double total = 0;
      // Every subset of the columns, the others summed as "Total" (each person once in a total).
      const std::size_t n = t.by.size();
      for (std::size_t mask = (std::size_t{1} << n); mask-- > 0;) {
        stats::CrossTabRequest q;
        q.indicator = t.indicator;
        q.period = stats::Period::year(year);
        std::vector<std::size_t> used;
        for (std::size_t k = 0; k < n; ++k)
          if (mask & (std::size_t{1} << k)) {
            used.push_back(k);
            q.dimensions.push_back(walks[k]->dimension);
            q.recode.push_back(walks[k]->keep ? nullptr : &walks[k]->codes);
          }
        const stats::CrossTab ct = ev.crossTab(q);
        if (used.empty()) total = ct.total;
        for (const auto& r : ct.rows) {
          Json codes = Json::object();
          for (std::size_t k = 0; k < n; ++k) codes[columns[k]] = kTotal;
          for (std::size_t j = 0; j < used.size(); ++j) {
            const std::string& c = r.codes[j];
            codes[columns[used[j]]] = c == stats::CrossTab::kNotRecorded   ? walks[used[j]]->not_recorded
                                      : c == stats::CrossTab::kNotMappable ? std::string(kNotMappable)
                                                                           : c;
          }
          rows.push_back({{"codes", codes}, {"value", r.value}, {"published", published(r.value, d.small_values_below)}});
        }
        if (used.empty() && ct.rows.empty())  // nothing counted: the total row states 0
          rows.push_back({{"codes", all_total}, {"value", 0}, {"published", "0"}});
        if (used.size() == 1)
          for (const auto& [national, count] : ct.unmapped[0])
            unmapped.push_back({{"table", t.id}, {"column", columns[used[0]]}, {"crosswalk", walks[used[0]]->id},
                                {"national_code", national}, {"rows", count}});
      }
      withRates(rows);
      tables.push_back({{"id", t.id},
                        {"label", t.label.in(lang)},
                        {"measure", t.measure},
                        {"indicator", t.indicator},
                        {"columns", columns},
                        {"column_labels", column_labels},
                        {"coverage", "records"},
                        {"rate_per", t.rate_per},
                        {"total", total},
                        {"rows", rows}});
    }
  });
  // The population tables used, with their sources (stated in the file's notes).
  Json populations = Json::array();
  for (const auto& t : d.tables)
    if (t.rate_per > 0) {
      const Population& pop = catalogue_.populations.at(t.population);
      const auto seen = std::find_if(populations.begin(), populations.end(), [&](const Json& j) { return j["id"] == pop.id; });
      if (seen == populations.end())
        populations.push_back({{"id", pop.id}, {"label", pop.label.in(lang)}, {"source", pop.source.in(lang)}, {"columns", pop.columns}});
    }
  Json gaps = Json::array();
  for (const auto& g : d.gaps) {
    const std::string label = g.label.in(lang);
    gaps.push_back({{"measure", g.measure}, {"label", label.empty() ? g.measure : label}, {"reason", g.reason.in(lang)}});
  }
  audit_.appendAudit(AuditDraft{actor.user_id, "statistics.international_return", "", 0,
                                Json{{"return", id}, {"year", year}}},
                     nowMillis());
  return {{"return", id},       {"year", year},         {"country", d.country}, {"title", d.title.in(lang)},
          {"notes", d.notes.in(lang)}, {"gaps", gaps}, {"tables", tables},    {"unmapped", unmapped},
          {"small_values_below", d.small_values_below}, {"no_population", no_population}, {"populations", populations}};
}

CtdcFile InternationalReturns::ctdc(const records::Actor& actor, int year, int k, bool synthetic) {
  if (!catalogue_.ctdc.declared) throw Problem::notFound("The CTDC layout is not declared.");
  if (year < 1900 || year > 2200) throw Problem::validation({{"year", "range", "must be a year between 1900 and 2200"}});
  if (k == 0) k = catalogue_.ctdc.k;
  if (k < catalogue_.ctdc.k || k > 1000)
    throw Problem::validation({{"k", "range", "must be between " + std::to_string(catalogue_.ctdc.k) + " and 1000"}});
  if (!stats_.mayRestricted(actor))
    throw Problem::forbidden("The CTDC file is built from victims' records: it needs the right to restricted statistics.");
  CtdcFile file;
  stats_.withEvaluator([&](stats::Evaluator& ev) {
    file = synthetic ? buildCtdcSynthetic(catalogue_.ctdc, ev, year, k) : buildCtdc(catalogue_.ctdc, ev, year, k);
  });
  audit_.appendAudit(AuditDraft{actor.user_id, "statistics.ctdc_export", "victim_case", 0,
                                Json{{"year", year}, {"k", k}, {"synthetic", synthetic}, {"victims", file.victims}, {"rows", file.rows},
                                     {"suppressed", file.suppressed}}},
                     nowMillis());
  return file;
}

InternationalReturns::LongTable InternationalReturns::longTable(const Json& r) {
  // One long table: the columns of every table side by side ("" where a table has no such column).
  std::vector<std::string> columns;
  bool rates = false;
  for (const auto& t : r["tables"]) {
    for (const auto& c : t["columns"])
      if (std::find(columns.begin(), columns.end(), c.get<std::string>()) == columns.end()) columns.push_back(c);
    rates = rates || t.value("rate_per", 0) > 0;
  }
  LongTable out;
  out.header = {"country", "year", "return", "table", "indicator"};
  out.header.insert(out.header.end(), columns.begin(), columns.end());
  out.header.emplace_back("value");
  out.header.emplace_back("published");
  if (rates)
    for (const char* c : {"population", "rate", "published_rate"}) out.header.emplace_back(c);
  out.header.emplace_back("note");
  out.numeric.assign(out.header.size(), false);
  out.numeric[1] = true;
  for (std::size_t i = 0; i < out.header.size(); ++i)
    if (out.header[i] == "value" || out.header[i] == "population" || out.header[i] == "rate") out.numeric[i] = true;
  // The national codes behind each table's "Not mappable" rows.
  std::map<std::string, std::string> notes;
  for (const auto& u : r["unmapped"]) {
    auto& n = notes[u["table"].get<std::string>() + "|" + u["column"].get<std::string>()];
    n += (n.empty() ? "national codes without an equivalent: " : ", ") + u["national_code"].get<std::string>();
  }
  for (const auto& t : r["tables"])
    for (const auto& row : t["rows"]) {
      std::vector<std::string> cells = {r["country"], std::to_string(r["year"].get<int>()), r["return"], t["id"], t["measure"]};
      std::string note;
      for (const auto& c : columns) {
        const auto& codes = row["codes"];
        cells.push_back(codes.contains(c) ? codes[c].get<std::string>() : "");
        if (codes.contains(c) && codes[c] == kNotMappable) note = notes[t["id"].get<std::string>() + "|" + c];
      }
      cells.push_back(fmt::format("{}", row["value"].get<double>()));
      cells.push_back(row["published"]);
      if (rates) {
        const bool has = row.contains("population") && !row["population"].is_null();
        cells.push_back(has ? fmt::format("{}", row["population"].get<double>()) : "");
        cells.push_back(has ? fmt::format("{:.6g}", row["rate"].get<double>()) : "");
        cells.push_back(row.value("published_rate", std::string()));
        if (row.contains("population") && !has)
          note += std::string(note.empty() ? "" : "; ") + "no population declared for this combination";
      }
      cells.push_back(note);
      out.rows.push_back(std::move(cells));
    }
  return out;
}

std::string InternationalReturns::csv(const Json& r) {
  const LongTable t = longTable(r);
  std::string out = csv::row(t.header);
  for (auto cells : t.rows) {
    for (auto& c : cells) c = csv::safeCell(c);  // quoted where needed ("a, b" in a note)
    out += csv::row(cells);
  }
  return out;
}

}  // namespace palermo::international
