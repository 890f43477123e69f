#include "stats/report.hpp"

#include <fmt/format.h>
#include "core/yaml_files.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <regex>
#include <stdexcept>

#include "core/csv.hpp"
#include "records/schema.hpp"
#include "stats/disclosure.hpp"

namespace palermo::stats {

namespace {


const char* notRecorded(const std::string& lang) {
  if (lang == "en") return "not recorded";
  if (lang == "ru") return "не указано";
  return "qeyd olunmayıb";
}


}  // namespace

std::string formatNumber(double value, const std::string& lang, int decimals) {
  const bool negative = value < 0;
  const double scale = std::pow(10.0, decimals);
  const auto scaled = static_cast<long long>(std::llround(std::fabs(value) * scale));
  const long long whole = scaled / static_cast<long long>(scale);
  std::string digits = std::to_string(whole);
  const std::string group = lang == "en" ? "," : "\u00a0";  // az and ru group with a no-break space
  // Thousands are grouped from five digits on, as the reports write them ("6845", "11 564").
  std::string out;
  const int n = static_cast<int>(digits.size());
  for (int i = 0; i < n; ++i) {
    out += digits[static_cast<std::size_t>(i)];
    const int left = n - i - 1;
    if (n > 4 && left > 0 && left % 3 == 0) out += group;
  }
  if (decimals > 0) {
    const long long frac = scaled % static_cast<long long>(scale);
    out += (lang == "en" ? "." : ",") + fmt::format("{:0{}}", frac, decimals);
  }
  return negative ? "−" + out : out;
}

std::string categoryLabel(const Catalogue& catalogue, const records::Schema& schema, const std::string& dimension,
                          const std::string& code, const std::string& lang) {
  const Dimension* d = catalogue.dimension(dimension);
  if (!d) return code;
  if (d->kind == Dimension::Kind::Age)
    for (const auto& b : d->bands)
      if (b.code == code) return b.label.in(lang);
  if (d->kind == Dimension::Kind::Classes)
    for (const auto& c : d->classes)
      if (c.code == code) return c.label.in(lang);
  if (d->list == "country") {
    for (const auto& c : records::countryList())
      if (c["code"] == code) return c["label"][lang == "en" || lang == "ru" ? lang : "az"].get<std::string>();
    return code;
  }
  if (d->list == "boolean") return code;
  // A workflow state: the state's label in the register's workflow.
  for (const auto& [type, path] : d->paths)
    if (path == "state")
      if (const auto* t = schema.type(type); t && t->workflow)
        if (auto it = t->workflow->state_labels.find(code); it != t->workflow->state_labels.end()) return it->second.in(lang);
  if (const auto* l = schema.list(d->list))
    if (const auto* v = l->find(code)) return v->label.toJson()[lang == "en" || lang == "ru" ? lang : "az"].get<std::string>();
  return code;
}

ReportLayout loadReportLayout(const std::string& file, const Catalogue& catalogue) {
  ReportLayout layout;
  std::vector<FileError> errors;
  const auto parsed = yaml::load(file, errors);
  if (!parsed) throw std::runtime_error(errors.front().toString());
  const YAML::Node& root = *parsed;
  auto fail = [&](const YAML::Node& n, const std::string& message) {
    throw std::runtime_error(fmt::format("{}:{}: {}", file, n.Mark().line + 1, message));
  };
  auto text3 = [&](const YAML::Node& n) {
    if (const std::string m = yaml::textMistake(n); !m.empty()) fail(n, m);
    return yaml::texts(n);
  };
  layout.title = text3(root["title"]);
  layout.subtitle = text3(root["subtitle"]);
  for (const auto& s : root["sections"]) {
    ReportLayout::Section section;
    section.id = s["id"].as<std::string>();
    section.title = text3(s["title"]);
    for (const auto& i : s["items"]) {
      ReportLayout::Item item;
      if (i["figure"]) {
        item.figure = i["figure"].as<std::string>();
        const Indicator* ind = catalogue.indicator(item.figure);
        if (!ind) fail(i, "unknown indicator '" + item.figure + "'");
        for (const auto& b : i["show"]) {
          item.show.push_back(b.as<std::string>());
          if (std::find(ind->breakdowns.begin(), ind->breakdowns.end(), item.show.back()) == ind->breakdowns.end())
            fail(i, "indicator '" + item.figure + "' has no breakdown '" + item.show.back() + "'");
        }
        item.sentence = text3(i["sentence"]);
        if (i["from_year"]) item.from_year = i["from_year"].as<int>();
        // Placeholders must name breakdowns the indicator has.
        static const std::regex cells(R"(\{cells?:([a-z_0-9]+)(?::[A-Za-z_0-9]+)?\})");
        for (const auto* t : {&item.sentence.az, &item.sentence.en, &item.sentence.ru})
          for (std::sregex_iterator m(t->begin(), t->end(), cells), end; m != end; ++m)
            if (std::find(ind->breakdowns.begin(), ind->breakdowns.end(), (*m)[1].str()) == ind->breakdowns.end())
              fail(i, "sentence of '" + item.figure + "' names breakdown '" + (*m)[1].str() + "' the indicator does not have");
      } else if (const auto l = i["list"]) {
        ReportLayout::Item::List list;
        for (auto [field, key] : {std::pair{&list.from, "from"}, {&list.date, "date"}, {&list.title, "title"}, {&list.number, "number"}})
          if (l[key]) *field = l[key].as<std::string>();
        if (list.from.empty() || list.date.empty() || list.title.empty())
          fail(i, "a list names its register (from), date field and title field");
        item.list = list;
        item.text = text3(i["text"]);
        if (item.text.empty()) fail(i, "a list says what to print when there is nothing (text:)");
      } else {
        item.text = text3(i["text"]);
        if (item.text.empty()) fail(i, "an item has either figure:, list: or text:");
      }
      section.items.push_back(std::move(item));
    }
    for (const auto& c : s["charts"]) {
      ReportLayout::Chart chart;
      chart.kind = c["kind"].as<std::string>();
      chart.figure = c["figure"].as<std::string>();
      if (!catalogue.indicator(chart.figure)) fail(c, "unknown indicator '" + chart.figure + "'");
      if (c["breakdown"]) chart.breakdown = c["breakdown"].as<std::string>();
      if (c["from_year"]) chart.from_year = c["from_year"].as<int>();
      if (chart.kind != "bars" && chart.kind != "trend") fail(c, "chart kind must be bars or trend");
      if (chart.kind == "bars" && chart.breakdown.empty()) fail(c, "a bars chart needs a breakdown");
      chart.title = text3(c["title"]);
      section.charts.push_back(std::move(chart));
    }
    layout.sections.push_back(std::move(section));
  }
  return layout;
}

// ---- Disclosure control (src/stats/disclosure.*) ------------------------------------------

namespace {

// The symbol of a hidden cell: never "<5" (a cell hidden to protect another may be large).
constexpr const char* kHidden = "x";

std::string display(double v, bool hidden, const std::string& lang, int decimals) {
  if (hidden) return kHidden;
  return formatNumber(v, lang, decimals);
}

// The previous period as published beside a figure: its total only.
Figure totalOnly(const Figure& f) {
  Figure t = f;
  t.breakdowns.clear();
  return t;
}

}  // namespace

bool isMoney(const Indicator& ind, const records::Schema& schema) {
  if (ind.unit != Indicator::Unit::Sum || ind.from.empty() || ind.sum.empty()) return false;
  const auto end = resolvePath(schema, ind.from, ind.sum);
  if (end.type.empty()) return false;
  const auto* type = schema.type(end.type);
  const auto* field = type ? type->field(end.field) : nullptr;
  return field && field->type == records::FieldType::Money;
}

bool subjectToThreshold(const Indicator& ind, const records::Schema& schema) {
  if (ind.unit == Indicator::Unit::Ratio) return false;
  return !isMoney(ind, schema);
}

void addToDisclosure(sdc::Tables& tables, const Figure& figure, const Figure* previous, const Catalogue& catalogue,
                     const records::Schema& schema) {
  const Indicator* ind = catalogue.indicator(figure.indicator);
  if (!ind || ind->unit == Indicator::Unit::Ratio) return;
  const bool protect = subjectToThreshold(*ind, schema);
  sdc::addFigure(tables, figure, catalogue, true, protect);
  if (previous) sdc::addFigure(tables, totalOnly(*previous), catalogue, true, protect);
}

Json publishFigure(const Figure& fig, const Figure* prev, const Catalogue& cat, const records::Schema& schema,
                   const ReportOptions& opt, const sdc::Tables* decided) {
  const Indicator* ind = cat.indicator(fig.indicator);
  const bool sdc = !opt.restricted;
  // A figure published alone (the dashboard, the API) is protected with its previous period.
  sdc::Tables local;
  if (sdc && !decided) {
    addToDisclosure(local, fig, prev, cat, schema);
    sdc::protect(local, cat.disclosure_threshold);
    decided = &local;
  }
  auto hidden = [&](const std::string& key) {
    if (!sdc || !decided) return false;
    const int i = decided->find(key);
    return i >= 0 && decided->cells()[static_cast<std::size_t>(i)].hidden;
  };
  // Amounts are kept in qəpik and shown in manat.
  const bool money = isMoney(*ind, schema);
  const double scale = money ? 0.01 : 1.0;
  auto decimalsOf = [&](double v) {
    if (ind->unit == Indicator::Unit::Ratio) return ind->decimals;
    return money && std::fmod(v, 100.0) != 0 ? 2 : 0;
  };
  const std::string period = fig.period.toString();
  Json out;
  out["indicator"] = fig.indicator;
  out["version"] = fig.version;
  out["label"] = ind->label.in(opt.lang);
  out["unit"] = ind->unit_label.in(opt.lang);
  out["counts"] = countsName(ind->unit);
  if (money) out["currency"] = "AZN";
  out["register"] = ind->from;
  out["definition"] = ind->definition.in(opt.lang);
  out["period"] = period;
  out["imported"] = fig.imported != 0;
  out["available"] = fig.available;
  out["from_records"] = fig.from_records * scale;
  out["imported_value"] = fig.imported * scale;
  out["from_returns"] = fig.from_returns * scale;
  if (!ind->returns_from.empty()) out["returns_register"] = ind->returns_from;
  if (!fig.qualifier.empty()) out["qualifier"] = fig.qualifier;
  out["sources"] = fig.sources;
  const bool total_hidden = hidden(sdc::cellKey(fig.indicator, period));
  // Breakdowns.
  Json breakdowns = Json::array();
  for (const auto& b : fig.breakdowns) {
    Json cells = Json::array();
    auto cellJson = [&](const std::string& code, double value, bool imported) {
      const bool h = hidden(sdc::cellKey(fig.indicator, period, b.dimension, code));
      Json cell = {{"code", code},
                   {"label", code.empty() ? notRecorded(opt.lang) : categoryLabel(cat, schema, b.dimension, code, opt.lang)},
                   {"value", h ? Json(nullptr) : Json(value * scale)},
                   {"display", display(value * scale, h, opt.lang, decimalsOf(value))},
                   {"suppressed", h}};
      if (imported) cell["imported"] = true;
      return cell;
    };
    for (const auto& c : b.cells) cells.push_back(cellJson(c.code, c.value, c.imported));
    // (a zero is never hidden: "not recorded" is shown when there is any)
    Json nr = b.not_recorded > 0 ? cellJson("", b.not_recorded, false) : Json(nullptr);
    const Dimension* d = cat.dimension(b.dimension);
    // Value lists keep their own order; countries and free codes go largest first.
    if (d && d->kind == Dimension::Kind::Value && (d->list == "country" || d->list.empty())) {
      std::stable_sort(cells.begin(), cells.end(), [](const Json& a, const Json& c) {
        const double av = a["value"].is_null() ? 0 : a["value"].get<double>();
        const double cv = c["value"].is_null() ? 0 : c["value"].get<double>();
        return av > cv;
      });
    } else if (d && d->kind == Dimension::Kind::Value) {
      if (const auto* l = schema.list(d->list)) {
        auto pos = [&](const Json& c) {
          for (std::size_t i = 0; i < l->values.size(); ++i)
            if (l->values[i].code == c["code"]) return i;
          return l->values.size();
        };
        std::stable_sort(cells.begin(), cells.end(), [&](const Json& a, const Json& c) { return pos(a) < pos(c); });
      }
    }
    breakdowns.push_back({{"dimension", b.dimension},
                          {"label", d ? d->label.in(opt.lang) : b.dimension},
                          {"additive", b.additive},
                          {"cells", cells},
                          {"not_recorded", nr}});
  }
  out["suppressed"] = total_hidden;
  out["value"] = total_hidden ? Json(nullptr) : Json(fig.value * scale);
  out["display"] = display(fig.value * scale, total_hidden, opt.lang, decimalsOf(fig.value));
  out["breakdowns"] = breakdowns;
  // The change on the previous period.
  if (prev && prev->available) {
    const bool prev_hidden = hidden(sdc::cellKey(prev->indicator, prev->period.toString()));
    Json p = {{"period", prev->period.toString()},
              {"value", prev_hidden ? Json(nullptr) : Json(prev->value * scale)},
              {"display", display(prev->value * scale, prev_hidden, opt.lang, decimalsOf(prev->value))},
              {"imported", prev->imported != 0}};
    out["previous"] = p;
    if (!prev_hidden && !total_hidden) {
      const double diff = (fig.value - prev->value) * scale;
      Json change = {{"absolute", diff}};
      std::string d = (diff > 0 ? "+" : diff < 0 ? "−" : "±") +
                      formatNumber(std::fabs(diff), opt.lang, decimalsOf(fig.value - prev->value));
      if (prev->value > 0) {
        const double pct = std::round((fig.value - prev->value) * 1000.0 / prev->value) / 10.0;
        change["percent"] = pct;
        if (ind->unit != Indicator::Unit::Ratio)
          d += ", " + std::string(pct > 0 ? "+" : pct < 0 ? "−" : "±") + formatNumber(std::fabs(pct), opt.lang, 1) + "%";
      }
      change["display"] = d;
      out["change"] = change;
    }
  }
  return out;
}

namespace {

std::string qualified(const Json& fig, const std::string& lang) {
  std::string v = fig["display"].get<std::string>();
  if (!fig.contains("qualifier")) return v;
  const std::string q = fig["qualifier"];
  if (q == "about") return (lang == "en" ? "about " : lang == "ru" ? "около " : "təxminən ") + v;
  if (q == "over") return (lang == "en" ? "more than " : lang == "ru" ? "более " : "") + v + (lang == "az" ? "-dən çox" : "");
  if (q == "under") return (lang == "en" ? "fewer than " : lang == "ru" ? "менее " : "") + v + (lang == "az" ? "-dən az" : "");
  return v;
}

std::string cellsText(const Json& fig, const std::string& dim) {
  for (const auto& b : fig["breakdowns"]) {
    if (b["dimension"] != dim) continue;
    std::string out;
    for (const auto& c : b["cells"]) {
      if (!c["value"].is_null() && c["value"].get<double>() == 0) continue;
      if (!out.empty()) out += ", ";
      out += c["label"].get<std::string>() + " " + c["display"].get<std::string>();
    }
    if (!b["not_recorded"].is_null()) {
      if (!out.empty()) out += ", ";
      out += b["not_recorded"]["label"].get<std::string>() + ": " + b["not_recorded"]["display"].get<std::string>();
    }
    return out;
  }
  return "";
}

std::string cellText(const Json& fig, const std::string& dim, const std::string& code) {
  for (const auto& b : fig["breakdowns"]) {
    if (b["dimension"] != dim) continue;
    for (const auto& c : b["cells"])
      if (c["code"] == code) return c["display"];
    return "0";
  }
  return "0";
}

std::string changeText(const Json& fig, const std::string& lang) {
  if (!fig.contains("previous")) return "";
  const auto& p = fig["previous"];
  const std::string year = p["period"];
  std::string s;
  if (lang == "en") s = " (" + year + ": " + p["display"].get<std::string>();
  else if (lang == "ru") s = " (" + year + " г.: " + p["display"].get<std::string>();
  else s = " (" + year + "-ci il: " + p["display"].get<std::string>();
  if (fig.contains("change")) s += "; " + fig["change"]["display"].get<std::string>();
  return s + ")";
}

std::string render(const std::string& tmpl, const Json& fig, const std::string& lang, int year) {
  static const std::regex ph(R"(\{([a-z_]+)(?::([A-Za-z_0-9]+))?(?::([A-Za-z_0-9]+))?\})");
  std::string out;
  auto begin = tmpl.cbegin();
  for (std::sregex_iterator m(tmpl.begin(), tmpl.end(), ph), end; m != end; ++m) {
    out.append(begin, tmpl.cbegin() + m->position());
    const std::string name = (*m)[1];
    if (name == "value") out += qualified(fig, lang);
    else if (name == "change") out += changeText(fig, lang);
    else if (name == "year") out += std::to_string(year);
    else if (name == "prev_year") out += std::to_string(year - 1);
    else if (name == "period") {
      std::string p = fig.value("period", std::to_string(year));
      if (auto dots = p.find(".."); dots != std::string::npos) p.replace(dots, 2, "–");
      out += p;
    }
    else if (name == "cells") {
      // A breakdown with nothing in it says so rather than leaving "by sector — ;".
      const std::string cells = cellsText(fig, (*m)[2]);
      out += cells.empty() ? (lang == "en" ? "none" : lang == "ru" ? "нет" : "yoxdur") : cells;
    }
    else if (name == "cell") out += cellText(fig, (*m)[2], (*m)[3]);
    else if (name == "unit") out += fig["unit"].get<std::string>();
    else out += m->str();
    begin = tmpl.cbegin() + m->position() + m->length();
  }
  out.append(begin, tmpl.cend());
  return out;
}

}  // namespace

sdc::AuditResult auditPublished(const Json& report, const sdc::Tables& truth, const Catalogue& cat,
                                const records::Schema& schema) {
  sdc::Tables seen = truth;  // the same cells, true values and relations
  for (auto& c : seen.cells()) c.shown = c.hidden = false;
  std::vector<std::string> false_statements;
  const int k = cat.disclosure_threshold;
  auto mark = [&](const std::string& key, const Json& value, const Json& display, double scale) {
    const int i = seen.find(key);
    if (i < 0) return;  // a ratio, or a figure with no data: not a count
    auto& c = seen.cells()[static_cast<std::size_t>(i)];
    c.shown = true;
    const double truth_value = c.value * scale;
    if (value.is_null()) {
      c.hidden = true;
    } else if (std::fabs(value.get<double>() - truth_value) > 1e-9 * std::max(1.0, std::fabs(truth_value))) {
      false_statements.push_back(key + " is shown as " + value.dump() + " but is " + formatNumber(truth_value, "en", 2));
    }
    const std::string d = display.is_string() ? display.get<std::string>() : "";
    if (!d.empty() && d[0] == '<' && !(c.value > 0 && c.value < k))
      false_statements.push_back(key + " is shown as " + d + " but is not below " + std::to_string(k));
  };
  for (const auto& [fkey, fig] : report["figures"].items()) {
    const Indicator* ind = cat.indicator(fig["indicator"].get<std::string>());
    if (!ind) continue;
    const double scale = isMoney(*ind, schema) ? 0.01 : 1.0;
    const std::string id = fig["indicator"], period = fig["period"];
    mark(sdc::cellKey(id, period), fig["value"], fig["display"], scale);
    for (const auto& b : fig["breakdowns"]) {
      const std::string dim = b["dimension"];
      for (const auto& c : b["cells"]) mark(sdc::cellKey(id, period, dim, c["code"]), c["value"], c["display"], scale);
      if (!b["not_recorded"].is_null())
        mark(sdc::cellKey(id, period, dim, ""), b["not_recorded"]["value"], b["not_recorded"]["display"], scale);
    }
    if (fig.contains("previous"))
      mark(sdc::cellKey(id, fig["previous"]["period"]), fig["previous"]["value"], fig["previous"]["display"], scale);
  }
  for (const auto& section : report["sections"])
    for (const auto& chart : section["charts"]) {
      if (chart["kind"] != "trend") continue;
      const Indicator* ind = cat.indicator(chart["figure"].get<std::string>());
      if (!ind) continue;
      const double scale = isMoney(*ind, schema) ? 0.01 : 1.0;
      for (const auto& point : chart["series"])
        mark(sdc::cellKey(chart["figure"], point["label"]), point["value"], point["display"], scale);
    }
  auto result = sdc::audit(seen, k);
  result.false_statements = std::move(false_statements);
  result.ok = result.ok && result.false_statements.empty();
  return result;
}

namespace {

// The public edition's footnote on "x".
std::string hiddenNote(int threshold, const std::string& lang) {
  const std::string k = std::to_string(threshold);
  if (lang == "en")
    return "Public edition: x — not published, to protect the persons counted: the value is below " + k +
           ", or it would let such a value be worked out from the other figures of this report.";
  if (lang == "ru")
    return "Публичное издание: x — не публикуется для защиты учтённых лиц: значение меньше " + k +
           " или по нему можно вычислить такое значение из других показателей доклада.";
  return "İctimai nəşr: x — hesaba alınan şəxsləri qorumaq üçün dərc edilmir: dəyər " + k +
         "-dən kiçikdir və ya hesabatın digər rəqəmlərindən belə bir dəyəri hesablamağa imkan verir.";
}

}  // namespace

Json buildReport(const ReportLayout& layout, Evaluator& ev, const Catalogue& cat, const records::Schema& schema,
                 const ReportOptions& opt) {
  const auto started = std::chrono::steady_clock::now();
  const Period period = Period::year(opt.year), previous = period.previous();
  auto keyOf = [&](const std::string& id, int from_year) {
    return from_year ? id + "@" + std::to_string(from_year) + ".." + std::to_string(opt.year) : id;
  };
  auto trendFirst = [&](const ReportLayout::Chart& c) { return c.from_year ? c.from_year : opt.year - 9; };

  // 1. Everything the report publishes, evaluated: figures of the year with the year before,
  //    multi-year totals, the years of every trend.
  struct Evaluated {
    Figure current;
    Figure prev;
    bool has_prev = false;
    int from_year = 0;
  };
  std::map<std::string, Evaluated> evaluated;
  {
    // Every figure the report reads, first evaluated in parallel (the evaluator remembers
    // them; the steps below then read them in their order): the year and the year before with
    // their breakdowns, then the totals of multi-year figures and trends, year by year.
    std::vector<FigureRequest> wanted, totals;
    for (const auto& s : layout.sections) {
      auto add = [&](const std::string& id, int from_year, int first_year) {
        if (from_year) {
          totals.push_back({id, Period::years(from_year, opt.year), false});
        } else {
          wanted.push_back({id, period, true});
          wanted.push_back({id, previous, true});
        }
        for (int y = first_year; y && y <= opt.year; ++y) totals.push_back({id, Period::year(y), false});
      };
      for (const auto& item : s.items)
        if (!item.figure.empty()) add(item.figure, item.from_year, item.from_year);
      for (const auto& c : s.charts) add(c.figure, 0, c.kind == "trend" ? trendFirst(c) : 0);
    }
    wanted.insert(wanted.end(), totals.begin(), totals.end());
    std::vector<FigureRequest> known;
    for (auto& r : wanted)
      if (cat.indicator(r.indicator)) known.push_back(std::move(r));
    ev.evaluateAll(known);
  }
  auto need = [&](const std::string& id, int from_year) {
    const std::string key = keyOf(id, from_year);
    if (evaluated.count(key)) return;
    Evaluated e;
    e.from_year = from_year;
    if (from_year) {
      e.current = ev.evaluate(id, Period::years(from_year, opt.year), false);
    } else {
      e.current = ev.evaluate(id, period);
      e.prev = ev.evaluate(id, previous);
      e.has_prev = true;
    }
    evaluated.emplace(key, std::move(e));
  };
  for (const auto& s : layout.sections) {
    for (const auto& item : s.items)
      if (!item.figure.empty()) need(item.figure, item.from_year);
    for (const auto& c : s.charts) need(c.figure, 0);
  }

  // 2. Disclosure control over the whole publication: cells shared by several parts (a total in
  //    its sentence and in a trend, last year's total beside this year's) are one cell.
  sdc::Tables tables;
  if (!opt.restricted) {
    for (const auto& [key, e] : evaluated) {
      const Indicator* ind = cat.indicator(e.current.indicator);
      if (!ind || ind->unit == Indicator::Unit::Ratio) continue;
      if (e.from_year) {
        std::vector<Figure> years;
        for (int y = e.from_year; y <= opt.year; ++y) years.push_back(ev.evaluate(ind->id, Period::year(y), false));
        sdc::addYears(tables, e.current, years, cat, subjectToThreshold(*ind, schema));
      } else {
        addToDisclosure(tables, e.current, e.has_prev ? &e.prev : nullptr, cat, schema);
      }
    }
    for (const auto& s : layout.sections)
      for (const auto& c : s.charts) {
        const Indicator* ind = cat.indicator(c.figure);
        if (c.kind != "trend" || !ind || ind->unit == Indicator::Unit::Ratio) continue;
        for (int y = trendFirst(c); y <= opt.year; ++y)
          // (the evaluator may hand back a figure it computed with breakdowns: the trend shows totals)
          sdc::addFigure(tables, totalOnly(ev.evaluate(c.figure, Period::year(y), false)), cat, true,
                         subjectToThreshold(*ind, schema));
      }
    sdc::protect(tables, cat.disclosure_threshold);
  }
  const sdc::Tables* decided = opt.restricted ? nullptr : &tables;

  // 3. Published.
  Json figures = Json::object();
  auto figure = [&](const std::string& id, int from_year = 0) -> const Json& {
    const std::string key = keyOf(id, from_year);
    auto it = figures.find(key);
    if (it != figures.end()) return *it;
    const auto& e = evaluated.at(key);
    figures[key] = publishFigure(e.current, e.has_prev ? &e.prev : nullptr, cat, schema, opt, decided);
    return figures[key];
  };
  Json sections = Json::array();
  for (const auto& s : layout.sections) {
    Json paragraphs = Json::array();
    std::vector<std::string> missing;  // figures without records or imported aggregates for the year
    for (const auto& item : s.items) {
      if (item.list) {
        const auto& l = *item.list;
        std::vector<Json> rows;
        if (opt.records)
          rows = opt.records(l.from, l.date, std::to_string(opt.year) + "-01-01", std::to_string(opt.year) + "-12-31");
        for (const auto& r : rows) {
          std::string title = r.value(l.title + "_" + opt.lang, std::string());
          if (title.empty()) title = r.value(l.title + "_az", r.value(l.title, std::string()));
          const std::string day = r.value(l.date, std::string());
          std::string text = (day.size() == 10 ? day.substr(8, 2) + "." + day.substr(5, 2) + "." + day.substr(0, 4) : day) +
                             " — " + title;
          if (!l.number.empty() && r.contains(l.number) && r[l.number].is_string())
            text += " (№ " + r[l.number].get<std::string>() + ")";
          paragraphs.push_back({{"text", text}, {"register", l.from}});
        }
        if (rows.empty()) paragraphs.push_back({{"text", render(item.text.in(opt.lang), Json::object(), opt.lang, opt.year)}});
        continue;
      }
      if (item.figure.empty()) {
        paragraphs.push_back({{"text", render(item.text.in(opt.lang), Json::object(), opt.lang, opt.year)}});
        continue;
      }
      const Json& fig = figure(item.figure, item.from_year);
      if (!fig["available"].get<bool>()) {
        missing.push_back(fig["label"].get<std::string>());
        continue;
      }
      std::string text = item.sentence.empty()
                             ? fig["label"].get<std::string>() + ": " + qualified(fig, opt.lang) + changeText(fig, opt.lang) + "."
                             : render(item.sentence.in(opt.lang), fig, opt.lang, opt.year);
      // A sentence starts with a capital, but "x" (hidden) stays the symbol it is.
      if (!text.empty() && text[0] >= 'a' && text[0] <= 'z' && text.rfind(std::string(kHidden) + " ", 0) != 0)
        text[0] = static_cast<char>(text[0] - 'a' + 'A');
      paragraphs.push_back(
          {{"text", text}, {"figure", keyOf(item.figure, item.from_year)}, {"show", item.show}, {"imported", fig["imported"]}});
    }
    if (!missing.empty()) {
      std::string t = opt.lang == "en"   ? "No figures for " + std::to_string(opt.year) + ": "
                      : opt.lang == "ru" ? "Нет данных за " + std::to_string(opt.year) + " год: "
                                         : std::to_string(opt.year) + "-ci il üzrə məlumat yoxdur: ";
      for (std::size_t k = 0; k < missing.size(); ++k) t += (k ? "; " : "") + missing[k];
      paragraphs.push_back({{"text", t + "."}, {"missing", missing}});
    }
    Json charts = Json::array();
    for (const auto& c : s.charts) {
      const Json& fig = figure(c.figure);
      Json series = Json::array();
      if (c.kind == "bars") {
        for (const auto& b : fig["breakdowns"])
          if (b["dimension"] == c.breakdown) {
            for (const auto& cell : b["cells"])
              if (cell["value"].is_null() || cell["value"].get<double>() > 0)
                series.push_back({{"label", cell["label"]}, {"value", cell["value"]}, {"display", cell["display"]}});
            if (!b["not_recorded"].is_null())
              series.push_back({{"label", b["not_recorded"]["label"]}, {"value", b["not_recorded"]["value"]},
                                {"display", b["not_recorded"]["display"]}});
          }
      } else {
        for (int y = trendFirst(c); y <= opt.year; ++y) {
          const Figure f = ev.evaluate(c.figure, Period::year(y), false);
          const Json pub = publishFigure(f, nullptr, cat, schema, opt, decided);
          series.push_back({{"label", std::to_string(y)}, {"value", pub["value"]}, {"display", pub["display"]},
                            {"imported", f.imported != 0 && f.from_records == 0}});
        }
      }
      charts.push_back({{"kind", c.kind}, {"figure", c.figure}, {"title", c.title.in(opt.lang)}, {"series", series}});
    }
    sections.push_back({{"id", s.id}, {"title", s.title.in(opt.lang)}, {"paragraphs", paragraphs}, {"charts", charts}});
  }
  Json report;
  report["report"] = "annual";
  report["year"] = opt.year;
  report["lang"] = opt.lang;
  report["edition"] = opt.restricted ? "restricted" : "public";
  report["disclosure_threshold"] = cat.disclosure_threshold;
  report["title"] = render(layout.title.in(opt.lang), Json::object(), opt.lang, opt.year);
  report["subtitle"] = render(layout.subtitle.in(opt.lang), Json::object(), opt.lang, opt.year);
  report["sections"] = sections;
  report["figures"] = figures;
  report["notes"] = {
      {"imported", opt.lang == "en"   ? "Figures marked * are imported aggregates (years before the records, or registers not kept in the system)."
                   : opt.lang == "ru" ? "Показатели со знаком * — импортированные агрегаты (годы до ведения записей или реестры вне системы)."
                                      : "* ilə işarələnmiş göstəricilər idxal edilmiş məcmu rəqəmlərdir (qeydlərdən əvvəlki illər və ya sistemdə aparılmayan reyestrlər)."},
      {"edition", opt.restricted
                      ? (opt.lang == "en" ? "Restricted edition: exact values, for authorised use only."
                         : opt.lang == "ru" ? "Служебное издание: точные значения, только для уполномоченных."
                                            : "Xidməti nəşr: dəqiq dəyərlər, yalnız səlahiyyətli şəxslər üçün.")
                      : hiddenNote(cat.disclosure_threshold, opt.lang)}};
  if (!opt.restricted) {
    const auto audit = auditPublished(report, tables, cat, schema);
    report["disclosure_audit"] = audit.toJson();
    if (!audit.ok) {
      std::string why = audit.false_statements.empty() ? "" : " " + audit.false_statements.front();
      if (!audit.too_narrow.empty()) why += " cell " + audit.too_narrow.front().key + " can be narrowed to [" +
                                           formatNumber(audit.too_narrow.front().low, "en") + ", " +
                                           formatNumber(audit.too_narrow.front().high, "en") + "]";
      throw std::runtime_error("the public edition failed its disclosure audit; it is not published:" + why);
    }
  }
  report["compute_ms"] = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return report;
}

std::string renderCsv(const Json& report) {
  auto q = [](const std::string& s) { return csv::safeCell(s); };
  auto num = [](const Json& v) { return v.is_null() ? std::string() : fmt::format("{}", v.get<double>()); };
  std::string out = "indicator,version,period,counts,dimension,category,value,display,suppressed,imported,label\r\n";
  for (const auto& figure : report["figures"].items()) {
    const std::string& id = figure.key();
    const Json& f = figure.value();
    out += fmt::format("{},{},{},{},,,{},{},{},{},{}\r\n", id, f["version"].get<int>(), f["period"].get<std::string>(),
                       f["counts"].get<std::string>(), num(f["value"]), q(f["display"]), f["suppressed"].get<bool>(),
                       f["imported"].get<bool>(), q(f["label"]));
    for (const auto& b : f["breakdowns"]) {
      auto row = [&](const Json& c) {
        out += fmt::format("{},{},{},{},{},{},{},{},{},{},{}\r\n", id, f["version"].get<int>(), f["period"].get<std::string>(),
                           f["counts"].get<std::string>(), b["dimension"].get<std::string>(),
                           c["code"].get<std::string>().empty() ? "not_recorded" : c["code"].get<std::string>(),
                           num(c["value"]), q(c["display"]), c["suppressed"].get<bool>(), c.value("imported", false),
                           q(c["label"]));
      };
      for (const auto& c : b["cells"]) row(c);
      if (!b["not_recorded"].is_null()) row(b["not_recorded"]);
    }
  }
  return out;
}

}  // namespace palermo::stats
