#include "linkage/matcher.hpp"

#include "linkage/name_variants.hpp"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <numeric>
#include <random>
#include <stdexcept>
#include <thread>
#include <unordered_set>

namespace palermo::linkage {

double LevelParams::weight() const { return std::log2(std::max(m, 1e-12) / std::max(u, 1e-12)); }

double jaroWinkler(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return 0;
  if (a == b) return 1;
  const std::size_t la = a.size(), lb = b.size();
  const std::size_t range = std::max<std::size_t>(std::max(la, lb) / 2, 1) - 1;
  uint64_t used_a[4] = {0, 0, 0, 0}, used_b[4] = {0, 0, 0, 0};  // names up to 256 bytes
  const std::size_t na = std::min<std::size_t>(la, 256), nb = std::min<std::size_t>(lb, 256);
  int matches = 0;
  for (std::size_t i = 0; i < na; ++i) {
    const std::size_t lo = i > range ? i - range : 0, hi = std::min(nb, i + range + 1);
    for (std::size_t j = lo; j < hi; ++j) {
      if ((used_b[j >> 6] >> (j & 63)) & 1) continue;
      if (a[i] != b[j]) continue;
      used_a[i >> 6] |= uint64_t{1} << (i & 63);
      used_b[j >> 6] |= uint64_t{1} << (j & 63);
      ++matches;
      break;
    }
  }
  if (matches == 0) return 0;
  int transpositions = 0;
  std::size_t k = 0;
  for (std::size_t i = 0; i < na; ++i) {
    if (!((used_a[i >> 6] >> (i & 63)) & 1)) continue;
    while (!((used_b[k >> 6] >> (k & 63)) & 1)) ++k;
    if (a[i] != b[k]) ++transpositions;
    ++k;
  }
  const double m = matches;
  const double jaro = (m / static_cast<double>(na) + m / static_cast<double>(nb) + (m - transpositions / 2.0) / m) / 3.0;
  std::size_t prefix = 0;
  while (prefix < 4 && prefix < na && prefix < nb && a[prefix] == b[prefix]) ++prefix;
  return jaro + static_cast<double>(prefix) * 0.1 * (1 - jaro);
}

namespace {

// Interned strings of one field: equal values compare as integers.
struct Pool {
  std::vector<std::string> values;
  std::unordered_map<std::string, int32_t> ids;
  int32_t intern(const std::string& v) {
    if (v.empty()) return -1;
    auto [it, added] = ids.emplace(v, static_cast<int32_t>(values.size()));
    if (added) values.push_back(v);
    return it->second;
  }
  [[nodiscard]] int32_t find(const std::string& v) const {
    auto it = ids.find(v);
    return it == ids.end() ? -1 : it->second;
  }
};

struct Column {
  FieldKind kind = FieldKind::Code;
  std::vector<int32_t> value, key, stem;  // interned ids, -1 when missing
  std::vector<int32_t> dob;               // Dob: YYYYMMDD with 0 for unknown parts; 0 when missing
  Pool values, keys, stems;
  std::vector<uint32_t> count;            // occurrences per value id (term frequencies)
  std::vector<uint32_t> key_count;        // occurrences per phonetic key id
  // Given: per value id, its known-variant groups, phonetic key id and stem id (computed once
  // per distinct name, not per registration).
  std::vector<std::vector<uint16_t>> groups;
  std::vector<int32_t> value_key, value_stem;
};

std::vector<std::string> levelNames(FieldKind k) {
  switch (k) {
    case FieldKind::Given:
      return {"exact", "phonetic key", "known variant", "Jaro-Winkler >= 0.92", "Jaro-Winkler >= 0.8", "different"};
    case FieldKind::Surname:
      return {"exact", "phonetic key", "same stem", "Jaro-Winkler >= 0.92", "Jaro-Winkler >= 0.8", "different"};
    case FieldKind::Patronymic: return {"phonetic key", "Jaro-Winkler >= 0.85", "different"};
    case FieldKind::Dob:
      return {"exact",     "day and month swapped", "agrees as far as known", "one digit different", "same year and month",
              "same year", "one year apart",        "different", "over ten years apart"};
    case FieldKind::Document:
    case FieldKind::Text: return {"exact", "Jaro-Winkler >= 0.9", "different"};
    case FieldKind::Postcode: return {"exact", "same district", "Jaro-Winkler >= 0.9", "different"};
    default: return {"equal", "different"};
  }
}

uint64_t mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h * 0xff51afd7ed558ccdULL;
}
uint64_t hashStr(const std::string& s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

}  // namespace

enum class NameOrder { AsWritten, Swapped, LoneSurname };

struct Matcher::Impl {
  std::vector<FieldSpec> fields;
  MatchOptions opt;
  std::vector<Column> cols;
  std::vector<std::string> ids;
  std::vector<int> sources;
  Model model;
  int given = -1, surname = -1, dob = -1;  // field indexes used for swaps and blocking
  std::vector<int> exact_keys;             // Phone / Document fields: blocking keys too
  std::vector<int> place_keys;             // Code and Text fields: blocking keys when uncommon
  // Search index (built on first use): blocking key -> records.
  mutable std::unordered_map<uint64_t, std::vector<uint32_t>> index;
  mutable bool index_built = false;
  std::vector<uint8_t> retired;  // rows withdrawn (an edited or deleted registration): never candidates

  std::vector<Link> candidatesOf(uint32_t q, double min_probability) const;

  void indexRow(uint32_t r) const {
    std::vector<uint64_t> keys;
    blockingKeys(r, keys);
    for (uint64_t k : keys) index[k].push_back(r);
  }

  std::size_t n() const { return ids.size(); }

