// The HTTP edge, as a client sees it: health, limits, timeouts, malformed input, problem+json,
// keep-alive and pipelining, TLS, the loopback rule.
#include <atomic>

#include "core/blocking.hpp"
#include "core/config.hpp"
#include "harness.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"
#include "http/server.hpp"

using namespace palermo::test;
using palermo::Json;

namespace {

void expectProblem(const HttpResult& r, int status, const std::string& code) {
  EXPECT_EQ(r.status, status);
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  auto j = r.json();
  EXPECT_EQ(j["status"], status);
  EXPECT_EQ(j["code"], code);
  EXPECT_FALSE(j["request_id"].get<std::string>().empty());
  EXPECT_EQ(j["request_id"], r.header("x-request-id"));
}

}  // namespace

TEST(Server, HealthReadinessVersionAndMetrics) {
  ServerProcess s;
  auto h = s.request("GET", "/healthz");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.json()["status"], "ok");
  auto r = s.request("GET", "/readyz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["migrations"], "applied");
  auto v = s.request("GET", "/api/v1/version");
  EXPECT_EQ(v.json()["name"], "palermo");
  s.request("GET", "/api/v1/nope");
  // A request is counted when its response has been written, which may be just after the client
  // has read it, on whichever I/O thread served its connection: poll until each is counted (seen
  // under ASan on PostgreSQL, and on a loaded machine for the first request).
  auto m = s.request("GET", "/metrics");
  auto all_counted = [&m] {
    for (const char* route : {"route=\"(unmatched)\",method=\"GET\",status=\"404\"} 1",
                              "route=\"/healthz\",method=\"GET\",status=\"200\"} 1",
                              "route=\"/api/v1/version\",method=\"GET\",status=\"200\"} 1",
                              "palermo_http_request_duration_seconds_bucket{route=\"/readyz\",le=\"+Inf\"} 1"})
      if (m.body.find(route) == std::string::npos) return false;
    return true;
  };
  for (int i = 0; i < 100 && !all_counted(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    m = s.request("GET", "/metrics");
  }
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("palermo_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"} 1"),
            std::string::npos)
      << m.body;
  EXPECT_NE(m.body.find("palermo_http_request_duration_seconds_bucket{route=\"/readyz\",le=\"+Inf\"} 1"),
            std::string::npos);
  EXPECT_NE(m.body.find("palermo_http_requests_total{route=\"(unmatched)\",method=\"GET\",status=\"404\"} 1"),
            std::string::npos);
  EXPECT_NE(m.body.find("palermo_http_open_connections"), std::string::npos);
  EXPECT_NE(m.body.find("palermo_db_seconds_total{backend=\"" + testBackendName() + "\"}"), std::string::npos);
}

// Off a loopback address /metrics and the OpenAPI document are not public unless configured
// (server.public_metrics / public_openapi "auto"); here the setting is forced off on loopback.
TEST(Server, MetricsAndOpenApiNeedSigningInWhenNotPublic) {
  auto dir = makeTempDir("palermo-it");
  auto [code, out] = runCli("user add --data-dir " + dir.string() +
                            " --set security.password_cost=min --login admin --display-name Admin --role admin");
  std::smatch m;
  ASSERT_TRUE(code == 0 && std::regex_search(out, m, std::regex("One-time password: (\\S+)"))) << out;
  ServerProcess s({"--set", "server.public_metrics=false", "--set", "server.public_openapi=false"}, dir);
  auto metrics = s.request("GET", "/metrics");
  EXPECT_EQ(metrics.status, 401) << metrics.body;
  EXPECT_EQ(metrics.body.find("palermo_http_requests_total"), std::string::npos);
  EXPECT_EQ(s.request("GET", "/api/v1/openapi.json").status, 401);
  // Plain HTTP: no HSTS (it would pin a host that has no TLS).
  EXPECT_TRUE(metrics.header("strict-transport-security").empty());
  Client admin = signIn(s, "admin", m[1], true);
  auto shown = admin.call("GET", "/metrics");
  EXPECT_EQ(shown.status, 200);
  EXPECT_NE(shown.body.find("palermo_http_requests_total"), std::string::npos);
  EXPECT_EQ(admin.call("GET", "/api/v1/openapi.json").status, 200);
  std::filesystem::remove_all(dir);
}

TEST(Server, UnknownPathAndWrongMethodAreProblems) {
  ServerProcess s;
  expectProblem(s.request("GET", "/api/v1/nothing-here"), 404, "not_found");
  auto r = s.request("DELETE", "/healthz");
  expectProblem(r, 405, "http.method_not_allowed");
  EXPECT_EQ(r.header("allow"), "GET");
}

