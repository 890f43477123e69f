// Name and identifier normalisation for record linkage; see normalize.hpp for the steps and why.
#include "linkage/normalize.hpp"

#include "core/icu_transforms.hpp"

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>

#include <array>
#include <memory>
#include <stdexcept>
#include <unordered_map>
#include <utility>
#include <vector>

namespace palermo::linkage {
namespace {

// ---- ICU transforms (built and cached per thread by core/icu_transforms).

enum Transform : std::size_t { kRussian, kAzerbaijani, kAnyLatin, kLatinAscii, kTransformCount };
constexpr std::array<const char*, kTransformCount> kTransformIds = {"Russian-Latin/BGN", "Azerbaijani-Latin/BGN",
                                                                    "Any-Latin", "Latin-ASCII"};

icu::Transliterator& transform(Transform t) {
  thread_local std::array<icu::Transliterator*, kTransformCount> mine{};  // skips the adapter's lookup
  if (!mine[t]) mine[t] = &text::transliterator(kTransformIds[t]);
  return *mine[t];
}

const icu::Normalizer2& nfkc() {
  static const icu::Normalizer2* n = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* p = icu::Normalizer2::getNFKCInstance(status);
    if (U_FAILURE(status) || !p) throw std::runtime_error("ICU NFKC unavailable");
    return p;
  }();
  return *n;
}

const icu::Locale& azerbaijani() {
  static const icu::Locale az("az");
  return az;
}

// ---- Character classes.

bool isAscii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

// Apostrophes, primes and BGN's soft/hard-sign marks and separator dot: dropped inside words.
bool isApostrophe(UChar32 c) {
  switch (c) {
    case 0x0027:
    case 0x0060:
    case 0x00B4:
    case 0x00B7:
    case 0x02B9:
    case 0x02BA:
    case 0x02BB:
    case 0x02BC:
    case 0x2018:
    case 0x2019:
    case 0x2032:
      return true;
    default:
      return false;
  }
}

// A Cyrillic letter drawn like a Latin one -> that Latin letter (0 when none).
UChar32 cyrillicToLatin(UChar32 c) {
  switch (c) {
    case 0x0430:
      return 'a';  // а
    case 0x0435:
      return 'e';  // е
    case 0x043E:
      return 'o';  // о
    case 0x0440:
      return 'p';  // р
    case 0x0441:
      return 'c';  // с
    case 0x0443:
      return 'y';  // у
    case 0x0445:
      return 'x';  // х
    case 0x0455:
      return 's';  // ѕ
    case 0x0456:
      return 'i';  // і
    case 0x0457:
      return 0x00EF;  // ї -> ï
    case 0x0451:
      return 0x00EB;  // ё -> ë
    case 0x0458:
      return 'j';  // ј
    case 0x04BB:
      return 'h';  // һ
    case 0x04CF:
      return 'l';  // ӏ
    case 0x04D9:
      return 0x0259;  // ә -> ə
    case 0x0501:
      return 'd';  // ԁ
    case 0x051B:
      return 'q';  // ԛ
    case 0x051D:
      return 'w';  // ԝ
    case 0x0410:
      return 'A';
    case 0x0412:
      return 'B';
    case 0x0415:
      return 'E';
    case 0x041A:
      return 'K';
    case 0x041C:
      return 'M';
    case 0x041D:
      return 'H';
    case 0x041E:
      return 'O';
    case 0x0420:
      return 'P';
    case 0x0421:
      return 'C';
    case 0x0422:
      return 'T';
    case 0x0423:
      return 'Y';
    case 0x0425:
      return 'X';
    case 0x0401:
      return 0x00CB;  // Ё -> Ë
    case 0x0405:
      return 'S';
    case 0x0406:
      return 'I';
    case 0x0407:
      return 0x00CF;  // Ї -> Ï
    case 0x0408:
      return 'J';
    case 0x04BA:
      return 'H';  // Һ
    case 0x04C0:
      return 'I';  // Ӏ
    case 0x04D8:
      return 0x018F;  // Ә -> Ə
    case 0x051A:
      return 'Q';
    case 0x051C:
      return 'W';
    default:
      return 0;
  }
}

// A Latin letter inside a Cyrillic word -> the Cyrillic letter it imitates (0 when none).
UChar32 latinToCyrillic(UChar32 c) {
  switch (c) {
    case 'A':
      return 0x0410;
    case 'B':
      return 0x0412;
    case 'C':
      return 0x0421;
    case 'E':
      return 0x0415;
    case 'H':
      return 0x041D;
    case 'K':
      return 0x041A;
    case 'M':
      return 0x041C;
    case 'O':
      return 0x041E;
    case 'P':
      return 0x0420;
    case 'T':
      return 0x0422;
    case 'X':
      return 0x0425;
    case 'Y':
      return 0x0423;
    case 'a':
      return 0x0430;
    case 'c':
      return 0x0441;
    case 'e':
      return 0x0435;
    case 'o':
      return 0x043E;
    case 'p':
      return 0x0440;
    case 'x':
      return 0x0445;
    case 'y':
      return 0x0443;
    case 0x018F:
      return 0x04D8;  // Ə
    case 0x0259:
      return 0x04D9;  // ə
    default:
      return 0;
  }
}

// Letters of Azerbaijani Cyrillic (1939-1991) that Russian lacks: ә ғ ҹ һ ө ү ҝ ј.
bool isAzerbaijaniCyrillic(UChar32 c) {
  switch (c) {
    case 0x04D8:
    case 0x04D9:
    case 0x0492:
    case 0x0493:
    case 0x04B8:
    case 0x04B9:
    case 0x04BA:
    case 0x04BB:
    case 0x04E8:
    case 0x04E9:
    case 0x04AE:
    case 0x04AF:
    case 0x049C:
    case 0x049D:
    case 0x0408:
    case 0x0458:
      return true;
    default:
      return false;
  }
}

UScriptCode scriptOf(UChar32 c) {
  UErrorCode status = U_ZERO_ERROR;
  const UScriptCode s = uscript_getScript(c, &status);
  return U_FAILURE(status) ? USCRIPT_COMMON : s;
}

// Transliterates one word, remembering recent words per thread (names repeat; the BGN rules cost
// microseconds per word).
void transliterateWord(Transform t, icu::UnicodeString& w) {
  thread_local std::unordered_map<std::u16string, std::u16string> cache;
  std::u16string k(w.getBuffer(), static_cast<std::size_t>(w.length()));
  k.push_back(static_cast<char16_t>(u'0' + t));
  if (const auto it = cache.find(k); it != cache.end()) {
    w.setTo(it->second.data(), static_cast<int32_t>(it->second.size()));
    return;
  }
  transform(t).transliterate(w);
  if (cache.size() >= 16384) cache.clear();
  cache.emplace(std::move(k), std::u16string(w.getBuffer(), static_cast<std::size_t>(w.length())));
}

bool isWordChar(UChar32 c) {
  return (U_GET_GC_MASK(c) & (U_GC_L_MASK | U_GC_M_MASK)) != 0;
}

void dropApostrophes(icu::UnicodeString& u) {
  icu::UnicodeString out;
  bool any = false;
  for (int32_t i = 0; i < u.length(); i = u.moveIndex32(i, 1)) {
    const UChar32 c = u.char32At(i);
    if (isApostrophe(c)) {
      any = true;
    } else {
      out.append(c);
    }
  }
  if (any) u = std::move(out);
}

// One word (letters and marks) to Latin: homoglyphs folded one way or the other, Cyrillic
// transliterated. Returns false when the word has letters of another script (Any-Latin later).
bool appendWordAsLatin(const icu::UnicodeString& u, int32_t begin, int32_t end, icu::UnicodeString& out) {
  int latin = 0, cyrillic = 0, cyrillic_unlike_latin = 0;
  bool azerbaijani = false, other = false;
  for (int32_t i = begin; i < end; i = u.moveIndex32(i, 1)) {
    const UChar32 c = u.char32At(i);
    switch (scriptOf(c)) {
      case USCRIPT_LATIN:
        ++latin;
        break;
      case USCRIPT_CYRILLIC:
        ++cyrillic;
        if (cyrillicToLatin(c) == 0) ++cyrillic_unlike_latin;
        if (isAzerbaijaniCyrillic(c)) azerbaijani = true;
        break;
      case USCRIPT_COMMON:
      case USCRIPT_INHERITED:
        break;
      default:
        other = true;
    }
  }
  if (cyrillic == 0) {
    out.append(u, begin, end - begin);
    return !other;
  }
  icu::UnicodeString w;
  if (latin > 0 && (cyrillic_unlike_latin == 0 || latin > cyrillic)) {
    // A Latin word with Cyrillic look-alikes ("Hasanоv"); any other Cyrillic letter is
    // transliterated in place below.
    for (int32_t i = begin; i < end; i = u.moveIndex32(i, 1)) {
      const UChar32 c = u.char32At(i);
      const UChar32 l = scriptOf(c) == USCRIPT_CYRILLIC ? cyrillicToLatin(c) : 0;
      w.append(l ? l : c);
    }
    if (cyrillic_unlike_latin > 0) transliterateWord(azerbaijani ? kAzerbaijani : kRussian, w);
  } else {
    // A Cyrillic word (Latin look-alikes turned back): Russian, or Azerbaijani Cyrillic. In
    // Russian, ё is read "yo" (BGN writes ë, which Latin-ASCII would make e: Кёнуль = Könül).
    for (int32_t i = begin; i < end; i = u.moveIndex32(i, 1)) {
      const UChar32 c = u.char32At(i);
      const UChar32 k = scriptOf(c) == USCRIPT_LATIN ? latinToCyrillic(c) : 0;
      if (!azerbaijani && (c == 0x0451 || c == 0x0401)) {
        w.append(static_cast<UChar32>(c == 0x0451 ? 0x0439 : 0x0419)).append(static_cast<UChar32>(0x043E));
      } else {
        w.append(k ? k : c);
      }
    }
    transliterateWord(azerbaijani ? kAzerbaijani : kRussian, w);
  }
  out.append(w);
  return !other;
}

// Lower-case ASCII letters and digits, everything else a single space, apostrophes dropped.
std::string cleanAscii(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool space = false;
  for (char ch : s) {
    char c = ch;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      if (space && !out.empty()) out.push_back(' ');
      space = false;
      out.push_back(c);
    } else if (c != '\'' && c != '`') {
      space = true;
    }
  }
  return out;
}

