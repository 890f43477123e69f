#include "stats/indicators.hpp"

#include "core/yaml_files.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "records/schema.hpp"

namespace palermo::stats {

const char* countsName(Indicator::Unit unit) {
  switch (unit) {
    case Indicator::Unit::Persons: return "persons";
    case Indicator::Unit::Records: return "records";
    case Indicator::Unit::Sum: return "sum";
    case Indicator::Unit::Ratio: return "ratio";
    case Indicator::Unit::Distinct: return "distinct";
  }
  return "records";
}

const Indicator* Catalogue::indicator(const std::string& id) const {
  auto it = indicators.find(id);
  return it == indicators.end() ? nullptr : &it->second;
}

const Dimension* Catalogue::dimension(const std::string& id) const {
  auto it = dimensions.find(id);
  return it == dimensions.end() ? nullptr : &it->second;
}

PathEnd resolvePath(const records::Schema& schema, const std::string& from, const std::string& path) {
  PathEnd end;
  std::string type = from;
  std::stringstream parts(path);
  std::string part;
  std::vector<std::string> segs;
  while (std::getline(parts, part, '.')) segs.push_back(part);
  if (segs.empty()) {
    end.error = "empty path";
    return end;
  }
  for (std::size_t i = 0; i < segs.size(); ++i) {
    const auto* t = schema.type(type);
    if (!t) {
      end.error = "unknown record type '" + type + "'";
      return end;
    }
    const bool last = i + 1 == segs.size();
    if (last && (segs[i] == "state" || segs[i] == "@agency_type" || segs[i] == "@agency_region" || segs[i] == "@id")) {
      if (segs[i] == "state" && !t->workflow) {
        end.error = "'" + type + "' has no workflow state";
        return end;
      }
      end.type = type;
      end.field = segs[i];
      return end;
    }
    const auto* f = t->field(segs[i]);
    if (!f) {
      end.error = "'" + type + "' has no field '" + segs[i] + "'";
      return end;
    }
    if (f->sensitivity == records::Sensitivity::Identity) {
      end.error = "'" + type + "." + segs[i] + "' is an identity field: statistics never read identities";
      return end;
    }
    if (last) {
      end.type = type;
      end.field = segs[i];
      return end;
    }
    if (f->type != records::FieldType::Reference) {
      end.error = "'" + type + "." + segs[i] + "' is not a reference, so the path cannot go on";
      return end;
    }
    type = f->ref;
  }
  return end;
}

namespace {

struct Loader {
  const records::Schema& schema;
  CatalogueLoad out;
  std::string file;

  void error(int line, const std::string& message) { out.errors.push_back({file, line, message}); }
  static int lineOf(const YAML::Node& n) { return yaml::lineOf(n, 1); }

  Translated text3(const YAML::Node& n) {
    if (n && !n.IsScalar() && !n.IsMap()) {
      error(lineOf(n), "expected {az, en, ru}");
      return {};
    }
    if (const std::string m = yaml::textMistake(n); !m.empty()) error(lineOf(n), m);
    Translated t = yaml::texts(n);
    if (n && n.IsMap() && t.az.empty()) error(lineOf(n), "the Azerbaijani text (az) is required");
    return t;
  }

  std::vector<std::string> strings(const YAML::Node& n) {
    std::vector<std::string> v;
    if (!n) return v;
    if (n.IsScalar()) {
      v.push_back(n.as<std::string>());
      return v;
    }
    for (const auto& x : n) v.push_back(x.as<std::string>());
    return v;
  }

  Filter filter(const YAML::Node& n) {
    Filter f;
    f.line = lineOf(n);
    if (!n.IsMap()) {
      error(f.line, "a filter is a map such as {path: state, in: [identified]}");
      return f;
    }
    if (n["path"]) f.path = n["path"].as<std::string>();
    if (n["dimension"]) f.dimension = n["dimension"].as<std::string>();
    if (f.path.empty() == f.dimension.empty()) error(f.line, "a filter names either a path or a dimension");
    int ops = 0;
    if (n["in"]) f.op = Filter::Op::In, f.values = strings(n["in"]), ++ops;
    if (n["not_in"]) f.op = Filter::Op::NotIn, f.values = strings(n["not_in"]), ++ops;
    if (n["present"]) f.op = n["present"].as<bool>() ? Filter::Op::Present : Filter::Op::Absent, ++ops;
    if (n["counted_by"]) f.op = Filter::Op::CountedBy, f.indicator = n["counted_by"].as<std::string>(), ++ops;
    if (ops != 1) error(f.line, "a filter has exactly one of in, not_in, present, counted_by");
    return f;
  }

