// The authorisation tests' reading of a role file, independent of the engine's Actor: does the
// role grant `action` on `type` (directly or through "*", the action or "*")?
#pragma once

#include <string>

#include "records/schema.hpp"

namespace palermo::test {

inline bool roleGrants(const records::RoleDef& role, const std::string& type, const std::string& action) {
  for (const std::string& key : {type, std::string("*")}) {
    auto it = role.permissions.find(key);
    if (it == role.permissions.end()) continue;
    for (const auto& a : it->second)
      if (a == "*" || a == action) return true;
  }
  return false;
}

}  // namespace palermo::test
