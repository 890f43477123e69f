// Reading import files (CSV, JSON lines) into rows: the untrusted half of an import, kept apart
// from the engine so that it is fuzzed on its own (tests/fuzz/fuzz_import.cpp). See import.hpp.
#include <fmt/format.h>

#include <cmath>
#include <optional>
#include <sstream>

#include "core/csv.hpp"
#include "core/json_input.hpp"
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
  return {{"committed", committed}, {"dry_run", dry_run}, {"rows", rows},
          {"created", created},     {"ids", ids},         {"errors", errs},
          {"errors_truncated", errors_truncated}};
}

namespace {

constexpr const char* kSpecial[] = {"_type", "_key", "_agency", "_transitions", "_share"};

}  // namespace

std::vector<ImportRow> readJsonLines(std::istream& in, const std::string& file, const std::string& default_type,
                                     std::vector<ImportError>& errors) {
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

}  // namespace

std::vector<ImportRow> readCsv(std::istream& in, const std::string& file, const std::string& type,
                               const Schema& schema, std::vector<ImportError>& errors) {
  std::vector<ImportRow> rows;
  const RecordType* t = schema.type(type);
  if (!t) {
    errors.push_back({file, 0, "_type", "unknown", "'" + type + "' is not a record type"});
    return rows;
  }
  csv::Reader reader(in);
  std::vector<std::string> header;
  if (!reader.next(header)) return rows;
  for (const auto& h : header)
    if (h != "_key" && h != "_agency" && !t->field(h))
      errors.push_back({file, 1, h, "unknown_field", "is not a field of " + type});
  std::vector<std::string> cells;
  while (reader.next(cells)) {
    const int row_line = reader.line();
    if (cells.size() == 1 && cells[0].empty()) continue;  // blank line
    if (cells.size() != header.size()) {
      errors.push_back({file, row_line, "", "columns",
                        fmt::format("has {} cells, the header has {}", cells.size(), header.size())});
      continue;
    }
    ImportRow r;
    r.file = file;
    r.line = row_line;
    r.type = type;
    for (std::size_t i = 0; i < header.size(); ++i) {
      const std::string& v = cells[i];
      if (v.empty()) continue;
      if (header[i] == "_key") {
        r.key = v;
        continue;
      }
      if (header[i] == "_agency") {
        r.agency = v;
        continue;
      }
      const FieldDef* f = t->field(header[i]);
      if (!f) continue;
      auto bad = [&](const char* what) { errors.push_back({file, row_line, f->name, "type", std::string("must be ") + what}); };
      switch (f->type) {
        case FieldType::Integer:
        case FieldType::Money:
          if (auto n = wholeNumber(v)) r.data[f->name] = *n;
          else bad("an integer");
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
          while (std::getline(ss, code, ';'))
            if (!code.empty()) codes.push_back(code);
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
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace palermo::records
