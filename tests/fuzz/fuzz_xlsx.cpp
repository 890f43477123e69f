// libFuzzer target: the XLSX reader of imports (records/import_xlsx.cpp) over the product schema,
// for a record type the first byte picks. Whatever the bytes (a damaged archive, a part that
// unpacks too far, malformed XML, references out of range), the answer is rows and named errors:
// no crash, no exception, every row an object of fields, every error with a code.
// With the first byte's high bit set, the rest is the parts' XML (workbook, relationships, shared
// strings, styles, the sheet, split at NUL bytes), zipped here: the XML walk gets the mutations
// that a ZIP's checksums would otherwise stop at the door.

#include <zip.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "records/import.hpp"
#include "records/schema.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)palermo::fuzz::productTypes();  // loaded before the first input, not timed with it
  return 0;
}

// The parts zipped in memory (stored, no compression).
std::string zipParts(const std::string& text) {
  static const char* kNames[] = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml",
                                 "xl/styles.xml", "xl/worksheets/sheet1.xml"};
  std::vector<std::string> parts(1);
  for (char c : text) {
    if (c == '\0' && parts.size() < 5) parts.emplace_back();
    else parts.back() += c;
  }
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* mem = zip_source_buffer_create(nullptr, 0, 0, &err);
  zip_source_keep(mem);
  zip_t* z = zip_open_from_source(mem, ZIP_TRUNCATE, &err);
  if (!z) std::abort();
  for (std::size_t i = 0; i < parts.size(); ++i) {
    zip_source_t* s = zip_source_buffer(z, parts[i].data(), parts[i].size(), 0);
    const auto idx = zip_file_add(z, kNames[i], s, ZIP_FL_OVERWRITE);
    zip_set_file_compression(z, static_cast<zip_uint64_t>(idx), ZIP_CM_STORE, 0);
  }
  if (zip_close(z) != 0) std::abort();
  std::string out;
  if (zip_source_open(mem) == 0) {
    char buf[65536];
    zip_int64_t n;
    while ((n = zip_source_read(mem, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
    zip_source_close(mem);
  }
  zip_source_free(mem);
  return out;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 0x80) bytes = zipParts(bytes);
  const std::string& type = palermo::fuzz::productTypes()[(data[0] & 0x7f) % palermo::fuzz::productTypes().size()];
  std::vector<palermo::records::ImportError> errors;
  const auto rows = palermo::records::readXlsx(bytes, "f.xlsx", type, palermo::fuzz::productSchema(), errors);
  for (const auto& r : rows)
    if (!r.data.is_object() || r.line < 2 || r.line > 1048576 || r.type != type) std::abort();
  for (const auto& e : errors) {
    if (e.code.empty()) std::abort();
    (void)e.toString();
  }
  return 0;
}