// Azerbaijani letters (lower case) to ASCII; nullptr for other characters.
const char* azerbaijaniAscii(UChar32 c) {
  switch (c) {
    case 0x0259:
    case 0x00E4:
      return "a";  // ə ä
    case 0x011F:
      return "g";  // ğ
    case 0x0131:
      return "i";  // ı
    case 0x00F6:
      return "o";  // ö
    case 0x00FC:
      return "u";  // ü
    case 0x015F:
    case 0x0219:
      return "sh";  // ş (and ș typed for it)
    case 0x00E7:
      return "ch";  // ç
    case 0x0307:
      return "";  // the dot of İ, should one be left
    default:
      return nullptr;
  }
}

std::string foldNonAscii(std::string_view text) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  dropApostrophes(u);  // before NFKC, which turns ´ into a space and a combining accent
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2& n = nfkc();
  if (n.quickCheck(u, status) != UNORM_YES) {
    status = U_ZERO_ERROR;
    u = n.normalize(u, status);
    if (U_FAILURE(status)) throw std::runtime_error("ICU NFKC failed");
  }

  // Word by word to Latin.
  icu::UnicodeString latin;
  bool other_scripts = false;
  for (int32_t i = 0; i < u.length();) {
    const UChar32 c = u.char32At(i);
    if (!isWordChar(c)) {
      latin.append(c);
      i = u.moveIndex32(i, 1);
      continue;
    }
    int32_t end = i;
    while (end < u.length() && isWordChar(u.char32At(end))) end = u.moveIndex32(end, 1);
    if (!appendWordAsLatin(u, i, end, latin)) other_scripts = true;
    i = end;
  }
  if (other_scripts) transform(kAnyLatin).transliterate(latin);
  dropApostrophes(latin);  // BGN's ʹ ʺ for ь ъ, and its · separator

  latin.toLower(azerbaijani());  // İ -> i, I -> ı

  // Azerbaijani letters to ASCII (Latin-ASCII alone would give ş -> s and keep ə); Latin-ASCII
  // only when other non-ASCII letters remain.
  std::string out;
  out.reserve(static_cast<std::size_t>(latin.length()));
  for (int32_t i = 0; i < latin.length(); i = latin.moveIndex32(i, 1)) {
    const UChar32 c = latin.char32At(i);
    if (const char* a = azerbaijaniAscii(c)) {
      out += a;
    } else if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else {
      icu::UnicodeString rest;
      for (int32_t j = 0; j < latin.length(); j = latin.moveIndex32(j, 1)) {
        const UChar32 d = latin.char32At(j);
        const char* b = azerbaijaniAscii(d);
        if (b) {
          rest.append(icu::UnicodeString(b, -1, icu::UnicodeString::kInvariant));
        } else {
          rest.append(d);
        }
      }
      transform(kLatinAscii).transliterate(rest);
      out.clear();
      rest.toUTF8String(out);
      break;
    }
  }
  return cleanAscii(out);  // anything still not ASCII becomes a space
}

