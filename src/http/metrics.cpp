#include "http/metrics.hpp"

#include <fmt/format.h>

namespace palermo::http {

const std::vector<double>& Metrics::buckets() {
  static const std::vector<double> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                               0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return kBuckets;
}

namespace {
constexpr const char* kMethods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "other"};
int methodIndex(std::string_view m) {
  for (int i = 0; i < 7; ++i)
    if (m == kMethods[i]) return i;
  return 7;
}
}  // namespace

void Metrics::recordRequest(const std::string& route, const std::string& method, int status, double seconds) {
  const int mi = methodIndex(method);
  std::lock_guard lock(mu_);
  auto it = routes_.find(std::string_view(route));
  if (it == routes_.end()) it = routes_.emplace(route, RouteStats{}).first;
  auto& r = it->second;
  ++r.by_method_status[{mi, status}];
  if (r.counts.empty()) r.counts.assign(buckets().size(), 0);
  const auto& b = buckets();
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (seconds <= b[i]) {
      ++r.counts[i];
      break;
    }
  }
  ++r.count;
  r.sum += seconds;
}

void Metrics::addSource(std::function<void(std::string&)> source) {
  std::lock_guard lock(mu_);
  sources_.push_back(std::move(source));
}

namespace {
std::string escapeLabel(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}
}  // namespace

std::string Metrics::render() const {
  std::string out;
  std::vector<std::function<void(std::string&)>> sources;
  {
    std::lock_guard lock(mu_);
    out += "# HELP palermo_http_requests_total HTTP requests by route pattern, method and status.\n";
    out += "# TYPE palermo_http_requests_total counter\n";
    for (const auto& [route, r] : routes_) {
      for (const auto& [key, n] : r.by_method_status)
        out += fmt::format("palermo_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
                           escapeLabel(route), kMethods[key.first], key.second, n);
    }
    out += "# HELP palermo_http_request_duration_seconds Time from request received to response written.\n";
    out += "# TYPE palermo_http_request_duration_seconds histogram\n";
    for (const auto& [route, h] : routes_) {
      uint64_t cumulative = 0;
      for (std::size_t i = 0; i < buckets().size(); ++i) {
        cumulative += h.counts[i];
        out += fmt::format("palermo_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                           escapeLabel(route), buckets()[i], cumulative);
      }
      out += fmt::format("palermo_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n",
                         escapeLabel(route), h.count);
      out += fmt::format("palermo_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", escapeLabel(route), h.sum);
      out += fmt::format("palermo_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", escapeLabel(route),
                         h.count);
    }
    sources = sources_;
  }
  out += "# HELP palermo_http_open_connections Client connections open now.\n";
  out += "# TYPE palermo_http_open_connections gauge\n";
  out += fmt::format("palermo_http_open_connections {}\n", openConnections());
  for (const auto& s : sources) s(out);
  return out;
}

}  // namespace palermo::http
