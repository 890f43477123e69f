#include "rules/rulebook.hpp"

#include <fmt/format.h>
#include "core/yaml_files.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <optional>
#include <set>
#include <stdexcept>

#include "core/error.hpp"
#include "store/store.hpp"

namespace palermo::rules {

namespace {

Translated labelsOf(const YAML::Node& n) {
  Translated l;
  if (const std::string m = yaml::textMistake(n); !m.empty())
    throw std::runtime_error("line " + std::to_string(yaml::lineOf(n, 1)) + ": " + m);
  if (!n || !n.IsMap()) return l;
  if (n["az"]) l.az = n["az"].as<std::string>();
  if (n["en"]) l.en = n["en"].as<std::string>();
  if (n["ru"]) l.ru = n["ru"].as<std::string>();
  return l;
}

const char* strengthLetter(Strength s) { return s == Strength::Strong ? "S" : s == Strength::Medium ? "M" : "W"; }

void checkKeys(const YAML::Node& n, std::initializer_list<const char*> allowed, const std::string& what) {
  for (const auto& kv : n) {
    const auto key = kv.first.as<std::string>();
    if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; }))
      throw std::runtime_error("unknown key '" + key + "' in " + what);
  }
}

Ruleset loadRuleset(const YAML::Node& root, const std::string& file) {
  checkKeys(root, {"ruleset", "version", "label", "source", "lists", "dimensions"}, "the ruleset");
  Ruleset rs;
  rs.file = file;
  rs.id = root["ruleset"].as<std::string>();
  rs.version = root["version"] ? root["version"].as<int>() : 1;
  rs.label = labelsOf(root["label"]);
  rs.source = root["source"] ? root["source"].as<std::string>() : "";
  std::set<std::string> list_codes;
  for (const auto& l : root["lists"]) {
    checkKeys(l, {"code", "audience", "exploitation", "label"}, "a list");
    IndicatorList il;
    il.code = l["code"].as<std::string>();
    const auto audience = l["audience"].as<std::string>();
    if (audience != "adult" && audience != "child") throw std::runtime_error("list " + il.code + ": audience is adult or child");
    il.child = audience == "child";
    il.exploitation = l["exploitation"].as<std::string>();
    il.label = labelsOf(l["label"]);
    list_codes.insert(il.code);
    rs.lists.push_back(std::move(il));
  }
  std::set<std::string> codes;
  for (const auto& d : root["dimensions"]) {
    checkKeys(d, {"number", "code", "label", "label_by_list", "indicators"}, "a dimension");
    Dimension dim;
    dim.number = d["number"].as<int>();
    dim.code = d["code"].as<std::string>();
    dim.label = labelsOf(d["label"]);
    if (d["label_by_list"])
      for (const auto& kv : d["label_by_list"]) dim.label_by_list[kv.first.as<std::string>()] = labelsOf(kv.second);
    for (const auto& i : d["indicators"]) {
      checkKeys(i, {"code", "label", "grades"}, "an indicator");
      Indicator ind;
      ind.code = i["code"].as<std::string>();
      if (!codes.insert(ind.code).second) throw std::runtime_error("indicator code " + ind.code + " appears twice");
      ind.label = labelsOf(i["label"]);
      for (const auto& g : i["grades"]) {
        const auto list = g.first.as<std::string>();
        const auto grade = g.second.as<std::string>();
        if (!list_codes.count(list)) throw std::runtime_error("indicator " + ind.code + " grades unknown list " + list);
        if (grade != "S" && grade != "M" && grade != "W")
          throw std::runtime_error("indicator " + ind.code + ": grade must be S, M or W");
        ind.grades[list] = grade == "S" ? Strength::Strong : grade == "M" ? Strength::Medium : Strength::Weak;
      }
      dim.indicators.push_back(std::move(ind));
    }
    rs.dimensions.push_back(std::move(dim));
  }
  std::sort(rs.dimensions.begin(), rs.dimensions.end(),
            [](const Dimension& a, const Dimension& b) { return a.number < b.number; });
  if (rs.dimensions.size() != 6) throw std::runtime_error("a ruleset has the six dimensions of the definition");
  for (int n = 1; n <= 6; ++n)
    if (rs.dimensions[n - 1].number != n) throw std::runtime_error("dimensions are numbered 1 to 6");
  return rs;
}

