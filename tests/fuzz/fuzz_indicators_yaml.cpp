// libFuzzer target: the statistics catalogue loader (indicators, dimensions, report layouts) reading
// untrusted YAML against the product schema - an administrator's mistake or a tampered file. It
// must answer with errors, never crash, hang or grow without bound. The input is one indicators
// file; a NUL byte splits off a second one (cross-file checks: a dimension or an indicator
// declared twice, a reference to the other file).
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "records/schema.hpp"
#include "stats/indicators.hpp"

namespace {
std::unique_ptr<palermo::records::Schema> schema;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  auto loaded = palermo::records::loadSchemaDir(std::string(PALERMO_SOURCE_DIR) + "/schema");
  if (!loaded.errors.empty()) __builtin_trap();  // the product schema itself must load
  schema = std::make_unique<palermo::records::Schema>(std::move(loaded.schema));
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::map<std::string, std::string> files;
  const auto nul = text.find('\0');
  files["a.yaml"] = text.substr(0, nul);
  if (nul != std::string::npos) files["dimensions.yaml"] = text.substr(nul + 1);
  try {
    (void)palermo::stats::loadCatalogueTexts(files, *schema);
  } catch (const std::exception&) {
    // A thrown error is an answer too; crashes and sanitizer reports are what fail.
  }
  return 0;
}
