#include "cli/commands.hpp"

#include <chrono>
#include <cstdio>

#include "audit/audit.hpp"
#include "core/log.hpp"
#include "keys/key_rotation.hpp"

namespace palermo::cli {

namespace {

void addCommon(CLI::App* cmd, CommonOptions& o) {
  cmd->add_option("-c,--config", o.config_file, "YAML configuration file (or PALERMO_CONFIG)");
  // One value per use (repeat --set for more), so that positional arguments after it (import
  // files) are not taken as overrides.
  cmd->add_option("--set", o.overrides, "Override a configuration key: --set server.port=9000 (repeatable)")
      ->allow_extra_args(false)
      ->take_all();
  cmd->add_option("--data-dir", o.data_dir, "Data directory (same as --set data_dir=...)");
}

Config loadFrom(const CommonOptions& o) {
  auto overrides = o.overrides;
  if (!o.data_dir.empty()) overrides.insert(overrides.begin(), "data_dir=" + o.data_dir);
  return loadConfig(o.config_file, overrides);
}

}  // namespace

CLI::App* Commands::add(CLI::App* parent, const std::string& name, const std::string& description, Run run,
                        bool quiet_log) {
  CLI::App* cmd = (parent ? parent : &app_)->add_subcommand(name, description);
  addCommon(cmd, common_);
  entries_.push_back(Entry{cmd, std::move(run), {}, quiet_log});
  return cmd;
}

CLI::App* Commands::group(const std::string& name, const std::string& description) {
  CLI::App* g = app_.add_subcommand(name, description);
  g->require_subcommand(1);
  return g;
}

CLI::App* Commands::addPlain(const std::string& name, const std::string& description, std::function<int()> run) {
  CLI::App* cmd = app_.add_subcommand(name, description);
  entries_.push_back(Entry{cmd, {}, std::move(run), true});
  return cmd;
}

int Commands::run(int argc, char** argv) {
  try {
    app_.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app_.exit(e);
  }
  try {
    for (const auto& e : entries_) {
      if (!e.app->parsed()) continue;
      if (e.plain) return e.plain();
      const Config config = loadFrom(common_);
      if (e.quiet_log) log::init("warn", "");
      return e.run(config);
    }
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "configuration error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}

std::unique_ptr<Store> openMigrated(const Config& config) {
  auto store = openStore(config.database_url, StoreOptions{config.database_pool_size});
  store->migrate();
  return store;
}

// Loads schema/; throws listing every mistake with file and line.
records::Schema loadSchemaOrThrow(const Config& config) {
  auto loaded = records::loadSchemaDir(config.schema_dir);
  if (!loaded.errors.empty()) {
    std::string msg = "the schema in " + config.schema_dir + " has " + std::to_string(loaded.errors.size()) +
                      " mistake(s):";
    for (const auto& e : loaded.errors) msg += "\n  " + e.toString();
    throw std::runtime_error(msg);
  }
  return std::move(loaded.schema);
}

// Loads rules/ (indicator sets, rate tables); throws listing every mistake.
rules::RuleBook loadRulesOrThrow(const Config& config) {
  std::vector<FileError> errors;
  auto book = rules::RuleBook::load(config.rules_dir, errors);
  if (!errors.empty()) {
    std::string msg = "the rules in " + config.rules_dir + " have " + std::to_string(errors.size()) + " mistake(s):";
    for (const auto& e : errors) msg += "\n  " + e.toString();
    throw std::runtime_error(msg);
  }
  return book;
}

RecordsSetup::RecordsSetup(const Config& config)
    : store(openMigrated(config)),
      keys(activatedKeys(config, *store)),
      schema(loadSchemaOrThrow(config)),
      rule_book(loadRulesOrThrow(config)),
      service(schema, *store, keys) {
  service.setRules(&rule_book);
  service.prepare();
}

KeyRing RecordsSetup::activatedKeys(const Config& config, Store& store) {
  auto keys = KeyRing::load(config.data_dir, true);
  keys::activateStoreKeys(store, keys);
  store.setAuditHasher(audit::makeHasher(keys.auditKey()));
  return keys;
}

std::function<void(int64_t, int64_t)> progressPrinter(std::string what) {
  const auto start = std::chrono::steady_clock::now();
  return [what = std::move(what), start](int64_t done, int64_t total) {
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double rate = secs > 0 ? static_cast<double>(done) / secs : 0;
    std::string tail;
    if (rate > 0) {
      tail = ", " + std::to_string(static_cast<long long>(rate)) + " rows/s";
      if (done < total) tail += ", " + std::to_string(static_cast<long long>((total - done) / rate + 0.5)) + " s left";
      else tail += ", " + std::to_string(static_cast<long long>(secs + 0.5)) + " s";
    }
    std::fprintf(stderr, "\r  %s %lld / %lld rows%s   ", what.c_str(), static_cast<long long>(done),
                 static_cast<long long>(total), tail.c_str());
    if (done == total) std::fprintf(stderr, "\n");
  };
}


// `routes`: print the route table (one JSON object per line: method, pattern) instead of
// serving; the same setup as serving, so the table is the one the server answers with.

}  // namespace palermo::cli