// Fold of each letter U+00C0..U+025F (Latin-1, Latin Extended-A and -B, ə), computed once by
// the ICU path; empty for characters that are not letters or do not fold to ASCII letters.
constexpr UChar32 kFastFirst = 0xC0, kFastEnd = 0x260;
const std::array<std::string, kFastEnd - kFastFirst>& latinLetterFolds() {
  static const auto table = [] {
    std::array<std::string, kFastEnd - kFastFirst> t;
    for (UChar32 c = kFastFirst; c < kFastEnd; ++c) {
      if (!u_isalpha(c)) continue;
      std::string utf8;
      icu::UnicodeString(c).toUTF8String(utf8);
      std::string f = foldNonAscii(utf8);
      bool letters = !f.empty();
      for (char x : f) letters = letters && x >= 'a' && x <= 'z';
      if (letters) t[static_cast<std::size_t>(c - kFastFirst)] = std::move(f);
    }
    return t;
  }();
  return table;
}

// Text of ASCII and precomposed Latin letters (Azerbaijani Latin, most European names) folded
// without ICU, with the same result as the ICU path; false (and `out` unusable) for anything else.
bool foldLatinFast(std::string_view s, std::string& out) {
  const auto& folds = latinLetterFolds();
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      out.push_back(s[i]);
      continue;
    }
    if (b < 0xC2 || b > 0xDF || i + 1 >= s.size()) return false;
    const auto b2 = static_cast<unsigned char>(s[i + 1]);
    if ((b2 & 0xC0) != 0x80) return false;
    const UChar32 c = ((b & 0x1F) << 6) | (b2 & 0x3F);
    if (c < kFastFirst || c >= kFastEnd) return false;
    const std::string& f = folds[static_cast<std::size_t>(c - kFastFirst)];
    if (f.empty()) return false;
    out += f;
    ++i;
  }
  return true;
}

