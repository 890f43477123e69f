// The web application's files, served from a table made at start (see static_files.cpp).
#pragma once

#include <filesystem>
#include <string>
#include <unordered_map>

namespace palermo::api {

// URL path ("/assets/index-3f2a.js") -> canonical file, for every regular file under `root`
// that stays under it (symlinks out of the root and hidden files are left out).
std::unordered_map<std::string, std::filesystem::path> webManifest(const std::filesystem::path& root);

// True for a decoded request path that the web application's own links never produce: empty,
// '.' or '..' segments, '//', a backslash, a control character or NUL.
bool hostileWebPath(const std::string& path);

}  // namespace palermo::api
