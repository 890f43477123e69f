// Routes that bring data in: imports of records (CSV of one type, or JSON lines; all or
// nothing, as the signed-in user) and the reconciliation of subsidy payments against a bank
// statement. The engine validates, audits and writes (records/import.hpp, subsidies/reconcile.hpp).
#include <sstream>

#include "api/app.hpp"
#include "api/common.hpp"
#include "records/engine.hpp"
#include "records/import.hpp"
#include "subsidies/reconcile.hpp"

namespace palermo::api {

using http::Request;
using http::Response;

void registerImportRoutes(http::Router& r, AppContext& ctx) {
  auto& svc = *ctx.records;

  // Import (CSV or XLSX of one type, or JSON lines), all or nothing, as the signed-in user: every
  // row needs the user's create permission (update, for a source's rows met before), and goes
  // through validation, rules and audit.
  r.post("/api/v1/imports", [&ctx, &svc](Request& req) {
    auto p = requireUser(ctx.auth, req);
    const auto actor = actorFor(ctx, p);
    const std::string format = req.queryParam("format").empty() ? "jsonl" : req.queryParam("format");
    const std::string type = req.queryParam("type");
    if (format != "csv" && format != "jsonl" && format != "xlsx")
      throw Problem::validation({{"format", "not_in_list", "must be csv, xlsx or jsonl"}});
    std::istringstream in(req.body);
    std::vector<records::ImportError> read_errors;
    auto rows = format == "csv"    ? records::readCsv(in, "upload", type, svc.schema(), read_errors)
                : format == "xlsx" ? records::readXlsx(req.body, "upload", type, svc.schema(), read_errors)
                                   : records::readJsonLines(in, "upload", type, read_errors);
    records::ImportReport report;
    if (read_errors.empty()) {
      records::ImportOptions options;
      options.dry_run = req.queryParam("dry_run") == "true";
      options.audit_type = type;
      options.format = format;
      options.source = req.queryParam("source");
      report = records::importRows(svc, actor, rows, options);
    } else {
      report.errors = std::move(read_errors);
    }
    Json body = report.toJson();
    if (report.errors.empty()) return Response::json(200, body);
    body["type"] = "about:blank";
    body["title"] = "The import has errors; nothing was imported.";
    body["status"] = 422;
    body["code"] = "import.failed";
    return Response{422, "application/problem+json", {}, body.dump()};
  });

  // Subsidy payments reconciled against a payment statement (CSV: payment_reference, amount in
  // AZN, paid_on); matching ones become reconciled, the rest is reported.
  r.post("/api/v1/subsidies/reconcile", [&ctx, &svc](Request& req) {
    auto p = requireUser(ctx.auth, req);
    std::istringstream in(req.body);
    std::vector<std::string> errors;
    const auto lines = subsidies::readStatement(in, errors);
    if (!errors.empty()) {
      std::vector<FieldError> fe;
      for (const auto& e : errors) fe.push_back({"statement", "format", e});
      throw Problem::validation(std::move(fe));
    }
    return Response::json(200, subsidies::reconcileSubsidies(svc, actorFor(ctx, p), lines, req.queryParam("reconciled_on"),
                                                           req.queryParam("dry_run") == "true"));
  });
}

}  // namespace palermo::api
