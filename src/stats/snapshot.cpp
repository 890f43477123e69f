#include "stats/snapshot.hpp"

#include <unicode/timezone.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <set>

#include <stdexcept>
#include "records/schema.hpp"
#include "stats/indicators.hpp"
#include "store/store.hpp"

namespace palermo::stats {

int32_t Dictionary::code(const std::string& v) {
  if (v.empty()) return 0;
  auto it = codes.find(v);
  if (it != codes.end()) return it->second;
  const auto c = static_cast<int32_t>(values.size());
  values.push_back(v);
  codes.emplace(v, c);
  return c;
}

int32_t Dictionary::find(const std::string& v) const {
  auto it = codes.find(v);
  return it == codes.end() ? 0 : it->second;
}

void Codes::resize(std::size_t n) {
  switch (width_) {
    case 1: w8_.resize(n, 0); break;
    case 2: w16_.resize(n, 0); break;
    default: w32_.resize(n, 0); break;
  }
}

void Codes::reserve(std::size_t n) {
  switch (width_) {
    case 1: w8_.reserve(n); break;
    case 2: w16_.reserve(n); break;
    default: w32_.reserve(n); break;
  }
}

std::size_t Codes::size() const {
  switch (width_) {
    case 1: return w8_.size();
    case 2: return w16_.size();
    default: return w32_.size();
  }
}

std::size_t Codes::capacityBytes() const { return w8_.capacity() + w16_.capacity() * 2 + w32_.capacity() * 4; }

// Copies the codes into the next width that holds `code` and frees the narrower buffer.
void Codes::widen(int32_t code) {
  if (code < 0) throw std::invalid_argument("statistics: a negative dictionary code");
  const std::size_t n = size();
  if (code <= 65535 && width_ == 1) {
    w16_.reserve(std::max(n, w8_.capacity()));
    w16_.assign(w8_.begin(), w8_.end());
    HugeVector<uint8_t>().swap(w8_);
    width_ = 2;
    max_ = 65535;
    return;
  }
  w32_.reserve(std::max(n, width_ == 1 ? w8_.capacity() : w16_.capacity()));
  if (width_ == 1) w32_.assign(w8_.begin(), w8_.end());
  else w32_.assign(w16_.begin(), w16_.end());
  HugeVector<uint8_t>().swap(w8_);
  HugeVector<uint16_t>().swap(w16_);
  width_ = 4;
  max_ = std::numeric_limits<int32_t>::max();
}

void Column::resize(std::size_t n) {
  switch (kind) {
    case Kind::Code: codes.resize(n); break;
    case Kind::Multi: bits.resize(n, 0); break;
    case Kind::Date:
      day.resize(n, 0);
      if (partial) hi.resize(n, 0);
      break;
    case Kind::Number: num.resize(n, std::numeric_limits<double>::quiet_NaN()); break;
    case Kind::Ref:
      ref_row.resize(n, -1);
      if (staged) ref.resize(n, 0);
      break;
  }
}

const Column* Table::column(const std::string& name) const {
  auto it = columns.find(name);
  return it == columns.end() ? nullptr : &it->second;
}

Column& Table::addColumn(const std::string& name, Column::Kind kind, const std::string& ref_type, bool partial) {
  auto& c = columns[name];
  c.kind = kind;
  c.ref_type = ref_type;
  c.partial = kind == Column::Kind::Date && partial;
  c.resize(rows());
  return c;
}

std::size_t Table::appendRow(int64_t id) {
  if (id <= 0 || id > std::numeric_limits<int32_t>::max())
    throw std::runtime_error("statistics: record id " + std::to_string(id) + " is outside the snapshot's range (1 to 2^31 - 1)");
  ids.push_back(static_cast<int32_t>(id));
  alive.push_back(1);
  for (auto& [name, c] : columns) c.resize(ids.size());
  return ids.size() - 1;
}

void DateIndex::touch(std::size_t row) {
  if (row / 64 >= tail_bits.size()) tail_bits.resize(row / 64 + 1, 0);
  if (inTail(row)) return;
  tail_bits[row / 64] |= uint64_t{1} << (row % 64);
  tail.push_back(static_cast<int32_t>(row));
}

void DateIndex::rebuild(const HugeVector<int32_t>& column, const HugeVector<uint8_t>& alive) {
  // The span of years, their counts, then every live row in its year's place (in row order).
  // Deleted rows are left out, so that a scan of the sorted part need not read `alive`: a row
  // deleted later is written, so it is in the tail until the next sort.
  const auto indexed = [&](std::size_t r) { return column[r] != 0 && alive[r] != 0; };  // no date: in no period
  int32_t lo = 0, hi = -1;
  for (std::size_t r = 0; r < column.size(); ++r)
    if (indexed(r)) {
      const int32_t y = column[r] / 10000;
      if (hi < lo) lo = hi = y;
      lo = std::min(lo, y), hi = std::max(hi, y);
    }
  std::vector<uint32_t> slot(static_cast<std::size_t>(hi - lo + 1), 0);
  for (std::size_t r = 0; r < column.size(); ++r)
    if (indexed(r)) ++slot[static_cast<std::size_t>(column[r] / 10000 - lo)];
  year_list.clear();
  year_start.clear();
  uint32_t at = 0;
  for (std::size_t k = 0; k < slot.size(); ++k) {
    const uint32_t n = slot[k];
    slot[k] = at;
    if (n == 0) continue;
    year_list.push_back(lo + static_cast<int32_t>(k));
    year_start.push_back(at);
    at += n;
  }
  year_start.push_back(at);
  rows.assign(at, 0);
  for (std::size_t r = 0; r < column.size(); ++r)
    if (indexed(r)) rows[slot[static_cast<std::size_t>(column[r] / 10000 - lo)]++] = static_cast<int32_t>(r);
  tail.clear();
  tail.shrink_to_fit();
  tail_bits.assign((column.size() + 63) / 64, 0);
}

std::pair<std::size_t, std::size_t> DateIndex::range(int first, int last) const {
  const auto a = std::lower_bound(year_list.begin(), year_list.end(), first) - year_list.begin();
  const auto b = std::upper_bound(year_list.begin(), year_list.end(), last) - year_list.begin();
  if (a >= b) return {0, 0};
  return {year_start[static_cast<std::size_t>(a)], year_start[static_cast<std::size_t>(b)]};
}

struct Snapshot::Zone {
  std::unique_ptr<icu::TimeZone> tz;
};

namespace {

int64_t daysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

int32_t civilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return static_cast<int32_t>((y + (m <= 2)) * 10000 + m * 100 + d);
}

int num(const std::string& s, std::size_t pos, std::size_t n) {
  int v = 0;
  for (std::size_t i = pos; i < pos + n && i < s.size(); ++i) v = v * 10 + (s[i] - '0');
  return v;
}

Column::Kind kindOf(records::FieldType t) {
  using F = records::FieldType;
  switch (t) {
    case F::MultiEnum: return Column::Kind::Multi;
    case F::Date:
    case F::PartialDate:
    case F::DateTime: return Column::Kind::Date;
    case F::Integer:
    case F::Decimal:
    case F::Money: return Column::Kind::Number;
    case F::Reference: return Column::Kind::Ref;
    default: return Column::Kind::Code;
  }
}

const std::set<std::string> kChangingActions = {"record.create", "record.update", "record.delete",
                                                "record.restore", "record.transition", "record.migration"};

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

Snapshot::Snapshot(const records::Schema& schema, const Catalogue& catalogue)
    : schema_(schema), catalogue_(catalogue), zone_(std::make_unique<Zone>()) {
  zone_->tz.reset(icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(catalogue.time_zone)));
  for (const auto& [type, fields] : catalogue.fieldsUsed(schema)) {
    const auto* t = schema.type(type);
    if (!t) continue;
    TableSpec spec;
    for (const auto& f : fields) {
      if (f == "state") {
        spec.fields.emplace_back(f, Column::Kind::Code);
      } else if (f == "@agency_type" || f == "@agency_region" || f == "@id") {
        spec.fields.emplace_back(f, Column::Kind::Code);
      } else if (const auto* fd = t->field(f)) {
        if (fd->sensitivity == records::Sensitivity::Identity) continue;  // never
        spec.fields.emplace_back(f, kindOf(fd->type));
        if (fd->type == records::FieldType::Reference) spec.ref_types[f] = fd->ref;
        if (fd->type == records::FieldType::PartialDate) spec.partial.insert(f);
      }
    }
    specs_[type] = std::move(spec);
  }
  for (const auto& [type, spec] : specs_) tableFor(type);
  // Date indexes for the columns that place records in periods.
  for (const auto& [id, ind] : catalogue.indicators)
    if (!ind.from.empty() && !ind.date.empty() && ind.date.find('.') == std::string::npos)
      if (auto it = tables_.find(ind.from); it != tables_.end() && it->second->column(ind.date))
        it->second->date_indexes[ind.date];
}