TEST(Server, EchoesPlainRequestIdAndReplacesHostileOne) {
  ServerProcess s;
  auto r = s.request("GET", "/healthz", "", {{"X-Request-Id", "abc-123"}});
  EXPECT_EQ(r.header("x-request-id"), "abc-123");
  r = s.request("GET", "/healthz", "", {{"X-Request-Id", "<script>"}});
  EXPECT_NE(r.header("x-request-id"), "<script>");
  EXPECT_FALSE(r.header("x-request-id").empty());
}

TEST(Server, MalformedRequestGets400AndClose) {
  ServerProcess s;
  Conn c(s.port());
  c.send("GARBAGE\r\n\r\n");
  auto r = c.readResponse();
  ASSERT_TRUE(r);
  expectProblem(*r, 400, "http.malformed");
  EXPECT_TRUE(c.closedByPeer(2000));
}

TEST(Server, OversizedHeadGets431) {
  ServerProcess s({"--set", "limits.header_bytes=2048"});
  Conn c(s.port());
  c.send(buildRequest("GET", "/healthz", "", {{"X-Big", std::string(4000, 'a')}}));
  auto r = c.readResponse();
  ASSERT_TRUE(r);
  expectProblem(*r, 431, "http.header_too_large");
}

TEST(Server, OversizedBodyGets413) {
  ServerProcess s({"--set", "limits.body_bytes=2048"});
  Conn c(s.port());
  c.send(buildRequest("POST", "/api/v1/auth/login", std::string(5000, 'x'), {{"Content-Type", "application/json"}}));
  auto r = c.readResponse();
  ASSERT_TRUE(r);
  expectProblem(*r, 413, "http.body_too_large");
}

TEST(Server, BadJsonAndWrongMediaTypeAreNamed) {
  ServerProcess s;
  auto r = s.request("POST", "/api/v1/auth/login", "{\"login\": ");
  expectProblem(r, 400, "request.malformed_json");
  Conn c(s.port());
  c.send(buildRequest("POST", "/api/v1/auth/login", "login=a", {{"Content-Type", "text/plain"}}));
  auto r2 = c.readResponse();
  ASSERT_TRUE(r2);
  expectProblem(*r2, 415, "request.media_type");
  auto r3 = s.request("POST", "/api/v1/auth/login", "{\"login\": 5}");
  expectProblem(r3, 422, "validation.failed");
  auto errors = r3.json()["errors"];
  ASSERT_EQ(errors.size(), 2U);
  EXPECT_EQ(errors[0]["field"], "login");
  EXPECT_EQ(errors[0]["code"], "type");
  EXPECT_EQ(errors[1]["field"], "password");
  EXPECT_EQ(errors[1]["code"], "required");
}

TEST(Server, KeepAliveAndPipelinedRequestsAnsweredInOrder) {
  ServerProcess s;
  Conn c(s.port());
  c.send(buildRequest("GET", "/healthz") + buildRequest("GET", "/api/v1/version") + buildRequest("GET", "/api/v1/nope"));
  auto a = c.readResponse();
  auto b = c.readResponse();
  auto d = c.readResponse();
  ASSERT_TRUE(a && b && d);
  EXPECT_EQ(a->json()["status"], "ok");
  EXPECT_EQ(b->json()["name"], "palermo");
  EXPECT_EQ(d->status, 404);
  // Still open for more.
  c.send(buildRequest("GET", "/healthz"));
  auto e = c.readResponse();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->status, 200);
}

TEST(Server, SlowRequestTimesOutWith408) {
  ServerProcess s({"--set", "limits.read_timeout_ms=300"});
  Conn c(s.port());
  c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n");  // head never finished
  auto r = c.readResponse();
  ASSERT_TRUE(r);
  expectProblem(*r, 408, "http.timeout");
  EXPECT_TRUE(c.closedByPeer(2000));
}

TEST(Server, IdleConnectionIsClosed) {
  ServerProcess s({"--set", "limits.idle_timeout_ms=300"});
  Conn c(s.port());
  c.send(buildRequest("GET", "/healthz"));
  ASSERT_TRUE(c.readResponse());
  EXPECT_TRUE(c.closedByPeer(3000));
}

TEST(Server, RefusesPlainHttpOnPublicAddress) {
  auto dir = makeTempDir("palermo-it");
  auto [code, out] = runCli("serve --data-dir " + dir.string() + " --set statistics.dir=" + std::string(PALERMO_SOURCE_DIR) +
                            "/indicators --set schema.dir=" + std::string(PALERMO_SOURCE_DIR) +
                            "/schema --set server.host=0.0.0.0 --set server.port=0");
  EXPECT_NE(code, 0);
  EXPECT_NE(out.find("refusing to serve plain HTTP"), std::string::npos) << out;
  std::filesystem::remove_all(dir);
}