RateTable loadRates(const YAML::Node& root) {
  checkKeys(root, {"rate_table", "label", "rates"}, "the rate table");
  RateTable t;
  t.name = root["rate_table"].as<std::string>();
  t.label = labelsOf(root["label"]);
  for (const auto& r : root["rates"]) {
    checkKeys(r, {"from", "amount", "basis"}, "a rate");
    Rate rate;
    rate.from = r["from"] ? r["from"].as<std::string>() : "";
    rate.amount = r["amount"].as<int64_t>();
    rate.basis = r["basis"] ? r["basis"].as<std::string>() : "";
    if (!t.rates.empty() && rate.from <= t.rates.back().from)
      throw std::runtime_error("rates of " + t.name + " must be in increasing 'from' order, only the first without it");
    t.rates.push_back(std::move(rate));
  }
  if (t.rates.empty()) throw std::runtime_error("rate table " + t.name + " has no rates");
  return t;
}

// The dimension rule: 2 strong; or 1 strong + 1 medium or weak; or 3 medium; or 2 medium + 1 weak.
bool dimensionPositive(int s, int m, int w) { return s >= 2 || (s >= 1 && m + w >= 1) || m >= 3 || (m >= 2 && w >= 1); }

// Adults: recruitment (1, 2 or 3) and exploitation (4) and means at destination (5 or 6).
// Children: recruitment and exploitation; the means are not required.
bool victimRule(const std::vector<bool>& p, bool child) {
  const bool recruitment = p[0] || p[1] || p[2];
  return child ? recruitment && p[3] : recruitment && p[3] && (p[4] || p[5]);
}

int64_t nowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string nowIso() { return records::utcTimestamp(nowMillis(), false); }

}  // namespace

const IndicatorList* Ruleset::list(bool child, const std::string& exploitation) const {
  for (const auto& l : lists)
    if (l.child == child && l.exploitation == exploitation) return &l;
  return nullptr;
}

Json Ruleset::toJson(const std::string& list_code) const {
  Json dims = Json::array();
  for (const auto& d : dimensions) {
    Json inds = Json::array();
    for (const auto& i : d.indicators)
      if (auto g = i.grades.find(list_code); g != i.grades.end())
        inds.push_back({{"code", i.code}, {"label", i.label.toJson()}, {"grade", strengthLetter(g->second)}});
    auto lb = d.label_by_list.find(list_code);
    dims.push_back({{"number", d.number},
                    {"code", d.code},
                    {"label", (lb != d.label_by_list.end() ? lb->second : d.label).toJson()},
                    {"indicators", inds}});
  }
  return {{"ruleset", key()}, {"list", list_code}, {"label", label.toJson()}, {"source", source}, {"dimensions", dims}};
}

const Rate* RateTable::on(const std::string& date) const {
  const Rate* found = nullptr;
  for (const auto& r : rates)
    if (r.from.empty() || r.from <= date) found = &r;
  return found;
}

RuleBook RuleBook::load(const std::string& dir, std::vector<FileError>& errors) {
  RuleBook book;
  namespace fs = std::filesystem;
  auto each = [&](const std::string& sub, auto&& fn) {
    const fs::path p = fs::path(dir) / sub;
    if (!fs::is_directory(p)) return;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(p))
      if (e.path().extension() == ".yaml" || e.path().extension() == ".yml") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      try {
        if (const auto root = yaml::load(f.string(), errors)) fn(*root, f.string());
      } catch (const YAML::Exception& e) {
        errors.push_back({f.string(), e.mark.line >= 0 ? e.mark.line + 1 : 0, e.msg});
      } catch (const std::exception& e) {
        errors.push_back({f.string(), 0, e.what()});
      }
    }
  };
  each("screening", [&](const YAML::Node& root, const std::string& file) {
    auto rs = loadRuleset(root, file);
    for (const auto& other : book.rulesets_)
      if (other.key() == rs.key()) throw std::runtime_error("ruleset " + rs.key() + " is also in " + other.file);
    book.rulesets_.push_back(std::move(rs));
  });
  each("rates", [&](const YAML::Node& root, const std::string&) {
    auto t = loadRates(root);
    book.rates_[t.name] = std::move(t);
  });
  if (!book.rulesets_.empty()) book.default_ruleset_ = "ilo_ec_2009";
  if (!book.ruleset(book.default_ruleset_) && !book.rulesets_.empty()) book.default_ruleset_ = book.rulesets_[0].id;
  return book;
}