  void dimensions(const YAML::Node& list) {
    for (const auto& n : list) {
      Dimension d;
      d.line = lineOf(n);
      d.file = file;
      d.id = n["id"] ? n["id"].as<std::string>() : "";
      if (d.id.empty()) {
        error(d.line, "a dimension needs an id");
        continue;
      }
      d.label = text3(n["label"]);
      const std::string kind = n["kind"] ? n["kind"].as<std::string>() : "value";
      if (kind == "value") d.kind = Dimension::Kind::Value;
      else if (kind == "age") d.kind = Dimension::Kind::Age;
      else if (kind == "classes") d.kind = Dimension::Kind::Classes;
      else error(d.line, "dimension '" + d.id + "': kind must be value, age or classes");
      if (n["paths"])
        for (const auto& p : n["paths"]) d.paths[p.first.as<std::string>()] = p.second.as<std::string>();
      if (n["list"]) d.list = n["list"].as<std::string>();
      if (n["rollup"])
        for (const auto& p : n["rollup"]) d.rollup[p.first.as<std::string>()] = p.second.as<std::string>();
      for (const auto& b : n["bands"]) {
        Dimension::Band band;
        band.code = b["code"].as<std::string>();
        band.label = text3(b["label"]);
        band.min = b["min"] ? b["min"].as<int>() : 0;
        band.max = b["max"] ? b["max"].as<int>() : 200;
        d.bands.push_back(band);
      }
      for (const auto& c : n["classes"]) {
        Dimension::Class cls;
        cls.code = c["code"].as<std::string>();
        cls.label = text3(c["label"]);
        for (const auto& w : c["where"]) cls.where.push_back(filter(w));
        d.classes.push_back(cls);
      }
      if (d.kind != Dimension::Kind::Classes && d.paths.empty())
        error(d.line, "dimension '" + d.id + "': paths (record type -> field) are required");
      if (d.kind == Dimension::Kind::Age && d.bands.empty()) error(d.line, "dimension '" + d.id + "': bands are required");
      if (d.kind == Dimension::Kind::Classes && d.classes.empty())
        error(d.line, "dimension '" + d.id + "': classes are required");
      if (out.catalogue.dimensions.count(d.id)) error(d.line, "dimension '" + d.id + "' is declared twice");
      out.catalogue.dimensions[d.id] = std::move(d);
    }
  }

  void indicators(const YAML::Node& list) {
    for (const auto& n : list) {
      Indicator i;
      i.line = lineOf(n);
      i.file = file;
      i.id = n["id"] ? n["id"].as<std::string>() : "";
      if (i.id.empty()) {
        error(i.line, "an indicator needs an id");
        continue;
      }
      i.version = n["version"] ? n["version"].as<int>() : 0;
      if (i.version < 1) error(i.line, "indicator '" + i.id + "': version (1, 2, ...) is required");
      i.label = text3(n["label"]);
      i.unit_label = text3(n["unit_label"]);
      i.definition = text3(n["definition"]);
      const std::string counts = n["counts"] ? n["counts"].as<std::string>() : "";
      if (counts == "records") i.unit = Indicator::Unit::Records;
      else if (counts == "persons") i.unit = Indicator::Unit::Persons;
      else if (counts == "sum") i.unit = Indicator::Unit::Sum;
      else if (counts == "distinct") i.unit = Indicator::Unit::Distinct;
      else if (counts == "ratio") i.unit = Indicator::Unit::Ratio;
      else error(i.line, "indicator '" + i.id + "': counts must be records, persons, sum or ratio (say what is counted)");
      if (n["from"]) i.from = n["from"].as<std::string>();
      if (const auto r = n["returns"]) {
        if (!r.IsMap() || !r["from"] || !r["value"])
          error(i.line, "indicator '" + i.id + "': returns is {from: <periodic return type>, value: <its number field>}");
        else
          i.returns_from = r["from"].as<std::string>(), i.returns_value = r["value"].as<std::string>();
      }
      if (n["person"]) i.person = n["person"].as<std::string>();
      if (n["sum"]) i.sum = n["sum"].as<std::string>();
      if (n["distinct"]) i.distinct = n["distinct"].as<std::string>();
      if (n["date"]) i.date = n["date"].as<std::string>();
      if (n["numerator"]) i.numerator = n["numerator"].as<std::string>();
      if (n["denominator"]) i.denominator = n["denominator"].as<std::string>();
      if (n["decimals"]) i.decimals = n["decimals"].as<int>();
      for (const auto& w : n["where"]) i.where.push_back(filter(w));
      i.breakdowns = strings(n["breakdowns"]);
      if (out.catalogue.indicators.count(i.id)) error(i.line, "indicator '" + i.id + "' is declared twice");
      out.catalogue.indicators[i.id] = std::move(i);
    }
  }

