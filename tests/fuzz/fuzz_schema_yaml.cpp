// libFuzzer target: the schema loader (record types, value lists, roles) reading untrusted YAML —
// what an administrator's mistake or a tampered file gives. It must answer with errors, never
// crash, hang or grow without bound. The input is one file; a NUL byte splits it into a second
// (so that cross-file checks run too).
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "fuzz_support.hpp"
#include "records/schema.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    (void)palermo::records::loadSchemaTexts(palermo::fuzz::twoFiles(text, "types/a.yaml", "lists/b.yaml"));
  } catch (const std::exception&) {
    // A thrown error is an answer too; crashes and sanitizer reports are what fail.
  }
  return 0;
}