const Ruleset* RuleBook::ruleset(const std::string& id_or_key) const {
  const Ruleset* best = nullptr;
  for (const auto& rs : rulesets_) {
    if (rs.key() == id_or_key) return &rs;
    if (rs.id == id_or_key && (!best || rs.version > best->version)) best = &rs;
  }
  return best;
}

const RateTable* RuleBook::rateTable(const std::string& name) const {
  auto it = rates_.find(name);
  return it == rates_.end() ? nullptr : &it->second;
}

ScreeningResult RuleBook::evaluate(const Ruleset& rs, bool child, const std::string& exploitation,
                                   const Json& answers) const {
  const IndicatorList* list = rs.list(child, exploitation);
  if (!list) throw std::invalid_argument("the ruleset has no list for " + std::string(child ? "children" : "adults") +
                                         " and " + exploitation + " exploitation");
  if (!answers.is_object()) throw std::invalid_argument("answers must be an object of indicator code -> answer");
  std::map<std::string, std::string> given;
  for (const auto& [code, v] : answers.items()) {
    const Json& a = v.is_object() ? v.value("answer", Json()) : v;
    if (!a.is_string() || (a != "yes" && a != "no" && a != "unknown"))
      throw std::invalid_argument("the answer to '" + code + "' must be yes, no or unknown");
    bool in_list = false, known = false;
    for (const auto& d : rs.dimensions)
      for (const auto& i : d.indicators)
        if (i.code == code) {
          known = true;
          in_list = i.grades.count(list->code) > 0;
        }
    if (!known) throw std::invalid_argument("'" + code + "' is not an indicator of " + rs.key());
    if (!in_list) throw std::invalid_argument("'" + code + "' is not in the list " + list->code);
    given[code] = a.get<std::string>();
  }
  ScreeningResult r;
  r.ruleset_key = rs.key();
  r.list_code = list->code;
  std::vector<bool> positive, possible;
  for (const auto& d : rs.dimensions) {
    DimensionResult dr;
    dr.code = d.code;
    int s = 0, m = 0, w = 0, s2 = 0, m2 = 0, w2 = 0;
    for (const auto& i : d.indicators) {
      auto g = i.grades.find(list->code);
      if (g == i.grades.end()) continue;
      auto it = given.find(i.code);
      const std::string answer = it == given.end() ? "unknown" : it->second;
      if (answer == "no") continue;
      int& all = g->second == Strength::Strong ? s2 : g->second == Strength::Medium ? m2 : w2;
      ++all;
      if (answer == "yes") {
        (g->second == Strength::Strong ? s : g->second == Strength::Medium ? m : w)++;
        dr.yes.emplace_back(&i, g->second);
      }
    }
    dr.positive = dimensionPositive(s, m, w);
    dr.could_be_positive = dimensionPositive(s2, m2, w2);
    positive.push_back(dr.positive);
    possible.push_back(dr.could_be_positive);
    if (dr.positive) r.positive_dimensions.push_back(d.code);
    r.dimensions.push_back(std::move(dr));
  }
  if (victimRule(positive, child)) r.overall = "indicated";
  else if (victimRule(possible, child)) r.overall = "inconclusive";
  else if (!r.positive_dimensions.empty()) r.overall = "partly_indicated";
  else r.overall = "not_indicated";
  return r;
}