// ---- Phonetic key.

bool isVowel(char c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

// Key of folded ASCII text; `source` (optional) receives, for each key symbol, the index in `s`
// of the first letter it stands for.
std::string keyOf(std::string_view s, std::vector<std::size_t>* source) {
  std::string key;
  key.reserve(s.size());
  auto at = [&](std::size_t i) { return i < s.size() ? s[i] : '\0'; };
  char prev = '\0';  // previous letter of the same word
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c < 'a' || c > 'z') {
      prev = '\0';
      continue;
    }
    const std::size_t first = i;
    const char n1 = at(i + 1), n2 = at(i + 2);
    char sym = c;
    switch (c) {
      case 'd':  // dzh, dj = c
        if (n1 == 'z' && n2 == 'h') {
          sym = 'J';
          i += 2;
        } else if (n1 == 'j') {
          sym = 'J';
          i += 1;
        }
        break;
      case 'z':  // zh (ж, Azerbaijani j)
        if (n1 == 'h') {
          sym = 'J';
          i += 1;
        }
        break;
      case 'k':
      case 'g':  // kh, gh
        if (n1 == 'h') i += 1;
        sym = 'K';
        break;
      case 'h':
      case 'q':
      case 'x':
        sym = 'K';
        break;
      case 's':  // sh and s: ş typed without the Azerbaijani keyboard is often a plain s (Pasayeva)
        sym = 'S';
        if (n1 == 'h') i += 1;
        break;
      case 'c':
        sym = n1 == 'h' ? 'C' : 'J';
        if (n1 == 'h') i += 1;
        break;
      case 'p':
        if (n1 == 'h') {
          sym = 'f';
          i += 1;
        }
        break;
      case 'w':
        sym = 'v';
        break;
      case 'a':
      case 'e':
        sym = 'A';
        break;
      case 'o':
        sym = 'O';
        break;
      case 'u':
        sym = 'U';
        break;
      case 'y':  // ya yu yo ye: glide
        sym = isVowel(n1) ? '\0' : 'I';
        break;
      case 'i': {  // ia iya iu io: glide
        const char next = n1 == 'y' ? n2 : n1;
        sym = (next == 'a' || next == 'o' || next == 'u') ? '\0' : 'I';
        break;
      }
      case 'j':
        if (n1 == 'u' || (prev == 'i' && n1 == 'e')) {
          sym = '\0';  // Jusif, Alijev
        } else if (isVowel(prev) && !isVowel(n1) && n1 != 'y') {
          sym = 'I';  // ej, aj before a consonant: Gusejn
        } else {
          sym = 'J';  // Jafar, Khadija, Hajiyev
        }
        break;
      default:
        break;
    }
    prev = s[i];
    if (sym != '\0' && (key.empty() || key.back() != sym)) {
      key.push_back(sym);
      if (source) source->push_back(first);
    }
  }
  return key;
}

