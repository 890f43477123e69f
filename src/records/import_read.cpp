// Reading import files (CSV, JSON lines) into rows: the untrusted half of an import, kept apart
// from the engine so that it is fuzzed on its own (tests/fuzz/fuzz_import.cpp). See import.hpp.
#include <fmt/format.h>

#include <cmath>
#include <optional>
#include <sstream>

#include "core/csv.hpp"
#include "core/json_input.hpp"
#include "core/text_fold.hpp"
#include "core/yaml_files.hpp"
#include "records/import.hpp"
#include "records/schema.hpp"

namespace palermo::records {

std::string ImportError::toString() const {
  std::string where = file.empty() ? std::string("row") : file;
  if (line > 0) where += ":" + std::to_string(line);
  return where + (field.empty() ? "" : ": " + field) + (code.empty() ? "" : " [" + code + "]") + ": " + message;
}

Json ImportReport::toJson() const {
  Json errs = Json::array();
  for (const auto& e : errors)
    errs.push_back({{"file", e.file}, {"line", e.line}, {"field", e.field}, {"code", e.code}, {"message", e.message}});
  return {{"committed", committed}, {"dry_run", dry_run}, {"rows", rows},       {"created", created},
          {"updated", updated},     {"unchanged", unchanged}, {"ids", ids},   {"errors", errs},
          {"errors_truncated", errors_truncated}};
}

namespace {

constexpr const char* kSpecial[] = {"_type", "_key", "_agency", "_transitions", "_share"};

}  // namespace

std::vector<ImportRow> readJsonLines(std::istream& in, const std::string& file, const std::string& default_type,
                                     std::vector<ImportError>& errors, const ImportMapping* mapping) {
  std::vector<ImportRow> rows;
  std::string text;
  int line = 0;
  while (std::getline(in, text)) {
    ++line;
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.find_first_not_of(" \t") == std::string::npos) continue;
    Json j;
    try {
      j = parseJsonInput(text);
    } catch (const JsonInputError& e) {
      errors.push_back({file, line, e.field(), "json", e.what()});
      continue;
    }
    if (!j.is_object()) {
      errors.push_back({file, line, "", "json", "each line must be a JSON object"});
      continue;
    }
    if (mapping) {
      // The mapping's names for the keys, its codes for the words.
      Json mapped = Json::object();
      for (auto& [k, v] : j.items()) {
        const std::string field = mapping->column(k);
        if (field.empty()) continue;
        if (v.is_string()) {
          v = mapping->value(field, v.get<std::string>());
        } else if (v.is_array()) {
          for (auto& item : v)
            if (item.is_string()) item = mapping->value(field, item.get<std::string>());
        }
        mapped[field] = std::move(v);
      }
      j = std::move(mapped);
    }
    ImportRow r;
    r.file = file;
    r.line = line;
    r.type = default_type;
    if (j.contains("_type")) {
      if (j["_type"].is_string()) r.type = j["_type"];
      else errors.push_back({file, line, "_type", "type", "must be the name of a record type"});
    }
    if (r.type.empty()) errors.push_back({file, line, "_type", "required", "say the record type (_type or --type)"});
    if (j.contains("_key")) {
      if (j["_key"].is_string()) r.key = j["_key"];
      else errors.push_back({file, line, "_key", "type", "must be a string"});
    }
    if (j.contains("_agency")) {
      if (j["_agency"].is_string()) r.agency = j["_agency"];
      else errors.push_back({file, line, "_agency", "type", "must be the name of an agency"});
    }
    if (j.contains("_transitions")) r.transitions = j["_transitions"];
    if (j.contains("_share")) r.share = j["_share"];
    for (const char* k : kSpecial) j.erase(k);
    r.data = std::move(j);
    rows.push_back(std::move(r));
  }
  return rows;
}

