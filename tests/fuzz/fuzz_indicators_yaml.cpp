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

#include "fuzz_support.hpp"
#include "stats/indicators.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)palermo::fuzz::productSchema();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    (void)palermo::stats::loadCatalogueTexts(palermo::fuzz::twoFiles(text, "a.yaml", "dimensions.yaml"),
                                             palermo::fuzz::productSchema());
  } catch (const std::exception&) {
    // A thrown error is an answer too; crashes and sanitizer reports are what fail.
  }
  return 0;
}