bool foldedKeyInput(std::string_view s) {
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ' ')) return false;
  return true;
}

// Surname endings after folding (zadə folds to zada).
constexpr std::array<std::string_view, 14> kSurnameEndings = {"zadeh", "zade", "zada", "yeva", "jeva", "eva", "ova",
                                                              "yev",   "jev",  "ev",   "ov",   "li",   "lu",  "ly"};

// Length of `folded` without its surname ending (the longest one leaving at least 3 letters), or
// its whole length. The i of -iyev stays with the root (Əli-yev, Vəli-yev, Hacı-yev), so
// Vəliyev, Vəlizadə and Vəlili share one stem.
std::size_t surnameStemLength(std::string_view folded) {
  std::size_t best = folded.size();
  for (std::string_view e : kSurnameEndings) {
    if (folded.size() >= e.size() + 3 && folded.substr(folded.size() - e.size()) == e &&
        folded.size() - e.size() < best)
      best = folded.size() - e.size();
  }
  return best;
}

bool hasSurnameEnding(std::string_view folded_token) {
  return surnameStemLength(folded_token) < folded_token.size();
}

// Russian patronymic (-ovich, -yevna...): length of the father's name, 0 when not one.
std::size_t russianPatronymicStem(std::string_view t, std::string& sex) {
  static constexpr std::array<std::pair<std::string_view, const char*>, 6> kEndings = {
      {{"yevich", "m"}, {"yevna", "f"}, {"ovich", "m"}, {"evich", "m"}, {"ovna", "f"}, {"evna", "f"}}};
  for (const auto& [e, s] : kEndings) {
    if (t.size() >= e.size() + 3 && t.substr(t.size() - e.size()) == e) {
      sex = s;
      return t.size() - e.size();
    }
  }
  return 0;
}

std::vector<std::string> splitSpaces(const std::string& s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t j = s.find(' ', i);
    const std::size_t end = j == std::string::npos ? s.size() : j;
    if (end > i) out.emplace_back(s.substr(i, end - i));
    i = end + 1;
  }
  return out;
}

std::string join(const std::vector<std::string>& t, std::size_t from, std::size_t to) {
  std::string out;
  for (std::size_t i = from; i < to && i < t.size(); ++i) {
    if (!out.empty()) out.push_back(' ');
    out += t[i];
  }
  return out;
}

// "Surname Given..." or "Given... Surname" for tokens without a patronymic: the surname is the
// end with a surname ending; `surname_first` decides when neither or both have one.
void assignGivenSurname(const std::vector<std::string>& t, bool surname_first, ParsedName& p) {
  if (t.empty()) return;
  if (t.size() == 1) {
    (hasSurnameEnding(t[0]) ? p.surname : p.given) = t[0];
    return;
  }
  const bool first = hasSurnameEnding(t.front()), last = hasSurnameEnding(t.back());
  if (first != last ? first : surname_first) {
    p.surname = t.front();
    p.given = join(t, 1, t.size());
  } else {
    p.surname = t.back();
    p.given = join(t, 0, t.size() - 1);
  }
}

