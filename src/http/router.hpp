// A thin router: method + path pattern with {name} parameters -> handler.
// Handlers are ordinary synchronous functions; the server runs them on the worker pool (where
// blocking on the database is fine) unless the route is marked `on_io_thread` (trivial, never
// blocking handlers such as /healthz) or `try_on_io_thread` (a read that usually needs nothing
// that blocks: tried on the I/O thread, run again on a worker if it must block; core/blocking.hpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace palermo::http {

struct RouteOptions {
  bool on_io_thread = false;
  bool try_on_io_thread = false;
};

class Router {
 public:
  void add(std::string method, std::string pattern, Handler handler, RouteOptions options = {});
  void get(std::string pattern, Handler h, RouteOptions o = {}) { add("GET", std::move(pattern), std::move(h), o); }
  void post(std::string pattern, Handler h, RouteOptions o = {}) { add("POST", std::move(pattern), std::move(h), o); }
  void put(std::string pattern, Handler h, RouteOptions o = {}) { add("PUT", std::move(pattern), std::move(h), o); }
  void patch(std::string pattern, Handler h, RouteOptions o = {}) { add("PATCH", std::move(pattern), std::move(h), o); }
  void del(std::string pattern, Handler h, RouteOptions o = {}) { add("DELETE", std::move(pattern), std::move(h), o); }
  // Handler for GET requests that match no route (the web application's files).
  void fallback(Handler h) { fallback_ = std::move(h); }

  struct Match {
    const Handler* handler = nullptr;
    std::string pattern;
    std::map<std::string, std::string> params;
    bool on_io_thread = false;
    bool try_on_io_thread = false;
    // When no route matched: 404, or 405 with the allowed methods.
    int status = 0;
    std::string allow;
  };
  [[nodiscard]] Match match(std::string_view method, std::string_view path) const;

  // Every route as (method, pattern), in the order added: for `palermo routes` and the tests
  // that try every route (tests/integration/hostile_test.cpp).
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> routes() const {
    std::vector<std::pair<std::string, std::string>> out;
    out.reserve(routes_.size());
    for (const auto& r : routes_) out.emplace_back(r.method, r.pattern);
    return out;
  }

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;  // "{x}" marks a parameter
    Handler handler;
    RouteOptions options;
  };
  std::vector<Route> routes_;
  Handler fallback_;
};

}  // namespace palermo::http
