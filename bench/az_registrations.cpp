// See az_registrations.hpp. Names are handled as lower-case code points (std::u32string) and
// cased at the end; the rules below follow ../shared/domain/names.md.
#include "az_registrations.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "linkage/normalize.hpp"

namespace palermo::bench {
namespace {

// ---- UTF-8 <-> code points ------------------------------------------------------------------

std::u32string decode(std::string_view s) {
  std::u32string out;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
    char32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += n;
  }
  return out;
}

std::string encode(std::u32string_view s) {
  std::string out;
  for (char32_t cp : s) {
    if (cp < 0x80) out.push_back(static_cast<char>(cp));
    else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
  return out;
}

// ---- the name lists (made-up combinations of common names) ----------------------------------

// Given names, most common first (frequencies fall off as 1/rank^0.8: a few names are very common).
const std::vector<const char*> kMen = {
    "əli", "məmməd", "hüseyn", "həsən", "elçin", "rəşad", "orxan", "tural", "elnur", "vüqar", "kamran", "cavid",
    "samir", "rauf", "nicat", "fərid", "ramil", "sahib", "cəfər", "heydər", "ilham", "xəlil", "yusif", "murad",
    "rəşid", "elşən", "vüsal", "anar", "emin", "ilkin", "tofiq", "namiq", "zaur", "rövşən", "şahin", "ceyhun",
    "kənan", "fuad", "vaqif", "qəhrəman", "əhməd", "nurlan", "mübariz", "ruslan", "elvin", "toğrul", "ülvi",
    "fəxri", "bəxtiyar", "azər", "mirzə", "qasım", "ibrahim", "ismayıl", "yaqub", "zakir", "nazim", "səməd",
    "teymur", "eldar", "rüstəm", "hikmət", "mais", "eldur", "mayıl", "eyvaz"};
const std::vector<const char*> kWomen = {
    "leyla", "aynur", "günel", "nərgiz", "səbinə", "aygün", "lalə", "sevinc", "könül", "xədicə", "ülviyyə",
    "şəbnəm", "fidan", "gülnar", "zəhra", "aysel", "nigar", "türkan", "aytən", "gülşən", "sevda", "nərmin",
    "kəmalə", "mehriban", "zümrüd", "səadət", "rəna", "arzu", "ilahə", "nurlana", "ləman", "günay", "aydan",
    "samirə", "vüsalə", "xatirə", "həcər", "fatimə", "aişə", "məryəm", "şəhla", "esmira", "jalə", "irada",
    "elmira", "sevil", "tamilla", "zərifə", "rəhilə", "nailə", "mələk", "ayşən", "gülarə", "kifayət", "səkinə",
    "pərvanə", "şəlalə", "dilarə"};
// Family roots (the father's line): Məmməd-ov, Əli-yev, Həsən-li, Qulu-zadə.
const std::vector<const char*> kRoots = {
    "məmməd", "əli", "həsən", "hüseyn", "quli", "ismayıl", "abdulla", "cəfər", "rza", "kərim", "baba", "nəsir",
    "xəlil", "heydər", "qasım", "süleyman", "vəli", "əhməd", "novruz", "sadıq", "bağır", "musa", "səfər",
    "zeynal", "rəhim", "tağı", "oruc", "şükür", "mehdi", "ağa", "fərəc", "paşa", "sultan", "hacı", "nağı",
    "kazım", "yusif", "cavad", "əsgər", "salman", "ibrahim", "isgəndər", "mustafa", "qədir", "nəcəf", "bayram",
    "mikayıl", "rüstəm", "nəbi", "şahbaz", "əziz", "əsəd", "hümbət", "qurban", "mirzə", "ələkbər", "mahmud",
    "bəşir", "cabbar", "eyvaz", "mayıl", "talıb", "kamal", "sərdar", "həmid", "qafar"};

bool isVowel(char32_t c) {
  return c == U'a' || c == U'e' || c == U'ə' || c == U'ı' || c == U'i' || c == U'o' || c == U'ö' || c == U'u' ||
         c == U'ü';
}

// -li with vowel harmony: Həsənli, Bağırlı, Novruzlu, Şükürlü.
std::u32string nativeSuffix(const std::u32string& root) {
  for (auto it = root.rbegin(); it != root.rend(); ++it) {
    if (*it == U'a' || *it == U'ı') return U"lı";
    if (*it == U'o' || *it == U'u') return U"lu";
    if (*it == U'ö' || *it == U'ü') return U"lü";
    if (isVowel(*it)) return U"li";
  }
  return U"li";
}

enum class Family { Ov, Li, Zade };

std::u32string surnameOf(const std::u32string& root, Family f, bool female) {
  switch (f) {
    case Family::Ov: {
      std::u32string s = root + (isVowel(root.back()) ? U"yev" : U"ov");
      return female ? s + U"a" : s;
    }
    case Family::Li: return root + nativeSuffix(root);
    case Family::Zade: return root + U"zadə";
  }
  return root;
}

// ---- the agencies' ways of writing ------------------------------------------------------------

enum class Script { Azerbaijani, Ascii, Cyrillic, RussianLatin };
enum class Romanisation { Icao, Bgn, Old };

class Rng {
 public:
  explicit Rng(uint64_t seed) : g_(seed) {}
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(g_() % n); }
  bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(g_) < p; }
  // Rank-frequency 1/rank^0.8 over n items (cumulative table per n, built once).
  std::size_t zipf(std::size_t n) {
    auto& cum = zipf_[n];
    if (cum.empty()) {
      double t = 0;
      for (std::size_t r = 1; r <= n; ++r) cum.push_back(t += 1.0 / std::pow(static_cast<double>(r), 0.8));
    }
    const double x = std::uniform_real_distribution<double>(0, cum.back())(g_);
    return static_cast<std::size_t>(std::lower_bound(cum.begin(), cum.end(), x) - cum.begin());
  }
  std::mt19937_64& engine() { return g_; }