int daysInMonth(int year, int month) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)) return 29;
  return kDays[static_cast<std::size_t>(month - 1)];
}

// The value of min_len..max_len digits; -1 for anything else.
int number(std::string_view s, std::size_t min_len, std::size_t max_len) {
  if (s.size() < min_len || s.size() > max_len) return -1;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

PartialDob checkedDob(int year, int month, int day) {
  if (year < 1800 || year > 2100 || month < 0 || month > 12 || day < 0) return {};
  if (month == 0) return {year, 0, 0};  // a day without its month says nothing
  if (day > daysInMonth(year, month)) return {};
  return {year, month, day};
}

}  // namespace

std::string foldName(std::string_view text) {
  if (isAscii(text)) return cleanAscii(text);
  if (std::string latin; foldLatinFast(text, latin)) return cleanAscii(latin);
  // Cyrillic and the rest: remembered per thread, since names repeat.
  thread_local std::unordered_map<std::string, std::string> cache;
  const std::string key(text);
  if (const auto it = cache.find(key); it != cache.end()) return it->second;
  std::string folded = foldNonAscii(text);
  if (cache.size() >= 16384) cache.clear();
  cache.emplace(key, folded);
  return folded;
}

std::string phoneticKey(std::string_view folded_token) {
  if (foldedKeyInput(folded_token)) return keyOf(folded_token, nullptr);
  return keyOf(foldName(folded_token), nullptr);
}

std::string surnameStem(std::string_view surname) {
  std::string f = foldName(surname);
  std::erase(f, ' ');
  std::vector<std::size_t> source;
  std::string key = keyOf(f, &source);
  const std::size_t stem = surnameStemLength(f);
  std::size_t n = 0;  // key symbols that stand for letters of the stem
  while (n < source.size() && source[n] < stem) ++n;
  if (n > 0) key.resize(n);
  return key;
}

std::string patronymicMarker(std::string_view folded_token) {
  const std::string key = phoneticKey(folded_token);
  if (key == "OKlU" || key == "OKlI") return "m";  // oğlu oglu oghlu ogly ogli oglı
  if (key == "KIzI") return "f";                   // qızı qizi gizi kizi kyzy gyzy qyzy
  return "";
}

ParsedName parseFullName(std::string_view full) {
  ParsedName p;
  const std::vector<std::string> t = splitSpaces(foldName(full));
  if (t.empty()) return p;

  // The patronymic: father's name + marker (from the second token on), or a Russian -ovich/-ovna.
  std::size_t from = t.size(), to = t.size();  // its tokens [from, to)
  for (std::size_t i = 1; i < t.size(); ++i) {
    const std::string sex = patronymicMarker(t[i]);
    if (!sex.empty()) {
      from = i - 1;
      to = i + 1;
      p.patronymic = t[i - 1];
      p.patronymic_sex = sex;
      break;
    }
  }
  if (from == t.size()) {
    for (std::size_t i = 1; i < t.size(); ++i) {
      std::string sex;
      if (const std::size_t n = russianPatronymicStem(t[i], sex)) {
        from = i;
        to = i + 1;
        p.patronymic = t[i].substr(0, n);
        p.patronymic_sex = sex;
        break;
      }
    }
  }

  if (from < t.size()) {
    std::vector<std::string> before(t.begin(), t.begin() + static_cast<std::ptrdiff_t>(from));
    std::vector<std::string> after(t.begin() + static_cast<std::ptrdiff_t>(to), t.end());
    if (!before.empty() && !after.empty()) {  // Given Father oğlu Surname
      p.given = join(before, 0, before.size());
      p.surname = join(after, 0, after.size());
    } else {  // Surname Given Father oğlu (documents), or the surname at the other end
      assignGivenSurname(before.empty() ? after : before, true, p);
    }
    return p;
  }

  // No marker. Three or more tokens with a recognised surname at one end: the token next to the
  // given name is the father's (Azerbaijani and Russian usage), unmarked.
  if (t.size() >= 3) {
    if (hasSurnameEnding(t.front())) {
      p.surname = t[0];
      p.given = t[1];
      p.patronymic = join(t, 2, t.size());
      return p;
    }
    if (hasSurnameEnding(t.back())) {
      p.given = t[0];
      p.patronymic = join(t, 1, t.size() - 1);
      p.surname = t.back();
      return p;
    }
  }
  assignGivenSurname(t, false, p);
  return p;
}

