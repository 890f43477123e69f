// Administration on the command line: `user add|list`, `audit verify`, `keys rotate|status`,
// `config` and `version`. Users are created through admin::AdminService, like the API does.
#include <cstdio>

#include "admin/admin_service.hpp"
#include "audit/audit.hpp"
#include "auth/password.hpp"
#include "cli/commands.hpp"
#include "keys/key_rotation.hpp"

namespace palermo::cli {

namespace {

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

}  // namespace

void addAdminCommands(Commands& c) {
  CLI::App* user = c.group("user", "Manage user accounts");
  struct UserOptions {
    std::string login, display;
    std::vector<std::string> roles;
    bool if_no_users = false;
  };
  auto opts = std::make_shared<UserOptions>();
  CLI::App* add = c.add(user, "add", "Create a user with a one-time password (printed once)", [opts](const Config& config) {
    return runUserAdd(config, opts->login, opts->display.empty() ? opts->login : opts->display, opts->roles, opts->if_no_users);
  });
  add->add_option("--login", opts->login, "Login name")->required();
  add->add_option("--display-name", opts->display, "Name shown in the application");
  add->add_option("--role", opts->roles, "Role (repeatable), e.g. admin");
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
  c.addPlain("version", "Print the version", [] {
    std::printf("palermo %s\n", PALERMO_VERSION);
    return 0;
  });
}

}  // namespace palermo::cli