 private:
  std::mt19937_64 g_;
  std::unordered_map<std::size_t, std::vector<double>> zipf_;
};

// How one registration's clerk writes Azerbaijani letters in ASCII (fixed per registration).
struct AsciiHabits {
  const char* schwa;  // ə
  const char* sh;     // ş
  const char* ch;     // ç
  const char* gh;     // ğ
  const char* x;      // x
  const char* q;      // q
  const char* c;      // c
  const char* dotless;  // ı
};

AsciiHabits asciiHabits(Rng& r) {
  AsciiHabits h{};
  h.schwa = r.chance(0.55) ? "e" : "a";
  h.sh = r.chance(0.75) ? "sh" : "s";
  h.ch = r.chance(0.75) ? "ch" : "c";
  h.gh = r.chance(0.8) ? "g" : "gh";
  h.x = r.chance(0.75) ? "x" : "kh";
  h.q = r.chance(0.7) ? "q" : "g";
  h.c = r.chance(0.6) ? "c" : "j";
  h.dotless = r.chance(0.9) ? "i" : "y";
  return h;
}

std::string toAscii(const std::u32string& s, const AsciiHabits& h) {
  std::string out;
  for (char32_t c : s) {
    switch (c) {
      case U'ə': out += h.schwa; break;
      case U'ş': out += h.sh; break;
      case U'ç': out += h.ch; break;
      case U'ğ': out += h.gh; break;
      case U'x': out += h.x; break;
      case U'q': out += h.q; break;
      case U'c': out += h.c; break;
      case U'ı': out += h.dotless; break;
      case U'ö': out += 'o'; break;
      case U'ü': out += 'u'; break;
      default: out += encode(std::u32string(1, c));
    }
  }
  return out;
}

