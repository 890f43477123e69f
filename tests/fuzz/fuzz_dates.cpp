// libFuzzer target: partial dates as records and imports write them ("2019", "2019-05",
// "2019-05-20"): a date read is within its calendar, and written back it reads the same.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "records/schema.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  palermo::records::PartialDate d;
  if (palermo::records::parsePartialDate(text, d)) {
    if (d.month < 0 || d.month > 12 || d.day < 0 || d.day > 31) std::abort();
    if (d.day && !d.month) std::abort();
    // Written back in its canonical form, it reads the same.
    char buf[32];
    if (d.day) std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
    else if (d.month) std::snprintf(buf, sizeof buf, "%04d-%02d", d.year, d.month);
    else std::snprintf(buf, sizeof buf, "%04d", d.year);
    palermo::records::PartialDate again;
    if (!palermo::records::parsePartialDate(buf, again) || again.year != d.year || again.month != d.month ||
        again.day != d.day)
      std::abort();
  }
  return 0;
}
