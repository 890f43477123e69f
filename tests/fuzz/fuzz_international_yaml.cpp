// libFuzzer target: the international returns loader (international/catalogue.cpp) reading
// untrusted YAML against the product statistics catalogue — crosswalks, populations, the CTDC
// layout, returns. It answers with errors naming file and line, never a crash, hang or unbounded
// growth. The input is one file; a NUL byte splits off a second (declared twice, cross-file
// references).

#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>

#include "fuzz_support.hpp"
#include "international/returns.hpp"
#include "records/schema.hpp"
#include "stats/indicators.hpp"

namespace {
std::unique_ptr<palermo::stats::Catalogue> catalogue;
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  auto cat = palermo::stats::loadCatalogue(std::string(PALERMO_SOURCE_DIR) + "/indicators", palermo::fuzz::productSchema());
  if (!cat.errors.empty()) __builtin_trap();  // the product catalogue itself must load
  catalogue = std::make_unique<palermo::stats::Catalogue>(std::move(cat.catalogue));
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto rc =
        palermo::international::ReturnCatalogue::loadTexts(palermo::fuzz::twoFiles(text, "a.yaml", "b.yaml"), *catalogue);
    // What loads is usable: every table's crosswalks and population exist.
    for (const auto& [id, r] : rc.returns)
      for (const auto& t : r.tables) {
        for (const auto& axis : t.by)
          if (!axis.crosswalk.empty() && !rc.crosswalks.count(axis.crosswalk)) std::abort();
        if (t.rate_per > 0 && !rc.populations.count(t.population)) std::abort();
      }
  } catch (const std::exception&) {
    // A thrown error is an answer too (the server refuses to start, naming file and line).
  }
  return 0;
}