  void prepareValue(Column& c, const std::string& raw) {
    int32_t v = -1, k = -1, s = -1, d = 0;
    switch (c.kind) {
      case FieldKind::Given: {
        const std::string f = withoutTitles(foldName(raw));
        const std::size_t before = c.values.values.size();
        v = c.values.intern(f);
        if (c.values.values.size() > before) {
          c.groups.push_back(givenNameGroups(f));
          c.value_key.push_back(c.keys.intern(phoneticKey(f)));
          // The stem too: a lone surname written in the given-name field is compared as one.
          c.value_stem.push_back(c.stems.intern(surnameStem(f)));
        }
        if (v >= 0) k = c.value_key[static_cast<std::size_t>(v)], s = c.value_stem[static_cast<std::size_t>(v)];
        break;
      }
      case FieldKind::Patronymic: {
        const std::string f = foldName(raw);
        v = c.values.intern(f);
        if (!f.empty()) k = c.keys.intern(phoneticKey(f));
        break;
      }
      case FieldKind::Surname: {
        const std::string f = foldName(raw);
        v = c.values.intern(f);
        if (!f.empty()) k = c.keys.intern(phoneticKey(f)), s = c.stems.intern(surnameStem(f));
        break;
      }
      case FieldKind::Dob: {
        PartialDob p = parseDob(raw);
        // An impossible date (a typo: 1848-87-13) still tells its year when it starts or ends
        // with one, and its month or day when that part is possible.
        if (!p.year && raw.size() >= 8) {
          const auto year = [&](std::string_view y) {
            int value = 0;
            for (char ch : y) {
              if (ch < '0' || ch > '9') return 0;
              value = value * 10 + (ch - '0');
            }
            return value >= 1800 && value <= 2100 ? value : 0;
          };
          const auto number = [](std::string_view t, int lo, int hi) {
            if (t.size() != 2 || t[0] < '0' || t[0] > '9' || t[1] < '0' || t[1] > '9') return 0;
            const int two = (t[0] - '0') * 10 + (t[1] - '0');
            return two >= lo && two <= hi ? two : 0;
          };
          const std::string_view t(raw);
          p.year = year(t.substr(0, 4));
          if (p.year && t.size() == 10) {  // YYYY-MM-DD: the parts that are possible are kept
            p.month = number(t.substr(5, 2), 1, 12);
            p.day = number(t.substr(8, 2), 1, 31);
          } else if (!p.year) {
            p.year = year(t.substr(t.size() - 4));
            if (p.year && t.size() == 10) {  // DD.MM.YYYY
              p.day = number(t.substr(0, 2), 1, 31);
              p.month = number(t.substr(3, 2), 1, 12);
            }
          }
        }
        d = p.year ? p.year * 10000 + p.month * 100 + p.day : 0;
        break;
      }
      case FieldKind::Sex: {
        const std::string f = foldName(raw);
        if (!f.empty()) v = c.values.intern(f.substr(0, 1) == "f" || f.substr(0, 1) == "q" ? "f" : f.substr(0, 1) == "m" || f.substr(0, 1) == "k" ? "m" : f);
        break;
      }
      case FieldKind::Phone: v = c.values.intern(normalizePhone(raw)); break;
      case FieldKind::Document: v = c.values.intern(normalizeDocument(raw)); break;
      case FieldKind::Code:
      case FieldKind::Text: v = c.values.intern(foldName(raw)); break;
      case FieldKind::Postcode: {
        const std::string f = foldName(raw);
        v = c.values.intern(f);
        // The district: the part before the space (sg18 in "sg18 9tb").
        if (const auto space = f.find(' '); space != std::string::npos) k = c.keys.intern(f.substr(0, space));
        break;
      }
    }
    if (k >= 0) {
      if (static_cast<std::size_t>(k) >= c.key_count.size()) c.key_count.resize(static_cast<std::size_t>(k) + 1, 0);
      ++c.key_count[static_cast<std::size_t>(k)];
    }
    c.value.push_back(v);
    c.key.push_back(k);
    c.stem.push_back(s);
    c.dob.push_back(d);
    if (v >= 0) {
      if (static_cast<std::size_t>(v) >= c.count.size()) c.count.resize(static_cast<std::size_t>(v) + 1, 0);
      ++c.count[static_cast<std::size_t>(v)];
    }
  }

  const std::string& str(const Pool& p, int32_t id) const { return p.values[static_cast<std::size_t>(id)]; }

  // The agreement level of field f for records a and b; -1 when a value is missing.
  int level(std::size_t f, uint32_t a, uint32_t b) const {
    const Column& c = cols[f];
    if (c.kind == FieldKind::Dob) {
      const int32_t x = c.dob[a], y = c.dob[b];
      if (!x || !y) return -1;
      const int xy = x / 10000, yy = y / 10000, xm = x / 100 % 100, ym = y / 100 % 100, xd = x % 100, yd = y % 100;
      if (x == y && xm && xd) return 0;
      if (xy == yy && xm && xd && ym && yd && xm == yd && xd == ym) return 1;
      // One side partial (a year, or a year and month) and every part known on both agrees: as
      // close as the registrations allow (a hotline hears a year, the police read a passport).
      if (xy == yy && (!xm || !xd || !ym || !yd) && (!xm || !ym || xm == ym) && (!xd || !yd || xd == yd)) return 2;
      // A typing error: two full dates that differ in one digit of YYYYMMDD (1854 / 1824,
      // 07-30 / 07-80 read as a valid 07-08...).
      if (xm && xd && ym && yd) {
        int differ = 0;
        for (int u = x, v = y; u || v; u /= 10, v /= 10) differ += u % 10 != v % 10;
        if (differ == 1) return 3;
      }
      if (xy == yy && xm && xm == ym) return 4;
      if (xy == yy) return 5;
      if (std::abs(xy - yy) == 1) return 6;
      // Another generation: a child and an adult of the same name (namesakes, a child named
      // after a relative) are not one person; a typo in the year is one digit (level 3).
      if (std::abs(xy - yy) > 10) return 8;
      return 7;
    }
    const int32_t x = c.value[a], y = c.value[b];
    if (x < 0 || y < 0) return -1;
    switch (c.kind) {
      case FieldKind::Given: {
        if (x == y) return 0;
        if (c.key[a] == c.key[b]) return 1;
        if (shareGroup(c.groups[static_cast<std::size_t>(x)], c.groups[static_cast<std::size_t>(y)])) return 2;
        const double jw = jaroWinkler(str(c.values, x), str(c.values, y));
        return jw >= 0.92 ? 3 : jw >= 0.8 ? 4 : 5;
      }
      case FieldKind::Surname: {
        if (x == y) return 0;
        if (c.key[a] == c.key[b]) return 1;
        if (c.stem[a] == c.stem[b]) return 2;
        const double jw = jaroWinkler(str(c.values, x), str(c.values, y));
        return jw >= 0.92 ? 3 : jw >= 0.8 ? 4 : 5;
      }
      case FieldKind::Patronymic: {
        if (c.key[a] == c.key[b]) return 0;
        return jaroWinkler(str(c.values, x), str(c.values, y)) >= 0.85 ? 1 : 2;
      }
      case FieldKind::Document:
      case FieldKind::Text: {
        if (x == y) return 0;
        return jaroWinkler(str(c.values, x), str(c.values, y)) >= 0.9 ? 1 : 2;
      }
      case FieldKind::Postcode: {
        if (x == y) return 0;
        if (c.key[a] >= 0 && c.key[a] == c.key[b]) return 1;
        return jaroWinkler(str(c.values, x), str(c.values, y)) >= 0.9 ? 2 : 3;
      }
      default: return x == y ? 0 : 1;
    }
  }

