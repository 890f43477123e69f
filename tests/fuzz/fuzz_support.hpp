// What several fuzz targets share: the product schema (loaded once; it must load), and an input
// split at its first NUL byte into two files, so that the loaders' cross-file checks run too.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "records/schema.hpp"

namespace palermo::fuzz {

inline const records::Schema& productSchema() {
  static const std::unique_ptr<records::Schema> schema = [] {
    auto loaded = records::loadSchemaDir(std::string(PALERMO_SOURCE_DIR) + "/schema");
    if (!loaded.errors.empty()) __builtin_trap();  // the product schema itself must load
    return std::make_unique<records::Schema>(std::move(loaded.schema));
  }();
  return *schema;
}

// The product schema's record type names, in order: a fuzz input's byte picks one.
inline const std::vector<std::string>& productTypes() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& [name, type] : productSchema().types) out.push_back(name);
    return out;
  }();
  return names;
}

// `first` holds the input up to the first NUL; `second`, when there is a NUL, what follows it.
inline std::map<std::string, std::string> twoFiles(const std::string& text, const std::string& first,
                                                   const std::string& second) {
  std::map<std::string, std::string> files;
  const auto nul = text.find('\0');
  files[first] = text.substr(0, nul);
  if (nul != std::string::npos) files[second] = text.substr(nul + 1);
  return files;
}

}  // namespace palermo::fuzz
