// palermo: the server and its administration commands. `palermo --help` lists them.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <set>
#include <thread>

#include "admin/admin_service.hpp"
#include "api/app.hpp"
#include "audit/audit.hpp"
#include "core/keys.hpp"
#include "records/import.hpp"
#include "records/key_rotation.hpp"
#include "records/demo.hpp"
#include "stats/service.hpp"
#include "linkage/datasets.hpp"
#include "linkage/linkage_service.hpp"
#include "linkage/person_links.hpp"
#include "records/demo_national.hpp"
#include "records/engine.hpp"
#include "records/openapi.hpp"
#include "records/schema.hpp"
#include "rules/rulebook.hpp"
#include "auth/auth_service.hpp"
#include "auth/password.hpp"
#include "core/config.hpp"
#include "core/log.hpp"
#include "core/random.hpp"
#include "http/server.hpp"
#include "store/store.hpp"

namespace {

using namespace palermo;

struct CommonOptions {
  std::string config_file;
  std::vector<std::string> overrides;
  std::string data_dir;
};

void addCommon(CLI::App* cmd, CommonOptions& o) {
  cmd->add_option("-c,--config", o.config_file, "YAML configuration file (or PALERMO_CONFIG)");
  cmd->add_option("--set", o.overrides, "Override a configuration key: --set server.port=9000")->take_all();
  cmd->add_option("--data-dir", o.data_dir, "Data directory (same as --set data_dir=...)");
}

Config loadFrom(const CommonOptions& o) {
  auto overrides = o.overrides;
  if (!o.data_dir.empty()) overrides.insert(overrides.begin(), "data_dir=" + o.data_dir);
  return loadConfig(o.config_file, overrides);
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
  std::vector<rules::LoadError> errors;
  auto book = rules::RuleBook::load(config.rules_dir, errors);
  if (!errors.empty()) {
    std::string msg = "the rules in " + config.rules_dir + " have " + std::to_string(errors.size()) + " mistake(s):";
    for (const auto& e : errors) msg += "\n  " + e.file + ": " + e.message;
    throw std::runtime_error(msg);
  }
  return book;
}

// What the commands that write records need: the migrated store with its keys and audit
// hasher, the schema, the rule book and a prepared record service (in that order: members are
// constructed in declaration order).
struct RecordsSetup {
  explicit RecordsSetup(const Config& config)
      : store(openMigrated(config)),
        keys(activatedKeys(config, *store)),
        schema(loadSchemaOrThrow(config)),
        rule_book(loadRulesOrThrow(config)),
        service(schema, *store, keys) {
    service.setRules(&rule_book);
    service.prepare();
  }
  static KeyRing activatedKeys(const Config& config, Store& store) {
    auto keys = KeyRing::load(config.data_dir, true);
    records::activateStoreKeys(store, keys);
    store.setAuditHasher(audit::makeHasher(keys.auditKey()));
    return keys;
  }
  std::unique_ptr<Store> store;
  KeyRing keys;
  records::Schema schema;
  rules::RuleBook rule_book;
  records::RecordService service;
};

void printProgress(int64_t done, int64_t total) {
  std::fprintf(stderr, "\r  %lld / %lld rows", static_cast<long long>(done), static_cast<long long>(total));
  if (done == total) std::fprintf(stderr, "\n");
}

// `routes`: print the route table (one JSON object per line: method, pattern) instead of
// serving; the same setup as serving, so the table is the one the server answers with.
int runServe(const Config& config, bool print_routes = false) {
  log::init(config.log_level, config.log_file);
  auto store = openMigrated(config);
  store->deleteExpiredSessions(auth::systemClock(), auth::systemClock() - int64_t{config.session_idle_minutes} * 60);
  store->deleteExpiredThrottles(auth::systemClock() - 24 * 3600);
  http::Metrics metrics;
  metrics.addSource([&store](std::string& out) {
    const auto s = store->stats();
    out += "# HELP palermo_db_seconds_total Time spent executing database statements.\n";
    out += "# TYPE palermo_db_seconds_total counter\n";
    out += fmt::format("palermo_db_seconds_total{{backend=\"{}\"}} {}\n", store->backendName(), s.query_seconds);
    out += "# HELP palermo_db_statements_total Database statements executed.\n";
    out += "# TYPE palermo_db_statements_total counter\n";
    out += fmt::format("palermo_db_statements_total {}\n", s.statements);
    out += "# HELP palermo_db_commits_total Durable commits (one group commit counts once).\n";
    out += "# TYPE palermo_db_commits_total counter\n";
    out += fmt::format("palermo_db_commits_total {}\n", s.commits);
    out += "# HELP palermo_db_committed_writes_total Writes made durable.\n";
    out += "# TYPE palermo_db_committed_writes_total counter\n";
    out += fmt::format("palermo_db_committed_writes_total {}\n", s.committed_writes);
  });
  auth::AuthService auth(*store, config);
  auto keys = KeyRing::load(config.data_dir, true);
  records::activateStoreKeys(*store, keys);
  store->setAuditHasher(audit::makeHasher(keys.auditKey()));
  const records::Schema schema = loadSchemaOrThrow(config);
  const rules::RuleBook rule_book = loadRulesOrThrow(config);
  records::RecordService records(schema, *store, keys);
  records.setRules(&rule_book);
  auth.setSecondFactor(keys, [&schema](const UserRow& u) {
    for (const auto& name : u.roles)
      if (auto it = schema.roles.find(name); it != schema.roles.end() && it->second.needsSecondFactor()) return true;
    return false;
  });
  records.prepare();
  // statistics.dir empty: no statistics (a schema the indicators were not written for).
  std::unique_ptr<stats::StatsService> statistics;
  if (!config.statistics_dir.empty())
    statistics = std::make_unique<stats::StatsService>(schema, *store, config.statistics_dir);
  // Persons counted once (S4): when the schema has persons.
  std::unique_ptr<linkage::PersonLinks> links;
  if (schema.type("person")) {
    links = std::make_unique<linkage::PersonLinks>(schema, *store, keys);
    if (statistics) statistics->setPersonLinks(links.get());
  }
  // The links are loaded (and a store without links linked) in the background, so that the
  // server answers at once and the first intake search does not wait for it.
  std::jthread links_warmup;  // joined however runServe ends
  if (links)
    links_warmup = std::jthread([&links] {
      try {
        const auto t = std::chrono::steady_clock::now();
        links->ensureCurrent();
        log::info("linkage.loaded", {{"ms", std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count()}});
      } catch (const std::exception& e) {
        log::error("linkage.load_failed", {{"error", e.what()}});
      }
    });
  admin::AdminService administration(*store, &schema, auth.cost());
  std::unique_ptr<linkage::LinkageService> linkage_service;
  if (links) linkage_service = std::make_unique<linkage::LinkageService>(*links, *store);
  http::Router router;
  api::AppContext ctx{config, metrics, auth, administration, &records, statistics.get(), linkage_service.get(),
                      &rule_book};
  api::registerRoutes(router, ctx);
  if (print_routes) {
    for (const auto& [method, pattern] : router.routes())
      std::printf("%s\n", Json{{"method", method}, {"pattern", pattern}}.dump().c_str());
    return 0;
  }

  http::Server server(config, router, metrics);
  server.bind();
  const std::string scheme = config.tlsEnabled() ? "https" : "http";
  log::info("server.listening", {{"host", config.host}, {"port", server.port()}, {"tls", config.tlsEnabled()},
                                 {"database", store->backendName()}, {"version", PALERMO_VERSION}});
  std::printf("palermo listening on %s://%s:%u\n", scheme.c_str(), config.host.c_str(), server.port());
  std::fflush(stdout);
  server.run();
  if (links_warmup.joinable()) links_warmup.join();
  store->close();
  log::info("store.closed");
  log::flush();
  return 0;
}

int runUserAdd(const Config& config, const std::string& login, const std::string& display, const std::vector<std::string>& roles,
               bool if_no_users) {
  auto store = openMigrated(config);
  if (if_no_users && store->countUsers() > 0) {
    std::printf("Users exist already; no administrator created.\n");
    return 0;
  }
  // Through the administration service, as the API does it: checked and audited (by the system),
  // so the audit chain's key is needed.
  const KeyRing keys = RecordsSetup::activatedKeys(config, *store);
  admin::AdminService administration(*store, nullptr, auth::hashCostFrom(config.password_cost));
  try {
    const auto created = administration.createUser(0, admin::UserRequest{login, display, roles, 0});
    std::printf("Created user '%s' (id %lld).\n", created.user.login.c_str(), static_cast<long long>(created.user.id));
    std::printf("One-time password: %s\n", created.one_time_password.c_str());
    std::printf("It must be changed at first sign-in.\n");
  } catch (const Problem& p) {
    std::string why = p.detail();
    for (const auto& e : p.errors()) why += " " + e.field + ": " + e.message + ".";
    std::fprintf(stderr, "error: %s\n", why.c_str());
    store->close();
    return 1;
  }
  store->close();
  return 0;
}

// `palermo link --store`: the stored registers linked again in one batch; record -> person stored
// (and written to --out when given: ids only, never identity).
int runLinkStore(const Config& config, const std::string& out_path, double threshold, int threads, bool write_out) {
  RecordsSetup setup(config);
  if (!setup.schema.type("person")) throw std::runtime_error("link --store: the schema has no person register");
  linkage::PersonLinks::Options opt;
  opt.link_probability = threshold;
  opt.threads = threads;
  linkage::PersonLinks links(setup.schema, *setup.store, setup.keys, opt);
  const auto sum = links.relinkAll([](const std::string& stage, double f) {
    std::fprintf(stderr, "\rlink: %-20s %3.0f%%", stage.c_str(), f * 100);
    std::fflush(stderr);
  });
  std::fprintf(stderr, "\n");
  std::printf("%zu registrations, %zu persons (%zu registered more than once)\n", sum.registrations, sum.persons,
              sum.multi_registration_persons);
  std::printf("linked by reference %zu, by the model %zu, by a decision %zu; %zu pairs for review; %zu changed person; %.2f s\n",
              sum.linked_by_reference, sum.linked_by_model, sum.linked_by_decision, sum.review_pairs, sum.changed,
              sum.seconds);
  setup.store->appendAudit(AuditDraft{0, "linkage.relink", "person", 0,
                                      {{"registrations", sum.registrations}, {"persons", sum.persons}, {"changed", sum.changed}}},
                           std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  if (write_out) {
    std::ofstream f(out_path);
    f << "record_id,person_id\n";
    for (const auto& row : setup.store->personLinks()) f << row.record_id << ',' << row.person_id << '\n';
    if (!f) throw std::runtime_error("cannot write " + out_path);
    std::printf("record -> person written to %s\n", out_path.c_str());
  }
  setup.store->close();
  return 0;
}

// `palermo link --csv FILE [--csv FILE2]`: normalise, block, train (u from random pairs, m by
// EM), score, cluster; writes record -> person and the pairs for review, with progress.
int runLink(const std::vector<std::string>& files, const std::string& out_path, const std::string& review_path,
            double threshold, int threads) {
  using namespace palermo::linkage;
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  auto secs = [&] { return std::chrono::duration<double>(Clock::now() - t0).count(); };
  Dataset d = readCsv(files[0], 0);
  if (files.size() == 2) append(d, readCsv(files[1], 1));
  std::fprintf(stderr, "link: %zu registrations read (%.1f s); fields:", d.records.size(), secs());
  for (const auto& f : d.fields) std::fprintf(stderr, " %s", f.name.c_str());
  std::fprintf(stderr, "\n");
  if (!d.columns_ignored.empty()) {
    std::fprintf(stderr, "link: columns not used:");
    for (const auto& c : d.columns_ignored) std::fprintf(stderr, " %s", c.c_str());
    std::fprintf(stderr, "\n");
  }
  MatchOptions o;
  o.link_probability = threshold;
  o.threads = threads;
  o.link_sources_only = files.size() == 2;
  o.progress = [](const std::string& stage, double f) {
    std::fprintf(stderr, "\rlink: %s %3.0f%%", stage.c_str(), f * 100);
    if (f >= 1) std::fprintf(stderr, "\n");
  };
  Matcher m(d.fields, o);
  m.add(d.records);
  std::fprintf(stderr, "link: normalised (%.1f s)\n", secs());
  const auto pairs = m.candidatePairs();
  std::fprintf(stderr, "link: %zu candidate pairs from blocking (%.1f s)\n", pairs.size(), secs());
  m.train(pairs);
  std::fprintf(stderr, "\nlink: model trained, EM %d iterations%s (%.1f s)\n", m.model().em_iterations_run,
               m.model().em_converged ? ", converged" : "", secs());
  const auto links = m.score(pairs, o.review_low);
  const auto clusters = m.cluster(links);
  std::fprintf(stderr, "link: scored and clustered (%.1f s)\n", secs());
  std::ofstream out(out_path);
  out << "record_id,person_id\r\n";
  std::size_t persons = 0;
  for (uint32_t i = 0; i < clusters.size(); ++i) {
    if (clusters[i] == i) ++persons;
    out << d.records[i].id << "," << d.records[clusters[i]].id << "\r\n";
  }
  std::ofstream review(review_path);
  review << "record_a,record_b,probability,explanation\r\n";
  std::size_t uncertain = 0;
  for (const auto& l : links) {
    if (l.probability >= threshold) continue;
    ++uncertain;
    std::string why;
    for (const auto& e : m.explain(l.a, l.b))
      why += (why.empty() ? "" : "; ") + e.field + ": " + e.level + (e.weight != 0 ? fmt::format(" ({:+.1f})", e.weight) : "");
    review << d.records[l.a].id << "," << d.records[l.b].id << "," << fmt::format("{:.3f}", l.probability) << ",\"" << why << "\"\r\n";
  }
  std::printf("%zu registrations -> %zu persons; %zu pairs for review in %s; record -> person in %s (%.1f s)\n", d.records.size(),
              persons, uncertain, review_path.c_str(), out_path.c_str(), secs());
  bool have_truth = false;
  for (const auto& t : d.truth) have_truth = have_truth || !t.empty();
  if (have_truth) {
    const Quality q = evaluate(clusters, d.truth);
    std::printf("against the truth column: pairwise precision %.4f recall %.4f F1 %.4f; B-cubed F1 %.4f\n", q.precision, q.recall,
                q.f1, q.bcubed_f1);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  palermo::sodiumInit();
  CLI::App app{"Palermo: national information system against trafficking in human beings"};
  app.require_subcommand(1);
  app.set_version_flag("--version", PALERMO_VERSION);

  CommonOptions common;

  auto* serve = app.add_subcommand("serve", "Run the HTTP server (API and web application)");
  addCommon(serve, common);

  auto* routes = app.add_subcommand("routes", "Print the HTTP routes the server answers (JSON lines: method, pattern)");
  addCommon(routes, common);

  auto* migrate = app.add_subcommand("migrate", "Apply pending database migrations and list them");
  addCommon(migrate, common);

  auto* user = app.add_subcommand("user", "Manage user accounts");
  user->require_subcommand(1);
  auto* user_add = user->add_subcommand("add", "Create a user with a one-time password (printed once)");
  addCommon(user_add, common);
  std::string login;
  std::string display;
  std::vector<std::string> roles;
  bool if_no_users = false;
  user_add->add_option("--login", login, "Login name")->required();
  user_add->add_option("--display-name", display, "Name shown in the application");
  user_add->add_option("--role", roles, "Role (repeatable), e.g. admin");
  user_add->add_flag("--if-no-users", if_no_users, "Do nothing when any user exists (first administrator)");
  auto* user_list = user->add_subcommand("list", "List user accounts");
  addCommon(user_list, common);

  auto* audit_cmd = app.add_subcommand("audit", "The tamper-evident audit log");
  audit_cmd->require_subcommand(1);
  auto* audit_verify = audit_cmd->add_subcommand("verify", "Prove the hash chain; name the first bad entry");
  addCommon(audit_verify, common);

  auto* keys_cmd = app.add_subcommand("keys", "Master keys (identity encryption, blind index, audit MAC)");
  keys_cmd->require_subcommand(1);
  auto* keys_rotate = keys_cmd->add_subcommand(
      "rotate", "Add a new master key version and re-encrypt everything under it (stop the servers first)");
  addCommon(keys_rotate, common);
  auto* keys_status = keys_cmd->add_subcommand("status", "Show the key versions held and the one in use");
  addCommon(keys_status, common);

  auto* import_cmd = app.add_subcommand(
      "import", "Import records from CSV or JSON lines through the engine, all or nothing (errors name row, field, rule)");
  addCommon(import_cmd, common);
  std::vector<std::string> import_files;
  std::string import_type;
  bool import_dry_run = false;
  import_cmd->add_option("files", import_files, "CSV (.csv) or JSON lines (.jsonl, .ndjson) files, imported in order")
      ->required();
  import_cmd->add_option("--type", import_type, "Record type of rows that do not say (_type); required for CSV");
  import_cmd->add_flag("--dry-run", import_dry_run, "Check every row, then write nothing");

  auto* schema_cmd = app.add_subcommand("schema", "Record types and value lists");
  schema_cmd->require_subcommand(1);
  auto* schema_check = schema_cmd->add_subcommand("check", "Check the schema files; list every mistake");
  addCommon(schema_check, common);

  auto* demo_cmd = app.add_subcommand("demo", "Fill an empty database with made-up demonstration records");
  addCommon(demo_cmd, common);
  int demo_count = 40;
  bool demo_generic = false;
  uint64_t demo_seed = 2019;
  demo_cmd->add_flag("--generic", demo_generic,
                     "Instead of the national dataset, random records of every type (for any schema, e.g. tests)");
  demo_cmd->add_option("--per-type", demo_count, "With --generic: records per record type")
      ->check(CLI::Range(1, 100000));
  demo_cmd->add_option("--seed", demo_seed, "Seed of the national dataset (the same seed gives the same data)");

  auto* openapi_cmd = app.add_subcommand("openapi", "Print the OpenAPI 3.1 document generated from the schema");
  addCommon(openapi_cmd, common);

  auto* version = app.add_subcommand("version", "Print the version");
  auto* store_cmd = app.add_subcommand("store", "The database");
  store_cmd->require_subcommand(1);
  auto* store_copy = store_cmd->add_subcommand(
      "copy", "Copy everything (audit chain included) into an empty database, e.g. from SQLite to PostgreSQL");
  std::string copy_from, copy_to;
  store_copy->add_option("--from", copy_from, "Source database URL (default: database.url)");
  store_copy->add_option("--to", copy_to, "Target database URL (empty; migrated first)")->required();
  addCommon(store_copy, common);
  auto* report_cmd = app.add_subcommand("report", "Reports computed from the records");
  report_cmd->require_subcommand(1);
  auto* report_annual = report_cmd->add_subcommand("annual", "The National Coordinator's annual report for a year");
  addCommon(report_annual, common);
  int report_year = 0;
  std::string report_lang = "az", report_format = "pdf", report_output;
  bool report_restricted = false;
  report_annual->add_option("--year", report_year, "The year, e.g. 2019")->required();
  report_annual->add_option("--lang", report_lang, "az, en or ru")->check(CLI::IsMember({"az", "en", "ru"}));
  report_annual->add_option("--format", report_format, "pdf, odt, xlsx, csv or json")
      ->check(CLI::IsMember({"pdf", "odt", "xlsx", "csv", "json"}));
  report_annual->add_option("--output,-o", report_output, "File to write (default: palermo-annual-report-YEAR-LANG.FORMAT)");
  report_annual->add_flag("--restricted", report_restricted,
                          "Exact values (for authorised use); the default is the public edition with disclosure control");

  auto* stats_cmd = app.add_subcommand("stats", "Statistical indicators");
  stats_cmd->require_subcommand(1);
  auto* stats_check = stats_cmd->add_subcommand("check", "Check indicators/ against the schema; list every mistake");
  addCommon(stats_check, common);
  auto* stats_figure = stats_cmd->add_subcommand("figure", "Evaluate one indicator for a period (exact values)");
  addCommon(stats_figure, common);
  std::string figure_id, figure_period, figure_lang = "en";
  stats_figure->add_option("indicator", figure_id, "Indicator id, e.g. victims_identified")->required();
  stats_figure->add_option("--period", figure_period, "2019, 2019-Q2, 2015..2020 or 2019-03-01..2019-06-30")->required();
  stats_figure->add_option("--lang", figure_lang, "az, en or ru");

  auto* link_cmd = app.add_subcommand(
      "link", "Link registrations to persons (counting persons once): over the stored registers (--store) or CSV files");
  addCommon(link_cmd, common);
  std::vector<std::string> link_csv;
  bool link_store = false;
  link_cmd->add_flag("--store", link_store,
                     "Link the stored registers again (persons and signals; identity opened in this process only) and "
                     "store record -> person");
  std::string link_out = "links.csv", link_review = "review.csv";
  double link_threshold = 0.9;
  int link_threads = 2;
  link_cmd->add_option("--csv", link_csv, "CSV file(s): one to deduplicate, two to link with each other")->expected(1, 2);
  link_cmd->add_option("--out", link_out, "Where to write record_id,person_id");
  link_cmd->add_option("--review", link_review, "Where to write the uncertain pairs for human review");
  link_cmd->add_option("--threshold", link_threshold, "Match probability from which a pair is a link")->check(CLI::Range(0.5, 0.9999));
  link_cmd->add_option("--threads", link_threads, "Threads for scoring")->check(CLI::Range(1, 64));

  auto* config_cmd = app.add_subcommand("config", "Show the effective configuration");
  addCommon(config_cmd, common);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  try {
    if (*version) {
      std::printf("palermo %s\n", PALERMO_VERSION);
      return 0;
    }
    const Config config = loadFrom(common);
    if (!*serve) log::init("warn", "");
    if (*serve) return runServe(config);
    if (*routes) return runServe(config, true);
    if (*migrate) {
      log::init("info", "");
      auto store = openStore(config.database_url, StoreOptions{config.database_pool_size});
      const int applied = store->migrate();
      for (const auto& m : store->migrations())
        std::printf("%4d  %-40s %s\n", m.version, m.name.c_str(), m.applied_at ? "applied" : "pending");
      std::printf("%d migration(s) applied now.\n", applied);
      store->close();
      return 0;
    }
    if (*link_cmd && link_store) return runLinkStore(config, link_out, link_threshold, link_threads, link_cmd->count("--out") > 0);
    if (*link_cmd) {
      if (link_csv.empty()) throw std::invalid_argument("link: give --store or --csv FILE [--csv FILE2]");
      return runLink(link_csv, link_out, link_review, link_threshold, link_threads);
    }
    if (*report_annual || *stats_figure) {
      RecordsSetup setup(config);
      stats::StatsService statistics(setup.schema, *setup.store, config.statistics_dir);
      std::unique_ptr<linkage::PersonLinks> links;
      if (setup.schema.type("person")) {
        links = std::make_unique<linkage::PersonLinks>(setup.schema, *setup.store, setup.keys);
        statistics.setPersonLinks(links.get());
      }
      const auto actor = records::Actor::systemActor();
      if (*stats_figure) {
        std::printf("%s\n", statistics.figure(actor, figure_id, figure_period, figure_lang, true).dump(2).c_str());
        setup.store->close();
        return 0;
      }
      const auto t0 = std::chrono::steady_clock::now();
      auto file = statistics.annualReportFile(actor, report_year, report_lang, report_format, report_restricted);
      const std::string out = report_output.empty() ? file.file_name : report_output;
      std::ofstream f(out, std::ios::binary);
      f << file.bytes;
      f.close();
      if (!f) throw std::runtime_error("cannot write " + out);
      std::fprintf(stderr, "%s: %zu bytes (%s edition; figures computed in %.0f ms, %.0f ms in all with loading)\n",
                   out.c_str(), file.bytes.size(), report_restricted ? "restricted" : "public", file.compute_ms,
                   std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      setup.store->close();
      return 0;
    }
    if (*stats_check) {
      const records::Schema schema = loadSchemaOrThrow(config);
      auto loaded = stats::loadCatalogue(config.statistics_dir, schema);
      for (const auto& e : loaded.errors) std::printf("%s\n", e.toString().c_str());
      if (!loaded.errors.empty()) return 1;
      stats::loadReportLayout(config.statistics_dir + "/reports/annual.yaml", loaded.catalogue);
      std::printf("%zu indicators, %zu dimensions: no mistakes\n", loaded.catalogue.indicators.size(),
                  loaded.catalogue.dimensions.size());
      return 0;
    }
    if (*user_add) return runUserAdd(config, login, display.empty() ? login : display, roles, if_no_users);
    if (*user_list) {
      auto store = openMigrated(config);
      for (const auto& u : store->listUsers()) {
        std::string r;
        for (const auto& x : u.roles) r += (r.empty() ? "" : ",") + x;
        std::printf("%6lld  %-24s %-30s %s%s\n", static_cast<long long>(u.id), u.login.c_str(), u.display_name.c_str(),
                    r.c_str(), u.active ? "" : " (inactive)");
      }
      store->close();
      return 0;
    }
    if (*audit_verify) {
      auto store = openMigrated(config);
      auto keys = KeyRing::load(config.data_dir, false);
      const auto report = audit::verify(*store, keys);
      store->close();
      if (report.ok) {
        std::printf("audit chain intact: %lld entries\n", static_cast<long long>(report.entries));
        return 0;
      }
      std::printf("AUDIT CHAIN BROKEN at entry %lld (%s): %s\n", static_cast<long long>(report.first_bad_seq),
                  report.problem.c_str(), report.message.c_str());
      return 3;
    }
    if (*store_copy) {
      const std::string from = copy_from.empty() ? config.database_url : copy_from;
      if (from == copy_to) throw std::invalid_argument("--to: the target is the source");
      auto source = openStore(from, StoreOptions{config.database_pool_size});
      if (source->migrationsPending())
        throw std::runtime_error("--from: the source database is not migrated (run palermo migrate on it first)");
      auto target = openStore(copy_to, StoreOptions{config.database_pool_size});
      target->migrate();
      std::fprintf(stderr, "copying %s -> %s\n", redactDatabaseUrl(from).c_str(), redactDatabaseUrl(copy_to).c_str());
      const auto started = std::chrono::steady_clock::now();
      source->copyTo(*target, [](const std::string& table, int64_t rows) {
        std::fprintf(stderr, "\r  %-16s %lld rows", table.c_str(), static_cast<long long>(rows));
        std::fflush(stderr);
      });
      std::fprintf(stderr, "\n");
      // The copy is proved the way the original is: the audit chain, under the same keys.
      auto keys = KeyRing::load(config.data_dir, false);
      const auto report = audit::verify(*target, keys);
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      source->close();
      target->close();
      if (!report.ok) {
        std::printf("COPIED, BUT THE AUDIT CHAIN OF THE COPY IS BROKEN at entry %lld (%s): %s\n",
                    static_cast<long long>(report.first_bad_seq), report.problem.c_str(), report.message.c_str());
        return 3;
      }
      std::printf("copied in %.1f s; audit chain of the copy intact: %lld entries\n", seconds,
                  static_cast<long long>(report.entries));
      return 0;
    }
    if (*import_cmd) {
      RecordsSetup setup(config);
      auto& store = setup.store;
      const auto& schema = setup.schema;
      auto& service = setup.service;
      std::vector<records::ImportRow> rows;
      std::vector<records::ImportError> read_errors;
      for (const auto& file : import_files) {
        std::ifstream in(file, std::ios::binary);
        if (!in) {
          std::fprintf(stderr, "cannot read %s\n", file.c_str());
          return 1;
        }
        const bool csv = file.size() > 4 && file.substr(file.size() - 4) == ".csv";
        auto more = csv ? records::readCsv(in, file, import_type, schema, read_errors)
                        : records::readJsonLines(in, file, import_type, read_errors);
        rows.insert(rows.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
      }
      if (!read_errors.empty()) {
        for (const auto& e : read_errors) std::fprintf(stderr, "%s\n", e.toString().c_str());
        std::fprintf(stderr, "%zu error(s) reading the files; nothing was imported.\n", read_errors.size());
        return 1;
      }
      records::ImportOptions options;
      options.dry_run = import_dry_run;
      options.progress = printProgress;
      const auto report = records::importRows(service, records::Actor::systemActor(), rows, options);
      for (const auto& e : report.errors) std::fprintf(stderr, "%s\n", e.toString().c_str());
      store->close();
      if (!report.errors.empty()) {
        std::fprintf(stderr, "%zu error(s)%s; nothing was imported.\n", report.errors.size(),
                     report.errors_truncated ? " (more not shown)" : "");
        return 1;
      }
      for (const auto& [type, n] : report.created)
        std::printf("%s %lld %s\n", report.dry_run ? "would import" : "imported", static_cast<long long>(n),
                    type.c_str());
      return 0;
    }
    if (*keys_rotate || *keys_status) {
      auto store = openMigrated(config);
      auto keys = KeyRing::load(config.data_dir, false);
      if (*keys_status) {
        records::activateStoreKeys(*store, keys);
        const auto v = store->keyVersions();
        std::printf("key source:      %s\n", keys.file().empty() ? "PALERMO_MASTER_KEY" : keys.file().c_str());
        std::printf("versions held:   %d..%d\n", 1, keys.newestVersion());
        std::printf("database uses:   version %d (audit chain started with version %d)\n", v.active, v.initial);
        store->close();
        return 0;
      }
      const auto schema = loadSchemaOrThrow(config);
      const auto r = records::rotateKeys(schema, *store, keys);
      std::printf("keys rotated from version %d to %d: %lld records, %lld attachments, %lld second-factor secrets "
                  "re-encrypted; blind index rebuilt\n",
                  r.from_version, r.to_version, static_cast<long long>(r.counts.records),
                  static_cast<long long>(r.counts.attachments), static_cast<long long>(r.counts.users));
      std::printf("Keep the key file (%s) backed up: older versions stay in it to verify older audit entries.\n",
                  keys.file().c_str());
      store->close();
      return 0;
    }
    if (*demo_cmd) {
      RecordsSetup setup(config);
      auto& store = setup.store;
      const auto& schema = setup.schema;
      auto& service = setup.service;
      const auto system = records::Actor::systemActor();
      for (const auto& [name, type] : schema.types) {
        RecordQuery q;
        q.type = name;
        q.limit = 1;
        if (!store->listRecords(q).items.empty()) {
          std::printf("The database has records already; no demo data added.\n");
          store->close();
          return 0;
        }
      }
      if (!demo_generic) {
        // The national dataset 2015-2020 (its 2019 part states the annual report's figures),
        // loaded through the import path users have: one transaction, every row validated.
        const auto dataset = records::nationalDemo(demo_seed);
        std::set<std::string> have;
        for (const auto& a : store->listAgencies()) have.insert(a.name);
        for (const auto& a : dataset.agencies)
          if (!have.count(a.name)) store->createAgency(AgencyRow{0, a.name, a.type, a.region, true, 0});
        std::printf("demo: %zu agencies; importing %zu made-up records (2015-2020)...\n", dataset.agencies.size(),
                    dataset.rows.size());
        std::fflush(stdout);
        records::ImportOptions options;
        options.progress_every = 5000;
        options.progress = printProgress;
        const auto t0 = std::chrono::steady_clock::now();
        const auto report = records::importRows(service, system, dataset.rows, options);
        for (const auto& e : report.errors) std::fprintf(stderr, "demo: %s\n", e.toString().c_str());
        store->close();
        if (!report.committed) {
          std::fprintf(stderr, "demo: the dataset did not import; nothing was added.\n");
          return 1;
        }
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        for (const auto& [type, n] : report.created)
          std::printf("demo: %lld %s records\n", static_cast<long long>(n), type.c_str());
        std::printf("demo: imported in %.1f s\n", secs);
        return 0;
      }
      // Made-up agencies of the mechanism, so that users can be given an agency and records
      // have registering agencies and regions (scopes and sharing can be tried at once).
      struct DemoAgency {
        const char* name;
        const char* type;
        const char* region;
        bool registers;
      };
      static const DemoAgency kAgencies[] = {
          {"Xüsusi polis idarəsi (demo)", "special_police", "baku", true},
          {"Yardım Mərkəzi (demo)", "assistance_center", "baku", false},
          {"Sığınacaq QHT (demo)", "ngo", "ganja", true},
          {"116-111 Uşaq qaynar xətti (demo)", "hotline", "baku", true},
          {"Statistika idarəsi (demo)", "statistics", "", false},
          {"Milli koordinator aparatı (demo)", "coordinator", "", false},
      };
      std::vector<AgencyRow> registering;
      if (store->listAgencies().empty()) {
        for (const auto& a : kAgencies) {
          auto row = store->createAgency(AgencyRow{0, a.name, a.type, a.region, true, 0});
          std::printf("demo: agency %lld %s\n", static_cast<long long>(row.id), a.name);
          if (a.registers) registering.push_back(row);
        }
      }
      std::map<std::string, int> created;
      if (registering.empty()) {
        created = records::seedDemo(service, system, demo_count, 20191231).created;
      } else {
        // Each registering agency gets its share of the records.
        const int share = std::max(1, demo_count / static_cast<int>(registering.size()));
        for (std::size_t i = 0; i < registering.size(); ++i) {
          auto actor = system;
          actor.agency_id = registering[i].id;
          actor.region = registering[i].region;
          for (const auto& [type, n] : records::seedDemo(service, actor, share, 20191231 + i).created) created[type] += n;
        }
      }
      for (const auto& [type, n] : created) std::printf("demo: %d %s records\n", n, type.c_str());
      store->close();
      return 0;
    }
    if (*openapi_cmd) {
      std::printf("%s\n", records::openApiDocument(loadSchemaOrThrow(config), PALERMO_VERSION).dump(2).c_str());
      return 0;
    }
    if (*schema_check) {
      auto loaded = records::loadSchemaDir(config.schema_dir);
      for (const auto& e : loaded.errors) std::printf("%s\n", e.toString().c_str());
      std::vector<rules::LoadError> rule_errors;
      const auto book = rules::RuleBook::load(config.rules_dir, rule_errors);
      for (const auto& e : rule_errors) std::printf("%s: %s\n", e.file.c_str(), e.message.c_str());
      if (!loaded.errors.empty() || !rule_errors.empty()) return 1;
      std::printf("rules OK: %zu indicator set(s)\n", book.rulesets().size());
      std::printf("schema OK: %zu record types, %zu value lists, %zu roles, %zu data migrations\n",
                  loaded.schema.types.size(), loaded.schema.lists.size(), loaded.schema.roles.size(),
                  loaded.schema.migrations.size());
      return 0;
    }
    if (*config_cmd) {
      for (const auto& [k, v] : describeConfig(config)) std::printf("%-34s %s\n", k.c_str(), v.c_str());
      return 0;
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
