#include "http/router.hpp"

#include <stdexcept>

namespace palermo::http {

namespace {
std::vector<std::string_view> split(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    const auto j = path.find('/', i);
    out.push_back(path.substr(i, j == std::string_view::npos ? std::string_view::npos : j - i));
    if (j == std::string_view::npos) break;
    i = j;
  }
  return out;
}
}  // namespace

void Router::add(std::string method, std::string pattern, Handler handler, RouteOptions options) {
  Route r{std::move(method), std::move(pattern), {}, std::move(handler), options};
  for (auto s : split(r.pattern)) r.segments.emplace_back(s);
  for (const auto& existing : routes_)
    if (existing.method == r.method && existing.pattern == r.pattern)
      throw std::logic_error("route registered twice: " + r.method + " " + r.pattern);
  routes_.push_back(std::move(r));
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  const auto parts = split(path);
  Match m;
  std::string allow;
  // Literal segments beat parameters: try routes in two passes, literal-only patterns first.
  const Route* best = nullptr;
  int bestParams = 1 << 30;
  std::map<std::string, std::string> bestValues;
  for (const auto& r : routes_) {
    if (r.segments.size() != parts.size()) continue;
    std::map<std::string, std::string> values;
    int params = 0;
    bool ok = true;
    for (std::size_t i = 0; i < parts.size() && ok; ++i) {
      const auto& seg = r.segments[i];
      if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
        values[seg.substr(1, seg.size() - 2)] = std::string(parts[i]);
        ++params;
      } else {
        ok = seg == parts[i];
      }
    }
    if (!ok) continue;
    if (r.method != method && !(method == "HEAD" && r.method == "GET")) {
      if (allow.find(r.method) == std::string::npos) allow += allow.empty() ? r.method : ", " + r.method;
      continue;
    }
    if (params < bestParams) {
      best = &r;
      bestParams = params;
      bestValues = std::move(values);
    }
  }
  if (best) {
    m.handler = &best->handler;
    m.pattern = best->pattern;
    m.params = std::move(bestValues);
    m.on_io_thread = best->options.on_io_thread;
    m.try_on_io_thread = best->options.try_on_io_thread;
    return m;
  }
  if (!allow.empty()) {
    m.status = 405;
    m.allow = allow;
    return m;
  }
  if (fallback_ && (method == "GET" || method == "HEAD") && path.rfind("/api/", 0) != 0) {
    m.handler = &fallback_;
    m.pattern = "(static)";
    return m;
  }
  m.status = 404;
  return m;
}

}  // namespace palermo::http