// Azerbaijani Latin to Russian Cyrillic as a Russian-speaking clerk writes it (names.md).
std::u32string toCyrillic(const std::u32string& s, Rng& r) {
  std::u32string out;
  const bool h_as_g = r.chance(0.65);  // Гасанов (most) or Хасанов
  const bool q_as_g = r.chance(0.6);   // Гулиев or Кулиев
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char32_t c = s[i];
    const char32_t next = i + 1 < s.size() ? s[i + 1] : 0;
    const bool start = i == 0;
    const bool after_consonant = i > 0 && !isVowel(s[i - 1]) && s[i - 1] != U'y';
    switch (c) {
      case U'a': out += U'а'; break;
      case U'b': out += U'б'; break;
      case U'c': out += U"дж"; break;
      case U'ç': out += U'ч'; break;
      case U'd': out += U'д'; break;
      case U'e': out += start ? U'э' : U'е'; break;
      case U'ə': out += start ? U'а' : (r.chance(0.65) ? U'а' : U'е'); break;
      case U'f': out += U'ф'; break;
      case U'g': out += U'г'; break;
      case U'ğ': out += U'г'; break;
      case U'h': out += h_as_g ? U'г' : U'х'; break;
      case U'x': out += U'х'; break;
      case U'ı': out += U'ы'; break;
      case U'i': out += U'и'; break;
      case U'j': out += U'ж'; break;
      case U'k': out += U'к'; break;
      case U'q': out += q_as_g ? U'г' : U'к'; break;
      case U'l':
        out += U'л';
        // Soft sign before a consonant or at the end: Эльчин, Айсель, Гюльнар.
        if ((next == 0 || (!isVowel(next) && next != U'y')) && r.chance(0.7)) out += U'ь';
        break;
      case U'm': out += U'м'; break;
      case U'n': out += U'н'; break;
      case U'o': out += U'о'; break;
      case U'ö': out += after_consonant ? (r.chance(0.6) ? U'ё' : U'е') : U'о'; break;
      case U'p': out += U'п'; break;
      case U'r': out += U'р'; break;
      case U's': out += U'с'; break;
      case U'ş': out += U'ш'; break;
      case U't': out += U'т'; break;
      case U'u': out += U'у'; break;
      case U'ü': out += after_consonant ? (r.chance(0.65) ? U'ю' : U'у') : U'у'; break;
      case U'v': out += U'в'; break;
      case U'y':
        // Iotated vowels: ya я, yu ю, ye е, yo ё; otherwise й (Гейдар, Айсель).
        if (next == U'a' || next == U'ə') out += U'я', ++i;
        else if (next == U'u' || next == U'ü') out += U'ю', ++i;
        else if (next == U'e') out += U'е', ++i;
        else if (next == U'o') out += U'ё', ++i;
        else out += U'й';
        break;
      case U'z': out += U'з'; break;
      default: out += c;
    }
  }
  return out;
}

// Russian Cyrillic back to Latin, by one of the systems in use.
std::string fromCyrillic(const std::u32string& s, Romanisation sys, Rng& r) {
  std::string out;
  const bool old_j = r.chance(0.5);   // old habits: й/ю/я as j, ju, ja - or y, yu, ya
  const bool old_h = r.chance(0.3);   // х as h
  const bool dj = r.chance(0.5);      // дж as dj - or j
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char32_t c = s[i];
    const char32_t prev = i > 0 ? s[i - 1] : 0;
    const bool after_vowel = prev == U'а' || prev == U'е' || prev == U'и' || prev == U'о' || prev == U'у' ||
                             prev == U'ы' || prev == U'э' || prev == U'ю' || prev == U'я' || prev == U'ь';
    if (c == U'д' && i + 1 < s.size() && s[i + 1] == U'ж') {
      out += sys == Romanisation::Old ? (dj ? "dj" : "j") : "dzh";
      ++i;
      continue;
    }
    switch (c) {
      case U'а': out += 'a'; break;
      case U'б': out += 'b'; break;
      case U'в': out += 'v'; break;
      case U'г': out += 'g'; break;
      case U'д': out += 'd'; break;
      case U'е': out += (sys == Romanisation::Bgn && (i == 0 || after_vowel)) ? "ye" : "e"; break;
      case U'ё': out += sys == Romanisation::Icao ? "e" : "yo"; break;
      case U'ж': out += "zh"; break;
      case U'з': out += 'z'; break;
      case U'и': out += 'i'; break;
      case U'й': out += sys == Romanisation::Icao ? "i" : sys == Romanisation::Bgn ? "y" : (old_j ? "j" : "y"); break;
      case U'к': out += 'k'; break;
      case U'л': out += 'l'; break;
      case U'м': out += 'm'; break;
      case U'н': out += 'n'; break;
      case U'о': out += 'o'; break;
      case U'п': out += 'p'; break;
      case U'р': out += 'r'; break;
      case U'с': out += 's'; break;
      case U'т': out += 't'; break;
      case U'у': out += 'u'; break;
      case U'ф': out += 'f'; break;
      case U'х': out += sys == Romanisation::Old && old_h ? "h" : "kh"; break;
      case U'ц': out += "ts"; break;
      case U'ч': out += "ch"; break;
      case U'ш': out += "sh"; break;
      case U'щ': out += "shch"; break;
      case U'ы': out += 'y'; break;
      case U'ь': if (sys == Romanisation::Bgn && r.chance(0.3)) out += '\''; break;
      case U'ъ': break;
      case U'э': out += 'e'; break;
      case U'ю': out += sys == Romanisation::Icao ? "iu" : sys == Romanisation::Bgn ? "yu" : (old_j ? "ju" : "yu"); break;
      case U'я': out += sys == Romanisation::Icao ? "ia" : sys == Romanisation::Bgn ? "ya" : (old_j ? "ja" : "ya"); break;
      default: out += encode(std::u32string(1, c));
    }
  }
  return out;
}

