#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "records/engine.hpp"

namespace palermo::demo {

struct DemoResult {
  std::map<std::string, int> created;  // per record type
  int skipped = 0;                     // generated records the rules refused
};

// Creates `per_type` made-up records of every record type, through the engine.
DemoResult seedDemo(records::RecordService& service, const records::Actor& actor, int per_type, uint64_t seed);

}  // namespace palermo::demo
