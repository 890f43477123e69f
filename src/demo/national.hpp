// The national demo dataset: a made-up picture of the mechanism for 2015-2020 whose 2019 part
// states exactly the figures of the National Coordinator's annual report for 2019
// (/work/shared/reference/annual-report-2019.yaml): victims identified by sex, age,
// citizenship and country of exploitation, shelter placements and services, reintegration,
// one-time subsidies, victims' children, forced labour, criminal cases, accused, criminal
// groups, wanted persons and hotline 152 appeals. Across 2015-2020, 48 identified victims had
// suffered domestic violence and 46 had married early (questionnaire-2021.yaml). Child protection
// (C1-C5) follows the victim's path: demo/child_protection.hpp.
//
// Every person in it is invented (random combinations of common Azerbaijani names); about one
// identified victim in ten is registered twice, by an NGO or a hotline and by the police, with
// the spelling variants real records show (ASCII / Russian-mediated / Cyrillic spellings,
// partial or day-month-swapped dates of birth), for the record-linkage work.
//
// The rows go through the real engine (`importRows`) as the system user, so each one is valid
// as given; fields the engine's rules fill (screening results, a case's person_birth, the
// one-time subsidy amount) and computed fields are never given. Dates that place a record in a
// year (decision_date, admitted_on, given_on, achieved_on, registered_on, charged_on, ...) of
// one year's cohort all fall in that year, and date-times are between 04:00Z and 18:00Z, so
// the UTC day is the Baku day.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "records/import.hpp"

namespace palermo::demo {

struct DemoAgency {
  std::string name, type, region;
};

struct DemoDataset {
  std::vector<DemoAgency> agencies;  // created first, by name
  std::vector<records::ImportRow> rows;       // in dependency order: a row's {"_key": ...} references point to earlier rows
};

// A made-up national dataset for 2015-2020, deterministic for a seed (the same seed gives the
// same rows, on every platform: the generator draws from std::mt19937_64 without the
// implementation-defined standard distributions).
DemoDataset nationalDemo(uint64_t seed);

}  // namespace palermo::demo