  // The surname level of record x's given name against record y's surname (a lone name written
  // in the given-name field: "Topping" against Michael Topping); -1 when not close.
  int givenAsSurname(uint32_t x, uint32_t y) const {
    const Column& g = cols[static_cast<std::size_t>(given)];
    const Column& s = cols[static_cast<std::size_t>(surname)];
    if (g.value[x] < 0 || s.value[y] < 0) return -1;
    if (str(g.values, g.value[x]) == str(s.values, s.value[y])) return 0;
    if (str(g.keys, g.key[x]) == str(s.keys, s.key[y])) return 1;
    if (str(g.stems, g.stem[x]) == str(s.stems, s.stem[y])) return 2;
    return -1;
  }

  // Levels of every field; with given and surname swapped when that agrees better, and a lone
  // name in the given-name field compared as the surname it is when the other's surname agrees.
  void levels(uint32_t a, uint32_t b, int8_t* out, NameOrder& order) const {
    order = NameOrder::AsWritten;
    for (std::size_t f = 0; f < cols.size(); ++f) out[f] = static_cast<int8_t>(level(f, a, b));
    if (given < 0 || surname < 0) return;
    const Column& g = cols[static_cast<std::size_t>(given)];
    const Column& s = cols[static_cast<std::size_t>(surname)];
    if (out[given] >= 4 && out[surname] >= 3) {
      if (g.key[a] >= 0 && s.key[b] >= 0 && s.key[a] >= 0 && g.key[b] >= 0 &&
          str(g.keys, g.key[a]) == str(s.keys, s.key[b]) && str(s.keys, s.key[a]) == str(g.keys, g.key[b])) {
        out[given] = 1;
        out[surname] = 1;
        order = NameOrder::Swapped;
      }
      return;
    }
    if (out[surname] < 0 && (out[given] < 0 || out[given] >= 3)) {
      // One side has no surname: its given name may be the surname.
      const bool a_lone = s.value[a] < 0 && g.value[a] >= 0, b_lone = s.value[b] < 0 && g.value[b] >= 0;
      int cross = -1;
      if (a_lone && !b_lone) cross = givenAsSurname(a, b);
      else if (b_lone && !a_lone) cross = givenAsSurname(b, a);
      if (cross >= 0) {
        out[surname] = static_cast<int8_t>(cross);
        out[given] = -1;
        order = NameOrder::LoneSurname;
      }
    }
  }

  // The weight of level lvl of field f; term frequencies from whichever of a and b has the value.
  double fieldWeight(std::size_t f, int lvl, uint32_t a, uint32_t b) const {
    const auto& lp = model.levels[f][static_cast<std::size_t>(lvl)];
    if (cols[f].value[a] < 0) a = b;
    if (lvl == 0 && model.term_frequencies &&
        (cols[f].kind == FieldKind::Surname || cols[f].kind == FieldKind::Given || cols[f].kind == FieldKind::Text ||
         cols[f].kind == FieldKind::Postcode)) {
      // Term frequency: agreeing on a common surname (or place: London) says less than on a rare one.
      const Column& c = cols[f];
      const double tf = static_cast<double>(c.count[static_cast<std::size_t>(c.value[a])]) / static_cast<double>(n());
      return std::log2(std::max(lp.m, 1e-12) / std::max(tf, lp.u * 0.2));
    }
    if (lvl == 1 && model.term_frequencies && (cols[f].kind == FieldKind::Surname || cols[f].kind == FieldKind::Given)) {
      // The same for the phonetic key: Mamedov/Məmmədov/Мамедов agree on a common key.
      const Column& c = cols[f];
      const int32_t k = c.key[a];
      if (k >= 0) {
        const double tf = static_cast<double>(c.key_count[static_cast<std::size_t>(k)]) / static_cast<double>(n());
        return std::log2(std::max(lp.m, 1e-12) / std::max(tf, lp.u * 0.2));
      }
    }
    return lp.weight();
  }

  Link scorePair(uint32_t a, uint32_t b) const {
    int8_t lv[32];
    NameOrder order{};
    levels(a, b, lv, order);
    double w = std::log2(model.lambda / (1 - model.lambda));
    for (std::size_t f = 0; f < cols.size(); ++f)
      if (lv[f] >= 0) w += fieldWeight(f, lv[f], a, b);
    Link l{a, b, w, 0};
    l.probability = 1.0 / (1.0 + std::exp2(-w));
    return l;
  }

  // Blocking keys of one record (several, OR).
  void blockingKeys(uint32_t r, std::vector<uint64_t>& keys) const {
    keys.clear();
    auto keyStr = [&](int field, bool stem) -> const std::string* {
      if (field < 0) return nullptr;
      const Column& c = cols[static_cast<std::size_t>(field)];
      const int32_t id = stem ? c.stem[r] : c.key[r];
      if (id < 0) return nullptr;
      return &(stem ? c.stems : c.keys).values[static_cast<std::size_t>(id)];
    };
    const std::string* gk = keyStr(given, false);
    const std::string* sk = keyStr(surname, false);
    const std::string* ss = keyStr(surname, true);
    const int32_t d = dob >= 0 ? cols[static_cast<std::size_t>(dob)].dob[r] : 0;
    if (gk && sk) {  // both orders: a swapped name finds its pair
      const auto& lo = std::min(*gk, *sk);
      const auto& hi = std::max(*gk, *sk);
      keys.push_back(mix(mix(1, hashStr(lo)), hashStr(hi)));
    }
    if (ss && d) keys.push_back(mix(mix(2, hashStr(*ss)), static_cast<uint64_t>(d / 10000)));
    // A name key with the full date, and with the year: given and surname under one tag, so
    // that a name written in the other's place ("Spence" as the given name) still meets it.
    if (gk && d && d % 100) keys.push_back(mix(mix(3, hashStr(*gk)), static_cast<uint64_t>(d)));
    if (sk && d && d % 100) keys.push_back(mix(mix(3, hashStr(*sk)), static_cast<uint64_t>(d)));
    if (d && d % 100) keys.push_back(mix(5, static_cast<uint64_t>(d)));
    if (gk && ss) keys.push_back(mix(mix(6, hashStr(gk->substr(0, 2))), hashStr(*ss)));
    if (gk && sk && d) {  // both names and the year: finds swapped days and months, year-only dates
      const auto& lo = std::min(*gk, *sk);
      const auto& hi = std::max(*gk, *sk);
      keys.push_back(mix(mix(mix(8, hashStr(lo)), hashStr(hi)), static_cast<uint64_t>(d / 10000)));
    }
    if (gk && d) keys.push_back(mix(mix(9, hashStr(*gk)), static_cast<uint64_t>(d / 10000)));
    if (sk && d) keys.push_back(mix(mix(9, hashStr(*sk)), static_cast<uint64_t>(d / 10000)));
    // A rare name alone (common ones exceed max_block and are skipped): finds pairs whose date
    // is missing or mistyped on one side.
    if (gk) keys.push_back(mix(15, hashStr(*gk)));
    // Known variants of the given name (Sasha / Aleksandr, Bill / William) with the surname's
    // stem and with the year of birth.
    if (given >= 0) {
      const Column& g = cols[static_cast<std::size_t>(given)];
      if (const int32_t v = g.value[r]; v >= 0)
        for (uint16_t group : g.groups[static_cast<std::size_t>(v)]) {
          if (ss) keys.push_back(mix(mix(16, group), hashStr(*ss)));
          if (d) keys.push_back(mix(mix(17, group), static_cast<uint64_t>(d / 10000)));
        }
    }
    if (sk) keys.push_back(mix(15, hashStr(*sk)));
    // Codes (postcode, citizenship) and places: alone (common ones exceed max_block), with the
    // year of birth, and with either name: keys that work when the date of birth is missing.
    for (int f : place_keys) {
      const Column& c = cols[static_cast<std::size_t>(f)];
      const int32_t v = c.value[r];
      if (v < 0) continue;
      const uint64_t base = mix(mix(11, static_cast<uint64_t>(f)), static_cast<uint64_t>(v));
      keys.push_back(base);
      if (d) keys.push_back(mix(base, static_cast<uint64_t>(d / 10000)));
      if (gk) keys.push_back(mix(mix(base, 12), hashStr(*gk)));
      if (sk) keys.push_back(mix(mix(base, 13), hashStr(*sk)));
      // The first word of a code (the district of a postcode "sg18 9tb") with the surname.
      const std::string& text = c.values.values[static_cast<std::size_t>(v)];
      const auto space = text.find(' ');
      if (sk && space != std::string::npos && c.kind == FieldKind::Postcode)
        keys.push_back(mix(mix(mix(14, static_cast<uint64_t>(f)), hashStr(text.substr(0, space))), hashStr(*sk)));
    }
    for (int f : exact_keys) {
      const int32_t v = cols[static_cast<std::size_t>(f)].value[r];
      if (v >= 0) keys.push_back(mix(mix(7, static_cast<uint64_t>(f)), static_cast<uint64_t>(v)));
    }
  }