std::string ScreeningResult::explanation(const Ruleset& rs, const std::string& lang) const {
  struct Words {
    const char *indicated, *inconclusive, *partly, *none, *positive, *not_positive, *could, *rule_adult, *rule_child;
  };
  static const Words kAz{"Göstəricilər insan alveri qurbanı olmağa dəlalət edir",
                         "Nəticə hələ qəti deyil: cavablandırılmamış göstəricilər təsdiqlənsə, qurban əlamətləri ola bilər",
                         "Bəzi ölçülər müsbətdir, lakin qayda ödənilmir",
                         "Göstəricilər qurban olmağa dəlalət etmir",
                         "müsbət",
                         "müsbət deyil",
                         "cavablandırılmamış göstəricilər təsdiqlənsə müsbət ola bilər",
                         "Böyüklər üçün qayda: cəlbetmə (1, 2 və ya 3), istismar (4) və təyinat yerində vasitələr (5 və ya 6).",
                         "Uşaqlar üçün qayda: cəlbetmə (1, 2 və ya 3) və istismar (4); vasitələr tələb olunmur."};
  static const Words kEn{"The indicators point to a victim of trafficking",
                         "Not conclusive yet: if the unanswered indicators are confirmed, the person may be a victim",
                         "Some dimensions are positive, but the rule is not met",
                         "The indicators do not point to a victim",
                         "positive",
                         "not positive",
                         "could be positive if unanswered indicators are confirmed",
                         "Rule for adults: recruitment (1, 2 or 3), exploitation (4) and means at destination (5 or 6).",
                         "Rule for children: recruitment (1, 2 or 3) and exploitation (4); the means are not required."};
  static const Words kRu{"Индикаторы указывают на жертву торговли людьми",
                         "Пока не окончательно: если неотвеченные индикаторы подтвердятся, лицо может быть жертвой",
                         "Некоторые измерения положительны, но правило не выполнено",
                         "Индикаторы не указывают на жертву",
                         "положительно",
                         "не положительно",
                         "может стать положительным, если неотвеченные индикаторы подтвердятся",
                         "Правило для взрослых: вербовка (1, 2 или 3), эксплуатация (4) и средства в месте назначения (5 или 6).",
                         "Правило для детей: вербовка (1, 2 или 3) и эксплуатация (4); средства не требуются."};
  const Words& w = lang == "en" ? kEn : lang == "ru" ? kRu : kAz;
  const bool child = list_code.rfind("child", 0) == 0;
  std::string out = std::string(overall == "indicated"      ? w.indicated
                                : overall == "inconclusive" ? w.inconclusive
                                : overall == "partly_indicated" ? w.partly
                                                                : w.none) +
                    " (" + rs.label.in(lang) + ", " + ruleset_key + ", " + list_code + "). " +
                    (child ? w.rule_child : w.rule_adult) + "\n";
  for (std::size_t i = 0; i < dimensions.size() && i < rs.dimensions.size(); ++i) {
    const auto& d = dimensions[i];
    const auto& def = rs.dimensions[i];
    auto lb = def.label_by_list.find(list_code);
    out += fmt::format("{}. {}: {}", def.number, (lb != def.label_by_list.end() ? lb->second : def.label).in(lang),
                       d.positive ? w.positive : d.could_be_positive ? w.could : w.not_positive);
    if (!d.yes.empty()) {
      out += " — ";
      for (std::size_t k = 0; k < d.yes.size(); ++k)
        out += (k ? ", " : "") + std::string("\u201C") + d.yes[k].first->label.in(lang) + "\u201D (" +
               strengthLetter(d.yes[k].second) + ")";
    }
    out += "\n";
  }
  return out;
}

Json ScreeningResult::toJson(const Ruleset& rs, const std::string& lang) const {
  Json dims = Json::array();
  for (const auto& d : dimensions) {
    Json yes = Json::array();
    for (const auto& [ind, s] : d.yes) yes.push_back({{"code", ind->code}, {"grade", strengthLetter(s)}});
    dims.push_back({{"code", d.code}, {"positive", d.positive}, {"could_be_positive", d.could_be_positive}, {"yes", yes}});
  }
  return {{"ruleset", ruleset_key},
          {"list", list_code},
          {"overall_result", overall},
          {"positive_dimensions", positive_dimensions},
          {"dimensions", dims},
          {"explanation", explanation(rs, lang)}};
}

bool RuleBook::known(const std::string& rule) {
  const auto& names = records::recordRuleNames();
  return std::find(names.begin(), names.end(), rule) != names.end();
}