TEST(Server, RejectsUnknownConfigurationKeyByName) {
  auto [code, out] = runCli("config --set server.prot=1");
  EXPECT_EQ(code, 2);
  EXPECT_NE(out.find("server.prot"), std::string::npos) << out;
  auto [code2, out2] = runCli("config --set server.port=99999");
  EXPECT_EQ(code2, 2);
  EXPECT_NE(out2.find("server.port"), std::string::npos) << out2;
}

TEST(Server, ServesOverTls) {
  auto dir = makeTempDir("palermo-tls");
  const auto cert = (dir / "cert.pem").string();
  const auto key = (dir / "key.pem").string();
  const std::string gen = "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 -keyout " + key +
                          " -out " + cert + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(gen.c_str()), 0);
  ServerProcess s({"--set", "tls.cert=" + cert, "--set", "tls.key=" + key});
  const std::string url = "https://127.0.0.1:" + std::to_string(s.port()) + "/healthz";
  FILE* p = popen(("curl -sk --tlsv1.2 " + url).c_str(), "r");
  char buf[256] = {};
  const auto n = fread(buf, 1, sizeof buf - 1, p);
  pclose(p);
  EXPECT_NE(std::string(buf, n).find("\"ok\""), std::string::npos);
  // Over TLS the browser is told to keep to HTTPS (HSTS), for a year.
  FILE* h = popen(("curl -sk -D - -o /dev/null " + url).c_str(), "r");
  std::string head;
  while (std::size_t k = fread(buf, 1, sizeof buf - 1, h)) head.append(buf, k);
  pclose(h);
  std::transform(head.begin(), head.end(), head.begin(), [](unsigned char c) { return std::tolower(c); });
  EXPECT_NE(head.find("strict-transport-security: max-age=31536000"), std::string::npos) << head;
  // TLS 1.1 and older are refused.
  const std::string old = "curl -sk --tls-max 1.1 -o /dev/null -w '%{http_code}' " + url + " 2>/dev/null";
  FILE* q = popen(old.c_str(), "r");
  char code[16] = {};
  const auto m = fread(code, 1, sizeof code - 1, q);
  pclose(q);
  EXPECT_EQ(std::string(code, m), "000");
  // TLS 1.2 offers forward-secret AEAD suites only: a CBC suite or RSA key exchange is refused.
  for (const std::string cipher : {"ECDHE-RSA-AES128-SHA", "AES128-GCM-SHA256"}) {
    FILE* c = popen(("curl -sk --tls-max 1.2 --ciphers " + cipher + " -o /dev/null -w '%{http_code}' " + url +
                     " 2>/dev/null").c_str(), "r");
    char got[16] = {};
    const auto k = fread(got, 1, sizeof got - 1, c);
    pclose(c);
    EXPECT_EQ(std::string(got, k), "000") << cipher;
  }
  FILE* g = popen(("curl -sk --tls-max 1.2 --ciphers ECDHE-RSA-AES128-GCM-SHA256 -o /dev/null -w '%{http_code}' " + url +
                   " 2>/dev/null").c_str(), "r");
  char ok[16] = {};
  const auto j = fread(ok, 1, sizeof ok - 1, g);
  pclose(g);
  EXPECT_EQ(std::string(ok, j), "200");
  std::filesystem::remove_all(dir);
}

TEST(Server, AccessLogHasRoutePatternButNoQueryOrBody) {
  ServerProcess s;
  s.request("GET", "/api/v1/nothing?name=Secretname");
  s.request("POST", "/api/v1/auth/login", R"({"login":"Secretlogin","password":"Secretpassword"})");
  s.stop(SIGTERM);
  const auto log = s.log();
  EXPECT_NE(log.find("\"event\":\"http.access\""), std::string::npos) << log;
  EXPECT_NE(log.find("\"route\":\"/api/v1/auth/login\""), std::string::npos);
  EXPECT_EQ(log.find("Secret"), std::string::npos) << log;
}