  std::vector<uint64_t> candidatePairs() const {
    std::vector<std::pair<uint64_t, uint32_t>> entries;
    entries.reserve(n() * 16);
    std::vector<uint64_t> keys;
    for (uint32_t r = 0; r < n(); ++r) {
      if (retired[r]) continue;
      blockingKeys(r, keys);
      for (uint64_t k : keys) entries.emplace_back(k, r);
    }
    std::sort(entries.begin(), entries.end());
    std::vector<uint64_t> pairs;
    std::size_t i = 0;
    while (i < entries.size()) {
      std::size_t j = i;
      while (j < entries.size() && entries[j].first == entries[i].first) ++j;
      const std::size_t size = j - i;
      if (size > 1 && size <= opt.max_block)
        for (std::size_t x = i; x < j; ++x)
          for (std::size_t y = x + 1; y < j; ++y) {
            const uint32_t a = entries[x].second, b = entries[y].second;
            if (a == b) continue;
            if (opt.link_sources_only && sources[a] == sources[b]) continue;
            pairs.push_back((static_cast<uint64_t>(std::min(a, b)) << 32) | std::max(a, b));
          }
      i = j;
    }
    std::sort(pairs.begin(), pairs.end());
    pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
    return pairs;
  }

  void train(const std::vector<uint64_t>& pairs) {
    const std::size_t F = cols.size();
    model.fields = fields;
    model.levels.assign(F, {});
    for (std::size_t f = 0; f < F; ++f) {
      const auto names = levelNames(cols[f].kind);
      for (const auto& nm : names) model.levels[f].push_back({nm, 0, 0});
    }
    std::mt19937_64 rng(opt.seed);
    // u: level frequencies among random pairs (almost all non-matches).
    std::vector<std::vector<double>> ucount(F);
    for (std::size_t f = 0; f < F; ++f) ucount[f].assign(model.levels[f].size(), 1.0);  // Laplace
    int8_t lv[32];
    NameOrder order{};
    if (n() >= 2) {
      std::uniform_int_distribution<uint32_t> pick(0, static_cast<uint32_t>(n() - 1));
      std::size_t done = 0, tries = 0;
      while (done < opt.u_sample_pairs && tries < opt.u_sample_pairs * 4) {
        ++tries;
        const uint32_t a = pick(rng), b = pick(rng);
        if (a == b || (opt.link_sources_only && sources[a] == sources[b])) continue;
        levels(a, b, lv, order);
        for (std::size_t f = 0; f < F; ++f)
          if (lv[f] >= 0) ucount[f][static_cast<std::size_t>(lv[f])] += 1;
        ++done;
      }
      if (opt.progress) opt.progress("u from random pairs", 1.0);
    }
    for (std::size_t f = 0; f < F; ++f) {
      const double total = std::accumulate(ucount[f].begin(), ucount[f].end(), 0.0);
      for (std::size_t l = 0; l < ucount[f].size(); ++l) model.levels[f][l].u = ucount[f][l] / total;
    }
    // m and lambda: EM over the levels of (a sample of) the blocked pairs, u held fixed.
    std::vector<uint64_t> sample = pairs;
    if (sample.size() > opt.em_sample_pairs) {
      std::shuffle(sample.begin(), sample.end(), rng);
      sample.resize(opt.em_sample_pairs);
    }
    std::vector<int8_t> levels_of(sample.size() * F);
    for (std::size_t i = 0; i < sample.size(); ++i) {
      levels(static_cast<uint32_t>(sample[i] >> 32), static_cast<uint32_t>(sample[i] & 0xffffffffu), lv, order);
      std::copy(lv, lv + F, levels_of.begin() + static_cast<std::ptrdiff_t>(i * F));
    }
    // Two classes among the candidate pairs: matches (m) and the non-matches that blocking let
    // through (uc: they agree on names far more often than random pairs do, so the random u
    // cannot stand for them here). Both are estimated; only m is kept. Starting points: matches
    // agree, candidate non-matches agree as random pairs do.
    std::vector<std::vector<double>> m(F), uc(F);
    for (std::size_t f = 0; f < F; ++f) {
      const std::size_t L = model.levels[f].size();
      m[f].resize(L);
      uc[f].resize(L);
      for (std::size_t l = 0; l < L; ++l) {
        m[f][l] = l == 0 ? 0.8 : 0.2 / static_cast<double>(L - 1);
        uc[f][l] = model.levels[f][l].u;
      }
    }
    double lambda = 0.1;
    model.em_converged = false;
    model.em_iterations_run = 0;
    for (int it = 0; it < opt.em_iterations && !sample.empty(); ++it) {
      std::vector<std::vector<double>> mc(F), ucc(F);
      for (std::size_t f = 0; f < F; ++f) mc[f].assign(m[f].size(), 0.01), ucc[f].assign(m[f].size(), 0.01);
      double psum = 0;
      for (std::size_t i = 0; i < sample.size(); ++i) {
        const int8_t* l = &levels_of[i * F];
        double lm = std::log(lambda), lu = std::log(1 - lambda);
        for (std::size_t f = 0; f < F; ++f)
          if (l[f] >= 0) {
            lm += std::log(m[f][static_cast<std::size_t>(l[f])]);
            lu += std::log(uc[f][static_cast<std::size_t>(l[f])]);
          }
        const double p = 1.0 / (1.0 + std::exp(lu - lm));
        psum += p;
        for (std::size_t f = 0; f < F; ++f)
          if (l[f] >= 0) mc[f][static_cast<std::size_t>(l[f])] += p, ucc[f][static_cast<std::size_t>(l[f])] += 1 - p;
      }
      const double new_lambda = std::clamp(psum / static_cast<double>(sample.size()), 1e-6, 1 - 1e-6);
      double change = std::fabs(new_lambda - lambda);
      lambda = new_lambda;
      for (std::size_t f = 0; f < F; ++f) {
        const double tm = std::accumulate(mc[f].begin(), mc[f].end(), 0.0);
        const double tu = std::accumulate(ucc[f].begin(), ucc[f].end(), 0.0);
        for (std::size_t l = 0; l < m[f].size(); ++l) {
          change = std::max(change, std::fabs(mc[f][l] / tm - m[f][l]));
          m[f][l] = mc[f][l] / tm;
          uc[f][l] = ucc[f][l] / tu;
        }
      }
      model.em_iterations_run = it + 1;
      if (opt.progress) opt.progress("EM", static_cast<double>(it + 1) / opt.em_iterations);
      if (change < 1e-5) {
        model.em_converged = true;
        break;
      }
    }
    // A solution that is not persons: EM can settle on the biggest structure among the candidate
    // pairs, which in a register full of namesakes is "same surname, same birth year" (families,
    // cohorts), not duplicates. Duplicates share a full date of birth more often than only its
    // year, and share a document number more often than not when both have one; where EM says
    // otherwise, its m is not used and the priors stand in.
    model.em_implausible = false;
    for (std::size_t f = 0; f < F && !sample.empty(); ++f) {
      const auto& mf = m[f];
      if (cols[f].kind == FieldKind::Dob)  // the agreeing levels, not "different" and "over ten years apart"
        for (std::size_t l = 1; l + 2 < mf.size(); ++l)
          if (mf[l] > mf[0]) model.em_implausible = true;
      if (cols[f].kind == FieldKind::Document && mf.front() < mf.back()) model.em_implausible = true;
    }
    for (std::size_t f = 0; f < F; ++f) {
      const auto prior = priorM(cols[f].kind);
      for (std::size_t l = 0; l < m[f].size(); ++l) model.levels[f][l].m = model.em_implausible ? prior[l] : m[f][l];
      // A generation apart is not learnt: among candidate pairs it is mostly namesakes (a child
      // named after a grandparent), which EM would take for a structure of matches.
      if (cols[f].kind == FieldKind::Dob) model.levels[f].back().m = prior.back();
    }
    // The prior over all pairs: the matches EM found among the candidates, spread over every
    // pair there is (scores use u from random pairs, so they need the population prior).
    const double nn = static_cast<double>(n());
    double all_pairs = nn * (nn - 1) / 2;
    if (opt.link_sources_only) {
      double first = 0;
      for (int src : sources) first += src == sources.front() ? 1 : 0;
      all_pairs = first * (nn - first);
    }
    model.lambda = std::clamp(lambda * static_cast<double>(pairs.size()) / std::max(all_pairs, 1.0), 1e-12, 0.5);
    // EM's share of matches went with its m: without them, assume about one duplicate per
    // registration (n/2 matching pairs among all pairs).
    if (model.em_implausible) model.lambda = std::clamp(nn / 2 / std::max(all_pairs, 1.0), 1e-12, 0.5);
  }

