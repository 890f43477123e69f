#include "plans/implementation_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "core/error.hpp"
#include "records/engine.hpp"
#include "records/schema.hpp"
#include "stats/report.hpp"
#include "store/store.hpp"

namespace palermo::plans {

namespace {

std::string pick(const std::string& lang, const char* az, const char* en, const char* ru) {
  return lang == "en" ? en : lang == "ru" ? ru : az;
}

// A field in the edition's language: <name>_<lang>, else <name>_az.
std::string inLang(const Json& data, const std::string& name, const std::string& lang) {
  std::string v = data.value(name + "_" + lang, std::string());
  return v.empty() ? data.value(name + "_az", std::string()) : v;
}

std::string stateLabel(const records::Schema& schema, const std::string& type, const std::string& state,
                       const std::string& lang) {
  const auto* t = schema.type(type);
  if (!t || !t->workflow) return state;
  auto it = t->workflow->state_labels.find(state);
  return it == t->workflow->state_labels.end() ? state : it->second.in(lang);
}

std::string listLabel(const records::Schema& schema, const std::string& list, const std::string& code,
                      const std::string& lang) {
  const auto* l = schema.list(list);
  const auto* v = l ? l->find(code) : nullptr;
  return v ? v->label.in(lang) : code;
}

std::string day(const std::string& iso) {
  return iso.size() == 10 ? iso.substr(8, 2) + "." + iso.substr(5, 2) + "." + iso.substr(0, 4) : iso;
}

// Every live record of `type` whose `field` is one of `values` (paged).
std::vector<StoredRecord> all(RecordStore& store, const std::string& type, const std::string& field, const Json& values) {
  std::vector<StoredRecord> out;
  RecordQuery q;
  q.type = type;
  q.filters.push_back({field, RecordFilter::Op::In, values});
  q.limit = 500;
  for (;;) {
    auto page = store.listRecords(q);
    for (auto& r : page.items) out.push_back(std::move(r));
    if (!page.has_more || page.items.empty()) break;
    q.after_id = out.back().id;
    q.after_value = out.back().id;
  }
  return out;
}

// "7.11" before "7.2": numbers compared part by part.
bool numberLess(const std::string& a, const std::string& b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (std::isdigit(static_cast<unsigned char>(a[i])) && std::isdigit(static_cast<unsigned char>(b[j]))) {
      std::size_t ie = i, je = j;
      while (ie < a.size() && std::isdigit(static_cast<unsigned char>(a[ie]))) ++ie;
      while (je < b.size() && std::isdigit(static_cast<unsigned char>(b[je]))) ++je;
      const auto x = std::stoll(a.substr(i, std::min<std::size_t>(ie - i, 18)));
      const auto y = std::stoll(b.substr(j, std::min<std::size_t>(je - j, 18)));
      if (x != y) return x < y;
      i = ie, j = je;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i, ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

}  // namespace

Json ImplementationReports::report(const records::Actor& actor, int64_t plan_id, int year, const std::string& lang,
                                   int64_t now_ms) {
  for (const char* t : {"action_plan", "plan_measure", "progress_report"})
    if (actor.scopeFor(t, "read") != records::Scope::National)
      throw Problem::forbidden("The implementation report needs national read access to plans, measures and progress reports.");
  std::vector<FieldError> errors;
  if (year < 2000 || year > 2100) errors.push_back({"year", "range", "the year of the report, e.g. 2021"});
  if (lang != "az" && lang != "en" && lang != "ru") errors.push_back({"lang", "enum", "one of az, en, ru"});
  if (!errors.empty()) throw Problem::validation(std::move(errors));
  const auto plan = store_.getRecord("action_plan", plan_id);
  if (!plan || plan->deleted_at) throw Problem::notFound("There is no such action plan.");

  auto measures = all(store_, "plan_measure", "plan", Json::array({plan_id}));
  std::sort(measures.begin(), measures.end(), [](const StoredRecord& a, const StoredRecord& b) {
    return numberLess(a.data.value("number", std::string()), b.data.value("number", std::string()));
  });
  Json ids = Json::array();
  for (const auto& m : measures) ids.push_back(m.id);
  std::map<int64_t, std::vector<StoredRecord>> reports;  // measure -> the year's reports
  if (!ids.empty())
    for (auto& r : all(store_, "progress_report", "measure", ids))
      if (r.data.value("period", std::string()).rfind(std::to_string(year), 0) == 0)
        reports[r.data.value("measure", int64_t{0})].push_back(std::move(r));

  std::map<std::string, int> states;
  int accepted = 0, filed = 0;
  std::vector<std::string> chapters;
  std::map<std::string, Json> paragraphs;  // chapter -> paragraphs
  for (const auto& m : measures) {
    ++states[m.state];
    const std::string chapter = m.data.value("chapter", pick(lang, "Digər", "Other", "Прочее"));
    if (!paragraphs.count(chapter)) chapters.push_back(chapter), paragraphs[chapter] = Json::array();
    std::string text = m.data.value("number", std::string()) + ". " + inLang(m.data, "text", lang) + " — " +
                       m.data.value("responsible_body", std::string());
    if (m.data.contains("due_on")) text += ". " + pick(lang, "Müddət", "Due", "Срок") + ": " + day(m.data["due_on"]);
    text += ". " + stateLabel(schema_, "plan_measure", m.state, lang) + ".";
    paragraphs[chapter].push_back({{"text", text}});
    auto it = reports.find(m.id);
    if (it == reports.end()) {
      paragraphs[chapter].push_back({{"text", pick(lang, "   İl üzrə icra hesabatı təqdim edilməyib.",
                                                  "   No progress report for the year.", "   Отчёт об исполнении за год не представлен.")}});
      continue;
    }
    for (const auto& r : it->second) {
      ++filed;
      accepted += r.state == "accepted" ? 1 : 0;
      std::string line = "   " + r.data.value("period", std::string()) + ", " + r.data.value("body", std::string()) + ": " +
                         listLabel(schema_, "measure_status", r.data.value("status", std::string()), lang) + " (" +
                         stateLabel(schema_, "progress_report", r.state, lang) + "). " + r.data.value("report", std::string());
      if (r.data.contains("assessment")) line += " " + pick(lang, "Qiymət", "Assessment", "Оценка") + ": " + r.data["assessment"].get<std::string>();
      paragraphs[chapter].push_back({{"text", line}});
    }
  }
  Json sections = Json::array();
  for (const auto& c : chapters)
    sections.push_back({{"id", c}, {"title", c}, {"paragraphs", paragraphs[c]}, {"charts", Json::array()}});
  const std::string title = inLang(plan->data, "title", lang) + " — " +
                            fmt::format(fmt::runtime(pick(lang, "{}-ci il üzrə icra hesabatı", "implementation report for {}",
                                                          "отчёт об исполнении за {} год")),
                                        year);
  const std::string subtitle =
      fmt::format(fmt::runtime(pick(lang, "Tədbirlər: {} (icra edilib {}, icradadır {}, icra edilməyib {}). İl üzrə icra hesabatları: {}, qəbul edilib {}.",
                                    "Measures: {} (done {}, open {}, not done {}). Progress reports for the year: {}, accepted {}.",
                                    "Меры: {} (исполнено {}, исполняется {}, не исполнено {}). Отчётов за год: {}, принято {}.")),
                  measures.size(), states["done"], states["open"], states["not_done"], filed, accepted);
  return {{"report", "plan_implementation"},
          {"plan", plan_id},
          {"year", year},
          {"lang", lang},
          {"title", title},
          {"subtitle", subtitle},
          {"notes",
           {{"edition", pick(lang, "Sistemin qeydlərindən hazırlanıb: ", "Prepared from the system's records on ",
                             "Подготовлено по записям системы: ") +
                            records::utcDate(now_ms)},
            {"imported", ""}}},
          {"figures", Json::object()},
          {"sections", sections}};
}

ReportDocument ImplementationReports::document(const records::Actor& actor, int64_t plan_id, int year,
                                               const std::string& lang, const std::string& format, int64_t now_ms) {
  if (format != "json" && format != "pdf" && format != "odt")
    throw Problem::validation({{"format", "enum", "one of json, pdf, odt"}});
  const Json r = report(actor, plan_id, year, lang, now_ms);
  ReportDocument d;
  d.file_name = fmt::format("palermo-plan-{}-implementation-{}-{}.{}", plan_id, year, lang, format);
  if (format == "pdf") d.bytes = stats::renderPdf(r), d.content_type = "application/pdf";
  else if (format == "odt") d.bytes = stats::renderOdt(r), d.content_type = "application/vnd.oasis.opendocument.text";
  else d.bytes = r.dump(), d.content_type = "application/json";
  return d;
}

}  // namespace palermo::plans
