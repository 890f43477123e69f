#include "core/config.hpp"

#include <regex>

#include "core/yaml_files.hpp"

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <set>
#include <stdexcept>


namespace palermo {

const std::vector<ConfigKey> kConfigKeys = {
    {"data_dir", "./data", "Directory for the SQLite database, keys and attachments."},
    {"database.url", "", "Database: sqlite:PATH (default: sqlite:<data_dir>/palermo.db), postgres://USER@HOST/DB or postgres:KEY=VALUE ... (libpq)."},
    {"server.trusted_proxies", "", "Reverse proxies (comma-separated IP addresses) whose X-Forwarded-For and X-Forwarded-Proto are believed."},
    {"database.pool_size", "8", "PostgreSQL: most connections used for reads at once (the writer has one more)."},
    {"server.host", "127.0.0.1", "Address to listen on. Non-loopback addresses need TLS."},
    {"server.port", "8080", "TCP port; 0 picks a free port (printed at start)."},
    {"server.io_threads", "0", "Threads doing network I/O; 0 means one per core."},
    {"server.worker_threads", "0", "Threads for blocking work (database, hashing); 0: automatic."},
    {"server.allow_insecure_public", "false",
     "Allow plain HTTP on a non-loopback address (only behind a TLS-terminating proxy)."},
    {"server.public_metrics", "auto",
     "Serve /metrics without signing in: true, false, or auto (only when server.host is a loopback address); otherwise an administrator's session or API token is needed."},
    {"server.public_openapi", "auto",
     "Serve /api/v1/openapi.json without signing in: true, false, or auto (only on a loopback address)."},
    {"tls.cert", "", "PEM certificate chain file; enables TLS (1.2 or newer)."},
    {"tls.key", "", "PEM private key file."},
    {"limits.header_bytes", "16384", "Largest request head (request line and headers)."},
    {"limits.body_bytes", "1048576", "Largest request body."},
    {"limits.upload_bytes", "26214400", "Largest attachment upload body (a field's max_bytes decides below it)."},
    {"limits.read_timeout_ms", "15000", "Time allowed to receive one whole request."},
    {"limits.idle_timeout_ms", "60000", "Time an idle keep-alive connection stays open."},
    {"limits.shutdown_grace_ms", "20000", "On SIGTERM, time given to in-flight requests."},
    {"limits.max_connections", "10000", "Open connections at most; more are refused."},
    {"web.root", "./web/dist", "Directory of the built web application."},
    {"schema.dir", "./schema", "Directory of the record-type and value-list YAML files."},
    {"rules.dir", "./rules", "Directory of the rule data: indicator sets (screening/) and rate tables (rates/)."},
    {"statistics.dir", "./indicators", "Directory of the statistical indicators (*.yaml) and report layouts (reports/); empty: no statistics."},
    {"log.level", "info", "trace, debug, info, warn, error."},
    {"log.file", "", "Log file (JSON lines); empty for standard error."},
    {"log.access", "true", "Write one access-log line per request (no personal data)."},
    {"security.password_cost", "interactive",
     "Argon2id cost: interactive, moderate, or min (min is for tests only)."},
    {"security.session_idle_minutes", "30", "A session ends after this much inactivity."},
    {"security.session_absolute_hours", "12", "A session ends this long after sign-in."},
    {"security.auth_cache_seconds", "2",
     "How long an instance reuses a session's or token's check without asking the database (its own sign-outs, role changes and revocations take effect at once; another instance's within this time); 0: always ask."},
    {"security.max_failed_logins", "5", "Failed sign-ins from one address against one login before that address waits (the account itself is never locked)."},
    {"security.identity_role_approval", "true",
     "Roles with identity access given by an administrator wait for a second administrator's approval (two-person rule)."},
    {"security.linkage_searches_per_hour", "300",
     "Searches for persons (intake matching) one user may make in an hour; 0: no bound."},
    {"security.lockout_minutes", "15", "How long that address waits, and the window its failures are counted in."},
    {"offline.expire_days", "14",
     "A device for field work offline that has not synced for this many days expires: the server forgets its key and it takes no new records (docs/offline.md)."},
    {"offline.lock_minutes", "10", "An unlocked device locks itself after this many minutes without input."},
    {"notifications.smtp_host", "",
     "The mail relay notifications are e-mailed through (plain SMTP, trusted by address: a local MTA or the organisation's relay); empty: no e-mail."},
    {"notifications.smtp_port", "25", "The relay's port."},
    {"notifications.mail_from", "palermo@localhost", "The sender address of notification e-mails."},
    {"notifications.base_url", "", "The address users open the application at (https://palermo.example.az), for links in e-mails; empty: no links."},
    {"notifications.deadline_check_seconds", "300",
     "How often the server looks for deadlines that have just passed or come within a day, and tells the people who are to act (0: never)."},
};

std::string envNameFor(const std::string& key) {
  std::string out = "PALERMO_";
  for (char c : key) out.push_back(c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return out;
}

std::string Config::sqlitePath() const {
  constexpr std::string_view kPrefix = "sqlite:";
  if (database_url.rfind(kPrefix, 0) == 0) return database_url.substr(kPrefix.size());
  return {};
}

namespace {

void flatten(const YAML::Node& node, const std::string& prefix, std::map<std::string, std::string>& out,
             const std::string& file) {
  if (node.IsMap()) {
    for (const auto& kv : node) {
      const std::string key = prefix.empty() ? kv.first.as<std::string>() : prefix + "." + kv.first.as<std::string>();
      flatten(kv.second, key, out, file);
    }
  } else if (node.IsScalar()) {
    out[prefix] = node.as<std::string>();
  } else if (node.IsNull()) {
    out[prefix] = "";
  } else {
    throw std::invalid_argument(file + ":" + std::to_string(node.Mark().line + 1) + ": '" + prefix +
                                "' must be a single value");
  }
}

long long toInt(const std::string& key, const std::string& v, long long lo, long long hi) {
  long long out = 0;
  const auto* end = v.data() + v.size();
  auto [p, ec] = std::from_chars(v.data(), end, out);
  if (ec != std::errc() || p != end) throw std::invalid_argument("config '" + key + "': '" + v + "' is not an integer");
  if (out < lo || out > hi)
    throw std::invalid_argument("config '" + key + "': " + v + " is outside " + std::to_string(lo) + ".." +
                                std::to_string(hi));
  return out;
}

// The directory holding the running executable ("" when it cannot be told).
std::filesystem::path executableDir() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path() : exe.parent_path();
}

// A data directory left at its default ("./schema" ...) that is not in the working directory is
// looked for beside the binary: installed (<prefix>/bin/palermo, <prefix>/share/palermo/<name>)
// or in the source tree (<source>/build/palermo, <source>/<name>), so that palermo runs from
// any directory. Returns the path and how it was found.
std::pair<std::string, std::string> locateDataDir(const std::string& value, const std::string& installed_name,
                                                  const std::string& source_name) {
  std::error_code ec;
  if (std::filesystem::is_directory(value, ec)) return {value, "working directory"};
  const auto dir = executableDir();
  if (!dir.empty()) {
    const auto installed = dir.parent_path() / "share" / "palermo" / installed_name;
    if (std::filesystem::is_directory(installed, ec)) return {installed.string(), "installed"};
    const auto source = dir.parent_path() / source_name;
    if (std::filesystem::is_directory(source, ec)) return {source.string(), "source tree"};
  }
  return {value, "missing"};
}

// A host name or address that only this machine reaches.
bool loopbackHost(const std::string& host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

bool toBool(const std::string& key, const std::string& v);

// "auto" takes `when_auto`; otherwise a boolean.
bool autoBool(const std::string& key, const std::string& v, bool when_auto) {
  return v == "auto" ? when_auto : toBool(key, v);
}

bool toBool(const std::string& key, const std::string& v) {
  if (v == "true" || v == "yes" || v == "1" || v == "on") return true;
  if (v == "false" || v == "no" || v == "0" || v == "off") return false;
  throw std::invalid_argument("config '" + key + "': '" + v + "' is not true or false");
}

}  // namespace

Config loadConfig(const std::string& file, const std::vector<std::string>& overrides) {
  std::set<std::string> known, given;  // given: set by a file, the environment or --set
  std::map<std::string, std::string> values;
  for (const auto& k : kConfigKeys) {
    known.insert(k.key);
    values[k.key] = k.default_value;
  }

  std::string path = file;
  if (path.empty()) {
    if (const char* env = std::getenv("PALERMO_CONFIG")) path = env;
  }
  if (!path.empty()) {
    if (!std::filesystem::exists(path)) throw std::invalid_argument("config file not found: " + path);
    std::vector<FileError> errors;
    const auto parsed = yaml::load(path, errors);
    if (!parsed) throw std::invalid_argument(errors.front().toString());
    const YAML::Node& root = *parsed;
    std::map<std::string, std::string> fromFile;
    if (root.IsDefined() && !root.IsNull()) flatten(root, "", fromFile, path);
    for (auto& [k, v] : fromFile) {
      if (!known.count(k)) throw std::invalid_argument(path + ": unknown configuration key '" + k + "'");
      values[k] = v;
      given.insert(k);
    }
  }
  for (const auto& k : kConfigKeys) {
    if (const char* env = std::getenv(envNameFor(k.key).c_str())) values[k.key] = env, given.insert(k.key);
  }
  for (const auto& o : overrides) {
    const auto eq = o.find('=');
    if (eq == std::string::npos) throw std::invalid_argument("--set expects key=value, got '" + o + "'");
    const std::string k = o.substr(0, eq);
    if (!known.count(k)) throw std::invalid_argument("unknown configuration key '" + k + "'");
    values[k] = o.substr(eq + 1);
    given.insert(k);
  }

  Config c;
  c.data_dir = values["data_dir"];
  c.database_url = values["database.url"];
  if (c.database_url.empty()) c.database_url = "sqlite:" + (std::filesystem::path(c.data_dir) / "palermo.db").string();
  if (c.database_url.rfind("sqlite:", 0) != 0 && c.database_url.rfind("postgres:", 0) != 0 &&
      c.database_url.rfind("postgres://", 0) != 0 && c.database_url.rfind("postgresql://", 0) != 0)
    throw std::invalid_argument(
        "config 'database.url': expected sqlite:PATH, postgres://USER@HOST/DB or postgres:KEY=VALUE ...");
  c.database_pool_size = static_cast<int>(toInt("database.pool_size", values["database.pool_size"], 1, 256));
  c.host = values["server.host"];
  for (std::size_t start = 0; start <= values["server.trusted_proxies"].size();) {
    const std::string& list = values["server.trusted_proxies"];
    auto end = list.find(',', start);
    if (end == std::string::npos) end = list.size();
    std::string ip = list.substr(start, end - start);
    ip.erase(0, ip.find_first_not_of(" \t"));
    ip.erase(ip.find_last_not_of(" \t") + 1);
    if (!ip.empty()) c.trusted_proxies.push_back(ip);
    start = end + 1;
  }
  c.port = static_cast<uint16_t>(toInt("server.port", values["server.port"], 0, 65535));
  c.io_threads = static_cast<int>(toInt("server.io_threads", values["server.io_threads"], 0, 256));
  c.worker_threads = static_cast<int>(toInt("server.worker_threads", values["server.worker_threads"], 0, 1024));
  c.allow_insecure_public = toBool("server.allow_insecure_public", values["server.allow_insecure_public"]);
  c.public_metrics = autoBool("server.public_metrics", values["server.public_metrics"], loopbackHost(c.host));
  c.public_openapi = autoBool("server.public_openapi", values["server.public_openapi"], loopbackHost(c.host));
  c.tls_cert = values["tls.cert"];
  c.tls_key = values["tls.key"];
  if (c.tls_cert.empty() != c.tls_key.empty())
    throw std::invalid_argument("config 'tls.cert' and 'tls.key' must be given together");
  c.header_limit = static_cast<std::size_t>(toInt("limits.header_bytes", values["limits.header_bytes"], 1024, 1 << 20));
  c.body_limit = static_cast<std::size_t>(toInt("limits.body_bytes", values["limits.body_bytes"], 1024, 1LL << 32));
  c.upload_limit =
      static_cast<std::size_t>(toInt("limits.upload_bytes", values["limits.upload_bytes"], 1024, 1LL << 32));
  c.read_timeout_ms = static_cast<int>(toInt("limits.read_timeout_ms", values["limits.read_timeout_ms"], 10, 3600000));
  c.idle_timeout_ms = static_cast<int>(toInt("limits.idle_timeout_ms", values["limits.idle_timeout_ms"], 10, 3600000));
  c.shutdown_grace_ms =
      static_cast<int>(toInt("limits.shutdown_grace_ms", values["limits.shutdown_grace_ms"], 0, 3600000));
  c.max_connections = static_cast<int>(toInt("limits.max_connections", values["limits.max_connections"], 1, 1000000));
  const struct {
    const char* key;
    std::string* target;
    const char *installed, *source;
  } kDataDirs[] = {{"web.root", &c.web_root, "web", "web/dist"},
                   {"schema.dir", &c.schema_dir, "schema", "schema"},
                   {"rules.dir", &c.rules_dir, "rules", "rules"},
                   {"statistics.dir", &c.statistics_dir, "indicators", "indicators"}};
  for (const auto& d : kDataDirs) {
    *d.target = values[d.key];
    if (given.count(d.key)) {
      c.found_by[d.key] = "set";
      continue;
    }
    auto [located, how] = locateDataDir(*d.target, d.installed, d.source);
    *d.target = located;
    c.found_by[d.key] = how;
  }
  c.log_level = values["log.level"];
  static const std::set<std::string> kLevels = {"trace", "debug", "info", "warn", "error"};
  if (!kLevels.count(c.log_level)) throw std::invalid_argument("config 'log.level': '" + c.log_level + "' is not one of trace, debug, info, warn, error");
  c.log_file = values["log.file"];
  c.access_log = toBool("log.access", values["log.access"]);
  c.password_cost = values["security.password_cost"];
  if (c.password_cost != "interactive" && c.password_cost != "moderate" && c.password_cost != "min")
    throw std::invalid_argument("config 'security.password_cost': must be interactive, moderate or min");
  c.session_idle_minutes =
      static_cast<int>(toInt("security.session_idle_minutes", values["security.session_idle_minutes"], 1, 24 * 60));
  c.session_absolute_hours =
      static_cast<int>(toInt("security.session_absolute_hours", values["security.session_absolute_hours"], 1, 24 * 7));
  c.auth_cache_seconds = static_cast<int>(toInt("security.auth_cache_seconds", values["security.auth_cache_seconds"], 0, 60));
  c.max_failed_logins =
      static_cast<int>(toInt("security.max_failed_logins", values["security.max_failed_logins"], 1, 1000));
  c.identity_role_approval = toBool("security.identity_role_approval", values["security.identity_role_approval"]);
  c.smtp_host = values["notifications.smtp_host"];
  c.smtp_port = static_cast<int>(toInt("notifications.smtp_port", values["notifications.smtp_port"], 1, 65535));
  c.mail_from = values["notifications.mail_from"];
  c.base_url = values["notifications.base_url"];
  while (!c.base_url.empty() && c.base_url.back() == '/') c.base_url.pop_back();
  c.deadline_check_seconds = static_cast<int>(
      toInt("notifications.deadline_check_seconds", values["notifications.deadline_check_seconds"], 0, 86400));
  c.linkage_searches_per_hour = static_cast<int>(
      toInt("security.linkage_searches_per_hour", values["security.linkage_searches_per_hour"], 0, 1000000));
  c.lockout_minutes = static_cast<int>(toInt("security.lockout_minutes", values["security.lockout_minutes"], 1, 24 * 60));
  c.offline_expire_days = static_cast<int>(toInt("offline.expire_days", values["offline.expire_days"], 1, 365));
  c.offline_lock_minutes = static_cast<int>(toInt("offline.lock_minutes", values["offline.lock_minutes"], 1, 24 * 60));
  return c;
}

std::map<std::string, std::string> describeConfig(const Config& c) {
  return {
      {"data_dir", c.data_dir},
      {"database.url", redactDatabaseUrl(c.database_url)},
      {"database.pool_size", std::to_string(c.database_pool_size)},
      {"server.host", c.host},
      {"server.trusted_proxies", [&] {
         std::string out;
         for (const auto& ip : c.trusted_proxies) out += (out.empty() ? "" : ",") + ip;
         return out;
       }()},
      {"server.port", std::to_string(c.port)},
      {"server.io_threads", std::to_string(c.io_threads)},
      {"server.worker_threads", std::to_string(c.worker_threads)},
      {"server.allow_insecure_public", c.allow_insecure_public ? "true" : "false"},
      {"server.public_metrics", c.public_metrics ? "true" : "false"},
      {"server.public_openapi", c.public_openapi ? "true" : "false"},
      {"tls.cert", c.tls_cert},
      {"tls.key", c.tls_key.empty() ? "" : "(set)"},
      {"limits.header_bytes", std::to_string(c.header_limit)},
      {"limits.body_bytes", std::to_string(c.body_limit)},
      {"limits.upload_bytes", std::to_string(c.upload_limit)},
      {"limits.read_timeout_ms", std::to_string(c.read_timeout_ms)},
      {"limits.idle_timeout_ms", std::to_string(c.idle_timeout_ms)},
      {"limits.shutdown_grace_ms", std::to_string(c.shutdown_grace_ms)},
      {"limits.max_connections", std::to_string(c.max_connections)},
      {"web.root", c.web_root},
      {"schema.dir", c.schema_dir},
      {"rules.dir", c.rules_dir},
      {"statistics.dir", c.statistics_dir},
      {"log.level", c.log_level},
      {"log.file", c.log_file},
      {"log.access", c.access_log ? "true" : "false"},
      {"security.password_cost", c.password_cost},
      {"security.session_idle_minutes", std::to_string(c.session_idle_minutes)},
      {"security.session_absolute_hours", std::to_string(c.session_absolute_hours)},
      {"security.auth_cache_seconds", std::to_string(c.auth_cache_seconds)},
      {"security.max_failed_logins", std::to_string(c.max_failed_logins)},
      {"security.lockout_minutes", std::to_string(c.lockout_minutes)},
      {"security.linkage_searches_per_hour", std::to_string(c.linkage_searches_per_hour)},
      {"security.identity_role_approval", c.identity_role_approval ? "true" : "false"},
      {"offline.expire_days", std::to_string(c.offline_expire_days)},
      {"offline.lock_minutes", std::to_string(c.offline_lock_minutes)},
      {"notifications.deadline_check_seconds", std::to_string(c.deadline_check_seconds)},
      {"notifications.smtp_host", c.smtp_host},
      {"notifications.smtp_port", std::to_string(c.smtp_port)},
      {"notifications.mail_from", c.mail_from},
      {"notifications.base_url", c.base_url},
  };
}

std::string redactDatabaseUrl(const std::string& url) {
  // user:password@ in a URI, password=… in key=value words.
  static const std::regex kUriPassword(R"((://[^:/@]*):[^@/]*@)");
  static const std::regex kWordPassword(R"((password\s*=\s*)('[^']*'|\S+))", std::regex::icase);
  std::string out = std::regex_replace(url, kUriPassword, "$1:***@");
  return std::regex_replace(out, kWordPassword, "$1***");
}


}  // namespace palermo