namespace {

// A migration case's deportation (its state, or a deportation date by whatever route) needs a
// screening of the person that found no indicators of trafficking; a screening with indicators,
// or one not concluded, stops it, and so does any screening of the same person with indicators.
// A presumed victim is never deported unscreened (docs/monitoring-labour-migration.md).
void migrationDecision(RecordStore& store, const Json& after, const std::string& state, std::vector<FieldError>& errors) {
  const bool deporting = state == "deported" || after.contains("deported_on");
  const bool cleared = state == "screened";  // "screened (no indicators)"
  if (!deporting && !cleared) return;
  if (!after.contains("screening") || !after["screening"].is_number_integer()) {
    errors.push_back({"screening", "screening_required",
                      "a person must be screened for trafficking indicators before a deportation is recorded"});
    return;
  }
  const auto screening = store.getRecord("screening", after["screening"].get<int64_t>());
  if (!screening || screening->deleted_at) return;  // the reference check reports it
  const std::string result = screening->data.value("overall_result", "");
  const auto person = after.find("person");
  if (person != after.end() && person->is_number_integer() && screening->data.contains("person") &&
      screening->data["person"] != *person)
    errors.push_back({"screening", "other_person", "the screening is of another person"});
  if (result == "indicated" || result == "partly_indicated") {
    errors.push_back({"screening", "screening_positive",
                      "the screening found indicators of trafficking: the person may not be deported; refer the "
                      "case to the special police (refer_to_police)"});
    return;
  }
  if (result != "not_indicated") {
    errors.push_back({"screening", "screening_not_concluded",
                      "the screening is not concluded (result '" + (result.empty() ? std::string("none") : result) +
                          "'): complete it, or refer the case to the special police"});
    return;
  }
  // Any other screening of the same person that found indicators.
  if (person == after.end() || !person->is_number_integer()) return;
  RecordQuery q;
  q.type = "screening";
  q.filters.push_back({"person", RecordFilter::Op::Eq, *person});
  q.filters.push_back({"overall_result", RecordFilter::Op::In, Json::array({"indicated", "partly_indicated"})});
  q.limit = 1;
  if (!store.listRecords(q).items.empty())
    errors.push_back({"screening", "screening_positive",
                      "another screening of this person found indicators of trafficking: the person may not be "
                      "deported; refer the case to the special police (refer_to_police)"});
}

// The records of an individual rehabilitation plan belong to one victim's case. A measure takes
// its case from its plan (so that whoever the case is shared with reads the measures too: one
// link away), and its responsible agency must already reach the case (the agency that holds it,
// or one it is shared with): otherwise the agency could not see the task it is given. A service
// or reintegration outcome recorded against a measure must be of the measure's own case.
void rehabilitationPlan(RecordStore& store, Json& after, std::vector<FieldError>& errors) {
  auto idOf = [&after](const char* field) -> std::optional<int64_t> {
    auto it = after.find(field);
    if (it == after.end() || !it->is_number_integer()) return std::nullopt;
    return it->get<int64_t>();
  };
  if (const auto plan_id = idOf("plan")) {
    const auto plan = store.getRecord("rehabilitation_plan", *plan_id);
    if (!plan || plan->deleted_at || !plan->data.contains("victim_case")) return;  // the reference check names it
    const Json case_id = plan->data["victim_case"];
    if (after.contains("victim_case") && after["victim_case"] != case_id) {
      errors.push_back({"victim_case", "plan_case", "must be the plan's victim case (" + case_id.dump() + ")"});
      return;
    }
    after["victim_case"] = case_id;
    if (const auto agency = idOf("responsible_agency_id")) {
      const auto vcase = store.getRecord("victim_case", case_id.get<int64_t>());
      bool reaches = vcase && vcase->agency_id == *agency;
      const int64_t now = nowMillis();
      if (vcase && !reaches)
        for (const auto& g : store.grantsOf(vcase->id))
          if (g.agency_id == *agency && !g.revoked_at && (!g.expires_at || g.expires_at > now)) reaches = true;
      if (!reaches)
        errors.push_back({"responsible_agency_id", "case_not_shared",
                          "this agency cannot read the victim's case: share the case with it first (its consent "
                          "permitting), or choose the agency that holds the case"});
    }
    return;
  }
  if (const auto measure_id = idOf("rehabilitation_measure")) {
    const auto measure = store.getRecord("rehabilitation_measure", *measure_id);
    if (!measure || measure->deleted_at) return;  // the reference check names it
    if (after.contains("victim_case") && measure->data.value("victim_case", Json()) != after["victim_case"])
      errors.push_back({"rehabilitation_measure", "other_case",
                        "the measure belongs to another victim's rehabilitation plan"});
  }
}

}  // namespace

