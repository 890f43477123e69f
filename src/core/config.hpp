// Configuration: built-in defaults, then a YAML file, then PALERMO_* environment variables,
// then command-line flags (`--set key=value`), each overriding the one before.
// Every key is listed in kConfigKeys with its default and meaning; config/palermo.sample.yaml
// and docs/configuration.md are written from that list.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace palermo {

struct ConfigKey {
  const char* key;          // dotted YAML path, e.g. "server.port"
  const char* default_value;
  const char* help;
};

extern const std::vector<ConfigKey> kConfigKeys;

// Environment variable for a key: "server.port" -> "PALERMO_SERVER_PORT".
std::string envNameFor(const std::string& key);

struct Config {
  std::string data_dir;
  std::string database_url;  // "sqlite:/path/to/file.db", "postgres://…", "postgres:host=… dbname=…"
  int database_pool_size = 8;

  std::string host;
  std::vector<std::string> trusted_proxies;  // see http::applyTrustedProxy
  uint16_t port = 8080;
  int io_threads = 0;      // 0: one per core
  int worker_threads = 0;  // blocking work (database, password hashing); 0: automatic
  bool allow_insecure_public = false;
  // /metrics and /api/v1/openapi.json without signing in ("auto": only on a loopback address).
  bool public_metrics = true;
  bool public_openapi = true;
  std::string tls_cert;
  std::string tls_key;

  std::size_t header_limit = 16 * 1024;
  std::size_t body_limit = 1024 * 1024;
  std::size_t upload_limit = 25 * 1024 * 1024;  // POST /api/v1/attachments/... only
  int read_timeout_ms = 15000;
  int idle_timeout_ms = 60000;
  int shutdown_grace_ms = 20000;
  int max_connections = 10000;

  std::string web_root;
  std::string schema_dir;
  std::string rules_dir;
  std::string statistics_dir;
  // How each of web.root, schema.dir, rules.dir and statistics.dir was found: "set" (a config
  // file, the environment or --set), "working directory" (the default, relative to where palermo
  // runs), "installed" (<prefix>/share/palermo beside <prefix>/bin), "source tree" (the build
  // directory's parent), or "missing" (none of those: the default is kept, and names itself).
  std::map<std::string, std::string> found_by;

  std::string log_level = "info";
  std::string log_file;  // empty: standard error
  bool access_log = true;

  std::string password_cost = "interactive";  // interactive | moderate | min (tests only)
  int session_idle_minutes = 30;
  int session_absolute_hours = 12;
  int auth_cache_seconds = 2;  // a session's check reused this long by one instance (0: not cached)
  int max_failed_logins = 5;
  int lockout_minutes = 15;
  int linkage_searches_per_hour = 300;  // per user; 0: no bound
  bool identity_role_approval = true;   // the two-person rule for roles with identity access
  int deadline_check_seconds = 300;     // deadline reminders (RecordService::remindDeadlines); 0: none
  int offline_expire_days = 14;         // a device not synced this long expires (docs/offline.md)
  int offline_lock_minutes = 10;        // an unlocked device locks itself after this long idle
  std::string smtp_host;                // notification e-mail (notify/smtp.hpp); empty: none
  int smtp_port = 25;
  std::string mail_from = "palermo@localhost";
  std::string base_url;                 // links in e-mails; empty: none

  [[nodiscard]] bool tlsEnabled() const { return !tls_cert.empty() || !tls_key.empty(); }
  [[nodiscard]] std::string sqlitePath() const;
};

// Loads configuration. `file` may be empty (then PALERMO_CONFIG is consulted; a missing default
// file is fine). `overrides` are "key=value" strings from the command line. Throws
// std::invalid_argument naming the key and the rule for any bad value or unknown key.
Config loadConfig(const std::string& file, const std::vector<std::string>& overrides);

// Flattened view, for `palermo config show`.
std::map<std::string, std::string> describeConfig(const Config& c);

// The database URL with any password removed, for messages and logs.
std::string redactDatabaseUrl(const std::string& url);

}  // namespace palermo
