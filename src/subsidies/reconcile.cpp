#include "subsidies/reconcile.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "core/error.hpp"
#include "core/csv.hpp"
#include "records/engine.hpp"
#include "records/schema.hpp"
#include "store/store.hpp"

namespace palermo::subsidies {

using namespace palermo::records;

namespace {

// "700", "700.5", "700.00", "700,00" AZN -> qəpik; -1 when not an amount.
int64_t parseAzn(std::string s) {
  s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
  std::replace(s.begin(), s.end(), ',', '.');
  if (s.empty()) return -1;
  const auto dot = s.find('.');
  const std::string whole = s.substr(0, dot);
  std::string frac = dot == std::string::npos ? "" : s.substr(dot + 1);
  if (whole.empty() || frac.size() > 2 || !std::all_of(whole.begin(), whole.end(), ::isdigit) ||
      !std::all_of(frac.begin(), frac.end(), ::isdigit) || whole.size() > 12)
    return -1;
  while (frac.size() < 2) frac += '0';
  return std::stoll(whole) * 100 + std::stoll(frac);
}

}  // namespace

std::vector<StatementLine> readStatement(std::istream& in, std::vector<std::string>& errors) {
  std::vector<StatementLine> out;
  // Banks save with ',' or, in az/ru locales, ';' (amounts then written "700,00"): chosen from
  // the header line.
  csv::Reader reader(in, '\0');
  std::vector<std::string> header;
  if (!reader.next(header)) {
    errors.push_back("line 1: the statement is empty");
    return out;
  }
  auto column = [&](const char* name) -> int {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return static_cast<int>(i);
    errors.push_back(fmt::format("line 1: no column '{}' (payment_reference, amount, paid_on)", name));
    return -1;
  };
  const int ref = column("payment_reference"), amount = column("amount"), paid = column("paid_on");
  if (ref < 0 || amount < 0 || paid < 0) return out;
  std::vector<std::string> cells;
  while (reader.next(cells)) {
    const int line = reader.line();
    if (std::all_of(cells.begin(), cells.end(),
                    [](const std::string& c) { return c.find_first_not_of(" \t") == std::string::npos; }))
      continue;
    const auto at = [&](int i) { return i < static_cast<int>(cells.size()) ? cells[static_cast<std::size_t>(i)] : ""; };
    StatementLine l;
    l.line = line;
    l.reference = at(ref);
    l.amount = parseAzn(at(amount));
    l.paid_on = at(paid);
    if (l.reference.empty()) errors.push_back(fmt::format("line {}: payment_reference is empty", line));
    if (l.amount < 0) errors.push_back(fmt::format("line {}: amount '{}' is not an amount in AZN", line, at(amount)));
    if (!isValidDate(l.paid_on)) errors.push_back(fmt::format("line {}: paid_on must be a date YYYY-MM-DD", line));
    out.push_back(std::move(l));
  }
  return out;
}

namespace {
struct DryRunRollBack {};
}  // namespace

Json reconcileSubsidies(RecordService& service, const Actor& actor, const std::vector<StatementLine>& lines,
                        const std::string& reconciled_on, bool dry_run) {
  if (!isValidDate(reconciled_on))
    throw Problem::validation({{"reconciled_on", "date", "must be a date YYYY-MM-DD"}});
  if (!actor.may("subsidy.reconcile")) throw Problem::forbidden("You may not reconcile subsidies.");
  Json problems = Json::array();
  Json missing = Json::array();
  int64_t matched = 0;
  try {
    service.store().inTransaction([&] {
      std::set<std::string> seen;
      std::string first_day = "9999-12-31", last_day = "0000-01-01";
      for (const auto& l : lines) {
        first_day = std::min(first_day, l.paid_on);
        last_day = std::max(last_day, l.paid_on);
        Json problem = {{"line", l.line}, {"reference", l.reference}};
        if (!seen.insert(l.reference).second) {
          problem["problem"] = "duplicate_line";
          problems.push_back(problem);
          continue;
        }
        ListParams p;
        p.filters.push_back({"payment_reference", RecordFilter::Op::Eq, Json(l.reference)});
        p.limit = 2;
        const auto found = service.list(actor, "subsidy", p);
        if (found.items.empty()) {
          problem["problem"] = "unknown_reference";
          problems.push_back(problem);
          continue;
        }
        const Json& s = found.items.front();
        problem["subsidy_id"] = s["id"];
        const std::string state = s.value("state", "");
        const int64_t expected = s["data"].value("amount", int64_t{-1});
        if (state == "reconciled") {
          problem["problem"] = "already_reconciled";
        } else if (state != "paid") {
          problem["problem"] = "not_recorded_as_paid";
        } else if (expected != l.amount) {
          problem["problem"] = "amount_differs";
          problem["expected"] = expected;
          problem["stated"] = l.amount;
        } else {
          service.transition(actor, "subsidy", s["id"].get<int64_t>(), s["version"].get<int64_t>(), "reconcile",
                             {{"reconciled_on", reconciled_on},
                              {"reconciliation_note", fmt::format("Matched payment statement line {} ({}, {})", l.line,
                                                                  l.reference, l.paid_on)}});
          ++matched;
          continue;
        }
        problems.push_back(problem);
      }
      // Subsidies recorded as paid within the statement's period that it does not list.
      if (!lines.empty()) {
        ListParams p;
        p.filters.push_back({"state", RecordFilter::Op::Eq, Json("paid")});
        p.filters.push_back({"paid_on", RecordFilter::Op::Ge, Json(first_day)});
        p.filters.push_back({"paid_on", RecordFilter::Op::Le, Json(last_day)});
        p.limit = 500;
        for (const auto& s : service.list(actor, "subsidy", p).items)
          if (!seen.count(s["data"].value("payment_reference", "")))
            missing.push_back({{"subsidy_id", s["id"]},
                               {"payment_reference", s["data"].value("payment_reference", "")},
                               {"paid_on", s["data"].value("paid_on", "")}});
      }
      if (dry_run) throw DryRunRollBack{};
    });
  } catch (const DryRunRollBack&) {
  }
  return {{"lines", lines.size()},
          {"matched", matched},
          {"reconciled", dry_run ? 0 : matched},
          {"dry_run", dry_run},
          {"problems", problems},
          {"paid_not_in_statement", missing}};
}

}  // namespace palermo::subsidies
