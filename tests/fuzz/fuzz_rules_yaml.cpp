// libFuzzer target: the rules loader (rules/screening/*.yaml identification indicator lists and
// rules/rates/*.yaml subsidy rate tables) reading untrusted YAML - an administrator's mistake or a
// tampered file. It must answer with errors, never crash, hang or grow without bound. The input
// is a screening file; a NUL byte splits off a rates file. The loader reads a directory, so each
// input is written to this process's own temporary one.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "rules/rulebook.hpp"

namespace {
std::filesystem::path dir;

void write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  dir = std::filesystem::temp_directory_path() / ("palermo-fuzz-rules-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "screening");
  std::filesystem::create_directories(dir / "rates");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto nul = text.find('\0');
  write(dir / "screening" / "a.yaml", text.substr(0, nul));
  write(dir / "rates" / "b.yaml", nul == std::string::npos ? std::string() : text.substr(nul + 1));
  std::vector<palermo::FileError> errors;
  try {
    const auto book = palermo::rules::RuleBook::load(dir.string(), errors);
    // What loaded is used: every list of every ruleset scored with no answers.
    for (const auto& rs : book.rulesets())
      for (const bool child : {false, true}) {
        try {
          (void)book.evaluate(rs, child, "", palermo::Json::object());
        } catch (const std::invalid_argument&) {
        }
      }
  } catch (const std::exception&) {
    // A thrown error is an answer too; crashes and sanitizer reports are what fail.
  }
  return 0;
}
