#include "http/compress.hpp"
#include "http/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>

#include <atomic>
#include <cmath>
#include <chrono>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "core/blocking.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "http/problem.hpp"
#include "http/request_read.hpp"

namespace palermo::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Executor = asio::any_io_executor;  // a strand: every connection lives on its own
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

namespace {

// A durable write holds its worker until the group commit it joined is on disk, so the workers
// bound how many writes one commit can carry: with 16, a batch held 8.5 on average under 64
// writing connections (bench/README.md). CPU-heavy work has its own bounds (password hashing
// one call per core, auth/password.cpp; the statistics on core/work_pool).
constexpr int kDefaultWorkerThreads = 64;

// What the shutdown logic needs to know about one connection.
struct ConnState {
  explicit ConnState(Executor e) : executor(std::move(e)) {}
  Executor executor;
  bool busy = false;                // a request is being handled (touched only on the strand)
  std::function<void()> cancel;     // cancels pending I/O (call only on the strand)
};

bool isLoopback(const asio::ip::address& a) {
  return a.is_loopback() || (a.is_v6() && a.to_v6().is_v4_mapped() &&
                             asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6()).is_loopback());
}

}  // namespace

struct Server::Impl {
  Impl(const Config& c, const Router& r, Metrics& m)
      : config(c),
        router(r),
        metrics(m),
        ioc(c.io_threads > 0 ? c.io_threads : static_cast<int>(std::max(1U, std::thread::hardware_concurrency()))),
        acceptor(ioc),
        workers(static_cast<std::size_t>(c.worker_threads > 0 ? c.worker_threads : kDefaultWorkerThreads)),
        signals(ioc, SIGINT, SIGTERM),
        grace_timer(ioc) {}

  const Config& config;
  const Router& router;
  Metrics& metrics;
  asio::io_context ioc;
  std::optional<asio::ssl::context> tls;
  tcp::acceptor acceptor;
  asio::thread_pool workers;
  asio::signal_set signals;
  asio::steady_timer grace_timer;
  std::atomic<bool> draining{false};
  uint16_t bound_port = 0;

  std::mutex conn_mu;
  std::unordered_map<uint64_t, std::shared_ptr<ConnState>> conns;
  uint64_t next_conn_id = 0;

  void bind();
  void startShutdown();
  void connectionFinished(uint64_t id);
  asio::awaitable<void> acceptLoop();
  asio::awaitable<void> handleConnection(tcp::socket socket);
  template <class Stream>
  asio::awaitable<void> serve(Stream& stream, ConnState& state, const std::string& remote_ip, bool is_tls);
  asio::awaitable<Response> dispatch(Request& req, std::string& route_label);
  Response invoke(const Handler& handler, Request& req);
};

void Server::Impl::bind() {
  asio::ip::address address;
  boost::system::error_code ec;
  address = asio::ip::make_address(config.host, ec);
  if (ec) {
    tcp::resolver resolver(ioc);
    auto results = resolver.resolve(config.host, "", ec);
    if (ec || results.empty()) throw std::runtime_error("server.host: cannot resolve '" + config.host + "'");
    address = results.begin()->endpoint().address();
  }
  if (!isLoopback(address) && !config.tlsEnabled() && !config.allow_insecure_public) {
    throw std::runtime_error("server.host: refusing to serve plain HTTP on non-loopback address " +
                             address.to_string() +
                             "; configure tls.cert and tls.key, or set server.allow_insecure_public=true "
                             "when a TLS-terminating proxy stands in front");
  }
  if (config.tlsEnabled()) {
    tls.emplace(asio::ssl::context::tls_server);
    tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                     asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1 |
                     asio::ssl::context::single_dh_use);
    SSL_CTX_set_min_proto_version(tls->native_handle(), TLS1_2_VERSION);
    // TLS 1.2 with forward-secret AEAD suites only (Mozilla's "intermediate" list without DHE, for
    // which no parameters are configured): no CBC, no RSA key exchange. TLS 1.3 keeps OpenSSL's
    // suites, in our order (the strongest the client offers). No renegotiation.
    SSL_CTX_set_cipher_list(tls->native_handle(),
                            "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
                            "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305");
    SSL_CTX_set_options(tls->native_handle(), SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    try {
      tls->use_certificate_chain_file(config.tls_cert);
      tls->use_private_key_file(config.tls_key, asio::ssl::context::pem);
    } catch (const boost::system::system_error& e) {
      throw std::runtime_error("tls: cannot load certificate or key: " + std::string(e.what()));
    }
  }
  tcp::endpoint endpoint(address, config.port);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  acceptor.bind(endpoint, ec);
  if (ec) throw std::runtime_error("cannot listen on " + config.host + ":" + std::to_string(config.port) + ": " + ec.message());
  acceptor.listen(asio::socket_base::max_listen_connections);
  bound_port = acceptor.local_endpoint().port();
}

