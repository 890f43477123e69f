// Wires the HTTP routes of the API to the services. One place lists every route.
#pragma once

#include <memory>

#include "auth/auth_service.hpp"
#include "core/config.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"
#include "store/store.hpp"

namespace palermo::records {
class RecordService;
}

namespace palermo::api {

struct AppContext {
  const Config& config;
  Store& store;
  http::Metrics& metrics;
  auth::AuthService& auth;
  records::RecordService* records = nullptr;  // null: no record routes (schema not loaded)
};

void registerRoutes(http::Router& router, AppContext& ctx);
void registerRecordRoutes(http::Router& router, AppContext& ctx);

// Serves the built web application from `root` (index.html for client-side routes).
http::Handler staticFiles(std::string root);

// JSON shape of a user as the API shows it (never the password hash).
Json userJson(const UserRow& u);

}  // namespace palermo::api
