// The command line's framework: each area's file (serve_cmd.cpp, admin_cmd.cpp, data_cmd.cpp,
// report_cmd.cpp, link_cmd.cpp) adds its subcommands with their options and what they run;
// main() only wires them. Shared here: loading the configuration, opening the store, loading
// the schema and rules, and the set-up the commands that write records need.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/keys.hpp"
#include "records/engine.hpp"
#include "records/schema.hpp"
#include "rules/rulebook.hpp"
#include "store/store.hpp"

namespace palermo::cli {

// -c/--config, --set key=value ..., --data-dir: every subcommand but `version` takes them.
struct CommonOptions {
  std::string config_file;
  std::vector<std::string> overrides;
  std::string data_dir;
};

class Commands {
 public:
  using Run = std::function<int(const Config&)>;
  explicit Commands(CLI::App& app) : app_(app) {}

  // A subcommand of `parent` (the application itself when null) with the common options; `run`
  // is called with the configuration when it is the one chosen. `quiet_log`: the log is set to
  // warnings on standard error before it runs (every command but `serve`, which sets its own).
  CLI::App* add(CLI::App* parent, const std::string& name, const std::string& description, Run run,
                bool quiet_log = true);
  // A group of subcommands ("user", "keys"): one of them must be chosen.
  CLI::App* group(const std::string& name, const std::string& description);
  // A subcommand that needs no configuration (`version`).
  CLI::App* addPlain(const std::string& name, const std::string& description, std::function<int()> run);

  // Parses argv and runs the chosen command; the exit code (2 for configuration errors).
  int run(int argc, char** argv);

 private:
  struct Entry {
    CLI::App* app;
    Run run;
    std::function<int()> plain;
    bool quiet_log;
  };
  CLI::App& app_;
  CommonOptions common_;
  std::vector<Entry> entries_;
};

// The areas (one file each).
void addServeCommands(Commands& c);   // serve, routes
void addAdminCommands(Commands& c);   // agency add|list, user add|list, audit verify, keys rotate|status, config, version
void addDataCommands(Commands& c);    // migrate, store copy, import, demo, schema check, openapi
void addReportCommands(Commands& c);  // report annual, stats check|figure
void addLinkCommands(Commands& c);    // link

// ---- shared by the commands

std::unique_ptr<Store> openMigrated(const Config& config);
// Loads schema/ and rules/; throws listing every mistake with file and line.
records::Schema loadSchemaOrThrow(const Config& config);
rules::RuleBook loadRulesOrThrow(const Config& config);
// Progress on standard error, with what is being done, the rate and the time left: "\r  writing
// 12000 / 40000 rows, 3100 rows/s, 9 s left".
std::function<void(int64_t, int64_t)> progressPrinter(std::string what);

// What the commands that write records need: the migrated store with its keys and audit
// hasher, the schema, the rule book and a prepared record service (in that order: members are
// constructed in declaration order).
struct RecordsSetup {
  explicit RecordsSetup(const Config& config);
  static KeyRing activatedKeys(const Config& config, Store& store);
  std::unique_ptr<Store> store;
  KeyRing keys;
  records::Schema schema;
  rules::RuleBook rule_book;
  records::RecordService service;
};

}  // namespace palermo::cli
