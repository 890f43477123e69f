// Made-up registrations of Azerbaijani persons written the way different agencies write them
// (issue 26), for the linkage benchmark and tests. Nothing here is a real person: names are
// drawn from lists of common given names and family roots, dates and numbers at random.
//
// Every spelling is derived by rule from the person's Azerbaijani Latin name, through the routes
// of ../shared/domain/names.md:
//   * Azerbaijani Latin as written (with ə ğ ı ö ü ş ç), sometimes in capitals (documents);
//   * ASCII typed without the Azerbaijani keyboard (ə as e or a, ş as sh or s, x as kh, c as j…);
//   * Russian Cyrillic (h and q as г or х / к, c as дж, ü as ю or у, ə as а or е, soft signs,
//     -ov/-yev as -ов/-ев, oğlu/qızı as оглы/кызы);
//   * that Cyrillic back in Latin by ICAO 9303 (х kh, й i, ю iu, я ia), by BGN (й y, ю yu, е ye)
//     or by older habits (й j, ю ju, х h);
// with the family name as -ov/-ova, -yev/-yeva, -li/-lı/-lu/-lü or -zadə (one family may use two
// of them), patronymics as "Əli oğlu" / "Ali ogly" / "Али оглы" / "Ali kyzy", the name in one
// field in either order (parsed as the registers' signals are, by parseFullName) or in separate
// fields (sometimes swapped), typing errors by the keyboard of the script, day and month swapped,
// a year only or an age, phones in every national format and changed over time, documents
// renewed; siblings, twins and namesakes; and registrations with a name only.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "linkage/datasets.hpp"

namespace palermo::bench {

struct AzOptions {
  std::size_t registrations = 42'000;
  uint64_t seed = 20191231;
};

// What the generator knows of a registration and no matcher sees: whether it carries a name
// and nothing else, and its person's name as born (given name and family root, whatever the
// spelling or the family form) - for the ceiling any matcher can reach (linkage_bench).
struct AzRegistrationFacts {
  bool name_only = false;
  std::string name_key;
};

// Fields: first_name, surname, patronymic, sex, dob, phone, document; truth = the person.
// Also fills `full_names` (the name as one field would hold it) and `facts` when asked.
linkage::Dataset generateAzerbaijani(const AzOptions& options, std::vector<std::string>* full_names = nullptr,
                                     std::vector<AzRegistrationFacts>* facts = nullptr);

// Writes the set as CSV (id, cluster, full_name, sex, dob, phone, document) - the one-field form
// a register export has - for `palermo link --csv`.
void writeAzerbaijaniCsv(const AzOptions& options, const std::string& path);

}  // namespace palermo::bench