// ---- typing errors by keyboard ------------------------------------------------------------------

// Neighbouring keys on the Azerbaijani Latin, the English and the Russian layouts.
const std::vector<std::u32string> kAzRows = {U"qüertyuiopöğ", U"asdfghjklıə", U"zxcvbnmçş"};
const std::vector<std::u32string> kEnRows = {U"qwertyuiop", U"asdfghjkl", U"zxcvbnm"};
const std::vector<std::u32string> kRuRows = {U"йцукенгшщзхъ", U"фывапролджэ", U"ячсмитьбю"};

char32_t neighbour(char32_t c, const std::vector<std::u32string>& rows, Rng& r) {
  for (std::size_t row = 0; row < rows.size(); ++row) {
    const auto pos = rows[row].find(c);
    if (pos == std::u32string::npos) continue;
    std::vector<char32_t> near;
    if (pos > 0) near.push_back(rows[row][pos - 1]);
    if (pos + 1 < rows[row].size()) near.push_back(rows[row][pos + 1]);
    if (row > 0 && pos < rows[row - 1].size()) near.push_back(rows[row - 1][pos]);
    if (row + 1 < rows.size() && pos < rows[row + 1].size()) near.push_back(rows[row + 1][pos]);
    if (!near.empty()) return near[r.below(near.size())];
  }
  return c;
}

std::u32string typo(std::u32string s, const std::vector<std::u32string>& rows, Rng& r) {
  if (s.size() < 4) return s;
  const std::size_t i = 1 + r.below(s.size() - 2);  // the first letter is rarely mistyped
  switch (r.below(10)) {
    case 0: case 1: case 2: case 3: s[i] = neighbour(s[i], rows, r); break;  // a neighbouring key
    case 4: case 5: s.erase(i, 1); break;                                    // a letter left out
    case 6: s.insert(i, 1, s[i]); break;                                     // a letter doubled
    default: std::swap(s[i], s[i + 1 < s.size() ? i + 1 : i - 1]);             // two letters swapped
  }
  return s;
}

// ---- casing -----------------------------------------------------------------------------------

char32_t upper(char32_t c) {
  if (c >= U'a' && c <= U'z') return c == U'i' ? U'I' : c - 32;  // ASCII i: plain I (see azUpper)
  if (c >= U'а' && c <= U'я') return c - 32;
  if (c == U'ё') return U'Ё';
  switch (c) {
    case U'ə': return U'Ə';
    case U'ğ': return U'Ğ';
    case U'ı': return U'I';
    case U'ö': return U'Ö';
    case U'ü': return U'Ü';
    case U'ş': return U'Ş';
    case U'ç': return U'Ç';
    default: return c;
  }
}

// Azerbaijani upper case: i is İ, ı is I.
std::u32string cased(std::u32string s, bool all_caps, bool azerbaijani) {
  for (std::size_t i = 0; i < s.size(); ++i)
    if (all_caps || i == 0 || s[i - 1] == U' ' || s[i - 1] == U'-')
      s[i] = (azerbaijani && s[i] == U'i') ? U'İ' : upper(s[i]);
  return s;
}

// ---- persons ------------------------------------------------------------------------------------

struct Person {
  std::size_t id;
  bool female;
  std::u32string given, root, father;
  Family family;
  int year, month, day;
  std::string phone, phone2, document, document2;
  bool child;
};

