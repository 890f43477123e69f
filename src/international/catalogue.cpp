// Reading the declared international returns (indicators/international/*.yaml): crosswalks,
// population tables, the CTDC layout and the returns, checked against the statistics catalogue.
// Apart from the computation (returns.cpp, ctdc.cpp) so that the loader is fuzzed on its own
// (tests/fuzz/fuzz_international_yaml.cpp).
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <stdexcept>

#include "core/yaml_files.hpp"
#include "international/ctdc.hpp"
#include "international/returns.hpp"
#include "stats/indicators.hpp"

namespace palermo::international {
namespace {

std::string str(const YAML::Node& n) { return n && n.IsScalar() ? n.as<std::string>() : std::string(); }

// A {az, en, ru} text; a mistake (an unquoted comma splitting it) is an error with its line.
Translated text(const std::string& file, const YAML::Node& n, std::vector<FileError>& errors) {
  if (const std::string m = yaml::textMistake(n); !m.empty()) errors.push_back({file, yaml::lineOf(n), m});
  return yaml::texts(n);
}

Crosswalk readCrosswalk(const std::string& file, const YAML::Node& n, const stats::Catalogue& cat,
                        std::vector<FileError>& errors) {
  Crosswalk c;
  const int line = yaml::lineOf(n);
  c.id = str(n["id"]);
  c.dimension = str(n["dimension"]);
  c.keep = n["keep"] && n["keep"].as<bool>(false);
  if (n["not_recorded"]) c.not_recorded = str(n["not_recorded"]);
  if (c.id.empty()) errors.push_back({file, line, "a crosswalk needs an id"});
  if (!cat.dimension(c.dimension))
    errors.push_back({file, line, "crosswalk " + c.id + ": unknown dimension '" + c.dimension + "'"});
  if (n["codes"] && !n["codes"].IsMap()) errors.push_back({file, line, "crosswalk " + c.id + ": codes must be a mapping"});
  if (n["codes"] && n["codes"].IsMap())
    for (const auto& kv : n["codes"]) {
      const std::string national = kv.first.as<std::string>();
      if (!kv.second.IsNull() && !kv.second.IsScalar())
        errors.push_back({file, yaml::lineOf(kv.second, line), "crosswalk " + c.id + ": " + national + " must map to one code or null"});
      c.codes[national] = kv.second.IsNull() ? "" : kv.second.as<std::string>();
    }
  if (c.keep == !c.codes.empty())
    errors.push_back({file, line, "crosswalk " + c.id + ": give either codes or keep: true"});
  return c;
}

Population readPopulation(const std::string& file, const YAML::Node& n, std::vector<FileError>& errors) {
  Population p;
  const int line = yaml::lineOf(n);
  p.id = str(n["id"]);
  if (p.id.empty()) errors.push_back({file, line, "a population needs an id"});
  p.label = text(file, n["label"], errors);
  p.source = text(file, n["source"], errors);
  if (p.source.in("en").empty()) errors.push_back({file, line, "population " + p.id + ": name its source"});
  for (const auto& c : n["columns"]) p.columns.push_back(str(c));
  for (const auto& f : n["figures"]) {
    const int fl = yaml::lineOf(f, line);
    int year = 0;
    double value = -1;
    std::map<std::string, std::string> codes;
    if (!f.IsMap()) {
      errors.push_back({file, fl, "population " + p.id + ": a figure is {year, value} and the codes of its columns"});
      continue;
    }
    for (const auto& kv : f) {
      const std::string k = kv.first.as<std::string>();
      if (k == "year") year = kv.second.as<int>(0);
      else if (k == "value") value = kv.second.IsScalar() ? kv.second.as<double>(-1) : -1;
      else if (std::find(p.columns.begin(), p.columns.end(), k) != p.columns.end()) codes[k] = str(kv.second);
      else errors.push_back({file, fl, "population " + p.id + ": '" + k + "' is not one of its columns"});
    }
    if (year < 1900 || year > 2200) errors.push_back({file, fl, "population " + p.id + ": year must be between 1900 and 2200"});
    if (!(value > 0) || value > 1e10)
      errors.push_back({file, fl, "population " + p.id + ": value must be a number of persons above 0"});
    if (!p.figures.emplace(Population::key(year, p.columns, codes), value).second)
      errors.push_back({file, fl, "population " + p.id + ": this year and combination is declared twice"});
  }
  return p;
}

ReturnDefinition readReturn(const std::string& file, const YAML::Node& n, const ReturnCatalogue& rc,
                            const stats::Catalogue& cat, std::vector<FileError>& errors) {
  ReturnDefinition d;
  const int line = yaml::lineOf(n);
  d.id = str(n["id"]);
  if (d.id.empty()) errors.push_back({file, line, "a return needs an id"});
  if (n["country"]) d.country = str(n["country"]);
  d.title = text(file, n["title"], errors);
  d.notes = text(file, n["notes"], errors);
  if (n["small_values_below"]) d.small_values_below = n["small_values_below"].as<int>(0);
  if (d.small_values_below < 0 || d.small_values_below > 100)
    errors.push_back({file, line, "return " + d.id + ": small_values_below must be between 0 and 100"});
  for (const auto& t : n["tables"]) {
    ReturnTable table;
    const int tl = yaml::lineOf(t, line);
    table.id = str(t["id"]);
    table.measure = str(t["measure"]);
    table.indicator = str(t["indicator"]);
    table.label = text(file, t["label"], errors);
    const auto* ind = cat.indicator(table.indicator);
    if (!ind) errors.push_back({file, tl, "table " + table.id + ": unknown indicator '" + table.indicator + "'"});
    else if (ind->from.empty() || ind->unit == stats::Indicator::Unit::Ratio || ind->unit == stats::Indicator::Unit::Distinct)
      errors.push_back({file, tl, "table " + table.id + ": indicator " + table.indicator + " counts no register's rows"});
    for (const auto& a : t["by"]) {
      ReturnTable::Axis axis{str(a["column"]), str(a["crosswalk"])};
      const auto cw = rc.crosswalks.find(axis.crosswalk);
      if (axis.column.empty()) errors.push_back({file, yaml::lineOf(a, tl), "table " + table.id + ": a column needs a name"});
      if (cw == rc.crosswalks.end()) {
        errors.push_back({file, yaml::lineOf(a, tl), "table " + table.id + ": unknown crosswalk '" + axis.crosswalk + "'"});
      } else if (ind) {
        const auto* dim = cat.dimension(cw->second.dimension);
        if (dim && dim->kind != stats::Dimension::Kind::Age && dim->kind != stats::Dimension::Kind::Classes &&
            !dim->paths.count(ind->from))
          errors.push_back({file, yaml::lineOf(a, tl), "table " + table.id + ": dimension " + cw->second.dimension +
                                                           " has no path in " + ind->from});
      }
      table.by.push_back(std::move(axis));
    }
    if (table.by.empty() || table.by.size() > 5)
      errors.push_back({file, tl, "table " + table.id + ": give one to five columns in by"});
    if (const auto rate = t["rate"]) {
      table.rate_per = rate["per"] ? rate["per"].as<int>(0) : 0;
      table.population = str(rate["population"]);
      if (table.rate_per != 1000 && table.rate_per != 100000 && table.rate_per != 1000000)
        errors.push_back({file, yaml::lineOf(rate, tl), "table " + table.id + ": rate per must be 1000, 100000 or 1000000"});
      if (!rc.populations.count(table.population))
        errors.push_back({file, yaml::lineOf(rate, tl), "table " + table.id + ": unknown population '" + table.population + "'"});
    }
    d.tables.push_back(std::move(table));
  }
  for (const auto& g : n["gaps"])
    d.gaps.push_back({str(g["measure"]), g["label"] ? text(file, g["label"], errors) : Translated{}, text(file, g["reason"], errors)});
  return d;
}

}  // namespace

ReturnCatalogue ReturnCatalogue::load(const std::string& dir, const stats::Catalogue& cat) {
  std::vector<FileError> errors;
  const std::string folder = dir + "/international";
  if (!std::filesystem::is_directory(folder)) return {};
  return loadTexts(yaml::readDir(folder, errors), cat, std::move(errors));
}

ReturnCatalogue ReturnCatalogue::loadTexts(const std::map<std::string, std::string>& files, const stats::Catalogue& cat,
                                           std::vector<FileError> errors) {
  ReturnCatalogue rc;
  std::vector<std::pair<std::string, YAML::Node>> docs;
  for (const auto& [file, text] : files)
    if (auto doc = yaml::parse(file, text, errors)) docs.emplace_back(file, *doc);
  for (const auto& [file, doc] : docs)
    for (const auto& n : doc["crosswalks"]) {
      auto c = readCrosswalk(file, n, cat, errors);
      if (!rc.crosswalks.emplace(c.id, c).second) errors.push_back({file, yaml::lineOf(n), "crosswalk " + c.id + " is declared twice"});
    }
  for (const auto& [file, doc] : docs)
    if (doc["population"]) {
      auto p = readPopulation(file, doc["population"], errors);
      if (!rc.populations.emplace(p.id, p).second)
        errors.push_back({file, yaml::lineOf(doc["population"]), "population " + p.id + " is declared twice"});
    }
  for (const auto& [file, doc] : docs)
    if (doc["ctdc"]) {
      if (rc.ctdc.declared) errors.push_back({file, yaml::lineOf(doc["ctdc"]), "the CTDC layout is declared twice"});
      rc.ctdc = CtdcLayout::read(file, doc["ctdc"], cat, errors);
    }
  for (const auto& [file, doc] : docs)
    if (doc["return"]) {
      auto d = readReturn(file, doc["return"], rc, cat, errors);
      if (!rc.returns.emplace(d.id, d).second) errors.push_back({file, yaml::lineOf(doc["return"]), "return " + d.id + " is declared twice"});
    }
  if (!errors.empty()) {
    std::string msg = "international returns:";
    for (const auto& e : errors) msg += "\n  " + e.toString();
    throw std::runtime_error(msg);
  }
  return rc;
}

std::string Population::key(int year, const std::vector<std::string>& columns, const std::map<std::string, std::string>& codes) {
  std::string k = std::to_string(year);
  for (const auto& c : columns) {
    const auto it = codes.find(c);
    k += '|' + (it == codes.end() || it->second.empty() ? std::string(kTotal) : it->second);
  }
  return k;
}

const double* Population::at(int year, const std::map<std::string, std::string>& codes) const {
  const auto it = figures.find(key(year, columns, codes));
  return it == figures.end() ? nullptr : &it->second;
}

CtdcLayout CtdcLayout::read(const std::string& file, const YAML::Node& n, const stats::Catalogue& cat,
                            std::vector<FileError>& errors) {
  CtdcLayout l;
  l.declared = true;
  const int line = yaml::lineOf(n);
  l.indicator = str(n["indicator"]);
  const auto* ind = cat.indicator(l.indicator);
  if (!ind || ind->unit != stats::Indicator::Unit::Persons)
    errors.push_back({file, line, "ctdc: indicator '" + l.indicator + "' must be an indicator counting persons"});
  if (n["k"]) l.k = n["k"].as<int>(0);
  if (l.k < 2 || l.k > 1000) errors.push_back({file, line, "ctdc: k must be between 2 and 1000"});
  if (n["max_suppressed_share"]) l.max_suppressed_share = n["max_suppressed_share"].as<double>(-1);
  if (l.max_suppressed_share < 0 || l.max_suppressed_share > 1)
    errors.push_back({file, line, "ctdc: max_suppressed_share must be between 0 and 1"});
  std::set<std::string> names;
  for (const auto& c : n["columns"]) {
    CtdcColumn col;
    const int cl = yaml::lineOf(c, line);
    col.name = str(c["name"]);
    if (col.name.empty() || !names.insert(col.name).second)
      errors.push_back({file, cl, "ctdc: a column needs a name of its own ('" + col.name + "')"});
    col.dimension = str(c["dimension"]);
    if (c["year"]) {
      col.kind = CtdcColumn::Kind::Year;
    } else if (c["both"]) {
      col.kind = CtdcColumn::Kind::Both;
      if (c["both"].size() != 2) errors.push_back({file, cl, "ctdc: " + col.name + ": both names two flag columns"});
      else col.first = c["both"][0].as<std::string>(), col.second = c["both"][1].as<std::string>();
      for (const auto& other : {col.first, col.second})
        if (!names.count(other)) errors.push_back({file, cl, "ctdc: " + col.name + ": no earlier column " + other});
    } else if (c["concatenate"]) {
      col.kind = CtdcColumn::Kind::Concatenate;
      col.prefix = str(c["concatenate"]);
    } else {
      col.kind = c["flag"] ? CtdcColumn::Kind::Flag : c["keep"] ? CtdcColumn::Kind::Keep : CtdcColumn::Kind::Value;
      const auto* dim = cat.dimension(col.dimension);
      if (!dim) errors.push_back({file, cl, "ctdc: " + col.name + ": unknown dimension '" + col.dimension + "'"});
      else if (ind && dim->kind != stats::Dimension::Kind::Age && !dim->paths.count(ind->from))
        errors.push_back({file, cl, "ctdc: " + col.name + ": dimension " + col.dimension + " has no path in " + ind->from});
      for (const auto& f : c["flag"]) col.flag.insert(f.as<std::string>());
      if (c["codes"]) {
        if (!c["codes"].IsMap()) errors.push_back({file, cl, "ctdc: " + col.name + ": codes must be a mapping"});
        else
          for (const auto& kv : c["codes"]) col.codes[kv.first.as<std::string>()] = kv.second.IsNull() ? "" : kv.second.as<std::string>();
      }
      col.other = str(c["other"]);
      if (col.kind == CtdcColumn::Kind::Value && col.codes.empty())
        errors.push_back({file, cl, "ctdc: " + col.name + ": give codes, keep: true, flag or year"});
    }
    l.columns.push_back(std::move(col));
  }
  for (const auto& q : n["quasi_identifiers"]) {
    CtdcQuasiIdentifier qi;
    qi.column = str(q["column"]);
    if (!names.count(qi.column)) errors.push_back({file, yaml::lineOf(q, line), "ctdc: quasi-identifier " + qi.column + " is no column"});
    for (const auto& lv : q["levels"]) {
      CtdcLevel level;
      if (lv.IsMap()) {
        level.kind = CtdcLevel::Kind::Map;
        for (const auto& kv : lv) level.map[kv.first.as<std::string>()] = kv.second.IsNull() ? "" : kv.second.as<std::string>();
      } else if (str(lv) == "region") {
        level.kind = CtdcLevel::Kind::Region;
      } else if (str(lv) != "suppress") {
        errors.push_back({file, yaml::lineOf(lv, line), "ctdc: a level is a mapping, region or suppress"});
      }
      qi.levels.push_back(std::move(level));
    }
    l.quasi_identifiers.push_back(std::move(qi));
  }
  if (l.quasi_identifiers.empty()) errors.push_back({file, line, "ctdc: name the quasi-identifiers"});
  return l;
}

}  // namespace palermo::international
