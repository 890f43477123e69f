// The toolkit of the demo generators (src/demo/): a reproducible random source, days as
// numbers, made-up Azerbaijani names with the spellings real records show, and the regions.
// Every generator draws from one Rng so that a seed gives the same rows on every platform.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "records/import.hpp"

namespace palermo::demo {

// ---------------------------------------------------------------------------------------------
// Randomness: std::mt19937_64 is specified exactly by the standard; the distributions are not,
// so the ranges are drawn here.

class Rng {
 public:
  explicit Rng(uint64_t seed) : g_(seed) {}

  // Uniform in [0, n), n > 0, without modulo bias.
  uint64_t below(uint64_t n) {
    const uint64_t limit = std::numeric_limits<uint64_t>::max() - std::numeric_limits<uint64_t>::max() % n;
    uint64_t x = g_();
    while (x >= limit) x = g_();
    return x % n;
  }
  // Uniform in [lo, hi] (hi >= lo).
  int range(int lo, int hi) { return lo + static_cast<int>(below(static_cast<uint64_t>(hi - lo) + 1)); }
  bool chance(int percent) { return range(1, 100) <= percent; }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[static_cast<std::size_t>(below(v.size()))];
  }
  template <class T, std::size_t N>
  const T& pick(const std::array<T, N>& v) {
    return v[static_cast<std::size_t>(below(N))];
  }
  // Index by weight.
  std::size_t weighted(const std::vector<int>& weights) {
    int total = 0;
    for (int w : weights) total += w;
    int r = range(0, total - 1);
    for (std::size_t i = 0; i < weights.size(); ++i) {
      if (r < weights[i]) return i;
      r -= weights[i];
    }
    return weights.size() - 1;
  }
  // Fisher-Yates (std::shuffle's use of the generator is not specified either).
  template <class T>
  void shuffle(std::vector<T>& v) {
    for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[static_cast<std::size_t>(below(i))]);
  }
  // `k` distinct indexes out of [0, n), in increasing order.
  std::vector<int> sample(int n, int k) {
    std::vector<int> all(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) all[static_cast<std::size_t>(i)] = i;
    shuffle(all);
    all.resize(static_cast<std::size_t>(std::min(n, k)));
    std::sort(all.begin(), all.end());
    return all;
  }

 private:
  std::mt19937_64 g_;
};

// ---------------------------------------------------------------------------------------------
// Days: a day is a number of days since 1970-01-01 (proleptic Gregorian).

struct Ymd {
  int y = 0, m = 0, d = 0;
};

int dayOf(int y, int m, int d);
Ymd ymdOf(int z);
std::string iso(int day);
int jan1(int year);
int dayOfIso(const std::string& s);
int dec(int year, int d);
std::string at(int day, int minute_of_day);

// ---------------------------------------------------------------------------------------------
// Names: common Azerbaijani names with the spellings records show (names.md): Azerbaijani Latin,
// ASCII / English, Russian-mediated Latin and Cyrillic.

struct Spellings {
  const char* az;
  const char* ascii;
  const char* ru;   // Russian-mediated Latin
  const char* cyr;  // Cyrillic
};

struct Surname {
  Spellings s;
  bool gendered;  // -ov/-yev: the female form adds -a (-li, -zadə do not change)
};

extern const std::vector<Spellings> kFemaleNames, kMaleNames, kCentralAsianFemale,
    kCentralAsianSurnames;
extern const std::vector<Surname> kSurnames;
// Given names of people born from the 1990s on and a wider set of surnames (Azerbaijani spelling
// only): the child-protection and family-safety registers, so that thousands of made-up people
// are rarely namesakes of each other or of the victims.
extern const std::vector<Spellings> kBoys, kGirls;
extern const std::vector<Surname> kChildSurnames;

// Spelling kinds.
enum Script { kAz = 0, kAscii = 1, kRu = 2, kCyr = 3 };

const char* spell(const Spellings& s, int script);

