// Structured logging: one JSON object per line. Callers pass an event name and fields; they
// must never pass personal data (names, documents, contacts, free text about a person).
// Access logs carry the route *pattern*, never the raw path or query string.
#pragma once

#include <string>
#include <string_view>

#include "core/json.hpp"

namespace palermo::log {

enum class Level { trace, debug, info, warn, error };

// Sets up the process logger (stderr or a file). Safe to call again (tests).
void init(const std::string& level, const std::string& file);
void flush();
bool enabled(Level level);
void write(Level level, const std::string& event, Json fields = Json::object());

// One access-log line, formatted without building a JSON object (this runs per request).
// All string arguments must be JSON-safe already: route patterns, validated request ids,
// HTTP method tokens and IP addresses are.
void access(std::string_view request_id, std::string_view method, std::string_view route, int status, double ms,
            std::size_t bytes_in, std::size_t bytes_out, std::string_view remote_ip);

inline void info(const std::string& event, Json fields = Json::object()) { write(Level::info, event, std::move(fields)); }
inline void warn(const std::string& event, Json fields = Json::object()) { write(Level::warn, event, std::move(fields)); }
inline void error(const std::string& event, Json fields = Json::object()) { write(Level::error, event, std::move(fields)); }
inline void debug(const std::string& event, Json fields = Json::object()) { write(Level::debug, event, std::move(fields)); }

}  // namespace palermo::log
