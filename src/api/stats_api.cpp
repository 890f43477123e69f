// Statistics and the annual report over HTTP (docs/statistics.md, docs/api.md):
//   GET /api/v1/statistics/indicators                      the catalogue (definitions)
//   GET /api/v1/statistics/indicators/{id}?period=&lang=&edition=   one figure with breakdowns
//   GET /api/v1/statistics/indicators/{id}/records?period=  the records behind it (audited)
//   GET /api/v1/statistics/status                          the snapshot's state
//   GET /api/v1/reports/annual?year=&lang=&format=&edition= the annual report (pdf, odt, xlsx, csv, json)
//   GET /api/v1/reports/international                     the international returns (S3)
//   GET /api/v1/reports/international/{id}?year=&lang=&format=  one return for a year (json, csv, xlsx)
#include <algorithm>

#include "api/app.hpp"
#include "api/common.hpp"
#include "records/engine.hpp"
#include "international/returns.hpp"
#include "stats/service.hpp"

namespace palermo::api {

using http::Request;
using http::Response;

namespace {

bool restrictedEdition(const Request& req) {
  const std::string e = req.queryParam("edition");
  if (e.empty() || e == "public") return false;
  if (e == "restricted") return true;
  throw Problem::validation({{"edition", "enum", "public or restricted"}});
}

std::string langOf(const Request& req) {
  const std::string l = req.queryParam("lang");
  return l.empty() ? "az" : l;
}

// A year given as digits only ("2019"), else a 422 naming the parameter.
int yearOf(const Request& req) {
  const std::string y = req.queryParam("year");
  const bool digits = y.size() == 4 && std::all_of(y.begin(), y.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits) throw Problem::validation({{"year", "format", "the year, four digits, e.g. 2019"}});
  return std::stoi(y);
}

}  // namespace

void registerStatsRoutes(http::Router& r, AppContext& ctx) {
  auto& stats = *ctx.stats;
  r.get("/api/v1/statistics/indicators", [&ctx, &stats](Request& req) {
    requireUser(ctx.auth, req);
    return Response::json(200, stats.catalogueJson(langOf(req)));
  });
  r.get("/api/v1/statistics/status", [&ctx, &stats](Request& req) {
    requireUser(ctx.auth, req);
    return Response::json(200, stats.status());
  });
  r.get("/api/v1/statistics/indicators/{id}", [&ctx, &stats](Request& req) {
    auto p = requireUser(ctx.auth, req);
    std::string period = req.queryParam("period");
    if (period.empty()) throw Problem::validation({{"period", "required", "a year (2019), a quarter (2019-Q2) or a range (2015..2020)"}});
    auto res = Response::json(200, stats.figure(actorFor(ctx, p), req.params.at("id"), period, langOf(req), restrictedEdition(req)));
    res.set("Cache-Control", "no-store");
    return res;
  });
  r.get("/api/v1/statistics/indicators/{id}/records", [&ctx, &stats](Request& req) {
    auto p = requireUser(ctx.auth, req);
    std::string period = req.queryParam("period");
    if (period.empty()) throw Problem::validation({{"period", "required", "a year (2019), a quarter (2019-Q2) or a range (2015..2020)"}});
    auto res = Response::json(200, stats.recordsBehind(actorFor(ctx, p), req.params.at("id"), period));
    res.set("Cache-Control", "no-store");
    return res;
  });
  r.get("/api/v1/reports/annual", [&ctx, &stats](Request& req) {
    auto p = requireUser(ctx.auth, req);
    const std::string year_text = req.queryParam("year");
    int year = 0;
    try {
      year = std::stoi(year_text);
    } catch (const std::exception&) {
      throw Problem::validation({{"year", "required", "the year of the report, e.g. 2019"}});
    }
    std::string format = req.queryParam("format");
    if (format.empty()) format = "json";
    auto file = stats.annualReportFile(actorFor(ctx, p), year, langOf(req), format, restrictedEdition(req));
    Response res{200, file.content_type, {}, std::move(file.bytes)};
    res.set("Cache-Control", "no-store");
    if (format != "json") res.set("Content-Disposition", "attachment; filename=\"" + file.file_name + "\"");
    res.set("X-Compute-Ms", std::to_string(static_cast<int>(file.compute_ms + 0.5)));
    return res;
  });
  if (ctx.international_returns) {
    auto& intl = *ctx.international_returns;
    r.get("/api/v1/reports/international", [&ctx, &intl](Request& req) {
      auto p = requireUser(ctx.auth, req);
      if (!ctx.stats->mayRestricted(actorFor(ctx, p))) throw Problem::notFound();
      return Response::json(200, intl.list(langOf(req)));
    });
    r.get("/api/v1/reports/international/{id}", [&ctx, &intl](Request& req) {
      auto p = requireUser(ctx.auth, req);
      std::string format = req.queryParam("format");
      if (format.empty()) format = "json";
      if (format != "json" && format != "csv" && format != "xlsx")
        throw Problem::validation({{"format", "enum", "json, csv or xlsx"}});
      const std::string lang = langOf(req);
      if (lang != "az" && lang != "en" && lang != "ru") throw Problem::validation({{"lang", "enum", "az, en or ru"}});
      const int year = yearOf(req);
      const std::string& id = req.params.at("id");
      if (id == "ctdc") {  // the victim-level file: CSV only
        int k = 0;
        if (const std::string kt = req.queryParam("k"); !kt.empty()) {
          const bool digits = kt.size() <= 4 && std::all_of(kt.begin(), kt.end(), [](char c) { return c >= '0' && c <= '9'; });
          if (!digits) throw Problem::validation({{"k", "format", "a whole number, 11 or more"}});
          k = std::stoi(kt);
          if (k == 0) throw Problem::validation({{"k", "range", "a whole number, 11 or more"}});
        }
        const std::string synthetic = req.queryParam("synthetic");
        if (!synthetic.empty() && synthetic != "true" && synthetic != "false")
          throw Problem::validation({{"synthetic", "enum", "true or false"}});
        auto file = intl.ctdc(actorFor(ctx, p), year, k, synthetic == "true");
        Response res{200, "text/csv; charset=utf-8", {}, std::move(file.csv)};
        res.set("Cache-Control", "no-store");
        res.set("Content-Disposition", "attachment; filename=\"palermo-ctdc-" + std::string(synthetic == "true" ? "synthetic-" : "") +
                                           std::to_string(year) + ".csv\"");
        res.set("X-Ctdc-Rows", std::to_string(file.rows));
        res.set("X-Ctdc-Suppressed", std::to_string(file.suppressed));
        return res;
      }
      Json out = intl.compute(actorFor(ctx, p), id, year, lang);
      Response res = format == "json" ? Response::json(200, out)
                     : format == "xlsx"
                         ? Response{200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {},
                                    international::InternationalReturns::xlsx(out, lang)}
                         : Response{200, "text/csv; charset=utf-8", {}, international::InternationalReturns::csv(out)};
      res.set("Cache-Control", "no-store");
      if (format != "json")
        res.set("Content-Disposition", "attachment; filename=\"palermo-" + id + "-" + std::to_string(year) + "." + format + "\"");
      return res;
    });
  }
}

}  // namespace palermo::api
