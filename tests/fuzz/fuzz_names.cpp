// libFuzzer target: the names normaliser of record linkage (src/linkage/normalize.cpp) on what
// intake operators and other agencies' files type - any script, any bytes, invalid UTF-8. Every
// function must answer (never crash, hang or read out of bounds), and the properties the matcher
// relies on must hold: folding is idempotent and gives ASCII lower-case letters, digits and single
// spaces; a phone is digits only; a document number upper-case ASCII letters and digits; a date of
// birth, when read, is a possible one.
#include <cstddef>
#include <cstdint>
#include <string>

#include "linkage/normalize.hpp"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

bool foldedShape(const std::string& s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == ' ') {
      if (i == 0 || i + 1 == s.size() || s[i - 1] == ' ') return false;  // single, inner spaces
      continue;
    }
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;  // names, phones and numbers are short; long inputs only slow the search
  const std::string text(reinterpret_cast<const char*>(data), size);
  using namespace palermo::linkage;
  const std::string folded = foldName(text);
  check(foldedShape(folded));
  check(foldName(folded) == folded);
  (void)phoneticKey(text);
  (void)phoneticKey(folded);
  if (!folded.empty()) check(!surnameStem(folded).empty() || phoneticKey(folded).empty());
  const std::string marker = patronymicMarker(folded);
  check(marker.empty() || marker == "m" || marker == "f");
  const ParsedName parsed = parseFullName(text);
  check(foldedShape(parsed.given) && foldedShape(parsed.surname) && foldedShape(parsed.patronymic));
  const std::string phone = normalizePhone(text);
  for (char c : phone) check(c >= '0' && c <= '9');
  check(phone.empty() || phone.size() >= 7);
  const std::string document = normalizeDocument(text);
  for (char c : document) check((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
  const PartialDob dob = parseDob(text);
  if (dob.year) {
    check(dob.year >= 1800 && dob.year <= 2100);
    check(dob.month >= 0 && dob.month <= 12);
    check(dob.day >= 0 && dob.day <= 31);
    check(dob.day == 0 || dob.month != 0);
  }
  return 0;
}
