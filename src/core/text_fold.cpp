#include "core/text_fold.hpp"

#include "core/icu_transforms.hpp"

#include <unicode/unistr.h>

#include <algorithm>

namespace palermo::text {

std::vector<std::string> searchTokens(const std::string& text) {
  // Any script to Latin, strip diacritics, lower case (spelling variants of Azerbaijani names
  // are folded further by the linkage normaliser).
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(text);
  // Latin-ASCII would turn the schwa into '@'; Russian-mediated spellings write it as e
  // (Şəbnəm / Шебнем / Sebnem), so fold it to e first, Latin and Cyrillic forms alike.
  for (UChar32 schwa : {0x0259, 0x018F, 0x04D9, 0x04D8}) u.findAndReplace(icu::UnicodeString(schwa), u"e");
  transliterator("Any-Latin; Latin-ASCII; Lower").transliterate(u);
  std::string folded;
  u.toUTF8String(folded);
  std::vector<std::string> tokens;
  std::string cur;
  for (char c : folded) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      cur.push_back(c);
    } else if (!cur.empty()) {
      tokens.push_back(cur);
      cur.clear();
    }
  }
  if (!cur.empty()) tokens.push_back(cur);
  std::sort(tokens.begin(), tokens.end());
  tokens.erase(std::unique(tokens.begin(), tokens.end()), tokens.end());
  return tokens;
}

}  // namespace palermo::text