void RuleBook::apply(const std::string& rule, const records::RecordType& type, RecordStore& store, Json& after,
                     const std::string& state, std::vector<FieldError>& errors) const {
  (void)type;
  if (rule == "migration_decision") return migrationDecision(store, after, state, errors);
  if (rule == "rehabilitation_plan") return rehabilitationPlan(store, after, errors);
  if (rule == "screening") {
    // answers (JSON text) -> ruleset, positive_dimensions, overall_result, explanation,
    // dimension_results; computed_at when the result changes.
    for (const char* f : {"positive_dimensions", "overall_result", "explanation", "dimension_results"})
      if (!after.contains("answers")) after.erase(f);
    if (!after.contains("answers")) return;
    Json answers;
    try {
      answers = Json::parse(after["answers"].get<std::string>());
    } catch (const std::exception&) {
      errors.push_back({"answers", "json", "must be a JSON object: {indicator code: \"yes\" | \"no\" | \"unknown\"}"});
      return;
    }
    const std::string wanted = after.contains("ruleset") ? after["ruleset"].get<std::string>() : default_ruleset_;
    const Ruleset* rs = ruleset(wanted);
    if (!rs) {
      errors.push_back({"ruleset", "unknown", "'" + wanted.substr(0, 60) + "' is not a loaded indicator set"});
      return;
    }
    if (!after.contains("is_child") || !after.contains("exploitation_focus")) return;  // validation names them
    try {
      const auto r = evaluate(*rs, after["is_child"].get<bool>(), after["exploitation_focus"].get<std::string>(), answers);
      const Json results = r.toJson(*rs, "az");
      const std::string dims = results["dimensions"].dump();
      const bool changed = after.value("overall_result", "") != r.overall ||
                           after.value("dimension_results", "") != dims || after.value("ruleset", "") != rs->key();
      after["ruleset"] = rs->key();
      after["overall_result"] = r.overall;
      if (r.positive_dimensions.empty()) after.erase("positive_dimensions");
      else after["positive_dimensions"] = r.positive_dimensions;
      after["explanation"] = r.explanation(*rs, "az");
      after["dimension_results"] = dims;
      if (changed || !after.contains("computed_at")) after["computed_at"] = nowIso();
    } catch (const std::invalid_argument& e) {
      errors.push_back({"answers", "indicator", e.what()});
    }
  } else if (rule == "subsidy_amount") {
    // A one-time subsidy's amount comes from the rate in force on the decision date.
    if (after.value("kind", "") != "one_time") return;
    const auto* table = rateTable("one_time_subsidy");
    if (!table) {
      errors.push_back({"amount", "rate_table", "the rate table one_time_subsidy is not loaded (rules/rates/)"});
      return;
    }
    if (!after.contains("decision_date")) return;  // required: validation names it
    const auto* rate = table->on(after["decision_date"].get<std::string>());
    if (!rate) {
      errors.push_back({"decision_date", "rate", "no one-time subsidy rate is in force on this date"});
      return;
    }
    // An amount given that is not the rate's is refused, never replaced quietly (a history
    // import's figure that disagrees with the rate table must be looked at, not overwritten).
    if (after.contains("amount") && after["amount"].is_number_integer() && after["amount"].get<int64_t>() != rate->amount) {
      errors.push_back({"amount", "rate",
                        fmt::format("a one-time subsidy decided on {} is {:.2f} AZN ({}); {:.2f} AZN was given — leave the "
                                    "amount out to take the rate, or correct the decision date",
                                    after["decision_date"].get<std::string>(), static_cast<double>(rate->amount) / 100,
                                    rate->basis, static_cast<double>(after["amount"].get<int64_t>()) / 100)});
      return;
    }
    after["amount"] = rate->amount;
    after["rate_rule"] = "one_time_subsidy: " + rate->basis;
  } else if (rule == "person_facts") {
    // Facts a computed field of the case needs from the person (its date of birth).
    if (!after.contains("person") || !after["person"].is_number_integer()) return;
    const auto person = store.getRecord("person", after["person"].get<int64_t>());
    if (person && person->data.contains("birth")) after["person_birth"] = person->data["birth"];
    else after.erase("person_birth");
  }
}

}  // namespace palermo::rules