int32_t Snapshot::rowOf(int64_t id, const std::string& type) const {
  if (id <= 0 || static_cast<std::size_t>(id) >= row_of_id_.size()) return -1;
  auto it = tables_.find(type);
  if (it == tables_.end() || table_of_id_[static_cast<std::size_t>(id)] != it->second->index + 1) return -1;
  return row_of_id_[static_cast<std::size_t>(id)];
}

void Snapshot::setRef(Column& c, std::size_t row, int64_t id) {
  if (c.staged) {
    c.ref[row] = id;
    return;
  }
  const int32_t target = rowOf(id, c.ref_type);
  if (target >= 0 || id <= 0) {
    c.ref_row[row] = id <= 0 ? -1 : target;
    if (!c.unresolved.empty()) c.unresolved.erase(static_cast<int32_t>(row));
  } else {
    c.ref_row[row] = Column::kUnresolved;
    c.unresolved[static_cast<int32_t>(row)] = id;
  }
}

void Snapshot::unstage() {
  for (auto& [type, t] : tables_)
    for (auto& [name, c] : t->columns) {
      if (c.kind != Column::Kind::Ref || !c.staged) continue;
      c.staged = false;
      for (std::size_t r = 0; r < c.ref.size() && r < c.ref_row.size(); ++r) setRef(c, r, c.ref[r]);
      std::vector<int64_t>().swap(c.ref);
    }
}

