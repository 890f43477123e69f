// libFuzzer target: the import readers (records/import_read.cpp) over the product schema — JSON
// lines, and CSV of a record type the first byte picks. Whatever the file, the answer is rows and
// named errors: no crash, no exception, every row an object of fields with a type, every error
// on a line of the file, every decimal read a finite number.

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <memory>
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
  std::istringstream in(text);
  std::vector<palermo::records::ImportError> errors;
  std::vector<palermo::records::ImportRow> rows;
  if (data[0] % 2 == 0) {
    rows = palermo::records::readJsonLines(in, "f.jsonl", data[0] % 4 == 0 ? "victim_case" : "", errors);
  } else {
    const std::string& type = palermo::fuzz::productTypes()[(data[0] / 2) % palermo::fuzz::productTypes().size()];
    rows = palermo::records::readCsv(in, "f.csv", type, palermo::fuzz::productSchema(), errors);
    for (const auto& r : rows)
      for (const auto& [name, value] : r.data.items())
        if (value.is_number_float() && !std::isfinite(value.get<double>())) std::abort();
  }
  for (const auto& r : rows) {
    if (!r.data.is_object() || r.line < 1 || r.line > lines) std::abort();
    for (const char* special : {"_type", "_key", "_agency", "_transitions", "_share"})
      if (r.data.contains(special)) std::abort();
  }
  for (const auto& e : errors) {
    if (e.line < 0 || e.line > lines || e.code.empty()) std::abort();
    (void)e.toString();
  }
  return 0;
}