  void settings(const YAML::Node& n) {
    if (n["records_from"]) {
      const auto s = n["records_from"].as<std::string>();
      records::PartialDate d;
      if (!records::parsePartialDate(s, d) || !d.day) error(lineOf(n), "records_from must be a date YYYY-MM-DD");
      else out.catalogue.records_from = d.year * 10000 + d.month * 100 + d.day;
    }
    if (n["complete"]) {
      if (!n["complete"].IsMap()) {
        error(lineOf(n["complete"]), "complete maps a register to the day from which it is complete (YYYY-MM-DD)");
      } else {
        for (auto it = n["complete"].begin(); it != n["complete"].end(); ++it) {
          const auto reg = it->first.as<std::string>();
          records::PartialDate d;
          if (!schema.type(reg)) error(lineOf(it->first), "complete: there is no register '" + reg + "'");
          else if (!records::parsePartialDate(it->second.as<std::string>(), d) || !d.day)
            error(lineOf(it->second), "complete: the day for '" + reg + "' must be a date YYYY-MM-DD");
          else out.catalogue.complete_from[reg] = d.year * 10000 + d.month * 100 + d.day;
        }
      }
    }
    if (n["disclosure_threshold"]) out.catalogue.disclosure_threshold = n["disclosure_threshold"].as<int>();
    if (n["time_zone"]) out.catalogue.time_zone = n["time_zone"].as<std::string>();
  }

  void parse(const std::string& name, const std::string& text) {
    file = name;
    const auto parsed = yaml::parse(name, text, out.errors);
    if (!parsed) return;
    try {
      const YAML::Node& root = *parsed;
      if (!root.IsMap()) {
        error(1, "expected a map with settings:, dimensions: or indicators:");
        return;
      }
      if (root["settings"]) settings(root["settings"]);
      if (root["dimensions"]) dimensions(root["dimensions"]);
      if (root["indicators"]) indicators(root["indicators"]);
    } catch (const YAML::Exception& e) {
      error(e.mark.line + 1, e.what());
    }
  }

  // Cross-checks, once every file is read.
  void checkPath(const std::string& where, const std::string& from, const std::string& path, int line,
                 const std::string& file_name) {
    auto end = resolvePath(schema, from, path);
    if (!end.error.empty()) out.errors.push_back({file_name, line, where + ": path '" + path + "': " + end.error});
  }

  void checkFilter(const std::string& where, const std::string& from, const Filter& f, const std::string& file_name) {
    if (!f.path.empty()) checkPath(where, from, f.path, f.line, file_name);
    if (!f.dimension.empty()) {
      const auto* d = out.catalogue.dimension(f.dimension);
      if (!d) out.errors.push_back({file_name, f.line, where + ": unknown dimension '" + f.dimension + "'"});
      else if (d->kind != Dimension::Kind::Classes && !d->paths.count(from))
        out.errors.push_back({file_name, f.line, where + ": dimension '" + f.dimension + "' has no path for '" + from + "'"});
    }
    if (f.op == Filter::Op::CountedBy) {
      const auto* other = out.catalogue.indicator(f.indicator);
      if (!other) out.errors.push_back({file_name, f.line, where + ": counted_by names an unknown indicator '" + f.indicator + "'"});
      else if (!f.path.empty()) {
        auto end = resolvePath(schema, from, f.path);
        const auto* t = schema.type(end.type);
        const auto* fd = t ? t->field(end.field) : nullptr;
        const std::string person_type =
            other->unit == Indicator::Unit::Persons ? [&] {
              auto pe = resolvePath(schema, other->from, other->person);
              const auto* pt = schema.type(pe.type);
              const auto* pf = pt ? pt->field(pe.field) : nullptr;
              return pf ? pf->ref : std::string();
            }() : std::string();
        if (fd && (fd->type != records::FieldType::Reference || (fd->ref != other->from && fd->ref != person_type)))
          out.errors.push_back({file_name, f.line, where + ": counted_by needs a reference to '" + other->from +
                                                       "' (or to the persons it counts)"});
      }
    }
  }