void Snapshot::resolvePending() {
  for (auto& [type, t] : tables_)
    for (auto& [name, c] : t->columns) {
      if (c.kind != Column::Kind::Ref || c.unresolved.empty()) continue;
      for (auto it = c.unresolved.begin(); it != c.unresolved.end();) {
        const int32_t target = rowOf(it->second, c.ref_type);
        if (target >= 0) {
          c.ref_row[static_cast<std::size_t>(it->first)] = target;
          it = c.unresolved.erase(it);
        } else {
          ++it;
        }
      }
    }
}

int64_t Snapshot::refId(const Column& c, std::size_t row) const {
  const int32_t target = c.ref_row[row];
  if (target >= 0) {
    const Table* t = table(c.ref_type);
    return t ? t->ids[static_cast<std::size_t>(target)] : 0;
  }
  if (target == Column::kUnresolved) {
    auto it = c.unresolved.find(static_cast<int32_t>(row));
    return it == c.unresolved.end() ? 0 : it->second;
  }
  return 0;
}

void Snapshot::rebuildIndexes(bool only_when_needed) {
  for (auto& [type, t] : tables_)
    for (auto& [column, index] : t->date_indexes)
      if (!only_when_needed || index.needsMerge()) index.rebuild(t->columns.at(column).day, t->alive);
}

Snapshot::~Snapshot() = default;

