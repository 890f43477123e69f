// The one JSON adapter: the rest of the code says palermo::Json, so the library can be swapped.
#pragma once

#include <nlohmann/json.hpp>

namespace palermo {
using Json = nlohmann::json;
}  // namespace palermo