void Server::Impl::startShutdown() {
  if (draining.exchange(true)) return;
  log::info("server.draining", {{"open_connections", metrics.openConnections()}});
  boost::system::error_code ec;
  acceptor.close(ec);
  signals.cancel(ec);
  std::vector<std::shared_ptr<ConnState>> snapshot;
  {
    std::lock_guard lock(conn_mu);
    for (auto& [id, st] : conns) snapshot.push_back(st);
  }
  // Idle connections are closed now; busy ones close after their current response.
  for (auto& st : snapshot) {
    asio::post(st->executor, [st] {
      if (!st->busy && st->cancel) st->cancel();
    });
  }
  grace_timer.expires_after(std::chrono::milliseconds(config.shutdown_grace_ms));
  grace_timer.async_wait([this](boost::system::error_code wait_ec) {
    if (wait_ec) return;  // every connection finished in time
    std::lock_guard lock(conn_mu);
    log::warn("server.grace_expired", {{"open_connections", conns.size()}});
    for (auto& entry : conns) asio::post(entry.second->executor, [st = entry.second] {
        if (st->cancel) st->cancel();
      });
  });
  std::lock_guard lock(conn_mu);
  if (conns.empty()) grace_timer.cancel();
}

void Server::Impl::connectionFinished(uint64_t id) {
  std::lock_guard lock(conn_mu);
  conns.erase(id);
  metrics.connectionClosed();
  if (draining && conns.empty()) asio::post(ioc, [this] { grace_timer.cancel(); });
}

asio::awaitable<void> Server::Impl::acceptLoop() {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(ioc), kTuple);
    if (ec) {
      if (draining || ec == asio::error::operation_aborted) co_return;
      log::warn("server.accept_failed", {{"error", ec.message()}});
      asio::steady_timer pause(ioc, std::chrono::milliseconds(50));  // e.g. out of file descriptors
      co_await pause.async_wait(kTuple);
      continue;
    }
    if (metrics.openConnections() >= config.max_connections) {
      boost::system::error_code ignored;
      socket.close(ignored);
      continue;
    }
    auto executor = socket.get_executor();
    asio::co_spawn(executor, handleConnection(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> Server::Impl::handleConnection(tcp::socket socket) {
  auto state = std::make_shared<ConnState>(Executor(socket.get_executor()));
  uint64_t id = 0;
  {
    std::lock_guard lock(conn_mu);
    if (draining) co_return;
    id = next_conn_id++;
    conns.emplace(id, state);
    metrics.connectionOpened();
  }
  boost::system::error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  const std::string remote_ip = ec ? std::string() : remote.address().to_string();
  socket.set_option(tcp::no_delay(true), ec);
  try {
    if (tls) {
      beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *tls);
      state->cancel = [&stream] { beast::get_lowest_layer(stream).cancel(); };
      beast::get_lowest_layer(stream).expires_after(std::chrono::milliseconds(config.read_timeout_ms));
      auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kTuple);
      if (!hec) {
        co_await serve(stream, *state, remote_ip, true);
        beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
        co_await stream.async_shutdown(kTuple);
      }
      state->cancel = nullptr;
    } else {
      beast::tcp_stream stream(std::move(socket));
      state->cancel = [&stream] { stream.cancel(); };
      co_await serve(stream, *state, remote_ip, false);
      stream.socket().shutdown(tcp::socket::shutdown_send, ec);
      state->cancel = nullptr;
    }
  } catch (const std::exception& e) {
    state->cancel = nullptr;
    log::error("server.connection_error", {{"error", e.what()}});
  }
  connectionFinished(id);
}

