// Wires the HTTP routes of the API to the services. One place lists every route.
#pragma once

#include <memory>
#include <vector>

#include "auth/auth_service.hpp"
#include "core/config.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"
#include "store/store.hpp"  // UserRow

namespace palermo::records {
class RecordService;
struct Actor;
}

namespace palermo::stats {
class StatsService;
}

namespace palermo::linkage {
class LinkageService;
}

namespace palermo::admin {
class AdminService;
}
namespace palermo::auth {
class DeviceService;
}

namespace palermo::rules {
class RuleBook;
}

namespace palermo::returns {
class ReturnsService;
}

namespace palermo::monitoring {
class BlockListService;
}

namespace palermo::plans {
class ImplementationReports;
}

namespace palermo::international {
class RequestAnswers;
class InternationalReturns;
}

namespace palermo::api {

// The services the handlers call. Handlers never hold the store: every read and write, check and
// audit entry is a service's (docs/architecture.md, "Where a new route goes").
struct AppContext {
  const Config& config;
  http::Metrics& metrics;
  auth::AuthService& auth;
  admin::AdminService& admin;
  records::RecordService* records = nullptr;   // null: no record routes (schema not loaded)
  stats::StatsService* stats = nullptr;        // null: no statistics routes
  linkage::LinkageService* linkage = nullptr;  // null: no linkage routes
  const rules::RuleBook* rules = nullptr;      // the screening rule sets and rate tables
  returns::ReturnsService* returns = nullptr;  // periodic returns: completeness and due periods
  monitoring::BlockListService* block_list = nullptr;  // O1: the block list for access providers
  plans::ImplementationReports* plan_reports = nullptr;  // P3: a plan's implementation report
  international::RequestAnswers* answers = nullptr;      // P4: answers to international requests
  international::InternationalReturns* international_returns = nullptr;  // S3: GLOTIP, Eurostat / GRETA
  auth::DeviceService* devices = nullptr;  // field work offline (docs/offline.md); null: no device routes
};

// Every route, in one place (app.cpp); one file per resource:
void registerRoutes(http::Router& router, AppContext& ctx);
void registerAuthRoutes(http::Router& router, AppContext& ctx);     // auth_api.cpp: /auth/*
void registerAdminRoutes(http::Router& router, AppContext& ctx);    // admin_api.cpp: users, agencies, roles, audit
void registerRecordRoutes(http::Router& router, AppContext& ctx);   // records_api.cpp: records, attachments, schema
void registerWorkRoutes(http::Router& router, AppContext& ctx);     // work_api.cpp: tasks, screening, countries
void registerImportRoutes(http::Router& router, AppContext& ctx);   // imports_api.cpp: imports, reconciliation
void registerAccessRoutes(http::Router& router, AppContext& ctx);   // access_api.cpp: grants, restrictions, break-glass
void registerStatsRoutes(http::Router& router, AppContext& ctx);    // stats_api.cpp: indicators, reports
void registerLinkageRoutes(http::Router& router, AppContext& ctx);  // linkage_api.cpp: search, persons, review
void registerReturnsRoutes(http::Router& router, AppContext& ctx);
void registerDeviceRoutes(http::Router& router, AppContext& ctx);   // devices_api.cpp: devices for field work offline  // returns_api.cpp: returns, block list, plan reports, answers

// The engine's view of a signed-in user: roles from the schema's role files, agency, region.
records::Actor actorFor(AppContext& ctx, const auth::Principal& p);
// Whether one of the user's roles administers (admin: true); requireAdmin: 403 unless.
bool isAdmin(AppContext& ctx, const auth::Principal& p);
void requireAdmin(AppContext& ctx, const auth::Principal& p);

// Serves the built web application from `root` (index.html for client-side routes).
http::Handler staticFiles(std::string root);

// JSON shape of a user as the API shows it (never the password hash).
Json userJson(const UserRow& u);

}  // namespace palermo::api
