// libFuzzer target: the import mapping files (records/import_read.cpp readMapping, checkMapping)
// — a YAML file another agency's administrator writes — and a CSV read through the mapping, over
// the product schema. Whatever the file: no crash, no exception, every error on a line of the file
// with a code; a mapping that loads maps headers and words without failing, and the rows read
// through it carry none of the importer's special keys.

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "records/import.hpp"
#include "records/schema.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)palermo::fuzz::productTypes();  // loaded before the first input, not timed with it
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const int lines = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  std::vector<palermo::records::ImportError> errors;
  auto mapping = palermo::records::readMapping(text, "m.yaml", errors);
  for (const auto& e : errors) {
    if (e.line < 0 || e.line > lines || e.code.empty()) std::abort();
    (void)e.toString();
  }
  if (!errors.empty()) return 0;
  const auto& schema = palermo::fuzz::productSchema();
  const std::string type = !mapping.type.empty() && schema.type(mapping.type) ? mapping.type : palermo::fuzz::productTypes()[data[0] % palermo::fuzz::productTypes().size()];
  std::vector<palermo::records::ImportError> checked;
  palermo::records::checkMapping(mapping, "m.yaml", schema, type, checked);
  for (const auto& e : checked)
    if (e.code.empty()) std::abort();
  if (!checked.empty()) return 0;  // the importer stops at a mapping that does not fit the type
  // Headers and words through the mapping, as the readers ask for them.
  for (const auto& [from, to] : mapping.columns) (void)mapping.column(from);
  for (const auto& [field, words] : mapping.values)
    for (const auto& [word, code] : words) {
      (void)mapping.value(field, word);
      (void)mapping.value(field, "QADIN " + word);
    }
  // A small file of the type's columns as the mapping names them.
  std::string csv;
  for (const auto& [from, to] : mapping.columns) csv += (csv.empty() ? "" : ",") + std::string("\"") + from + "\"";
  if (csv.empty()) return 0;
  csv += "\nqadın,1,2019-01-02,700 AZN\n";
  std::istringstream in(csv);
  std::vector<palermo::records::ImportError> read_errors;
  const auto rows = palermo::records::readCsv(in, "f.csv", type, schema, read_errors, &mapping);
  for (const auto& r : rows)
    for (const char* special : {"_type", "_transitions", "_share"})
      if (r.data.contains(special)) std::abort();
  return 0;
}
