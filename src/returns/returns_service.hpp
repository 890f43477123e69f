// Periodic returns (docs/returns.md): figures an agency reports in aggregate per period — a
// month, a quarter, a year — the way DHIS2 data sets are, for what other state systems hold
// (the electronic employment contract registry, the migration service's monthly totals). Each
// return type is a record type with `periodic_return:` (schema/types/return_*.yaml), so entry,
// validation, submission and approval are the record engine's; this service adds what is about
// periods rather than records: which agency owes which period (completeness), and the tasks of
// the data managers whose periods are due.
#pragma once

#include <cstdint>
#include <string>

#include "core/json.hpp"

namespace palermo {
class Store;
}

namespace palermo::records {
class RecordService;
struct Actor;
struct Schema;
struct RecordType;
}  // namespace palermo::records

namespace palermo::returns {

class ReturnsService {
 public:
  ReturnsService(const records::Schema& schema, Store& store) : schema_(schema), store_(store) {}

  // The periodic return types the actor may read, each with its period kind, due days and, up
  // to today, how many expected periods are approved, submitted, being corrected or missing.
  Json overview(const records::Actor& actor, int64_t now_ms);

  // One return type's completeness from `from_year` to `to_year` (periods that have ended, up
  // to today): every expected agency × period with the return's state (or "missing"), its
  // record id, when it is due and whether it is overdue. The coordinator's office sees every
  // agency; a data manager, their own. 404 for a type the actor may not read.
  Json completeness(const records::Actor& actor, const std::string& type, int from_year, int to_year, int64_t now_ms);

  // Task groups (the shape of GET /api/v1/tasks) for the actor's agency: periods past due whose
  // return is missing, still a draft or returned for correction.
  Json tasks(const records::Actor& actor, int64_t now_ms);

  // Reminders to the people of an agency who submit a return (create and submit permission) of
  // a period it still owes (missing, a draft, returned for correction): "return_near:<period>" as
  // the period's last day to submit begins, "return_due:<period>" when that day is over; for the
  // instants in (since, now], so each once from the serve loop; e-mailed through `records`.
  // Returns how many notifications were written.
  int64_t remindDue(const records::RecordService& records, int64_t since_ms, int64_t now_ms);

 private:
  const records::Schema& schema_;
  Store& store_;
};

}  // namespace palermo::returns
