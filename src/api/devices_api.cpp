// Devices for field work offline: /api/v1/devices (docs/offline.md). The rules live in
// auth::DeviceService.
#include "api/app.hpp"
#include "api/common.hpp"
#include "auth/devices.hpp"

namespace palermo::api {

using http::Request;
using http::Response;

namespace {
// The wrapping key travels in these answers: never cached anywhere.
Response noStore(Response res) {
  res.set("Cache-Control", "no-store");
  return res;
}
}  // namespace

void registerDeviceRoutes(http::Router& r, AppContext& ctx) {
  r.post("/api/v1/devices", [&ctx](Request& req) {
    auto p = requireUser(ctx.auth, req);
    const Json body = req.jsonBody();
    std::vector<FieldError> errors;
    const auto name = stringField(body, "name", errors, true, 100);
    if (!errors.empty()) throw Problem::validation(std::move(errors));
    return noStore(Response::json(201, ctx.devices->registerDevice(p, name)));
  });

  r.get("/api/v1/devices", [&ctx](Request& req) {
    auto p = requireUser(ctx.auth, req);
    int64_t user_id = p.user.id;
    if (const auto q = req.queryParam("user_id"); !q.empty()) {
      user_id = 0;
      for (char c : q) {
        if (c < '0' || c > '9' || user_id > 100000000000LL)
          throw Problem::validation({{"user_id", "format", "user_id is a user's id (a positive number)."}});
        user_id = user_id * 10 + (c - '0');
      }
    }
    return noStore(Response::json(200, ctx.devices->list(p, user_id, isAdmin(ctx, p))));
  });

  r.post("/api/v1/devices/{id}/unlock", [&ctx](Request& req) {
    auto p = requireUser(ctx.auth, req);
    return noStore(Response::json(200, ctx.devices->unlock(p, req.params.at("id"))));
  });

  r.post("/api/v1/devices/{id}/sync", [&ctx](Request& req) {
    auto p = requireUser(ctx.auth, req);
    const Json body = req.body.empty() ? Json::object() : req.jsonBody();
    int64_t pending = 0;
    if (body.is_object() && body.contains("pending")) {
      if (!body["pending"].is_number_integer())
        throw Problem::validation({{"pending", "type", "pending is a whole number (the changes still on the device)."}});
      pending = body["pending"].get<int64_t>();
    }
    return noStore(Response::json(200, ctx.devices->synced(p, req.params.at("id"), pending)));
  });

  r.post("/api/v1/devices/{id}/revoke", [&ctx](Request& req) {
    auto p = requireUser(ctx.auth, req);
    const Json body = req.body.empty() ? Json::object() : req.jsonBody();
    std::vector<FieldError> errors;
    const auto reason = body.is_object() ? stringField(body, "reason", errors, false, 500) : std::string();
    if (!errors.empty()) throw Problem::validation(std::move(errors));
    return noStore(Response::json(200, ctx.devices->revoke(p, req.params.at("id"), reason, isAdmin(ctx, p))));
  });
}

}  // namespace palermo::api