// How one registration writes the person.
struct Writing {
  Script script;
  Romanisation romanisation;
  AsciiHabits habits;
};

std::string render(const std::u32string& az, const Writing& w, bool caps, Rng& r, bool typo_here) {
  const auto& rows = w.script == Script::Cyrillic ? kRuRows : w.script == Script::Azerbaijani ? kAzRows : kEnRows;
  std::u32string text;
  switch (w.script) {
    case Script::Azerbaijani: text = az; break;
    case Script::Ascii: text = decode(toAscii(az, w.habits)); break;
    case Script::Cyrillic: text = toCyrillic(az, r); break;
    case Script::RussianLatin: text = decode(fromCyrillic(toCyrillic(az, r), w.romanisation, r)); break;
  }
  if (typo_here) text = typo(text, rows, r);
  return encode(cased(text, caps, w.script == Script::Azerbaijani));
}

std::string patronymicWord(bool female, const Writing& w, Rng& r) {
  switch (w.script) {
    case Script::Azerbaijani: return female ? "qızı" : "oğlu";
    case Script::Cyrillic: return female ? "кызы" : "оглы";
    case Script::Ascii: {
      static const char* kSon[] = {"oglu", "oglu", "ogly", "oghlu", "ogli"};
      static const char* kDaughter[] = {"qizi", "gizi", "kizi", "qizi", "kyzy"};
      return female ? kDaughter[r.below(5)] : kSon[r.below(5)];
    }
    case Script::RussianLatin: return female ? (r.chance(0.7) ? "kyzy" : "gyzy") : (r.chance(0.8) ? "ogly" : "ogli");
  }
  return "";
}

std::string phoneFormat(const std::string& national, Rng& r) {  // national: 9 digits, 501234567
  switch (r.below(5)) {
    case 0: return "+994" + national;
    case 1: return "0" + national;
    case 2: return "+994 " + national.substr(0, 2) + " " + national.substr(2, 3) + " " + national.substr(5, 2) + " " + national.substr(7);
    case 3: return "(0" + national.substr(0, 2) + ") " + national.substr(2, 3) + "-" + national.substr(5, 2) + "-" + national.substr(7);
    default: return "994" + national;
  }
}

std::string twoDigits(int v) {
  char b[8];
  std::snprintf(b, sizeof b, "%02d", v);
  return b;
}

std::string dobText(const Person& p, Rng& r, bool hotline) {
  const std::string y = std::to_string(p.year), m = twoDigits(p.month), d = twoDigits(p.day);
  const double x = std::uniform_real_distribution<double>(0, 1)(r.engine());
  if (hotline) {  // heard on the phone: the year, an age ("about 16"), or nothing
    if (x < 0.35) return y;
    if (x < 0.55) return std::to_string(p.year + (r.chance(0.5) ? 1 : -1));  // an age given at the wrong side of a birthday
    if (x < 0.7) return y + "-" + m + "-" + d;
    return "";
  }
  if (x < 0.55) return y + "-" + m + "-" + d;
  if (x < 0.78) return d + "." + m + "." + y;
  if (x < 0.84 && p.day <= 12) return y + "-" + d + "-" + m;  // day and month swapped
  if (x < 0.88) {                                                // one digit mistyped
    std::string s = d + "." + m + "." + y;
    const std::size_t pos = r.chance(0.5) ? 0 : 8 + r.below(2);
    s[pos] = static_cast<char>('0' + (s[pos] - '0' + 1 + r.below(8)) % 10);
    return s;
  }
  if (x < 0.94) return y;
  return "";
}

}  // namespace