namespace {

// The whole cell as a 64-bit integer, or nothing.
std::optional<long long> wholeNumber(const std::string& v) {
  try {
    std::size_t used = 0;
    const long long n = std::stoll(v, &used);
    if (used == v.size()) return n;
  } catch (const std::exception&) {  // NOLINT(bugprone-empty-catch): not a number
  }
  return std::nullopt;
}

// "qadın", "Qadın" and "QADIN " read alike: the search folding, tokens joined.
std::string foldWord(const std::string& word) {
  std::string out;
  for (const auto& t : text::searchTokens(word)) out += (out.empty() ? "" : " ") + t;
  return out;
}

}  // namespace

std::optional<int64_t> moneyCell(const std::string& cell, bool manat) {
  std::string s = cell;
  auto trim = [&] {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.erase(0, 1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
  };
  trim();
  // The unit: AZN, manat (any case) or the sign ₼, before or after.
  bool unit = false;
  auto strip = [&](const std::string& u, bool prefix) {
    if (s.size() < u.size()) return;
    std::string part = prefix ? s.substr(0, u.size()) : s.substr(s.size() - u.size());
    for (auto& ch : part) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (part != u) return;
    s = prefix ? s.substr(u.size()) : s.substr(0, s.size() - u.size());
    unit = true;
    trim();
  };
  for (const char* u : {"azn", "manat", "\xe2\x82\xbc"}) {
    strip(u, false);
    if (!unit) strip(u, true);
    if (unit) break;
  }
  if (!unit && !manat) return wholeNumber(s);  // qəpik, as the API keeps them
  // Manat: digits with thousands separated by spaces (a no-break or narrow no-break space too),
  // then one decimal point or comma and at most two digits.
  std::string digits, cents;
  bool negative = false, point = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto ch = static_cast<unsigned char>(s[i]);
    if (i == 0 && ch == '-') {
      negative = true;
    } else if (ch >= '0' && ch <= '9') {
      (point ? cents : digits) += static_cast<char>(ch);
    } else if ((ch == '.' || ch == ',') && !point) {
      point = true;
    } else if (ch == ' ' && !point && !digits.empty()) {
      continue;
    } else if (s.compare(i, 2, "\xc2\xa0") == 0 && !point && !digits.empty()) {
      ++i;
    } else if (s.compare(i, 3, "\xe2\x80\xaf") == 0 && !point && !digits.empty()) {
      i += 2;
    } else {
      return std::nullopt;
    }
  }
  if (digits.empty() || digits.size() > 15 || (point && cents.empty())) return std::nullopt;
  int64_t q = std::stoll(digits) * 100;
  if (cents.size() > 2) {
    // A spreadsheet's binary fraction (12.339999999999999): whole qəpik within a millionth.
    if (cents.size() > 17) return std::nullopt;
    const double tail = std::stod("0." + cents.substr(2));
    if (tail > 1e-6 && tail < 1 - 1e-6) return std::nullopt;
    q += std::stoll(cents.substr(0, 2)) + (tail >= 0.5 ? 1 : 0);
  } else if (!cents.empty()) {
    q += std::stoll(cents.size() == 1 ? cents + "0" : cents);
  }
  return negative ? -q : q;
}

std::string ImportMapping::column(const std::string& header) const {
  auto it = columns.find(header);
  return it == columns.end() ? header : it->second;
}

std::string ImportMapping::value(const std::string& field, const std::string& word) const {
  auto f = values.find(field);
  if (f == values.end()) return word;
  if (auto it = f->second.find(word); it != f->second.end()) return it->second;
  auto g = folded_.find(field);
  if (g != folded_.end())
    if (auto it = g->second.find(foldWord(word)); it != g->second.end()) return it->second;
  return word;
}

void ImportMapping::fold() {
  folded_.clear();
  for (const auto& [field, words] : values)
    for (const auto& [word, code] : words) folded_[field].emplace(foldWord(word), code);
}