// Answers are compressed for clients that take gzip, and the schema is revalidated with its ETag
// (issue 27: the schema on every page load, nothing compressed).
TEST(Server, CompressesAnswersAndRevalidatesTheSchema) {
  auto dir = makeTempDir("palermo-it");
  auto [code, out] = runCli("user add --data-dir " + dir.string() +
                            " --set security.password_cost=min --login admin --display-name Admin --role admin");
  std::smatch m;
  ASSERT_TRUE(code == 0 && std::regex_search(out, m, std::regex("One-time password: (\\S+)"))) << out;
  std::filesystem::create_directories(dir / "web" / "assets");
  std::string script = "// the application\n";
  for (int i = 0; i < 400; ++i) script += "export const line" + std::to_string(i) + " = 'Palermo';\n";
  std::ofstream(dir / "web" / "index.html") << "<!doctype html><title>Palermo</title>";
  std::ofstream(dir / "web" / "assets" / "app-1a2b.js") << script;
  ServerProcess s({}, dir);
  Client admin = signIn(s, "admin", m[1], true);
  auto schema = admin.call("GET", "/api/v1/schema", nullptr, {{"Accept-Encoding", "gzip"}});
  ASSERT_EQ(schema.status, 200);
  EXPECT_EQ(schema.header("content-encoding"), "gzip");
  EXPECT_EQ(schema.header("vary"), "Accept-Encoding");
  EXPECT_EQ(static_cast<unsigned char>(schema.body[0]), 0x1f);  // the gzip magic
  const std::string etag = schema.header("etag");
  ASSERT_FALSE(etag.empty());
  auto again = admin.call("GET", "/api/v1/schema", nullptr, {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  auto plain = admin.call("GET", "/api/v1/schema");
  EXPECT_EQ(plain.status, 200);
  EXPECT_TRUE(plain.header("content-encoding").empty());
  EXPECT_NO_THROW((void)plain.json());
  EXPECT_GT(plain.body.size(), schema.body.size() * 3);  // about 300 KB, 85 KB gzipped
  // The web application's files too; sign-in answers never (they hold the CSRF token).
  auto asset = s.request("GET", "/assets/app-1a2b.js", "", {{"Accept-Encoding", "gzip, deflate, br"}});
  EXPECT_EQ(asset.status, 200);
  EXPECT_EQ(asset.header("content-encoding"), "gzip");
  EXPECT_EQ(s.request("GET", "/assets/app-1a2b.js").body, script);
  auto me = admin.call("GET", "/api/v1/auth/me", nullptr, {{"Accept-Encoding", "gzip"}});
  EXPECT_TRUE(me.header("content-encoding").empty());
  std::filesystem::remove_all(dir);
}

// A route marked try_on_io_thread is answered on the I/O thread while its handler blocks on
// nothing; a handler that must block (core/blocking.hpp: a write, a remote read, hashing) stops
// at mayBlock() before doing anything and is run again on a worker - even when it catches
// std::exception on the way. Other routes run on a worker, where mayBlock() lets everything pass.
TEST(Server, AReadTriedOnTheIoThreadRunsAgainOnAWorkerWhenItMustBlock) {
  using palermo::http::Request;
  using palermo::http::Response;
  std::atomic<int> quick_calls{0}, blocking_calls{0}, catching_calls{0};
  auto where = [] { return Response::text(200, palermo::tryingInline() ? "io" : "worker"); };
  palermo::http::Router router;
  router.get("/quick", [&](Request&) {
    ++quick_calls;
    return where();
  }, {.try_on_io_thread = true});
  router.get("/blocks", [&](Request&) {
    ++blocking_calls;
    palermo::mayBlock();
    return where();
  }, {.try_on_io_thread = true});
  router.get("/catches", [&](Request&) {
    ++catching_calls;
    try {
      palermo::mayBlock();
    } catch (const std::exception&) {
      return Response::text(500, "swallowed");
    }
    return where();
  }, {.try_on_io_thread = true});
  router.get("/plain", [&](Request&) {
    palermo::mayBlock();
    return where();
  });
  palermo::Config config;
  config.host = "127.0.0.1";
  config.port = 0;
  config.io_threads = 1;
  config.worker_threads = 2;
  palermo::http::Metrics metrics;
  palermo::http::Server server(config, router, metrics);
  server.bind();
  std::thread serving([&] { server.run(); });
  auto get = [&](const std::string& path) {
    Conn c(server.port());
    c.send(buildRequest("GET", path, "", {{"Connection", "close"}}));
    auto r = c.readResponse();
    return r ? *r : HttpResult{};
  };
  const std::pair<std::string, std::string> kAnsweredOn[] = {
      {"/quick", "io"}, {"/blocks", "worker"}, {"/catches", "worker"}, {"/plain", "worker"}};
  for (int i = 0; i < 3; ++i)
    for (const auto& [path, where_answered] : kAnsweredOn) {
      auto r = get(path);
      EXPECT_EQ(r.status, 200) << path;
      EXPECT_EQ(r.body, where_answered) << path;
    }
  EXPECT_EQ(quick_calls.load(), 3);     // once each, where it was read
  EXPECT_EQ(blocking_calls.load(), 6);  // tried, then again on a worker
  EXPECT_EQ(catching_calls.load(), 6);
  EXPECT_FALSE(palermo::tryingInline());
  server.requestShutdown();
  serving.join();
}
