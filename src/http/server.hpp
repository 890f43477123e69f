// The HTTP edge: Boost.Beast over Asio with C++20 coroutines. See docs/architecture.md.
//
// Threading: `io_threads` threads run the network I/O; each connection lives on its own strand.
// Handlers run on a separate worker pool (blocking database work is allowed there) unless the
// route says on_io_thread. Pipelined requests on one connection are answered one at a time, in
// order; the read buffer is bounded by the header and body limits, which bounds pipelining.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "core/config.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"

namespace palermo::http {

class Server {
 public:
  Server(const Config& config, const Router& router, Metrics& metrics);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the listening socket. Throws std::runtime_error when the address is not loopback and
  // TLS is not configured (unless server.allow_insecure_public), or when binding fails.
  void bind();
  [[nodiscard]] uint16_t port() const;

  // Serves until SIGTERM/SIGINT or requestShutdown(); then stops accepting, lets in-flight
  // requests finish (up to limits.shutdown_grace_ms), waits for the worker pool, and returns.
  void run();
  // Thread-safe.
  void requestShutdown();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace palermo::http
