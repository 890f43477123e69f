// The column snapshot the statistics engine evaluates over (docs/statistics.md): for each
// register an indicator reads, dense columns of the fields it reads (dictionary codes, dates as
// YYYYMMDD integers, numbers, references as record ids), kept current by reading the audit
// chain's entries after the sequence number the snapshot reflects. Identity fields are never
// loaded.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/huge_pages.hpp"
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

// The dictionary codes of a coded column, each in the narrowest width that holds the largest
// code: 1 byte while it is under 256, 2 under 65,536, 4 beyond (widened in place, once per
// width). Most coded fields have a few values (sex, citizenship, a state), so their columns are
// a quarter of a 4-byte column: a figure that reaches a person's fields at random from another
// register reads 3 MB per field at 3 million persons instead of 12, and a scan over a year of
// a register streams a quarter of the bytes.
class Codes {
 public:
  [[nodiscard]] int32_t operator[](std::size_t r) const {
    switch (width_) {
      case 1: return w8_[r];
      case 2: return w16_[r];
      default: return w32_[r];
    }
  }
  void set(std::size_t r, int32_t code) {
    if (code > max_ || code < 0) widen(code);  // (a negative code is refused there)
    switch (width_) {
      case 1: w8_[r] = static_cast<uint8_t>(code); break;
      case 2: w16_[r] = static_cast<uint16_t>(code); break;
      default: w32_[r] = code; break;
    }
  }
  // fn(const T* data) with T the column's width (uint8_t, uint16_t or int32_t): tight loops
  // over the codes without a switch per row.
  template <class Fn>
  decltype(auto) visit(Fn&& fn) const {
    switch (width_) {
      case 1: return fn(w8_.data());
      case 2: return fn(w16_.data());
      default: return fn(w32_.data());
    }
  }
  void prefetch(std::size_t r) const {
    visit([r](const auto* d) { __builtin_prefetch(d + r); });
  }
  void resize(std::size_t n);  // new rows hold 0 (no value)
  void reserve(std::size_t n);
  [[nodiscard]] std::size_t size() const;
  [[nodiscard]] std::size_t capacityBytes() const;
  [[nodiscard]] int width() const { return width_; }

 private:
  void widen(int32_t code);
  int width_ = 1;
  int32_t max_ = 255;  // the largest code the width holds
  HugeVector<uint8_t> w8_;
  HugeVector<uint16_t> w16_;
  HugeVector<int32_t> w32_;
};

// One field of a register, one entry per row. References are kept as the row they lead to (4
// bytes), not the record id: the id of a record is its table's `ids` entry.
struct Column {
  enum class Kind { Code, Multi, Date, Number, Ref };
  static constexpr int32_t kUnresolved = -2;  // ref_row: a record not (yet) in the snapshot
  Kind kind = Kind::Code;
  bool partial = false;           // Date: a partial date (`hi` holds the latest day it stands for)
  std::string ref_type;           // Ref: the type referred to
  Codes codes;                    // Code: dictionary code, 0 none
  HugeVector<int32_t> day;        // Date: earliest day (YYYYMMDD), 0 none
  HugeVector<int32_t> hi;         // Date, partial only: the latest day the date may stand for
  HugeVector<uint64_t> bits;      // Multi: bit (code-1) set for each value present
  HugeVector<double> num;         // Number; NaN when none
  HugeVector<int32_t> ref_row;    // Ref: the row of the record in the `ref_type` table, -1 none, or kUnresolved
  std::unordered_map<int32_t, int64_t> unresolved;  // Ref: row -> id, for the kUnresolved rows
  // Ref while loading (staged): the ids referred to, resolved into ref_row at the end of the
  // load and then dropped; empty otherwise.
  std::vector<int64_t> ref;
  bool staged = false;
  Dictionary dict;                // Code and Multi
  void resize(std::size_t n);
  // Date: the latest day the value may stand for.
  [[nodiscard]] int32_t latest(std::size_t r) const { return partial ? hi[r] : day[r]; }
  // Ref: whether the row refers to anything (a record in the snapshot or not).
  [[nodiscard]] bool refers(std::size_t r) const { return ref_row[r] != -1; }
};

// Rows grouped by the year of one date column (and in row order within a year, so that a scan
// reads the columns forwards), so that a period is a range instead of a scan of the whole
// register: 4 bytes per row and a few per year. Kept current without re-sorting per write: rows
// written since the last sort go to `tail` (scanned whole, their entries in `rows` skipped); the
// tail is merged in when it grows past a fraction of the table. Only live rows are sorted in.
struct DateIndex {
  std::vector<int32_t> year_list;    // the years present, ascending
  std::vector<uint32_t> year_start;  // rows of year_list[k]: rows[year_start[k] .. year_start[k + 1])
  HugeVector<int32_t> rows;
  std::vector<int32_t> tail;         // rows changed or added since the sort
  std::vector<uint64_t> tail_bits;   // bit per row: in the tail
  void touch(std::size_t row);
  void rebuild(const HugeVector<int32_t>& column, const HugeVector<uint8_t>& alive);  // a counting sort by year: linear
  [[nodiscard]] bool inTail(std::size_t row) const {
    return row / 64 < tail_bits.size() && (tail_bits[row / 64] >> (row % 64) & 1) != 0;
  }
  // The entries of the years first..last, as positions in `rows`.
  [[nodiscard]] std::pair<std::size_t, std::size_t> range(int first, int last) const;
  [[nodiscard]] bool needsMerge() const { return tail.size() > 4096 + rows.size() / 8; }
  [[nodiscard]] std::size_t bytes() const {
    return year_list.capacity() * 4 + year_start.capacity() * 4 + rows.capacity() * 4 + tail.capacity() * 4 +
           tail_bits.capacity() * 8;
  }
};

