// Registrations read from CSV files for `palermo link` and the linkage benchmarks: the columns
// are recognised by name (given_name / first_name, surname / last_name, patronymic, dob /
// date_of_birth / birth, sex / gender, phone, document / soc_sec_id, citizenship, postcode,
// state, birth_place, suburb, address_1, occupation), the id by rec_id / unique_id / id, and the
// truth (benchmarks) by `cluster` or, for FEBRL files, the number inside rec-N-org / rec-N-dup-K.
// A name in one field (full_name / person_name) is split into given name, surname and
// patronymic as the registers' signals are (parseFullName) when there are no separate columns.
#pragma once
#include <string>
#include <vector>

#include "linkage/matcher.hpp"

namespace palermo::linkage {

struct Dataset {
  std::vector<FieldSpec> fields;
  std::vector<InputRecord> records;
  std::vector<std::string> truth;  // empty strings when the file has none
  std::vector<std::string> columns_ignored;
};

// Reads one CSV file (RFC 4180 quoting); `source` tags its records (two-file linkage).
// Throws std::runtime_error naming the file and line of a malformed row.
Dataset readCsv(const std::string& path, int source = 0);
// Appends `more` (same columns) to `into`.
void append(Dataset& into, Dataset more);

// The exact-key baseline: records with the same folded given name, surname and date of birth
// are one person (what a simple system does). Returns a cluster number per record.
std::vector<uint32_t> exactKeyClusters(const Dataset& d);

}  // namespace palermo::linkage
