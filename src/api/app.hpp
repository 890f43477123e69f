// Wires the HTTP routes of the API to the services. One place lists every route.
#pragma once

#include <memory>
#include <vector>

#include "auth/auth_service.hpp"
#include "core/config.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"
#include "store/store.hpp"

namespace palermo::records {
class RecordService;
struct Actor;
}

namespace palermo::stats {
class StatsService;
}

namespace palermo::linkage {
class PersonLinks;
}

namespace palermo::api {

struct AppContext {
  const Config& config;
  Store& store;
  http::Metrics& metrics;
  auth::AuthService& auth;
  records::RecordService* records = nullptr;  // null: no record routes (schema not loaded)
  stats::StatsService* stats = nullptr;       // null: no statistics routes
  linkage::PersonLinks* links = nullptr;      // null: no linkage routes
};

void registerRoutes(http::Router& router, AppContext& ctx);
void registerRecordRoutes(http::Router& router, AppContext& ctx);
void registerAccessRoutes(http::Router& router, AppContext& ctx);
void registerStatsRoutes(http::Router& router, AppContext& ctx);
void registerLinkageRoutes(http::Router& router, AppContext& ctx);

// The engine's view of a signed-in user: roles from the schema's role files, agency, region.
records::Actor actorFor(AppContext& ctx, const auth::Principal& p);
// 403 unless one of the user's roles administers (admin: true).
void requireAdmin(AppContext& ctx, const auth::Principal& p);
// Role names that exist, and why a list of them cannot be given to a user of `agency_id`.
std::vector<FieldError> checkRoles(AppContext& ctx, const Json& roles, int64_t agency_id, std::vector<std::string>& out);

// Serves the built web application from `root` (index.html for client-side routes).
http::Handler staticFiles(std::string root);

// JSON shape of a user as the API shows it (never the password hash).
Json userJson(const UserRow& u);

}  // namespace palermo::api