  std::vector<Link> score(const std::vector<uint64_t>& pairs, double min_p) const {
    const int threads = std::max(1, opt.threads);
    std::vector<std::vector<Link>> parts(static_cast<std::size_t>(threads));
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        const std::size_t lo = pairs.size() * static_cast<std::size_t>(t) / static_cast<std::size_t>(threads);
        const std::size_t hi = pairs.size() * static_cast<std::size_t>(t + 1) / static_cast<std::size_t>(threads);
        for (std::size_t i = lo; i < hi; ++i) {
          const Link l = scorePair(static_cast<uint32_t>(pairs[i] >> 32), static_cast<uint32_t>(pairs[i] & 0xffffffffu));
          if (l.probability >= min_p) parts[static_cast<std::size_t>(t)].push_back(l);
        }
      });
    for (auto& th : pool) th.join();
    std::vector<Link> out;
    for (auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
  }
};

std::vector<double> priorM(FieldKind kind) {
  switch (kind) {
    // Across agencies and scripts a name agrees exactly after folding about half the time; the
    // phonetic key catches most of the rest (Məmmədov / Мамедов / Mamedov).
    case FieldKind::Given: return {0.55, 0.30, 0.05, 0.05, 0.03, 0.02};
    case FieldKind::Surname: return {0.50, 0.30, 0.10, 0.05, 0.03, 0.02};
    case FieldKind::Patronymic: return {0.85, 0.10, 0.05};
    // exact, swapped, agrees as far as known (one side partial), one digit, year-month, year, ±1,
    // different, over ten years apart
    case FieldKind::Dob: return {0.55, 0.04, 0.28, 0.03, 0.03, 0.03, 0.02, 0.019, 0.001};
    case FieldKind::Document:
    case FieldKind::Text: return {0.85, 0.10, 0.05};
    case FieldKind::Postcode: return {0.80, 0.10, 0.05, 0.05};
    default: return {0.95, 0.05};
  }
}

