// Given-name variants (issue 8): one person registered as "Aleksandr" by the police, "Sasha" by
// a hotline operator and "Alexander" by an NGO. Spelling similarity and phonetic keys cannot see
// that these are one name; a table of known variants can.
//
// The table (name_variants.cpp) holds groups of given names that are forms of one name: short
// and familiar forms (William / Bill / Billy, Aleksandr / Sasha, Məhəmməd / Məmməd) and the same
// name in other languages (John / Ivan / Jean / Juan / Ian / Yahya, Yusif / Joseph / Iosif,
// Maryam / Mary / Mariya). It is general knowledge, written by hand: Azerbaijani, Russian and
// other CIS forms first (the registers' people), then English and European forms (foreigners
// and the benchmark sets). A name may belong to several groups (Harry: Henry and Harold).
//
// Lookup is by phonetic key (normalize.hpp), so every spelling of a listed form finds its groups:
// Sasha / Саша / Sascha, Məmməd / Mamed / Мамед.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace palermo::linkage {

// The groups of a folded given name (each word looked up; a title or an initial has none),
// sorted, without repeats. Empty when the name is in no group.
std::vector<uint16_t> givenNameGroups(std::string_view folded_name);

// True when the sorted group lists share a group.
bool shareGroup(const std::vector<uint16_t>& a, const std::vector<uint16_t>& b);

// Words that are titles, not names ("sir", "mrs", "dr", "1st"): a given name made only of them
// is as good as missing.
bool isTitle(std::string_view folded_word);

// A folded given name without its titles ("sir james" -> "james"); "" when nothing else is left.
std::string withoutTitles(std::string_view folded_name);

}  // namespace palermo::linkage