ImportMapping readMapping(const std::string& text, const std::string& file, std::vector<ImportError>& errors) {
  ImportMapping m;
  std::vector<FileError> syntax;
  auto root = yaml::parse(file, text, syntax);
  for (const auto& e : syntax) errors.push_back({file, e.line, "", "yaml", e.message});
  if (!root) return m;
  if (!root->IsMap()) {
    errors.push_back({file, yaml::lineOf(*root, 1), "", "mapping",
                      "a mapping file is a YAML mapping (type, sheet, money, columns, values)"});
    return m;
  }
  auto scalar = [&](const YAML::Node& n, const std::string& what) -> std::optional<std::string> {
    if (!n.IsScalar()) {
      errors.push_back({file, yaml::lineOf(n, 1), what, "type", "must be a text"});
      return std::nullopt;
    }
    return n.Scalar();
  };
  for (const auto& entry : *root) {
    const std::string key = entry.first.IsScalar() ? entry.first.Scalar() : std::string();
    const YAML::Node& v = entry.second;
    const int line = yaml::lineOf(entry.first, 1);
    if (key == "type" || key == "sheet") {
      if (auto t = scalar(v, key)) (key == "type" ? m.type : m.sheet) = *t;
    } else if (key == "money") {
      if (auto t = scalar(v, key)) {
        if (*t == "manat" || *t == "AZN") m.money_in_manat = true;
        else if (*t == "qəpik" || *t == "qepik") m.money_in_manat = false;
        else errors.push_back({file, line, "money", "not_in_list", "is manat or qəpik"});
      }
    } else if (key == "columns") {
      if (!v.IsMap()) {
        errors.push_back({file, line, "columns", "type", "must map the file's column names to field names"});
        continue;
      }
      for (const auto& c : v) {
        auto from = scalar(c.first, "columns");
        auto to = c.second.IsNull() ? std::optional<std::string>("") : scalar(c.second, "columns." + (from ? *from : ""));
        if (from && to) m.columns[*from] = *to;
      }
    } else if (key == "values") {
      if (!v.IsMap()) {
        errors.push_back({file, line, "values", "type", "must map field names to {the file's word: code}"});
        continue;
      }
      for (const auto& f : v) {
        auto field = scalar(f.first, "values");
        if (!field) continue;
        if (!f.second.IsMap()) {
          errors.push_back({file, yaml::lineOf(f.second, line), "values." + *field, "type",
                            "must map the file's words to codes"});
          continue;
        }
        for (const auto& w : f.second) {
          auto word = scalar(w.first, "values." + *field);
          auto code = scalar(w.second, "values." + *field);
          if (word && code) m.values[*field][*word] = *code;
        }
      }
    } else {
      errors.push_back({file, line, key.substr(0, 60), "unknown",
                        "is not a key of a mapping file (type, sheet, money, columns, values)"});
    }
  }
  m.fold();
  return m;
}

void checkMapping(const ImportMapping& m, const std::string& file, const Schema& schema, const std::string& type,
                  std::vector<ImportError>& errors) {
  const RecordType* t = schema.type(type);
  if (!t) return;  // the rows say it
  for (const auto& [from, to] : m.columns)
    if (!to.empty() && to != "_key" && to != "_agency" && to != "_type" && !t->field(to))
      errors.push_back({file, 0, "columns." + from.substr(0, 60), "unknown_field",
                        "maps to '" + to.substr(0, 60) + "', which is not a field of " + type});
  for (const auto& [field, words] : m.values) {
    const FieldDef* f = t->field(field);
    if (!f) {
      errors.push_back({file, 0, "values." + field.substr(0, 60), "unknown_field", "is not a field of " + type});
      continue;
    }
    // Codes of a value list must be in it: a typo in the mapping is named here, once.
    const ValueList* list = f->values.empty() ? nullptr : schema.list(f->values);
    if (!list) continue;
    for (const auto& [word, code] : words)
      if (!list->find(code))
        errors.push_back({file, 0, "values." + field + "." + word.substr(0, 60), "not_in_list",
                          "'" + code.substr(0, 60) + "' is not a code of the list " + f->values});
  }
}