std::vector<double> priorU(FieldKind kind) {
  switch (kind) {
    case FieldKind::Given: return {0.02, 0.01, 0.005, 0.005, 0.05, 0.91};
    case FieldKind::Surname: return {0.03, 0.01, 0.01, 0.005, 0.05, 0.895};
    case FieldKind::Patronymic: return {0.03, 0.05, 0.92};
    case FieldKind::Dob: return {0.0002, 0.0001, 0.01, 0.0005, 0.003, 0.015, 0.03, 0.34, 0.60};
    case FieldKind::Sex: return {0.5, 0.5};
    case FieldKind::Code: return {0.6, 0.4};
    case FieldKind::Phone: return {0.0001, 0.9999};
    case FieldKind::Document: return {0.0001, 0.0005, 0.9994};
    case FieldKind::Text: return {0.05, 0.02, 0.93};
    case FieldKind::Postcode: return {0.001, 0.005, 0.01, 0.984};
  }
  return {0.5, 0.5};
}
Matcher::Matcher(std::vector<FieldSpec> fields, MatchOptions options) : impl_(new Impl) {
  impl_->fields = std::move(fields);
  impl_->opt = std::move(options);
  if (impl_->fields.size() > 32) throw std::invalid_argument("linkage: at most 32 fields");
  for (std::size_t f = 0; f < impl_->fields.size(); ++f) {
    Column c;
    c.kind = impl_->fields[f].kind;
    impl_->cols.push_back(std::move(c));
    const auto k = impl_->fields[f].kind;
    if (k == FieldKind::Given && impl_->given < 0) impl_->given = static_cast<int>(f);
    if (k == FieldKind::Surname && impl_->surname < 0) impl_->surname = static_cast<int>(f);
    if (k == FieldKind::Dob && impl_->dob < 0) impl_->dob = static_cast<int>(f);
    if (k == FieldKind::Phone || k == FieldKind::Document) impl_->exact_keys.push_back(static_cast<int>(f));
    if (k == FieldKind::Code || k == FieldKind::Postcode || k == FieldKind::Text) impl_->place_keys.push_back(static_cast<int>(f));
  }
  // A model with neutral parameters until trained or set.
  impl_->model.fields = impl_->fields;
  for (const auto& c : impl_->cols) {
    std::vector<LevelParams> lv;
    const auto names = levelNames(c.kind);
    for (std::size_t l = 0; l < names.size(); ++l)
      lv.push_back({names[l], l == 0 ? 0.9 : 0.1 / static_cast<double>(names.size() - 1), 1.0 / static_cast<double>(names.size())});
    impl_->model.levels.push_back(std::move(lv));
  }
}

Matcher::~Matcher() { delete impl_; }

uint32_t Matcher::add(const std::vector<InputRecord>& records) {
  const auto first = static_cast<uint32_t>(impl_->n());
  for (const auto& r : records) {
    if (r.values.size() != impl_->fields.size()) throw std::invalid_argument("linkage: record " + r.id + " has the wrong number of values");
    impl_->ids.push_back(r.id);
    impl_->sources.push_back(r.source);
    impl_->retired.push_back(0);
    for (std::size_t f = 0; f < impl_->cols.size(); ++f) impl_->prepareValue(impl_->cols[f], r.values[f]);
    // A search index already built grows with the records (the service adds one at a time).
    if (impl_->index_built) impl_->indexRow(static_cast<uint32_t>(impl_->n() - 1));
  }
  return first;
}

void Matcher::retire(uint32_t index) {
  auto& I = *impl_;
  if (index >= I.n() || I.retired[index]) return;
  if (I.index_built) {
    std::vector<uint64_t> keys;
    I.blockingKeys(index, keys);
    for (uint64_t k : keys) {
      auto it = I.index.find(k);
      if (it == I.index.end()) continue;
      auto& v = it->second;
      v.erase(std::remove(v.begin(), v.end(), index), v.end());
      if (v.empty()) I.index.erase(it);
    }
  }
  I.retired[index] = 1;
}

bool Matcher::retired(uint32_t index) const { return index < impl_->n() && impl_->retired[index] != 0; }

std::size_t Matcher::size() const { return impl_->n(); }
std::vector<uint64_t> Matcher::candidatePairs() const { return impl_->candidatePairs(); }
void Matcher::train(const std::vector<uint64_t>& pairs) { impl_->train(pairs); }
void Matcher::setModel(Model m) { impl_->model = std::move(m); }
const Model& Matcher::model() const { return impl_->model; }
std::vector<Link> Matcher::score(const std::vector<uint64_t>& pairs, double min_p) const { return impl_->score(pairs, min_p); }
Link Matcher::scorePair(uint32_t a, uint32_t b) const { return impl_->scorePair(a, b); }
const std::string& Matcher::id(uint32_t index) const { return impl_->ids[index]; }