std::string normalizePhone(std::string_view phone) {
  std::string d;
  for (char c : phone)
    if (c >= '0' && c <= '9') d.push_back(c);
  if (d.size() >= 11 && d.starts_with("00")) d.erase(0, 2);  // 00 international prefix
  if (d.starts_with("994")) {
    std::string rest = d.substr(3);
    if (rest.size() == 10 && rest[0] == '0') rest.erase(0, 1);  // +994 (0)50 ...
    if (rest.size() == 9) return rest;
  } else if (d.size() == 10 && d[0] == '0') {
    return d.substr(1);  // national format with trunk 0
  }
  return d.size() < 7 ? std::string() : d;
}

std::string normalizeDocument(std::string_view doc) {
  std::string out;
  out.reserve(doc.size());
  auto add = [&out](UChar32 c) {
    if (c >= 'a' && c <= 'z') c = c - 'a' + 'A';
    if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) out.push_back(static_cast<char>(c));
  };
  if (isAscii(doc)) {
    for (char c : doc) add(static_cast<UChar32>(c));
    return out;
  }
  const icu::UnicodeString u =
      icu::UnicodeString::fromUTF8(icu::StringPiece(doc.data(), static_cast<int32_t>(doc.size())));
  for (int32_t i = 0; i < u.length(); i = u.moveIndex32(i, 1)) {
    UChar32 c = u.char32At(i);
    if (c >= 0xFF10 && c <= 0xFF19)
      c = c - 0xFF10 + '0';  // full-width digits
    else if (c >= 0xFF21 && c <= 0xFF3A)
      c = c - 0xFF21 + 'A';  // full-width letters
    else if (c >= 0xFF41 && c <= 0xFF5A)
      c = c - 0xFF41 + 'A';
    else if (scriptOf(c) == USCRIPT_CYRILLIC) {
      // Either case: a lower-case в к м н т in a document number is an upper-case one typed low.
      const UChar32 upper = u_toupper(c);
      const UChar32 l = cyrillicToLatin(upper);
      c = l < 0x80 ? l : 0;
    }
    add(c);
  }
  return out;
}

PartialDob parseDob(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  // A time after the date (exports: "1990-07-02T00:00:00", "1990-07-02 00:00").
  if (const std::size_t t = text.find_first_of("T "); t != std::string_view::npos && t >= 8) text = text.substr(0, t);
  if (text.empty()) return {};

  if (const int y = number(text, 4, 4); y >= 0) return checkedDob(y, 0, 0);
  if (text.size() == 8 && number(text, 8, 8) >= 0)
    return checkedDob(number(text.substr(0, 4), 4, 4), number(text.substr(4, 2), 2, 2),
                      number(text.substr(6, 2), 2, 2));

  const std::size_t s1 = text.find_first_of("-./");
  if (s1 == std::string_view::npos) return {};
  const char sep = text[s1];
  const std::size_t s2 = text.find(sep, s1 + 1);
  if (text.find_first_of("-./", s2 == std::string_view::npos ? s1 + 1 : s2 + 1) != std::string_view::npos) return {};
  const std::string_view a = text.substr(0, s1);
  if (s2 == std::string_view::npos) {  // YYYY-MM or MM.YYYY
    const std::string_view b = text.substr(s1 + 1);
    if (a.size() == 4) return checkedDob(number(a, 4, 4), number(b, 1, 2), 0);
    if (b.size() == 4 && number(a, 1, 2) >= 0) return checkedDob(number(b, 4, 4), number(a, 1, 2), 0);
    return {};
  }
  const std::string_view b = text.substr(s1 + 1, s2 - s1 - 1), c = text.substr(s2 + 1);
  int year = -1, month = -1, day = -1;
  if (a.size() == 4) {
    year = number(a, 4, 4);
    month = number(b, 1, 2);
    day = number(c, 1, 2);
  } else if (c.size() == 4) {
    year = number(c, 4, 4);
    month = number(b, 1, 2);
    day = number(a, 1, 2);
  }
  if (year < 0 || month < 0 || day < 0) return {};
  return checkedDob(year, month, day);
}

}  // namespace palermo::linkage
