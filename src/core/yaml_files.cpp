#include "core/yaml_files.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace palermo::yaml {

std::optional<YAML::Node> parse(const std::string& file, const std::string& text, std::vector<FileError>& errors) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    errors.push_back({file, std::max(e.mark.line + 1, 1), "YAML syntax error: " + e.msg});
    return std::nullopt;
  }
}

namespace {

bool readWhole(const std::filesystem::path& p, std::string& out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) return false;
  out = text.str();
  return true;
}

}  // namespace

std::optional<YAML::Node> load(const std::string& file, std::vector<FileError>& errors) {
  std::string text;
  if (!readWhole(file, text)) {
    errors.push_back({file, 0, "cannot be read"});
    return std::nullopt;
  }
  return parse(file, text, errors);
}

std::map<std::string, std::string> readDir(const std::string& dir, std::vector<FileError>& errors, bool recursive,
                                           const std::string& prefix) {
  namespace fs = std::filesystem;
  std::map<std::string, std::string> files;
  std::error_code ec;
  auto take = [&](const fs::directory_entry& e) {
    const auto ext = e.path().extension();
    if (!e.is_regular_file() || (ext != ".yaml" && ext != ".yml")) return;
    const std::string name = prefix + fs::relative(e.path(), dir).generic_string();
    std::string text;
    if (readWhole(e.path(), text)) files.emplace(name, std::move(text));
    else errors.push_back({name, 0, "cannot be read"});
  };
  if (recursive)
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) take(*it);
  else
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) take(*it);
  if (ec) errors.push_back({dir, 0, "cannot be listed: " + ec.message()});
  return files;
}

int lineOf(const YAML::Node& n, int fallback) {
  if (!n.IsDefined()) return fallback;
  const auto m = n.Mark();
  return m.line >= 0 ? m.line + 1 : fallback;
}

Translated texts(const YAML::Node& n) {
  Translated t;
  if (!n) return t;
  if (n.IsScalar()) {
    t.az = n.as<std::string>();
    return t;
  }
  if (!n.IsMap()) return t;
  if (n["az"]) t.az = n["az"].as<std::string>();
  if (n["en"]) t.en = n["en"].as<std::string>();
  if (n["ru"]) t.ru = n["ru"].as<std::string>();
  return t;
}

std::string textMistake(const YAML::Node& n) {
  if (!n || n.IsScalar()) return "";
  if (!n.IsMap()) return "expected a text or {az, en, ru}";
  for (const auto& kv : n) {
    const std::string key = kv.first.IsScalar() ? kv.first.as<std::string>() : std::string("?");
    if (key != "az" && key != "en" && key != "ru")
      return "a text has az, en and ru only, not '" + key +
             "' (a comma or colon inside an unquoted text splits it: put the text in quotes)";
    if (!kv.second.IsScalar()) return "the " + key + " text must be one text (put it in quotes)";
  }
  return "";
}

std::string where(const std::string& file, const YAML::Node& n) { return file + ":" + std::to_string(lineOf(n, 1)); }

}  // namespace palermo::yaml
