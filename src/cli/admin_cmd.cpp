// Administration on the command line: `agency add|list`, `user add|list`, `audit verify`,
// `keys rotate|status`, `config`, `doctor` and `version`. Agencies and users are created through
// admin::AdminService, like the API does: checked the same way and audited (by the system).
#include <cstdio>
#include <functional>

#include "admin/admin_service.hpp"
#include "audit/audit.hpp"
#include "auth/password.hpp"
#include "cli/commands.hpp"
#include "international/returns.hpp"
#include "keys/key_rotation.hpp"
#include "linkage/linkage_service.hpp"
#include "stats/indicators.hpp"

#include <filesystem>
#include <set>
#include <unistd.h>

namespace palermo::cli {

namespace {

void printProblem(const Problem& p) {
  std::string why = p.detail();
  for (const auto& e : p.errors()) why += " " + e.field + ": " + e.message + ".";
  std::fprintf(stderr, "error: %s\n", why.c_str());
}

// An agency named by id or by its exact name; 0 when none is named, -1 when not found.
int64_t agencyIdOf(Store& store, const std::string& name_or_id) {
  if (name_or_id.empty()) return 0;
  for (const auto& a : store.listAgencies())
    if (a.name == name_or_id || std::to_string(a.id) == name_or_id) return a.id;
  return -1;
}

// Runs `act` with the administration service over the configured store, as the API does it:
// checked and audited (by the system), so the audit chain's key is activated first. A refusal
// (Problem) is printed with every field at fault and gives exit code 1.
// `schema`, when given, checks what the schema decides (an agency's region is a code of its list).
int withAdministration(const Config& config, const std::function<int(Store&, admin::AdminService&)>& act,
                       const records::Schema* schema = nullptr) {
  auto store = openMigrated(config);
  const KeyRing keys = RecordsSetup::activatedKeys(config, *store);
  admin::AdminService administration(*store, schema, auth::hashCostFrom(config.password_cost));
  int code = 1;
  try {
    code = act(*store, administration);
  } catch (const Problem& p) {
    printProblem(p);
  }
  store->close();
  return code;
}

// `palermo doctor`: what an administrator checks first when the server does not start, or starts
// from another directory than expected. Exit 1 when something is missing or does not load.
int runDoctor(const Config& config) {
  namespace fs = std::filesystem;
  int problems = 0;
  auto line = [&](const char* what, const std::string& where, const std::string& how, const std::string& verdict, bool ok) {
    std::printf("%-16s %s%s\n%-16s %s %s\n", what, where.c_str(), how.empty() ? "" : ("  [" + how + "]").c_str(), "",
                ok ? "ok:" : "PROBLEM:", verdict.c_str());
    if (!ok) ++problems;
  };
  std::error_code ec;
  const auto exe = fs::read_symlink("/proc/self/exe", ec);
  std::printf("palermo %s  (%s; working directory %s)\n\n", PALERMO_VERSION, ec ? "?" : exe.c_str(), fs::current_path(ec).c_str());
  const bool data_exists = fs::is_directory(config.data_dir, ec);
  line("data directory", fs::absolute(config.data_dir, ec).string(), "",
       data_exists ? (::access(config.data_dir.c_str(), W_OK) == 0 ? "exists, writable" : "exists but is not writable")
                   : "does not exist yet (created on first start)",
       !data_exists || ::access(config.data_dir.c_str(), W_OK) == 0);
  const std::string db = redactDatabaseUrl(config.database_url);
  if (config.database_url.rfind("sqlite:", 0) == 0)
    line("database", db, "", fs::exists(config.sqlitePath(), ec) ? "the SQLite file exists" : "a new SQLite file (created on first start)", true);
  else
    line("database", db, "", "PostgreSQL (not contacted: `palermo migrate` connects)", true);
  auto how = [&](const char* key) {
    const auto it = config.found_by.find(key);
    return it == config.found_by.end() ? std::string() : it->second;
  };
  const bool web = fs::exists(fs::path(config.web_root) / "index.html", ec);
  line("web.root", config.web_root, how("web.root"), web ? "index.html found" : "no index.html (build the web application: npm run build in web/)", web);
  records::Schema schema;
  bool schema_ok = false;
  try {
    schema = loadSchemaOrThrow(config);
    schema_ok = true;
    line("schema.dir", config.schema_dir, how("schema.dir"), "loads without mistakes", true);
  } catch (const std::exception& e) {
    line("schema.dir", config.schema_dir, how("schema.dir"), e.what(), false);
  }
  try {
    (void)loadRulesOrThrow(config);
    line("rules.dir", config.rules_dir, how("rules.dir"), "loads without mistakes", true);
  } catch (const std::exception& e) {
    line("rules.dir", config.rules_dir, how("rules.dir"), e.what(), false);
  }
  if (config.statistics_dir.empty()) {
    line("statistics.dir", "(empty)", how("statistics.dir"), "statistics are switched off", true);
  } else if (!schema_ok) {
    line("statistics.dir", config.statistics_dir, how("statistics.dir"), "not checked: the schema does not load", false);
  } else {
    auto loaded = stats::loadCatalogue(config.statistics_dir, schema);
    if (!loaded.errors.empty()) {
      line("statistics.dir", config.statistics_dir, how("statistics.dir"),
           std::to_string(loaded.errors.size()) + " mistake(s), the first: " + loaded.errors.front().toString(), false);
    } else {
      try {
        const auto returns = international::ReturnCatalogue::load(config.statistics_dir, loaded.catalogue);
        line("statistics.dir", config.statistics_dir, how("statistics.dir"),
             std::to_string(loaded.catalogue.indicators.size()) + " indicators, " + std::to_string(returns.returns.size()) +
                 " international returns: no mistakes",
             true);
      } catch (const std::exception& e) {
        line("statistics.dir", config.statistics_dir, how("statistics.dir"), e.what(), false);
      }
    }
  }
  std::printf("\n%s\n", problems == 0 ? "Everything palermo needs was found." : (std::to_string(problems) + " problem(s).").c_str());
  return problems == 0 ? 0 : 1;
}

int runAgencyAdd(const Config& config, const std::string& name, const std::string& type, const std::string& region) {
  const records::Schema schema = loadSchemaOrThrow(config);  // the region list
  return withAdministration(
      config,
      [&](Store&, admin::AdminService& administration) {
        const auto a = administration.createAgency(0, AgencyRow{0, name, type, region, true, 0});
        std::printf("Created agency '%s' (id %lld, %s%s%s).\n", a.name.c_str(), static_cast<long long>(a.id),
                    a.type.c_str(), a.region.empty() ? "" : ", ", a.region.c_str());
        return 0;
      },
      &schema);
}

int runUserAdd(const Config& config, const std::string& login, const std::string& display, const std::vector<std::string>& roles,
               const std::string& agency, bool if_no_users) {
  return withAdministration(config, [&](Store& store, admin::AdminService& administration) {
    if (if_no_users && store.countUsers() > 0) {
      std::printf("Users exist already; no administrator created.\n");
      return 0;
    }
    const int64_t agency_id = agencyIdOf(store, agency);
    if (agency_id < 0) {
      std::fprintf(stderr, "error: --agency: no agency is named or numbered '%s' (palermo agency list)\n", agency.c_str());
      return 1;
    }
    const auto created = administration.createUser(0, admin::UserRequest{login, display, roles, agency_id});
    std::printf("Created user '%s' (id %lld).\n", created.user.login.c_str(), static_cast<long long>(created.user.id));
    std::printf("One-time password: %s\n", created.one_time_password.c_str());
    std::printf("It must be changed at first sign-in.\n");
    return 0;
  });
}

}  // namespace

void addAdminCommands(Commands& c) {
  CLI::App* agency = c.group("agency", "Manage the agencies of the mechanism");
  struct AgencyOptions {
    std::string name, type, region;
  };
  auto aopts = std::make_shared<AgencyOptions>();
  CLI::App* agency_add = c.add(agency, "add", "Create an agency (audited as agency.create)", [aopts](const Config& config) {
    return runAgencyAdd(config, aopts->name, aopts->type, aopts->region);
  });
  agency_add->add_option("--name", aopts->name, "Its name, unique")->required();
  agency_add->add_option("--type", aopts->type, "Its type, e.g. special_police, ngo, shelter (docs/security.md)")->required();
  agency_add->add_option("--region", aopts->region, "Its region code; empty for a national body");
  c.add(agency, "list", "List the agencies", [](const Config& config) {
    auto store = openMigrated(config);
    for (const auto& a : store->listAgencies())
      std::printf("%6lld  %-22s %-12s %s%s\n", static_cast<long long>(a.id), a.type.c_str(), a.region.c_str(),
                  a.name.c_str(), a.active ? "" : " (inactive)");
    store->close();
    return 0;
  });

  CLI::App* user = c.group("user", "Manage user accounts");
  struct UserOptions {
    std::string login, display, agency;
    std::vector<std::string> roles;
    bool if_no_users = false;
  };
  auto opts = std::make_shared<UserOptions>();
  CLI::App* add = c.add(user, "add", "Create a user with a one-time password (printed once)", [opts](const Config& config) {
    return runUserAdd(config, opts->login, opts->display.empty() ? opts->login : opts->display, opts->roles, opts->agency,
                      opts->if_no_users);
  });
  add->add_option("--login", opts->login, "Login name")->required();
  add->add_option("--display-name", opts->display, "Name shown in the application");
  add->add_option("--role", opts->roles, "Role (repeatable), e.g. admin");
  add->add_option("--agency", opts->agency, "The user's agency, by name or id (roles of an agency need one)");
  add->add_flag("--if-no-users", opts->if_no_users, "Do nothing when any user exists (first administrator)");
  c.add(user, "list", "List user accounts", [](const Config& config) {
    auto store = openMigrated(config);
    for (const auto& u : store->listUsers()) {
      std::string r;
      for (const auto& x : u.roles) r += (r.empty() ? "" : ",") + x;
      std::printf("%6lld  %-24s %-30s %s%s\n", static_cast<long long>(u.id), u.login.c_str(), u.display_name.c_str(),
                  r.c_str(), u.active ? "" : " (inactive)");
    }
    store->close();
    return 0;
  });

  CLI::App* audit_cmd = c.group("audit", "The tamper-evident audit log");
  c.add(audit_cmd, "verify", "Prove the hash chain; name the first bad entry", [](const Config& config) {
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
  });

  // Whether a given person was searched for at intake, and by whom: the audit keeps a keyed hash
  // of each query (never the text); with the keys, the query typed again gives the same hash.
  auto q = std::make_shared<linkage::PersonQuery>();
  CLI::App* lq = c.add(audit_cmd, "linkage-query",
                       "Find the intake searches (linkage.search) made with these terms, typed as the searcher typed them",
                       [q](const Config& config) {
    if (q->first_name.empty() && q->last_name.empty() && q->full_name.empty() && q->phone.empty() && q->document.empty())
      throw std::invalid_argument("--last-name, --full-name, --phone or --document: give what was searched for");
    auto store = openMigrated(config);
    auto keys = KeyRing::load(config.data_dir, false);
    // Each key version hashed the searches of its time.
    std::set<std::string> hashes;
    for (int v = 1; v <= keys.newestVersion(); ++v)
      if (keys.has(v)) {
        KeyRing one = keys;
        one.activate(v);
        hashes.insert(linkage::LinkageService::queryHash(*q, one));
      }
    AuditQuery aq;
    aq.action = "linkage.search";
    aq.limit = 1000;
    int found = 0;
    for (;;) {
      const auto page = store->searchAudit(aq);
      for (const auto& e : page) {
        const Json d = Json::parse(e.details, nullptr, false);
        if (d.is_object() && d.contains("query_hash") && hashes.count(d["query_hash"].get<std::string>())) {
          std::printf("%lld  %s  user %lld  %lld candidate(s), %lld known elsewhere\n", static_cast<long long>(e.seq),
                      records::utcTimestamp(e.at, false).c_str(), static_cast<long long>(e.actor), d.value("candidates", 0LL),
                      d.value("known_elsewhere", 0LL));
          ++found;
        }
      }
      if (page.size() < static_cast<std::size_t>(aq.limit)) break;
      aq.before_seq = page.back().seq;
    }
    std::printf("%d search(es) with these terms\n", found);
    store->close();
    return 0;
  });
  lq->add_option("--first-name", q->first_name, "First name, as typed");
  lq->add_option("--last-name", q->last_name, "Last name, as typed");
  lq->add_option("--patronymic", q->patronymic, "Patronymic, as typed");
  lq->add_option("--full-name", q->full_name, "Full name in one field, as typed");
  lq->add_option("--birth", q->birth, "Year, year-month or date of birth, as typed");
  lq->add_option("--sex", q->sex, "Sex code, as sent");
  lq->add_option("--citizenship", q->citizenship, "Citizenship code, as sent");
  lq->add_option("--phone", q->phone, "Phone number");
  lq->add_option("--document", q->document, "Document number");

  CLI::App* keys_cmd = c.group("keys", "Master keys (identity encryption, blind index, audit MAC)");
  c.add(keys_cmd, "rotate", "Add a new master key version and re-encrypt everything under it (stop the servers first)",
        [](const Config& config) {
    auto store = openMigrated(config);
    auto keys = KeyRing::load(config.data_dir, false);
    const auto schema = loadSchemaOrThrow(config);
    const auto r = keys::rotateKeys(schema, *store, keys);
    std::printf("keys rotated from version %d to %d: %lld records, %lld attachments, %lld second-factor secrets "
                "re-encrypted; blind index rebuilt\n",
                r.from_version, r.to_version, static_cast<long long>(r.counts.records),
                static_cast<long long>(r.counts.attachments), static_cast<long long>(r.counts.users));
    std::printf("Keep the key file (%s) backed up: older versions stay in it to verify older audit entries.\n",
                keys.file().c_str());
    store->close();
    return 0;
  });
  c.add(keys_cmd, "status", "Show the key versions held and the one in use", [](const Config& config) {
    auto store = openMigrated(config);
    auto keys = KeyRing::load(config.data_dir, false);
    keys::activateStoreKeys(*store, keys);
    const auto v = store->keyVersions();
    std::printf("key source:      %s\n", keys.file().empty() ? "PALERMO_MASTER_KEY" : keys.file().c_str());
    std::printf("versions held:   %d..%d\n", 1, keys.newestVersion());
    std::printf("database uses:   version %d (audit chain started with version %d)\n", v.active, v.initial);
    store->close();
    return 0;
  });

  c.add(nullptr, "config", "Show the effective configuration", [](const Config& config) {
    for (const auto& [k, v] : describeConfig(config)) std::printf("%-34s %s\n", k.c_str(), v.c_str());
    return 0;
  });
  c.add(nullptr, "doctor", "Say where the data files, the database and the web application were found, and whether they load",
        [](const Config& config) { return runDoctor(config); });
  c.addPlain("version", "Print the version", [] {
    std::printf("palermo %s\n", PALERMO_VERSION);
    return 0;
  });
}

}  // namespace palermo::cli