Table& Snapshot::tableFor(const std::string& type) {
  auto& slot = tables_[type];
  if (!slot) {
    slot = std::make_unique<Table>();
    slot->type = type;
    slot->index = static_cast<int>(tables_.size()) - 1;
    // Indexes must be stable: number tables in creation order.
    int max_index = -1;
    for (const auto& [n, t] : tables_)
      if (t && t.get() != slot.get()) max_index = std::max(max_index, t->index);
    slot->index = max_index + 1;
    if (table_by_index_.size() <= static_cast<std::size_t>(slot->index)) table_by_index_.resize(static_cast<std::size_t>(slot->index) + 1);
    table_by_index_[static_cast<std::size_t>(slot->index)] = slot.get();
    auto it = specs_.find(type);
    if (it != specs_.end())
      for (const auto& [f, kind] : it->second.fields) {
        auto rt = it->second.ref_types.find(f);
        slot->addColumn(f, kind, rt == it->second.ref_types.end() ? "" : rt->second, it->second.partial.count(f) > 0);
      }
  }
  return *slot;
}

const Table* Snapshot::table(const std::string& type) const {
  auto it = tables_.find(type);
  return it == tables_.end() ? nullptr : it->second.get();
}

Table& Snapshot::bulkTable(const std::string& type) {
  Table& t = tableFor(type);
  for (auto& [name, c] : t.columns)
    if (c.kind == Column::Kind::Ref && !c.staged) {
      c.staged = true;
      c.ref.assign(t.rows(), 0);
    }
  return t;
}

void Snapshot::finishBulk() {
  for (auto& [type, t] : tables_) {
    for (std::size_t r = 0; r < t->rows(); ++r) indexRow(*t, t->ids[r], r);
    // Bulk loading may have written `alive` directly: the deleted rows counted again.
    t->deleted = static_cast<std::size_t>(std::count(t->alive.begin(), t->alive.end(), uint8_t{0}));
  }
  unstage();
  rebuildIndexes(false);
  loaded_at_ = nowMs();
}

std::size_t Snapshot::totalRows() const {
  std::size_t n = 0;
  for (const auto& [type, t] : tables_) n += t->rows();
  return n;
}

std::size_t Snapshot::bytes() const {
  // Everything the snapshot holds per row: the id map, the columns, references' target rows,
  // the date indexes, the person links' canonical rows, and the dictionaries (their strings and
  // an estimate of the hash table's nodes).
  std::size_t n = row_of_id_.capacity() * 4 + table_of_id_.capacity();
  for (const auto& [type, t] : tables_) {
    n += t->ids.capacity() * 4 + t->alive.capacity() + t->canon.capacity() * 4;
    for (const auto& [name, c] : t->columns) {
      n += c.codes.capacityBytes() + c.day.capacity() * 4 + c.hi.capacity() * 4 + c.bits.capacity() * 8 + c.num.capacity() * 8 + c.ref.capacity() * 8 +
           c.ref_row.capacity() * 4 + c.unresolved.size() * 32;
      for (const auto& v : c.dict.values) n += sizeof(std::string) + (v.capacity() > 15 ? v.capacity() : 0) + 48;
    }
    for (const auto& [name, ix] : t->date_indexes) n += ix.bytes();
  }
  return n;
}

void Snapshot::indexRow(const Table& t, int64_t id, std::size_t row) {
  if (id <= 0) return;
  const auto i = static_cast<std::size_t>(id);
  if (i >= row_of_id_.size()) {
    const std::size_t n = std::max(i + 1, row_of_id_.size() * 3 / 2 + 1024);
    row_of_id_.resize(n, -1);
    table_of_id_.resize(n, 0);
  }
  row_of_id_[i] = static_cast<int32_t>(row);
  table_of_id_[i] = static_cast<uint8_t>(t.index + 1);
}

