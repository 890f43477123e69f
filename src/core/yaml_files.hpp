// The one way data files in YAML are read (schema/, rules/, indicators/, the configuration):
// reading a directory's files, parsing with the syntax error's file and line, the line of a
// node for the loaders' own errors, and the {az, en, ru} texts. Loaders collect FileErrors
// (core/error.hpp) rather than stopping at the first. Only loaders include this (it brings in
// yaml-cpp).
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/translated.hpp"

namespace palermo::yaml {

// Parses YAML text read from `file`; a syntax error becomes a FileError with its line.
std::optional<YAML::Node> parse(const std::string& file, const std::string& text, std::vector<FileError>& errors);

// Reads and parses a file; a file that cannot be read or parsed is a FileError.
std::optional<YAML::Node> load(const std::string& file, std::vector<FileError>& errors);

// The text of every *.yaml / *.yml file under `dir` (with `recursive`, also in subfolders),
// keyed by `prefix` + the path relative to `dir` (sorted); unreadable files are FileErrors.
std::map<std::string, std::string> readDir(const std::string& dir, std::vector<FileError>& errors,
                                           bool recursive = false, const std::string& prefix = "");

// The 1-based line of a node in its file; `fallback` when the node has none.
int lineOf(const YAML::Node& n, int fallback = 0);

// A text in three languages: a mapping {az, en, ru}, or one plain text (taken as Azerbaijani).
Translated texts(const YAML::Node& n);

// What is wrong with a text node, or "" when nothing: a mapping must hold only az, en and ru,
// each one text. An unquoted comma in a flow mapping ({az: Qadınlar, kişilər, en: …}) makes
// "kişilər" a key of its own and cuts the text short: refused with a hint to quote it.
std::string textMistake(const YAML::Node& n);

// "file:line: message" for errors thrown by loaders that stop at the first mistake.
std::string where(const std::string& file, const YAML::Node& n);

}  // namespace palermo::yaml