std::vector<FieldExplanation> Matcher::explain(uint32_t a, uint32_t b) const {
  int8_t lv[32];
  NameOrder order{};
  impl_->levels(a, b, lv, order);
  std::vector<FieldExplanation> out;
  for (std::size_t f = 0; f < impl_->cols.size(); ++f) {
    FieldExplanation e;
    e.field = impl_->fields[f].name;
    if (lv[f] < 0) {
      e.level = "missing";
    } else {
      e.level = impl_->model.levels[f][static_cast<std::size_t>(lv[f])].name;
      if (order == NameOrder::Swapped && (static_cast<int>(f) == impl_->given || static_cast<int>(f) == impl_->surname))
        e.level += " (given name and surname swapped)";
      if (order == NameOrder::LoneSurname && static_cast<int>(f) == impl_->surname) e.level += " (the lone name in the given-name field)";
      e.weight = impl_->fieldWeight(f, lv[f], a, b);
    }
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<uint32_t> Matcher::cluster(const std::vector<Link>& links, const std::vector<std::pair<uint32_t, uint32_t>>& same,
                                       const std::vector<std::pair<uint32_t, uint32_t>>& different) const {
  const std::size_t n = impl_->n();
  std::vector<uint32_t> parent(n);
  std::iota(parent.begin(), parent.end(), 0U);
  std::vector<std::vector<uint32_t>> members(n);
  for (uint32_t i = 0; i < n; ++i) members[i] = {i};
  auto find = [&](uint32_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  auto join = [&](uint32_t a, uint32_t b) {
    if (members[a].size() < members[b].size()) std::swap(a, b);
    parent[b] = a;
    members[a].insert(members[a].end(), members[b].begin(), members[b].end());
    std::vector<uint32_t>().swap(members[b]);
  };
  std::unordered_set<uint64_t> forbidden;
  for (auto [a, b] : different) forbidden.insert((static_cast<uint64_t>(std::min(a, b)) << 32) | std::max(a, b));
  auto allowed = [&](uint32_t ra, uint32_t rb) {
    if (forbidden.empty()) return true;
    for (uint32_t x : members[ra])
      for (uint32_t y : members[rb])
        if (forbidden.count((static_cast<uint64_t>(std::min(x, y)) << 32) | std::max(x, y))) return false;
    return true;
  };
  for (auto [a, b] : same) {
    const uint32_t ra = find(a), rb = find(b);
    if (ra != rb && allowed(ra, rb)) join(ra, rb);
  }
  // Complete linkage where the registrations say enough: two groups never join when a cross
  // pair in which both records give a patronymic and a date of birth is unlikely to be one person
  // (below review_low). Two namesakes — each also registered sparsely, "name + year", by a
  // hotline — are two persons, however well the sparse records fit both. Registers without
  // patronymics (FEBRL, the historical figures) are not affected. Human "same" decisions above
  // are never vetoed. veto_full_pairs false: off.
  int patronymic = -1, dob = -1;
  for (std::size_t f = 0; f < impl_->cols.size(); ++f) {
    if (impl_->cols[f].kind == FieldKind::Patronymic && patronymic < 0) patronymic = static_cast<int>(f);
    if (impl_->cols[f].kind == FieldKind::Dob && dob < 0) dob = static_cast<int>(f);
  }
  const bool veto_on = impl_->opt.veto_full_pairs && patronymic >= 0 && dob >= 0;
  auto vetoed = [&](uint32_t ra, uint32_t rb) {
    if (!veto_on) return false;
    int8_t lv[32];
    NameOrder order{};
    std::size_t counted = 0;
    for (uint32_t x : members[ra])
      for (uint32_t y : members[rb]) {
        impl_->levels(x, y, lv, order);
        if (lv[patronymic] >= 0 && lv[dob] >= 0 && impl_->scorePair(x, y).probability < impl_->opt.review_low) return true;
        if (++counted >= 4096) return false;
      }
    return false;
  };
  // Calls visit(x, y) for the cross pairs of two groups, at most 4096 of them; returns how many.
  auto forCrossPairs = [&](uint32_t ra, uint32_t rb, const auto& visit) {
    std::size_t counted = 0;
    for (uint32_t x : members[ra])
      for (uint32_t y : members[rb]) {
        visit(x, y);
        if (++counted >= 4096) return counted;
      }
    return counted;
  };
  // The mean match probability over the cross pairs of two groups.
  auto meanCross = [&](uint32_t ra, uint32_t rb) {
    double sum = 0;
    const std::size_t counted = forCrossPairs(ra, rb, [&](uint32_t x, uint32_t y) { sum += impl_->scorePair(x, y).probability; });
    return sum / static_cast<double>(counted);
  };
  // The match probability of two groups compared as profiles: per field, the strongest evidence
  // any cross pair that has the field gives (at most 4096 pairs). A leftover registration with
  // the person's name but another person's date of birth is judged by that date once, however
  // many members share the date.
  auto profile = [&](uint32_t ra, uint32_t rb) {
    const std::size_t F = impl_->cols.size();
    double best[32];
    bool seen[32] = {};
    int8_t lv[32];
    NameOrder order{};
    forCrossPairs(ra, rb, [&](uint32_t x, uint32_t y) {
      impl_->levels(x, y, lv, order);
      for (std::size_t f = 0; f < F; ++f) {
        if (lv[f] < 0) continue;
        const double w = impl_->fieldWeight(f, lv[f], x, y);
        if (!seen[f] || w > best[f]) best[f] = w, seen[f] = true;
      }
    });
    double w = std::log2(impl_->model.lambda / (1 - impl_->model.lambda));
    for (std::size_t f = 0; f < F; ++f)
      if (seen[f]) w += best[f];
    return 1.0 / (1.0 + std::exp2(-w));
  };
  std::vector<Link> sorted = links;
  std::sort(sorted.begin(), sorted.end(), [](const Link& x, const Link& y) { return x.weight > y.weight; });
  const double need = impl_->opt.link_probability;
  for (const Link& l : sorted) {
    if (l.probability < need) break;
    const uint32_t ra = find(l.a), rb = find(l.b);
    if (ra == rb || !allowed(ra, rb)) continue;
    // Average linkage: A-B strong and B-C strong do not make A-C one person unless A and C
    // (and every other cross pair) agree on average.
    if (members[ra].size() * members[rb].size() > 1 && meanCross(ra, rb) < impl_->opt.cluster_mean) continue;
    if (vetoed(ra, rb)) continue;
    join(ra, rb);
  }
  // Attachment: a small group (a registration or two left alone, usually the worst-written
  // ones) whose links to a bigger person only reach the review band joins that person when the
  // mean over their cross pairs reaches attach_mean, the two compared as profiles reach
  // attach_profile, and no other person passes both. A small group can fill in a person but
  // never join two, which is what makes a lower bar safe here.
  const std::size_t attach_max = impl_->opt.attach_max;
  const double attach_mean = impl_->opt.attach_mean, attach_link = impl_->opt.review_low;
  if (attach_max > 0) {
    std::unordered_map<uint32_t, std::vector<uint32_t>> targets;  // small group -> bigger groups it links to
    for (const Link& l : sorted) {
      if (l.probability < attach_link) break;
      const uint32_t ra = find(l.a), rb = find(l.b);
      if (ra == rb) continue;
      const std::size_t sa = members[ra].size(), sb = members[rb].size();
      if (sa <= attach_max && sb > sa) targets[ra].push_back(rb);
      if (sb <= attach_max && sa > sb) targets[rb].push_back(ra);
    }
    std::vector<uint32_t> smalls;
    for (const auto& [small, t] : targets) smalls.push_back(small);
    std::sort(smalls.begin(), smalls.end());
    for (uint32_t small : smalls) {
      const uint32_t rs = find(small);
      double best = 0;
      int fitting = 0;  // bigger persons that pass both checks
      uint32_t into = rs;
      std::vector<uint32_t> seen;
      for (uint32_t t : targets[small]) {
        const uint32_t rt = find(t);
        if (rt == rs || std::find(seen.begin(), seen.end(), rt) != seen.end()) continue;
        seen.push_back(rt);
        if (members[rt].size() <= members[rs].size() || !allowed(rs, rt) || vetoed(rs, rt)) continue;
        const double mean = meanCross(rs, rt);
        if (mean < attach_mean || profile(rs, rt) < impl_->opt.attach_profile) continue;
        ++fitting;
        if (mean > best) best = mean, into = rt;
      }
      // Only where one person fits: a name-only signal that fits two namesakes waits for review.
      if (fitting == 1) join(rs, into);
    }
  }
  // Sparse registrations: one that gives names and nothing else to compare (no date, phone or
  // document - a hotline's "Leyla Paşayeva") left alone joins the person whose names agree with
  // it (given name and surname exactly, by key, known variant or family stem), when exactly one
  // person in the whole register does and that person is more than such registrations. Below
  // the review band on its own (a name is never enough), it is a link only because nobody else
  // could be meant; a name shared by two persons waits for review.
  if (impl_->opt.attach_sparse && impl_->given >= 0 && impl_->surname >= 0) {
    const Impl& I = *impl_;
    auto sparse = [&](uint32_t r) {
      if (I.cols[static_cast<std::size_t>(I.given)].value[r] < 0 || I.cols[static_cast<std::size_t>(I.surname)].value[r] < 0)
        return false;
      for (const Column& c : I.cols)
        if ((c.kind == FieldKind::Dob && c.dob[r] != 0) ||
            ((c.kind == FieldKind::Phone || c.kind == FieldKind::Document) && c.value[r] >= 0))
          return false;
      return true;
    };
    ensureIndex(I);
    int8_t lv[32];
    NameOrder order{};
    for (uint32_t r = 0; r < n; ++r) {
      const uint32_t rs = find(r);
      if (members[rs].size() != 1 || I.retired[r] || !sparse(r)) continue;
      std::vector<uint32_t> persons;  // the persons whose names agree
      for (const Link& l : I.candidatesOf(r, 0)) {
        I.levels(l.a, r, lv, order);
        if (lv[I.given] < 0 || lv[I.given] > 2 || lv[I.surname] < 0 || lv[I.surname] > 2) continue;
        const uint32_t rt = find(l.a);
        if (rt != rs && std::find(persons.begin(), persons.end(), rt) == persons.end()) persons.push_back(rt);
      }
      if (persons.size() != 1) continue;
      const uint32_t rt = persons.front();
      const bool more = std::any_of(members[rt].begin(), members[rt].end(), [&](uint32_t m) { return !sparse(m); });
      if (more && allowed(rs, rt) && !vetoed(rs, rt)) join(rs, rt);
    }
  }
  // Cluster numbers: the smallest record index of each cluster, so they do not depend on the
  // order links were found in.
  std::vector<uint32_t> out(n);
  for (uint32_t i = 0; i < n; ++i) out[i] = find(i);
  std::vector<uint32_t> smallest(n, UINT32_MAX);
  for (uint32_t i = 0; i < n; ++i) smallest[out[i]] = std::min(smallest[out[i]], i);
  for (uint32_t i = 0; i < n; ++i) out[i] = smallest[out[i]];
  return out;
}

void Matcher::ensureIndex(const Impl& I) {
  if (!I.index_built) {
    for (uint32_t r = 0; r < I.n(); ++r)
      if (!I.retired[r]) I.indexRow(r);
    I.index_built = true;
  }
}

namespace {
// The query as a temporary last row: compared, then removed (search is not thread-safe with add()).
struct TempRow {
  Matcher::Impl& I;
  uint32_t row;
  TempRow(Matcher::Impl& impl, const InputRecord& record) : I(impl), row(static_cast<uint32_t>(impl.n())) {
    I.ids.push_back(record.id);
    I.sources.push_back(record.source);
    I.retired.push_back(0);
    for (std::size_t f = 0; f < I.cols.size(); ++f) I.prepareValue(I.cols[f], f < record.values.size() ? record.values[f] : "");
  }
  ~TempRow() {  // its interned strings stay; they are harmless
    I.ids.pop_back();
    I.sources.pop_back();
    I.retired.pop_back();
    for (auto& c : I.cols) {
      if (c.value.back() >= 0) --c.count[static_cast<std::size_t>(c.value.back())];
      if (c.key.back() >= 0) --c.key_count[static_cast<std::size_t>(c.key.back())];
      c.value.pop_back(), c.key.pop_back(), c.stem.pop_back(), c.dob.pop_back();
    }
  }
  TempRow(const TempRow&) = delete;
  TempRow& operator=(const TempRow&) = delete;
};
}  // namespace

std::vector<Link> Matcher::Impl::candidatesOf(uint32_t q, double min_probability) const {
  std::vector<uint64_t> keys;
  blockingKeys(q, keys);
  std::vector<uint32_t> candidates;
  for (uint64_t k : keys) {
    auto it = index.find(k);
    if (it == index.end() || it->second.size() > opt.max_block) continue;
    candidates.insert(candidates.end(), it->second.begin(), it->second.end());
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  std::vector<Link> out;
  for (uint32_t c : candidates) {
    if (c == q || retired[c]) continue;
    Link l = scorePair(c, q);
    if (l.probability >= min_probability) out.push_back({c, q, l.weight, l.probability});
  }
  std::sort(out.begin(), out.end(), [](const Link& x, const Link& y) { return x.weight > y.weight; });
  return out;
}

std::vector<Link> Matcher::search(const InputRecord& record, std::size_t limit, double min_probability) const {
  ensureIndex(*impl_);
  TempRow temp(*impl_, record);
  auto out = impl_->candidatesOf(temp.row, min_probability);
  if (out.size() > limit) out.resize(limit);
  return out;
}

std::vector<Link> Matcher::candidatesOf(uint32_t index, double min_probability) const {
  ensureIndex(*impl_);
  return impl_->candidatesOf(index, min_probability);
}

std::vector<FieldExplanation> Matcher::explainQuery(uint32_t known, const InputRecord& record) const {
  TempRow temp(*impl_, record);
  return explain(known, temp.row);
}

Quality evaluate(const std::vector<uint32_t>& predicted, const std::vector<std::string>& truth) {
  Quality q;
  const std::size_t n = predicted.size();
  std::unordered_map<std::string, uint32_t> truth_ids;
  std::vector<uint32_t> t(n);
  for (std::size_t i = 0; i < n; ++i) t[i] = truth_ids.emplace(truth[i], static_cast<uint32_t>(truth_ids.size())).first->second;
  std::unordered_map<uint32_t, uint64_t> psize, tsize;
  std::unordered_map<uint64_t, uint64_t> both;
  for (std::size_t i = 0; i < n; ++i) {
    ++psize[predicted[i]];
    ++tsize[t[i]];
    ++both[(static_cast<uint64_t>(predicted[i]) << 32) | t[i]];
  }
  auto pairs = [](uint64_t k) { return k * (k - 1) / 2; };
  for (auto& [k, v] : psize) q.predicted_pairs += pairs(v);
  for (auto& [k, v] : tsize) q.true_pairs += pairs(v);
  for (auto& [k, v] : both) q.correct_pairs += pairs(v);
  q.precision = q.predicted_pairs ? static_cast<double>(q.correct_pairs) / static_cast<double>(q.predicted_pairs) : 1;
  q.recall = q.true_pairs ? static_cast<double>(q.correct_pairs) / static_cast<double>(q.true_pairs) : 1;
  q.f1 = q.precision + q.recall > 0 ? 2 * q.precision * q.recall / (q.precision + q.recall) : 0;
  double bp = 0, br = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double inter = static_cast<double>(both[(static_cast<uint64_t>(predicted[i]) << 32) | t[i]]);
    bp += inter / static_cast<double>(psize[predicted[i]]);
    br += inter / static_cast<double>(tsize[t[i]]);
  }
  q.bcubed_precision = n ? bp / static_cast<double>(n) : 1;
  q.bcubed_recall = n ? br / static_cast<double>(n) : 1;
  q.bcubed_f1 = q.bcubed_precision + q.bcubed_recall > 0
                    ? 2 * q.bcubed_precision * q.bcubed_recall / (q.bcubed_precision + q.bcubed_recall)
                    : 0;
  return q;
}

}  // namespace palermo::linkage
