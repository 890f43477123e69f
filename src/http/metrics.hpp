// Prometheus text-format metrics: requests by route pattern, method and status; latency
// histograms per route; open connections; plus gauges supplied by other components (database
// time, pool sizes) through `addSource`.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace palermo::http {

class Metrics {
 public:
  void recordRequest(const std::string& route, const std::string& method, int status, double seconds);
  void connectionOpened() { open_connections_.fetch_add(1, std::memory_order_relaxed); }
  void connectionClosed() { open_connections_.fetch_sub(1, std::memory_order_relaxed); }
  [[nodiscard]] long openConnections() const { return open_connections_.load(std::memory_order_relaxed); }

  // A source appends complete metric families (with # HELP / # TYPE lines) to the output.
  void addSource(std::function<void(std::string&)> source);
  [[nodiscard]] std::string render() const;

  static const std::vector<double>& buckets();

 private:
  // Per route pattern: request counts by (method, status) and a latency histogram. Looked up
  // by string_view, so recording a request allocates nothing once its route has been seen.
  struct RouteStats {
    std::map<std::pair<int, int>, uint64_t> by_method_status;  // (method index, status)
    std::vector<uint64_t> counts;  // per bucket, not cumulative
    uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::string, RouteStats, std::less<>> routes_;
  std::vector<std::function<void(std::string&)>> sources_;
  std::atomic<long> open_connections_{0};
};

}  // namespace palermo::http