int32_t Snapshot::localDay(const std::string& s) const {
  // YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM|-HH:MM)
  if (s.size() < 20 || s[4] != '-' || s[10] != 'T') return 0;
  const int64_t days = daysFromCivil(num(s, 0, 4), static_cast<unsigned>(num(s, 5, 2)), static_cast<unsigned>(num(s, 8, 2)));
  int64_t secs = days * 86400 + num(s, 11, 2) * 3600 + num(s, 14, 2) * 60 + num(s, 17, 2);
  std::size_t z = 19;
  if (z < s.size() && s[z] == '.')
    while (z + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[z + 1]))) ++z;
  if (z < s.size() && s[z] == '.') ++z;
  while (z < s.size() && s[z] != 'Z' && s[z] != '+' && s[z] != '-') ++z;
  if (z < s.size() && s[z] != 'Z' && z + 5 < s.size() + 0) {
    const int off = num(s, z + 1, 2) * 3600 + num(s, z + 4, 2) * 60;
    secs += s[z] == '+' ? -off : off;
  }
  int32_t raw = 0, dst = 0;
  UErrorCode status = U_ZERO_ERROR;
  zone_->tz->getOffset(static_cast<UDate>(secs) * 1000.0, false, raw, dst, status);
  if (U_SUCCESS(status)) secs += (raw + dst) / 1000;
  return civilFromDays(secs >= 0 ? secs / 86400 : (secs - 86399) / 86400);
}

void Snapshot::setRow(Table& t, std::size_t row, const StoredRecord& r) {
  t.setAlive(row, r.deleted_at == 0);
  const auto& data = r.data;
  for (auto& [name, c] : t.columns) {
    if (name == "state") {
      c.codes.set(row, c.dict.code(r.state));
      continue;
    }
    if (name == "@agency_type" || name == "@agency_region") {
      auto it = agencies_.find(r.agency_id);
      const std::string v = it == agencies_.end() ? "" : name == "@agency_type" ? it->second.first : it->second.second;
      c.codes.set(row, c.dict.code(v));
      continue;
    }
    if (name == "@id") {
      c.codes.set(row, c.dict.code(std::to_string(r.id)));
      continue;
    }
    auto it = data.find(name);
    const bool has = it != data.end() && !it->is_null();
    switch (c.kind) {
      case Column::Kind::Code: {
        std::string v;
        if (has) {
          if (it->is_string()) v = it->get<std::string>();
          else if (it->is_boolean()) v = it->get<bool>() ? "true" : "false";
          else v = it->dump();
        }
        c.codes.set(row, c.dict.code(v));
        break;
      }
      case Column::Kind::Multi: {
        uint64_t bits = 0;
        if (has && it->is_array())
          for (const auto& v : *it)
            if (v.is_string()) {
              const int32_t code = c.dict.code(v.get<std::string>());
              if (code > 64) throw std::runtime_error("statistics: more than 64 values in " + t.type + "." + name);
              bits |= uint64_t{1} << (code - 1);
            }
        c.bits[row] = bits;
        break;
      }
      case Column::Kind::Date: {
        c.day[row] = 0;
        if (c.partial) c.hi[row] = 0;
        if (!has || !it->is_string()) break;
        const auto& s = it->get_ref<const std::string&>();
        if (s.size() > 10 && s[10] == 'T') {
          c.day[row] = localDay(s);
          if (c.partial) c.hi[row] = c.day[row];
          break;
        }
        records::PartialDate d;
        if (!records::parsePartialDate(s, d)) break;
        c.day[row] = d.year * 10000 + (d.month ? d.month : 1) * 100 + (d.day ? d.day : 1);
        const int m = d.month ? d.month : 12;
        int last = d.day;
        if (!last) {
          static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
          last = kDays[m - 1];
          if (m == 2 && ((d.year % 4 == 0 && d.year % 100 != 0) || d.year % 400 == 0)) last = 29;
        }
        if (c.partial) c.hi[row] = d.year * 10000 + m * 100 + last;
        break;
      }
      case Column::Kind::Number:
        c.num[row] = has && it->is_number() ? it->get<double>() : std::numeric_limits<double>::quiet_NaN();
        break;
      case Column::Kind::Ref:
        setRef(c, row, has && it->is_number_integer() ? it->get<int64_t>() : 0);
        break;
    }
  }
}