  void check() {
    auto& cat = out.catalogue;
    for (const auto& [id, d] : cat.dimensions) {
      for (const auto& [type, path] : d.paths) {
        if (!schema.type(type)) {
          out.errors.push_back({d.file, d.line, "dimension '" + id + "': unknown record type '" + type + "'"});
          continue;
        }
        checkPath("dimension '" + id + "'", type, path, d.line, d.file);
      }
      if (!d.list.empty() && d.list != "country" && d.list != "boolean" && !schema.list(d.list))
        out.errors.push_back({d.file, d.line, "dimension '" + id + "': unknown value list '" + d.list + "'"});
      for (const auto& c : d.classes)
        for (const auto& f : c.where)
          if (f.dimension.empty())
            out.errors.push_back({d.file, f.line, "dimension '" + id + "': class filters name dimensions"});
    }
    for (const auto& [id, i] : cat.indicators) {
      const std::string where = "indicator '" + id + "'";
      if (i.unit == Indicator::Unit::Ratio) {
        for (const auto& part : {i.numerator, i.denominator})
          if (!cat.indicator(part)) out.errors.push_back({i.file, i.line, where + ": ratio needs known numerator and denominator"});
        continue;
      }
      if (!i.returns_from.empty()) {
        const auto* rt = schema.type(i.returns_from);
        const auto* vf = rt ? rt->field(i.returns_value) : nullptr;
        if (!rt || !rt->periodic_return)
          out.errors.push_back({i.file, i.line, where + ": returns.from '" + i.returns_from + "' is not a periodic return type"});
        else if (!vf || (vf->type != records::FieldType::Integer && vf->type != records::FieldType::Decimal &&
                         vf->type != records::FieldType::Money))
          out.errors.push_back({i.file, i.line, where + ": returns.value '" + i.returns_value + "' is not a number field of '" + i.returns_from + "'"});
        if (i.unit == Indicator::Unit::Ratio)
          out.errors.push_back({i.file, i.line, where + ": a ratio cannot come from returns"});
      }
      if (i.from.empty()) continue;  // imported aggregates or returns only
      if (!schema.type(i.from)) {
        out.errors.push_back({i.file, i.line, where + ": unknown register '" + i.from + "'"});
        continue;
      }
      if (i.unit == Indicator::Unit::Persons) {
        if (i.person.empty()) out.errors.push_back({i.file, i.line, where + ": counts persons, so 'person' (the path to the person) is required"});
        else checkPath(where, i.from, i.person, i.line, i.file);
      }
      if (i.unit == Indicator::Unit::Distinct) {
        if (i.distinct.empty())
          out.errors.push_back({i.file, i.line, where + ": counts distinct values, so 'distinct' (the field) is required"});
        else checkPath(where, i.from, i.distinct, i.line, i.file);
        if (!i.breakdowns.empty())
          out.errors.push_back({i.file, i.line, where + ": a count of distinct values has no breakdowns (they would not add up)"});
      }
      if (i.unit == Indicator::Unit::Sum) {
        if (i.sum.empty()) out.errors.push_back({i.file, i.line, where + ": counts a sum, so 'sum' (a number field) is required"});
        else checkPath(where, i.from, i.sum, i.line, i.file);
      }
      if (!i.date.empty()) checkPath(where, i.from, i.date, i.line, i.file);
      for (const auto& f : i.where) checkFilter(where, i.from, f, i.file);
      for (const auto& b : i.breakdowns) {
        const auto* d = cat.dimension(b);
        if (!d) out.errors.push_back({i.file, i.line, where + ": unknown breakdown dimension '" + b + "'"});
        else if (d->kind != Dimension::Kind::Classes && !d->paths.count(i.from))
          out.errors.push_back({i.file, i.line, where + ": dimension '" + b + "' has no path for '" + i.from + "'"});
        else if (d->kind == Dimension::Kind::Age && i.date.empty())
          out.errors.push_back({i.file, i.line, where + ": an age breakdown needs the indicator's date (the age is taken then)"});
      }
    }
    // counted_by chains must not loop.
    for (const auto& [id, i] : cat.indicators) {
      std::set<std::string> seen{id};
      std::vector<std::string> stack{id};
      while (!stack.empty()) {
        const auto* cur = cat.indicator(stack.back());
        stack.pop_back();
        if (!cur) continue;
        for (const auto& f : cur->where)
          if (f.op == Filter::Op::CountedBy) {
            if (f.indicator == id) {
              out.errors.push_back({i.file, i.line, "indicator '" + id + "': counted_by leads back to itself"});
              stack.clear();
              break;
            }
            if (seen.insert(f.indicator).second) stack.push_back(f.indicator);
          }
      }
    }
    if (cat.records_from == 0) out.errors.push_back({"settings", 0, "settings.records_from is required"});
  }
};

}  // namespace

CatalogueLoad loadCatalogueTexts(const std::map<std::string, std::string>& files, const records::Schema& schema) {
  Loader l{schema, {}, {}};
  for (const auto& [name, text] : files) l.parse(name, text);
  l.check();
  return std::move(l.out);
}

CatalogueLoad loadCatalogue(const std::string& dir, const records::Schema& schema) {
  if (!std::filesystem::is_directory(dir)) {
    CatalogueLoad out;
    out.errors.push_back({dir, 0, "not a directory"});
    return out;
  }
  std::vector<FileError> read_errors;
  const auto files = yaml::readDir(dir, read_errors, false, (std::filesystem::path(dir) / "").string());
  auto out = loadCatalogueTexts(files, schema);
  out.errors.insert(out.errors.begin(), read_errors.begin(), read_errors.end());
  return out;
}

std::map<std::string, std::vector<std::string>> Catalogue::fieldsUsed(const records::Schema& schema) const {
  std::map<std::string, std::set<std::string>> used;
  auto addPath = [&](const std::string& from, const std::string& path) {
    if (from.empty() || path.empty()) return;
    // Every hop's reference field and the last field.
    std::string type = from;
    std::stringstream parts(path);
    std::string seg;
    while (std::getline(parts, seg, '.')) {
      used[type].insert(seg);
      const auto* t = schema.type(type);
      const auto* f = t ? t->field(seg) : nullptr;
      if (!f || f->type != records::FieldType::Reference) break;
      type = f->ref;
    }
  };
  std::function<void(const std::string&, const Filter&)> addFilter = [&](const std::string& from, const Filter& f) {
    addPath(from, f.path);
    if (!f.dimension.empty())
      if (const auto* d = dimension(f.dimension)) {
        auto it = d->paths.find(from);
        if (it != d->paths.end()) addPath(from, it->second);
        for (const auto& c : d->classes)
          for (const auto& cf : c.where) addFilter(from, cf);
      }
  };
  for (const auto& [id, i] : indicators) {
    if (!i.returns_from.empty())
      for (const auto& f : {std::string("state"), std::string("period_from"), std::string("period_to"), i.returns_value})
        used[i.returns_from].insert(f);
    if (i.from.empty()) continue;
    used[i.from];
    addPath(i.from, i.person);
    addPath(i.from, i.sum);
    addPath(i.from, i.distinct);
    addPath(i.from, i.date);
    for (const auto& f : i.where) addFilter(i.from, f);
    for (const auto& b : i.breakdowns)
      if (const auto* d = dimension(b)) {
        auto it = d->paths.find(i.from);
        if (it != d->paths.end()) addPath(i.from, it->second);
        for (const auto& c : d->classes)
          for (const auto& cf : c.where) addFilter(i.from, cf);
      }
  }
  // Every dimension on every counted register it has a path in, not only the indicators'
  // breakdowns: the cross-tabulations of the international returns break an indicator down by
  // any dimension that reaches its register (GLOTIP's prosecuted persons by citizenship, IC-TIP's
  // perpetrators by role); a column left out of the snapshot would read as "not recorded".
  for (const auto& [did, d] : dimensions)
    for (const auto& [from, path] : d.paths)
      if (used.count(from)) {
        addPath(from, path);
        for (const auto& c : d.classes)
          for (const auto& cf : c.where) addFilter(from, cf);
      }
  // Imported aggregates.
  if (schema.type("statistic_aggregate"))
    for (const char* f : {"indicator", "period_from", "period_to", "dimension", "category", "value", "qualifier", "source"})
      used["statistic_aggregate"].insert(f);
  std::map<std::string, std::vector<std::string>> out;
  for (auto& [t, fs] : used) out[t] = {fs.begin(), fs.end()};
  return out;
}

}  // namespace palermo::stats
