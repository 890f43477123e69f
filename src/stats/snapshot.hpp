// The column snapshot the statistics engine evaluates over (docs/statistics.md): for each
// register an indicator reads, dense columns of the fields it reads (dictionary codes, dates as
// YYYYMMDD integers, numbers, references as record ids), kept current by reading the audit
// chain's entries after the sequence number the snapshot reflects. Identity fields are never
// loaded.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/json.hpp"

namespace palermo {
class Store;
struct StoredRecord;
namespace records {
struct Schema;
}
}  // namespace palermo

namespace palermo::stats {

struct Catalogue;

// Values of one column, numbered from 1 in order of first appearance; 0 is "no value".
struct Dictionary {
  std::vector<std::string> values{""};
  std::unordered_map<std::string, int32_t> codes;
  int32_t code(const std::string& v);                    // adds when new
  [[nodiscard]] int32_t find(const std::string& v) const;  // 0 when unknown
};

struct Column {
  enum class Kind { Code, Multi, Date, Number, Ref };
  Kind kind = Kind::Code;
  std::string ref_type;           // Ref: the type referred to
  std::vector<int32_t> code;      // Code: dictionary code; Date: earliest day (YYYYMMDD), 0 none
  std::vector<int32_t> hi;        // Date: latest day a partial date may stand for
  std::vector<uint64_t> bits;     // Multi: bit (code-1) set for each value present
  std::vector<double> num;        // Number; NaN when none
  std::vector<int64_t> ref;       // Ref: record id, 0 when none
  std::vector<int32_t> ref_row;   // Ref: the row of that record in the `ref_type` table, -1 none
  Dictionary dict;                // Code and Multi
  void resize(std::size_t n);
};

// Rows grouped by the year of one date column (and in row order within a year, so that a scan
// reads the columns forwards), so that a period is a range instead of a scan of the whole
// register. Kept current without re-sorting per write: rows written since the last sort go to
// `tail` (scanned whole, their entries in `rows` skipped); the tail is merged in when it grows
// past a fraction of the table.
struct DateIndex {
  std::vector<int32_t> years;   // sorted ascending
  std::vector<int32_t> rows;    // the row of each entry in `years`
  std::vector<int32_t> tail;    // rows changed or added since the sort
  std::vector<uint8_t> in_tail;
  void touch(std::size_t row);
  void rebuild(const std::vector<int32_t>& column);
  [[nodiscard]] bool needsMerge() const { return tail.size() > 4096 + rows.size() / 8; }
};

struct Table {
  std::string type;
  int index = 0;
  std::vector<int64_t> ids;
  std::vector<uint8_t> alive;  // 0: deleted
  std::map<std::string, Column> columns;
  std::map<std::string, DateIndex> date_indexes;  // for the date columns indicators place periods by
  // Person links (S4): the row standing for each row's person (the person's first registration
  // in this table); empty when no links apply. Counting persons counts canonical rows.
  std::vector<int32_t> canon;
  [[nodiscard]] std::size_t rows() const { return ids.size(); }
  [[nodiscard]] int32_t canonical(int32_t row) const {
    return row < 0 || canon.empty() ? row : canon[static_cast<std::size_t>(row)];
  }
  [[nodiscard]] const DateIndex* dateIndex(const std::string& column) const {
    auto it = date_indexes.find(column);
    return it == date_indexes.end() ? nullptr : &it->second;
  }
  [[nodiscard]] const Column* column(const std::string& name) const;
  Column& addColumn(const std::string& name, Column::Kind kind, const std::string& ref_type = "");
  // Appends an empty row for `id` (bulk loading: benchmarks fill the columns directly).
  std::size_t appendRow(int64_t id);
};

class Snapshot {
 public:
  Snapshot(const records::Schema& schema, const Catalogue& catalogue);
  ~Snapshot();
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;

  // Reads every live record of the registers the indicators use.
  void load(Store& store);
  // Catches up with writes since the last load or refresh, from the audit chain (each write
  // appends an entry naming the record); re-reads only the records named. Returns the number of
  // records re-read. Not thread-safe: the caller holds the write lock.
  int64_t refresh(Store& store);
  // Puts one stored record into its table (a new row, or over its row).
  void put(const StoredRecord& r);
  // Person links: record id -> person id (linkage/person_links.hpp). Rows of one person count
  // once; re-applied as rows are added. `version` tells a new map from the one applied.
  void setPersonLinks(std::shared_ptr<const std::unordered_map<int64_t, int64_t>> links, uint64_t version);
  [[nodiscard]] uint64_t personLinksVersion() const { return links_version_; }
  // Bulk loading without a store (benchmarks): the table for `type`, with the columns the
  // catalogue needs created; rows are appended with Table::appendRow and finish() called after.
  Table& bulkTable(const std::string& type);
  void finishBulk();

  [[nodiscard]] const Table* table(const std::string& type) const;
  [[nodiscard]] int64_t seq() const { return seq_; }
  [[nodiscard]] int64_t loadedAt() const { return loaded_at_; }
  [[nodiscard]] std::size_t totalRows() const;
  [[nodiscard]] std::size_t bytes() const;
  // The calendar day (YYYYMMDD) of an RFC 3339 date-time in the catalogue's time zone; 0 if malformed.
  [[nodiscard]] int32_t localDay(const std::string& datetime) const;

 private:
  struct TableSpec {
    std::vector<std::pair<std::string, Column::Kind>> fields;
    std::map<std::string, std::string> ref_types;
  };
  Table& tableFor(const std::string& type);
  void setRow(Table& t, std::size_t row, const StoredRecord& r);
  void indexRow(const Table& t, int64_t id, std::size_t row);
  void loadAgencies(Store& store);
  void resolveRefs(Table& t, std::size_t row);  // the ref_row of each reference of one row
  void rebuildIndexes(bool only_when_needed);
  void applyPersonLinks();
  std::shared_ptr<const std::unordered_map<int64_t, int64_t>> links_;
  uint64_t links_version_ = 0;
  std::map<std::string, std::size_t> links_applied_rows_;  // rows of each table when last applied

  const records::Schema& schema_;
  const Catalogue& catalogue_;
  std::map<std::string, TableSpec> specs_;
  std::map<std::string, std::unique_ptr<Table>> tables_;
  std::vector<int32_t> row_of_id_;
  std::vector<uint8_t> table_of_id_;  // table index + 1; 0 none
  std::map<int64_t, std::pair<std::string, std::string>> agencies_;  // id -> type, region
  int64_t seq_ = 0;
  int64_t loaded_at_ = 0;
  struct Zone;
  std::unique_ptr<Zone> zone_;
};

}  // namespace palermo::stats
