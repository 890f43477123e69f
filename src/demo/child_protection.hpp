// The child-protection part of the national demo (C1 raids against child labour and begging,
// C2 monitoring of children in family care): raids, the children found in them (each a person),
// the materials sent to the commissions on minors' affairs and their decisions, children in
// family care and the DOST centres' visits, for 2015-2020. The 2019 part states exactly the
// annual report's figures (reference/annual-report-2019.yaml child_protection): 430 children
// found (some of them twice: persons are counted once), 1 of them identified as a victim of
// forced labour, 180 parents sanctioned, 670 materials to the commissions, 78 children in
// family care monitored.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "demo/kit.hpp"
#include "demo/national.hpp"

namespace palermo::demo {

// The frame of the generators that append to the national dataset, each from its own random
// stream (the seed mixed with the generator's constant, so that one generator's changes do not
// move the others' records).
class Appender {
 protected:
  Appender(uint64_t seed, DemoDataset& out) : rng_(seed), out_(out) {}

  void add(const std::string& type, const std::string& key, const std::string& agency, Json data,
           Json transitions = Json::array(), Json share = Json::array()) {
    addRow(out_.rows, type, key, agency, std::move(data), std::move(transitions), std::move(share));
  }

  Rng rng_;
  DemoDataset& out_;
};

// A child victim of the victim's path found in a raid: the raid's child_found points at the
// victim's person and signal (rows the victim's path wrote), so the child is one person.
struct RaidVictim {
  int year = 0;
  int found_day = 0;        // days since 1970-01-01: the signal's day
  std::string region;       // as records write it (kRegions name)
  std::string person_key, signal_key;
};

// The figures a year's rows state.
struct ChildProtectionYear {
  int children_found = 0;       // persons
  int found_twice = 0;          // of them, found again in a later raid of the year
  int materials = 0;            // to the commissions, sent in the year
  int parents_sanctioned = 0;   // warning or fine decided in the year
  int care_children_visited = 0;
};

// Appends the agencies (police juvenile units, DOST centres, commissions) and the rows, after
// the victim's path rows (the raid victims' person and signal keys must exist already).
void appendChildProtection(uint64_t seed, const std::vector<RaidVictim>& raid_victims, DemoDataset& out);

// C3-C5 (demo/family_safety.cpp): children at risk and prevention measures, domestic violence
// incidents and protection orders, harmful-information experts and examinations, 2015-2020, in
// plausible volumes (the sources state none of their figures).
void appendFamilySafety(uint64_t seed, DemoDataset& out);

// O1, L1, L2 and periodic returns (demo/monitoring_labour.cpp): internet monitoring items, labour
// inspections and workers found, migration cases (2020) and the approved returns of the police,
// the Ministry of Labour and the State Migration Service; 2019 states the annual report's figures.
void appendMonitoringLabourMigration(uint64_t seed, DemoDataset& out);

// P1-P4 and legal acts (demo/prevention.cpp): awareness and training events, grants and awards,
// cooperation requests and agreements, legal acts, and the National Action Plan 2020-2024 with
// answer 7's child-protection measures and their 2020 progress reports.
void appendPrevention(uint64_t seed, DemoDataset& out);

// What demo/rehabilitation.cpp builds on, collected by the victim's path (without random draws,
// so that the rest of the dataset does not move).
struct CaseForPlan {
  std::string case_key;
  int year = 0;
  int decision = 0;            // days since 1970-01-01
  bool child = false;
  std::string holder;          // the shelter or NGO working the case: it draws up the plan
  std::vector<std::string> reach;  // agencies that reach the case (registering, shared with)
};
struct CrimeForParties {
  std::string key, article;
  int year = 0, registered = 0, verdict = 0;  // days; verdict 0: none yet
  bool cross_border = false;
};
struct RehabilitationInput {
  std::vector<CaseForPlan> cases;
  std::vector<CrimeForParties> crimes;
};

// Issue 31 (demo/rehabilitation.cpp): individual rehabilitation plans of identified victims of
// 2019-2020 drawn up by the shelter or NGO working the case, with measures for the agencies the
// case is shared with (some done, a 2020 service recorded against each done one, some past their
// day), and the legal entities of the forced-labour and cross-border trafficking cases with
// their sanctions.
void appendRehabilitationAndParties(uint64_t seed, const RehabilitationInput& in, DemoDataset& out);

}  // namespace palermo::demo
