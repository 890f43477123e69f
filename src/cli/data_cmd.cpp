// Data on the command line: `migrate`, `store copy`, `import`, `demo`, `schema check` and
// `openapi`. Records are written through the engine (validation, rules, audit), agencies through
// the administration service.
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <set>

#include "admin/admin_service.hpp"
#include "audit/audit.hpp"
#include "auth/password.hpp"
#include "cli/commands.hpp"
#include "core/log.hpp"
#include "demo/generic.hpp"
#include "demo/national.hpp"
#include "records/import.hpp"
#include "api/openapi.hpp"

namespace palermo::cli {

namespace {

// The summary of an import per type: new, updated, unchanged (a source's rows met before).
void printImportSummary(const records::ImportReport& report) {
  std::set<std::string> types;
  for (const auto* m : {&report.created, &report.updated, &report.unchanged})
    for (const auto& [type, n] : *m) types.insert(type);
  auto get = [](const std::map<std::string, int64_t>& m, const std::string& t) {
    auto it = m.find(t);
    return static_cast<long long>(it == m.end() ? 0 : it->second);
  };
  std::printf("  %-28s %10s %10s %10s\n", "type", "new", "updated", "unchanged");
  for (const auto& t : types)
    std::printf("  %-28s %10lld %10lld %10lld\n", t.c_str(), get(report.created, t), get(report.updated, t),
                get(report.unchanged, t));
}

void addImportCommand(Commands& c) {
  struct ImportOptions {
    std::vector<std::string> files;
    std::string type, source, map;
    bool dry_run = false;
    bool create_agencies = false;
    bool yes = false;
  };
  auto o = std::make_shared<ImportOptions>();
  CLI::App* cmd = c.add(
      nullptr, "import",
      "Import records from CSV, XLSX or JSON lines through the engine, all or nothing: every row is checked and a "
      "summary shown before anything is written (errors name row, field, rule)",
      [o](const Config& config) {
    RecordsSetup setup(config);
    auto& store = setup.store;
    const auto& schema = setup.schema;
    auto& service = setup.service;
    std::vector<records::ImportError> read_errors;
    // The mapping file: the spreadsheet's column names and words.
    std::optional<records::ImportMapping> mapping;
    std::string type = o->type;
    if (!o->map.empty()) {
      std::ifstream in(o->map, std::ios::binary);
      if (!in) {
        std::fprintf(stderr, "cannot read %s\n", o->map.c_str());
        return 1;
      }
      const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      mapping = records::readMapping(text, o->map, read_errors);
      if (type.empty()) type = mapping->type;
      if (!type.empty()) records::checkMapping(*mapping, o->map, schema, type, read_errors);
    }
    const records::ImportMapping* map = mapping ? &*mapping : nullptr;
    std::vector<records::ImportRow> rows;
    auto ends = [](const std::string& f, const char* ext) {
      const std::string e(ext);
      if (f.size() < e.size()) return false;
      std::string tail = f.substr(f.size() - e.size());
      for (auto& ch : tail) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      return tail == e;
    };
    for (const auto& file : o->files) {
      std::ifstream in(file, std::ios::binary);
      if (!in) {
        std::fprintf(stderr, "cannot read %s\n", file.c_str());
        return 1;
      }
      std::vector<records::ImportRow> more;
      if (ends(file, ".xlsx")) {
        const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        more = records::readXlsx(bytes, file, type, schema, read_errors, map);
      } else if (ends(file, ".csv")) {
        more = records::readCsv(in, file, type, schema, read_errors, map);
      } else {
        more = records::readJsonLines(in, file, type, read_errors, map);
      }
      rows.insert(rows.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
    }
    if (!read_errors.empty()) {
      for (const auto& e : read_errors) std::fprintf(stderr, "%s\n", e.toString().c_str());
      std::fprintf(stderr, "%zu error(s) reading the files; nothing was imported.\n", read_errors.size());
      return 1;
    }
    records::ImportOptions options;
    options.audit_type = type;
    options.format = "files";
    options.source = o->source;
    admin::AdminService administration(*store, &schema, auth::hashCostFrom(config.password_cost));
    if (o->create_agencies)
      options.create_agency = [&administration](const AgencyRow& a) { return administration.createAgency(0, a); };
    // First every row is checked and nothing kept: the summary, and every error, before writing.
    options.dry_run = true;
    options.progress = progressPrinter("checking");
    const auto check = records::importRows(service, records::Actor::systemActor(), rows, options);
    for (const auto& e : check.errors) std::fprintf(stderr, "%s\n", e.toString().c_str());
    if (!check.errors.empty()) {
      store->close();
      std::fprintf(stderr, "%zu error(s)%s; nothing was imported.\n", check.errors.size(),
                   check.errors_truncated ? " (more not shown)" : "");
      return 1;
    }
    std::printf("%lld rows checked%s:\n", static_cast<long long>(check.rows),
                o->source.empty() ? "" : (" (source '" + o->source + "')").c_str());
    printImportSummary(check);
    std::fflush(stdout);
    if (o->dry_run) {
      store->close();
      std::printf("Dry run: nothing was written.\n");
      return 0;
    }
    if (!o->yes && ::isatty(STDIN_FILENO)) {
      std::printf("Write them? [y/N] ");
      std::fflush(stdout);
      std::string answer;
      std::getline(std::cin, answer);
      if (answer != "y" && answer != "Y" && answer != "yes") {
        store->close();
        std::printf("Nothing was written.\n");
        return 1;
      }
    }
    options.dry_run = false;
    options.progress = progressPrinter("writing");
    const auto report = records::importRows(service, records::Actor::systemActor(), rows, options);
    for (const auto& e : report.errors) std::fprintf(stderr, "%s\n", e.toString().c_str());
    store->close();
    if (!report.committed) {
      std::fprintf(stderr, "%zu error(s)%s while writing (the data changed since the check?); nothing was imported.\n",
                   report.errors.size(), report.errors_truncated ? " (more not shown)" : "");
      return 1;
    }
    for (const auto& [t, n] : report.created)
      std::printf("imported %lld %s\n", static_cast<long long>(n), t.c_str());
    for (const auto& [t, n] : report.updated)
      std::printf("updated %lld %s\n", static_cast<long long>(n), t.c_str());
    return 0;
  });
  cmd->add_option("files", o->files,
                  "CSV (.csv), XLSX (.xlsx: the first sheet) or JSON lines (.jsonl, .ndjson) files, imported in order")
      ->required();
  cmd->add_option("--type", o->type, "Record type of rows that do not say (_type); required for CSV and XLSX");
  cmd->add_option("--map", o->map,
                  "Mapping file (YAML): the file's column names and words to fields and codes (docs/import.md)");
  cmd->add_option("--source", o->source,
                  "Name of the data's source: keyed rows (_key) are remembered under it, and an import of the same "
                  "source again updates those records instead of adding them twice");
  cmd->add_flag("--dry-run", o->dry_run, "Check every row and show the summary, then write nothing");
  cmd->add_flag("--yes,-y", o->yes, "Write after the check without asking (asked only on a terminal)");
  cmd->add_flag("--create-agencies", o->create_agencies,
                "Rows of _type agency ({name, type, region}) create their agency (checked and audited)");
}

void addDemoCommand(Commands& c) {
  struct DemoOptions {
    int count = 40;
    bool generic = false;
    uint64_t seed = 2019;
  };
  auto o = std::make_shared<DemoOptions>();
  CLI::App* cmd = c.add(nullptr, "demo", "Fill an empty database with made-up demonstration records",
                        [o](const Config& config) {
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
    if (!o->generic) {
      // The national dataset 2015-2020 (its 2019 part states the annual report's figures),
      // loaded through the import path users have: one transaction, every row validated.
      const auto dataset = demo::nationalDemo(o->seed);
      std::set<std::string> have;
      for (const auto& a : store->listAgencies()) have.insert(a.name);
      admin::AdminService administration(*store, &schema, auth::hashCostFrom(config.password_cost));
      for (const auto& a : dataset.agencies)
        if (!have.count(a.name)) administration.createAgency(0, AgencyRow{0, a.name, a.type, a.region, true, 0});
      std::printf("demo: %zu agencies; importing %zu made-up records (2015-2020)...\n", dataset.agencies.size(),
                  dataset.rows.size());
      std::fflush(stdout);
      records::ImportOptions options;
      options.progress_every = 5000;
      options.progress = progressPrinter("importing");
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
      admin::AdminService administration(*store, &schema, auth::hashCostFrom(config.password_cost));
      for (const auto& a : kAgencies) {
        auto row = administration.createAgency(0, AgencyRow{0, a.name, a.type, a.region, true, 0});
        std::printf("demo: agency %lld %s\n", static_cast<long long>(row.id), a.name);
        if (a.registers) registering.push_back(row);
      }
    }
    std::map<std::string, int> created;
    if (registering.empty()) {
      created = demo::seedDemo(service, system, o->count, 20191231).created;
    } else {
      // Each registering agency gets its share of the records.
      const int share = std::max(1, o->count / static_cast<int>(registering.size()));
      for (std::size_t i = 0; i < registering.size(); ++i) {
        auto actor = system;
        actor.agency_id = registering[i].id;
        actor.region = registering[i].region;
        for (const auto& [type, n] : demo::seedDemo(service, actor, share, 20191231 + i).created) created[type] += n;
      }
    }
    for (const auto& [type, n] : created) std::printf("demo: %d %s records\n", n, type.c_str());
    store->close();
    return 0;
  });
  cmd->add_flag("--generic", o->generic,
                "Instead of the national dataset, random records of every type (for any schema, e.g. tests)");
  cmd->add_option("--per-type", o->count, "With --generic: records per record type")->check(CLI::Range(1, 100000));
  cmd->add_option("--seed", o->seed, "Seed of the national dataset (the same seed gives the same data)");
}

}  // namespace

void addDataCommands(Commands& c) {
  c.add(nullptr, "migrate", "Apply pending database migrations and list them", [](const Config& config) {
    log::init("info", "");
    auto store = openStore(config.database_url, StoreOptions{config.database_pool_size});
    const int applied = store->migrate();
    for (const auto& m : store->migrations())
      std::printf("%4d  %-40s %s\n", m.version, m.name.c_str(), m.applied_at ? "applied" : "pending");
    std::printf("%d migration(s) applied now.\n", applied);
    store->close();
    return 0;
  });

  CLI::App* store_cmd = c.group("store", "The database");
  struct CopyOptions {
    std::string from, to;
  };
  auto o = std::make_shared<CopyOptions>();
  CLI::App* copy = c.add(store_cmd, "copy",
                         "Copy everything (audit chain included) into an empty database, e.g. from SQLite to PostgreSQL",
                         [o](const Config& config) {
    const std::string from = o->from.empty() ? config.database_url : o->from;
    if (from == o->to) throw std::invalid_argument("--to: the target is the source");
    auto source = openStore(from, StoreOptions{config.database_pool_size});
    if (source->migrationsPending())
      throw std::runtime_error("--from: the source database is not migrated (run palermo migrate on it first)");
    auto target = openStore(o->to, StoreOptions{config.database_pool_size});
    target->migrate();
    std::fprintf(stderr, "copying %s -> %s\n", redactDatabaseUrl(from).c_str(), redactDatabaseUrl(o->to).c_str());
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
  });
  copy->add_option("--from", o->from, "Source database URL (default: database.url)");
  copy->add_option("--to", o->to, "Target database URL (empty; migrated first)")->required();

  addImportCommand(c);
  addDemoCommand(c);

  CLI::App* schema_cmd = c.group("schema", "Record types and value lists");
  c.add(schema_cmd, "check", "Check the schema files; list every mistake", [](const Config& config) {
    auto loaded = records::loadSchemaDir(config.schema_dir);
    for (const auto& e : loaded.errors) std::printf("%s\n", e.toString().c_str());
    std::vector<FileError> rule_errors;
    const auto book = rules::RuleBook::load(config.rules_dir, rule_errors);
    for (const auto& e : rule_errors) std::printf("%s\n", e.toString().c_str());
    if (!loaded.errors.empty() || !rule_errors.empty()) return 1;
    std::printf("rules OK: %zu indicator set(s)\n", book.rulesets().size());
    std::printf("schema OK: %zu record types, %zu value lists, %zu roles, %zu data migrations\n",
                loaded.schema.types.size(), loaded.schema.lists.size(), loaded.schema.roles.size(),
                loaded.schema.migrations.size());
    return 0;
  });
  c.add(nullptr, "openapi", "Print the OpenAPI 3.1 document generated from the schema", [](const Config& config) {
    std::printf("%s\n", api::openApiDocument(loadSchemaOrThrow(config), PALERMO_VERSION).dump(2).c_str());
    return 0;
  });
}

}  // namespace palermo::cli