struct Table {
  std::string type;
  int index = 0;
  HugeVector<int32_t> ids;  // record ids (the id map below already bounds them to 32 bits)
  HugeVector<uint8_t> alive;  // 0: deleted (written through setAlive, which counts them)
  std::size_t deleted = 0;    // rows with alive 0: when none, scans need not read `alive`
  std::map<std::string, Column> columns;
  std::map<std::string, DateIndex> date_indexes;  // for the date columns indicators place periods by
  // Person links (S4): the row standing for each row's person (the person's first registration
  // in this table); empty when no links apply. Counting persons counts canonical rows.
  HugeVector<int32_t> canon;
  [[nodiscard]] std::size_t rows() const { return ids.size(); }
  [[nodiscard]] int32_t canonical(int32_t row) const {
    return row < 0 || canon.empty() ? row : canon[static_cast<std::size_t>(row)];
  }
  [[nodiscard]] const DateIndex* dateIndex(const std::string& column) const {
    auto it = date_indexes.find(column);
    return it == date_indexes.end() ? nullptr : &it->second;
  }
  [[nodiscard]] const Column* column(const std::string& name) const;
  Column& addColumn(const std::string& name, Column::Kind kind, const std::string& ref_type = "", bool partial = false);
  // Appends an empty row for `id` (bulk loading: benchmarks fill the columns directly).
  std::size_t appendRow(int64_t id);
  void setAlive(std::size_t row, bool is_alive) {
    if ((alive[row] != 0) == is_alive) return;
    alive[row] = is_alive ? 1 : 0;
    if (is_alive) --deleted;
    else ++deleted;
  }
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
  // Applies written records (new, changed or deleted) as refresh() does once it has read them:
  // each put in its table, references among them resolved, a date index's tail merged when due,
  // new rows given their person links. The incremental path of a write (bench: --writes).
  void apply(const std::vector<StoredRecord>& records);
  // Person links: record id -> person id (linkage/person_links.hpp). Rows of one person count
  // once; re-applied as rows are added. `version` tells a new map from the one applied.
  void setPersonLinks(std::shared_ptr<const std::unordered_map<int64_t, int64_t>> links, uint64_t version);
  [[nodiscard]] uint64_t personLinksVersion() const { return links_version_; }
  // The person links' changes since the version applied (PersonLinks::changesSince):
  // registrations new to the links take their place at once; when one moved or left (a review
  // decision, a deletion), the links are applied whole again, from `whole()`.
  void updatePersonLinks(const std::vector<std::pair<int64_t, int64_t>>& changes, uint64_t version,
                         const std::function<std::shared_ptr<const std::unordered_map<int64_t, int64_t>>()>& whole);
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
    std::set<std::string> partial;  // partial dates
  };
  Table& tableFor(const std::string& type);
  void setRow(Table& t, std::size_t row, const StoredRecord& r);
  void indexRow(const Table& t, int64_t id, std::size_t row);
  void loadAgencies(Store& store);
  // The row of record `id` in table `type`, -1 when it is not there.
  [[nodiscard]] int32_t rowOf(int64_t id, const std::string& type) const;
  void setRef(Column& c, std::size_t row, int64_t id);  // staged, or resolved now
  void unstage();          // resolves every staged reference and drops the ids
  void resolvePending();   // tries the kUnresolved references again
 public:
  // Ref: the id of the record a row refers to (0 none), for exports of the snapshot.
  [[nodiscard]] int64_t refId(const Column& c, std::size_t row) const;

 private:
  void rebuildIndexes(bool only_when_needed);
  void applyPersonLinks();
  std::shared_ptr<const std::unordered_map<int64_t, int64_t>> links_;
  uint64_t links_version_ = 0;
  // Per table: rows given their person links, and the row standing for each person met.
  struct LinksApplied {
    std::size_t rows = 0;
    std::unordered_map<int64_t, int32_t> first_row;  // person id -> row standing for it
  };
  std::map<std::string, LinksApplied> links_applied_;
  std::unordered_map<int64_t, int64_t> links_since_;  // registrations placed by updatePersonLinks since links_
  [[nodiscard]] int64_t linkedPerson(int64_t record) const;  // 0 when not linked
  Table* tableOfRecord(int64_t record);  // the table holding record `record`, null when none
  std::vector<Table*> table_by_index_;  // Table::index -> table
  void placeRow(Table& t, LinksApplied& state, int32_t row, int64_t person);

  const records::Schema& schema_;
  const Catalogue& catalogue_;
  std::map<std::string, TableSpec> specs_;
  std::map<std::string, std::unique_ptr<Table>> tables_;
  HugeVector<int32_t> row_of_id_;
  HugeVector<uint8_t> table_of_id_;  // table index + 1; 0 none
  std::map<int64_t, std::pair<std::string, std::string>> agencies_;  // id -> type, region
  int64_t seq_ = 0;
  int64_t loaded_at_ = 0;
  struct Zone;
  std::unique_ptr<Zone> zone_;
};

}  // namespace palermo::stats