template <class Stream>
asio::awaitable<void> Server::Impl::serve(Stream& stream, ConnState& state, const std::string& remote_ip,
                                          bool is_tls) {
  auto& lowest = beast::get_lowest_layer(stream);
  beast::flat_buffer buffer(config.header_limit + std::max(config.body_limit, config.upload_limit) + 4096);
  for (;;) {
    if (draining) co_return;
    // Wait for the first byte of the next request under the idle timeout ...
    if (buffer.size() == 0) {
      lowest.expires_after(std::chrono::milliseconds(config.idle_timeout_ms));
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), kTuple);
      if (ec) co_return;  // closed, idle timeout, or cancelled by shutdown
      buffer.commit(n);
    }
    // ... then the whole request must arrive within the read timeout.
    state.busy = true;
    const auto started = std::chrono::steady_clock::now();
    // Not tcp_stream's own expiry: that closes the socket, and a slow client deserves a 408.
    lowest.expires_never();
    bool timed_out = false;
    asio::steady_timer read_timer(co_await asio::this_coro::executor);
    read_timer.expires_after(std::chrono::milliseconds(config.read_timeout_ms));
    read_timer.async_wait([&timed_out, &lowest](boost::system::error_code tec) {
      if (tec) return;  // cancelled: the request arrived (captured references are not touched)
      timed_out = true;
      boost::system::error_code ignored;
      lowest.socket().cancel(ignored);
    });
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(config.header_limit));
    parser.body_limit(config.body_limit);
    auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, parser, kTuple);
    if (!ec && !parser.is_done()) {
      // Attachment uploads may be larger than other bodies.
      if (isUpload(parser.get())) parser.body_limit(config.upload_limit);
      std::tie(ec, n) = co_await bhttp::async_read(stream, buffer, parser, kTuple);
    }
    read_timer.cancel();
    if (timed_out && ec == asio::error::operation_aborted) ec = beast::error::timeout;

    Request req;
    req.remote_ip = remote_ip;
    req.tls = is_tls;
    std::string route_label = "(unmatched)";
    Response res;
    bool close_after = false;
    bool keep_alive = false;
    unsigned version = 11;
    if (ec) {
      if (ec == bhttp::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
          ec == asio::error::operation_aborted)
        co_return;
      req.request_id = newRequestId();
      res = problemResponse(
          readFailure(ec, parser.is_header_done(), {config.header_limit, config.body_limit, config.upload_limit}),
          req.request_id, "");
      close_after = true;
    } else {
      auto& msg = parser.get();
      version = msg.version();
      keep_alive = msg.keep_alive();
      fillRequest(req, msg, config.trusted_proxies);
      res = co_await dispatch(req, route_label);
    }

    bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(res.status), version};
    out.set(bhttp::field::server, "palermo");
    out.set("X-Request-Id", req.request_id);
    out.set("X-Content-Type-Options", "nosniff");
    // Over TLS (ours, or a trusted proxy's): browsers keep to HTTPS for this host for a year.
    if (req.tls) out.set(bhttp::field::strict_transport_security, "max-age=31536000");
    if (!res.content_type.empty()) out.set(bhttp::field::content_type, res.content_type);
    for (const auto& [k, v] : res.headers) out.insert(k, v);
    const std::size_t body_size = res.body.size();
    if (req.method == "HEAD") {
      out.content_length(body_size);
    } else {
      out.body() = std::move(res.body);
      out.prepare_payload();
    }
    const bool closing = close_after || !keep_alive || draining;
    out.keep_alive(!closing);
    lowest.expires_after(std::chrono::milliseconds(config.read_timeout_ms));
    bhttp::serializer<false, bhttp::string_body> sr{out};
    if (req.method == "HEAD") sr.split(true);
    std::size_t written = 0;
    boost::system::error_code wec;
    if (req.method == "HEAD") {
      std::tie(wec, written) = co_await bhttp::async_write_header(stream, sr, kTuple);
    } else {
      std::tie(wec, written) = co_await bhttp::async_write(stream, sr, kTuple);
    }
    state.busy = false;

    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    metrics.recordRequest(route_label, req.method.empty() ? "-" : req.method, res.status, seconds);
    if (config.access_log) {
      log::access(req.request_id, req.method, route_label, res.status, seconds * 1000.0, req.body.size(), written,
                  remote_ip);
    }
    if (wec || closing) co_return;
  }
}

