#include "linkage/datasets.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <stdexcept>
#include <unordered_map>

#include "core/csv.hpp"

namespace palermo::linkage {

namespace {

std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// One CSV record, cells trimmed (the FEBRL files pad them with spaces); false at the end.
bool readRow(csv::Reader& reader, std::vector<std::string>& out, int& line) {
  if (!reader.next(out)) return false;
  line = reader.line();
  for (auto& c : out) c = trim(c);
  return true;
}

const std::map<std::string, FieldKind>& kinds() {
  static const std::map<std::string, FieldKind> k = {
      {"given_name", FieldKind::Given},     {"first_name", FieldKind::Given},   {"given", FieldKind::Given},
      {"surname", FieldKind::Surname},      {"last_name", FieldKind::Surname},  {"patronymic", FieldKind::Patronymic},
      {"dob", FieldKind::Dob},              {"date_of_birth", FieldKind::Dob},  {"birth", FieldKind::Dob},
      {"sex", FieldKind::Sex},              {"gender", FieldKind::Sex},         {"phone", FieldKind::Phone},
      {"document", FieldKind::Document},    {"document_number", FieldKind::Document},
      {"soc_sec_id", FieldKind::Document},  {"citizenship", FieldKind::Code},   {"postcode", FieldKind::Postcode},
      {"postcode_fake", FieldKind::Postcode},   {"state", FieldKind::Code},         {"street_number", FieldKind::Code},
      {"birth_place", FieldKind::Text},     {"suburb", FieldKind::Text},        {"address_1", FieldKind::Text},
      {"occupation", FieldKind::Text},
  };
  return k;
}

}  // namespace

Dataset readCsv(const std::string& path, int source) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open");
  int line = 0;
  csv::Reader reader(in);
  std::vector<std::string> header, row;
  if (!readRow(reader, header, line)) throw std::runtime_error(path + ": empty file");
  Dataset d;
  int id_col = -1, truth_col = -1, full_col = -1;
  std::vector<int> field_cols;
  bool has_given = false, has_surname = false, has_patronymic = false;
  for (std::size_t i = 0; i < header.size(); ++i) {
    const std::string h = header[i];
    if (h == "rec_id" || h == "unique_id" || h == "id") id_col = static_cast<int>(i);
    else if (h == "cluster" || h == "truth") truth_col = static_cast<int>(i);
    else if ((h == "full_name" || h == "person_name") && full_col < 0) full_col = static_cast<int>(i);
    else if (auto it = kinds().find(h); it != kinds().end()) {
      d.fields.push_back({h, it->second});
      field_cols.push_back(static_cast<int>(i));
      has_given = has_given || it->second == FieldKind::Given;
      has_surname = has_surname || it->second == FieldKind::Surname;
      has_patronymic = has_patronymic || it->second == FieldKind::Patronymic;
    } else {
      d.columns_ignored.push_back(h);
    }
  }
  if (id_col < 0) throw std::runtime_error(path + ":1: no id column (rec_id, unique_id or id)");
  // A name in one field (as most registers write it: "Hüseynov Sahib Elçin oğlu", "Сахиб
  // Гусейнов"), parsed as the registers' own signals are (parseFullName), when the file has no
  // separate given name and surname; with them, it is not used.
  const bool from_full = full_col >= 0 && !has_given && !has_surname;
  if (full_col >= 0 && !from_full) d.columns_ignored.push_back(header[static_cast<std::size_t>(full_col)]);
  if (from_full) {
    d.fields.push_back({"given_name", FieldKind::Given});
    d.fields.push_back({"surname", FieldKind::Surname});
    if (!has_patronymic) d.fields.push_back({"patronymic", FieldKind::Patronymic});
  }
  static const std::regex febrl(R"(rec-(\d+)-(org|dup-\d+))");
  while (readRow(reader, row, line)) {
    if (row.size() == 1 && row[0].empty()) continue;
    if (row.size() != header.size())
      throw std::runtime_error(path + ":" + std::to_string(line) + ": " + std::to_string(row.size()) + " columns, the header has " +
                               std::to_string(header.size()));
    InputRecord r;
    r.id = row[static_cast<std::size_t>(id_col)];
    r.source = source;
    for (int c : field_cols) r.values.push_back(row[static_cast<std::size_t>(c)]);
    if (from_full) {
      const ParsedName n = parseFullName(row[static_cast<std::size_t>(full_col)]);
      r.values.push_back(n.given);
      r.values.push_back(n.surname);
      if (!has_patronymic) r.values.push_back(n.patronymic);
    }
    std::string truth;
    if (truth_col >= 0) {
      truth = row[static_cast<std::size_t>(truth_col)];
    } else {
      std::smatch m;
      if (std::regex_match(r.id, m, febrl)) truth = m[1];
    }
    d.truth.push_back(truth);
    d.records.push_back(std::move(r));
  }
  return d;
}

void append(Dataset& into, Dataset more) {
  if (into.records.empty() && into.fields.empty()) {
    into = std::move(more);
    return;
  }
  if (more.fields.size() != into.fields.size()) throw std::runtime_error("linkage: the files have different columns");
  for (std::size_t i = 0; i < more.fields.size(); ++i)
    if (more.fields[i].name != into.fields[i].name) throw std::runtime_error("linkage: the files have different columns");
  into.records.insert(into.records.end(), std::make_move_iterator(more.records.begin()), std::make_move_iterator(more.records.end()));
  into.truth.insert(into.truth.end(), more.truth.begin(), more.truth.end());
}

std::vector<uint32_t> exactKeyClusters(const Dataset& d) {
  int g = -1, s = -1, b = -1;
  for (std::size_t f = 0; f < d.fields.size(); ++f) {
    if (d.fields[f].kind == FieldKind::Given && g < 0) g = static_cast<int>(f);
    if (d.fields[f].kind == FieldKind::Surname && s < 0) s = static_cast<int>(f);
    if (d.fields[f].kind == FieldKind::Dob && b < 0) b = static_cast<int>(f);
  }
  std::unordered_map<std::string, uint32_t> first;
  std::vector<uint32_t> out(d.records.size());
  for (std::size_t i = 0; i < d.records.size(); ++i) {
    const auto& v = d.records[i].values;
    std::string key;
    if (g >= 0) key += foldName(v[static_cast<std::size_t>(g)]);
    key += '|';
    if (s >= 0) key += foldName(v[static_cast<std::size_t>(s)]);
    key += '|';
    if (b >= 0) {
      const PartialDob p = parseDob(v[static_cast<std::size_t>(b)]);
      key += std::to_string(p.year * 10000 + p.month * 100 + p.day);
    }
    if (key == "||0" || key == "||") key = "#" + std::to_string(i);  // nothing to key on: alone
    out[i] = first.emplace(key, static_cast<uint32_t>(i)).first->second;
  }
  return out;
}

}  // namespace palermo::linkage