struct PersonName {
  const Spellings* first = nullptr;
  const Spellings* father = nullptr;  // patronymic; nullptr for foreigners
  const Surname* last = nullptr;
  const Spellings* foreign_last = nullptr;  // instead of `last` for Central Asian names
  bool female = true;

  [[nodiscard]] std::string lastName(int script) const {
    if (foreign_last) return spell(*foreign_last, script);
    std::string s = spell(last->s, script);
    if (female && last->gendered) s += script == kCyr ? "а" : "a";
    return s;
  }
  [[nodiscard]] std::string firstName(int script) const { return spell(*first, script); }
  // The patronymic as the script writes it; `variant` picks among the ASCII forms.
  [[nodiscard]] std::string patronymic(int script, int variant = 0) const {
    if (!father) return {};
    std::string f = spell(*father, script);
    switch (script) {
      case kAscii: {
        static const std::array<const char*, 4> kDaughter = {" qizi", " gizi", " kizi", " gyzy"};
        static const std::array<const char*, 3> kSon = {" oglu", " oghlu", " ogli"};
        return f + (female ? kDaughter[static_cast<std::size_t>(variant) % kDaughter.size()]
                           : kSon[static_cast<std::size_t>(variant) % kSon.size()]);
      }
      case kRu:
        return f + (female ? " kyzy" : " ogly");
      case kCyr:
        return f + (female ? " кызы" : " оглы");
      default:
        return f + (female ? " qızı" : " oğlu");
    }
  }
  [[nodiscard]] std::string full(int script) const { return firstName(script) + " " + lastName(script); }
};

struct Region {
  const char* name;    // its name in Azerbaijani (addresses, places of birth)
  const char* code;    // its code in the `region` value list (records' region fields)
  const char* ngo;     // region code of the NGO that works there
  int weight;
};

extern const std::vector<Region> kRegions;
extern const std::map<std::string, std::vector<const char*>> kCities;
extern const std::vector<const char*> kStreets;

// A region drawn by the regions' weights.
const Region& pickRegion(Rng& rng);

// Agencies that more than one generator names (rows register under them, measures and
// contributions are given to them); each generator's own agencies stay in its file.
inline constexpr const char* kPolice = "İnsan alverinə qarşı mübarizə baş idarəsi (demo)";
inline constexpr const char* kAssistance = "İnsan alverinin qurbanlarına yardım mərkəzi (demo)";
inline constexpr const char* kShelter = "İnsan alverinin qurbanları üçün sığınacaq (demo)";
inline constexpr const char* kCoordinator = "Milli Koordinatorun aparatı (demo)";
inline constexpr const char* kLabourMinistry = "Əmək və Əhalinin Sosial Müdafiəsi Nazirliyi (demo)";
inline constexpr const char* kInteriorMinistry = "Daxili İşlər Nazirliyi: Baş Polis İdarəsi (demo)";
inline constexpr const char* kFamilyCommittee = "Ailə, Qadın və Uşaq Problemləri üzrə Dövlət Komitəsi (demo)";

// Appends an import row of the demo (file "demo", the next line number).
void addRow(std::vector<records::ImportRow>& rows, const std::string& type, const std::string& key,
            const std::string& agency, Json data, Json transitions = Json::array(), Json share = Json::array());

// A reference to an earlier import row by its key, and a workflow step of an import row.
// Screening answers ({code: yes|no|unknown} as JSON text) that the ILO/EC rules of
// rules/screening/ilo_ec_2009.yaml score as `result` (demo/national.cpp).
enum class Screen { Indicated, PartlyIndicated, NotIndicated, Inconclusive };
std::string screeningAnswers(Rng& rng, bool child, bool labour, Screen result);

inline Json keyRef(const std::string& key) { return Json{{"_key", key}}; }
inline Json step(const std::string& name, Json data) { return Json{{"name", name}, {"data", std::move(data)}}; }

}  // namespace palermo::demo