asio::awaitable<Response> Server::Impl::dispatch(Request& req, std::string& route_label) {
  if (auto refused = checkTarget(req))
    co_return problemResponse(refused->problem, req.request_id, refused->with_path ? req.path : std::string());
  auto match = router.match(req.method, req.path);
  if (!match.handler) {
    if (match.status == 405) {
      Problem p(405, "http.method_not_allowed", "This resource does not accept " + req.method + ".");
      p.headers.emplace_back("Allow", match.allow);
      co_return problemResponse(p, req.request_id, req.path);
    }
    co_return problemResponse(Problem::notFound("No resource at this address."), req.request_id, "");
  }
  route_label = match.pattern;
  req.route = match.pattern;
  req.params = std::move(match.params);
  if (match.on_io_thread) co_return invoke(*match.handler, req);
  if (match.try_on_io_thread) {
    // A read that usually blocks on nothing: answered here; if it must block, it throws
    // MustBlock before doing anything that counts, and runs again on a worker.
    try {
      const InlineAttempt attempt;
      co_return invoke(*match.handler, req);
    } catch (const MustBlock&) {  // NOLINT(bugprone-empty-catch): a worker answers it below
    }
  }
  const Handler* handler = match.handler;
  co_return co_await asio::co_spawn(
      workers, [this, handler, &req]() -> asio::awaitable<Response> { co_return invoke(*handler, req); },
      asio::use_awaitable);
}

Response Server::Impl::invoke(const Handler& handler, Request& req) {
  try {
    Response res = handler(req);
    compressResponse(req, res);  // on the handler's thread, not the connection's
    return res;
  } catch (const MustBlock&) {
    throw;  // tried on an I/O thread: dispatch() runs it on a worker
  } catch (const Problem& p) {
    return problemResponse(p, req.request_id, p.status() == 404 ? std::string() : req.path);
  } catch (const Unavailable& e) {
    log::warn("http.database_unavailable", {{"request_id", req.request_id}, {"route", req.route}, {"error", e.what()}});
    Problem p(503, "service.unavailable",
              "The database did not answer. What you sent may not have been saved: look before sending it again.");
    p.headers.emplace_back("Retry-After", "2");
    return problemResponse(p, req.request_id, "");
  } catch (const std::exception& e) {
    // Log the kind of failure and where, never the request's content.
    log::error("http.handler_failed", {{"request_id", req.request_id}, {"route", req.route}, {"error", e.what()}});
    return problemResponse(Problem(500, "internal", "Something went wrong on the server. Quote the request id "
                                                    "when you report it."),
                           req.request_id, "");
  }
}

Server::Server(const Config& config, const Router& router, Metrics& metrics)
    : impl_(std::make_unique<Impl>(config, router, metrics)) {}

Server::~Server() {
  if (impl_) impl_->workers.join();
}

void Server::bind() { impl_->bind(); }

uint16_t Server::port() const { return impl_->bound_port; }

void Server::requestShutdown() {
  asio::post(impl_->ioc, [impl = impl_.get()] { impl->startShutdown(); });
}

void Server::run() {
  auto& s = *impl_;
  s.signals.async_wait([&s](boost::system::error_code ec, int signo) {
    if (ec) return;
    log::info("server.signal", {{"signal", signo}});
    s.startShutdown();
  });
  asio::co_spawn(s.ioc, s.acceptLoop(), asio::detached);
  const int n = s.config.io_threads > 0 ? s.config.io_threads
                                        : static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(n - 1));
  for (int i = 1; i < n; ++i) threads.emplace_back([&s] { s.ioc.run(); });
  s.ioc.run();
  for (auto& t : threads) t.join();
  // Every connection is closed; let handlers still queued on the workers finish.
  s.workers.join();
  log::info("server.stopped");
}

}  // namespace palermo::http