TableReader::TableReader(std::string file, const std::string& type, const Schema& schema,
                         std::vector<ImportError>& errors, const ImportMapping* mapping, bool spreadsheet)
    : file_(std::move(file)), type_(type), t_(schema.type(type)), errors_(errors), mapping_(mapping),
      spreadsheet_(spreadsheet) {
  if (!t_) errors_.push_back({file_, 0, "_type", "unknown", "'" + type.substr(0, 60) + "' is not a record type"});
}

void TableReader::header(const std::vector<std::string>& names) {
  if (!t_) return;
  for (const auto& raw : names) {
    const std::string h = mapping_ ? mapping_->column(raw) : raw;
    unnamed_.push_back(raw.empty());
    if (h.empty()) {
      fields_.emplace_back();  // a column without a name, or one the mapping leaves out
      continue;
    }
    if (h != "_key" && h != "_agency" && !t_->field(h))
      errors_.push_back({file_, 1, raw, "unknown_field",
                         h == raw ? "is not a field of " + type_
                                  : "maps to '" + h.substr(0, 60) + "', which is not a field of " + type_});
    fields_.push_back(h);
  }
  has_header_ = true;
}

namespace {

// An Excel day number (1900 date system, counting the 1900-02-29 that never was; or the 1904
// system) as an ISO date, or with a time of day as date and time. Nothing outside 1900–9999.
std::optional<std::string> fromSerial(const std::string& cell, bool date1904) {
  if (cell.empty() || cell.find_first_not_of("0123456789.") != std::string::npos) return std::nullopt;
  double serial = 0;
  try {
    std::size_t used = 0;
    serial = std::stod(cell, &used);
    if (used != cell.size()) return std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (!std::isfinite(serial) || serial < 1 || serial > 2958465) return std::nullopt;
  auto days = static_cast<int64_t>(serial);
  int64_t seconds = std::llround((serial - static_cast<double>(days)) * 86400.0);
  if (seconds >= 86400) {
    ++days;
    seconds -= 86400;
  }
  // Days since 1970-01-01: serial 25569 is 1970-01-01 in the 1900 system (past the phantom day).
  int64_t z = date1904 ? days + 24107 : days - 25569 + (days < 61 ? 1 : 0);
  // civil_from_days (H. Hinnant).
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t mo = mp < 10 ? mp + 3 : mp - 9;
  y += mo <= 2 ? 1 : 0;
  std::string out = fmt::format("{:04}-{:02}-{:02}", y, mo, d);
  if (seconds) out += fmt::format("T{:02}:{:02}:{:02}Z", seconds / 3600, seconds / 60 % 60, seconds % 60);
  return out;
}

}  // namespace

void TableReader::row(int line, const std::vector<std::string>& cells, const std::vector<bool>* date_cells) {
  if (!t_ || !has_header_) return;
  if (cells.empty() || (cells.size() == 1 && cells[0].empty())) return;  // blank line
  if (!spreadsheet_ && cells.size() != fields_.size()) {
    errors_.push_back({file_, line, "", "columns",
                       fmt::format("has {} cells, the header has {}", cells.size(), fields_.size())});
    return;
  }
  if (spreadsheet_ && cells.size() > fields_.size()) {
    for (std::size_t i = fields_.size(); i < cells.size(); ++i)
      if (!cells[i].empty()) {
        errors_.push_back({file_, line, "", "columns",
                           fmt::format("has a value in column {}, past the {} columns of the header", i + 1,
                                       fields_.size())});
        return;
      }
  }
  ImportRow r;
  r.file = file_;
  r.line = line;
  r.type = type_;
  for (std::size_t i = 0; i < fields_.size() && i < cells.size(); ++i) {
    if (cells[i].empty()) continue;
    if (unnamed_[i]) {
      errors_.push_back({file_, line, "", "columns", fmt::format("has a value in column {}, which has no name", i + 1)});
      continue;
    }
    if (fields_[i].empty()) continue;
    const std::string& name = fields_[i];
    const bool serial = date_cells && i < date_cells->size() && (*date_cells)[i];
    std::string v = mapping_ && name[0] != '_' ? mapping_->value(name, cells[i]) : cells[i];
    if (name == "_key") {
      r.key = v;
      continue;
    }
    if (name == "_agency") {
      r.agency = v;
      continue;
    }
    const FieldDef* f = t_->field(name);
    if (!f) continue;
    auto bad = [&](const char* what) { errors_.push_back({file_, line, f->name, "type", std::string("must be ") + what}); };
    // A spreadsheet's date is a day number: in a date field, or a cell formatted as a date.
    if (spreadsheet_ && (serial || f->type == FieldType::Date || f->type == FieldType::DateTime)) {
      if (auto iso = fromSerial(v, date1904_)) {
        v = f->type == FieldType::Date || f->type == FieldType::PartialDate ? iso->substr(0, 10) : *iso;
        if (f->type == FieldType::DateTime && v.size() == 10) v += "T00:00:00Z";
      }
    }
    switch (f->type) {
      case FieldType::Integer:
        if (auto n = wholeNumber(v)) r.data[f->name] = *n;
        else bad("an integer");
        break;
      case FieldType::Money:
        if (auto q = moneyCell(v, mapping_ && mapping_->money_in_manat)) r.data[f->name] = *q;
        else if (mapping_ && mapping_->money_in_manat) bad("an amount in manat (700, 700.50) with at most two decimals");
        else bad("an amount in qəpik (70000), or in manat with its unit (700.50 AZN; or money: manat in a mapping file)");
        break;
      case FieldType::Decimal:
        // Digits, sign, point and exponent only: no "nan", "inf" or hexadecimal.
        try {
          if (v.find_first_not_of("0123456789+-.eE") != std::string::npos) throw std::invalid_argument(v);
          std::size_t used = 0;
          const double d = std::stod(v, &used);
          if (used != v.size() || !std::isfinite(d)) throw std::invalid_argument(v);
          r.data[f->name] = d;
        } catch (const std::exception&) {
          bad("a number");
        }
        break;
      case FieldType::Boolean: {
        std::string l = v;
        for (auto& ch : l) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (l == "true" || l == "yes" || l == "1") r.data[f->name] = true;
        else if (l == "false" || l == "no" || l == "0") r.data[f->name] = false;
        else bad("true or false");
        break;
      }
      case FieldType::MultiEnum: {
        Json codes = Json::array();
        std::stringstream ss(v);
        std::string code;
        while (std::getline(ss, code, ';')) {
          while (!code.empty() && code.front() == ' ') code.erase(0, 1);
          while (!code.empty() && code.back() == ' ') code.pop_back();
          if (!code.empty()) codes.push_back(mapping_ ? mapping_->value(f->name, code) : code);
        }
        r.data[f->name] = codes;
        break;
      }
      case FieldType::Reference:
        if (v.rfind("key:", 0) == 0) {
          r.data[f->name] = Json{{"_key", v.substr(4)}};
        } else if (auto n = wholeNumber(v)) {
          r.data[f->name] = *n;
        } else {
          bad("a record id or key:<key of an earlier row>");
        }
        break;
      default:
        r.data[f->name] = v;
    }
  }
  rows_.push_back(std::move(r));
}

std::vector<ImportRow> readCsv(std::istream& in, const std::string& file, const std::string& type,
                               const Schema& schema, std::vector<ImportError>& errors, const ImportMapping* mapping) {
  TableReader table(file, type, schema, errors, mapping, false);
  if (!schema.type(type)) return {};
  csv::Reader reader(in);
  std::vector<std::string> cells;
  if (!reader.next(cells)) return {};
  table.header(cells);
  while (reader.next(cells)) table.row(reader.line(), cells);
  return table.take();
}

}  // namespace palermo::records
