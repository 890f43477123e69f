// `palermo serve` (the HTTP server with the API and the web application) and `palermo routes`
// (its route table). The services are made here, in dependency order, and handed to the routes.
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "admin/admin_service.hpp"
#include "api/app.hpp"
#include "audit/audit.hpp"
#include "auth/auth_service.hpp"
#include "auth/devices.hpp"
#include "cli/commands.hpp"
#include "core/log.hpp"
#include "http/server.hpp"
#include "notify/mailer.hpp"
#include "linkage/linkage_service.hpp"
#include "linkage/person_links.hpp"
#include "international/answers.hpp"
#include "international/returns.hpp"
#include "monitoring/block_list.hpp"
#include "plans/implementation_report.hpp"
#include "returns/returns_service.hpp"
#include "keys/key_rotation.hpp"
#include "stats/service.hpp"

namespace palermo::cli {

namespace {

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
  keys::activateStoreKeys(*store, keys);
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
  records.setMail(!config.smtp_host.empty(), config.base_url);
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
  administration.setIdentityRoleApproval(config.identity_role_approval);
  std::unique_ptr<linkage::LinkageService> linkage_service;
  if (links) linkage_service =
      std::make_unique<linkage::LinkageService>(*links, *store, &keys, config.linkage_searches_per_hour);
  http::Router router;
  returns::ReturnsService returns_service(schema, *store);
  monitoring::BlockListService block_list(*store, records);
  plans::ImplementationReports plan_reports(schema, *store);
  std::unique_ptr<international::RequestAnswers> answers;
  if (statistics) answers = std::make_unique<international::RequestAnswers>(records, *statistics);
  std::unique_ptr<international::InternationalReturns> international_returns;
  if (statistics)
    international_returns =
        std::make_unique<international::InternationalReturns>(*statistics, *store, config.statistics_dir);
  auth::DeviceService devices(*store, keys, schema, config, auth::systemClock);
  auth.setDeviceCheck([&devices](const auth::Principal& p, const std::string& id) { devices.requireActive(p, id); });
  api::AppContext ctx{config, metrics, auth, administration, &records, statistics.get(), linkage_service.get(),
                      &rule_book, &returns_service, &block_list, &plan_reports, answers.get(),
                      international_returns.get(), &devices};
  api::registerRoutes(router, ctx);
  if (print_routes) {
    for (const auto& [method, pattern] : router.routes())
      std::printf("%s\n", Json{{"method", method}, {"pattern", pattern}}.dump().c_str());
    return 0;
  }

  // Deadline reminders: every deadline_check_seconds, the deadlines passed (or come within a day)
  // since the last look; the first look starts from now (a backlog is the task list's).
  std::jthread reminders;
  if (config.deadline_check_seconds > 0)
    reminders = std::jthread([&records, &returns_service, every = config.deadline_check_seconds](const std::stop_token& stop) {
      std::mutex mu;
      std::condition_variable_any wake;
      int64_t since = auth::systemClock() * 1000;
      while (!stop.stop_requested()) {
        {
          std::unique_lock lock(mu);
          wake.wait_for(lock, stop, std::chrono::seconds(every), [] { return false; });
        }
        if (stop.stop_requested()) break;
        const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
        try {
          const int64_t told = records.remindDeadlines(since, now) + returns_service.remindDue(records, since, now);
          if (told > 0) log::info("notifications.deadlines", {{"written", told}});
          since = now;
        } catch (const std::exception& e) {
          log::error("notifications.deadlines_failed", {{"error", e.what()}});  // tried again next time
        }
      }
    });

  // The outbox's sender (notify/mailer.hpp): what is due every two seconds.
  std::jthread mail;
  if (!config.smtp_host.empty())
    mail = std::jthread([&store, settings = notify::SmtpSettings{config.smtp_host, config.smtp_port, config.mail_from,
                                                                 "palermo", 15000}](const std::stop_token& stop) {
      notify::Mailer mailer(*store, settings);
      std::mutex mu;
      std::condition_variable_any wake;
      while (!stop.stop_requested()) {
        {
          std::unique_lock lock(mu);
          wake.wait_for(lock, stop, std::chrono::seconds(2), [] { return false; });
        }
        if (stop.stop_requested()) break;
        try {
          mailer.sendDue(std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count());
        } catch (const std::exception& e) {
          log::error("mail.outbox_failed", {{"error", e.what()}});
        }
      }
    });

  http::Server server(config, router, metrics);
  server.bind();
  const std::string scheme = config.tlsEnabled() ? "https" : "http";
  log::info("server.listening", {{"host", config.host}, {"port", server.port()}, {"tls", config.tlsEnabled()},
                                 {"database", store->backendName()}, {"version", PALERMO_VERSION}});
  std::printf("palermo listening on %s://%s:%u\n", scheme.c_str(), config.host.c_str(), server.port());
  std::fflush(stdout);
  server.run();
  for (auto* job : {&reminders, &mail})
    if (job->joinable()) {
      job->request_stop();
      job->join();
    }
  if (links_warmup.joinable()) links_warmup.join();
  store->close();
  log::info("store.closed");
  log::flush();
  return 0;
}

}  // namespace

void addServeCommands(Commands& c) {
  c.add(nullptr, "serve", "Run the HTTP server (API and web application)",
        [](const Config& config) { return runServe(config); }, false);
  c.add(nullptr, "routes", "Print the HTTP routes the server answers (JSON lines: method, pattern)",
        [](const Config& config) { return runServe(config, true); });
}

}  // namespace palermo::cli

