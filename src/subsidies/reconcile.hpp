// Reconciliation of subsidy payments against a payment statement (bank or treasury): each
// statement line is matched by payment reference to a subsidy recorded as paid; matching
// amounts move the subsidy to `reconciled`, everything else is reported. See docs/victims-path.md.
#pragma once

#include <istream>
#include <string>
#include <vector>

#include "core/json.hpp"

namespace palermo::records {
class RecordService;
struct Actor;
}  // namespace palermo::records

namespace palermo::subsidies {


struct StatementLine {
  std::string reference;
  int64_t amount = 0;  // qəpik
  std::string paid_on;  // YYYY-MM-DD
  int line = 0;
};

// CSV with a header naming payment_reference, amount (AZN, "700", "700.00" or "700,00") and
// paid_on (YYYY-MM-DD); other columns are ignored. Mistakes go to `errors` as "line N: ...".
std::vector<StatementLine> readStatement(std::istream& in, std::vector<std::string>& errors);

// Matches in one transaction (rolled back when dry_run). Result: {matched, reconciled,
// problems: [{line, reference, problem, subsidy_id?, expected?, stated?}], paid_not_in_statement:
// [{subsidy_id, payment_reference, paid_on}]} where problem is unknown_reference,
// amount_differs, not_recorded_as_paid, already_reconciled or duplicate_line.
Json reconcileSubsidies(records::RecordService& service, const records::Actor& actor, const std::vector<StatementLine>& lines,
                        const std::string& reconciled_on, bool dry_run);

}  // namespace palermo::subsidies