linkage::Dataset generateAzerbaijani(const AzOptions& options, std::vector<std::string>* full_names,
                                     std::vector<AzRegistrationFacts>* facts) {
  using linkage::FieldKind;
  Rng r(options.seed);
  linkage::Dataset d;
  d.fields = {{"first_name", FieldKind::Given}, {"surname", FieldKind::Surname}, {"patronymic", FieldKind::Patronymic},
              {"sex", FieldKind::Sex},          {"dob", FieldKind::Dob},          {"phone", FieldKind::Phone},
              {"document", FieldKind::Document}};
  std::vector<Person> persons;
  auto randomPhone = [&] {
    static const char* kPrefixes[] = {"50", "51", "55", "70", "77", "99", "10"};
    char b[16];
    // One draw per statement (argument order is the compiler's), the last first as GCC drew them.
    const int number = static_cast<int>(r.below(10'000'000));
    std::snprintf(b, sizeof b, "%s%07d", kPrefixes[r.below(7)], number);
    return std::string(b);
  };
  auto randomDocument = [&] {
    char b[16];
    if (r.chance(0.6)) std::snprintf(b, sizeof b, "AA%07d", static_cast<int>(r.below(10'000'000)));
    else std::snprintf(b, sizeof b, "AZE%08d", static_cast<int>(r.below(100'000'000)));
    return std::string(b);
  };
  auto givenName = [&](bool female) {
    const auto& list = female ? kWomen : kMen;
    return decode(list[r.zipf(list.size())]);
  };

  while (d.records.size() < options.registrations) {
    Person p{};
    p.id = persons.size();
    const double kind = std::uniform_real_distribution<double>(0, 1)(r.engine());
    const Person* relative = persons.empty() ? nullptr : &persons[r.below(persons.size())];
    p.female = r.chance(0.6);
    if (relative && kind < 0.10) {  // a sibling: the same father and family, another name, born 1-8 years apart
      p.root = relative->root, p.father = relative->father, p.family = relative->family;
      do p.given = givenName(p.female); while (p.given == relative->given);
      p.year = relative->year + static_cast<int>(1 + r.below(8)) * (r.chance(0.5) ? 1 : -1);
      p.month = 1 + static_cast<int>(r.below(12)), p.day = 1 + static_cast<int>(r.below(28));
      p.phone = r.chance(0.3) ? relative->phone : randomPhone();  // a family phone, sometimes
    } else if (relative && kind < 0.115) {  // a twin: the same date of birth too
      p = *relative;
      p.id = persons.size();
      p.female = r.chance(0.6);
      do p.given = givenName(p.female); while (p.given == relative->given);
      p.phone = r.chance(0.5) ? relative->phone : randomPhone();
      p.document.clear();
    } else if (relative && kind < 0.16) {  // a namesake: the same given name and family, another father
      p.female = relative->female;
      p.given = relative->given, p.root = relative->root, p.family = relative->family;
      do p.father = givenName(false); while (p.father == relative->father);
      p.year = relative->year + static_cast<int>(r.below(7)) - 3;
      p.month = 1 + static_cast<int>(r.below(12)), p.day = 1 + static_cast<int>(r.below(28));
      p.phone = randomPhone();
    } else {
      p.given = givenName(p.female);
      p.father = givenName(false);
      p.root = decode(kRoots[r.zipf(kRoots.size())]);
      const double f = std::uniform_real_distribution<double>(0, 1)(r.engine());
      p.family = f < 0.82 ? Family::Ov : f < 0.94 ? Family::Li : Family::Zade;
      p.year = 1960 + static_cast<int>(r.below(56));
      p.month = 1 + static_cast<int>(r.below(12)), p.day = 1 + static_cast<int>(r.below(28));
      p.phone = r.chance(0.75) ? randomPhone() : "";
    }
    p.child = p.year >= 2008;
    if (!p.child && p.document.empty() && r.chance(0.65)) p.document = randomDocument();
    p.phone2 = r.chance(0.3) ? randomPhone() : p.phone;  // a new number later
    p.document2 = !p.document.empty() && r.chance(0.2) ? randomDocument() : p.document;  // renewed
    persons.push_back(p);

    // 1 to 5 registrations (about 2.1 each, as the registers of the issue).
    const double n = std::uniform_real_distribution<double>(0, 1)(r.engine());
    const std::size_t regs = n < 0.38 ? 1 : n < 0.68 ? 2 : n < 0.86 ? 3 : n < 0.95 ? 4 : 5;
    for (std::size_t k = 0; k < regs && d.records.size() < options.registrations; ++k) {
      Writing w{};
      const double s = std::uniform_real_distribution<double>(0, 1)(r.engine());
      w.script = s < 0.34 ? Script::Azerbaijani : s < 0.56 ? Script::Ascii : s < 0.80 ? Script::Cyrillic : Script::RussianLatin;
      const std::size_t sys = r.below(3);
      w.romanisation = sys == 0 ? Romanisation::Icao : sys == 1 ? Romanisation::Bgn : Romanisation::Old;
      w.habits = asciiHabits(r);
      const bool hotline = r.chance(0.25);   // heard, not read from a document
      const bool name_only = r.chance(0.07);  // a name and nothing else
      const bool caps = !hotline && r.chance(0.12);
      // The family name: the person's own form, or the family's other one (-ov and -li both in use).
      Family family = p.family;
      if (r.chance(0.05)) family = family == Family::Ov ? Family::Li : Family::Ov;
      const std::string given = render(p.given, w, caps, r, r.chance(0.06));
      const std::string surname = render(surnameOf(p.root, family, p.female), w, caps, r, r.chance(0.06));
      std::string patronymic;
      if (!name_only && r.chance(hotline ? 0.15 : 0.6))
        patronymic = render(p.father, w, caps, r, r.chance(0.04)) + " " + patronymicWord(p.female, w, r);
      std::string full;
      const double order = std::uniform_real_distribution<double>(0, 1)(r.engine());
      if (order < 0.35) full = surname + " " + given + (patronymic.empty() ? "" : " " + patronymic);  // documents' order
      else if (order < 0.45 && !patronymic.empty()) full = given + " " + patronymic + " " + surname;
      else full = given + " " + surname + (patronymic.empty() ? "" : " " + patronymic);
      linkage::InputRecord rec;
      rec.id = "r" + std::to_string(d.records.size());
      std::string g = given, sn = surname, pt = patronymic;
      if (r.chance(0.45)) {  // the name in one field, split as the registers' signals are
        const auto parsed = linkage::parseFullName(full);
        g = parsed.given, sn = parsed.surname;
        pt = parsed.patronymic;  // without its marker, as PersonLinks passes it
      } else if (r.chance(0.04)) {
        std::swap(g, sn);  // typed in each other's field
      }
      std::string sex;
      if (!name_only && r.chance(0.9)) {
        static const char* kF[] = {"female", "f", "qadın"};
        static const char* kM[] = {"male", "m", "kişi"};
        sex = p.female ? kF[r.below(3)] : kM[r.below(3)];
      }
      std::string dob, phone, document;
      if (!name_only) {
        dob = dobText(p, r, hotline);
        const std::string& ph = k > 0 ? p.phone2 : p.phone;
        if (!ph.empty() && r.chance(hotline ? 0.7 : 0.45)) phone = phoneFormat(ph, r);
        const std::string& doc = k > 0 ? p.document2 : p.document;
        if (!doc.empty() && !hotline && r.chance(0.45)) {
          document = doc;
          if (r.chance(0.2)) document.insert(2, " ");
          if (w.script == Script::Cyrillic && document.rfind("AA", 0) == 0 && r.chance(0.5)) document.replace(0, 2, "АА");
        }
      }
      rec.values = {g, sn, pt, sex, dob, phone, document};
      d.truth.push_back(std::to_string(p.id));
      d.records.push_back(std::move(rec));
      if (full_names) full_names->push_back(full);
      if (facts) {
        std::string key;
        for (const std::u32string* part : {&p.given, &p.root}) {
          for (const char32_t c : *part) key += std::to_string(static_cast<uint32_t>(c)) + ",";
          key += "|";
        }
        facts->push_back({name_only, std::move(key)});
      }
    }
  }
  return d;
}

void writeAzerbaijaniCsv(const AzOptions& options, const std::string& path) {
  std::vector<std::string> full;
  const auto d = generateAzerbaijani(options, &full);
  std::ofstream out(path);
  if (!out) throw std::runtime_error("cannot write " + path);
  auto quoted = [](const std::string& v) {
    std::string q = "\"";
    for (char c : v) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  };
  out << "id,cluster,full_name,sex,dob,phone,document\n";
  for (std::size_t i = 0; i < d.records.size(); ++i) {
    const auto& v = d.records[i].values;
    out << d.records[i].id << ',' << d.truth[i] << ',' << quoted(full[i]) << ',' << quoted(v[3]) << ',' << quoted(v[4])
        << ',' << quoted(v[5]) << ',' << quoted(v[6]) << '\n';
  }
}

}  // namespace palermo::bench
