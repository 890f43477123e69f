// An independent checker of a CSV file against a Frictionless Table Schema
// (https://specs.frictionlessdata.io/table-schema/), the form of the international returns'
// declared layouts (indicators/international/layouts/*.schema.json). It knows only the schema and
// the file: the header must name the fields in order, and every cell must have the field's type
// (string, integer, number) and meet its constraints (required, enum, pattern, minimum, maximum);
// a value in missingValues is an empty cell. Returns every violation as "row N, field: rule".
#pragma once

#include <algorithm>
#include <cstdlib>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "core/csv.hpp"
#include "core/json.hpp"

namespace palermo {

inline std::vector<std::string> tableSchemaViolations(const Json& schema, const std::string& csv_text) {
  std::vector<std::string> out;
  const Json& fields = schema.at("fields");
  std::vector<std::string> missing = {""};
  if (schema.contains("missingValues")) missing = schema["missingValues"].get<std::vector<std::string>>();
  std::vector<std::regex> patterns;
  for (const auto& f : fields)
    patterns.emplace_back(f.contains("constraints") && f["constraints"].contains("pattern")
                              ? f["constraints"]["pattern"].get<std::string>()
                              : std::string(".*"));
  std::istringstream in(csv_text);
  csv::Reader reader(in, ',');
  std::vector<std::string> cells;
  if (!reader.next(cells)) return {"the file is empty"};
  if (cells.size() != fields.size()) out.push_back("header: " + std::to_string(cells.size()) + " columns, the schema has " + std::to_string(fields.size()));
  for (std::size_t i = 0; i < fields.size() && i < cells.size(); ++i)
    if (cells[i] != fields[i]["name"].get<std::string>())
      out.push_back("header: column " + std::to_string(i + 1) + " is '" + cells[i] + "', the schema says '" + fields[i]["name"].get<std::string>() + "'");
  int row = 1;
  while (reader.next(cells)) {
    ++row;
    if (cells.size() != fields.size()) {
      out.push_back("row " + std::to_string(row) + ": " + std::to_string(cells.size()) + " cells");
      continue;
    }
    for (std::size_t i = 0; i < fields.size(); ++i) {
      const Json& f = fields[i];
      const std::string name = f["name"];
      const std::string type = f.value("type", "string");
      const Json c = f.value("constraints", Json::object());
      const std::string& v = cells[i];
      auto fail = [&](const std::string& rule) { out.push_back("row " + std::to_string(row) + ", " + name + " = '" + v + "': " + rule); };
      if (std::find(missing.begin(), missing.end(), v) != missing.end()) {
        if (c.value("required", false)) fail("required");
        continue;
      }
      double number = 0;
      if (type == "integer" || type == "number") {
        char* end = nullptr;
        number = std::strtod(v.c_str(), &end);
        const bool whole = std::regex_match(v, std::regex("-?[0-9]+"));
        if (end != v.c_str() + v.size() || (type == "integer" && !whole)) {
          fail("not " + std::string(type == "integer" ? "an integer" : "a number"));
          continue;
        }
        if (c.contains("minimum") && number < c["minimum"].get<double>()) fail("below the minimum");
        if (c.contains("maximum") && number > c["maximum"].get<double>()) fail("above the maximum");
      }
      if (c.contains("enum")) {
        bool found = false;
        for (const auto& e : c["enum"])
          found = found || (e.is_string() ? e.get<std::string>() == v : e.is_number() && e.get<double>() == number && type != "string");
        if (!found) fail("not one of the enum");
      }
      if (c.contains("pattern") && !std::regex_match(v, patterns[i])) fail("does not match " + c["pattern"].get<std::string>());
    }
  }
  return out;
}

}  // namespace palermo
