#include "stats/service.hpp"

#include <chrono>
#include <filesystem>
#include <mutex>
#include <set>
#include <stdexcept>

#include "linkage/person_links.hpp"
#include "core/error.hpp"
#include "records/engine.hpp"
#include "records/schema.hpp"
#include "stats/snapshot.hpp"
#include "store/store.hpp"

namespace palermo::stats {

namespace {

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

double msSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

Period periodOr400(const std::string& text) {
  const Period p = Period::parse(text);
  if (!p.valid())
    throw Problem::validation({{"period", "format",
                                "a year (2019), a quarter (2019-Q2), years (2015..2020) or days (2019-03-01..2019-06-30)"}});
  return p;
}

}  // namespace

StatsService::StatsService(const records::Schema& schema, Store& store, const std::string& dir)
    : schema_(schema), store_(store) {
  auto loaded = loadCatalogue(dir, schema);
  if (!loaded.errors.empty()) {
    std::string msg = "the indicators in " + dir + " have " + std::to_string(loaded.errors.size()) + " mistake(s):";
    for (const auto& e : loaded.errors) msg += "\n  " + e.toString();
    throw std::runtime_error(msg);
  }
  catalogue_ = std::move(loaded.catalogue);
  layout_ = loadReportLayout((std::filesystem::path(dir) / "reports" / "annual.yaml").string(), catalogue_);
  snapshot_ = std::make_unique<Snapshot>(schema_, catalogue_);
}

StatsService::~StatsService() = default;

void StatsService::ensureCurrent() {
  std::unique_lock lock(mutex_);
  const auto t = std::chrono::steady_clock::now();
  // Persons counted once: the person links first (they read the same audit chain).
  if (links_) links_->ensureCurrent();
  if (!loaded_) {
    snapshot_->load(store_);
    loaded_ = true;
    load_ms_ = msSince(t);
  } else {
    const int64_t n = snapshot_->refresh(store_);
    if (n > 0) {
      last_refresh_records_ = n;
      last_refresh_ms_ = msSince(t);
    }
  }
  if (links_ && links_->version() != snapshot_->personLinksVersion()) {
    // What changed since the links applied (a new registration: one row placed), or the whole
    // map when that is not known or something moved.
    auto whole = [this] { return links_->links(); };
    const uint64_t applied = snapshot_->personLinksVersion();
    auto changes = applied ? links_->changesSince(applied) : std::nullopt;
    if (changes) {
      snapshot_->updatePersonLinks(changes->changes, changes->version, whole);
    } else {
      const uint64_t v = links_->version();
      snapshot_->setPersonLinks(links_->links(), v);
    }
  }
}

bool StatsService::mayRestricted(const records::Actor& actor) const {
  std::set<std::string> registers;
  for (const auto& [id, i] : catalogue_.indicators)
    if (!i.from.empty()) registers.insert(i.from);
  for (const auto& r : registers) {
    const auto scope = actor.scopeFor(r, "export");
    if (!scope || *scope != records::Scope::National) return false;
  }
  return true;
}

void StatsService::checkArgs(int year, const std::string& lang) const {
  std::vector<FieldError> errors;
  if (year < 1990 || year > 2100) errors.push_back({"year", "range", "a year between 1990 and 2100"});
  if (lang != "az" && lang != "en" && lang != "ru") errors.push_back({"lang", "enum", "one of az, en, ru"});
  if (!errors.empty()) throw Problem::validation(errors);
}

Json StatsService::catalogueJson(const std::string& lang) const {
  Json items = Json::array();
  for (const auto& [id, i] : catalogue_.indicators) {
    Json b = Json::array();
    for (const auto& d : i.breakdowns) {
      const auto* dim = catalogue_.dimension(d);
      b.push_back({{"dimension", d}, {"label", dim ? dim->label.in(lang) : d}});
    }
    items.push_back({{"id", id},
                     {"version", i.version},
                     {"label", i.label.in(lang)},
                     {"unit", i.unit_label.in(lang)},
                     {"counts", countsName(i.unit)},
                     {"register", i.from},
                     {"imported_only", i.from.empty() && i.unit != Indicator::Unit::Ratio},
                     {"date", i.date},
                     {"definition", i.definition.in(lang)},
                     {"breakdowns", b},
                     {"file", i.file}});
  }
  return {{"items", items},
          {"records_from", std::to_string(catalogue_.records_from / 10000) + "-" +
                               std::to_string(catalogue_.records_from / 100 % 100 + 100).substr(1) + "-" +
                               std::to_string(catalogue_.records_from % 100 + 100).substr(1)},
          {"disclosure_threshold", catalogue_.disclosure_threshold}};
}

Json StatsService::figure(const records::Actor& actor, const std::string& indicator, const std::string& period_text,
                          const std::string& lang, bool restricted) {
  if (!catalogue_.indicator(indicator)) throw Problem::notFound("There is no indicator '" + indicator + "'.");
  const Period period = periodOr400(period_text);
  checkArgs(2000, lang);
  if (restricted && !mayRestricted(actor))
    throw Problem::forbidden("Exact (restricted) figures need national export rights on every register counted.");
  ensureCurrent();
  Json out;
  {
    std::shared_lock lock(mutex_);
    Evaluator ev(catalogue_, *snapshot_);
    // The period and the one before, side by side on the work pool.
    const std::vector<Figure> both = ev.evaluateAll({{indicator, period, true}, {indicator, period.previous(), true}});
    out = publishFigure(both[0], &both[1], catalogue_, schema_, ReportOptions{0, lang, restricted, {}});
  }
  out["edition"] = restricted ? "restricted" : "public";
  if (restricted)
    store_.appendAudit(AuditDraft{actor.user_id, "statistics.figure", catalogue_.indicator(indicator)->from, 0,
                                  {{"indicator", indicator}, {"period", period.toString()}, {"edition", "restricted"}}},
                       nowMs());
  return out;
}

Json StatsService::recordsBehind(const records::Actor& actor, const std::string& indicator, const std::string& period_text) {
  const Indicator* ind = catalogue_.indicator(indicator);
  if (!ind) throw Problem::notFound("There is no indicator '" + indicator + "'.");
  const Period period = periodOr400(period_text);
  // A figure from periodic returns stands on the approved return records.
  const std::string& reg = ind->from.empty() ? ind->returns_from : ind->from;
  if (reg.empty())
    throw Problem(409, "statistics.no_records", "This figure is an imported aggregate: no records stand behind it.");
  const auto scope = actor.scopeFor(reg, "read");
  if (!scope || *scope != records::Scope::National)
    throw Problem::forbidden("The records behind a national figure need national read access to '" + reg + "'.");
  ensureCurrent();
  std::vector<int64_t> ids;
  {
    std::shared_lock lock(mutex_);
    Evaluator ev(catalogue_, *snapshot_);
    ids = ev.recordsBehind(indicator, period);
  }
  store_.appendAudit(AuditDraft{actor.user_id, "statistics.records", reg, 0,
                                {{"indicator", indicator}, {"period", period.toString()}, {"count", ids.size()}}},
                     nowMs());
  return {{"indicator", indicator}, {"version", ind->version}, {"period", period.toString()}, {"register", reg},
          {"count", ids.size()}, {"ids", ids}};
}

Json StatsService::annualReport(const records::Actor& actor, int year, const std::string& lang, bool restricted) {
  checkArgs(year, lang);
  if (restricted && !mayRestricted(actor))
    throw Problem::forbidden("The restricted edition needs national export rights on every register counted.");
  ensureCurrent();
  Json report;
  {
    std::shared_lock lock(mutex_);
    Evaluator ev(catalogue_, *snapshot_);
    ReportOptions options{year, lang, restricted, {}};
    // List items (the year's legal acts): public registers' records, their non-identity fields.
    options.records = [this](const std::string& type, const std::string& date_field, const std::string& from,
                             const std::string& to) {
      std::vector<Json> rows;
      const auto* t = schema_.type(type);
      const auto* f = t ? t->field(date_field) : nullptr;
      if (!f || f->sensitivity == records::Sensitivity::Identity) return rows;
      RecordQuery q;
      q.type = type;
      q.filters.push_back({date_field, RecordFilter::Op::Ge, from});
      q.filters.push_back({date_field, RecordFilter::Op::Le, to});
      q.sort_field = date_field;
      q.limit = 500;
      for (auto& r : store_.listRecords(q).items) rows.push_back(std::move(r.data));
      return rows;
    };
    report = buildReport(layout_, ev, catalogue_, schema_, options);
  }
  store_.appendAudit(AuditDraft{actor.user_id, "statistics.report", "", 0,
                                {{"report", "annual"}, {"year", year}, {"lang", lang},
                                 {"edition", restricted ? "restricted" : "public"}}},
                     nowMs());
  return report;
}

ReportFile StatsService::annualReportFile(const records::Actor& actor, int year, const std::string& lang,
                                          const std::string& format, bool restricted) {
  static const std::set<std::string> kFormats = {"pdf", "odt", "xlsx", "csv", "json"};
  if (!kFormats.count(format)) {
    std::vector<FieldError> errors{{"format", "enum", "one of pdf, odt, xlsx, csv, json"}};
    try {
      checkArgs(year, lang);
    } catch (const Problem& p) {
      errors.insert(errors.end(), p.errors().begin(), p.errors().end());
    }
    throw Problem::validation(errors);
  }
  const Json report = annualReport(actor, year, lang, restricted);
  ReportFile f;
  f.compute_ms = report["compute_ms"].get<double>();
  const std::string base = "palermo-annual-report-" + std::to_string(year) + "-" + lang + (restricted ? "-restricted" : "");
  f.file_name = base + "." + format;
  if (format == "pdf") f.bytes = renderPdf(report), f.content_type = "application/pdf";
  else if (format == "odt") f.bytes = renderOdt(report), f.content_type = "application/vnd.oasis.opendocument.text";
  else if (format == "xlsx")
    f.bytes = renderXlsx(report), f.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  else if (format == "csv") f.bytes = renderCsv(report), f.content_type = "text/csv; charset=utf-8";
  else f.bytes = report.dump(), f.content_type = "application/json";
  return f;
}

void StatsService::withEvaluator(const std::function<void(Evaluator&)>& fn) {
  ensureCurrent();
  std::shared_lock lock(mutex_);
  Evaluator ev(catalogue_, *snapshot_);
  fn(ev);
}

Json StatsService::status() {
  ensureCurrent();
  std::shared_lock lock(mutex_);
  return {{"rows", snapshot_->totalRows()},
          {"bytes", snapshot_->bytes()},
          {"audit_seq", snapshot_->seq()},
          {"load_ms", load_ms_},
          {"last_refresh_records", last_refresh_records_},
          {"last_refresh_ms", last_refresh_ms_},
          {"indicators", catalogue_.indicators.size()}};
}

}  // namespace palermo::stats
