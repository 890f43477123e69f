// Small helpers the route files share: reading path parameters and body fields the same way
// everywhere, and the clock. Handlers parse the request, call one service and shape the answer;
// nothing here reaches the store.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "auth/auth_service.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "http/message.hpp"

namespace palermo::api {

inline int64_t nowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Who sends the request, from its headers (auth::Credentials).
auth::Credentials credentialsOf(const http::Request& req);

// The signed-in user of a request, or 401/403 (auth::AuthService::require).
inline auth::Principal requireUser(auth::AuthService& auth, const http::Request& req,
                                   bool allow_pending_change = false) {
  return auth.require(credentialsOf(req), allow_pending_change);
}

// A positive decimal id from the path (`name`), or 404 naming `what` ("record", "user").
int64_t pathId(const http::Request& req, const char* name, const char* what = "record");

// A text member of a JSON body: absent or null is "" (an error when `required`); anything but a
// string, or longer than `max_len` bytes, is an error naming the member.
std::string stringField(const Json& body, const char* name, std::vector<FieldError>& errors, bool required,
                        std::size_t max_len = 200);

}  // namespace palermo::api