void Snapshot::put(const StoredRecord& r) {
  auto it = tables_.find(r.type);
  if (it == tables_.end()) return;
  Table& t = *it->second;
  std::size_t row;
  const auto i = static_cast<std::size_t>(r.id);
  if (i < row_of_id_.size() && table_of_id_[i] == t.index + 1) {
    row = static_cast<std::size_t>(row_of_id_[i]);
  } else {
    row = t.appendRow(r.id);
    indexRow(t, r.id, row);
  }
  setRow(t, row, r);
  for (auto& [column, index] : t.date_indexes) index.touch(row);
}

void Snapshot::loadAgencies(Store& store) {
  agencies_.clear();
  for (const auto& a : store.listAgencies()) agencies_[a.id] = {a.type, a.region};
}

void Snapshot::load(Store& store) {
  // The audit head first: a write landing during the load is then re-read by the next refresh.
  const int64_t head = store.auditHead().seq;
  loadAgencies(store);
  // References are resolved once every table is in (a record may refer to one read later).
  for (auto& [type, t] : tables_)
    for (auto& [name, c] : t->columns)
      if (c.kind == Column::Kind::Ref && !c.staged) {
        c.staged = true;
        c.ref.assign(t->rows(), 0);
        for (std::size_t r = 0; r < t->rows(); ++r) c.ref[r] = refId(c, r);
        c.unresolved.clear();
      }
  for (auto& [type, t] : tables_) {
    RecordQuery q;
    q.type = type;
    q.limit = 5000;
    q.sort_field = "id";
    for (;;) {
      auto page = store.listRecords(q);
      for (const auto& r : page.items) put(r);
      if (!page.has_more || page.items.empty()) break;
      q.after_id = page.items.back().id;
      q.after_value = Json(q.after_id);
    }
  }
  unstage();
  seq_ = head;
  rebuildIndexes(false);
  if (links_) applyPersonLinks();
  loaded_at_ = nowMs();
}

int64_t Snapshot::refresh(Store& store) {
  const int64_t head = store.auditHead().seq;
  if (head <= seq_) return 0;
  std::set<std::pair<std::string, int64_t>> changed;
  int64_t from = seq_ + 1;
  while (from <= head) {
    auto entries = store.auditEntries(from, 5000);
    if (entries.empty()) break;
    for (const auto& e : entries) {
      if (e.seq > head) break;
      if (e.record_id > 0 && kChangingActions.count(e.action) && tables_.count(e.record_type))
        changed.emplace(e.record_type, e.record_id);
    }
    from = entries.back().seq + 1;
  }
  bool agencies_loaded = false;
  std::vector<StoredRecord> records;
  for (const auto& [type, id] : changed) {
    auto r = store.getRecord(type, id);
    if (!r) continue;
    if (!agencies_loaded && r->agency_id && !agencies_.count(r->agency_id)) {
      loadAgencies(store);
      agencies_loaded = true;
    }
    records.push_back(std::move(*r));
  }
  apply(records);
  seq_ = head;
  return static_cast<int64_t>(changed.size());
}

void Snapshot::apply(const std::vector<StoredRecord>& records) {
  for (const auto& r : records) put(r);
  // References among records of this batch resolve once all of them are in.
  resolvePending();
  rebuildIndexes(true);
  if (links_) applyPersonLinks();
}

void Snapshot::setPersonLinks(std::shared_ptr<const std::unordered_map<int64_t, int64_t>> links, uint64_t version) {
  links_ = std::move(links);
  links_version_ = version;
  links_applied_.clear();
  links_since_.clear();
  for (auto& [type, t] : tables_) t->canon.clear();
  // From scratch: one pass over the links (not over every row of every table), placing each
  // registration in its table; then the rows of persons whose own record is elsewhere point
  // to the person's first row in the table.
  std::map<Table*, std::vector<std::pair<int32_t, int64_t>>> linked;  // table -> (row, person)
  for (const auto& [record, person] : *links_)
    if (Table* t = tableOfRecord(record)) linked[t].emplace_back(row_of_id_[static_cast<std::size_t>(record)], person);
  for (auto& [type, t] : tables_) {
    LinksApplied& state = links_applied_[type];
    state.rows = t->rows();
    auto it = linked.find(t.get());
    if (it == linked.end()) continue;
    auto& rows = it->second;
    std::sort(rows.begin(), rows.end());  // the first row of a person is met first
    for (const auto& [row, person] : rows) placeRow(*t, state, row, person);
  }
}

