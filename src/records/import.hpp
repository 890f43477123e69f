// Import of records from CSV or JSON lines (`palermo import`, POST /api/v1/imports): every row
// goes through the engine (validation, rules, constraints, audit) as the importing user, and the
// whole import is one transaction — all rows or none. See docs/import.md.
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <map>
#include <string>
#include <vector>

#include "core/json.hpp"

namespace palermo {
struct AgencyRow;
}

namespace palermo::records {

class RecordService;
struct Actor;
struct Schema;

// One row to import.
struct ImportRow {
  std::string type;          // record type
  Json data = Json::object();  // field values; a reference may be {"_key": "<key of an earlier row>"}
  std::string key;           // "_key": this row's key, for later rows' references (optional)
  std::string agency;        // "_agency": name of the registering agency (empty: the importer's)
  // "_transitions": workflow steps after the create, in order: [{"name": "identify",
  // "data": {"decision_date": "2019-03-01"}}, ...]
  Json transitions = Json::array();
  // "_share": grants after the create: [{"agency": "<agency name>", "reason": "..."}]
  Json share = Json::array();
  std::string file;          // where it came from, for error reports
  int line = 0;
};

struct ImportError {
  std::string file;
  int line = 0;
  std::string field;   // may be empty (the row as a whole)
  std::string code;    // the rule: required, not_in_list, reference, ...
  std::string message;
  [[nodiscard]] std::string toString() const;
};

struct ImportReport {
  bool committed = false;
  bool dry_run = false;
  int64_t rows = 0;
  std::map<std::string, int64_t> created;  // per type
  // The new records' ids by the rows' _key (committed imports only): a caller that built the
  // rows (the raid sheet) links to what it created without searching for it.
  std::map<std::string, int64_t> ids;
  std::vector<ImportError> errors;         // at most max_errors
  bool errors_truncated = false;
  [[nodiscard]] Json toJson() const;
};

struct ImportOptions {
  bool dry_run = false;         // check everything, then roll back
  // The import's own audit entry (records.import: rows, created per type, format), written in
  // the same transaction as the records: the type named by the caller ("" for several types).
  std::string audit_type;
  std::string format = "jsonl";
  std::size_t max_errors = 200;
  // Called every `progress_every` rows and at the end with (rows done, rows in all).
  std::function<void(int64_t, int64_t)> progress;
  int64_t progress_every = 1000;
  // Rows of `_type: "agency"` ({name, type, region}) create the agency they describe, in the
  // import's transaction, when this is set (the command line's `--create-agencies` hands in the
  // administration service, which checks and audits as the API does); later rows may name it in
  // `_agency`. An agency of that name already there with the same type is used as it is. Unset:
  // such a row is refused.
  std::function<AgencyRow(const AgencyRow&)> create_agency;
};

// Reads JSON lines: one object per line with the fields and the "_type", "_key", "_agency",
// "_transitions", "_share" keys; `default_type` is used for lines without "_type".
std::vector<ImportRow> readJsonLines(std::istream& in, const std::string& file, const std::string& default_type,
                                     std::vector<ImportError>& errors);
// Reads CSV (RFC 4180, header of field names; also _key and _agency columns) of one type.
// Cells are converted by the field's type: integers, decimals, booleans (true/false, yes/no,
// 1/0), multi-enum codes separated by ';', references as an id or "key:<key>"; an empty cell is
// no value.
std::vector<ImportRow> readCsv(std::istream& in, const std::string& file, const std::string& type,
                               const Schema& schema, std::vector<ImportError>& errors);

// Imports the rows in order as `actor`, in one transaction.
ImportReport importRows(RecordService& service, const Actor& actor, const std::vector<ImportRow>& rows,
                        const ImportOptions& options);

}  // namespace palermo::records
