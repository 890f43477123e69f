#include "core/log.hpp"

#include <spdlog/async.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <fmt/format.h>

#include <chrono>
#include <ctime>

namespace palermo::log {

namespace {

spdlog::level::level_enum toSpd(Level l) {
  switch (l) {
    case Level::trace: return spdlog::level::trace;
    case Level::debug: return spdlog::level::debug;
    case Level::info: return spdlog::level::info;
    case Level::warn: return spdlog::level::warn;
    case Level::error: return spdlog::level::err;
  }
  return spdlog::level::info;
}

const char* name(Level l) {
  switch (l) {
    case Level::trace: return "trace";
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
  }
  return "info";
}

std::string isoNow() {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const auto t = system_clock::to_time_t(now);
  const auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
}

}  // namespace

void init(const std::string& level, const std::string& file) {
  spdlog::drop("palermo");
  std::shared_ptr<spdlog::logger> logger;
  if (file.empty()) {
    logger = spdlog::stderr_logger_mt("palermo");
  } else {
    // Asynchronous file logging keeps disk writes off the I/O threads.
    if (!spdlog::thread_pool()) spdlog::init_thread_pool(8192, 1);
    logger = spdlog::create_async<spdlog::sinks::basic_file_sink_mt>("palermo", file);
  }
  logger->set_pattern("%v");
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

void flush() { spdlog::default_logger()->flush(); }

bool enabled(Level level) { return spdlog::default_logger()->should_log(toSpd(level)); }

void access(std::string_view request_id, std::string_view method, std::string_view route, int status, double ms,
            std::size_t bytes_in, std::size_t bytes_out, std::string_view remote_ip) {
  auto& logger = *spdlog::default_logger();
  if (!logger.should_log(spdlog::level::info)) return;
  fmt::memory_buffer buf;
  fmt::format_to(std::back_inserter(buf),
                 R"({{"ts":"{}","level":"info","event":"http.access","request_id":"{}","method":"{}","route":"{}",)"
                 R"("status":{},"ms":{:.2f},"bytes_in":{},"bytes_out":{},"remote_ip":"{}"}})",
                 isoNow(), request_id, method, route, status, ms, bytes_in, bytes_out, remote_ip);
  logger.log(spdlog::level::info, std::string_view(buf.data(), buf.size()));
}

void write(Level level, const std::string& event, Json fields) {
  if (!enabled(level)) return;
  Json line = Json::object();
  line["ts"] = isoNow();
  line["level"] = name(level);
  line["event"] = event;
  if (fields.is_object()) {
    for (auto& [k, v] : fields.items()) line[k] = std::move(v);
  }
  spdlog::default_logger()->log(toSpd(level), "{}", line.dump(-1, ' ', false, Json::error_handler_t::replace));
}

}  // namespace palermo::log