// The row standing for `person` in table t: the person's own record when it is a row of t,
// else the first row of the person met in t. Sets the canonical row of `row`.
void Snapshot::placeRow(Table& t, LinksApplied& state, int32_t row, int64_t person) {
  int32_t target = -1;
  if (person > 0 && static_cast<std::size_t>(person) < table_of_id_.size() &&
      table_of_id_[static_cast<std::size_t>(person)] == t.index + 1)
    target = row_of_id_[static_cast<std::size_t>(person)];
  if (target < 0) target = state.first_row.emplace(person, row).first->second;
  if (target == row) return;
  if (t.canon.size() < t.rows()) {
    const std::size_t from = t.canon.size();
    t.canon.resize(t.rows());
    for (std::size_t r = from; r < t.canon.size(); ++r) t.canon[r] = static_cast<int32_t>(r);
  }
  t.canon[static_cast<std::size_t>(row)] = target;
}

void Snapshot::applyPersonLinks() {
  // Rows added since the links were applied: each looked up once (a write adds one).
  for (auto& [type, t] : tables_) {
    LinksApplied& state = links_applied_[type];
    if (state.rows >= t->rows()) continue;
    const std::size_t from = state.rows;
    state.rows = t->rows();
    bool redo = false;
    for (std::size_t r = from; r < t->rows() && !redo; ++r) {
      const int64_t person = linkedPerson(t->ids[r]);
      if (person == 0) continue;
      // A person's own record arriving after rows of the person in this table: those rows
      // pointed to the first of them and now point to it — placed again from scratch.
      if (person == t->ids[r] && state.first_row.count(person)) redo = true;
      else placeRow(*t, state, static_cast<int32_t>(r), person);
    }
    if (redo) {
      setPersonLinks(links_, links_version_);
      return;
    }
    if (!t->canon.empty() && t->canon.size() < t->rows()) {
      const std::size_t n = t->canon.size();
      t->canon.resize(t->rows());
      for (std::size_t r = n; r < t->canon.size(); ++r) t->canon[r] = static_cast<int32_t>(r);
    }
  }
}

Table* Snapshot::tableOfRecord(int64_t record) {
  if (record <= 0 || static_cast<std::size_t>(record) >= table_of_id_.size()) return nullptr;
  const uint8_t ti = table_of_id_[static_cast<std::size_t>(record)];
  return ti == 0 || ti > table_by_index_.size() ? nullptr : table_by_index_[ti - 1u];
}

int64_t Snapshot::linkedPerson(int64_t record) const {
  if (auto it = links_since_.find(record); it != links_since_.end()) return it->second;
  if (!links_) return 0;
  auto it = links_->find(record);
  return it == links_->end() ? 0 : it->second;
}

void Snapshot::updatePersonLinks(const std::vector<std::pair<int64_t, int64_t>>& changes, uint64_t version,
                                 const std::function<std::shared_ptr<const std::unordered_map<int64_t, int64_t>>()>& whole) {
  if (!links_) {
    setPersonLinks(whole(), version);
    return;
  }
  for (const auto& [record, person] : changes) {
    const int64_t known = linkedPerson(record);
    if (known == person) continue;
    if (known != 0 || person == 0) {  // moved or left: rows of two persons may change
      setPersonLinks(whole(), version);
      return;
    }
    links_since_[record] = person;
    Table* t = tableOfRecord(record);
    if (!t) continue;  // not (yet) a row: placed when it arrives (applyPersonLinks)
    LinksApplied& state = links_applied_[t->type];
    const int32_t row = row_of_id_[static_cast<std::size_t>(record)];
    if (static_cast<std::size_t>(row) >= state.rows) continue;  // a row not given its links yet
    if (person == record && state.first_row.count(person)) {
      setPersonLinks(whole(), version);
      return;
    }
    placeRow(*t, state, row, person);
  }
  links_version_ = version;
}

}  // namespace palermo::stats
