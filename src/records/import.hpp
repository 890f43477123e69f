// Import of records from CSV or JSON lines (`palermo import`, POST /api/v1/imports): every row
// goes through the engine (validation, rules, constraints, audit) as the importing user, and the
// whole import is one transaction — all rows or none. See docs/import.md.
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <map>
#include <optional>
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
struct RecordType;

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
  std::map<std::string, int64_t> created;  // per type: new records
  // Rows of a named source met before (ImportOptions::source): per type, records changed to the
  // row's values, and records that already had them.
  std::map<std::string, int64_t> updated, unchanged;
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
  // The import source's name ("mlsp-shelters-2005-2020"): each new keyed row's record is
  // remembered under (source, _key), and a row of a later import of the same source with that key
  // updates that record where it differs (or leaves it as it is) instead of adding it again. A
  // matched row's _transitions, _share and _agency are not applied again. Empty: keys are this
  // import's only. At most 100 bytes of printable text.
  std::string source;
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

// A mapping file (docs/import.md, "Mapping files"): how another agency's spreadsheet names its
// columns and words — `columns: {Cins: sex}` renames a column to a field ("" leaves it out),
// `values: {sex: {qadın: female}}` turns the file's word into the code; a word is looked up as it
// is, then folded (case, diacritics and script ignored: "QADIN" and "qadin" find "qadın").
struct ImportMapping {
  std::string type;   // the record type of the file's rows (else --type)
  std::string sheet;  // XLSX: the sheet to read (else the first)
  // How a plain number in a money column reads: "qəpik" (the default, the API's unit: 70000) or
  // "manat" (700, 700.50). A cell with its unit ("700 AZN", "700,50 manat", "₼700") reads as manat
  // either way.
  bool money_in_manat = false;
  std::map<std::string, std::string> columns;
  std::map<std::string, std::map<std::string, std::string>> values;
  [[nodiscard]] std::string column(const std::string& header) const;
  [[nodiscard]] std::string value(const std::string& field, const std::string& word) const;
  void fold();  // after changing `values` by hand

 private:
  std::map<std::string, std::map<std::string, std::string>> folded_;
};

// A money cell of a file in qəpik: a whole number of qəpik, or manat with a unit ("700 AZN",
// "1 234,50 manat", "₼700") or — `manat` — without one ("700.50"); at most two decimals, read digit
// by digit (no floating point), except a spreadsheet's binary number ("12.339999999999999"),
// taken when it is within a millionth of a qəpik of whole qəpik. nullopt: not an amount.
std::optional<int64_t> moneyCell(const std::string& cell, bool manat);

// Reads a mapping file (YAML); mistakes are errors naming the file, line and key.
ImportMapping readMapping(const std::string& text, const std::string& file, std::vector<ImportError>& errors);
// Checks a mapping against a record type: every column maps to a field, every code is in the
// field's value list.
void checkMapping(const ImportMapping& mapping, const std::string& file, const Schema& schema,
                  const std::string& type, std::vector<ImportError>& errors);

// Reads JSON lines: one object per line with the fields and the "_type", "_key", "_agency",
// "_transitions", "_share" keys; `default_type` is used for lines without "_type".
std::vector<ImportRow> readJsonLines(std::istream& in, const std::string& file, const std::string& default_type,
                                     std::vector<ImportError>& errors, const ImportMapping* mapping = nullptr);
// Reads CSV (RFC 4180, header of field names; also _key and _agency columns) of one type.
// Cells are converted by the field's type: integers, decimals, booleans (true/false, yes/no,
// 1/0), multi-enum codes separated by ';', references as an id or "key:<key>"; an empty cell is
// no value.
std::vector<ImportRow> readCsv(std::istream& in, const std::string& file, const std::string& type,
                               const Schema& schema, std::vector<ImportError>& errors,
                               const ImportMapping* mapping = nullptr);
// Reads the first sheet of an XLSX workbook (or the mapping's `sheet`) like a CSV file: the first
// row is the header, each later row one record (its line is the spreadsheet's row number); cells
// formatted as dates, and day numbers in date fields, become ISO dates. A workbook is a ZIP of XML
// parts, read with libzip and expat, bounded: at most `kMaxXlsxPart` bytes per part unpacked, no
// DTDs. See import_xlsx.cpp.
std::vector<ImportRow> readXlsx(const std::string& bytes, const std::string& file, const std::string& type,
                                const Schema& schema, std::vector<ImportError>& errors,
                                const ImportMapping* mapping = nullptr);
inline constexpr std::size_t kMaxXlsxPart = 256u << 20;

// One table (CSV, a spreadsheet) to rows of one type: a header of field names (mapped), then
// rows of text cells typed by the fields. Shared by readCsv and readXlsx.
class TableReader {
 public:
  TableReader(std::string file, const std::string& type, const Schema& schema, std::vector<ImportError>& errors,
              const ImportMapping* mapping, bool spreadsheet);
  void header(const std::vector<std::string>& names);
  // `date_cells`: which cells a spreadsheet formats as dates (day numbers).
  void row(int line, const std::vector<std::string>& cells, const std::vector<bool>* date_cells = nullptr);
  void setDate1904(bool on) { date1904_ = on; }
  std::vector<ImportRow> take() { return std::move(rows_); }

 private:
  std::string file_, type_;
  const RecordType* t_;
  std::vector<ImportError>& errors_;
  const ImportMapping* mapping_;
  bool spreadsheet_;
  bool date1904_ = false;
  bool has_header_ = false;
  std::vector<std::string> fields_;  // per column: the field ("" left out)
  std::vector<bool> unnamed_;        // per column: the header cell is empty
  std::vector<ImportRow> rows_;
};

// Imports the rows in order as `actor`, in one transaction.
ImportReport importRows(RecordService& service, const Actor& actor, const std::vector<ImportRow>& rows,
                        const ImportOptions& options);

}  // namespace palermo::records
